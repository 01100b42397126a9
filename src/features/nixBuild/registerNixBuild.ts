import * as path from 'node:path';
import * as vscode from 'vscode';
import { type FlakeInfo } from '../../core/nix/flakeDiscovery';
import { attributePaths, checkAttrPath, joinAttrPath, splitAttrPath } from '../../core/nix/flakeOutputs';
import { EXPERIMENTAL_ARGS, type NixAction } from '../../core/nix/nixInvocation';
import { runProcess } from '../../core/nix/processRunner';
import { NixCommands } from '../../ids';
import { INSTALL_HINT } from '../../platform/nix/flakeRegistry';
import { NixRefusal, type NixRunResult } from '../../platform/nix/nixRunner';
import { type TaskRef, type VerificationResult } from '../../platform/nix/verification';
import { type SpeckitServices } from '../../platform/services';
import { setTaskDone } from '../../platform/taskState';
import { type VmRunResult, findVmScript, runVmInTerminal } from './vmTerminal';

/** Arguments the commands accept from menus, lenses and tests; names are checked against discovery. */
interface HostArg {
  readonly flake?: string;
  readonly host?: string;
  /** build VM: wait until the VM script exits (tests); the palette returns once it started. */
  readonly wait?: boolean;
}
interface OutputArg {
  readonly flake?: string;
  readonly attribute?: string;
}
export interface VerifyTaskArg {
  readonly uri: vscode.Uri | string;
  readonly taskId: string;
}
export interface VerifyTaskResult extends VerificationResult {
  readonly ticked: boolean;
}

const DRV_PATH = /^\/nix\/store\/[0-9a-df-np-sv-z]{32}-[^/\s]+\.drv$/;

/** The Nix commands (build a host, its VM, flake check, an output, the log) and task verification. */
export function registerNixBuild(services: SpeckitServices): void {
  const { registry, runner, statusBar, verification, trust } = services.nix;
  const { prompter, log, model } = services;

  const resolveDir = (flake: string | undefined): string | undefined => {
    if (!flake) return undefined;
    const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '/';
    return path.resolve(base, flake);
  };

  /** The flake to act on: the one named, the only one, or one the user picks. */
  const pickFlake = async (dirArg: string | undefined): Promise<FlakeInfo | undefined> => {
    const flakes = await registry.all();
    const dir = resolveDir(dirArg);
    if (dir) {
      const f = flakes.find((x) => x.dir === dir);
      if (!f) throw new NixRefusal(`There is no flake.nix in ${dir}.`);
      return f;
    }
    if (flakes.length === 0) {
      void vscode.window.showInformationMessage('Spec Kit found no flake.nix in this workspace.');
      return undefined;
    }
    if (flakes.length === 1) return flakes[0];
    const picked = await prompter.pick(flakes.map((f) => ({ label: vscode.workspace.asRelativePath(f.dir) || f.dir, flake: f })), { title: 'Which flake?' });
    return picked?.flake;
  };

  const pickHost = async (arg: HostArg | undefined, title: string): Promise<{ flake: FlakeInfo; host: string } | undefined> => {
    const flakes = await registry.all();
    const dir = resolveDir(arg?.flake);
    const candidates = flakes.filter((f) => !dir || f.dir === dir).flatMap((flake) => flake.outputs.nixosConfigurations.map((host) => ({ flake, host })));
    if (arg?.host !== undefined) {
      const found = candidates.find((c) => c.host === arg.host);
      if (!found) throw new NixRefusal(`The flake defines no host "${arg.host}" (hosts: ${candidates.map((c) => c.host).join(', ') || 'none'}).`);
      return found;
    }
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage('Spec Kit found no nixosConfigurations in the workspace flakes.');
      return undefined;
    }
    if (candidates.length === 1) return candidates[0];
    const picked = await prompter.pick(
      candidates.map((c) => ({ label: c.host, description: `${vscode.workspace.asRelativePath(c.flake.dir)}${c.flake.source === 'static' ? ' (read from flake.nix)' : ''}`, ...c })),
      { title, placeHolder: 'NixOS host (nixosConfigurations)' },
    );
    return picked && { flake: picked.flake, host: picked.host };
  };

  /** Reports a finished run: a warning with the way to the problems or the log when it failed. */
  const report = (r: NixRunResult): void => {
    if (r.ok || r.cancelled) return;
    const actions = r.drvPath ? ['Show Build Log', 'Show Problems'] : ['Show Problems'];
    void vscode.window.showWarningMessage(`Nix ${r.label} failed (exit code ${r.exitCode ?? '?'}): ${r.firstError ?? 'see the terminal'}`, ...actions).then((choice) => {
      if (choice === 'Show Build Log' && r.drvPath) void vscode.commands.executeCommand(NixCommands.showBuildLog, r.drvPath);
      if (choice === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
    });
  };

  /** Every command: refuses when untrusted, and turns refusals into one clear message. */
  const guarded =
    <A extends unknown[], R>(what: string, fn: (...args: A) => Promise<R>) =>
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

  const run = async (flake: FlakeInfo, action: NixAction): Promise<NixRunResult> => {
    const r = await runner.run(flake, action);
    report(r);
    return r;
  };

  services.own(
    vscode.commands.registerCommand(
      NixCommands.buildHost,
      guarded('build a NixOS host', async (arg?: HostArg): Promise<NixRunResult | undefined> => {
        const target = await pickHost(arg, 'Build which host?');
        return target && run(target.flake, { kind: 'build-host', host: target.host });
      }),
    ),
    vscode.commands.registerCommand(
      NixCommands.buildVm,
      guarded('build and run a VM', async (arg?: HostArg): Promise<{ build: NixRunResult; vm?: VmRunResult } | undefined> => {
        const target = await pickHost(arg, 'Build and run the VM of which host?');
        if (!target) return undefined;
        const build = await run(target.flake, { kind: 'build-vm', host: target.host });
        if (!build.ok) return { build };
        const script = findVmScript(target.flake.dir, target.host);
        if (!script) {
          void vscode.window.showWarningMessage(`The VM of ${target.host} was built, but result/bin/run-*-vm was not found in ${target.flake.dir}.`);
          return { build };
        }
        return { build, vm: await runVmInTerminal(target.host, script, target.flake.dir, arg?.wait === true) };
      }),
    ),
    vscode.commands.registerCommand(
      NixCommands.flakeCheck,
      guarded('run nix flake check', async (arg?: { flake?: string }): Promise<NixRunResult | undefined> => {
        const flake = await pickFlake(arg?.flake);
        return flake && run(flake, { kind: 'flake-check' });
      }),
    ),
    vscode.commands.registerCommand(
      NixCommands.buildOutput,
      guarded('build a flake output', async (arg?: OutputArg): Promise<NixRunResult | undefined> => {
        const flake = await pickFlake(arg?.flake);
        if (!flake) return undefined;
        let attrPath: string[] | undefined;
        if (arg?.attribute !== undefined) {
          attrPath = splitAttrPath(arg.attribute);
          if (!attrPath) throw new NixRefusal(`"${arg.attribute}" is not an attribute path.`);
        } else {
          const OTHER = 'Other attribute path…';
          const items = [...attributePaths(flake.outputs).map((p) => ({ label: joinAttrPath(p), path: p })), { label: OTHER, path: undefined }];
          const picked = await prompter.pick(items, { title: 'nix build', placeHolder: 'Flake output to build' });
          if (!picked) return undefined;
          if (picked.path) attrPath = picked.path;
          else {
            const typed = await prompter.input({
              prompt: 'Attribute path (for example packages.x86_64-linux.hello)',
              validateInput: (v) => {
                const segs = splitAttrPath(v.trim());
                return segs ? checkAttrPath(segs, flake.outputs) : 'Not an attribute path';
              },
            });
            attrPath = typed === undefined ? undefined : splitAttrPath(typed.trim());
            if (!attrPath) return undefined;
          }
        }
        return run(flake, { kind: 'build', attrPath });
      }),
    ),
    vscode.commands.registerCommand(NixCommands.showOutputs, async (): Promise<readonly FlakeInfo[]> => {
      const flakes = await registry.all();
      const probe = await registry.nix();
      const lines = flakes.map((f) => `${vscode.workspace.asRelativePath(f.dir) || f.dir}: ${f.source === 'evaluation' ? 'evaluated with Nix' : 'read from flake.nix'}; hosts ${f.outputs.nixosConfigurations.join(', ') || 'none'}${f.notes.length ? ` (${f.notes.join('; ')})` : ''}`);
      log.info(`Flake outputs:\n${lines.join('\n') || 'no flake.nix'}`);
      const items = flakes.flatMap((f) => [
        { label: vscode.workspace.asRelativePath(f.dir) || f.dir, kind: vscode.QuickPickItemKind.Separator },
        ...attributePaths(f.outputs).map((p) => ({ label: joinAttrPath(p), description: f.source === 'evaluation' ? 'evaluated' : 'read from flake.nix' })),
      ]);
      if (!probe.available) items.unshift({ label: `$(warning) Nix not found: ${INSTALL_HINT}`, description: '' });
      void vscode.window.showQuickPick(items, { title: 'Flake outputs', canPickMany: false }).then(undefined, () => undefined);
      return flakes;
    }),
    vscode.commands.registerCommand(NixCommands.refreshFlakes, async (): Promise<readonly FlakeInfo[]> => {
      registry.invalidate();
      return registry.all();
    }),
    vscode.commands.registerCommand(
      NixCommands.showBuildLog,
      guarded('show the build log', async (drvPath?: string): Promise<string | undefined> => {
        const drv = drvPath ?? runner.lastResult?.drvPath;
        if (!drv || !DRV_PATH.test(drv)) throw new NixRefusal('there is no failed derivation to show the log of.');
        const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '/';
        const nix = registry.nixExecutable();
        if (!nix.ok) throw new NixRefusal(nix.reason);
        const r = await runProcess(nix.path, [...EXPERIMENTAL_ARGS, 'log', drv], { cwd, timeoutMs: 60_000 });
        const text = r.exitCode === 0 ? r.stdout : `nix log ${drv} failed:\n${r.stderr}`;
        const doc = await vscode.workspace.openTextDocument({ content: text, language: 'log' });
        await vscode.window.showTextDocument(doc, { preview: true });
        return text;
      }),
    ),
    vscode.commands.registerCommand(NixCommands.menu, async () => {
      const probe = await registry.nix();
      const items = [
        { label: '$(server-environment) Build host…', command: NixCommands.buildHost },
        { label: '$(vm) Build and run VM…', command: NixCommands.buildVm },
        { label: '$(checklist) nix flake check', command: NixCommands.flakeCheck },
        { label: '$(package) Build flake output…', command: NixCommands.buildOutput },
        { label: '$(list-tree) Show flake outputs', command: NixCommands.showOutputs },
        ...(runner.lastResult?.drvPath ? [{ label: '$(output) Show last build log', command: NixCommands.showBuildLog }] : []),
      ];
      if (!probe.available) items.unshift({ label: `$(warning) Nix not found — ${INSTALL_HINT}`, command: NixCommands.showOutputs });
      const picked = await prompter.pick(items, { title: 'Spec Kit: Nix' });
      if (picked) await vscode.commands.executeCommand(picked.command);
    }),
    vscode.commands.registerCommand(
      NixCommands.chooseVerification,
      guarded('choose the verification', async (arg?: { uri?: vscode.Uri | string; flake?: string; host?: string; action?: 'build-host' | 'flake-check' }) => {
        const uri = toUri(arg?.uri) ?? vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
        if (!uri) return undefined;
        const preset = arg?.host ? { flake: arg.flake, action: { kind: 'build-host', host: arg.host } as NixAction } : arg?.action === 'flake-check' ? { flake: arg.flake, action: { kind: 'flake-check' } as NixAction } : undefined;
        const target = await verification.choose(uri, preset);
        return target?.kind === 'nix' ? { flake: target.flake.dir, action: target.action } : undefined;
      }),
    ),
    vscode.commands.registerCommand(
      NixCommands.verifyTask,
      guarded('verify the task', async (arg?: VerifyTaskArg): Promise<VerifyTaskResult | undefined> => {
        const uri = toUri(arg?.uri) ?? vscode.window.activeTextEditor?.document.uri;
        if (!uri || !arg?.taskId) throw new NixRefusal('verify a task from its CodeLens, or pass { uri, taskId }.');
        const ref: TaskRef = { uri, taskId: arg.taskId };
        const result = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Verifying ${arg.taskId}`, cancellable: true },
          (_progress, token) => verification.verify(ref, token),
        );
        const ticked = result.ok ? (await setTaskDone(model, ref.uri, ref.taskId, true)) === 'changed' : false;
        if (result.ok) void vscode.window.showInformationMessage(`${arg.taskId} verified in ${(result.durationMs / 1000).toFixed(1)} s${ticked ? ' and ticked' : ''}.`);
        else void vscode.window.showWarningMessage(`${arg.taskId} stays open: the verification failed (exit code ${result.exitCode ?? '?'}).`, 'Show Problems').then((c) => c && vscode.commands.executeCommand('workbench.actions.view.problems'));
        return { ...result, ticked };
      }),
    ),
  );

  // Discovery in the background: activation is not held up, the status bar fills in when ready.
  void registry.refresh().then(() => statusBar.update());
}

function toUri(v: vscode.Uri | string | undefined): vscode.Uri | undefined {
  if (!v) return undefined;
  return typeof v === 'string' ? (v.includes(':') && !v.startsWith('/') ? vscode.Uri.parse(v) : vscode.Uri.file(v)) : v;
}
