/**
 * What `@speckit` does with OpenSpec changes, pure: which change a request names, the status section
 * of an OpenSpec project, and what a spec-kit command that OpenSpec does another way answers.
 */
import { type Followup } from '../chat/handoffs';
import { type OpenSpecDocKind } from '../chat/promptContext';
import { escapeMarkdownCell } from '../chat/statusTable';
import { type ChangeStatus, type OpenSpecChange, type OpenSpecProject } from './project';

/** A change id as OpenSpec writes them (kebab-case), as a whole word of the request. */
const CHANGE_ID_WORD = /(?<![\w./-])([a-z0-9][a-z0-9._-]*[a-z0-9])(?![\w/-]|\.\w)/gi;

export interface NamedChange<P> {
  readonly project: P;
  readonly change: OpenSpecChange;
  /** The request without the change id: the rest is the scope (`1.2`, `Phase 1`, …). */
  readonly rest: string;
}

/**
 * The change a request names by its id (`add-contabo-vps-server 1.2`), active changes first, then
 * archived ones by id or archive folder name. Undefined when no word of the request is a change id.
 */
export function changeNamedIn<P extends { readonly project: OpenSpecProject }>(prompt: string, projects: readonly P[]): NamedChange<P> | undefined {
  for (const m of prompt.matchAll(CHANGE_ID_WORD)) {
    const word = m[1]!;
    for (const archived of [false, true]) {
      for (const p of projects) {
        const list = archived ? p.project.archived : p.project.changes;
        const change = list.find((c) => c.id === word || c.folder === word);
        if (change) return { project: p, change, rest: `${prompt.slice(0, m.index)} ${prompt.slice(m.index + m[0].length)}`.replace(/\s+/g, ' ').trim() };
      }
    }
  }
  return undefined;
}

const STATUS_LABEL: Readonly<Record<ChangeStatus, string>> = { proposed: 'Proposed', 'in-progress': 'In progress', complete: 'Complete', archived: 'Archived' };

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function link(text: string, target: string | undefined): string {
  if (!target || /[<>\r\n]/.test(target)) return text;
  return `[${text}](<${target}>)`;
}

/** What to do next with a change, as `/speckit.status` says it. */
export function changeNextStep(change: OpenSpecChange): string {
  if (change.archived) return '—';
  if (!change.tasks || change.progress.total === 0) return 'add tasks to tasks.md';
  if (change.status === 'complete') return `\`openspec archive ${change.id}\``;
  return '`/speckit.implement`';
}

/** Requirements the change's delta specs add, modify, remove or rename, in all. */
export function deltaRequirementCount(change: OpenSpecChange): number {
  return change.deltas.reduce((n, d) => n + d.doc.added.length + d.doc.modified.length + d.doc.removed.length + d.doc.renamed.length, 0);
}

/**
 * An OpenSpec project's part of `/speckit.status`: a table of the active changes (progress, status,
 * the capabilities they touch, next step), the archived count and the capabilities with their
 * requirement counts, in the same style as the spec-kit features' table.
 */
export function openspecStatusSection(project: OpenSpecProject, heading: string, changeLink?: (c: OpenSpecChange) => string | undefined, problems = 0): string[] {
  const lines = [`### ${escapeMarkdownCell(heading) || 'OpenSpec project'} (OpenSpec)`, ''];
  if (project.changes.length === 0) lines.push('No active changes — propose one with the `openspec` CLI (`/openspec:proposal` in your agent).');
  else {
    lines.push('| Change | Status | Tasks | Requirements | Capabilities | Next |', '| --- | --- | ---: | ---: | --- | --- |');
    for (const c of project.changes) {
      const caps = c.deltas.map((d) => escapeMarkdownCell(d.capability));
      const requirements = deltaRequirementCount(c);
      lines.push(
        `| ${[
          link(escapeMarkdownCell(c.id), changeLink?.(c)),
          STATUS_LABEL[c.status],
          c.progress.total > 0 ? `${c.progress.done}/${c.progress.total}` : '—',
          requirements > 0 ? String(requirements) : '—',
          caps.length > 0 ? caps.join(', ') : '—',
          changeNextStep(c),
        ].join(' | ')} |`,
      );
    }
  }
  const complete = project.changes.filter((c) => c.status === 'complete').length;
  const requirements = project.specs.reduce((n, s) => n + s.doc.requirements.length, 0);
  const parts = [`${plural(project.changes.length, 'active change')}: ${complete} complete, ${project.changes.length - complete} in progress or proposed`, `${project.archived.length} archived`];
  parts.push(`${plural(project.specs.length, 'capability', 'capabilities')} (${plural(requirements, 'requirement')})`);
  if (problems > 0) parts.push(`${plural(problems, 'validation error')} (see Problems)`);
  lines.push('', parts.join(' · '));
  if (project.specs.length > 0) {
    const caps = project.specs.map((s) => `${escapeMarkdownCell(s.id)} (${s.doc.requirements.length})`);
    lines.push('', `Capabilities: ${caps.join(', ')}`);
  }
  return lines;
}

/** spec-kit commands that write spec-kit files, and what an OpenSpec user does instead. */
const OPENSPEC_WAY: Readonly<Record<string, string>> = {
  specify: 'A new OpenSpec change is a proposal: run `openspec` (or `/openspec:proposal` in your agent) to scaffold `openspec/changes/<id>/` with proposal.md, tasks.md and spec deltas.',
  clarify: "OpenSpec has no clarification session: edit the change's proposal.md or design.md, then `openspec validate <id> --strict`.",
  plan: "OpenSpec keeps the technical decisions of a change in its design.md: write or edit it there (there is no plan.md).",
  tasks: "An OpenSpec change's tasks live in its tasks.md (`## 1. Group` + `- [ ] 1.1 Task`): edit them there; the task lenses and `/speckit.implement` work on them.",
  checklist: 'OpenSpec has no checklists: its quality gate is `openspec validate <id> --strict` (the same rules show in Problems), and `/speckit.analyze <id>`.',
  converge: "OpenSpec closes a change by archiving it: when its tasks are done, `openspec archive <id>` merges the spec deltas into openspec/specs.",
  constitution: "OpenSpec's project conventions live in openspec/project.md (or config.yaml): edit them there.",
  taskstoissues: "Turning tasks into GitHub issues works on spec-kit features only; an OpenSpec change's tasks stay in its tasks.md.",
};

/** The answer of a spec-kit command invoked on an OpenSpec change: why nothing is written, and what to do instead. */
export function openspecRedirect(command: string, change: string | undefined): string | undefined {
  const way = OPENSPEC_WAY[command];
  if (!way) return undefined;
  const on = change ? `\`${change}\` is an OpenSpec change` : 'This is an OpenSpec project';
  return `${on}: \`/speckit.${command}\` writes spec-kit files (specs/NNN-…/), so it does nothing here. ${way} On OpenSpec changes \`@speckit\` runs \`/speckit.status\`, \`/speckit.implement\` and \`/speckit.analyze\`.`;
}

/**
 * The documents an implement task of a change reads, in priority order: proposal.md, the delta specs,
 * design.md, the current capability specs those deltas change, and openspec/project.md (the
 * project's conventions, as OpenSpec's own apply step reads them).
 */
export function changeDocPaths(change: OpenSpecChange, project: OpenSpecProject): Array<[OpenSpecDocKind, string]> {
  const out: Array<[OpenSpecDocKind, string]> = [];
  if (change.proposal) out.push(['proposal', change.proposal.path]);
  for (const d of change.deltas) out.push(['delta', d.path]);
  if (change.design) out.push(['design', change.design.path]);
  for (const d of change.deltas) {
    const spec = project.specs.find((s) => s.id === d.capability);
    if (spec) out.push(['capability', spec.path]);
  }
  if (project.projectFile) out.push(['conventions', project.projectFile]);
  return out;
}

/** Files of a change an implement run must not rewrite (held back for review like spec-kit's spec and tasks). */
export function changeOwnFiles(change: OpenSpecChange, project: OpenSpecProject): string[] {
  return [change.tasks?.path, ...changeDocPaths(change, project).map(([, p]) => p)].filter((p): p is string => p !== undefined);
}

/** Follow-ups after a command on a change: the other of implement and analyze, naming the change. */
export function changeFollowups(after: string, change: OpenSpecChange): Followup[] {
  if (change.archived) return [];
  const out: Followup[] = [];
  if (after !== 'analyze') out.push({ label: `Analyze ${change.id}`, command: 'analyze', prompt: change.id });
  if (after !== 'implement' && change.progress.done < change.progress.total) out.push({ label: `Implement ${change.id}`, command: 'implement', prompt: change.id });
  return out;
}
