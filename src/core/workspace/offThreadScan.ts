import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { type FirstScanMessage, summarizeFiles, type SummaryEntry } from './firstScan';
import { type PendingFile } from './workspaceIndex';

/** Where the first scan's summaries were computed. */
export type ScanThread = 'worker' | 'in-thread';

/**
 * Summarizes the files a provisional listing left pending (WorkspaceIndex.pendingFiles, local paths,
 * grouped by feature) in a worker thread running `script` (dist/firstScanWorker.js); where no worker
 * can start (no script, a host without worker_threads, a worker that fails), in this thread, yielding to
 * the event loop between files so the host stays responsive. Resolves when every batch was delivered.
 */
export async function summarizeOffThread(script: string | undefined, groups: ReadonlyArray<readonly PendingFile[]>, onBatch: (entries: SummaryEntry[]) => void): Promise<ScanThread> {
  if (script && existsSync(script)) {
    const delivered = await inWorker(script, groups, onBatch).catch(() => false);
    if (delivered) return 'worker';
  }
  await summarizeFiles(groups, onBatch, { pause: () => new Promise((resolve) => setImmediate(resolve)) });
  return 'in-thread';
}

/** True when the worker finished; false (after its batches so far) when it failed, so the caller finishes in-thread. */
function inWorker(script: string, groups: ReadonlyArray<readonly PendingFile[]>, onBatch: (entries: SummaryEntry[]) => void): Promise<boolean> {
  return new Promise((resolve) => {
    const worker = new Worker(script, { workerData: { groups } });
    let settled = false;
    const finish = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      resolve(ok);
    };
    worker.on('message', (m: FirstScanMessage) => {
      if ('entries' in m) onBatch([...m.entries]);
      else finish('done' in m);
    });
    worker.on('error', () => finish(false));
    worker.on('exit', () => finish(false));
  });
}
