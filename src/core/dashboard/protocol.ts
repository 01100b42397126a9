/**
 * What the feature dashboard shows and the messages between its panel and its webview. Plain,
 * JSON-safe data only: the webview bundle imports these types too, so nothing here may pull in
 * Node or editor code. All text is repository text: the webview renders it as text, never as HTML.
 */
import { isTaskId } from '../artifacts/taskGrammar';

/** The spec-kit workflow, in the order a feature goes through it. */
export const STEP_IDS = ['constitution', 'specify', 'clarify', 'plan', 'tasks', 'checklist', 'analyze', 'implement', 'converge'] as const;
export type StepId = (typeof STEP_IDS)[number];

/**
 * done: the step's file is there and complete; current: the step to run now; stale: done, but an
 * upstream file changed since; blocked: cannot go on (open questions, failing checklists);
 * warning: done enough to go on, with something open; todo: not reached yet.
 */
export type StepState = 'done' | 'current' | 'stale' | 'blocked' | 'warning' | 'todo';

export interface WorkflowStep {
  readonly id: StepId;
  readonly label: string;
  readonly state: StepState;
  /** One line: "v1.2.0", "1 open question", "blocked by 1 open checklist item". */
  readonly detail: string;
  /** This is where the feature stands (the next command's step), whatever its state. */
  readonly isNext: boolean;
}

export interface NextStep {
  /** The `/speckit.<command>` to run, without the prefix. */
  readonly command: StepId;
  readonly title: string;
  /** Why running it now will stop early (open questions, failing checklists). */
  readonly blockedBy: string | undefined;
}

/** Board columns: open, ticked, ticked with a passing verification, last verification failed. */
export type TaskColumn = 'open' | 'done' | 'verified' | 'failed';
export const TASK_COLUMNS: readonly TaskColumn[] = ['open', 'done', 'verified', 'failed'];

export interface VerificationFact {
  readonly ok: boolean;
  readonly exitCode: number | undefined;
  /** What ran: "build ovh-cloud", "flake check", the command line. */
  readonly label: string;
  /** Milliseconds since the epoch. */
  readonly finishedAt: number;
  readonly durationMs: number;
}

export interface TaskCard {
  readonly id: string;
  readonly description: string;
  /** 0-based line of the task in tasks.md. */
  readonly line: number;
  readonly checked: boolean;
  readonly column: TaskColumn;
  readonly parallel: boolean;
  /** Consecutive `[P]` tasks of one phase that can run together share a group number (1-based). */
  readonly parallelGroup: number | undefined;
  readonly story: string | undefined;
  readonly phaseKey: string | undefined;
  readonly requirements: readonly string[];
  readonly dependsOn: readonly string[];
  readonly paths: readonly string[];
  /** Maps to no requirement or story (the analysis's unmapped tasks). */
  readonly unmapped: boolean;
  readonly verification: VerificationFact | undefined;
}

export interface BoardGroup {
  readonly key: string;
  readonly title: string;
  /** "3/5 · P1 · MVP". */
  readonly detail: string;
  readonly taskIds: readonly string[];
}

export interface BoardView {
  readonly cards: readonly TaskCard[];
  readonly byPhase: readonly BoardGroup[];
  readonly byStory: readonly BoardGroup[];
}

export type RequirementState = 'uncovered' | 'not-counted' | 'open' | 'done' | 'verified' | 'failed';

export interface TaskRefView {
  readonly id: string;
  readonly column: TaskColumn;
}

export interface RequirementRow {
  readonly id: string;
  readonly family: string;
  readonly text: string;
  /** 0-based line in spec.md. */
  readonly line: number;
  readonly state: RequirementState;
  readonly tasks: readonly TaskRefView[];
  /** How the analysis found the tasks. */
  readonly match: 'id' | 'keyword' | 'none';
  readonly story: string | undefined;
  /** The analysis's note for the row ("named by ID; US1 (P1)"). */
  readonly notes: string;
}

export interface ScenarioView {
  readonly index: number;
  readonly given: string | undefined;
  readonly when: string | undefined;
  readonly then: string | undefined;
  readonly text: string;
  readonly line: number;
}

export interface StoryView {
  readonly id: string;
  readonly title: string;
  readonly priority: string | undefined;
  readonly line: number;
  readonly independentTest: string | undefined;
  readonly scenarios: readonly ScenarioView[];
  readonly tasks: readonly TaskRefView[];
  readonly requirements: readonly string[];
}

export interface RequirementsView {
  readonly rows: readonly RequirementRow[];
  readonly stories: readonly StoryView[];
  /** Tasks that map to no requirement or story, in document order. */
  readonly unmappedTasks: readonly { readonly id: string; readonly description: string; readonly line: number }[];
  readonly coveragePercent: number;
  readonly counted: number;
  readonly covered: number;
}

export interface BurnUpPoint {
  /** `YYYY-MM-DD`. */
  readonly date: string;
  readonly done: number;
  readonly total: number;
}

export interface BuildRow {
  readonly label: string;
  readonly ok: boolean;
  readonly exitCode: number | undefined;
  readonly finishedAt: number;
  /** The task whose verification ran it, if any. */
  readonly taskId: string | undefined;
}

export interface ProgressView {
  readonly points: readonly BurnUpPoint[];
  /** 'git': days from the history of tasks.md plus today; 'today': today's point only. */
  readonly source: 'git' | 'today';
  /** Why there is no history (no git, untrusted workspace, not committed yet). */
  readonly note: string | undefined;
  /** Per task, the last verification, newest first. */
  readonly verifications: readonly (VerificationFact & { readonly taskId: string })[];
  /** Per host (what ran), the last result, newest first. */
  readonly builds: readonly BuildRow[];
}

export interface ArtifactLink {
  readonly kind: 'spec' | 'plan' | 'tasks' | 'checklist' | 'constitution';
  /** The checklist's name; the file name otherwise. */
  readonly name: string;
  readonly passed?: number;
  readonly total?: number;
}

export interface DashboardView {
  /** The feature directory: the key the panel and its restored state use. */
  readonly featureDir: string;
  readonly name: string;
  readonly relDir: string;
  readonly isCurrent: boolean;
  readonly phaseLabel: string;
  readonly tasks: { readonly done: number; readonly total: number };
  readonly markers: number;
  readonly checklists: { readonly passed: number; readonly total: number };
  /** Untrusted workspace: the dashboard shows, but ticks, builds and chat requests are off. */
  readonly readOnly: boolean;
  /** A verification is configured and may run (trusted): cards offer "Build & verify". */
  readonly canVerify: boolean;
  readonly artifacts: readonly ArtifactLink[];
  readonly workflow: { readonly steps: readonly WorkflowStep[]; readonly next: NextStep | undefined };
  readonly requirements: RequirementsView;
  readonly board: BoardView;
  readonly progress: ProgressView;
}

/** What the webview keeps across reloads (vscode.setState) and the serializer hands back. */
export interface DashboardUiState {
  readonly featureDir: string;
  readonly groupBy?: 'phase' | 'story';
  readonly tab?: DashboardTab;
}

export type DashboardTab = 'workflow' | 'requirements' | 'board' | 'progress';

/** Extension → webview. */
export type ToWebview =
  | { readonly type: 'view'; readonly view: DashboardView }
  | { readonly type: 'missing'; readonly featureDir: string; readonly message: string };

/** Webview → extension. Paths never travel this way: the extension resolves them from the index. */
export type FromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'open'; readonly artifact: ArtifactLink['kind']; readonly name?: string; readonly line?: number }
  | { readonly type: 'setTask'; readonly taskId: string; readonly done: boolean }
  | { readonly type: 'verifyTask'; readonly taskId: string }
  | { readonly type: 'implementTask'; readonly taskId: string }
  | { readonly type: 'run'; readonly command: StepId };

/** Checks a message from the webview: it is untrusted input. */
export function parseFromWebview(value: unknown): FromWebview | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  const taskId = typeof m['taskId'] === 'string' && isTaskId(m['taskId']) ? m['taskId'] : undefined;
  switch (m['type']) {
    case 'ready':
      return { type: 'ready' };
    case 'open': {
      const artifact = m['artifact'];
      if (artifact !== 'spec' && artifact !== 'plan' && artifact !== 'tasks' && artifact !== 'checklist' && artifact !== 'constitution') return undefined;
      const line = typeof m['line'] === 'number' && Number.isInteger(m['line']) && m['line'] >= 0 ? m['line'] : undefined;
      const name = typeof m['name'] === 'string' && m['name'].length < 256 ? m['name'] : undefined;
      return { type: 'open', artifact, ...(name !== undefined ? { name } : {}), ...(line !== undefined ? { line } : {}) };
    }
    case 'setTask':
      return taskId && typeof m['done'] === 'boolean' ? { type: 'setTask', taskId, done: m['done'] } : undefined;
    case 'verifyTask':
      return taskId ? { type: 'verifyTask', taskId } : undefined;
    case 'implementTask':
      return taskId ? { type: 'implementTask', taskId } : undefined;
    case 'run':
      return (STEP_IDS as readonly unknown[]).includes(m['command']) ? { type: 'run', command: m['command'] as StepId } : undefined;
    default:
      return undefined;
  }
}
