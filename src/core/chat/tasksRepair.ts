import { formatTaskId } from '../artifacts/ids';
import { type SpecDoc } from '../artifacts/spec';
import { parseTasks, type TasksDoc } from '../artifacts/tasks';
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

/** Which lines each kind of fix touched, for the summary. */
interface FixNotes {
  checkboxAdded: number[];
  idGiven: number[];
  idSpelling: number[];
  storySpelling: number[];
  tagOrder: number[];
  storyRemoved: Array<{ line: number; tag: string }>;
}

/** A task line to write back: everything but the ID, which is given after renumbering. */
interface RebuiltTask {
  prefix: string;
  tags: string;
  rest: string;
}

/**
 * Enforces spec-kit's task-line grammar `- [ ] T001 [P] [US1] Description` on a tasks file the model
 * wrote: checkboxes and IDs added, ID and story-tag spellings normalized, tasks renumbered in
 * document order (references in the file follow), story tags removed from Setup/Foundational/Polish.
 * Code fences are left alone, except for task references in "Parallel Example" sections.
 * Repairing a repaired file changes nothing; line endings and a BOM are kept.
 */
export function repairTasks(text: string, spec?: SpecDoc): TasksRepair {
  const { bom, lines } = splitLines(text);
  const scan = new TaskLineScanner(spec);
  lines.forEach((ln, i) => scan.line(i, ln.text));
  const { byLine, renames, renumbered } = renumber(scan.tasks);
  const rewritten = rewrite(lines, scan, byLine, renames);
  const result = bom + rewritten.text;
  const fixes = describeFixes(scan.notes, (line) => byLine.get(line)!.newId, renumbered, rewritten.refsUpdated);
  const parsed = parseTasks(result);
  return { text: result, fixes, taskCount: parsed.tasks.length, ...requirementCoverage(parsed, spec), unknownStories: scan.unknownStories };
}

/** The lines with their own line endings, and the BOM apart. */
function splitLines(text: string): { bom: string; lines: Line[] } {
  const bom = text.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  const body = bom ? text.slice(1) : text;
  const lines: Line[] = [];
  for (const m of body.matchAll(/([^\r\n]*)(\r\n|\n|\r|$)/g)) {
    if (m.index === body.length && m[0] === '') break;
    lines.push({ text: m[1]!, eol: m[2]! });
  }
  return { bom, lines };
}

/**
 * Reads the file line by line as the parser does (fences, phase headings, nested items) and decides
 * which list items are tasks, how each is to be rewritten, and which fixes that takes.
 */
class TaskLineScanner {
  readonly tasks: TaskLine[] = [];
  readonly rebuilt = new Map<number, RebuiltTask>();
  /** Lines outside fences: their task references follow renumbering. */
  readonly proseLines = new Set<number>();
  /** Lines inside fences whose task references are updated: Parallel Example sections. */
  readonly refLines = new Set<number>();
  readonly notes: FixNotes = { checkboxAdded: [], idGiven: [], idSpelling: [], storySpelling: [], tagOrder: [], storyRemoved: [] };
  /** `USn` tags naming a story the spec does not have. */
  readonly unknownStories: string[] = [];

  private readonly knownStories: ReadonlySet<string> | undefined;
  private fence: string | undefined;
  private phase: { depth: number; kind: PhaseKind; form: 'phase' | 'group' } | undefined;
  private parallel: number | undefined;
  private lastTask: TaskLine | undefined;
  private readonly seenIds = new Set<string>();

  constructor(spec: SpecDoc | undefined) {
    this.knownStories = spec && spec.stories.length > 0 ? new Set(spec.stories.map((s) => s.id)) : undefined;
  }

  line(i: number, t: string): void {
    if (this.fence) {
      if (new RegExp(`^[ \\t]*${this.fence[0] === '`' ? '`' : '~'}{${this.fence.length},}[ \\t]*$`).test(t)) this.fence = undefined;
      else if (this.parallel !== undefined) this.refLines.add(i);
      return;
    }
    const f = FENCE.exec(t);
    if (f) {
      this.fence = f[1]!;
      return;
    }
    this.proseLines.add(i);
    const h = HEADING.exec(t);
    if (h) {
      this.heading(h[1]!.length, h[2]!);
      return;
    }
    const m = ITEM.exec(t);
    if (!m) {
      if (t.trim() !== '' && !/^\s/.test(t)) this.lastTask = undefined;
      return;
    }
    this.item(i, m as unknown as [string, string, string, string, string | undefined, string]);
  }

  private heading(depth: number, title: string): void {
    if (this.parallel !== undefined && depth <= this.parallel) this.parallel = undefined;
    if (/parallel\s+example/i.test(title)) this.parallel = depth;
    const p = phaseHeading(title);
    // As the parser reads them: a numbered group heading inside a `Phase N` is a section of it.
    if (p && !(p.form === 'group' && this.phase?.form === 'phase' && depth > this.phase.depth)) this.phase = { depth, kind: phaseKind(p.title.trim() || title), form: p.form };
    else if (this.phase && depth <= this.phase.depth) this.phase = undefined;
    this.lastTask = undefined;
  }

  private item(i: number, [, indentText, marker, space, box, rest]: [string, string, string, string, string | undefined, string]): void {
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
    const nested = this.lastTask !== undefined && indent > this.lastTask.indent;
    if (!this.isTask(oldId, box, after, nested)) {
      if (!nested) this.lastTask = undefined;
      return;
    }
    const notes = this.notes;
    if (lead?.decorated) notes.idSpelling.push(i);
    // Tags, in any order and spelling, then the description.
    const tagged = leadingTags(after);
    after = tagged.rest;
    const parallelTag = tagged.tags.some((t) => t.kind === 'parallel');
    const stories = tagged.tags.flatMap((t) => (t.kind === 'story' ? [t.id] : []));
    const misspelledStory = tagged.tags.some((t) => t.kind === 'story' && !t.canonical);
    // A bold run that opened before the ID and closes after the tags.
    if (lead?.bold && /^\s*(\*\*|__)/.test(after)) after = after.replace(/^\s*(\*\*|__)/, '');
    if (misspelledStory) notes.storySpelling.push(i);
    const canonicalOrder = /^\s*(?:\[P\]\s*)?(?:\[US\d+\]\s*)*$/.test(tagged.raw);
    if (tagged.raw && !canonicalOrder && !misspelledStory) notes.tagOrder.push(i);
    let story = stories[0];
    if (story && this.phase && NON_STORY_KINDS.has(this.phase.kind)) {
      notes.storyRemoved.push({ line: i, tag: story });
      story = undefined;
    }
    if (story && this.knownStories && !this.knownStories.has(story) && !this.unknownStories.includes(story)) this.unknownStories.push(story);
    const task: TaskLine = { line: i, indent, oldId, newId: '' };
    this.tasks.push(task);
    if (oldId) this.seenIds.add(oldId);
    else notes.idGiven.push(i);
    if (box === undefined) notes.checkboxAdded.push(i);
    this.lastTask = task;
    const tags = `${parallelTag ? ' [P]' : ''}${story ? ` [${story}]` : ''}`;
    this.rebuilt.set(i, { prefix: `${indentText}${marker}${space}[${box ?? ' '}] `, tags, rest: after.replace(/^[ \t]+/, '') });
  }

  private isTask(oldId: string | undefined, box: string | undefined, after: string, nested: boolean): boolean {
    const inPhase = this.phase !== undefined;
    // Without a checkbox an ID'd item is a task only inside a phase and when it is not a list of IDs.
    if (oldId) return box !== undefined || (inPhase && !this.seenIds.has(oldId) && !continuesIdList(after));
    return box !== undefined && inPhase && !nested;
  }
}

/** Sequential IDs in document order; references follow the first task that had the old ID. */
function renumber(tasks: readonly TaskLine[]): { byLine: Map<number, TaskLine>; renames: Map<string, string>; renumbered: string[] } {
  const renames = new Map<string, string>();
  const renumbered: string[] = [];
  tasks.forEach((t, k) => {
    t.newId = formatTaskId(k + 1);
    if (t.oldId && !renames.has(t.oldId)) renames.set(t.oldId, t.newId);
    if (t.oldId && t.oldId !== t.newId) renumbered.push(`${t.oldId}→${t.newId}`);
  });
  return { byLine: new Map(tasks.map((t) => [t.line, t])), renames, renumbered };
}

/** The file with task lines rebuilt and references renamed outside fences (and in Parallel Examples). */
function rewrite(lines: readonly Line[], scan: TaskLineScanner, byLine: ReadonlyMap<number, TaskLine>, renames: ReadonlyMap<string, string>): { text: string; refsUpdated: number } {
  let refsUpdated = 0;
  const mapRefs = (s: string): string =>
    s.replace(TASK_REF, (ref) => {
      const to = renames.get(ref);
      if (to === undefined || to === ref) return ref;
      refsUpdated++;
      return to;
    });
  const out = lines.map((ln, i) => {
    const r = scan.rebuilt.get(i);
    if (r) {
      const id = byLine.get(i)!.newId;
      const desc = mapRefs(r.rest);
      return `${r.prefix}${id}${r.tags}${desc ? ` ${desc}` : ''}` + ln.eol;
    }
    if (scan.proseLines.has(i) || scan.refLines.has(i)) return mapRefs(ln.text) + ln.eol;
    return ln.text + ln.eol;
  });
  return { text: out.join(''), refsUpdated };
}

/** One message per kind of fix, with counts and the tasks' new IDs. */
function describeFixes(notes: FixNotes, idOf: (line: number) => string, renumbered: readonly string[], refsUpdated: number): string[] {
  const { checkboxAdded, idGiven, idSpelling, storySpelling, tagOrder, storyRemoved } = notes;
  const fixes: string[] = [];
  const boxes = checkboxAdded.map(idOf);
  if (boxes.length === 1) fixes.push(`added a checkbox to ${boxes[0]}`);
  else if (boxes.length > 1) fixes.push(`added a checkbox to ${boxes.length} tasks (${summarize(boxes)})`);
  if (idGiven.length > 0) fixes.push(`gave ${idGiven.length === 1 ? 'a checkbox item an ID' : `${idGiven.length} checkbox items IDs`} (${summarize(idGiven.map(idOf))})`);
  if (idSpelling.length > 0) fixes.push(`wrote ${idSpelling.length} task ID${idSpelling.length === 1 ? '' : 's'} plainly (${summarize(idSpelling.map(idOf))}), without bold or brackets`);
  if (storySpelling.length > 0) fixes.push(`normalized the story tag of ${storySpelling.length} task${storySpelling.length === 1 ? '' : 's'} to [USn] (${summarize(storySpelling.map(idOf))})`);
  if (tagOrder.length > 0) fixes.push(`put [P] before the story tag in ${tagOrder.length} task${tagOrder.length === 1 ? '' : 's'} (${summarize(tagOrder.map(idOf))})`);
  if (renumbered.length > 0) fixes.push(`renumbered ${renumbered.length} task${renumbered.length === 1 ? '' : 's'} (${summarize([...renumbered], 5)})`);
  if (refsUpdated > 0) fixes.push(`updated ${refsUpdated} reference${refsUpdated === 1 ? '' : 's'} to renumbered tasks`);
  if (storyRemoved.length > 0) {
    fixes.push(
      `removed the story tag from ${storyRemoved.length} task${storyRemoved.length === 1 ? '' : 's'} in Setup/Foundational/Polish phases (${summarize(storyRemoved.map((s) => `${idOf(s.line)} ${s.tag}`))})`,
    );
  }
  return fixes;
}

/** Which tasks of the repaired file name each requirement (the spec's first), and the spec's that none names. */
function requirementCoverage(parsed: TasksDoc, spec: SpecDoc | undefined): Pick<TasksRepair, 'coverage' | 'uncovered'> {
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
  return {
    coverage: [...byRequirement].map(([requirement, ts]) => ({ requirement, tasks: ts })),
    uncovered: specIds.filter((id) => (byRequirement.get(id) ?? []).length === 0),
  };
}
