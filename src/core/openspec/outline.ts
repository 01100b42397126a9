import { visit } from 'unist-util-visit';
import { type MarkdownDoc, nodeEnd, nodeStart } from '../markdown/markdownDoc';
import { type Range } from '../text/range';

/**
 * The structure OpenSpec reads in a markdown file, taken from the one markdown parse.
 *
 * OpenSpec's own reader works on lines: a header is a line starting with `#` (outside fenced code),
 * and a section runs to the next header of the same or a higher level. Here the headings come from
 * the parsed tree instead, keeping only ATX headings that start at column 0 (the ones OpenSpec's
 * line patterns see: not setext, not indented, not inside lists or quotes), and "fenced" means the
 * lines of a fenced code node, so the two readings agree on every real file we know of.
 */
export interface OutlineHeading {
  readonly depth: number;
  /** Zero-based line of the heading. */
  readonly line: number;
  /** The text after the `#`s, trimmed, as written (emphasis and closing `#`s kept, as OpenSpec reads it). */
  readonly title: string;
  /** Offset where `title` starts. */
  readonly titleStart: number;
  /** Offsets of the heading line, without the line break. */
  readonly start: number;
  readonly end: number;
  readonly range: Range;
  /** Index in {@link Outline.headings}. */
  readonly index: number;
}

export interface Outline {
  readonly doc: MarkdownDoc;
  readonly headings: readonly OutlineHeading[];
  /** True for lines inside fenced code (the fence lines included). */
  isFenced(line: number): boolean;
  /** Parent heading index of each heading (the section it nests in), or -1 at the top. */
  readonly parents: readonly number[];
}

const ATX = /^(#{1,6})(?:[ \t]+|$)/;

export function outline(doc: MarkdownDoc): Outline {
  const index = doc.index;
  const fenced = new Uint8Array(index.lineCount);
  visit(doc.root, (node) => {
    if (node.type !== 'code') return undefined;
    const start = nodeStart(node);
    // Only fenced code: an indented code block is prose to OpenSpec's line reader.
    if (!/^[ \t]*(`{3,}|~{3,})/.test(doc.text.slice(start, start + 16))) return 'skip';
    const first = index.positionAt(start).line;
    const last = index.positionAt(nodeEnd(node)).line;
    for (let l = first; l <= last && l < fenced.length; l++) fenced[l] = 1;
    return 'skip';
  });

  const headings: OutlineHeading[] = [];
  for (const node of doc.root.children) {
    if (node.type !== 'heading') continue;
    const start = nodeStart(node);
    const pos = index.positionAt(start);
    if (pos.character !== 0) continue;
    const lineText = index.lineText(pos.line);
    const m = ATX.exec(lineText);
    if (!m) continue;
    const raw = lineText.slice(m[0].length);
    const lead = raw.length - raw.trimStart().length;
    const end = index.lineEnd(pos.line);
    headings.push({
      depth: m[1]!.length,
      line: pos.line,
      title: raw.trim(),
      titleStart: start + m[0].length + lead,
      start,
      end,
      range: index.rangeOf(start, end),
      index: headings.length,
    });
  }

  const parents: number[] = [];
  const stack: OutlineHeading[] = [];
  for (const h of headings) {
    while (stack.length > 0 && stack[stack.length - 1]!.depth >= h.depth) stack.pop();
    parents.push(stack.length > 0 ? stack[stack.length - 1]!.index : -1);
    stack.push(h);
  }

  return { doc, headings, isFenced: (line) => fenced[line] === 1, parents };
}

/** Offset where the section of heading `i` ends: the start of the next heading of the same or a higher level, or the end of the text. */
export function sectionEnd(o: Outline, i: number, stopAt: (h: OutlineHeading) => boolean = (h) => h.depth <= o.headings[i]!.depth): number {
  for (let j = i + 1; j < o.headings.length; j++) if (stopAt(o.headings[j]!)) return o.headings[j]!.start;
  return o.doc.text.length;
}

/** Offset where the content under a heading starts: the start of the line after it. */
export function contentStart(o: Outline, h: OutlineHeading): number {
  const next = h.line + 1;
  return next < o.doc.index.lineCount ? o.doc.index.lineStart(next) : o.doc.text.length;
}

/** The text between two offsets with line breaks normalized to \n, as OpenSpec measures it. */
export function normalizedSlice(o: Outline, start: number, end: number): string {
  return o.doc.text.slice(start, Math.max(start, end)).replace(/\r\n?/g, '\n');
}

/** Zero-based lines whose start lies in [start, end), each with its text. */
export function linesBetween(o: Outline, start: number, end: number): { line: number; text: string }[] {
  const index = o.doc.index;
  const out: { line: number; text: string }[] = [];
  if (end <= start) return out;
  const first = index.positionAt(start).line;
  for (let l = first; l < index.lineCount && index.lineStart(l) < end; l++) {
    if (index.lineStart(l) < start) continue;
    out.push({ line: l, text: index.lineText(l) });
  }
  return out;
}

/** OpenSpec's requirement-name normalization: a closing run of `#`s is not part of the name. */
export function normalizeRequirementName(name: string): string {
  return name.replace(/[ \t]+#+[ \t]*$/, '').trim();
}

/** Case- and whitespace-insensitive fold, for near-miss detection only (matching itself is exact). */
export function foldRequirementName(name: string): string {
  return normalizeRequirementName(name).toLowerCase().replace(/\s+/g, ' ');
}
