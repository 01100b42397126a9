import * as vscode from 'vscode';
import { type ProcessResult } from '../../core/nix/flakeDiscovery';
import { runProcess } from '../../core/nix/processRunner';

export interface PtyRun {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Shown first, as the user would type it. */
  readonly display: string;
  /** stderr is `--log-format internal-json`: shown as readable text, kept raw for the parser. */
  readonly jsonLog: boolean;
  /** Why nothing may run: the terminal says so and no process starts. */
  readonly refused?: string;
}

export interface PtyResult extends ProcessResult {
  readonly durationMs: number;
  readonly cancelled: boolean;
}

const DIM = '\u001b[2m';
const RESET = '\u001b[0m';
const crlf = (s: string): string => s.replace(/\r?\n/g, '\r\n');

/**
 * A terminal that runs one program with an argument array (no shell in between), shows its
 * output, and reports the exit code, elapsed time and everything it printed.
 */
export class ProcessPty implements vscode.Pseudoterminal {
  private readonly write = new vscode.EventEmitter<string>();
  private readonly closed = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.write.event;
  readonly onDidClose = this.closed.event;
  private readonly abort = new AbortController();
  private pending = '';
  private resolveDone!: (r: PtyResult) => void;
  readonly done = new Promise<PtyResult>((resolve) => (this.resolveDone = resolve));

  constructor(private readonly run: PtyRun, private readonly onEnd?: (r: PtyResult) => void) {}

  open(): void {
    const started = Date.now();
    this.write.fire(`${DIM}$ ${this.run.display}${RESET}\r\n`);
    const refusedResult: ProcessResult = { exitCode: 1, stdout: '', stderr: `Not run: ${this.run.refused ?? ''}\n` };
    const ran = this.run.refused !== undefined ? Promise.resolve(refusedResult) : runProcess(this.run.command, this.run.args, {
      cwd: this.run.cwd,
      // Colours stay on for the terminal; the parser strips them.
      env: { ...process.env, NIX_PAGER: '', PAGER: 'cat' },
      signal: this.abort.signal,
      onStdout: (c) => this.write.fire(crlf(c)),
      onStderr: (c) => this.stderr(c),
    });
    void ran.then((r) => {
      if (this.run.refused !== undefined) this.stderr(r.stderr);
      this.stderr('\n');
      const durationMs = Date.now() - started;
      const result: PtyResult = { ...r, durationMs, cancelled: this.abort.signal.aborted };
      const status = r.spawnError ? `could not start: ${r.spawnError}` : r.exitCode === null ? 'was stopped' : `exited with code ${r.exitCode}`;
      this.write.fire(`\r\n${DIM}[Spec Kit] ${this.run.display.split(' ')[0]} ${status} after ${(durationMs / 1000).toFixed(1)} s${RESET}\r\n`);
      this.resolveDone(result);
      this.onEnd?.(result);
      this.closed.fire(r.exitCode ?? 1);
    });
  }

  /** Ctrl+C stops the build. */
  handleInput(data: string): void {
    if (data === '\u0003') this.cancel();
  }

  close(): void {
    this.cancel();
  }

  cancel(): void {
    this.abort.abort();
  }

  private stderr(chunk: string): void {
    if (!this.run.jsonLog) {
      this.write.fire(crlf(chunk));
      return;
    }
    this.pending += chunk;
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) {
      const shown = renderLogLine(line);
      if (shown !== undefined) this.write.fire(crlf(shown) + '\r\n');
    }
  }
}

/** One `--log-format internal-json` line as a person would read it; undefined hides it. */
export function renderLogLine(line: string): string | undefined {
  if (!line.startsWith('@nix {')) return line;
  try {
    const e = JSON.parse(line.slice(5)) as { action?: string; type?: number; level?: number; text?: string; msg?: string; fields?: unknown[] };
    if (e.action === 'msg' && typeof e.msg === 'string' && (e.level ?? 0) <= 3) return e.msg;
    if (e.action === 'start' && e.text && (e.level ?? 0) <= 3) return `${DIM}${e.text}…${RESET}`;
    if (e.action === 'result' && e.type === 101 && Array.isArray(e.fields)) return `  > ${typeof e.fields[0] === 'string' ? e.fields[0] : ''}`;
  } catch {
    return line;
  }
  return undefined;
}
