import * as path from 'node:path/posix';
import { checklistFromMarkdown, type ChecklistDoc, parseChecklist } from '../artifacts/checklist';
import { type ConstitutionDoc, constitutionFromMarkdown, type ConstitutionSummary, constitutionSummary } from '../artifacts/constitution';
import { fastConstitutionSummary } from '../artifacts/fastConstitution';
import { planFromMarkdown, type PlanDoc } from '../artifacts/plan';
import { specFromMarkdown, type SpecDoc } from '../artifacts/spec';
import { parseTasks, type TasksDoc } from '../artifacts/tasks';
import { fastSummary, type FileSummary, type SummaryKind, summaryOfDoc } from '../artifacts/fastSummary';
import { type MarkdownDoc, parseMarkdown } from '../markdown/markdownDoc';
import { featureStatus, type FeatureStatus } from '../status/featureStatus';
import { type CurrentFeatureProblem, type CurrentFeatureSource, loadCurrentFeature } from './currentFeature';
import { type Feature, type FeatureFiles, type FileInfo, listFeatures, reloadFeature } from './features';
import { type FileSystemHost, toFileReadError } from './fileSystem';
import { type IndexedOpenSpec, indexOpenSpecFolder, type OpenSpecRefresh, openspecRefreshFor, openspecTasksOf, refreshOpenSpec } from './openspecIndex';
import { findProjects, isInside, type Project } from './projects';
import { readStateFile } from './stateFile';
import { readProblem, type WorkspaceProblem } from './workspaceProblem';

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
  /** Files of the feature that are there but could not be read or analysed. */
  readonly problems: readonly WorkspaceProblem[];
  /**
   * Listed by a provisional scan while the first scan's summaries are still being computed: some of its
   * files are not summarized yet, so its status is partial (`fillPending` completes it).
   */
  readonly pending?: boolean;
}

export interface IndexedProject {
  readonly project: Project;
  readonly folder: string;
  /** Parsed when first read (where the disk reads synchronously): a scan needs only `constitutionSummary`. */
  readonly constitution: ConstitutionDoc | undefined;
  /** The constitution's version and template state, there exactly when `constitution` is (until the file changes under it). */
  readonly constitutionSummary: ConstitutionSummary | undefined;
  /** Active features in number order; archives are left out. */
  readonly features: readonly IndexedFeature[];
  readonly archived: readonly Feature[];
  readonly current: { readonly dir: string; readonly source: CurrentFeatureSource; readonly label?: string } | undefined;
  /** Why spec-kit would stop on this project's current-feature state (with the fix to offer). */
  readonly currentProblem?: CurrentFeatureProblem;
  /** State files, git HEAD and the constitution when they are there but could not be read or analysed. */
  readonly problems: readonly WorkspaceProblem[];
}

export interface WorkspaceIndexOptions {
  /** Environment consulted for `SPECIFY_FEATURE_DIRECTORY` (the CLI passes process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * The git branch checked out at a project root, for the legacy current-feature rule; a git file
   * that is there but cannot be read goes to `problems`.
   */
  readonly currentBranch?: (root: string, problems: WorkspaceProblem[]) => Promise<string | undefined>;
  readonly maxDepth?: number;
  /** Summaries persisted from an earlier run (./summaryStore), consulted before a file is summarized or parsed. */
  summaries?: SummaryStore;
}

/** A file a provisional listing left unsummarized, with the summary its name calls for (the first scan's worker takes these). */
export type PendingFile = readonly [path: string, kind: SummaryKind];

/** What the summary store keeps of a file: a feature file's summary, or a constitution's. */
export type StoredSummary = FileSummary | ConstitutionSummary;

/** Per-file summaries kept between runs, keyed by path, size and modification time. */
export interface SummaryStore {
  get(path: string, size: number, mtime: number): StoredSummary | undefined;
  set(path: string, size: number, mtime: number, summary: StoredSummary): void;
}

/** What a refresh changed, so views update only what they show. */
export interface IndexChange {
  readonly projects: readonly string[];
  readonly features: readonly string[];
  /** The set of projects or features itself changed (added, removed, renamed). */
  readonly structure: boolean;
  /** Roots of the OpenSpec projects that changed (also listed in `projects`). */
  readonly openspec?: readonly string[];
}

export type ParsedDoc = SpecDoc | PlanDoc | TasksDoc | ChecklistDoc | ConstitutionDoc;

/** What reading and parsing one file gave: its document, or the problem that kept it out. */
export interface LoadedDocument {
  readonly doc?: ParsedDoc;
  readonly problem?: WorkspaceProblem;
  /**
   * With `withTree`, when this call parsed the document: the markdown tree it was read from (a tasks
   * document holds its own). Not kept by the index; a later call finds the document parsed and gives none.
   */
  readonly markdown?: MarkdownDoc;
}

/**
 * One file as read: its text until a full parse is asked for, the summary the index needs, and the
 * parsed document or the problem that kept it out once there is one. Mutable: the parse is filled in
 * when something first asks for it.
 */
interface CacheEntry {
  /**
   * What it was read at: the file's modification time on disk, or an editor's overlay (`overlay`: its
   * key). Numbers, not a `disk:<mtime>` string: a first scan would format and parse one per file.
   */
  readonly mtime: number;
  readonly overlay: boolean;
  /** Bytes of the file on disk (the persisted summary's key), undefined for an editor's overlay. */
  readonly size: number | undefined;
  raw: string | Uint8Array | undefined;
  summary: StoredSummary | undefined;
  doc: ParsedDoc | undefined;
  problem: WorkspaceProblem | undefined;
  parsed: boolean;
  /** Left unread on the scan (its summary was stored): read synchronously when first parsed. */
  deferred?: boolean;
}
/**
 * Far above the parser's own limit (2 M characters, at most 4 bytes each): a bigger file is not read,
 * so a huge or sparse file cannot fill memory before the parser would refuse it anyway.
 */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

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
  /** Lookups by exact path, rebuilt whenever the set of projects or features changes. */
  private projectByRoot = new Map<string, IndexedProject>();
  private featureByDir = new Map<string, IndexedFeature>();
  private readonly openspecFolders = new Map<string, IndexedOpenSpec[]>();
  /** The file system with unsaved editor text in place of the disk's, for the OpenSpec loader. */
  private readonly overlayFs: FileSystemHost;
  /** Where summaries came from since the index was made: the store, the fast reader, or a full parse. */
  readonly summarized = { stored: 0, fast: 0, parsed: 0 };

  constructor(
    private readonly fs: FileSystemHost,
    private readonly options: WorkspaceIndexOptions = {},
  ) {
    const overlays = this.overlays;
    this.overlayFs = {
      readFile: (p, o) => {
        const overlay = overlays.get(p);
        return overlay ? Promise.resolve(new TextEncoder().encode(overlay.text)) : fs.readFile(p, o);
      },
      readDirectory: (p) => fs.readDirectory(p),
      stat: (p) => fs.stat(p),
    };
  }

  /** OpenSpec projects (an `openspec/` folder), beside the spec-kit ones. */
  get openspecProjects(): IndexedOpenSpec[] {
    return [...this.openspecFolders.values()].flat();
  }

  /** The OpenSpec project whose `openspec/` folder holds `p` (or whose root is `p`). */
  openspecFor(p: string): IndexedOpenSpec | undefined {
    return this.openspecProjects.filter((x) => p === x.project.root || isInside(x.project.dir, p, true)).sort((a, b) => b.project.dir.length - a.project.dir.length)[0];
  }

  /** The tasks file of a spec-kit feature directory or an OpenSpec change folder. */
  tasksOf(dir: string): { path: string; doc: TasksDoc } | undefined {
    const feature = this.featureFor(dir);
    if (feature?.feature.dir === dir) return feature.tasks && feature.feature.files.tasks ? { path: feature.feature.files.tasks.path, doc: feature.tasks } : undefined;
    return openspecTasksOf(this.openspecProjects, dir);
  }

  get projects(): IndexedProject[] {
    return [...this.folders.values()].flat();
  }

  get features(): IndexedFeature[] {
    return this.projects.flatMap((p) => p.features);
  }

  /** Every problem of every project and feature, projects first. */
  get problems(): WorkspaceProblem[] {
    return [...this.projects.flatMap((p) => [...p.problems, ...p.features.flatMap((f) => f.problems)]), ...this.openspecProjects.flatMap((o) => o.problems)];
  }

  /** Uses persisted summaries from now on (the extension opens its store after the index exists). */
  useSummaries(store: SummaryStore | undefined): void {
    this.options.summaries = store;
  }

  hasFolder(folder: string): boolean {
    return this.folders.has(folder) || this.openspecFolders.has(folder);
  }

  /**
   * Scans a folder from scratch (cached parses are reused when files did not change). `provisional`:
   * a file with no summary yet is left for the first scan's worker (its feature is `pending`) instead
   * of being read and summarized here, so the listing shows at once. `onPending` (provisional only)
   * is given those files feature by feature as the folders are listed, before the index is built, so
   * the worker can start on them meanwhile; pendingFiles() still answers for all of them afterwards.
   */
  async addFolder(folder: string, options: { provisional?: boolean; onPending?: (groups: PendingFile[][]) => void } = {}): Promise<void> {
    const projects = await findProjects(this.fs, folder, this.options.maxDepth !== undefined ? { maxDepth: this.options.maxDepth } : {});
    const others = [...this.projects.filter((p) => p.folder !== folder).map((p) => p.project), ...projects];
    const provisional = options.provisional === true;
    const onPending = provisional ? options.onPending : undefined;
    const indexed = await Promise.all(projects.map((p) => this.indexProject(p, folder, others, provisional, onPending)));
    this.folders.set(folder, indexed);
    this.openspecFolders.set(folder, await indexOpenSpecFolder(this.overlayFs, folder, this.options.maxDepth, this.featureRootsIn(folder)));
    this.rebuildLookups();
  }

  /**
   * Completes features a provisional scan left `pending`, from the summaries stored since: those now
   * all known (or, `final`, every one, reading what is still unsummarized) are indexed again from
   * their listing, without listing their folders again. Returns the features that changed.
   */
  async fillPending(final: boolean): Promise<IndexChange> {
    const changed: string[] = [];
    for (const list of this.folders.values()) {
      for (let i = 0; i < list.length; i++) {
        const project = list[i]!;
        if (!project.features.some((f) => f.pending)) continue;
        const features = await Promise.all(
          project.features.map(async (f) => {
            if (!f.pending || (!final && !this.summariesKnown(f.feature))) return f;
            changed.push(f.feature.dir);
            return this.indexFeature(f.feature, project.project.root, !final);
          }),
        );
        list[i] = withFeatures(project, features);
      }
    }
    if (changed.length > 0) this.rebuildLookups();
    return { projects: [], features: changed, structure: false };
  }

  /**
   * What a provisional scan left for the first scan's worker: the files of each pending feature that
   * have no summary yet (in the cache or the store), grouped by feature, in the order they were listed.
   */
  pendingFiles(): PendingFile[][] {
    const groups: PendingFile[][] = [];
    for (const f of this.features) {
      if (!f.pending) continue;
      const group = this.unsummarized(f.feature.files);
      if (group.length > 0) groups.push(group);
    }
    return groups;
  }

  /** A feature's files that get a summary and have none yet (in the cache or the store). */
  private unsummarized(files: FeatureFiles): PendingFile[] {
    const group: PendingFile[] = [];
    for (const info of [files.spec, files.plan, files.tasks, ...files.checklists]) {
      const kind = info && summaryKindOf(info.path);
      if (!info || !kind || this.summaryKnown(info)) continue;
      group.push([info.path, kind]);
    }
    return group;
  }

  /** Whether every summarized file of a feature has a summary in the store or the cache. */
  private summariesKnown(feature: Feature): boolean {
    const f = feature.files;
    return [f.spec, f.plan, f.tasks, ...f.checklists].every((info) => !info || this.summaryKnown(info));
  }

  /** Whether a listed file already has a summary, in this index's cache or in the store for its size and mtime. */
  private summaryKnown(info: FileInfo): boolean {
    return this.cache.get(info.path)?.summary !== undefined || this.storedSummary(info.path, info.size, info.mtime) !== undefined;
  }

  /** The persisted summary of a file exactly as it is on disk (size and mtime), when it is of the kind its path calls for. */
  private storedSummary(p: string, size: number | undefined, mtime: number | undefined): StoredSummary | undefined {
    const kind = artifactKindOf(p);
    const stored = kind && size !== undefined && mtime !== undefined ? this.options.summaries?.get(p, size, mtime) : undefined;
    return stored?.kind === kind ? stored : undefined;
  }

  /** Keeps a summary in the store under the key the entry was read at (an editor's overlay is not kept). */
  private storeSummary(p: string, entry: CacheEntry, summary: StoredSummary): void {
    const mtime = diskMtime(entry);
    if (mtime !== undefined && entry.size !== undefined) this.options.summaries?.set(p, entry.size, mtime, summary);
  }

  removeFolder(folder: string): void {
    this.folders.delete(folder);
    this.openspecFolders.delete(folder);
    for (const key of this.cache.keys()) if (isInside(folder, key)) this.cache.delete(key);
    this.rebuildLookups();
  }

  /** The project a path belongs to: the nearest enclosing project root. O(depth of the path). */
  projectFor(p: string): IndexedProject | undefined {
    return this.lookup(p).project;
  }

  /** The feature a path lies in (or is), among the features of its project. O(depth of the path). */
  featureFor(p: string): IndexedFeature | undefined {
    const { project, feature } = this.lookup(p);
    return project && feature?.projectRoot === project.project.root ? feature : undefined;
  }

  currentFeature(project: IndexedProject): IndexedFeature | undefined {
    const dir = project.current?.dir;
    const feature = dir ? this.featureByDir.get(dir) : undefined;
    return feature?.projectRoot === project.project.root ? feature : undefined;
  }

  /** Why the file at `p` is not in the index although it is there (unreadable, special, unparsable). */
  problemFor(p: string): WorkspaceProblem | undefined {
    const cached = this.cache.get(p)?.problem;
    if (cached) return cached;
    const feature = this.featureFor(p);
    const all = feature ? feature.problems : (this.projectFor(p)?.problems ?? []);
    return all.find((x) => x.path === p);
  }

  /**
   * Whether asking for `p`'s document costs no parse of the disk's text: it is parsed already, or an
   * editor holds its text (whose parse is the one that counts).
   */
  holdsDocument(p: string): boolean {
    return this.overlays.has(p) || this.cache.get(p)?.parsed === true;
  }

  /**
   * Drops the parsed documents of `paths` that were read from disk (a batch `check` is done with a
   * feature's files): asked for again, they are read and parsed again. Unsaved editors' are kept.
   */
  releaseDocuments(paths: Iterable<string>): void {
    if (!this.fs.readFileNow) return;
    for (const p of paths) {
      const entry = this.cache.get(p);
      if (!entry || entry.overlay || !entry.parsed || entry.problem || !this.fs.canReadNow?.(p)) continue;
      entry.doc = undefined;
      entry.raw = undefined;
      entry.parsed = false;
      entry.deferred = true;
    }
  }

  /** How many files the index holds parsed (for the language server's stats). */
  get parsedDocuments(): number {
    let n = 0;
    for (const entry of this.cache.values()) if (entry.parsed && entry.doc) n++;
    return n;
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

  /** The parsed document for a path (from the cache when unchanged), or undefined when absent or unreadable. */
  async document(p: string, mtime?: number): Promise<ParsedDoc | undefined> {
    return (await this.load(p, mtime)).doc;
  }

  /**
   * The parsed document for a path, or the problem that kept it out: a file that is there but cannot be
   * read, or whose parser threw. Neither escapes: one broken file never stops the index of its siblings.
   * Both are empty when nothing is there. `withTree`: also the markdown tree, when this call parses it
   * (the linter's analysis needs both: one parse, not one here and one there).
   */
  async load(p: string, mtime?: number, withTree = false): Promise<LoadedDocument> {
    const entry = await this.read(p, mtime);
    if (!entry) return {};
    if ('failed' in entry) return { problem: entry.failed };
    let markdown: MarkdownDoc | undefined;
    this.parse(p, entry, withTree ? (m) => (markdown = m) : undefined);
    return { ...(entry.doc ? { doc: entry.doc } : {}), ...(entry.problem ? { problem: entry.problem } : {}), ...(markdown && entry.doc ? { markdown } : {}) };
  }

  /**
   * The file's cache entry, read when it changed (never parsed here); a read failure other than
   * "missing" is returned, not cached: a permission fixed without touching the file must be seen
   * on the next refresh.
   */
  private async read(p: string, mtime?: number): Promise<CacheEntry | { failed: WorkspaceProblem } | undefined> {
    const overlay = this.overlays.get(p);
    let m = mtime;
    if (!overlay && m === undefined) {
      m = (await this.fs.stat(p))?.mtime;
      if (m === undefined) return undefined;
    }
    const at = overlay ? overlay.key : m!;
    const cached = this.cache.get(p);
    if (cached && cached.mtime === at && cached.overlay === (overlay !== undefined)) return cached;
    try {
      return this.keep(p, at, overlay ? overlay.text : await this.fs.readFile(p, { maxBytes: MAX_DOCUMENT_BYTES }), overlay !== undefined);
    } catch (e) {
      return readFailure(p, e);
    }
  }

  /**
   * `read`, synchronously, for a file the listing just saw as a regular file of this mtime, where the
   * file system reads synchronously: no promise per file on a local first scan.
   */
  private readNow(p: string, mtime: number): CacheEntry | { failed: WorkspaceProblem } | undefined {
    const overlay = this.overlays.get(p);
    const at = overlay ? overlay.key : mtime;
    const cached = this.cache.get(p);
    if (cached && cached.mtime === at && cached.overlay === (overlay !== undefined)) return cached;
    try {
      return this.keep(p, at, overlay ? overlay.text : this.fs.readFileNow!(p, { maxBytes: MAX_DOCUMENT_BYTES, seenRegular: true }), overlay !== undefined);
    } catch (e) {
      return readFailure(p, e);
    }
  }

  private keep(p: string, at: number, raw: string | Uint8Array, overlay: boolean): CacheEntry {
    const entry: CacheEntry = { mtime: at, overlay, size: overlay ? undefined : raw.length, raw, summary: undefined, doc: undefined, problem: undefined, parsed: false };
    this.cache.set(p, entry);
    return entry;
  }

  /** A scanned file's document, parsed on first use (what LazyFeature and LazyChecklist call). */
  private readonly parsed = (file: Summarized): ParsedDoc | undefined => {
    this.parse(file.path, file.entry);
    return file.entry.doc;
  };

  /** Parses an entry in full, once; the text is dropped afterwards. */
  private parse(p: string, entry: CacheEntry, keepTree?: (markdown: MarkdownDoc) => void): void {
    if (entry.parsed) return;
    entry.parsed = true;
    let raw = entry.raw ?? '';
    entry.raw = undefined;
    if (entry.deferred) {
      try {
        raw = this.fs.readFileNow!(p, { maxBytes: MAX_DOCUMENT_BYTES });
      } catch (e) {
        const error = toFileReadError(p, e);
        // Gone since the scan: the watcher's refresh removes it; until then there is no document.
        if (error.reason !== 'missing') entry.problem = readProblem(error);
        return;
      }
    }
    try {
      entry.doc = parseByKind(p, raw, keepTree);
    } catch (e) {
      // Cached: a file that broke the parser would break it again on every refresh until it changes.
      entry.problem = analysisFailed(p, e);
    }
  }

  /**
   * A cache entry for a file whose summary the persisted index holds for exactly this size and
   * modification time, left unread: a second start reads directories and stats, not every file.
   * Only where the file system can read synchronously (parses are asked for synchronously) and no
   * editor holds unsaved text for it.
   */
  private deferredEntry(p: string, info: { mtime: number; size?: number }): CacheEntry | undefined {
    if (info.size === undefined || this.overlays.has(p) || !this.fs.readFileNow || !this.fs.canReadNow?.(p)) return undefined;
    const cached = this.cache.get(p);
    if (cached && cached.mtime === info.mtime && !cached.overlay) return cached;
    const stored = this.storedSummary(p, info.size, info.mtime);
    if (!stored) return undefined;
    this.summarized.stored++;
    const entry: CacheEntry = { mtime: info.mtime, overlay: false, size: info.size, raw: undefined, summary: stored, doc: undefined, problem: undefined, parsed: false, deferred: true };
    this.cache.set(p, entry);
    return entry;
  }

  /**
   * What the index needs of a file, without a full parse where the persisted index or the fast
   * reader can say (the full parse waits until something opens or expands the file).
   */
  private summarize(p: string, entry: CacheEntry): FileSummary | undefined {
    const kind = summaryKindOf(p);
    if (!kind) return undefined;
    if (entry.summary) return entry.summary.kind === kind ? entry.summary : undefined;
    const mtime = diskMtime(entry);
    const found = this.storedSummary(p, entry.size, mtime);
    const stored = found?.kind === kind ? found : undefined;
    let summary = stored;
    if (summary) this.summarized.stored++;
    if (!summary && !entry.parsed && entry.raw !== undefined) {
      summary = fastSummary(kind, entry.raw);
      if (summary) this.summarized.fast++;
    }
    if (!summary) {
      this.parse(p, entry);
      const doc = entry.doc;
      summary = doc && doc.kind !== 'constitution' ? summaryOfDoc(doc) : undefined;
      this.summarized.parsed++;
    }
    entry.summary = summary;
    if (summary && summary !== stored) this.storeSummary(p, entry, summary);
    // Summarized without a parse: the text need not be held until something parses the file, where it
    // can be read again then (a thousand features' text is most of what the index would retain).
    if (summary && !entry.parsed && mtime !== undefined && this.fs.readFileNow && this.fs.canReadNow?.(p)) {
      entry.raw = undefined;
      entry.deferred = true;
    }
    return summary;
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
    const openspec: Array<{ folder: string; refresh: OpenSpecRefresh }> = [];
    for (const p of paths) {
      const base = path.basename(p);
      const folder = [...this.folders.keys()].filter((f) => isInside(f, p, true)).sort((a, b) => b.length - a.length)[0];
      if (!folder) continue;
      const os = openspecRefreshFor(this.openspecFolders.get(folder) ?? [], p);
      if (os) {
        openspec.push({ folder, refresh: os });
        // Inside a known OpenSpec folder nothing else is concerned.
        if (os.kind !== 'rescan') continue;
      }
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
      const feature = this.featureFor(p);
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
    const roots = await this.refreshOpenSpec(openspec, folders);
    if (roots.structure) change.structure = true;
    for (const r of roots.changed) change.projects.add(r);
    return { projects: [...change.projects], features: [...change.features], structure: change.structure, ...(roots.changed.length > 0 ? { openspec: roots.changed } : {}) };
  }

  /** Applies OpenSpec refreshes (folders rescanned by `addFolder` already have fresh OpenSpec projects). */
  private async refreshOpenSpec(work: ReadonlyArray<{ folder: string; refresh: OpenSpecRefresh }>, rescanned: ReadonlySet<string>): Promise<{ changed: string[]; structure: boolean }> {
    const changed = new Set<string>();
    let structure = false;
    for (const folder of rescanned) for (const o of this.openspecFolders.get(folder) ?? []) changed.add(o.project.root);
    for (const { folder, refresh } of work) {
      if (rescanned.has(folder)) continue;
      const list = this.openspecFolders.get(folder) ?? [];
      if (refresh.kind === 'rescan') {
        const before = list.map((o) => o.project.root).join('\n');
        const fresh = await indexOpenSpecFolder(this.overlayFs, folder, this.options.maxDepth, this.featureRootsIn(folder));
        this.openspecFolders.set(folder, fresh);
        for (const o of fresh) changed.add(o.project.root);
        structure ||= before !== fresh.map((o) => o.project.root).join('\n');
        continue;
      }
      const i = list.findIndex((o) => o.project.root === refresh.root);
      if (i === -1) continue;
      const fresh = await refreshOpenSpec(this.overlayFs, list[i]!, refresh);
      const next = [...list];
      if (fresh) next[i] = fresh;
      else next.splice(i, 1);
      this.openspecFolders.set(folder, next);
      changed.add(refresh.root);
      // A reload may add or remove changes and specs: the tree's shape changes with it.
      if (refresh.kind === 'project' || !fresh) structure = true;
    }
    return { changed: [...changed], structure };
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
      this.rebuildLookups();
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
    list[i] = withFeatures(project, features);
    this.rebuildLookups();
  }

  /** The spec-kit feature roots (`specs/`) of a folder's projects: the OpenSpec search passes them by. */
  private featureRootsIn(folder: string): Set<string> {
    return new Set((this.folders.get(folder) ?? []).flatMap((p) => p.project.featureRoots));
  }

  private rebuildLookups(): void {
    const projects = new Map<string, IndexedProject>();
    const features = new Map<string, IndexedFeature>();
    // The first wins, as a linear search in this order would find it (a folder nested in another lists a project twice).
    for (const project of this.projects) {
      if (!projects.has(project.project.root)) projects.set(project.project.root, project);
      for (const f of project.features) if (!features.has(f.feature.dir)) features.set(f.feature.dir, f);
    }
    this.projectByRoot = projects;
    this.featureByDir = features;
  }

  /**
   * Walks up from `p` to the nearest project root, noting the nearest feature directory on the way:
   * one map probe per path segment instead of a scan of every project and feature.
   */
  private lookup(p: string): { project?: IndexedProject; feature?: IndexedFeature } {
    let feature: IndexedFeature | undefined;
    let d = path.normalize(p);
    if (d.length > 1 && d.endsWith('/')) d = d.slice(0, -1);
    for (;;) {
      const project = this.projectByRoot.get(d);
      if (project) return { project, feature };
      feature ??= this.featureByDir.get(d);
      const up = path.dirname(d);
      if (up === d) return {};
      d = up;
    }
  }

  private async indexProject(project: Project, folder: string, known: readonly Project[], provisional = false, onPending?: (groups: PendingFile[][]) => void): Promise<IndexedProject> {
    // What a provisional scan will leave pending, as it is listed: the features that are this project's, not archived.
    const onFound = onPending
      ? (found: ReadonlyArray<Omit<Feature, 'duplicateNumber'>>): void => {
          const groups = found
            .filter((f) => !f.archived && isNearest(project, f.dir, known))
            .map((f) => this.unsummarized(f.files))
            .filter((g) => g.length > 0);
          if (groups.length > 0) onPending(groups);
        }
      : undefined;
    const listed = (await listFeatures(this.fs, project, onFound)).filter((f) => isNearest(project, f.dir, known));
    const problems: WorkspaceProblem[] = [...(project.problems ?? [])];
    let featureJsonText: string | undefined;
    let pointerUnreadable = false;
    if (project.specifyDir) {
      const file = await readStateFile(this.fs, path.join(project.specifyDir, 'feature.json'));
      if (file.kind === 'text') featureJsonText = file.text;
      else if (file.kind === 'unreadable') {
        problems.push(readProblem(file.error, 'The current-feature pointer'));
        pointerUnreadable = true;
      }
    }
    const gitBranch = this.options.currentBranch ? await this.options.currentBranch(project.root, problems).catch(() => undefined) : undefined;
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
    const features = await Promise.all(active.map((f) => this.indexFeature(f, project.root, provisional)));
    const constitution = project.constitutionPath ? await this.constitutionOf(project.constitutionPath, problems) : undefined;
    const current = resolved.feature ? { dir: resolved.feature.dir, source: resolved.source, ...(resolved.label ? { label: resolved.label } : {}) } : undefined;
    // A pointer that is there but unreadable is reported above; "feature.json does not exist" would be untrue.
    const currentProblem = resolved.problem && !(pointerUnreadable && resolved.problem.code === 'no-pointer') ? resolved.problem : undefined;
    const docOf = (): ConstitutionDoc | undefined => {
      if (!constitution) return undefined;
      this.parse(constitution.path, constitution.entry);
      return constitution.entry.doc?.kind === 'constitution' ? constitution.entry.doc : undefined;
    };
    return {
      project,
      folder,
      get constitution(): ConstitutionDoc | undefined {
        return docOf();
      },
      constitutionSummary: constitution?.summary,
      features,
      archived: all.filter((f) => f.archived),
      current,
      ...(currentProblem ? { currentProblem } : {}),
      problems,
    };
  }

  /**
   * A project's constitution: its summary from the store when the file's size and mtime match (left
   * unread where the disk reads synchronously: the getter parses it on first use), else read and
   * summarized by the fast reader, or parsed in full now where only that can say; the summary is
   * stored. Problems go to `problems`.
   */
  private async constitutionOf(p: string, problems: WorkspaceProblem[]): Promise<{ path: string; entry: CacheEntry; summary: ConstitutionSummary } | undefined> {
    let entry: CacheEntry | { failed: WorkspaceProblem } | undefined;
    if (this.overlays.has(p)) entry = await this.read(p);
    else {
      const stat = await this.fs.stat(p);
      if (!stat) return undefined;
      entry = this.deferredEntry(p, stat) ?? (await this.read(p, stat.mtime));
    }
    if (!entry) return undefined;
    if ('failed' in entry) {
      problems.push(entry.failed);
      return undefined;
    }
    let summary = entry.summary?.kind === 'constitution' ? entry.summary : undefined;
    // The fast reader's summary where it is sure (the full parse waits for the getter); the text is
    // kept for that parse (one file per project).
    if (!summary && !entry.parsed && entry.raw !== undefined) {
      summary = fastConstitutionSummary(entry.raw);
      entry.summary = summary;
      if (summary) this.storeSummary(p, entry, summary);
    }
    if (!summary) {
      this.parse(p, entry);
      summary = entry.doc?.kind === 'constitution' ? constitutionSummary(entry.doc) : undefined;
      entry.summary = summary;
      if (summary) this.storeSummary(p, entry, summary);
    }
    if (entry.problem) problems.push(entry.problem);
    return summary ? { path: p, entry, summary } : undefined;
  }

  private async indexFeature(feature: Feature, projectRoot: string, provisional = false): Promise<IndexedFeature> {
    try {
      return await this.indexFeatureFiles(feature, projectRoot, provisional);
    } catch (e) {
      // Belt and braces: whatever a broken feature throws, the other features are still indexed.
      const status = featureStatus({ checklists: [] });
      const problems = [...(feature.problems ?? []), analysisFailed(feature.dir, e)];
      return { feature, projectRoot, status, spec: undefined, plan: undefined, tasks: undefined, checklists: [], problems };
    }
  }

  /**
   * A feature's status from its files' summaries; the parsed documents are built when first read
   * (the tree expands tasks, a command or the language server asks), not on the scan.
   */
  private async indexFeatureFiles(feature: Feature, projectRoot: string, provisional: boolean): Promise<IndexedFeature> {
    const f = feature.files;
    const problems: WorkspaceProblem[] = [...(feature.problems ?? [])];
    let pending = false;
    type Read = Summarized | undefined;
    const summarized = (p: string, entry: CacheEntry | { failed: WorkspaceProblem } | undefined): Read => {
      if (!entry) return undefined;
      if ('failed' in entry) {
        problems.push(entry.failed);
        return undefined;
      }
      const summary = this.summarize(p, entry);
      if (entry.problem) problems.push(entry.problem);
      return summary ? { path: p, entry, summary } : undefined;
    };
    const now = this.fs.readFileNow !== undefined && this.fs.canReadNow?.(feature.dir) === true;
    // Synchronous where the disk is local (most first scans); a promise per file only elsewhere.
    const read = (info: { path: string; mtime: number; size?: number } | undefined): Read | Promise<Read> => {
      if (!info) return undefined;
      const deferred = this.deferredEntry(info.path, info);
      if (!deferred && provisional && !this.overlays.has(info.path) && !this.cache.get(info.path)?.summary) {
        pending = true;
        return undefined;
      }
      if (deferred) return summarized(info.path, deferred);
      if (now) return summarized(info.path, this.readNow(info.path, info.mtime));
      return this.read(info.path, info.mtime).then((entry) => summarized(info.path, entry));
    };
    const reads = [read(f.spec), read(f.plan), read(f.tasks), ...f.checklists.map(read)];
    const all = reads.some((r) => r instanceof Promise) ? await Promise.all(reads.map(async (r) => r)) : (reads as Read[]);
    // By index, not destructured: a rest pattern walks an iterator, slow in a cold first scan.
    const spec = all[0];
    const plan = all[1];
    const tasks = all[2];
    const checklists = all.length > 3 ? all.slice(3) : [];
    problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const lists = checklists.filter((c) => c !== undefined).map((c) => new LazyChecklist(c, this.parsed));
    const s = spec?.summary.kind === 'spec' ? spec.summary : undefined;
    const p = plan?.summary.kind === 'plan' ? plan.summary : undefined;
    const t = tasks?.summary.kind === 'tasks' ? tasks.summary : undefined;
    const status = featureStatus({
      spec: s && f.spec ? { mtime: f.spec.mtime, markers: s.markers, placeholders: s.placeholders, clarificationSessions: s.clarificationSessions } : undefined,
      plan: p && f.plan ? { mtime: f.plan.mtime, markers: p.markers, placeholders: p.placeholders } : undefined,
      tasks: t && f.tasks ? { mtime: f.tasks.mtime, done: t.done, total: t.total } : undefined,
      checklists: lists.map((c) => (c.summary.kind === 'checklist' ? { name: c.name, passed: c.summary.passed, total: c.summary.total } : { name: c.name, passed: 0, total: 0 })),
    });
    return new LazyFeature(feature, projectRoot, status, lists, problems, pending, spec, plan, tasks, this.parsed);
  }
}

/** A file of a feature as the scan read it: where, its cache entry, its summary. */
interface Summarized {
  readonly path: string;
  readonly entry: CacheEntry;
  readonly summary: FileSummary;
}

/**
 * An indexed feature whose documents are parsed when first read. A class, not an object literal with
 * getters: a literal's accessors are defined at run time on each of a first scan's thousand features
 * (ten times the cost of a constructor while the code is cold). The reads are #private: nothing that
 * copies or serializes a feature sees them.
 */
class LazyFeature implements IndexedFeature {
  readonly pending?: boolean;
  readonly #spec: Summarized | undefined;
  readonly #plan: Summarized | undefined;
  readonly #tasks: Summarized | undefined;
  readonly #parse: (file: Summarized) => ParsedDoc | undefined;

  constructor(
    readonly feature: Feature,
    readonly projectRoot: string,
    readonly status: FeatureStatus,
    readonly checklists: readonly IndexedChecklist[],
    readonly problems: readonly WorkspaceProblem[],
    pending: boolean,
    spec: Summarized | undefined,
    plan: Summarized | undefined,
    tasks: Summarized | undefined,
    parse: (file: Summarized) => ParsedDoc | undefined,
  ) {
    if (pending) this.pending = true;
    this.#spec = spec;
    this.#plan = plan;
    this.#tasks = tasks;
    this.#parse = parse;
  }

  get spec(): SpecDoc | undefined {
    return this.#spec && (this.#parse(this.#spec) as SpecDoc | undefined);
  }

  get plan(): PlanDoc | undefined {
    return this.#plan && (this.#parse(this.#plan) as PlanDoc | undefined);
  }

  get tasks(): TasksDoc | undefined {
    return this.#tasks && (this.#parse(this.#tasks) as TasksDoc | undefined);
  }
}

/** A feature's checklist, parsed when first read (a class for the reason LazyFeature is one). */
class LazyChecklist implements IndexedChecklist {
  readonly path: string;
  readonly name: string;
  readonly summary: FileSummary;
  readonly #read: Summarized;
  readonly #parse: (file: Summarized) => ParsedDoc | undefined;

  constructor(read: Summarized, parse: (file: Summarized) => ParsedDoc | undefined) {
    this.path = read.path;
    this.name = path.basename(read.path, '.md');
    this.summary = read.summary;
    this.#read = read;
    this.#parse = parse;
  }

  // The checklist parser never throws nor refuses a checklists/*.md; an empty document stands in for the impossible.
  get doc(): ChecklistDoc {
    return (this.#parse(this.#read) as ChecklistDoc | undefined) ?? parseChecklist('');
  }
}

/** The modification time a disk entry was read at (its key); undefined for an editor's overlay. */
function diskMtime(entry: CacheEntry): number | undefined {
  return entry.overlay ? undefined : entry.mtime;
}

/** A read that failed: nothing when the file is simply gone, else the problem (not cached: a fixed permission must be seen on the next refresh). */
function readFailure(p: string, e: unknown): { failed: WorkspaceProblem } | undefined {
  const error = toFileReadError(p, e);
  return error.reason === 'missing' ? undefined : { failed: readProblem(error) };
}

function analysisFailed(p: string, e: unknown): WorkspaceProblem {
  const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
  return {
    path: p,
    code: 'analysis-failed',
    severity: 'error',
    message: `This file could not be analysed (${reason}); it was left out, and the rest of the workspace was indexed.`,
  };
}

/** A feature directory belongs to its nearest project (a nested project's specs are not the outer one's). */
function isNearest(project: Project, dir: string, known: readonly Project[]): boolean {
  return !known.some((p) => p.root !== project.root && isInside(project.root, p.root) && isInside(p.root, dir));
}

/**
 * A project with other features, its constitution left as it is: a spread would call the getter
 * (parsing the constitution) and freeze what it returned.
 */
function withFeatures(project: IndexedProject, features: readonly IndexedFeature[]): IndexedProject {
  const copy = Object.create(Object.getPrototypeOf(project) as object | null, Object.getOwnPropertyDescriptors(project)) as IndexedProject;
  Object.defineProperty(copy, 'features', { value: features, enumerable: true, writable: false, configurable: true });
  return copy;
}

/** The summary a file of this path gets from the fast reader or a full parse (a constitution's is the index's own: constitutionOf). */
function summaryKindOf(p: string): SummaryKind | undefined {
  const kind = artifactKindOf(p);
  return kind === 'constitution' ? undefined : kind;
}

/**
 * Which artifact a feature's file is, by its exact name and its folder's (`checklists/*.md`),
 * case-insensitively: what the summary store keeps for it and how it is parsed. Stricter than
 * ../artifacts/artifactKind, the linter's guess for any file a user names (`x-spec.md`,
 * `my-tasks.md`): the index knows a feature's files by the names its listing found them under. The
 * names are found by the runtime's search: path.basename and dirname walk the string in JavaScript,
 * which a cold scan ran interpreted (then compiled) for every file.
 */
export function artifactKindOf(p: string): StoredSummary['kind'] | undefined {
  const slash = p.lastIndexOf('/');
  const base = p.slice(slash + 1).toLowerCase();
  if (slash > 0 && base.endsWith('.md') && p.slice(p.lastIndexOf('/', slash - 1) + 1, slash).toLowerCase() === 'checklists') return 'checklist';
  switch (base) {
    case 'spec.md':
      return 'spec';
    case 'plan.md':
      return 'plan';
    case 'tasks.md':
      return 'tasks';
    case 'constitution.md':
      return 'constitution';
    default:
      return undefined;
  }
}

/** The document of an artifact by its file name; `keepTree` is handed the markdown tree a non-tasks document is read from. */
export function parseByKind(p: string, raw: string | Uint8Array, keepTree?: (markdown: MarkdownDoc) => void): ParsedDoc | undefined {
  const tree = (): MarkdownDoc => {
    const markdown = parseMarkdown(raw);
    keepTree?.(markdown);
    return markdown;
  };
  switch (artifactKindOf(p)) {
    case 'checklist':
      return checklistFromMarkdown(tree());
    case 'spec':
      return specFromMarkdown(tree());
    case 'plan':
      return planFromMarkdown(tree());
    case 'tasks':
      return parseTasks(raw);
    case 'constitution':
      return constitutionFromMarkdown(tree());
    default:
      return undefined;
  }
}
