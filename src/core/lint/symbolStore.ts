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

const SYMBOLS: StoreKind<readonly StoredSymbol[]> = {
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
  private constructor(private readonly store: PersistedEntries<readonly StoredSymbol[]>) {}

  /** Opens the store in `dir` for `release`. Never throws on a bad file (it is ignored, and replaced on the next save). */
  static async open(dir: string, release: string): Promise<PersistedSymbols> {
    return new PersistedSymbols(await PersistedEntries.openKind(SYMBOLS, dir, release));
  }

  /** Why an existing file was ignored, for the log. */
  get ignored(): string | undefined {
    return this.store.ignored;
  }

  get(p: string, size: number, mtime: number): WorkspaceSymbol[] | undefined {
    return this.store.get(p, size, mtime)?.map(([name, detail, kind, sl, sc, el, ec]) => ({ name, detail, kind, path: p, range: range(sl, sc, el, ec) }));
  }

  set(p: string, size: number, mtime: number, symbols: readonly WorkspaceSymbol[]): void {
    this.store.set(
      p,
      size,
      mtime,
      symbols.map((s) => [s.name, s.detail, s.kind, s.range.start.line, s.range.start.character, s.range.end.line, s.range.end.character] as const),
    );
  }

  /** Writes the entries of the files used since it was opened (see PersistedEntries.save). */
  save(): Promise<void> {
    return this.store.save();
  }
}

function range(sl: number, sc: number, el: number, ec: number): Range {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}
