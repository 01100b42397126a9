import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { fastSummary, type FileSummary, type SummaryKind, summaryOfDoc } from '../artifacts/fastSummary';
import { MAX_DOCUMENT_BYTES, parseByKind, type PendingFile } from './workspaceIndex';

/**
 * The CPU part of a first scan — summarizing every spec, plan, tasks and checklist file — done where it
 * does not hold up the extension host: in a worker thread (./firstScanWorker) when one can start, else
 * in the host's thread, a file at a time with a yield between files. Results arrive in batches of whole
 * features as summary entries keyed by path, size and modification time, the keys of the persisted store
 * (./summaryStore), so the index uses an entry only while the file is exactly as it was summarized: a
 * file changed during the scan is summarized again, never shown with its older counts.
 */
export type SummaryEntry = readonly [path: string, size: number, mtime: number, summary: FileSummary];

/** Messages from the worker: a batch of entries (whole features' files), then `done` or `error`. */
export type FirstScanMessage = { readonly entries: readonly SummaryEntry[] } | { readonly done: true } | { readonly error: string };

/** How results are handed over: after every feature (in-thread, the default) or gathered into fewer, bigger batches (a worker's messages). */
export interface SummarizeOptions {
  /** Awaited after each file (in-thread: lets the event loop run). */
  readonly pause?: () => Promise<void>;
  /** A batch is handed over once it has this many entries… */
  readonly batchEntries?: number;
  /** …or this many milliseconds after the previous one, so the view still fills as the scan goes. */
  readonly batchMs?: number;
}

const KINDS: ReadonlySet<string> = new Set<SummaryKind>(['spec', 'plan', 'tasks', 'checklist']);

/**
 * Summarizes the files the host listed, one feature's group at a time: the folders are not walked a
 * second time (the host's listing already has every path), only these files are read. A batch never
 * splits a feature (the index completes a feature once all its files are known).
 */
export async function summarizeFiles(groups: ReadonlyArray<readonly PendingFile[]>, onBatch: (entries: SummaryEntry[]) => void, options: SummarizeOptions = {}): Promise<void> {
  const { pause } = options;
  const scan = new GroupSummarizer(onBatch, options);
  for (const group of groups) {
    if (pause) {
      for (const file of group) {
        scan.file(file);
        await pause();
      }
      scan.endGroup();
    } else scan.group(group);
  }
  scan.flush();
}

/**
 * Summarizes groups of files as they are given (a worker gets them in several messages while the host
 * lists), reading through one reused buffer and handing entries over in batches of whole features.
 */
export class GroupSummarizer {
  private readonly reader = new ScratchReader();
  private readonly batchEntries: number;
  private readonly batchMs: number;
  private batch: SummaryEntry[] = [];
  private since = Date.now();

  constructor(
    private readonly onBatch: (entries: SummaryEntry[]) => void,
    options: SummarizeOptions = {},
  ) {
    this.batchEntries = options.batchEntries ?? 1;
    this.batchMs = options.batchMs ?? 0;
  }

  group(group: readonly PendingFile[]): void {
    for (const file of group) this.file(file);
    this.endGroup();
  }

  file([p, kind]: PendingFile): void {
    const entry = summarizeFile(this.reader, p, kind);
    if (entry) this.batch.push(entry);
  }

  /** After a feature's files: the batch goes out once it is big or old enough. */
  endGroup(): void {
    if (this.batch.length > 0 && (this.batch.length >= this.batchEntries || Date.now() - this.since >= this.batchMs)) this.flush();
  }

  flush(): void {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    this.since = Date.now();
    this.onBatch(batch);
  }
}

/** The groups a worker was given, anything not of the expected shape left out (a message is data, not trusted code). */
export function pendingGroupsOf(data: unknown): PendingFile[][] {
  if (!Array.isArray(data)) return [];
  return data.filter(Array.isArray).map((group: unknown[]) =>
    group.filter((f): f is PendingFile => Array.isArray(f) && f.length === 2 && typeof f[0] === 'string' && typeof f[1] === 'string' && KINDS.has(f[1])),
  );
}

/**
 * Reads files into one buffer reused from file to file (grown when a file is bigger), not a buffer per
 * file: the fast reader only counts, so nothing it returns holds a view of the bytes. What a full parse
 * is given is a copy.
 */
class ScratchReader {
  private buffer = Buffer.allocUnsafe(64 * 1024);

  /**
   * The file's bytes (a view valid until the next read), its size and whole-millisecond mtime (what VS
   * Code's disk file system reports: Stats.mtime), or undefined when it is not a regular file, is too
   * big, or changed size while read. Opened without waiting (O_NONBLOCK: a FIFO put in its place
   * returns at once) and checked on the open descriptor, so the key belongs to the bytes read: a write
   * after the open gives a key that no longer matches, never a wrong one.
   */
  read(p: string): { bytes: Uint8Array; size: number; mtime: number } | undefined {
    const fd = openSync(p, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    try {
      const s = fstatSync(fd);
      if (!s.isFile() || s.size > MAX_DOCUMENT_BYTES) return undefined;
      if (s.size >= this.buffer.length) this.buffer = Buffer.allocUnsafe(Math.max(s.size + 1, this.buffer.length * 2));
      let n = 0;
      for (;;) {
        // One byte past the size: a file that grew since the stat is seen as changed.
        const got = readSync(fd, this.buffer, n, Math.min(this.buffer.length, s.size + 1) - n, null);
        if (got === 0) break;
        n += got;
        if (n > s.size) return undefined;
      }
      if (n !== s.size) return undefined;
      return { bytes: this.buffer.subarray(0, n), size: s.size, mtime: s.mtime.getTime() };
    } finally {
      closeSync(fd);
    }
  }
}

/** One file's entry, or undefined when it cannot be read or summarized (the index reports it). */
function summarizeFile(reader: ScratchReader, p: string, kind: SummaryKind): SummaryEntry | undefined {
  try {
    const file = reader.read(p);
    if (!file) return undefined;
    let summary = fastSummary(kind, file.bytes);
    if (!summary) {
      const doc = parseByKind(p, Uint8Array.prototype.slice.call(file.bytes));
      summary = doc && doc.kind !== 'constitution' ? summaryOfDoc(doc) : undefined;
    }
    return summary && [p, file.size, file.mtime, summary];
  } catch {
    return undefined;
  }
}
