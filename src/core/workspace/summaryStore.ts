// node:fs/promises through fs.promises, loaded on first use: a CLI scan without --cache never pays its ~2.5 ms load.
import { promises as fsp } from 'node:fs';
import * as nodePath from 'node:path';
import { type StoredSummary, type SummaryStore } from './workspaceIndex';

/**
 * The index's per-file summaries kept between runs (the extension's storageUri, the CLI's
 * `--cache DIR`), so a second start neither summarizes nor parses them again, nor reads them where a read can wait
 * until something parses the file (workspaceIndex: deferred entries).
 * Keyed by path, size and modification time; stamped with the summary format and the release, so
 * a new release never reads an older one's results. A file that does not parse, is foreign, of
 * another version or too big is ignored whole (and replaced on the next save); an entry that does
 * not have the expected shape is dropped. Never trusted beyond that: the worst a stale entry can
 * do is show old counts for a file whose size and mtime did not change.
 */
export const SUMMARY_FILE = 'speckit-summaries.json';

/** Bump when the summary's shape or the fast reader's meaning changes within one release (2: constitutions' summaries; 3: with name and principle count). */
export const SUMMARY_FORMAT = 3;

const MAGIC = 'speckit-vscode/summaries';
/** A cache file of this many bytes is not read: summaries take about 0.3 KB a feature, workspace symbols about 3 KB (30-task features). */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;

type Entry<T> = readonly [size: number, mtime: number, value: T];

/** Temporary files this process has written (the count in their names). */
let temporaryFiles = 0;

/** Summaries kept for this run only: a first scan's worker results where nothing persists (no storage). */
export function memorySummaries(): SummaryStore {
  const entries = new Map<string, Entry<StoredSummary>>();
  return {
    get: (p, size, mtime) => {
      const e = entries.get(p);
      return e && e[0] === size && e[1] === mtime ? e[2] : undefined;
    },
    set: (p, size, mtime, summary) => void entries.set(p, [size, mtime, summary]),
  };
}

/** What a kind of per-file cache is: its file's name, its stamp, and what a valid value looks like. */
export interface StoreKind<T> {
  readonly file: string;
  /** The `format` field: a file without it is not this kind of cache. */
  readonly magic: string;
  /** Bumped when the values' shape or meaning changes within one release. */
  readonly format: number;
  /** Says what the file is in the reason it was ignored ("summary cache"). */
  readonly what: string;
  /** Exactly the expected shape: anything else in the file is dropped, never trusted. */
  readonly isValue: (x: unknown) => x is T;
}

/**
 * Values derived from files, kept between runs by path, size and modification time: the index's
 * summaries (below), the language server's workspace symbols (../lint/symbolStore).
 */
export class PersistedEntries<T> {
  private readonly entries: Map<string, Entry<T>>;
  /** Paths looked up or stored in this run: what the next save keeps (deleted files drop out). */
  private readonly used = new Set<string>();
  private dirty = false;
  /** Why an existing cache file was ignored, for the log; undefined when it was read or absent. */
  readonly ignored: string | undefined;

  private constructor(
    private readonly file: string,
    private readonly version: string,
    private readonly magic: string,
    entries: Map<string, Entry<T>>,
    ignored: string | undefined,
  ) {
    this.entries = entries;
    this.ignored = ignored;
    // A file that was there but unusable is rewritten even if nothing changes.
    this.dirty = ignored !== undefined;
  }

  /** Opens the store of `kind` in `dir` for `release` (the extension's or CLI's version). Never throws on a bad file. */
  static async openKind<T>(kind: StoreKind<T>, dir: string, release: string): Promise<PersistedEntries<T>> {
    const file = nodePath.join(dir, kind.file);
    const version = `${kind.format}:${release}`;
    const { entries, ignored } = await readStore(file, version, kind);
    return new PersistedEntries(file, version, kind.magic, entries, ignored);
  }

  get size(): number {
    return this.entries.size;
  }

  get(p: string, size: number, mtime: number): T | undefined {
    const e = this.entries.get(p);
    this.used.add(p);
    return e && e[0] === size && e[1] === mtime ? e[2] : undefined;
  }

  /** Keeps the entry through the next save if it is still the file's (same size and time); a stale one drops out. */
  keep(p: string, size: number, mtime: number): boolean {
    const e = this.entries.get(p);
    const current = e !== undefined && e[0] === size && e[1] === mtime;
    if (current) this.used.add(p);
    return current;
  }

  /** The same value as the entry's in another form (decoded once, for instance): the file is not written again for it. */
  reshape(p: string, value: T): void {
    const e = this.entries.get(p);
    if (e) this.entries.set(p, [e[0], e[1], value]);
  }

  set(p: string, size: number, mtime: number, value: T): void {
    this.entries.set(p, [size, mtime, value]);
    this.used.add(p);
    this.dirty = true;
  }

  /**
   * Writes the entries used in this run, atomically (a temporary file renamed over the old one), so a
   * crash or a second window mid-write leaves the old file or the new one, never half of one.
   */
  async save(): Promise<void> {
    const dropped = [...this.entries.keys()].some((p) => !this.used.has(p));
    if (!this.dirty && !dropped) return;
    const entries: Record<string, Entry<T>> = {};
    for (const p of [...this.used].sort()) {
      const e = this.entries.get(p);
      if (e) entries[p] = e;
    }
    const text = JSON.stringify({ format: this.magic, version: this.version, entries });
    await fsp.mkdir(nodePath.dirname(this.file), { recursive: true });
    // Unique by process, time and count, and created exclusively ('wx'): a clash fails instead of
    // writing into another writer's file. No random name: `import('node:crypto')` from this CommonJS
    // bundle starts Node's ES module loader, ~5 ms of a cold CLI process.
    const tmp = `${this.file}.${process.pid}.${Date.now().toString(36)}.${(temporaryFiles++).toString(36)}.tmp`;
    let created = false;
    try {
      await fsp.writeFile(tmp, text, { mode: 0o600, flag: 'wx' });
      created = true;
      await fsp.rename(tmp, this.file);
    } catch (e) {
      // A file this save did not create is someone else's: left alone.
      if (created || (e as NodeJS.ErrnoException).code !== 'EEXIST') await fsp.rm(tmp, { force: true });
      throw e;
    }
    this.dirty = false;
  }
}

/** The index's summaries: 1,000 features take about 300 KB. */
const SUMMARIES: StoreKind<StoredSummary> = { file: SUMMARY_FILE, magic: MAGIC, format: SUMMARY_FORMAT, what: 'summary cache', isValue: isSummary };

/** The index's summaries kept between runs (see the top of this file). */
export type PersistedSummaries = PersistedEntries<StoredSummary>;

export const PersistedSummaries = {
  open: (dir: string, release: string): Promise<PersistedSummaries> => PersistedEntries.openKind(SUMMARIES, dir, release),
};

async function readStore<T>(file: string, version: string, kind: StoreKind<T>): Promise<{ entries: Map<string, Entry<T>>; ignored: string | undefined }> {
  const entries = new Map<string, Entry<T>>();
  let text: string;
  try {
    const handle = await fsp.open(file, 'r');
    try {
      const s = await handle.stat();
      if (!s.isFile()) return { entries, ignored: 'not a regular file' };
      if (s.size > MAX_CACHE_BYTES) return { entries, ignored: `${s.size} bytes, more than a cache of this kind can be` };
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
    return { entries, ignored: code === 'ENOENT' ? undefined : `unreadable (${code || String(e)})` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { entries, ignored: 'not valid JSON (truncated or corrupt)' };
  }
  if (!isRecord(data) || data.format !== kind.magic) return { entries, ignored: `not a Spec Kit ${kind.what}` };
  if (data.version !== version) return { entries, ignored: `written by another version (${String(data.version)})` };
  if (!isRecord(data.entries)) return { entries, ignored: 'no entries' };
  for (const [p, e] of Object.entries(data.entries)) {
    if (Array.isArray(e) && e.length === 3 && isCount(e[0]) && typeof e[1] === 'number' && Number.isFinite(e[1]) && kind.isValue(e[2])) entries.set(p, [e[0], e[1], e[2]]);
  }
  return { entries, ignored: undefined };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/** Exactly the fields of one kind of summary, every count a non-negative integer (a constitution's: a version and a name, each a string or null, a boolean and a count). */
function isSummary(x: unknown): x is StoredSummary {
  if (!isRecord(x)) return false;
  if (x.kind === 'constitution') {
    return (
      Object.keys(x).length === 5 &&
      (x.version === null || typeof x.version === 'string') &&
      typeof x.placeholder === 'boolean' &&
      (x.name === null || typeof x.name === 'string') &&
      isCount(x.principles)
    );
  }
  const fields: Record<string, readonly string[]> = {
    tasks: ['done', 'total'],
    spec: ['markers', 'placeholders', 'clarificationSessions'],
    plan: ['markers', 'placeholders'],
    checklist: ['passed', 'total'],
  };
  const want = typeof x.kind === 'string' && Object.hasOwn(fields, x.kind) ? fields[x.kind] : undefined;
  if (!want || Object.keys(x).length !== want.length + 1 || !want.every((k) => isCount(x[k]))) return false;
  const done = x.kind === 'tasks' ? x.done : x.kind === 'checklist' ? x.passed : 0;
  const total = x.kind === 'tasks' || x.kind === 'checklist' ? x.total : 0;
  return (done as number) <= (total as number);
}
