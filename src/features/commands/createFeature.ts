import * as vscode from 'vscode';
import { type NewFeaturePlan } from '../../core/workspace/newFeature';
import { type IndexedProject } from '../../core/workspace/workspaceIndex';
import { editRefusal, unsavedAfterSave, WriteRefused } from '../../platform/edits';
import { type FeatureCreationServices, type FinishedFeature, finishFeature, prepareFeature } from '../../platform/featureCreation';

export interface CreatedFeature extends FinishedFeature {
  readonly plan: NewFeaturePlan;
  readonly specUri: vscode.Uri;
}

/**
 * The New Feature command: spec-kit's feature creation all in code — folder, spec.md from the
 * resolved template, `.specify/feature.json` and the branch. The chat's /speckit.specify uses the
 * same steps with the model's spec in place of the bare template.
 */
export async function createFeature(services: FeatureCreationServices, project: IndexedProject, description: string, shortName?: string): Promise<CreatedFeature> {
  const prepared = await prepareFeature(services, project, description, shortName);
  const { plan } = prepared;
  const specUri = services.model.uriFor(plan.specPath);
  // `specs/` may be a link; one that leads out of the workspace is not written through.
  const refused = await editRefusal(specUri);
  if (refused) throw new WriteRefused(`${plan.relDir}/spec.md is not created: ${refused}`);
  const edit = new vscode.WorkspaceEdit();
  edit.createFile(specUri, { contents: new TextEncoder().encode(plan.specText), ignoreIfExists: false });
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`Could not create ${plan.relDir}/spec.md.`);
  if ((await unsavedAfterSave([specUri])).length > 0) throw new Error(`Could not save ${plan.relDir}/spec.md.`);
  const finished = await finishFeature(services, project, prepared, 'modal');
  return { plan, specUri, ...finished };
}
