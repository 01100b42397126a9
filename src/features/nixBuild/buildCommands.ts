import * as vscode from 'vscode';
import { type FlakeInfo } from '../../core/nix/flakeDiscovery';
import { attributePaths, joinAttrPath } from '../../core/nix/flakeOutputs';
import { EXPERIMENTAL_ARGS, type NixAction } from '../../core/nix/nixInvocation';
import { runProcess } from '../../core/nix/processRunner';
import { NixCommands } from '../../ids';
import { INSTALL_HINT } from '../../platform/nix/flakeRegistry';
import { NixRefusal, type NixRunResult } from '../../platform/nix/nixRunner';
import { type NixServices } from '../../platform/nix/nixServices';
import { type Prompter } from '../../platform/prompter';
import { reportNixRun } from './nixCommandGuard';
import { type HostArg, type NixTargets } from './nixTargets';
import { findVmScript, runVmInTerminal, type VmRunResult } from './vmTerminal';

export interface OutputArg {
  readonly flake?: string;
  readonly attribute?: string;
}

const DRV_PATH = /^\/nix\/store\/[0-9a-df-np-sv-z]{32}-[^/\s]+\.drv$/;

/** The Nix build commands: a host, its VM, flake check, an output, the outputs, the build log, the menu. */
export class NixBuildCommands {
  constructor(
    private readonly nix: NixServices,
    private readonly targets: NixTargets,
    private readonly prompter: Prompter,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async buildHost(arg?: HostArg): Promise<NixRunResult | undefined> {
    const target = await this.targets.host(arg, 'Build which host?');
    return target && this.run(target.flake, { kind: 'build-host', host: target.host });
  }

  async buildVm(arg?: HostArg): Promise<{ build: NixRunResult; vm?: VmRunResult } | undefined> {
    const target = await this.targets.host(arg, 'Build and run the VM of which host?');
    if (!target) return undefined;
    const build = await this.run(target.flake, { kind: 'build-vm', host: target.host });
    if (!build.ok) return { build };
    const script = findVmScript(target.flake.dir, target.host);
    if (!script) {
      void vscode.window.showWarningMessage(`The VM of ${target.host} was built, but result/bin/run-*-vm was not found in ${target.flake.dir}.`);
      return { build };
    }
    return { build, vm: await runVmInTerminal(target.host, script, target.flake.dir, arg?.wait === true) };
  }

  async flakeCheck(arg?: { flake?: string }): Promise<NixRunResult | undefined> {
    const flake = await this.targets.flake(arg?.flake);
    return flake && this.run(flake, { kind: 'flake-check' });
  }

  async buildOutput(arg?: OutputArg): Promise<NixRunResult | undefined> {
    const flake = await this.targets.flake(arg?.flake);
    if (!flake) return undefined;
    const attrPath = await this.targets.attribute(flake, arg?.attribute);
    return attrPath && this.run(flake, { kind: 'build', attrPath });
  }

  /** Every flake's outputs, in the log and a quick pick; says so when Nix is missing. */
  async showOutputs(): Promise<readonly FlakeInfo[]> {
    const { registry } = this.nix;
    const flakes = await registry.all();
    const probe = await registry.nix();
    const lines = flakes.map((f) => `${vscode.workspace.asRelativePath(f.dir) || f.dir}: ${f.source === 'evaluation' ? 'evaluated with Nix' : 'read from flake.nix'}; hosts ${f.outputs.nixosConfigurations.join(', ') || 'none'}${f.notes.length ? ` (${f.notes.join('; ')})` : ''}`);
    this.log.info(`Flake outputs:\n${lines.join('\n') || 'no flake.nix'}`);
    const items = flakes.flatMap((f) => [
      { label: vscode.workspace.asRelativePath(f.dir) || f.dir, kind: vscode.QuickPickItemKind.Separator },
      ...attributePaths(f.outputs).map((p) => ({ label: joinAttrPath(p), description: f.source === 'evaluation' ? 'evaluated' : 'read from flake.nix' })),
    ]);
    if (!probe.available) items.unshift({ label: `$(warning) Nix not found: ${INSTALL_HINT}`, description: '' });
    void vscode.window.showQuickPick(items, { title: 'Flake outputs', canPickMany: false }).then(undefined, () => undefined);
    return flakes;
  }

  async refresh(): Promise<readonly FlakeInfo[]> {
    this.nix.registry.invalidate();
    return this.nix.registry.all();
  }

  /** `nix log` of a failed derivation (the last failed build's by default), in an editor. */
  async showBuildLog(drvPath?: string): Promise<string | undefined> {
    const drv = drvPath ?? this.nix.runner.lastResult?.drvPath;
    if (!drv || !DRV_PATH.test(drv)) throw new NixRefusal('there is no failed derivation to show the log of.');
    const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '/';
    const nix = this.nix.registry.nixExecutable();
    if (!nix.ok) throw new NixRefusal(nix.reason);
    const r = await runProcess(nix.path, [...EXPERIMENTAL_ARGS, 'log', drv], { cwd, timeoutMs: 60_000 });
    const text = r.exitCode === 0 ? r.stdout : `nix log ${drv} failed:\n${r.stderr}`;
    const doc = await vscode.workspace.openTextDocument({ content: text, language: 'log' });
    await vscode.window.showTextDocument(doc, { preview: true });
    return text;
  }

  /** The status bar's menu of the commands above. */
  async menu(): Promise<void> {
    const probe = await this.nix.registry.nix();
    const items = [
      { label: '$(server-environment) Build host…', command: NixCommands.buildHost },
      { label: '$(vm) Build and run VM…', command: NixCommands.buildVm },
      { label: '$(checklist) nix flake check', command: NixCommands.flakeCheck },
      { label: '$(package) Build flake output…', command: NixCommands.buildOutput },
      { label: '$(list-tree) Show flake outputs', command: NixCommands.showOutputs },
      ...(this.nix.runner.lastResult?.drvPath ? [{ label: '$(output) Show last build log', command: NixCommands.showBuildLog }] : []),
    ];
    if (!probe.available) items.unshift({ label: `$(warning) Nix not found — ${INSTALL_HINT}`, command: NixCommands.showOutputs });
    const picked = await this.prompter.pick(items, { title: 'Spec Kit: Nix' });
    if (picked) await vscode.commands.executeCommand(picked.command);
  }

  private async run(flake: FlakeInfo, action: NixAction): Promise<NixRunResult> {
    const r = await this.nix.runner.run(flake, action);
    reportNixRun(r);
    return r;
  }
}
