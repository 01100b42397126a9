import * as path from 'node:path';
import * as vscode from 'vscode';
import { type FlakeInfo, type NixProbe, discoverByEvaluation, discoverStatically, findFlakes, probeNix } from '../../core/nix/flakeDiscovery';
import { nodeProcessRunner } from '../../core/nix/processRunner';
import { type Resolution } from '../../core/security/executables';
import { NodeFileSystem } from '../../core/workspace/nodeFileSystem';
import { NixContextKeys, Settings } from '../../ids';
import { resolveProgram } from '../executables';
import { type TrustGate } from './trust';

export const INSTALL_HINT =
  'Install Nix from https://nixos.org/download (on Debian or Ubuntu: sudo apt-get install nix-bin), or set speckit.nix.path to its location. Hosts are read from flake.nix meanwhile.';

/**
 * The workspace's flakes and their outputs. Evaluates with Nix when it is installed and the
 * workspace is trusted (evaluation runs flake.nix); reads flake.nix statically otherwise.
 * Refreshes when a flake.nix or flake.lock changes.
 */
export class FlakeRegistry implements vscode.Disposable {
  private flakes: FlakeInfo[] = [];
  private probe: NixProbe | undefined;
  private loading: Promise<void> | undefined;
  private dirty = true;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  readonly fs = new NodeFileSystem();

  constructor(private readonly log: vscode.LogOutputChannel, private readonly trust: TrustGate) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/flake.{nix,lock}');
    const invalidate = (): void => this.invalidate();
    this.disposables.push(
      watcher,
      watcher.onDidChange(invalidate),
      watcher.onDidCreate(invalidate),
      watcher.onDidDelete(invalidate),
      vscode.workspace.onDidChangeWorkspaceFolders(invalidate),
      vscode.workspace.onDidGrantWorkspaceTrust(invalidate),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(Settings.nixPath) && ((this.probe = undefined), invalidate())),
    );
  }

  invalidate(): void {
    this.dirty = true;
    void this.refresh();
  }

  /** The nix to run: an absolute path outside the workspace (or the user's configured one), never a bare name. */
  nixExecutable(scope?: vscode.Uri): Resolution {
    return resolveProgram({ name: 'nix', setting: Settings.nixPath, ...(scope ? { scope } : {}), trusted: this.trust.isTrusted() });
  }

  /** Whether nix can be run, probed once (again after speckit.nix.path changes); never in a restricted workspace. */
  async nix(): Promise<NixProbe> {
    // Not cached: trust may be granted later, and then the probe runs.
    if (!this.trust.isTrusted()) return { available: false, error: 'the workspace is not trusted, so Nix is not run' };
    if (!this.probe) {
      const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
      const nix = this.nixExecutable();
      this.probe = nix.ok ? await probeNix(nodeProcessRunner, nix.path, cwd) : { available: false, error: nix.reason };
      if (this.probe.available) this.log.info(`Nix ${this.probe.version ?? ''} found`);
      else this.log.warn(`Nix not available (${this.probe.error ?? 'unknown'}). ${INSTALL_HINT}`);
    }
    return this.probe;
  }

  /** The flakes, discovered on first use and after changes. */
  async all(): Promise<readonly FlakeInfo[]> {
    if (this.dirty || this.loading) await this.refresh();
    return this.flakes;
  }

  /** The flake whose directory is `dir`, or the nearest one holding `file`. */
  async flakeFor(fileOrDir: string): Promise<FlakeInfo | undefined> {
    const flakes = await this.all();
    return flakes.filter((f) => fileOrDir === f.dir || fileOrDir.startsWith(f.dir + path.sep)).sort((a, b) => b.dir.length - a.dir.length)[0];
  }

  refresh(): Promise<void> {
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<void> {
    this.dirty = false;
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    const dirs = (await Promise.all(folders.map((f) => findFlakes(this.fs, f.uri.fsPath)))).flat();
    const probe = dirs.length > 0 ? await this.nix() : undefined;
    const evaluate = !!probe?.available && this.trust.isTrusted();
    const flakes = await Promise.all(
      dirs.map(async (dir) => {
        try {
          const nix = evaluate ? this.nixExecutable(vscode.Uri.file(dir)) : undefined;
          if (nix?.ok) return await discoverByEvaluation(this.fs, nodeProcessRunner, nix.path, dir);
          const why = !this.trust.isTrusted()
            ? 'the workspace is not trusted, so flake.nix was read, not evaluated'
            : nix && !nix.ok
              ? `${nix.reason}, so flake.nix was read, not evaluated`
              : 'Nix is not installed, so flake.nix was read, not evaluated';
          return await discoverStatically(this.fs, dir, why);
        } catch (e) {
          this.log.warn(`Reading the flake in ${dir} failed: ${e instanceof Error ? e.message : String(e)}`);
          return undefined;
        }
      }),
    );
    this.flakes = flakes.filter((f): f is FlakeInfo => !!f);
    for (const f of this.flakes) {
      this.log.info(`Flake ${f.dir} (${f.source}): hosts ${f.outputs.nixosConfigurations.join(', ') || 'none'}${f.notes.length ? `; ${f.notes.join('; ')}` : ''}`);
    }
    await vscode.commands.executeCommand('setContext', NixContextKeys.hasFlake, this.flakes.length > 0);
    this.changed.fire();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
