import * as vscode from 'vscode';
import { featureStatus } from '../../core/status/featureStatus';
import { featureTooltip } from '../../core/status/presentation';
import { type IndexedFeature } from '../../core/workspace/workspaceIndex';
import { Commands, StatusBarItems } from '../../ids';
import { type SpeckitServices } from '../../platform/services';
import { type WorkspaceModel } from '../../platform/workspaceModel';

/** The current feature and its progress; a click switches features. */
export function registerStatusBar(services: SpeckitServices): void {
  const { model } = services;
  const item = vscode.window.createStatusBarItem(StatusBarItems.currentFeature, vscode.StatusBarAlignment.Left, 50);
  item.name = 'Spec Kit: current feature';
  item.command = Commands.switchFeature;

  const update = (): void => {
    const feature = shownFeature(model);
    if (!feature) {
      if (model.index.projects.length === 0) {
        item.hide();
        return;
      }
      item.text = '$(notebook) No current feature';
      item.tooltip = 'Spec Kit: pick the feature you are working on';
      item.show();
      return;
    }
    const status = feature.status ?? featureStatus({ checklists: [] });
    item.text = `$(notebook) ${feature.feature.name} · ${status.label}`;
    item.tooltip = new vscode.MarkdownString(`${featureTooltip(feature.feature.name, status, true)}  \n\n_Click to switch feature_`);
    item.show();
  };

  services.own(
    item,
    model.onDidChange(update),
    model.onDidStart(update),
    vscode.window.onDidChangeActiveTextEditor(update),
  );
  update();
}

/** The current feature of the active editor's project, else of the first project that has one. */
function shownFeature(model: WorkspaceModel): IndexedFeature | undefined {
  const index = model.index;
  const active = vscode.window.activeTextEditor?.document.uri.path;
  const project = active ? index.projectFor(active) : undefined;
  if (project) return index.currentFeature(project);
  for (const p of index.projects) {
    const f = index.currentFeature(p);
    if (f) return f;
  }
  return undefined;
}
