import { type CheckItem, parseTasks, type Task, type TasksDoc } from './tasks';
import { LineIndex } from '../text/lineIndex';
import { type Range } from '../text/range';

/** A replacement in a document, in the shape of LSP's TextEdit. */
export interface TextEdit {
  readonly range: Range;
  readonly newText: string;
}

/** spec-kit's implement writes `[X]`; unticking restores `[ ]`. */
export const DONE_MARK = 'X';

/** A list item's marker and the space after it, inside any blockquotes. */
const LIST_MARKER = /^(?:[ \t]*>)*[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+/;

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
  const marker = LIST_MARKER.exec(doc.markdown.index.lineText(line));
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

/** What {@link tickEdits} found: the edits to apply to the text it was given, or why there are none. */
export type TickResult =
  | {
      readonly ok: true;
      /** Ranges in the text that was passed in; [] when the task is already in that state. */
      readonly edits: TextEdit[];
      /** The task as read from that text (it may have moved since `doc` was parsed). */
      readonly task: Task;
      readonly moved: boolean;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * The edits that tick or untick `task` in `text`, the document as it is now (an editor's buffer),
 * each one checked before it is offered: it replaces the one character inside a `[ ]`/`[x]`/`[X]`
 * box on the task's own lines (or inserts `[X] ` right after the list marker of a task written
 * without a box). `doc` is the parse `task` came from, possibly of another version of the file (the
 * disk copy): when the task's text is not the same at the same place in `text`, it is found again in
 * a fresh parse of `text` (by its ID, or by its unchanged text for a task whose ID is derived); if it
 * is gone, ambiguous, or its box is not a box, nothing is edited and `reason` says why. Pure: any
 * line endings, no I/O.
 */
export function tickEdits(text: string, doc: TasksDoc, task: Task, done: boolean): TickResult {
  const index = new LineIndex(text);
  // The whole task (its box, a seed task's acceptance boxes) must read the same where it was.
  // Line breaks aside: VS Code's buffer has one kind where the disk copy may mix them.
  const was = sameBreaks(doc.markdown.index.textOf(task.range));
  let current = task;
  let currentDoc = doc;
  let moved = false;
  if (doc.markdown.text !== text && sameBreaks(index.textOf(task.range)) !== was) {
    const fresh = parseTasks(text);
    const matches = task.derived
      ? fresh.tasks.filter((t) => t.derived && t.style === task.style && sameBreaks(fresh.markdown.index.textOf(t.range)) === was)
      : fresh.tasks.filter((t) => t.id === task.id);
    if (matches.length === 0) return { ok: false, reason: `${task.id} is no longer in the file (it changed since it was read).` };
    if (matches.length > 1) return { ok: false, reason: `${task.id} appears ${matches.length} times in the file; tick it by hand.` };
    current = matches[0]!;
    currentDoc = fresh;
    moved = true;
  }
  const edits = setTaskDoneEdits(currentDoc, current, done);
  if (edits.length === 0 && current.checked !== done) {
    // A task without a box whose list marker cannot be found (or a seed task with no acceptance boxes).
    return { ok: false, reason: `${current.id} has no checkbox to ${done ? 'tick' : 'clear'}.` };
  }
  for (const e of edits) {
    const problem = outsideTask(current, e) ?? boxEditProblem(index, e);
    if (problem) return { ok: false, reason: `Not ticking ${current.id}: ${problem}` };
  }
  return { ok: true, edits, task: current, moved };
}

function sameBreaks(s: string): string {
  return s.replace(/\r\n?/g, '\n');
}

/**
 * Why an edit is not a checkbox edit in `text` (it must replace the one character inside a
 * `[ ]`/`[x]`/`[X]` box, or insert `[X] ` right after a list marker), or undefined when it is one.
 * Every tick and box toggle checks its edit with this against the buffer it is about to change.
 */
export function checkboxEditProblem(text: string, e: TextEdit): string | undefined {
  return boxEditProblem(new LineIndex(text), e);
}

function outsideTask(task: Task, e: TextEdit): string | undefined {
  const { line } = e.range.start;
  return line < task.range.start.line || line > task.range.end.line ? `the edit at line ${line + 1} is outside the task.` : undefined;
}

const BOX = /^\[[ xX]\]$/;

function boxEditProblem(index: LineIndex, e: TextEdit): string | undefined {
  const { line, character } = e.range.start;
  if (line >= index.lineCount) return `line ${line + 1} is past the end of the file.`;
  if (e.range.end.line !== line) return 'the edit spans lines.';
  const lineText = index.lineText(line);
  if (e.range.end.character === character) {
    // An inserted box: right after the list marker, on a line that has none yet.
    const marker = LIST_MARKER.exec(lineText);
    if (!marker || marker[0].length !== character || /^\[[ xX]\]/.test(lineText.slice(character))) return `line ${line + 1} has no list marker to put a box after.`;
    return e.newText === `[${DONE_MARK}] ` ? undefined : 'unexpected text.';
  }
  if (e.range.end.character !== character + 1) return 'the edit is wider than one character.';
  const box = lineText.slice(character - 1, character + 2);
  if (!BOX.test(box)) return `the character at line ${line + 1}, column ${character + 1} is not inside a checkbox ("${box}").`;
  return e.newText === ' ' || e.newText === DONE_MARK ? undefined : 'unexpected text.';
}
