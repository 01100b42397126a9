/**
 * A linear pre-check of markdown before remark reads it. micromark's work is linear in the text for
 * the files people write, but grows faster than the text on a few shapes: each block costs about as
 * much as a few kilobytes of prose (200,000 one-word list items under 2 MB stall it for most of a
 * minute), containers nested by indentation cost the cube of their depth, and emphasis and bracket
 * runs inside one paragraph cost the square (or worse) of their count. Nesting also becomes recursion
 * depth in every tree walk. So the shapes are measured here, in one pass over the lines, and a file
 * past a limit is refused with a `file-too-complex` problem instead of being parsed. Counted, not
 * timed: a file is refused or read the same way on every machine and every run.
 */

export interface ComplexityLimits {
  /** Non-empty lines. The benchmark's 5,000-task tasks.md has about 5,100; real files have under 1,000. */
  readonly lines: number;
  /** Table cells (`|` on table-looking lines): each costs about as much as a line. */
  readonly cells: number;
  /** Containers (block quotes, list items) open around one line. */
  readonly nesting: number;
  /** Emphasis runs, brackets and code-span runs in one paragraph. */
  readonly marksPerBlock: number;
  /** The sum over paragraphs of the square of their marks: the cost of resolving them. */
  readonly markWork: number;
}

export const LIMITS: ComplexityLimits = {
  lines: 10_000,
  cells: 20_000,
  nesting: 32,
  marksPerBlock: 1_000,
  markWork: 20_000_000,
};

export interface Complexity {
  readonly lines: number;
  readonly cells: number;
  readonly nesting: number;
  /** 0-based line where the deepest nesting is. */
  readonly nestingLine: number;
  readonly marksPerBlock: number;
  /** 0-based line where the paragraph with the most marks starts. */
  readonly marksLine: number;
  readonly markWork: number;
  /** Characters examined: the pre-check's own work, which stays within a small multiple of the length. */
  readonly steps: number;
}

export interface TooComplex {
  readonly message: string;
  /** 0-based line the message is about. */
  readonly line: number;
}

const SPACE = 32;
const TAB = 9;
const CR = 13;
const LF = 10;

/** How far nesting and marks go in a text; one pass, no regular expressions. */
export function measureComplexity(text: string): Complexity {
  let steps = 0;
  let lines = 0;
  let cells = 0;
  let nesting = 0;
  let nestingLine = 0;
  let marksPerBlock = 0;
  let marksLine = 0;
  let markWork = 0;
  /**
   * Containers open after the previous line, outermost first: -1 for a block quote, else a list
   * item's content column. Matched line by line as CommonMark does, erring towards more depth.
   */
  const open: number[] = [];
  /** Indices in `open` of its block quotes, so a blank line closes them in constant time. */
  const quotes: number[] = [];
  const closeFrom = (n: number): void => {
    open.length = Math.min(open.length, n);
    while (quotes.length > 0 && quotes[quotes.length - 1]! >= open.length) quotes.pop();
    if (fence && fence.depth > open.length) fence = undefined;
  };
  let lastBlank = false;
  /**
   * An open HTML block and what ends it (undefined: a blank line). Inside one a fence is no fence, so
   * it is tracked; over-reading HTML only counts more marks, never fewer.
   */
  let html: { end: string | undefined } | undefined;
  /** An open code fence: its character, length, and how many containers hold it. */
  let fence: { char: number; length: number; depth: number } | undefined;
  /** Marks of the paragraph being read, and the line it started on. */
  let blockMarks = 0;
  let blockLine = 0;
  let line = -1;
  const endBlock = (): void => {
    if (blockMarks > marksPerBlock) {
      marksPerBlock = blockMarks;
      marksLine = blockLine;
    }
    markWork += blockMarks * blockMarks;
    blockMarks = 0;
  };

  let i = 0;
  while (i <= text.length) {
    line++;
    let end = i;
    while (end < text.length && text.charCodeAt(end) !== LF && text.charCodeAt(end) !== CR) end++;
    const next = end < text.length && text.charCodeAt(end) === CR && text.charCodeAt(end + 1) === LF ? end + 2 : end + 1;
    steps += next - i;

    let at = i;
    let column = 0;
    /** Moves `at` over white space, keeping `column` (a tab goes to the next multiple of four). */
    const skipSpace = (limit = Infinity): void => {
      while (at < end && column < limit) {
        const c = text.charCodeAt(at);
        if (c === SPACE) column++;
        else if (c === TAB) column += 4 - (column % 4);
        else break;
        at++;
      }
    };
    skipSpace();
    if (at === end) {
      // A blank line ends the paragraph; containers stay open (items may hold blank lines).
      endBlock();
      if (html?.end === undefined) html = undefined;
      // A line without `>` does not continue a block quote: the quote ends, with all inside it.
      if (quotes.length > 0) closeFrom(quotes[0]!);
      lastBlank = true;
      i = next;
      continue;
    }
    lines++;

    // The open containers this line continues: a `>` for a quote, enough indentation for an item.
    // The white space ahead is measured once per run, so a deep staircase costs its length, not its square.
    at = i;
    column = 0;
    let matched = 0;
    let runEnd = -1;
    let runEndColumn = 0;
    while (matched < open.length) {
      steps++;
      if (runEnd < at) {
        runEnd = at;
        runEndColumn = column;
        for (; runEnd < end; runEnd++) {
          const c = text.charCodeAt(runEnd);
          if (c === SPACE) runEndColumn++;
          else if (c === TAB) runEndColumn += 4 - (runEndColumn % 4);
          else break;
        }
        steps += runEnd - at;
      }
      const want = open[matched]!;
      if (want < 0 && text.charCodeAt(runEnd) === 62 /* > */) {
        at = runEnd + 1;
        column = runEndColumn + 1;
        // One space after `>` belongs to the marker (a tab is taken whole: reading less indentation is safe).
        const after = text.charCodeAt(at);
        if (after === SPACE || after === TAB) {
          column += after === TAB ? 4 - (column % 4) : 1;
          at++;
        }
      } else if (want >= 0 && runEndColumn >= want) {
        // Take only the item's indentation: the rest may open deeper containers.
        skipSpace(want);
      } else {
        break;
      }
      matched++;
    }
    if (fence) {
      if (matched >= fence.depth) {
        if (closesFence(text, at, end, fence)) fence = undefined;
        lastBlank = false;
        i = next;
        continue;
      }
      // The container holding the fence ended, and the fence with it: read the line afresh.
      closeFrom(matched);
    }
    const contentColumn = column;
    skipSpace();

    if (isThematicBreak(text, at, end)) {
      // `- - - -` is a rule, not nested items.
      closeFrom(matched);
      endBlock();
      lastBlank = false;
      i = next;
      continue;
    }

    // New containers at the start of the rest of the line: `>` and list markers, any number of them.
    const fresh: number[] = [];
    /** Where this line's innermost container's content starts: four columns past it is indented code. */
    let base = contentColumn;
    for (;;) {
      // Four columns past the container's content is indented code: it opens nothing.
      if (column - base >= 4) break;
      const c = text.charCodeAt(at);
      if (c === 62 /* > */) {
        fresh.push(-1);
        at++;
        column++;
        // One space (or a column of a tab) after `>` belongs to the marker.
        base = column + (text.charCodeAt(at) === SPACE || text.charCodeAt(at) === TAB ? 1 : 0);
        skipSpace();
        continue;
      }
      const marker = listMarkerLength(text, at, end);
      if (marker > 0) {
        const markerColumn = column;
        at += marker;
        column += marker;
        skipSpace();
        // Five or more spaces after the marker start indented code: the content is one column past it.
        const content = at === end || column - markerColumn - marker > 4 ? markerColumn + marker + 1 : column;
        fresh.push(content);
        base = content;
        continue;
      }
      break;
    }
    // A line that opens nothing may be a lazy continuation: its unmatched containers stay open, unless
    // a blank line came before it.
    if (fresh.length > 0 || lastBlank) closeFrom(matched);
    for (const f of fresh) {
      if (f < 0) quotes.push(open.length);
      open.push(f);
    }
    lastBlank = false;
    const blockStart = fresh.length > 0;
    if (open.length > nesting) {
      nesting = open.length;
      nestingLine = line;
    }

    const first = text.charCodeAt(at);
    const fenceLength = runLength(text, at, end, first);
    // The line that ends an HTML block belongs to it too.
    const inHtml = html !== undefined;
    if (html) {
      if (html.end !== undefined) {
        if (lineIncludes(text, at, end, html.end)) html = undefined;
      } else if (first === 60 /* < */) {
        // Reading HTML for longer is the safe side: a comment or <pre> met here may run past blank lines.
        const longer = htmlBlockStart(text, at, end);
        if (longer?.end !== undefined) html = longer;
      }
    } else if (first === 60 /* < */ && column - base < 4) {
      html = htmlBlockStart(text, at, end);
    }
    // A backtick fence's info string has no backtick (else the line is inline code).
    const opensFence = !inHtml && (first === 126 /* ~ */ || (first === 96 /* ` */ && !includes(text, at + fenceLength, end, 96))) && fenceLength >= 3 && column - base < 4;
    if (opensFence) {
      // Only paragraph text continues lazily: a fence ends the containers this line did not continue.
      closeFrom(matched + fresh.length);
      endBlock();
      fence = { char: first, length: fenceLength, depth: open.length };
      i = next;
      continue;
    }
    // Headings, table rows and items start a paragraph of their own; other lines continue one.
    if (blockStart || first === 35 /* # */ || first === 124 /* | */) endBlock();
    if (blockMarks === 0) blockLine = line;
    for (let k = at; k < end; k++) {
      const c = text.charCodeAt(k);
      if (c === 124 /* | */) cells++;
      else if (c === 91 /* [ */ || c === 93 /* ] */) blockMarks++;
      else if (c === 42 /* * */ || c === 95 /* _ */ || c === 126 /* ~ */ || c === 96 /* ` */) {
        blockMarks++;
        // A run of the same character is one delimiter.
        while (k + 1 < end && text.charCodeAt(k + 1) === c) k++;
      }
    }
    if (first === 35 || first === 124) endBlock();
    i = next;
  }
  endBlock();
  return { lines, cells, nesting, nestingLine, marksPerBlock, marksLine, markWork, steps };
}

/** Why a text is too complex to parse, or undefined when it is within the limits. */
export function tooComplex(c: Complexity, limits: ComplexityLimits = LIMITS): TooComplex | undefined {
  const n = (x: number): string => x.toLocaleString('en-US');
  if (c.nesting > limits.nesting) {
    return {
      message: `Line ${c.nestingLine + 1} is nested ${n(c.nesting)} levels deep (block quotes and list items); spec-kit files are read up to ${limits.nesting} levels, so this file was not analysed.`,
      line: c.nestingLine,
    };
  }
  if (c.lines > limits.lines) {
    return {
      message: `This file has ${n(c.lines)} non-empty lines; spec-kit files are analysed up to ${n(limits.lines)}, so it was not analysed. Split it, or move generated content out of the feature folder.`,
      line: 0,
    };
  }
  if (c.cells > limits.cells) {
    return {
      message: `This file's tables have ${n(c.cells)} cells; spec-kit files are analysed up to ${n(limits.cells)}, so it was not analysed.`,
      line: 0,
    };
  }
  if (c.marksPerBlock > limits.marksPerBlock) {
    return {
      message: `The paragraph at line ${c.marksLine + 1} has ${n(c.marksPerBlock)} brackets and emphasis marks (up to ${n(limits.marksPerBlock)} are read); reading it would stall the editor, so this file was not analysed.`,
      line: c.marksLine,
    };
  }
  if (c.markWork > limits.markWork) {
    return {
      message: `This file's paragraphs hold too many brackets and emphasis marks to read in bounded time (the densest is at line ${c.marksLine + 1}), so it was not analysed.`,
      line: c.marksLine,
    };
  }
  return undefined;
}

/** `-`, `*`, `+` or `1.`/`1)` followed by white space or the end of the line: the marker's length, else 0. */
function listMarkerLength(text: string, at: number, end: number): number {
  const c = text.charCodeAt(at);
  let length: number;
  if (c === 45 /* - */ || c === 42 /* * */ || c === 43 /* + */) length = 1;
  else if (c >= 48 && c <= 57) {
    let k = at;
    while (k < end && k - at < 9 && text.charCodeAt(k) >= 48 && text.charCodeAt(k) <= 57) k++;
    const d = text.charCodeAt(k);
    if (d !== 46 /* . */ && d !== 41 /* ) */) return 0;
    length = k - at + 1;
  } else return 0;
  const after = at + length;
  if (after === end) return length;
  const s = text.charCodeAt(after);
  return s === SPACE || s === TAB ? length : 0;
}

/** Three or more of one of `-`, `*`, `_`, with only white space between them, and nothing else. */
function isThematicBreak(text: string, at: number, end: number): boolean {
  const c = text.charCodeAt(at);
  if (c !== 45 && c !== 42 && c !== 95) return false;
  let count = 0;
  for (let k = at; k < end; k++) {
    const d = text.charCodeAt(k);
    if (d === c) count++;
    else if (d !== SPACE && d !== TAB) return false;
  }
  return count >= 3;
}

/** The HTML block a line starting with `<` opens, as CommonMark's seven kinds (7 also in a paragraph, to be safe). */
function htmlBlockStart(text: string, at: number, end: number): { end: string | undefined } | undefined {
  const head = text.slice(at, Math.min(end, at + 12)).toLowerCase();
  let close: string;
  let skip: number;
  if (head.startsWith('<!--')) [close, skip] = ['-->', 4];
  else if (head.startsWith('<?')) [close, skip] = ['?>', 2];
  else if (head.startsWith('<![cdata[')) [close, skip] = [']]>', 9];
  else if (/^<![a-z]/.test(head)) [close, skip] = ['>', 2];
  else {
    const raw = /^<(script|pre|style|textarea)(?:[\s>]|$)/.exec(head);
    if (raw) [close, skip] = [`</${raw[1]!}`, raw[0].length];
    else if (/^<\/?[a-z]/.test(head)) return { end: undefined };
    else return undefined;
  }
  // Ended on its own line already: no block stays open.
  return lineIncludes(text, at + skip, end, close) ? undefined : { end: close };
}

/** Whether text[from, end) contains `needle`, ignoring case. */
function lineIncludes(text: string, from: number, end: number, needle: string): boolean {
  return from < end && text.slice(from, end).toLowerCase().includes(needle);
}

function includes(text: string, from: number, end: number, c: number): boolean {
  for (let k = from; k < end; k++) if (text.charCodeAt(k) === c) return true;
  return false;
}

function runLength(text: string, at: number, end: number, c: number): number {
  let k = at;
  while (k < end && text.charCodeAt(k) === c) k++;
  return k - at;
}

function closesFence(text: string, at: number, end: number, fence: { char: number; length: number }): boolean {
  let k = at;
  while (k < end && (text.charCodeAt(k) === SPACE || text.charCodeAt(k) === TAB)) k++;
  const run = runLength(text, k, end, fence.char);
  if (run < fence.length) return false;
  for (k += run; k < end; k++) if (text.charCodeAt(k) !== SPACE && text.charCodeAt(k) !== TAB) return false;
  return true;
}
