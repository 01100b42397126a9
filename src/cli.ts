/**
 * `speckit-vscode`: the workspace model on the command line, for CI, scripts and pre-commit hooks.
 *   speckit-vscode parse <file>… [--json]
 *   speckit-vscode scan <dir> [--json]
 *   speckit-vscode check [dir|file…] [--json] [--severity code=level…]
 */
import { readFile, stat } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { parseArgs } from 'node:util';
import { artifactKind } from './core/artifacts/artifactKind';
import { parseChecklist } from './core/artifacts/checklist';
import { parseConstitution } from './core/artifacts/constitution';
import { parsePlan } from './core/artifacts/plan';
import { parseSpec } from './core/artifacts/spec';
import { parseTasks, type TasksDoc } from './core/artifacts/tasks';
import { checkFiles } from './core/lint/checkFiles';
import { SEVERITY_SETTINGS, type SeveritySetting } from './core/lint/rules';
import { parseMarkdown } from './core/markdown/markdownDoc';
import { type Problem } from './core/text/range';
import { currentBranch } from './core/workspace/git';
import { NodeFileSystem } from './core/workspace/nodeFileSystem';
import { type ScanJson, toScanJson } from './core/workspace/scanJson';
import { WorkspaceIndex } from './core/workspace/workspaceIndex';

const USAGE = `Usage:
  speckit-vscode parse <file>... [--json]   parse spec-kit files (spec, plan, tasks, checklists, constitution)
  speckit-vscode scan <dir> [--json]        list every spec-kit project and feature under a folder
  speckit-vscode check [dir|file]... [--json] [--severity code=level]...
                                            run the language server's rules (default: the current folder);
                                            exit 1 when any error is found, else 0
  speckit-vscode --help | --version`;

export type CliKind = 'spec' | 'plan' | 'tasks' | 'checklist' | 'constitution' | 'unknown';

export interface ParsedFileJson {
  file: string;
  kind: CliKind;
  tasks: Array<{ id: string; checked: boolean; parallel: boolean; story: string | null; line: number; phase: string | null }>;
  requirements: Array<{ id: string; line: number }>;
  markers: Array<{ text: string; line: number }>;
  problems: Array<{ message: string; line: number; severity: string; code: string }>;
}

class UsageError extends Error {}

interface Io {
  out(line: string): void;
  err(line: string): void;
}

/** Runs the CLI and returns its exit code; output goes through `io` so tests can read it. */
export async function runCli(argv: readonly string[], io: Io, cwd = process.cwd()): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        severity: { type: 'string', multiple: true },
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
    if (command === 'parse') {
      if (rest.length === 0) throw new UsageError('parse needs at least one file');
      const results: ParsedFileJson[] = [];
      for (const f of rest) results.push(await parseFile(nodePath.resolve(cwd, f), f));
      for (const r of results) {
        if (values.json) io.out(JSON.stringify(r));
        else printParsed(r, io);
      }
      return 0;
    }
    if (command === 'scan') {
      if (rest.length !== 1) throw new UsageError('scan needs exactly one folder');
      const dir = nodePath.resolve(cwd, rest[0]!);
      const s = await stat(dir).catch(() => undefined);
      if (!s?.isDirectory()) throw new UsageError(`not a folder: ${rest[0]}`);
      const result = await scan(dir);
      if (values.json) io.out(JSON.stringify(result));
      else printScan(result, io);
      return 0;
    }
    if (command === 'check') return await check(rest, values.severity ?? [], values.json === true, io, cwd);
    throw new UsageError(command ? `unknown command '${command}'` : 'no command given');
  } catch (e) {
    if (e instanceof UsageError || (e instanceof Error && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      io.err(`speckit-vscode: ${e.message.split('\n')[0]} (see --help)`);
      return 2;
    }
    throw e;
  }
}

/** `check`: the language server's rules over files and folders, one `file:line:col severity code message` line each. */
async function check(targets: readonly string[], severities: readonly string[], json: boolean, io: Io, cwd: string): Promise<number> {
  const overrides: Record<string, SeveritySetting> = {};
  for (const s of severities) {
    const m = /^([\w-]+)=(\w+)$/.exec(s);
    if (!m || !(SEVERITY_SETTINGS as readonly string[]).includes(m[2]!)) throw new UsageError(`--severity wants code=${SEVERITY_SETTINGS.join('|')}, got '${s}'`);
    overrides[m[1]!] = m[2] as SeveritySetting;
  }
  const paths: string[] = [];
  for (const t of targets.length > 0 ? targets : ['.']) {
    const abs = nodePath.resolve(cwd, t);
    if (!(await stat(abs).catch(() => undefined))) throw new UsageError(`no such file or folder: ${t}`);
    paths.push(toPosix(abs));
  }
  const problems = await checkFiles(new NodeFileSystem(), paths, overrides);
  const shown = (p: string): string => {
    const rel = nodePath.relative(cwd, p.split('/').join(nodePath.sep));
    return rel && !rel.startsWith('..') ? rel.split(nodePath.sep).join('/') : p;
  };
  const errors = problems.filter((p) => p.severity === 'error').length;
  if (json) {
    io.out(
      JSON.stringify(
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
    for (const p of problems) io.out(`${shown(p.path)}:${p.range.start.line + 1}:${p.range.start.character + 1} ${p.severity} ${p.code} ${p.message}`);
    const warnings = problems.filter((p) => p.severity === 'warning').length;
    io.err(`${errors} error(s), ${warnings} warning(s), ${problems.length - errors - warnings} other`);
  }
  return errors > 0 ? 1 : 0;
}

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

async function parseFile(abs: string, shown: string): Promise<ParsedFileJson> {
  const s = await stat(abs).catch(() => undefined);
  if (!s?.isFile()) throw new UsageError(`not a file: ${shown}`);
  const raw = await readFile(abs);
  const kind = cliKind(abs);
  const out: ParsedFileJson = { file: shown, kind, tasks: [], requirements: [], markers: [], problems: [] };
  const problems = (list: readonly Problem[]): ParsedFileJson['problems'] =>
    list.map((p) => ({ message: p.message, line: p.range.start.line + 1, severity: p.severity, code: p.code }));
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

export async function scan(dir: string): Promise<ScanJson> {
  const root = toPosix(dir);
  const index = new WorkspaceIndex(new NodeFileSystem(), {
    env: process.env,
    currentBranch: async (r) => {
      const b = await currentBranch(r);
      return b.ok ? b.value : undefined;
    },
  });
  await index.addFolder(root);
  return toScanJson(index);
}

function toPosix(p: string): string {
  return p.split(nodePath.sep).join('/');
}

function printParsed(r: ParsedFileJson, io: Io): void {
  io.out(`${r.file} (${r.kind})`);
  if (r.kind === 'tasks') {
    const done = r.tasks.filter((t) => t.checked).length;
    io.out(`  ${r.tasks.length} tasks, ${done} done`);
    for (const t of r.tasks) io.out(`  ${String(t.line).padStart(5)}  [${t.checked ? 'x' : ' '}] ${t.id}${t.parallel ? ' [P]' : ''}${t.story ? ` [${t.story}]` : ''}  ${t.phase ?? ''}`);
  }
  if (r.requirements.length > 0) io.out(`  requirements: ${r.requirements.map((q) => q.id).join(', ')}`);
  for (const m of r.markers) io.out(`  ${String(m.line).padStart(5)}  NEEDS CLARIFICATION: ${m.text}`);
  for (const p of r.problems) io.out(`  ${String(p.line).padStart(5)}  ${p.severity} ${p.code}: ${p.message}`);
}

function printScan(result: ScanJson, io: Io): void {
  if (result.projects.length === 0) {
    io.out('No spec-kit project found (no .specify/ folder, nor memory/ with specs/).');
    return;
  }
  for (const p of result.projects) {
    const c = p.constitution ? (p.constitution.placeholder ? 'constitution: placeholder' : `constitution: v${p.constitution.version ?? '?'}`) : 'no constitution';
    io.out(`${p.root}  (${c}${p.current ? `; current: ${p.current}` : ''})`);
    if (p.features.length === 0) {
      io.out('  no features yet: run /speckit.specify');
      continue;
    }
    const rows = p.features.map((f) => [
      f.dir === p.current ? `* ${f.dir}` : `  ${f.dir}`,
      f.label + (f.stale ? ' (stale)' : ''),
      `${f.tasks.done}/${f.tasks.total}`,
      String(f.markers),
      f.checklists.total > 0 ? `${f.checklists.passed}/${f.checklists.total}` : '-',
      f.next ?? '',
    ]);
    const header = ['  FEATURE', 'PHASE', 'TASKS', 'OPEN Q', 'CHECKLISTS', 'NEXT'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const r of [header, ...rows]) io.out('  ' + r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), { out: (l) => process.stdout.write(l + '\n'), err: (l) => process.stderr.write(l + '\n') }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`speckit-vscode: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
