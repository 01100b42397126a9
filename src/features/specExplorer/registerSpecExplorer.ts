import * as vscode from 'vscode';
import { type SpeckitExtension } from '../../app';
import { Commands, ContextKeys, Views } from '../../ids';
import { setTaskDone } from '../../platform/taskState';
import { type SpecNode, SpecTreeProvider } from './specTreeProvider';

/** The Spec Explorer view, its empty states, the tree's task checkboxes and "reveal". */
export function registerSpecExplorer(app: SpeckitExtension): void {
  const provider = new SpecTreeProvider(app.model, app.nix?.registry);
  const view = vscode.window.createTreeView(Views.specs, { treeDataProvider: provider, showCollapseAll: true });
  app.tree = provider;
  void vscode.commands.executeCommand('setContext', ContextKeys.state, 'loading');

  const updateState = (): void => {
    const projects = app.model.index.projects;
    void vscode.commands.executeCommand('setContext', ContextKeys.state, projects.length === 0 ? 'noProject' : 'ready');
    // The badge counts open tasks of the current features: what is left to do now.
    const open = projects
      .map((p) => app.model.index.currentFeature(p))
      .reduce((n, f) => n + (f ? f.status.tasks.total - f.status.tasks.done : 0), 0);
    view.badge = open > 0 ? { value: open, tooltip: `${open} open task${open === 1 ? '' : 's'} in the current feature` } : undefined;
  };

  app.own(
    view,
    app.nix?.registry.onDidChange(() => provider.refreshAll()) ?? new vscode.Disposable(() => undefined),
    app.model.onDidChange((change) => {
      provider.update(change);
      updateState();
    }),
    app.model.onDidStart(() => {
      provider.markReady();
      updateState();
    }),
    view.onDidChangeCheckboxState(async (e) => {
      for (const [node, state] of e.items) {
        if (node.kind !== 'task') continue;
        await setTaskState(app, node.dir, node.taskId, state === vscode.TreeItemCheckboxState.Checked);
      }
    }),
    vscode.commands.registerCommand(Commands.revealInExplorer, async (uri?: vscode.Uri) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri;
      const feature = target ? app.model.index.featureFor(target.path) : undefined;
      if (!feature) {
        void vscode.window.showInformationMessage('The active file is not part of a spec-kit feature.');
        return;
      }
      let node: SpecNode = provider.featureNode(feature.feature.dir);
      const editor = vscode.window.activeTextEditor;
      if (feature.tasks && editor && editor.document.uri.path === feature.feature.files.tasks?.path) {
        const line = editor.selection.active.line;
        const task = feature.tasks.tasks.find((t) => line >= t.range.start.line && line <= t.range.end.line);
        if (task) node = provider.taskNodeFor(feature.feature.dir, task.id);
      }
      await view.reveal(node, { select: true, focus: true, expand: true });
    }),
  );
  if (app.model.started) {
    provider.markReady();
    updateState();
  }
}

/** Ticks or unticks a task of a feature from the tree. */
async function setTaskState(app: SpeckitExtension, featureDir: string, taskId: string, done: boolean): Promise<void> {
  const file = app.model.index.featureFor(featureDir)?.feature.files.tasks;
  if (!file) return;
  const result = await setTaskDone(app.model, app.model.uriFor(file.path), taskId, done);
  if (result === 'missing') void vscode.window.showWarningMessage(`${taskId} is no longer in ${vscode.workspace.asRelativePath(app.model.uriFor(file.path))}.`);
}
