import * as vscode from 'vscode';
import { createBranch, listBranchNames } from '../../core/workspace/git';
import { type NewFeaturePlan, planNewFeature } from '../../core/workspace/newFeature';
import { resolveTemplate } from '../../core/workspace/templates';
import { type IndexedProject } from '../../core/workspace/workspaceIndex';
import { type SpeckitExtension } from '../../app';
import { Settings } from '../../ids';
import { writeStateFile } from '../../platform/edits';
import { VscodeFileSystem } from '../../platform/vscodeFileSystem';

export interface CreatedFeature {
  readonly plan: NewFeaturePlan;
  readonly specUri: vscode.Uri;
  /** The branch created, when one was. */
  readonly branch: string | undefined;
  /** Why no branch was created although one was wanted. */
  readonly branchProblem: string | undefined;
}

/**
 * Creates a feature the way spec-kit does, all in code: number and slug, `specs/NNN-slug/spec.md`
 * from the resolved template, `.specify/feature.json`, and a git branch per
 * `speckit.git.createBranch`. Used by the New Feature command and by /speckit.specify.
 */
export async function createFeature(app: SpeckitExtension, project: IndexedProject, description: string, shortName?: string): Promise<CreatedFeature> {
  const root = project.project.root;
  const rootUri = app.model.uriFor(root);
  const localGit = vscode.workspace.isTrusted && rootUri.scheme === 'file';
  // Branch names count for numbering (spec-kit's git extension scans them); git only runs when trusted.
  const branches = localGit ? await listBranchNames(rootUri.fsPath) : undefined;
  const fs = new VscodeFileSystem((p) => app.model.uriFor(p));
  const template = await resolveTemplate(fs, project.project, 'spec-template', vscode.Uri.joinPath(app.context.extensionUri, 'prompts', 'templates').path);
  const plan = planNewFeature({
    project: project.project,
    features: [...project.features.map((f) => f.feature), ...project.archived],
    description,
    template: template?.content ?? '# Feature Specification: [FEATURE NAME]\n',
    branchNames: branches?.ok ? branches.value : [],
    ...(shortName ? { shortName } : {}),
  });
  const specUri = app.model.uriFor(plan.specPath);
  try {
    await vscode.workspace.fs.stat(app.model.uriFor(plan.dir));
    throw new Error(`${plan.relDir} already exists; not overwriting it.`);
  } catch (e) {
    if (!(e instanceof vscode.FileSystemError)) throw e;
  }

  const edit = new vscode.WorkspaceEdit();
  edit.createFile(specUri, { contents: new TextEncoder().encode(plan.specText), ignoreIfExists: false });
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`Could not create ${plan.relDir}/spec.md.`);
  await vscode.workspace.save(specUri);
  await writeStateFile(app.model.uriFor(plan.featureJsonPath), plan.featureJsonText);

  let branch: string | undefined;
  let branchProblem: string | undefined;
  const mode = vscode.workspace.getConfiguration(Settings.section, rootUri).get<string>('git.createBranch', 'ask');
  let wanted = mode === 'always';
  if (mode === 'ask') {
    wanted = (await app.prompter.confirm(`Create the git branch "${plan.branch}" for this feature?`, 'spec-kit names a feature\'s branch after its folder.', 'Create Branch', 'No Branch')) === 'Create Branch';
  }
  if (wanted) {
    if (!localGit) {
      branchProblem = 'git branches are only created in a trusted workspace on local files';
    } else {
      const result = await createBranch(rootUri.fsPath, plan.branch);
      if (result.ok) branch = plan.branch;
      else branchProblem = result.message;
    }
  }
  app.log.info(`Created feature ${plan.relDir}${branch ? ` on branch ${branch}` : ''}${branchProblem ? ` (no branch: ${branchProblem})` : ''}`);
  return { plan, specUri, branch, branchProblem };
}
