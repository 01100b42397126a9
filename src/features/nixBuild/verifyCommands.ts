import * as vscode from 'vscode';
import { type NixAction } from '../../core/nix/nixInvocation';
import { NixRefusal } from '../../platform/nix/nixRunner';
import { type TaskRef, type VerificationResult, type VerificationService } from '../../platform/nix/verification';
import { setTaskDone } from '../../platform/taskState';
import { type WorkspaceModel } from '../../platform/workspaceModel';

export interface VerifyTaskArg {
  readonly uri: vscode.Uri | string;
  readonly taskId: string;
}
export interface VerifyTaskResult extends VerificationResult {
  readonly ticked: boolean;
}
export interface ChooseVerificationArg {
  readonly uri?: vscode.Uri | string;
  readonly flake?: string;
  readonly host?: string;
  readonly action?: 'build-host' | 'flake-check';
}

/** Build-gated tasks: choose a project's verification, and verify a task (ticked only when it passes). */
export class TaskVerificationCommands {
  constructor(
    private readonly verification: VerificationService,
    private readonly model: WorkspaceModel,
  ) {}

  async choose(arg?: ChooseVerificationArg): Promise<{ flake: string; action: NixAction } | undefined> {
    const uri = toUri(arg?.uri) ?? vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!uri) return undefined;
    const preset = arg?.host ? { flake: arg.flake, action: { kind: 'build-host', host: arg.host } as NixAction } : arg?.action === 'flake-check' ? { flake: arg.flake, action: { kind: 'flake-check' } as NixAction } : undefined;
    const target = await this.verification.choose(uri, preset);
    return target?.kind === 'nix' ? { flake: target.flake.dir, action: target.action } : undefined;
  }

  async verify(arg?: VerifyTaskArg): Promise<VerifyTaskResult> {
    const uri = toUri(arg?.uri) ?? vscode.window.activeTextEditor?.document.uri;
    if (!uri || !arg?.taskId) throw new NixRefusal('verify a task from its CodeLens, or pass { uri, taskId }.');
    const ref: TaskRef = { uri, taskId: arg.taskId };
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Verifying ${arg.taskId}`, cancellable: true },
      (_progress, token) => this.verification.verify(ref, token),
    );
    const ticked = result.ok ? (await setTaskDone(this.model, ref.uri, ref.taskId, true)) === 'changed' : false;
    if (result.ok) void vscode.window.showInformationMessage(`${arg.taskId} verified in ${(result.durationMs / 1000).toFixed(1)} s${ticked ? ' and ticked' : ''}.`);
    else void vscode.window.showWarningMessage(`${arg.taskId} stays open: the verification failed (exit code ${result.exitCode ?? '?'}).`, 'Show Problems').then((c) => c && vscode.commands.executeCommand('workbench.actions.view.problems'));
    return { ...result, ticked };
  }
}

/** A URI as commands receive it: a Uri, a URI string, or a file path. */
function toUri(v: vscode.Uri | string | undefined): vscode.Uri | undefined {
  if (!v) return undefined;
  return typeof v === 'string' ? (v.includes(':') && !v.startsWith('/') ? vscode.Uri.parse(v) : vscode.Uri.file(v)) : v;
}
