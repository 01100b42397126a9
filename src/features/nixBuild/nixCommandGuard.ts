import * as vscode from 'vscode';
import { NixCommands } from '../../ids';
import { NixRefusal, type NixRunResult } from '../../platform/nix/nixRunner';
import { type TrustGate } from '../../platform/nix/trust';

/**
 * Wraps every Nix command: refuses when the workspace is not trusted, and turns a refusal or an
 * error into one clear message (with the way to install Nix when it is missing) instead of a throw.
 */
export function nixCommandGuard(trust: TrustGate, log: vscode.LogOutputChannel) {
  return <A extends unknown[], R>(what: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R | undefined> => {
      if (!trust.check(what)) return undefined;
      try {
        return await fn(...args);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        log.warn(`${what}: ${message}`);
        if (e instanceof NixRefusal && /not installed/.test(message)) {
          void vscode.window.showWarningMessage(message, 'Open nixos.org/download').then((c) => c && vscode.env.openExternal(vscode.Uri.parse('https://nixos.org/download')));
        } else {
          void vscode.window.showWarningMessage(`Spec Kit could not ${what}: ${message}`);
        }
        return undefined;
      }
    };
}

/** Reports a finished run: a warning with the way to the problems or the log when it failed. */
export function reportNixRun(r: NixRunResult): void {
  if (r.ok || r.cancelled) return;
  const actions = r.drvPath ? ['Show Build Log', 'Show Problems'] : ['Show Problems'];
  void vscode.window.showWarningMessage(`Nix ${r.label} failed (exit code ${r.exitCode ?? '?'}): ${r.firstError ?? 'see the terminal'}`, ...actions).then((choice) => {
    if (choice === 'Show Build Log' && r.drvPath) void vscode.commands.executeCommand(NixCommands.showBuildLog, r.drvPath);
    if (choice === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
  });
}
