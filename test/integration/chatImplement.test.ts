// @speckit /speckit.implement, /speckit.analyze, /speckit.checklist and /speckit.converge with the
// deterministic model scripting tool calls: edits, verification gates, resume, cancel, refusals.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as vscode from 'vscode';
import { chat as chatWithin, received, script, selectTestModel, shown, transcripts } from './chatHelpers';
import { featureDir, projectRoot, queueAnswers } from './editorHelpers';
import { readText, testApi, waitForSnapshot, waitUntil, writeText, type SpeckitTestApi, type WorkspaceName } from './helpers';

export const workspaces: readonly WorkspaceName[] = ['nixos-flake'];

/** Implement runs take longer than a single answer. */
const chat = (query: string): ReturnType<typeof chatWithin> => chatWithin(query, 60_000);

const SPEC = '# Feature Specification: Files\n\n## User Scenarios & Testing\n\n### User Story 1 - Files exist (Priority: P1)\n\nFiles.\n\n## Requirements\n\n### Functional Requirements\n\n- **FR-001**: The system MUST have a.txt.\n- **FR-002**: The system MUST have b.txt.\n';
const PLAN = '# Implementation Plan: Files\n\n## Summary\n\nWrite two files.\n';
const TASKS = '# Tasks: Files\n\n## Phase 1: Setup\n\n- [ ] T001 Create src/a.txt (FR-001)\n- [ ] T002 Create src/b.txt (FR-002)\n';

/** A feature of its own, made current (the chat acts on the current feature). */
async function feature(api: SpeckitTestApi, name: string, extra: Record<string, string> = {}): Promise<vscode.Uri> {
  await waitForSnapshot(api, (s) => s.projects.length > 0, 'the first scan');
  const dir = featureDir(api, 0, name);
  await writeText(vscode.Uri.joinPath(dir, 'spec.md'), SPEC);
  await writeText(vscode.Uri.joinPath(dir, 'plan.md'), PLAN);
  await writeText(vscode.Uri.joinPath(dir, 'tasks.md'), TASKS);
  for (const [rel, text] of Object.entries(extra)) await writeText(vscode.Uri.joinPath(dir, rel), text);
  await writeText(vscode.Uri.joinPath(projectRoot(api, 0), '.specify', 'feature.json'), `{"feature_directory":"specs/${name}"}\n`);
  await waitForSnapshot(api, (s) => s.projects[0]!.features.some((f) => f.name === name && f.tasks.total === 2) && (s.projects[0] as { current?: string }).current === `specs/${name}`, `the feature ${name}`);
  await vscode.window.showTextDocument(vscode.Uri.joinPath(dir, 'tasks.md'));
  return dir;
}

const writes = (id: string, path: string): object[] => [
  { match: `Implement ${id}.`, toolCalls: [{ name: 'write_file', input: { path, content: 'ok\n' } }] },
  { match: `Implement ${id}.`, text: `Created ${path}.` },
];

async function setVerify(command: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('speckit').update('verify.command', command, vscode.ConfigurationTarget.Workspace);
}

export function define(): void {
  defineTools();
  defineQuickWorkflow();
  suite('@speckit implement, analyze, checklist, converge', function () {
    this.timeout(180_000);

    suiteSetup(selectTestModel);
    teardown(async () => setVerify(undefined));

    test('a two-task implement edits files through tools and ticks both after their verification passes', async () => {
      const api = await testApi();
      const dir = await feature(api, '070-impl');
      const root = projectRoot(api, 0);
      await setVerify('test -f src/a.txt');
      await script(...writes('T001', 'src/a.txt'), ...writes('T002', 'src/b.txt'));
      const t = await chat('@speckit /speckit.implement');
      assert.equal(t.result?.errorDetails, undefined, shown(t));
      assert.equal(await readText(vscode.Uri.joinPath(root, 'src', 'a.txt')), 'ok\n');
      assert.equal(await readText(vscode.Uri.joinPath(root, 'src', 'b.txt')), 'ok\n');
      const tasks = await readText(vscode.Uri.joinPath(dir, 'tasks.md'));
      assert.match(tasks, /^- \[X\] T001 /m);
      assert.match(tasks, /^- \[X\] T002 /m);
      assert.match(shown(t), /2\/2 tasks done/);
      const prompts = (await received()).map((r) => r.messages.map((m) => m.text).join('\n'));
      assert.ok(prompts.some((p) => p.includes('- [ ] T001 Create src/a.txt') && !p.includes('T002 Create src/b.txt')), 'each task gets a fresh context of its own');
    });

    test('a failing verification leaves the task open and stops; a re-run resumes at it', async () => {
      const api = await testApi();
      const dir = await feature(api, '071-fail');
      await setVerify('echo build broke >&2; exit 3');
      await script(...writes('T001', 'src/c.txt'));
      const t = await chat('@speckit /speckit.implement');
      assert.match(shown(t), /T001 failed verification\*\* \(exit 3/);
      assert.match(shown(t), /build broke/);
      assert.match(await readText(vscode.Uri.joinPath(dir, 'tasks.md')), /^- \[ \] T001 /m, 'not ticked');
      assert.equal((await received()).length, 2, 'stopped: T002 was not attempted');

      await setVerify('true');
      await script(...writes('T001', 'src/c.txt'), ...writes('T002', 'src/d.txt'));
      const again = await chat('@speckit /speckit.implement');
      assert.match(shown(again), /\*\*T001\*\*/);
      assert.match(await readText(vscode.Uri.joinPath(dir, 'tasks.md')), /^- \[X\] T001 [\s\S]*^- \[X\] T002 /m);
    });

    test('a scope implements only the tasks it names', async () => {
      const api = await testApi();
      const dir = await feature(api, '072-scope');
      await setVerify('true');
      await script(...writes('T002', 'src/e.txt'));
      await chat('@speckit /speckit.implement T002');
      const tasks = await readText(vscode.Uri.joinPath(dir, 'tasks.md'));
      assert.match(tasks, /^- \[ \] T001 /m);
      assert.match(tasks, /^- \[X\] T002 /m);
    });

    test('hostile tool calls are refused and reported; nothing is written outside the project', async () => {
      const api = await testApi();
      const dir = await feature(api, '073-hostile');
      await setVerify('true');
      await script(
        {
          match: 'Implement T001.',
          toolCalls: [
            { name: 'write_file', input: { path: '../../outside.txt', content: 'x' } },
            { name: 'write_file', input: { path: '/etc/speckit-test', content: 'x' } },
            { name: 'write_file', input: { path: 'src/x.txt; rm -rf /', content: 'x' } },
            { name: 'read_file', input: { path: '../../../etc/passwd' } },
            { name: 'write_file', input: { path: 'src/huge.txt', content: 'x'.repeat(300_000) } },
            { name: 'write_file', input: { path: 'link-out/escaped.txt', content: 'x' } },
          ],
        },
        { match: 'Implement T001.', text: 'I could not write those.' },
      );
      // A symbolic link inside the project that leads out of it.
      const outside = mkdtempSync(join(tmpdir(), 'speckit-outside-'));
      symlinkSync(outside, join(projectRoot(api, 0).fsPath, 'link-out'));
      const t = await chat('@speckit /speckit.implement T001');
      const text = shown(t);
      assert.equal((text.match(/Refused/g) ?? []).length, 6, text);
      assert.match(text, /goes through a symbolic link/);
      assert.deepEqual(readdirSync(outside), [], 'nothing was written through the link');
      assert.match(text, /at most 200000 may be written at once/);
      assert.match(text, /T001 stays open: every change the model tried was refused/);
      assert.match(await readText(vscode.Uri.joinPath(dir, 'tasks.md')), /^- \[ \] T001 /m);
      const toolResults = (await received())[1]!.messages.map((m) => m.text).join('\n');
      assert.ok(toolResults.length > 0);
      await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.joinPath(projectRoot(api, 0), '..', '..', 'outside.txt'))));
      await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.joinPath(projectRoot(api, 0), 'src', 'huge.txt'))));
      assert.ok(dir);
    });

    test('writes to protected paths are held back as diffs to apply, never written; the task stays open', async () => {
      const api = await testApi();
      const dir = await feature(api, '080-protected');
      const root = projectRoot(api, 0);
      await setVerify('true');
      const settingsBefore = await readText(vscode.Uri.joinPath(root, '.vscode', 'settings.json'));
      await script(
        {
          match: 'Implement T001.',
          toolCalls: [
            { name: 'write_file', input: { path: 'src/ok.txt', content: 'ok\n' } },
            { name: 'write_file', input: { path: '.vscode/settings.json', content: '{ "speckit.verify.command": "touch pwned" }\n' } },
            { name: 'write_file', input: { path: '.git/hooks/pre-commit', content: '#!/bin/sh\ntouch pwned\n' } },
            { name: 'replace_in_file', input: { path: 'specs/080-protected/tasks.md', find: '- [ ] T001', replace: '- [X] T001' } },
          ],
        },
        { match: 'Implement T001.', text: 'Done.' },
      );
      const t = await chat('@speckit /speckit.implement T001');
      const text = shown(t);
      assert.equal(await readText(vscode.Uri.joinPath(root, 'src', 'ok.txt')), 'ok\n', 'ordinary files are the normal work');
      assert.equal(await readText(vscode.Uri.joinPath(root, '.vscode', 'settings.json')), settingsBefore, '.vscode/settings.json untouched');
      await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.joinPath(root, '.git', 'hooks', 'pre-commit'))));
      assert.match(await readText(vscode.Uri.joinPath(dir, 'tasks.md')), /^- \[ \] T001 /m, 'only Spec Kit ticks tasks');
      assert.match(text, /T001 stays open: the model changed protected files/);
      assert.match(text, /Compare \.vscode\/settings\.json/);
      assert.match(text, /Apply 3 protected changes/);
      assert.match(text, /\.git\/hooks\/pre-commit is protected/, 'the model is told, and the chat shows it');
    });

    test('files a task names outside the project are not attached to the prompt', async () => {
      const api = await testApi();
      const root = projectRoot(api, 0);
      const outside = mkdtempSync(join(tmpdir(), 'speckit-secret-'));
      writeFileSync(join(outside, 'id_rsa'), 'TOP-SECRET-KEY');
      symlinkSync(outside, join(root.fsPath, 'secret-link'));
      const rel = relative(root.fsPath, join(outside, 'id_rsa'));
      const dir = await feature(api, '081-contain');
      await writeText(vscode.Uri.joinPath(dir, 'tasks.md'), `# Tasks: Files\n\n## Phase 1: Setup\n\n- [ ] T001 Update ${rel} and secret-link/id_rsa (FR-001)\n- [ ] T002 Create src/b.txt (FR-002)\n`);
      await waitForSnapshot(api, (s) => s.projects[0]!.features.some((f) => f.name === '081-contain' && f.tasks.total === 2), 'the edited tasks');
      await setVerify('true');
      await script({ match: 'Implement T001.', text: 'Nothing to do.' });
      const t = await chat('@speckit /speckit.implement T001');
      const prompts = (await received()).map((r) => r.messages.map((m) => m.text).join('\n')).join('\n');
      assert.ok(prompts.includes('T001 Update'), 'the model was asked');
      assert.ok(!prompts.includes('TOP-SECRET-KEY'), 'the secret reached the prompt');
      assert.match(shown(t), /Not attached to the prompt \(outside the project\)/);
    });

    test('a verification command that changes during the run is not run without asking again', async () => {
      const api = await testApi();
      const dir = await feature(api, '082-changed');
      const root = projectRoot(api, 0);
      await setVerify('true');
      // Slow enough that the settings change lands while the model still answers.
      await script({ match: 'Implement T001.', chunks: ['Working', ' on', ' it', ' very', ' slowly', ' while', ' settings', ' change.'], delayMs: 1000 });
      const count = transcripts(api).length;
      const asked = (await received()).length;
      await vscode.commands.executeCommand('workbench.action.chat.open', { query: '@speckit /speckit.implement T001' });
      await waitUntil(async () => (await received()).length > asked, 'the model to be asked for T001', 60_000);
      await setVerify('touch changed-marker');
      queueAnswers(api, undefined);
      await waitUntil(() => transcripts(api).length > count, 'the implement request to end', 60_000);
      const text = shown(transcripts(api)[transcripts(api).length - 1]!);
      assert.match(text, /~~~sh\n\/bin\/sh -c true/, 'the command was shown in full before the loop');
      assert.match(text, /verification changed during the run and was not confirmed/);
      await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.joinPath(root, 'changed-marker'))), 'the changed command did not run');
      assert.match(await readText(vscode.Uri.joinPath(dir, 'tasks.md')), /^- \[ \] T001 /m);
    });

    test('a cancel stops between steps and leaves tasks.md as it was', async () => {
      const api = await testApi();
      const dir = await feature(api, '074-cancel');
      await setVerify('true');
      await script({ match: 'Implement T001.', chunks: ['Working', ' on', ' it', ' slowly', '.'], delayMs: 400 });
      const count = transcripts(api).length;
      const asked = (await received()).length;
      await vscode.commands.executeCommand('workbench.action.chat.open', { query: '@speckit /speckit.implement' });
      // Cancel while the model streams T001's slow answer (a fixed delay cancels before the request
      // even reaches the participant on a busy machine).
      await waitUntil(async () => (await received()).length > asked, 'the model to be asked for T001', 60_000);
      await vscode.commands.executeCommand('workbench.action.chat.cancel');
      await waitUntil(() => transcripts(api).length > count, 'the cancelled request to end', 60_000);
      assert.equal(await readText(vscode.Uri.joinPath(dir, 'tasks.md')), TASKS);
    });

    test('open checklist items stop implement until the user proceeds anyway', async () => {
      const api = await testApi();
      await feature(api, '075-gate', { 'checklists/security.md': '# Security Checklist\n\n## Clarity\n\n- [x] CHK001 Is auth specified?\n- [ ] CHK002 Are secrets kept out of git?\n' });
      await setVerify('true');
      await script(...writes('T001', 'src/f.txt'), ...writes('T002', 'src/g.txt'));
      const t = await chat('@speckit /speckit.implement');
      assert.match(shown(t), /\| security \| 2 \| 1 \| 1 \| ✗ FAIL \|/);
      assert.equal((await received()).length, 0, 'the model is not called before the user decides');
      const go = await chat('@speckit /speckit.implement proceed anyway');
      assert.match(shown(go), /2\/2 tasks done/);
    });

    test('/speckit.converge appends a Convergence phase with continuing IDs and leaves existing lines alone', async () => {
      const api = await testApi();
      const dir = await feature(api, '076-converge');
      await script({ text: JSON.stringify([{ text: 'Add the missing b.txt in src/b.txt', sourceRef: 'FR-002', gap: 'missing', severity: 'HIGH', evidence: 'no file' }]) });
      await chat('@speckit /speckit.converge');
      const tasks = await readText(vscode.Uri.joinPath(dir, 'tasks.md'));
      assert.ok(tasks.startsWith(TASKS), 'existing tasks untouched');
      assert.match(tasks, /^## Phase 2: Convergence$/m);
      assert.match(tasks, /^- \[ \] T003 Add the missing b\.txt in src\/b\.txt per FR-002 \(missing\)$/m);
    });

    test('/speckit.analyze shows the code’s findings even when the model fails, and writes nothing', async () => {
      const api = await testApi();
      const dir = await feature(api, '077-analyze');
      await writeText(vscode.Uri.joinPath(dir, 'tasks.md'), '# Tasks\n\n## Phase 1: Setup\n\n- [ ] T001 Create src/a.txt (FR-001)\n');
      await waitForSnapshot(api, (s) => s.projects[0]!.features.some((f) => f.name === '077-analyze' && f.tasks.total === 1), 'the edited tasks');
      await script({ error: 'plain', message: 'offline' });
      const t = await chat('@speckit /speckit.analyze');
      assert.match(shown(t), /\| ID \| Category \| Severity \|/);
      assert.match(shown(t), /FR-002/);
      assert.match(shown(t), /did not run/);
      assert.equal(await readText(vscode.Uri.joinPath(dir, 'tasks.md')), '# Tasks\n\n## Phase 1: Setup\n\n- [ ] T001 Create src/a.txt (FR-001)\n');
    });

    test('/speckit.checklist writes CHK items and appends to an existing file with continuing IDs', async () => {
      const api = await testApi();
      const dir = await feature(api, '078-checklist');
      const items = '## Requirement Clarity\n\n- [ ] CHK001 Is "fast" quantified? [Clarity, Spec §FR-001]\n- [ ] CHK002 Are failure modes listed? [Gap]\n';
      await script({ text: items });
      await chat('@speckit /speckit.checklist security');
      let text = await readText(vscode.Uri.joinPath(dir, 'checklists', 'security.md'));
      assert.match(text, /CHK001 Is "fast" quantified\?/);
      await script({ text: '## Edge Case Coverage\n\n- [ ] CHK001 Is an empty input specified? [Gap]\n' });
      await chat('@speckit /speckit.checklist security');
      text = await readText(vscode.Uri.joinPath(dir, 'checklists', 'security.md'));
      assert.match(text, /CHK002 Are failure modes listed\?/);
      assert.match(text, /CHK003 Is an empty input specified\?/);
      const hostile = await chat('@speckit /speckit.checklist ../../evil');
      assert.match(shown(hostile), /cannot name a checklist/);
    });
  });
}

export function defineTools(): void {
  suite('language-model tools', function () {
    this.timeout(60_000);

    test('are registered with the speckit tag and usable through vscode.lm.invokeTool', async () => {
      const api = await testApi();
      await waitForSnapshot(api, (s) => s.projects.length > 0, 'the index');
      const names = vscode.lm.tools.filter((t) => t.tags.includes('speckit')).map((t) => t.name).sort();
      assert.deepEqual(names, ['speckit_analyzeFeature', 'speckit_listFeatures', 'speckit_readFeature', 'speckit_runVerification', 'speckit_setTaskState']);
      const read = async (name: string, input: object): Promise<string> => {
        const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
        return result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
      };
      assert.match(await read('speckit_listFeatures', {}), /001-postgresql-database/);
      assert.match(await read('speckit_readFeature', { feature: '001-postgresql-database' }), /## tasks\.md/);
      assert.match(await read('speckit_analyzeFeature', { feature: '001' }), /\| ID \| Category \|/);
      assert.match(await read('speckit_readFeature', { feature: '../../etc' }), /^Refused: /);
      assert.match(await read('speckit_setTaskState', { feature: '001-postgresql-database', taskId: 'T001; rm -rf /' }), /^Refused: taskId/);
      const dir = featureDir(api, 0, '079-tools');
      await writeText(vscode.Uri.joinPath(dir, 'tasks.md'), TASKS);
      await waitForSnapshot(api, (s) => s.projects[0]!.features.some((f) => f.name === '079-tools'), 'the feature');
      assert.match(await read('speckit_setTaskState', { feature: '079-tools', taskId: 'T002', done: true }), /T002 is done/);
      assert.match(await readText(vscode.Uri.joinPath(dir, 'tasks.md')), /^- \[X\] T002 /m);
    });

    test('runVerification shows the exact command it will run and refuses one that changed after the confirmation', async () => {
      const api = await testApi();
      await waitForSnapshot(api, (s) => s.projects.length > 0, 'the index');
      const dir = featureDir(api, 0, '079-verify');
      await writeText(vscode.Uri.joinPath(dir, 'tasks.md'), TASKS);
      await waitForSnapshot(api, (s) => s.projects[0]!.features.some((f) => f.name === '079-verify'), 'the feature');
      const run = async (input: object): Promise<string> => {
        const result = await vscode.lm.invokeTool('speckit_runVerification', { input, toolInvocationToken: undefined });
        return result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
      };
      const message = async (): Promise<string> => {
        const prepared = await api.tools!.prepareVerification({ feature: '079-verify', taskId: 'T002' });
        const m = prepared?.confirmationMessages?.message;
        return typeof m === 'string' ? m : (m?.value ?? '');
      };
      try {
        await setVerify('echo verified-one && test -d .');
        const first = await message();
        assert.match(first, /~~~sh\n\/bin\/sh -c 'echo verified-one && test -d \.'\s+# in \S+\n~~~/, `the confirmation shows the command in full: ${first}`);
        // The settings change between the confirmation and the run: what would run is not what was shown.
        await setVerify('echo verified-two');
        const refused = await api.tools!.invokeVerification({ feature: '079-verify', taskId: 'T002' });
        assert.match(refused, /^Refused: the verification command is not the one that was confirmed; it is now: \/bin\/sh -c 'echo verified-two'/);
        assert.doesNotMatch(refused, /^verified-two$/m, 'the changed command did not run');
        // Through VS Code, which prepares (confirms) again right before invoking: the new command, shown, runs.
        assert.match(await message(), /echo verified-two/);
        assert.match(await run({ feature: '079-verify', taskId: 'T002' }), /^Passed \(exit 0[^]*verified-two/);
      } finally {
        await setVerify(undefined);
      }
    });
  });
}

export function defineQuickWorkflow(): void {
  suite('@speckit quick workflow and references', function () {
    this.timeout(180_000);

    suiteSetup(selectTestModel);

    test('implement on a feature with only a spec plans, breaks down and then implements (the seed’s quick workflow)', async () => {
      const api = await testApi();
      await waitForSnapshot(api, (s) => s.projects.length > 0, 'the first scan');
      const dir = featureDir(api, 0, '085-quick');
      await writeText(vscode.Uri.joinPath(dir, 'spec.md'), SPEC);
      await writeText(vscode.Uri.joinPath(projectRoot(api, 0), '.specify', 'feature.json'), '{"feature_directory":"specs/085-quick"}\n');
      await waitForSnapshot(api, (s) => (s.projects[0] as { current?: string }).current === 'specs/085-quick', 'the current feature');
      await vscode.window.showTextDocument(vscode.Uri.joinPath(dir, 'spec.md'));
      await setVerify('true');
      try {
        await script(
          { match: 'You are planning the implementation', text: `<file path="plan.md">\n${PLAN}\n## Constitution Check\n\n- [x] Simple\n</file>` },
          { match: 'You are writing `specs/085-quick/tasks.md`', text: '<file path="tasks.md">\n# Tasks: Files\n\n## Phase 1: Setup\n\n- [ ] T001 Create src/quick.txt (FR-001)\n</file>' },
          ...writes('T001', 'src/quick.txt'),
        );
        const t = await chat('@speckit /speckit.implement The spec looks good. Go ahead and implement it.');
        assert.match(shown(t), /has no tasks yet: planning and breaking it down first/);
        assert.match(await readText(vscode.Uri.joinPath(dir, 'plan.md')), /# Implementation Plan: Files/);
        assert.match(await readText(vscode.Uri.joinPath(dir, 'tasks.md')), /^- \[X\] T001 Create src\/quick\.txt/m);
        assert.equal(await readText(vscode.Uri.joinPath(projectRoot(api, 0), 'src', 'quick.txt')), 'ok\n');
      } finally {
        await setVerify(undefined);
      }
    });

    test('a #file reference in the request reaches the model as fenced data', async () => {
      const api = await testApi();
      await waitForSnapshot(api, (s) => s.projects.length > 0, 'the first scan');
      await script({ text: 'The README says what the flake holds.' });
      // Attach the file as a person does with "Add Context…" (the chat's attach option).
      const before = transcripts(api).length;
      await vscode.commands.executeCommand('workbench.action.chat.open', { query: '@speckit what does the attached README say about the hosts?', attachFiles: [vscode.Uri.joinPath(projectRoot(api, 0), 'README.md')] });
      await waitUntil(() => transcripts(api).length > before, '@speckit to answer', 60_000);
      const prompt = (await received())[0]?.messages.map((m) => m.text).join('\n') ?? '';
      const readme = await readText(vscode.Uri.joinPath(projectRoot(api, 0), 'README.md'));
      assert.ok(prompt.includes('README.md'), 'the reference is named');
      assert.ok(prompt.includes(readme.split('\n').find((l) => l.trim().length > 20)!.trim()), 'the file’s text is in the prompt');
    });
  });
}
