// bench:host's probe (bench/benchHost.ts): loaded as the extensionTestsPath, so it runs inside the
// extension host. It waits for Spec Kit's index to settle, collects garbage and prints the host's heap;
// with SPECKIT_BENCH_HOST=baseline (Spec Kit not loaded) it measures the same host without it.
// One result line, `[speckit-bench] {json}`, reaches the harness through the forwarded console.
const v8 = require('node:v8');
const vm = require('node:vm');
const vscode = require('vscode');

const PREFIX = '[speckit-bench] ';
const EXTENSION_ID = 'speckit-vscode.speckit-vscode';

/** A full collection, twice (the second one frees what finalizers of the first released). */
function collect() {
  const g = typeof globalThis.gc === 'function' ? globalThis.gc : (v8.setFlagsFromString('--expose-gc'), vm.runInNewContext('gc'));
  g();
  g();
}

function heap() {
  collect();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Opens every node of the Spec Explorer (each feature's artifacts, phases and tasks): documents get parsed. */
async function expandAll(tree, node, depth) {
  if (depth > 6) return 0;
  const children = await tree.getChildren(node);
  let n = children.length;
  for (const c of children) n += await expandAll(tree, c, depth + 1);
  return n;
}

async function run() {
  const mode = process.env.SPECKIT_BENCH_HOST ?? 'extension';
  const settle = Number(process.env.SPECKIT_BENCH_SETTLE_MS ?? 5000);
  const result = { mode };
  try {
    if (mode === 'baseline') {
      await sleep(settle);
      result.host = heap();
    } else {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      if (!ext) throw new Error(`${EXTENSION_ID} is not loaded`);
      const started = Date.now();
      const api = await ext.activate();
      if (!api) throw new Error('no test API: the extension host is not in test mode');
      // The model starts after activation: its first scan has run once firstScan() names a thread, and
      // the index is built when the queue that scan is in goes idle.
      while (api.firstScan().thread === undefined) {
        if (Date.now() - started > 600_000) throw new Error('the first scan did not finish in 10 minutes');
        await sleep(100);
      }
      await api.whenIdle();
      result.indexMs = Date.now() - started;
      result.features = api.snapshot().projects.reduce((n, p) => n + p.features.length, 0);
      result.firstScan = { thread: api.firstScan().thread, summarized: api.firstScan().summarized };
      // Let the summaries be saved and timers of the first scan run out before measuring.
      await sleep(settle);
      result.host = heap();
      // The language server starts with the first spec-kit file opened; it then indexes the workspace.
      const folder = vscode.workspace.workspaceFolders[0].uri;
      const [tasks] = result.features > 0 ? await vscode.workspace.findFiles('specs/*/tasks.md', undefined, 1) : [];
      if (tasks) {
        // The server is forked with this process's environment (VS Code drops NODE_OPTIONS from the
        // host's own): with --expose-gc its speckit/stats collects garbage before it measures.
        process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, '--expose-gc'].filter(Boolean).join(' ');
        await vscode.window.showTextDocument(tasks);
        let stats;
        for (let i = 0; i < 240 && !stats; i++) {
          await sleep(500);
          stats = await api.languageServerStats().catch(() => undefined);
        }
        // The server reads the workspace after it started: give it the same time to settle.
        await sleep(settle);
        result.server = await api.languageServerStats();
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      }
      result.folder = folder.fsPath;
      if (process.env.SPECKIT_BENCH_EXPAND !== '0') {
        result.nodes = await expandAll(api.tree, undefined, 0);
        result.expanded = heap();
      }
    }
  } catch (e) {
    result.error = e instanceof Error ? e.stack ?? e.message : String(e);
  }
  console.log(PREFIX + JSON.stringify(result));
}

module.exports = { run };
