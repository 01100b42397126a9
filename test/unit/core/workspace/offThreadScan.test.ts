import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fastSummary, type FileSummary, summaryOfDoc } from '../../../../src/core/artifacts/fastSummary';
import { pendingGroupsOf, type SummaryEntry } from '../../../../src/core/workspace/firstScan';
import { type FileSystemHost } from '../../../../src/core/workspace/fileSystem';
import { NodeFileSystem } from '../../../../src/core/workspace/nodeFileSystem';
import { summarizeOffThread } from '../../../../src/core/workspace/offThreadScan';
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
      assert.equal(batches.length, 3, 'one batch per feature');
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
});
