import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { type CheckPart } from './checkFiles';

/**
 * `check` on many files in parts (./checkFiles: whole features each; see partCount): part 0 in this
 * thread, the others each in a worker thread running the CLI's own bundle. A full parse is about
 * 5 ms a file here, so a big repository's check is bound by one core's parsing; the parts share
 * nothing but their arguments and answer with plain problems, cheap to send back.
 */

/** Fewer files than this are checked in this thread: a worker takes about 0.1 s to start and load the parsers. */
export const PARTS_MIN_FILES = 48;
/** More workers than this mostly add memory: each holds the index of the whole project. */
export const MAX_PARTS = 8;

/**
 * How many parts `check` uses for `files` files: SPECKIT_CHECK_WORKERS (1 = this thread only), else
 * one per two cores. One thread already keeps a second core about a third busy (the collector and the
 * compiler run beside it): on 2 cores a second part gave about 0.9× the time for 1.6× the memory.
 */
export function partCount(files: number, env: NodeJS.ProcessEnv = process.env): number {
  const asked = Number(env.SPECKIT_CHECK_WORKERS);
  if (Number.isInteger(asked) && asked >= 1) return Math.min(asked, MAX_PARTS);
  return files < PARTS_MIN_FILES ? 1 : Math.min(MAX_PARTS, Math.max(1, Math.floor(availableParallelism() / 2)));
}

/** What tells a worker of `script` that it is a part of a check (the bundle is also the command). */
const TAG = 'speckit-check-part';

interface PartData<A> {
  readonly tag: typeof TAG;
  readonly args: A;
  readonly part: CheckPart;
}

type PartAnswer<R> = { readonly ok: R } | { readonly error: string };

/**
 * Runs every part of `count`: part 0 here, each other in a worker of `script` (which calls
 * {@link serveCheckPart} with the same `run`). A part whose worker fails to start, throws or exits
 * without answering is run here afterwards, so a failing thread costs time, never findings.
 */
export async function runInParts<A, R>(script: string, args: A, count: number, run: (args: A, part: CheckPart) => Promise<R>): Promise<{ results: R[]; fromWorkers: number }> {
  if (count <= 1) return { results: [await run(args, { index: 0, count: 1 })], fromWorkers: 0 };
  const others = Array.from({ length: count - 1 }, (_, i) => inWorker<A, R>(script, { tag: TAG, args, part: { index: i + 1, count } }));
  const results: R[] = [await run(args, { index: 0, count })];
  let fromWorkers = 0;
  for (let i = 0; i < others.length; i++) {
    const answer = await others[i]!;
    if (answer !== undefined) fromWorkers++;
    results.push(answer !== undefined ? answer.ok : await run(args, { index: i + 1, count }));
  }
  return { results, fromWorkers };
}

/** One part in a worker: its answer, or undefined when the worker could not give one. */
function inWorker<A, R>(script: string, data: PartData<A>): Promise<{ ok: R } | undefined> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(script, { workerData: data });
    } catch {
      resolve(undefined);
      return;
    }
    let answered = false;
    worker.once('message', (m: PartAnswer<R>) => {
      answered = true;
      resolve('ok' in m ? { ok: m.ok } : undefined);
      void worker.terminate();
    });
    worker.once('error', () => {
      if (!answered) resolve(undefined);
    });
    worker.once('exit', () => {
      if (!answered) resolve(undefined);
    });
  });
}

/** In a worker started by {@link runInParts}: runs its part and answers. Nothing in any other thread. */
export function serveCheckPart<A, R>(run: (args: A, part: CheckPart) => Promise<R>): void {
  const data = workerData as Partial<PartData<A>> | undefined;
  if (isMainThread || !parentPort || data?.tag !== TAG || !data.part) return;
  const port = parentPort;
  run(data.args as A, data.part).then(
    (ok) => port.postMessage({ ok } satisfies PartAnswer<R>),
    (e: unknown) => port.postMessage({ error: e instanceof Error ? e.message : String(e) } satisfies PartAnswer<R>),
  );
}
