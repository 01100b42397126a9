import { formatTaskId } from '../artifacts/ids';
import { type SpecDoc } from '../artifacts/spec';
import { parseTasks } from '../artifacts/tasks';
import { continuesIdList, leadingTags, leadingTaskId, NON_STORY_KINDS, phaseHeading, phaseKind, type PhaseKind } from '../artifacts/taskGrammar';

export interface TasksRepair {
  text: string;
  /** One message per kind of fix, with counts. */
  fixes: string[];
  taskCount: number;
  /** Requirement IDs (the spec's, then any others tasks name) and the tasks naming each. */
  coverage: Array<{ requirement: string; tasks: string[] }>;
  /** Spec requirements no task names. */
  uncovered: string[];
  /** `USn` tags naming a story the spec does not have. */
  unknownStories: string[];
}

const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$/;
const FENCE = /^[ \t]*(`{3,}|~{3,})/;
/** A list item line: indent, marker, space, optional checkbox, rest. */
const ITEM = /^([ \t]*)([-*+]|\d{1,9}[.)])([ \t]+)(?:\[([ xX])\][ \t]+)?(.*)$/;
const TASK_REF = /\bT\d{3,}[a-z]?\b/g;

interface Line {
  text: string;
  eol: string;
}

interface TaskLine {
  line: number;
  indent: number;
  oldId: string | undefined;
  newId: string;
}

function summarize(ids: string[], max = 6): string {
  return ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')}, …`;
}

/**
 * Enforces spec-kit's task-line grammar `- [ ] T001 [P] [US1] Description` on a tasks file the model
 * wrote: checkboxes and IDs added, ID and story-tag spellings normalized, tasks renumbered in
 * document order (references in the file follow), story tags removed from Setup/Foundational/Polish.
 * Code fences are left alone, except for task references in "Parallel Example" sections.
 * Repairing a repaired file changes nothing; line endings and a BOM are kept.
 */
export function repairTasks(text: string, spec?: SpecDoc): TasksRepair {
  const bom = text.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  const body = bom ? text.slice(1) : text;
  const lines: Line[] = [];
  for (const m of body.matchAll(/([^\r\n]*)(\r\n|\n|\r|$)/g)) {
    if (m.index === body.length && m[0] === '') break;
    lines.push({ text: m[1]!, eol: m[2]! });
  }

  const checkboxAdded: number[] = [];
  const idGiven: number[] = [];
  const idSpelling: number[] = [];
  const storySpelling: number[] = [];
  const tagOrder: number[] = [];
  const storyRemoved: Array<{ line: number; tag: string }> = [];
  const unknownStories: string[] = [];
  const knownStories = spec && spec.stories.length > 0 ? new Set(spec.stories.map((s) => s.id)) : undefined;

  const tasks: TaskLine[] = [];
  /** Lines (indices) inside fences whose task references are updated: Parallel Example sections. */
  const refLines = new Set<number>();
  /** Lines outside fences. */
  const proseLines = new Set<number>();
  const rebuilt = new Map<number, { prefix: string; oldId: string | undefined; tags: string; rest: string }>();

  let fence: string | undefined;
  let phase: { depth: number; kind: PhaseKind; form: 'phase' | 'group' } | undefined;
  let parallel: number | undefined;
  let lastTask: TaskLine | undefined;
  const seenIds = new Set<string>();

  lines.forEach((ln, i) => {
    const t = ln.text;
    if (fence) {
      if (new RegExp(`^[ \\t]*${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`).test(t)) fence = undefined;
      else if (parallel !== undefined) refLines.add(i);
      return;
    }
    const f = FENCE.exec(t);
    if (f) {
      fence = f[1]!;
      return;
    }
    proseLines.add(i);
    const h = HEADING.exec(t);
    if (h) {
      const depth = h[1]!.length;
      const title = h[2]!;
      if (parallel !== undefined && depth <= parallel) parallel = undefined;
      if (/parallel\s+example/i.test(title)) parallel = depth;
      const p = phaseHeading(title);
      // As the parser reads them: a numbered group heading inside a `Phase N` is a section of it.
      if (p && !(p.form === 'group' && phase?.form === 'phase' && depth > phase.depth)) phase = { depth, kind: phaseKind(p.title.trim() || title), form: p.form };
      else if (phase && depth <= phase.depth) phase = undefined;
      lastTask = undefined;
      return;
    }
    const m = ITEM.exec(t);
    if (!m) {
      if (t.trim() !== '' && !/^\s/.test(t)) lastTask = undefined;
      return;
    }
    const [, indentText, marker, space, box, rest] = m as unknown as [string, string, string, string, string | undefined, string];
    const indent = indentText.replace(/\t/g, '    ').length;
    // Numbered IDs (`1.1`) are not spec-kit's: such an item is a task that gets a T-ID.
    const found = leadingTaskId(rest);
    const lead = found?.scheme === 'T' ? found : undefined;
    const oldId = lead?.id;
    let after = rest;
    if (lead) {
      after = rest.slice(lead.end);
      // `**T001**` closes right after the ID; `**T001 [P]**` closes after the tags (handled below).
      const closeBold = lead.bold ? new RegExp(`^\\s*${lead.bold === '**' ? '\\*\\*' : '__'}`) : undefined;
      if (closeBold && closeBold.test(after)) after = after.replace(closeBold, '');
    }
    const inPhase = phase !== undefined;
    const nested = lastTask !== undefined && indent > lastTask.indent;
    let isTask: boolean;
    if (oldId) {
      // Without a checkbox an ID'd item is a task only inside a phase and when it is not a list of IDs.
      isTask = box !== undefined || (inPhase && !seenIds.has(oldId) && !continuesIdList(after));
    } else {
      isTask = box !== undefined && inPhase && !nested;
    }
    if (!isTask) {
      if (!nested) lastTask = undefined;
      return;
    }
    if (lead?.decorated) idSpelling.push(i);
    // Tags, in any order and spelling, then the description.
    const tagged = leadingTags(after);
    const tagsRaw = tagged.raw;
    after = tagged.rest;
    const parallelTag = tagged.tags.some((t) => t.kind === 'parallel');
    const stories = tagged.tags.flatMap((t) => (t.kind === 'story' ? [t.id] : []));
    const misspelledStory = tagged.tags.some((t) => t.kind === 'story' && !t.canonical);
    // A bold run that opened before the ID and closes after the tags.
    if (lead?.bold && /^\s*(\*\*|__)/.test(after)) after = after.replace(/^\s*(\*\*|__)/, '');
    if (misspelledStory) storySpelling.push(i);
    const canonicalOrder = /^\s*(?:\[P\]\s*)?(?:\[US\d+\]\s*)*$/.test(tagsRaw);
    if (tagsRaw && !canonicalOrder && !misspelledStory) tagOrder.push(i);
    let story = stories[0];
    if (story && phase && NON_STORY_KINDS.has(phase.kind)) {
      storyRemoved.push({ line: i, tag: story });
      story = undefined;
    }
    if (story && knownStories && !knownStories.has(story) && !unknownStories.includes(story)) unknownStories.push(story);
    const task: TaskLine = { line: i, indent, oldId, newId: '' };
    tasks.push(task);
    if (oldId) seenIds.add(oldId);
    if (!oldId) idGiven.push(i);
    if (box === undefined) checkboxAdded.push(i);
    lastTask = task;
    const tags = `${parallelTag ? ' [P]' : ''}${story ? ` [${story}]` : ''}`;
    rebuilt.set(i, { prefix: `${indentText}${marker}${space}[${box ?? ' '}] `, oldId, tags, rest: after.replace(/^[ \t]+/, '') });
  });

  // Sequential IDs in document order; references follow the first task that had the old ID.
  const renames = new Map<string, string>();
  const renumbered: string[] = [];
  tasks.forEach((t, k) => {
    t.newId = formatTaskId(k + 1);
    if (t.oldId && !renames.has(t.oldId)) renames.set(t.oldId, t.newId);
    if (t.oldId && t.oldId !== t.newId) renumbered.push(`${t.oldId}→${t.newId}`);
  });
  const byLine = new Map(tasks.map((t) => [t.line, t]));
  let refsUpdated = 0;
  const mapRefs = (s: string): string =>
    s.replace(TASK_REF, (ref) => {
      const to = renames.get(ref);
      if (to === undefined || to === ref) return ref;
      refsUpdated++;
      return to;
    });

  const out = lines.map((ln, i) => {
    const r = rebuilt.get(i);
    if (r) {
      const id = byLine.get(i)!.newId;
      const desc = mapRefs(r.rest);
      return `${r.prefix}${id}${r.tags}${desc ? ` ${desc}` : ''}` + ln.eol;
    }
    if (proseLines.has(i) || refLines.has(i)) return mapRefs(ln.text) + ln.eol;
    return ln.text + ln.eol;
  });
  const result = bom + out.join('');

  const idOf = (line: number): string => byLine.get(line)!.newId;
  const fixes: string[] = [];
  const boxes = checkboxAdded.map(idOf);
  if (boxes.length === 1) fixes.push(`added a checkbox to ${boxes[0]}`);
  else if (boxes.length > 1) fixes.push(`added a checkbox to ${boxes.length} tasks (${summarize(boxes)})`);
  if (idGiven.length > 0) fixes.push(`gave ${idGiven.length === 1 ? 'a checkbox item an ID' : `${idGiven.length} checkbox items IDs`} (${summarize(idGiven.map(idOf))})`);
  if (idSpelling.length > 0) fixes.push(`wrote ${idSpelling.length} task ID${idSpelling.length === 1 ? '' : 's'} plainly (${summarize(idSpelling.map(idOf))}), without bold or brackets`);
  if (storySpelling.length > 0) fixes.push(`normalized the story tag of ${storySpelling.length} task${storySpelling.length === 1 ? '' : 's'} to [USn] (${summarize(storySpelling.map(idOf))})`);
  if (tagOrder.length > 0) fixes.push(`put [P] before the story tag in ${tagOrder.length} task${tagOrder.length === 1 ? '' : 's'} (${summarize(tagOrder.map(idOf))})`);
  if (renumbered.length > 0) fixes.push(`renumbered ${renumbered.length} task${renumbered.length === 1 ? '' : 's'} (${summarize(renumbered, 5)})`);
  if (refsUpdated > 0) fixes.push(`updated ${refsUpdated} reference${refsUpdated === 1 ? '' : 's'} to renumbered tasks`);
  if (storyRemoved.length > 0) {
    fixes.push(
      `removed the story tag from ${storyRemoved.length} task${storyRemoved.length === 1 ? '' : 's'} in Setup/Foundational/Polish phases (${summarize(storyRemoved.map((s) => `${idOf(s.line)} ${s.tag}`))})`,
    );
  }

  const parsed = parseTasks(result);
  const byRequirement = new Map<string, string[]>();
  const specIds = spec ? [...new Set(spec.requirements.filter((r) => !r.derived).map((r) => r.id))] : [];
  for (const id of specIds) byRequirement.set(id, []);
  for (const t of parsed.tasks) {
    for (const r of t.requirements) {
      const list = byRequirement.get(r) ?? [];
      if (!list.includes(t.id)) list.push(t.id);
      byRequirement.set(r, list);
    }
  }
  const coverage = [...byRequirement].map(([requirement, ts]) => ({ requirement, tasks: ts }));
  return {
    text: result,
    fixes,
    taskCount: parsed.tasks.length,
    coverage,
    uncovered: specIds.filter((id) => (byRequirement.get(id) ?? []).length === 0),
    unknownStories,
  };
}
