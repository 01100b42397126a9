// @speckit in the real chat view with the deterministic model: every command, the files it writes,
// the pointer, the branch, follow-up state, and every error path leaving nothing behind.
import * as assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { chat, received, script, selectTestModel, shown, transcripts } from './chatHelpers';
import { featureDir, projectRoot, restoreFromFixture, saveConflictOnNextEdit } from './editorHelpers';
import { folderUri, readText, testApi, waitForSnapshot, waitUntil, writeText, type SpeckitTestApi, type WorkspaceName } from './helpers';

export const workspaces: readonly WorkspaceName[] = ['nixos-flake'];

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function specsNow(api: SpeckitTestApi): Promise<string[]> {
  const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(projectRoot(api, 0), 'specs'));
  return entries.map(([n]) => n).sort();
}

const SPEC = `# Feature Specification: PostgreSQL Database Server

**Feature Branch**: \`BRANCH\`
**Created**: 2026-11-26
**Status**: Draft
**Input**: User description: "Add PostgreSQL 15"

## User Scenarios & Testing *(mandatory)*

### User Story 1 - Database runs (Priority: P1)

As a developer I want PostgreSQL 15 running on the server.

**Why this priority**: Everything else needs it.

**Independent Test**: Build the host and connect with psql.

**Acceptance Scenarios**:

1. **Given** the host is built, **When** it boots, **Then** PostgreSQL 15 accepts local connections.

### Edge Cases

- The data directory is on a full disk.

## Requirements *(mandatory)*

### Functional Requirements

- **FR-001**: The server MUST run PostgreSQL 15.
- **FR-002**: Backups MUST be kept for [NEEDS CLARIFICATION: how many days?].

## Success Criteria *(mandatory)*

### Measurable Outcomes

- **SC-001**: A developer connects within 5 seconds of boot.

## Assumptions

- The host has 2 GB of memory.
`;

/**
 * A feature whose plan.md the user wrote, and `/speckit.plan` run over it with the spec active: the
 * generated plan is held back as a proposal. Its Apply button's proposal id, and the plan as written.
 */
async function proposePlanOver(name: string): Promise<{ planUri: vscode.Uri; original: string; id: string }> {
  const api = await testApi();
  const dir = featureDir(api, 0, name);
  const planUri = vscode.Uri.joinPath(dir, 'plan.md');
  const original = '# Implementation Plan: Mine\n\n## Summary\n\nHand-written.\n';
  await writeText(vscode.Uri.joinPath(dir, 'spec.md'), SPEC);
  await writeText(planUri, original);
  await waitForSnapshot(api, (s) => s.projects[0]!.features.some((f) => f.name === name), 'the feature');
  await vscode.window.showTextDocument(vscode.Uri.joinPath(dir, 'spec.md'));
  await script({ text: '<file path="plan.md">\n# Implementation Plan: Generated\n\n## Summary\n\nFrom the model.\n\n## Constitution Check\n\n- [x] Declarative\n</file>' });
  const t = await chat('@speckit /speckit.plan');
  const button = t.parts.find((p) => p.kind === 'button' && p.text.startsWith('Apply'));
  assert.ok(button, shown(t));
  return { planUri, original, id: (JSON.parse(button.text.slice(button.text.indexOf('['))) as string[])[0]! };
}

export function define(): void {
  suite('@speckit chat', function () {
    this.timeout(120_000);

    suiteSetup(async () => {
      await selectTestModel();
      await restoreFromFixture('nixos-flake', 'specs/001-postgresql-database');
      await restoreFromFixture('nixos-flake', '.specify/feature.json');
      await vscode.workspace.getConfiguration('speckit').update('git.createBranch', 'never', vscode.ConfigurationTarget.Workspace);
      await waitForSnapshot(await testApi(), (s) => s.projects[0]?.features.some((f) => f.name === '001-postgresql-database' && f.tasks.done === 5) ?? false, 'the restored sample feature');
    });

    test('/speckit.status lists every feature with its phase and next step, without the model', async () => {
      await script();
      const t = await chat('@speckit /speckit.status');
      assert.equal(t.command, 'speckit.status');
      assert.match(shown(t), /001-postgresql-database/);
      assert.match(shown(t), /Implementing 5\/10/);
      assert.match(shown(t), /Next: `\/speckit\.implement`/);
      assert.equal((await received()).length, 0, 'status needs no model');
    });

    test('/speckit.specify writes the numbered spec, its checklist and the pointer, from a streamed reply', async () => {
      const api = await testApi();
      const before = await specsNow(api);
      await script({ text: `I wrote the spec.\n\n<file path="spec.md">\n${SPEC}</file>\n` });
      const t = await chat('@speckit /speckit.specify Add PostgreSQL 15 with daily encrypted backups');
      assert.equal(t.result?.errorDetails, undefined, shown(t));
      const created = (await specsNow(api)).filter((n) => !before.includes(n));
      assert.equal(created.length, 1, `one new feature folder: ${created.join(', ')}`);
      const name = created[0]!;
      assert.match(name, /^\d{3}-postgresql-15-daily$/);
      const dir = featureDir(api, 0, name);
      assert.match(await readText(vscode.Uri.joinPath(dir, 'spec.md')), /- \*\*FR-001\*\*: The server MUST run PostgreSQL 15\./);
      const checklist = await readText(vscode.Uri.joinPath(dir, 'checklists', 'requirements.md'));
      assert.match(checklist, /^# Specification Quality Checklist/m);
      assert.equal(await readText(vscode.Uri.joinPath(projectRoot(api, 0), '.specify', 'feature.json')), `{"feature_directory":"specs/${name}"}\n`);
      assert.match(shown(t), /1 open question/);
      const prompt = (await received())[0]!.messages.map((m) => m.text).join('\n');
      assert.match(prompt, /Add PostgreSQL 15 with daily encrypted backups/);
      assert.match(prompt, /Data: Constitution/);
      assert.match(prompt, /Declarative/i, 'the constitution is in the prompt');
      assert.equal(t.result?.metadata?.['featureDir'], dir.path);
    });

    test('/speckit.specify with a .specify/feature.json that is a symbolic link writes the feature, does not write through the link, and says it is not current', async () => {
      const api = await testApi();
      const pointer = join(projectRoot(api, 0).fsPath, '.specify', 'feature.json');
      const outside = join(mkdtempSync(join(tmpdir(), 'speckit-outside-')), 'bashrc');
      writeFileSync(outside, 'export PATH=/usr/bin\n');
      rmSync(pointer, { force: true });
      symlinkSync(outside, pointer);
      try {
        const before = await specsNow(api);
        await script({ text: `<file path="spec.md">\n${SPEC}</file>\n` });
        const t = await chat('@speckit /speckit.specify Nightly restic backups to the NAS');
        assert.equal(t.result?.errorDetails, undefined, shown(t));
        const created = (await specsNow(api)).filter((n) => !before.includes(n));
        assert.equal(created.length, 1, shown(t));
        assert.match(shown(t), new RegExp(`${created[0]!}\\*\\* is written, but it is not the current feature: \\.specify/feature\\.json is a symbolic link`));
        assert.doesNotMatch(shown(t), /is now the current feature/);
        assert.equal(readFileSync(outside, 'utf8'), 'export PATH=/usr/bin\n', 'the file the link names is unchanged');
        assert.ok(lstatSync(pointer).isSymbolicLink());
      } finally {
        rmSync(pointer);
        await restoreFromFixture('nixos-flake', '.specify/feature.json');
      }
    });

    test('/speckit.specify gives failed quality checks back to the model once and writes the revised spec', async () => {
      const api = await testApi();
      const before = await specsNow(api);
      const clean = SPEC.replace('[NEEDS CLARIFICATION: how many days?]', '7 days').replace('The server MUST run PostgreSQL 15.', 'The server MUST keep the data of every team.').replace(/PostgreSQL 15/g, 'the database');
      const weak = clean.replace('A developer connects within 5 seconds of boot.', 'API response time is under 200 ms.');
      await script({ match: 'User input (the request to act on)', text: `<file path="spec.md">\n${weak}</file>` }, { match: 'fails these checks', text: `Fixed SC-001.\n<file path="spec.md">\n${clean}</file>` });
      const t = await chat('@speckit /speckit.specify Team data kept safe');
      assert.equal(t.result?.errorDetails, undefined, shown(t));
      const created = (await specsNow(api)).filter((n) => !before.includes(n));
      assert.equal(created.length, 1, shown(t));
      const spec = await readText(vscode.Uri.joinPath(featureDir(api, 0, created[0]!), 'spec.md'));
      assert.match(spec, /SC-001\*\*: A developer connects within 5 seconds of boot/, 'the revised spec was written');
      const asked = await received();
      assert.equal(asked.length, 2, 'one revision pass, no more');
      assert.match(asked[1]!.messages.map((m) => m.text).join('\n'), /Success criteria are technology-agnostic \(no implementation details\): SC-001 measures the system/);
      assert.match(shown(t), /Revised once for the failed checks: fixed Success criteria are technology-agnostic/);
    });

    test('/speckit.specify with createBranch=always creates the branch in the real repository', async () => {
      const api = await testApi();
      await vscode.workspace.getConfiguration('speckit').update('git.createBranch', 'always', vscode.ConfigurationTarget.Workspace);
      try {
        await script({ text: `<file path="spec.md">\n${SPEC.replace('[NEEDS CLARIFICATION: how many days?]', '7 days')}</file>` });
        const t = await chat('@speckit /speckit.specify Wireguard VPN server for remote access');
        assert.equal(t.result?.errorDetails, undefined, shown(t));
        const head = (await readText(vscode.Uri.joinPath(folderUri(), '.git', 'HEAD'))).trim();
        assert.match(head, /^ref: refs\/heads\/\d{3}-wireguard-vpn-server$/);
        assert.match(shown(t), /Branch `\d{3}-wireguard-vpn-server` created/);
        assert.match(shown(t), /ready for `\/speckit\.plan`/);
      } finally {
        await vscode.workspace.getConfiguration('speckit').update('git.createBranch', 'never', vscode.ConfigurationTarget.Workspace);
      }
      assert.ok(api);
    });

    test('a spec wrapped in a ```markdown fence is repaired and written', async () => {
      const api = await testApi();
      const before = await specsNow(api);
      await script({ text: `<file path="spec.md">\n\`\`\`markdown\n${SPEC}\`\`\`\n</file>` });
      const t = await chat('@speckit /speckit.specify Monitoring with postgres exporter');
      const created = (await specsNow(api)).filter((n) => !before.includes(n));
      assert.equal(created.length, 1, shown(t));
      const spec = await readText(vscode.Uri.joinPath(featureDir(api, 0, created[0]!), 'spec.md'));
      assert.match(spec, /^# Feature Specification: PostgreSQL Database Server/);
      assert.doesNotMatch(spec, /```markdown/);
      assert.match(shown(t), /Repaired/);
    });

    for (const [what, reply, expected] of [
      ['garbage', { text: "I'm sorry, but I can't help with that." }, /not a usable spec/],
      ['a truncated file', { text: `<file path="spec.md">\n${SPEC.slice(0, 400)}` }, /stopped before the end/],
      ['a Blocked error', { error: 'blocked', message: 'quota exceeded' }, /quota exceeded or blocked/],
      ['a NotFound error', { error: 'notFound', message: 'model gone' }, /not available any more/],
      ['a network failure', { error: 'plain', message: 'ECONNRESET' }, /request failed: ECONNRESET/],
      ['refused consent', { error: 'noPermissions', message: 'consent denied' }, /may not use this language model/],
    ] as const) {
      test(`/speckit.specify with ${what} ends with a clear message and writes nothing`, async () => {
        const api = await testApi();
        const before = await specsNow(api);
        const pointer = await readText(vscode.Uri.joinPath(projectRoot(api, 0), '.specify', 'feature.json'));
        await script(reply);
        const t = await chat('@speckit /speckit.specify Add a Redis cache for sessions');
        const message = t.result?.errorDetails?.message ?? shown(t);
        assert.match(message, expected);
        assert.deepEqual(await specsNow(api), before, 'no feature folder was created');
        assert.equal(await readText(vscode.Uri.joinPath(projectRoot(api, 0), '.specify', 'feature.json')), pointer, 'the pointer is unchanged');
      });
    }

    test('a cancel in the middle of the stream leaves nothing behind', async () => {
      const api = await testApi();
      const before = await specsNow(api);
      await script({ chunks: ['<file path="spec.md">\n', ...SPEC.split('\n').map((l) => `${l}\n`), '</file>'], delayMs: 150 });
      const count = transcripts(api).length;
      const asked = (await received()).length;
      await vscode.commands.executeCommand('workbench.action.chat.open', { query: '@speckit /speckit.specify Add a slow feature' });
      // Cancel in the middle of the stream: once the model has the request (the reply takes 150 ms a line).
      await waitUntil(async () => (await received()).length > asked, 'the model to be asked for the spec', 60_000);
      await vscode.commands.executeCommand('workbench.action.chat.cancel');
      await waitUntil(() => transcripts(api).length > count, 'the cancelled request to end', 30_000);
      const t = transcripts(api)[count]!;
      assert.match(shown(t), /Cancelled\. Nothing was written\./);
      assert.deepEqual(await specsNow(api), before);
    });

    test('/speckit.clarify asks one question at a time and records each answer in spec-kit’s format', async () => {
      const api = await testApi();
      const dir = featureDir(api, 0, '060-clarify');
      await writeText(vscode.Uri.joinPath(dir, 'spec.md'), SPEC);
      await waitForSnapshot(api, (s) => s.projects[0]!.features.some((f) => f.name === '060-clarify'), 'the feature');
      await vscode.window.showTextDocument(vscode.Uri.joinPath(dir, 'spec.md'));
      const questions = [
        { question: 'How many days of backups should be kept?', why: 'Sizes the storage.', kind: 'choice', options: [{ label: 'A', description: '7 days' }, { label: 'B', description: '30 days' }], recommended: 'A', section: 'Functional Requirements' },
        { question: 'Should backups be encrypted?', why: 'Security.', kind: 'choice', options: [{ label: 'A', description: 'Yes, with age' }, { label: 'B', description: 'No' }], recommended: 'A' },
      ];
      await script(
        { match: 'Reply with only a JSON array', text: JSON.stringify(questions) },
        { match: 'apply them to the rest of the spec', text: `<file path="spec.md">\n${SPEC.replace('[NEEDS CLARIFICATION: how many days?]', '7 days')}</file>` },
      );
      const q1 = await chat('@speckit /speckit.clarify');
      assert.match(shown(q1), /Question 1 of 2/);
      assert.match(shown(q1), /How many days of backups should be kept\?/);
      assert.equal((q1.result?.metadata?.['clarify'] as { next: number }).next, 0);

      const a1 = await chat('@speckit /speckit.clarify A');
      assert.match(shown(a1), /Should backups be encrypted\?/);
      const spec = await readText(vscode.Uri.joinPath(dir, 'spec.md'));
      assert.match(spec, /^## Clarifications$/m);
      assert.match(spec, /^### Session \d{4}-\d{2}-\d{2}$/m);
      assert.match(spec, /^- Q: How many days of backups should be kept\? → A: .*7 days/m);
      assert.match(spec, /Backups MUST be kept for 7 days/, 'the model applied the answer to the requirement');

      const done = await chat('@speckit /speckit.clarify done');
      assert.match(shown(done), /Clarification session done:\*\* 1 question answered, 1 deferred/);
    });

    test('/speckit.clarify re-checks a stale requirements.md after the answers', async () => {
      const api = await testApi();
      const dir = featureDir(api, 0, '063-recheck');
      await writeText(vscode.Uri.joinPath(dir, 'spec.md'), SPEC);
      const stale = '# Specification Quality Checklist: 063\n\n## Requirement Completeness\n\n- [ ] No [NEEDS CLARIFICATION] markers remain\n- [x] Edge cases are identified\n';
      await writeText(vscode.Uri.joinPath(dir, 'checklists', 'requirements.md'), stale);
      await waitForSnapshot(api, (s) => s.projects[0]!.features.some((f) => f.name === '063-recheck'), 'the feature');
      await vscode.window.showTextDocument(vscode.Uri.joinPath(dir, 'spec.md'));
      await script(
        { match: 'Reply with only a JSON array', text: JSON.stringify([{ question: 'How many days of backups should be kept?', why: 'Storage.', kind: 'short', options: [], recommended: '7 days' }]) },
        { match: 'apply them to the rest of the spec', text: `<file path="spec.md">\n${SPEC.replace('[NEEDS CLARIFICATION: how many days?]', '7 days')}</file>` },
      );
      await chat('@speckit /speckit.clarify');
      const a = await chat('@speckit /speckit.clarify 7 days');
      const checklist = await readText(vscode.Uri.joinPath(dir, 'checklists', 'requirements.md'));
      assert.match(checklist, /^- \[x\] No \[NEEDS CLARIFICATION\] markers remain$/m, 'the stale item is ticked now that the marker is answered');
      assert.match(checklist, /^- \[x\] Edge cases are identified$/m);
      assert.match(shown(a), /requirements\.md re-checked: 1\/2 → 2\/2 items passing \(newly passing: No \[NEEDS CLARIFICATION\] markers remain\)/);
    });

    test('numbered answers to all questions at once are recorded question by question (the seed’s way)', async () => {
      const api = await testApi();
      await vscode.workspace.getConfiguration('speckit').update('clarify.askAllAtOnce', true, vscode.ConfigurationTarget.Workspace);
      try {
        const dir = featureDir(api, 0, '061-clarify-all');
        await writeText(vscode.Uri.joinPath(dir, 'spec.md'), SPEC);
        await waitForSnapshot(api, (s) => s.projects[0]!.features.some((f) => f.name === '061-clarify-all'), 'the feature');
        await vscode.window.showTextDocument(vscode.Uri.joinPath(dir, 'spec.md'));
        await script(
          { match: 'Reply with only a JSON array', text: JSON.stringify([
            { question: 'Backup strategy?', why: 'x', kind: 'short', options: [], recommended: '7 days' },
            { question: 'User management?', why: 'y', kind: 'short', options: [], recommended: 'secrets' },
          ]) },
          { match: 'apply them to the rest of the spec', text: `<file path="spec.md">\n${SPEC}</file>` },
        );
        const q = await chat('@speckit /speckit.clarify');
        assert.match(shown(q), /1\. .*Backup strategy\?/s);
        assert.match(shown(q), /2\. .*User management\?/s);
        await chat('@speckit /speckit.clarify 1. Backup: 7 days retention, compressed with gzip, encrypted with age\n2. Users: Admin user via OpNix secrets');
        const spec = await readText(vscode.Uri.joinPath(dir, 'spec.md'));
        assert.match(spec, /- Q: Backup strategy\? → A: Backup: 7 days retention, compressed with gzip, encrypted with age/);
        assert.match(spec, /- Q: User management\? → A: Users: Admin user via OpNix secrets/);
      } finally {
        await vscode.workspace.getConfiguration('speckit').update('clarify.askAllAtOnce', undefined, vscode.ConfigurationTarget.Workspace);
      }
    });

    test('an answer while the user edits the spec keeps the user’s text', async () => {
      const api = await testApi();
      const dir = featureDir(api, 0, '062-dirty');
      const uri = vscode.Uri.joinPath(dir, 'spec.md');
      await writeText(uri, SPEC);
      await waitForSnapshot(api, (s) => s.projects[0]!.features.some((f) => f.name === '062-dirty'), 'the feature');
      const editor = await vscode.window.showTextDocument(uri);
      await script({ match: 'Reply with only a JSON array', text: JSON.stringify([{ question: 'Retention?', why: 'x', kind: 'short', options: [], recommended: '7 days' }]) });
      await chat('@speckit /speckit.clarify');
      await vscode.window.showTextDocument(uri);
      assert.ok(await editor.edit((e) => e.insert(editor.document.lineAt(editor.document.lineCount - 1).range.end, '\nMy unsaved note.\n')));
      await chat('@speckit /speckit.clarify yes');
      // Whether the chat saved the editor before our handler ran or the write was refused, nothing is lost.
      const text = editor.document.getText();
      assert.match(text, /My unsaved note\./);
      assert.match((await readText(uri)) + text, /- Q: Retention\? → A: 7 days/);
      await vscode.commands.executeCommand('workbench.action.files.save');
    });

    test('applying a proposal over an editor with unsaved changes is refused and loses nothing', async () => {
      const { planUri, original, id } = await proposePlanOver('065-dirty-plan');
      const editor = await vscode.window.showTextDocument(planUri);
      assert.ok(await editor.edit((e) => e.insert(new vscode.Position(0, 0), '<!-- my draft -->\n')));
      assert.equal(await vscode.commands.executeCommand('speckit.chat.applyProposal', id), false);
      assert.match(editor.document.getText(), /^<!-- my draft -->\n# Implementation Plan: Mine/);
      assert.equal(await readText(planUri), original);
      await vscode.commands.executeCommand('workbench.action.files.revert');
      assert.equal(await vscode.commands.executeCommand('speckit.chat.applyProposal', id), true);
      assert.match(await readText(planUri), /# Implementation Plan: Generated/);
      await vscode.commands.executeCommand('undo');
      assert.match(editor.document.getText(), /# Implementation Plan: Mine/, 'applying is one undoable edit');
    });

    test('a proposal over a file that changed since it was shown is refused with a fresh diff, then applies', async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const { planUri, id } = await proposePlanOver('066-stale-plan');
      // Someone edits plan.md after the diff was shown (another tool, a git checkout).
      const edited = '# Implementation Plan: Mine\n\n## Summary\n\nEdited after the proposal.\n';
      await writeText(planUri, edited);
      assert.equal(await vscode.commands.executeCommand('speckit.chat.applyProposal', id), false);
      assert.equal(await readText(planUri), edited, 'the unseen edit is kept');
      const diffTab = vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .find((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.scheme === 'speckit-proposal' && tab.input.original.path === planUri.path);
      assert.ok(diffTab, `a fresh diff is open: ${vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((tab) => tab.label).join(', ')}`);
      assert.equal(await vscode.commands.executeCommand('speckit.chat.applyProposal', id), true, 'after the fresh diff the same proposal applies');
      assert.match(await readText(planUri), /# Implementation Plan: Generated/);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    test('a proposal whose save fails is reported as applied but unsaved, and the newer file on disk is kept', async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const { planUri, id } = await proposePlanOver('067-save-fails');
      // Another program rewrites plan.md the moment the edit lands in the buffer: VS Code then refuses
      // to save over the newer file (a real save failure).
      const other = '# Implementation Plan: Rewritten elsewhere\n';
      const listener = saveConflictOnNextEdit(planUri, other, (doc) => doc.getText().includes('Generated'));
      try {
        assert.equal(await vscode.commands.executeCommand('speckit.chat.applyProposal', id), false, 'an unsaved write is not a success');
      } finally {
        listener.dispose();
      }
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === planUri.toString());
      assert.ok(doc?.isDirty, 'the applied change is left in the editor to save or undo');
      assert.match(doc.getText(), /# Implementation Plan: Generated/);
      assert.equal(await readText(planUri), other, 'the newer file on disk is not overwritten');
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });

    test('/speckit.plan writes plan.md and its documents, reports the gate, and proposes instead of overwriting', async () => {
      const api = await testApi();
      const dir = featureDir(api, 0, '063-plan');
      await writeText(vscode.Uri.joinPath(dir, 'spec.md'), SPEC);
      await waitForSnapshot(api, (s) => s.projects[0]!.features.some((f) => f.name === '063-plan'), 'the feature');
      await vscode.window.showTextDocument(vscode.Uri.joinPath(dir, 'spec.md'));
      const planText = '# Implementation Plan: PostgreSQL\n\n**Branch**: `063-plan` | **Date**: 2026-11-26 | **Spec**: [spec.md](./spec.md)\n\n## Summary\n\nA NixOS module.\n\n## Constitution Check\n\n- [x] Declarative configuration\n- [x] Builds with nix build\n';
      await script({ text: `Plan below.\n<file path="plan.md">\n${planText}</file>\n<file path="research.md">\n# Research\n\n## Backups\n\nDecision: pg_dump.\n</file>\n<file path="../../../etc/evil.md">\n# Evil\n</file>` });
      const t = await chat('@speckit /speckit.plan Use NixOS modules and systemd timers');
      assert.match(shown(t), /Constitution check: ✅ passed/);
      assert.match(shown(t), /evil\.md: .*(\.\.|outside)/);
      assert.equal(await readText(vscode.Uri.joinPath(dir, 'plan.md')), planText);
      assert.ok(await exists(vscode.Uri.joinPath(dir, 'research.md')));
      assert.equal(await exists(vscode.Uri.joinPath(folderUri(), '..', 'etc', 'evil.md')), false);

      await script({ text: `<file path="plan.md">\n${planText.replace('A NixOS module.', 'A better NixOS module.')}</file>` });
      const again = await chat('@speckit /speckit.plan');
      assert.match(shown(again), /already exist/);
      assert.equal(await readText(vscode.Uri.joinPath(dir, 'plan.md')), planText, 'not overwritten before the change is seen');
      const apply = again.parts.find((p) => p.kind === 'button' && /^Apply/.test(p.text));
      assert.ok(apply, 'an Apply button is offered');
    });

    test('/speckit.tasks renumbers and repairs the task lines and reports what it fixed', async () => {
      const api = await testApi();
      const dir = featureDir(api, 0, '064-tasks');
      await writeText(vscode.Uri.joinPath(dir, 'spec.md'), SPEC);
      await writeText(vscode.Uri.joinPath(dir, 'plan.md'), '# Implementation Plan: X\n\n## Summary\n\nY.\n');
      await waitForSnapshot(api, (s) => s.projects[0]!.features.some((f) => f.name === '064-tasks' && f.phase === 'planned'), 'the planned feature');
      await vscode.window.showTextDocument(vscode.Uri.joinPath(dir, 'plan.md'));
      await script({ text: '<file path="tasks.md">\n# Tasks: X\n\n## Phase 1: Setup\n\n- [ ] T001 [US1] Create modules/services/postgresql/default.nix (FR-001)\n- T005 Import the module in modules/default.nix\n\n## Phase 3: User Story 1 - Database runs (Priority: P1)\n\n- [ ] T002 [US1] Enable the service in hosts/ovh-cloud/default.nix (FR-001)\n</file>' });
      const t = await chat('@speckit /speckit.tasks');
      assert.equal(t.result?.errorDetails, undefined, shown(t));
      const text = await readText(vscode.Uri.joinPath(dir, 'tasks.md'));
      assert.match(text, /^- \[ \] T001 Create modules\/services\/postgresql\/default\.nix \(FR-001\)$/m, 'the story tag left the Setup phase');
      assert.match(text, /^- \[ \] T002 Import the module/m, 'a checkbox was added and the ID renumbered');
      assert.match(text, /^- \[ \] T003 \[US1\] Enable the service/m);
      assert.match(shown(t), /3 tasks/);
      assert.match(shown(t), /Fixed: /);
      assert.match(shown(t), /FR-002/, 'the requirement with no task is reported');
    });

    test('/speckit.constitution with no arguments reviews and writes nothing; with arguments it amends and versions', async () => {
      const api = await testApi();
      const uri = vscode.Uri.joinPath(projectRoot(api, 0), '.specify', 'memory', 'constitution.md');
      const before = await readText(uri);
      await script({ text: 'Key principles for this feature:\n✓ Declarative Configuration' });
      const review = await chat('@speckit /speckit.constitution');
      assert.match(shown(review), /Declarative Configuration/);
      assert.equal(await readText(uri), before);

      const amended = before.replace(/^(## Deployment Workflow)/m, '### VI. Observability\n\nEvery service MUST log to journald.\n\n$1');
      await script({ text: `Added an Observability principle.\n<file path="constitution.md">\n${amended}</file>` });
      const t = await chat('@speckit /speckit.constitution Add a principle: every service logs to journald');
      assert.equal(t.result?.errorDetails, undefined, shown(t));
      const after = await readText(uri);
      assert.doesNotMatch(after, /\(template\) → 1\.0\.0/, `the model's stale report is replaced: ${shown(t)} ${JSON.stringify(t.result)}`);
      assert.match(after, /^<!--\s*\n?\s*Sync Impact Report/m);
      assert.match(after, /\*\*Version\*\*: 1\.1\.0/);
      assert.match(shown(t), /1\.0\.0 → 1\.1\.0\*\* \(MINOR\)/);
    });

    test('a question without a command is answered from the feature’s artifacts, writing nothing', async () => {
      await restoreFromFixture('nixos-flake', '.specify/feature.json');
      await vscode.window.showTextDocument(vscode.Uri.joinPath(folderUri(), 'specs', '001-postgresql-database', 'tasks.md'));
      await script({ text: 'Here is the planned backup script for T007:\n\n```bash\npg_dumpall | gzip\n```' });
      const t = await chat('@speckit show me the planned backup script before you implement it');
      assert.equal(t.command, undefined);
      assert.match(shown(t), /pg_dumpall/);
      const prompt = (await received())[0]!.messages.map((m) => m.text).join('\n');
      assert.match(prompt, /Data: Tasks/);
      assert.match(prompt, /T007/);
    });
  });
}
