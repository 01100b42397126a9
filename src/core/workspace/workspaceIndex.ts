import * as path from 'node:path/posix';
import { parseChecklist, type ChecklistDoc } from '../artifacts/checklist';
import { parseConstitution, type ConstitutionDoc } from '../artifacts/constitution';
import { parsePlan, type PlanDoc } from '../artifacts/plan';
import { parseSpec, type SpecDoc } from '../artifacts/spec';
import { parseTasks, type TasksDoc } from '../artifacts/tasks';
import { featureStatus, type FeatureStatus } from '../status/featureStatus';
import { type CurrentFeatureProblem, type CurrentFeatureSource, loadCurrentFeature } from './currentFeature';
import { type Feature, listFeatures, reloadFeature } from './features';
import { type FileSystemHost } from './fileSystem';
import { findProjects, isInside, type Project, readText } from './projects';

export interface IndexedChecklist {
  readonly path: string;
  readonly name: string;
  readonly doc: ChecklistDoc;
}

export interface IndexedFeature {
  readonly feature: Feature;
  readonly projectRoot: string;
  readonly status: FeatureStatus;
  readonly spec: SpecDoc | undefined;
  readonly plan: PlanDoc | undefined;
  readonly tasks: TasksDoc | undefined;
  readonly checklists: readonly IndexedChecklist[];
}

export interface IndexedProject {
  readonly project: Project;
  readonly folder: string;
  readonly constitution: ConstitutionDoc | undefined;
  /** Active features in number order; archives are left out. */
  readonly features: readonly IndexedFeature[];
  readonly archived: readonly Feature[];
  readonly current: { readonly dir: string; readonly source: CurrentFeatureSource; readonly label?: string } | undefined;
  /** Why spec-kit would stop on this project's current-feature state (with the fix to offer). */
  readonly currentProblem?: CurrentFeatureProblem;
}

export interface WorkspaceIndexOptions {
  /** Environment consulted for `SPECIFY_FEATURE_DIRECTORY` (the CLI passes process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The git branch checked out at a project root, for the legacy current-feature rule. */
  readonly currentBranch?: (root: string) => Promise<string | undefined>;
  readonly maxDepth?: number;
}

/** What a refresh changed, so views update only what they show. */
export interface IndexChange {
  readonly projects: readonly string[];
  readonly features: readonly string[];
  /** The set of projects or features itself changed (added, removed, renamed). */
  readonly structure: boolean;
}

type ParsedDoc = SpecDoc | PlanDoc | TasksDoc | ChecklistDoc | ConstitutionDoc;

interface CacheEntry {
  readonly key: string;
  readonly doc: ParsedDoc;
}

/**
 * The one model of the workspace: every project, feature and parsed artifact under some folders.
 * Parsed documents are cached by modification time (or overlay version), so a refresh after one
 * file changed re-reads that feature's directory and re-parses only that file.
 */
export class WorkspaceIndex {
  private readonly folders = new Map<string, IndexedProject[]>();
  private readonly cache = new Map<string, CacheEntry>();
  /** Unsaved editor contents by path, with a version that keys the cache. */
  private readonly overlays = new Map<string, { text: string; version: number | undefined; key: number }>();
  private overlayCounter = 0;

  constructor(
    private readonly fs: FileSystemHost,
    private readonly options: WorkspaceIndexOptions = {},
  ) {}

  get projects(): IndexedProject[] {
    return [...this.folders.values()].flat();
  }

  get features(): IndexedFeature[] {
    return this.projects.flatMap((p) => p.features);
  }

  hasFolder(folder: string): boolean {
    return this.folders.has(folder);
  }

  /** Scans a folder from scratch (cached parses are reused when files did not change). */
  async addFolder(folder: string): Promise<void> {
    const projects = await findProjects(this.fs, folder, this.options.maxDepth !== undefined ? { maxDepth: this.options.maxDepth } : {});
    const others = [...this.projects.filter((p) => p.folder !== folder).map((p) => p.project), ...projects];
    const indexed = await Promise.all(projects.map((p) => this.indexProject(p, folder, others)));
    this.folders.set(folder, indexed);
  }

  removeFolder(folder: string): void {
    this.folders.delete(folder);
    for (const key of this.cache.keys()) if (isInside(folder, key)) this.cache.delete(key);
  }

  /** The project a path belongs to: the nearest enclosing project root. */
  projectFor(p: string): IndexedProject | undefined {
    let best: IndexedProject | undefined;
    for (const project of this.projects) {
      if (isInside(project.project.root, p, true) && (!best || project.project.root.length > best.project.root.length)) best = project;
    }
    return best;
  }

  featureFor(p: string): IndexedFeature | undefined {
    return this.projectFor(p)?.features.find((f) => isInside(f.feature.dir, p, true));
  }

  currentFeature(project: IndexedProject): IndexedFeature | undefined {
    const dir = project.current?.dir;
    return dir ? project.features.find((f) => f.feature.dir === dir) : undefined;
  }

  /**
   * Unsaved text of an open editor; undefined removes it. `version` (the editor's document version)
   * lets repeated calls for the same text reuse the parse. The caller refreshes the path afterwards.
   */
  setOverlay(p: string, text: string | undefined, version?: number): void {
    if (text === undefined) {
      this.overlays.delete(p);
      return;
    }
    const previous = this.overlays.get(p);
    if (previous && version !== undefined && previous.version === version && previous.text.length === text.length) return;
    // The cache key is unique per overlay, so a reopened editor's version 1 never meets a stale parse.
    this.overlays.set(p, { text, version, key: ++this.overlayCounter });
  }

  /** The parsed document for a path (from the cache when unchanged), or undefined when unreadable. */
  async document(p: string, mtime?: number): Promise<ParsedDoc | undefined> {
    const overlay = this.overlays.get(p);
    let key: string;
    if (overlay) {
      key = `overlay:${overlay.key}`;
    } else {
      const m = mtime ?? (await this.fs.stat(p))?.mtime;
      if (m === undefined) return undefined;
      key = `disk:${m}`;
    }
    const cached = this.cache.get(p);
    if (cached?.key === key) return cached.doc;
    let raw: string | Uint8Array;
    try {
      raw = overlay ? overlay.text : await this.fs.readFile(p);
    } catch {
      return undefined;
    }
    const doc = parseByKind(p, raw);
    if (doc) this.cache.set(p, { key, doc });
    return doc;
  }

  /**
   * Brings the index up to date after paths changed on disk or in an editor. A change inside a
   * feature re-reads that feature; a change to a project's layout rescans the project; anything that
   * could add or remove a project rescans its folder.
   */
  async refresh(paths: readonly string[]): Promise<IndexChange> {
    const features = new Set<string>();
    const projects = new Set<string>();
    const folders = new Set<string>();
    for (const p of paths) {
      const base = path.basename(p);
      const folder = [...this.folders.keys()].filter((f) => isInside(f, p, true)).sort((a, b) => b.length - a.length)[0];
      if (!folder) continue;
      if (base === '.specify' || base === 'memory' || base === 'specs' || p === folder) {
        folders.add(folder);
        continue;
      }
      // A `.specify/…` (or legacy `memory/…`) path outside every known project root can create a project.
      const marker = /\/(?:\.specify|memory)(?:\/|$)/.exec(p);
      if (marker && !this.projects.some((x) => x.project.root === p.slice(0, marker.index))) {
        folders.add(folder);
        continue;
      }
      const project = this.projectFor(p);
      if (!project) continue;
      const feature = project.features.find((f) => isInside(f.feature.dir, p));
      if (feature && feature.feature.dir !== p) features.add(feature.feature.dir);
      else projects.add(project.project.root);
    }
    const change = { projects: new Set<string>(), features: new Set<string>(), structure: false };
    for (const folder of folders) {
      // A rescanned folder may have gained or lost projects and features: always a structural change.
      await this.addFolder(folder);
      for (const p of this.folders.get(folder) ?? []) change.projects.add(p.project.root);
      change.structure = true;
    }
    for (const root of projects) {
      if ([...folders].some((f) => isInside(f, root, true))) continue;
      const structure = await this.reindexProject(root);
      change.projects.add(root);
      change.structure ||= structure;
    }
    for (const dir of features) {
      const project = this.projectFor(dir);
      if (!project || change.projects.has(project.project.root)) continue;
      await this.reindexFeature(project, dir);
      change.features.add(dir);
    }
    return { projects: [...change.projects], features: [...change.features], structure: change.structure };
  }

  private async reindexProject(root: string): Promise<boolean> {
    for (const [folder, list] of this.folders) {
      const i = list.findIndex((p) => p.project.root === root);
      if (i === -1) continue;
      const before = list[i]!.features.map((f) => f.feature.dir).join('\n');
      const found = (await findProjects(this.fs, root, { maxDepth: 0 })).find((p) => p.root === root);
      if (!found) {
        await this.addFolder(folder);
        return true;
      }
      const fresh = await this.indexProject(found, folder, this.projects.map((p) => p.project));
      list[i] = fresh;
      return before !== fresh.features.map((f) => f.feature.dir).join('\n');
    }
    return false;
  }

  private async reindexFeature(project: IndexedProject, dir: string): Promise<void> {
    const list = this.folders.get(project.folder);
    const i = list?.indexOf(project) ?? -1;
    const at = project.features.findIndex((f) => f.feature.dir === dir);
    if (!list || i === -1 || at === -1) return;
    const fresh = await reloadFeature(this.fs, project.project, project.features[at]!.feature);
    const features = [...project.features];
    if (fresh) features[at] = await this.indexFeature(fresh, project.project.root);
    else features.splice(at, 1);
    list[i] = { ...project, features };
  }

  private async indexProject(project: Project, folder: string, known: readonly Project[]): Promise<IndexedProject> {
    const listed = (await listFeatures(this.fs, project)).filter((f) => isNearest(project, f.dir, known));
    const featureJsonText = project.specifyDir ? await readText(this.fs, path.join(project.specifyDir, 'feature.json')) : undefined;
    const gitBranch = this.options.currentBranch ? await this.options.currentBranch(project.root).catch(() => undefined) : undefined;
    const resolved = await loadCurrentFeature(this.fs, {
      project,
      features: listed.filter((f) => !f.archived),
      env: this.options.env ?? {},
      ...(featureJsonText !== undefined ? { featureJsonText } : {}),
      ...(gitBranch !== undefined ? { gitBranch } : {}),
    });
    // A pointer outside the feature roots (spec-kit honours `docs/feat-x`) makes that folder a feature too.
    const all = resolved.extra ? [...listed, resolved.extra] : listed;
    const active = all.filter((f) => !f.archived);
    const features = await Promise.all(active.map((f) => this.indexFeature(f, project.root)));
    const constitution = project.constitutionPath ? ((await this.document(project.constitutionPath)) as ConstitutionDoc | undefined) : undefined;
    const current = resolved.feature ? { dir: resolved.feature.dir, source: resolved.source, ...(resolved.label ? { label: resolved.label } : {}) } : undefined;
    return { project, folder, constitution, features, archived: all.filter((f) => f.archived), current, ...(resolved.problem ? { currentProblem: resolved.problem } : {}) };
  }

  private async indexFeature(feature: Feature, projectRoot: string): Promise<IndexedFeature> {
    const f = feature.files;
    const [spec, plan, tasks, checklists] = await Promise.all([
      f.spec ? (this.document(f.spec.path, f.spec.mtime) as Promise<SpecDoc | undefined>) : undefined,
      f.plan ? (this.document(f.plan.path, f.plan.mtime) as Promise<PlanDoc | undefined>) : undefined,
      f.tasks ? (this.document(f.tasks.path, f.tasks.mtime) as Promise<TasksDoc | undefined>) : undefined,
      Promise.all(
        f.checklists.map(async (c) => {
          const doc = (await this.document(c.path, c.mtime)) as ChecklistDoc | undefined;
          return doc ? { path: c.path, name: path.basename(c.path, '.md'), doc } : undefined;
        }),
      ),
    ]);
    const lists = checklists.filter((c): c is IndexedChecklist => c !== undefined);
    const status = featureStatus({
      spec: spec && f.spec
        ? {
            mtime: f.spec.mtime,
            markers: spec.markers.length,
            placeholders: spec.problems.filter((p) => p.code === 'placeholder').length,
            clarificationSessions: spec.clarifications.length,
          }
        : undefined,
      plan: plan && f.plan ? { mtime: f.plan.mtime, markers: plan.markers.length, placeholders: plan.problems.filter((p) => p.code === 'placeholder').length } : undefined,
      tasks: tasks && f.tasks ? { mtime: f.tasks.mtime, done: tasks.done, total: tasks.total } : undefined,
      checklists: lists.map((c) => ({ name: c.name, passed: c.doc.items.filter((i) => i.checked).length, total: c.doc.items.length })),
    });
    return { feature, projectRoot, status, spec, plan, tasks, checklists: lists };
  }
}

/** A feature directory belongs to its nearest project (a nested project's specs are not the outer one's). */
function isNearest(project: Project, dir: string, known: readonly Project[]): boolean {
  return !known.some((p) => p.root !== project.root && isInside(project.root, p.root) && isInside(p.root, dir));
}

export function parseByKind(p: string, raw: string | Uint8Array): ParsedDoc | undefined {
  const base = path.basename(p).toLowerCase();
  const parent = path.basename(path.dirname(p)).toLowerCase();
  if (parent === 'checklists' && base.endsWith('.md')) return parseChecklist(raw);
  if (base === 'spec.md') return parseSpec(raw);
  if (base === 'plan.md') return parsePlan(raw);
  if (base === 'tasks.md') return parseTasks(raw);
  if (base === 'constitution.md') return parseConstitution(raw);
  return undefined;
}
