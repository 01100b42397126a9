import * as nodePath from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type CancellationToken,
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type CompletionItem,
  CompletionItemKind,
  type Connection,
  type Diagnostic,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  type DocumentHighlight,
  type DocumentLink,
  DocumentHighlightKind,
  type DocumentSymbol,
  ErrorCodes,
  type Hover,
  InsertTextFormat,
  LSPErrorCodes,
  type InitializeParams,
  type InitializeResult,
  type Location,
  type Position,
  type Range,
  ResponseError,
  SymbolKind,
  type SymbolInformation,
  TextDocumentSyncKind,
  TextDocuments,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { type AnalyzedDoc } from '../core/lint/analyzedDoc';
import { completions } from '../core/lint/completion';
import { LintWorkspace } from '../core/lint/lintWorkspace';
import { SymbolPool } from '../core/lint/symbolPool';
import { PersistedSymbols } from '../core/lint/symbolStore';
import { WorkspaceSymbols } from '../core/lint/workspaceSymbols';
import { openspecCodeActions } from './openspecCodeActions';
import {
  definitionsOf,
  documentSymbols,
  hoverText,
  occurrenceAt,
  occurrencesOf,
  renameEdits,
  type SymbolKind as SpecSymbolKind,
  type SymbolNode,
  taskFileLinks,
} from '../core/lint/navigation';
import { quickFixes } from '../core/lint/quickFixes';
import { applySeverities, readSeverityOverrides, type SeverityOverrides } from '../core/lint/rules';
import { type Problem, type Severity } from '../core/text/range';
import { NodeFileSystem } from '../core/workspace/nodeFileSystem';
import { WorkspaceIndex } from '../core/workspace/workspaceIndex';

/** What the client may pass in `initializationOptions` (tests and the benchmark set the delay). */
export interface ServerOptions {
  /** Quiet time after the last edit before a file is checked again. */
  readonly debounceMs?: number;
  /** False parses every edit in full (the benchmark's baseline); incremental parsing is the default. */
  readonly incrementalParse?: boolean;
  /** A folder where workspace symbols persist between sessions (the extension's storageUri), and the release that wrote them. */
  readonly storage?: { readonly dir: string; readonly release: string };
}

/** A custom request for the benchmark and tests: the server process's memory, and how many files it holds parsed or as symbols. */
export const STATS_REQUEST = 'speckit/stats';

export const DIAGNOSTIC_SOURCE = 'speckit';
const DEFAULT_DEBOUNCE_MS = 50;
const MAX_WORKSPACE_SYMBOLS = 1000;
/** How long the workspace symbol search runs before it lets other messages through. */
const SYMBOL_SLICE_MS = 15;

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const SYMBOL_KIND: Record<SpecSymbolKind, SymbolKind> = {
  story: SymbolKind.Class,
  requirement: SymbolKind.Constant,
  entity: SymbolKind.Struct,
  phase: SymbolKind.Namespace,
  task: SymbolKind.Method,
  category: SymbolKind.Namespace,
  'checklist-item': SymbolKind.Boolean,
  principle: SymbolKind.Interface,
  section: SymbolKind.Module,
};

/**
 * The spec-kit language server over one LSP connection. Open documents are overlays on the shared
 * {@link WorkspaceIndex}; every rule lives in src/core/lint, this class only translates.
 */
export class SpecLanguageServer {
  private readonly documents = new TextDocuments(TextDocument);
  private readonly fs = new NodeFileSystem();
  private readonly ws = new LintWorkspace(new WorkspaceIndex(this.fs, { env: process.env }), this.fs);
  private readonly symbols: WorkspaceSymbols;
  private readonly symbolPool: SymbolPool | undefined;
  private folders: string[] = [];
  private ready: Promise<void> = Promise.resolve();
  private overrides: SeverityOverrides = {};
  private debounceMs = DEFAULT_DEBOUNCE_MS;
  private configurationPull = false;
  /** URIs waiting for a check, in the order they were asked for. */
  private readonly pending = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  /** The persisted symbols, opened by the first search (undefined without storage). */
  private symbolStore: Promise<PersistedSymbols | undefined> | undefined;
  private storage: ServerOptions['storage'];
  /** Writes of the symbol store under way: shutdown waits for them, so a session's symbols are not lost. */
  private savingSymbols: Promise<void> = Promise.resolve();

  constructor(
    private readonly connection: Connection,
    /** `symbolWorker`: the server bundle, run as worker threads that parse for workspace symbols; without it they are parsed on this thread. */
    options: { readonly symbolWorker?: string } = {},
  ) {
    this.symbolPool = options.symbolWorker ? new SymbolPool(options.symbolWorker) : undefined;
    this.symbols = new WorkspaceSymbols(this.ws.index, this.fs, this.symbolPool);
  }

  /** Wires every handler, grouped by job, then starts reading the connection. */
  listen(): void {
    this.listenLifecycle();
    this.listenDocumentSync();
    this.listenNavigation();
    this.listenSymbols();
    this.listenEditing();
    this.documents.listen(this.connection);
    this.connection.listen();
  }

  /** Start-up, shutdown, configuration, files changed on disk, and the stats request. */
  private listenLifecycle(): void {
    const c = this.connection;
    c.onInitialize((p) => this.initialize(p));
    c.onInitialized(() => this.initialized());
    c.onShutdown(async () => {
      if (this.timer) clearTimeout(this.timer);
      this.pending.clear();
      this.symbolPool?.dispose();
      await this.savingSymbols;
    });
    c.onDidChangeConfiguration(() => void this.loadConfiguration().then(() => this.scheduleAll()));
    c.onDidChangeWatchedFiles((e) => void this.filesChanged(e.changes.map((x) => this.toPath(x.uri)).filter((x): x is string => x !== undefined)));
    c.onRequest(STATS_REQUEST, () => this.stats());
  }

  /** Open editors' text as overlays on the index; every change schedules a check. */
  private listenDocumentSync(): void {
    this.documents.onDidOpen((e) => this.opened(e.document));
    this.documents.onDidChangeContent((e) => this.changed(e.document));
    this.documents.onDidClose((e) => this.closed(e.document));
  }

  /** Requests about the ID under the cursor: hover, definition, references, highlights, rename. */
  private listenNavigation(): void {
    const c = this.connection;
    c.onHover((p) => this.guard(() => this.hover(p.textDocument.uri, p.position), null));
    c.onDefinition((p) => this.guard(() => this.definition(p.textDocument.uri, p.position), null));
    c.onReferences((p) => this.guard(() => this.references(p.textDocument.uri, p.position, p.context.includeDeclaration), null));
    c.onDocumentHighlight((p) => this.guard(() => this.highlights(p.textDocument.uri, p.position), null));
    c.onPrepareRename((p) => this.guard(() => this.prepareRename(p.textDocument.uri, p.position), null));
    c.onRenameRequest((p) => this.guard(() => this.rename(p.textDocument.uri, p.position, p.newName), null));
  }

  /** Outline, workspace symbols and the links from tasks to the files they name. */
  private listenSymbols(): void {
    const c = this.connection;
    c.onDocumentSymbol((p) => this.guard(() => this.documentSymbols(p.textDocument.uri), null));
    c.onWorkspaceSymbol((p, token) => this.guard(() => this.workspaceSymbols(p.query, token), []));
    c.onDocumentLinks((p) => this.guard(() => this.documentLinks(p.textDocument.uri), null));
  }

  /** What helps write: completions and quick fixes. */
  private listenEditing(): void {
    const c = this.connection;
    c.onCompletion((p) => this.guard(() => this.completion(p.textDocument.uri, p.position), null));
    c.onCodeAction((p) => this.guard(() => this.codeActions(p), null));
  }

  private stats(): NodeJS.MemoryUsage & { maxRss: number; openDocuments: number; parsedDocuments: number; filesWithSymbols: number; symbolsParsed: { pool: number; here: number; stored: number } } {
    // With --expose-gc (the benchmark), measure what is retained rather than garbage not yet collected.
    (globalThis as { gc?: () => void }).gc?.();
    // maxRss: the peak since the process started (resourceUsage reports kilobytes).
    return {
      ...process.memoryUsage(),
      maxRss: process.resourceUsage().maxRSS * 1024,
      openDocuments: this.documents.all().length,
      parsedDocuments: this.ws.index.parsedDocuments,
      filesWithSymbols: this.symbols.size,
      symbolsParsed: { ...this.symbols.parsed },
    };
  }

  private async hover(uri: string, position: Position): Promise<Hover | null> {
    const found = await this.idAt(uri, position);
    if (!found) return null;
    const text = hoverText(found.docs, found.id);
    return text ? { contents: { kind: 'markdown', value: text }, range: found.range } : null;
  }

  private async definition(uri: string, position: Position): Promise<Location[] | null> {
    const found = await this.idAt(uri, position);
    return found ? definitionsOf(found.docs, found.id).map((l) => this.location(l.doc.path, l.occurrence.range)) : null;
  }

  private async references(uri: string, position: Position, includeDeclaration: boolean): Promise<Location[] | null> {
    const found = await this.idAt(uri, position);
    if (!found) return null;
    return occurrencesOf(found.docs, found.id)
      .filter((l) => includeDeclaration || !l.occurrence.definition)
      .map((l) => this.location(l.doc.path, l.occurrence.range));
  }

  private async highlights(uri: string, position: Position): Promise<DocumentHighlight[] | null> {
    const found = await this.idAt(uri, position);
    if (!found) return null;
    return found.doc
      .occurrences()
      .filter((o) => o.id === found.id && o.form !== 'implicit')
      .map((o): DocumentHighlight => ({ range: o.range, kind: o.definition ? DocumentHighlightKind.Write : DocumentHighlightKind.Read }));
  }

  private async prepareRename(uri: string, position: Position): Promise<{ range: Range; placeholder: string } | null> {
    const found = await this.idAt(uri, position);
    if (!found || definitionsOf(found.docs, found.id).length === 0) return null;
    return { range: found.range, placeholder: found.doc.markdown.index.textOf(found.range) };
  }

  private async rename(uri: string, position: Position, newName: string): Promise<WorkspaceEdit | null> {
    const found = await this.idAt(uri, position);
    if (!found) return null;
    const edits = renameEdits(found.docs, found.id, newName);
    if (typeof edits === 'string') throw new ResponseError(ErrorCodes.InvalidRequest, edits);
    const changes: WorkspaceEdit['changes'] = {};
    for (const [path, list] of edits) changes[this.uriFor(path)] = list;
    return { changes };
  }

  private async documentSymbols(uri: string): Promise<DocumentSymbol[] | null> {
    const doc = await this.docFor(uri);
    return doc ? documentSymbols(doc).map(toDocumentSymbol) : null;
  }

  /**
   * Symbols of every feature whose name holds the query. The first query parses every spec, tasks and
   * checklist (seconds on a thousand features; only their symbols are kept, see WorkspaceSymbols):
   * the loop gives the event loop a turn every few milliseconds, so edits, diagnostics and other
   * requests go on meanwhile and a query the editor cancels (the user typed on) stops instead of
   * parsing the rest.
   */
  private async workspaceSymbols(rawQuery: string, token?: CancellationToken): Promise<SymbolInformation[]> {
    await this.ready;
    const store = await this.openSymbolStore();
    const query = rawQuery.toLowerCase();
    const out: SymbolInformation[] = [];
    let turn = Date.now();
    const seen = new Set<string>();
    const features = this.ws.index.features;
    // Parsed on every core (the pool) while the loop below takes the features in order.
    this.symbols.prefetch(features);
    for (const f of features) {
      if (Date.now() - turn >= SYMBOL_SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        turn = Date.now();
      }
      if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The workspace symbol search was cancelled.');
      for (const s of await this.symbols.of(f, seen)) {
        if (query && !s.name.toLowerCase().includes(query)) continue;
        out.push({ name: s.name, kind: SYMBOL_KIND[s.kind], location: this.location(s.path, s.range), containerName: f.feature.name });
        if (out.length >= MAX_WORKSPACE_SYMBOLS) return out;
      }
    }
    // Every feature seen: symbols of files gone since an earlier search are dropped.
    this.symbols.keepOnly(seen);
    // And the store, which keeps the files this search used, is written for the next session.
    if (store) {
      const write = store.save().catch((e: unknown) => this.connection.console.warn(`Spec Kit: the workspace symbol cache could not be written: ${e instanceof Error ? e.message : String(e)}`));
      this.savingSymbols = this.savingSymbols.then(() => write);
    }
    return out;
  }

  /** The persisted symbols, opened once; a file that cannot be used is logged and replaced by the next save. */
  private openSymbolStore(): Promise<PersistedSymbols | undefined> {
    const storage = this.storage;
    if (!storage) return Promise.resolve(undefined);
    this.symbolStore ??= PersistedSymbols.open(storage.dir, storage.release).then((store) => {
      if (store.ignored) this.connection.console.info(`Spec Kit: the workspace symbol cache was ignored and will be rebuilt: ${store.ignored}`);
      this.symbols.store = store;
      return store;
    });
    return this.symbolStore;
  }

  private async documentLinks(uri: string): Promise<DocumentLink[] | null> {
    const path = this.toPath(uri);
    const doc = path ? await this.docFor(uri) : undefined;
    if (!path || !doc) return null;
    const root = this.ws.featureFor(path)?.projectRoot ?? this.ws.index.projectFor(path)?.project.root;
    if (!root) return null;
    return taskFileLinks(doc, root).map((l) => ({ range: l.range, target: this.uriFor(l.target), tooltip: `Open ${nodePath.posix.relative(root, l.target)}` }));
  }

  private async completion(uri: string, position: Position): Promise<CompletionItem[] | null> {
    const path = this.toPath(uri);
    const doc = await this.docFor(uri);
    if (!path || !doc) return null;
    const docs = await this.ws.featureDocs(path);
    return completions(doc, position, docs).map((x): CompletionItem => ({
      label: x.label,
      kind: x.kind === 'snippet' ? CompletionItemKind.Snippet : x.kind === 'tag' ? CompletionItemKind.Keyword : CompletionItemKind.Reference,
      detail: x.detail,
      sortText: x.sortText,
      preselect: x.preselect,
      filterText: x.kind === 'snippet' ? doc.markdown.index.lineText(position.line).slice(0, position.character) || x.label : x.label,
      textEdit: { range: x.range, newText: x.insertText },
      insertTextFormat: x.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    }));
  }

  /** OpenSpec's fixes for OpenSpec files; otherwise the quick fixes of this server's own diagnostics. */
  private async codeActions(p: CodeActionParams): Promise<CodeAction[] | null> {
    const fixes = await openspecCodeActions(this.ws, this.toPath(p.textDocument.uri), p);
    if (fixes) return fixes;
    const doc = await this.docFor(p.textDocument.uri);
    if (!doc) return null;
    const actions: CodeAction[] = [];
    const seen = new Set<string>();
    for (const d of p.context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE || typeof d.code !== 'string') continue;
      for (const fix of quickFixes(doc, { code: d.code, range: d.range })) {
        // Renumbering fixes every out-of-order and duplicate ID at once: offer it once.
        const key = fix.title.startsWith('Renumber') ? fix.title : `${fix.title}@${d.range.start.line}:${d.range.start.character}`;
        if (seen.has(key)) continue;
        seen.add(key);
        actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: fix.preferred, edit: { changes: { [p.textDocument.uri]: fix.edits } } });
      }
    }
    return actions;
  }

  private initialize(params: InitializeParams): InitializeResult {
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    this.folders = folders.map((u) => this.toPath(u)).filter((x): x is string => x !== undefined);
    const options = (params.initializationOptions ?? {}) as ServerOptions;
    if (typeof options.debounceMs === 'number' && options.debounceMs >= 0) this.debounceMs = options.debounceMs;
    if (options.incrementalParse === false) this.ws.incrementalParse = false;
    const storage = options.storage;
    if (storage && typeof storage.dir === 'string' && typeof storage.release === 'string') this.storage = { dir: storage.dir, release: storage.release };
    this.configurationPull = params.capabilities.workspace?.configuration === true;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: { label: 'Spec Kit' },
        workspaceSymbolProvider: true,
        documentLinkProvider: { resolveProvider: false },
        completionProvider: { triggerCharacters: ['[', '-', 'T'] },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'speckit-language-server' },
    };
  }

  private initialized(): void {
    // Checks wait for the first scan and the user's severities, so the first diagnostics are already right.
    this.ready = Promise.all([
      ...this.folders.map((f) => this.ws.index.addFolder(f).catch((e: unknown) => this.log(`Indexing ${f} failed: ${String(e)}`))),
      this.loadConfiguration(),
    ]).then(() => undefined);
    if (this.configurationPull) {
      void this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'speckit' }).catch(() => undefined);
    }
    this.connection.workspace.onDidChangeWorkspaceFolders((e) => {
      for (const f of e.removed) {
        const p = this.toPath(f.uri);
        if (p) this.ws.index.removeFolder(p);
      }
      const added = e.added.map((f) => this.toPath(f.uri)).filter((x): x is string => x !== undefined);
      this.ready = this.ready.then(() => Promise.all(added.map((p) => this.ws.index.addFolder(p)))).then(() => this.scheduleAll());
    });
  }

  private async loadConfiguration(): Promise<void> {
    if (!this.configurationPull) return;
    try {
      const value: unknown = await this.connection.workspace.getConfiguration('speckit.diagnostics');
      this.overrides = readSeverityOverrides((value as { severity?: unknown } | null)?.severity);
    } catch (e) {
      this.log(`Reading speckit.diagnostics failed: ${String(e)}`);
    }
  }

  private opened(doc: TextDocument): void {
    const path = this.toPath(doc.uri);
    if (!path) return;
    this.ws.setText(path, doc.getText());
    // A file created after the scan (a new feature) makes the index read its folder again.
    void this.ready.then(async () => {
      if (!this.ws.featureFor(path) && this.ws.index.projectFor(path)) await this.ws.index.refresh([path]);
      this.schedule([doc.uri, ...this.siblingsOf(path, doc.uri)]);
    });
  }

  private changed(doc: TextDocument): void {
    const path = this.toPath(doc.uri);
    if (!path) return;
    this.ws.setText(path, doc.getText());
    // The file first, then the open files whose rules read it (spec ↔ tasks coverage, references).
    this.schedule([doc.uri, ...this.siblingsOf(path, doc.uri)]);
  }

  private closed(doc: TextDocument): void {
    const path = this.toPath(doc.uri);
    if (!path) return;
    this.ws.setText(path, undefined);
    this.pending.delete(doc.uri);
    void this.connection.sendDiagnostics({ uri: doc.uri, diagnostics: [] });
    this.schedule(this.siblingsOf(path, doc.uri));
  }

  private async filesChanged(paths: string[]): Promise<void> {
    if (paths.length === 0) return;
    await this.ready;
    await this.ws.index.refresh(paths);
    this.scheduleAll();
  }

  /** Other open documents of the same feature (or folder). */
  private siblingsOf(path: string, uri: string): string[] {
    const dir = this.ws.featureFor(path)?.feature.dir ?? nodePath.posix.dirname(path);
    return this.documents
      .all()
      .filter((d) => d.uri !== uri)
      .filter((d) => {
        const p = this.toPath(d.uri);
        return p !== undefined && (p.startsWith(dir + '/') || nodePath.posix.dirname(p) === dir);
      })
      .map((d) => d.uri);
  }

  private scheduleAll(): void {
    this.schedule(this.documents.all().map((d) => d.uri));
  }

  /** Queues checks; edits arriving while one runs are folded into the next round. */
  private schedule(uris: readonly string[]): void {
    for (const u of uris) this.pending.add(u);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, this.debounceMs);
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = (async () => {
      await this.ready;
      while (this.pending.size > 0) {
        const [uri] = this.pending;
        this.pending.delete(uri!);
        await this.validate(uri!);
      }
    })();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
    if (this.pending.size > 0 && !this.timer) void this.drain();
  }

  private async validate(uri: string): Promise<void> {
    const doc = this.documents.get(uri);
    const path = this.toPath(uri);
    if (!doc || !path) return;
    const version = doc.version;
    try {
      // OpenSpec files first: they get OpenSpec's rules, not spec-kit's.
      const openspec = await this.ws.openspecLint(path);
      const result = openspec ? { problems: openspec } : await this.ws.lint(path);
      // A newer edit arrived meanwhile: its own check is queued, these results are stale.
      if (this.documents.get(uri)?.version !== version) return;
      const problems = result ? applySeverities(result.problems, this.overrides) : [];
      await this.connection.sendDiagnostics({ uri, version, diagnostics: problems.map(toDiagnostic) });
    } catch (e) {
      this.log(`Checking ${path} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }

  private async docFor(uri: string): Promise<AnalyzedDoc | undefined> {
    const path = this.toPath(uri);
    if (!path) return undefined;
    await this.ready;
    return this.ws.analyze(path);
  }

  private async idAt(uri: string, position: Position) {
    const path = this.toPath(uri);
    const doc = await this.docFor(uri);
    if (!path || !doc) return undefined;
    const occurrence = occurrenceAt(doc, position);
    if (!occurrence) return undefined;
    const docs = await this.ws.featureDocs(path);
    return { doc, docs, id: occurrence.id, range: occurrence.range };
  }

  private async guard<T>(work: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await work();
    } catch (e) {
      if (e instanceof ResponseError) throw e;
      this.log(`Request failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return fallback;
    }
  }

  private log(message: string): void {
    this.connection.console.error(message);
  }

  private toPath(uri: string): string | undefined {
    if (!uri.startsWith('file:')) return undefined;
    try {
      return fileURLToPath(uri).split(nodePath.sep).join('/');
    } catch {
      return undefined;
    }
  }

  /** The URI the client uses for an open document, else a file URI. */
  private uriFor(path: string): string {
    for (const d of this.documents.all()) if (this.toPath(d.uri) === path) return d.uri;
    return pathToFileURL(path).href;
  }

  private location(path: string, range: Location['range']): Location {
    return { uri: this.uriFor(path), range };
  }
}

function toDiagnostic(p: Problem): Diagnostic {
  return { range: p.range, severity: SEVERITY[p.severity], code: p.code, source: DIAGNOSTIC_SOURCE, message: p.message };
}

function toDocumentSymbol(s: SymbolNode): DocumentSymbol {
  return {
    name: s.name || '(untitled)',
    detail: s.detail,
    kind: SYMBOL_KIND[s.kind],
    range: s.range,
    selectionRange: s.selectionRange,
    children: s.children.map(toDocumentSymbol),
  };
}
