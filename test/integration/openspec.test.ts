// OpenSpec repositories in a real VS Code: pantherOS's openspec/ beside an offline flake (the
// `openspec` sample workspace). Index, Spec Explorer, task lenses, ticks and Build & verify; @speckit
// status, implement, analyze and the other commands on OpenSpec changes, with the scripted fake model.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { chat, received, script, selectTestModel, shown, transcripts } from './chatHelpers';
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

async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
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

  suite('@speckit on OpenSpec changes (pantherOS)', function () {
    this.timeout(240_000);
    const changeDir = (): vscode.Uri => vscode.Uri.joinPath(folderUri(), 'openspec', 'changes', 'add-contabo-vps-server');
    const tasksUri = (): vscode.Uri => vscode.Uri.joinPath(changeDir(), 'tasks.md');
    const setVerify = (command: string | undefined): Thenable<void> => vscode.workspace.getConfiguration('speckit').update('verify.command', command, vscode.ConfigurationTarget.Workspace);
    const writes = (id: string, path: string): object[] => [
      { match: `Implement ${id}.`, toolCalls: [{ name: 'write_file', input: { path, content: `# ${id}\n` } }] },
      { match: `Implement ${id}.`, text: `Created ${path}.` },
    ];

    suiteSetup(selectTestModel);
    teardown(async () => {
      await setVerify(undefined);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    test('/speckit.status lists the OpenSpec changes with progress, the archive and the capabilities', async () => {
      await script();
      // The first request opens the chat view: slower than the rest.
      const t = await chat('@speckit /speckit.status', 120_000);
      const text = shown(t);
      assert.match(text, /^### openspec \(OpenSpec\)$/m);
      assert.match(text, /\| \[add-contabo-vps-server\]\([^)]*proposal\.md[^)]*\) \| Proposed \| 0\/25 \|/);
      assert.match(text, /\| \[add-niri-window-manager\]\([^)]*\) \| Complete \| 15\/15 \|[^\n]*`openspec archive add-niri-window-manager`/);
      assert.match(text, /33 active changes: \d+ complete, \d+ in progress or proposed · 10 archived · 17 capabilities/);
      assert.doesNotMatch(text, /No spec-kit project/);
      assert.equal((await received()).length, 0, 'status asks no model');
    });

    test('spec-kit commands that write spec-kit files say what OpenSpec users do instead, and write nothing', async () => {
      await script({ text: 'should not be asked' });
      const named = await chat('@speckit /speckit.plan add-contabo-vps-server');
      assert.match(shown(named), /`add-contabo-vps-server` is an OpenSpec change: `\/speckit\.plan` writes spec-kit files .*design\.md/);
      await vscode.window.showTextDocument(tasksUri());
      const fromEditor = await chat('@speckit /speckit.tasks');
      assert.match(shown(fromEditor), /`add-contabo-vps-server` is an OpenSpec change: `\/speckit\.tasks`/);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const specify = await chat('@speckit /speckit.specify Add a PostgreSQL server with daily backups');
      assert.match(shown(specify), /This is an OpenSpec project: `\/speckit\.specify` writes spec-kit files .*openspec/);
      assert.equal((await received()).length, 0, 'no model was asked');
      assert.equal(await exists(vscode.Uri.joinPath(folderUri(), 'specs')), false, 'no specs/ folder');
      assert.equal(await exists(vscode.Uri.joinPath(folderUri(), '.specify')), false, 'no .specify/ folder');
    });

    test('/speckit.implement <change> 1.1 edits through tools with the proposal and deltas as context, verifies, and ticks 1.1 only', async () => {
      const original = await readText(tasksUri());
      const file = vscode.Uri.joinPath(folderUri(), 'scripts', 'setup-contabo-vps.sh');
      try {
        await setVerify('test -f scripts/setup-contabo-vps.sh');
        await script(...writes('1.1', 'scripts/setup-contabo-vps.sh'));
        const t = await chat('@speckit /speckit.implement add-contabo-vps-server 1.1', 90_000);
        assert.equal(t.result?.errorDetails, undefined, shown(t));
        assert.match(shown(t), /OpenSpec change \*\*add-contabo-vps-server\*\*/);
        assert.match(shown(t), /1\.1 — 1 open task/);
        assert.match(shown(t), /1\/1 tasks done\*\* \(1\/25 · in-progress\)/);
        assert.equal(await readText(file), '# 1.1\n');
        const tasks = await readText(tasksUri());
        assert.match(tasks, /^- \[[xX]\] 1\.1 Create setup script/m);
        assert.match(tasks, /^- \[ \] 1\.2 /m);
        const prompt = (await received()).map((r) => r.messages.map((m) => m.text).join('\n'))[0] ?? '';
        assert.match(prompt, /- \[ \] 1\.1 Create setup script/);
        assert.match(prompt, /openspec\/changes\/add-contabo-vps-server\/proposal\.md/);
        assert.match(prompt, /openspec\/changes\/add-contabo-vps-server\/specs\/[^/]+\/spec\.md/);
        assert.match(prompt, /## ADDED Requirements/, 'a delta spec is sent');
        await waitUntil(async () => (await testApi()).snapshot().openspec[0]?.changes.find((c) => c.id === 'add-contabo-vps-server')?.tasks.done === 1, 'the index to count 1.1');
        assert.deepEqual(t.result?.metadata && (t.result.metadata as { featureDir?: string }).featureDir, changeDir().path);
      } finally {
        await writeText(tasksUri(), original);
        await vscode.workspace.fs.delete(vscode.Uri.joinPath(folderUri(), 'scripts'), { recursive: true }).then(undefined, () => undefined);
      }
    });

    test('the Implement phase lens on OpenSpec tasks.md runs the group through the chat; a failed verification stops it, unticked', async () => {
      const original = await readText(tasksUri());
      try {
        await setVerify('test -f scripts/never-there');
        await script(...writes('1.1', 'scripts/a.sh'), ...writes('1.2', 'scripts/b.sh'));
        await vscode.window.showTextDocument(tasksUri());
        const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', tasksUri(), 100)) ?? [];
        const phase = lenses.find((l) => l.command?.command === 'speckit.implementPhase' && l.command.arguments?.[1] === 'Phase 1');
        assert.ok(phase?.command);
        const api = await testApi();
        const before = transcripts(api).length;
        await vscode.commands.executeCommand(phase.command.command, ...phase.command.arguments!);
        await waitUntil(() => transcripts(api).length > before, '@speckit to answer the lens', 90_000);
        const t = transcripts(api)[before]!;
        assert.equal(t.prompt, 'add-contabo-vps-server Phase 1', 'the lens names the change');
        assert.match(shown(t), /Phase 1: Hardware Detection & Initial Setup — 2 open tasks/);
        assert.match(shown(t), /1\.1 failed verification\*\* \(exit 1/);
        assert.equal((await received()).length, 2, 'stopped after 1.1: 1.2 was not attempted');
        assert.match(await readText(tasksUri()), /^- \[ \] 1\.1 /m);
      } finally {
        await writeText(tasksUri(), original);
        await vscode.workspace.fs.delete(vscode.Uri.joinPath(folderUri(), 'scripts'), { recursive: true }).then(undefined, () => undefined);
      }
    });

    test('/speckit.analyze on a change reports the code findings and merges the model’s; nothing is written', async () => {
      const delta = vscode.Uri.joinPath(changeDir(), 'specs', 'speckit-analyze-probe', 'spec.md');
      const tasksBefore = await readText(tasksUri());
      try {
        // A delta with a requirement without scenarios, a ### scenario, and a MODIFIED of a requirement no spec has.
        await writeText(
          delta,
          '## ADDED Requirements\n\n### Requirement: Probe boot\nThe system SHALL boot.\n\n### Scenario: Boots\n- **WHEN** started\n- **THEN** it boots\n\n## MODIFIED Requirements\n\n### Requirement: Probe nothing\nThe system SHALL do nothing.\n\n#### Scenario: Nothing\n- **WHEN** asked\n- **THEN** nothing\n',
        );
        await waitUntil(async () => (await testApi()).snapshot().openspec[0]?.changes.find((c) => c.id === 'add-contabo-vps-server')?.deltas.some((d) => d.capability === 'speckit-analyze-probe') === true, 'the index to read the probe delta');
        await script({ match: 'OpenSpec change add-contabo-vps-server', text: '```json\n[{"category":"Inconsistency","severity":"HIGH","path":"openspec/changes/add-contabo-vps-server/proposal.md","line":3,"summary":"The proposal names a host the tasks never build.","recommendation":"Align them."}]\n```' });
        const t = await chat('@speckit /speckit.analyze add-contabo-vps-server', 90_000);
        const text = shown(t);
        assert.equal(t.result?.errorDetails, undefined, text);
        assert.match(text, /OpenSpec change analysis: add-contabo-vps-server/);
        assert.match(text, /Requirement "Probe boot" has no scenario/);
        assert.match(text, /"### Scenario: Boots" in ADDED Requirements is not a "### Requirement:" heading/);
        assert.match(text, /Probe nothing/);
        assert.match(text, /openspec-delta-archive-conflict/);
        assert.match(text, /The proposal names a host the tasks never build\. \*\(model\)\*/);
        assert.match(text, /names? no requirement of the change/);
        const prompt = (await received()).map((r) => r.messages.map((m) => m.text).join('\n'))[0] ?? '';
        assert.match(prompt, /Probe boot/, 'the delta is sent to the model');
        assert.equal(await readText(tasksUri()), tasksBefore, 'read-only');
      } finally {
        await vscode.workspace.fs.delete(vscode.Uri.joinPath(changeDir(), 'specs', 'speckit-analyze-probe'), { recursive: true });
      }
    });
  });
}
