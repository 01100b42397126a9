import * as vscode from 'vscode';
import { branchFromGitHead } from '../core/workspace/gitHead';
import { type FileSystemHost } from '../core/workspace/fileSystem';
import { OffThreadScan, type ScanThread } from '../core/workspace/offThreadScan';
import { memorySummaries, PersistedSummaries } from '../core/workspace/summaryStore';
import { type IndexChange, type IndexedFeature, type IndexedProject, type PendingFile, type SummaryStore, WorkspaceIndex } from '../core/workspace/workspaceIndex';
import { VscodeFileSystem } from './vscodeFileSystem';

/** Paths the index cares about; everything else a folder watcher reports is dropped at once. */
const RELEVANT = /(^|\/)(specs|\.specify|memory|openspec)(\/|$)/;

/** How long file events are gathered before one refresh runs. */
const DEBOUNCE_MS = 120;
/** How often features are completed from the first scan's summaries as they arrive (one tree update each time). */
const FILL_INTERVAL_MS = 150;

/**
 * The workspace index, kept current: one watcher per workspace folder (multi-root aware), unsaved
 * edits of spec-kit files as overlays, and change events for the views. Refreshes are debounced
 * and run one at a time.
 */
/** A feature with the project that holds it: what most commands work on. */
export interface FeatureInProject {
  readonly feature: IndexedFeature;
  readonly project: IndexedProject;
}

export class WorkspaceModel implements vscode.Disposable {
  readonly index: WorkspaceIndex;
  /** The workspace's files as core reads them (over `vscode.workspace.fs`, any scheme). */
  readonly fs: FileSystemHost;
  private readonly changed = new vscode.EventEmitter<IndexChange>();
  readonly onDidChange = this.changed.event;
  private readonly startedEmitter = new vscode.EventEmitter<void>();
  /** Fires once, when the first scan of every folder is complete. */
  readonly onDidStart = this.startedEmitter.event;
  started = false;
  private readonly listedEmitter = new vscode.EventEmitter<void>();
  /**
   * Fires once, when every feature is listed: on a first start that is before their files are
   * summarized (features are `pending` until their summaries arrive), otherwise with `onDidStart`.
   */
  readonly onDidList = this.listedEmitter.event;
  listed = false;
  private readonly disposables: vscode.Disposable[] = [this.changed, this.startedEmitter, this.listedEmitter];
  private readonly watchers = new Map<string, vscode.Disposable>();
  private readonly pending = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private queue: Promise<void> = Promise.resolve();
  private busy = 0;
  private idleWaiters: Array<() => void> = [];

  private summaries: PersistedSummaries | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly startedPromise: Promise<void>;
  private resolveStarted!: () => void;
  /** How the first scan went: where its summaries were computed and how many the store already had. */
  firstScan: { readonly thread: ScanThread | 'skipped'; readonly fromStore: number; readonly entries: number } | undefined;

  /**
   * `storage`: where the index's summaries persist between sessions (the extension's storageUri, a
   * local folder) and the release that wrote them; without it every start summarizes every file.
   */
  constructor(
    private readonly log: vscode.LogOutputChannel,
    readonly storage?: { readonly dir: string; readonly release: string },
    /** dist/firstScanWorker.js: the first scan's summaries are computed there, off the host's thread. */
    private readonly workerScript?: string,
  ) {
    this.startedPromise = new Promise((resolve) => (this.resolveStarted = resolve));
    const fs = (this.fs = new VscodeFileSystem((p) => this.uriFor(p)));
    this.index = new WorkspaceIndex(fs, {
      // Read HEAD instead of running git: works untrusted, remote and virtual.
      currentBranch: (root) => branchFromGitHead(fs, root, this.folderFor(root)?.uri.path ?? root),
    });
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders((e) => {
        for (const f of e.removed) this.removeFolder(f);
        for (const f of e.added) void this.enqueue(() => this.addFolder(f));
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        // A change of text, or of the dirty state alone. The dirty flag can arrive after the text
        // (VS Code sends it separately), so each event sets the overlay from the state it carries:
        // an edit seen as "not dirty yet" and then the dirty flip must still leave the edit overlaid.
        this.overlay(e.document, e.document.isDirty);
      }),
      vscode.workspace.onDidSaveTextDocument((d) => this.overlay(d, false)),
      vscode.workspace.onDidCloseTextDocument((d) => this.overlay(d, false)),
    );
  }

  /** Scans every workspace folder. Resolves when the first index is complete. */
  async start(): Promise<void> {
    const started = Date.now();
    if (this.storage) {
      try {
        this.summaries = await PersistedSummaries.open(this.storage.dir, this.storage.release);
        if (this.summaries.ignored) this.log.warn(`The saved index was ignored and will be rebuilt: ${this.summaries.ignored}`);
        this.index.useSummaries(this.summaries);
      } catch (e) {
        this.log.warn(`The saved index could not be opened; scanning without it: ${String(e)}`);
      }
    }
    const store: SummaryStore = this.summaries ?? memorySummaries();
    if (!this.summaries) this.index.useSummaries(store);
    const fromStore = this.summaries?.size ?? 0;
    await this.enqueue(async () => {
      const folders = vscode.workspace.workspaceFolders ?? [];
      // Watch first: a change during the scan is queued behind it and applied after, winning over it.
      for (const f of folders) this.watch(f);
      // With nothing stored (a first start), the summaries are computed off this thread; each arrives
      // keyed by size and mtime, so a file changed meanwhile is summarized again rather than shown stale.
      // Only local folders can be summarized by the worker (it reads with node:fs).
      const anyLocal = folders.some((f) => f.uri.scheme === 'file');
      let thread: ScanThread | 'skipped' = 'skipped';
      let entries = 0;
      if (fromStore === 0 && anyLocal) {
        // The worker starts now and is given each feature's files as the folders are listed: its
        // start-up and reading run beside the listing. Features are completed once all are listed.
        let listed = false;
        let fill: Promise<void> = Promise.resolve();
        let fillTimer: ReturnType<typeof setTimeout> | undefined;
        const fillNow = (): void => {
          fillTimer = undefined;
          fill = fill.then(async () => this.fireIfAny(await this.index.fillPending(false)));
        };
        const fsPaths = (groups: ReadonlyArray<readonly PendingFile[]>): PendingFile[][] => groups.map((g) => g.map(([p, kind]) => [this.uriFor(p).fsPath, kind] as const));
        const worker = new OffThreadScan(this.workerScript, (batch) => {
          for (const [p, size, mtime, summary] of batch) store.set(vscode.Uri.file(p).path, size, mtime, summary);
          entries += batch.length;
          if (listed) fillTimer ??= setTimeout(fillNow, FILL_INTERVAL_MS);
        });
        try {
          // List every feature first (nothing is read here that the worker will summarize), so the tree
          // shows them at once; each is completed as its summaries arrive, a batch of features at a time.
          await Promise.all(
            folders.map((f) => this.index.addFolder(f.uri.path, { provisional: f.uri.scheme === 'file', onPending: (groups) => worker.add(fsPaths(groups)) })),
          );
          listed = true;
          this.announceListed();
          // Summaries that came in during the listing complete their features now.
          if (entries > 0) fillNow();
          // What is still pending (the worker has most of it already; it is given only the rest).
          const groups = fsPaths(this.index.pendingFiles());
          if (groups.length > 0) {
            thread = await worker.finish(groups).catch((e: unknown) => {
              this.log.warn(`The first scan's summaries could not be computed ahead: ${String(e)}`);
              return 'skipped' as const;
            });
          } else if (entries > 0) thread = 'worker'; // all of it arrived while the folders were listed
          if (fillTimer) clearTimeout(fillTimer);
          await fill.catch((e: unknown) => this.log.warn(`Features could not be completed as the first scan went: ${String(e)}`));
          // What the worker could not summarize (unreadable, binary, changed meanwhile) is read here.
          this.fireIfAny(await this.index.fillPending(true));
        } finally {
          // Unused when nothing was pending, or left by a listing that failed: ended either way.
          worker.dispose();
        }
      } else {
        // Watched above; announceListed below tells the views once for every folder.
        await Promise.all(folders.map((f) => this.index.addFolder(f.uri.path)));
      }
      this.firstScan = { thread, fromStore, entries };
    });
    this.announceListed();
    this.started = true;
    this.resolveStarted();
    this.startedEmitter.fire();
    const features = this.index.features.length;
    const s = this.index.summarized;
    this.log.info(
      `Indexed ${this.index.projects.length} spec-kit project(s), ${features} feature(s), ${this.index.openspecProjects.length} OpenSpec project(s) in ${Date.now() - started} ms ` +
        `(summaries: ${s.stored} stored, ${s.fast} read, ${s.parsed} parsed; first scan ${this.firstScan?.thread ?? 'skipped'})`,
    );
    this.scheduleSave(0);
  }

  /** Writes the persisted summaries a little after the index settles (a burst of edits writes once). */
  private scheduleSave(delay = 5000): void {
    if (!this.summaries || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.summaries?.save().catch((e: unknown) => this.log.warn(`The index could not be saved for the next start: ${String(e)}`));
    }, delay);
  }

  private announceListed(): void {
    if (this.listed) return;
    this.listed = true;
    this.changed.fire({ projects: this.index.projects.map((p) => p.project.root), features: [], structure: true });
    this.listedEmitter.fire();
  }

  private fireIfAny(change: IndexChange): void {
    if (change.features.length > 0 || change.projects.length > 0 || change.structure) this.changed.fire(change);
  }

  /** Resolves when the first scan of every folder is complete. */
  whenStarted(): Promise<void> {
    return this.startedPromise;
  }

  /** Resolves once no refresh is pending or running. */
  whenIdle(): Promise<void> {
    if (!this.timer && this.busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Refreshes paths right away (after the extension wrote them itself), without waiting for the watcher. */
  async refreshNow(paths: readonly string[]): Promise<void> {
    await this.enqueue(async () => {
      const change = await this.index.refresh(paths);
      this.changed.fire(change);
    });
  }

  /** Rescans everything (the Refresh command). */
  async rescan(): Promise<void> {
    await this.enqueue(async () => {
      await Promise.all((vscode.workspace.workspaceFolders ?? []).map((f) => this.index.addFolder(f.uri.path)));
      this.changed.fire({ projects: this.index.projects.map((p) => p.project.root), features: [], structure: true });
    });
  }

  /**
   * The parsed model of an open document as it is now, saved or not. Surfaces that decorate an
   * editor (CodeLens) ask here rather than parse it themselves.
   */
  async parsed(document: vscode.TextDocument): Promise<Awaited<ReturnType<WorkspaceIndex['document']>>> {
    const path = document.uri.path;
    if (document.isDirty) this.index.setOverlay(path, document.getText(), document.version);
    return this.index.document(path);
  }

  /** The feature with its project; undefined when the index no longer has it. */
  withProject(feature: IndexedFeature | undefined): FeatureInProject | undefined {
    if (!feature) return undefined;
    const project = this.index.projectFor(feature.feature.dir);
    return project && { feature, project };
  }

  uriFor(path: string): vscode.Uri {
    const folder = this.folderFor(path);
    return folder ? folder.uri.with({ path }) : vscode.Uri.file(path);
  }

  private folderFor(path: string): vscode.WorkspaceFolder | undefined {
    let best: vscode.WorkspaceFolder | undefined;
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      const root = f.uri.path;
      if ((path === root || path.startsWith(root.endsWith('/') ? root : root + '/')) && (!best || root.length > best.uri.path.length)) best = f;
    }
    return best;
  }

  private async addFolder(folder: vscode.WorkspaceFolder): Promise<void> {
    // Watch before scanning: a file written while the scan runs is refreshed after it (the queue is
    // serial), instead of being lost when the scan listed its folder before the file came back.
    this.watch(folder);
    await this.index.addFolder(folder.uri.path);
    this.changed.fire({ projects: this.index.projects.map((p) => p.project.root), features: [], structure: true });
  }

  private removeFolder(folder: vscode.WorkspaceFolder): void {
    this.watchers.get(folder.uri.toString())?.dispose();
    this.watchers.delete(folder.uri.toString());
    this.index.removeFolder(folder.uri.path);
    this.changed.fire({ projects: [], features: [], structure: true });
  }

  private watch(folder: vscode.WorkspaceFolder): void {
    const key = folder.uri.toString();
    if (this.watchers.has(key)) return;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'));
    const onEvent = (uri: vscode.Uri): void => {
      if (RELEVANT.test(uri.path.slice(folder.uri.path.length))) this.schedule(uri.path);
    };
    this.watchers.set(key, vscode.Disposable.from(watcher, watcher.onDidCreate(onEvent), watcher.onDidChange(onEvent), watcher.onDidDelete(onEvent)));
  }

  private overlay(doc: vscode.TextDocument, dirty: boolean): void {
    const path = doc.uri.path;
    if (doc.languageId !== 'markdown' || !this.folderFor(path) || !RELEVANT.test(path)) return;
    this.log.trace(`editor ${dirty ? 'changed' : 'saved/closed'} ${path} (dirty: ${doc.isDirty}, version ${doc.version})`);
    this.index.setOverlay(path, dirty && doc.isDirty ? doc.getText() : undefined, doc.version);
    this.schedule(path);
  }

  private schedule(path: string): void {
    this.pending.add(path);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const paths = [...this.pending];
      this.pending.clear();
      void this.enqueue(async () => {
        const change = await this.index.refresh(paths);
        this.log.debug(`Refreshed ${paths.length} path(s): ${change.features.length} feature(s), ${change.projects.length} project(s)`);
        if (change.features.length > 0 || change.projects.length > 0 || change.structure) this.changed.fire(change);
        this.scheduleSave();
      });
    }, DEBOUNCE_MS);
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    this.busy++;
    const run = this.queue.then(work).catch((e: unknown) => {
      this.log.error('Updating the spec-kit index failed', e instanceof Error ? e : String(e));
    });
    this.queue = run.finally(() => {
      this.busy--;
      if (this.busy === 0 && !this.timer) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        waiters.forEach((w) => w());
      }
    });
    return run;
  }

  dispose(): void {
    this.resolveStarted();
    if (this.timer) clearTimeout(this.timer);
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      // Best effort on shutdown: the write is atomic, so an interrupted one leaves the previous file.
      this.summaries?.save().catch(() => undefined);
    }
    for (const w of this.watchers.values()) w.dispose();
    for (const d of this.disposables) d.dispose();
    for (const w of this.idleWaiters) w();
  }
}

