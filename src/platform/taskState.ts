import * as vscode from 'vscode';
import { checkboxEditProblem, type TextEdit, tickEdits } from '../core/artifacts/taskEdits';
import { type Task, type TasksDoc } from '../core/artifacts/tasks';
import { editRefusal } from './edits';
import { type WorkspaceModel } from './workspaceModel';

export type TaskStateResult = 'changed' | 'unchanged' | 'missing' | 'failed';

/**
 * Sets a task done or not done in its tasks file: the one place that ticks. It reads the task from
 * the model of the document as it is now (saved or not) and changes only checkbox characters
 * through an undoable edit. Used by the tree, the lenses, verification and /speckit.implement.
 * A tick that cannot be made or saved is 'failed', and the user is told why.
 */
export async function setTaskDone(model: WorkspaceModel, uri: vscode.Uri, taskId: string, done: boolean): Promise<TaskStateResult> {
  const doc = await model.parsed(await vscode.workspace.openTextDocument(uri));
  if (doc?.kind !== 'tasks') return 'missing';
  const task = doc.tasks.find((t) => t.id.toUpperCase() === taskId.toUpperCase());
  if (!task) return 'missing';
  return setParsedTaskDone(uri, doc, task, done);
}

/** {@link setTaskDone} for a task already found in a parse of the file (by line, say). */
export async function setParsedTaskDone(uri: vscode.Uri, doc: TasksDoc, task: Task, done: boolean): Promise<TaskStateResult> {
  const refused = await outsideReason(uri);
  const document = await vscode.workspace.openTextDocument(uri);
  if (refused) return failed(document, refused);
  // The parse may be of the disk copy or an older version: the edits are made against the buffer.
  const tick = tickEdits(document.getText(), doc, task, done);
  if (!tick.ok) return failed(document, tick.reason);
  if (tick.edits.length === 0) return 'unchanged';
  const outcome = await applyBoxEdits(document, tick.edits, done ? `Mark ${tick.task.id} done` : `Mark ${tick.task.id} not done`);
  return outcome === undefined ? 'changed' : failed(document, outcome);
}

/** Toggles one checkbox (an acceptance box, a sub-item) after checking that it is one in the buffer. */
export async function setBoxEdit(uri: vscode.Uri, edit: TextEdit, label: string): Promise<boolean> {
  const refused = await outsideReason(uri);
  const document = await vscode.workspace.openTextDocument(uri);
  const problem = refused ?? checkboxEditProblem(document.getText(), edit);
  const outcome = problem ?? (await applyBoxEdits(document, [edit], label));
  if (outcome !== undefined) failed(document, outcome);
  return outcome === undefined;
}

/**
 * Applies checked box edits to the buffer they were computed from; undefined when they are in the
 * buffer and (for a document that was clean) saved, else why not. Nothing is awaited between
 * reading the buffer and this call, and VS Code refuses a WorkspaceEdit for a document that changed
 * since the extension host last saw it, so the edits land on the text they were checked against.
 */
async function applyBoxEdits(document: vscode.TextDocument, edits: readonly TextEdit[], label: string): Promise<string | undefined> {
  const wasDirty = document.isDirty;
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) {
    const range = new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character);
    edit.replace(document.uri, range, e.newText, { label, needsConfirmation: false });
  }
  if (!(await vscode.workspace.applyEdit(edit))) return 'the edit was not applied (the file may have changed at that moment); try again.';
  // A clean document is saved so the disk (which the index, git and the CLI read) matches; a dirty
  // one is left for its owner to save.
  if (!wasDirty && !(await document.save())) return 'the box is ticked in the editor, but saving the file failed; save it by hand or undo.';
  return undefined;
}

/** The one containment rule ({@link editRefusal}), worded for a tick. */
async function outsideReason(uri: vscode.Uri): Promise<string | undefined> {
  const refused = await editRefusal(uri);
  return refused && `not changed: ${refused}.`;
}

function failed(document: vscode.TextDocument, reason: string): 'failed' {
  void vscode.window.showWarningMessage(`${vscode.workspace.asRelativePath(document.uri)}: ${reason}`);
  return 'failed';
}
