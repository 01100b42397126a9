import { readFileSync, statSync } from 'node:fs';
import { fastSummary, type FileSummary, type SummaryKind, summaryOfDoc } from '../artifacts/fastSummary';
import { MAX_DOCUMENT_BYTES, parseByKind, type PendingFile } from './workspaceIndex';

/**
 * The CPU part of a first scan — summarizing every spec, plan, tasks and checklist file — done where it
 * does not hold up the extension host: in a worker thread (./firstScanWorker) when one can start, else
 * in the host's thread, a file at a time with a yield between files. Results arrive feature by feature
 * as summary entries keyed by path, size and modification time, the keys of the persisted store
 * (./summaryStore), so the index uses an entry only while the file is exactly as it was summarized: a
 * file changed during the scan is summarized again, never shown with its older counts.
 */
export type SummaryEntry = readonly [path: string, size: number, mtime: number, summary: FileSummary];

/** Messages from the worker: a batch of entries (one feature's files), then `done` or `error`. */
export type FirstScanMessage = { readonly entries: readonly SummaryEntry[] } | { readonly done: true } | { readonly error: string };

const KINDS: ReadonlySet<string> = new Set<SummaryKind>(['spec', 'plan', 'tasks', 'checklist']);

/**
 * Summarizes the files the host listed, one feature's group at a time: the folders are not walked a
 * second time (the host's listing already has every path), only these files are read.
 */
export async function summarizeFiles(groups: ReadonlyArray<readonly PendingFile[]>, onBatch: (entries: SummaryEntry[]) => void, pause?: () => Promise<void>): Promise<void> {
  for (const group of groups) {
    const batch: SummaryEntry[] = [];
    for (const [p, kind] of group) {
      const entry = summarizeFile(p, kind);
      if (entry) batch.push(entry);
      if (pause) await pause();
    }
    if (batch.length > 0) onBatch(batch);
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
 * One file's entry, or undefined when it cannot be read or summarized (the index reports it). The
 * modification time is the one VS Code's disk file system reports (whole milliseconds of the Date),
 * stat before read: a write between the two gives a key that no longer matches, never a wrong one.
 */
function summarizeFile(p: string, kind: SummaryKind): SummaryEntry | undefined {
  try {
    const s = statSync(p);
    if (!s.isFile() || s.size > MAX_DOCUMENT_BYTES) return undefined;
    const raw = readFileSync(p);
    if (raw.length !== s.size) return undefined;
    let summary = fastSummary(kind, raw);
    if (!summary) {
      const doc = parseByKind(p, raw);
      summary = doc && doc.kind !== 'constitution' ? summaryOfDoc(doc) : undefined;
    }
    return summary && [p, s.size, s.mtime.getTime(), summary];
  } catch {
    return undefined;
  }
}
