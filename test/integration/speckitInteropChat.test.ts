// @speckit on a project laid out by spec-kit 1.0.1 with its bundled git extension
// (test/fixtures/workspaces/speckit-1.0): the extension hooks of .specify/extensions.yml run,
// are offered or are skipped as spec-kit defines them, and the git extension's commands run natively
// with its git-config.yml — /speckit.specify makes the branch the git extension's way.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import { chat, received, script, selectTestModel, shown, transcripts, type Transcript } from './chatHelpers';
import { projectRoot, queueAnswers, restoreFromFixture } from './editorHelpers';
import { readText, testApi, waitForSnapshot, waitUntil, writeText, type WorkspaceName } from './helpers';

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
const FEATURE = 'specs/002-postgresql-15-database';
const SCRIPT = '.specify/extensions/agent-context/scripts/bash/list-technologies.sh';
const PLAN = `# Implementation Plan: PostgreSQL 15 database

## Technical Context

**Language/Version**: Bash 5
**Primary Dependencies**: pgBackRest 2.50
**Storage**: PostgreSQL 15
`;

/** before_analyze gets a mandatory agent-context hook (the fixture extension's command, run through the model). */
function mandatoryAgentContext(text: string): string {
  return text.replace('  before_analyze:\n', '  before_analyze:\n  - extension: agent-context\n    command: speckit.agent-context.update\n    optional: false\n    priority: 1\n');
}

interface ToolResultsOf {
  messages: Array<{ role: string; text: string; toolResults?: Array<{ callId: string; text: string }> }>;
  tools?: string[];
}

function toolResults(requests: readonly object[]): string[] {
  return (requests as ToolResultsOf[]).flatMap((r) => r.messages.flatMap((m) => (m.toolResults ?? []).map((x) => x.text)));
}

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

    test('a mandatory hook of another extension without a command file fails and stops the command; the model is not asked', async () => {
      await edit(root, HOOKS, (t) => t.replace('  before_analyze:\n', '  before_analyze:\n  - extension: jira\n    command: speckit.jira.sync\n    optional: false\n'));
      await script();
      const t = await chat('@speckit /speckit.analyze code only', 90_000);
      assert.match(shown(t), /mandatory hook \/speckit\.jira\.sync \(jira\) failed, so analyze did not run/);
      assert.match(shown(t), /no command file provides \/speckit\.jira\.sync/);
      assert.doesNotMatch(shown(t), /Specification analysis/);
      assert.equal(t.result?.metadata?.['failed'], true);
      assert.equal((await received()).length, 0);
    });

    test('disabled and conditional hooks are listed as skipped, not run', async () => {
      await edit(root, HOOKS, (t) =>
        t
          .replace(/( {2}before_analyze:\n {2}- extension: git\n {4}command: speckit.git.commit\n {4}enabled: )true/, '$1false')
          .replace(/( {2}after_analyze:\n(?: {4}.*\n| {2}- .*\n)*? {4}condition: )null/, '$1"git diff --quiet"'),
      );
      const t = await chat('@speckit /speckit.analyze code only', 90_000);
      assert.match(shown(t), /Specification analysis/);
      assert.match(shown(t), /Hook skipped: The hook \/speckit\.git\.commit of extension git is disabled/);
      assert.match(shown(t), /Hook skipped: The hook \/speckit\.git\.commit of extension git has a condition \(git diff --quiet\)/);
      assert.ok(!buttons(t).some((b) => b.startsWith('Commit')), buttons(t).join('\n'));
    });

    test('another extension\'s mandatory hook runs through the model: its command file, implement\'s tools and write policy, a confirmed script; then the command', async () => {
      await edit(root, HOOKS, mandatoryAgentContext);
      await writeText(vscode.Uri.joinPath(root, FEATURE, 'plan.md'), PLAN);
      const agents = vscode.Uri.joinPath(root, 'AGENTS.md');
      const api = await testApi();
      const askedBefore = api.asked.length;
      queueAnswers(api, 'Run');
      await script(
        { toolCalls: [{ callId: 's1', name: 'run_script', input: { script: 'scripts/bash/list-technologies.sh', args: ['--json'] } }] },
        {
          text: 'Writing the context file.',
          toolCalls: [
            { callId: 'w1', name: 'write_file', input: { path: 'AGENTS.md', content: '# Agents\n\n## Active Technologies\n\n- PostgreSQL 15 (specs/002-postgresql-15-database)\n' } },
            { callId: 'w2', name: 'write_file', input: { path: '.github/workflows/agents.yml', content: 'on: push\n' } },
            { callId: 'w3', name: 'write_file', input: { path: '../outside.md', content: 'x' } },
          ],
        },
        { text: 'Updated AGENTS.md with PostgreSQL 15.' },
      );
      try {
        const t = await chat('@speckit /speckit.analyze code only', 120_000);
        const requests = await received();
        // The command file is the instructions, with the user's input for $ARGUMENTS; run_script is offered.
        const first = requests[0] as unknown as ToolResultsOf;
        assert.match(first.messages[0]!.text, /Run `scripts\/bash\/list-technologies\.sh --json` from the project root/);
        assert.match(first.messages[0]!.text, /current feature is 002-postgresql-15-database/);
        assert.deepEqual([...(first.tools ?? [])].sort(), ['list_files', 'read_file', 'replace_in_file', 'run_script', 'write_file']);
        // The user confirmed the exact command line; its output went back to the model.
        assert.deepEqual(api.asked.slice(askedBefore), [`Run "bash ${SCRIPT} --json"?`]);
        const results = toolResults(requests);
        assert.ok(results.some((r) => r.startsWith(`bash ${SCRIPT} --json: exit 0`) && r.includes('"TECHNOLOGIES":["Bash 5","pgBackRest 2.50","PostgreSQL 15"]')), results.join('\n---\n'));
        assert.ok(results.some((r) => r.startsWith('Refused: ') && r.includes('outside.md')), results.join('\n---\n'));
        // Written with a link; the protected workflow held back as a diff, not written.
        assert.equal(await readText(agents), '# Agents\n\n## Active Technologies\n\n- PostgreSQL 15 (specs/002-postgresql-15-database)\n');
        assert.match(shown(t), /\/speckit\.agent-context\.update wrote\*\* 1 file/);
        assert.match(shown(t), /\[AGENTS\.md\]\(file:\/\/\/.*\/AGENTS\.md\)/);
        assert.match(shown(t), /changed protected files \(\.github\/workflows\/agents\.yml\)/);
        assert.ok(buttons(t).some((b) => b.startsWith('Apply 1 protected change')), buttons(t).join('\n'));
        await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.joinPath(root, '.github', 'workflows', 'agents.yml'))));
        assert.match(shown(t), /Script `bash \.specify\/extensions\/agent-context\/scripts\/bash\/list-technologies\.sh --json`: exit 0/);
        assert.match(shown(t), /Hook `\/speckit\.agent-context\.update`: \/speckit\.agent-context\.update wrote AGENTS\.md/);
        // Then the command itself ran.
        assert.match(shown(t), /Specification analysis/);
        assert.equal(t.result?.metadata?.['failed'], undefined, shown(t));
      } finally {
        await vscode.workspace.fs.delete(agents).then(undefined, () => undefined);
        await vscode.workspace.fs.delete(vscode.Uri.joinPath(root, FEATURE, 'plan.md')).then(undefined, () => undefined);
      }
    });

    test('a declined script is not run and the model is told; a script the command file does not name is refused without asking', async () => {
      await edit(root, HOOKS, mandatoryAgentContext);
      const api = await testApi();
      const askedBefore = api.asked.length;
      queueAnswers(api, undefined);
      await script(
        {
          toolCalls: [
            { callId: 's1', name: 'run_script', input: { script: 'scripts/bash/list-technologies.sh', args: ['--json'] } },
            { callId: 's2', name: 'run_script', input: { script: '.specify/extensions/git/scripts/bash/auto-commit.sh', args: ['after_plan'] } },
          ],
        },
        { text: 'The user declined the script; nothing was updated.' },
      );
      const t = await chat('@speckit /speckit.analyze code only', 120_000);
      assert.deepEqual(api.asked.slice(askedBefore), [`Run "bash ${SCRIPT} --json"?`], 'only the named script was asked about');
      const results = toolResults(await received());
      assert.ok(results.some((r) => r.startsWith(`Declined: the user did not allow "bash ${SCRIPT} --json", so it was not run`)), results.join('\n---\n'));
      assert.ok(results.some((r) => r.startsWith('Refused: .specify/extensions/git/scripts/bash/auto-commit.sh is not a script of the agent-context extension')), results.join('\n---\n'));
      assert.match(shown(t), /Script `bash .*list-technologies\.sh --json`: declined/);
      assert.match(shown(t), /finished and wrote nothing/);
    });

    test('a cancel during a model-run mandatory hook stops it and the command: nothing more is written', async () => {
      await edit(root, HOOKS, mandatoryAgentContext);
      const api = await testApi();
      await script({ chunks: ['Reading ', 'the plan ', 'slowly ', 'before ', 'writing ', 'AGENTS.md.'], delayMs: 400, toolCalls: [{ callId: 'w1', name: 'write_file', input: { path: 'AGENTS.md', content: 'late\n' } }] });
      const count = transcripts(api).length;
      await vscode.commands.executeCommand('workbench.action.chat.open', { query: '@speckit /speckit.analyze code only' });
      await waitUntil(async () => (await received()).length > 0, 'the model to be asked for the hook', 60_000);
      await vscode.commands.executeCommand('workbench.action.chat.cancel');
      await waitUntil(() => transcripts(api).length > count, 'the cancelled request to end', 30_000);
      const t = transcripts(api)[count]!;
      assert.match(shown(t), /Cancelled during the mandatory hook `\/speckit\.agent-context\.update`, so analyze did not run/);
      assert.doesNotMatch(shown(t), /Specification analysis/);
      assert.equal((await received()).length, 1, 'no second round after the cancel');
      await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.joinPath(root, 'AGENTS.md'))));
    });

    test('the optional agent-context hook is a button after /speckit.plan\'s hooks; it asks @speckit, which runs the command in the chat', async () => {
      const api = await testApi();
      await script({ text: 'Nothing to update: the plan names no technologies.' });
      const before = transcripts(api).length;
      const outcome = await vscode.commands.executeCommand<{ ok: boolean; summary: string }>('speckit.chat.runHook', root.path, 'speckit.agent-context.update', 'after_plan', 'refresh');
      assert.deepEqual([outcome.ok, outcome.summary], [true, 'asked @speckit to run /speckit.agent-context.update in the chat']);
      await waitUntil(() => transcripts(api).length > before, '@speckit to answer the hook request', 90_000);
      const t = transcripts(api)[before]!;
      assert.match(t.prompt, /^\/speckit\.agent-context\.update refresh$/);
      assert.match(shown(t), /Running `\/speckit\.agent-context\.update` with the model: instructions from `\.specify\/extensions\/agent-context\/commands\/speckit\.agent-context\.update\.md`/);
      assert.match(shown(t), /Nothing to update/);
      const prompt = (await received())[0]!.messages.map((m) => m.text).join('\n');
      assert.match(prompt, /User input \(the request to act on\):\s+refresh/);
      assert.match(prompt, /```text\nrefresh\n```/, '$ARGUMENTS is the input');
    });

    test('commit_style conventional: the commit subject comes from the model, checked; an invalid answer falls back to the fixed message and says so', async () => {
      await edit(root, GIT_CONFIG, (t) => t.replace('commit_style: fixed', 'commit_style: conventional').replace(/(before_analyze:\n\s+enabled: )false/, '$1true'));
      await edit(root, HOOKS, (t) => t.replace(/( {2}before_analyze:\n {2}- extension: git\n {4}command: speckit.git.commit\n {4}enabled: true\n {4}optional: )true/, '$1false'));
      const note = vscode.Uri.joinPath(root, 'notes.md');
      const start = git(root, 'rev-parse', 'HEAD');
      try {
        await writeText(note, 'first\n');
        await script({ match: 'Conventional Commit subject', text: 'docs(notes): add the first note' });
        const t = await chat('@speckit /speckit.analyze code only', 90_000);
        assert.equal(git(root, 'log', '-1', '--format=%s'), 'docs(notes): add the first note', shown(t));
        assert.match(shown(t), /Hook `\/speckit\.git\.commit`: committed "docs\(notes\): add the first note"/);
        assert.match((await received())[0]!.messages[0]!.text, /notes\.md/, 'the model saw what changed');

        await writeText(note, 'second\n');
        await script({ match: 'Conventional Commit subject', text: 'I updated the notes file with a second line of text.' });
        const t2 = await chat('@speckit /speckit.analyze code only', 90_000);
        assert.equal(git(root, 'log', '-1', '--format=%s'), '[Spec Kit] Save progress before analysis', shown(t2));
        assert.match(shown(t2), /commit\\?_style is conventional, but the model's message was not usable \(it is not "type\(scope\): subject"/);
        assert.match(shown(t2), /committed with the fixed message instead/);
      } finally {
        git(root, 'reset', '-q', '--soft', start);
        git(root, 'reset', '-q');
        await vscode.workspace.fs.delete(note).then(undefined, () => undefined);
      }
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
