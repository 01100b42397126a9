// The Spec Explorer, the status bar's feature switch and the palette commands, in a real VS Code.
import * as assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { featureDir, projectRoot, queueAnswers, restoreFromFixture, treeApi, type TreeApi, type TreeNode } from './editorHelpers';
import { folderUri, readText, testApi, waitForSnapshot, waitUntil, writeText, type WorkspaceName } from './helpers';

export const workspaces: readonly WorkspaceName[] = ['nixos-flake'];

async function labelOf(tree: TreeApi, node: TreeNode): Promise<{ label: string; description: string }> {
  const item = await tree.getTreeItem(node);
  const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
  return { label, description: typeof item.description === 'string' ? item.description : '' };
}

async function childLabels(tree: TreeApi, node?: TreeNode): Promise<Array<{ label: string; description: string }>> {
  const children = (await tree.getChildren(node)) ?? [];
  return Promise.all(children.map((c) => labelOf(tree, c)));
}

/** The child's label, or undefined when it is not (yet) there. */
async function tryChild(tree: TreeApi, parent: TreeNode | undefined, label: string): Promise<{ label: string; description: string } | undefined> {
  for (const c of (await tree.getChildren(parent)) ?? []) {
    const l = await labelOf(tree, c);
    if (l.label === label) return l;
  }
  return undefined;
}

async function findChild(tree: TreeApi, parent: TreeNode | undefined, label: string | RegExp): Promise<TreeNode> {
  for (const c of (await tree.getChildren(parent)) ?? []) {
    const l = (await labelOf(tree, c)).label;
    if (typeof label === 'string' ? l === label : label.test(l)) return c;
  }
  throw new Error(`no tree node ${String(label)} under ${parent ? JSON.stringify(parent) : 'the root'}: ${JSON.stringify(await childLabels(tree, parent))}`);
}

export function define(): void {
  suite('Spec Explorer', function () {
    this.timeout(60_000);

    suiteSetup(async () => {
      // Earlier suites edit the sample's feature; start from the repository's copy of it.
      await restoreFromFixture('nixos-flake', 'specs/001-postgresql-database');
      await restoreFromFixture('nixos-flake', '.specify/feature.json');
      await waitForSnapshot(await testApi(), (s) => s.projects[0]?.features.some((f) => f.name === '001-postgresql-database' && f.phase === 'implementing' && f.tasks.done === 5) ?? false, 'the restored sample feature');
    });

    test('shows project → constitution → features with phase, progress, questions and checklists', async () => {
      const api = await testApi();
      await api.whenIdle();
      const tree = treeApi(api);
      const roots = await childLabels(tree);
      assert.deepEqual(roots, [{ label: 'nixos-flake', description: '1 feature' }]);
      const project = (await tree.getChildren())![0]!;
      const children = await childLabels(tree, project);
      assert.deepEqual(children[0], { label: 'Constitution', description: 'v1.0.0' });
      // The row's tooltip from the stored summary: the name and principle count, as the parsed document has them.
      const constitution = await tree.getTreeItem((await tree.getChildren(project))![0]!);
      assert.equal(constitution.tooltip, 'pantherOS: 5 principles');
      assert.deepEqual(children.find((c) => c.label === '001-postgresql-database'), { label: '001-postgresql-database', description: 'Implementing 5/10 · 1 open question · checklists 3/4 · current' });
    });

    test('lists the flake’s NixOS hosts, with the arguments their context menu builds from', async () => {
      const api = await testApi();
      const tree = treeApi(api);
      const project = (await tree.getChildren())![0]!;
      const hosts = await findChild(tree, project, 'NixOS hosts');
      const items = await childLabels(tree, hosts);
      assert.deepEqual(items.map((i) => i.label).sort(), ['hetzner-vps', 'ovh-cloud']);
      // The context menu hands the node to the Nix commands, which read its `flake` and `host`.
      // (Not built here: a build in this suite left a task the Nix suite's later builds waited on.)
      const node = ((await tree.getChildren(hosts)) ?? []).find((n) => (n as { host?: string }).host === 'ovh-cloud') as { flake?: string; host?: string } | undefined;
      assert.deepEqual([node?.host, node?.flake], ['ovh-cloud', projectRoot(api, 0).path]);
    });

    test('lists a feature’s artifacts and its tasks grouped by phase, with checkbox states', async () => {
      const api = await testApi();
      const tree = treeApi(api);
      const project = (await tree.getChildren())![0]!;
      const feature = await findChild(tree, project, '001-postgresql-database');
      const artifacts = await childLabels(tree, feature);
      assert.deepEqual(
        artifacts.map((a) => a.label),
        ['spec.md', 'plan.md', 'checklists/requirements.md', 'tasks.md'],
      );
      assert.equal(artifacts[3]!.description, '5/10');
      const tasks = await findChild(tree, feature, 'tasks.md');
      const phases = await childLabels(tree, tasks);
      assert.equal(phases[0]!.label, 'Phase 1: Setup (Shared Infrastructure)');
      assert.equal(phases[0]!.description, '2/2');
      assert.match(phases[2]!.label, /^Phase 3: User Story 1 - Database on the application server$/);
      assert.equal(phases[2]!.description, '2/3 · P1 · MVP');
      const phase3 = await findChild(tree, tasks, /^Phase 3/);
      const items = await Promise.all(((await tree.getChildren(phase3)) ?? []).map(async (n) => tree.getTreeItem(n)));
      assert.deepEqual(
        items.map((i) => [String(typeof i.label === 'string' ? i.label : i.label?.label).slice(0, 4), i.checkboxState]),
        [
          ['T004', vscode.TreeItemCheckboxState.Checked],
          ['T005', vscode.TreeItemCheckboxState.Checked],
          ['T006', vscode.TreeItemCheckboxState.Unchecked],
        ],
      );
    });

    test('updates a feature from the watcher after a change on disk', async function () {
      const api = await testApi();
      const dir = await freshFeature('080-explorer-disk', 2);
      const tree = treeApi(api);
      const description = async (): Promise<string> => (await tryChild(tree, await projectNodeFor(tree, dir), '080-explorer-disk'))?.description ?? '';
      await waitUntil(async () => (await description()).startsWith('Tasks 0/2'), 'the new feature in the tree');
      const uri = vscode.Uri.joinPath(dir, 'tasks.md');
      await writeText(uri, (await readText(uri)).replace('- [ ] T001', '- [X] T001'));
      await waitUntil(async () => (await description()).startsWith('Implementing 1/2'), 'the tree to show the tick made on disk', 10_000);
    });

    test('updates from an unsaved edit in an editor', async function () {
      const api = await testApi();
      const dir = await freshFeature('081-explorer-unsaved', 2);
      const tree = treeApi(api);
      const description = async (): Promise<string> => (await tryChild(tree, await projectNodeFor(tree, dir), '081-explorer-unsaved'))?.description ?? '';
      await waitUntil(async () => (await description()).startsWith('Tasks 0/2'), 'the new feature in the tree');
      const editor = await vscode.window.showTextDocument(vscode.Uri.joinPath(dir, 'tasks.md'));
      const line = editor.document.getText().split('\n').findIndex((l) => l.includes('T002'));
      await editor.edit((e) => e.replace(new vscode.Range(line, 3, line, 4), 'x'));
      assert.ok(editor.document.isDirty);
      await waitUntil(async () => (await description()).startsWith('Implementing 1/2'), 'the tree to follow the unsaved edit', 10_000);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      let last = '';
      await waitUntil(async () => (last = await description()).startsWith('Tasks 0/2'), `the tree to drop the reverted edit (shows "${last}"; index: ${JSON.stringify(api.snapshot().projects[0]?.features.filter((f) => f.name.startsWith('081')))})`, 10_000);
    });
  });

  suite('Feature commands', function () {
    this.timeout(60_000);

    // These tests read the index at once: run without the suites before them, they must wait for the first scan.
    suiteSetup(async () => {
      await waitForSnapshot(await testApi(), (s) => s.projects.length > 0, 'the first scan');
    });

    test('New Feature creates the numbered folder and spec from the template and makes it current', async () => {
      const api = await testApi();
      const root = projectRoot(api, 0);
      await vscode.workspace.getConfiguration('speckit').update('git.createBranch', 'never', vscode.ConfigurationTarget.Workspace);
      const before = api.snapshot().projects.find((p) => p.root === root.path)!.features.map((f) => f.number ?? 0);
      const next = String(Math.max(0, ...before) + 1).padStart(3, '0');
      queueAnswers(api, 'Add PostgreSQL 15 with daily encrypted backups');
      const dir = (await vscode.commands.executeCommand<string>('speckit.newFeature', root.path));
      assert.equal(dir, vscode.Uri.joinPath(root, 'specs', `${next}-postgresql-15-daily`).path);
      const spec = await readText(vscode.Uri.joinPath(root, 'specs', `${next}-postgresql-15-daily`, 'spec.md'));
      assert.match(spec, /^# Feature Specification: Add PostgreSQL 15 with daily encrypted backups$/m);
      assert.match(spec, new RegExp(`\\*\\*Feature Branch\\*\\*: \`${next}-postgresql-15-daily\``));
      assert.match(spec, /\*\*Input\*\*: User description: "Add PostgreSQL 15 with daily encrypted backups"/);
      assert.doesNotMatch(spec, /\[FEATURE NAME\]|\[DATE\]|\$ARGUMENTS/);
      const pointer = await readText(vscode.Uri.joinPath(root, '.specify', 'feature.json'));
      assert.equal(pointer, `{"feature_directory":"specs/${next}-postgresql-15-daily"}\n`);
      await waitForSnapshot(api, (s) => s.projects.some((p) => p.root === root.path && (p as { current?: string }).current === `specs/${next}-postgresql-15-daily`), 'the new feature to become current');
    });

    test('New Feature with createBranch=always creates the git branch in a real repository', async () => {
      const api = await testApi();
      const root = projectRoot(api, 0);
      assert.ok(await exists('.git'), 'the harness makes each workspace copy a git repository');
      await vscode.workspace.getConfiguration('speckit').update('git.createBranch', 'always', vscode.ConfigurationTarget.Workspace);
      try {
        queueAnswers(api, 'Wireguard VPN server for remote access');
        const dir = (await vscode.commands.executeCommand<string>('speckit.newFeature', root.path));
        const name = dir.split('/').pop()!;
        assert.match(name, /^\d{3}-wireguard-vpn-server$/);
        const head = await readText(vscode.Uri.joinPath(folderUri(), '.git', 'HEAD'));
        assert.equal(head.trim(), `ref: refs/heads/${name}`);
      } finally {
        await vscode.workspace.getConfiguration('speckit').update('git.createBranch', undefined, vscode.ConfigurationTarget.Workspace);
      }
    });

    test('Switch Feature writes .specify/feature.json as spec-kit does, and the status bar follows', async () => {
      const api = await testApi();
      // A feature of its own to switch to, so the test does not depend on what earlier tests created.
      const dir = await freshFeature('083-switch-target', 1);
      const root = projectRoot(api, 0);
      await waitForSnapshot(api, (s) => s.projects.some((p) => p.root === root.path && p.features.some((f) => f.name === '083-switch-target')), 'the feature to switch to');
      const before = (api.snapshot().projects.find((p) => p.root === root.path) as { current?: string }).current;
      const switchTo = async (name: string, rel: string): Promise<void> => {
        queueAnswers(api, name);
        const switched = await vscode.commands.executeCommand<string>('speckit.switchFeature');
        assert.equal(switched, vscode.Uri.joinPath(root, rel).path);
        assert.equal(await readText(vscode.Uri.joinPath(root, '.specify', 'feature.json')), `{"feature_directory":"${rel}"}\n`);
        await waitForSnapshot(api, (s) => s.projects.some((p) => p.root === root.path && (p as { current?: string }).current === rel), `the switch to ${rel} to show in the index`);
      };
      const rel = dir.path.slice(root.path.length + 1);
      assert.notEqual(before, rel);
      await switchTo('083-switch-target', rel);
      // And back, leaving the current feature as the suites after this one found it.
      if (before) await switchTo(before.split('/').pop()!, before);
    });

    test('a .specify/feature.json that is a symbolic link is not written through: Set as Current Feature says why and the chat is not started', async () => {
      const api = await testApi();
      const dir = await freshFeature('084-pointer-link', 1);
      const root = projectRoot(api, 0);
      await waitForSnapshot(api, (s) => s.projects.some((p) => p.features.some((f) => f.name === '084-pointer-link')), 'the feature');
      const pointer = join(root.fsPath, '.specify', 'feature.json');
      const saved = readFileSync(pointer, 'utf8');
      const outside = join(mkdtempSync(join(tmpdir(), 'speckit-outside-')), 'bashrc');
      writeFileSync(outside, 'export PATH=/usr/bin\n');
      rmSync(pointer);
      symlinkSync(outside, pointer);
      try {
        await vscode.commands.executeCommand('speckit.setCurrentFeature', dir.path);
        queueAnswers(api, '084-pointer-link');
        assert.equal(await vscode.commands.executeCommand('speckit.switchFeature'), undefined, 'no switch is reported');
        // Run Next Step makes the feature current first: it stops there, without asking the chat.
        await vscode.commands.executeCommand('speckit.runNextStep', dir.path);
        assert.equal(readFileSync(outside, 'utf8'), 'export PATH=/usr/bin\n', 'the file the link names is unchanged');
        assert.ok(lstatSync(pointer).isSymbolicLink(), 'the link is left as it was');
      } finally {
        rmSync(pointer);
        writeFileSync(pointer, saved);
      }
      const before = (JSON.parse(saved) as { feature_directory: string }).feature_directory;
      await waitForSnapshot(api, (s) => s.projects.some((p) => p.root === root.path && (p as { current?: string }).current === before), 'the pointer restored');
    });

    test('Open Next Artifact opens the file of the feature’s phase', async () => {
      const api = await testApi();
      const dir = await freshFeature('082-next-artifact', 3);
      await waitForSnapshot(api, (s) => s.projects.some((p) => p.features.some((f) => f.name === '082-next-artifact')), 'the feature');
      await vscode.commands.executeCommand('speckit.openNextArtifact', dir.path);
      assert.equal(vscode.window.activeTextEditor?.document.uri.path, vscode.Uri.joinPath(dir, 'tasks.md').path);
      await vscode.commands.executeCommand('speckit.revealInExplorer');
    });
  });
}

async function exists(rel: string): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(vscode.Uri.joinPath(folderUri(), rel));
    return true;
  } catch {
    return false;
  }
}

async function projectNodeFor(tree: TreeApi, dir: vscode.Uri): Promise<TreeNode> {
  const roots = (await tree.getChildren()) ?? [];
  const match = roots.filter((r) => r.kind === 'project' && dir.path.startsWith(`${r.root}/`)).sort((a, b) => (b.root ?? '').length - (a.root ?? '').length);
  assert.ok(match[0], `no project node for ${dir.path}`);
  return match[0];
}

/** A feature of its own for a test: spec, plan and `taskCount` open tasks. */
async function freshFeature(name: string, taskCount: number): Promise<vscode.Uri> {
  const api = await testApi();
  const dir = featureDir(api, 0, name);
  await writeText(vscode.Uri.joinPath(dir, 'spec.md'), `# Feature Specification: ${name}\n\n## Requirements\n\n- **FR-001**: System MUST work.\n`);
  await writeText(vscode.Uri.joinPath(dir, 'plan.md'), `# Implementation Plan: ${name}\n\n## Summary\n\nDo it.\n`);
  const tasks = Array.from({ length: taskCount }, (_, i) => `- [ ] T00${i + 1} Task ${i + 1} in src/file${i + 1}.ts`).join('\n');
  await writeText(vscode.Uri.joinPath(dir, 'tasks.md'), `# Tasks: ${name}\n\n## Phase 1: Setup\n\n${tasks}\n`);
  return dir;
}
