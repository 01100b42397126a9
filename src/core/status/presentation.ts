/**
 * Words and numbers the editor surfaces show for the model: one place, so the tree, the status bar
 * and the chat say the same thing the same way.
 */
import { type ConstitutionSummary } from '../artifacts/constitution';
import { type TaskPhase } from '../artifacts/tasks';
import { type FeatureStatus, type NextCommand } from './featureStatus';

const NEXT_TITLES: Readonly<Record<NextCommand, string>> = {
  specify: 'Write the spec',
  clarify: 'Clarify open questions',
  plan: 'Plan the implementation',
  tasks: 'Break the plan into tasks',
  implement: 'Implement the next tasks',
  converge: 'Check the code against the spec',
};

export function nextStepTitle(next: NextCommand): string {
  return NEXT_TITLES[next];
}

/** "Implementing 7/12 · 2 open questions · checklists 14/16 · stale". */
export function featureDescription(status: FeatureStatus): string {
  const parts = [status.label];
  if (status.markers > 0) parts.push(`${status.markers} open question${status.markers === 1 ? '' : 's'}`);
  if (status.checklists.total > 0) parts.push(`checklists ${status.checklists.passed}/${status.checklists.total}`);
  if (status.stale.length > 0) parts.push('stale');
  return parts.join(' · ');
}

/** A tooltip that explains every part of the description. */
export function featureTooltip(name: string, status: FeatureStatus, current: boolean): string {
  const lines = [`**${name}**${current ? ' (current feature)' : ''}`, '', `Phase: ${status.label}`];
  if (status.tasks.total > 0) lines.push(`Tasks: ${status.tasks.done} of ${status.tasks.total} done`);
  lines.push(status.markers > 0 ? `Open questions: ${status.markers} \`[NEEDS CLARIFICATION]\` marker${status.markers === 1 ? '' : 's'}` : 'No open questions');
  if (status.checklists.total > 0) lines.push(`Checklists: ${status.checklists.passed} of ${status.checklists.total} items pass`);
  for (const s of status.stale) lines.push(`Stale: ${s.changed}.md changed after ${s.artifact}.md was written`);
  if (status.next) lines.push('', `Next: \`/speckit.${status.next}\` (${NEXT_TITLES[status.next].toLowerCase()})`);
  return lines.join('  \n');
}

/** The Spec Explorer's constitution row, from the summary the index keeps (the file is not parsed for it). */
export function constitutionDescription(summary: ConstitutionSummary | undefined): string {
  if (!summary) return 'missing';
  if (summary.placeholder) return 'placeholder';
  const version = summary.version;
  return version && !/^\[/.test(version) ? `v${version}` : 'no version';
}

/** The row's tooltip: what to run when there is no constitution or only the template, else its name and size. */
export function constitutionTooltip(summary: ConstitutionSummary | undefined, exists: boolean): string {
  if (!exists) return 'No constitution yet: run /speckit.constitution to write the project principles.';
  if (summary?.placeholder) return 'The constitution is still the unfilled template: run /speckit.constitution.';
  return `${summary?.name ?? 'Constitution'}: ${summary?.principles ?? 0} principles`;
}

export function phaseDescription(phase: TaskPhase): string {
  const parts = [`${phase.done}/${phase.total}`];
  if (phase.priority) parts.push(phase.priority);
  if (phase.mvp) parts.push('MVP');
  return parts.join(' · ');
}

/** "Phase 3: User Story 1 - Browse albums" without the trailing priority and emoji. */
export function phaseLabel(phase: TaskPhase): string {
  const title = phase.title.replace(/\s*🎯.*$/u, '').replace(/\s*\((?:Priority|優先度)\s*:[^)]*\)\s*$/iu, '').trim();
  return phase.number !== undefined ? `Phase ${phase.number}: ${title}` : title;
}
