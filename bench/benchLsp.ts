/**
 * npm run bench:lsp — the language server on a generated 5,000-task tasks.md with its spec: the time
 * from a one-character edit to the diagnostics published for it, over LSP against the real bundle
 * (dist/server.js), with incremental parsing (the default) and with every edit parsed in full,
 * beside the floor (a bare remark parse of the same text); open → first diagnostics; the in-process
 * cost of parse + rules; then the server's retained memory (after a GC) once it has indexed a
 * 1,000-feature workspace, and its first workspace symbol search there with a storage folder: the
 * session that stores the symbols and the next one, which reads them. BENCH_BASELINE_SERVER=path/to/server.js measures another build beside it
 * in the same run (main's): its open → first diagnostics and edit rows, its first scan and retained
 * memory (the ≤ 2× goal). Not a test: compare figures measured in one run.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { analyzeDoc } from '../src/core/lint/analyzedDoc';
import { lintDocument } from '../src/core/lint/lintRules';
import { parseSpec } from '../src/core/artifacts/spec';
import { SYMBOL_FILE } from '../src/core/lint/symbolStore';
import { LspClient } from '../test/unit/helpers/lspClient';
import { median } from './median';

const TASKS = Number(process.env.BENCH_TASKS ?? 5000);
const STORIES = 10;
const EDITS = Number(process.env.BENCH_EDITS ?? 20);
const FEATURES = Number(process.env.BENCH_FEATURES ?? 1000);

function specText(): string {
  const stories = Array.from({ length: STORIES }, (_, i) => `### User Story ${i + 1} - Story ${i + 1} (Priority: P${Math.min(i + 1, 3)})\n\nA user does thing ${i + 1}.\n\n**Independent Test**: Do thing ${i + 1}.\n\n**Acceptance Scenarios**:\n\n1. **Given** a user, **When** they do ${i + 1}, **Then** it is done.\n`);
  const frs = Array.from({ length: 50 }, (_, i) => `- **FR-${String(i + 1).padStart(3, '0')}**: System MUST do thing ${i + 1}.`);
  return `# Feature Specification: Bench\n\n**Feature Branch**: \`001-bench\`\n**Created**: 2026-01-01\n**Status**: Draft\n**Input**: User description: "bench"\n\n## User Scenarios & Testing *(mandatory)*\n\n${stories.join('\n')}\n## Requirements *(mandatory)*\n\n### Functional Requirements\n\n${frs.join('\n')}\n\n## Success Criteria *(mandatory)*\n\n### Measurable Outcomes\n\n- **SC-001**: It is fast.\n`;
}

function tasksText(count = TASKS): string {
  const lines = ['# Tasks: Bench', '', '## Phase 1: Setup (Shared Infrastructure)', ''];
  const perPhase = Math.ceil(count / (STORIES + 2));
  let n = 0;
  const task = (story: string | undefined): string => {
    n++;
    const id = `T${String(n).padStart(4, '0')}`;
    const fr = n % 7 === 0 ? ` (FR-${String((n % 50) + 1).padStart(3, '0')})` : '';
    const dep = n % 11 === 0 ? ` (depends on T${String(n - 1).padStart(4, '0')})` : '';
    return `- [${n % 3 === 0 ? 'X' : ' '}] ${id}${n % 2 ? ' [P]' : ''}${story ? ` [${story}]` : ''} Implement part ${n} in src/module${n}/file${n}.ts${fr}${dep}`;
  };
  for (let i = 0; i < perPhase && n < count; i++) lines.push(task(undefined));
  for (let s = 1; s <= STORIES; s++) {
    lines.push('', `## Phase ${s + 1}: User Story ${s} - Story ${s} (Priority: P${Math.min(s, 3)})`, '', `**Goal**: Story ${s}.`, '');
    for (let i = 0; i < perPhase && n < count; i++) lines.push(task(`US${s}`));
  }
  lines.push('', `## Phase ${STORIES + 2}: Polish & Cross-Cutting Concerns`, '');
  while (n < count) lines.push(task(undefined));
  lines.push('', '## Dependencies & Execution Order', '', '- Setup → Foundational → Stories → Polish', '');
  return lines.join('\n');
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]!;
}
function time(f: () => unknown, runs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    f();
    out.push(performance.now() - t);
  }
  return out;
}

async function editLoop(root: string, tasksPath: string, tasks: string, debounceMs: number, incrementalParse = true, serverPath?: string): Promise<{ open: number; edits: number[]; memory: NodeJS.MemoryUsage }> {
  const client = await LspClient.start(root, { debounceMs, nodeArgs: ['--expose-gc'], initializationOptions: { incrementalParse }, serverPath });
  try {
    // The first scan is not part of open → diagnostics: workspace symbols answer once it is done.
    await client.request('workspace/symbol', { query: 'none' });
    const t0 = performance.now();
    const uri = await client.open(tasksPath, tasks);
    await client.diagnostics(uri, () => true, 120_000);
    const open = performance.now() - t0;
    // Edits on a task's description: type one character, alternating add/remove so the text stays valid.
    const line = tasks.split('\n').findIndex((l) => l.includes('T2500') || l.includes('T0250'));
    const col = tasks.split('\n')[line]!.length;
    const edits: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      const from = client.publishedCount;
      const start = performance.now();
      const range = i % 2 === 0 ? { start: { line, character: col }, end: { line, character: col } } : { start: { line, character: col }, end: { line, character: col + 1 } };
      const version = await client.edit(uri, range, i % 2 === 0 ? 'x' : '');
      await client.diagnostics(uri, (p) => p.version === version, 120_000, from);
      edits.push(performance.now() - start);
    }
    const memory = await client.request<NodeJS.MemoryUsage>('speckit/stats', {});
    return { open, edits, memory };
  } finally {
    await client.stop();
  }
}

/** A workspace of `FEATURES` features (spec, plan, a 30-task tasks.md each). */
function bigWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'speckit-bench-lsp-ws-'));
  mkdirSync(join(root, '.specify', 'memory'), { recursive: true });
  const spec = specText();
  const tasks = tasksText(30);
  for (let n = 1; n <= FEATURES; n++) {
    const dir = join(root, 'specs', `${String(n).padStart(4, '0')}-feature-${n}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'spec.md'), spec.replace('Bench', `Feature ${n}`));
    writeFileSync(join(dir, 'plan.md'), `# Implementation Plan: Feature ${n}\n\n## Summary\n\nBuild feature ${n}.\n`);
    writeFileSync(join(dir, 'tasks.md'), tasks.replace('Bench', `Feature ${n}`));
  }
  return root;
}

async function until(done: () => boolean, ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (!done()) {
    if (performance.now() > end) throw new Error(`not done in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The server's memory after its first scan of the big workspace, after a GC (with a store: once the symbols are written). */
async function retainedMemory(root: string, serverPath?: string, storage?: { dir: string; release: string }): Promise<{ heapUsed: number; rss: number; scan: number }> {
  const client = await LspClient.start(root, { nodeArgs: ['--expose-gc'], serverPath, ...(storage ? { initializationOptions: { storage } } : {}) });
  try {
    const t0 = performance.now();
    await client.request('workspace/symbol', { query: 'none' });
    const scan = performance.now() - t0;
    // The symbols are written after the answer: memory is measured once they are (the text written is garbage then).
    if (storage) await until(() => existsSync(join(storage.dir, SYMBOL_FILE)), 60_000);
    const m = await client.request<NodeJS.MemoryUsage>('speckit/stats', {});
    return { heapUsed: m.heapUsed, rss: m.rss, scan };
  } finally {
    await client.stop();
  }
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'speckit-bench-lsp-'));
  try {
    mkdirSync(join(root, '.specify', 'memory'), { recursive: true });
    const dir = join(root, 'specs', '001-bench');
    mkdirSync(dir, { recursive: true });
    const spec = specText();
    const tasks = tasksText();
    writeFileSync(join(dir, 'spec.md'), spec);
    const tasksPath = join(dir, 'tasks.md');
    writeFileSync(tasksPath, tasks);

    const processor = unified().use(remarkParse);
    const floor = time(() => processor.parse(tasks), 7);
    const specModel = parseSpec(spec);
    const inProcess = time(() => lintDocument(analyzeDoc(tasksPath, tasks)!, { spec: specModel }), 7);
    const incremental = await editLoop(root, tasksPath, tasks, 0);
    const full = await editLoop(root, tasksPath, tasks, 0, false);
    const debounced = await editLoop(root, tasksPath, tasks, 50);
    const other = process.env.BENCH_BASELINE_SERVER;
    const baselineEdits = other ? await editLoop(root, tasksPath, tasks, 0, true, other) : undefined;
    const ws = bigWorkspace();
    let memory: Awaited<ReturnType<typeof retainedMemory>>;
    let baseline: Awaited<ReturnType<typeof retainedMemory>> | undefined;
    // The extension's storage: the first session stores the symbols, the next one reads them.
    const storage = { dir: mkdtempSync(join(tmpdir(), 'speckit-bench-lsp-storage-')), release: 'bench' };
    const baselineStorage = { dir: mkdtempSync(join(tmpdir(), 'speckit-bench-lsp-storage-')), release: 'bench' };
    let stored: Awaited<ReturnType<typeof retainedMemory>>;
    let restored: Awaited<ReturnType<typeof retainedMemory>>;
    let baselineStored: Awaited<ReturnType<typeof retainedMemory>> | undefined;
    try {
      memory = await retainedMemory(ws);
      if (other) baseline = await retainedMemory(ws, other);
      stored = await retainedMemory(ws, undefined, storage);
      restored = await retainedMemory(ws, undefined, storage);
      if (other) baselineStored = await retainedMemory(ws, other, baselineStorage);
    } finally {
      rmSync(storage.dir, { recursive: true, force: true });
      rmSync(baselineStorage.dir, { recursive: true, force: true });
      rmSync(ws, { recursive: true, force: true });
    }

    const mb = (n: number): string => `${(n / 1048576).toFixed(0)} MB`;
    const ms = (n: number): string => `${n.toFixed(0)} ms`;
    const floorMs = median(floor);
    const ratio = (n: number): string => `${(n / floorMs).toFixed(2)}×`;
    const rows: [string, string, string][] = [
      ['tasks.md', `${TASKS} tasks, ${(tasks.length / 1024).toFixed(0)} KB`, ''],
      ['floor: bare remark parse (median of 7)', ms(floorMs), '1.00×'],
      ['in-process parseTasks + rules, full (median of 7)', ms(median(inProcess)), ratio(median(inProcess))],
      ['open → first diagnostics (LSP)', ms(incremental.open), ratio(incremental.open)],
      [`edit → diagnostics, incremental (median of ${EDITS})`, ms(median(incremental.edits)), ratio(median(incremental.edits))],
      ['  … p95', ms(p95(incremental.edits)), ratio(p95(incremental.edits))],
      [`edit → diagnostics, full parse (median of ${EDITS})`, ms(median(full.edits)), ratio(median(full.edits))],
      ['  … p95', ms(p95(full.edits)), ratio(p95(full.edits))],
      ['edit → diagnostics, incremental, default 50 ms debounce (median)', ms(median(debounced.edits)), ratio(median(debounced.edits))],
      ['server memory after the edits, after a GC (rss / heap used)', `${mb(incremental.memory.rss)} / ${mb(incremental.memory.heapUsed)}`, ''],
      [`${FEATURES}-feature workspace: first scan (workspace/symbol answered)`, ms(memory.scan), ''],
      [`${FEATURES}-feature workspace: retained memory after a GC (rss / heap used)`, `${mb(memory.rss)} / ${mb(memory.heapUsed)}`, ''],
      [`${FEATURES}-feature workspace: first search, storing the symbols (heap used once stored)`, `${ms(stored.scan)} (${mb(stored.heapUsed)})`, `heap ${(stored.heapUsed / memory.heapUsed).toFixed(2)}× without a store`],
      [`${FEATURES}-feature workspace: first search of the next session, stored symbols (heap used after)`, `${ms(restored.scan)} (${mb(restored.heapUsed)})`, `${(restored.scan / stored.scan).toFixed(2)}× the session before`],
    ];
    if (baselineEdits) {
      rows.push([`  … baseline server (${other}): open → first diagnostics`, ms(baselineEdits.open), ratio(baselineEdits.open)]);
      rows.push(['  … baseline server: edit → diagnostics, incremental (median / p95)', `${ms(median(baselineEdits.edits))} / ${ms(p95(baselineEdits.edits))}`, `${ratio(median(baselineEdits.edits))} / ${ratio(p95(baselineEdits.edits))}`]);
    }
    if (baseline) {
      rows.push([`  … baseline server (${other}): scan`, ms(baseline.scan), '']);
      rows.push(['  … baseline server: retained (rss / heap used)', `${mb(baseline.rss)} / ${mb(baseline.heapUsed)}`, `heap ${(memory.heapUsed / baseline.heapUsed).toFixed(2)}× baseline`]);
    }
    if (baselineStored) {
      rows.push(['  … baseline server: first search, storing the symbols (heap used once stored)', `${ms(baselineStored.scan)} (${mb(baselineStored.heapUsed)})`, `heap ${(stored.heapUsed / baselineStored.heapUsed).toFixed(2)}× baseline`]);
    }
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    console.log(`${'measure'.padEnd(w0)}  ${'value'.padStart(w1)}  vs floor`);
    for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
