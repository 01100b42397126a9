/**
 * `speckit-vscode`: the workspace model on the command line, for CI, scripts and pre-commit hooks.
 *   speckit-vscode parse <file>… [--json]
 *   speckit-vscode scan <dir> [--json] [--cache DIR]
 *   speckit-vscode check [dir|file…] [--json] [--severity code=level…]
 * Exit codes: 0 clean, 1 findings (an error), 2 bad arguments or unreadable input, 3 internal error.
 */
// Synchronous: node:fs/promises costs a cold process ~2.5 ms to load, and a batch command has nothing to do meanwhile.
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import * as nodePath from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread } from 'node:worker_threads';
import { artifactKind } from './core/artifacts/artifactKind';
import { parseChecklist } from './core/artifacts/checklist';
import { parseConstitution } from './core/artifacts/constitution';
import { parsePlan } from './core/artifacts/plan';
import { parseSpec } from './core/artifacts/spec';
import { parseTasks, type TasksDoc } from './core/artifacts/tasks';
import { lintKind } from './core/lint/analyzedDoc';
import { type CheckPart, checkedFiles, checkFiles, featureFolder, type FileProblem } from './core/lint/checkFiles';
import { partCount, runInParts, serveCheckPart } from './core/lint/checkWorkers';
import { applySeverities, SEVERITY_SETTINGS, type SeveritySetting } from './core/lint/rules';
import { parseMarkdown } from './core/markdown/markdownDoc';
import { type Problem } from './core/text/range';
import { AuditedFileSystem } from './core/workspace/auditedFileSystem';
import { toFileReadError } from './core/workspace/fileSystem';
import { branchFromGitHead } from './core/workspace/gitHead';
import { type OpenSpecParsedJson, openspecParseJson } from './core/openspec/openspecJson';
import { openspecFileKind } from './core/openspec/openspecPaths';
import { NodeFileSystem } from './core/workspace/nodeFileSystem';
import { isInside } from './core/workspace/projects';
import { type ScanJson, toScanJson } from './core/workspace/scanJson';
import { PersistedSummaries } from './core/workspace/summaryStore';
import { MAX_DOCUMENT_BYTES, WorkspaceIndex } from './core/workspace/workspaceIndex';
import { readProblem, type WorkspaceProblem } from './core/workspace/workspaceProblem';

const USAGE = `Usage:
  speckit-vscode parse <file>... [--json]   parse spec-kit files (spec, plan, tasks, checklists, constitution)
  speckit-vscode scan <dir> [--json] [--cache DIR]
                                            list every spec-kit project and feature under a folder;
                                            --cache keeps per-file summaries in DIR for the next scan
  speckit-vscode check [dir|file]... [--json] [--severity code=level]...
                                            run the language server's rules (default: the current folder);
                                            a big tree is checked in parts on worker threads, one per
                                            two cores (SPECKIT_CHECK_WORKERS=n sets n; 1: one thread)
  speckit-vscode --help | --version

Exit status:
  0  clean: nothing of severity error was found
  1  findings: an error was reported (a rule, or a file that is there but could not be read)
  2  bad arguments, or an input named on the command line that cannot be read
  3  internal error (a bug: please report it; SPECKIT_DEBUG=1 prints the stack)
  Ended by SIGINT or SIGTERM it stops at once (a shell shows 130 or 143); when its output
  closes early (| head) it stops quietly with 141, as if by SIGPIPE.`;

export type CliKind = 'spec' | 'plan' | 'tasks' | 'checklist' | 'constitution' | 'unknown';

export interface ParsedFileJson {
  file: string;
  kind: CliKind;
  tasks: Array<{ id: string; checked: boolean; parallel: boolean; story: string | null; line: number; phase: string | null }>;
  requirements: Array<{ id: string; line: number }>;
  markers: Array<{ text: string; line: number }>;
  problems: Array<{ message: string; line: number; severity: string; code: string }>;
}

/** Exit 2, with `(see --help)`. */
class UsageError extends Error {}
/** Exit 2: an input named on the command line cannot be read. */
class InputError extends Error {}

interface Io {
  out(line: string): void;
  err(line: string): void;
}

/** State files `check` looks at besides spec-kit markdown: a FIFO or device under these names is reported. */
const STATE_FILES = new Set(['feature.json', 'init-options.json']);

/** How the command runs, beside its arguments. */
export interface CliOptions {
  /** A bundle of this CLI that `check` may start as worker threads for parts of a big check; none: one thread. */
  readonly workerScript?: string;
}

/** Runs the CLI and returns its exit code; output goes through `io` so tests can read it. */
export async function runCli(argv: readonly string[], io: Io, cwd = process.cwd(), options: CliOptions = {}): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        severity: { type: 'string', multiple: true },
        cache: { type: 'string' },
      },
    });
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    if (values.version) {
      io.out(VERSION);
      return 0;
    }
    const [command, ...rest] = positionals;
    if (command === 'parse') return await parse(rest, values.json === true, io, cwd);
    if (command === 'scan') return await scanCommand(rest, values.json === true, io, cwd, values.cache);
    if (command === 'check') return await check(rest, values.severity ?? [], values.json === true, io, cwd, options);
    throw new UsageError(command ? `unknown command '${printable(command)}'` : 'no command given');
  } catch (e) {
    if (e instanceof UsageError || (e instanceof Error && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      io.err(`speckit-vscode: ${printable(e.message.split('\n')[0]!)} (see --help)`);
      return 2;
    }
    if (e instanceof InputError) {
      io.err(`speckit-vscode: ${printable(e.message)}`);
      return 2;
    }
    io.err(internalError(e));
    return 3;
  }
}

/** One line for a bug, never a stack trace unless asked for. */
function internalError(e: unknown): string {
  if (process.env.SPECKIT_DEBUG && e instanceof Error && e.stack) return `speckit-vscode: internal error: ${e.stack}`;
  const message = e instanceof Error ? e.message.split('\n')[0]! : String(e);
  return `speckit-vscode: internal error: ${printable(message)} (a bug; SPECKIT_DEBUG=1 shows where)`;
}

async function parse(files: readonly string[], json: boolean, io: Io, cwd: string): Promise<number> {
  if (files.length === 0) throw new UsageError('parse needs at least one file');
  const fs = new NodeFileSystem({ blocking: true });
  const results: Array<ParsedFileJson | OpenSpecParsedJson> = [];
  // Every file is read before anything is printed, so an unreadable one gives exit 2 and no partial output.
  for (const f of files) {
    const abs = nodePath.resolve(cwd, f);
    // OpenSpec files first: `openspec/specs/x/spec.md` would otherwise read as a spec-kit spec.
    results.push(openspecFileKind(abs) ? await parseOpenSpecFile(fs, abs, f) : await parseFile(fs, abs, f));
  }
  for (const r of results) {
    if (json) io.out(jsonLine(r));
    else printParsed(r, io);
  }
  return results.some((r) => r.problems.some((p) => p.severity === 'error')) ? 1 : 0;
}

async function scanCommand(args: readonly string[], json: boolean, io: Io, cwd: string, cache: string | undefined): Promise<number> {
  if (args.length !== 1) throw new UsageError('scan needs exactly one folder');
  const dir = nodePath.resolve(cwd, args[0]!);
  const s = statOrUndefined(dir);
  if (!s?.isDirectory()) throw new UsageError(`not a folder: ${args[0]}`);
  readable(dir, args[0]!, true);
  if (cache === '') throw new UsageError('--cache needs a folder');
  const store = cache !== undefined ? await PersistedSummaries.open(nodePath.resolve(cwd, cache), VERSION) : undefined;
  if (store?.ignored) io.err(`speckit-vscode: the cache in ${printable(cache!)} was ignored and will be rebuilt: ${store.ignored}`);
  const result = await scan(dir, store);
  // A cache that cannot be written costs the next run time, not this run its answer.
  await store?.save().catch((e: unknown) => io.err(`speckit-vscode: the cache could not be written: ${printable(e instanceof Error ? e.message.split('\n')[0]! : String(e))}`));
  if (json) io.out(jsonLine(result));
  else printScan(result, io);
  const problems = [...result.problems, ...result.projects.flatMap((p) => p.problems)];
  return problems.some((p) => p.severity === 'error') ? 1 : 0;
}

/** `check`: the language server's rules over files and folders, one `file:line:col severity code message` line each. */
async function check(targets: readonly string[], severities: readonly string[], json: boolean, io: Io, cwd: string, options: CliOptions): Promise<number> {
  const overrides: Record<string, SeveritySetting> = {};
  for (const s of severities) {
    const m = /^([\w-]+)=(\w+)$/.exec(s);
    if (!m || !(SEVERITY_SETTINGS as readonly string[]).includes(m[2]!)) throw new UsageError(`--severity wants code=${SEVERITY_SETTINGS.join('|')}, got '${s}'`);
    overrides[m[1]!] = m[2] as SeveritySetting;
  }
  const paths: string[] = [];
  const scopes: string[] = [];
  for (const t of targets.length > 0 ? targets : ['.']) {
    const abs = nodePath.resolve(cwd, t);
    const s = statOrUndefined(abs);
    if (!s) throw new InputError(`no such file or folder: ${t}`);
    if (!s.isFile() && !s.isDirectory()) throw new InputError(`not a regular file or folder: ${t}`);
    readable(abs, t, s.isDirectory());
    const p = toPosix(abs);
    paths.push(p);
    // A file is checked with its feature's other files: their read failures concern it too.
    scopes.push(s.isDirectory() ? p : featureFolder(p));
  }
  const walk = auditedFileSystem();
  const files = await checkedFiles(walk, paths);
  const count = options.workerScript !== undefined ? partCount(files.length) : 1;
  const { results, fromWorkers } = await runInParts(options.workerScript ?? '', { paths, scopes, overrides, files }, count, (a, part) =>
    checkPart(a, part, part.index === 0 ? walk : auditedFileSystem()),
  );
  if (process.env.SPECKIT_DEBUG) io.err(`speckit-vscode: ${files.length} files checked in ${results.length} part(s), ${fromWorkers} by worker threads`);
  const found = results.flatMap((r) => r.found);
  // Each part's file system saw the whole project's listing: gathered in part 0's, one problem per path, as one part would give.
  for (const r of results) for (const x of r.unread) walk.record(x);
  const unread = inScopes(walk.problems, scopes);
  // One at a time: `--severity unreadable-file=off` drops some, and each keeps its own path.
  const problems = [...found, ...unread.flatMap((x) => applySeverities([asProblem(x)], overrides).map((p) => ({ ...p, path: x.path })))];
  // Stable: the rules' order within a file is kept.
  problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const shown = (p: string): string => {
    const rel = nodePath.relative(cwd, p.split('/').join(nodePath.sep));
    return rel && !rel.startsWith('..') ? rel.split(nodePath.sep).join('/') : p;
  };
  const errors = problems.filter((p) => p.severity === 'error').length;
  if (json) {
    io.out(
      jsonLine(
        problems.map((p) => ({
          file: shown(p.path),
          line: p.range.start.line + 1,
          column: p.range.start.character + 1,
          endLine: p.range.end.line + 1,
          endColumn: p.range.end.character + 1,
          severity: p.severity,
          code: p.code,
          message: p.message,
        })),
      ),
    );
  } else {
    for (const p of problems) io.out(`${printable(shown(p.path))}:${p.range.start.line + 1}:${p.range.start.character + 1} ${p.severity} ${p.code} ${printable(p.message)}`);
    const warnings = problems.filter((p) => p.severity === 'warning').length;
    io.err(`${errors} error(s), ${warnings} warning(s), ${problems.length - errors - warnings} other`);
  }
  return errors > 0 ? 1 : 0;
}

/** What every part of a check is given: the command's arguments and the files listed once. */
interface CheckArgs {
  readonly paths: readonly string[];
  readonly scopes: readonly string[];
  readonly overrides: Readonly<Record<string, SeveritySetting>>;
  readonly files: readonly string[];
}

/** One part's problems, and what it could not read within the folders checked. */
interface CheckPartResult {
  readonly found: FileProblem[];
  readonly unread: WorkspaceProblem[];
}

/** Whatever the rules could not read is reported, so a tree that could not be looked at is never called clean. */
function auditedFileSystem(): AuditedFileSystem {
  const audit: AuditedFileSystem = new AuditedFileSystem(
    new NodeFileSystem({ blocking: true, onUnreadableFolder: (e) => audit.record(readProblem(e, 'This folder')) }),
    (p) => lintKind(p) !== undefined || STATE_FILES.has(nodePath.posix.basename(p)),
  );
  return audit;
}

/** A part of `check` (../core/lint/checkWorkers): here, or in a worker thread of this bundle. */
async function checkPart(a: CheckArgs, part: CheckPart, audit = auditedFileSystem()): Promise<CheckPartResult> {
  const found = await checkFiles(audit, a.paths, a.overrides, { files: a.files, part });
  return { found, unread: inScopes(audit.problems, a.scopes) };
}

/** The read problems within the folders checked (a file's scope is its feature's folder). */
function inScopes(problems: readonly WorkspaceProblem[], scopes: readonly string[]): WorkspaceProblem[] {
  return problems.filter((x) => scopes.some((scope) => isInside(scope, x.path, true)));
}

/** The applySeverities shape of a read problem, at the file's start. The path is put back by the caller. */
function asProblem(x: WorkspaceProblem): Problem {
  const at = { line: 0, character: 0 };
  return { code: x.code, message: x.message, severity: x.severity, range: { start: at, end: at } };
}

/** What a path is, or undefined when it cannot be looked at (missing, a loop, no permission on the way). */
function statOrUndefined(p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

/** An argument the user named must be readable (a folder also listable): else exit 2, not a silent empty result. */
function readable(abs: string, shown: string, folder: boolean): void {
  try {
    accessSync(abs, folder ? constants.R_OK | constants.X_OK : constants.R_OK);
  } catch (e) {
    throw new InputError(`cannot read ${shown}: ${toFileReadError(abs, e).message}`);
  }
}

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

async function parseOpenSpecFile(fs: NodeFileSystem, abs: string, shown: string): Promise<OpenSpecParsedJson> {
  let raw: Uint8Array;
  try {
    raw = await fs.readFile(abs, { maxBytes: MAX_DOCUMENT_BYTES });
  } catch (e) {
    const error = toFileReadError(abs, e);
    throw new InputError(error.reason === 'missing' ? `no such file: ${shown}` : `cannot read ${shown}: ${error.message}`);
  }
  return openspecParseJson(toPosix(abs), raw, shown)!;
}

async function parseFile(fs: NodeFileSystem, abs: string, shown: string): Promise<ParsedFileJson> {
  const kind = cliKind(abs);
  const out: ParsedFileJson = { file: shown, kind, tasks: [], requirements: [], markers: [], problems: [] };
  let raw: Uint8Array;
  try {
    raw = await fs.readFile(abs, { maxBytes: MAX_DOCUMENT_BYTES });
  } catch (e) {
    const error = toFileReadError(abs, e);
    if (error.reason === 'missing') throw new InputError(`no such file: ${shown}`);
    if (error.reason !== 'too-large') throw new InputError(`cannot read ${shown}: ${error.message}`);
    out.problems = [{ message: readProblem(error).message, line: 1, severity: 'warning', code: 'file-too-large' }];
    return out;
  }
  const problems = (list: readonly Problem[]): ParsedFileJson['problems'] =>
    list.map((p) => ({ message: p.message, line: p.range.start.line + 1, severity: p.severity, code: p.code }));
  try {
    switch (kind) {
      case 'tasks': {
        const doc = parseTasks(raw);
        out.tasks = doc.tasks.map((t) => ({
          id: t.id,
          checked: t.checked,
          parallel: t.parallel,
          story: t.story ?? null,
          line: t.lineRange.start.line + 1,
          phase: phaseHeading(doc, t.phase),
        }));
        out.problems = problems(doc.problems);
        break;
      }
      case 'spec': {
        const doc = parseSpec(raw);
        out.requirements = doc.requirements.map((r) => ({ id: r.id, line: r.idRange.start.line + 1 }));
        out.markers = doc.markers.map((m) => ({ text: m.text, line: m.range.start.line + 1 }));
        out.problems = problems(doc.problems);
        break;
      }
      case 'plan': {
        const doc = parsePlan(raw);
        out.markers = doc.markers.map((m) => ({ text: m.text, line: m.range.start.line + 1 }));
        out.problems = problems(doc.problems);
        break;
      }
      case 'checklist':
        out.problems = problems(parseChecklist(raw).problems);
        break;
      case 'constitution':
        out.problems = problems(parseConstitution(raw).problems);
        break;
      case 'unknown':
        out.problems = problems(parseMarkdown(raw).problems);
        break;
    }
  } catch (e) {
    // One file that breaks the parser is a finding about that file; the others are still parsed.
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { ...out, tasks: [], requirements: [], markers: [], problems: [{ message: `This file could not be analysed (${reason}).`, line: 1, severity: 'error', code: 'analysis-failed' }] };
  }
  return out;
}

function cliKind(p: string): CliKind {
  const kind = artifactKind(p.split(nodePath.sep).join('/'));
  return kind === 'spec' || kind === 'plan' || kind === 'tasks' || kind === 'checklist' || kind === 'constitution' ? kind : 'unknown';
}

function phaseHeading(doc: TasksDoc, key: string | undefined): string | null {
  const phase = doc.phases.find((p) => p.key === key);
  if (!phase) return null;
  return doc.markdown.index.textOf(phase.headingRange).replace(/^#+\s*/, '').replace(/\s*#*\s*$/, '');
}

/** The index of a folder as JSON, with what could not be read. HEAD is read as a file: no git process runs. */
export async function scan(dir: string, summaries?: PersistedSummaries): Promise<ScanJson> {
  const root = toPosix(dir);
  const folders: WorkspaceProblem[] = [];
  // Once per folder: the spec-kit and the OpenSpec scans both list the tree.
  const fs = new NodeFileSystem({ blocking: true, onUnreadableFolder: (e) => void (folders.some((f) => f.path === e.path) || folders.push(readProblem(e, 'This folder'))) });
  const index = new WorkspaceIndex(fs, {
    env: process.env,
    currentBranch: (r, problems) => branchFromGitHead(fs, r, '/', problems),
    ...(summaries ? { summaries } : {}),
  });
  await index.addFolder(root);
  return toScanJson(index, folders);
}

function toPosix(p: string): string {
  return p.split(nodePath.sep).join('/');
}

// eslint-disable-next-line no-control-regex -- these are the characters to escape
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '\v': '\\v', '\0': '\\0' };

/**
 * Text for a terminal line: control characters (C0, DEL, C1), line separators and bidi overrides
 * become escapes (`\n`, `\x1b`, `\u202e`), so a file name cannot forge an output line or drive the
 * terminal.
 */
export function printable(s: string): string {
  return s.replace(UNPRINTABLE, (c) => {
    const named = NAMED_ESCAPES[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** JSON.stringify leaves these raw (valid JSON, but a terminal may act on them). */
const JSON_UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON.stringify, with DEL, C1 and the separators and bidi controls it leaves raw escaped too: same value, safe on a terminal. */
function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function printParsed(r: ParsedFileJson | OpenSpecParsedJson, io: Io): void {
  io.out(`${printable(r.file)} (${r.kind})`);
  if (r.kind.startsWith('openspec-')) {
    const o = r as OpenSpecParsedJson;
    if (o.progress) io.out(`  ${o.progress.total} tasks, ${o.progress.done} done`);
    for (const t of o.tasks) io.out(printable(`  ${String(t.line).padStart(5)}  [${t.checked ? 'x' : ' '}] ${t.id ?? ''} ${t.text}`));
    for (const q of o.requirements) io.out(printable(`  ${String(q.line).padStart(5)}  ${q.operation ? `${q.operation} ` : ''}Requirement: ${q.name} (${q.scenarios} scenario${q.scenarios === 1 ? '' : 's'})`));
    for (const p of o.problems) io.out(printable(`  ${String(p.line).padStart(5)}  ${p.severity} ${p.code}: ${p.message}`));
    return;
  }
  if (!isSpecKitParsed(r)) return;
  if (r.kind === 'tasks') {
    const done = r.tasks.filter((t) => t.checked).length;
    io.out(`  ${r.tasks.length} tasks, ${done} done`);
    for (const t of r.tasks) {
      io.out(printable(`  ${String(t.line).padStart(5)}  [${t.checked ? 'x' : ' '}] ${t.id}${t.parallel ? ' [P]' : ''}${t.story ? ` [${t.story}]` : ''}  ${t.phase ?? ''}`));
    }
  }
  if (r.requirements.length > 0) io.out(printable(`  requirements: ${r.requirements.map((q) => q.id).join(', ')}`));
  for (const m of r.markers) io.out(printable(`  ${String(m.line).padStart(5)}  NEEDS CLARIFICATION: ${m.text}`));
  for (const p of r.problems) io.out(printable(`  ${String(p.line).padStart(5)}  ${p.severity} ${p.code}: ${p.message}`));
}

function isSpecKitParsed(r: ParsedFileJson | OpenSpecParsedJson): r is ParsedFileJson {
  return !r.kind.startsWith('openspec-');
}

function printScan(result: ScanJson, io: Io): void {
  if (result.projects.length === 0) io.out('No spec-kit project found (no .specify/ folder, nor memory/ with specs/).');
  for (const p of result.projects) {
    const c = p.constitution ? (p.constitution.placeholder ? 'constitution: placeholder' : `constitution: v${p.constitution.version ?? '?'}`) : 'no constitution';
    io.out(printable(`${p.root}  (${c}${p.current ? `; current: ${p.current}` : ''})`));
    if (p.features.length === 0) io.out('  no features yet: run /speckit.specify');
    else {
      const rows = p.features.map((f) => [
        f.dir === p.current ? `* ${f.dir}` : `  ${f.dir}`,
        f.label + (f.stale ? ' (stale)' : ''),
        `${f.tasks.done}/${f.tasks.total}`,
        String(f.markers),
        f.checklists.total > 0 ? `${f.checklists.passed}/${f.checklists.total}` : '-',
        f.next ?? '',
      ].map(printable));
      const header = ['  FEATURE', 'PHASE', 'TASKS', 'OPEN Q', 'CHECKLISTS', 'NEXT'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      for (const r of [header, ...rows]) io.out('  ' + r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
    }
    for (const x of p.problems) io.out(printable(`  ${x.severity} ${x.code}${x.file === null ? '' : ` ${x.file}`}: ${x.message}`));
  }
  for (const x of result.problems) io.out(printable(`${x.severity} ${x.code} ${x.file ?? ''}: ${x.message}`));
}

/**
 * The process around runCli: exit with its code; a closed stdout or stderr (`| head`) ends the run
 * quietly with 141, as a program killed by SIGPIPE would; anything thrown outside runCli is exit 3
 * in one line. SIGINT and SIGTERM keep Node's default: the process ends at once, by that signal,
 * so a shell sees 130/143 and a script looping over this command stops too.
 */
function main(): void {
  let closed = false;
  const onStreamError = (e: NodeJS.ErrnoException): void => {
    if (closed) return;
    closed = true;
    process.exit(e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED' ? 141 : 3);
  };
  process.stdout.on('error', onStreamError);
  process.stderr.on('error', onStreamError);
  const fatal = (e: unknown): void => {
    if (!closed) process.stderr.write(`${internalError(e)}\n`);
    process.exit(3);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  const io: Io = {
    out: (l) => {
      if (!closed) process.stdout.write(`${l}\n`);
    },
    err: (l) => {
      if (!closed) process.stderr.write(`${l}\n`);
    },
  };
  runCli(process.argv.slice(2), io, process.cwd(), { workerScript: __filename }).then((code) => {
    process.exitCode = code;
  }, fatal);
}

declare const __CLI_MAIN__: boolean | undefined;
// Only the dist/cli.js bundle runs: a bundle that imports runCli (the benchmarks) must not.
// Started as a worker thread by `check` itself, the same bundle checks one part instead.
if (typeof __CLI_MAIN__ !== 'undefined' && __CLI_MAIN__) {
  if (isMainThread) {
    if (require.main === module) main();
  } else serveCheckPart(checkPart);
}
