import { type ListItem, type RootContent } from 'mdast';
import { artifactKind } from '../artifacts/artifactKind';
import { type ChecklistDoc, parseChecklist } from '../artifacts/checklist';
import { type ConstitutionDoc, parseConstitution } from '../artifacts/constitution';
import { normalizeStoryId } from '../artifacts/ids';
import { storyInTitle } from '../artifacts/taskGrammar';
import { type PlanDoc, parsePlan } from '../artifacts/plan';
import { parseSpec, type SpecDoc } from '../artifacts/spec';
import { parseTasks, type Task, type TasksDoc } from '../artifacts/tasks';
import { type MarkdownDoc, nodeEnd, nodeStart, parseMarkdown, walk } from '../markdown/markdownDoc';
import { openspecFileKind } from '../openspec/openspecPaths';
import { movedRange, type Range } from '../text/range';

/** The spec-kit files the language server and `check` read; templates and contracts are not among them. */
export type LintKind = 'spec' | 'plan' | 'tasks' | 'checklist' | 'constitution' | 'research' | 'data-model' | 'quickstart';

export type IdFamily = 'requirement' | 'story' | 'task' | 'checklist';

/**
 * One mention of an ID. `form` says how it is written: `id` (`US1`, `T012`, `FR-001`), `number`
 * (the `1` of "User Story 1"), or `implicit` (a story with no number written; it cannot be renamed).
 */
export interface IdOccurrence {
  readonly id: string;
  readonly family: IdFamily;
  readonly range: Range;
  readonly definition: boolean;
  readonly form: 'id' | 'number' | 'implicit';
}

interface Base {
  readonly path: string;
  readonly markdown: MarkdownDoc;
  /** Every ID mentioned in the file (definitions and references), in document order; computed once. */
  readonly occurrences: () => readonly IdOccurrence[];
}

export type AnalyzedDoc =
  | (Base & { readonly kind: 'spec'; readonly model: SpecDoc })
  | (Base & { readonly kind: 'plan'; readonly model: PlanDoc })
  | (Base & { readonly kind: 'tasks'; readonly model: TasksDoc })
  | (Base & { readonly kind: 'checklist'; readonly model: ChecklistDoc })
  | (Base & { readonly kind: 'constitution'; readonly model: ConstitutionDoc })
  | (Base & { readonly kind: 'research' | 'data-model' | 'quickstart'; readonly model: undefined });

export type ParsedModel = SpecDoc | PlanDoc | TasksDoc | ChecklistDoc | ConstitutionDoc;

/** The kind of a path for linting, or undefined for files the server leaves alone (templates, contracts, others). */
export function lintKind(filePath: string): LintKind | undefined {
  const p = filePath.replace(/\\/g, '/');
  // OpenSpec files have rules of their own (LintWorkspace.openspecLint): spec-kit's would misread them.
  if (openspecFileKind(p)) return undefined;
  // Templates are full of placeholders by design.
  if (/\/(?:\.specify\/)?templates\//.test(p)) return undefined;
  const kind = artifactKind(p);
  return kind === 'unknown' || kind === 'contract' ? undefined : kind;
}

/**
 * Reads a file for linting and navigation. `model` is the parser's result when the caller already has
 * it (the workspace index caches them); tasks files carry their markdown, the others are parsed once
 * more for their tree unless the caller has the tree `model` was read from (`markdown`).
 */
export function analyzeDoc(path: string, raw: string | Uint8Array, model?: ParsedModel, markdown?: MarkdownDoc): AnalyzedDoc | undefined {
  const kind = lintKind(path);
  if (!kind) return undefined;
  const make = <K extends AnalyzedDoc['kind'], M>(k: K, m: M, markdown: MarkdownDoc): Base & { kind: K; model: M } => {
    const self: Base & { kind: K; model: M } = { kind: k, model: m, path, markdown, occurrences: memo((): IdOccurrence[] => idOccurrences(self as unknown as AnalyzedDoc)) };
    return self;
  };
  // The tree `model` was read from when the caller has it, else the text parsed (again).
  const tree = (k: ParsedModel['kind']): MarkdownDoc => (model?.kind === k ? markdown : undefined) ?? parseMarkdown(raw);
  switch (kind) {
    case 'tasks': {
      const m = model?.kind === 'tasks' ? model : parseTasks(raw);
      return make('tasks', m, m.markdown);
    }
    case 'spec':
      return make('spec', model?.kind === 'spec' ? model : parseSpec(raw), tree('spec'));
    case 'plan':
      return make('plan', model?.kind === 'plan' ? model : parsePlan(raw), tree('plan'));
    case 'checklist':
      return make('checklist', model?.kind === 'checklist' ? model : parseChecklist(raw), tree('checklist'));
    case 'constitution':
      return make('constitution', model?.kind === 'constitution' ? model : parseConstitution(raw), tree('constitution'));
    default:
      return make(kind, undefined, parseMarkdown(raw));
  }
}

function memo<T>(f: () => T): () => T {
  let value: T | undefined;
  let done = false;
  return () => {
    if (!done) {
      value = f();
      done = true;
    }
    return value as T;
  };
}

/** Any ID family at a word boundary; alternatives are tried left to right, so `US-1` is a story, not a requirement. */
const ANY_ID = /\b(?:US-?(\d+)|(T\d{3,}[a-z]?)|(CHK\d{3,})|([A-Z]{1,5})-(\d{1,4}[a-z]?))\b/g;
const NOT_REQUIREMENTS = new Set(['US', 'UTF', 'ISO', 'RFC', 'SHA', 'TLS', 'SSL', 'HTTP', 'CVE', 'GPL', 'MIT', 'ES', 'PEP', 'X']);

/** Definitions from the parsed model, references from the text outside code blocks and comments. */
export function idOccurrences(doc: AnalyzedDoc): IdOccurrence[] {
  // A file that was not analysed (binary, too large, too complex) has no IDs to navigate.
  if (doc.markdown.skipped !== undefined) return [];
  const index = doc.markdown.index;
  const defs: IdOccurrence[] = [];
  const def = (id: string, family: IdFamily, range: Range, form: IdOccurrence['form'] = 'id', definition = true): void => {
    defs.push({ id, family, range, definition, form });
  };
  /** Definitions made in document order apart from `defs` (a tasks file's tasks): merged, not sorted. */
  const ordered: IdOccurrence[] = [];
  switch (doc.kind) {
    case 'spec':
      for (const r of doc.model.requirements) if (!r.derived) def(r.id, 'requirement', r.idRange);
      for (const s of doc.model.stories) {
        const at = storyNumberIn(index.textOf(s.headingRange), s.number);
        if (at) def(s.id, 'story', shift(s.headingRange, at.start, at.length), at.form);
        else def(s.id, 'story', s.headingRange, 'implicit');
      }
      break;
    case 'tasks':
      for (const t of doc.model.tasks) if (!t.derived) ordered.push(taskDefinition(t));
      for (const p of doc.model.phases) {
        if (!p.story) continue;
        const m = storyInTitle(index.textOf(p.headingRange));
        if (!m) continue;
        const [start, length] = m.form === 'id' ? [m.start, m.length] : [m.numberStart, m.numberLength];
        def(p.story, 'story', shift(p.headingRange, start, length), m.form, false);
      }
      break;
    case 'checklist':
      for (const item of doc.model.items) if (item.id && item.idRange) def(item.id, 'checklist', item.idRange);
      break;
    default:
      break;
  }
  const taken = new Set<number>();
  for (const d of ordered) taken.add(key(d.range));
  for (const d of defs) taken.add(key(d.range));
  const refs: IdOccurrence[] = [];
  const add = (found: readonly IdOccurrence[]): void => {
    for (const o of found) if (!taken.has(key(o.range))) refs.push(o);
  };
  // Block by block (every ID is inside a top-level block), so a list item an edit left alone gives what it gave before.
  for (const node of doc.markdown.root.children) {
    if (node.type === 'list') for (const item of node.children) add(itemMentions(doc.markdown, item));
    else add(mentionsIn(doc.markdown, node));
  }
  // The tasks' definitions come in document order, and so do the mentions: a merge gives what
  // sorting all of them would (a stable sort of the definitions, then the mentions).
  if (!inOrder(ordered) || !inOrder(refs)) return ordered.concat(defs, refs).sort(compareStarts);
  return merge(ordered, defs.length === 0 ? refs : defs.concat(refs).sort(compareStarts));
}

function compareStarts(a: IdOccurrence, b: IdOccurrence): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

function inOrder(xs: readonly IdOccurrence[]): boolean {
  for (let i = 1; i < xs.length; i++) if (compareStarts(xs[i - 1]!, xs[i]!) > 0) return false;
  return true;
}

/** Two lists in order as one; on equal starts `a`'s first (as a stable sort of `[...a, ...b]` puts them). */
function merge(a: readonly IdOccurrence[], b: readonly IdOccurrence[]): IdOccurrence[] {
  const out: IdOccurrence[] = new Array<IdOccurrence>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = compareStarts(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

/** A task's definition, once per task object (the tasks model reuses the tasks an edit left alone). */
const taskDefinitions = new WeakMap<Task, IdOccurrence>();

function taskDefinition(t: Task): IdOccurrence {
  let d = taskDefinitions.get(t);
  if (!d) {
    d = { id: t.id, family: 'task', range: t.idRange, definition: true, form: 'id' };
    taskDefinitions.set(t, d);
  }
  return d;
}

/** The ID mentions of a top-level list item (definitions not yet taken out), kept by node like the tasks model's items. */
const itemMentionsByNode = new WeakMap<ListItem, { readonly line: number; readonly found: readonly IdOccurrence[] }>();

function itemMentions(markdown: MarkdownDoc, item: ListItem): readonly IdOccurrence[] {
  const line = item.position!.start.line;
  const known = itemMentionsByNode.get(item);
  if (known?.line === line) return known.found;
  // An item the splice moved by lines (core/markdown/incrementalParse): its mentions move with it.
  const found = known ? known.found.map((o) => ({ ...o, range: movedRange(o.range, line - known.line) })) : mentionsIn(markdown, item);
  itemMentionsByNode.set(item, { line, found });
  return found;
}

/** Every ID written in a top-level block outside code and HTML (inline code counts: `T012` is a mention). */
function mentionsIn(markdown: MarkdownDoc, node: RootContent): IdOccurrence[] {
  const from = nodeStart(node);
  let text = markdown.text.slice(from, nodeEnd(node));
  const spans: [number, number][] = [];
  walk(node, (n) => {
    if (n.type !== 'code' && n.type !== 'html' && n.type !== 'yaml') return undefined;
    spans.push([nodeStart(n) - from, nodeEnd(n) - from]);
    return 'skip';
  });
  if (spans.length > 0) {
    const chars = text.split('');
    for (const [s, e] of spans) for (let i = s; i < e && i < chars.length; i++) if (chars[i] !== '\n' && chars[i] !== '\r') chars[i] = ' ';
    text = chars.join('');
  }
  const out: IdOccurrence[] = [];
  for (const m of text.matchAll(ANY_ID)) {
    const range = markdown.index.rangeOf(from + m.index, from + m.index + m[0].length);
    if (m[1] !== undefined) out.push({ id: normalizeStoryId(m[0])!, family: 'story', range, definition: false, form: 'id' });
    else if (m[2] !== undefined) out.push({ id: m[2], family: 'task', range, definition: false, form: 'id' });
    else if (m[3] !== undefined) out.push({ id: m[3], family: 'checklist', range, definition: false, form: 'id' });
    else if (!NOT_REQUIREMENTS.has(m[4]!)) out.push({ id: m[0], family: 'requirement', range, definition: false, form: 'id' });
  }
  return out;
}

/** Where a story's number is written in its heading: `US3` (form id) or the `3` of "User Story 3". */
function storyNumberIn(heading: string, n: number): { start: number; length: number; form: 'id' | 'number' } | undefined {
  const us = new RegExp(`\\bUS-?0*${n}\\b`).exec(heading);
  if (us) return { start: us.index, length: us[0].length, form: 'id' };
  const num = new RegExp(`(?<!\\d)0*${n}(?!\\d)`).exec(heading);
  return num ? { start: num.index, length: num[0].length, form: 'number' } : undefined;
}

/** A sub-range of a one-line range, by character offsets from its start. */
function shift(r: Range, start: number, length: number): Range {
  const line = r.start.line;
  const c = r.start.character + start;
  return { start: { line, character: c }, end: { line, character: c + length } };
}

/** A range's start as one number (a line holds fewer than 2^21 characters: files are read up to 2 MB). */
function key(r: Range): number {
  return r.start.line * 2097152 + r.start.character;
}

/** The definitions of a feature, by ID. */
export function definitionsOf(docs: readonly AnalyzedDoc[]): Map<string, { doc: AnalyzedDoc; occurrence: IdOccurrence }[]> {
  const out = new Map<string, { doc: AnalyzedDoc; occurrence: IdOccurrence }[]>();
  for (const doc of docs) {
    for (const o of doc.occurrences()) {
      if (!o.definition) continue;
      const list = out.get(o.id) ?? [];
      list.push({ doc, occurrence: o });
      out.set(o.id, list);
    }
  }
  return out;
}
