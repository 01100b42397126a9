import * as vscode from 'vscode';
import { NixCommands } from '../../ids';
import { type SpeckitServices } from '../../platform/services';
import { NixBuildCommands, type OutputArg } from './buildCommands';
import { nixCommandGuard } from './nixCommandGuard';
import { type HostArg, NixTargets } from './nixTargets';
import { type ChooseVerificationArg, TaskVerificationCommands, type VerifyTaskArg } from './verifyCommands';

/** The Nix commands (build a host, its VM, flake check, an output, the log) and task verification. */
export function registerNixBuild(services: SpeckitServices): void {
  const { nix, prompter, log, model } = services;
  const guarded = nixCommandGuard(nix.trust, log);
  const build = new NixBuildCommands(nix, new NixTargets(nix.registry, prompter), prompter, log);
  const verify = new TaskVerificationCommands(nix.verification, model);

  services.own(
    vscode.commands.registerCommand(NixCommands.buildHost, guarded('build a NixOS host', (arg?: HostArg) => build.buildHost(arg))),
    vscode.commands.registerCommand(NixCommands.buildVm, guarded('build and run a VM', (arg?: HostArg) => build.buildVm(arg))),
    vscode.commands.registerCommand(NixCommands.flakeCheck, guarded('run nix flake check', (arg?: { flake?: string }) => build.flakeCheck(arg))),
    vscode.commands.registerCommand(NixCommands.buildOutput, guarded('build a flake output', (arg?: OutputArg) => build.buildOutput(arg))),
    vscode.commands.registerCommand(NixCommands.showOutputs, () => build.showOutputs()),
    vscode.commands.registerCommand(NixCommands.refreshFlakes, () => build.refresh()),
    vscode.commands.registerCommand(NixCommands.showBuildLog, guarded('show the build log', (drvPath?: string) => build.showBuildLog(drvPath))),
    vscode.commands.registerCommand(NixCommands.menu, () => build.menu()),
    vscode.commands.registerCommand(NixCommands.chooseVerification, guarded('choose the verification', (arg?: ChooseVerificationArg) => verify.choose(arg))),
    vscode.commands.registerCommand(NixCommands.verifyTask, guarded('verify the task', (arg?: VerifyTaskArg) => verify.verify(arg))),
  );

  // Discovery in the background: activation is not held up, the status bar fills in when ready.
  void nix.registry.refresh().then(() => nix.statusBar.update());
}
