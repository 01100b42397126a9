import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { type FirstScanMessage, summarizeFiles, type SummaryEntry } from './firstScan';
import { type PendingFile } from './workspaceIndex';

/** Files `add` gathers before it sends them to the worker. */
const ADD_BATCH_FILES = 100;

/** Where the first scan's summaries were computed. */
export type ScanThread = 'worker' | 'in-thread';

/**
 * A first scan's worker thread running `script` (dist/firstScanWorker.js), started before the listing:
 * its own start (a new thread boots Node and loads the bundle: ~50–60 ms) and then its reading of the
 * files `add` gives it run while the host is still listing, instead of after. `finish` hands over what
 * is left and resolves once every batch was delivered (`onBatch`, which may run from the first `add`
 * on). Where no worker can start (no script, a host without worker_threads, a worker that fails or
 * exits), `finish`'s files are summarized in this thread, yielding to the event loop between files so
 * the host stays responsive.
 */
export class OffThreadScan {
  private readonly worker: Worker | undefined;
  /** Set once the worker failed, exited or was ended: whatever is asked then runs in this thread. */
  private gone = false;
  /** Paths given to the worker so far (`finish` gives it only the others). */
  private readonly given = new Set<string>();
  /** Files given by `add` and not sent yet. */
  private queued: PendingFile[][] = [];
  private queuedFiles = 0;
  /** The running finish's handlers. */
  private onDone: ((ok: boolean) => void) | undefined;

  constructor(
    script: string | undefined,
    private readonly onBatch: (entries: SummaryEntry[]) => void,
    /** Files `add` gathers before it sends them. */
    private readonly sendEvery = ADD_BATCH_FILES,
  ) {
    if (!script || !existsSync(script)) return;
    try {
      this.worker = new Worker(script);
    } catch {
      return;
    }
    // Listened to from the start: an 'error' with no listener would be thrown in the host.
    const gone = (): void => {
      this.gone = true;
      this.onDone?.(false);
    };
    this.worker.on('error', gone);
    this.worker.on('exit', gone);
    this.worker.on('message', (m: FirstScanMessage) => {
      if ('entries' in m) {
        if (!this.gone) this.onBatch([...m.entries]);
      } else this.onDone?.('done' in m);
    });
  }

  /**
   * Files to start on now (grouped by feature), sent a few dozen at a time (a message per feature
   * would cost both threads a clone and a task each); nothing when no worker runs (`finish` has them all then).
   */
  add(groups: ReadonlyArray<readonly PendingFile[]>): void {
    if (!this.worker || this.gone) return;
    for (const g of this.fresh(groups)) {
      this.queued.push(g);
      this.queuedFiles += g.length;
    }
    if (this.queuedFiles >= this.sendEvery) this.send(false);
  }

  /** Summarizes `groups` (every file still pending: those `add` gave are skipped) and resolves when all is delivered. */
  async finish(groups: ReadonlyArray<readonly PendingFile[]>): Promise<ScanThread> {
    if (this.worker && !this.gone && (await this.finishInWorker(this.worker, groups))) return 'worker';
    this.dispose();
    // A worker that failed part way delivered whole features only: whatever is still pending is summarized here.
    await summarizeFiles(groups, this.onBatch, { pause: () => new Promise((resolve) => setImmediate(resolve)) });
    return 'in-thread';
  }

  dispose(): void {
    this.onDone = undefined;
    if (this.worker && !this.gone) {
      this.gone = true;
      void this.worker.terminate();
    }
  }

  private send(end: boolean): void {
    const groups = this.queued;
    this.queued = [];
    this.queuedFiles = 0;
    this.worker?.postMessage(end ? { groups, end } : { groups });
  }

  private fresh(groups: ReadonlyArray<readonly PendingFile[]>): PendingFile[][] {
    const out: PendingFile[][] = [];
    for (const g of groups) {
      const files = g.filter(([p]) => !this.given.has(p));
      for (const [p] of files) this.given.add(p);
      if (files.length > 0) out.push(files);
    }
    return out;
  }

  /** True when the worker finished; false (after its batches so far) when it failed. */
  private finishInWorker(worker: Worker, groups: ReadonlyArray<readonly PendingFile[]>): Promise<boolean> {
    return new Promise((resolve) => {
      this.onDone = (ok) => {
        this.dispose();
        resolve(ok);
      };
      this.queued.push(...this.fresh(groups));
      this.send(true);
    });
  }
}

/** Starts a worker and summarizes the files in it at once (OffThreadScan, when nothing is listed meanwhile). */
export async function summarizeOffThread(script: string | undefined, groups: ReadonlyArray<readonly PendingFile[]>, onBatch: (entries: SummaryEntry[]) => void): Promise<ScanThread> {
  return new OffThreadScan(script, onBatch).finish(groups);
}
