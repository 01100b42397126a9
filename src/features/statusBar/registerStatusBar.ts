import * as vscode from 'vscode';
import { featureStatus } from '../../core/status/featureStatus';
import { featureTooltip } from '../../core/status/presentation';
import { type IndexedFeature, type IndexedProject } from '../../core/workspace/workspaceIndex';
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
    const project = shownProject(model);
    // Where spec-kit would stop (a feature.json naming a missing folder…): say so, offer the switch.
    const problem = project?.currentProblem;
    const problemText = problem ? `\n\n$(warning) ${problem.message}${problem.speckit ? `  \nspec-kit: \`${problem.speckit}\`` : ''}` : '';
    if (!feature) {
      if (model.index.projects.length === 0) {
        item.hide();
        return;
      }
      item.text = problem ? '$(warning) No current feature' : '$(notebook) No current feature';
      item.tooltip = new vscode.MarkdownString(`Spec Kit: pick the feature you are working on${problemText}`, true);
      item.show();
      return;
    }
    if (feature.pending) {
      // Its files are still being summarized by the first scan: no phase that could be wrong.
      item.text = `$(notebook) ${feature.feature.name} · scanning…`;
      item.tooltip = `Spec Kit: ${feature.feature.name}, counting tasks and markers (the first scan is running)`;
      item.show();
      return;
    }
    const status = feature.status ?? featureStatus({ checklists: [] });
    const source = project?.current?.label ? `  \n_${project.current.label}_` : '';
    item.text = `$(notebook) ${feature.feature.name} · ${status.label}`;
    const dashboard = `command:${Commands.openDashboard}?${encodeURIComponent(JSON.stringify([feature.feature.dir]))}`;
    const tooltip = new vscode.MarkdownString(
      `${featureTooltip(feature.feature.name, status, true)}${source}${problemText}  \n\n[$(dashboard) Open the feature dashboard](${dashboard})  \n_Click to switch feature_`,
      true,
    );
    tooltip.isTrusted = { enabledCommands: [Commands.openDashboard] };
    item.tooltip = tooltip;
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

/** The project the status bar speaks of: the active editor's, else the first with a current feature or a problem. */
function shownProject(model: WorkspaceModel): IndexedProject | undefined {
  const index = model.index;
  const active = vscode.window.activeTextEditor?.document.uri.path;
  const project = active ? index.projectFor(active) : undefined;
  return project ?? index.projects.find((p) => p.current) ?? index.projects.find((p) => p.currentProblem);
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
