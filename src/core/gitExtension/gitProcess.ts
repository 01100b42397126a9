/**
 * Running git for the git extension's commands: an argument vector through the project's process
 * runner (never a shell), in the project root, never prompting for credentials. Only for a trusted
 * workspace on local files — git runs a repository's hooks and fsmonitor.
 */
import { type ProcessResult } from '../nix/flakeDiscovery';
import { runProcess, type StreamingOptions } from '../nix/processRunner';
import { resolveExecutable } from '../security/executables';

export interface GitRun {
  (args: readonly string[]): Promise<ProcessResult>;
}

/** What every git extension command reports: what the script prints to stderr, and whether it succeeded. */
export interface CommandOutcome {
  /** The script's exit code: 0, or 1 where it stops with an error. */
  readonly exitCode: 0 | 1;
  /** The lines the script writes to stderr (`[specify] Warning: …`, `[OK] …`, `Error: …`). */
  readonly messages: readonly string[];
}

export interface GitRunOptions {
  readonly gitPath?: string;
  /** Base environment (default: this process's). `GIT_TERMINAL_PROMPT=0` is always added. */
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
  /** Aborting kills a running git. */
  readonly signal?: AbortSignal;
  /** Replaces node:child_process (tests of failure paths). */
  readonly run?: (command: string, args: readonly string[], opts: StreamingOptions) => Promise<ProcessResult>;
}

export function gitRunner(cwd: string, options: GitRunOptions = {}): GitRun {
  const run = options.run ?? runProcess;
  const env = { ...(options.env ?? process.env), GIT_TERMINAL_PROMPT: '0' };
  // A bare `git` would be looked up by the OS, an empty PATH entry meaning the repository itself.
  const resolved = options.gitPath === undefined ? resolveExecutable({ name: 'git', pathEnv: (env as NodeJS.ProcessEnv)['PATH'], workspaceRoots: [cwd] }) : undefined;
  const git = options.gitPath ?? (resolved?.ok ? resolved.path : undefined);
  const missing: ProcessResult = { exitCode: null, stdout: '', stderr: '', spawnError: resolved && !resolved.ok ? resolved.reason : 'git not found' };
  return (args) =>
    git === undefined
      ? Promise.resolve(missing)
      : run(git, args, {
          cwd,
          env,
          timeoutMs: options.timeoutMs ?? 60_000,
          ...(options.signal ? { signal: options.signal } : {}),
        });
}

/** git could be started at all (spec-kit: `command -v git`). */
export function gitMissing(r: ProcessResult): boolean {
  return r.spawnError !== undefined;
}

/** stdout without its final newline. */
export function out(r: ProcessResult): string {
  return r.stdout.replace(/\n$/, '');
}

/** stdout+stderr as the script captures `$(git … 2>&1)`. */
export function combined(r: ProcessResult): string {
  return `${r.stdout}${r.stderr}`.replace(/\n+$/, '');
}
