/**
 * npm run bench:summary — the first scan's per-file summary (fastSummary) against the read floor:
 * decoding the same bytes with TextDecoder and nothing else. Two sets: the real corpus's spec, plan,
 * tasks and checklist files (../shared/corpus or $SPECKIT_CORPUS) and generated files of the shapes
 * bench:index writes (1,000 features × spec, plan, 30-task tasks.md). Each set is summarized a few
 * rounds, floor and summary alternating; the figures are the fastest round's CPU time, and the row
 * per kind shows where the rest goes. Files the fast reader defers to the full parse are counted
 * (their summary then costs a remark parse in the index). Not a test: compare ratios of one run.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifactKind } from '../src/core/artifacts/artifactKind';
import { fastSummary, type SummaryKind } from '../src/core/artifacts/fastSummary';
import { corpusDir, plan, spec, TASKS, tasks } from './benchWorkspaces';

const FEATURES = Number(process.env.BENCH_FEATURES ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);

interface File {
  readonly kind: SummaryKind;
  readonly bytes: Uint8Array;
}

// The generated shapes are bench:index's (./benchWorkspaces), so the two benchmarks read alike files.
function generated(): File[] {
  const enc = new TextEncoder();
  const out: File[] = [];
  for (let n = 1; n <= FEATURES; n++) {
    out.push({ kind: 'spec', bytes: enc.encode(spec(n)) }, { kind: 'plan', bytes: enc.encode(plan(n)) }, { kind: 'tasks', bytes: enc.encode(tasks(n, n % TASKS)) });
  }
  return out;
}

/** The corpus's artifact files (flattened names: owner__repo__path__to__file.md), repeated to about a generated set's size. */
function corpus(): File[] {
  const dir = corpusDir();
  if (!existsSync(dir)) throw new Error(`The spec-kit corpus is missing at ${dir}; set SPECKIT_CORPUS.`);
  const once: File[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.md')) continue;
    const kind = artifactKind(name.split('__').join('/'));
    if (kind === 'spec' || kind === 'plan' || kind === 'tasks' || kind === 'checklist') once.push({ kind, bytes: readFileSync(join(dir, name)) });
  }
  const size = once.reduce((n, f) => n + f.bytes.length, 0);
  const copies = Math.max(1, Math.round((FEATURES * 3300) / size));
  return Array.from({ length: copies }, () => once).flat();
}

function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

interface Row {
  readonly label: string;
  readonly ms: number;
  readonly floor: number;
  readonly files: number;
  readonly deferred: number;
}

function measure(label: string, files: readonly File[]): Row[] {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let sink = 0;
  const floor = (set: readonly File[]): void => {
    for (const f of set) sink += decoder.decode(f.bytes).length;
  };
  const summarize = (set: readonly File[]): void => {
    for (const f of set) sink += fastSummary(f.kind, f.bytes) === undefined ? 1 : 0;
  };
  const sets: Array<[string, readonly File[]]> = [[label, files]];
  for (const kind of ['spec', 'plan', 'tasks', 'checklist'] as const) {
    const some = files.filter((f) => f.kind === kind);
    if (some.length > 0) sets.push([`  ${kind}`, some]);
  }
  // Warm up first, so the first row measured does not pay for compiling.
  for (let r = 0; r < 3; r++) {
    floor(files);
    summarize(files);
  }
  const rows: Row[] = [];
  for (const [name, set] of sets) {
    let bestFloor = Infinity;
    let bestSummary = Infinity;
    for (let r = 0; r < ROUNDS; r++) {
      bestFloor = Math.min(bestFloor, cpuMs(() => floor(set)));
      bestSummary = Math.min(bestSummary, cpuMs(() => summarize(set)));
    }
    const deferred = set.filter((f) => fastSummary(f.kind, f.bytes) === undefined).length;
    rows.push({ label: name, ms: bestSummary, floor: bestFloor, files: set.length, deferred });
  }
  if (sink < 0) process.stdout.write('');
  return rows;
}

function main(): void {
  const sets: Array<[string, File[]]> = [
    [`generated (${FEATURES} features)`, generated()],
    ['real (the corpus, repeated)', corpus()],
  ];
  const rows = sets.flatMap(([label, files]) => measure(label, files));
  const w = Math.max(...rows.map((r) => r.label.length), 'set'.length);
  const head = `${'set'.padEnd(w)}  ${'files'.padStart(6)}  ${'MiB'.padStart(5)}  ${'floor cpu'.padStart(10)}  ${'summary cpu'.padStart(12)}  ${'vs floor'.padStart(8)}  ${'deferred'.padStart(8)}\n`;
  process.stdout.write(`fastSummary vs TextDecoder decode of the same bytes; fastest of ${ROUNDS} rounds, CPU time\n\n${head}`);
  const mib = new Map(sets.map(([label, files]) => [label, files.reduce((n, f) => n + f.bytes.length, 0) / 1048576]));
  for (const r of rows) {
    const size = mib.get(r.label);
    process.stdout.write(
      `${r.label.padEnd(w)}  ${String(r.files).padStart(6)}  ${(size === undefined ? '' : size.toFixed(1)).padStart(5)}  ${`${r.floor.toFixed(1)} ms`.padStart(10)}  ${`${r.ms.toFixed(1)} ms`.padStart(12)}  ${`${(r.ms / r.floor).toFixed(1)}×`.padStart(8)}  ${String(r.deferred).padStart(8)}\n`,
    );
  }
}

main();
