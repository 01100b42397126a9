/**
 * The features of a project: the directories under its feature roots (`specs/`, `.specify/specs/`),
 * named `NNN-slug` or `YYYYMMDD-HHMMSS-slug` by spec-kit, with the artifacts each one holds.
 */
import * as path from 'node:path/posix';
import { canWalkNow, type EntryType, type FileStat, type FileSystemHost } from './fileSystem';
import { type Project } from './projects';
import { type WorkspaceProblem } from './workspaceProblem';

export type FeatureNumbering = 'sequential' | 'timestamp' | 'none';

export interface FileInfo {
  readonly path: string;
  /** Milliseconds since the epoch. */
  readonly mtime: number;
  /** Bytes on disk (with the modification time, the key of a persisted summary). */
  readonly size?: number;
}

export interface FeatureFiles {
  readonly spec?: FileInfo;
  readonly plan?: FileInfo;
  readonly tasks?: FileInfo;
  readonly research?: FileInfo;
  readonly dataModel?: FileInfo;
  readonly quickstart?: FileInfo;
  /** Files under `contracts/` (sorted); undefined when there is no `contracts/` directory. */
  readonly contracts?: readonly FileInfo[];
  /** `checklists/*.md`, sorted by name. */
  readonly checklists: readonly FileInfo[];
}

export interface ParsedFeatureName {
  readonly number?: number;
  /** `004`, `20260319-143022`, or '' when the name has no prefix. */
  readonly prefix: string;
  readonly slug: string;
  readonly numbering: FeatureNumbering;
}

export interface Feature extends ParsedFeatureName {
  readonly dir: string;
  /** Relative to the project root, POSIX (`specs/004-x`). */
  readonly relDir: string;
  /** Basename of `dir`. */
  readonly name: string;
  /** The feature root it was found under. */
  readonly featureRoot: string;
  /** Under a dot-directory: kept for reference, not an active feature. */
  readonly archived: boolean;
  /** Another active feature of the project has the same number (or timestamp). */
  readonly duplicateNumber: boolean;
  readonly files: FeatureFiles;
  /** Artifacts that are there but are no regular file (a FIFO, a device, a dangling link): reported, not taken for absent. */
  readonly problems?: readonly WorkspaceProblem[];
}

const TIMESTAMP_NAME = /^([0-9]{8}-[0-9]{6})-(.*)$/s;
const SEQUENTIAL_NAME = /^([0-9]{3,})-(.*)$/s;
const CONTRACTS_MAX_DEPTH = 3;
/** Feature directories read at once: enough to hide latency of a remote file system, few enough not to flood it. */
const CONCURRENCY = 16;

const SINGLE_FILES = [
  ['spec', 'spec.md'],
  ['plan', 'plan.md'],
  ['tasks', 'tasks.md'],
  ['research', 'research.md'],
  ['dataModel', 'data-model.md'],
  ['quickstart', 'quickstart.md'],
] as const;
const SINGLE_KEYS = SINGLE_FILES.map(([key]) => key);

/** `004-user-auth` → sequential 4; `20260319-143022-x` → timestamp; anything else → no numbering. */
export function parseFeatureName(name: string): ParsedFeatureName {
  // Timestamps first: `20260319-143022-x` also starts with 3+ digits and a dash.
  const ts = TIMESTAMP_NAME.exec(name);
  if (ts) return { prefix: ts[1]!, slug: ts[2]!, numbering: 'timestamp' };
  const seq = SEQUENTIAL_NAME.exec(name);
  if (seq) return { number: Number(seq[1]!), prefix: seq[1]!, slug: seq[2]!, numbering: 'sequential' };
  return { prefix: '', slug: name, numbering: 'none' };
}

/**
 * Every feature of the project, sorted by number and then name. Numbered directories count even when
 * empty (spec-kit's numbering does); other directories only when they hold a spec-kit artifact.
 * Dot-directories are archives: `specs/.archive/003-x` or `specs/.003-x` come back `archived`.
 * On a file system that can walk synchronously (the local disk) the whole listing is one run of
 * system calls; elsewhere the same walk awaits each step, several feature folders at once.
 * `onFound` sees each folder's features as soon as they are read (before numbers are compared for
 * duplicates): a first scan's worker can start on their files while the rest is listed.
 */
export async function listFeatures(fs: FileSystemHost, project: Project, onFound?: (features: ReadonlyArray<Omit<Feature, 'duplicateNumber'>>) => void): Promise<Feature[]> {
  const now = canWalkNow(fs, project.root);
  const candidates = now ? walkNow(fs, candidatesOf(fs, project)) : await walkAsync(fs, candidatesOf(fs, project));
  const found: Array<Mutable<Feature>> = [];
  const add = (features: Array<Mutable<Feature>>): void => {
    found.push(...features);
    if (onFound && features.length > 0) onFound(features);
  };
  if (now) for (const c of candidates) add(walkNow(fs, featuresAt(project, c)));
  else await forEachLimited(candidates, CONCURRENCY, async (c) => add(await walkAsync(fs, featuresAt(project, c))));

  // Marked in place, not copied: the features were made for this listing (a first scan makes a thousand).
  const first = new Map<string, Mutable<Feature>>();
  for (const f of found) {
    const key = duplicateKey(f);
    if (key === undefined) continue;
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, f);
    else earlier.duplicateNumber = f.duplicateNumber = true;
  }
  return found.sort(compareFeatures);
}

interface Candidate {
  readonly featureRoot: string;
  readonly dir: string;
  readonly parseAs: string;
  readonly archived: boolean;
}

function* candidatesOf(fs: FileSystemHost, project: Project): Walk<Candidate[]> {
  const candidates: Candidate[] = [];
  for (const featureRoot of project.featureRoots) {
    for (const [name, type] of yield* list(featureRoot)) {
      const dir = child(featureRoot, name);
      if (!(yield* isDirectoryEntry(dir, type))) continue;
      if (name.startsWith('.')) candidates.push({ featureRoot, dir, parseAs: name.replace(/^\.+/, ''), archived: true });
      else candidates.push({ featureRoot, dir, parseAs: name, archived: false });
    }
  }
  return candidates;
}

/** The feature a candidate folder is, or, for a dot-folder that is none, the archived features it holds. */
function* featuresAt(project: Project, c: Candidate): Walk<Array<Mutable<Feature>>> {
  // readFiles straight from here, not through readFeature: one generator fewer to resume per call.
  const feature = featureFrom(project, c.featureRoot, c.dir, c.parseAs, c.archived, yield* readFiles(c.dir));
  if (feature) return [feature];
  if (!c.archived) return [];
  // A dot-directory that is not itself a feature is an archive folder: its children are archived features.
  const found: Array<Mutable<Feature>> = [];
  for (const [childName, childType] of yield* list(c.dir)) {
    const childDir = child(c.dir, childName);
    if (childName.startsWith('.') || !(yield* isDirectoryEntry(childDir, childType))) continue;
    const archived = yield* readFeature(project, c.featureRoot, childDir, childName, true);
    if (archived) found.push(archived);
  }
  return found;
}

/**
 * Re-reads one known feature directory (after a file inside it changed) without listing the whole
 * project. `duplicateNumber` is carried over: the directory's name, and so its number, is unchanged.
 * undefined when the directory is gone or no longer a feature.
 */
export async function reloadFeature(fs: FileSystemHost, project: Project, previous: Feature): Promise<Feature | undefined> {
  if ((await fs.stat(previous.dir))?.type !== 'directory') return undefined;
  const parseAs = previous.archived ? path.basename(previous.dir).replace(/^\.+/, '') : path.basename(previous.dir);
  const fresh = await walk(fs, previous.dir, readFeature(project, previous.featureRoot, previous.dir, parseAs, previous.archived));
  if (fresh) fresh.duplicateNumber = previous.duplicateNumber;
  return fresh;
}

/**
 * The folder a current-feature pointer names, read as a feature wherever it is (spec-kit honours a
 * `feature.json` pointing outside `specs/`). undefined when it is not a directory.
 */
export async function loadFeatureAt(fs: FileSystemHost, project: Project, dir: string): Promise<Feature | undefined> {
  if ((await fs.stat(dir))?.type !== 'directory') return undefined;
  const { files } = await walk(fs, dir, readFiles(dir));
  return { ...parseFeatureName(path.basename(dir)), dir, relDir: path.relative(project.root, dir), name: path.basename(dir), featureRoot: path.dirname(dir), archived: false, duplicateNumber: false, files };
}

/**
 * spec-kit's `AVAILABLE_DOCS` (check-prerequisites): `research.md`, `data-model.md`, `contracts/`
 * (when it holds something), `quickstart.md`, and `tasks.md` only when asked for (`--include-tasks`).
 */
export function availableDocs(feature: Feature, includeTasks = false): string[] {
  const f = feature.files;
  const docs: string[] = [];
  if (f.research) docs.push('research.md');
  if (f.dataModel) docs.push('data-model.md');
  if (f.contracts && f.contracts.length > 0) docs.push('contracts/');
  if (f.quickstart) docs.push('quickstart.md');
  if (includeTasks && f.tasks) docs.push('tasks.md');
  return docs;
}

/** Compares features by number (unnumbered last), then name, then location. */
export function compareFeatures(a: Feature, b: Feature): number {
  const an = a.number ?? Number.POSITIVE_INFINITY;
  const bn = b.number ?? Number.POSITIVE_INFINITY;
  if (an !== bn) return an < bn ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.relDir < b.relDir ? -1 : a.relDir > b.relDir ? 1 : 0;
}

function* readFeature(project: Project, featureRoot: string, dir: string, nameForParsing: string, archived: boolean): Walk<Mutable<Feature> | undefined> {
  return featureFrom(project, featureRoot, dir, nameForParsing, archived, yield* readFiles(dir));
}

/**
 * The feature a folder is, from its files (readFiles); undefined when it is none. Not yet compared with
 * its siblings: `duplicateNumber` is false until listFeatures has seen them all.
 */
function featureFrom(project: Project, featureRoot: string, dir: string, nameForParsing: string, archived: boolean, read: FolderFiles): Mutable<Feature> | undefined {
  const parsed = parseFeatureName(nameForParsing);
  const { files, hasChecklistsDir, problems } = read;
  if (parsed.numbering === 'none' && !(hasSingleFile(files) || files.contracts !== undefined || hasChecklistsDir || problems.length > 0)) return undefined;
  const relDir = relativeTo(project.root, dir);
  const name = dir.slice(dir.lastIndexOf('/') + 1);
  // Literals, not a spread of `parsed`: a spread copies through the runtime on every call of a cold
  // first scan. `number` stays absent, not undefined, where the name has none.
  const { prefix, slug, numbering } = parsed;
  const feature: Mutable<Feature> =
    parsed.number !== undefined
      ? { number: parsed.number, prefix, slug, numbering, dir, relDir, name, featureRoot, archived, files, duplicateNumber: false }
      : { prefix, slug, numbering, dir, relDir, name, featureRoot, archived, files, duplicateNumber: false };
  if (problems.length > 0) feature.problems = problems;
  return feature;
}

function hasSingleFile(files: FeatureFiles): boolean {
  return SINGLE_KEYS.some((key) => files[key] !== undefined);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface FolderFiles {
  readonly files: FeatureFiles;
  readonly hasChecklistsDir: boolean;
  readonly problems: WorkspaceProblem[];
}

function* readFiles(dir: string): Walk<FolderFiles> {
  // One listing, then a stat only for what is there: most features hold two or three files. The
  // calls are yielded here, not through list()/stats(): each generator between this one and the walk
  // is a resumption per call, in a loop run a thousand times on a cold start.
  const entries = new Map((yield { list: dir }) as Array<[string, EntryType]>);
  const files: Mutable<FeatureFiles> = { checklists: [] };
  const problems: WorkspaceProblem[] = [];
  const artifact = (p: string, s: FileStat | undefined): FileInfo | undefined => {
    if (s?.type === 'file') return { path: p, mtime: s.mtime, size: s.size };
    // A folder named like an artifact is merely odd; a FIFO or a dangling link is something to say.
    if (s && s.type !== 'directory') problems.push(notAFile(p, s));
    return undefined;
  };
  const singles = SINGLE_FILES.filter(([, file]) => entries.has(file));
  const singlePaths = singles.map(([, file]) => child(dir, file));
  // One batch of stats: on a remote file system they go out together.
  const singleStats = singlePaths.length === 0 ? [] : ((yield { stats: singlePaths }) as Array<FileStat | undefined>);
  singles.forEach(([key], i) => {
    const info = artifact(singlePaths[i]!, singleStats[i]);
    if (info) files[key] = info;
  });
  // Most features have neither folder: asked of the listing before any generator is made.
  if (entries.has('contracts') && (yield* present(dir, entries, 'contracts', 'directory'))) files.contracts = yield* listFilesRecursive(child(dir, 'contracts'), CONTRACTS_MAX_DEPTH);
  const hasChecklistsDir = entries.has('checklists') && (yield* present(dir, entries, 'checklists', 'directory'));
  if (hasChecklistsDir) {
    const checklistsDir = child(dir, 'checklists');
    const paths = (yield* list(checklistsDir))
      .map(([n]) => n)
      .filter((n) => n.toLowerCase().endsWith('.md'))
      .sort()
      .map((n) => child(checklistsDir, n));
    const found = yield* stats(paths);
    files.checklists = paths.map((p, i) => artifact(p, found[i])).filter((i): i is FileInfo => i !== undefined);
  }
  problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, hasChecklistsDir, problems };
}

function* present(dir: string, entries: ReadonlyMap<string, EntryType>, name: string, want: 'file' | 'directory'): Walk<boolean> {
  const type = entries.get(name);
  if (type === want) return true;
  return type === 'symlink' && (yield* statOf(child(dir, name)))?.type === want;
}

function notAFile(p: string, s: FileStat): WorkspaceProblem {
  const what = s.type === 'symlink' ? 'a symbolic link that leads nowhere' : 'a named pipe, socket or device';
  return { path: p, code: 'not-a-regular-file', severity: 'error', message: `This file was not read: it is ${what}, not a regular file.` };
}

function* listFilesRecursive(dir: string, depth: number): Walk<FileInfo[]> {
  const out: FileInfo[] = [];
  const entries = [...(yield* list(dir))].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, type] of entries) {
    const p = child(dir, name);
    if (type === 'directory') {
      if (depth > 1) out.push(...(yield* listFilesRecursive(p, depth - 1)));
    } else {
      const s = yield* statOf(p);
      if (s?.type === 'file') out.push({ path: p, mtime: s.mtime, size: s.size });
    }
  }
  return out;
}

function* isDirectoryEntry(p: string, type: EntryType): Walk<boolean> {
  if (type === 'directory') return true;
  // A symlinked feature directory is followed for this one level only.
  return type === 'symlink' && (yield* statOf(p))?.type === 'directory';
}

/**
 * The walk is written once, as generators that yield the file system calls they need; `walkNow` answers
 * them synchronously (the local disk), `walkAsync` awaits them (a remote or virtual file system).
 */
type FsCall = { readonly list: string } | { readonly stats: readonly string[] };
type Walk<T> = Generator<FsCall, T, unknown>;

function* list(dir: string): Walk<Array<[string, EntryType]>> {
  return (yield { list: dir }) as Array<[string, EntryType]>;
}

function* stats(paths: readonly string[]): Walk<Array<FileStat | undefined>> {
  if (paths.length === 0) return [];
  return (yield { stats: paths }) as Array<FileStat | undefined>;
}

function* statOf(p: string): Walk<FileStat | undefined> {
  return (yield* stats([p]))[0];
}

function walkNow<T>(fs: FileSystemHost, w: Walk<T>): T {
  for (let step = w.next(); ; ) {
    if (step.done) return step.value;
    const call = step.value;
    step = w.next('list' in call ? fs.readDirectoryNow!(call.list) : call.stats.map((p) => fs.statNow!(p)));
  }
}

async function walkAsync<T>(fs: FileSystemHost, w: Walk<T>): Promise<T> {
  for (let step = w.next(); ; ) {
    if (step.done) return step.value;
    const call = step.value;
    step = w.next('list' in call ? await fs.readDirectory(call.list) : await Promise.all(call.stats.map((p) => fs.stat(p))));
  }
}

function walk<T>(fs: FileSystemHost, at: string, w: Walk<T>): Promise<T> {
  return canWalkNow(fs, at) ? Promise.resolve(walkNow(fs, w)) : walkAsync(fs, w);
}

/** `dir/name` for a name from a listing (never `.`, `..` nor holding a `/`): path.join's normalizing is not needed. */
function child(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** path.relative for a directory known to be inside `root`, as the walk finds them. */
function relativeTo(root: string, dir: string): string {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  const plain = dir.startsWith(prefix) && !dir.includes('/./') && !dir.includes('/../') && !dir.includes('//') && !dir.endsWith('/');
  return plain ? dir.slice(prefix.length) : path.relative(root, dir);
}

function duplicateKey(f: Omit<Feature, 'duplicateNumber'>): string | undefined {
  if (f.archived) return undefined;
  if (f.numbering === 'sequential') return `n:${f.number}`;
  if (f.numbering === 'timestamp') return `t:${f.prefix}`;
  return undefined;
}

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
