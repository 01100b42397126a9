// A project laid out by spec-kit 1.0.1 itself (test/fixtures/workspaces/speckit-1.0, see its
// SOURCE.md): the index reads it as spec-kit does — the current feature from feature.json, the next
// number over the top-level folders of specs/ only, and spec-kit's error when feature.json points at
// a folder that is not there (shown, with Switch Feature as the fix, instead of another feature).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { projectRoot, queueAnswers, treeApi } from './editorHelpers';
import { readText, testApi, waitForSnapshot, writeText, type WorkspaceName } from './helpers';

export const workspaces: readonly WorkspaceName[] = ['speckit-1.0'];

interface InteropProject {
  root: string;
  current?: string | null;
  currentSource?: string | null;
  problems?: Array<{ code: string; message: string; speckit: string | null; fix: string }>;
  features: Array<{ dir: string; name: string; number?: number }>;
}

function project(snap: { projects: unknown[] }): InteropProject {
  const p = snap.projects[0] as InteropProject | undefined;
  assert.ok(p, 'the spec-kit 1.0.1 project is indexed');
  return p;
}

export function define(): void {
  suite('spec-kit 1.0.1 interop (speckit-1.0)', function () {
    this.timeout(60_000);

    test('reads the project as spec-kit does: its features, archives left out, the current one from feature.json', async () => {
      const api = await testApi();
      const snap = await waitForSnapshot(api, (s) => s.projects.length === 1 && project(s).features.length >= 2, 'the project to be indexed');
      const p = project(snap);
      const names = p.features.map((f) => f.name);
      assert.ok(names.includes('001-user-auth') && names.includes('002-postgresql-15-database'), names.join(', '));
      assert.ok(!names.includes('500-old'), 'specs/.archive/500-old is an archive');
      assert.equal(p.current, 'specs/002-postgresql-15-database');
      assert.equal(p.currentSource, 'from .specify/feature.json');
      assert.deepEqual(p.problems, []);
    });

    test('a feature.json naming a missing folder: spec-kit\'s error is shown with the fix, not another feature', async () => {
      const api = await testApi();
      const root = projectRoot(api, 0);
      const pointer = vscode.Uri.joinPath(root, '.specify', 'feature.json');
      const original = await readText(pointer);
      try {
        await writeText(pointer, '{"feature_directory":"specs/009-gone"}\n');
        const snap = await waitForSnapshot(api, (s) => (project(s).problems ?? []).length > 0, 'the problem to be reported');
        const p = project(snap);
        assert.equal(p.current, null);
        assert.equal(p.problems![0]!.code, 'missing-folder');
        assert.equal(p.problems![0]!.fix, 'switchFeature');
        assert.equal(p.problems![0]!.speckit, `ERROR: Feature directory not found: ${root.path}/specs/009-gone`);
        // The Spec Explorer says it too: a node at the top of the project with the reason and Switch Feature.
        const tree = treeApi(api);
        const [projectNode] = (await tree.getChildren()) ?? [];
        assert.ok(projectNode, 'the project node');
        const first = ((await tree.getChildren(projectNode)) ?? [])[0];
        assert.ok(first, 'the project has children');
        const item = await tree.getTreeItem(first);
        assert.equal(item.label, p.problems![0]!.message);
        assert.equal(item.command?.command, 'speckit.switchFeature');
        assert.equal(item.description, 'Switch Feature…');
        assert.match((item.tooltip as vscode.MarkdownString).value, /ERROR: Feature directory not found: .*specs\/009-gone/);
      } finally {
        await writeText(pointer, original);
        await waitForSnapshot(api, (s) => project(s).current === 'specs/002-postgresql-15-database', 'feature.json to be restored');
      }
      const tree = treeApi(api);
      const [projectNode] = (await tree.getChildren()) ?? [];
      assert.ok(projectNode, 'the project node');
      const labels = await Promise.all(((await tree.getChildren(projectNode)) ?? []).map(async (n) => String((await tree.getTreeItem(n)).description ?? '')));
      assert.ok(!labels.includes('Switch Feature…'), `no problem node once fixed: ${labels.join(', ')}`);
    });

    test('a feature.json pointing outside specs/ is honoured', async () => {
      const api = await testApi();
      const root = projectRoot(api, 0);
      const pointer = vscode.Uri.joinPath(root, '.specify', 'feature.json');
      const original = await readText(pointer);
      try {
        await writeText(vscode.Uri.joinPath(root, 'docs', 'feat-x', 'spec.md'), '# Feature Specification: Docs feature\n');
        await writeText(pointer, '{"feature_directory":"docs/feat-x"}\n');
        const snap = await waitForSnapshot(api, (s) => project(s).current === 'docs/feat-x', 'the docs/feat-x feature to be current');
        assert.deepEqual(project(snap).problems, []);
      } finally {
        await writeText(pointer, original);
        await waitForSnapshot(api, (s) => project(s).current === 'specs/002-postgresql-15-database', 'feature.json to be restored');
      }
    });

    test('New Feature numbers over the top-level folders of specs/ only (003, not 501 or 701)', async () => {
      const api = await testApi();
      const root = projectRoot(api, 0);
      await vscode.workspace.getConfiguration('speckit').update('git.createBranch', 'never', vscode.ConfigurationTarget.Workspace);
      try {
        queueAnswers(api, 'Add nightly encrypted backups');
        const dir = await vscode.commands.executeCommand<string>('speckit.newFeature', root.path);
        assert.equal(dir, vscode.Uri.joinPath(root, 'specs', '003-nightly-encrypted-backups').path);
        assert.equal(await readText(vscode.Uri.joinPath(root, '.specify', 'feature.json')), '{"feature_directory":"specs/003-nightly-encrypted-backups"}\n');
        await waitForSnapshot(api, (s) => project(s).current === 'specs/003-nightly-encrypted-backups', 'the new feature to become current');
      } finally {
        await vscode.workspace.getConfiguration('speckit').update('git.createBranch', undefined, vscode.ConfigurationTarget.Workspace);
      }
    });
  });
}
