import { type Range } from '../text/range';
import { isCount, PersistedEntries, type StoreKind } from '../workspace/summaryStore';
import { SYMBOL_KINDS, type SymbolKind, type WorkspaceSymbol } from './navigation';

/**
 * The language server's workspace symbols kept between sessions (the extension's storageUri), by
 * path, size and modification time like the index's summaries: the first symbol search after a
 * restart reads them instead of parsing every spec, tasks and checklist again (seconds on a thousand
 * features). A symbol is stored without its path (the entry's key) as
 * `[name, detail, kind, startLine, startCharacter, endLine, endCharacter]`.
 */
export const SYMBOL_FILE = 'speckit-symbols.json';

type StoredSymbol = readonly [name: string, detail: string, kind: SymbolKind, sl: number, sc: number, el: number, ec: number];

const KINDS: ReadonlySet<string> = new Set(SYMBOL_KINDS);
/** Longer names are not a symbol the parser makes from a spec-kit file: the entry is dropped. */
const MAX_TEXT = 4096;

/**
 * A file's symbols as the search uses them, held by the store itself (not a copy): they become
 * tuples only when written (JSON.stringify calls toJSON). Keeping tuples beside the search's objects
 * held every symbol twice while the server ran (about 22 MB more on a thousand features).
 */
class SymbolList {
  constructor(readonly symbols: readonly WorkspaceSymbol[]) {}

  toJSON(): StoredSymbol[] {
    return this.symbols.map((s) => [s.name, s.detail, s.kind, s.range.start.line, s.range.start.character, s.range.end.line, s.range.end.character] as const);
  }
}

/** A file's entry: tuples as read from the file until the search first asks for them, then the objects made from them. */
type Stored = readonly StoredSymbol[] | SymbolList;

const SYMBOLS: StoreKind<Stored> = {
  file: SYMBOL_FILE,
  magic: 'speckit-vscode/symbols',
  format: 1,
  what: 'symbol cache',
  isValue: (x): x is readonly StoredSymbol[] => Array.isArray(x) && x.every(isStoredSymbol),
};

function isStoredSymbol(x: unknown): x is StoredSymbol {
  if (!Array.isArray(x) || x.length !== 7) return false;
  const [name, detail, kind, sl, sc, el, ec] = x as unknown[];
  return (
    typeof name === 'string' &&
    name.length <= MAX_TEXT &&
    typeof detail === 'string' &&
    detail.length <= MAX_TEXT &&
    typeof kind === 'string' &&
    KINDS.has(kind) &&
    [sl, sc, el, ec].every(isCount) &&
    ((sl as number) < (el as number) || (sl === el && (sc as number) <= (ec as number)))
  );
}

/** Workspace symbols by file, as WorkspaceSymbols reads and stores them. */
export class PersistedSymbols {
  private constructor(private readonly store: PersistedEntries<Stored>) {}

  /** Opens the store in `dir` for `release`. Never throws on a bad file (it is ignored, and replaced on the next save). */
  static async open(dir: string, release: string): Promise<PersistedSymbols> {
    return new PersistedSymbols(await PersistedEntries.openKind(SYMBOLS, dir, release));
  }

  /** Why an existing file was ignored, for the log. */
  get ignored(): string | undefined {
    return this.store.ignored;
  }

  /** The symbols stored for the file as it is (size and time), made once: the same list on every call. */
  get(p: string, size: number, mtime: number): readonly WorkspaceSymbol[] | undefined {
    const stored = this.store.get(p, size, mtime);
    if (stored === undefined || stored instanceof SymbolList) return stored?.symbols;
    const symbols = stored.map(([name, detail, kind, sl, sc, el, ec]) => ({ name, detail, kind, path: p, range: range(sl, sc, el, ec) }));
    this.store.reshape(p, new SymbolList(symbols));
    return symbols;
  }

  /** Keeps `symbols` for the file (the list itself: the caller must not change it). */
  set(p: string, size: number, mtime: number, symbols: readonly WorkspaceSymbol[]): void {
    this.store.set(p, size, mtime, new SymbolList(symbols));
  }

  /** Keeps the file's entry through the next save when it is still the file's, without reading it: its symbols came from an open document this time. */
  touch(p: string, size: number, mtime: number): void {
    this.store.keep(p, size, mtime);
  }

  /** Writes the entries of the files used since it was opened (see PersistedEntries.save). */
  save(): Promise<void> {
    return this.store.save();
  }
}

function range(sl: number, sc: number, el: number, ec: number): Range {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}
