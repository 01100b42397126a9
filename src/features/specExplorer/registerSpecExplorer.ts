import * as vscode from 'vscode';
import { Commands, ContextKeys, Views } from '../../ids';
import { openspecChangeAt } from '../../core/workspace/openspecIndex';
import { type SpeckitServices } from '../../platform/services';
import { type SpecNode } from '../../platform/specNode';
import { setTaskDone } from '../../platform/taskState';
import { type WorkspaceModel } from '../../platform/workspaceModel';

/** The Spec Explorer view, its empty states, the tree's task checkboxes and "reveal". */
export function registerSpecExplorer(services: SpeckitServices): void {
  const { model, tree: provider } = services;
  const view = vscode.window.createTreeView(Views.specs, { treeDataProvider: provider, showCollapseAll: true });
  void vscode.commands.executeCommand('setContext', ContextKeys.state, 'loading');
  // The view's progress bar runs while the first scan does; the tree shows every feature once they are
  // listed, each completed as its files are summarized.
  if (!model.started) void vscode.window.withProgress({ location: { viewId: Views.specs }, title: 'Indexing spec-kit features' }, () => model.whenStarted());

  const updateState = (): void => {
    const projects = model.index.projects;
    const none = projects.length === 0 && model.index.openspecProjects.length === 0;
    void vscode.commands.executeCommand('setContext', ContextKeys.state, none ? 'noProject' : 'ready');
    // The badge counts open tasks of the current features: what is left to do now.
    const open = projects
      .map((p) => model.index.currentFeature(p))
      .reduce((n, f) => n + (f ? f.status.tasks.total - f.status.tasks.done : 0), 0);
    view.badge = open > 0 ? { value: open, tooltip: `${open} open task${open === 1 ? '' : 's'} in the current feature` } : undefined;
  };

  services.own(
    view,
    services.nix.registry.onDidChange(() => provider.refreshAll()),
    model.onDidChange((change) => {
      provider.update(change);
      updateState();
    }),
    model.onDidList(() => {
      provider.markReady();
      updateState();
    }),
    model.onDidStart(() => updateState()),
    view.onDidChangeCheckboxState(async (e) => {
      for (const [node, state] of e.items) {
        if (node.kind !== 'task') continue;
        await setTaskState(model, node.dir, node.taskId, state === vscode.TreeItemCheckboxState.Checked);
      }
    }),
    vscode.commands.registerCommand(Commands.revealInExplorer, async (uri?: vscode.Uri) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri;
      const feature = target ? model.index.featureFor(target.path) : undefined;
      const change = target && !feature ? openspecChangeAt(model.index.openspecProjects, target.path) : undefined;
      if (change) {
        let node: SpecNode = provider.changeNode(change.project.project.root, change.change.dir);
        const editor = vscode.window.activeTextEditor;
        const tasks = change.change.tasks;
        if (tasks && editor && editor.document.uri.path === tasks.path) {
          const line = editor.selection.active.line;
          const task = tasks.doc.tasks.find((t) => line >= t.range.start.line && line <= t.range.end.line);
          if (task) node = provider.taskNodeFor(change.change.dir, task.id);
        }
        await view.reveal(node, { select: true, focus: true, expand: true });
        return;
      }
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
  if (model.listed) {
    provider.markReady();
    updateState();
  }
}

/** Ticks or unticks a task of a feature (or an OpenSpec change) from the tree. */
async function setTaskState(model: WorkspaceModel, featureDir: string, taskId: string, done: boolean): Promise<void> {
  const file = model.index.tasksOf(featureDir);
  if (!file) return;
  const result = await setTaskDone(model, model.uriFor(file.path), taskId, done);
  if (result === 'missing') void vscode.window.showWarningMessage(`${taskId} is no longer in ${vscode.workspace.asRelativePath(model.uriFor(file.path))}.`);
}
