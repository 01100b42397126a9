import * as vscode from 'vscode';
import { setTaskDoneEdits } from '../core/artifacts/taskEdits';
import { applyTextEdits } from './edits';
import { type WorkspaceModel } from './workspaceModel';

export type TaskStateResult = 'changed' | 'unchanged' | 'missing' | 'failed';

/**
 * Sets a task done or not done in its tasks file: the one place that ticks. It reads the task from
 * the model of the document as it is now (saved or not) and changes only checkbox characters
 * through an undoable edit. Used by the tree, the lenses, verification and /speckit.implement.
 */
export async function setTaskDone(model: WorkspaceModel, uri: vscode.Uri, taskId: string, done: boolean): Promise<TaskStateResult> {
  const doc = await model.parsed(await vscode.workspace.openTextDocument(uri));
  if (doc?.kind !== 'tasks') return 'missing';
  const task = doc.tasks.find((t) => t.id.toUpperCase() === taskId.toUpperCase());
  if (!task) return 'missing';
  const edits = setTaskDoneEdits(doc, task, done);
  if (edits.length === 0) return 'unchanged';
  return (await applyTextEdits(uri, edits, done ? `Mark ${task.id} done` : `Mark ${task.id} not done`)) ? 'changed' : 'failed';
}
