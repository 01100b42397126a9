/**
 * npm run bench:index — indexing a generated 1,000-feature workspace (spec, plan and a 30-task
 * tasks.md each). Prints the floor (reading the same bytes and nothing else), a first start (no
 * saved index: every file summarized, the index saved), a second start (the saved index read
 * back), a warm rescan and the update after one tasks.md changes, each as a ratio to the floor in
 * wall time and in CPU time (the machine may be shared: CPU ratios vary less); the retained heap of
 * the index after the scan and with every document parsed (the extension's first start in a process of
 * its own, cold as in a new extension host); then the same starts on real files (the
 * corpus, ../shared/corpus or $SPECKIT_CORPUS, copied into as many features). Then the tree grows to
 * 5,000 features and the CLI's `scan` and `check` run on it, `check` given as a multiple of `scan`,
 * and the bundled CLI's `check` as whole processes, in one thread and in two parts (a worker thread).
 * The start rows are medians over BENCH_STARTS (default 5) fresh processes, each start measured
 * against the floor read in its own process just before: one cold process's ratio moves by ±0.5× on a
 * shared machine. BENCH_SKIP_REAL / BENCH_SKIP_CLI leave parts out. Not a test: compare ratios
 * measured in one run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runCli } from '../src/cli';
import { type FileSystemHost } from '../src/core/workspace/fileSystem';
import { NodeFileSystem } from '../src/core/workspace/nodeFileSystem';
import { OffThreadScan } from '../src/core/workspace/offThreadScan';
import { memorySummaries, PersistedSummaries } from '../src/core/workspace/summaryStore';
import { WorkspaceIndex } from '../src/core/workspace/workspaceIndex';
import { generate, generateReal, TASKS, tasks } from './benchWorkspaces';
import { median } from './median';

/** The worker the extension starts for a first scan (`npm run build` makes it). */
const WORKER = join(__dirname, '..', '..', 'dist', 'firstScanWorker.js');

const FEATURES = Number(process.env.BENCH_FEATURES ?? 1000);
const STARTS = Math.max(1, Number(process.env.BENCH_STARTS ?? 5));
const CHECK_FEATURES = Math.max(FEATURES, Number(process.env.BENCH_CHECK_FEATURES ?? 5000));

/** The floor: walk the same folders and read every file, doing nothing with the bytes. */
function readAll(dir: string): number {
  let bytes = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) bytes += readAll(p);
    else bytes += readFileSync(p).length;
  }
  return bytes;
}

async function time<T>(fn: () => Promise<T> | T): Promise<[number, T, number]> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await fn();
  const used = process.cpuUsage(cpu);
  return [performance.now() - start, result, (used.user + used.system) / 1000];
}

interface StartRows {
  /** This process's floor, first and second start: their indexes are what the rescan, update and heap rows use. */
  floor: [number, number, number];
  first: [number, WorkspaceIndex, number];
  second: [number, WorkspaceIndex, number];
  /** The same starts, each in a fresh process (medians). */
  cold: ColdStarts;
}

/** One start in a fresh process against the floor read in that process just before it: [floor ms, floor CPU ms, start ms, start CPU ms]. */
type ColdSample = [number, number, number, number];

interface ColdStarts {
  readonly first: ColdSample[];
  readonly second: ColdSample[];
  /** The extension's first start: [floor ms, floor CPU ms, wall ms, whole-process CPU ms, the host thread's busy ms, the host thread's own CPU ms (Linux)]. */
  readonly worker: Array<[number, number, number, number, number, number | undefined]>;
}

/** node:fs with VS Code's whole-millisecond mtimes (Stats.mtime.getTime()), what the extension's file system reports and the worker keys by; synchronous as a `file:` folder is walked. */
function vscodeLikeFs(): FileSystemHost {
  const fs = new NodeFileSystem({ blocking: true, wholeMilliseconds: true });
  return {
    readFile: (p, o) => fs.readFile(p, o),
    readDirectory: (p) => fs.readDirectory(p),
    stat: (p) => fs.stat(p),
    canReadNow: () => true,
    readFileNow: (p, o) => fs.readFileNow(p, o),
    readDirectoryNow: (p) => fs.readDirectoryNow(p),
    statNow: (p) => fs.statNow(p),
  };
}

/**
 * The extension's first start (WorkspaceModel.start): start the worker, list every feature, summarize in it,
 * complete features as batches arrive (every 150 ms), then read what is left. The host thread's busy
 * time (event loop utilization) is what a user feels; the worker's CPU is on another core.
 */
async function workerStart(root: string): Promise<[number, number, number, number | undefined]> {
  const store = memorySummaries();
  const elu = performance.eventLoopUtilization();
  const hostCpu = threadCpuMs();
  const [wall, index, cpu] = await time(async () => {
    // Started before the listing and given each feature's files as it is listed, as the extension does.
    let listed = false;
    let fill: Promise<unknown> = Promise.resolve();
    let timer: ReturnType<typeof setInterval> | undefined;
    const worker = new OffThreadScan(WORKER, (batch) => {
      for (const [p, size, mtime, summary] of batch) store.set(p, size, mtime, summary);
      if (listed)
        timer ??= setInterval(() => {
          fill = fill.then(() => index.fillPending(false));
        }, 150);
    });
    const index = new WorkspaceIndex(vscodeLikeFs(), { summaries: store });
    await index.addFolder(root, { provisional: true, onPending: (groups) => worker.add(groups) });
    listed = true;
    fill = fill.then(() => index.fillPending(false));
    const pending = index.pendingFiles();
    const thread = pending.length > 0 ? await worker.finish(pending) : 'worker';
    clearInterval(timer);
    await fill;
    await index.fillPending(true);
    if (thread !== 'worker') throw new Error(`the first scan ran ${thread} (is ${WORKER} built?)`);
    return index;
  });
  const busy = performance.eventLoopUtilization(elu).active;
  const hostCpuAfter = threadCpuMs();
  if (index.summarized.fast + index.summarized.parsed > 0) throw new Error(`the host summarized files itself: ${JSON.stringify(index.summarized)}`);
  return [wall, busy, cpu, hostCpu !== undefined && hostCpuAfter !== undefined ? hostCpuAfter - hostCpu : undefined];
}

/**
 * This thread's own CPU time in ms, where Linux tells it (/proc/self/task/<pid>/stat, in 10 ms ticks):
 * the event loop's busy time is wall time, which grows when the worker competes for a core.
 */
function threadCpuMs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** The read floor, a first start (no saved index: summarize everything, save) and a second (saved index read back). */
async function starts(root: string): Promise<StartRows> {
  const cache = mkdtempSync(join(tmpdir(), 'speckit-bench-cache-'));
  try {
    const floor = await time(() => readAll(root));
    const first = await time(async () => {
      const store = await PersistedSummaries.open(cache, 'bench');
      const index = new WorkspaceIndex(new NodeFileSystem({ blocking: true }), { summaries: store });
      await index.addFolder(root);
      await store.save();
      return index;
    });
    const second = await time(async () => {
      const store = await PersistedSummaries.open(cache, 'bench');
      if (store.size === 0) throw new Error('the first start saved nothing');
      const index = new WorkspaceIndex(new NodeFileSystem({ blocking: true }), { summaries: store });
      await index.addFolder(root);
      return index;
    });
    const tasks = first[1].features.reduce((n, f) => n + f.status.tasks.total, 0);
    return { floor, first, second, cold: coldStarts(root, first[1].features.length, tasks) };
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

/** BENCH_STARTS rounds of a first start, a second start (from the first's saved index) and the extension's first start, each in a fresh process. */
function coldStarts(root: string, features: number, tasks: number): ColdStarts {
  const cold: ColdStarts = { first: [], second: [], worker: [] };
  for (let i = 0; i < STARTS; i++) {
    const cache = mkdtempSync(join(tmpdir(), 'speckit-bench-cold-cache-'));
    try {
      cold.first.push(startCold(root, cache, 'first', features, tasks));
      cold.second.push(startCold(root, cache, 'second', features, tasks));
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
    cold.worker.push(workerStartCold(root));
  }
  return cold;
}

function startCold(root: string, cache: string, kind: 'first' | 'second', features: number, tasks: number): ColdSample {
  const child = spawnSync(process.execPath, [__filename], { env: { ...process.env, [START_ROW]: JSON.stringify({ root, cache, kind }) }, encoding: 'utf8' });
  const said = /^start row: (.*)$/m.exec(child.stdout);
  if (child.status !== 0 || !said) throw new Error(`the ${kind} start's process failed (${child.status}): ${child.stderr}`);
  const [floorMs, floorCpu, ms, cpu, sawFeatures, sawTasks] = JSON.parse(said[1]!) as [number, number, number, number, number, number];
  if (sawFeatures !== features || sawTasks !== tasks) throw new Error(`the ${kind} start saw ${sawFeatures} features and ${sawTasks} tasks, not ${features} and ${tasks}`);
  return [floorMs, floorCpu, ms, cpu];
}

/** In the fresh process: the floor, then a first start (summarize everything, save to `cache`) or a second (read `cache` back). */
async function startRow(root: string, cache: string, kind: 'first' | 'second'): Promise<[number, number, number, number, number, number]> {
  const [floorMs, , floorCpu] = await time(() => readAll(root));
  const [ms, index, cpu] = await time(async () => {
    const store = await PersistedSummaries.open(cache, 'bench');
    if (kind === 'second' && store.size === 0) throw new Error('the first start saved nothing');
    const index = new WorkspaceIndex(new NodeFileSystem({ blocking: true }), { summaries: store });
    await index.addFolder(root);
    if (kind === 'first') await store.save();
    return index;
  });
  return [floorMs, floorCpu, ms, cpu, index.features.length, index.features.reduce((n, f) => n + f.status.tasks.total, 0)];
}

/** The cold rows: median times, and the median of each process's own ratio to its floor. */
function coldRows(cold: ColdStarts): Array<[string, string, string, string]> {
  const row = (name: string, samples: readonly ColdSample[]): [string, string, string, string] => [
    name,
    `${median(samples.map((x) => x[2])).toFixed(0)} ms`,
    `${median(samples.map((x) => x[2] / x[0])).toFixed(1)}×`,
    `${median(samples.map((x) => x[3])).toFixed(0)} ms ${median(samples.map((x) => x[3] / x[1])).toFixed(1)}×`,
  ];
  const w = cold.worker;
  const hostCpu = w.every((x) => x[5] !== undefined) ? w.map((x) => [x[5]!, x[1]] as const) : undefined;
  return [
    [`read the same bytes (floor, median of ${STARTS} processes)`, `${median(cold.first.map((x) => x[0])).toFixed(0)} ms`, '1.0×', `${median(cold.first.map((x) => x[1])).toFixed(0)} ms 1.0×`],
    row('first start (summarize + index + save)', cold.first),
    row('second start (saved index read back)', cold.second),
    row('first start, extension (listing + worker + fill)', w.map((x) => [x[0], x[1], x[2], x[3]])),
    [
      '  … host thread busy meanwhile',
      `${median(w.map((x) => x[4])).toFixed(0)} ms`,
      `${median(w.map((x) => x[4] / x[0])).toFixed(1)}×`,
      hostCpu ? `${median(hostCpu.map((x) => x[0])).toFixed(0)} ms ${median(hostCpu.map((x) => x[0] / x[1])).toFixed(1)}×` : '',
    ],
  ];
}

function table(rows: Array<[string, string, string, string]>, head: [string, string, string, string]): void {
  const w = Math.max(head[0].length, ...rows.map((r) => r[0].length));
  process.stdout.write(`${head[0].padEnd(w)}  ${head[1].padStart(10)}  ${head[2].padStart(9)}  ${head[3].padStart(12)}\n`);
  for (const [name, t, ratio, cpu] of rows) process.stdout.write(`${name.padEnd(w)}  ${t.padStart(10)}  ${ratio.padStart(9)}  ${cpu.padStart(12)}\n`);
}

function ratio(x: number, floor: number, digits = 1): string {
  return `${(x / floor).toFixed(digits)}×`;
}

/** Heap retained by `keep` after a full collection, in MiB (needs node --expose-gc). */
function retainedMiB(): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1048576;
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'speckit-bench-'));
  const real = mkdtempSync(join(tmpdir(), 'speckit-bench-real-'));
  try {
    process.stdout.write(`Generating ${FEATURES} features × (spec, plan, ${TASKS}-task tasks.md) in ${root}…\n`);
    generate(root, 1, FEATURES);
    const baseHeap = retainedMiB();
    const run = await starts(root);
    const [floorMs, bytes, floorCpu] = run.floor;
    const index = run.first[1];
    const features = index.features.length;
    const taskCount = index.features.reduce((n, f) => n + f.status.tasks.total, 0);
    if (features !== FEATURES || taskCount !== FEATURES * TASKS) throw new Error(`index saw ${features} features and ${taskCount} tasks`);
    if (run.second[1].features.reduce((n, f) => n + f.status.tasks.total, 0) !== taskCount) throw new Error('the second start saw other tasks');
    const [warmMs, , warmCpu] = await time(() => index.addFolder(root));

    const middle = Math.ceil(FEATURES / 2);
    const changed = join(root, 'specs', `${String(middle).padStart(4, '0')}-feature-${middle}`, 'tasks.md');
    writeFileSync(changed, tasks(middle, TASKS));
    utimesSync(changed, new Date(), new Date(Date.now() + 10_000));
    const [updateMs, , updateCpu] = await time(() => index.refresh([changed]));
    if (index.featureFor(changed)?.status.phase !== 'done') throw new Error('the update was not seen');

    process.stdout.write(`\n${features} features, ${taskCount} tasks, ${(bytes / 1048576).toFixed(1)} MiB (node fs, blocking reads, as the CLI reads)\n\n`);
    table(
      [
        ...coldRows(run.cold),
        ['read the same bytes (floor, this process)', `${floorMs.toFixed(0)} ms`, '1.0×', `${floorCpu.toFixed(0)} ms 1.0×`],
        ['warm rescan (cache hits)', `${warmMs.toFixed(0)} ms`, ratio(warmMs, floorMs), `${warmCpu.toFixed(0)} ms`],
        ['update after one tasks.md change', `${updateMs.toFixed(1)} ms`, ratio(updateMs, floorMs, 3), `${updateCpu.toFixed(1)} ms`],
      ],
      ['measure', 'time', 'vs floor', 'cpu'],
    );
    process.stdout.write(`\nper feature, first start: ${(median(run.cold.first.map((x) => x[2])) / features).toFixed(2)} ms\n`);

    // Memory: the index as the scan leaves it (summaries, text kept for a later parse) against the same
    // index once every document is parsed (what every scan retained before the fast reader).
    run.second[1].removeFolder(root);
    const lazyHeap = retainedMiB();
    for (const f of index.features) void [f.spec, f.plan, f.tasks, ...f.checklists.map((c) => c.doc)];
    const parsedHeap = retainedMiB();
    if (baseHeap !== undefined && lazyHeap !== undefined && parsedHeap !== undefined) {
      process.stdout.write(
        `retained heap for the index: ${(lazyHeap - baseHeap).toFixed(1)} MiB after the scan; ${(parsedHeap - baseHeap).toFixed(1)} MiB with every document parsed (before: always) = ${((lazyHeap - baseHeap) / (parsedHeap - baseHeap)).toFixed(2)}×\n`,
      );
    } else {
      process.stdout.write('retained heap: run with node --expose-gc to measure\n');
    }
    index.removeFolder(root);

    if (!process.env.BENCH_SKIP_REAL) {
      const groups = generateReal(real, FEATURES);
      const r = await starts(real);
      const realFeatures = r.first[1].features.length;
      process.stdout.write(`\nreal files: the corpus's ${groups} features copied into ${realFeatures}, ${(r.floor[1] / 1048576).toFixed(1)} MiB\n\n`);
      table(
        coldRows(r.cold),
        ['measure', 'time', 'vs floor', 'cpu'],
      );
    }

    if (process.env.BENCH_SKIP_CLI) return;
    // The CLI's two commands on one bigger tree: `check` must not look features up linearly per file.
    generate(root, FEATURES + 1, CHECK_FEATURES);
    const quiet = { out: (): void => undefined, err: (): void => undefined };
    const [scanMs, scanCode] = await time(() => runCli(['scan', root, '--json'], quiet));
    const [checkMs, checkCode] = await time(() => runCli(['check', root], quiet));
    if (scanCode !== 0 || checkCode > 1) throw new Error(`scan exited ${scanCode}, check exited ${checkCode}`);
    const cliRows: Array<[string, string, string]> = [
      [`speckit-vscode scan (${CHECK_FEATURES} features)`, `${scanMs.toFixed(0)} ms`, '1.0×'],
      [`speckit-vscode check (${CHECK_FEATURES} features)`, `${checkMs.toFixed(0)} ms`, `${(checkMs / scanMs).toFixed(1)}×`],
    ];
    // The bundled CLI as whole processes: check in one thread, and in two parts (one worker thread).
    const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
    const checkIn = (parts: number): number => {
      const start = performance.now();
      const r = spawnSync(process.execPath, [cli, 'check', root], { stdio: 'ignore', env: { ...process.env, SPECKIT_CHECK_WORKERS: String(parts) } });
      if (r.status !== 0 && r.status !== 1) throw new Error(`check in ${parts} part(s) exited ${r.status ?? r.signal}`);
      return performance.now() - start;
    };
    const one = checkIn(1);
    const two = checkIn(2);
    cliRows.push(
      [`node dist/cli.js check, one thread`, `${one.toFixed(0)} ms`, `${(one / scanMs).toFixed(1)}×`],
      [`node dist/cli.js check, 2 parts (${availableParallelism()} cores)`, `${two.toFixed(0)} ms`, `${(two / scanMs).toFixed(1)}× (${(two / one).toFixed(2)}× one thread)`],
    );
    const cw = Math.max(...cliRows.map((r) => r[0].length));
    process.stdout.write(`\n${'measure'.padEnd(cw)}  ${'time'.padStart(10)}  ${'vs scan'.padStart(9)}\n`);
    for (const [name, t, ratio] of cliRows) process.stdout.write(`${name.padEnd(cw)}  ${t.padStart(10)}  ${ratio.padStart(9)}\n`);
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(real, { recursive: true, force: true });
  }
}

/**
 * The extension's first start in a process of its own: a real first start runs in an extension host
 * whose code has not run yet, while this process already ran the in-process rows (its listing code
 * compiled), which hid most of what the host pays cold.
 */
function workerStartCold(root: string): [number, number, number, number, number, number | undefined] {
  const child = spawnSync(process.execPath, [__filename], { env: { ...process.env, [EXTENSION_ROW]: root }, encoding: 'utf8' });
  const said = /^worker row: (.*)$/m.exec(child.stdout);
  if (child.status !== 0 || !said) throw new Error(`the extension row's process failed (${child.status}): ${child.stderr}`);
  const [floorMs, floorCpu, wall, busy, cpu, hostCpu] = JSON.parse(said[1]!) as [number, number, number, number, number, number | null];
  return [floorMs, floorCpu, wall, cpu, busy, hostCpu ?? undefined];
}

const EXTENSION_ROW = 'SPECKIT_BENCH_EXTENSION_ROW';
const START_ROW = 'SPECKIT_BENCH_START_ROW';
const extensionRoot = process.env[EXTENSION_ROW];
const startRowOf = process.env[START_ROW];
if (extensionRoot) {
  // From inside the event loop: before it runs, its busy time is not counted. The floor first, as the other starts have it.
  setImmediate(
    () =>
      void time(() => readAll(extensionRoot)).then(async ([floorMs, , floorCpu]) => {
        const row = await workerStart(extensionRoot);
        process.stdout.write(`worker row: ${JSON.stringify([floorMs, floorCpu, ...row])}\n`);
      }),
  );
} else if (startRowOf) {
  const { root, cache, kind } = JSON.parse(startRowOf) as { root: string; cache: string; kind: 'first' | 'second' };
  void startRow(root, cache, kind).then((row) => process.stdout.write(`start row: ${JSON.stringify(row)}\n`));
} else {
  void main();
}
