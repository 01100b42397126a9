import { parentPort } from 'node:worker_threads';
import { type FirstScanMessage, GroupSummarizer, pendingGroupsOf } from './firstScan';

/**
 * Entry of dist/firstScanWorker.js: summarizes the files it is given (grouped by feature) and posts the
 * entries back, gathered into batches of whole features (a message per feature cost the host a task
 * and a clone each), at least every 100 ms so the Spec Explorer fills as the scan goes. The files come
 * in messages while the host lists its folders (OffThreadScan), the last one marked `end`.
 */
const port = parentPort;
if (port) {
  const post = (m: FirstScanMessage): void => port.postMessage(m);
  const scan = new GroupSummarizer((entries) => post({ entries }), { batchEntries: 512, batchMs: 100 });
  port.on('message', (m: unknown) => {
    const message = typeof m === 'object' && m !== null ? (m as { groups?: unknown; end?: unknown }) : {};
    try {
      for (const group of pendingGroupsOf(message.groups)) scan.group(group);
      if (message.end === true) {
        scan.flush();
        post({ done: true });
      }
    } catch (e) {
      post({ error: e instanceof Error ? e.message : String(e) });
    }
  });
}
