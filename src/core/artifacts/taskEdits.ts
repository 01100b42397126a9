import { type CheckItem, type Task, type TasksDoc } from './tasks';
import { type Range } from '../text/range';

/** A replacement in a document, in the shape of LSP's TextEdit. */
export interface TextEdit {
  readonly range: Range;
  readonly newText: string;
}

/** spec-kit's implement writes `[X]`; unticking restores `[ ]`. */
export const DONE_MARK = 'X';

/**
 * The edits that set a task done or not done, touching only checkbox characters: the character
 * inside `[ ]`, every acceptance box of a `### Task N` section, or — for a task written without a
 * checkbox — a `[X] ` inserted after the list marker. [] when the task is already in that state.
 */
export function setTaskDoneEdits(doc: TasksDoc, task: Task, done: boolean): TextEdit[] {
  if (task.style === 'heading') return task.acceptance.filter((a) => a.checked !== done).map((a) => boxEdit(a.checkboxRange, done));
  if (task.checkboxRange) return task.checked === done ? [] : [boxEdit(task.checkboxRange, done)];
  if (!done) return [];
  const line = task.lineRange.start.line;
  const marker = /^\s*(?:[-*+]|\d{1,9}[.)])[ \t]+/.exec(doc.markdown.index.lineText(line));
  if (!marker) return [];
  const at = { line, character: marker[0].length };
  return [{ range: { start: at, end: at }, newText: `[${DONE_MARK}] ` }];
}

/** Ticks or unticks one checkbox item (an acceptance box, a sub-item). */
export function setItemCheckedEdit(item: CheckItem, checked: boolean): TextEdit | undefined {
  return item.checked === checked ? undefined : boxEdit(item.checkboxRange, checked);
}

function boxEdit(checkbox: Range, done: boolean): TextEdit {
  const inner = { line: checkbox.start.line, character: checkbox.start.character + 1 };
  return { range: { start: inner, end: { line: inner.line, character: inner.character + 1 } }, newText: done ? DONE_MARK : ' ' };
}

/** The task whose lines contain a zero-based line, innermost first (a nested task wins over its parent). */
export function taskAtLine(doc: TasksDoc, line: number): Task | undefined {
  let best: Task | undefined;
  for (const t of doc.tasks) {
    if (line < t.range.start.line || line > t.range.end.line) continue;
    if (!best || t.range.start.line >= best.range.start.line) best = t;
  }
  return best;
}

/** Applies edits to a text (for tests and for the CLI); edits must not overlap. */
export function applyEdits(text: string, edits: readonly TextEdit[], offsetAt: (p: Range['start']) => number): string {
  const sorted = [...edits].sort((a, b) => offsetAt(b.range.start) - offsetAt(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offsetAt(e.range.start)) + e.newText + out.slice(offsetAt(e.range.end));
  return out;
}
