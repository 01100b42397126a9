import * as vscode from 'vscode';
import { type IndexedFeature, type IndexedProject } from '../core/workspace/workspaceIndex';
import { type Prompter } from './prompter';
import { type WorkspaceModel } from './workspaceModel';

/** What a command was invoked on: a tree node, a URI, a path, or nothing (the palette). */
export type Target = { dir?: string; root?: string } | vscode.Uri | string | undefined;

/** Resolves the project and feature a command is about, asking only when it cannot tell. */
export class FeaturePicker {
  constructor(
    private readonly model: WorkspaceModel,
    private readonly prompter: Prompter,
  ) {}

  /** The feature an argument names, else the active editor's, else the current one, else asks. */
  async feature(target: Target, title = 'Pick a feature'): Promise<IndexedFeature | undefined> {
    const p = pathOf(target);
    if (p) {
      const f = this.model.index.featureFor(p);
      if (f) return f;
    }
    const active = vscode.window.activeTextEditor?.document.uri.path;
    const fromEditor = active ? this.model.index.featureFor(active) : undefined;
    if (fromEditor) return fromEditor;
    const projects = this.model.index.projects;
    const currents = projects.map((x) => this.model.index.currentFeature(x)).filter((f): f is IndexedFeature => f !== undefined);
    if (currents.length === 1 && projects.length === 1) return currents[0];
    return this.pickFeature(projects, title);
  }

  /** Every feature as a quick pick, grouped by project, with phases; the current one marked. */
  async pickFeature(projects: readonly IndexedProject[], title: string): Promise<IndexedFeature | undefined> {
    type Item = vscode.QuickPickItem & { feature?: IndexedFeature };
    const items: Item[] = [];
    for (const project of projects) {
      if (projects.length > 1) items.push({ label: vscode.workspace.asRelativePath(this.model.uriFor(project.project.root)), kind: vscode.QuickPickItemKind.Separator });
      for (const f of project.features) {
        const current = project.current?.dir === f.feature.dir;
        items.push({
          label: `${current ? '$(target) ' : ''}${f.feature.name}`,
          description: f.status.label,
          detail: f.spec?.title?.value,
          feature: f,
        });
      }
    }
    if (!items.some((i) => i.feature)) {
      void vscode.window.showInformationMessage('There are no spec-kit features in this workspace yet. Create one with "Spec Kit: New Feature" or /speckit.specify.');
      return undefined;
    }
    const picked = await this.prompter.pick(items, { title, placeHolder: 'Feature (phase)', matchOnDescription: true, matchOnDetail: true });
    return picked?.feature;
  }

  /** The project a command is about: the argument's, the active editor's, the only one, or asks. */
  async project(target: Target, title = 'Pick a spec-kit project'): Promise<IndexedProject | undefined> {
    const p = pathOf(target);
    const projects = this.model.index.projects;
    if (p) {
      const found = this.model.index.projectFor(p);
      if (found) return found;
    }
    const active = vscode.window.activeTextEditor?.document.uri.path;
    const fromEditor = active ? this.model.index.projectFor(active) : undefined;
    if (fromEditor) return fromEditor;
    if (projects.length <= 1) return projects[0];
    const picked = await this.prompter.pick(
      projects.map((x) => ({ label: vscode.workspace.asRelativePath(this.model.uriFor(x.project.root)), description: `${x.features.length} features`, project: x })),
      { title },
    );
    return picked?.project;
  }
}

function pathOf(target: Target): string | undefined {
  if (!target) return undefined;
  if (typeof target === 'string') return target;
  if (target instanceof vscode.Uri) return target.path;
  return target.dir ?? target.root;
}
