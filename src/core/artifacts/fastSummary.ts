import { decodeText, headingKey, MAX_PARSE_CHARS } from '../markdown/markdownDoc';
import { LIMITS, measureComplexity, tooComplex } from '../markdown/complexity';
import { type ChecklistDoc } from './checklist';
import { isTemplateToken, markerSpans } from './docScan';
import { type PlanDoc } from './plan';
import { CLARIFICATIONS_SECTION, type SpecDoc } from './spec';
import { continuesIdList, leadingTaskId, leadingTaskIdEnd, phaseHeading, seedTaskHeading } from './taskGrammar';
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

/** How often the reader took its shortcuts (a fence skipped to its closing line, reading stopped early): for tests that they run. */
export const readerShortcuts = { fencesSkipped: 0, stoppedEarly: 0, quietBrackets: 0, noSessions: 0 };

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
      case 'plan': {
        // The plan also counts a bare "NEEDS CLARIFICATION" in Technical Context: that reading is the full parse's.
        if (/NEEDS\s+CLARIFICATION/i.test(text) || someLine(text, NEEDS_WORD, CLARIFICATION_WORD)) return undefined;
        if (!mayHaveBrackets(text) || quietBrackets(text)) return { kind: 'plan', markers: 0, placeholders: 0 };
        const collected = phrasingOf(text, NO_VISITS);
        const found = collected && markersAndPlaceholders(text, collected);
        return found && { kind: 'plan', markers: found.markers, placeholders: found.placeholders };
      }
      case 'spec': {
        const quiet = !mayHaveBrackets(text) || quietBrackets(text);
        // No marker, no placeholder and no Clarifications heading, proved from the text: nothing to read.
        if (quiet && !mayHaveClarifications(text)) {
          readerShortcuts.noSessions++;
          return { kind: 'spec', markers: 0, placeholders: 0, clarificationSessions: 0 };
        }
        // One reading of the blocks gives both the sessions and, when there can be any, the phrasing for markers.
        const sessions = new ClarificationSessions();
        const collected = phrasingOf(text, sessions, !quiet);
        if (!collected) return undefined;
        const found = collected.blocks.length > 0 ? markersAndPlaceholders(text, collected) : { markers: 0, placeholders: 0 };
        return found && { kind: 'spec', markers: found.markers, placeholders: found.placeholders, clarificationSessions: sessions.count };
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
 * limit, and, between blank lines (which end every paragraph the measure counts), fewer characters
 * that can make a mark (emphasis, brackets, code spans) than the per-paragraph limit, with their
 * squares summing below the work limit (a paragraph's marks are at most its stretch's). Nesting is
 * bounded by the reader itself (quotes only at top level, list items indented ≤ 16). A text shorter
 * than the line and cell limits with fewer marks in all than both mark limits allow is within them
 * too; that is counted by the runtime's own search, faster than reading every character here.
 */
export function surelySimple(text: string): boolean {
  // A text shorter than FEW_MARKS has fewer marks than that without counting them (most plans and short specs).
  if (text.length < LIMITS.lines && text.length < LIMITS.cells && (text.length < FEW_MARKS || fewer(text, MARK_CHARS, FEW_MARKS))) return true;
  return boundedByStretches(text) || countedSimple(text);
}

/** A line break, then a line of only spaces and tabs (up to the break ending it, not taken). */
const BLANK_LINE = /(?:\r\n|\r(?!\n)|\n)[ \t]*(?=[\r\n])/g;
const NOT_MARK = /[^*_[\]`~<>!()]+/g;

/**
 * surelySimple's test by the runtime's searches, for a process whose code is not compiled yet: the
 * stretches between blank lines (`\n`, only spaces and tabs, `\n`) hold every block the count below
 * closes, so a stretch's marks bound its blocks' (and the squares' sum too). A stretch shorter than
 * the per-block limit has fewer marks than characters; only a longer one has its marks counted. CR
 * and LF are counted apart (a CRLF twice): more breaks, never fewer. False (the count below decides)
 * when the bound is not enough. Without CR, stretches end only at empty lines (`\n\n`, found by the
 * runtime's substring search): a line of spaces joins its neighbours into one longer stretch, which
 * bounds both of them, and the regular expression's scan of every line break is not needed.
 */
function boundedByStretches(text: string): boolean {
  const lf = !text.includes('\r');
  if (!fewer(text, lf ? ['\n'] : ['\n', '\r'], LIMITS.lines) || !fewer(text, ['|'], LIMITS.cells)) return false;
  let work = 0;
  let from = 0;
  BLANK_LINE.lastIndex = 0;
  for (;;) {
    let to: number;
    let next: number;
    if (lf) {
      const blank = text.indexOf('\n\n', from);
      to = blank < 0 ? text.length : blank;
      next = blank < 0 ? -1 : blank + 1;
    } else {
      const blank = BLANK_LINE.exec(text);
      to = blank ? blank.index : text.length;
      next = blank ? BLANK_LINE.lastIndex : -1;
    }
    const length = to - from;
    if (length < LIMITS.marksPerBlock) work += length * length;
    else {
      const marks = text.slice(from, to).replace(NOT_MARK, '').length;
      if (marks >= LIMITS.marksPerBlock) return false;
      work += marks * marks;
    }
    if (next < 0) break;
    from = next;
  }
  return work < LIMITS.markWork;
}

/** surelySimple's test character by character. */
function countedSimple(text: string): boolean {
  let breaks = 0;
  let pipes = 0;
  let marks = 0;
  let work = 0;
  let blank = true;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const k = c < 128 ? CHAR_CLASS[c]! : OTHER;
    if (k === OTHER) {
      blank = false;
    } else if (k === MARK) {
      blank = false;
      marks++;
    } else if (k === PIPE) {
      blank = false;
      pipes++;
    } else if (k === BREAK) {
      breaks++;
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      if (blank) {
        if (marks >= LIMITS.marksPerBlock) return false;
        work += marks * marks;
        marks = 0;
      }
      blank = true;
    }
  }
  if (marks >= LIMITS.marksPerBlock) return false;
  work += marks * marks;
  return breaks < LIMITS.lines && pipes < LIMITS.cells && work < LIMITS.markWork;
}

const MARK_CHARS = ['*', '_', '[', ']', '`', '~', '<', '>', '!', '(', ')'];
/** Fewer marks in all than this keeps every paragraph under the per-paragraph limit and their squares under the work limit. */
const FEW_MARKS = Math.min(LIMITS.marksPerBlock, Math.sqrt(LIMITS.markWork));
const [OTHER, MARK, PIPE, BREAK, SPACE] = [0, 1, 2, 3, 4];
/** What each ASCII character is to surelySimple. */
const CHAR_CLASS = new Uint8Array(128);
for (const ch of MARK_CHARS) CHAR_CLASS[ch.charCodeAt(0)] = MARK;
CHAR_CLASS[124] = PIPE;
CHAR_CLASS[10] = BREAK;
CHAR_CLASS[13] = BREAK;
CHAR_CLASS[32] = SPACE;
CHAR_CLASS[9] = SPACE;

/** Whether the text holds fewer than `bound` of these characters in all. */
function fewer(text: string, chars: readonly string[], bound: number): boolean {
  let n = 0;
  for (const ch of chars) {
    for (let p = text.indexOf(ch); p >= 0; p = text.indexOf(ch, p + 1)) if (++n >= bound) return false;
  }
  return true;
}

const BRACKETED = /\[([^[\]\r\n]{1,200})\]|\$ARGUMENTS\b/g;

/** Markers and placeholders need a `[` (or are `$ARGUMENTS`); blanking code and HTML only removes characters. */
function mayHaveBrackets(text: string): boolean {
  return text.includes('[') || text.includes('$ARGUMENTS');
}

const NEEDS_WORD = /needs/gi;
const CLARIFICATION_WORD = /clarification/i;
const HTML_START = /<[A-Za-z/!?]/g;
const BRACKET = /[[\]]/;

/**
 * Whether a line holds a match of `find` (global) with a match of `rest` after it on the line.
 * Each line is looked at once, from its first match (the search goes on from its end): linear in
 * the text, where a pattern like /needs[^\n]*clarification/ reads a long line again at every match.
 */
function someLine(text: string, find: RegExp, rest: RegExp): boolean {
  find.lastIndex = 0;
  for (let m = find.exec(text); m; m = find.exec(text)) {
    LINE_END.lastIndex = m.index;
    const end = LINE_END.test(text) ? LINE_END.lastIndex - 1 : text.length;
    if (rest.test(text.slice(m.index, end))) return true;
    find.lastIndex = end;
  }
  return false;
}

/**
 * Whether the text holds no marker and no placeholder however its blocks are read, proved from the
 * text alone: the full parse finds them in phrasing blocks of the text with code, HTML and front
 * matter blanked, and blanking only turns characters into spaces. Blanking whole lines (fences,
 * HTML blocks, front matter) only removes matches; blanking inside a line matters only for HTML
 * next to a bracket (excluded here; inline code is not blanked for placeholders) and for a marker's
 * words (excluded by line). A placeholder in a block is then a `[token]` of the text itself at the
 * same place, with the same character after it: none of those here means none in any block.
 */
function quietBrackets(text: string): boolean {
  // A marker's words in order on one line (blanking could leave only spaces between them); HTML with a
  // bracket after it on its line (blanking HTML inside a bracket pair, `[<b>DATE</b>]`, leaves a token).
  if (text.includes('$ARGUMENTS') || someLine(text, NEEDS_WORD, CLARIFICATION_WORD) || someLine(text, HTML_START, BRACKET)) return false;
  BRACKETED.lastIndex = 0;
  for (let m = BRACKETED.exec(text); m; m = BRACKETED.exec(text)) {
    const inner = m[1];
    const next = text[m.index + m[0].length];
    if (inner === undefined || (isTemplateToken(inner.trim()) && next !== '(' && next !== '[')) return false;
  }
  readerShortcuts.quietBrackets++;
  return true;
}

/** Inline HTML or an autolink could start here (CommonMark: `<` then a letter, `/`, `!` or `?`). */
const INLINE_HTML = /<[A-Za-z/!?]/;

/**
 * The `[NEEDS CLARIFICATION]` markers and template placeholders the full parse finds (../artifacts/docScan:
 * findMarkers, findTemplatePlaceholders), read from the same phrasing blocks — paragraphs, headings,
 * table cells — of the same text with the same parts blanked (fenced code, comments, front matter, and
 * for markers inline code). Undefined where inline HTML could change what is blanked. Only the blocks
 * that can hold a marker or a placeholder are blanked, each on its own: blanking only turns
 * characters into spaces, so a block without `needs` has no marker, one without `[` no placeholder.
 */
function markersAndPlaceholders(text: string, collected: Phrasing): { markers: number; placeholders: number } | undefined {
  const masked = inOrder(collected.masked);
  const code = inOrder(collected.code);
  const needs = NEEDS.test(text);
  let markers = 0;
  let placeholders = 0;
  for (const [start, end] of collected.blocks) {
    const raw = text.slice(start, end);
    if (needs && NEEDS.test(raw)) {
      const noCode = blankedSlice(text, start, end, masked, code);
      for (const m of markerSpans(noCode)) {
        const after = start + m.end;
        if (m.question === undefined) {
          // The parse skips "[NEEDS CLARIFICATION] markers": what follows must read the same blanked or not.
          const next = blankedSlice(text, after, Math.min(after + 20, text.length), masked, code);
          if (INLINE_HTML.test(next)) return undefined;
          if (/^\s*markers?\b/i.test(next)) continue;
        }
        markers++;
      }
    }
    if (!mayHaveBrackets(raw)) continue;
    const slice = blankedSlice(text, start, end, masked, []);
    BRACKETED.lastIndex = 0;
    for (let m = BRACKETED.exec(slice); m; m = BRACKETED.exec(slice)) {
      const inner = m[1];
      const at = start + m.index + m[0].length;
      // The character after the token as the blanked text has it (a blanked one is a space).
      const next = at < text.length && !within(masked, at) ? text[at] : ' ';
      if (inner !== undefined && (!isTemplateToken(inner.trim()) || next === '(' || next === '[')) continue;
      placeholders++;
    }
  }
  return { markers, placeholders };
}

const NEEDS = /needs/i;

/** Spans sorted by start (they are collected in document order; sorted again only if not). */
function inOrder(spans: Array<[number, number]>): Array<[number, number]> {
  for (let i = 1; i < spans.length; i++) if (spans[i]![0] < spans[i - 1]![0]) return [...spans].sort((a, b) => a[0] - b[0]);
  return spans;
}

/** The index of the first span (sorted, not overlapping) that ends after `at`. */
function firstEndingAfter(spans: ReadonlyArray<readonly [number, number]>, at: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]![1] <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function within(spans: ReadonlyArray<readonly [number, number]>, at: number): boolean {
  const i = firstEndingAfter(spans, at);
  return i < spans.length && spans[i]![0] <= at;
}

/** text.slice(from, to) with the parts of the spans inside it blanked: blank(text, spans).slice(from, to), without blanking the whole text. */
function blankedSlice(text: string, from: number, to: number, a: ReadonlyArray<readonly [number, number]>, b: ReadonlyArray<readonly [number, number]>): string {
  const parts: Array<[number, number]> = [];
  for (const spans of [a, b]) {
    for (let i = firstEndingAfter(spans, from); i < spans.length && spans[i]![0] < to; i++) {
      parts.push([Math.max(spans[i]![0], from) - from, Math.min(spans[i]![1], to) - from]);
    }
  }
  return blank(text.slice(from, to), parts);
}

/** The text with the spans blanked to spaces, line breaks kept (as the parser's maskedText does). */
function blank(text: string, spans: ReadonlyArray<readonly [number, number]>): string {
  if (spans.length === 0) return text;
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [s, e] of sorted) {
    if (e <= at) continue;
    const from = Math.max(s, at);
    out += text.slice(at, from) + text.slice(from, e).replace(/[^\r\n]/g, ' ');
    at = e;
  }
  return out + text.slice(at);
}

/** Code spans (CommonMark: a run of n backticks to the next run of exactly n) in [start, end), pushed to `out`. */
function codeSpans(text: string, start: number, end: number, out: Array<[number, number]>): void {
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 92) {
      // An escaped backtick is literal, and where the run after it starts is subtle: the full parse decides.
      if (text.charCodeAt(i + 1) === 96) throw new Bail();
      i += 2;
      continue;
    }
    if (c !== 96) {
      i++;
      continue;
    }
    let j = i;
    while (j < end && text.charCodeAt(j) === 96) j++;
    const n = j - i;
    let k = j;
    let close = -1;
    while (k < end) {
      if (text.charCodeAt(k) !== 96) {
        k++;
        continue;
      }
      let l = k;
      while (l < end && text.charCodeAt(l) === 96) l++;
      if (l - k === n) {
        close = k;
        break;
      }
      k = l;
    }
    if (close < 0) {
      i = j; // no closing run: the backticks are text
      continue;
    }
    out.push([i, close + n]);
    i = close + n;
  }
}

// ---- the block reader ------------------------------------------------------------------------

/**
 * A top-level heading (`depth`, `content`: its text as written, closing hashes removed) or a list
 * item (`level`: 0 for an item of a top-level list, 1 for one nested in it, …; `box`; `lead`: the
 * first line of its text after the marker and checkbox, trimmed). One class for both, so the
 * visitors see one object shape; the reader fills one per read anew for each event.
 */
export class BlockEvent {
  type: 'heading' | 'item' = 'heading';
  depth = 0;
  content = '';
  level = 0;
  box: ' ' | 'x' | 'X' | undefined = undefined;
  lead = '';
}

/**
 * Takes each event (read it during the call, never keep it); true when nothing after it can change
 * the answer. Reading then stops unless phrasing is being collected: CommonMark reads blocks
 * forwards, so lines after a heading or an item's first line cannot change what came before them.
 * Visitors are classes (one method each), not closures made per file: see BlockReader.
 */
export interface Visitor {
  visit(e: BlockEvent): boolean;
}

export class Bail extends Error {}

/** Where a line ends in a text with CR breaks (the runtime's search, not a loop over characters). */
const LINE_END = /[\r\n]/g;
const THEMATIC_BREAK = /^(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;
// `s`: a line's text may hold U+2028 or U+2029, which `.` alone does not match (lines end only at CR and LF here).
const ATX = /^(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/s;
const FENCE = /^(`{3,}|~{3,})(.*)$/s;
/** A line that can close a fence at top level: a line break, up to three spaces, a run, then only spaces and tabs. */
const FENCE_CLOSE = /(?:\r\n|\r|\n) {0,3}(`{3,}|~{3,})[ \t]*(?=\r|\n|$)/g;
const LIST_ITEM = /^([-*+]|(\d{1,9})([.)]))(?=[ \t]|$)/;
const WRAP_OPEN = /^[ \t]{0,3}(`{3,}|~{3,})[ \t]*(markdown|md)[ \t]*$/i;

/** Where the phrasing text of a file is, for counting markers and placeholders (offsets into the text). */
export interface Phrasing {
  /** Paragraphs, headings and table cells: what the parser scans for markers and placeholders. */
  readonly blocks: Array<[number, number]>;
  /** When asked for: the paragraphs alone (not headings, not table cells), as the parser's paragraph nodes span them. */
  readonly paragraphs?: Array<[number, number]>;
  /** Fenced code, HTML comments and front matter: blanked before scanning. */
  readonly masked: Array<[number, number]>;
  /** Inline code spans: blanked for markers only. */
  readonly code: Array<[number, number]>;
}

/** A paragraph being read: the span of each line's text, whether a line continued it lazily, and whether it is quoted. */
class OpenParagraph {
  readonly lines: Array<[number, number]>;
  lazy = false;
  readonly quoted: boolean;

  constructor(start: number, end: number, quoted: boolean) {
    this.lines = [[start, end]];
    this.quoted = quoted;
  }
}

const DELIMITER_ROW = /^\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

/**
 * Reads the block structure spec-kit files use — ATX headings, lists (nesting by indentation),
 * paragraphs and tables, block quotes of plain paragraphs at top level, fenced code, front matter,
 * HTML comments at top level, thematic breaks — and reports top-level headings and every list item.
 * With `phrasing`, also collects where paragraphs, headings and table cells are. False on anything
 * else (the reader or a visitor threw Bail): the full parse must decide. Lines are read in place by
 * offsets (no array of lines), and a line's first character decides which of the block patterns can
 * apply: most lines are list items or plain text.
 */
export function readBlocks(text: string, visitor: Visitor, phrasing: Phrasing | null): boolean {
  try {
    new BlockReader(text, visitor, phrasing).read();
    return true;
  } catch (e) {
    if (e instanceof Bail) return false;
    throw e;
  }
}

/**
 * readBlocks' state and steps. A class, not closures made per call, so each step is one function
 * for the whole process: the optimizing compiler compiles it once and its call feedback stays right
 * from file to file (closures made anew per file sent it back to unoptimized code on the next
 * file). Every field is set in the constructor with its one type, and nothing reads past the text.
 */
class BlockReader {
  private readonly text: string;
  private readonly n: number;
  private readonly hasCR: boolean;
  private readonly visitor: Visitor;
  private readonly phrasing: Phrasing | null;
  /** The line being read: where it starts and where it ends (before its line break). */
  private ls = 0;
  private le = 0;
  /** Open list items, outermost first: the first `depth` entries of each (reused, not truncated). */
  private readonly contentCols: number[] = [];
  /** `-`, `*`, `+`, or `.`/`)` for ordered lists: items with the same continue one list. */
  private readonly markers: string[] = [];
  private depth = 0;
  private paragraph = false;
  private quoted = false;
  // Lines of the open paragraph so far, and whether a list item's marker line opened it: a
  // delimiter row under that line makes the item's first block a table (GFM), not a task.
  private paragraphLines = 0;
  private paragraphFromItem = false;
  private open: OpenParagraph | null = null;
  /** The open fence's character (0: no fence open), run length and column. */
  private fenceChar = 0;
  private fenceLen = 0;
  private fenceCol = 0;
  private comment = false;
  private stopped = false;
  /** The one event object, filled anew for each event (visitors read it during the call only). */
  private readonly event = new BlockEvent();

  constructor(text: string, visitor: Visitor, phrasing: Phrasing | null) {
    this.text = text;
    this.n = text.length;
    this.hasCR = text.includes('\r');
    this.visitor = visitor;
    this.phrasing = phrasing;
  }

  read(): void {
    if (!this.start()) return;
    this.lines();
    this.endParagraph();
  }

  /** The lines after any front matter: the loop the optimizing compiler enters while it runs (on stack), apart from start's branches that run only for some files. */
  private lines(): void {
    const n = this.n;
    // readLine may move `le` on, past the lines of a fence it skipped.
    for (;;) {
      this.readLine();
      if (this.stopped || this.le >= n) break;
      this.ls = this.after(this.le);
      // The empty line after a final line break: it ends the open paragraph, as the end of the text does.
      if (this.ls >= n) break;
      this.le = this.endOf(this.ls);
    }
  }

  /** Puts `ls`/`le` on the first line after any front matter; false when nothing follows it. */
  private start(): boolean {
    const text = this.text;
    const n = this.n;
    // A file wrapped in one ```markdown fence is unwrapped by the full parse (its first non-blank line tells).
    for (let at = 0; ; ) {
      const e = this.endOf(at);
      const line = text.slice(at, e);
      if (line.trim() !== '') {
        if (WRAP_OPEN.test(line)) throw new Bail();
        break;
      }
      if (e >= n) break;
      at = this.after(e);
    }
    this.ls = 0;
    this.le = this.endOf(0);
    if (this.looseFence(0, this.le)) throw new Bail();
    if (this.le === 3 && text.startsWith('---')) {
      // Front matter: remark-frontmatter's yaml block; anything less clear-cut goes to the full parse.
      let at = this.after(this.le);
      let index = 1;
      let close = -1;
      while (at <= n) {
        const e = this.endOf(at);
        if (e - at === 3 && text.startsWith('---', at)) {
          close = e;
          break;
        }
        if (this.looseFence(at, e)) throw new Bail();
        if (e >= n) break;
        at = this.after(e);
        index++;
      }
      if (close < 0 || index <= 1) throw new Bail();
      if (this.phrasing) this.phrasing.masked.push([0, close]);
      if (close >= n) return false;
      this.ls = this.after(close);
      this.le = this.endOf(this.ls);
    }
    return true;
  }

  /** Where the line starting at `from` ends (before its line break). */
  private endOf(from: number): number {
    if (!this.hasCR) {
      const e = this.text.indexOf('\n', from);
      return e < 0 ? this.n : e;
    }
    LINE_END.lastIndex = from;
    return LINE_END.test(this.text) ? LINE_END.lastIndex - 1 : this.n;
  }

  /**
   * Where the line after the one ending at `end` (< the text's length) starts. Both characters are
   * read for every line (a blank line's `\n\n` takes the second test): the compiled code has seen
   * each step before the first CRLF file comes, instead of being thrown away then.
   */
  private after(end: number): number {
    const text = this.text;
    const next = end + 1 < this.n ? text.charCodeAt(end + 1) : 0;
    return end + (next === 10 && text.charCodeAt(end) === 13 ? 2 : 1);
  }

  /** The line's end without trailing spaces and tabs. */
  private trimmedEnd(from: number, to: number): number {
    return spacesEnd(this.text, from, to);
  }

  /** `---` with spaces or tabs after it: the full parse's front matter may open or close there, this reader's not. */
  private looseFence(from: number, to: number): boolean {
    return to - from > 3 && this.text.startsWith('---', from) && this.trimmedEnd(from, to) === from + 3;
  }

  private startParagraph(col: number, quote: boolean, fromItem: boolean): void {
    this.endParagraph();
    this.paragraph = true;
    this.quoted = quote;
    this.paragraphLines = 1;
    this.paragraphFromItem = fromItem;
    if (this.phrasing) this.open = new OpenParagraph(this.ls + col, this.trimmedEnd(this.ls, this.le), quote);
  }

  private continueParagraph(col: number, lazy: boolean): void {
    if (this.paragraphFromItem && this.paragraphLines === 1 && DELIMITER_ROW.test(this.text.slice(this.ls, this.le).trim())) throw new Bail();
    this.paragraphLines++;
    const open = this.open;
    if (open === null) return;
    open.lines.push([this.ls + col, this.trimmedEnd(this.ls, this.le)]);
    if (lazy) open.lazy = true;
  }

  private endParagraph(): void {
    this.paragraph = false;
    this.quoted = false;
    const open = this.open;
    if (open !== null) {
      this.open = null;
      if (this.phrasing) closeParagraph(this.text, open, this.phrasing);
    }
  }

  private take(e: BlockEvent): void {
    if (this.visitor.visit(e) && !this.phrasing) {
      this.stopped = true;
      readerShortcuts.stoppedEarly++;
    }
  }

  /**
   * A fence at top level (no container can end it) runs to its closing line: found by the runtime's
   * search, not line by line, and masked as one span (the breaks inside it are no phrasing's).
   * Leaves `ls`/`le` on the closing line (the last line when none closes it) with the fence closed.
   */
  private skipFence(): void {
    const text = this.text;
    FENCE_CLOSE.lastIndex = this.le;
    let close: RegExpExecArray | null;
    while ((close = FENCE_CLOSE.exec(text)) !== null) {
      const run = close[1]!;
      if (run.charCodeAt(0) === this.fenceChar && run.length >= this.fenceLen) break;
    }
    const from = this.le < this.n ? this.after(this.le) : this.n + 1;
    this.le = close ? FENCE_CLOSE.lastIndex : this.n;
    this.ls = close ? close.index + (text.charCodeAt(close.index) === 13 && text.charCodeAt(close.index + 1) === 10 ? 2 : 1) : this.le;
    if (this.phrasing && from <= this.le) this.phrasing.masked.push([from, this.le]);
    this.fenceChar = 0;
    readerShortcuts.fencesSkipped++;
  }

  private readLine(): void {
    const text = this.text;
    const ls = this.ls;
    const le = this.le;
    let indent = 0;
    while (ls + indent < le && text.charCodeAt(ls + indent) === 32) indent++;
    if (this.fenceChar !== 0) {
      if (indent < this.fenceCol && text.slice(ls, le).trim() !== '') throw new Bail(); // the container ends the fence
      if (this.phrasing) this.phrasing.masked.push([ls, le]);
      // A closing run: the fence's character, at least as many, then only spaces and tabs.
      if (ls + indent < le && text.charCodeAt(ls + indent) === this.fenceChar && indent - this.fenceCol <= 3) {
        let p = ls + indent;
        while (p < le && text.charCodeAt(p) === this.fenceChar) p++;
        if (p - ls - indent >= this.fenceLen && this.trimmedEnd(p, le) === p) this.fenceChar = 0;
      }
      return;
    }
    if (this.comment) {
      if (this.phrasing) this.phrasing.masked.push([ls, le]);
      if (text.slice(ls, le).includes('-->')) this.comment = false;
      return;
    }
    const end = spacesEnd(text, ls, le);
    if (end === ls) {
      this.endParagraph();
      return;
    }
    const at = ls + indent;
    const c = text.charCodeAt(at);
    if (c === 9) throw new Bail();
    // The open items this line's indentation keeps it in.
    const depth = this.depth;
    let k = 0;
    while (k < depth && this.contentCols[k]! <= indent) k++;
    const base = k > 0 ? this.contentCols[k - 1]! : 0;
    if (indent - base >= 4) {
      // Continuation text; indented code cannot interrupt a paragraph.
      if (this.paragraph) {
        this.continueParagraph(indent, this.quoted || k < depth);
        return;
      }
      throw new Bail();
    }
    // A break's last character is its own: a list item's (`- [ ] T001 …`) is not read again.
    if ((c === 42 || c === 45 || c === 95) && text.charCodeAt(end - 1) === c && isThematicBreak(text, at, le)) {
      if (this.paragraph && c === 45) throw new Bail(); // a setext heading underline
      if (depth > k) this.depth = k;
      this.endParagraph();
      return;
    }
    // A setext underline: `=` runs, and `-` runs too short for a break (`--`): the paragraph above is a heading.
    if ((c === 61 || c === 45) && this.paragraph && /^(?:=+|-+)[ \t]*$/.test(text.slice(at, le))) throw new Bail();
    if (c === 35) {
      const atx = ATX.exec(text.slice(at, le));
      if (atx) {
        if (k > 0) throw new Bail(); // a heading inside a list item
        this.depth = 0;
        this.endParagraph();
        if (this.phrasing) addPhrasing(text, at, end, this.phrasing);
        const e = this.event;
        e.type = 'heading';
        e.depth = atx[1]!.length;
        e.content = atx[2] ?? '';
        this.take(e);
        return;
      }
    }
    if (c === 96 || c === 126) {
      const f = FENCE.exec(text.slice(at, le));
      if (f) {
        if (f[1]![0] === '`' && f[2]!.includes('`')) throw new Bail();
        if (depth > k) this.depth = k;
        this.endParagraph();
        if (this.phrasing) this.phrasing.masked.push([ls, le]);
        this.fenceChar = c;
        this.fenceLen = f[1]!.length;
        this.fenceCol = base;
        if (base === 0) this.skipFence();
        return;
      }
    }
    if (c === 60 && text.startsWith('<!--', at)) {
      if (depth > k) this.depth = k;
      if (k > 0) throw new Bail();
      this.endParagraph();
      if (this.phrasing) this.phrasing.masked.push([ls, le]);
      this.comment = !text.slice(at + 4, le).includes('-->');
      return;
    }
    if (c === 62) {
      this.quoteLine(k, indent);
      return;
    }
    if ((c === 60 && /^<[A-Za-z/?!]/.test(text.slice(at, le))) || (c === 91 && /^\[[^\]]*\]:/.test(text.slice(at, le)))) throw new Bail();
    const marker = c === 45 || c === 42 || c === 43 ? 1 : c >= 48 && c <= 57 ? orderedMarker(text, at, le) : 0;
    if (marker > 0) {
      const m = at + marker;
      if (m === le || text.charCodeAt(m) === 32 || text.charCodeAt(m) === 9) {
        this.listItem(k, indent, marker, end);
        return;
      }
    }
    if (this.paragraph) {
      this.continueParagraph(indent, this.quoted || k < depth);
      return;
    }
    if (depth > k) this.depth = k;
    this.startParagraph(indent, false, false);
  }

  /** A block quote of plain paragraphs at top level (the templates' "> **NOTE: …**"); anything richer in it goes to the full parse. */
  private quoteLine(k: number, indent: number): void {
    if (k > 0) throw new Bail();
    this.depth = 0;
    let inner = this.text.slice(this.ls + indent + 1, this.le);
    let col = indent + 1;
    if (inner[0] === ' ') {
      inner = inner.slice(1);
      col++;
    }
    if (inner[0] === '\t') throw new Bail();
    if (inner.trim() === '') {
      this.endParagraph(); // an empty quoted line ends the quoted paragraph
      return;
    }
    const pad = leadingSpaces(inner);
    const q = inner.slice(pad);
    if (pad >= 4 || /^(?:#{1,6}(?:[ \t]|$)|>|<|`{3}|~{3}|=+[ \t]*$|-+[ \t]*$|\[[^\]]*\]:)/.test(q) || THEMATIC_BREAK.test(q) || LIST_ITEM.test(q)) throw new Bail();
    if (this.paragraph && this.quoted) this.continueParagraph(col + pad, false);
    else this.startParagraph(col + pad, true, false);
  }

  /** A list item whose marker (`-`, `1.`) is `length` characters at `indent`, on a line whose text ends (spaces and tabs cut) at `end`. */
  private listItem(k: number, indent: number, length: number, end: number): void {
    const text = this.text;
    const ls = this.ls;
    const le = this.le;
    const from = ls + indent + length;
    let spaces = 0;
    while (from + spaces < le && text.charCodeAt(from + spaces) === 32) spaces++;
    if (from + spaces >= le || spaces > 4 || indent > 16) throw new Bail();
    const next = text.charCodeAt(from + spaces);
    // Only white space after the marker (an empty item): the code point test is trim()'s, without the copy.
    if (next === 9 || ((next <= 32 || next >= 127) && text.slice(from, le).trim() === '')) throw new Bail();
    const ordered = length > 1;
    const marker = ordered ? text[from - 1]! : text[ls + indent]!;
    // An ordered list must start at 1 to interrupt a paragraph; otherwise the line is more paragraph.
    const continuesList = k < this.depth && this.markers[k] === marker;
    if (this.paragraph && ordered && Number(text.slice(ls + indent, from - 1)) !== 1 && !continuesList) throw new Bail();
    const contentCol = indent + length + spaces;
    // Entries past k belong to closed items: overwritten here or never read.
    if (k < this.contentCols.length) {
      this.contentCols[k] = contentCol;
      this.markers[k] = marker;
    } else {
      this.contentCols.push(contentCol);
      this.markers.push(marker);
    }
    this.depth = k + 1;
    const c0 = ls + contentCol;
    let box: BlockEvent['box'];
    let lead: string;
    const b = c0 + 2 < le ? text.charCodeAt(c0 + 1) : 0;
    if (b !== 0 && text.charCodeAt(c0) === 91 && (b === 32 || b === 120 || b === 88) && text.charCodeAt(c0 + 2) === 93) {
      if (c0 + 3 >= le) throw new Bail();
      const r = text.charCodeAt(c0 + 3);
      if (r !== 32 && r !== 9) throw new Bail();
      box = b === 32 ? ' ' : b === 120 ? 'x' : 'X';
      const t = trimmed(text, c0 + 3, le, end);
      if (t === undefined || t === '') throw new Bail();
      lead = t;
    } else {
      const f = text.charCodeAt(c0);
      // Only these first characters can open a heading, quote, HTML, fence, break or list inside the item.
      if (f === 35 || f === 62 || f === 60 || f === 96 || f === 126 || f === 42 || f === 45 || f === 95 || f === 43 || (f >= 48 && f <= 57)) {
        const content = text.slice(c0, le);
        if (/^(?:#{1,6}(?:[ \t]|$)|>|<|`{3}|~{3})/.test(content) || THEMATIC_BREAK.test(content) || LIST_ITEM.test(content)) throw new Bail();
      }
      const t = trimmed(text, c0, le, end);
      if (t === undefined) throw new Bail();
      box = undefined;
      lead = t;
    }
    const e = this.event;
    e.type = 'item';
    e.level = k;
    e.box = box;
    e.lead = lead;
    this.take(e);
    this.startParagraph(contentCol, false, true);
  }
}

/**
 * An item's text without the spaces and tabs around it, or undefined when other white space
 * (a no-break space, an ideographic space…) is at either end: trim() would cut it, the full parse
 * keeps it in the item's text, so the full parse decides. `end` is where the line's spaces and tabs
 * at its end start (the reader has it already): the text's end is that, or `from` when it is before.
 */
function trimmed(text: string, from: number, to: number, end: number): string | undefined {
  const s = spacesStart(text, from, to);
  const e = end > from ? end : from;
  if (s < e && !(keptByTrim(text.charCodeAt(s)) && keptByTrim(text.charCodeAt(e - 1)))) return undefined;
  return text.slice(s, e);
}

/**
 * Whether trim() keeps this code unit at an end of a string: no white space or line terminator is
 * between the space and U+00A0 (the no-break space); other code units are asked of trim() itself.
 */
function keptByTrim(c: number): boolean {
  return (c > 32 && c < 160) || String.fromCharCode(c).trim() !== '';
}

/**
 * Where the spaces and tabs at the start of [from, to) end, and where those at its end start. The
 * loops' steps run at least once for every call (do…while), so the optimizing compiler has their
 * feedback before the first line with spaces there comes, and does not throw its code away then.
 */
function spacesStart(text: string, from: number, to: number): number {
  let i = from - 1;
  let c: number;
  do {
    i++;
    c = i < to ? text.charCodeAt(i) : 0;
  } while (c === 32 || c === 9);
  return i;
}

function spacesEnd(text: string, from: number, to: number): number {
  let i = to + 1;
  let c: number;
  do {
    i--;
    c = i > from ? text.charCodeAt(i - 1) : 0;
  } while (c === 32 || c === 9);
  return i;
}

/** `***`, `- - -`, `___`: three or more of one of them, with only spaces and tabs between (CommonMark). */
function isThematicBreak(text: string, from: number, to: number): boolean {
  const c = text.charCodeAt(from);
  let count = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i);
    if (d === c) count++;
    else if (d !== 32 && d !== 9) return false;
  }
  return count >= 3;
}

/** The length of an ordered list marker (1–9 digits and `.` or `)`) at `from`, or 0. */
function orderedMarker(text: string, from: number, to: number): number {
  let i = from;
  while (i < to && i - from < 10 && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  const digits = i - from;
  if (digits < 1 || digits > 9) return 0;
  const d = text.charCodeAt(i);
  return d === 46 || d === 41 ? digits + 1 : 0;
}

/**
 * Records a finished paragraph: as a table's cells when its second line is a delimiter row, else
 * whole; its code spans for blanking. Shapes whose reading is subtle (a lazy or quoted table, a
 * delimiter row further down, more cells in a row than in the header) go to the full parse.
 */
function closeParagraph(text: string, p: OpenParagraph, out: Phrasing): void {
  const lineText = (n: number): string => text.slice(p.lines[n]![0], p.lines[n]![1]);
  const table = p.lines.length >= 2 && DELIMITER_ROW.test(lineText(1));
  if (table || p.lines.some(([s, e], n) => n >= 2 && DELIMITER_ROW.test(text.slice(s, e)) && text.slice(s, e).includes('|'))) {
    if (!table || p.lazy || p.quoted || !lineText(0).includes('|') && !lineText(1).includes('|')) throw new Bail();
    const header = cells(text, p.lines[0]!);
    if (header.length !== cells(text, p.lines[1]!).length) throw new Bail();
    for (let n = 0; n < p.lines.length; n++) {
      if (n === 1) continue;
      const row = cells(text, p.lines[n]!);
      if (row.length > header.length) throw new Bail();
      for (const cell of row) addPhrasing(text, cell[0], cell[1], out);
    }
    return;
  }
  addPhrasing(text, p.lines[0]![0], p.lines[p.lines.length - 1]![1], out);
  out.paragraphs?.push([p.lines[0]![0], p.lines[p.lines.length - 1]![1]]);
}

function addPhrasing(text: string, start: number, end: number, out: Phrasing): void {
  if (end <= start) return;
  const slice = text.slice(start, end);
  const code: Array<[number, number]> = [];
  if (slice.includes('`')) codeSpans(text, start, end, code);
  // Inline HTML outside code spans (a code span that starts first wins) is blanked by the parser too:
  // where it meets brackets or code spans, the full parse decides. Blanking only turns characters
  // into spaces, so a slice without a match has none outside its code spans either: most slices
  // are answered without blanking.
  if (!INLINE_HTML.test(slice)) {
    // no HTML
  } else if (code.length > 0 ? INLINE_HTML.test(blank(slice, code.map(([s, e]) => [s - start, e - start] as [number, number]))) : mayHaveBrackets(slice)) {
    throw new Bail();
  }
  out.blocks.push([start, end]);
  out.code.push(...code);
}

/** A table row's cells (GFM: split at pipes not escaped, outer pipes optional), as trimmed spans. */
function cells(text: string, [start, end]: [number, number]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let from = start;
  const push = (s: number, e: number): void => {
    while (s < e && (text[s] === ' ' || text[s] === '\t')) s++;
    while (e > s && (text[e - 1] === ' ' || text[e - 1] === '\t')) e--;
    out.push([s, e]);
  };
  for (let i = start; i < end; i++) {
    const c = text[i];
    if (c === '\\' && (text[i + 1] === '|' || text[i + 1] === '\\')) {
      i++;
      continue;
    }
    if (c !== '|') continue;
    if (i === start || text.slice(start, i).trim() === '') {
      from = i + 1; // the leading pipe
      continue;
    }
    push(from, i);
    from = i + 1;
  }
  if (text.slice(from, end).trim() !== '') push(from, end);
  return out;
}

function leadingSpaces(s: string): number {
  let n = 0;
  while (s.charCodeAt(n) === 32) n++;
  return n;
}

/** Inline markup that makes a heading's shown text differ from its source. */
const INLINE_MARKUP = /[*_`\\[<~]|&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);/;

/**
 * A heading's shown text (what plainText gives) when its only inline markup is code spans, else
 * undefined. A code span shows its content, one space stripped from each end when both are spaces.
 */
export function plainHeading(content: string): string | undefined {
  if (!content.includes('`')) return INLINE_MARKUP.test(content) ? undefined : collapsedSpaces(content);
  if (content.includes('\\')) return undefined;
  const spans: Array<[number, number]> = [];
  codeSpans(content, 0, content.length, spans);
  let shown = '';
  let at = 0;
  for (const [s, e] of spans) {
    const outside = content.slice(at, s);
    if (INLINE_MARKUP.test(outside)) return undefined;
    let run = s;
    while (content[run] === '`') run++;
    let code = content.slice(run, e - (run - s));
    if (code.length >= 2 && code[0] === ' ' && code[code.length - 1] === ' ' && code.trim() !== '') code = code.slice(1, -1);
    shown += outside + code;
    at = e;
  }
  if (INLINE_MARKUP.test(content.slice(at))) return undefined;
  return collapsedSpaces(shown + content.slice(at));
}

/** White space other than one space between words: only then does collapsing change more than the ends. */
const SPACE_TO_COLLAPSE = /\s\s|[^\S ]/;

/**
 * The text with each run of white space made one space, trimmed (as plainText shows a heading). Most
 * headings have single spaces only: trim() alone gives the same, without a replace building a copy.
 */
function collapsedSpaces(s: string): string {
  return SPACE_TO_COLLAPSE.test(s) ? s.replace(/\s+/g, ' ').trim() : s.trim();
}

// ---- tasks -----------------------------------------------------------------------------------

function taskCounts(text: string): FileSummary | undefined {
  const counter = new TaskCounter();
  return readBlocks(text, counter, null) ? { kind: 'tasks', done: counter.done, total: counter.total } : undefined;
}

/** What the task above an item is (the counter's `parents`): none, a T ID, a numbered ID. */
const [NO_TASK, T_TASK, NUMBERED_TASK] = [0, 1, 2];

/** Counts the tasks among the items, by the one task grammar, as the full parse (./tasks) does. */
class TaskCounter implements Visitor {
  done = 0;
  total = 0;
  /**
   * The leads of the tasks counted so far, and the IDs of the first `named` of them: an item's ID is
   * asked for only when an item without a checkbox in a phase might be a task (its ID must be new),
   * so the IDs are read then, not for every task.
   */
  private readonly leads: string[] = [];
  private readonly ids = new Set<string>();
  private named = 0;
  /** The open phase's form ('' when none) and its heading's depth. */
  private phaseForm: 'phase' | 'group' | '' = '';
  private phaseDepth = 0;
  /** Per open list level: the kind of task the items below it belong to (the nearest task above). */
  private readonly parents: number[] = [];

  visit(e: BlockEvent): boolean {
    if (e.type === 'heading') {
      const plain = plainHeading(e.content);
      if (plain === undefined) {
        // Shown text differs from the source: only sure when it cannot open a phase or a seed task.
        if (/phase|フェーズ|阶段|階段|fase|étape|task|\d/i.test(e.content)) throw new Bail();
      } else if (seedTaskHeading(plain)) {
        throw new Bail(); // the seed's `### Task N` dialect
      }
      const m = plain !== undefined ? phaseHeading(plain) : undefined;
      const nestedGroup = m?.form === 'group' && this.phaseForm === 'phase' && e.depth > this.phaseDepth;
      if (m && !nestedGroup) {
        this.phaseForm = m.form;
        this.phaseDepth = e.depth;
      } else if (this.phaseForm !== '' && e.depth <= this.phaseDepth) {
        this.phaseForm = '';
      }
      return false;
    }
    // Entries past the item's level belong to closed items: overwritten, never read (no truncation per item).
    const parents = this.parents;
    while (parents.length < e.level) parents.push(NO_TASK);
    const parent = e.level > 0 ? parents[e.level - 1]! : NO_TASK;
    const lead = e.lead;
    const found = leadingTaskIdEnd(lead);
    // A numbered ID is a task's only with a checkbox and not under a T task.
    const scheme = found > 0 ? T_TASK : found < 0 && e.box !== undefined && parent !== T_TASK ? NUMBERED_TASK : NO_TASK;
    let task = NO_TASK;
    if (scheme !== NO_TASK && (e.box !== undefined || (this.phaseForm !== '' && !continuesIdList(lead.slice(found > 0 ? found : -found)) && !this.countedBefore(lead)))) {
      task = scheme;
      this.total++;
      if (e.box === 'x' || e.box === 'X') this.done++;
      this.leads.push(lead);
    }
    parents[e.level] = task !== NO_TASK ? task : parent;
    return false;
  }

  /** Whether a task counted before has the ID `lead` starts with. */
  private countedBefore(lead: string): boolean {
    const leads = this.leads;
    for (; this.named < leads.length; this.named++) this.ids.add(leadingTaskId(leads[this.named]!)!.id);
    return this.ids.has(leadingTaskId(lead)!.id);
  }
}

// ---- checklists ------------------------------------------------------------------------------

function checklistCounts(text: string): FileSummary | undefined {
  const counter = new ChecklistCounter();
  return readBlocks(text, counter, null) ? { kind: 'checklist', passed: counter.passed, total: counter.total } : undefined;
}

/** Counts the checkbox items and the checked ones. */
class ChecklistCounter implements Visitor {
  passed = 0;
  total = 0;

  visit(e: BlockEvent): boolean {
    if (e.type !== 'item' || e.box === undefined) return false;
    this.total++;
    if (e.box !== ' ') this.passed++;
    return false;
  }
}

// ---- spec: clarification sessions ------------------------------------------------------------

/** The starts of the Clarifications section's names (CLARIFICATIONS_SECTION), in any case. */
const CLARIFICATIONS_WORD = /clar|明確|確認|澄清|釐清|明确/i;
/**
 * What can drop letters from a heading's shown text or make new ones: a link's destination or
 * reference label (`](`, `][`), an image (`![`), a footnote reference (`[^`), an entity (`&`). A
 * bracketed text alone (`[FEATURE NAME]`, a shortcut reference) shows its letters.
 */
const HIDES_LETTERS = /\]\(|\]\[|!\[|\[\^|&[#A-Za-z]/;
/** What the shown text and the key can remove between two letters (a U+2139 ℹ is both a letter and an emoji). */
const NOT_A_LETTER = /[^\p{L}\p{N}]|\p{Extended_Pictographic}/gu;

/**
 * Whether a heading written as `source` could have a key naming the Clarifications section: an
 * over-approximation, true for every such heading (and for some others). Without HIDES_LETTERS,
 * the heading's shown text keeps every letter and digit of its source in order (emphasis, code
 * spans, escapes, bracketed text and HTML only add or drop other characters). Its key (headingKey) drops white
 * space, emoji and starred notes besides; a name starts the key, so none of its letters is in a
 * note that is kept. The source without notes and non-letters then holds the name's first letters.
 */
export function mayNameClarifications(source: string): boolean {
  if (!NAME_OR_SPLIT.test(source)) return false;
  return HIDES_LETTERS.test(source) || CLARIFICATIONS_WORD.test(withoutNotes(source).replace(NOT_A_LETTER, ''));
}

/**
 * The text without its parenthesized notes, each from a `(` to the first `)` after it (what
 * headingKey's starred note spans): headingKey drops a starred one (`*(optional)*`), and a kept one
 * starts with `(`, which no name does. By searches forward only: /\([^)]*\)/g would read to the
 * text's end again from every `(` that no `)` follows.
 */
function withoutNotes(s: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const open = s.indexOf('(', at);
    const close = open < 0 ? -1 : s.indexOf(')', open + 1);
    if (close < 0) return at === 0 ? s : out + s.slice(at);
    out += s.slice(at, open);
    at = close + 1;
  }
}

/**
 * What a source whose letters could spell a name must hold, in one search: the name's start as
 * written (CLARIFICATIONS_WORD), one of HIDES_LETTERS, or else a part of it ("c", "cl", "cla", a
 * first character) then a character that is removed (the name's letters split, as in
 * `C**lar**ifications`). Built from those two patterns, so the search cannot miss what they find.
 * Most headings hold none, and are answered without the removals above.
 */
const NAME_OR_SPLIT = new RegExp(`${CLARIFICATIONS_WORD.source}|${HIDES_LETTERS.source}|(?:c|cl|cla|明|確|澄|釐)(?:[^\\p{L}\\p{N}]|\\u2139)`, 'iu');

/**
 * A line that may be or end a heading, with the containers (quotes, list items) that may hold it:
 * an ATX heading's `#`, or a setext underline (`===`, `---`).
 */
// Each character of the containers' part is taken by one alternative only (a marker needs a space or
// tab after it, which the next round takes): the search backtracks linearly, never exponentially.
const HEADING_LINE = /^(?:[ \t>]|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))*(?:#[^\r\n]*|(?:=+|-+)[ \t]*$)/gm;
/** How many lines above an underline are read as its heading's text before the reading gives up (the full parse decides): real ones have one. */
const SETEXT_LINES = 8;

/**
 * Whether any heading of the text could name the Clarifications section (mayNameClarifications), from
 * the text alone: every heading is an ATX line (a `#` after at most containers' markers) or the
 * paragraph lines above a setext underline. Lines that are no heading (in a fence, say) are looked
 * at too: an over-approximation, so false proves the full parse finds no sessions.
 */
function mayHaveClarifications(text: string): boolean {
  HEADING_LINE.lastIndex = 0;
  for (let m = HEADING_LINE.exec(text); m; m = HEADING_LINE.exec(text)) {
    const line = m[0];
    const start = m.index;
    if (line.includes('#')) {
      if (mayNameClarifications(line)) return true;
    } else {
      // An underline: the paragraph above it, up to a blank line.
      let from = start;
      for (let lines = 0; from > 0; lines++) {
        if (lines === SETEXT_LINES) return true;
        const prevEnd = text.charCodeAt(from - 1) === 10 && text.charCodeAt(from - 2) === 13 ? from - 2 : from - 1;
        let prevStart = prevEnd;
        while (prevStart > 0 && text.charCodeAt(prevStart - 1) !== 10 && text.charCodeAt(prevStart - 1) !== 13) prevStart--;
        if (spacesEnd(text, prevStart, prevEnd) === prevStart) break; // a blank line
        from = prevStart;
      }
      if (from < start && mayNameClarifications(text.slice(from, start))) return true;
    }
  }
  return false;
}

/** Sessions under the first Clarifications heading: its sub-headings (a Q-list before them goes to the full parse). */
class ClarificationSessions implements Visitor {
  count = 0;
  /** The Clarifications heading's depth once found (0 before). */
  private section = 0;
  private done = false;

  /** True once the section has ended: nothing after it is a session. */
  visit(e: BlockEvent): boolean {
    if (this.done) return true;
    if (e.type === 'heading') {
      if (this.section !== 0) {
        if (e.depth <= this.section) this.done = true;
        else this.count++;
        return this.done;
      }
      if (!mayNameClarifications(e.content)) return false;
      const plain = plainHeading(e.content);
      // Markup other than code spans: what the heading shows is the full parse's to say.
      if (plain === undefined) throw new Bail();
      if (CLARIFICATIONS_SECTION.test(headingKey(plain))) this.section = e.depth;
      return false;
    }
    if (this.section !== 0 && this.count === 0) throw new Bail();
    return false;
  }
}

/** Reads the blocks for `visit`, collecting where the phrasing is when `collect`; undefined when the full parse must decide. */
function phrasingOf(text: string, visitor: Visitor, collect = true): Phrasing | undefined {
  const collected: Phrasing = { blocks: [], masked: [], code: [] };
  return readBlocks(text, visitor, collect ? collected : null) ? collected : undefined;
}

/** The plan's visitor: it needs only the phrasing. */
class NoVisits implements Visitor {
  visit(): boolean {
    return false;
  }
}

const NO_VISITS = new NoVisits();
