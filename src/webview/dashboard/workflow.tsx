import { type DashboardView, type StepState } from '../../core/dashboard/protocol';
import { type Send } from './app';

const STATE_TEXT: Readonly<Record<StepState, string>> = {
  done: 'done',
  current: 'current',
  stale: 'stale',
  blocked: 'blocked',
  warning: 'needs attention',
  todo: 'not started',
};

const STATE_ICON: Readonly<Record<StepState, string>> = {
  done: '✓',
  current: '●',
  stale: '↻',
  blocked: '✕',
  warning: '!',
  todo: '○',
};

/** The spec-kit steps as a stepper, and the next command as a button that runs it in the chat. */
export function Workflow({ view, send }: { view: DashboardView; send: Send }) {
  const { steps, next } = view.workflow;
  return (
    <section class="workflow" aria-labelledby="workflow-heading">
      <h2 id="workflow-heading" class="visually-hidden">Workflow</h2>
      <ol class="stepper">
        {steps.map((s) => (
          <li
            key={s.id}
            class={`step state-${s.state}${s.isNext ? ' is-next' : ''}`}
            data-step={s.id}
            data-state={s.state}
            aria-current={s.isNext ? 'step' : undefined}
            title={`/speckit.${s.id}: ${s.detail}`}
          >
            <span class="step-icon" aria-hidden="true">{STATE_ICON[s.state]}</span>
            <span class="step-label">{s.label}</span>
            <span class="step-state">
              <span class="visually-hidden">: </span>
              {STATE_TEXT[s.state]}
              <span class="visually-hidden">. </span>
            </span>
            <span class="step-detail">{s.detail}</span>
          </li>
        ))}
      </ol>
      {next && (
        <div class="next">
          <button
            type="button"
            class="primary"
            data-testid="next-command"
            disabled={view.readOnly}
            onClick={() => send({ type: 'run', command: next.command })}
            title={view.readOnly ? 'Not in an untrusted workspace' : `Sends @speckit /speckit.${next.command} to the chat`}
          >
            {`Run /speckit.${next.command}`}
          </button>
          <span class="next-title">{next.title}</span>
          {next.blockedBy && <span class="warn">{` — ${next.blockedBy}`}</span>}
          {!view.readOnly && steps.some((s) => s.id === 'analyze' && s.state !== 'todo') && next.command !== 'analyze' && (
            <button type="button" class="secondary" onClick={() => send({ type: 'run', command: 'analyze' })} title="Sends @speckit /speckit.analyze to the chat (read-only)">
              Run /speckit.analyze
            </button>
          )}
        </div>
      )}
    </section>
  );
}
