/**
 * npm run bench:scan — whole processes on 200 real features (the corpus, ../shared/corpus or
 * $SPECKIT_CORPUS, copied into 200 feature folders): the read floor (a node process that reads every
 * file), the most-used peer's task counter (./peerTaskCounter: read every file, count checkboxes with
 * fence handling), and `speckit-vscode scan --json` (dist/cli.js) cold and with a warm `--cache`.
 * The CLI is the production build (minified, as the VSIX and the package ship it). Each runs
 * BENCH_RUNS times (default 7), interleaved; the medians of wall time and (on Linux) CPU time are
 * reported as ratios to the floor and to the peer. Two more rows give what every process pays before
 * reading: Node's start-up alone, and with the CLI loaded (`--version`); one more, the peer's counting
 * method run over every kind of file scan summarizes, not only tasks and checklists. BENCH_SCAN_BASE=path/to/cli.js adds another build's
 * cold and warm rows (e.g. main's, copied aside) to the same run. Not a test: compare ratios measured in one run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateReal } from './benchWorkspaces';
import { median } from './median';

const FEATURES = Number(process.env.BENCH_SCAN_FEATURES ?? 200);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 7));
const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

interface Run {
  ms: number;
  /** CPU time of the process (user + system), where the platform tells; the machine may be shared: it varies less. */
  cpu: number | undefined;
  stdout: string;
}

/** CPU time of this process's reaped children in ms (Linux: /proc/self/stat cutime + cstime, in clock ticks of 10 ms). */
function childrenCpu(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state is field 3; cutime and cstime are fields 16 and 17.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

/** One whole process, timed from spawn to exit; a failure stops the benchmark. */
function run(args: readonly string[]): Run {
  const cpu = childrenCpu();
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - start;
  const after = childrenCpu();
  if (r.status !== 0 && r.status !== 1) throw new Error(`node ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr}`);
  return { ms, cpu: cpu === undefined || after === undefined ? undefined : after - cpu, stdout: r.stdout };
}

function main(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run node esbuild.mjs first`);
  const root = mkdtempSync(join(tmpdir(), 'speckit-bench-scan-'));
  const cache = mkdtempSync(join(tmpdir(), 'speckit-bench-scan-cache-'));
  const cleanup = [root, cache];
  try {
    const groups = generateReal(root, FEATURES);
    const rows: Array<{ name: string; args: string[]; times: number[]; cpu: number[]; out?: string }> = [
      { name: 'read every file (floor)', args: [join(__dirname, 'readFloor.js'), root], times: [], cpu: [] },
      { name: 'peer: SpecKit Companion-style task counter', args: [join(__dirname, 'peerTaskCounter.js'), root], times: [], cpu: [] },
      { name: 'speckit-vscode scan --json (cold)', args: [CLI, 'scan', root, '--json'], times: [], cpu: [] },
      { name: 'speckit-vscode scan --json --cache (warm)', args: [CLI, 'scan', root, '--json', '--cache', cache], times: [], cpu: [] },
      // What a process costs before it reads anything: Node alone, and Node loading the CLI (--version).
      { name: 'node -e 0 (start-up alone)', args: ['-e', '0'], times: [], cpu: [] },
      { name: 'speckit-vscode --version (start-up and load)', args: [CLI, '--version'], times: [], cpu: [] },
      // The peer's line count run over every file scan summarizes (specs, plans, constitutions too): its
      // method doing scan's whole reading, inexactly. A bound on the cold row's goal (no slower than the peer).
      { name: "peer's method on every kind scan reads", args: [join(__dirname, 'peerTaskCounter.js'), root, '--all-kinds'], times: [], cpu: [] },
    ];
    // Another build beside this one (BENCH_SCAN_BASE=path/to/cli.js, e.g. main's), measured in the same run.
    const ownRows = rows.length;
    const base = process.env.BENCH_SCAN_BASE;
    if (base) {
      const baseCache = mkdtempSync(join(tmpdir(), 'speckit-bench-scan-base-cache-'));
      cleanup.push(baseCache);
      rows.push(
        { name: 'base scan --json (cold)', args: [base, 'scan', root, '--json'], times: [], cpu: [] },
        { name: 'base scan --json --cache (warm)', args: [base, 'scan', root, '--json', '--cache', baseCache], times: [], cpu: [] },
      );
    }
    // Fills the cache (and the page cache) before anything is timed.
    for (const row of rows) row.out = run(row.args).stdout;
    for (let i = 0; i < RUNS; i++) {
      for (const row of rows) {
        const r = run(row.args);
        if (r.stdout !== row.out) throw new Error(`${row.name} printed something else on run ${i + 1}`);
        row.times.push(r.ms);
        if (r.cpu !== undefined) row.cpu.push(r.cpu);
      }
    }
    type Row = (typeof rows)[0];
    const [floor, peer, cold, warm, startUp, load] = rows as [Row, Row, Row, Row, Row, Row];
    if (cold.out !== warm.out) throw new Error('scan --json printed something else with a warm cache');
    for (const row of rows.slice(ownRows)) if (row.out !== cold.out) throw new Error(`${row.name} printed something else than this build`);
    const bytes = (JSON.parse(floor.out!) as { bytes: number }).bytes;
    const counted = JSON.parse(peer.out!) as { files: number; tasks: { done: number; total: number } };
    const ours = JSON.parse(cold.out!) as { projects: Array<{ features: Array<{ tasks: { done: number; total: number } }> }> };
    const ourTasks = ours.projects.flatMap((p) => p.features).reduce((n, f) => n + f.tasks.total, 0);

    const floorMs = median(floor.times);
    const peerMs = median(peer.times);
    const withCpu = rows.every((r) => r.cpu.length === RUNS);
    const floorCpu = withCpu ? median(floor.cpu) : 0;
    const peerCpu = withCpu ? median(peer.cpu) : 0;
    process.stdout.write(
      `\n${FEATURES} real features (the corpus's ${groups} copied round-robin), ${counted.files} files, ${(bytes / 1048576).toFixed(1)} MiB; ` +
        `median of ${RUNS} runs each, node ${process.version}\n` +
        `tasks counted: peer ${counted.tasks.total}, ours ${ourTasks}\n\n`,
    );
    const w = Math.max(...rows.map((r) => r.name.length));
    const cpuHead = withCpu ? `  ${'cpu'.padStart(9)}  ${'vs floor'.padStart(8)}  ${'vs peer'.padStart(8)}` : '';
    process.stdout.write(`${'process'.padEnd(w)}  ${'wall'.padStart(9)}  ${'vs floor'.padStart(8)}  ${'vs peer'.padStart(8)}${cpuHead}\n`);
    for (const row of rows) {
      const ms = median(row.times);
      const cpu = withCpu ? median(row.cpu) : 0;
      const cpuCells = withCpu ? `  ${`${cpu.toFixed(0)} ms`.padStart(9)}  ${`${(cpu / floorCpu).toFixed(2)}×`.padStart(8)}  ${`${(cpu / peerCpu).toFixed(2)}×`.padStart(8)}` : '';
      process.stdout.write(`${row.name.padEnd(w)}  ${`${ms.toFixed(0)} ms`.padStart(9)}  ${`${(ms / floorMs).toFixed(2)}×`.padStart(8)}  ${`${(ms / peerMs).toFixed(2)}×`.padStart(8)}${cpuCells}\n`);
    }
    // The least any scan in this CLI can take: reading the bytes, plus loading the CLI, before it
    // decodes a byte or looks at a line. What is left of the peer's time is the budget for the rest.
    const least = floorMs + (median(load.times) - median(startUp.times));
    process.stdout.write(
      `\nfloor + the CLI's load (--version − node -e 0): ${least.toFixed(0)} ms = ${(least / peerMs).toFixed(2)}× the peer; ` +
        `left for decoding and summarizing ${(bytes / 1048576).toFixed(1)} MiB to match it: ${(peerMs - least).toFixed(0)} ms\n`,
    );
  } finally {
    for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
  }
}

main();
