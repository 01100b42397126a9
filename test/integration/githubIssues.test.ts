// GitHub issues both ways in a real VS Code against the test GitHub REST server the harness starts
// (SPECKIT_TEST_GITHUB_URL), reached as an Enterprise Server through `speckit.github.enterpriseUri`,
// with real git for the `origin` remote: /speckit.taskstoissues creates issues and writes their
// URLs into tasks.md, a second run creates nothing, the sync ticks tasks from closed issues, and the
// refusals (remote not on GitHub, not signed in, declined) leave everything as it was.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { chat, selectTestModel, shown } from './chatHelpers';
import { Commands } from '../../src/ids';
import { featureDir, projectRoot, queueAnswers, questionsAsked, treeApi } from './editorHelpers';
import { readText, testApi, waitForSnapshot, writeText, type SpeckitTestApi, type WorkspaceName } from './helpers';

export const workspaces: readonly WorkspaceName[] = ['nixos-flake'];

const GH = process.env['SPECKIT_TEST_GITHUB_URL'] ?? '';
const SPEC = '# Feature Specification: Backups\n\n## User Scenarios & Testing\n\n### User Story 1 - Daily backups (Priority: P1)\n\nBackups.\n\n## Requirements\n\n### Functional Requirements\n\n- **FR-001**: The system MUST back up daily.\n';
const TASKS = '# Tasks: Backups\n\n## Phase 1: Setup\n\n- [ ] T001 Create modules/backup/default.nix\n\n## Phase 3: User Story 1 - Daily backups (Priority: P1)\n\n- [ ] T002 [P] [US1] Add the timer per FR-001 in modules/backup/timer.nix (depends on T001)\n';

interface ServerIssue { number: number; title: string; body: string; labels: string[]; state: string; milestone?: number }

async function server(path: string, body?: object): Promise<unknown> {
  const res = await fetch(`${GH}/_test/${path}`, body ? { method: 'POST', body: JSON.stringify(body) } : {});
  return res.json();
}
const issues = async (): Promise<ServerIssue[]> => ((await server('state')) as { issues: ServerIssue[] }).issues;

/** The test API's GitHub sign-in (the session the flows use in test mode). */
function signIn(api: SpeckitTestApi, make: ((create: boolean) => vscode.AuthenticationSession | undefined) | undefined): void {
  const github = (api as unknown as { githubIssues?: { setSignIn(f: typeof make): void } }).githubIssues;
  assert.ok(github, 'the test API offers the GitHub issues handle');
  github.setSignIn(make);
}

const session = (token = 'test-token'): vscode.AuthenticationSession => ({ id: 's1', accessToken: token, account: { id: 'octocat', label: 'octocat' }, scopes: ['repo'] });

function git(root: vscode.Uri, ...args: string[]): string {
  return execFileSync('git', args, { cwd: root.fsPath, encoding: 'utf8' });
}

async function feature(api: SpeckitTestApi, name: string): Promise<vscode.Uri> {
  await waitForSnapshot(api, (s) => s.projects.length > 0, 'the first scan');
  const dir = featureDir(api, 0, name);
  await writeText(vscode.Uri.joinPath(dir, 'spec.md'), SPEC);
  await writeText(vscode.Uri.joinPath(dir, 'tasks.md'), TASKS);
  await writeText(vscode.Uri.joinPath(projectRoot(api, 0), '.specify', 'feature.json'), `{"feature_directory":"specs/${name}"}\n`);
  await waitForSnapshot(api, (s) => s.projects[0]!.features.some((f) => f.name === name && f.tasks.total === 2) && (s.projects[0] as { current?: string }).current === `specs/${name}`, `the feature ${name}`);
  return dir;
}

async function setRemote(root: vscode.Uri, url: string): Promise<void> {
  try {
    git(root, 'remote', 'remove', 'origin');
  } catch {
    /* none yet */
  }
  git(root, 'remote', 'add', 'origin', url);
  await vscode.workspace.getConfiguration('speckit').update('github.enterpriseUri', GH, vscode.ConfigurationTarget.Global);
}

export function define(): void {
  suite('GitHub issues both ways (/speckit.taskstoissues, sync)', function () {
    this.timeout(120_000);
    suiteSetup(async () => {
      assert.ok(GH, 'the harness starts the test GitHub server');
      await selectTestModel();
    });
    setup(async () => {
      await server('reset', {});
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      signIn(await testApi(), () => session());
    });
    suiteTeardown(async () => {
      signIn(await testApi(), undefined);
      await vscode.workspace.getConfiguration('speckit').update('github.enterpriseUri', undefined, vscode.ConfigurationTarget.Global);
      await vscode.workspace.getConfiguration('speckit').update('github.closeIssuesOnTick', undefined, vscode.ConfigurationTarget.Workspace);
    });

    test('creates one issue per task after asking, writes the URLs into tasks.md, and a second run creates nothing', async () => {
      const api = await testApi();
      const dir = await feature(api, '080-gh-create');
      const root = projectRoot(api, 0);
      await setRemote(root, `${GH}/acme/infra.git`);
      queueAnswers(api, 'Create with Milestone "080-gh-create"');
      const t = await chat('@speckit /speckit.taskstoissues', 60_000);
      const text = shown(t);
      assert.equal(t.result?.errorDetails, undefined, text);
      assert.match(text, /2 issues to create in acme\/infra/);
      assert.match(text, /Created 2 issues/);
      assert.ok(questionsAsked(api).some((q) => /Create 2 GitHub issues in acme\/infra\?/.test(q)), 'asked before creating');
      const created = await issues();
      assert.deepEqual(created.map((i) => i.title), ['T001: Create modules/backup/default.nix', 'T002: Add the timer per FR-001 in modules/backup/timer.nix (depends on T001)']);
      assert.deepEqual(created[1]!.labels, ['speckit', 'phase 3', 'story US1']);
      assert.equal(created[1]!.milestone, 1);
      assert.match(created[1]!.body, /FR-001\*\*: The system MUST back up daily/);
      assert.match(created[1]!.body, new RegExp(`- T001 ${GH}/acme/infra/issues/1`));
      const tasks = await readText(vscode.Uri.joinPath(dir, 'tasks.md'));
      assert.match(tasks, new RegExp(`^- \\[ \\] T001 Create modules/backup/default.nix ${GH}/acme/infra/issues/1$`, 'm'));
      assert.match(tasks, new RegExp(`\\(depends on T001\\) ${GH}/acme/infra/issues/2$`, 'm'));
      await waitForSnapshot(api, () => api.snapshot().projects[0]!.features.find((f) => f.name === '080-gh-create')!.tasks.total === 2, 'the index after the links');
      // Undo takes the links away in one step.
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(dir, 'tasks.md'));
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('undo');
      assert.equal(doc.getText(), TASKS);
      await vscode.commands.executeCommand('redo');
      await doc.save();

      // A second run: everything is linked, nothing is asked or created.
      const asked = questionsAsked(api).length;
      const again = await chat('@speckit /speckit.taskstoissues', 60_000);
      assert.match(shown(again), /already link to an issue; nothing new to create/);
      assert.equal(questionsAsked(api).length, asked);
      assert.equal((await issues()).length, 2);
    });

    test('sync ticks the task whose issue was closed, in one undoable edit, and reports a deleted issue', async () => {
      const api = await testApi();
      const dir = await feature(api, '081-gh-sync');
      const root = projectRoot(api, 0);
      await setRemote(root, `${GH}/acme/infra.git`);
      queueAnswers(api, 'Create Issues');
      await chat('@speckit /speckit.taskstoissues', 60_000);
      assert.equal((await issues()).length, 2);
      await server('issue', { number: 1, state: 'closed', state_reason: 'completed' });
      await server('issue', { number: 2, deleted: true });
      const outcome = await vscode.commands.executeCommand<{ ok: boolean; changed: number }>(Commands.syncTaskStates, { kind: 'feature', dir: dir.path });
      assert.equal(outcome.ok, true);
      assert.equal(outcome.changed, 1);
      const tasks = await readText(vscode.Uri.joinPath(dir, 'tasks.md'));
      assert.match(tasks, /^- \[X\] T001 /m);
      assert.match(tasks, /^- \[ \] T002 /m);
      // Through the chat follow-up: the deleted issue is reported and not recreated.
      const t = await chat('@speckit /speckit.taskstoissues sync', 60_000);
      assert.match(shown(t), /T002: #2 was deleted \(HTTP 410\); the link is kept, nothing is recreated/);
      assert.equal((await issues()).length, 2);
    });

    test('the Spec Explorer creates a phase\'s issues and shows the link; a rate limit stops with the reset time, tasks.md linking what exists', async () => {
      const api = await testApi();
      const dir = await feature(api, '083-gh-explorer');
      await setRemote(projectRoot(api, 0), `${GH}/acme/infra.git`);
      queueAnswers(api, 'Create Issues');
      const phase = await vscode.commands.executeCommand<{ ok: boolean; created: number }>(Commands.createGitHubIssues, { kind: 'phase', id: 'p', dir: dir.path, key: 'phase-3' });
      assert.deepEqual(phase, { ok: true, created: 1 });
      assert.deepEqual((await issues()).map((i) => i.title.slice(0, 4)), ['T002']);
      await waitForSnapshot(api, () => true, 'the index');
      await api.whenIdle();
      const tree = treeApi(api);
      const item = await tree.getTreeItem({ kind: 'task', id: `task:${dir.path}:T002`, dir: dir.path, taskId: 'T002' });
      assert.match(String(item.description), /#1$/);
      assert.equal(item.contextValue, 'speckit.task.open.issue');
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', vscode.Uri.joinPath(dir, 'tasks.md'));
      assert.ok(lenses.some((l) => l.command?.title === '$(github) #1' && l.command.arguments?.[0] === `${GH}/acme/infra/issues/1`), 'the task\'s lens links its issue');
      // The rest of the feature, with GitHub's rate limit reached: stopped, with the reset time.
      await server('fault', { method: 'POST', path: '/issues$', status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600) }, body: { message: 'API rate limit exceeded' } });
      queueAnswers(api, 'Create Issues');
      const t = await chat('@speckit /speckit.taskstoissues', 60_000);
      assert.match(shown(t), /Stopped after creating 0 issues: GitHub's rate limit was reached; it resets at \d\d:\d\d \(in 60 minutes\)/);
      const tasks = await readText(vscode.Uri.joinPath(dir, 'tasks.md'));
      assert.match(tasks, /^- \[ \] T001 Create modules\/backup\/default\.nix$/m);
      assert.match(tasks, new RegExp(`T002 .* ${GH}/acme/infra/issues/1$`, 'm'));
    });

    test('refuses a remote that is not on GitHub, and creates nothing when not signed in or declined', async () => {
      const api = await testApi();
      const dir = await feature(api, '082-gh-refuse');
      const root = projectRoot(api, 0);
      await setRemote(root, 'https://gitlab.example.org/acme/infra.git');
      const notGitHub = await chat('@speckit /speckit.taskstoissues', 60_000);
      assert.match(shown(notGitHub), /gitlab\.example\.org, which is not GitHub/);
      await setRemote(root, `${GH}/acme/infra.git`);
      queueAnswers(api, undefined);
      const declined = await chat('@speckit /speckit.taskstoissues T001', 60_000);
      assert.match(shown(declined), /Nothing was created/);
      signIn(api, () => undefined);
      queueAnswers(api, 'Create Issues');
      const signedOut = await chat('@speckit /speckit.taskstoissues', 60_000);
      assert.match(shown(signedOut), /Not signed in to GitHub/);
      assert.equal((await issues()).length, 0);
      assert.equal(await readText(vscode.Uri.joinPath(dir, 'tasks.md')), TASKS);
    });

    test('a workspace setting cannot send the Enterprise sign-in to its server, nor is it sent to a server it is not for', async () => {
      const api = await testApi();
      const dir = await feature(api, '089-gh-settings');
      const root = projectRoot(api, 0);
      await setRemote(root, `${GH}/acme/infra.git`);
      const vscodeGhe = vscode.workspace.getConfiguration('github-enterprise');
      try {
        // A cloned repository's .vscode/settings.json names its own server as the Enterprise Server.
        await vscode.workspace.getConfiguration('speckit').update('github.enterpriseUri', undefined, vscode.ConfigurationTarget.Global);
        await vscodeGhe.update('uri', GH, vscode.ConfigurationTarget.Workspace);
        const fromWorkspace = await vscode.commands.executeCommand<{ ok: boolean }>(Commands.createGitHubIssues, { kind: 'feature', dir: dir.path });
        assert.equal(fromWorkspace.ok, false);
        // The user's own setting names the server, but VS Code's Enterprise sign-in is for another one.
        await vscodeGhe.update('uri', undefined, vscode.ConfigurationTarget.Workspace);
        await vscode.workspace.getConfiguration('speckit').update('github.enterpriseUri', GH, vscode.ConfigurationTarget.Global);
        await vscodeGhe.update('uri', 'https://ghe.example.com', vscode.ConfigurationTarget.Global);
        const t = await chat('@speckit /speckit.taskstoissues', 60_000);
        assert.match(shown(t), /GitHub Enterprise sign-in is for ghe\.example\.com \(\\?`github-enterprise\.uri\\?`\), not 127\.0\.0\.1/);
        const state = (await server('state')) as { issues: unknown[]; requests: unknown[] };
        assert.deepEqual([state.issues, state.requests], [[], []], 'nothing, and no token, reached the server');
      } finally {
        await vscodeGhe.update('uri', undefined, vscode.ConfigurationTarget.Workspace);
        await vscodeGhe.update('uri', undefined, vscode.ConfigurationTarget.Global);
      }
    });

    test('a tasks.md that is a symbolic link out of the workspace is neither sent to GitHub nor written, from the chat or the commands', async () => {
      const api = await testApi();
      await waitForSnapshot(api, (s) => s.projects.length > 0, 'the first scan');
      const dir = featureDir(api, 0, '084-gh-link-out');
      await writeText(vscode.Uri.joinPath(dir, 'spec.md'), SPEC);
      // Someone else's task list, one task already linked to an issue (a sync would tick it).
      const outside = join(mkdtempSync(join(tmpdir(), 'speckit-outside-')), 'tasks.md');
      const text = TASKS.replace('default.nix\n', `default.nix ${GH}/acme/infra/issues/1\n`);
      writeFileSync(outside, text);
      symlinkSync(outside, join(dir.fsPath, 'tasks.md'));
      await writeText(vscode.Uri.joinPath(projectRoot(api, 0), '.specify', 'feature.json'), '{"feature_directory":"specs/084-gh-link-out"}\n');
      await waitForSnapshot(api, (s) => s.projects[0]!.features.some((f) => f.name === '084-gh-link-out' && f.tasks.total === 2), 'the linked feature');
      await setRemote(projectRoot(api, 0), `${GH}/acme/infra.git`);
      const asked = questionsAsked(api).length;
      const create = await vscode.commands.executeCommand<{ ok: boolean }>(Commands.createGitHubIssues, { kind: 'feature', dir: dir.path });
      const sync = await vscode.commands.executeCommand<{ ok: boolean }>(Commands.syncTaskStates, { kind: 'feature', dir: dir.path });
      assert.deepEqual([create.ok, sync.ok], [false, false]);
      const t = await chat('@speckit /speckit.taskstoissues', 60_000);
      assert.match(shown(t), /symbolic link out of the project/);
      assert.equal(questionsAsked(api).length, asked, 'nothing was offered for creation');
      const state = (await server('state')) as { issues: unknown[]; requests: unknown[] };
      assert.deepEqual([state.issues, state.requests], [[], []], 'GitHub was not asked anything');
      assert.equal(readFileSync(outside, 'utf8'), text, 'the file outside is unchanged');
    });
  });
}

