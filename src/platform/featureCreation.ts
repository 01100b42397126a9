import * as vscode from 'vscode';
import { createBranch } from '../core/workspace/git';
import { resolveProgram } from './executables';
import { type NewFeaturePlan, planNewFeature } from '../core/workspace/newFeature';
import { type IndexedProject } from '../core/workspace/workspaceIndex';
import { Settings } from '../ids';
import { writeStateFile } from './edits';
import { type SpeckitServices } from './services';

/** What creating a feature needs of the services. */
export type FeatureCreationServices = Pick<SpeckitServices, 'model' | 'prompter' | 'log' | 'templates'>;

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
  /** Why `.specify/feature.json` was not pointed at the feature (a link there, say); the rest went on. */
  readonly pointerProblem: string | undefined;
}

/**
 * Everything deterministic about a new feature, decided before anything is written: number and
 * slug (over the top-level folders of `specs/`, as spec-kit's create-new-feature counts them), folder,
 * and the resolved spec template. Writes nothing, so a failed or cancelled chat request leaves no
 * trace. Shared by the New Feature command and /speckit.specify.
 */
export async function prepareFeature(services: FeatureCreationServices, project: IndexedProject, description: string, shortName?: string): Promise<PreparedFeature> {
  const { model } = services;
  const rootUri = model.uriFor(project.project.root);
  const localGit = vscode.workspace.isTrusted && rootUri.scheme === 'file';
  const template = (await services.templates.resolve(project.project, 'spec-template')) ?? '# Feature Specification: [FEATURE NAME]\n';
  const plan = planNewFeature({
    project: project.project,
    features: [...project.features.map((f) => f.feature), ...project.archived],
    description,
    template,
    ...(shortName ? { shortName } : {}),
  });
  try {
    await vscode.workspace.fs.stat(model.uriFor(plan.dir));
    throw new Error(`${plan.relDir} already exists; not overwriting it.`);
  } catch (e) {
    if (!(e instanceof vscode.FileSystemError)) throw e;
  }
  return { plan, template, localGit };
}

/**
 * After spec.md is written: the current-feature pointer, then the git branch per
 * `speckit.git.createBranch` — unless the git extension's `speckit.git.feature` hook already made
 * the branch (`hookBranch`), which then is the feature's branch, named the extension's way.
 */
export async function finishFeature(services: FeatureCreationServices, project: IndexedProject, prepared: PreparedFeature, askWith: 'modal' | 'button', hookBranch?: string): Promise<FinishedFeature> {
  const { model } = services;
  const { plan, localGit } = prepared;
  const pointerProblem = await writeStateFile(model.uriFor(plan.featureJsonPath), plan.featureJsonText).then(
    () => undefined,
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );
  if (pointerProblem) services.log.warn(`Created feature ${plan.relDir}, but it is not the current feature: ${pointerProblem}`);
  if (hookBranch !== undefined) {
    await model.refreshNow([plan.featureJsonPath, plan.specPath]);
    services.log.info(`Created feature ${plan.relDir} on branch ${hookBranch} (made by the git extension's speckit.git.feature hook)`);
    return { branch: hookBranch, branchProblem: undefined, branchOffered: false, pointerProblem };
  }
  const rootUri = model.uriFor(project.project.root);
  const mode = vscode.workspace.getConfiguration(undefined, rootUri).get<string>(Settings.gitCreateBranch, 'ask');
  let wanted = mode === 'always';
  if (mode === 'ask') {
    if (askWith === 'button') {
      await model.refreshNow([plan.featureJsonPath, plan.specPath]);
      return { branch: undefined, branchProblem: undefined, branchOffered: localGit, pointerProblem };
    }
    wanted = (await services.prompter.confirm(`Create the git branch "${plan.branch}" for this feature?`, "spec-kit names a feature's branch after its folder.", 'Create Branch', 'No Branch')) === 'Create Branch';
  }
  const result = wanted ? await makeBranch(services, project.project.root, plan.branch, localGit) : { branch: undefined, branchProblem: undefined };
  await model.refreshNow([plan.featureJsonPath, plan.specPath]);
  services.log.info(`Created feature ${plan.relDir}${result.branch ? ` on branch ${result.branch}` : ''}${result.branchProblem ? ` (no branch: ${result.branchProblem})` : ''}`);
  return { ...result, branchOffered: false, pointerProblem };
}

/** Creates and checks out a feature branch (the chat's "Create branch" button, and `always` mode). */
export async function makeBranch(services: Pick<SpeckitServices, 'model'>, root: string, branch: string, localGit = true): Promise<{ branch: string | undefined; branchProblem: string | undefined }> {
  const rootUri = services.model.uriFor(root);
  if (!localGit || !vscode.workspace.isTrusted || rootUri.scheme !== 'file') {
    return { branch: undefined, branchProblem: 'git branches are only created in a trusted workspace on local files' };
  }
  const git = resolveProgram({ name: 'git', trusted: vscode.workspace.isTrusted });
  if (!git.ok) return { branch: undefined, branchProblem: `git cannot be run: ${git.reason}` };
  const result = await createBranch(rootUri.fsPath, branch, { gitPath: git.path });
  return result.ok ? { branch, branchProblem: undefined } : { branch: undefined, branchProblem: result.message };
}
