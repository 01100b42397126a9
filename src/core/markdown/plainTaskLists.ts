import { type InlineCode, type List, type ListItem, type Paragraph, type PhrasingContent, type Root, type RootContent, type Text } from 'mdast';
import { shiftInPlace, type TreeParser } from './incrementalParse';

/**
 * A full parse that builds the plainest task lists itself. A long tasks.md is mostly runs of lines
 * like `- [ ] T012 [P] [US1] Add the model in src/models/user.py`: one-line items whose text has no
 * inline markup, and remark spends most of an open's time on them. Such a run, standing alone between
 * blank lines, is a tight top-level list whose tree follows from the text alone; everything else is
 * parsed by remark in regions between the runs, each followed by the first line of the next run (the
 * "sentinel", as in ./incrementalParse): when that line does not start a new top-level list there,
 * the caller parses the whole text. The tree is the one a full parse gives (the property and corpus
 * tests hold it to that exactly).
 */

/**
 * `- [ ] text` / `- [x] text` with one space after the box, text that starts and ends with neither
 * white space nor a backtick, and holds no character inline markup starts with (emphasis, HTML,
 * entities, escapes, images, strikethrough, tables), no link or full reference (`](`, `][`), no
 * control character or tab; backticks only as single-backtick code spans (split out by {@link plainInline}).
 */
// eslint-disable-next-line no-control-regex -- control characters are what the text must not hold
const PLAIN_TASK = /^- \[[ xX]\] [^\s`*_<>&\\!~|\u0000-\u001f\u007f](?:[^*_<&\\!~|\u0000-\u001f\u007f]*[^\s*_<&\\!~|\u0000-\u001f\u007f])?$/;
/** Inside a code span anything but a backtick, `<` and `>` and a control character or tab; no space at its ends. */
// eslint-disable-next-line no-control-regex -- as above
const CODE_SPAN = /`([^\s`<>\u0000-\u001f\u007f](?:[^`<>\u0000-\u001f\u007f]*[^\s`<>\u0000-\u001f\u007f])?)`/g;
// eslint-disable-next-line no-control-regex -- as above
const PLAIN_OUTSIDE = /^[^`*_<&\\!~|\u0000-\u001f\u007f]*$/;

/** Whether `line` is a plain task line (see {@link PLAIN_TASK}), its code spans well formed. */
function isPlainTask(line: string): boolean {
  if (!PLAIN_TASK.test(line)) return false;
  const content = line.slice(6);
  if (!content.includes('`')) return !content.includes('](') && !content.includes('][');
  // Outside the code spans (taken out, which can only join what would be refused anyway): no backtick left, no link.
  const outside = content.replace(CODE_SPAN, '');
  return PLAIN_OUTSIDE.test(outside) && !outside.includes('](') && !outside.includes('][');
}

/** A run shorter than this is left to remark: the regions around it cost more than it saves. */
const MIN_RUN = 8;
const BLANK = /^[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** A line of the text: where it starts, where its content ends (before the line break), and what it holds. */
interface Line {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

function linesOf(text: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  for (;;) {
    let end = start;
    while (end < text.length) {
      const c = text.charCodeAt(end);
      if (c === 10 || c === 13) break;
      end++;
    }
    out.push({ start, end, text: text.slice(start, end) });
    if (end >= text.length) return out;
    start = end + (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1);
  }
}

/**
 * Runs of plain task lines `[first, last]` (line numbers from 0) that may stand alone: after a blank
 * line whose previous text line cannot be continued by them (no list item or indented line before
 * the gap), before a blank line after which no line continues them, not inside a fence or an HTML
 * comment, and neither the first nor the last block of the text (the regions around give the root's position).
 */
function plainRuns(lines: readonly Line[]): [number, number][] {
  const runs: [number, number][] = [];
  let fence: { char: string; length: number } | undefined;
  let comment = false;
  /** The last non-blank line before `i`, outside any run being built. */
  let lastText: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.text;
    if (fence) {
      const m = FENCE.exec(t);
      if (m && m[1]![0] === fence.char && m[1]!.length >= fence.length && BLANK.test(t.slice(m[0].length))) fence = undefined;
      lastText = t;
      continue;
    }
    if (comment) {
      if (t.includes('-->')) comment = false;
      lastText = t;
      continue;
    }
    if (isPlainTask(t) && i > 0 && BLANK.test(lines[i - 1]!.text) && lastText !== undefined && canPrecede(lastText)) {
      let j = i;
      while (j + 1 < lines.length && isPlainTask(lines[j + 1]!.text)) j++;
      let k = j + 1;
      while (k < lines.length && BLANK.test(lines[k]!.text)) k++;
      // Blank lines after the run, then a line that neither continues its last item nor adds an item to it.
      if (k > j + 1 && k < lines.length && canFollow(lines[k]!.text) && j - i + 1 >= MIN_RUN) runs.push([i, j]);
      lastText = lines[j]!.text;
      i = j;
      continue;
    }
    if (BLANK.test(t)) continue;
    const f = FENCE.exec(t);
    if (f && !(f[1]![0] === '`' && t.slice(f[0].length).includes('`'))) fence = { char: f[1]![0]!, length: f[1]!.length };
    else if (/^ {0,3}<!--/.test(t) && !t.includes('-->', t.indexOf('<!--') + 4)) comment = true;
    lastText = t;
  }
  return runs;
}

/** A line after which a blank line and a run start a new list: no list item, no indented line (an item's content). */
function canPrecede(line: string): boolean {
  return !/^[ \t]|^[-*+][ \t]|^[-*+]$|^\d{1,9}[.)]/.test(line);
}

/** A line that, after a blank line, ends a list rather than adding to it: no indent, no `-`. */
function canFollow(line: string): boolean {
  return !/^[ \t-]/.test(line);
}

function point(line: number, column: number, offset: number): { line: number; column: number; offset: number } {
  return { line, column, offset };
}

/** The list remark gives for a run of plain task lines (line numbers from 0). */
function plainList(lines: readonly Line[], first: number, last: number): List {
  const children: ListItem[] = [];
  for (let i = first; i <= last; i++) {
    const { start, end, text } = lines[i]!;
    const line = i + 1;
    const paragraph: Paragraph = { type: 'paragraph', children: plainInline(text, line, start), position: { start: point(line, 7, start + 6), end: point(line, end - start + 1, end) } };
    children.push({
      type: 'listItem',
      spread: false,
      checked: text.charCodeAt(3) !== 32,
      children: [paragraph],
      position: { start: point(line, 1, start), end: point(line, end - start + 1, end) },
    });
  }
  const a = lines[first]!;
  const b = lines[last]!;
  return { type: 'list', ordered: false, start: null, spread: false, children, position: { start: point(first + 1, 1, a.start), end: point(last + 1, b.end - b.start + 1, b.end) } };
}

/** The paragraph's children for a plain task line: text, and inline code for each code span. */
function plainInline(text: string, line: number, lineStart: number): PhrasingContent[] {
  const out: PhrasingContent[] = [];
  const textNode = (from: number, to: number): Text => ({ type: 'text', value: text.slice(from, to), position: { start: point(line, from + 1, lineStart + from), end: point(line, to + 1, lineStart + to) } });
  let at = 6;
  if (text.includes('`', at)) {
    CODE_SPAN.lastIndex = at;
    for (let m = CODE_SPAN.exec(text); m; m = CODE_SPAN.exec(text)) {
      if (m.index > at) out.push(textNode(at, m.index));
      const to = m.index + m[0].length;
      const code: InlineCode = { type: 'inlineCode', value: m[1]!, position: { start: point(line, m.index + 1, lineStart + m.index), end: point(line, to + 1, lineStart + to) } };
      out.push(code);
      at = to;
    }
  }
  if (at < text.length) out.push(textNode(at, text.length));
  return out;
}

/**
 * The tree of `text` with its plain task runs built here and the rest parsed by `parse`, or
 * undefined when there is no run worth it or a region does not end where a run can start (then the
 * caller parses the whole text).
 */
export function parseWithPlainTaskLists(text: string, parse: TreeParser): Root | undefined {
  // Link reference definitions apply to the whole document; front matter changes how lists parse.
  if (text.includes(']:') || text.startsWith('---')) return undefined;
  // Cheap refusal for the files that have no run at all (most of them).
  if (!/[\n\r]- \[/.test(text)) return undefined;
  const lines = linesOf(text);
  const runs = plainRuns(lines);
  if (runs.length === 0) return undefined;
  const children: RootContent[] = [];
  let from = 0;
  let rootStart: NonNullable<Root['position']>['start'] = point(1, 1, 0);
  for (const [first, last] of runs) {
    const start = lines[from]!.start;
    const sentinel = lines[first]!;
    const region = parse(text.slice(start, sentinel.end));
    if (from === 0) rootStart = region.position!.start;
    const list = region.children[region.children.length - 1];
    // The run's first line must start a list of its own at the top level there (no fence or HTML open, no list to join).
    if (list?.type !== 'list' || list.ordered || list.children.length !== 1 || list.position!.start.offset !== sentinel.start - start) return undefined;
    for (let c = 0; c < region.children.length - 1; c++) {
      const node = region.children[c]!;
      shiftInPlace(node, start, from);
      children.push(node);
    }
    children.push(plainList(lines, first, last));
    from = last + 1;
  }
  const start = lines[from]!.start;
  const tail = parse(text.slice(start));
  for (const node of tail.children) {
    shiftInPlace(node, start, from);
    children.push(node);
  }
  const end = tail.position!.end;
  return { type: 'root', children, position: { start: rootStart, end: point(end.line + from, end.column, (end.offset ?? 0) + start) } };
}
