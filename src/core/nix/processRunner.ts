/** Runs programs with an argument array through node:child_process (never a shell). */
import { spawn } from 'node:child_process';
import { type ProcessResult, type ProcessRunner } from './flakeDiscovery';

export interface StreamingOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly onStdout?: (chunk: string) => void;
  readonly onStderr?: (chunk: string) => void;
  /** Aborting kills the process (SIGTERM, then SIGKILL after 3 s). */
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

/** Starts `command args…`; resolves when it exits, with everything it printed. */
export function runProcess(command: string, args: readonly string[], opts: StreamingOptions): Promise<ProcessResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const child = spawn(command, [...args], { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const finish = (r: ProcessResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', kill);
      resolve(r);
    };
    const kill = (): void => {
      child.kill('SIGTERM');
      setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 3000).unref();
    };
    const timer = opts.timeoutMs ? setTimeout(kill, opts.timeoutMs) : undefined;
    if (opts.signal?.aborted) kill();
    opts.signal?.addEventListener('abort', kill);
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      opts.onStdout?.(c);
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
      opts.onStderr?.(c);
    });
    child.on('error', (err) => finish({ exitCode: null, stdout, stderr, spawnError: err.message }));
    child.on('close', (code) => finish({ exitCode: code, stdout, stderr }));
  });
}

export const nodeProcessRunner: ProcessRunner = {
  run: (command, args, opts) => runProcess(command, args, opts),
};
