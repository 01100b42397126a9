import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { type FirstScanMessage, summarizeFiles, type SummaryEntry } from './firstScan';
import { type PendingFile } from './workspaceIndex';

/** Where the first scan's summaries were computed. */
export type ScanThread = 'worker' | 'in-thread';

/**
 * A first scan's worker thread running `script` (dist/firstScanWorker.js), started before the listing
 * that gives it its files, so that its start (a new thread boots Node and loads the bundle: ~50–60 ms)
 * runs beside the listing instead of after it. It waits for one `summarize`; `dispose` ends it unused.
 * Where no worker can start (no script, a host without worker_threads, a worker that fails or exits),
 * the files are summarized in this thread, yielding to the event loop between files so the host stays
 * responsive.
 */
export class OffThreadScan {
  private readonly worker: Worker | undefined;
  /** Set once the worker failed or exited: whatever is asked then runs in this thread. */
  private gone = false;
  /** The running summarize's handlers (one at a time). */
  private onMessage: ((m: FirstScanMessage) => void) | undefined;
  private onGone: (() => void) | undefined;

  constructor(script: string | undefined) {
    if (!script || !existsSync(script)) return;
    try {
      this.worker = new Worker(script);
    } catch {
      return;
    }
    // Listened to from the start: an 'error' with no listener would be thrown in the host.
    const gone = (): void => {
      this.gone = true;
      this.onGone?.();
    };
    this.worker.on('error', gone);
    this.worker.on('exit', gone);
    this.worker.on('message', (m: FirstScanMessage) => this.onMessage?.(m));
  }

  /** Summarizes the pending files (grouped by feature); resolves when every batch was delivered. */
  async summarize(groups: ReadonlyArray<readonly PendingFile[]>, onBatch: (entries: SummaryEntry[]) => void): Promise<ScanThread> {
    if (this.worker && !this.gone && (await this.inWorker(this.worker, groups, onBatch))) return 'worker';
    this.dispose();
    // A worker that failed part way delivered whole features only: the rest are summarized again here.
    await summarizeFiles(groups, onBatch, { pause: () => new Promise((resolve) => setImmediate(resolve)) });
    return 'in-thread';
  }

  dispose(): void {
    this.onMessage = undefined;
    this.onGone = undefined;
    if (this.worker && !this.gone) {
      this.gone = true;
      void this.worker.terminate();
    }
  }

  /** True when the worker finished; false (after its batches so far) when it failed. */
  private inWorker(worker: Worker, groups: ReadonlyArray<readonly PendingFile[]>, onBatch: (entries: SummaryEntry[]) => void): Promise<boolean> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (ok: boolean): void => {
        if (settled) return;
        settled = true;
        this.dispose();
        resolve(ok);
      };
      this.onMessage = (m) => {
        if ('entries' in m) onBatch([...m.entries]);
        else finish('done' in m);
      };
      this.onGone = () => finish(false);
      worker.postMessage({ groups });
    });
  }
}

/** Starts a worker and summarizes the files in it at once (OffThreadScan, when nothing is listed meanwhile). */
export async function summarizeOffThread(script: string | undefined, groups: ReadonlyArray<readonly PendingFile[]>, onBatch: (entries: SummaryEntry[]) => void): Promise<ScanThread> {
  return new OffThreadScan(script).summarize(groups, onBatch);
}
