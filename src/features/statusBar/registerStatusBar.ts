import * as vscode from 'vscode';
import { featureStatus } from '../../core/status/featureStatus';
import { featureTooltip } from '../../core/status/presentation';
import { type IndexedFeature } from '../../core/workspace/workspaceIndex';
import { type SpeckitExtension } from '../../app';
import { Commands } from '../../ids';

/** The current feature and its progress; a click switches features. */
export function registerStatusBar(app: SpeckitExtension): void {
  const item = vscode.window.createStatusBarItem('speckit.currentFeature', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Spec Kit: current feature';
  item.command = Commands.switchFeature;

  const update = (): void => {
    const feature = shownFeature(app);
    if (!feature) {
      if (app.model.index.projects.length === 0) {
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
    const dashboard = `command:${Commands.openDashboard}?${encodeURIComponent(JSON.stringify([feature.feature.dir]))}`;
    const tooltip = new vscode.MarkdownString(`${featureTooltip(feature.feature.name, status, true)}  \n\n[$(dashboard) Open the feature dashboard](${dashboard})  \n_Click to switch feature_`, true);
    tooltip.isTrusted = { enabledCommands: [Commands.openDashboard] };
    item.tooltip = tooltip;
    item.show();
  };

  app.own(
    item,
    app.model.onDidChange(update),
    app.model.onDidStart(update),
    vscode.window.onDidChangeActiveTextEditor(update),
  );
  update();
}

/** The current feature of the active editor's project, else of the first project that has one. */
function shownFeature(app: SpeckitExtension): IndexedFeature | undefined {
  const index = app.model.index;
  const active = vscode.window.activeTextEditor?.document.uri.path;
  const project = active ? index.projectFor(active) : undefined;
  if (project) return index.currentFeature(project);
  for (const p of index.projects) {
    const f = index.currentFeature(p);
    if (f) return f;
  }
  return undefined;
}
