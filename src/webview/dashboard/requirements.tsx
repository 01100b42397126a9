import { type DashboardView, type RequirementState, type TaskRefView } from '../../core/dashboard/protocol';
import { type Send } from './app';
import { COLUMN_TITLES } from './board';
import { Text, plural } from './text';

const STATE_TEXT: Readonly<Record<RequirementState, string>> = {
  uncovered: 'no task',
  'not-counted': 'business outcome',
  open: 'in progress',
  done: 'done',
  verified: 'verified',
  failed: 'verification failed',
};

const COLUMN_ICON = { open: '○', done: '✓', verified: '✓✓', failed: '✗' } as const;

function TaskChips({ tasks, send, lines }: { tasks: readonly TaskRefView[]; send: Send; lines: ReadonlyMap<string, number> }) {
  return (
    <span class="chips">
      {tasks.map((t) => (
        <button
          type="button"
          class={`chip col-${t.column}`}
          key={t.id}
          data-task-ref={t.id}
          data-column={t.column}
          onClick={() => send({ type: 'open', artifact: 'tasks', line: lines.get(t.id) })}
          aria-label={`${t.id}, ${COLUMN_TITLES[t.column].toLowerCase()}: open in tasks.md`}
        >
          {`${t.id} ${COLUMN_ICON[t.column]}`}
        </button>
      ))}
    </span>
  );
}

/** Requirements with the tasks that cover them (the analysis's coverage), stories and their acceptance scenarios. */
export function Requirements({ view, send }: { view: DashboardView; send: Send }) {
  const r = view.requirements;
  const lines = new Map(view.board.cards.map((c) => [c.id, c.line]));
  const uncovered = r.rows.filter((x) => x.state === 'uncovered').length;
  return (
    <div class="requirements">
      <p class="summary">
        {r.counted > 0 ? `Coverage ${r.coveragePercent}%: ${r.covered} of ${plural(r.counted, 'requirement')} have a task` : 'No requirements with IDs in spec.md.'}
        {uncovered > 0 && <span class="warn">{` · ${plural(uncovered, 'requirement')} without a task`}</span>}
        {r.unmappedTasks.length > 0 && <span class="warn">{` · ${plural(r.unmappedTasks.length, 'task')} without a requirement`}</span>}
      </p>
      {r.rows.length > 0 && (
        <table class="req-table">
          <caption class="visually-hidden">Requirements and the tasks that cover them</caption>
          <thead>
            <tr>
              <th scope="col">ID</th>
              <th scope="col">Requirement</th>
              <th scope="col">Story</th>
              <th scope="col">Tasks</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {r.rows.map((row) => (
              <tr key={row.id} data-req={row.id} data-state={row.state} class={`req state-${row.state}`}>
                <th scope="row">
                  <button type="button" class="link" onClick={() => send({ type: 'open', artifact: 'spec', line: row.line })} aria-label={`${row.id}: open in spec.md`}>
                    {row.id}
                  </button>
                </th>
                <td class="req-text">
                  <Text text={row.text} />
                </td>
                <td>{row.story ?? '—'}</td>
                <td>
                  {row.tasks.length > 0 ? <TaskChips tasks={row.tasks} send={send} lines={lines} /> : <span class="warn">no task</span>}
                  {row.match === 'keyword' && <span class="muted" title={row.notes}> (by keywords)</span>}
                </td>
                <td class="req-state">{STATE_TEXT[row.state]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {r.unmappedTasks.length > 0 && (
        <section class="unmapped-tasks" aria-labelledby="unmapped-heading">
          <h3 id="unmapped-heading">Tasks without a requirement or story</h3>
          <ul>
            {r.unmappedTasks.map((t) => (
              <li key={t.id} data-unmapped={t.id}>
                <button type="button" class="link" onClick={() => send({ type: 'open', artifact: 'tasks', line: t.line })}>
                  {t.id}
                </button>{' '}
                <Text text={t.description} />
              </li>
            ))}
          </ul>
        </section>
      )}

      {r.stories.length > 0 && (
        <section class="stories" aria-labelledby="stories-heading">
          <h3 id="stories-heading">User stories</h3>
          {r.stories.map((s) => (
            <article class="story" key={s.id} data-story={s.id} aria-labelledby={`story-${s.id}`}>
              <h4 id={`story-${s.id}`}>
                <button type="button" class="link" onClick={() => send({ type: 'open', artifact: 'spec', line: s.line })}>
                  {s.id}
                </button>
                {s.priority && <span class="badge priority">{s.priority}</span>} <Text text={s.title} />
              </h4>
              {s.independentTest && (
                <p class="muted">
                  <strong>Independent test: </strong>
                  <Text text={s.independentTest} />
                </p>
              )}
              {s.scenarios.length > 0 && (
                <ol class="scenarios" aria-label={`Acceptance scenarios of ${s.id}`}>
                  {s.scenarios.map((x) => (
                    <li key={x.index}>
                      {x.given !== undefined || x.when !== undefined || x.then !== undefined ? (
                        <>
                          {x.given !== undefined && (
                            <span class="gwt">
                              <strong>Given</strong> <Text text={x.given} />
                            </span>
                          )}
                          {x.when !== undefined && (
                            <span class="gwt">
                              <strong>When</strong> <Text text={x.when} />
                            </span>
                          )}
                          {x.then !== undefined && (
                            <span class="gwt">
                              <strong>Then</strong> <Text text={x.then} />
                            </span>
                          )}
                        </>
                      ) : (
                        <Text text={x.text} />
                      )}
                    </li>
                  ))}
                </ol>
              )}
              <p class="story-tasks">
                {s.requirements.length > 0 && <span class="muted">{`${s.requirements.join(', ')} · `}</span>}
                {s.tasks.length > 0 ? <TaskChips tasks={s.tasks} send={send} lines={lines} /> : <span class="warn">no tasks for this story</span>}
              </p>
            </article>
          ))}
        </section>
      )}
    </div>
  );
}
