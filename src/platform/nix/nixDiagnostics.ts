import * as vscode from 'vscode';
import { type FlakeInfo } from '../../core/nix/flakeDiscovery';
import { locateDiagnostic } from '../../core/nix/nixPaths';
import { type NixDiagnostic, summarize } from '../../core/nix/nixOutput';
import { type FileSystemHost } from '../../core/workspace/fileSystem';
import { NixCommands } from '../../ids';

/** The git work tree holding `dir`: the store copy of a flake in a subfolder is the whole tree. */
async function gitRoot(fs: FileSystemHost, dir: string): Promise<string | undefined> {
  for (let d = dir; ; ) {
    if (await fs.stat(`${d}/.git`)) return d;
    const up = d.slice(0, d.lastIndexOf('/')) || '/';
    if (up === d) return undefined;
    d = up;
  }
}

/**
 * Nix errors in the Problems view, one set per flake: each run replaces what the previous run of
 * that flake reported.
 */
export class NixDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('nix');
  private readonly byFlake = new Map<string, vscode.Uri[]>();

  constructor(private readonly fs: FileSystemHost) {}

  async publish(flake: FlakeInfo, parsed: readonly NixDiagnostic[], context: { host?: string }): Promise<vscode.Diagnostic[]> {
    for (const uri of this.byFlake.get(flake.dir) ?? []) this.collection.delete(uri);
    const repoRoot = await gitRoot(this.fs, flake.dir);
    const grouped = new Map<string, vscode.Diagnostic[]>();
    const all: vscode.Diagnostic[] = [];
    for (const d of parsed) {
      // Warnings without a place (a dirty git tree, an unreachable cache) are noise in Problems.
      if (d.severity === 'warning' && !d.position) continue;
      const loc = await locateDiagnostic(d, { flakeDir: flake.dir, repoRoot, fs: this.fs });
      if (d.severity === 'warning' && !loc.exact) continue;
      let line = loc.line - 1;
      let column = loc.column - 1;
      if (!loc.exact && context.host) ({ line, column } = await this.hostLine(loc.file, context.host));
      const range = await this.tokenRange(loc.file, line, column);
      const diag = new vscode.Diagnostic(range, summarize(d), d.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error);
      diag.source = 'nix';
      if (d.kind === 'build' && d.drvPath) {
        diag.code = { value: 'build-failed', target: vscode.Uri.parse(`command:${NixCommands.showBuildLog}?${encodeURIComponent(JSON.stringify([d.drvPath]))}`) };
      } else {
        diag.code = d.kind;
      }
      if (d.kind === 'untracked') diag.message += ' (flakes only see files tracked by git: git add -N <file>)';
      (grouped.get(loc.file) ?? grouped.set(loc.file, []).get(loc.file)!).push(diag);
      all.push(diag);
    }
    const uris: vscode.Uri[] = [];
    for (const [file, diags] of grouped) {
      const uri = vscode.Uri.file(file);
      this.collection.set(uri, diags);
      uris.push(uri);
    }
    this.byFlake.set(flake.dir, uris);
    return all;
  }

  clear(flake: FlakeInfo): void {
    for (const uri of this.byFlake.get(flake.dir) ?? []) this.collection.delete(uri);
    this.byFlake.delete(flake.dir);
  }

  /** The word Nix points at, so the squiggle covers `hostname`, not one character. */
  private async tokenRange(file: string, line: number, column: number): Promise<vscode.Range> {
    const text = await this.lineText(file, line);
    const rest = text?.slice(column) ?? '';
    const word = /^[A-Za-z0-9_'.-]+/.exec(rest)?.[0].length ?? 1;
    return new vscode.Range(line, column, line, column + Math.max(1, word));
  }

  /** Where a host is defined in flake.nix, for failures Nix gives no position for. */
  private async hostLine(file: string, host: string): Promise<{ line: number; column: number }> {
    try {
      const lines = new TextDecoder().decode(await this.fs.readFile(file)).split('\n');
      const escaped = host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const re = new RegExp(`(^|[\\s.{])"?${escaped}"?\\s*=`);
      const i = lines.findIndex((l) => re.test(l));
      if (i >= 0) return { line: i, column: lines[i]!.search(/\S/) };
    } catch {
      /* no flake.nix text: line 1 */
    }
    return { line: 0, column: 0 };
  }

  private async lineText(file: string, line: number): Promise<string | undefined> {
    try {
      return new TextDecoder().decode(await this.fs.readFile(file)).split('\n')[line];
    } catch {
      return undefined;
    }
  }

  dispose(): void {
    this.collection.dispose();
  }
}
