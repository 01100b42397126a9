/**
 * npm run bench:host — what Spec Kit retains in the extension host on a generated 1,000-feature
 * workspace (spec, plan and a 30-task tasks.md each, as bench:index generates), in the real VS Code
 * of the integration tests (test/harness). Three sessions, each with a fresh profile
 * (a first start, nothing stored): one without Spec Kit (the baseline), one with it, and one with it
 * on an empty folder (what Spec Kit's code and services hold before any index). In each,
 * test/harness/hostProbe.js runs inside the extension host, waits for the index to settle, collects
 * garbage and reports the heap; the difference is what the extension retains. The same session then
 * opens a tasks.md (the language server starts and reads the workspace; its heap after a collection
 * comes from its `speckit/stats` request) and expands every node of the Spec Explorer (every tasks.md
 * parsed, as every document was before the fast first scan) and measures again.
 * BENCH_HOST_FEATURES sets the size. Not a test and not part of npm test.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generate, TASKS } from './benchWorkspaces';

const FEATURES = Number(process.env.BENCH_HOST_FEATURES ?? 1000);
const REPO = join(__dirname, '..', '..');
const PROBE = join(REPO, 'test', 'harness', 'hostProbe.js');
const PREFIX = '[speckit-bench] ';
const SESSION_MS = Number(process.env.SPECKIT_TEST_SESSION_TIMEOUT_MS ?? 900_000);

interface Heap {
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  rss: number;
}
interface ProbeResult {
  mode: string;
  error?: string;
  host?: Heap;
  expanded?: Heap;
  nodes?: number;
  features?: number;
  indexMs?: number;
  firstScan?: unknown;
  server?: Heap & { maxRss: number };
}
interface Server {
  port: number;
  stop(): Promise<void>;
}
interface Page {
  exposeFunction(name: string, fn: (...args: unknown[]) => unknown): Promise<void>;
  goto(url: string, options: { timeout: number }): Promise<unknown>;
}
interface Browser {
  newContext(options: object): Promise<{ newPage(): Promise<Page>; close(): Promise<void> }>;
}
interface HarnessLib {
  FAKE_LM: string;
  installSignalHandlers(): void;
  runCleanups(): Promise<void>;
  launchBrowser(install: unknown): Promise<Browser>;
  startServer(install: unknown, options: { dataDir: string; logFile: string; env: Record<string, string>; installed: string[] }): Promise<Server>;
  workbenchUrl(port: number, options: { folder: string; extensionPaths: string[]; testsPath: string }): string;
  withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T>;
}

async function harness<T>(file: string): Promise<T> {
  return (await import(pathToFileURL(join(REPO, 'test', 'harness', file)).href)) as T;
}

/** One VS Code session on `folder`; resolves with the probe's result line. */
async function session(lib: HarnessLib, install: unknown, browser: Browser, tmp: string, folder: string, mode: 'baseline' | 'extension', name: string = mode): Promise<ProbeResult> {
  const server = await lib.startServer(install, {
    dataDir: join(tmp, `data-${name}`),
    logFile: join(tmp, `server-${name}.log`),
    env: { SPECKIT_BENCH_HOST: mode },
    // The fake model is in both sessions, so the difference is Spec Kit alone.
    installed: mode === 'baseline' ? [] : [lib.FAKE_LM],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    const page = await context.newPage();
    let result: ProbeResult | undefined;
    const exit = new Promise<void>((resolve) => void page.exposeFunction('codeAutomationExit', () => resolve()));
    await page.exposeFunction('codeAutomationLog', (_type: unknown, args: unknown) => {
      const text = Array.isArray(args) ? args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ') : String(args);
      const at = text.indexOf(PREFIX);
      if (at >= 0) result = JSON.parse(text.slice(at + PREFIX.length)) as ProbeResult;
    });
    const extensionPaths = mode === 'baseline' ? [lib.FAKE_LM] : [REPO];
    await page.goto(lib.workbenchUrl(server.port, { folder, extensionPaths, testsPath: PROBE }), { timeout: 60_000 });
    await lib.withTimeout(exit, SESSION_MS, `the ${name} session's probe`);
    if (!result) throw new Error(`the ${name} session printed no result (log: ${join(tmp, `server-${name}.log`)})`);
    if (result.error) throw new Error(`the ${name} probe failed: ${result.error}`);
    return result;
  } finally {
    await context.close().catch(() => undefined);
    await server.stop();
  }
}

const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MiB`;

async function main(): Promise<void> {
  const lib = await harness<HarnessLib>('lib.mjs');
  const installer = await harness<{ ensureInstalled: () => Promise<unknown> }>('install.mjs');
  lib.installSignalHandlers();
  const tmp = mkdtempSync(join(tmpdir(), 'speckit-bench-host-'));
  try {
    const folder = join(tmp, 'workspace');
    process.stdout.write(`Generating ${FEATURES} features × (spec, plan, ${TASKS}-task tasks.md) in ${folder}…\n`);
    generate(folder, 1, FEATURES);
    mkdirSync(join(folder, '.vscode'), { recursive: true });
    writeFileSync(join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'workbench.startupEditor': 'none' }));
    const install = await installer.ensureInstalled();
    const browser = await lib.launchBrowser(install);
    // The same with no features: Spec Kit's own code and services, apart from what the index holds.
    const empty = join(tmp, 'empty');
    mkdirSync(join(empty, '.vscode'), { recursive: true });
    writeFileSync(join(empty, '.vscode', 'settings.json'), JSON.stringify({ 'workbench.startupEditor': 'none' }));
    const base = await session(lib, install, browser, tmp, folder, 'baseline');
    const bare = await session(lib, install, browser, tmp, empty, 'extension', 'empty');
    const ours = await session(lib, install, browser, tmp, folder, 'extension');
    if (ours.features !== FEATURES) throw new Error(`the index saw ${ours.features} features, not ${FEATURES}: ${JSON.stringify(ours)}`);
    const b = base.host!;
    const retained = ours.host!.heapUsed - b.heapUsed;
    process.stdout.write(`\nextension host heap after a full collection (node's process.memoryUsage), first start (worker: ${JSON.stringify(ours.firstScan)}; index settled in ${ours.indexMs} ms)\n\n`);
    const rows: Array<[string, string, string]> = [
      ['without Spec Kit (baseline)', mib(b.heapUsed), ''],
      ['with Spec Kit, an empty folder (its code and services)', mib(bare.host!.heapUsed), mib(bare.host!.heapUsed - b.heapUsed)],
      [`with Spec Kit, ${FEATURES} features indexed`, mib(ours.host!.heapUsed), mib(retained)],
    ];
    if (ours.expanded) {
      const parsed = ours.expanded.heapUsed - b.heapUsed;
      rows.push([`every node of the Spec Explorer expanded (${ours.nodes} nodes; tasks parsed)`, mib(ours.expanded.heapUsed), mib(parsed)]);
    }
    const w = Math.max(...rows.map((r) => r[0].length));
    process.stdout.write(`${'measure'.padEnd(w)}  ${'heap used'.padStart(10)}  ${'retained'.padStart(10)}\n`);
    for (const [name, heap, kept] of rows) process.stdout.write(`${name.padEnd(w)}  ${heap.padStart(10)}  ${kept.padStart(10)}\n`);
    const indexed = ours.host!.heapUsed - bare.host!.heapUsed;
    process.stdout.write(`\nthe index of ${FEATURES} features (with Spec Kit, ${FEATURES} features − an empty folder): ${mib(indexed)}, ${(indexed / FEATURES / 1024).toFixed(1)} KiB per feature\n`);
    if (ours.expanded) {
      const parsed = ours.expanded.heapUsed - bare.host!.heapUsed;
      process.stdout.write(`with the tree expanded: ${mib(parsed)}; after the scan / expanded: ${(indexed / parsed).toFixed(2)}× (Spec Kit in all: ${(retained / (ours.expanded.heapUsed - b.heapUsed)).toFixed(2)}×)\n`);
    }
    if (ours.server) {
      process.stdout.write(`language server (its own process, after a collection): heap used ${mib(ours.server.heapUsed)}, rss ${mib(ours.server.rss)}, peak rss ${mib(ours.server.maxRss)}\n`);
    } else {
      process.stdout.write('language server: it did not answer speckit/stats\n');
    }
  } finally {
    await lib.runCleanups();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:host: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
