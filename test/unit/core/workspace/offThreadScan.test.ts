import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fastSummary, type FileSummary, summaryOfDoc } from '../../../../src/core/artifacts/fastSummary';
import { pendingGroupsOf, summarizeFiles, type SummaryEntry } from '../../../../src/core/workspace/firstScan';
import { type FileSystemHost } from '../../../../src/core/workspace/fileSystem';
import { NodeFileSystem } from '../../../../src/core/workspace/nodeFileSystem';
import { OffThreadScan, summarizeOffThread } from '../../../../src/core/workspace/offThreadScan';
import { parseByKind, type PendingFile, type StoredSummary, type SummaryStore, WorkspaceIndex } from '../../../../src/core/workspace/workspaceIndex';
import { repoRoot } from '../../helpers/paths';

/** The worker bundle `npm run test:unit` builds first (node esbuild.mjs). */
const WORKER = join(repoRoot(), 'dist', 'firstScanWorker.js');

function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'speckit-firstscan-'));
  mkdirSync(join(root, '.specify', 'memory'), { recursive: true });
  writeFileSync(join(root, '.specify', 'memory', 'constitution.md'), '# C\n');
  for (let n = 1; n <= 3; n++) {
    const dir = join(root, 'specs', `00${n}-f${n}`);
    mkdirSync(join(dir, 'checklists'), { recursive: true });
    writeFileSync(join(dir, 'spec.md'), `# Spec ${n}\n\n- **FR-001**: x [NEEDS CLARIFICATION: which?]\n\n> **NOTE**: quoted\n`);
    writeFileSync(join(dir, 'plan.md'), `# Plan ${n}\n\n| a | b |\n|---|---|\n| [DATE] | x |\n`);
    writeFileSync(join(dir, 'tasks.md'), `# Tasks\n\n## Phase 1: Setup\n\n- [x] T001 a\n- [ ] T002 b\n${n === 3 ? '<div>html block: the full parse decides</div>\n' : ''}`);
    writeFileSync(join(dir, 'checklists', 'requirements.md'), '- [x] CHK001 a\n- [ ] CHK002 b\n');
  }
  return root;
}

/** What the index would compute for a file: the reference each entry is held to. */
function expected(p: string): FileSummary {
  const kind = p.endsWith('spec.md') ? 'spec' : p.endsWith('plan.md') ? 'plan' : p.endsWith('tasks.md') ? 'tasks' : 'checklist';
  const raw = readFileSync(p);
  const full = parseByKind(p, raw);
  assert.ok(full && full.kind !== 'constitution');
  const fast = fastSummary(kind, raw);
  if (fast) assert.deepEqual(fast, summaryOfDoc(full));
  return summaryOfDoc(full);
}

/** What the host hands the worker: the files a provisional listing left pending. */
async function pendingOf(root: string): Promise<PendingFile[][]> {
  const index = new WorkspaceIndex(new NodeFileSystem());
  await index.addFolder(root, { provisional: true });
  return index.pendingFiles();
}

function mapStore(): SummaryStore & { size: number } {
  const m = new Map<string, [number, number, StoredSummary]>();
  return {
    get: (p, size, mtime) => {
      const e = m.get(p);
      return e && e[0] === size && e[1] === mtime ? e[2] : undefined;
    },
    set: (p, size, mtime, s) => void m.set(p, [size, mtime, s]),
    get size() {
      return m.size;
    },
  };
}

describe('first scan off the extension host thread', function () {
  this.timeout(60_000);
  let root: string;
  beforeEach(() => (root = workspace()));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  for (const [label, script, thread] of [
    ['in a worker thread', WORKER, 'worker'],
    ['in this thread when no worker can start', join(tmpdir(), 'speckit-no-such-worker.js'), 'in-thread'],
  ] as const) {
    it(`summarizes every artifact ${label}, feature by feature, keyed by size and mtime`, async () => {
      const batches: SummaryEntry[][] = [];
      const groups = await pendingOf(root);
      assert.deepEqual(
        groups.map((g) => g.map(([p, kind]) => [p.slice(root.length), kind])),
        [1, 2, 3].map((n) => [
          [`/specs/00${n}-f${n}/spec.md`, 'spec'],
          [`/specs/00${n}-f${n}/plan.md`, 'plan'],
          [`/specs/00${n}-f${n}/tasks.md`, 'tasks'],
          [`/specs/00${n}-f${n}/checklists/requirements.md`, 'checklist'],
        ]),
        'every summarized file of every feature, by feature, and nothing else (not the constitution)',
      );
      const used = await summarizeOffThread(script, groups, (b) => batches.push(b));
      assert.equal(used, thread);
      // In this thread a batch per feature; the worker gathers features into fewer messages, never splitting one.
      assert.equal(batches.length, thread === 'worker' ? 1 : 3, 'batches');
      for (const b of batches) assert.equal(new Set(b.map(([p]) => p.slice(0, p.indexOf('/', root.length + '/specs/'.length)))).size * 4, b.length, 'whole features');
      const entries = batches.flat();
      assert.equal(entries.length, 12);
      for (const [p, size, mtime, summary] of entries) {
        const s = statSync(p);
        assert.equal(size, s.size, p);
        assert.equal(mtime, s.mtime.getTime(), p);
        assert.deepEqual(summary, expected(p), p);
      }
    });
  }

  it("the listing gives each feature's pending files as it goes (onPending): the same files pendingFiles() gives after it, once each", async () => {
    const index = new WorkspaceIndex(new NodeFileSystem());
    const early: PendingFile[][] = [];
    await index.addFolder(root, { provisional: true, onPending: (groups) => early.push(...groups) });
    assert.equal(early.length, 3);
    assert.deepEqual(early, index.pendingFiles());
    // Not provisional: nothing is left pending, nothing is given.
    const given: PendingFile[][] = [];
    await new WorkspaceIndex(new NodeFileSystem()).addFolder(root, { onPending: (groups) => given.push(...groups) });
    assert.deepEqual(given, []);
  });

  it('a worker started before the listing and given files while it runs, the rest at the end: the same entries, each file once', async () => {
    const batches: SummaryEntry[][] = [];
    // Sent as soon as given (the default gathers a hundred files first).
    const early = new OffThreadScan(WORKER, (b) => batches.push(b), 1);
    const index = new WorkspaceIndex(new NodeFileSystem());
    // Two features given during the listing, the third only at the end (as a feature found later would be).
    await index.addFolder(root, { provisional: true, onPending: (groups) => early.add(groups.filter((g) => !g[0]![0].includes('003-f3'))) });
    assert.equal(await early.finish(index.pendingFiles()), 'worker');
    const reference: SummaryEntry[][] = [];
    await summarizeOffThread(join(tmpdir(), 'speckit-no-such-worker.js'), index.pendingFiles(), (b) => reference.push(b));
    const byPath = (entries: SummaryEntry[]): SummaryEntry[] => [...entries].sort(([a], [b]) => (a < b ? -1 : 1));
    assert.deepEqual(byPath(batches.flat()), byPath(reference.flat()));
    assert.equal(batches.flat().length, 12, 'each file summarized once');
  });

  it('a worker that fails before it is given its files: they are summarized in this thread, every one', async () => {
    const broken = join(root, 'broken-worker.js');
    writeFileSync(broken, "throw new Error('no bundle');\n");
    const entries: SummaryEntry[] = [];
    const early = new OffThreadScan(broken, (b) => entries.push(...b));
    // Its failure arrives while the host is still listing.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const groups = await pendingOf(root);
    early.add(groups);
    assert.equal(await early.finish(groups), 'in-thread');
    assert.equal(entries.length, 12);
    for (const [p, , , summary] of entries) assert.deepEqual(summary, expected(p), p);
  });

  it('a worker disposed unused (nothing was pending) ends; one asked after that summarizes in this thread', async () => {
    const entries: SummaryEntry[] = [];
    const early = new OffThreadScan(WORKER, (b) => entries.push(...b));
    early.dispose();
    assert.equal(await early.finish(await pendingOf(root)), 'in-thread');
    assert.equal(entries.length, 12);
  });

  it('feeds the index, and a file changed after it was summarized is read again, never shown stale', async () => {
    const store = mapStore();
    await summarizeOffThread(WORKER, await pendingOf(root), (b) => b.forEach(([p, size, mtime, s]) => store.set(p, size, mtime, s)));
    const tasks = join(root, 'specs', '001-f1', 'tasks.md');
    // Changed while the scan's result was on its way: new bytes, new mtime.
    writeFileSync(tasks, '# Tasks\n\n## Phase 1: Setup\n\n- [x] T001 a\n- [x] T002 b\n- [ ] T003 c\n');
    utimesSync(tasks, new Date(), new Date(Date.now() + 5000));
    // Modification times as VS Code's disk file system reports them (whole milliseconds), as in the extension.
    const node = new NodeFileSystem();
    const fs: FileSystemHost = {
      readFile: (p, o) => node.readFile(p, o),
      readDirectory: (p) => node.readDirectory(p),
      stat: async (p) => {
        const s = await node.stat(p);
        return s && { ...s, mtime: statSync(p).mtime.getTime() };
      },
    };
    const index = new WorkspaceIndex(fs, { summaries: store });
    await index.addFolder(root);
    const f1 = index.features.find((f) => f.feature.dir.endsWith('001-f1'))!;
    assert.deepEqual([f1.status.tasks.done, f1.status.tasks.total], [2, 3]);
    const f2 = index.features.find((f) => f.feature.dir.endsWith('002-f2'))!;
    assert.deepEqual([f2.status.tasks.done, f2.status.tasks.total], [1, 2]);
    // Every other file came from the scan's entries; the changed one was summarized again.
    assert.deepEqual(index.summarized, { stored: 11, fast: 1, parsed: 0 });
  });

  it('lists nothing for the worker once the store has every summary, and only what changed after', async () => {
    const store = mapStore();
    await summarizeOffThread(WORKER, await pendingOf(root), (b) => b.forEach(([p, size, mtime, s]) => store.set(p, size, mtime, s)));
    const tasks = join(root, 'specs', '002-f2', 'tasks.md');
    writeFileSync(tasks, '# Tasks\n\n- [x] T001 a\n');
    utimesSync(tasks, new Date(), new Date(Date.now() + 5000));
    // Whole-millisecond mtimes, as the extension's file system reports and the worker keys by.
    const index = new WorkspaceIndex(new NodeFileSystem({ wholeMilliseconds: true }), { summaries: store });
    await index.addFolder(root, { provisional: true });
    assert.deepEqual(index.pendingFiles(), [[[tasks, 'tasks']]]);
  });

  it('takes from a message only well-formed groups of files (path, known kind)', () => {
    assert.deepEqual(pendingGroupsOf(undefined), []);
    assert.deepEqual(pendingGroupsOf('x'), []);
    assert.deepEqual(
      pendingGroupsOf([[['/a/spec.md', 'spec'], ['/a/x.md', 'constitution'], ['/a/y.md'], 7, ['/a/tasks.md', 'tasks', 'extra']], 'junk', [['/b/checklists/c.md', 'checklist']]]),
      [[['/a/spec.md', 'spec']], [['/b/checklists/c.md', 'checklist']]],
    );
  });

  it("reads every file into one reused buffer, no file's bytes in another's summary (a bigger file, smaller ones after, a FIFO, a vanished file)", async () => {
    const dir = join(root, 'specs', '004-big');
    mkdirSync(dir, { recursive: true });
    // 300 tasks (about 12 KB) then a 3,000-task file (past the first buffer), then small files again.
    const big = (n: number, done: number): string => `# Tasks\n\n## Phase 1: Setup\n\n${Array.from({ length: n }, (_, i) => `- [${i < done ? 'x' : ' '}] T${String(i + 1).padStart(4, '0')} task ${i}\n`).join('')}`;
    writeFileSync(join(dir, 'tasks.md'), big(3000, 1234));
    writeFileSync(join(dir, 'spec.md'), '# Spec\n\n- **FR-001**: x\n');
    const fifo = join(root, 'specs', '001-f1', 'checklists', 'fifo.md');
    const gone = join(root, 'specs', '002-f2', 'checklists', 'gone.md');
    writeFileSync(gone, '- [x] CHK001 a\n');
    const groups = await pendingOf(root);
    assert.ok(groups.flat().some(([p]) => p === gone));
    unlinkSync(gone);
    // A FIFO where the listing saw a file (swapped in since): opened without waiting for a writer.
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
    groups.push([[fifo, 'checklist']]);
    const batches: SummaryEntry[][] = [];
    await summarizeFiles(groups, (b) => batches.push(b));
    const entries = batches.flat();
    const paths = entries.map(([p]) => p);
    assert.ok(!paths.includes(gone), 'a file gone since the listing has no entry');
    assert.ok(!paths.includes(fifo), 'a FIFO has no entry (and the read did not wait for a writer)');
    assert.equal(entries.length, 14, 'the 12 files of the three features and the two new ones');
    for (const [p, size, mtime, summary] of entries) {
      assert.equal(size, statSync(p).size, p);
      assert.equal(mtime, statSync(p).mtime.getTime(), p);
      assert.deepEqual(summary, expected(p), p);
    }
    assert.deepEqual(entries.find(([p]) => p === join(dir, 'tasks.md'))?.[3], { kind: 'tasks', done: 1234, total: 3000 });
  });
});

describe('the first scan worker bundle (dist/firstScanWorker.js): parsers on demand', function () {
  this.timeout(60_000);
  let root: string;
  let beside: string;
  let marker: string;
  beforeEach(() => {
    root = workspace();
    // The bundle in a folder of its own, beside a cliParsers.js that notes each load, then is the real one.
    beside = mkdtempSync(join(tmpdir(), 'speckit-worker-parsers-'));
    marker = join(beside, 'loaded');
    copyFileSync(WORKER, join(beside, 'firstScanWorker.js'));
    writeFileSync(
      join(beside, 'cliParsers.js'),
      `require('node:fs').appendFileSync(${JSON.stringify(marker)}, 'loaded\\n');\nmodule.exports = require(${JSON.stringify(join(repoRoot(), 'dist', 'cliParsers.js'))});\n`,
    );
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(beside, { recursive: true, force: true });
  });

  it('summarizes what the fast reader can read without loading the parsers, and loads them for a file only the full parse reads', async () => {
    const groups = await pendingOf(root);
    const script = join(beside, 'firstScanWorker.js');
    const first: SummaryEntry[] = [];
    assert.equal(await summarizeOffThread(script, groups.slice(0, 2), (b) => first.push(...b)), 'worker');
    assert.equal(first.length, 8);
    for (const [p, , , summary] of first) assert.deepEqual(summary, expected(p), p);
    assert.ok(!existsSync(marker), 'two fast-readable features loaded the parsers');
    // Feature 3's tasks.md has an HTML block: the full parse reads it, with the parsers loaded then.
    const third: SummaryEntry[] = [];
    assert.equal(await summarizeOffThread(script, groups.slice(2), (b) => third.push(...b)), 'worker');
    assert.equal(third.length, 4);
    for (const [p, , , summary] of third) assert.deepEqual(summary, expected(p), p);
    assert.equal(readFileSync(marker, 'utf8'), 'loaded\n', 'loaded once, for the full parse');
  });
});
