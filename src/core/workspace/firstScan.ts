import { readFileSync, statSync } from 'node:fs';
import { fastSummary, type FileSummary, type SummaryKind, summaryOfDoc } from '../artifacts/fastSummary';
import { listFeatures } from './features';
import { NodeFileSystem } from './nodeFileSystem';
import { findProjects } from './projects';
import { MAX_DOCUMENT_BYTES, parseByKind } from './workspaceIndex';

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

/** Summarizes the artifact files of every feature under `folders` (local paths), one feature's batch at a time. */
export async function summarizeFolders(folders: readonly string[], onBatch: (entries: SummaryEntry[]) => void, pause?: () => Promise<void>): Promise<void> {
  const fs = new NodeFileSystem();
  for (const folder of folders) {
    for (const project of await findProjects(fs, folder)) {
      for (const feature of await listFeatures(fs, project)) {
        if (feature.archived) continue;
        const f = feature.files;
        const files: Array<[string, SummaryKind]> = [];
        if (f.spec) files.push([f.spec.path, 'spec']);
        if (f.plan) files.push([f.plan.path, 'plan']);
        if (f.tasks) files.push([f.tasks.path, 'tasks']);
        for (const c of f.checklists) files.push([c.path, 'checklist']);
        const batch: SummaryEntry[] = [];
        for (const [p, kind] of files) {
          const entry = summarizeFile(p, kind);
          if (entry) batch.push(entry);
          if (pause) await pause();
        }
        if (batch.length > 0) onBatch(batch);
      }
    }
  }
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
