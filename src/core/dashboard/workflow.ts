/**
 * The workflow stepper of the dashboard: each spec-kit step's state, read from the same facts the
 * tree and the status bar use (the index's status, the analysis, the checklist gate).
 */
import { type AnalysisReport } from '../analysis/findings';
import { type ChecklistGate } from '../analysis/checklistGate';
import { nextStepTitle } from '../status/presentation';
import { type IndexedFeature, type IndexedProject } from '../workspace/workspaceIndex';
import { type NextStep, type StepId, type StepState, type WorkflowStep } from './protocol';

const LABELS: Readonly<Record<StepId, string>> = {
  constitution: 'Constitution',
  specify: 'Specify',
  clarify: 'Clarify',
  plan: 'Plan',
  tasks: 'Tasks',
  checklist: 'Checklist',
  analyze: 'Analyze',
  implement: 'Implement',
  converge: 'Converge',
};

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function workflowSteps(
  f: IndexedFeature,
  project: IndexedProject | undefined,
  report: AnalysisReport,
  gate: ChecklistGate,
): { steps: WorkflowStep[]; next: NextStep | undefined } {
  const status = f.status;
  const next = status.next;
  const specMarkers = f.spec?.markers.length ?? 0;
  const planMarkers = f.plan?.markers.length ?? 0;
  const tasks = status.tasks;
  const openItems = gate.open.length;
  const gateBlock = gate.pass ? undefined : `blocked by ${plural(openItems, 'open checklist item')}`;
  const questionBlock = specMarkers > 0 ? `blocked by ${plural(specMarkers, 'open question')}` : undefined;
  const staleOf = (artifact: 'plan' | 'tasks'): string | undefined => {
    const s = status.stale.find((x) => x.artifact === artifact);
    return s ? `${s.changed}.md changed after ${artifact}.md` : undefined;
  };
  const pending = (id: StepId): StepState => (next === id ? 'current' : 'todo');
  const steps: Array<Omit<WorkflowStep, 'label' | 'isNext'>> = [];

  const constitution = project?.constitution;
  if (!constitution) steps.push({ id: 'constitution', state: 'todo', detail: 'no constitution yet' });
  else if (constitution.isPlaceholder) steps.push({ id: 'constitution', state: 'todo', detail: 'template not filled in' });
  else {
    const v = constitution.version?.value;
    steps.push({ id: 'constitution', state: 'done', detail: v && !v.startsWith('[') ? `v${v}` : 'ratified' });
  }

  const spec = f.spec;
  const placeholders = spec?.problems.filter((p) => p.code === 'placeholder').length ?? 0;
  if (!spec) steps.push({ id: 'specify', state: pending('specify'), detail: 'no spec.md yet' });
  else if (placeholders > 0) steps.push({ id: 'specify', state: next === 'specify' ? 'current' : 'warning', detail: `${plural(placeholders, 'template placeholder')} left` });
  else steps.push({ id: 'specify', state: 'done', detail: `${plural(spec.stories.length, 'story', 'stories')} · ${plural(new Set(spec.requirements.map((r) => r.id)).size, 'requirement')}` });

  if (!spec) steps.push({ id: 'clarify', state: 'todo', detail: 'needs a spec' });
  else if (specMarkers > 0) steps.push({ id: 'clarify', state: next === 'clarify' ? 'current' : 'warning', detail: plural(specMarkers, 'open question') });
  else {
    const sessions = spec.clarifications.length;
    steps.push({ id: 'clarify', state: 'done', detail: sessions > 0 ? plural(sessions, 'session') : 'no open questions' });
  }

  const plan = f.plan;
  const planPlaceholders = plan?.problems.filter((p) => p.code === 'placeholder').length ?? 0;
  if (plan && planPlaceholders === 0) {
    const stale = staleOf('plan');
    if (stale) steps.push({ id: 'plan', state: 'stale', detail: stale });
    else if (planMarkers > 0) steps.push({ id: 'plan', state: 'warning', detail: plural(planMarkers, 'open question') });
    else steps.push({ id: 'plan', state: 'done', detail: 'plan.md' });
  } else if (questionBlock && tasks.total === 0) steps.push({ id: 'plan', state: 'blocked', detail: questionBlock });
  else steps.push({ id: 'plan', state: pending('plan'), detail: plan ? `${plural(planPlaceholders, 'template placeholder')} left` : 'no plan.md yet' });

  if (tasks.total > 0) {
    const stale = staleOf('tasks');
    steps.push(stale ? { id: 'tasks', state: 'stale', detail: stale } : { id: 'tasks', state: 'done', detail: plural(tasks.total, 'task') });
  } else steps.push({ id: 'tasks', state: pending('tasks'), detail: f.tasks ? 'tasks.md lists no tasks' : 'no tasks.md yet' });

  if (gate.rows.length === 0) steps.push({ id: 'checklist', state: 'todo', detail: 'no checklists (optional)' });
  else if (gate.pass) {
    const total = gate.rows.reduce((n, r) => n + r.total, 0);
    steps.push({ id: 'checklist', state: 'done', detail: `${total}/${total} items pass` });
  } else {
    const failing = gate.rows.filter((r) => !r.pass).map((r) => r.name);
    steps.push({ id: 'checklist', state: 'warning', detail: `${plural(openItems, 'open item')} in ${failing.join(', ')}` });
  }

  if (!f.tasks || tasks.total === 0) steps.push({ id: 'analyze', state: 'todo', detail: 'needs tasks' });
  else if (report.metrics.critical > 0) steps.push({ id: 'analyze', state: 'warning', detail: plural(report.metrics.critical, 'critical finding') });
  else steps.push({ id: 'analyze', state: 'done', detail: `coverage ${report.metrics.coveragePercent}% · ${plural(report.findings.length + report.omitted, 'finding')}` });

  if (tasks.total === 0) steps.push({ id: 'implement', state: 'todo', detail: 'needs tasks' });
  else if (tasks.done === tasks.total) steps.push({ id: 'implement', state: 'done', detail: `${tasks.done}/${tasks.total} done` });
  else if (gateBlock) steps.push({ id: 'implement', state: 'blocked', detail: `${tasks.done}/${tasks.total} done · ${gateBlock}` });
  else steps.push({ id: 'implement', state: pending('implement'), detail: `${tasks.done}/${tasks.total} done` });

  const convergence = f.tasks?.phases.filter((p) => p.kind === 'convergence') ?? [];
  if (convergence.length > 0 && tasks.total > 0 && tasks.done === tasks.total) steps.push({ id: 'converge', state: 'done', detail: 'convergence tasks done' });
  else if (convergence.length > 0) steps.push({ id: 'converge', state: 'todo', detail: `${plural(convergence.reduce((n, p) => n + p.total - p.done, 0), 'convergence task')} open` });
  else steps.push({ id: 'converge', state: pending('converge'), detail: next === 'converge' ? 'check the code against the spec' : 'after implementing' });

  const nextStep: NextStep | undefined = next
    ? { command: next, title: nextStepTitle(next), blockedBy: next === 'implement' ? gateBlock : next === 'plan' || next === 'tasks' ? questionBlock : undefined }
    : undefined;
  return {
    steps: steps.map((s) => ({ ...s, label: LABELS[s.id], isNext: s.id === next })),
    next: nextStep,
  };
}
