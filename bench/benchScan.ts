/**
 * npm run bench:scan — whole processes on 200 real features (the corpus, ../shared/corpus or
 * $SPECKIT_CORPUS, copied into 200 feature folders): the read floor (a node process that reads every
 * file), the most-used peer's task counter (./peerTaskCounter: read every file, count checkboxes with
 * fence handling), and `speckit-vscode scan --json` (dist/cli.js) cold and with a warm `--cache`.
 * Each runs BENCH_RUNS times (default 7), interleaved; the median is reported, as a ratio to the
 * floor and ours to the peer's. Not a test: compare ratios measured in one run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateReal } from './benchWorkspaces';

const FEATURES = Number(process.env.BENCH_SCAN_FEATURES ?? 200);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 7));
const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

interface Run {
  ms: number;
  stdout: string;
}

/** One whole process, timed from spawn to exit; a failure stops the benchmark. */
function run(args: readonly string[]): Run {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (r.status !== 0 && r.status !== 1) throw new Error(`node ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function main(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run node esbuild.mjs first`);
  const root = mkdtempSync(join(tmpdir(), 'speckit-bench-scan-'));
  const cache = mkdtempSync(join(tmpdir(), 'speckit-bench-scan-cache-'));
  try {
    const groups = generateReal(root, FEATURES);
    const rows: Array<{ name: string; args: string[]; times: number[]; out?: string }> = [
      { name: 'read every file (floor)', args: [join(__dirname, 'readFloor.js'), root], times: [] },
      { name: 'peer: SpecKit Companion-style task counter', args: [join(__dirname, 'peerTaskCounter.js'), root], times: [] },
      { name: 'speckit-vscode scan --json (cold)', args: [CLI, 'scan', root, '--json'], times: [] },
      { name: 'speckit-vscode scan --json --cache (warm)', args: [CLI, 'scan', root, '--json', '--cache', cache], times: [] },
    ];
    // Fills the cache (and the page cache) before anything is timed.
    for (const row of rows) row.out = run(row.args).stdout;
    for (let i = 0; i < RUNS; i++) {
      for (const row of rows) {
        const r = run(row.args);
        if (r.stdout !== row.out) throw new Error(`${row.name} printed something else on run ${i + 1}`);
        row.times.push(r.ms);
      }
    }
    const [floor, peer, cold, warm] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
    if (cold.out !== warm.out) throw new Error('scan --json printed something else with a warm cache');
    const bytes = (JSON.parse(floor.out!) as { bytes: number }).bytes;
    const counted = JSON.parse(peer.out!) as { files: number; tasks: { done: number; total: number } };
    const ours = JSON.parse(cold.out!) as { projects: Array<{ features: Array<{ tasks: { done: number; total: number } }> }> };
    const ourTasks = ours.projects.flatMap((p) => p.features).reduce((n, f) => n + f.tasks.total, 0);

    const floorMs = median(floor.times);
    const peerMs = median(peer.times);
    process.stdout.write(
      `\n${FEATURES} real features (the corpus's ${groups} copied round-robin), ${counted.files} files, ${(bytes / 1048576).toFixed(1)} MiB; ` +
        `median of ${RUNS} runs each, node ${process.version}\n` +
        `tasks counted: peer ${counted.tasks.total}, ours ${ourTasks}\n\n`,
    );
    const w = Math.max(...rows.map((r) => r.name.length));
    process.stdout.write(`${'process'.padEnd(w)}  ${'median'.padStart(9)}  ${'vs floor'.padStart(8)}  ${'vs peer'.padStart(8)}\n`);
    for (const row of rows) {
      const ms = median(row.times);
      process.stdout.write(`${row.name.padEnd(w)}  ${`${ms.toFixed(0)} ms`.padStart(9)}  ${`${(ms / floorMs).toFixed(2)}×`.padStart(8)}  ${`${(ms / peerMs).toFixed(2)}×`.padStart(8)}\n`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
}

main();
