/**
 * OpenSpec projects (Fission-AI/OpenSpec): an `openspec/` folder holding `project.md` (or `AGENTS.md`,
 * or the newer `config.yaml`), `specs/<capability>/spec.md` and `changes/<id>/…`, archived changes
 * under `changes/archive/YYYY-MM-DD-<id>/`. Read through {@link FileSystemHost}, so the workspace
 * index, the language server and the CLI share it; nothing here throws on bad files.
 */
import * as path from 'node:path/posix';
import { parse as parseYaml } from 'yaml';
import { parseTasks, type TasksDoc } from '../artifacts/tasks';
import { decodeText } from '../markdown/markdownDoc';
import { type Problem } from '../text/range';
import { type EntryType, type FileSystemHost } from '../workspace/fileSystem';
import { SKIPPED_DIRECTORIES } from '../workspace/projects';
import { type DesignDoc, parseDesign, parseProposal, type ProposalDoc } from './changeDocs';
import { type DeltaSpecDoc, hasDeltaSections, parseDeltaSpec } from './deltaDoc';
import { type OpenSpecSpecDoc, parseOpenSpecSpec } from './specDoc';

export const OPENSPEC_DIR = 'openspec';

/** A parsed file and where it is (absolute POSIX path). */
export interface OpenSpecFile<T> {
  readonly path: string;
  readonly doc: T;
}

/** `openspec/specs/<capability>/spec.md`; nested layouts give ids such as `auth/session`. */
export interface CapabilitySpec extends OpenSpecFile<OpenSpecSpecDoc> {
  readonly id: string;
}

/** `changes/<id>/specs/<capability>/spec.md`. */
export interface DeltaFile extends OpenSpecFile<DeltaSpecDoc> {
  readonly capability: string;
}

/** A markdown file with delta sections that OpenSpec will not read (not a capability's `spec.md`). */
export interface MisplacedDelta {
  readonly path: string;
  /** Relative to the change's `specs/`. */
  readonly relative: string;
  /** Where it belongs, relative to `specs/`; undefined for `specs/spec.md` (no capability folder). */
  readonly expected: string | undefined;
}

/** `changes/<id>/.openspec.yaml`. */
export interface ChangeMetadata {
  readonly schema: string | undefined;
  readonly created: string | undefined;
  /** `skip_specs: true` with a schema: the change declares it has no spec deltas. */
  readonly skipSpecs: boolean;
}

/** proposed (nothing ticked) → in-progress → complete (every task ticked) → archived. */
export type ChangeStatus = 'proposed' | 'in-progress' | 'complete' | 'archived';

export interface TaskProgress {
  readonly done: number;
  readonly total: number;
}

export interface OpenSpecChange {
  /** The change id: the folder name, without the archive date for archived changes. */
  readonly id: string;
  readonly folder: string;
  readonly dir: string;
  readonly archived: boolean;
  /** `YYYY-MM-DD` from an archive folder name. */
  readonly archivedOn: string | undefined;
  readonly proposal: OpenSpecFile<ProposalDoc> | undefined;
  readonly design: OpenSpecFile<DesignDoc> | undefined;
  readonly tasks: OpenSpecFile<TasksDoc> | undefined;
  /** Sorted by capability id. */
  readonly deltas: readonly DeltaFile[];
  readonly misplacedDeltas: readonly MisplacedDelta[];
  /** Any other file of the change (notes, runbooks, a stray spec.md at its root). */
  readonly otherFiles: readonly string[];
  readonly metadata: ChangeMetadata | undefined;
  readonly progress: TaskProgress;
  readonly status: ChangeStatus;
  readonly problems: readonly OpenSpecFileProblem[];
}

export interface OpenSpecFileProblem extends Problem {
  readonly path: string;
}

export interface OpenSpecProject {
  /** The folder that holds `openspec/` (the repository root, usually). */
  readonly root: string;
  /** `<root>/openspec`. */
  readonly dir: string;
  /** `project.md`, `AGENTS.md`, `config.yaml` when present. */
  readonly projectFile: string | undefined;
  readonly agentsFile: string | undefined;
  readonly configFile: string | undefined;
  /** `schema:` of config.yaml (the workflow schema changes follow unless their own metadata names one). */
  readonly schema: string | undefined;
  /** Sorted by id. */
  readonly specs: readonly CapabilitySpec[];
  /** Active changes, sorted by id. */
  readonly changes: readonly OpenSpecChange[];
  /** Archived changes, oldest first. */
  readonly archived: readonly OpenSpecChange[];
  readonly problems: readonly OpenSpecFileProblem[];
}

const ARCHIVE_FOLDER = /^(\d{4}-\d{2}-\d{2})-(.+)$/;
const MARKER_FILES = new Set(['project.md', 'AGENTS.md', 'config.yaml', 'config.yml']);
const MARKER_DIRS = new Set(['specs', 'changes']);
const DEFAULT_MAX_DEPTH = 6;
const DEFAULT_MAX_ENTRIES = 20_000;
/** Deeper nesting than this under specs/ is not a layout anyone writes; it stops link loops and runaway trees. */
const MAX_SPEC_DEPTH = 8;

/** Whether the entries of an `openspec/` folder make it an OpenSpec project (for a caller that already listed it). */
export function isOpenSpecFolder(entries: ReadonlyArray<readonly [string, EntryType]>): boolean {
  return entries.some(([name, type]) => (type === 'file' && MARKER_FILES.has(name)) || ((type === 'directory' || type === 'symlink') && MARKER_DIRS.has(name)));
}

/** `<folder>/openspec` when it is an OpenSpec project's folder. */
export async function openspecDirOf(fs: FileSystemHost, folder: string): Promise<string | undefined> {
  const dir = path.join(folder, OPENSPEC_DIR);
  if ((await fs.stat(dir))?.type !== 'directory') return undefined;
  return isOpenSpecFolder(await fs.readDirectory(dir)) ? dir : undefined;
}

/**
 * The roots (folders holding `openspec/`) of every OpenSpec project under `folder`, the folder
 * included, sorted. Hidden and build directories are not entered, links are not followed; nor are
 * the directories in `skip` (the index passes spec-kit's feature roots: a thousand feature folders
 * hold no OpenSpec project, and listing them again doubled a scan's directory reads).
 */
export async function findOpenSpecRoots(fs: FileSystemHost, folder: string, options: { maxDepth?: number; maxEntries?: number; skip?: ReadonlySet<string> } = {}): Promise<string[]> {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const roots: string[] = [];
  let visited = 0;
  let level = [folder.replace(/\/+$/, '') || '/'];
  for (let depth = 0; level.length > 0 && depth <= maxDepth && visited <= maxEntries; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      const entries = await fs.readDirectory(dir);
      visited += entries.length;
      if (entries.some(([n, t]) => n === OPENSPEC_DIR && t === 'directory') && isOpenSpecFolder(await fs.readDirectory(path.join(dir, OPENSPEC_DIR)))) roots.push(dir);
      for (const [name, type] of entries) {
        if (type !== 'directory' || name.startsWith('.') || name === OPENSPEC_DIR || SKIPPED_DIRECTORIES.has(name)) continue;
        const child = path.join(dir, name);
        if (!options.skip?.has(child)) next.push(child);
      }
      if (visited > maxEntries) break;
    }
    level = next.sort();
  }
  return roots.sort();
}

/** Reads the OpenSpec project whose `openspec/` folder is under `root`; undefined when there is none. */
export async function loadOpenSpecProject(fs: FileSystemHost, root: string): Promise<OpenSpecProject | undefined> {
  const dir = await openspecDirOf(fs, root);
  if (!dir) return undefined;
  const entries = await fs.readDirectory(dir);
  const file = (name: string): string | undefined => (entries.some(([n, t]) => n === name && t === 'file') ? path.join(dir, name) : undefined);
  const problems: OpenSpecFileProblem[] = [];

  const specs: CapabilitySpec[] = [];
  for (const found of await findSpecFiles(fs, path.join(dir, 'specs'))) {
    const raw = await read(fs, found.path, problems);
    if (raw !== undefined) specs.push({ id: found.id, path: found.path, doc: parseOpenSpecSpec(raw) });
  }

  const changesDir = path.join(dir, 'changes');
  const changes: OpenSpecChange[] = [];
  for (const [name, type] of sortedEntries(await fs.readDirectory(changesDir))) {
    if (type !== 'directory' || name.startsWith('.') || name === 'archive') continue;
    changes.push(await loadChange(fs, path.join(changesDir, name), false));
  }
  const archived: OpenSpecChange[] = [];
  for (const [name, type] of sortedEntries(await fs.readDirectory(path.join(changesDir, 'archive')))) {
    if (type !== 'directory' || name.startsWith('.')) continue;
    archived.push(await loadChange(fs, path.join(changesDir, 'archive', name), true));
  }

  const configFile = file('config.yaml') ?? file('config.yml');
  let schema: string | undefined;
  if (configFile) {
    const raw = await read(fs, configFile, problems);
    if (raw !== undefined) schema = parseChangeMetadata(decodeText(raw).text).schema;
  }

  return {
    root: path.dirname(dir),
    dir,
    projectFile: file('project.md'),
    agentsFile: file('AGENTS.md'),
    configFile,
    schema,
    specs,
    changes,
    archived,
    problems,
  };
}

/** Reads one change folder (active or archived). */
export async function loadChange(fs: FileSystemHost, dir: string, archived: boolean): Promise<OpenSpecChange> {
  const folder = path.basename(dir);
  const dated = archived ? ARCHIVE_FOLDER.exec(folder) : null;
  const problems: OpenSpecFileProblem[] = [];
  const entries = sortedEntries(await fs.readDirectory(dir));
  const has = (name: string): boolean => entries.some(([n, t]) => n === name && t === 'file');

  const load = async <T>(name: string, parse: (raw: Uint8Array) => T): Promise<OpenSpecFile<T> | undefined> => {
    if (!has(name)) return undefined;
    const p = path.join(dir, name);
    const raw = await read(fs, p, problems);
    return raw === undefined ? undefined : { path: p, doc: parse(raw) };
  };
  const proposal = await load('proposal.md', parseProposal);
  const design = await load('design.md', parseDesign);
  const tasks = await load('tasks.md', parseTasks);

  let metadata: ChangeMetadata | undefined;
  if (has('.openspec.yaml')) {
    const raw = await read(fs, path.join(dir, '.openspec.yaml'), problems);
    if (raw !== undefined) metadata = parseChangeMetadata(decodeText(raw).text);
  }

  const specsDir = path.join(dir, 'specs');
  const deltas: DeltaFile[] = [];
  for (const found of await findSpecFiles(fs, specsDir)) {
    const raw = await read(fs, found.path, problems);
    if (raw !== undefined) deltas.push({ capability: found.id, path: found.path, doc: parseDeltaSpec(raw) });
  }
  const misplacedDeltas = await findMisplacedDeltas(fs, specsDir, problems);

  const known = new Set(['proposal.md', 'design.md', 'tasks.md', '.openspec.yaml']);
  const otherFiles = entries.filter(([n, t]) => t === 'file' && !known.has(n) && !n.startsWith('.')).map(([n]) => path.join(dir, n));
  const progress = tasks ? checkboxProgress(tasks.doc) : { done: 0, total: 0 };
  return {
    id: dated ? dated[2]! : folder,
    folder,
    dir,
    archived,
    archivedOn: dated ? dated[1] : undefined,
    proposal,
    design,
    tasks,
    deltas,
    misplacedDeltas,
    otherFiles,
    metadata,
    progress,
    status: changeStatus(archived, progress),
    problems,
  };
}

export function changeStatus(archived: boolean, progress: TaskProgress): ChangeStatus {
  if (archived) return 'archived';
  if (progress.total > 0 && progress.done === progress.total) return 'complete';
  return progress.done > 0 ? 'in-progress' : 'proposed';
}

/**
 * Progress as OpenSpec counts it: every checkbox of tasks.md, numbered tasks, plain items and
 * nested sub-items alike. Checkbox lines inside fenced code are not counted (OpenSpec counts them;
 * here they are examples, and the language server says so).
 */
export function checkboxProgress(tasks: TasksDoc): TaskProgress {
  let done = 0;
  let total = 0;
  const add = (checked: boolean | undefined): void => {
    total++;
    if (checked) done++;
  };
  for (const t of tasks.tasks) {
    if (t.checkboxRange) add(t.checked);
    for (const c of t.children) if (c.checkboxRange) add(c.checked);
    for (const a of t.acceptance) add(a.checked);
  }
  for (const u of tasks.untracked) add(u.checked);
  return { done, total };
}

/** `.openspec.yaml`; anything that is not a YAML mapping gives no metadata fields. */
export function parseChangeMetadata(text: string): ChangeMetadata {
  let data: unknown;
  try {
    // Silent: a broken file must not print warnings into the host's log; it just gives no metadata.
    data = parseYaml(text, { logLevel: 'silent' });
  } catch {
    data = undefined;
  }
  const o = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const schema = typeof o.schema === 'string' && o.schema.trim() ? o.schema.trim() : undefined;
  const created = typeof o.created === 'string' ? o.created : o.created instanceof Date ? o.created.toISOString().slice(0, 10) : undefined;
  return { schema, created, skipSpecs: o.skip_specs === true && schema !== undefined };
}

/** Every `spec.md` below `specsDir` in a capability folder (any depth), as OpenSpec discovers them; dot entries skipped. */
async function findSpecFiles(fs: FileSystemHost, specsDir: string): Promise<{ id: string; path: string }[]> {
  const out: { id: string; path: string }[] = [];
  const walk = async (dir: string, segments: string[]): Promise<void> => {
    if (segments.length > MAX_SPEC_DEPTH) return;
    for (const [name, type] of sortedEntries(await fs.readDirectory(dir))) {
      if (name.startsWith('.')) continue;
      const p = path.join(dir, name);
      if (type === 'directory') await walk(p, [...segments, name]);
      else if (name === 'spec.md' && segments.length > 0 && (type === 'file' || (type === 'symlink' && (await fs.stat(p))?.type === 'file'))) out.push({ id: segments.join('/'), path: p });
    }
  };
  await walk(specsDir, []);
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** `specs/spec.md`, and markdown files with delta sections that are not a capability's `spec.md`. */
async function findMisplacedDeltas(fs: FileSystemHost, specsDir: string, problems: OpenSpecFileProblem[]): Promise<MisplacedDelta[]> {
  const out: MisplacedDelta[] = [];
  const walk = async (dir: string, segments: string[]): Promise<void> => {
    if (segments.length > MAX_SPEC_DEPTH) return;
    for (const [name, type] of sortedEntries(await fs.readDirectory(dir))) {
      if (name.startsWith('.')) continue;
      const p = path.join(dir, name);
      if (type === 'directory') {
        await walk(p, [...segments, name]);
        continue;
      }
      if (type !== 'file' || !name.toLowerCase().endsWith('.md')) continue;
      if (name === 'spec.md') {
        if (segments.length === 0) out.push({ path: p, relative: name, expected: undefined });
        continue;
      }
      const raw = await read(fs, p, problems);
      if (raw === undefined || !hasDeltaSections(parseDeltaSpec(raw))) continue;
      const capability = segments.length > 0 ? segments.join('/') : name.slice(0, -'.md'.length);
      out.push({ path: p, relative: [...segments, name].join('/'), expected: `${capability}/spec.md` });
    }
  };
  await walk(specsDir, []);
  return out;
}

async function read(fs: FileSystemHost, p: string, problems: OpenSpecFileProblem[]): Promise<Uint8Array | undefined> {
  try {
    return await fs.readFile(p);
  } catch (e) {
    problems.push({
      path: p,
      code: 'openspec-unreadable',
      message: `This file could not be read: ${e instanceof Error ? e.message : String(e)}`,
      severity: 'error',
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    });
    return undefined;
  }
}

function sortedEntries(entries: Array<[string, EntryType]>): Array<[string, EntryType]> {
  return [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The project with one file's text replaced and re-parsed (an editor's unsaved text), so checks see
 * what the user sees. Files the project does not hold leave it unchanged.
 */
export function withFileText(project: OpenSpecProject, filePath: string, raw: string | Uint8Array): OpenSpecProject {
  if (project.specs.some((s) => s.path === filePath)) {
    return { ...project, specs: project.specs.map((s) => (s.path === filePath ? { ...s, doc: parseOpenSpecSpec(raw) } : s)) };
  }
  const swap = (c: OpenSpecChange): OpenSpecChange => {
    if (c.proposal?.path === filePath) return { ...c, proposal: { path: filePath, doc: parseProposal(raw) } };
    if (c.design?.path === filePath) return { ...c, design: { path: filePath, doc: parseDesign(raw) } };
    if (c.tasks?.path === filePath) {
      const tasks = { path: filePath, doc: parseTasks(raw) };
      const progress = checkboxProgress(tasks.doc);
      return { ...c, tasks, progress, status: changeStatus(c.archived, progress) };
    }
    if (c.deltas.some((d) => d.path === filePath)) return { ...c, deltas: c.deltas.map((d) => (d.path === filePath ? { ...d, doc: parseDeltaSpec(raw) } : d)) };
    return c;
  };
  return { ...project, changes: project.changes.map(swap), archived: project.archived.map(swap) };
}
