import * as path from 'node:path/posix';
import * as vscode from 'vscode';
import { type NextCommand } from '../../core/status/featureStatus';
import { nextStepTitle } from '../../core/status/presentation';
import { featureJsonText } from '../../core/workspace/currentFeature';
import { openspecChangeAt } from '../../core/workspace/openspecIndex';
import { type IndexedFeature, type IndexedProject } from '../../core/workspace/workspaceIndex';
import { Commands } from '../../ids';
import { sendToChat, slash } from '../../platform/chat';
import { writeStateFile, WriteRefused } from '../../platform/edits';
import { type Target } from '../../platform/featurePicker';
import { type SpeckitServices } from '../../platform/services';
import { type WorkspaceModel } from '../../platform/workspaceModel';
import { createFeature } from './createFeature';

/** Palette and context-menu commands about features: create, switch, open, and hand off to chat. */
export function registerFeatureCommands(services: SpeckitServices): void {
  const { model, picker, prompter } = services;
  const chatFor = (command: NextCommand | 'analyze') => async (target?: Target): Promise<void> => {
    // An OpenSpec change (its Spec Explorer node): the request names it.
    const dir = target && typeof target === 'object' && !(target instanceof vscode.Uri) ? target.dir : undefined;
    const change = dir ? openspecChangeAt(model.index.openspecProjects, dir)?.change : undefined;
    if (change) {
      await sendToChat(command, change.id);
      return;
    }
    const feature = await picker.feature(target, `Feature to ${command}`);
    if (!feature) return;
    if (!(await makeCurrent(model, feature))) return;
    await sendToChat(command);
  };

  services.own(
    vscode.commands.registerCommand(Commands.newFeature, async (target?: Target) => {
      const project = await picker.project(target, 'Project for the new feature');
      if (!project) {
        const init = await vscode.window.showInformationMessage('This workspace has no spec-kit project yet.', 'Initialize Project');
        if (init) await vscode.commands.executeCommand(Commands.initProject);
        return undefined;
      }
      const description = await prompter.input({
        title: 'New Feature',
        prompt: 'Describe the feature in a sentence or two (what and why, not how)',
        placeHolder: 'Add PostgreSQL 15 with automatic daily encrypted backups',
        validateInput: (v) => (v.trim() ? undefined : 'A short description is needed to name the feature'),
        ignoreFocusOut: true,
      });
      if (!description?.trim()) return undefined;
      try {
        const created = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Creating the feature…' }, () =>
          createFeature(services, project, description),
        );
        await vscode.window.showTextDocument(created.specUri, { preview: false });
        const note = created.branch ? ` on branch ${created.branch}` : created.branchProblem ? ` (no branch: ${created.branchProblem})` : '';
        if (created.pointerProblem) void vscode.window.showWarningMessage(`Created ${created.plan.relDir}${note}, but it is not the current feature: ${created.pointerProblem}.`);
        else void vscode.window.showInformationMessage(`Created ${created.plan.relDir}${note}. Describe it with @speckit ${slash('specify')}, or edit spec.md.`);
        return created.plan.dir;
      } catch (e) {
        const message = `Could not create the feature: ${e instanceof Error ? e.message : String(e)}`;
        void (e instanceof WriteRefused ? vscode.window.showWarningMessage(message) : vscode.window.showErrorMessage(message));
        return undefined;
      }
    }),

    vscode.commands.registerCommand(Commands.switchFeature, async () => {
      const feature = await picker.pickFeature(model.index.projects, 'Switch the current feature');
      if (feature && !(await makeCurrent(model, feature))) return undefined;
      return feature?.feature.dir;
    }),

    vscode.commands.registerCommand(Commands.setCurrentFeature, async (target?: Target) => {
      const feature = await picker.feature(target, 'Set the current feature');
      if (feature) await makeCurrent(model, feature);
    }),

    vscode.commands.registerCommand(Commands.openConstitution, async (target?: Target) => {
      const project = await picker.project(target);
      if (!project) return;
      const file = project.project.constitutionPath;
      if (file) {
        await vscode.window.showTextDocument(model.uriFor(file));
        return;
      }
      const choice = await vscode.window.showInformationMessage(
        'This project has no constitution yet.',
        'Write it with @speckit',
        'Initialize Project',
      );
      if (choice === 'Initialize Project') await vscode.commands.executeCommand(Commands.initProject, project.project.root);
      else if (choice) await sendToChat('constitution');
    }),

    vscode.commands.registerCommand(Commands.openNextArtifact, async (target?: Target) => {
      const feature = await picker.feature(target, 'Open the next artifact of');
      if (!feature) return;
      const file = nextArtifact(feature);
      if (file) await vscode.window.showTextDocument(model.uriFor(file), { preview: false });
      const next = feature.status.next;
      if (next && !file) {
        const run = await vscode.window.showInformationMessage(`${feature.feature.name}: ${nextStepTitle(next)} with ${slash(next)}.`, `Run ${slash(next)}`);
        if (run) await chatFor(next)(feature.feature.dir);
      }
    }),

    vscode.commands.registerCommand(Commands.runNextStep, async (target?: Target) => {
      const feature = await picker.feature(target, 'Run the next step of');
      if (!feature?.status.next) return;
      if (!(await makeCurrent(model, feature))) return;
      await sendToChat(feature.status.next);
    }),

    vscode.commands.registerCommand(Commands.clarifyFeature, chatFor('clarify')),
    vscode.commands.registerCommand(Commands.planFeature, chatFor('plan')),
    vscode.commands.registerCommand(Commands.tasksFeature, chatFor('tasks')),
    vscode.commands.registerCommand(Commands.analyzeFeature, chatFor('analyze')),
    vscode.commands.registerCommand(Commands.implementFeature, chatFor('implement')),
  );
}

/**
 * Points `.specify/feature.json` at a feature, as spec-kit's /speckit.specify does. False (the
 * user is told why) when the pointer cannot be written: what acts on the current feature stops.
 */
export async function makeCurrent(model: WorkspaceModel, feature: IndexedFeature): Promise<boolean> {
  const project = model.index.projectFor(feature.feature.dir);
  if (!project || project.current?.dir === feature.feature.dir) return true;
  try {
    await writeStateFile(model.uriFor(featureJsonPath(project)), featureJsonText(feature.feature.relDir));
  } catch (e) {
    void vscode.window.showWarningMessage(`${feature.feature.name} was not made the current feature: ${e instanceof Error ? e.message : String(e)}.`);
    return false;
  }
  await model.refreshNow([featureJsonPath(project)]);
  return true;
}

export function featureJsonPath(project: IndexedProject): string {
  return path.join(project.project.specifyDir ?? path.join(project.project.root, '.specify'), 'feature.json');
}

/** The file a person works on in this phase: the spec until it is planned, the plan, then the tasks. */
function nextArtifact(f: IndexedFeature): string | undefined {
  const files = f.feature.files;
  switch (f.status.phase) {
    case 'no-spec':
      return undefined;
    case 'draft':
    case 'specified':
    case 'clarified':
      return files.spec?.path;
    case 'planned':
      return files.plan?.path ?? files.spec?.path;
    default:
      return files.tasks?.path ?? files.plan?.path;
  }
}
