import { type Heading, type Nodes, type Root, type RootContent, type Yaml } from 'mdast';
import { gfmStrikethroughFromMarkdown } from 'mdast-util-gfm-strikethrough';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTaskListItemFromMarkdown } from 'mdast-util-gfm-task-list-item';
import { gfmStrikethrough } from 'micromark-extension-gfm-strikethrough';
import { gfmTable } from 'micromark-extension-gfm-table';
import { gfmTaskListItem } from 'micromark-extension-gfm-task-list-item';
import remarkFrontmatter from 'remark-frontmatter';
import remarkParse from 'remark-parse';
import { type Processor, unified } from 'unified';
import { isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import { LineIndex } from '../text/lineIndex';
import { type Problem, type Range } from '../text/range';
import { measureComplexity, tooComplex } from './complexity';
import { diffTexts, splice, type Splice, type TextChange } from './incrementalParse';
import { parseWithPlainTaskLists } from './plainTaskLists';

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
  /** Why the file was not parsed (its tree is empty), or undefined when it was. */
  readonly skipped: 'binary' | 'too-large' | 'too-complex' | undefined;
  readonly problems: Problem[];
}

/**
 * The parts of GFM spec-kit files use: tables, task list items and strikethrough. remark-gfm would
 * add autolink literals and footnotes too; autolink literals rewrite every text node of the tree
 * after parsing, which cost about a third of the parse on real spec files, and nothing reads them.
 * A text that cannot hold a table or a strikethrough is read without those extensions (see
 * {@link processorFor}): the table's is tried at the start of every line, a fifth of a long tasks.md's parse.
 */
function gfmSubset(this: Processor, options: { table: boolean; strikethrough: boolean }): void {
  const data = this.data();
  const micromark = (data.micromarkExtensions ??= []);
  const mdast = (data.fromMarkdownExtensions ??= []);
  if (options.table) {
    micromark.push(gfmTable());
    mdast.push(gfmTableFromMarkdown());
  }
  micromark.push(gfmTaskListItem());
  mdast.push(gfmTaskListItemFromMarkdown());
  if (options.strikethrough) {
    micromark.push(gfmStrikethrough({ singleTilde: false }));
    mdast.push(gfmStrikethroughFromMarkdown());
  }
}

/**
 * The front matter extension turns every list after an opening `---` that is never closed into a
 * paragraph (a tasks.md starting with a stray `---` lost all its tasks); such a file has no front
 * matter anyway, so it is read without the extension.
 */
const OPENS_FRONTMATTER = /^---[ \t]*(?:\r\n|\r|\n|$)/;
const CLOSES_FRONTMATTER = /(?:\r\n|\r|\n)---[ \t]*(?:\r\n|\r|\n|$)/;
/**
 * A table's delimiter row has a `|`, or is one cell with a `:` beside its dashes (`:--`, `--:`);
 * without either anywhere the table extension finds nothing (micromark-extension-gfm-table).
 */
const MAY_HOLD_TABLE = /\||:-|-:/;

/**
 * Parsers by the extensions they carry, built on the first full parse that needs each, not when this
 * module loads: a process that only reads summaries (the CLI's scan, see esbuild.mjs) never builds one.
 */
const processors = new Map<number, { parse(source: string): Root }>();

function processorFor(frontmatter: boolean, table: boolean, strikethrough: boolean): { parse(source: string): Root } {
  const key = (frontmatter ? 1 : 0) | (table ? 2 : 0) | (strikethrough ? 4 : 0);
  let p = processors.get(key);
  if (!p) {
    const base = unified().use(remarkParse).use(gfmSubset, { table, strikethrough });
    p = frontmatter ? base.use(remarkFrontmatter, ['yaml']) : base;
    processors.set(key, p);
  }
  return p;
}

/** remark's parse of a text, with the extensions it needs. */
function remarkTree(source: string): Root {
  const open = OPENS_FRONTMATTER.exec(source);
  // Front matter only ever opens on the first line: without an opening fence the extension finds nothing.
  const frontmatter = open !== null && CLOSES_FRONTMATTER.test(source.slice(open[0].length - 1));
  // Strikethrough needs `~~`; a lone `~` is left to the extension all the same (it splits text nodes).
  return processorFor(frontmatter, MAY_HOLD_TABLE.test(source), source.includes('~')).parse(source);
}

const processor = {
  // Runs of plain task lines are built without remark (./plainTaskLists): most of a long tasks.md's parse.
  parse(source: string): Root {
    return parseWithPlainTaskLists(source, remarkTree) ?? remarkTree(source);
  },
};

/** Above this size a file is not parsed (remark reads about 1 MB/s): it gets a problem, not a stall. */
export const MAX_PARSE_CHARS = 2 * 1024 * 1024;

const WRAP_OPEN = /^[ \t]{0,3}(`{3,}|~{3,})[ \t]*(markdown|md)[ \t]*$/i;
// eslint-disable-next-line no-control-regex -- counting control characters is the point
const CONTROL = /[\u0000-\u0008\u000E-\u001A]/g;
// eslint-disable-next-line no-control-regex -- as above
const ANY_CONTROL = /[\u0000-\u0008\u000E-\u001A]/;
/** One decoder for every file: decoding without `stream` keeps no state between calls. */
const UTF8 = new TextDecoder('utf-8', { fatal: false });

/** Bytes or text to the text we parse: BOM dropped, NUL-bearing content flagged as binary. */
export function decodeText(raw: string | Uint8Array): { text: string; binary: boolean } {
  let text = typeof raw === 'string' ? raw : UTF8.decode(raw);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const sample = text.length > 8192 ? text.slice(0, 8192) : text;
  // Text has no control characters at all: one scan says so without collecting them.
  if (!ANY_CONTROL.test(sample)) return { text, binary: false };
  const controls = sample.match(CONTROL)?.length ?? 0;
  const binary = sample.includes('\u0000') || (sample.length > 0 && controls / sample.length > 0.1);
  return { text, binary };
}

/**
 * Parses markdown. Never throws: binary input yields an empty tree and a problem, and so does input
 * too large or too complex to read in bounded time (see ./complexity); a file wrapped in one
 * ```markdown fence is parsed as its content with positions unchanged (the fence lines are blanked
 * to spaces of the same length) and the wrapping is reported.
 */
export function parseMarkdown(raw: string | Uint8Array): MarkdownDoc {
  // Input that is not text or bytes at all is a host's bug, not a file's content: that throws, and
  // the index reports the file as one it could not analyse.
  const text = decodeText(raw).text;
  try {
    return readMarkdown(raw, incrementalBase(text));
  } catch (e) {
    // Nothing below is known to throw on any text; one file must still never take its workspace down with it.
    const index = new LineIndex(text);
    const problem: Problem = { code: 'parse-failed', message: `Markdown could not be parsed: ${String(e)}`, severity: 'error', range: index.rangeOf(0, 0) };
    return { text, index, root: emptyRoot(), frontmatter: undefined, wrappedInFence: false, binary: false, skipped: 'too-complex', problems: [problem] };
  }
}

function emptyRoot(): Root {
  return { type: 'root', children: [] };
}

/**
 * Documents an edit is likely to come from: the language server's open editors, by path. When one
 * shares most of its text with what is parsed, only the blocks in between are parsed again (see
 * ./incrementalParse); the result is the same tree a full parse gives. `next` is the text the
 * editor holds now ({@link expectIncrementalParse}): the parse of exactly that text takes the base's
 * tree over and moves its nodes in place; any other parse (a sibling file with much the same text)
 * splices into a copy and leaves the base as it was.
 */
const incrementalBases = new Map<string, { doc: MarkdownDoc; next: string | undefined }>();
/** More open editors than this and the oldest is forgotten (each base holds a tree). */
const MAX_INCREMENTAL_BASES = 16;

/** Keeps `doc` as the base for the next parse of an edited `key` (a path); undefined forgets it. */
export function rememberForIncrementalParse(key: string, doc: MarkdownDoc | undefined): void {
  incrementalBases.delete(key);
  if (!doc || doc.skipped !== undefined || doc.wrappedInFence) return;
  incrementalBases.set(key, { doc, next: undefined });
  if (incrementalBases.size > MAX_INCREMENTAL_BASES) incrementalBases.delete(incrementalBases.keys().next().value!);
}

/**
 * The editor of `key` now holds `text`: the remembered base is superseded, and the parse of `text`
 * may take its tree over (nothing reads the superseded parse's tree afterwards but checks whose
 * results are thrown away as stale).
 */
export function expectIncrementalParse(key: string, text: string): void {
  const base = incrementalBases.get(key);
  if (base) base.next = text;
}

/** The remembered document sharing the most text with `text` at both ends, if it shares any. */
function incrementalBase(text: string): { doc: MarkdownDoc; change: TextChange; owned: boolean } | undefined {
  for (const [key, base] of incrementalBases) {
    if (base.next !== text) continue;
    const change = diffTexts(base.doc.text, text);
    if (!change) break;
    // Taken over: the tree is moved in place, so no other parse may start from it.
    incrementalBases.delete(key);
    return shares(base.doc.text, text, change) ? { doc: base.doc, change, owned: !sharedRoots.has(base.doc.root) } : undefined;
  }
  let best: { doc: MarkdownDoc; change: TextChange; owned: boolean } | undefined;
  let bestShared = 0;
  for (const { doc } of incrementalBases.values()) {
    if (doc.text === text) continue;
    const change = diffTexts(doc.text, text)!;
    const shared = sharedLength(doc.text, change);
    if (shared > bestShared) {
      best = { doc, change, owned: false };
      bestShared = shared;
    }
  }
  return best && shares(best.doc.text, text, best.change) ? best : undefined;
}

/**
 * Trees that share nodes with another live tree: a splice into a copy keeps the base's nodes the edit
 * does not move, so moving either tree's nodes in place afterwards would move the other's too.
 */
const sharedRoots = new WeakSet<Root>();

/** A base sharing less than half the text saves less than the splice costs. */
function shares(oldText: string, text: string, change: TextChange): boolean {
  return sharedLength(oldText, change) * 2 >= text.length;
}

/** How much of the old text an edit leaves as it was: the common start and the common end. */
function sharedLength(oldText: string, change: TextChange): number {
  return change.start + oldText.length - change.oldEnd;
}

/** A bare tree of markdown text, with none of {@link parseMarkdown}'s checks (for ./incrementalParse and its tests). */
export function parseMarkdownTree(source: string): Root {
  return processor.parse(source);
}

function readMarkdown(raw: string | Uint8Array, base?: { doc: MarkdownDoc; change: TextChange; owned: boolean }): MarkdownDoc {
  const { text, binary } = decodeText(raw);
  const index = new LineIndex(text);
  const problems: Problem[] = [];
  const skip = (skipped: 'binary' | 'too-large' | 'too-complex', problem: Omit<Problem, 'range'>, line = 0): MarkdownDoc => {
    problems.push({ ...problem, range: index.rangeOf(index.lineStart(line), index.lineStart(line)) });
    return { text, index, root: emptyRoot(), frontmatter: undefined, wrappedInFence: false, binary: skipped === 'binary', skipped, problems };
  };
  if (binary) {
    return skip('binary', { code: 'binary-file', message: 'This file is not text; it was not read as a spec-kit document.', severity: 'error' });
  }
  if (text.length > MAX_PARSE_CHARS) {
    return skip('too-large', {
      code: 'file-too-large',
      message: `This file has ${(text.length / 1048576).toFixed(1)} MB of text; spec-kit files are read up to ${MAX_PARSE_CHARS / 1048576} MB, so it was not analysed.`,
      severity: 'warning',
    });
  }
  const complex = tooComplex(measureComplexity(text));
  if (complex) return skip('too-complex', { code: 'file-too-complex', message: complex.message, severity: 'warning' }, complex.line);

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
  let spliced: Splice | undefined;
  try {
    spliced = !wrap && base ? splice(base.doc.root, base.doc.text, text, parseMarkdownTree, { change: base.change, inPlace: base.owned }) : undefined;
    root = spliced?.root ?? processor.parse(source);
    if (spliced && !base!.owned) sharedRoots.add(base!.doc.root).add(root);
  } catch (e) {
    // micromark does not throw on any input we know of; keep the promise of never throwing anyway.
    problems.push({ code: 'parse-failed', message: `Markdown could not be parsed: ${String(e)}`, severity: 'error', range: index.rangeOf(0, 0) });
    root = emptyRoot();
  }
  // The pre-check bounds nesting line by line; the tree itself is the final word, before any walk recurses into it.
  const shape = (spliced && splicedShape(base!.doc.root, spliced)) ?? treeShape(root);
  shapes.set(root, shape);
  if (shape.depth > MAX_TREE_DEPTH || shape.nodes > MAX_TREE_NODES) {
    return skip('too-complex', {
      code: 'file-too-complex',
      message:
        shape.depth > MAX_TREE_DEPTH
          ? `This file's markdown nests ${shape.depth} levels deep; spec-kit files are read up to ${MAX_TREE_DEPTH}, so it was not analysed.`
          : `This file's markdown has ${shape.nodes.toLocaleString('en-US')} elements; spec-kit files are read up to ${MAX_TREE_NODES.toLocaleString('en-US')}, so it was not analysed.`,
      severity: 'warning',
    });
  }

  let frontmatter: Record<string, unknown> | undefined;
  const yamlNode = root.children.find((n): n is Yaml => n.type === 'yaml');
  if (yamlNode) {
    const read = readFrontmatter(yamlNode.value);
    frontmatter = read.value;
    if (read.error) problems.push({ code: 'frontmatter-invalid', message: `The YAML front matter does not parse: ${read.error}`, severity: 'warning', range: nodeRange(index, yamlNode) });
  }
  return { text, index, root, frontmatter, wrappedInFence: wrap !== undefined, binary: false, skipped: undefined, problems };
}

/** Above these a parsed tree is dropped: recursion in tree walks stays far from the stack's limit. */
export const MAX_TREE_DEPTH = 256;
export const MAX_TREE_NODES = 500_000;

/**
 * Node count and a bound on depth of each parsed tree (exact after a full parse): a spliced tree's
 * follow from its base's and the blocks the splice changed.
 */
const shapes = new WeakMap<Root, { depth: number; nodes: number }>();

/**
 * The shape of a spliced tree from its base's: the count exactly, the depth as a bound (the deepest
 * of the base and the fresh blocks). Undefined when the base's is unknown or the bound passes the
 * limit, so the tree is walked and measured exactly (the verdict is the full parse's either way).
 */
function splicedShape(old: Root, s: Splice): { depth: number; nodes: number } | undefined {
  const known = shapes.get(old);
  if (!known) return undefined;
  let nodes = known.nodes;
  let depth = known.depth;
  for (const n of s.removed) nodes -= treeShape(n).nodes;
  for (const n of s.fresh) {
    const shape = treeShape(n);
    nodes += shape.nodes;
    depth = Math.max(depth, shape.depth + s.level - 1);
  }
  return depth > MAX_TREE_DEPTH || nodes > MAX_TREE_NODES ? undefined : { depth, nodes };
}

/** Depth and node count of a tree, by an explicit stack (the tree may be deeper than the call stack). */
export function treeShape(root: Nodes): { depth: number; nodes: number } {
  let depth = 0;
  let nodes = 0;
  const stack: [Nodes, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, d] = stack.pop()!;
    nodes++;
    if (d > depth) depth = d;
    if ('children' in node) for (const c of node.children as Nodes[]) stack.push([c, d + 1]);
  }
  return { depth, nodes };
}

/**
 * YAML front matter as an object. Duplicate keys are an error, as the yaml library reports them, but
 * found with one set per mapping: the library's own check compares each key with every earlier one
 * (100,000 keys took over a minute). `steps` counts the nodes visited.
 */
export function readFrontmatter(source: string): { value: Record<string, unknown> | undefined; error: string | undefined; steps: number } {
  let steps = 0;
  try {
    const doc = parseDocument(source, { uniqueKeys: false });
    const first = doc.errors[0];
    if (first) return { value: undefined, error: first.message.split('\n')[0], steps };
    const stack: unknown[] = [doc.contents];
    while (stack.length > 0) {
      const node = stack.pop();
      steps++;
      if (isMap(node)) {
        const seen = new Set<string>();
        for (const pair of node.items) {
          steps++;
          const key = isScalar(pair.key) ? `${typeof pair.key.value}:${String(pair.key.value)}` : undefined;
          if (key !== undefined) {
            if (seen.has(key)) return { value: undefined, error: `Map keys must be unique ("${String((pair.key as { value: unknown }).value)}" is repeated).`, steps };
            seen.add(key);
          }
          stack.push(pair.value);
        }
      } else if (isSeq(node)) {
        for (const item of node.items) stack.push(item);
      } else if (isPair(node)) {
        stack.push(node.value);
      }
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    return { value: value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined, error: undefined, steps };
  } catch (e) {
    return { value: undefined, error: e instanceof Error ? e.message.split('\n')[0] : String(e), steps };
  }
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

/** The text a node shows (what mdast-util-to-string gives without image alts), white space collapsed. */
export function plainText(node: Nodes): string {
  let out = '';
  walk(node, (n) => {
    if ('value' in n && typeof n.value === 'string') {
      out += n.value;
      return 'skip';
    }
    return undefined;
  });
  return out.replace(/\s+/g, ' ').trim();
}

/**
 * Visits a tree in document order with an explicit stack, so no input can exhaust the call stack.
 * `enter` returns 'skip' to leave a node's children out, 'stop' to end the walk.
 */
export function walk(root: Nodes, enter: (node: Nodes) => 'skip' | 'stop' | undefined | void): void {
  const stack: Nodes[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const verdict = enter(node);
    if (verdict === 'stop') return;
    if (verdict === 'skip' || !('children' in node)) continue;
    const children = node.children as Nodes[];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
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
