import { type Heading, type Nodes, type Root, type RootContent, type Yaml } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { gfmStrikethroughFromMarkdown } from 'mdast-util-gfm-strikethrough';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTaskListItemFromMarkdown } from 'mdast-util-gfm-task-list-item';
import { gfmStrikethrough } from 'micromark-extension-gfm-strikethrough';
import { gfmTable } from 'micromark-extension-gfm-table';
import { gfmTaskListItem } from 'micromark-extension-gfm-task-list-item';
import remarkFrontmatter from 'remark-frontmatter';
import remarkParse from 'remark-parse';
import { type Processor, unified } from 'unified';
import { parse as parseYaml } from 'yaml';
import { LineIndex } from '../text/lineIndex';
import { type Problem, type Range } from '../text/range';

/** One parse of a markdown file: the tree, a line index over the exact text, and what was odd. */
export interface MarkdownDoc {
  /** The text the positions refer to (BOM removed). */
  readonly text: string;
  readonly index: LineIndex;
  readonly root: Root;
  /** Parsed YAML front matter, when there is any and it parses. */
  readonly frontmatter: Record<string, unknown> | undefined;
  /** The file was one ```markdown fence around the real content (a model's answer saved verbatim). */
  readonly wrappedInFence: boolean;
  /** The file was not text; the tree is empty. */
  readonly binary: boolean;
  readonly problems: Problem[];
}

/**
 * The parts of GFM spec-kit files use: tables, task list items and strikethrough. remark-gfm would
 * add autolink literals and footnotes too; autolink literals rewrite every text node of the tree
 * after parsing, which cost about a third of the parse on real spec files, and nothing reads them.
 */
function gfmSubset(this: Processor): void {
  const data = this.data();
  (data.micromarkExtensions ??= []).push(gfmTable(), gfmTaskListItem(), gfmStrikethrough({ singleTilde: false }));
  (data.fromMarkdownExtensions ??= []).push(gfmTableFromMarkdown(), gfmTaskListItemFromMarkdown(), gfmStrikethroughFromMarkdown());
}

const processor = unified().use(remarkParse).use(gfmSubset).use(remarkFrontmatter, ['yaml']);

/** Above this size a file is not parsed (remark reads about 1 MB/s): it gets a problem, not a stall. */
export const MAX_PARSE_CHARS = 2 * 1024 * 1024;

const WRAP_OPEN = /^[ \t]{0,3}(`{3,}|~{3,})[ \t]*(markdown|md)[ \t]*$/i;
// eslint-disable-next-line no-control-regex -- counting control characters is the point
const CONTROL = /[\u0000-\u0008\u000E-\u001A]/g;

/** Bytes or text to the text we parse: BOM dropped, NUL-bearing content flagged as binary. */
export function decodeText(raw: string | Uint8Array): { text: string; binary: boolean } {
  let text = typeof raw === 'string' ? raw : new TextDecoder('utf-8', { fatal: false }).decode(raw);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const sample = text.slice(0, 8192);
  const controls = sample.match(CONTROL)?.length ?? 0;
  const binary = sample.includes('\u0000') || (sample.length > 0 && controls / sample.length > 0.1);
  return { text, binary };
}

/**
 * Parses markdown. Never throws: binary input yields an empty tree and a problem; a file wrapped in
 * one ```markdown fence is parsed as its content with positions unchanged (the fence lines are
 * blanked to spaces of the same length) and the wrapping is reported.
 */
export function parseMarkdown(raw: string | Uint8Array): MarkdownDoc {
  const { text, binary } = decodeText(raw);
  const index = new LineIndex(text);
  const problems: Problem[] = [];
  if (binary) {
    problems.push({
      code: 'binary-file',
      message: 'This file is not text; it was not read as a spec-kit document.',
      severity: 'error',
      range: index.rangeOf(0, 0),
    });
    return { text, index, root: { type: 'root', children: [] }, frontmatter: undefined, wrappedInFence: false, binary, problems };
  }

  if (text.length > MAX_PARSE_CHARS) {
    problems.push({
      code: 'file-too-large',
      message: `This file has ${(text.length / 1048576).toFixed(1)} MB of text; spec-kit files are read up to ${MAX_PARSE_CHARS / 1048576} MB, so it was not analysed.`,
      severity: 'warning',
      range: index.rangeOf(0, 0),
    });
    return { text, index, root: { type: 'root', children: [] }, frontmatter: undefined, wrappedInFence: false, binary: false, problems };
  }

  let source = text;
  const wrap = findWrappingFence(index);
  if (wrap) {
    source = blankLine(blankLine(text, index, wrap.open), index, wrap.close);
    problems.push({
      code: 'wrapped-in-fence',
      message: 'The whole file is wrapped in a ```markdown code fence; it was read as its content. Remove the fence lines.',
      severity: 'warning',
      range: index.lineRange(wrap.open),
    });
  }

  let root: Root;
  try {
    root = processor.parse(source);
  } catch (e) {
    // micromark does not throw on any input we know of; keep the promise of never throwing anyway.
    problems.push({ code: 'parse-failed', message: `Markdown could not be parsed: ${String(e)}`, severity: 'error', range: index.rangeOf(0, 0) });
    root = { type: 'root', children: [] };
  }

  let frontmatter: Record<string, unknown> | undefined;
  const yamlNode = root.children.find((n): n is Yaml => n.type === 'yaml');
  if (yamlNode) {
    try {
      const value: unknown = parseYaml(yamlNode.value);
      if (value && typeof value === 'object' && !Array.isArray(value)) frontmatter = value as Record<string, unknown>;
    } catch (e) {
      problems.push({
        code: 'frontmatter-invalid',
        message: `The YAML front matter does not parse: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
        severity: 'warning',
        range: nodeRange(index, yamlNode),
      });
    }
  }
  return { text, index, root, frontmatter, wrappedInFence: wrap !== undefined, binary: false, problems };
}

function findWrappingFence(index: LineIndex): { open: number; close: number } | undefined {
  let open = 0;
  while (open < index.lineCount && index.lineText(open).trim() === '') open++;
  const m = WRAP_OPEN.exec(index.lineText(open));
  if (!m) return undefined;
  const fence = m[1]!;
  let close = index.lineCount - 1;
  while (close > open && index.lineText(close).trim() === '') close--;
  const closing = index.lineText(close).trim();
  if (close <= open || closing[0] !== fence[0] || !/^(`{3,}|~{3,})$/.test(closing) || closing.length < fence.length) return undefined;
  return { open, close };
}

function blankLine(text: string, index: LineIndex, line: number): string {
  const start = index.lineStart(line);
  const end = index.lineEnd(line);
  return text.slice(0, start) + ' '.repeat(end - start) + text.slice(end);
}

/** The range a node covers. Nodes without a position (generated) get an empty range at the start. */
export function nodeRange(index: LineIndex, node: { position?: { start: { offset?: number }; end: { offset?: number } } | undefined }): Range {
  const start = node.position?.start.offset ?? 0;
  const end = node.position?.end.offset ?? start;
  return index.rangeOf(start, end);
}

export function nodeStart(node: Nodes): number {
  return node.position?.start.offset ?? 0;
}

export function nodeEnd(node: Nodes): number {
  return node.position?.end.offset ?? nodeStart(node);
}

/** The source text of a node, exactly as written. */
export function nodeSource(doc: MarkdownDoc, node: Nodes): string {
  return doc.text.slice(nodeStart(node), nodeEnd(node));
}

export function plainText(node: Nodes): string {
  return toString(node, { includeImageAlt: false }).replace(/\s+/g, ' ').trim();
}

/** A heading and the top-level nodes under it, up to the next heading of the same or a higher level. */
export interface Section {
  readonly heading: Heading;
  readonly depth: number;
  readonly title: string;
  /** Lower-cased title without emphasis markers, emoji or trailing "(mandatory)"-style notes. */
  readonly key: string;
  readonly content: readonly RootContent[];
  /** Offsets from the heading's start to the end of the section's last node. */
  readonly start: number;
  readonly end: number;
}

/** Every heading of the document as a section, in document order (nested sections overlap their parents). */
export function sections(doc: MarkdownDoc): Section[] {
  const children = doc.root.children;
  const out: Section[] = [];
  children.forEach((node, i) => {
    if (node.type !== 'heading') return;
    const content: RootContent[] = [];
    let j = i + 1;
    for (; j < children.length; j++) {
      const next = children[j]!;
      if (next.type === 'heading' && next.depth <= node.depth) break;
      content.push(next);
    }
    const title = plainText(node);
    const last = content.length > 0 ? content[content.length - 1]! : node;
    out.push({ heading: node, depth: node.depth, title, key: headingKey(title), content, start: nodeStart(node), end: nodeEnd(last) });
  });
  return out;
}

/** Normalizes a heading for matching: lower case, no emoji, no parenthesized or starred notes. */
export function headingKey(title: string): string {
  return title
    .replace(/\*\([^)]*\)\*/g, '')
    .replace(/[\p{Extended_Pictographic}\uFE0F]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}
