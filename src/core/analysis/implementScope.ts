import { type Task, type TaskPhase, type TasksDoc } from '../artifacts/tasks';

export interface ImplementScope {
  /** Open tasks in scope, in document order adjusted so that an in-scope open dependency comes first. */
  readonly tasks: Task[];
  /** What was selected, for the progress message: "T002–T004 — 3 open tasks". */
  readonly description: string;
  /** Selectors that matched nothing in tasks.md (`T999`, `Phase 9`, `US7`). */
  readonly unknown: string[];
}

const PHASE_NAMES: [RegExp, TaskPhase['kind'], string][] = [
  [/^setup$/i, 'setup', 'Setup'],
  [/^(?:foundational|foundation|blocking)$/i, 'foundational', 'Foundational'],
  [/^(?:polish|cross-cutting)$/i, 'polish', 'Polish'],
  [/^(?:convergence|converge)$/i, 'convergence', 'Convergence'],
];

/** One selector of the argument text, and the tasks it picks (before the open-task filter). */
interface Selection {
  readonly label: string;
  readonly tasks: Task[];
}

/**
 * Reads `/speckit.implement` arguments as a scope: task IDs and ranges (`T012`, `T001-T010`,
 * `T001..T010`, `T3`, `Task 3`, `Tasks 2-4`, `1.1` in a numbered list), phases (`Phase 3`, `phase 3.1`, `Setup`, `Polish`, "the
 * Setup phase"), OpenSpec groups (`group 1`, or `1` in a `1.1`-numbered list), stories (`US1`, `User Story 1`). Free words around them ("only", "and") are ignored;
 * no selector at all means every open task.
 */
export function parseImplementScope(args: string, tasks: TasksDoc): ImplementScope {
  const text = (args ?? '').replace(/[\u2013\u2014]/g, '-');
  const selections: Selection[] = [];
  const unknown: string[] = [];
  const pick = (label: string, found: Task[]): void => {
    if (found.length === 0) unknown.push(label);
    else selections.push({ label, tasks: found });
  };

  const patterns: [RegExp, (m: RegExpExecArray) => void][] = [
    // Ranges first, so `T001-T010` is not read as two single IDs.
    [/\b(?:tasks?\s+T?|T)(\d+)([a-z]?)\s*(?:-|\.\.\.?|\bto\b|through)\s*T?(\d+)([a-z]?)\b/iy, (m) => {
      const [from, to] = [Number(m[1]), Number(m[3])];
      const lo = Math.min(from, to);
      const hi = Math.max(from, to);
      pick(`${prefixOf(m[0])}${m[1]}${m[2]}–${prefixOf(m[0])}${m[3]}${m[4]}`, tasks.tasks.filter((t) => !isNumberedId(t.id) && t.number >= lo && t.number <= hi));
    }],
    [/\btasks?\s+(\d+)([a-z]?)\b/iy, (m) => pick(`Task ${m[1]}${m[2]}`, byNumber(tasks, Number(m[1]), m[2]!))],
    [/\bT(\d+)([a-z]?)\b/iy, (m) => pick(`T${m[1]}${m[2]}`, byNumber(tasks, Number(m[1]), m[2]!))],
    // A numbered task (`1.1`) of a list without T-IDs.
    [/\b(\d{1,4}(?:\.\d{1,4})+)(?![\d.]*\d)/y, (m) => pick(m[1]!, tasks.tasks.filter((t) => t.id === m[1]))],
    // OpenSpec's `## 1. Group`: `group 1`, or a bare `1` in a list numbered `1.1` (no T-IDs to confuse it with).
    [/\b(?:group\s+(\d+)|(\d{1,4})(?![\d.]))\b/iy, (m) => {
      const n = m[1] ?? m[2]!;
      if (m[2] !== undefined && !tasks.tasks.some((t) => isNumberedId(t.id))) return; // a number in a spec-kit request is just a word
      const phases = tasks.phases.filter((p) => p.number === n);
      pick(phases.length === 1 ? `Group ${n}: ${phases[0]!.title}` : `Group ${n}`, inPhases(tasks, phases));
    }],
    [/\bphase\s+(\d+(?:\.\d+)*)\b/iy, (m) => {
      const phases = tasks.phases.filter((p) => p.number !== undefined && (p.number === m[1] || (!m[1]!.includes('.') && p.number.startsWith(`${m[1]}.`))));
      pick(phases.length === 1 ? `Phase ${phases[0]!.number}: ${phases[0]!.title}` : `Phase ${m[1]}`, inPhases(tasks, phases));
    }],
    [/\b(?:user\s+story|story|US)\s*-?\s*(\d+)\b/iy, (m) => {
      const id = `US${Number(m[1])}`;
      const phaseKeys = new Set(tasks.phases.filter((p) => p.story === id).map((p) => p.key));
      pick(`User Story ${Number(m[1])} (${id})`, tasks.tasks.filter((t) => t.story === id || (t.phase !== undefined && phaseKeys.has(t.phase))));
    }],
    [/\b(setup|foundational|foundation|blocking|polish|cross-cutting|convergence|converge)\b/iy, (m) => {
      const [, kind, name] = PHASE_NAMES.find(([re]) => re.test(m[1]!))!;
      pick(`${name} phase`, inPhases(tasks, tasks.phases.filter((p) => p.kind === kind)));
    }],
  ];

  // A left-to-right scan with sticky patterns: each position is read by the first selector that fits.
  for (let i = 0; i < text.length; ) {
    if (i > 0 && /[\p{L}\p{N}]/u.test(text[i - 1]!) && /[\p{L}\p{N}]/u.test(text[i]!)) {
      i++;
      continue;
    }
    let advanced = false;
    for (const [re, on] of patterns) {
      re.lastIndex = i;
      const m = re.exec(text);
      if (m && m[0].length > 0) {
        on(m);
        i += m[0].length;
        advanced = true;
        break;
      }
    }
    if (!advanced) i++;
  }

  // Selectors that all missed select nothing: running everything instead would surprise the user.
  const all = selections.length === 0 ? (unknown.length > 0 ? [] : tasks.tasks) : union(tasks, selections.flatMap((s) => s.tasks));
  const open = all.filter((t) => !t.checked);
  const ordered = dependencyOrder(open);
  const done = all.length - open.length;
  const what = selections.length === 0 ? (unknown.length > 0 ? unknown.join(', ') : 'all open tasks') : selections.map((s) => s.label).join(', ');
  const count = `${ordered.length} open task${ordered.length === 1 ? '' : 's'}`;
  return {
    tasks: ordered,
    description: `${what} — ${count}${done > 0 && selections.length > 0 ? ` (${done} already done)` : ''}`,
    unknown,
  };
}

function prefixOf(matched: string): string {
  return /^tasks?\b/i.test(matched) ? 'Task ' : 'T';
}

/** `T3` finds T003 or the seed's derived T3; a suffix letter (`T004a`) must match too. */
function byNumber(doc: TasksDoc, n: number, suffix: string): Task[] {
  const s = suffix.toLowerCase();
  return doc.tasks.filter((t) => !isNumberedId(t.id) && t.number === n && (/[a-z]$/.test(t.id) ? t.id.endsWith(s) && s !== '' : s === ''));
}

/** `1.1`: a task of a numbered list, whose `number` is its group's, not a T-number. */
function isNumberedId(id: string): boolean {
  return /^\d/.test(id);
}

function inPhases(doc: TasksDoc, phases: readonly TaskPhase[]): Task[] {
  const keys = new Set(phases.map((p) => p.key));
  return doc.tasks.filter((t) => t.phase !== undefined && keys.has(t.phase));
}

/** Selected tasks, once each, in document order. */
function union(doc: TasksDoc, picked: readonly Task[]): Task[] {
  const set = new Set(picked);
  return doc.tasks.filter((t) => set.has(t));
}

/**
 * Document order, except that a task comes after its open in-scope dependencies (a stable topological
 * sort: the earliest ready task goes next). A dependency cycle falls back to document order.
 */
function dependencyOrder(tasks: readonly Task[]): Task[] {
  const byId = new Map<string, Task>();
  for (const t of tasks) if (!byId.has(t.id)) byId.set(t.id, t);
  const remaining = [...tasks];
  const placed = new Set<Task>();
  const out: Task[] = [];
  while (remaining.length > 0) {
    const ready = remaining.findIndex((t) => t.dependsOn.every((d) => {
      const dep = byId.get(d);
      return !dep || dep === t || placed.has(dep);
    }));
    const index = ready >= 0 ? ready : 0;
    const [next] = remaining.splice(index, 1);
    placed.add(next!);
    out.push(next!);
  }
  return out;
}

/**
 * The task to do next after `after` (usually the task just ticked): the open task that follows it in
 * the dependency-respecting order, else the first open one before it. Undefined when nothing is open.
 */
export function nextOpenTask(tasks: TasksDoc, after?: string): Task | undefined {
  // Order as if `after` were still open, so a task waiting on it comes right after it.
  const order = dependencyOrder(tasks.tasks.filter((t) => !t.checked || t.id === after));
  const index = after === undefined ? -1 : order.findIndex((t) => t.id === after);
  const open = (t: Task): boolean => !t.checked && t.id !== after;
  return order.slice(index + 1).find(open) ?? order.find(open);
}
