// Helpers for the editor-surface suites (explorer, CodeLens, commands): the parts of the test API they use.
import * as assert from 'node:assert/strict';
import { utimesSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { type SpeckitTestApi } from './helpers';

/** A Spec Explorer node as the suites read it: plain data with a kind and ids (any node kind fits). */
export interface TreeNode {
  readonly kind: string;
  readonly id: string;
  readonly root?: string;
  readonly dir?: string;
  readonly taskId?: string;
}

export interface TreeApi {
  getChildren(node?: TreeNode): TreeNode[] | undefined | Promise<TreeNode[] | undefined>;
  getTreeItem(node: TreeNode): vscode.TreeItem | Promise<vscode.TreeItem>;
}

/** The Spec Explorer's tree data provider, as the extension shows it. */
export function treeApi(api: SpeckitTestApi): TreeApi {
  return api.tree;
}

/** Answers for the next pickers, input boxes and confirmations the extension shows. */
export function queueAnswers(api: SpeckitTestApi, ...answers: unknown[]): void {
  api.queueAnswers(...answers);
}

export function questionsAsked(api: SpeckitTestApi): readonly string[] {
  return api.asked;
}

/** The root of the i-th project of the index, as a URI in the workspace's scheme. */
export function projectRoot(api: SpeckitTestApi, i: number): vscode.Uri {
  const project = api.snapshot().projects[i];
  assert.ok(project, `project ${i} is missing from the index`);
  const folder = vscode.workspace.workspaceFolders!.find((f) => project.root === f.uri.path || project.root.startsWith(`${f.uri.path}/`));
  assert.ok(folder, `no workspace folder holds ${project.root}`);
  return folder.uri.with({ path: project.root });
}

export function featureDir(api: SpeckitTestApi, project: number, name: string): vscode.Uri {
  return vscode.Uri.joinPath(projectRoot(api, project), 'specs', name);
}

/**
 * Puts a sample workspace's files back as the repository has them (other suites change the
 * shared sample), so a suite can assert on the sample's known content whatever ran before it.
 */
export async function restoreFromFixture(workspace: string, rel: string): Promise<void> {
  const ext = vscode.extensions.getExtension('speckit-vscode.speckit-vscode');
  assert.ok(ext, 'the extension is installed');
  const source = vscode.Uri.joinPath(ext.extensionUri, 'test', 'fixtures', 'workspaces', workspace, rel);
  const target = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, rel);
  const stat = await vscode.workspace.fs.stat(source);
  if (stat.type & vscode.FileType.Directory) {
    try {
      await vscode.workspace.fs.delete(target, { recursive: true });
    } catch {
      // Already gone.
    }
    for (const [name] of await vscode.workspace.fs.readDirectory(source)) await restoreFromFixture(workspace, `${rel}/${name}`);
  } else {
    await vscode.workspace.fs.writeFile(target, await vscode.workspace.fs.readFile(source));
  }
}

/**
 * A real save failure for the next save of `uri`: the moment an edit that `when` accepts lands in its
 * buffer, another program rewrites the file with a newer time, so VS Code refuses to save over it.
 * Dispose the result after the action under test.
 */
export function saveConflictOnNextEdit(uri: vscode.Uri, rewritten: string, when: (doc: vscode.TextDocument) => boolean = () => true): vscode.Disposable {
  const listener = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.document.uri.toString() !== uri.toString() || !when(e.document)) return;
    listener.dispose();
    writeFileSync(uri.fsPath, rewritten);
    const later = new Date(Date.now() + 60_000);
    utimesSync(uri.fsPath, later, later);
  });
  return listener;
}
