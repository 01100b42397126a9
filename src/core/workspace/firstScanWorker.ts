import { parentPort, workerData } from 'node:worker_threads';
import { type FirstScanMessage, summarizeFolders } from './firstScan';

/** Entry of dist/firstScanWorker.js: summarizes the folders it is given and posts the entries back. */
const port = parentPort;
if (port) {
  const post = (m: FirstScanMessage): void => port.postMessage(m);
  const folders = (workerData as { folders?: unknown } | undefined)?.folders;
  summarizeFolders(Array.isArray(folders) ? folders.filter((f): f is string => typeof f === 'string') : [], (entries) => post({ entries }))
    .then(() => post({ done: true }))
    .catch((e: unknown) => post({ error: e instanceof Error ? e.message : String(e) }));
}
