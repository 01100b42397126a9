/**
 * Follow-ups ("handoffs") after a chat command, after spec-kit's handoff buttons but computed from
 * the feature's real state: a step is offered only when its input exists. VS Code submits a
 * follow-up's prompt as soon as it is clicked, so prompts are complete requests (or empty when the
 * command needs no argument).
 */
import { type ChatCommand, type ChatTurnKind } from '../../ids';
import { type FeatureStatus } from '../status/featureStatus';
import { type IndexedFeature } from '../workspace/workspaceIndex';

/** The chat turn a follow-up comes after; the commands without a next step get none. */
export type HandoffSource = ChatTurnKind;

export interface Followup {
  label: string;
  /** The command's key in `ChatSlashCommands`, e.g. `plan`. */
  command: ChatCommand;
  prompt: string;
}

/** Which artifacts of the feature exist. */
export interface ArtifactPresence {
  spec: boolean;
  plan: boolean;
  tasks: boolean;
}

const STEPS = {
  specify: { label: 'Build Specification', command: 'specify', prompt: '' },
  clarify: { label: 'Clarify Spec Requirements', command: 'clarify', prompt: 'Clarify the open questions in the spec.' },
  clarifyAgain: { label: 'Continue Clarifying', command: 'clarify', prompt: 'Continue with the remaining open questions in the spec.' },
  plan: { label: 'Build Technical Plan', command: 'plan', prompt: 'Create a plan for the spec.' },
  tasks: { label: 'Create Tasks', command: 'tasks', prompt: 'Break the plan into tasks.' },
  checklist: { label: 'Create Checklist', command: 'checklist', prompt: 'Create a checklist of the requirements quality for this feature.' },
  analyze: { label: 'Analyze For Consistency', command: 'analyze', prompt: 'Check the spec, plan and tasks for consistency.' },
  implement: { label: 'Implement Project', command: 'implement', prompt: 'Start the implementation in phases.' },
  converge: { label: 'Check Convergence', command: 'converge', prompt: 'Check the code against the spec.' },
} as const satisfies Record<string, Followup>;

/** The artifacts an indexed feature has (what its files say, not what its phase implies). */
export function artifactsOf(feature: IndexedFeature): ArtifactPresence {
  return { spec: feature.spec !== undefined, plan: feature.plan !== undefined, tasks: (feature.tasks?.total ?? 0) > 0 };
}

/**
 * What the phase implies when the caller does not know the files: the phase counts a plan full of
 * template placeholders as no plan, and a feature with tasks has had its spec and plan.
 */
function presenceFromStatus(status: FeatureStatus): ArtifactPresence {
  const p = status.phase;
  const tasks = status.tasks.total > 0;
  const plan = p === 'planned' || tasks;
  const spec = p === 'draft' || p === 'specified' || p === 'clarified' || (p === 'planned' && status.next !== 'specify') || tasks;
  return { spec, plan, tasks };
}

/**
 * Follow-ups after `after` ran, for the feature's status now (undefined when there is no feature).
 * `artifacts` says which files exist; without it they are inferred from the status.
 */
export function followupsFor(after: HandoffSource, status: FeatureStatus | undefined, artifacts?: ArtifactPresence): Followup[] {
  const has = status ? (artifacts ?? presenceFromStatus(status)) : { spec: false, plan: false, tasks: false };
  const markers = status?.markers ?? 0;
  const out: Followup[] = [];
  const offer = (step: Followup, when: boolean): void => {
    if (when && !out.some((f) => f.command === step.command)) out.push({ ...step });
  };
  switch (after) {
    case 'constitution':
      offer(STEPS.specify, true);
      break;
    case 'specify':
      if (markers > 0) offer(STEPS.clarify, has.spec);
      offer(STEPS.plan, has.spec);
      offer(STEPS.clarify, has.spec);
      break;
    case 'clarify':
      if (markers > 0) offer(STEPS.clarifyAgain, has.spec);
      offer(STEPS.plan, has.spec);
      break;
    case 'plan':
      offer(STEPS.tasks, has.plan && has.spec);
      offer(STEPS.checklist, has.plan && has.spec);
      break;
    case 'tasks':
      offer(STEPS.analyze, has.tasks && has.plan && has.spec);
      offer(STEPS.implement, has.tasks);
      break;
    case 'status':
    case 'ask': {
      const next = status?.next ?? 'specify';
      if (next === 'specify') offer(STEPS.specify, true);
      else if (next === 'clarify') offer(STEPS.clarify, has.spec);
      else if (next === 'plan') offer(STEPS.plan, has.spec);
      else if (next === 'tasks') offer(STEPS.tasks, has.plan && has.spec);
      else if (next === 'implement') offer(STEPS.implement, has.tasks);
      else offer(STEPS.converge, has.tasks);
      break;
    }
    // The rest end on their own report (analyze, converge), a gate (implement), or a loop of
    // their own (checklist, taskstoissues): no spec-kit step follows them by default.
    case 'checklist':
    case 'analyze':
    case 'implement':
    case 'converge':
    case 'taskstoissues':
      break;
  }
  return out;
}
