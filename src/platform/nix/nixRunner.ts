import * as path from 'node:path';
import * as vscode from 'vscode';
import { stripAnsi } from '../../core/nix/ansi';
import { type FlakeInfo } from '../../core/nix/flakeDiscovery';
import { checkAttrPath, splitAttrPath } from '../../core/nix/flakeOutputs';
import { type Invocation, type NixAction, describeAction, displayCommand, hostAttrPath, invocationFor } from '../../core/nix/nixInvocation';
import { parseNixOutput, summarize } from '../../core/nix/nixOutput';
import { NIX_TASK_TYPE, Settings } from '../../ids';
import { resolveProgram } from '../executables';
import { type FlakeRegistry, INSTALL_HINT } from './flakeRegistry';
import { type NixDiagnostics } from './nixDiagnostics';
import { ProcessPty, type PtyResult, renderLogLine } from './nixPty';
import { type TrustGate } from './trust';

/** The `speckit-nix` task type (package.json `taskDefinitions`). */
export interface NixTaskDefinition extends vscode.TaskDefinition {
  readonly type: typeof NIX_TASK_TYPE;
  readonly action: NixAction['kind'];
  readonly host?: string;
  /** For `build`: an attribute path such as `packages.x86_64-linux.hello`. */
  readonly attribute?: string;
  /** The flake's folder relative to the workspace folder; default the folder itself. */
  readonly flake?: string;
}

export interface NixRunResult {
  readonly ok: boolean;
  /** undefined when the process did not report one (stopped, could not start). */
  readonly exitCode: number | undefined;
  /** What the command printed, colour codes removed, Nix's JSON log rendered as text. */
  readonly output: string;
  readonly durationMs: number;
  readonly label: string;
  readonly command: string;
  readonly flakeDir: string;
  readonly problems: number;
  readonly firstError: string | undefined;
  readonly drvPath: string | undefined;
  readonly cancelled: boolean;
}

export interface RunState {
  readonly label: string;
  readonly started: number;
}

/** Why an action cannot run on this flake, or undefined. Names come from discovery, never from free text. */
export function checkAction(flake: FlakeInfo, action: NixAction): string | undefined {
  switch (action.kind) {
    case 'build-host':
    case 'build-vm':
      return checkAttrPath(hostAttrPath(action.host, 'toplevel'), flake.outputs);
    case 'build':
      return checkAttrPath(action.attrPath, flake.outputs);
    case 'flake-check':
      return undefined;
  }
}

/**
 * Runs Nix actions as `speckit-nix` tasks in named terminals (a task provider, so users see and
 * customise them in tasks.json), tracks exit code and time, and publishes errors to Problems.
 */
export class NixRunner implements vscode.Disposable {
  private readonly started = new vscode.EventEmitter<RunState>();
  private readonly finished = new vscode.EventEmitter<NixRunResult>();
  readonly onDidStart = this.started.event;
  readonly onDidFinish = this.finished.event;
  readonly running = new Set<RunState>();
  lastResult: NixRunResult | undefined;
  private readonly disposables: vscode.Disposable[] = [this.started, this.finished];

  constructor(
    private readonly registry: FlakeRegistry,
    private readonly diagnostics: NixDiagnostics,
    private readonly trust: TrustGate,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.tasks.registerTaskProvider(NIX_TASK_TYPE, {
        provideTasks: () => this.provideTasks(),
        resolveTask: (task) => this.resolveTask(task),
      }),
    );
  }

  /** Runs an action and resolves when it ends. Refuses (with the reason) when untrusted, without Nix, or for names the flake does not define. */
  async run(flake: FlakeInfo, action: NixAction, token?: vscode.CancellationToken): Promise<NixRunResult> {
    const refusal = await this.refusal(flake, action);
    if (refusal) throw new NixRefusal(refusal);
    let pty: ProcessPty | undefined;
    const created = new Promise<ProcessPty>((resolve) => {
      const task = this.task(flake, action, (p) => {
        pty = p;
        resolve(p);
      });
      void vscode.tasks.executeTask(task).then(undefined, (e: unknown) => this.log.error(`Starting task ${task.name} failed: ${String(e)}`));
    });
    const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 30_000));
    const p = await Promise.race([created, timeout]);
    if (!p) throw new Error(`VS Code did not start the task "${describeAction(action)}" within 30 s.`);
    const sub = token?.onCancellationRequested(() => pty?.cancel());
    try {
      return await p.done.then(() => this.lastFor(p));
    } finally {
      sub?.dispose();
    }
  }

  /** Runs a user-configured command line (`speckit.verify.command`) through /bin/sh in a task terminal. */
  async runCommandLine(cwd: string, commandLine: string, label: string, token?: vscode.CancellationToken): Promise<NixRunResult> {
    if (!this.trust.isTrusted()) throw new NixRefusal('the workspace is not trusted');
    const flake: FlakeInfo = (await this.registry.flakeFor(cwd)) ?? { dir: cwd, source: 'static', outputs: { nixosConfigurations: [], homeConfigurations: [], checks: {}, packages: {}, devShells: {} }, notes: [] };
    const inv = this.shellInvocation(commandLine);
    let pty: ProcessPty | undefined;
    const created = new Promise<ProcessPty>((resolve) => {
      const execution = new vscode.CustomExecution(() => {
        pty = this.pty(flake, inv, label, undefined, cwd);
        resolve(pty);
        return Promise.resolve(pty);
      });
      const task = new vscode.Task({ type: NIX_TASK_TYPE, action: 'build' }, this.scopeFor(cwd), label, 'Spec Kit', execution, []);
      void vscode.tasks.executeTask(task);
    });
    const p = await created;
    const sub = token?.onCancellationRequested(() => pty?.cancel());
    try {
      return await p.done.then(() => this.lastFor(p));
    } finally {
      sub?.dispose();
    }
  }

  private readonly results = new WeakMap<ProcessPty, Promise<NixRunResult>>();
  private lastFor(p: ProcessPty): Promise<NixRunResult> {
    return this.results.get(p)!;
  }

  private async refusal(flake: FlakeInfo, action: NixAction): Promise<string | undefined> {
    if (!this.trust.isTrusted()) return 'the workspace is not trusted';
    const probe = await this.registry.nix();
    if (!probe.available && !(action.kind === 'build-vm' && this.nixosRebuild())) return `Nix is not installed (${probe.error ?? 'not found'}). ${INSTALL_HINT}`;
    return checkAction(flake, action);
  }

  /** `nixos-rebuild` on PATH (outside the workspace): on NixOS, VMs are built the way users know. */
  nixosRebuild(): string | undefined {
    const r = resolveProgram({ name: 'nixos-rebuild', trusted: this.trust.isTrusted() });
    return r.ok ? r.path : undefined;
  }

  /** The exact program and arguments an action runs; throws a NixRefusal when nix cannot be resolved. */
  invocation(flake: FlakeInfo, action: NixAction): Invocation {
    const scope = vscode.Uri.file(flake.dir);
    const extraArgs = vscode.workspace.getConfiguration(undefined, scope).get<string[]>(Settings.nixExtraArgs) ?? [];
    const nixosRebuild = action.kind === 'build-vm' ? this.nixosRebuild() : undefined;
    const nix = this.registry.nixExecutable(scope);
    if (!nix.ok && !nixosRebuild) throw new NixRefusal(nix.reason);
    return invocationFor(action, { nix: nix.ok ? nix.path : 'nix', ...(nixosRebuild ? { nixosRebuild } : {}), extraArgs: extraArgs.filter((a) => typeof a === 'string') });
  }

  /** `speckit.verify.command` runs as `/bin/sh -c <command line>` (checked to exist, never looked up in PATH). */
  shellInvocation(commandLine: string): Invocation {
    const sh = resolveProgram({ name: 'sh', fixed: '/bin/sh', trusted: this.trust.isTrusted() });
    if (!sh.ok) throw new NixRefusal(sh.reason);
    return { command: sh.path, args: ['-c', commandLine], jsonLog: false };
  }

  private scopeFor(dir: string): vscode.WorkspaceFolder | vscode.TaskScope {
    return vscode.workspace.getWorkspaceFolder(vscode.Uri.file(dir)) ?? vscode.TaskScope.Workspace;
  }

  /** A task for an action; `onPty` sees the terminal of this run (the command's own handle on it). */
  task(flake: FlakeInfo, action: NixAction, onPty?: (p: ProcessPty) => void, definition?: NixTaskDefinition): vscode.Task {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(flake.dir));
    const rel = folder ? path.relative(folder.uri.fsPath, flake.dir) : '';
    const def: NixTaskDefinition = definition ?? {
      type: NIX_TASK_TYPE,
      action: action.kind,
      ...(action.kind === 'build-host' || action.kind === 'build-vm' ? { host: action.host } : {}),
      ...(action.kind === 'build' ? { attribute: action.attrPath.join('.') } : {}),
      ...(rel ? { flake: rel } : {}),
    };
    const label = describeAction(action) + (rel ? ` (${rel})` : '');
    const execution = new vscode.CustomExecution(async () => {
      // Checked again at run time: a task from tasks.json reaches here without the command's checks.
      const refusal = await this.refusal(flake, action);
      let why = refusal;
      let inv: Invocation = { command: '/bin/false', args: [], jsonLog: false };
      if (!why) {
        try {
          inv = this.invocation(flake, action);
        } catch (e) {
          why = e instanceof Error ? e.message : String(e);
        }
      }
      const pty = this.pty(flake, inv, label, action, flake.dir, why);
      onPty?.(pty);
      return pty;
    });
    const task = new vscode.Task(def, folder ?? vscode.TaskScope.Workspace, label, 'Spec Kit', execution, []);
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true };
    if (action.kind !== 'flake-check') task.group = vscode.TaskGroup.Build;
    return task;
  }

  private pty(flake: FlakeInfo, inv: Invocation, label: string, action: NixAction | undefined, cwd: string, refusal?: string): ProcessPty {
    const state: RunState = { label, started: Date.now() };
    const display = refusal ? `# refused: ${refusal}` : displayCommand(inv);
    let settle!: (r: NixRunResult) => void;
    const result = new Promise<NixRunResult>((resolve) => (settle = resolve));
    const pty = new ProcessPty({ command: inv.command, args: inv.args, cwd, display, jsonLog: inv.jsonLog, ...(refusal !== undefined ? { refused: refusal } : {}) }, (r) => {
      void this.finish(flake, inv, label, action, r, display).then((res) => {
        this.running.delete(state);
        this.lastResult = res;
        this.finished.fire(res);
        settle(res);
      });
    });
    this.results.set(pty, result);
    this.running.add(state);
    this.started.fire(state);
    this.log.info(`Running ${display} in ${cwd}`);
    return pty;
  }

  private async finish(flake: FlakeInfo, inv: Invocation, label: string, action: NixAction | undefined, r: PtyResult, display: string): Promise<NixRunResult> {
    const parsed = parseNixOutput(r.stderr);
    const host = action && (action.kind === 'build-host' || action.kind === 'build-vm') ? action.host : undefined;
    const problems = await this.diagnostics.publish(flake, parsed, host ? { host } : {});
    const readable = inv.jsonLog
      ? r.stderr.split('\n').map(renderLogLine).filter((l): l is string => l !== undefined).join('\n')
      : r.stderr;
    const firstError = parsed.find((d) => d.severity === 'error');
    const exitCode = r.exitCode ?? undefined;
    const result: NixRunResult = {
      ok: exitCode === 0 && !r.cancelled,
      exitCode,
      output: stripAnsi(r.stdout + (r.stdout && readable ? '\n' : '') + readable),
      durationMs: r.durationMs,
      label,
      command: display,
      flakeDir: flake.dir,
      problems: problems.length,
      firstError: firstError ? summarize(firstError) : r.spawnError,
      drvPath: parsed.find((d) => d.drvPath)?.drvPath,
      cancelled: r.cancelled,
    };
    this.log.info(`${label}: exit code ${String(exitCode)} in ${r.durationMs} ms, ${problems.length} problem(s)`);
    return result;
  }

  private async provideTasks(): Promise<vscode.Task[]> {
    const tasks: vscode.Task[] = [];
    for (const flake of await this.registry.all()) {
      for (const host of flake.outputs.nixosConfigurations) {
        tasks.push(this.task(flake, { kind: 'build-host', host }), this.task(flake, { kind: 'build-vm', host }));
      }
      tasks.push(this.task(flake, { kind: 'flake-check' }));
    }
    return tasks;
  }

  private async resolveTask(task: vscode.Task): Promise<vscode.Task | undefined> {
    const def = task.definition as NixTaskDefinition;
    const folder = typeof task.scope === 'object' ? task.scope : vscode.workspace.workspaceFolders?.[0];
    if (!folder) return undefined;
    const dir = path.resolve(folder.uri.fsPath, def.flake ?? '.');
    const flake = (await this.registry.all()).find((f) => f.dir === dir);
    const action = actionFromDefinition(def);
    if (!flake || !action) {
      this.log.warn(`speckit-nix task "${task.name}": ${!flake ? `no flake.nix in ${dir}` : 'unknown action or attribute'}`);
      return undefined;
    }
    const resolved = this.task(flake, action, undefined, def);
    return new vscode.Task(def, task.scope ?? folder, task.name, task.source, resolved.execution, []);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

export function actionFromDefinition(def: NixTaskDefinition): NixAction | undefined {
  switch (def.action) {
    case 'build-host':
    case 'build-vm':
      return typeof def.host === 'string' ? { kind: def.action, host: def.host } : undefined;
    case 'flake-check':
      return { kind: 'flake-check' };
    case 'build': {
      const segs = typeof def.attribute === 'string' ? splitAttrPath(def.attribute) : undefined;
      return segs ? { kind: 'build', attrPath: segs } : undefined;
    }
    default:
      return undefined;
  }
}

/** A run that was not started, with the reason. */
export class NixRefusal extends Error {}
