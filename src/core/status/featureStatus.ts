/**
 * A feature's place in the Spec-Driven Development loop, derived from its files alone. One
 * function serves the tree, the status bar, the chat's /speckit.status and the CLI.
 */

export type FeaturePhase = 'no-spec' | 'draft' | 'specified' | 'clarified' | 'planned' | 'tasks-ready' | 'implementing' | 'done';

export const PHASE_ORDER: readonly FeaturePhase[] = ['no-spec', 'draft', 'specified', 'clarified', 'planned', 'tasks-ready', 'implementing', 'done'];

export const PHASE_LABELS: Readonly<Record<FeaturePhase, string>> = {
  'no-spec': 'No spec',
  draft: 'Draft',
  specified: 'Specified',
  clarified: 'Clarified',
  planned: 'Planned',
  'tasks-ready': 'Tasks',
  implementing: 'Implementing',
  done: 'Done',
};

/** The spec-kit command a user would run next, without the `speckit.` prefix. */
export type NextCommand = 'specify' | 'clarify' | 'plan' | 'tasks' | 'implement' | 'converge';

/** What status needs to know of each artifact; the index fills it from the parsed documents. */
export interface ArtifactFacts {
  readonly spec?: { readonly mtime: number; readonly markers: number; readonly placeholders: number; readonly clarificationSessions: number };
  readonly plan?: { readonly mtime: number; readonly markers: number; readonly placeholders: number };
  readonly tasks?: { readonly mtime: number; readonly done: number; readonly total: number };
  readonly checklists: ReadonlyArray<{ readonly name: string; readonly passed: number; readonly total: number }>;
}

export interface StaleNote {
  /** The artifact that is out of date. */
  readonly artifact: 'plan' | 'tasks';
  /** The upstream artifact that changed after it. */
  readonly changed: 'spec' | 'plan';
}

export interface FeatureStatus {
  readonly phase: FeaturePhase;
  /** "Implementing 7/12", "Planned", … */
  readonly label: string;
  readonly tasks: { readonly done: number; readonly total: number };
  /** Open `[NEEDS CLARIFICATION]` markers in spec and plan. */
  readonly markers: number;
  readonly checklists: { readonly passed: number; readonly total: number };
  readonly stale: readonly StaleNote[];
  readonly next: NextCommand | undefined;
}

/**
 * Files checked out together get mtimes a few milliseconds apart in any order, so an upstream file
 * counts as changed after a downstream one only when it is newer by more than this.
 */
export const STALE_TOLERANCE_MS = 2000;

export function featureStatus(facts: ArtifactFacts): FeatureStatus {
  const tasks = { done: facts.tasks?.done ?? 0, total: facts.tasks?.total ?? 0 };
  const markers = (facts.spec?.markers ?? 0) + (facts.plan?.markers ?? 0);
  const checklists = facts.checklists.reduce((acc, c) => ({ passed: acc.passed + c.passed, total: acc.total + c.total }), { passed: 0, total: 0 });
  const phase = phaseOf(facts, tasks);
  return {
    phase,
    label: phase === 'implementing' || phase === 'done' || (phase === 'tasks-ready' && tasks.total > 0) ? `${PHASE_LABELS[phase]} ${tasks.done}/${tasks.total}` : PHASE_LABELS[phase],
    tasks,
    markers,
    checklists,
    stale: staleness(facts),
    next: nextCommand(phase, facts),
  };
}

function phaseOf(facts: ArtifactFacts, tasks: { done: number; total: number }): FeaturePhase {
  if (tasks.total > 0) {
    if (tasks.done === tasks.total) return 'done';
    return tasks.done > 0 ? 'implementing' : 'tasks-ready';
  }
  if (facts.plan && facts.plan.placeholders === 0) return 'planned';
  const spec = facts.spec;
  if (!spec) return facts.plan ? 'planned' : 'no-spec';
  if (spec.markers > 0 || spec.placeholders > 0) return 'draft';
  return spec.clarificationSessions > 0 ? 'clarified' : 'specified';
}

function nextCommand(phase: FeaturePhase, facts: ArtifactFacts): NextCommand | undefined {
  switch (phase) {
    case 'no-spec':
      return 'specify';
    case 'draft':
      return (facts.spec?.markers ?? 0) > 0 ? 'clarify' : 'specify';
    case 'specified':
    case 'clarified':
      return 'plan';
    case 'planned':
      return facts.spec ? 'tasks' : 'specify';
    case 'tasks-ready':
    case 'implementing':
      return 'implement';
    case 'done':
      return 'converge';
  }
}

function staleness(facts: ArtifactFacts): StaleNote[] {
  const out: StaleNote[] = [];
  const newer = (a: number | undefined, b: number | undefined): boolean => a !== undefined && b !== undefined && a - b > STALE_TOLERANCE_MS;
  if (newer(facts.spec?.mtime, facts.plan?.mtime)) out.push({ artifact: 'plan', changed: 'spec' });
  if (newer(facts.plan?.mtime, facts.tasks?.mtime)) out.push({ artifact: 'tasks', changed: 'plan' });
  else if (!facts.plan && newer(facts.spec?.mtime, facts.tasks?.mtime)) out.push({ artifact: 'tasks', changed: 'spec' });
  return out;
}
