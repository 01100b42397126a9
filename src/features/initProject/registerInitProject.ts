import * as path from 'node:path/posix';
import * as vscode from 'vscode';
import { planInit, TEMPLATE_NAMES } from '../../core/workspace/initProject';
import { Commands, Views } from '../../ids';
import { slash } from '../../platform/chat';
import { editRefusal, unsavedAfterSave } from '../../platform/edits';
import { type SpeckitServices } from '../../platform/services';
import { type Templates } from '../../platform/templates';

/**
 * Spec Kit: Initialize Project — the spec-kit 1.0 layout (`.specify/memory/constitution.md`,
 * `.specify/templates/*`, `init-options.json`) as `specify init --here` writes it, without Python.
 * It shows what it will create first, never replaces a constitution, and asks before replacing
 * any other file. One undo step.
 */
export function registerInitProject(services: SpeckitServices): void {
  const { model, prompter, log } = services;
  services.own(
    vscode.commands.registerCommand(Commands.initProject, async (target?: string | vscode.Uri) => {
      const folder = await pickFolder(services, target);
      if (!folder) return undefined;
      const root = folder.path;
      const templates = await bundledTemplates(services.templates);
      const candidates = planInit(root, templates, new Set());
      const existing = new Set<string>();
      for (const f of candidates) {
        try {
          await vscode.workspace.fs.stat(model.uriFor(f.path));
          existing.add(f.path);
        } catch {
          // Not there: it will be created.
        }
      }
      const files = planInit(root, templates, existing);
      const rel = (p: string): string => path.relative(root, p);
      // A path that leads out of the folder (a link, even a dangling one) is never written through.
      const refused = new Map<string, string>();
      for (const f of files) {
        const why = await editRefusal(model.uriFor(f.path));
        if (why) refused.set(f.path, why);
      }
      const create = files.filter((f) => !f.exists && !refused.has(f.path));
      const kept = files.filter((f) => f.exists && !refused.has(f.path));
      const leftAlone = files.filter((f) => refused.has(f.path)).map((f) => `  ${refused.get(f.path)!}`);
      if (create.length === 0 && kept.every((f) => f.protected)) {
        if (leftAlone.length > 0) void vscode.window.showWarningMessage(`Spec Kit wrote nothing: ${leftAlone.map((l) => l.trim()).join('; ')}.`);
        else void vscode.window.showInformationMessage('This folder already has the spec-kit layout.');
        return [];
      }
      const detail = [
        create.length ? `Creates:\n${create.map((f) => `  ${rel(f.path)}`).join('\n')}` : '',
        kept.length ? `Already there, kept as they are:\n${kept.map((f) => `  ${rel(f.path)}`).join('\n')}` : '',
        leftAlone.length ? `Left alone (never written through):\n${leftAlone.join('\n')}` : '',
      ]
        .filter(Boolean)
        .join('\n\n');
      const go = await prompter.confirm(`Initialize Spec Kit in ${vscode.workspace.asRelativePath(folder) || path.basename(root)}?`, detail, `Create ${create.length} File${create.length === 1 ? '' : 's'}`);
      if (!go) return undefined;
      let overwrite: typeof files = [];
      const replaceable = kept.filter((f) => !f.protected);
      if (replaceable.length > 0) {
        const answer = await prompter.confirm(
          `Replace ${replaceable.length} existing file${replaceable.length === 1 ? '' : 's'} with the bundled version?`,
          `${replaceable.map((f) => rel(f.path)).join('\n')}\n\nThe constitution is never replaced.`,
          'Replace',
          'Keep Mine',
        );
        if (answer === 'Replace') overwrite = replaceable;
      }

      const edit = new vscode.WorkspaceEdit();
      const written = [...create, ...overwrite];
      for (const f of written) {
        edit.createFile(model.uriFor(f.path), { contents: new TextEncoder().encode(f.content), overwrite: f.exists });
      }
      if (!(await vscode.workspace.applyEdit(edit))) {
        void vscode.window.showErrorMessage('Spec Kit could not create the project files.');
        return undefined;
      }
      const unsaved = await unsavedAfterSave(written.map((f) => model.uriFor(f.path)));
      if (unsaved.length > 0) void vscode.window.showWarningMessage(`Spec Kit could not save ${unsaved.map((u) => vscode.workspace.asRelativePath(u)).join(', ')}.`);
      await model.refreshNow([path.join(root, '.specify')]);
      log.info(`Initialized spec-kit in ${root}: ${written.length} file(s) written`);
      void vscode.commands.executeCommand(`${Views.specs}.focus`);
      const constitution = files.find((f) => f.protected)!;
      if (!constitution.exists) {
        void vscode.window
          .showInformationMessage(`Spec Kit is set up. Next: write the project principles with @speckit ${slash('constitution')}.`, 'Open Constitution')
          .then((c) => (c ? vscode.window.showTextDocument(model.uriFor(constitution.path)) : undefined));
      }
      return written.map((f) => f.path);
    }),
  );
}

async function pickFolder({ model, prompter }: Pick<SpeckitServices, 'model' | 'prompter'>, target?: string | vscode.Uri): Promise<vscode.Uri | undefined> {
  if (target instanceof vscode.Uri) return target;
  if (typeof target === 'string') return model.uriFor(target);
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showInformationMessage('Open a folder first: Spec Kit keeps its files in the workspace.');
    return undefined;
  }
  if (folders.length === 1) return folders[0]!.uri;
  const picked = await prompter.pick(
    folders.map((f) => ({ label: f.name, description: f.uri.fsPath, folder: f })),
    { title: 'Initialize Spec Kit in which folder?' },
  );
  return picked?.folder.uri;
}

async function bundledTemplates(templates: Templates): Promise<Record<(typeof TEMPLATE_NAMES)[number], string>> {
  const entries = await Promise.all(TEMPLATE_NAMES.map(async (name) => [name, await templates.bundled(name)] as const));
  return Object.fromEntries(entries) as Record<(typeof TEMPLATE_NAMES)[number], string>;
}
