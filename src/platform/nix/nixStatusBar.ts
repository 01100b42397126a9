import * as vscode from 'vscode';
import { NixCommands, StatusBarItems } from '../../ids';
import { type FlakeRegistry, INSTALL_HINT } from './flakeRegistry';
import { type NixRunResult, type NixRunner } from './nixRunner';

/** One status bar item: the running build with its elapsed time, else the last result, else the hosts. */
export class NixStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(StatusBarItems.nix, vscode.StatusBarAlignment.Left, 40);
  private ticker: ReturnType<typeof setInterval> | undefined;
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(private readonly registry: FlakeRegistry, private readonly runner: NixRunner) {
    this.item.name = 'Spec Kit: Nix builds';
    this.item.command = NixCommands.menu;
    this.disposables.push(
      registry.onDidChange(() => void this.update()),
      runner.onDidStart(() => this.update()),
      runner.onDidFinish(() => this.update()),
    );
  }

  /** The text shown now (tests read it). */
  get text(): string {
    return this.item.text;
  }

  async update(): Promise<void> {
    const running = [...this.runner.running].at(-1);
    if (running) {
      const render = (): void => {
        this.item.text = `$(sync~spin) ${running.label} ${Math.round((Date.now() - running.started) / 1000)}s`;
      };
      render();
      this.ticker ??= setInterval(() => (this.runner.running.size > 0 ? void this.update() : this.stopTicker()), 1000);
      this.item.tooltip = 'Nix is running; click for Nix actions';
      this.item.show();
      return;
    }
    this.stopTicker();
    const last = this.runner.lastResult;
    if (last) {
      this.item.text = resultText(last);
      this.item.tooltip = new vscode.MarkdownString(`**${last.label}**: ${last.ok ? 'succeeded' : `failed (exit code ${String(last.exitCode)})`} in ${(last.durationMs / 1000).toFixed(1)} s${last.firstError ? `\n\n${last.firstError}` : ''}\n\n\`${last.command}\``);
      this.item.show();
      return;
    }
    const flakes = await this.registry.all();
    if (flakes.length === 0) {
      this.item.hide();
      return;
    }
    const probe = await this.registry.nix();
    const hosts = flakes.flatMap((f) => f.outputs.nixosConfigurations).length;
    this.item.text = probe.available ? `$(server-environment) ${hosts} host${hosts === 1 ? '' : 's'}` : '$(warning) Nix not found';
    this.item.tooltip = probe.available ? `Nix ${probe.version ?? ''}: build a host, its VM or run flake check` : INSTALL_HINT;
    this.item.show();
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  dispose(): void {
    this.stopTicker();
    for (const d of this.disposables) d.dispose();
  }
}

export function resultText(r: NixRunResult): string {
  const secs = `${(r.durationMs / 1000).toFixed(1)}s`;
  return r.ok ? `$(pass) ${r.label} ${secs}` : `$(error) ${r.label}: exit ${r.exitCode ?? '?'} (${secs})`;
}
