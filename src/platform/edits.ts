import * as vscode from 'vscode';
import { type TextEdit } from '../core/artifacts/taskEdits';

/**
 * Applies core text edits to a document through a WorkspaceEdit: undoable, and it works on an open
 * unsaved buffer without clobbering it. A document that was clean before is saved afterwards, so
 * the file on disk (which other tools and the index read) matches; a dirty one is left for its owner.
 * Ticks and box toggles go through platform/taskState.ts, which checks each edit against the buffer.
 */
export async function applyTextEdits(uri: vscode.Uri, edits: readonly TextEdit[], label: string): Promise<boolean> {
  if (edits.length === 0) return true;
  const document = await vscode.workspace.openTextDocument(uri);
  const wasDirty = document.isDirty;
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) {
    edit.replace(uri, new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character), e.newText, {
      label,
      needsConfirmation: false,
    });
  }
  const applied = await vscode.workspace.applyEdit(edit);
  // A save that fails is a failure too: the edit is then only in the editor, not on disk.
  if (applied && !wasDirty) return document.save();
  return applied;
}

/** Writes a small state file the user does not edit (`.specify/feature.json`) straight to disk. */
export async function writeStateFile(uri: vscode.Uri, text: string): Promise<void> {
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}

/**
 * Saves documents an edit touched and returns those that stayed unsaved. TextDocument.save, not
 * workspace.save: the latter saves editors and leaves a document with no editor dirty.
 */
export async function unsavedAfterSave(uris: readonly vscode.Uri[]): Promise<vscode.Uri[]> {
  const unsaved: vscode.Uri[] = [];
  for (const uri of uris) {
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.isDirty && !(await doc.save())) unsaved.push(uri);
  }
  return unsaved;
}
