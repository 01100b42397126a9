/**
 * Parses what Nix prints on stderr into structured errors: the text formats of Nix 2.3 to 2.3x
 * (see /work/shared/reference/nix.md §2.2) and `--log-format internal-json` lines (`@nix {…}`).
 * Positions stay as Nix printed them (store paths, 1-based); `nixPaths.ts` maps them back.
 */
import { stripAnsi } from './ansi';

export type NixDiagnosticKind = 'eval' | 'build' | 'untracked' | 'missing-attribute' | 'not-derivation' | 'other';

export interface NixPosition {
  /** As printed: a store path, an absolute path, `«git+file:///…»/rel`, `«stdin»`, … */
  readonly path: string;
  /** 1-based, as Nix prints it. */
  readonly line: number;
  readonly column: number;
}

export interface NixDiagnostic {
  readonly kind: NixDiagnosticKind;
  readonly severity: 'error' | 'warning';
  /** The real message (innermost `error:` of a trace), one line, no colour codes. */
  readonly message: string;
  /** Where the message points, when Nix said. */
  readonly position: NixPosition | undefined;
  /** `… while …` frames that carry a position, in printed order. */
  readonly trace: readonly NixPosition[];
  /** A file named without a line (module `- In 'file'` definitions, untracked files). */
  readonly file: string | undefined;
  /** Build failures: the derivation, the builder's exit code and the last log lines. */
  readonly drvPath: string | undefined;
  readonly builderExitCode: number | undefined;
  readonly logTail: readonly string[];
  /** Missing attribute errors: the attribute path asked for. */
  readonly attribute: string | undefined;
  /** The whole message block, colour codes removed. */
  readonly text: string;
}

const ERROR = /^\s*(error|warning):\s*(.*)$/;
const LOCATION = /^\s*at (.+?):(\d+):(\d+):?(?:\s*\(source not available\))?\s*$/;
const OLD_INLINE = /^error: (?:while .*? )?(.*?),? at (.+?):(\d+):(\d+):?$/;
const TRACE = /^\s*… (while .*|from call site.*)$/;
const DEFN_FILE = /^\s*- In [`'](.+?)':/;
const BUILD_FAIL_OLD = /builder for '([^']+\.drv)' failed with exit code (\d+)/;
const BUILD_FAIL_NEW = /Cannot build '([^']+\.drv)'\./;
const BUILD_REASON = /Reason: builder failed with exit code (\d+)/;
const UNTRACKED_OLD = /getting status of '((?:\/nix\/store\/[0-9a-df-np-sv-z]{32}-source)\/.+?)': No such file/;
const UNTRACKED_PATH_MISSING = /path '((?:\/nix\/store\/[0-9a-df-np-sv-z]{32}-source)\/.+?)' does not exist/;
const UNTRACKED_NEW = /Path '(.+?)' in the repository "(.+?)" is not tracked by Git/;
const MISSING_ATTR = /does not provide attribute '([^']+)'/;
const NOT_DERIVATION = /(?:flake output attribute|flake attribute) '([^']+)' is not a derivation/;
const LOG_LINE = /^\s*> ?(.*)$/;

/** Every error and warning in a chunk of Nix output (text, internal-json, or a mix of both). */
export function parseNixOutput(output: string): NixDiagnostic[] {
  const diagnostics: NixDiagnostic[] = [];
  const buildLogs = new Map<number, string[]>();
  const drvOfActivity = new Map<number, string>();
  const textLines: string[] = [];
  const flushText = (): void => {
    if (textLines.length > 0) diagnostics.push(...parseTextBlocks(textLines.splice(0)));
  };

  for (const rawLine of output.split(/\r?\n/)) {
    const line = rawLine.replace(/\r/g, '');
    if (!line.startsWith('@nix {')) {
      textLines.push(stripAnsi(line));
      continue;
    }
    flushText();
    const event = parseJson(line.slice(5));
    if (!event) continue;
    if (event.action === 'start' && typeof event.id === 'number' && event.type === 105 && Array.isArray(event.fields) && typeof event.fields[0] === 'string') {
      drvOfActivity.set(event.id, event.fields[0]);
    } else if (event.action === 'result' && event.type === 101 && typeof event.id === 'number' && Array.isArray(event.fields)) {
      const log = buildLogs.get(event.id) ?? [];
      log.push(stripAnsi(typeof event.fields[0] === 'string' ? event.fields[0] : ''));
      buildLogs.set(event.id, log);
    } else if (event.action === 'msg' && (event.level === 0 || event.level === 1) && typeof event.msg === 'string') {
      const msg = stripAnsi(event.msg);
      if (/^\(use '--show-trace'/.test(msg)) continue;
      const parsed = parseTextBlocks(msg.split('\n'));
      for (const d of parsed) {
        let result: NixDiagnostic = d;
        // The JSON carries the position of the message itself; prefer it when the text had none.
        if (!d.position && typeof event.file === 'string' && typeof event.line === 'number') {
          result = { ...result, position: { path: event.file, line: event.line, column: typeof event.column === 'number' ? event.column : 1 } };
        }
        if (result.kind === 'build' && result.logTail.length === 0 && result.drvPath) {
          const id = [...drvOfActivity].find(([, drv]) => drv === result.drvPath)?.[0];
          const log = id === undefined ? undefined : buildLogs.get(id);
          if (log) result = { ...result, logTail: log.slice(-25) };
        }
        diagnostics.push(result);
      }
    }
  }
  flushText();
  return diagnostics;
}

interface NixJsonEvent {
  action?: string;
  id?: number;
  type?: number;
  level?: number;
  msg?: string;
  file?: string | null;
  line?: number | null;
  column?: number | null;
  fields?: unknown[];
}

function parseJson(text: string): NixJsonEvent | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Splits text into blocks that start at a top-level `error:`/`warning:` line and parses each. */
function parseTextBlocks(lines: readonly string[]): NixDiagnostic[] {
  const out: NixDiagnostic[] = [];
  let block: string[] | undefined;
  const close = (): void => {
    if (block) {
      const d = parseBlock(block);
      if (d) out.push(d);
    }
    block = undefined;
  };
  for (const line of lines) {
    if (/^(error|warning):/.test(line)) {
      close();
      block = [line];
    } else if (block && (line === '' || /^\s/.test(line))) {
      block.push(line);
    } else {
      // `building '…'`, `(use '--show-trace' …)` and other unindented lines end a block.
      close();
    }
  }
  close();
  return out;
}

function parseBlock(lines: readonly string[]): NixDiagnostic | undefined {
  const head = ERROR.exec(lines[0] ?? '');
  if (!head) return undefined;
  const severity = head[1] === 'warning' ? 'warning' : 'error';
  let message = head[2]!.trim();
  let messageLine = 0;
  // Format C: a bare `error:` header, the real message is the last indented `error:` line.
  if (message === '') {
    for (let i = lines.length - 1; i > 0; i--) {
      const m = ERROR.exec(lines[i]!);
      if (m && m[2]!.trim() !== '') {
        message = m[2]!.trim();
        messageLine = i;
        break;
      }
    }
  }

  const trace: NixPosition[] = [];
  let position: NixPosition | undefined;
  let inTrace = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (TRACE.test(line)) {
      inTrace = true;
      continue;
    }
    if (ERROR.test(line)) inTrace = false;
    const at = LOCATION.exec(line);
    if (!at) continue;
    const p = { path: at[1]!, line: Number(at[2]), column: Number(at[3]) };
    if (inTrace || i < messageLine || position) {
      trace.push(p);
      inTrace = false;
    } else {
      position = p;
    }
  }

  // Format A: the position is inline on the header.
  const old = OLD_INLINE.exec(lines[0]!);
  if (!position && old && !/^(?:builder for|Cannot build)/.test(message)) {
    message = old[1]!;
    position = { path: old[2]!, line: Number(old[3]), column: Number(old[4]) };
  }

  const text = lines.join('\n').replace(/\s+$/, '');
  let kind: NixDiagnosticKind = position || trace.length > 0 ? 'eval' : 'other';
  let file: string | undefined;
  let drvPath: string | undefined;
  let builderExitCode: number | undefined;
  let attribute: string | undefined;
  const logTail: string[] = [];

  const defn = lines.map((l) => DEFN_FILE.exec(l)).find((m) => m);
  if (defn) {
    file = defn[1];
    kind = 'eval';
  }
  const oldBuild = BUILD_FAIL_OLD.exec(text);
  const newBuild = BUILD_FAIL_NEW.exec(text);
  if (oldBuild || newBuild) {
    kind = 'build';
    drvPath = oldBuild?.[1] ?? newBuild?.[1];
    const code = oldBuild?.[2] ?? BUILD_REASON.exec(text)?.[1];
    builderExitCode = code === undefined ? undefined : Number(code);
    let inLog = false;
    for (const line of lines) {
      if (/last \d+ log lines:/i.test(line)) inLog = true;
      else if (inLog) {
        const m = LOG_LINE.exec(line);
        if (m) logTail.push(m[1]!);
        else if (line.trim() !== '') inLog = false;
      }
    }
    message = message.replace(/;$/, '');
  }
  const untracked = UNTRACKED_OLD.exec(text) ?? UNTRACKED_PATH_MISSING.exec(text);
  const untrackedNew = UNTRACKED_NEW.exec(text);
  if (untracked) {
    kind = 'untracked';
    file = untracked[1];
  } else if (untrackedNew) {
    kind = 'untracked';
    file = `${untrackedNew[2]!.replace(/\/$/, '')}/${untrackedNew[1]!}`;
  }
  const missing = MISSING_ATTR.exec(text);
  if (missing && kind === 'other') {
    kind = 'missing-attribute';
    attribute = missing[1];
  }
  const notDrv = NOT_DERIVATION.exec(text);
  if (notDrv && kind === 'other') {
    kind = 'not-derivation';
    attribute = notDrv[1];
  }
  return { kind, severity, message, position, trace, file, drvPath, builderExitCode, logTail, attribute, text };
}

/** A one-line summary for status bars and notifications. */
export function summarize(d: NixDiagnostic): string {
  if (d.kind === 'build' && d.logTail.length > 0) return `${d.message}: ${d.logTail[d.logTail.length - 1]}`;
  return d.message;
}
