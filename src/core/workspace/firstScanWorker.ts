import { parentPort } from 'node:worker_threads';
import { type FirstScanMessage, pendingGroupsOf, summarizeFiles } from './firstScan';

/**
 * Entry of dist/firstScanWorker.js: summarizes the files it is given (grouped by feature) and posts the
 * entries back, gathered into batches of whole features (a message per feature cost the host a task
 * and a clone each), at least every 100 ms so the Spec Explorer fills as the scan goes. The files come
 * in the first message: the host starts the worker before its listing is done (OffThreadScan).
 */
const port = parentPort;
if (port) {
  const post = (m: FirstScanMessage): void => port.postMessage(m);
  const run = (groups: unknown): void => {
    summarizeFiles(pendingGroupsOf(groups), (entries) => post({ entries }), { batchEntries: 512, batchMs: 100 })
      .then(() => post({ done: true }))
      .catch((e: unknown) => post({ error: e instanceof Error ? e.message : String(e) }));
  };
  port.once('message', (m: unknown) => run(typeof m === 'object' && m !== null && 'groups' in m ? m.groups : undefined));
}
