import { formatTaskId } from '../artifacts/ids';
import { type TasksDoc } from '../artifacts/tasks';
import { type Range } from '../text/range';
import { type AnalyzedDoc } from './analyzedDoc';

export interface TextEdit {
  readonly range: Range;
  readonly newText: string;
}

export interface QuickFix {
  readonly title: string;
  /** The diagnostic code it fixes. */
  readonly code: string;
  readonly edits: TextEdit[];
  readonly preferred: boolean;
}

/** The fixes for one problem (by code and range) of a file; [] when there is none. */
export function quickFixes(doc: AnalyzedDoc, problem: { code: string; range: Range }): QuickFix[] {
  const fix = (title: string, edits: TextEdit[], preferred = true): QuickFix[] => (edits.length > 0 ? [{ title, code: problem.code, edits, preferred }] : []);
  switch (problem.code) {
    case 'wrapped-in-fence':
      return fix('Remove the ```markdown fence around the file', unwrapFence(doc, problem.range.start.line));
    case 'task-out-of-order':
    case 'task-duplicate-id':
      return doc.kind === 'tasks' ? fix('Renumber all tasks in order (T001, T002, …)', renumberTasks(doc)) : [];
    case 'task-missing-checkbox':
      return doc.kind === 'tasks' ? fix('Add a checkbox: "- [ ] …"', addCheckbox(doc, problem.range)) : [];
    case 'task-missing-id': {
      if (doc.kind !== 'tasks') return [];
      const id = nextTaskId(doc.model);
      return fix(`Add the task ID ${id}`, [{ range: { start: problem.range.end, end: problem.range.end }, newText: ` ${id}` }]);
    }
    case 'task-story-in-non-story-phase':
      return fix('Remove the story tag', removeTag(doc, problem.range));
    default:
      return [];
  }
}

/** The ID after the highest task number of the file. */
export function nextTaskId(tasks: TasksDoc): string {
  let max = 0;
  for (const t of tasks.tasks) if (!t.derived) max = Math.max(max, t.number);
  return formatTaskId(max + 1);
}

/**
 * T001, T002, … in document order, with the file's references to each renumbered task (dependencies,
 * parallel examples) following it. References to an ID that was duplicated stay as they are: which
 * of the two they meant is not known.
 */
export function renumberTasks(doc: AnalyzedDoc & { kind: 'tasks' }): TextEdit[] {
  const tasks = doc.model.tasks.filter((t) => !t.derived);
  const counts = new Map<string, number>();
  for (const t of tasks) counts.set(t.id, (counts.get(t.id) ?? 0) + 1);
  const renamed = new Map<string, string>();
  const edits: TextEdit[] = [];
  tasks.forEach((t, i) => {
    const id = formatTaskId(i + 1);
    if (counts.get(t.id) === 1) renamed.set(t.id, id);
    if (id !== t.id) edits.push({ range: t.idRange, newText: id });
  });
  for (const o of doc.occurrences()) {
    if (o.family !== 'task' || o.definition) continue;
    const to = renamed.get(o.id);
    if (to && to !== o.id) edits.push({ range: o.range, newText: to });
  }
  return edits;
}

function addCheckbox(doc: AnalyzedDoc & { kind: 'tasks' }, idRange: Range): TextEdit[] {
  const task = doc.model.tasks.find((t) => t.style === 'no-checkbox' && t.idRange.start.line === idRange.start.line && t.idRange.start.character === idRange.start.character);
  if (!task) return [];
  const line = task.lineRange.start.line;
  const m = /^([ \t]*(?:>[ \t]*)*(?:[-*+]|\d{1,9}[.)])[ \t]+)/.exec(doc.markdown.index.lineText(line));
  if (!m) return [];
  const at = { line, character: m[1]!.length };
  return [{ range: { start: at, end: at }, newText: '[ ] ' }];
}

function removeTag(doc: AnalyzedDoc, tag: Range): TextEdit[] {
  const index = doc.markdown.index;
  if (!/^\[[^\]]+\]$/.test(index.textOf(tag))) return [];
  const start = index.offsetAt(tag.start);
  let end = index.offsetAt(tag.end);
  // Take one space along, so "T001 [US1] Do" becomes "T001 Do".
  if (index.text[end] === ' ') end++;
  return [{ range: index.rangeOf(start, end), newText: '' }];
}

/** Deletes the opening fence line (at `open`) and the closing fence (the last non-blank line). */
function unwrapFence(doc: AnalyzedDoc, open: number): TextEdit[] {
  const index = doc.markdown.index;
  if (!/^[ \t]{0,3}(`{3,}|~{3,})/.test(index.lineText(open))) return [];
  let close = index.lineCount - 1;
  while (close > open && index.lineText(close).trim() === '') close--;
  if (close <= open + 1 || !/^[ \t]{0,3}(`{3,}|~{3,})[ \t]*$/.test(index.lineText(close))) return [];
  return [
    { range: index.rangeOf(index.lineStart(open), index.lineStart(open + 1)), newText: '' },
    // From the end of the line before the closing fence, so no empty line is left behind.
    { range: index.rangeOf(index.lineEnd(close - 1), index.lineEnd(close)), newText: '' },
  ];
}

/** Applies non-overlapping edits to a text (for the CLI and tests). */
export function applyEdits(text: string, edits: readonly TextEdit[], offsetAt: (p: Range['start']) => number): string {
  const sorted = edits.map((e) => ({ s: offsetAt(e.range.start), e: offsetAt(e.range.end), t: e.newText })).sort((a, b) => b.s - a.s);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.s) + e.t + out.slice(e.e);
  return out;
}
