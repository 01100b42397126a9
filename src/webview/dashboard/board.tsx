import { useRef } from 'preact/hooks';
import { type DashboardView, TASK_COLUMNS, type TaskCard, type TaskColumn } from '../../core/dashboard/protocol';
import { type Send } from './app';
import { Text, ago } from './text';

export const COLUMN_TITLES: Readonly<Record<TaskColumn, string>> = {
  open: 'Open',
  done: 'Done',
  verified: 'Verified',
  failed: 'Failed verification',
};

/** Tasks as a board: one lane per phase (or story), one column per state. */
export function Board({ view, send, groupBy, setGroupBy }: { view: DashboardView; send: Send; groupBy: 'phase' | 'story'; setGroupBy: (g: 'phase' | 'story') => void }) {
  const board = view.board;
  const root = useRef<HTMLDivElement>(null);
  if (board.cards.length === 0) return <p class="empty">No tasks yet: run /speckit.tasks once the plan is ready.</p>;
  const cards = new Map(board.cards.map((c) => [c.id, c]));
  const groups = groupBy === 'phase' ? board.byPhase : board.byStory;
  const counts = TASK_COLUMNS.map((col) => board.cards.filter((c) => c.column === col).length);

  // Arrow keys move between cards: up/down in reading order, left/right to the neighbouring column of the lane.
  const onKeyDown = (e: KeyboardEvent): void => {
    const target = e.target as HTMLElement | null;
    if (!target?.classList.contains('task-id') || !root.current) return;
    const all = [...root.current.querySelectorAll<HTMLElement>('.task-id')];
    const at = all.indexOf(target);
    let to: HTMLElement | undefined;
    if (e.key === 'ArrowDown') to = all[at + 1];
    else if (e.key === 'ArrowUp') to = all[at - 1];
    else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      const cell = target.closest('.cell');
      const lane = cell?.parentElement;
      const cells = lane ? [...lane.querySelectorAll<HTMLElement>('.cell')] : [];
      const step = e.key === 'ArrowRight' ? 1 : -1;
      for (let i = cells.indexOf(cell as HTMLElement) + step; i >= 0 && i < cells.length && !to; i += step) to = cells[i]!.querySelector<HTMLElement>('.task-id') ?? undefined;
    }
    if (to) {
      e.preventDefault();
      to.focus();
    }
  };

  return (
    <div class="board" ref={root} onKeyDown={onKeyDown}>
      <div class="board-toolbar">
        <span id="group-label">Group by</span>
        <div role="radiogroup" aria-labelledby="group-label" class="segmented">
          {(['phase', 'story'] as const).map((g) => (
            <button type="button" role="radio" key={g} aria-checked={groupBy === g} onClick={() => setGroupBy(g)}>
              {g === 'phase' ? 'Phase' : 'Story'}
            </button>
          ))}
        </div>
        <span class="hint">Arrow keys move between cards; Space ticks the focused card’s box.</span>
      </div>
      <div class="lanes" role="table" aria-label={`Tasks by ${groupBy}`}>
        <div class="lane header" role="row">
          <div role="columnheader" class="lane-title-head">{groupBy === 'phase' ? 'Phase' : 'Story'}</div>
          {TASK_COLUMNS.map((col, i) => (
            <div role="columnheader" key={col} class={`col-head col-${col}`} data-column-head={col}>
              {COLUMN_TITLES[col]} <span class="count">{counts[i]}</span>
            </div>
          ))}
        </div>
        {groups.map((g) => (
          <div class="lane" role="row" key={g.key} data-group={g.key}>
            <div role="rowheader" class="lane-title">
              <strong>
                <Text text={g.title} />
              </strong>
              <span class="muted">{g.detail}</span>
            </div>
            {TASK_COLUMNS.map((col) => {
              const list = g.taskIds.map((id) => cards.get(id)).filter((c): c is TaskCard => c !== undefined && c.column === col);
              return (
                <div role="cell" class={`cell col-${col}`} key={col} data-column={col} aria-label={`${COLUMN_TITLES[col]}: ${list.length}`}>
                  <ul class="cards">
                    {list.map((c) => (
                      <Card key={c.id} card={c} view={view} send={send} />
                    ))}
                  </ul>
                </div>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}

function Card({ card: c, view, send }: { card: TaskCard; view: DashboardView; send: Send }) {
  const v = c.verification;
  const onCardKey = (e: KeyboardEvent): void => {
    if (e.key === ' ' && (e.target as HTMLElement).classList.contains('task-id') && !view.readOnly) {
      e.preventDefault();
      send({ type: 'setTask', taskId: c.id, done: !c.checked });
    }
  };
  return (
    <li class={`card${c.unmapped ? ' unmapped' : ''}${c.parallelGroup !== undefined ? ` pgroup pgroup-${c.parallelGroup % 6}` : ''}`} data-task={c.id} data-column={c.column} onKeyDown={onCardKey}>
      <div class="card-head">
        <input
          type="checkbox"
          checked={c.checked}
          disabled={view.readOnly}
          aria-label={`${c.id} done`}
          title={view.readOnly ? 'Read-only in an untrusted workspace' : c.checked ? 'Mark not done (undoable edit of tasks.md)' : 'Mark done (undoable edit of tasks.md)'}
          onClick={(e) => {
            e.preventDefault();
            send({ type: 'setTask', taskId: c.id, done: !c.checked });
          }}
        />
        <button type="button" class="link task-id" onClick={() => send({ type: 'open', artifact: 'tasks', line: c.line })} aria-label={`${c.id}: open its line in tasks.md`}>
          {c.id}
        </button>
        {c.parallel && (
          <span class="badge parallel" title={c.parallelGroup !== undefined ? `[P]: runs in parallel with the other tasks of group ${c.parallelGroup}` : '[P]: can run in parallel'}>
            {c.parallelGroup !== undefined ? `[P] ${c.parallelGroup}` : '[P]'}
          </span>
        )}
        {c.story && <span class="badge story-tag">{c.story}</span>}
        {c.unmapped && <span class="badge warn" title="No requirement or user story names this task">no requirement</span>}
      </div>
      <p class="desc">
        <Text text={c.description} />
      </p>
      {(c.requirements.length > 0 || c.dependsOn.length > 0) && (
        <p class="meta">
          {c.requirements.length > 0 && <span>{c.requirements.join(', ')}</span>}
          {c.dependsOn.length > 0 && <span>{`after ${c.dependsOn.join(', ')}`}</span>}
        </p>
      )}
      {v && (
        <p class={`verification ${v.ok ? 'ok' : 'failed'}`} data-testid="verification">
          {`${v.ok ? '✓' : '✗'} ${v.label}${v.ok ? '' : ` (exit ${v.exitCode ?? '?'})`} · ${ago(v.finishedAt)}`}
        </p>
      )}
      {!view.readOnly && (
        <div class="card-actions">
          {!c.checked && (
            <button type="button" class="secondary" onClick={() => send({ type: 'implementTask', taskId: c.id })} title={`Sends @speckit /speckit.implement ${c.id} to the chat`}>
              Implement
            </button>
          )}
          {view.canVerify && (
            <button type="button" class="secondary" onClick={() => send({ type: 'verifyTask', taskId: c.id })} title="Runs the verification; the task is ticked only when it passes">
              {c.checked ? 'Verify again' : 'Build & verify'}
            </button>
          )}
        </div>
      )}
    </li>
  );
}
