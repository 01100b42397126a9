import { parentPort, workerData } from 'node:worker_threads';
import { type FirstScanMessage, pendingGroupsOf, summarizeFiles } from './firstScan';

/** Entry of dist/firstScanWorker.js: summarizes the files it is given (grouped by feature) and posts the entries back. */
const port = parentPort;
if (port) {
  const post = (m: FirstScanMessage): void => port.postMessage(m);
  summarizeFiles(pendingGroupsOf((workerData as { groups?: unknown } | undefined)?.groups), (entries) => post({ entries }))
    .then(() => post({ done: true }))
    .catch((e: unknown) => post({ error: e instanceof Error ? e.message : String(e) }));
}
