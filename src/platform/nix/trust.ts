import * as vscode from 'vscode';

/**
 * Whether Nix may run: building evaluates flake.nix, which is code from the workspace. Tests
 * cannot open an untrusted window (the harness passes --disable-workspace-trust), so they set
 * `override` to drive the refusal through the same code path.
 */
export class TrustGate {
  override: boolean | undefined;

  isTrusted(): boolean {
    return this.override ?? vscode.workspace.isTrusted;
  }

  /** true when trusted; otherwise says why nothing runs, once per call, and returns false. */
  check(what: string): boolean {
    if (this.isTrusted()) return true;
    void vscode.window.showWarningMessage(
      `Spec Kit does not ${what} in an untrusted workspace: it would evaluate flake.nix and run code from this folder. Trust the workspace to enable Nix builds.`,
      'Manage Workspace Trust',
    ).then((choice) => choice && vscode.commands.executeCommand('workbench.trust.manage'));
    return false;
  }
}
