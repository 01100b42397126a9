import * as vscode from 'vscode';

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
