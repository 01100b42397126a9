/**
 * Finding spec-kit projects in a workspace folder: spec-kit 1.0 projects (a directory holding
 * `.specify/`), the 2025 legacy layout (root `memory/` and `templates/` beside `specs/`), several
 * per repository and nested in monorepos.
 */
import * as path from 'node:path/posix';
import { type FileSystemHost } from './fileSystem';
import { readStateFile } from './stateFile';
import { readProblem, type WorkspaceProblem } from './workspaceProblem';

export type ProjectLayout = 'specify' | 'legacy';

/** `.specify/init-options.json`; only well-typed known keys survive parsing, unknown keys are kept as they are. */
export interface InitOptions {
  readonly ai?: string;
  readonly integration?: string;
  readonly here?: boolean;
  readonly script?: string;
  readonly feature_numbering?: string;
  /** Deprecated alias of `feature_numbering`. */
  readonly branch_numbering?: string;
  readonly speckit_version?: string;
  readonly ai_skills?: boolean;
  readonly [key: string]: unknown;
}

export interface Project {
  /** The directory holding `.specify/` (or, legacy, `memory/` + `specs/`). */
  readonly root: string;
  readonly layout: ProjectLayout;
  readonly specifyDir?: string;
  readonly constitutionPath?: string;
  /** Existing directories that hold features: `<root>/specs` and/or `<root>/.specify/specs`. */
  readonly featureRoots: readonly string[];
  /** Where a new feature goes. */
  readonly newFeatureRoot: string;
  readonly initOptions: InitOptions;
  /** State files that are there but could not be read (init-options.json). */
  readonly problems?: readonly WorkspaceProblem[];
}

export interface FindProjectsOptions {
  /** How many directory levels below `folder` to look (the folder itself is level 0). Default 6. */
  readonly maxDepth?: number;
  /** Stop after reading this many directory entries, so a huge tree cannot stall. Default 20,000. */
  readonly maxEntries?: number;
  /** Extra directory names to skip. */
  readonly skip?: Iterable<string>;
  /** Called once when `maxEntries` cut the scan short. */
  readonly onTruncated?: (visitedEntries: number) => void;
}

/** Build outputs, dependency caches and tool state: never hold a project of their own. */
export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set([
  'node_modules', 'bower_components', 'jspm_packages', 'vendor', 'dist', 'out', 'build', 'target', 'result',
  'coverage', '__pycache__', 'site-packages', 'venv', 'obj', 'Pods', 'DerivedData',
]);

const DEFAULT_MAX_DEPTH = 6;
const DEFAULT_MAX_ENTRIES = 20_000;
const CONCURRENCY = 16;
const LEGACY_TEMPLATE_NAMES = ['spec-template.md', 'plan-template.md', 'tasks-template.md'];
const NUMBERED_DIR = /^[0-9]{3,}-/;

/**
 * Every spec-kit project under `folder` (the folder included), sorted by root. Hidden directories
 * and {@link SKIPPED_DIRECTORIES} are not entered, symbolic links are not followed (so a link loop
 * is harmless), and a project's own feature roots are not searched for further projects.
 */
export async function findProjects(fs: FileSystemHost, folder: string, options: FindProjectsOptions = {}): Promise<Project[]> {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const skip = new Set([...SKIPPED_DIRECTORIES, ...(options.skip ?? [])]);
  const start = normalizeDir(folder);
  const projects: Project[] = [];
  let visited = 0;
  let truncated = false;

  let level: string[] = [start];
  for (let depth = 0; level.length > 0 && depth <= maxDepth && !truncated; depth++) {
    const next: string[] = [];
    await forEachLimited(level, CONCURRENCY, async (dir) => {
      if (truncated) return;
      const entries = await fs.readDirectory(dir);
      visited += entries.length;
      if (visited > maxEntries) {
        truncated = true;
        options.onTruncated?.(visited);
      }
      const project = await detectProject(fs, dir, entries);
      const ownFeatureRoots = new Set<string>();
      if (project) {
        projects.push(project);
        for (const r of project.featureRoots) ownFeatureRoots.add(r);
      }
      if (depth === maxDepth) return;
      for (const [name, type] of entries) {
        if (type !== 'directory' || name.startsWith('.') || skip.has(name)) continue;
        const child = path.join(dir, name);
        if (!ownFeatureRoots.has(child)) next.push(child);
      }
    });
    next.sort();
    level = next;
  }
  return projects.sort((a, b) => (a.root < b.root ? -1 : a.root > b.root ? 1 : 0));
}

/** The project rooted exactly at `dir`, if it is one. */
export async function loadProject(fs: FileSystemHost, dir: string): Promise<Project | undefined> {
  const root = normalizeDir(dir);
  return detectProject(fs, root, await fs.readDirectory(root));
}

/** The deepest project whose root contains `target`: a feature belongs to its nearest project. */
export function projectForPath(projects: readonly Project[], target: string): Project | undefined {
  let best: Project | undefined;
  for (const p of projects) {
    if (isInside(p.root, target, true) && (!best || p.root.length > best.root.length)) best = p;
  }
  return best;
}

/** Lenient parse of `init-options.json`: anything but a JSON object gives `{}`; mistyped known keys are dropped. */
export function parseInitOptions(text: string | undefined): InitOptions {
  if (text === undefined) return {};
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return {};
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return {};
  const out: Record<string, unknown> = {};
  const strings = ['ai', 'integration', 'script', 'feature_numbering', 'branch_numbering', 'speckit_version'];
  const booleans = ['here', 'ai_skills'];
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (key === '__proto__') continue;
    if (strings.includes(key) && typeof value !== 'string') continue;
    if (booleans.includes(key) && typeof value !== 'boolean') continue;
    out[key] = value;
  }
  return out;
}

/** `child` is `parent` itself (when `orSame`) or lies below it; lexical, POSIX paths. */
export function isInside(parent: string, child: string, orSame = false): boolean {
  const rel = path.relative(parent, child);
  if (rel === '') return orSame;
  return !rel.startsWith('..') && !path.isAbsolute(rel);
}

async function detectProject(
  fs: FileSystemHost,
  dir: string,
  entries: ReadonlyArray<readonly [string, string]>,
): Promise<Project | undefined> {
  const has = (name: string): string | undefined => entries.find(([n]) => n === name)?.[1];
  const isDir = async (name: string): Promise<boolean> => {
    const type = has(name);
    if (type === 'directory') return true;
    // A symlinked `.specify` or `specs` is honoured; only traversal refuses links.
    return type === 'symlink' && (await fs.stat(path.join(dir, name)))?.type === 'directory';
  };

  if (await isDir('.specify')) return buildProject(fs, dir, 'specify');
  if (!(await isDir('specs'))) return undefined;
  if (await isFile(fs, path.join(dir, 'memory', 'constitution.md'))) return buildProject(fs, dir, 'legacy');
  if (await isDir('templates')) {
    // `templates/` + `specs/` alone is common outside spec-kit; ask for a spec-kit template or feature.
    for (const t of LEGACY_TEMPLATE_NAMES) if (await isFile(fs, path.join(dir, 'templates', t))) return buildProject(fs, dir, 'legacy');
    const features = await fs.readDirectory(path.join(dir, 'specs'));
    if (features.some(([n, t]) => t === 'directory' && NUMBERED_DIR.test(n))) return buildProject(fs, dir, 'legacy');
  }
  return undefined;
}

async function buildProject(fs: FileSystemHost, root: string, layout: ProjectLayout): Promise<Project> {
  const specifyDir = layout === 'specify' ? path.join(root, '.specify') : undefined;
  const constitutionCandidates = [
    ...(specifyDir ? [path.join(specifyDir, 'memory', 'constitution.md')] : []),
    path.join(root, 'memory', 'constitution.md'),
  ];
  let constitutionPath: string | undefined;
  for (const c of constitutionCandidates) {
    if (await isFile(fs, c)) {
      constitutionPath = c;
      break;
    }
  }

  const rootSpecs = path.join(root, 'specs');
  const hiddenSpecs = specifyDir ? path.join(specifyDir, 'specs') : undefined;
  const featureRoots: string[] = [];
  const rootSpecsExists = await isDirectory(fs, rootSpecs);
  const hiddenSpecsExists = hiddenSpecs !== undefined && (await isDirectory(fs, hiddenSpecs));
  if (rootSpecsExists) featureRoots.push(rootSpecs);
  if (hiddenSpecsExists) featureRoots.push(hiddenSpecs);

  // The seed keeps features in `.specify/specs/`; follow a project that already does.
  let newFeatureRoot = rootSpecs;
  if (hiddenSpecsExists && (!rootSpecsExists || (!(await hasSubdirectory(fs, rootSpecs)) && (await hasSubdirectory(fs, hiddenSpecs))))) {
    newFeatureRoot = hiddenSpecs;
  }

  let initOptions: InitOptions = {};
  const problems: WorkspaceProblem[] = [];
  if (specifyDir) {
    const file = await readStateFile(fs, path.join(specifyDir, 'init-options.json'));
    if (file.kind === 'text') initOptions = parseInitOptions(file.text);
    else if (file.kind === 'unreadable') problems.push(readProblem(file.error, 'The init options file'));
  }

  return {
    root,
    layout,
    ...(specifyDir ? { specifyDir } : {}),
    ...(constitutionPath ? { constitutionPath } : {}),
    featureRoots,
    newFeatureRoot,
    initOptions,
    ...(problems.length > 0 ? { problems } : {}),
  };
}

async function hasSubdirectory(fs: FileSystemHost, dir: string): Promise<boolean> {
  return (await fs.readDirectory(dir)).some(([n, t]) => !n.startsWith('.') && (t === 'directory' || t === 'symlink'));
}

async function isFile(fs: FileSystemHost, p: string): Promise<boolean> {
  return (await fs.stat(p))?.type === 'file';
}

async function isDirectory(fs: FileSystemHost, p: string): Promise<boolean> {
  return (await fs.stat(p))?.type === 'directory';
}

function normalizeDir(p: string): string {
  const n = path.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
