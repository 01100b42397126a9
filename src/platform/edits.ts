import * as vscode from 'vscode';
import { type TextEdit } from '../core/artifacts/taskEdits';
import { containmentFs, containPathIn } from './containment';

/** A write Spec Kit will not make (a link out of the workspace on the way): a warning, not a failure. */
export class WriteRefused extends Error {}

/**
 * Why a workspace file may not be edited in place, or undefined when it may: the one containment
 * rule (a symbolic link leading out of its workspace folder is never written through). Checked
 * before a buffer is read, so nothing is awaited between reading and editing it.
 */
export async function editRefusal(uri: vscode.Uri): Promise<string | undefined> {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder || uri.scheme !== 'file') return undefined;
  const contained = await containPathIn((p) => uri.with({ path: p }), folder.uri.path, uri.path, 'write');
  return contained.ok ? undefined : contained.reason;
}

/**
 * Applies core text edits to a document through a WorkspaceEdit: undoable, and it works on an open
 * unsaved buffer without clobbering it. A document that was clean before is saved afterwards, so
 * the file on disk (which other tools and the index read) matches; a dirty one is left for its owner.
 * Ticks and box toggles go through platform/taskState.ts, which checks each edit against the buffer.
 */
export async function applyTextEdits(uri: vscode.Uri, edits: readonly TextEdit[], label: string): Promise<boolean> {
  if (edits.length === 0) return true;
  if ((await editRefusal(uri)) !== undefined) return false;
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

/**
 * Writes a small state file the user does not edit (`.specify/feature.json`) straight to disk. A
 * link there is not written through (a cloned repository's `feature.json` could name any file of
 * the user's), nor is a folder or a device: the error says so, and nothing is written.
 */
export async function writeStateFile(uri: vscode.Uri, text: string): Promise<void> {
  const kind = await containmentFs((p) => uri.with({ path: p })).lstat(uri.path);
  if (kind !== undefined && kind !== 'file') {
    const what = kind === 'symlink' ? 'a symbolic link' : kind === 'directory' ? 'a folder' : 'not a regular file';
    throw new WriteRefused(`${vscode.workspace.asRelativePath(uri)} is ${what}, which Spec Kit does not write through; replace it with a plain file`);
  }
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
