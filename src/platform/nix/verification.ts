import * as path from 'node:path';
import * as vscode from 'vscode';
import { type FlakeInfo } from '../../core/nix/flakeDiscovery';
import { type NixAction, describeAction, displayCommand } from '../../core/nix/nixInvocation';
import { Settings } from '../../ids';
import { type Prompter } from '../prompter';
import { type FlakeRegistry } from './flakeRegistry';
import { type NixRunResult, type NixRunner, checkAction } from './nixRunner';

/** A task in a tasks.md. */
export interface TaskRef {
  readonly uri: vscode.Uri;
  readonly taskId: string;
}

export interface VerificationResult {
  readonly ok: boolean;
  readonly exitCode: number | undefined;
  readonly output: string;
  readonly durationMs: number;
}

/** What is kept per task (workspaceState): enough for a lens title such as "✓ built 12s ago". */
export interface StoredVerification {
  readonly ok: boolean;
  readonly exitCode: number | undefined;
  readonly durationMs: number;
  readonly finishedAt: number;
  /** The verification that ran, e.g. "build ovh-cloud". */
  readonly label: string;
}

/** The verification of a workspace folder: a Nix action on a discovered flake, or the user's command line. */
export type VerificationTarget =
  | { readonly kind: 'nix'; readonly flake: FlakeInfo; readonly action: NixAction }
  | { readonly kind: 'command'; readonly commandLine: string; readonly cwd: string };

interface StoredChoice {
  readonly flakeDir: string;
  readonly action: NixAction;
}

const CHOICES_KEY = 'speckit.verify.choices';
const RESULTS_KEY = 'speckit.verify.results';
const MAX_OUTPUT = 64_000;

/**
 * Per-project verification for build-gated tasks: `speckit.verify.command` when set, else the host
 * build of a flake with one host, else the host the user picked (remembered per workspace folder).
 * The CodeLens "Build & verify" and /speckit.implement use `verify()`; the last result per task is
 * kept in memory and in workspaceState.
 */
export class VerificationService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TaskRef>();
  /** Fires when a task's last result changes. */
  readonly onDidChangeResult = this.changed.event;
  private readonly outputs = new Map<string, string>();

  constructor(
    private readonly state: vscode.Memento,
    private readonly registry: FlakeRegistry,
    private readonly runner: NixRunner,
    private readonly prompter: Prompter,
  ) {}

  /**
   * Runs the verification of the task's project: `expected` when the caller showed and confirmed
   * one (so what runs is what was shown), else the configured one. Throws when nothing is
   * configured and the user chose nothing.
   */
  async verify(ref: TaskRef, token?: vscode.CancellationToken, expected?: VerificationTarget): Promise<VerificationResult> {
    const target = expected ?? (await this.target(ref.uri, true));
    if (!target) throw new Error('No verification is configured: set speckit.verify.command, or pick a host with "Spec Kit: Choose Verification".');
    const run: NixRunResult =
      target.kind === 'nix'
        ? await this.runner.run(target.flake, target.action, token)
        : await this.runner.runCommandLine(target.cwd, target.commandLine, `verify ${ref.taskId}`, token);
    const result: VerificationResult = { ok: run.ok, exitCode: run.exitCode, output: run.output.slice(-MAX_OUTPUT), durationMs: run.durationMs };
    const key = keyOf(ref);
    this.outputs.set(key, result.output);
    const stored: StoredVerification = { ok: run.ok, exitCode: run.exitCode, durationMs: run.durationMs, finishedAt: Date.now(), label: run.label };
    await this.state.update(RESULTS_KEY, { ...this.state.get<Record<string, StoredVerification>>(RESULTS_KEY, {}), [key]: stored });
    this.changed.fire(ref);
    return result;
  }

  /** The exact program and arguments a target runs, as a user would type them (for every confirmation). */
  commandLine(target: VerificationTarget): string {
    try {
      return target.kind === 'command'
        ? `${displayCommand(this.runner.shellInvocation(target.commandLine))}   # in ${target.cwd}`
        : `${displayCommand(this.runner.invocation(target.flake, target.action))}   # in ${target.flake.dir}`;
    } catch (e) {
      const what = target.kind === 'command' ? target.commandLine : describeAction(target.action);
      return `${what}   # cannot run: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  /** The last result of a task's verification, if it ever ran (survives reloads). */
  lastResult(ref: TaskRef): (StoredVerification & { readonly output?: string }) | undefined {
    const key = keyOf(ref);
    const stored = this.state.get<Record<string, StoredVerification>>(RESULTS_KEY, {})[key];
    return stored && { ...stored, output: this.outputs.get(key) };
  }

  /** A short label for a lens: "✓ build ovh-cloud" / "✗ exit 1". */
  describe(ref: TaskRef): string | undefined {
    const r = this.lastResult(ref);
    return r && (r.ok ? `✓ ${r.label}` : `✗ ${r.label} (exit ${r.exitCode ?? '?'})`);
  }

  /** What `verify` would run for a file in this folder; asks (and remembers) only when `ask`. */
  async target(uri: vscode.Uri, ask: boolean): Promise<VerificationTarget | undefined> {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const cwd = folder?.uri.fsPath ?? path.dirname(uri.fsPath);
    const configured = vscode.workspace.getConfiguration(undefined, uri).get<string>(Settings.verifyCommand)?.trim();
    if (configured) return { kind: 'command', commandLine: configured, cwd };

    const flakes = (await this.registry.all()).filter((f) => f.dir === cwd || f.dir.startsWith(cwd + path.sep) || cwd.startsWith(f.dir + path.sep));
    const remembered = this.state.get<Record<string, StoredChoice>>(CHOICES_KEY, {})[folderKey(uri)];
    if (remembered) {
      const flake = flakes.find((f) => f.dir === remembered.flakeDir);
      if (flake && !checkAction(flake, remembered.action)) return { kind: 'nix', flake, action: remembered.action };
    }
    const hosts = flakes.flatMap((flake) => flake.outputs.nixosConfigurations.map((host) => ({ flake, host })));
    if (hosts.length === 1) return { kind: 'nix', flake: hosts[0]!.flake, action: { kind: 'build-host', host: hosts[0]!.host } };
    if (!ask || flakes.length === 0) return undefined;
    return this.choose(uri);
  }

  /** Asks which verification this folder uses (or takes `preset`), and remembers it. */
  async choose(uri: vscode.Uri, preset?: { flake?: string; action: NixAction }): Promise<VerificationTarget | undefined> {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const cwd = folder?.uri.fsPath ?? path.dirname(uri.fsPath);
    const flakes = (await this.registry.all()).filter((f) => f.dir === cwd || f.dir.startsWith(cwd + path.sep));
    let chosen: { flake: FlakeInfo; action: NixAction } | undefined;
    if (preset) {
      const dir = preset.flake ? path.resolve(cwd, preset.flake) : cwd;
      const flake = flakes.find((f) => f.dir === dir);
      const why = flake ? checkAction(flake, preset.action) : `no flake in ${dir}`;
      if (!flake || why) throw new Error(`Cannot verify with ${describeAction(preset.action)}: ${why ?? ''}`);
      chosen = { flake, action: preset.action };
    } else {
      const items = flakes.flatMap((flake) => {
        const rel = path.relative(cwd, flake.dir);
        const actions: NixAction[] = [...flake.outputs.nixosConfigurations.map((host): NixAction => ({ kind: 'build-host', host })), { kind: 'flake-check' }];
        return actions.map((action) => ({ label: describeAction(action), description: rel || undefined, flake, action }));
      });
      const picked = await this.prompter.pick(items, { title: 'Verify tasks of this workspace with', placeHolder: 'The build that must pass before a task is ticked (remembered for this workspace)' });
      if (!picked) return undefined;
      chosen = { flake: picked.flake, action: picked.action };
    }
    const all = this.state.get<Record<string, StoredChoice>>(CHOICES_KEY, {});
    await this.state.update(CHOICES_KEY, { ...all, [folderKey(uri)]: { flakeDir: chosen.flake.dir, action: chosen.action } });
    return { kind: 'nix', ...chosen };
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function keyOf(ref: TaskRef): string {
  return `${ref.uri.toString()}#${ref.taskId.toUpperCase()}`;
}

function folderKey(uri: vscode.Uri): string {
  return (vscode.workspace.getWorkspaceFolder(uri)?.uri ?? uri).toString();
}
