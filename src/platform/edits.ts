import * as vscode from 'vscode';

/** Writes a small state file the user does not edit (`.specify/feature.json`) straight to disk. */
export async function writeStateFile(uri: vscode.Uri, text: string): Promise<void> {
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}
