import * as path from 'node:path/posix';
import { type Problem } from '../text/range';
import { type FileSystemHost } from '../workspace/fileSystem';
import { SKIPPED_DIRECTORIES } from '../workspace/projects';
import { WorkspaceIndex } from '../workspace/workspaceIndex';
import { lintKind } from './analyzedDoc';
import { CHECKED_OPENSPEC, LintWorkspace } from './lintWorkspace';
import { openspecFileKind } from '../openspec/openspecPaths';
import { applySeverities, type SeverityOverrides } from './rules';

export interface FileProblem extends Problem {
  /** Absolute POSIX path. */
  readonly path: string;
}

const MAX_DEPTH = 10;

/** One of `count` parts of a check: features are dealt out in turn, so each part holds whole features. */
export interface CheckPart {
  readonly index: number;
  readonly count: number;
}

export interface CheckOptions {
  /** The files to check, as {@link checkedFiles} lists them (listed here when absent). */
  readonly files?: readonly string[];
  /** Only this part's files; the parts together give exactly the problems of the whole. */
  readonly part?: CheckPart;
}

/** Every file `check` reads rules for under the targets (folders walked, files as named), sorted. */
export async function checkedFiles(fs: FileSystemHost, targets: readonly string[]): Promise<string[]> {
  const files = new Set<string>();
  for (const t of targets) {
    const s = await fs.stat(t);
    if (s?.type === 'directory') for (const f of await specFilesUnder(fs, t, 0)) files.add(f);
    else if (s?.type === 'file' && (lintKind(t) || isCheckedOpenSpec(t))) files.add(t);
  }
  return [...files].sort();
}

/**
 * Runs the language server's rules over files and folders (the `check` command): every spec-kit file
 * under each folder, each read with its feature's other files, as the editor would. Paths are
 * absolute POSIX paths; a missing path is the caller's to report.
 */
export async function checkFiles(fs: FileSystemHost, targets: readonly string[], overrides: SeverityOverrides = {}, options: CheckOptions = {}): Promise<FileProblem[]> {
  const sorted = options.files ?? (await checkedFiles(fs, targets));
  const files = new Set(sorted);
  const part = options.part && options.part.count > 1 ? options.part : undefined;
  const mine = part ? filesOfPart(sorted, part) : files;
  const ws = new LintWorkspace(new WorkspaceIndex(fs), fs);
  const isDir = new Set<string>();
  for (const t of targets) if ((await fs.stat(t))?.type === 'directory') isDir.add(t);
  /** OpenSpec project root → one of its files checked. */
  const openspecRoots = new Map<string, string>();
  const roots = new Map<string, string | undefined>();
  const out: FileProblem[] = [];
  // A feature's files are adjacent in sorted order: once the next file is another feature's, the last
  // one's parses are dropped, so memory holds one feature's trees, not the repository's.
  let done: { feature: string; file: string } | undefined;
  const release = async (): Promise<void> => {
    if (done && ws.featureFor(done.file)) ws.release(await ws.featurePaths(done.file));
    done = undefined;
  };
  for (const file of sorted) {
    if (!mine.has(file)) continue;
    const feature = featureFolder(file);
    if (done && done.feature !== feature) await release();
    // OpenSpec first: its files sit where spec-kit's would (`specs/<x>/spec.md`).
    const openspec = await ws.openspecLint(file);
    if (openspec) {
      for (const p of applySeverities(openspec, overrides)) out.push({ ...p, path: file });
      const root = openspecFileKind(file)?.root;
      if (root !== undefined && !openspecRoots.has(root)) openspecRoots.set(root, file);
      continue;
    }
    const root = await projectRoot(fs, path.dirname(file), roots);
    if (root && !ws.index.hasFolder(root)) await ws.index.addFolder(root);
    const result = await ws.lint(file);
    done = { feature, file };
    if (!result) continue;
    for (const p of applySeverities(result.problems, overrides)) out.push({ ...p, path: file });
  }
  await release();
  // Findings about files that are not there (a change without proposal.md) belong to the folders checked.
  for (const file of openspecRoots.values()) {
    for (const f of (await ws.openspecFindings(file)) ?? []) {
      if (files.has(f.path) || ![...isDir].some((d) => f.path.startsWith(d + '/'))) continue;
      if ((await fs.stat(f.path))?.type === 'file') continue;
      for (const p of applySeverities([f], overrides)) out.push({ ...p, path: f.path });
    }
  }
  return out;
}

/** The folder of the feature a spec-kit file belongs to (a checklist's is its folder's parent). */
export function featureFolder(file: string): string {
  const dir = path.dirname(file);
  return path.basename(dir) === 'checklists' ? path.dirname(dir) : dir;
}

/**
 * The files of one part. A feature's files (its folder, checklists included) stay together, so each
 * feature is read once; every file under an `openspec/` folder goes to part 0, which alone then
 * reports the findings about OpenSpec files that are not there.
 */
function filesOfPart(sorted: readonly string[], part: CheckPart): Set<string> {
  const groups = new Map<string, number>();
  const out = new Set<string>();
  for (const file of sorted) {
    let target = 0;
    if (openspecFileKind(file) === undefined) {
      const feature = featureFolder(file);
      let n = groups.get(feature);
      if (n === undefined) groups.set(feature, (n = groups.size));
      target = n % part.count;
    }
    if (target === part.index) out.add(file);
  }
  return out;
}

async function specFilesUnder(fs: FileSystemHost, dir: string, depth: number): Promise<string[]> {
  if (depth > MAX_DEPTH) return [];
  const out: string[] = [];
  for (const [name, type] of await fs.readDirectory(dir)) {
    const p = path.join(dir, name);
    if (type === 'directory') {
      if (SKIPPED_DIRECTORIES.has(name) || (name.startsWith('.') && name !== '.specify')) continue;
      out.push(...(await specFilesUnder(fs, p, depth + 1)));
    } else if (type === 'file' && name.endsWith('.md') && ((lintKind(p) && isSpecKitPlace(p)) || isCheckedOpenSpec(p))) {
      out.push(p);
    }
  }
  return out;
}

function isCheckedOpenSpec(p: string): boolean {
  const kind = openspecFileKind(p)?.kind;
  return kind !== undefined && CHECKED_OPENSPEC.has(kind);
}

/** Only files where spec-kit puts them: feature folders, `.specify/memory`, a legacy `memory/constitution.md`. */
function isSpecKitPlace(p: string): boolean {
  return /\/specs\/[^/]+\/(?:[^/]+|checklists\/[^/]+)\.md$/.test(p) || /\/(?:\.specify\/)?memory\/constitution\.md$/.test(p);
}

/** The nearest folder at or above `dir` that holds `.specify/` (or the legacy `memory/` beside `specs/`). */
async function projectRoot(fs: FileSystemHost, dir: string, cache: Map<string, string | undefined>): Promise<string | undefined> {
  const seen: string[] = [];
  let d = dir;
  let found: string | undefined;
  for (;;) {
    if (cache.has(d)) {
      found = cache.get(d);
      break;
    }
    seen.push(d);
    if ((await fs.stat(path.join(d, '.specify')))?.type === 'directory') {
      found = d;
      break;
    }
    if ((await fs.stat(path.join(d, 'memory')))?.type === 'directory' && (await fs.stat(path.join(d, 'specs')))?.type === 'directory') {
      found = d;
      break;
    }
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  for (const s of seen) cache.set(s, found);
  return found;
}
