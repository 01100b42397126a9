// @speckit on a project laid out by spec-kit 1.0.1 with its bundled git extension
// (test/fixtures/workspaces/speckit-1.0): the extension hooks of .specify/extensions.yml run,
// are offered or are skipped as spec-kit defines them, and the git extension's commands run natively
// with its git-config.yml — /speckit.specify makes the branch the git extension's way.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import { chat, received, script, selectTestModel, shown, type Transcript } from './chatHelpers';
import { projectRoot, restoreFromFixture } from './editorHelpers';
import { readText, testApi, waitForSnapshot, writeText, type WorkspaceName } from './helpers';

export const workspaces: readonly WorkspaceName[] = ['speckit-1.0'];

const SPEC = `# Feature Specification: Nightly backups

**Feature Branch**: \`BRANCH\`
**Created**: 2026-11-26
**Status**: Draft
**Input**: User description: "nightly backups"

## User Scenarios & Testing *(mandatory)*

### User Story 1 - Backups run (Priority: P1)

As an operator I want a backup every night.

**Why this priority**: Data loss is the worst outcome.

**Independent Test**: Wait one night and list the backups.

**Acceptance Scenarios**:

1. **Given** the server runs, **When** 02:00 passes, **Then** a new encrypted backup exists.

### Edge Cases

- The disk is full.

## Requirements *(mandatory)*

### Functional Requirements

- **FR-001**: The system MUST take an encrypted backup every night.

## Success Criteria *(mandatory)*

### Measurable Outcomes

- **SC-001**: 30 consecutive nightly backups exist after 30 days.

## Assumptions

- One server.
`;

const GIT_CONFIG = '.specify/extensions/git/git-config.yml';
const HOOKS = '.specify/extensions.yml';

function git(root: vscode.Uri, ...args: string[]): string {
  return execFileSync('git', args, { cwd: root.fsPath, encoding: 'utf8' }).trim();
}

async function specsNow(root: vscode.Uri): Promise<string[]> {
  return (await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(root, 'specs'))).map(([n]) => n).sort();
}

async function edit(root: vscode.Uri, rel: string, change: (text: string) => string): Promise<void> {
  const uri = vscode.Uri.joinPath(root, rel);
  await writeText(uri, change(await readText(uri)));
}

function buttons(t: Transcript): string[] {
  return t.parts.filter((p) => p.kind === 'button').map((p) => p.text);
}

export function define(): void {
  suite('spec-kit 1.0.1 hooks and the git extension in @speckit (speckit-1.0)', function () {
    this.timeout(240_000);
    let root: vscode.Uri;

    suiteSetup(async () => {
      await selectTestModel();
      const api = await testApi();
      await waitForSnapshot(api, (s) => s.projects.length === 1, 'the project to be indexed');
      root = projectRoot(api, 0);
      // The git extension names branches after the author (git's user.name) and commits as the user.
      git(root, 'config', 'user.name', 'Interop Tester');
      git(root, 'config', 'user.email', 'interop@example.invalid');
    });

    teardown(async () => {
      for (const rel of [GIT_CONFIG, HOOKS, '.specify/feature.json']) await restoreFromFixture('speckit-1.0', rel);
      if (git(root, 'rev-parse', '--abbrev-ref', 'HEAD') !== 'main') git(root, 'checkout', '-q', 'main');
    });

    test('/speckit.specify runs the mandatory before_specify hook: the branch is named by git-config.yml\'s branch_template, not our rule', async () => {
      await edit(root, GIT_CONFIG, (t) => t.replace('branch_template: ""', 'branch_template: "{author}/{app}/{number}-{slug}"'));
      const before = await specsNow(root);
      await script({ text: `<file path="spec.md">\n${SPEC}</file>\n` });
      const t = await chat('@speckit /speckit.specify Add nightly encrypted backups', 90_000);
      assert.equal(t.result?.errorDetails, undefined, shown(t));
      const created = (await specsNow(root)).filter((n) => !before.includes(n));
      assert.equal(created.length, 1, shown(t));
      const folder = created[0]!;
      const branch = git(root, 'rev-parse', '--abbrev-ref', 'HEAD');
      assert.equal(branch, `interop-tester/speckit-1-0/${folder}`, shown(t));
      assert.match(shown(t), /Hook `\/speckit\.git\.feature`: branch `interop-tester\/speckit-1-0\/\d{3}-nightly-encrypted-backups` created/);
      assert.ok(!buttons(t).some((b) => b.startsWith('Create branch')), 'our own branch button is not offered when the extension made the branch');
      // after_specify's optional commit hook is offered with its prompt as the label.
      assert.ok(buttons(t).some((b) => b.startsWith('Commit specification changes?')), buttons(t).join('\n'));
    });

    test('a failed mandatory hook stops /speckit.specify with its output: no model call, nothing written', async () => {
      await edit(root, GIT_CONFIG, (t) => t.replace('branch_template: ""', 'branch_template: "{slug}/{number}"'));
      const before = await specsNow(root);
      const pointer = await readText(vscode.Uri.joinPath(root, '.specify', 'feature.json'));
      await script({ text: `<file path="spec.md">\n${SPEC}</file>\n` });
      const t = await chat('@speckit /speckit.specify Add a Redis cache', 90_000);
      assert.equal(t.result?.metadata?.['failed'], true, shown(t));
      assert.match(shown(t), /mandatory hook \/speckit\.git\.feature \(git\) failed/);
      assert.match(shown(t), /Error: .*\{slug\}/, 'the script\'s error is shown');
      assert.equal((await received()).length, 0, 'the model was not called');
      assert.deepEqual(await specsNow(root), before);
      assert.equal(await readText(vscode.Uri.joinPath(root, '.specify', 'feature.json')), pointer);
      assert.equal(git(root, 'rev-parse', '--abbrev-ref', 'HEAD'), 'main');
    });

    test('optional hooks are buttons labelled with their prompt; the button runs speckit.git.commit with auto_commit\'s message', async () => {
      const t = await chat('@speckit /speckit.analyze code only', 90_000);
      assert.equal(t.result?.metadata?.['failed'], undefined, shown(t));
      const labels = buttons(t);
      assert.ok(labels.some((b) => b.startsWith('Commit outstanding changes before analysis?')), labels.join('\n'));
      assert.ok(labels.some((b) => b.startsWith('Commit analysis results?')), labels.join('\n'));
      await edit(root, GIT_CONFIG, (t2) => t2.replace(/(before_analyze:\n\s+enabled: )false/, '$1true'));
      const commits = git(root, 'rev-list', '--count', 'HEAD');
      const outcome = await vscode.commands.executeCommand<{ ok: boolean; summary: string }>('speckit.chat.runHook', root.path, 'speckit.git.commit', 'before_analyze');
      assert.equal(outcome.ok, true, outcome.summary);
      assert.equal(git(root, 'log', '-1', '--format=%s'), '[Spec Kit] Save progress before analysis');
      assert.equal(Number(git(root, 'rev-list', '--count', 'HEAD')), Number(commits) + 1);
      git(root, 'reset', '-q', '--soft', 'HEAD~1');
    });

    test('disabled and conditional hooks are listed as skipped, not run; another extension\'s hook is named as not run', async () => {
      await edit(root, HOOKS, (t) =>
        t
          .replace(/( {2}before_analyze:\n {2}- extension: git\n {4}command: speckit.git.commit\n {4}enabled: )true/, '$1false')
          .replace(/( {2}after_analyze:\n(?: {4}.*\n| {2}- .*\n)*? {4}condition: )null/, '$1"git diff --quiet"')
          .replace('  before_analyze:\n', '  before_analyze:\n  - extension: jira\n    command: speckit.jira.sync\n    optional: false\n'),
      );
      const t = await chat('@speckit /speckit.analyze code only', 90_000);
      // Another extension's mandatory hook is named as not run; it does not block the command.
      assert.match(shown(t), /Hook not run: `\/speckit\.jira\.sync` \(mandatory, extension jira\)/);
      assert.match(shown(t), /Specification analysis/);
      assert.match(shown(t), /Hook skipped: The hook \/speckit\.git\.commit of extension git is disabled/);
      assert.match(shown(t), /Hook skipped: The hook \/speckit\.git\.commit of extension git has a condition \(git diff --quiet\)/);
      assert.ok(!buttons(t).some((b) => b.startsWith('Commit')), buttons(t).join('\n'));
    });

    test('invalid extensions.yml: hooks skipped with one line in the answer; /speckit.specify falls back to our branch rule', async () => {
      await writeText(vscode.Uri.joinPath(root, HOOKS), 'hooks:\n  before_specify: [\n');
      await vscode.workspace.getConfiguration('speckit').update('git.createBranch', 'never', vscode.ConfigurationTarget.Workspace);
      try {
        const before = await specsNow(root);
        await script({ text: `<file path="spec.md">\n${SPEC}</file>\n` });
        const t = await chat('@speckit /speckit.specify Add audit logging', 90_000);
        assert.equal(t.result?.errorDetails, undefined, shown(t));
        assert.match(shown(t), /\.specify\/extensions\.yml is not valid YAML .*its hooks were skipped/);
        assert.equal((await specsNow(root)).filter((n) => !before.includes(n)).length, 1);
        assert.equal(git(root, 'rev-parse', '--abbrev-ref', 'HEAD'), 'main', 'no hook ran and our setting says never');
      } finally {
        await vscode.workspace.getConfiguration('speckit').update('git.createBranch', undefined, vscode.ConfigurationTarget.Workspace);
      }
    });

    test('a preset\'s command file is the command\'s instructions, and the answer says so', async () => {
      const presets = vscode.Uri.joinPath(root, '.specify', 'presets');
      await writeText(vscode.Uri.joinPath(presets, '.registry'), JSON.stringify({ presets: { lean: { version: '1.0.0', priority: 1, enabled: true } } }));
      await writeText(vscode.Uri.joinPath(presets, 'lean', 'commands', 'speckit.specify.md'), '---\ndescription: Lean specs\n---\nLEAN-PRESET-MARKER: write the spec for {{specPath}} in as few words as the template allows.\n');
      try {
        await script({ text: `<file path="spec.md">\n${SPEC}</file>\n` });
        const t = await chat('@speckit /speckit.specify Add rate limiting', 90_000);
        assert.equal(t.result?.errorDetails, undefined, shown(t));
        assert.match(shown(t), /Instructions for specify from the project's `\.specify\/presets\/lean\/commands\/speckit\.specify\.md` \(preset\), in place of Spec Kit's own/);
        const prompt = (await received())[0]!.messages.map((m) => m.text).join('\n');
        assert.match(prompt, /LEAN-PRESET-MARKER: write the spec for specs\/\d{3}-rate-limiting\/spec\.md/);
      } finally {
        await vscode.workspace.fs.delete(presets, { recursive: true });
      }
    });
  });
}
