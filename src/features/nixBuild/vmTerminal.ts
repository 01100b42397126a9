import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { stripAnsi } from '../../core/nix/ansi';
import { shellQuote } from '../../core/nix/nixInvocation';

export interface VmRunResult {
  readonly script: string;
  /** undefined without shell integration (the command was typed with sendText), or when the shell did not say. */
  readonly exitCode: number | undefined;
  readonly output: string;
  readonly shellIntegration: boolean;
}

/** `result/bin/run-<system.name>-vm` after a VM build (system.name need not be the flake's host key). */
export function findVmScript(flakeDir: string, host: string): string | undefined {
  const bin = path.join(flakeDir, 'result', 'bin');
  let names: string[];
  try {
    names = readdirSync(bin);
  } catch {
    return undefined;
  }
  const scripts = names.filter((n) => /^run-.+-vm$/.test(n));
  const exact = scripts.find((n) => n === `run-${host}-vm`);
  const chosen = exact ?? scripts[0];
  return chosen ? path.join(bin, chosen) : undefined;
}

/**
 * Starts the VM in an ordinary integrated terminal, so it is interactive and stays open; the exit
 * code comes from shell integration when the shell has it, otherwise the command is typed in.
 * The script path is single-quoted: nothing in it expands.
 */
export async function runVmInTerminal(host: string, script: string, cwd: string, waitForExit: boolean): Promise<VmRunResult> {
  const terminal = vscode.window.createTerminal({ name: `Spec Kit: VM ${host}`, cwd, env: { NIX_DISK_IMAGE: path.join(cwd, `${host}.qcow2`) } });
  terminal.show(true);
  const integration = terminal.shellIntegration ?? (await waitForShellIntegration(terminal, 10_000));
  const commandLine = shellQuote(script);
  if (!integration) {
    terminal.sendText(commandLine, true);
    return { script, exitCode: undefined, output: '', shellIntegration: false };
  }
  const execution = integration.executeCommand(commandLine);
  const ended = new Promise<number | undefined>((resolve) => {
    const sub = vscode.window.onDidEndTerminalShellExecution((e) => {
      if (e.execution === execution) {
        sub.dispose();
        resolve(e.exitCode);
      }
    });
  });
  // Read right away so no output is missed.
  let output = '';
  const reading = (async () => {
    for await (const chunk of execution.read()) output += chunk;
  })();
  if (!waitForExit) return { script, exitCode: undefined, output: '', shellIntegration: true };
  const exitCode = await ended;
  await Promise.race([reading, new Promise((r) => setTimeout(r, 2000))]);
  return { script, exitCode, output: stripAnsi(output), shellIntegration: true };
}

function waitForShellIntegration(terminal: vscode.Terminal, timeoutMs: number): Promise<vscode.TerminalShellIntegration | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      sub.dispose();
      resolve(undefined);
    }, timeoutMs);
    const sub = vscode.window.onDidChangeTerminalShellIntegration((e) => {
      if (e.terminal === terminal) {
        clearTimeout(timer);
        sub.dispose();
        resolve(e.shellIntegration);
      }
    });
  });
}
