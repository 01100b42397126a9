import { decodeText, headingKey, MAX_PARSE_CHARS } from '../markdown/markdownDoc';
import { LIMITS, measureComplexity, tooComplex } from '../markdown/complexity';
import { type ChecklistDoc } from './checklist';
import { isTemplateToken } from './docScan';
import { type PlanDoc } from './plan';
import { CLARIFICATIONS_SECTION, type SpecDoc } from './spec';
import { continuesIdList, leadingTaskId, phaseHeading, seedTaskHeading } from './taskGrammar';
import { type TasksDoc } from './tasks';

/**
 * What the index, the Spec Explorer's feature rows, the status bar and `scan --json` need of a file,
 * and nothing else. A full remark parse reads about 0.4 MB/s; the line-level reader below reads the
 * same files near the speed of reading them, for the markdown real spec-kit files are written in.
 * It reads tasks through the one task grammar (./taskGrammar) and bails out (undefined) on anything
 * whose reading it cannot be sure equals remark's (HTML blocks, block quotes, setext headings,
 * indented code, tabs in indentation, lazy ordered lists…): the caller then parses in full, so the
 * summary is always what the full parse would give. test/unit/core/artifacts/fastSummary.test.ts
 * holds it to that on the corpus and on generated inputs.
 */
export type FileSummary =
  | { readonly kind: 'tasks'; readonly done: number; readonly total: number }
  | { readonly kind: 'spec'; readonly markers: number; readonly placeholders: number; readonly clarificationSessions: number }
  | { readonly kind: 'plan'; readonly markers: number; readonly placeholders: number }
  | { readonly kind: 'checklist'; readonly passed: number; readonly total: number };

export type SummaryKind = FileSummary['kind'];

/** The summary of a fully parsed document: the reference the fast reader is tested against. */
export function summaryOfDoc(doc: SpecDoc | PlanDoc | TasksDoc | ChecklistDoc): FileSummary {
  switch (doc.kind) {
    case 'tasks':
      return { kind: 'tasks', done: doc.done, total: doc.total };
    case 'spec':
      return {
        kind: 'spec',
        markers: doc.markers.length,
        placeholders: doc.problems.filter((p) => p.code === 'placeholder').length,
        clarificationSessions: doc.clarifications.length,
      };
    case 'plan':
      return { kind: 'plan', markers: doc.markers.length, placeholders: doc.problems.filter((p) => p.code === 'placeholder').length };
    case 'checklist':
      return { kind: 'checklist', passed: doc.items.filter((i) => i.checked).length, total: doc.items.length };
  }
}

/** The summary read line by line, or undefined when only a full parse can say. Never throws. */
export function fastSummary(kind: SummaryKind, raw: string | Uint8Array): FileSummary | undefined {
  try {
    const { text, binary } = decodeText(raw);
    // Files the full parse skips (binary, huge, too complex) are cheap to parse in full: it skips them.
    if (binary || text.length > MAX_PARSE_CHARS || (!surelySimple(text) && tooComplex(measureComplexity(text)))) return undefined;
    switch (kind) {
      case 'plan':
        return mayHaveMarkersOrPlaceholders(text) ? undefined : { kind: 'plan', markers: 0, placeholders: 0 };
      case 'spec': {
        if (mayHaveMarkersOrPlaceholders(text)) return undefined;
        const sessions = clarificationSessions(text);
        return sessions === undefined ? undefined : { kind: 'spec', markers: 0, placeholders: 0, clarificationSessions: sessions };
      }
      case 'tasks':
        return taskCounts(text);
      case 'checklist':
        return checklistCounts(text);
    }
  } catch {
    return undefined;
  }
}

/**
 * Whether the text is certainly within the parser's complexity limits (../markdown/complexity), by
 * a count cheaper than measuring: fewer line breaks than the line limit, fewer `|` than the cell
 * limit, and fewer characters that can make a mark (emphasis, brackets, code spans) than the
 * per-paragraph limit, so no paragraph can have more and their squares cannot sum past the work
 * limit. Nesting is bounded by the reader itself (no block quotes, list items indented ≤ 16).
 */
function surelySimple(text: string): boolean {
  let breaks = 0;
  let pipes = 0;
  let marks = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) breaks++;
    else if (c === 124) pipes++;
    else if (c === 42 || c === 95 || c === 91 || c === 93 || c === 96 || c === 126 || c === 60 || c === 62 || c === 33 || c === 40 || c === 41) marks++;
  }
  return breaks < LIMITS.lines && pipes < LIMITS.cells && marks < LIMITS.marksPerBlock && marks * marks < LIMITS.markWork;
}

const BRACKETED = /\[([^[\]\r\n]{1,200})\]|\$ARGUMENTS\b/g;

/**
 * Whether a `[NEEDS CLARIFICATION]` marker or a template placeholder could be in the file. The parser
 * looks for them in text with code and HTML blanked out; blanking only removes characters, so a file
 * whose raw text has none has none (a bracket with a `<` after it on its line could hide HTML that
 * blanking would turn into a token: that is left to the full parse).
 */
function mayHaveMarkersOrPlaceholders(text: string): boolean {
  if (/NEEDS\s+CLARIFICATION/i.test(text)) return true;
  BRACKETED.lastIndex = 0;
  for (let m = BRACKETED.exec(text); m; m = BRACKETED.exec(text)) {
    if (m[1] === undefined || isTemplateToken(m[1].trim())) return true;
  }
  return /\[[^\r\n]*</.test(text);
}

// ---- the block reader ------------------------------------------------------------------------

interface HeadingEvent {
  readonly type: 'heading';
  readonly depth: number;
  /** The heading's text as written (closing hashes removed). */
  readonly content: string;
}

interface ItemEvent {
  readonly type: 'item';
  /** 0 for an item of a top-level list, 1 for one nested in it, … */
  readonly level: number;
  readonly box: ' ' | 'x' | 'X' | undefined;
  /** The first line of the item's text after the marker and checkbox, trimmed. */
  readonly lead: string;
}

type BlockEvent = HeadingEvent | ItemEvent;

class Bail extends Error {}

interface OpenItem {
  readonly contentCol: number;
  /** `-`, `*`, `+`, or `.`/`)` for ordered lists: items with the same continue one list. */
  readonly marker: string;
}

const THEMATIC_BREAK = /^(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const ATX = /^(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^(`{3,}|~{3,})(.*)$/;
const LIST_ITEM = /^([-*+]|(\d{1,9})([.)]))(?=[ \t]|$)/;
const WRAP_OPEN = /^[ \t]{0,3}(`{3,}|~{3,})[ \t]*(markdown|md)[ \t]*$/i;

/**
 * Reads the block structure spec-kit files use — ATX headings, lists (nesting by indentation),
 * paragraphs and tables, fenced code, front matter, HTML comments at top level, thematic breaks —
 * and reports top-level headings and every list item. Throws Bail on anything else.
 */
function readBlocks(text: string, visit: (e: BlockEvent) => void): void {
  const lines = text.split(/\r\n|\r|\n/);
  let i = 0;
  const firstText = lines.findIndex((l) => l.trim() !== '');
  if (firstText >= 0 && WRAP_OPEN.test(lines[firstText]!)) throw new Bail();
  if (lines[0] === '---') {
    // Front matter: remark-frontmatter's yaml block; anything less clear-cut goes to the full parse.
    const close = lines.indexOf('---', 1);
    if (close <= 1) throw new Bail();
    i = close + 1;
  }
  const stack: OpenItem[] = [];
  let paragraph = false;
  let fence: { char: string; len: number; col: number } | undefined;
  let comment = false;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (fence) {
      const indent = leadingSpaces(line);
      if (line.trim() !== '' && indent < fence.col) throw new Bail(); // the container ends the fence
      const close = /^(`{3,}|~{3,})[ \t]*$/.exec(line.slice(indent));
      if (close && indent - fence.col <= 3 && close[1]![0] === fence.char && close[1]!.length >= fence.len) fence = undefined;
      continue;
    }
    if (comment) {
      if (line.includes('-->')) comment = false;
      continue;
    }
    if (/^[ \t]*$/.test(line)) {
      paragraph = false;
      continue;
    }
    const indent = leadingSpaces(line);
    if (line[indent] === '\t') throw new Bail();
    // The open items this line's indentation keeps it in.
    let k = 0;
    while (k < stack.length && stack[k]!.contentCol <= indent) k++;
    const base = k > 0 ? stack[k - 1]!.contentCol : 0;
    if (indent - base >= 4) {
      if (paragraph) continue; // continuation text; indented code cannot interrupt a paragraph
      throw new Bail();
    }
    const s = line.slice(indent);
    if (THEMATIC_BREAK.test(s)) {
      if (paragraph && s[0] === '-') throw new Bail(); // a setext heading underline
      stack.length = k;
      paragraph = false;
      continue;
    }
    if (paragraph && /^=+[ \t]*$/.test(s)) throw new Bail();
    const atx = ATX.exec(s);
    if (atx) {
      if (k > 0) throw new Bail(); // a heading inside a list item
      stack.length = 0;
      paragraph = false;
      visit({ type: 'heading', depth: atx[1]!.length, content: atx[2] ?? '' });
      continue;
    }
    const f = FENCE.exec(s);
    if (f) {
      if (f[1]![0] === '`' && f[2]!.includes('`')) throw new Bail();
      stack.length = k;
      paragraph = false;
      fence = { char: f[1]![0]!, len: f[1]!.length, col: base };
      continue;
    }
    if (s.startsWith('<!--')) {
      stack.length = k;
      if (k > 0) throw new Bail();
      paragraph = false;
      comment = !s.slice(4).includes('-->');
      continue;
    }
    if (/^<[A-Za-z/?!]/.test(s) || s[0] === '>' || /^\[[^\]]*\]:/.test(s)) throw new Bail();
    const item = LIST_ITEM.exec(s);
    if (item) {
      const after = s.slice(item[0].length);
      const spaces = leadingSpaces(after);
      if (after.trim() === '' || after[spaces] === '\t' || spaces > 4 || indent > 16) throw new Bail();
      const marker = item[3] ?? item[1]!;
      const ordered = item[2] !== undefined;
      // An ordered list must start at 1 to interrupt a paragraph; otherwise the line is more paragraph.
      const continuesList = k < stack.length && stack[k]!.marker === marker;
      if (paragraph && ordered && Number(item[2]) !== 1 && !continuesList) throw new Bail();
      stack.length = k;
      stack.push({ contentCol: indent + item[0].length + spaces, marker });
      const content = after.slice(spaces);
      const box = /^\[([ xX])\]/.exec(content);
      let lead: string;
      if (box) {
        const rest = content.slice(3);
        if (rest.trim() === '' || !/^[ \t]/.test(rest)) throw new Bail();
        lead = rest.trim();
      } else {
        if (/^(?:#{1,6}(?:[ \t]|$)|>|<|`{3}|~{3})/.test(content) || THEMATIC_BREAK.test(content) || LIST_ITEM.test(content)) throw new Bail();
        lead = content.trim();
      }
      visit({ type: 'item', level: k, box: box ? (box[1] as ItemEvent['box']) : undefined, lead });
      paragraph = true;
      continue;
    }
    if (!paragraph) stack.length = k;
    paragraph = true;
  }
}

function leadingSpaces(s: string): number {
  let n = 0;
  while (s.charCodeAt(n) === 32) n++;
  return n;
}

/** Inline markup that makes a heading's shown text differ from its source. */
const INLINE_MARKUP = /[*_`\\[<~]|&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);/;

/** A heading's shown text when it has no inline markup (what plainText gives), else undefined. */
function plainHeading(content: string): string | undefined {
  return INLINE_MARKUP.test(content) ? undefined : content.replace(/\s+/g, ' ').trim();
}

// ---- tasks -----------------------------------------------------------------------------------

function taskCounts(text: string): FileSummary | undefined {
  let done = 0;
  let total = 0;
  const ids = new Set<string>();
  let phase: { form: 'phase' | 'group'; depth: number } | undefined;
  /** Per open list level: the task the items below it belong to (the nearest task above). */
  const parents: (string | undefined)[] = [];
  try {
    readBlocks(text, (e) => {
      if (e.type === 'heading') {
        const plain = plainHeading(e.content);
        if (plain === undefined) {
          // Shown text differs from the source: only sure when it cannot open a phase or a seed task.
          if (/phase|フェーズ|阶段|階段|fase|étape|task|\d/i.test(e.content)) throw new Bail();
        } else if (seedTaskHeading(plain)) {
          throw new Bail(); // the seed's `### Task N` dialect
        }
        const m = plain !== undefined ? phaseHeading(plain) : undefined;
        const nestedGroup = m?.form === 'group' && phase?.form === 'phase' && e.depth > phase.depth;
        if (m && !nestedGroup) phase = { form: m.form, depth: e.depth };
        else if (phase && e.depth <= phase.depth) phase = undefined;
        return;
      }
      parents.length = e.level;
      const parent = e.level > 0 ? parents[e.level - 1] : undefined;
      const found = leadingTaskId(e.lead);
      const id = found && (found.scheme === 'T' || (e.box && (!parent || /^\d/.test(parent)))) ? found : undefined;
      let task: string | undefined;
      if (id && (e.box || (phase && !ids.has(id.id) && !continuesIdList(e.lead.slice(id.end))))) {
        task = id.id;
        total++;
        if (e.box === 'x' || e.box === 'X') done++;
        ids.add(id.id);
      }
      parents.push(task ?? parent);
    });
  } catch (e) {
    if (e instanceof Bail) return undefined;
    throw e;
  }
  return { kind: 'tasks', done, total };
}

// ---- checklists ------------------------------------------------------------------------------

function checklistCounts(text: string): FileSummary | undefined {
  let passed = 0;
  let total = 0;
  try {
    readBlocks(text, (e) => {
      if (e.type !== 'item' || !e.box) return;
      total++;
      if (e.box !== ' ') passed++;
    });
  } catch (e) {
    if (e instanceof Bail) return undefined;
    throw e;
  }
  return { kind: 'checklist', passed, total };
}

// ---- spec: clarification sessions ------------------------------------------------------------

/** Sessions under the first Clarifications heading: its sub-headings (a Q-list before them goes to the full parse). */
function clarificationSessions(text: string): number | undefined {
  let section: number | undefined;
  let done = false;
  let sessions = 0;
  try {
    readBlocks(text, (e) => {
      if (done) return;
      if (e.type === 'heading') {
        if (section !== undefined) {
          if (e.depth <= section) done = true;
          else sessions++;
          return;
        }
        const plain = plainHeading(e.content);
        if (plain === undefined) {
          if (/clar|明確|確認|澄清|釐清|明确/i.test(e.content)) throw new Bail();
          return;
        }
        if (CLARIFICATIONS_SECTION.test(headingKey(plain))) section = e.depth;
        return;
      }
      if (section !== undefined && sessions === 0) throw new Bail();
    });
  } catch (e) {
    if (e instanceof Bail) return undefined;
    throw e;
  }
  return sessions;
}
