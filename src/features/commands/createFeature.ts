import * as vscode from 'vscode';
import { createBranch } from '../../core/workspace/git';
import { type NewFeaturePlan, planNewFeature } from '../../core/workspace/newFeature';
import { resolveTemplate } from '../../core/workspace/templates';
import { type IndexedProject } from '../../core/workspace/workspaceIndex';
import { type SpeckitExtension } from '../../app';
import { Settings } from '../../ids';
import { writeStateFile } from '../../platform/edits';
import { resolveProgram } from '../../platform/executables';
import { unsavedAfterSave } from '../chat/artifactWriter';
import { VscodeFileSystem } from '../../platform/vscodeFileSystem';

export interface PreparedFeature {
  readonly plan: NewFeaturePlan;
  /** The resolved spec template (overrides, presets, extensions, core, bundled). */
  readonly template: string;
  /** git may run here: a trusted workspace on local files. */
  readonly localGit: boolean;
}

export interface FinishedFeature {
  /** The branch created, when one was. */
  readonly branch: string | undefined;
  /** Why no branch was created although one was wanted. */
  readonly branchProblem: string | undefined;
  /** `ask` mode with `askWith: 'button'`: the caller offers the branch as a button. */
  readonly branchOffered: boolean;
}

/**
 * Everything deterministic about a new feature, decided before anything is written: number and
 * slug (over the top-level folders of `specs/`, as spec-kit's create-new-feature counts them), folder,
 * and the resolved spec template. Writes nothing, so a failed or cancelled chat request leaves no trace.
 */
export async function prepareFeature(app: SpeckitExtension, project: IndexedProject, description: string, shortName?: string): Promise<PreparedFeature> {
  const rootUri = app.model.uriFor(project.project.root);
  const localGit = vscode.workspace.isTrusted && rootUri.scheme === 'file';
  const fs = new VscodeFileSystem((p) => app.model.uriFor(p));
  const resolved = await resolveTemplate(fs, project.project, 'spec-template', vscode.Uri.joinPath(app.context.extensionUri, 'prompts', 'templates').path);
  const template = resolved?.content ?? '# Feature Specification: [FEATURE NAME]\n';
  const plan = planNewFeature({
    project: project.project,
    features: [...project.features.map((f) => f.feature), ...project.archived],
    description,
    template,
    ...(shortName ? { shortName } : {}),
  });
  try {
    await vscode.workspace.fs.stat(app.model.uriFor(plan.dir));
    throw new Error(`${plan.relDir} already exists; not overwriting it.`);
  } catch (e) {
    if (!(e instanceof vscode.FileSystemError)) throw e;
  }
  return { plan, template, localGit };
}

/** After spec.md is written: the current-feature pointer, then the git branch per `speckit.git.createBranch`. */
export async function finishFeature(app: SpeckitExtension, project: IndexedProject, prepared: PreparedFeature, askWith: 'modal' | 'button'): Promise<FinishedFeature> {
  const { plan, localGit } = prepared;
  await writeStateFile(app.model.uriFor(plan.featureJsonPath), plan.featureJsonText);
  const rootUri = app.model.uriFor(project.project.root);
  const mode = vscode.workspace.getConfiguration(Settings.section, rootUri).get<string>('git.createBranch', 'ask');
  let wanted = mode === 'always';
  if (mode === 'ask') {
    if (askWith === 'button') {
      await app.model.refreshNow([plan.featureJsonPath, plan.specPath]);
      return { branch: undefined, branchProblem: undefined, branchOffered: localGit };
    }
    wanted = (await app.prompter.confirm(`Create the git branch "${plan.branch}" for this feature?`, "spec-kit names a feature's branch after its folder.", 'Create Branch', 'No Branch')) === 'Create Branch';
  }
  const result = wanted ? await makeBranch(app, project.project.root, plan.branch, localGit) : { branch: undefined, branchProblem: undefined };
  await app.model.refreshNow([plan.featureJsonPath, plan.specPath]);
  app.log.info(`Created feature ${plan.relDir}${result.branch ? ` on branch ${result.branch}` : ''}${result.branchProblem ? ` (no branch: ${result.branchProblem})` : ''}`);
  return { ...result, branchOffered: false };
}

/** Creates and checks out a feature branch (the chat's "Create branch" button, and `always` mode). */
export async function makeBranch(app: SpeckitExtension, root: string, branch: string, localGit = true): Promise<{ branch: string | undefined; branchProblem: string | undefined }> {
  const rootUri = app.model.uriFor(root);
  if (!localGit || !vscode.workspace.isTrusted || rootUri.scheme !== 'file') {
    return { branch: undefined, branchProblem: 'git branches are only created in a trusted workspace on local files' };
  }
  const git = resolveProgram({ name: 'git', trusted: vscode.workspace.isTrusted });
  if (!git.ok) return { branch: undefined, branchProblem: `git cannot be run: ${git.reason}` };
  const result = await createBranch(rootUri.fsPath, branch, { gitPath: git.path });
  return result.ok ? { branch, branchProblem: undefined } : { branch: undefined, branchProblem: result.message };
}

export interface CreatedFeature extends FinishedFeature {
  readonly plan: NewFeaturePlan;
  readonly specUri: vscode.Uri;
}

/**
 * The New Feature command: spec-kit's feature creation all in code — folder, spec.md from the
 * resolved template, `.specify/feature.json` and the branch. The chat's /speckit.specify uses the
 * same steps with the model's spec in place of the bare template.
 */
export async function createFeature(app: SpeckitExtension, project: IndexedProject, description: string, shortName?: string): Promise<CreatedFeature> {
  const prepared = await prepareFeature(app, project, description, shortName);
  const { plan } = prepared;
  const specUri = app.model.uriFor(plan.specPath);
  const edit = new vscode.WorkspaceEdit();
  edit.createFile(specUri, { contents: new TextEncoder().encode(plan.specText), ignoreIfExists: false });
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`Could not create ${plan.relDir}/spec.md.`);
  if ((await unsavedAfterSave([specUri])).length > 0) throw new Error(`Could not save ${plan.relDir}/spec.md.`);
  const finished = await finishFeature(app, project, prepared, 'modal');
  return { plan, specUri, ...finished };
}
