import { type Heading, type ListItem, type Nodes, type Paragraph, type RootContent, type TableCell } from 'mdast';
import { type MarkdownDoc, nodeEnd, nodeStart, type Section, walk } from '../markdown/markdownDoc';
import { type Located, type Problem, type Range } from '../text/range';

/**
 * Shared scanning helpers for the artifact parsers. Everything here works on mdast nodes and on the
 * source text of those nodes, so fenced code, inline code and HTML comments are never read as content.
 */

/** A `[NEEDS CLARIFICATION: …]` marker; `text` is the question ('' for a bare marker). */
export interface ClarificationMarker {
  readonly text: string;
  readonly range: Range;
}

/** A template placeholder token such as `[FEATURE NAME]` or `[PROJECT_NAME]`. */
export interface PlaceholderToken {
  /** The text between the brackets (or the whole token when it has none, like `$ARGUMENTS`). */
  readonly token: string;
  readonly range: Range;
}

/** One `**Label**: value` field of a metadata line. */
export interface MetadataField {
  readonly label: string;
  /** The value without surrounding backticks or emphasis; range covers exactly that. */
  readonly value: Located<string>;
  /** Whole `**Label**: value` segment. */
  readonly range: Range;
}

export type PhrasingBlock = Paragraph | Heading | TableCell;

/**
 * The text with code, HTML and front matter blanked to spaces (line breaks kept), so offsets still match.
 * Inline code is blanked too unless `keepInlineCode` (the spec template writes `` `[###-feature-name]` ``).
 */
export function maskedText(doc: MarkdownDoc, keepInlineCode = false): string {
  const spans: [number, number][] = [];
  walk(doc.root, (node) => {
    if (node.type === 'code' || (node.type === 'inlineCode' && !keepInlineCode) || node.type === 'html' || node.type === 'yaml') {
      spans.push([nodeStart(node), nodeEnd(node)]);
      return 'skip';
    }
    return undefined;
  });
  if (spans.length === 0) return doc.text;
  const chars = doc.text.split('');
  for (const [s, e] of spans) for (let i = s; i < e && i < chars.length; i++) if (chars[i] !== '\n' && chars[i] !== '\r') chars[i] = ' ';
  return chars.join('');
}

/** Every paragraph, heading and table cell of the document, in document order. */
export function phrasingBlocks(doc: MarkdownDoc): PhrasingBlock[] {
  const out: PhrasingBlock[] = [];
  walk(doc.root, (node) => {
    if (node.type === 'paragraph' || node.type === 'heading' || node.type === 'tableCell') {
      out.push(node);
      return 'skip';
    }
    return undefined;
  });
  return out;
}

/** Every match of `re` (must be global) inside the masked source of each phrasing block. */
export function scanBlocks(doc: MarkdownDoc, masked: string, re: RegExp, blocks = phrasingBlocks(doc)): { match: RegExpExecArray; start: number; end: number }[] {
  const out: { match: RegExpExecArray; start: number; end: number }[] = [];
  for (const block of blocks) {
    const start = nodeStart(block);
    const slice = masked.slice(start, nodeEnd(block));
    re.lastIndex = 0;
    for (let m = re.exec(slice); m; m = re.exec(slice)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      out.push({ match: m, start: start + m.index, end: start + m.index + m[0].length });
    }
  }
  return out;
}

const MARKER_HEAD = /\[\s*NEEDS[ \t]+CLARIFICATION\s*/gi;

/** A `[NEEDS CLARIFICATION…]` marker in a string: offsets, and the text after the colon (undefined for a bare one). */
export interface MarkerSpan {
  readonly start: number;
  readonly end: number;
  readonly question: string | undefined;
}

/**
 * Every `[NEEDS CLARIFICATION: …]` and bare `[NEEDS CLARIFICATION]` in a string, in linear time: the
 * closing bracket is found by a cursor that only moves forward, so thousands of unclosed markers in
 * one paragraph cost one pass (a `[^\]]*` pattern rescanned the rest of the paragraph for each).
 * `steps` counts the characters the cursor and the pattern moved over.
 */
export function markerSpans(s: string, work?: { steps: number }): MarkerSpan[] {
  const out: MarkerSpan[] = [];
  const head = new RegExp(MARKER_HEAD.source, 'gi');
  let close = -1;
  let scanned = 0;
  for (let m = head.exec(s); m; m = head.exec(s)) {
    const after = m.index + m[0].length;
    if (close < after) {
      const from = Math.max(after, scanned);
      close = s.indexOf(']', from);
      scanned = close < 0 ? s.length : close;
      if (work) work.steps += scanned - from;
      if (close < 0) break; // no bracket left to close this marker or any later one
    }
    const c = s[after];
    if (c === ']') out.push({ start: m.index, end: after + 1, question: undefined });
    else if (c === ':' || c === '：') out.push({ start: m.index, end: close + 1, question: s.slice(after + 1, close) });
    else continue;
    head.lastIndex = out[out.length - 1]!.end;
  }
  if (work) work.steps += s.length;
  return out;
}

/**
 * Every `[NEEDS CLARIFICATION: …]` and bare `[NEEDS CLARIFICATION]` outside code. A bare marker directly
 * followed by "marker(s)" is a sentence about markers ("No [NEEDS CLARIFICATION] markers remain"), not one.
 */
export function findMarkers(doc: MarkdownDoc, masked: string): ClarificationMarker[] {
  const out: ClarificationMarker[] = [];
  for (const block of phrasingBlocks(doc)) {
    const from = nodeStart(block);
    for (const m of markerSpans(masked.slice(from, nodeEnd(block)))) {
      const [start, end] = [from + m.start, from + m.end];
      if (m.question === undefined && /^\s*markers?\b/i.test(masked.slice(end, end + 20))) continue;
      out.push({ text: (m.question ?? '').replace(/\s+/g, ' ').trim(), range: doc.index.rangeOf(start, end) });
    }
  }
  return out;
}

/** Well-known placeholders of spec-kit's templates (spec, plan, tasks, checklist). */
const TEMPLATE_TOKENS = new Set([
  'FEATURE NAME',
  'FEATURE',
  'DATE',
  'link',
  'Brief Title',
  'initial state',
  'action',
  'expected outcome',
  'boundary condition',
  'error scenario',
  'CHECKLIST TYPE',
  'current need',
  'specific problem',
]);
const TEMPLATE_TOKEN_PATTERNS = [
  /^###-/,
  /^e\.g\.,/,
  /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/,
  /^Entity \d+$/,
  /^(?:Describe|Explain|Extract from|Document the|Add more|Gates determined|What it represents|specific capability|key interaction|data requirement|behavior, e\.g\.|if applicable|domain-specific|single\/web\/mobile|why \d+ projects|why direct)/,
];

export function isTemplateToken(inner: string): boolean {
  return TEMPLATE_TOKENS.has(inner) || TEMPLATE_TOKEN_PATTERNS.some((re) => re.test(inner));
}

const BRACKETED = /\[([^[\]\r\n]{1,200})\]|\$ARGUMENTS\b/g;

/** Unfilled spec/plan template placeholders outside code (`[FEATURE NAME]`, `[###-feature-name]`, `[DATE]`, `$ARGUMENTS`…). */
export function findTemplatePlaceholders(doc: MarkdownDoc, masked: string): PlaceholderToken[] {
  const out: PlaceholderToken[] = [];
  for (const { match, start, end } of scanBlocks(doc, masked, BRACKETED)) {
    const inner = match[1];
    // A bracket followed by ( or [ is a link, not a placeholder.
    if (inner !== undefined && (!isTemplateToken(inner.trim()) || /^[([]/.test(masked.slice(end, end + 1)))) continue;
    out.push({ token: inner?.trim() ?? match[0], range: doc.index.rangeOf(start, end) });
  }
  return out;
}

const ALL_CAPS_TOKEN = /\[([A-Z][A-Z0-9_]{2,})\]/g;

/** Every `[ALL_CAPS_IDENTIFIER]` token outside code and comments (the constitution template's slots). */
export function findAllCapsPlaceholders(doc: MarkdownDoc, masked: string): PlaceholderToken[] {
  return scanBlocks(doc, masked, ALL_CAPS_TOKEN)
    .filter(({ end }) => !/^[([]/.test(masked.slice(end, end + 1)))
    .map(({ match, start, end }) => ({ token: match[1]!, range: doc.index.rangeOf(start, end) }));
}

export function placeholderProblems(tokens: readonly PlaceholderToken[], what: string): Problem[] {
  return tokens.map((t) => ({
    code: 'placeholder',
    message: `Unfilled template placeholder ${t.token.startsWith('$') ? t.token : `[${t.token}]`} in the ${what}.`,
    severity: 'warning' as const,
    range: t.range,
  }));
}

/** `<!-- ACTION REQUIRED … -->` comments copied from a template and never removed. */
export function templateGuidanceProblems(doc: MarkdownDoc): Problem[] {
  const out: Problem[] = [];
  walk(doc.root, (node) => {
    if (node.type !== 'html') return;
    if (/^\s*<!--/.test(node.value) && /ACTION REQUIRED/i.test(node.value)) {
      out.push({
        code: 'template-guidance',
        message: 'Template guidance ("ACTION REQUIRED") is still in the file; remove the comment once the section is filled.',
        severity: 'info',
        range: nodeRangeOf(doc, node),
      });
    }
  });
  return out;
}

export function nodeRangeOf(doc: MarkdownDoc, node: Nodes): Range {
  return doc.index.rangeOf(nodeStart(node), nodeEnd(node));
}

/** A located string for a span of the source, trimmed of surrounding white space. */
export function locatedSpan(doc: MarkdownDoc, start: number, end: number, value?: string): Located<string> {
  const [s, e] = trimSpan(doc.text, start, end);
  return { value: value ?? doc.text.slice(s, e), range: doc.index.rangeOf(s, e) };
}

export function trimSpan(text: string, start: number, end: number): [number, number] {
  let s = start;
  let e = end;
  while (s < e && /\s/.test(text[s]!)) s++;
  while (e > s && /\s/.test(text[e - 1]!)) e--;
  return [s, e];
}

/** The source span of a heading's text, without the `#` marks and closing hashes. */
export function headingContentSpan(heading: Heading): [number, number] {
  const first = heading.children[0];
  const last = heading.children[heading.children.length - 1];
  if (!first || !last) return [nodeEnd(heading), nodeEnd(heading)];
  return [nodeStart(first), nodeEnd(last)];
}

/** The range of `needle` inside [start, end) of the source, or of the whole span when it is not found verbatim. */
export function locateIn(doc: MarkdownDoc, start: number, end: number, needle: string): Range {
  const at = needle ? doc.text.slice(start, end).indexOf(needle) : -1;
  if (at >= 0) return doc.index.rangeOf(start + at, start + at + needle.length);
  const [s, e] = trimSpan(doc.text, start, end);
  return doc.index.rangeOf(s, e);
}

/**
 * The `[ ]` / `[x]` characters of a task-list item, as offsets. Read from the item's first line: when the
 * text after the box starts with emphasis, mdast starts the paragraph at the box, not after it.
 */
export function checkboxSpan(doc: MarkdownDoc, item: ListItem): [number, number] | undefined {
  const start = nodeStart(item);
  const m = /^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(\[[ xX]\])/.exec(doc.text.slice(start, Math.min(nodeEnd(item), start + 32)));
  if (!m) return undefined;
  const at = start + m[0].length - 3;
  return [at, at + 3];
}

/** The `-`, `*`, `1.` marker of a list item, as offsets. */
export function listMarkerSpan(doc: MarkdownDoc, item: ListItem): [number, number] {
  const start = nodeStart(item);
  const m = /^[ \t]*([-*+]|\d{1,9}[.)])/.exec(doc.text.slice(start, start + 16));
  if (!m) return [start, start];
  const s = start + m[0].length - m[1]!.length;
  return [s, s + m[1]!.length];
}

/** List items of the lists among `nodes` (top level only, not nested lists). */
export function topListItems(nodes: readonly RootContent[]): ListItem[] {
  const out: ListItem[] = [];
  for (const n of nodes) if (n.type === 'list') out.push(...n.children);
  return out;
}

/** Every list item below `nodes`, nested ones included, in document order. */
export function allListItems(nodes: readonly Nodes[]): ListItem[] {
  const out: ListItem[] = [];
  for (const n of nodes) {
    walk(n, (item) => {
      if (item.type === 'listItem') out.push(item);
    });
  }
  return out;
}

/** The first paragraph of a list item (its "line"), if any. */
export function firstParagraph(item: ListItem): Paragraph | undefined {
  const first = item.children[0];
  return first?.type === 'paragraph' ? first : undefined;
}

/** Source span of the document between a section's heading end and its end. */
export function sectionBodySpan(section: Section): [number, number] {
  return [nodeEnd(section.heading), section.end];
}

/** Finds the first section whose key matches. */
export function findSection(all: readonly Section[], re: RegExp, depth?: number): Section | undefined {
  return all.find((s) => re.test(s.key) && (depth === undefined || s.depth === depth));
}

/** Offsets of a section's content (its first to its last node), or undefined when it has none. */
export function contentSpan(content: readonly RootContent[]): [number, number] | undefined {
  const first = content[0];
  const last = content[content.length - 1];
  return first && last ? [nodeStart(first), nodeEnd(last)] : undefined;
}

// Metadata lines: `**Label**: value`, `**Label:** value`, several per line separated by `|` or `·`.
const BOLD_LABEL_OUTSIDE = /^([ \t]*(?:>[ \t]*)*(?:[-*+][ \t]+)?)\*\*([^*\r\n]{1,60}?)\*\*[ \t]*[:：][ \t]*/;
const BOLD_LABEL_INSIDE = /^([ \t]*(?:>[ \t]*)*(?:[-*+][ \t]+)?)\*\*([^*\r\n]{1,60}?)[:：][ \t]*\*\*[ \t]*/;
const PLAIN_LABEL = /^([ \t]*(?:>[ \t]*)*)([A-Za-z][A-Za-z /-]{0,30}?|[^\p{ASCII}]{1,12}?)[ \t]*[:：][ \t]+/u;

/** One `**Label**: value` field of a text, by offsets into it (metadataFieldSpans). */
export interface MetadataFieldSpan {
  readonly label: string;
  /** The value, as MetadataField's: [valueStart, valueEnd). */
  readonly valueStart: number;
  readonly valueEnd: number;
  /** The whole segment, as MetadataField's range: [start, valueEnd). */
  readonly start: number;
}

/**
 * Reads `**Label**: value` fields from the source lines of a paragraph. `plain` also accepts an
 * unemphasized `Label: value` (used for the version footer, which some projects write without bold).
 */
export function metadataFields(doc: MarkdownDoc, block: Paragraph, plain = false): MetadataField[] {
  const start = nodeStart(block);
  const src = doc.text.slice(start, nodeEnd(block));
  return metadataFieldSpans(src, plain).map((f) => ({
    label: f.label,
    value: { value: src.slice(f.valueStart, f.valueEnd), range: doc.index.rangeOf(start + f.valueStart, start + f.valueEnd) },
    range: doc.index.rangeOf(start + f.start, start + f.valueEnd),
  }));
}

/**
 * metadataFields' reading of a paragraph's source text (offsets into `src`): the one reading, for
 * the full parse's paragraphs and the fast reader's (./fastConstitution).
 */
export function metadataFieldSpans(src: string, plain = false): MetadataFieldSpan[] {
  const out: MetadataFieldSpan[] = [];
  for (const m of src.matchAll(/([^\r\n]*)(?:\r\n|\r|\n|$)/g)) {
    if (m.index === src.length && m[0] === '' && m.index > 0) break;
    const line = m[1]!;
    const lineOffset = m.index;
    let segStart = 0;
    const separators = [...line.matchAll(/[ \t]+[|·][ \t]+/g)];
    const bounds: [number, number][] = [];
    for (const sep of separators) {
      bounds.push([segStart, sep.index]);
      segStart = sep.index + sep[0].length;
    }
    bounds.push([segStart, line.length]);
    for (const [s, e] of bounds) {
      const seg = line.slice(s, e);
      const m = BOLD_LABEL_OUTSIDE.exec(seg) ?? BOLD_LABEL_INSIDE.exec(seg) ?? (plain ? PLAIN_LABEL.exec(seg) : null);
      if (!m) continue;
      const label = m[2]!.trim();
      if (!label) continue;
      const [vs, ve] = unwrapValue(seg, m[0].length, seg.length);
      out.push({ label, valueStart: lineOffset + s + vs, valueEnd: lineOffset + s + ve, start: lineOffset + s + m[1]!.length });
    }
  }
  return out;
}

/** Trims white space, a trailing hard-break backslash, and one level of backticks or emphasis around a value. */
function unwrapValue(text: string, start: number, end: number): [number, number] {
  let [s, e] = trimSpan(text, start, end);
  if (e > s && text[e - 1] === '\\') [s, e] = trimSpan(text, s, e - 1);
  for (const w of ['`', '**', '__', '*', '_']) {
    if (e - s > 2 * w.length && text.startsWith(w, s) && text.endsWith(w, e) && !text.slice(s + w.length, e - w.length).includes(w)) {
      return trimSpan(text, s + w.length, e - w.length);
    }
  }
  return [s, e];
}

/** Reads `Label: rest` from the start of a text; returns the rest or undefined. */
export function afterLabel(text: string, labels: RegExp): string | undefined {
  const m = new RegExp(`^\\s*(?:${labels.source})\\s*[:：]\\s*`, 'i').exec(text);
  return m ? text.slice(m[0].length) : undefined;
}

/** Roman numeral (I…MMM) to number, or undefined. */
export function romanToNumber(roman: string): number | undefined {
  if (!/^[IVXLCDM]+$/i.test(roman)) return undefined;
  const values: Record<string, number> = { I: 1, V: 5, X: 10, L: 50, C: 100, D: 500, M: 1000 };
  let total = 0;
  const up = roman.toUpperCase();
  for (let i = 0; i < up.length; i++) {
    const v = values[up[i]!]!;
    const next = values[up[i + 1] ?? ''] ?? 0;
    total += v < next ? -v : v;
  }
  return total > 0 ? total : undefined;
}
