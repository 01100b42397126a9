// The first scan: off the extension host's thread on a first start, its summaries persisted under the
// workspace's storageUri and read back by the next start, and a file changed while it runs shown with
// its new state (the watcher's update is applied after the scan's older result).
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { folderUri, readText, testApi, waitUntil, writeText, type WorkspaceName } from './helpers';

export const workspaces: readonly WorkspaceName[] = ['nixos-flake'];

export function define(): void {
  suite('first scan and persisted summaries', function () {
    this.timeout(120_000);

    test('a first start summarizes in a worker thread, the tree fills, and the summaries are saved under storageUri', async () => {
      const api = await testApi();
      await api.whenIdle();
      const info = api.firstScan();
      assert.ok(info.storageDir, 'the workspace has a storageUri on disk');
      // The test session starts with an empty user-data folder: nothing stored, so the worker ran.
      assert.equal(info.fromStore, 0);
      assert.equal(info.thread, 'worker', JSON.stringify(info));
      assert.ok((info.entries ?? 0) >= 4, JSON.stringify(info));
      // The index took the worker's entries (same size and mtime keys as VS Code's file system reports).
      assert.ok(info.summarized.stored >= (info.entries ?? 0) - 1, JSON.stringify(info));
      const features = api.snapshot().projects.flatMap((p) => p.features);
      assert.ok(features.length >= 1, 'the index has the features');
      const file = path.join(info.storageDir, 'speckit-summaries.json');
      await waitUntil(() => existsSync(file), 'the summaries to be saved', 20_000);
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { format: string; entries: Record<string, unknown> };
      assert.equal(saved.format, 'speckit-vscode/summaries');
      const tasks = vscode.Uri.joinPath(folderUri(), 'specs', '001-postgresql-database', 'tasks.md').path;
      assert.ok(Object.hasOwn(saved.entries, tasks), `${tasks} is in the saved summaries`);
    });

    test('the next start reads the saved summaries instead of summarizing again', async () => {
      const api = await testApi();
      await api.whenIdle();
      const dir = api.firstScan().storageDir;
      assert.ok(dir);
      await waitUntil(() => existsSync(path.join(dir, 'speckit-summaries.json')), 'the summaries to be saved', 20_000);
      const next = await api.scanAgain({ withStore: true });
      assert.ok((next.fromStore ?? 0) >= 4, JSON.stringify(next));
      assert.equal(next.thread, 'skipped', 'nothing to compute ahead with a store');
      assert.equal(next.summarized.fast + next.summarized.parsed, 0, JSON.stringify(next.summarized));
      assert.ok(next.summarized.stored >= 4);
      assert.deepEqual(next.snapshot.projects.map((p) => p.features.map((f) => [f.dir, f.tasks])), api.snapshot().projects.map((p) => p.features.map((f) => [f.dir, f.tasks])));
    });

    test('a tasks.md changed while a first scan runs shows its new state', async () => {
      const api = await testApi();
      await api.whenIdle();
      const uri = vscode.Uri.joinPath(folderUri(), 'specs', '001-postgresql-database', 'tasks.md');
      const before = await readText(uri);
      try {
        const feature = (s: { projects: Array<{ features: Array<{ dir: string; tasks: { done: number; total: number } }> }> }) =>
          s.projects.flatMap((p) => p.features).find((f) => f.dir === 'specs/001-postgresql-database');
        const old = feature(api.snapshot());
        assert.ok(old);
        const changed = `${before.replace(/^- \[[xX]\] /gm, '- [ ] ')}\n## Phase 9: Added during the scan\n\n- [x] T901 Added while the first scan ran\n`;
        const next = await api.scanAgain({ withStore: false }, () => writeText(uri, changed));
        assert.equal(next.thread, 'worker');
        // Every feature was listed (and shown) before the scan finished, each pending until its summaries came.
        assert.ok(next.listed && !next.listed.started, JSON.stringify(next.listed));
        assert.equal(next.listed.features, next.snapshot.projects.flatMap((p) => p.features).length);
        // The worker had the files before the listing was done: nothing was read here by then (a feature
        // is pending unless its summaries already came from the worker).
        assert.equal(next.listed.readHere, 0, 'nothing was summarized in this thread before the worker');
        assert.equal(next.pendingAfter, 0);
        assert.deepEqual(feature(next.snapshot)?.tasks, { done: 1, total: old.tasks.total + 1 });
      } finally {
        await writeText(uri, before);
        // The suites after this one expect the fixture as it was: wait until the index shows it again.
        const original = before.match(/^- \[[xX]\] T\d+/gm)?.length ?? 0;
        await waitUntil(() => api.snapshot().projects.flatMap((p) => p.features).find((f) => f.dir === 'specs/001-postgresql-database')?.tasks.done === original, 'tasks.md restored in the index', 20_000);
      }
    });
  });
}
