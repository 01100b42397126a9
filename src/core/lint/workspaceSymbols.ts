import { type FileSystemHost } from '../workspace/fileSystem';
import { type FileInfo } from '../workspace/features';
import { type IndexedFeature, MAX_DOCUMENT_BYTES, parseByKind, type ParsedDoc, type WorkspaceIndex } from '../workspace/workspaceIndex';
import { featureSymbols, type WorkspaceSymbol } from './navigation';

/**
 * The symbols of each feature's spec, tasks and checklists, for workspace symbol search. A file the
 * index holds parsed (an open editor's, or one a rule or the Spec Explorer asked for) gives them from
 * that document. Any other file is parsed here and only its symbols are kept, by its size and
 * modification time: a first search parses every file of the workspace, and keeping all those
 * documents in the index held over a hundred megabytes on a thousand features (npm run bench:lsp).
 */
export class WorkspaceSymbols {
  private readonly byPath = new Map<string, { readonly mtime: number; readonly size: number | undefined; readonly symbols: readonly WorkspaceSymbol[] }>();
  /** Files whose symbols came from the pool, from this thread's own parses and from the store (for the server's stats). */
  readonly parsed = { pool: 0, here: 0, stored: 0 };
  /** Files handed to the pool and not answered yet: `of` waits for them instead of parsing them again. */
  private readonly pending = new Map<string, Promise<void>>();

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly fs: FileSystemHost,
    /** Parses files off this thread, several at once (./symbolPool); without it `of` parses here. */
    private readonly pool?: SymbolParser,
  ) {}

  /** Symbols kept between sessions (./symbolStore): read before a file is parsed, written after. */
  store: SymbolCache | undefined;

  /**
   * Hands the files of `features` whose symbols are not known to the pool, a few at a time, so they
   * are parsed on every core while `of` walks the features in order. Nothing without a pool.
   */
  prefetch(features: readonly IndexedFeature[]): void {
    const pool = this.pool;
    if (!pool) return;
    let batch: FileInfo[] = [];
    const send = (): void => {
      const files = batch;
      batch = [];
      const done = pool.parse(files.map((i) => i.path)).then(
        (results) => {
          results.forEach((symbols, k) => {
            const info = files[k]!;
            if (!symbols) return;
            this.keep(info, symbols);
            this.parsed.pool++;
          });
        },
        // A pool that fails leaves the files to `of`, which parses them here.
        () => undefined,
      );
      const settled = done.finally(() => {
        for (const i of files) if (this.pending.get(i.path) === settled) this.pending.delete(i.path);
      });
      for (const i of files) this.pending.set(i.path, settled);
    };
    const wanted: FileInfo[] = [];
    for (const f of features) for (const [info] of filesOf(f)) if (!this.index.holdsDocument(info.path) && !this.known(info) && !this.pending.has(info.path)) wanted.push(info);
    // A few files parse here sooner than a worker starts.
    if (wanted.length < POOL_MIN_FILES) return;
    for (const info of wanted) {
      batch.push(info);
      if (batch.length >= PREFETCH_BATCH) send();
    }
    if (batch.length > 0) send();
  }

  /**
   * A feature's symbols, in featureSymbols' order: the spec's stories and requirements, the tasks,
   * each checklist's items. The paths of its files go into `visited` (for keepOnly).
   */
  async of(f: IndexedFeature, visited?: Set<string>): Promise<WorkspaceSymbol[]> {
    const out: WorkspaceSymbol[] = [];
    for (const [info, doc] of filesOf(f)) out.push(...(await this.file(info, () => symbolsOfDoc(info.path, doc()), visited)));
    return out;
  }

  /** Forgets the symbols of files not in `paths` (deleted or renamed since): after a search that visited every feature. */
  keepOnly(paths: ReadonlySet<string>): void {
    for (const p of this.byPath.keys()) if (!paths.has(p)) this.byPath.delete(p);
  }

  get size(): number {
    return this.byPath.size;
  }

  private known(info: FileInfo): readonly WorkspaceSymbol[] | undefined {
    const known = this.byPath.get(info.path);
    if (known && known.mtime === info.mtime && known.size === info.size) return known.symbols;
    const stored = info.size !== undefined ? this.store?.get(info.path, info.size, info.mtime) : undefined;
    if (stored) {
      this.byPath.set(info.path, { mtime: info.mtime, size: info.size, symbols: stored });
      this.parsed.stored++;
    }
    return stored;
  }

  private keep(info: FileInfo, symbols: readonly WorkspaceSymbol[]): void {
    this.byPath.set(info.path, { mtime: info.mtime, size: info.size, symbols });
    if (info.size !== undefined) this.store?.set(info.path, info.size, info.mtime, symbols);
  }

  private async file(info: FileInfo, fromIndex: () => WorkspaceSymbol[], visited: Set<string> | undefined): Promise<readonly WorkspaceSymbol[]> {
    visited?.add(info.path);
    if (this.index.holdsDocument(info.path)) {
      // An editor's document: its stored entry, if it is still the file's on disk, stays for the next session.
      if (info.size !== undefined) this.store?.touch(info.path, info.size, info.mtime);
      return fromIndex();
    }
    const pending = this.pending.get(info.path);
    if (pending) await pending;
    const known = this.known(info);
    if (known) return known;
    let raw: Uint8Array;
    try {
      raw = await this.fs.readFile(info.path, { maxBytes: MAX_DOCUMENT_BYTES });
    } catch {
      // Unreadable now (the index reports why): no symbols, and nothing kept for it.
      return [];
    }
    const symbols = symbolsOfFile(info.path, raw);
    this.parsed.here++;
    this.keep(info, symbols);
    return symbols;
  }
}

/** Files per message to the pool: big enough that a message is not a file's cost, small enough to share out. */
const PREFETCH_BATCH = 8;
/** Fewer files than this are parsed on the caller's thread: starting a worker costs more. */
const POOL_MIN_FILES = 32;

/** Symbols by path, size and modification time, kept between sessions (./symbolStore). */
export interface SymbolCache {
  get(p: string, size: number, mtime: number): readonly WorkspaceSymbol[] | undefined;
  set(p: string, size: number, mtime: number, symbols: readonly WorkspaceSymbol[]): void;
  /** Keeps the file's entry (if it matches) without reading it: its symbols came from elsewhere this time. */
  touch(p: string, size: number, mtime: number): void;
}

/** What parses files for their symbols off the caller's thread (./symbolPool). */
export interface SymbolParser {
  /** Each file's symbols, or undefined for one that could not be read. */
  parse(paths: readonly string[]): Promise<ReadonlyArray<readonly WorkspaceSymbol[] | undefined>>;
}

/** A feature's files that have symbols, in featureSymbols' order, each with its document in the index (parsed when asked for). */
function filesOf(f: IndexedFeature): Array<[FileInfo, () => ParsedDoc | undefined]> {
  const files = f.feature.files;
  const out: Array<[FileInfo, () => ParsedDoc | undefined]> = [];
  if (files.spec) out.push([files.spec, () => f.spec]);
  if (files.tasks) out.push([files.tasks, () => f.tasks]);
  for (const c of f.checklists) {
    const info = files.checklists.find((x) => x.path === c.path);
    if (info) out.push([info, () => c.doc]);
  }
  return out;
}

/** One file's symbols from its bytes: the parse the index would make (parseByKind), its document dropped once they are taken. */
export function symbolsOfFile(p: string, raw: Uint8Array | string): WorkspaceSymbol[] {
  return symbolsOfDoc(p, parseByKind(p, raw));
}

function symbolsOfDoc(p: string, doc: ParsedDoc | undefined): WorkspaceSymbol[] {
  if (doc?.kind === 'spec') return featureSymbols({ spec: { path: p, doc } });
  if (doc?.kind === 'tasks') return featureSymbols({ tasks: { path: p, doc } });
  if (doc?.kind === 'checklist') return featureSymbols({ checklists: [{ path: p, doc }] });
  return [];
}
