/**
 * What `/speckit.taskstoissues` sends to GitHub for one task: the title spec-kit uses
 * (`T012: <description>`), a body that tells the task's story, the requirements it covers, its phase,
 * whether it can run in parallel, and links back to the line in tasks.md, and the labels for its
 * phase and story. The body ends with a hidden marker naming the feature and task, so an issue
 * created by a run that could not record its URL is found again instead of duplicated.
 */
import { type Requirement, type UserStory } from '../artifacts/spec';
import { type Task, type TaskPhase } from '../artifacts/tasks';

export interface IssueDraft {
  readonly taskId: string;
  readonly title: string;
  readonly body: string;
  readonly labels: readonly string[];
}

export interface LabelSpec {
  readonly name: string;
  readonly color: string;
  readonly description: string;
}

export interface DraftContext {
  /** The feature's folder relative to the repository root (`specs/001-postgres`). */
  readonly featurePath: string;
  readonly featureName: string;
  /** tasks.md relative to the repository root. */
  readonly tasksPath: string;
  /** Web URL of tasks.md at the branch or commit the issues describe (`…/blob/main/specs/001-x/tasks.md`). */
  readonly tasksWebUrl: string;
  readonly phases: readonly TaskPhase[];
  readonly stories: readonly UserStory[];
  readonly requirements: readonly Requirement[];
  /** Issue URLs of other tasks, for "depends on" links. */
  readonly issueOf: (taskId: string) => string | undefined;
}

/** GitHub caps titles at 256 characters and labels at 50. */
const MAX_TITLE = 256;
const MAX_LABEL = 50;
const MAX_REQUIREMENT_TEXT = 300;

export const SPECKIT_LABEL: LabelSpec = { name: 'speckit', color: '5319e7', description: 'Created by Spec Kit from a tasks.md task' };

/** The hidden marker that names the task an issue was created for. */
export function taskMarker(featurePath: string, taskId: string): string {
  return `<!-- speckit-task: ${featurePath.replace(/-->/g, '')}#${taskId} -->`;
}

/** Reads the marker back from an issue body: `{ featurePath, taskId }`. */
export function readTaskMarker(body: string | null | undefined): { featurePath: string; taskId: string } | undefined {
  const m = /<!-- speckit-task: (.+)#(T\d+[a-z]?) -->/.exec(body ?? '');
  return m ? { featurePath: m[1]!, taskId: m[2]! } : undefined;
}

export function phaseLabel(phase: TaskPhase): LabelSpec {
  const name = phase.number !== undefined ? `phase ${phase.number}` : `phase: ${phase.title}`;
  return { name: clip(name, MAX_LABEL), color: 'c5def5', description: clip(`Spec Kit phase: ${phase.title}`, 100) };
}

export function storyLabel(story: string, title: string | undefined): LabelSpec {
  return { name: `story ${story}`, color: '0e8a16', description: clip(`User story ${story}${title ? `: ${title}` : ''}`, 100) };
}

/** The labels a task's issue carries: speckit, its phase, its story. */
export function labelsFor(task: Task, ctx: Pick<DraftContext, 'phases' | 'stories'>): LabelSpec[] {
  const out = [SPECKIT_LABEL];
  const phase = ctx.phases.find((p) => p.key === task.phase);
  if (phase) out.push(phaseLabel(phase));
  const story = task.story ?? phase?.story;
  if (story) out.push(storyLabel(story, ctx.stories.find((s) => s.id === story)?.title));
  return out;
}

export function issueDraft(task: Task, ctx: DraftContext): IssueDraft {
  const phase = ctx.phases.find((p) => p.key === task.phase);
  const storyId = task.story ?? phase?.story;
  const story = storyId ? ctx.stories.find((s) => s.id === storyId) : undefined;
  const line = task.lineRange.start.line + 1;
  const facts: string[] = [`**Feature**: ${escape(ctx.featureName)} (\`${ctx.featurePath}\`)`];
  if (phase) facts.push(`**Phase**: ${phase.number !== undefined ? `${phase.number}: ` : ''}${escape(phase.title)}`);
  if (storyId) facts.push(`**User story**: ${storyId}${story ? ` — ${escape(story.title)}${story.priority ? ` (${story.priority})` : ''}` : ''}`);
  facts.push(task.parallel ? '**Parallel**: yes `[P]` (touches different files than its neighbours)' : '**Parallel**: no');
  const sections = [`${task.description ? escape(task.description) : task.id}`, facts.map((f) => `- ${f}`).join('\n')];
  if (task.requirements.length > 0) {
    const lines = task.requirements.map((id) => {
      const r = ctx.requirements.find((q) => q.id === id);
      return `- **${id}**${r ? `: ${escape(clip(r.text, MAX_REQUIREMENT_TEXT))}` : ''}`;
    });
    sections.push(`### Requirements covered\n\n${lines.join('\n')}`);
  }
  if (task.dependsOn.length > 0) {
    sections.push(`### Depends on\n\n${task.dependsOn.map((d) => `- ${d}${ctx.issueOf(d) ? ` ${ctx.issueOf(d)}` : ''}`).join('\n')}`);
  }
  if (task.paths.length > 0) sections.push(`### Files\n\n${task.paths.map((p) => `- \`${p.replace(/`/g, '')}\``).join('\n')}`);
  sections.push(`---\nTask [${task.id} in \`${ctx.tasksPath}\` (line ${line})](${ctx.tasksWebUrl}#L${line}). Created by Spec Kit; ticking the task and closing this issue are kept in step by *Spec Kit: Sync Task States from GitHub*.\n\n${taskMarker(ctx.featurePath, task.id)}`);
  return {
    taskId: task.id,
    title: clip(`${task.id}: ${task.description || task.id}`.replace(/\s+/g, ' '), MAX_TITLE),
    body: sections.join('\n\n'),
    labels: labelsFor(task, ctx).map((l) => l.name),
  };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Task text is the user's; keep GitHub from reading it as mentions or HTML. */
function escape(text: string): string {
  return text.replace(/</g, '&lt;').replace(/@(?=[A-Za-z0-9])/g, '@\u200b');
}
