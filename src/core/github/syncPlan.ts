/**
 * Sync back from GitHub: which tasks to tick, untick or report, and which issues to close, from
 * the state of each linked issue. Pure; the caller fetches the issues and applies the plan.
 */
import { type Task } from '../artifacts/tasks';

export interface IssueState {
  readonly number: number;
  readonly state: 'open' | 'closed';
  /** GitHub's `state_reason`: completed, not_planned, duplicate, reopened, or null on older issues. */
  readonly stateReason: string | null | undefined;
}

export type IssueLookup =
  | { readonly kind: 'found'; readonly issue: IssueState }
  /** 404 or 410: deleted, transferred out of reach, or never there. */
  | { readonly kind: 'missing'; readonly status: number };

export interface SyncInput {
  readonly task: Task;
  readonly lookup: IssueLookup;
  /** Only asked for an open issue of a done task: whether its history has a `reopened` event. */
  readonly reopened?: boolean;
}

export interface SyncPlan {
  /** Issue closed as completed, task open: tick. */
  readonly tick: Task[];
  /** Issue reopened, task done: untick, after asking. */
  readonly untick: Task[];
  /** Task ticked here, issue open and never closed: close it with a comment when the user chose so. */
  readonly close: Task[];
  /** Issue closed without being completed (not planned, duplicate): reported, the task is left alone. */
  readonly notCompleted: Array<{ readonly task: Task; readonly reason: string }>;
  /** The linked issue is gone. */
  readonly missing: Array<{ readonly task: Task; readonly status: number }>;
  /** Tasks already in step with their issues. */
  readonly inStep: Task[];
}

/** Whether the plan needs the issue's history for this task (a done task with an open issue). */
export function needsHistory(task: Task, lookup: IssueLookup): boolean {
  return task.checked && lookup.kind === 'found' && lookup.issue.state === 'open';
}

export function planSync(inputs: readonly SyncInput[]): SyncPlan {
  const plan: { [K in keyof SyncPlan]: SyncPlan[K] extends readonly (infer T)[] ? T[] : never } = { tick: [], untick: [], close: [], notCompleted: [], missing: [], inStep: [] };
  for (const { task, lookup, reopened } of inputs) {
    if (lookup.kind === 'missing') {
      plan.missing.push({ task, status: lookup.status });
      continue;
    }
    const { issue } = lookup;
    if (issue.state === 'closed') {
      const completed = issue.stateReason === 'completed' || issue.stateReason === null || issue.stateReason === undefined;
      if (task.checked) plan.inStep.push(task);
      else if (completed) plan.tick.push(task);
      else plan.notCompleted.push({ task, reason: issue.stateReason.replace(/_/g, ' ') });
    } else if (!task.checked) {
      plan.inStep.push(task);
    } else if (reopened) {
      plan.untick.push(task);
    } else {
      plan.close.push(task);
    }
  }
  return plan;
}

/** One line per change, for the report: "Ticked T003 (#12 closed)". */
export function describePlan(plan: SyncPlan): string[] {
  const num = (t: Task): string => (t.issue ? `#${t.issue.number}` : 'its issue');
  return [
    ...plan.tick.map((t) => `${t.id}: ${num(t)} was closed as completed`),
    ...plan.untick.map((t) => `${t.id}: ${num(t)} was reopened`),
    ...plan.close.map((t) => `${t.id}: done here, ${num(t)} still open`),
    ...plan.notCompleted.map(({ task, reason }) => `${task.id}: ${num(task)} was closed as ${reason}; the task is left open`),
    ...plan.missing.map(({ task, status }) => `${task.id}: ${num(task)} ${status === 410 ? 'was deleted' : 'no longer exists or is out of reach'} (HTTP ${status}); the link is kept, nothing is recreated`),
  ];
}
