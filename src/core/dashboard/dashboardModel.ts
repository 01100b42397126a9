/**
 * The view model of the feature dashboard, built from the index's feature (parsed once, by the
 * index), its status, and the analysis's coverage: no file is read or parsed here.
 */
import * as path from 'node:path/posix';
import { analyzeFeature } from '../analysis/analyze';
import { type AnalysisReport } from '../analysis/findings';
import { checklistGate } from '../analysis/checklistGate';
import { type Task } from '../artifacts/tasks';
import { phaseDescription, phaseLabel } from '../status/presentation';
import { type IndexedFeature, type IndexedProject } from '../workspace/workspaceIndex';
import { burnUpPoints } from './burnUp';
import {
  type ArtifactLink,
  type BoardGroup,
  type BoardView,
  type BuildRow,
  type BurnUpPoint,
  type DashboardView,
  type RequirementRow,
  type RequirementState,
  type RequirementsView,
  type StoryView,
  type TaskCard,
  type TaskColumn,
  type TaskRefView,
  type VerificationFact,
} from './protocol';
import { workflowSteps } from './workflow';

export interface DashboardInput {
  readonly feature: IndexedFeature;
  readonly project: IndexedProject | undefined;
  /** The last verification of each task, by upper-case task ID. */
  readonly verifications?: ReadonlyMap<string, VerificationFact>;
  /** Host builds run outside a task's verification (the explorer, the palette), newest first. */
  readonly builds?: readonly VerificationFact[];
  /** Done/total per day from the history of tasks.md, or undefined when there is none. */
  readonly history?: readonly BurnUpPoint[] | undefined;
  /** Why there is no history, when there is none. */
  readonly historyNote?: string;
  /** `YYYY-MM-DD` of today, in the user's time zone. */
  readonly today: string;
  readonly readOnly: boolean;
  readonly canVerify: boolean;
}

/** Longest repository text passed on per field: enough to read, bounded for a huge file. */
const MAX_TEXT = 2000;

export function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

/** The analysis the dashboard shows coverage from: the same function and input as /speckit.analyze. */
export function featureAnalysis(f: IndexedFeature, project: IndexedProject | undefined): AnalysisReport {
  const root = project?.project.root ?? f.projectRoot;
  const rel = (p: string | undefined): string | undefined => (p ? path.relative(root, p) : undefined);
  const files = f.feature.files;
  return analyzeFeature({
    spec: f.spec,
    plan: f.plan,
    tasks: f.tasks,
    constitution: project?.constitution,
    checklists: f.checklists.map((c) => c.doc),
    paths: { spec: rel(files.spec?.path), plan: rel(files.plan?.path), tasks: rel(files.tasks?.path), constitution: rel(project?.project.constitutionPath) },
  });
}

export function taskColumn(task: Pick<Task, 'checked'>, v: VerificationFact | undefined): TaskColumn {
  if (v && !v.ok) return 'failed';
  if (task.checked) return v?.ok ? 'verified' : 'done';
  return 'open';
}

export function buildDashboard(input: DashboardInput): DashboardView {
  const { feature: f, project } = input;
  const report = featureAnalysis(f, project);
  const gate = checklistGate(f.checklists.map((c) => ({ name: c.name, doc: c.doc })));
  const board = boardView(f, report, input.verifications ?? new Map());
  const columns = new Map(board.cards.map((c) => [c.id, c.column]));
  const artifacts: ArtifactLink[] = [];
  if (project?.constitution) artifacts.push({ kind: 'constitution', name: 'constitution.md' });
  if (f.feature.files.spec) artifacts.push({ kind: 'spec', name: 'spec.md' });
  if (f.feature.files.plan) artifacts.push({ kind: 'plan', name: 'plan.md' });
  if (f.feature.files.tasks) artifacts.push({ kind: 'tasks', name: 'tasks.md' });
  for (const c of f.checklists) artifacts.push({ kind: 'checklist', name: c.name, passed: c.doc.checked, total: c.doc.total });
  return {
    featureDir: f.feature.dir,
    name: f.feature.name,
    relDir: f.feature.relDir,
    isCurrent: project?.current?.dir === f.feature.dir,
    phaseLabel: f.status.label,
    tasks: f.status.tasks,
    markers: f.status.markers,
    checklists: f.status.checklists,
    readOnly: input.readOnly,
    canVerify: input.canVerify && !input.readOnly,
    artifacts,
    workflow: workflowSteps(f, project, report, gate),
    requirements: requirementsView(f, report, columns),
    board,
    progress: {
      points: burnUpPoints(input.history, { date: input.today, done: f.status.tasks.done, total: f.status.tasks.total }),
      source: input.history && input.history.length > 0 ? 'git' : 'today',
      note: input.history && input.history.length > 0 ? undefined : input.historyNote,
      verifications: [...(input.verifications ?? new Map<string, VerificationFact>()).entries()]
        .filter(([id]) => columns.has(id))
        .map(([taskId, v]) => ({ ...v, taskId }))
        .sort((a, b) => b.finishedAt - a.finishedAt),
      builds: buildRows(input.verifications ?? new Map(), input.builds ?? [], columns),
    },
  };
}

/** The newest result per label (a host build, a flake check, a command), from tasks' verifications and other builds. */
function buildRows(verifications: ReadonlyMap<string, VerificationFact>, builds: readonly VerificationFact[], known: ReadonlyMap<string, TaskColumn>): BuildRow[] {
  const byLabel = new Map<string, BuildRow>();
  const offer = (v: VerificationFact, taskId: string | undefined): void => {
    const seen = byLabel.get(v.label);
    if (!seen || seen.finishedAt < v.finishedAt) byLabel.set(v.label, { label: v.label, ok: v.ok, exitCode: v.exitCode, finishedAt: v.finishedAt, taskId });
  };
  for (const [id, v] of verifications) if (known.has(id)) offer(v, id);
  for (const b of builds) offer(b, undefined);
  return [...byLabel.values()].sort((a, b) => b.finishedAt - a.finishedAt);
}

function uniqueTasks(list: readonly Task[]): Task[] {
  const seen = new Set<string>();
  return list.filter((t) => (seen.has(t.id) ? false : (seen.add(t.id), true)));
}

function boardView(f: IndexedFeature, report: AnalysisReport, verifications: ReadonlyMap<string, VerificationFact>): BoardView {
  const doc = f.tasks;
  if (!doc) return { cards: [], byPhase: [], byStory: [] };
  const tasks = uniqueTasks(doc.tasks);
  const unmapped = new Set(report.unmappedTasks);
  const phases = new Map(doc.phases.map((p) => [p.key, p]));
  // Runs of consecutive [P] tasks within one phase run together; a lone [P] task is a group too.
  const groups = new Map<string, number>();
  let group = 0;
  let previous: Task | undefined;
  for (const t of tasks) {
    if (t.parallel) {
      if (!(previous?.parallel && previous.phase === t.phase)) group++;
      groups.set(t.id, group);
    }
    previous = t;
  }
  const storyOf = (t: Task): string | undefined => t.story ?? (t.phase !== undefined ? phases.get(t.phase)?.story : undefined);
  const cards: TaskCard[] = tasks.map((t) => {
    const v = verifications.get(t.id.toUpperCase());
    return {
      id: t.id,
      description: clip(t.description),
      line: t.lineRange.start.line,
      checked: t.checked,
      column: taskColumn(t, v),
      parallel: t.parallel,
      parallelGroup: groups.get(t.id),
      story: storyOf(t),
      phaseKey: t.phase,
      requirements: t.requirements,
      dependsOn: t.dependsOn,
      paths: t.paths.slice(0, 8),
      unmapped: unmapped.has(t.id),
      verification: v,
    };
  });
  const byPhase: BoardGroup[] = doc.phases
    .map((p) => ({ key: p.key, title: phaseLabel(p), detail: phaseDescription(p), taskIds: cards.filter((c) => c.phaseKey === p.key).map((c) => c.id) }))
    .filter((g) => g.taskIds.length > 0);
  const outside = cards.filter((c) => c.phaseKey === undefined || !phases.has(c.phaseKey));
  if (outside.length > 0) byPhase.push({ key: 'no-phase', title: 'Outside any phase', detail: progress(outside), taskIds: outside.map((c) => c.id) });

  const stories = f.spec?.stories ?? [];
  const storyIds = [...new Set([...stories.map((s) => s.id), ...cards.map((c) => c.story).filter((s): s is string => s !== undefined)])];
  const byStory: BoardGroup[] = storyIds
    .map((id) => {
      const s = stories.find((x) => x.id === id);
      const list = cards.filter((c) => c.story === id);
      return { key: `story-${id}`, title: s ? `${id}: ${clip(s.title)}` : id, detail: [progress(list), s?.priority].filter(Boolean).join(' · '), taskIds: list.map((c) => c.id) };
    })
    .filter((g) => g.taskIds.length > 0);
  const noStory = cards.filter((c) => c.story === undefined);
  if (noStory.length > 0) byStory.push({ key: 'no-story', title: 'No user story (setup, foundation, polish)', detail: progress(noStory), taskIds: noStory.map((c) => c.id) });
  return { cards, byPhase, byStory };
}

function progress(cards: readonly TaskCard[]): string {
  return `${cards.filter((c) => c.checked).length}/${cards.length}`;
}

function requirementState(counted: boolean, tasks: readonly TaskRefView[]): RequirementState {
  if (tasks.length === 0) return counted ? 'uncovered' : 'not-counted';
  if (tasks.some((t) => t.column === 'failed')) return 'failed';
  if (tasks.every((t) => t.column === 'verified')) return 'verified';
  if (tasks.every((t) => t.column === 'done' || t.column === 'verified')) return 'done';
  return 'open';
}

function requirementsView(f: IndexedFeature, report: AnalysisReport, columns: ReadonlyMap<string, TaskColumn>): RequirementsView {
  const spec = f.spec;
  const ref = (id: string): TaskRefView => ({ id, column: columns.get(id) ?? 'open' });
  const rows: RequirementRow[] = report.coverage.map((c) => {
    const r = spec?.requirements.find((x) => x.id === c.requirement);
    const tasks = c.tasks.map(ref);
    return {
      id: c.requirement,
      family: r?.family ?? c.requirement.replace(/-.*$/, ''),
      text: clip(r?.text ?? ''),
      line: r?.range.start.line ?? 0,
      state: requirementState(c.counted, tasks),
      tasks,
      match: c.match,
      story: c.story,
      notes: c.notes,
    };
  });
  const doc = f.tasks;
  const phases = new Map((doc?.phases ?? []).map((p) => [p.key, p]));
  const stories: StoryView[] = (spec?.stories ?? []).map((s) => ({
    id: s.id,
    title: clip(s.title),
    priority: s.priority,
    line: s.headingRange.start.line,
    independentTest: s.independentTest ? clip(s.independentTest.value) : undefined,
    scenarios: s.scenarios.map((x) => ({
      index: x.index,
      given: x.given !== undefined ? clip(x.given) : undefined,
      when: x.when !== undefined ? clip(x.when) : undefined,
      then: x.then !== undefined ? clip(x.then) : undefined,
      text: clip(x.text),
      line: x.range.start.line,
    })),
    tasks: uniqueTasks(doc?.tasks ?? [])
      .filter((t) => t.story === s.id || (t.phase !== undefined && phases.get(t.phase)?.story === s.id))
      .map((t) => ref(t.id)),
    requirements: rows.filter((r) => r.story === s.id).map((r) => r.id),
  }));
  const byId = new Map((doc?.tasks ?? []).map((t) => [t.id, t]));
  return {
    rows,
    stories,
    unmappedTasks: report.unmappedTasks.map((id) => ({ id, description: clip(byId.get(id)?.description ?? ''), line: byId.get(id)?.lineRange.start.line ?? 0 })),
    coveragePercent: report.metrics.coveragePercent,
    counted: report.metrics.requirements,
    covered: report.coverage.filter((c) => c.counted && c.hasTask).length,
  };
}
