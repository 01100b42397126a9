import * as path from 'node:path/posix';
import { type ChecklistDoc } from '../artifacts/checklist';
import { type SpecDoc } from '../artifacts/spec';
import { type TasksDoc } from '../artifacts/tasks';
import { type Position, type Range, containsPosition } from '../text/range';
import { type AnalyzedDoc, type IdFamily, type IdOccurrence } from './analyzedDoc';
import { type TextEdit } from './quickFixes';

/** The ID written at a position of a file, if any. */
export function occurrenceAt(doc: AnalyzedDoc, p: Position): IdOccurrence | undefined {
  return doc.occurrences().find((o) => o.form !== 'implicit' && containsPosition(o.range, p));
}

export interface Located {
  readonly doc: AnalyzedDoc;
  readonly occurrence: IdOccurrence;
}

/** Every mention of `id` across the docs, definitions first. */
export function occurrencesOf(docs: readonly AnalyzedDoc[], id: string): Located[] {
  const out: Located[] = [];
  for (const doc of docs) for (const o of doc.occurrences()) if (o.id === id) out.push({ doc, occurrence: o });
  return out.sort((a, b) => Number(b.occurrence.definition) - Number(a.occurrence.definition));
}

export function definitionsOf(docs: readonly AnalyzedDoc[], id: string): Located[] {
  return occurrencesOf(docs, id).filter((l) => l.occurrence.definition);
}

/** Markdown describing what an ID stands for, from its definition; undefined when the feature does not define it. */
export function hoverText(docs: readonly AnalyzedDoc[], id: string): string | undefined {
  const def = definitionsOf(docs, id)[0];
  if (!def) return undefined;
  const file = path.basename(def.doc.path);
  const line = def.occurrence.range.start.line + 1;
  const where = `${file}:${line}`;
  const d = def.doc;
  if (d.kind === 'spec') {
    const r = d.model.requirements.find((x) => x.id === id);
    if (r) {
      const tasks = tasksNaming(docs, id);
      return [`**${id}** · ${where}`, '', r.text, ...(tasks.length > 0 ? ['', `Tasks: ${tasks.join(', ')}`] : [])].join('\n');
    }
    const s = d.model.stories.find((x) => x.id === id);
    if (s) {
      const tasks = docs.flatMap((x) => (x.kind === 'tasks' ? x.model.tasks.filter((t) => t.story === id) : []));
      const lines = [`**${id}**${s.priority ? ` (${s.priority})` : ''} · ${where}`, '', s.title];
      if (s.independentTest) lines.push('', `Independent test: ${s.independentTest.value}`);
      if (tasks.length > 0) lines.push('', `Tasks: ${tasks.filter((t) => t.checked).length}/${tasks.length} done`);
      return lines.join('\n');
    }
  }
  if (d.kind === 'tasks') {
    const t = d.model.tasks.find((x) => x.id === id);
    if (t) {
      const phase = d.model.phases.find((p) => p.key === t.phase);
      const tags = `${t.parallel ? ' [P]' : ''}${t.story ? ` [${t.story}]` : ''}`;
      const lines = [`**${id}**${tags} ${t.checked ? '(done)' : '(open)'} · ${where}`, '', t.description];
      if (phase) lines.push('', `Phase: ${phase.title}`);
      if (t.dependsOn.length > 0) lines.push('', `Depends on: ${t.dependsOn.join(', ')}`);
      return lines.join('\n');
    }
  }
  if (d.kind === 'checklist') {
    const item = d.model.items.find((x) => x.id === id);
    if (item) return [`**${id}** ${item.checked ? '(checked)' : '(open)'} · ${where}${item.category ? ` › ${item.category}` : ''}`, '', item.text].join('\n');
  }
  return undefined;
}

function tasksNaming(docs: readonly AnalyzedDoc[], id: string): string[] {
  return docs.flatMap((d) => (d.kind === 'tasks' ? d.model.tasks.filter((t) => t.requirements.includes(id)).map((t) => t.id) : []));
}

const NEW_NAME: Record<IdFamily, RegExp> = {
  task: /^T\d{3,}[a-z]?$/,
  story: /^(?:US)?(\d+)$/,
  checklist: /^CHK\d{3,}$/,
  requirement: /^[A-Z]{1,5}-\d{1,4}[a-z]?$/,
};

/**
 * Edits renaming `id` everywhere in the docs, by file path; a string explains why it cannot be done.
 * A story's number in a heading ("User Story 1") gets the new number, its tags the new `USn`.
 */
export function renameEdits(docs: readonly AnalyzedDoc[], id: string, newName: string): Map<string, TextEdit[]> | string {
  const all = occurrencesOf(docs, id);
  const family = all[0]?.occurrence.family;
  if (!family) return `${id} is not defined in this feature.`;
  const wanted = newName.trim();
  const m = NEW_NAME[family].exec(wanted);
  if (!m) return `"${wanted}" is not a ${family} ID like ${id}.`;
  const target = family === 'story' ? `US${Number(m[1])}` : wanted;
  if (target === id) return new Map();
  if (definitionsOf(docs, target).length > 0) return `${target} already exists in this feature.`;
  const out = new Map<string, TextEdit[]>();
  for (const { doc, occurrence: o } of all) {
    if (o.form === 'implicit') continue;
    const list = out.get(doc.path) ?? [];
    list.push({ range: o.range, newText: o.form === 'number' ? target.slice(2) : target });
    out.set(doc.path, list);
  }
  return out;
}

/** Every kind of symbol, as a list too: the symbol store checks stored kinds against it. */
export const SYMBOL_KINDS = ['story', 'requirement', 'entity', 'phase', 'task', 'category', 'checklist-item', 'principle', 'section'] as const;
export type SymbolKind = (typeof SYMBOL_KINDS)[number];

export interface SymbolNode {
  readonly name: string;
  readonly detail: string;
  readonly kind: SymbolKind;
  readonly range: Range;
  readonly selectionRange: Range;
  readonly children: SymbolNode[];
}

/** The outline of a file by what spec-kit cares about: stories and requirements, phases and tasks, checklist items. */
export function documentSymbols(doc: AnalyzedDoc): SymbolNode[] {
  const node = (name: string, detail: string, kind: SymbolKind, range: Range, selectionRange: Range = range, children: SymbolNode[] = []): SymbolNode => ({
    name,
    detail,
    kind,
    range: cover(range, selectionRange),
    selectionRange,
    children,
  });
  switch (doc.kind) {
    case 'spec':
      return [
        ...doc.model.stories.map((s) => node(`${s.id}: ${s.title}`, s.priority ?? '', 'story', s.range, s.headingRange)),
        ...doc.model.requirements.map((r) => node(r.id, r.text, 'requirement', r.range, r.idRange)),
        ...doc.model.entities.map((e) => node(e.name, e.description, 'entity', e.range, e.nameRange)),
      ];
    case 'tasks': {
      const tasks = doc.model.tasks;
      const taskNode = (t: (typeof tasks)[number]): SymbolNode =>
        node(t.derived ? `Task ${t.number}` : t.id, `${t.checked ? '✓ ' : ''}${t.description}`, 'task', t.range, t.derived ? t.lineRange : t.idRange);
      const inPhase = new Set<string>();
      const phases = doc.model.phases.map((p) => {
        const children = tasks.filter((t) => t.phase === p.key).map((t) => {
          inPhase.add(t.id);
          return taskNode(t);
        });
        return node(p.number !== undefined ? `Phase ${p.number}: ${p.title}` : p.title, `${p.done}/${p.total}`, 'phase', p.range, p.headingRange, children);
      });
      return [...phases, ...tasks.filter((t) => !t.phase).map(taskNode)];
    }
    case 'checklist':
      return doc.model.items.map((i) => node(i.id ?? i.text.slice(0, 60), i.id ? i.text : '', 'checklist-item', i.range, i.idRange ?? i.checkboxRange));
    case 'constitution':
      return doc.model.principles.map((p) => node(p.name, p.number !== undefined ? `Principle ${p.number}` : '', 'principle', p.range, p.nameRange));
    case 'plan':
      return doc.model.phases.map((p) => node(`Phase ${p.number}: ${p.title}`, '', 'section', p.range, p.headingRange));
    default:
      return [];
  }
}

/** A range that contains both (LSP wants a symbol's selection range inside its range). */
function cover(a: Range, b: Range): Range {
  const before = (x: Position, y: Position): boolean => x.line < y.line || (x.line === y.line && x.character < y.character);
  return { start: before(b.start, a.start) ? b.start : a.start, end: before(a.end, b.end) ? b.end : a.end };
}

export interface WorkspaceSymbol {
  readonly name: string;
  readonly detail: string;
  readonly kind: SymbolKind;
  readonly path: string;
  readonly range: Range;
}

/** The IDs defined by a feature's parsed files, for workspace symbol search. */
export function featureSymbols(files: {
  readonly spec?: { path: string; doc: SpecDoc } | undefined;
  readonly tasks?: { path: string; doc: TasksDoc } | undefined;
  readonly checklists?: readonly { path: string; doc: ChecklistDoc }[];
}): WorkspaceSymbol[] {
  const out: WorkspaceSymbol[] = [];
  const { spec, tasks } = files;
  if (spec) {
    for (const s of spec.doc.stories) out.push({ name: `${s.id}: ${s.title}`, detail: '', kind: 'story', path: spec.path, range: s.headingRange });
    for (const r of spec.doc.requirements) out.push({ name: r.id, detail: r.text, kind: 'requirement', path: spec.path, range: r.idRange });
  }
  if (tasks) for (const t of tasks.doc.tasks) if (!t.derived) out.push({ name: t.id, detail: t.description, kind: 'task', path: tasks.path, range: t.idRange });
  for (const c of files.checklists ?? []) {
    for (const i of c.doc.items) if (i.id && i.idRange) out.push({ name: i.id, detail: i.text, kind: 'checklist-item', path: c.path, range: i.idRange });
  }
  return out;
}

export interface DocumentLink {
  readonly range: Range;
  /** Absolute POSIX path. */
  readonly target: string;
}

/**
 * Links for the file paths tasks name, resolved against the project root (spec-kit writes paths from
 * the repository root). Only names with an extension are linked; directories are left alone.
 */
export function taskFileLinks(doc: AnalyzedDoc, root: string): DocumentLink[] {
  if (doc.kind !== 'tasks') return [];
  const index = doc.markdown.index;
  const out: DocumentLink[] = [];
  for (const t of doc.model.tasks) {
    if (t.paths.length === 0) continue;
    const from = index.offsetAt(t.idRange.end);
    const end = index.offsetAt(t.lineRange.end);
    const line = index.text.slice(from, end);
    for (const p of t.paths) {
      if (!/\.[A-Za-z0-9]+$/.test(p) || p.includes('..') || p.startsWith('~')) continue;
      const re = new RegExp(`(?<![\\w./-])(?:\\./|/)?${escapeRegExp(p)}(?![\\w/-])`);
      const m = re.exec(line);
      if (!m) continue;
      const start = from + m.index;
      out.push({ range: index.rangeOf(start, start + m[0].length), target: path.join(root, p.replace(/^\//, '')) });
    }
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
