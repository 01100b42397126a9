// OpenSpec repositories in a real VS Code: pantherOS's openspec/ beside an offline flake (the
// `openspec` sample workspace). Index, Spec Explorer, task lenses, ticks and Build & verify.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { treeApi, type TreeApi, type TreeNode } from './editorHelpers';
import { folderUri, readText, testApi, waitUntil, writeText, type WorkspaceName } from './helpers';

export const workspaces: readonly WorkspaceName[] = ['openspec'];

async function lensesOf(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  // The lens command needs the document loaded in the workbench.
  await vscode.workspace.openTextDocument(uri);
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
}

async function label(tree: TreeApi, node: TreeNode): Promise<{ label: string; description: string; contextValue: string }> {
  const item = await tree.getTreeItem(node);
  const l = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
  return { label: l, description: typeof item.description === 'string' ? item.description : '', contextValue: item.contextValue ?? '' };
}

async function child(tree: TreeApi, parent: TreeNode | undefined, name: string): Promise<TreeNode> {
  for (const c of (await tree.getChildren(parent)) ?? []) if ((await label(tree, c)).label === name) return c;
  throw new Error(`no tree node ${name}`);
}

export function define(): void {
  suite('OpenSpec (pantherOS)', function () {
    this.timeout(120_000);
    const changeDir = (): vscode.Uri => vscode.Uri.joinPath(folderUri(), 'openspec', 'changes', 'add-contabo-vps-server');
    const tasksUri = (): vscode.Uri => vscode.Uri.joinPath(changeDir(), 'tasks.md');
    const plainUri = (): vscode.Uri => vscode.Uri.joinPath(folderUri(), 'openspec', 'changes', 'add-nixos-devcontainer', 'tasks.md');
    const change = async (id: string) => (await testApi()).snapshot().openspec[0]?.changes.find((c) => c.id === id);

    test('the index holds the OpenSpec project: 17 capabilities, 33 active changes, 10 archived', async () => {
      const api = await testApi();
      await api.whenIdle();
      const os = api.snapshot().openspec;
      assert.equal(os.length, 1);
      assert.deepEqual([os[0]!.specs.length, os[0]!.changes.length, os[0]!.archived.length], [17, 33, 10]);
      assert.deepEqual((await change('add-contabo-vps-server'))?.tasks, { done: 0, total: 25 });
      assert.equal(api.snapshot().projects.length, 0, 'no spec-kit project is made up');
    });

    test('the Spec Explorer shows capabilities, changes with progress and status, and the archive folded', async () => {
      const api = await testApi();
      await api.whenIdle();
      const tree = treeApi(api);
      const roots = (await tree.getChildren()) ?? [];
      assert.equal(roots.length, 1);
      const project = roots[0]!;
      assert.deepEqual((await label(tree, project)).description, 'OpenSpec · 17 capabilities · 33 active changes');
      const caps = await child(tree, project, 'Capabilities');
      assert.equal((await label(tree, caps)).description, '17');
      assert.equal((await label(tree, await child(tree, caps, 'configuration'))).description, '4 requirements');
      const contabo = await child(tree, project, 'add-contabo-vps-server');
      assert.deepEqual(await label(tree, contabo), { label: 'add-contabo-vps-server', description: '0/25 · proposed', contextValue: 'speckit.openspecChange.proposed' });
      assert.equal((await label(tree, await child(tree, project, 'add-niri-window-manager'))).description, '15/15 · complete');
      const archive = await child(tree, project, 'Archived changes');
      assert.equal((await label(tree, archive)).description, '10');
      assert.equal(((await tree.getChildren(archive)) ?? []).length, 10);
      assert.equal((await label(tree, await child(tree, archive, 'add-backup-automation'))).description, 'archived 2025-12-03');
      const artifacts = await Promise.all(((await tree.getChildren(contabo)) ?? []).map((n) => label(tree, n)));
      assert.deepEqual(artifacts.map((a) => a.label).slice(0, 2), ['proposal.md', 'tasks.md']);
      assert.ok(artifacts.slice(2).every((a) => /^specs\/.+\/spec\.md$/.test(a.label)) && artifacts.length > 2, JSON.stringify(artifacts));
      const tasks = await child(tree, contabo, 'tasks.md');
      assert.deepEqual(await label(tree, tasks), { label: 'tasks.md', description: '0/25', contextValue: 'speckit.artifact.tasks' });
      const group = ((await tree.getChildren(tasks)) ?? [])[0]!;
      assert.equal((await label(tree, group)).contextValue, 'speckit.phase');
      const first = ((await tree.getChildren(group)) ?? [])[0]!;
      assert.deepEqual((await label(tree, first)).contextValue, 'speckit.task.open');
      assert.match((await label(tree, first)).label, /^1\.1 Create setup script/);
    });

    test('task lenses on a numbered OpenSpec tasks.md; Mark done ticks through the one tick path', async () => {
      const original = await readText(tasksUri());
      try {
        const lenses = await lensesOf(tasksUri());
        const titles = lenses.filter((l) => l.range.start.line === 4).map((l) => l.command?.title);
        assert.deepEqual(titles.slice(0, 2), ['$(play) Implement', '$(check) Mark done']);
        assert.ok(titles.some((t) => t?.includes('Build & verify')), JSON.stringify(titles));
        assert.ok(lenses.some((l) => l.command?.title === '$(run-all) Implement phase' && l.command.arguments?.[1] === 'Phase 1'));
        assert.equal(await vscode.commands.executeCommand('speckit.markTaskDone', tasksUri(), '1.2'), true);
        assert.match(await readText(tasksUri()), /^- \[[xX]\] 1\.2 Run setup script/m);
        assert.match(await readText(tasksUri()), /^- \[ \] 1\.1 /m, 'only 1.2 changed');
        await waitUntil(async () => (await change('add-contabo-vps-server'))?.tasks.done === 1, 'the change to count 1 done');
        assert.equal((await change('add-contabo-vps-server'))?.status, 'in-progress');
      } finally {
        await writeText(tasksUri(), original);
      }
    });

    test('a plain checkbox list ticks too, and unsaved edits change the progress', async () => {
      const original = await readText(plainUri());
      try {
        const lenses = await lensesOf(plainUri());
        const toggles = lenses.filter((l) => l.command?.command === 'speckit.toggleTaskItem');
        assert.equal(toggles.length, 3);
        assert.equal(toggles[0]!.command!.title, '$(discard) Mark not done');
        assert.equal(await vscode.commands.executeCommand('speckit.toggleTaskItem', ...toggles[0]!.command!.arguments!), true);
        await waitUntil(async () => (await change('add-nixos-devcontainer'))?.tasks.done === 2, 'the plain list to count 2 of 3');
        assert.match(await readText(plainUri()), /^- \[ \] /m);
        // Unsaved text: the editor's, not the disk's.
        const doc = await vscode.workspace.openTextDocument(tasksUri());
        const editor = await vscode.window.showTextDocument(doc);
        const line = doc.getText().split('\n').findIndex((l) => l.startsWith('- [ ] 1.1'));
        await editor.edit((e) => e.replace(new vscode.Range(line, 3, line, 4), 'x'));
        await waitUntil(async () => (await change('add-contabo-vps-server'))?.tasks.done === 1, 'the unsaved tick to count');
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
        await waitUntil(async () => (await change('add-contabo-vps-server'))?.tasks.done === 0, 'the revert to count');
      } finally {
        await writeText(plainUri(), original);
      }
    });

    test('Build & verify with the flake’s host ticks an OpenSpec task after a real Nix build', async () => {
      const api = await testApi();
      const original = await readText(tasksUri());
      api.nix.trust.override = true;
      try {
        await vscode.commands.executeCommand('speckit.chooseVerification', { uri: tasksUri(), host: 'ovh-cloud' });
        const r = await vscode.commands.executeCommand<{ ok: boolean; exitCode: number; ticked: boolean; output: string }>('speckit.verifyTask', { uri: tasksUri(), taskId: '2.1' });
        assert.equal(r.exitCode, 0, r.output);
        assert.ok(r.ticked);
        assert.match(await readText(tasksUri()), /^- \[[xX]\] 2\.1 /m);
        const lenses = await lensesOf(tasksUri());
        assert.ok(lenses.some((l) => l.command?.title === '$(beaker) ✓ build ovh-cloud'));
      } finally {
        api.nix.trust.override = undefined;
        await writeText(tasksUri(), original);
      }
    });
  });
}
