import type * as vscode from 'vscode';
import { type Prompter } from '../prompter';
import { FlakeRegistry } from './flakeRegistry';
import { NixDiagnostics } from './nixDiagnostics';
import { NixRunner } from './nixRunner';
import { NixStatusBar } from './nixStatusBar';
import { TrustGate } from './trust';
import { VerificationService } from './verification';

/**
 * Nix builds and build-gated verification: the workspace's flakes, the runner that builds them in
 * task terminals, the Problems they report, the status bar, the trust gate and per-task verification.
 * Built once by the composition root; the Nix commands, the Spec Explorer's hosts, the task lenses,
 * the agent tools and /speckit.implement all use these same objects.
 */
export interface NixServices {
  readonly trust: TrustGate;
  readonly registry: FlakeRegistry;
  readonly diagnostics: NixDiagnostics;
  readonly runner: NixRunner;
  readonly statusBar: NixStatusBar;
  readonly verification: VerificationService;
}

/** Creates the Nix services; `own` takes each disposable for the extension's lifetime. */
export function createNixServices(
  log: vscode.LogOutputChannel,
  state: vscode.Memento,
  prompter: Prompter,
  own: <T extends vscode.Disposable>(item: T) => T,
): NixServices {
  const trust = new TrustGate();
  const registry = own(new FlakeRegistry(log, trust));
  const diagnostics = own(new NixDiagnostics(registry.fs));
  const runner = own(new NixRunner(registry, diagnostics, trust, log));
  const statusBar = own(new NixStatusBar(registry, runner));
  const verification = own(new VerificationService(state, registry, runner, prompter));
  return { trust, registry, diagnostics, runner, statusBar, verification };
}
