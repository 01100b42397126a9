/**
 * OpenSpec projects in the workspace index: found beside spec-kit projects, refreshed per change or
 * per capability on file events, read through the index's overlays (unsaved editor text), and
 * validated lazily (once per model, since validating is cheap next to parsing).
 */
import * as path from 'node:path/posix';
import { findOpenSpecRoots, loadChange, loadOpenSpecProject, type OpenSpecChange, type OpenSpecProject } from '../openspec/project';
import { parseOpenSpecSpec } from '../openspec/specDoc';
import { type OpenSpecValidation, validateOpenSpecProject } from '../openspec/validate';
import { type TasksDoc } from '../artifacts/tasks';
import { type FileSystemHost } from './fileSystem';
import { isInside } from './projects';
import { type WorkspaceProblem } from './workspaceProblem';

export interface IndexedOpenSpec {
  /** The workspace folder that found it. */
  readonly folder: string;
  readonly project: OpenSpecProject;
  /** Why the project, or part of it, could not be read (its files' own problems are in `project`). */
  readonly problems: readonly WorkspaceProblem[];
}

const validations = new WeakMap<OpenSpecProject, OpenSpecValidation>();

/** `validate --strict` of the project as indexed; computed once per model. */
export function openspecValidation(project: OpenSpecProject): OpenSpecValidation {
  let v = validations.get(project);
  if (!v) {
    v = validateOpenSpecProject(project);
    validations.set(project, v);
  }
  return v;
}

/**
 * Loads every OpenSpec project under a folder; a project that throws becomes a problem, not an
 * exception. `skip`: directories not searched (spec-kit projects' feature roots).
 */
export async function indexOpenSpecFolder(fs: FileSystemHost, folder: string, maxDepth: number | undefined, skip?: ReadonlySet<string>): Promise<IndexedOpenSpec[]> {
  let roots: string[];
  try {
    roots = await findOpenSpecRoots(fs, folder, { ...(maxDepth !== undefined ? { maxDepth } : {}), ...(skip ? { skip } : {}) });
  } catch {
    return [];
  }
  const out: IndexedOpenSpec[] = [];
  for (const root of roots) {
    const indexed = await indexOpenSpecRoot(fs, folder, root);
    if (indexed) out.push(indexed);
  }
  return out;
}

async function indexOpenSpecRoot(fs: FileSystemHost, folder: string, root: string): Promise<IndexedOpenSpec | undefined> {
  try {
    const project = await loadOpenSpecProject(fs, root);
    return project && { folder, project, problems: [] };
  } catch (e) {
    // An empty project that says why: the folder stays visible, and the rest of the workspace is indexed.
    const dir = path.join(root, 'openspec');
    const project: OpenSpecProject = { root, dir, projectFile: undefined, agentsFile: undefined, configFile: undefined, schema: undefined, specs: [], changes: [], archived: [], problems: [] };
    return { folder, project, problems: [failed(dir, e)] };
  }
}

/** What a refresh of one OpenSpec path needs: reload a change, re-parse a spec, reload the project, or rescan. */
export type OpenSpecRefresh =
  | { readonly kind: 'change'; readonly root: string; readonly dir: string; readonly archived: boolean }
  | { readonly kind: 'spec'; readonly root: string; readonly path: string }
  | { readonly kind: 'project'; readonly root: string }
  | { readonly kind: 'rescan' };

/**
 * What a file event at `p` means for the OpenSpec projects known: undefined when it is not inside
 * any `openspec/` folder (and is no such folder). A new or deleted change or spec reloads its project.
 */
export function openspecRefreshFor(projects: readonly IndexedOpenSpec[], p: string): OpenSpecRefresh | undefined {
  const project = projects.filter((x) => isInside(x.project.dir, p, true)).sort((a, b) => b.project.dir.length - a.project.dir.length)[0]?.project;
  if (!project) return /(^|\/)openspec(\/|$)/.test(p) ? { kind: 'rescan' } : undefined;
  if (p === project.dir) return { kind: 'rescan' };
  const rest = p.slice(project.dir.length + 1).split('/');
  if (rest[0] === 'changes' && rest.length >= 3) {
    const archived = rest[1] === 'archive';
    if (!archived || rest.length >= 4) {
      const dir = path.join(project.dir, 'changes', ...(archived ? ['archive', rest[2]!] : [rest[1]!]));
      const known = (archived ? project.archived : project.changes).some((c) => c.dir === dir);
      // An event on the change folder itself is its creation or deletion.
      if (known && p !== dir) return { kind: 'change', root: project.root, dir, archived };
    }
  }
  if (rest[0] === 'specs' && project.specs.some((s) => s.path === p)) return { kind: 'spec', root: project.root, path: p };
  return { kind: 'project', root: project.root };
}

/** Applies one refresh to a project; undefined when the project is gone (the caller rescans its folder). */
export async function refreshOpenSpec(fs: FileSystemHost, indexed: IndexedOpenSpec, r: OpenSpecRefresh): Promise<IndexedOpenSpec | undefined> {
  const project = indexed.project;
  try {
    if (r.kind === 'change') {
      if ((await fs.stat(r.dir))?.type !== 'directory') return await indexOpenSpecRoot(fs, indexed.folder, project.root);
      const fresh = await loadChange(fs, r.dir, r.archived);
      const swap = (list: readonly OpenSpecChange[]): OpenSpecChange[] => list.map((c) => (c.dir === r.dir ? fresh : c));
      return { ...indexed, project: r.archived ? { ...project, archived: swap(project.archived) } : { ...project, changes: swap(project.changes) } };
    }
    if (r.kind === 'spec') {
      let raw: Uint8Array;
      try {
        raw = await fs.readFile(r.path);
      } catch {
        // Gone or unreadable: the project reload reports which.
        return await indexOpenSpecRoot(fs, indexed.folder, project.root);
      }
      const doc = parseOpenSpecSpec(raw);
      return { ...indexed, project: { ...project, specs: project.specs.map((s) => (s.path === r.path ? { ...s, doc } : s)) } };
    }
  } catch (e) {
    return { ...indexed, problems: [failed(r.kind === 'change' ? r.dir : r.kind === 'spec' ? r.path : project.dir, e)] };
  }
  return indexOpenSpecRoot(fs, indexed.folder, project.root);
}

/** The change whose folder holds `p` (active or archived), with its project. */
export function openspecChangeAt(projects: readonly IndexedOpenSpec[], p: string): { project: IndexedOpenSpec; change: OpenSpecChange } | undefined {
  for (const project of projects) {
    if (!isInside(project.project.dir, p)) continue;
    const change = [...project.project.changes, ...project.project.archived].find((c) => isInside(c.dir, p, true));
    if (change) return { project, change };
  }
  return undefined;
}

/** The tasks file of an OpenSpec change folder. */
export function openspecTasksOf(projects: readonly IndexedOpenSpec[], dir: string): { path: string; doc: TasksDoc } | undefined {
  const found = openspecChangeAt(projects, dir);
  return found?.change.dir === dir ? found.change.tasks : undefined;
}

function failed(p: string, e: unknown): WorkspaceProblem {
  const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
  return { path: p, code: 'analysis-failed', severity: 'error', message: `This OpenSpec folder could not be read (${reason}); the rest of the workspace was indexed.` };
}
