/** The markdown `/speckit.status` shows: every project, every feature, its phase and next step. */
import { type NextCommand } from '../status/featureStatus';
import { type IndexedFeature, type IndexedProject } from '../workspace/workspaceIndex';

/** Cell and heading text: one line, markdown punctuation escaped so names cannot break the table. */
export function escapeMarkdownCell(text: string): string {
  return text
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/[\\`*_[\]<>|~&#!]/g, (c) => `\\${c}`)
    .trim();
}

const NEXT_PHRASES: Readonly<Record<NextCommand, (name: string) => string>> = {
  specify: (n) => `write the spec of ${n}`,
  clarify: (n) => `clarify the open questions in the spec of ${n}`,
  plan: (n) => `plan the implementation of ${n}`,
  tasks: (n) => `break the plan of ${n} into tasks`,
  implement: (n) => `implement the next tasks of ${n}`,
  converge: (n) => `check the code of ${n} against its spec`,
};

/** "Next: `/speckit.plan` — plan the implementation of 001-x". */
export function nextStepLine(feature: IndexedFeature | undefined): string {
  if (!feature) return 'Next: `/speckit.specify` — describe a feature to start its spec';
  const name = escapeMarkdownCell(feature.feature.name);
  const next = feature.status.next;
  if (!next) return `Nothing to do next for ${name}`;
  return `Next: \`/speckit.${next}\` — ${NEXT_PHRASES[next](name)}`;
}

function link(text: string, target: string | undefined): string {
  if (!target) return text;
  // Angle brackets let a target hold spaces and parentheses; a target with brackets or a newline is not linked.
  if (/[<>\r\n]/.test(target)) return text;
  return `[${text}](<${target}>)`;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function projectSection(project: IndexedProject, rootLabel: (root: string) => string, featureLink?: (f: IndexedFeature) => string): string[] {
  const lines = [`### ${escapeMarkdownCell(rootLabel(project.project.root)) || 'Project'}`, ''];
  if (project.features.length === 0) {
    lines.push('No features yet — run `/speckit.specify`');
    return lines;
  }
  lines.push(row(['Feature', 'Phase', 'Tasks', 'Open questions', 'Checklists', 'Stale', 'Next']), row(['---', '---', '---:', '---:', '---:', '---', '---']));
  for (const f of project.features) {
    const s = f.status;
    const current = project.current?.dir === f.feature.dir;
    let name = link(escapeMarkdownCell(f.feature.name), featureLink?.(f));
    if (current) name = `**${name}** (current)`;
    lines.push(
      row([
        name,
        escapeMarkdownCell(s.label),
        s.tasks.total > 0 ? `${s.tasks.done}/${s.tasks.total}` : '—',
        s.markers > 0 ? String(s.markers) : '—',
        s.checklists.total > 0 ? `${s.checklists.passed}/${s.checklists.total}` : '—',
        s.stale.length > 0 ? s.stale.map((x) => `${x.artifact} (${x.changed} changed)`).join(', ') : '—',
        s.next ? `\`/speckit.${s.next}\`` : '—',
      ]),
    );
  }
  lines.push('', summary(project));
  return lines;
}

/** "3 features: 1 done, 2 in progress · 2 open questions · 1 stale". */
function summary(project: IndexedProject): string {
  const features = project.features;
  const done = features.filter((f) => f.status.phase === 'done').length;
  const parts = [`${plural(features.length, 'feature')}: ${done} done, ${features.length - done} in progress`];
  const markers = features.reduce((n, f) => n + f.status.markers, 0);
  if (markers > 0) parts.push(plural(markers, 'open question'));
  const stale = features.filter((f) => f.status.stale.length > 0).length;
  if (stale > 0) parts.push(`${stale} stale`);
  if (project.archived.length > 0) parts.push(`${project.archived.length} archived`);
  return parts.join(' · ');
}

/**
 * Per project a heading, a table of its features (the current one marked) and a one-line summary.
 * `rootLabel` names a project root for the user; `featureLink` gives a link target (a URI) for a
 * feature's name.
 */
export function statusMarkdown(projects: readonly IndexedProject[], rootLabel: (root: string) => string, featureLink?: (f: IndexedFeature) => string): string {
  if (projects.length === 0) return 'No Spec Kit project in this workspace — run `/speckit.constitution` or `specify init` to start one.\n';
  return projects.map((p) => projectSection(p, rootLabel, featureLink).join('\n')).join('\n\n') + '\n';
}
