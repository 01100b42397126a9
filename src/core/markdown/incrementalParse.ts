import { type List, type ListItem, type Nodes, type Root, type RootContent } from 'mdast';

/**
 * Re-parsing only what an edit touches. A CommonMark document's block structure is decided line by
 * line, so at a line where nothing is open (a top-level ATX heading; a sibling item of a top-level
 * list) a region can be parsed on its own and give the same nodes as the whole document would. The
 * region is parsed followed by the line that starts the next unchanged block (the "sentinel"): if
 * that line still starts the same kind of block at the same place, nothing the edit did leaks past
 * it, and the old nodes after it are kept (positions shifted). Anything else — a fence or HTML block
 * left open, a heading turned into text, a link definition anywhere (they are document-wide) —
 * gives up, and the caller parses the whole text. The property test holds this to exactly the tree
 * a full parse gives.
 */

/** The edit between two texts: old `[start, oldEnd)` became new `[start, newEnd)`. */
export interface TextChange {
  readonly start: number;
  readonly oldEnd: number;
  readonly newEnd: number;
}

/** The one changed span between two texts (common prefix and suffix), undefined when they are equal. */
export function diffTexts(oldText: string, newText: string): TextChange | undefined {
  if (oldText === newText) return undefined;
  const max = Math.min(oldText.length, newText.length);
  let p = 0;
  while (p < max && oldText.charCodeAt(p) === newText.charCodeAt(p)) p++;
  let s = 0;
  const room = max - p;
  while (s < room && oldText.charCodeAt(oldText.length - 1 - s) === newText.charCodeAt(newText.length - 1 - s)) s++;
  return { start: p, oldEnd: oldText.length - s, newEnd: newText.length - s };
}

/** Parses a standalone markdown text (the same processor as the full parse). */
export type TreeParser = (text: string) => Root;

/**
 * A spliced tree, with what changed in it: the top-level blocks or list items taken out of the old
 * tree and the fresh ones put in their place, and how deep below the root those sit (the root is 1),
 * so the tree's size and depth follow from the old tree's without walking all of it.
 */
export interface Splice {
  readonly root: Root;
  readonly removed: readonly Nodes[];
  readonly fresh: readonly Nodes[];
  readonly level: number;
}

export interface SpliceOptions {
  /** The change between the texts, when the caller has it already (else computed here). */
  readonly change?: TextChange | undefined;
  /**
   * The old tree belongs to the caller and is never read again: the nodes after the edit are moved
   * where they are (their positions changed in place) rather than copied. A keystroke in a long file
   * then allocates for the blocks it touches, not for the whole rest of the file.
   */
  readonly inPlace?: boolean;
}

const FRONT_MATTER_FENCE = /^---[ \t]*(?:\r\n|\r|\n|$)/;
const ATX = /^ {0,3}#{1,6}[ \t]/;
// Unordered only: an ordered item's number and an empty item behave differently when they would interrupt a paragraph.
const BULLET = /^ {0,3}[-+*][ \t]+(?=\S)/;

/**
 * The tree of `newText` built from `old` (the tree of `oldText`) by re-parsing only the blocks the edit
 * touches, or undefined when that cannot be done exactly (the caller then parses everything).
 */
export function spliceParse(old: Root, oldText: string, newText: string, parse: TreeParser, options: SpliceOptions = {}): Root | undefined {
  return splice(old, oldText, newText, parse, options)?.root;
}

/** {@link spliceParse}, with what the splice took out and put in. */
export function splice(old: Root, oldText: string, newText: string, parse: TreeParser, options: SpliceOptions = {}): Splice | undefined {
  const change = options.change ?? diffTexts(oldText, newText);
  if (!change) return undefined;
  // Link reference definitions apply to the whole document: a region parsed alone would not see them.
  if (oldText.includes(']:') || newText.includes(']:')) return undefined;
  // A `---` first line that does not open front matter after all changes how every list of the
  // document parses (micromark-extension-frontmatter): only an edit after a closed front matter is local.
  if (FRONT_MATTER_FENCE.test(oldText) || FRONT_MATTER_FENCE.test(newText)) {
    const first = old.children[0];
    if (first?.type !== 'yaml' || first.position!.end.offset! >= change.start || !FRONT_MATTER_FENCE.test(newText)) return undefined;
  }
  if (!plainRoot(old)) return undefined;
  const move: Mover = options.inPlace ? shiftInPlace : shifted;
  // A region whose parse sets something on its root: the document's root would have it too, which a splice does not give.
  let odd = false;
  const region: TreeParser = (text) => {
    const root = parse(text);
    if (!plainRoot(root)) odd = true;
    return root;
  };
  const done = spliceListItems(old, oldText, newText, change, region, move) ?? spliceSections(old, oldText, newText, change, region, move);
  return odd ? undefined : done;
}

/**
 * A root with nothing but its children. remark sets `checked` on the root itself when a `[ ]`
 * opens a paragraph right after an empty list item (`-` alone on its line), a quirk of the task
 * list extension: a property of the whole document that no splice keeps, so such a text is parsed in full.
 */
function plainRoot(root: Root): boolean {
  for (const key of Object.keys(root)) if (key !== 'type' && key !== 'children' && key !== 'position') return false;
  return true;
}

/** Moves a subtree's positions by characters and lines: a copy, or the subtree itself changed. */
type Mover = <T extends Nodes>(node: T, offset: number, line: number) => T;

/** Offset of the start of the line a node starts on. */
function lineStartOf(node: Nodes): number {
  const p = node.position!.start;
  return p.offset! - (p.column - 1);
}

/** Offset where a block's unchanging marker ends (`## `, `- `), or undefined when it has none of that form. */
function markerEnd(text: string, lineStart: number, pattern: RegExp): number | undefined {
  const m = pattern.exec(text.slice(lineStart, lineStart + 64));
  return m ? lineStart + m[0].length : undefined;
}

function isLineBreak(code: number): boolean {
  return code === 10 || code === 13;
}

/** End of the line starting at `offset` (before its line break). */
function lineEndAt(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && !isLineBreak(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Edits inside the items of a top-level bullet list (a phase's tasks): re-parses from the item the
 * edit starts in to the first unchanged item after it.
 */
function spliceListItems(old: Root, oldText: string, newText: string, change: TextChange, parse: TreeParser, move: Mover): Splice | undefined {
  const delta = newText.length - oldText.length;
  const k = old.children.findIndex((n) => n.position!.start.offset! <= change.start && change.oldEnd <= n.position!.end.offset!);
  const list = old.children[k];
  // A loose list's spread depends on gaps this region cannot see.
  if (!list || list.type !== 'list' || list.ordered || list.spread) return undefined;
  const items = list.children;
  let p = -1;
  for (let i = items.length - 1; i >= 1; i--) {
    const end = markerEnd(oldText, lineStartOf(items[i]!), BULLET);
    if (end !== undefined && end <= change.start) {
      p = i;
      break;
    }
  }
  // The first item decides how the list starts (and may interrupt a paragraph): that is a section's job.
  if (p < 1) return undefined;
  const start = lineStartOf(items[p]!);
  if (markerEnd(newText, start, BULLET) === undefined) return undefined;
  for (let q = p + 1; q < items.length; q++) {
    const oldAt = lineStartOf(items[q]!);
    if (oldAt < change.oldEnd) continue;
    const at = oldAt + delta;
    if (at <= start || !isLineBreak(newText.charCodeAt(at - 1))) continue;
    const region = parse(newText.slice(start, lineEndAt(newText, at)));
    const only = region.children.length === 1 ? region.children[0] : undefined;
    if (only?.type !== 'list' || only.ordered || only.children.length < 2) return undefined;
    const sentinel = only.children[only.children.length - 1]!;
    if (sentinel.position!.start.offset! !== at - start || sentinel.position!.start.column !== items[q]!.position!.start.column) return undefined;
    const startLine = items[p]!.position!.start.line;
    const lineDelta = sentinel.position!.start.line - 1 + startLine - items[q]!.position!.start.line;
    // The region's own tree is fresh: its nodes are moved where they are.
    const fresh = only.children.slice(0, -1).map((n) => shiftInPlace(n, start, startLine - 1));
    const after = items.slice(q).map((n) => move(n, delta, lineDelta));
    const children: ListItem[] = [...items.slice(0, p), ...fresh, ...after];
    const newList: List = { ...list, spread: only.spread, children, position: { start: list.position!.start, end: shiftPoint(list.position!.end, delta, lineDelta) } };
    const root: Root = {
      ...old,
      children: [...old.children.slice(0, k), newList, ...old.children.slice(k + 1).map((n) => move(n, delta, lineDelta))],
      position: { start: old.position!.start, end: shiftPoint(old.position!.end, delta, lineDelta) },
    };
    return { root, removed: items.slice(p, q), fresh, level: 3 };
  }
  return undefined;
}

/**
 * Edits anywhere: re-parses from the top-level ATX heading before the edit (or the document's start)
 * to the first top-level ATX heading after it that is still one (or the end).
 */
function spliceSections(old: Root, oldText: string, newText: string, change: TextChange, parse: TreeParser, move: Mover): Splice | undefined {
  const delta = newText.length - oldText.length;
  const children = old.children;
  const isCut = (n: RootContent, text: string): number | undefined => (n.type === 'heading' ? markerEnd(text, lineStartOf(n), ATX) : undefined);
  let i = -1;
  for (let x = children.length - 1; x >= 0; x--) {
    const end = isCut(children[x]!, oldText);
    if (end !== undefined && end <= change.start) {
      i = x;
      break;
    }
  }
  const start = i < 0 ? 0 : lineStartOf(children[i]!);
  const startLine = i < 0 ? 1 : children[i]!.position!.start.line;
  // The heading's marker is unchanged, but its line must still start one in the new text.
  if (i >= 0 && markerEnd(newText, start, ATX) === undefined) return undefined;
  for (let j = Math.max(i + 1, 0); j < children.length; j++) {
    const node = children[j]!;
    if (isCut(node, oldText) === undefined) continue;
    const oldAt = lineStartOf(node);
    if (oldAt < change.oldEnd) continue;
    const at = oldAt + delta;
    if (at <= start || !isLineBreak(newText.charCodeAt(at - 1))) continue;
    const region = parse(newText.slice(start, lineEndAt(newText, at)));
    const sentinel = region.children[region.children.length - 1];
    if (sentinel?.type !== 'heading' || sentinel.depth !== (node as { depth: number }).depth || sentinel.position!.start.offset! !== at - start) return undefined;
    const lineDelta = sentinel.position!.start.line - 1 + startLine - node.position!.start.line;
    const fresh = region.children.slice(0, -1).map((n) => shiftInPlace(n, start, startLine - 1));
    const root: Root = {
      ...old,
      children: [...children.slice(0, Math.max(i, 0)), ...fresh, ...children.slice(j).map((n) => move(n, delta, lineDelta))],
      position: { start: old.position!.start, end: shiftPoint(old.position!.end, delta, lineDelta) },
    };
    return { root, removed: children.slice(Math.max(i, 0), j), fresh, level: 2 };
  }
  // No unchanged heading after the edit: the region runs to the end of the text.
  if (start === 0) return undefined;
  const region = parse(newText.slice(start));
  const fresh = region.children.map((n) => shiftInPlace(n, start, startLine - 1));
  const root: Root = { ...old, children: [...children.slice(0, i), ...fresh], position: { start: old.position!.start, end: shiftPoint(region.position!.end, start, startLine - 1) } };
  return { root, removed: children.slice(i), fresh, level: 2 };
}

type Point = { line: number; column: number; offset?: number | undefined };

function shiftPoint(p: Point, offset: number, line: number): Point {
  return { line: p.line + line, column: p.column, offset: p.offset === undefined ? undefined : p.offset + offset };
}

/**
 * A copy of a subtree with every position moved by `offset` characters and `line` lines (columns stay:
 * every node moved starts on a line of its own, after the edit's last line). The original is left as
 * it was: the previous document may still be read.
 */
function shifted<T extends Nodes>(node: T, offset: number, line: number): T {
  if (offset === 0 && line === 0) return node;
  const copy = { ...node } as T & { children?: Nodes[] };
  if (node.position) copy.position = { start: shiftPoint(node.position.start, offset, line), end: shiftPoint(node.position.end, offset, line) };
  if ('children' in node) copy.children = (node.children as Nodes[]).map((c) => shifted(c, offset, line));
  return copy;
}

/**
 * The subtree itself with every position moved (see {@link shifted}), by an explicit stack. The
 * parser gives every node points of its own, so each point is moved once.
 */
export function shiftInPlace<T extends Nodes>(node: T, offset: number, line: number): T {
  if (offset === 0 && line === 0) return node;
  const stack: Nodes[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    const p = n.position;
    if (p) {
      movePoint(p.start, offset, line);
      if (p.end !== p.start) movePoint(p.end, offset, line);
    }
    if ('children' in n) for (const c of n.children as Nodes[]) stack.push(c);
  }
  return node;
}

function movePoint(p: Point, offset: number, line: number): void {
  p.line += line;
  if (p.offset !== undefined) p.offset += offset;
}
