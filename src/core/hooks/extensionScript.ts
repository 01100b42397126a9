/**
 * The scripts an extension command may run (`run_script`, offered only to a model run of another
 * extension's command): a file under that extension's own `scripts/` folder, named by the command
 * file, started without a shell through the interpreter its extension implies, with a few plain
 * arguments. The user confirms the exact command line this module renders before anything runs;
 * the caller checks trust, containment on disk (symlinks) and runs it. Pure.
 */
import * as path from 'node:path/posix';

/** Arguments a script gets at most, and characters each. */
export const MAX_SCRIPT_ARGS = 16;
export const MAX_SCRIPT_ARG_CHARS = 400;
/** Output returned to the model at most (the head and the tail are kept). */
export const MAX_SCRIPT_OUTPUT_CHARS = 12_000;

const INTERPRETERS: Readonly<Record<string, string>> = { '.sh': 'bash', '.bash': 'bash', '.py': 'python3', '.ps1': 'pwsh' };
/** Extension ids as spec-kit allows them. */
const EXTENSION_ID = /^[a-z0-9][a-z0-9-]*$/;

export interface PlannedScript {
  /** Project-relative: `.specify/extensions/agent-context/scripts/bash/update.sh`. */
  readonly relPath: string;
  /** `bash`, `python3`, `pwsh`. */
  readonly interpreter: string;
  readonly args: readonly string[];
  /** What the user confirms, exactly as it runs (cwd: the project root). */
  readonly commandLine: string;
}

export type ScriptPlan = ({ readonly ok: true } & PlannedScript) | { readonly ok: false; readonly reason: string };

/**
 * Checks a `run_script` request against the rules: `script` a relative path under
 * `.specify/extensions/<extension>/scripts/` (given in full, or relative to the extension folder),
 * with a known interpreter, named by the command file (`commandText`, front matter included); `args`
 * plain strings without line breaks or NULs.
 */
export function planScript(extension: string, commandText: string, script: unknown, args: unknown): ScriptPlan {
  if (!EXTENSION_ID.test(extension)) return { ok: false, reason: `"${extension}" is not an extension id` };
  if (typeof script !== 'string' || script.trim() === '') return { ok: false, reason: 'script must name a script file' };
  const raw = script.trim().replace(/\\/g, '/').replace(/^\.\//, '');
  if (raw.startsWith('/') || /^[a-z]:/i.test(raw) || raw.split('/').includes('..')) return { ok: false, reason: `${raw} is not a relative path inside the extension's folder` };
  const extDir = `.specify/extensions/${extension}`;
  const relPath = path.normalize(raw.startsWith('.specify/') ? raw : `${extDir}/${raw}`);
  if (!relPath.startsWith(`${extDir}/scripts/`)) return { ok: false, reason: `${relPath} is not a script of the ${extension} extension (only files under ${extDir}/scripts/ run)` };
  const interpreter = INTERPRETERS[path.extname(relPath).toLowerCase()];
  if (!interpreter) return { ok: false, reason: `${relPath}: only .sh, .bash, .py and .ps1 scripts run` };
  const inExt = relPath.slice(extDir.length + 1);
  if (!commandText.includes(relPath) && !commandText.includes(inExt)) return { ok: false, reason: `the command file does not name ${inExt}; only the scripts it names run` };
  const list = args === undefined || args === null ? [] : args;
  if (!Array.isArray(list) || !list.every((a): a is string => typeof a === 'string')) return { ok: false, reason: 'args must be a list of strings' };
  if (list.length > MAX_SCRIPT_ARGS) return { ok: false, reason: `at most ${MAX_SCRIPT_ARGS} arguments` };
  const bad = list.find((a) => a.length > MAX_SCRIPT_ARG_CHARS || /[\r\n\0]/.test(a));
  if (bad !== undefined) return { ok: false, reason: `an argument is longer than ${MAX_SCRIPT_ARG_CHARS} characters or holds a line break` };
  return { ok: true, relPath, interpreter, args: list, commandLine: [interpreter, relPath, ...list].map(shellQuote).join(' ') };
}

/** POSIX shell quoting, only where needed: what the user reads is what a shell would run. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Script output for the model: whole when short, else its head and tail with what was left out. */
export function boundOutput(text: string, max = MAX_SCRIPT_OUTPUT_CHARS): string {
  if (text.length <= max) return text;
  const head = Math.floor(max / 3);
  const tail = max - head;
  return `${text.slice(0, head)}\n[… ${text.length - max} characters left out …]\n${text.slice(text.length - tail)}`;
}
