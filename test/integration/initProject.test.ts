// Spec Kit: Initialize Project on an empty folder and on one that already has a constitution.
import * as assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { questionsAsked, queueAnswers } from './editorHelpers';
import { currentWorkspace, folderUri, readText, testApi, waitForSnapshot, type WorkspaceName } from './helpers';

export const workspaces: readonly WorkspaceName[] = ['empty', 'nixos-flake'];

const FILES = [
  '.specify/memory/constitution.md',
  '.specify/templates/spec-template.md',
  '.specify/templates/plan-template.md',
  '.specify/templates/tasks-template.md',
  '.specify/templates/checklist-template.md',
  '.specify/templates/constitution-template.md',
  '.specify/init-options.json',
  '.specify/.gitignore',
];

async function exists(rel: string): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(vscode.Uri.joinPath(folderUri(), rel));
    return true;
  } catch {
    return false;
  }
}

export function define(): void {
  suite('Initialize Project', function () {
    this.timeout(60_000);

    if (currentWorkspace() === 'empty') {
      test('asks first, then writes the spec-kit 1.0 layout, and the index finds the project', async () => {
        const api = await testApi();
        // Another suite makes a project here first; start from the empty folder again.
        await vscode.workspace.fs.delete(vscode.Uri.joinPath(folderUri(), '.specify'), { recursive: true, useTrash: false }).then(undefined, () => undefined);
        await waitForSnapshot(api, (s) => s.projects.length === 0, 'the index to see an empty folder');
        for (const f of FILES) assert.equal(await exists(f), false, `${f} before`);
        queueAnswers(api, undefined);
        assert.equal(await vscode.commands.executeCommand('speckit.initProject'), undefined, 'cancelling the confirmation writes nothing');
        for (const f of FILES) assert.equal(await exists(f), false, `${f} after a cancel`);

        queueAnswers(api, 'Create 8 Files');
        const written = await vscode.commands.executeCommand<string[]>('speckit.initProject');
        assert.equal(written?.length, 8);
        for (const f of FILES) assert.ok(await exists(f), f);
        const constitution = await readText(vscode.Uri.joinPath(folderUri(), '.specify/memory/constitution.md'));
        assert.match(constitution, /\[PROJECT_NAME\]/);
        const options = JSON.parse(await readText(vscode.Uri.joinPath(folderUri(), '.specify/init-options.json'))) as Record<string, unknown>;
        assert.equal(options.feature_numbering, 'sequential');
        const snap = await waitForSnapshot(api, (s) => s.projects.length === 1, 'the initialized project in the index');
        assert.deepEqual((snap.projects[0] as { constitution?: unknown }).constitution, { version: null, placeholder: true });
        assert.ok(questionsAsked(api).some((q) => q.startsWith('Initialize Spec Kit in')));
      });

      test('never writes through a link out of the folder, not even on Replace, and says which files it left alone', async () => {
        const api = await testApi();
        const outside = mkdtempSync(join(tmpdir(), 'speckit-outside-'));
        writeFileSync(join(outside, 'plan.md'), 'mine\n');
        const linked = join(folderUri().fsPath, '.specify/templates/plan-template.md');
        const dangling = join(folderUri().fsPath, '.specify/.gitignore');
        rmSync(linked);
        rmSync(dangling);
        symlinkSync(join(outside, 'plan.md'), linked);
        symlinkSync(join(outside, 'not-yet.txt'), dangling);
        try {
          queueAnswers(api, 'Create 0 Files', 'Replace');
          const written = (await vscode.commands.executeCommand<string[]>('speckit.initProject'))?.map((p) => p.slice(folderUri().path.length + 1));
          assert.deepEqual(written?.sort(), ['.specify/init-options.json', '.specify/templates/checklist-template.md', '.specify/templates/constitution-template.md', '.specify/templates/spec-template.md', '.specify/templates/tasks-template.md']);
          assert.equal(readFileSync(join(outside, 'plan.md'), 'utf8'), 'mine\n', 'the linked file is not replaced');
          assert.equal(existsSync(join(outside, 'not-yet.txt')), false, 'nothing is created where a dangling link points');
          assert.ok(lstatSync(linked).isSymbolicLink() && lstatSync(dangling).isSymbolicLink(), 'the links are left as they were');
        } finally {
          rmSync(linked);
          rmSync(dangling);
        }
        // With the links gone, both files are created again.
        queueAnswers(api, 'Create 2 Files', 'Keep Mine');
        const again = await vscode.commands.executeCommand<string[]>('speckit.initProject');
        assert.equal(again?.length, 2);
      });

      test('New Feature in the new project does not create its spec through a specs/ link out of the folder', async () => {
        const api = await testApi();
        await waitForSnapshot(api, (s) => s.projects.length === 1, 'the project');
        const outside = mkdtempSync(join(tmpdir(), 'speckit-outside-'));
        const specs = join(folderUri().fsPath, 'specs');
        // Suites before this one may have made features here: they are put back afterwards.
        const aside = existsSync(specs) ? `${specs}.aside` : undefined;
        if (aside) renameSync(specs, aside);
        symlinkSync(outside, specs);
        try {
          queueAnswers(api, 'Add nightly backups');
          assert.equal(await vscode.commands.executeCommand('speckit.newFeature', folderUri().path), undefined);
          assert.deepEqual(readdirSync(outside), [], 'nothing was created outside');
        } finally {
          rmSync(specs);
          if (aside) renameSync(aside, specs);
        }
      });
    } else {
      test('keeps an existing constitution and asks before replacing templates', async () => {
        const api = await testApi();
        const constitutionUri = vscode.Uri.joinPath(folderUri(), '.specify/memory/constitution.md');
        const constitution = await readText(constitutionUri);
        const template = await readText(vscode.Uri.joinPath(folderUri(), '.specify/templates/spec-template.md'));
        // "Create 1 File" (.specify/.gitignore is the only missing file), then keep the templates.
        queueAnswers(api, 'Create 1 File', 'Keep Mine');
        const written = await vscode.commands.executeCommand<string[]>('speckit.initProject');
        assert.deepEqual(written?.map((p) => p.slice(folderUri().path.length + 1)), ['.specify/.gitignore']);
        assert.equal(await readText(constitutionUri), constitution, 'the constitution is never replaced');
        assert.equal(await readText(vscode.Uri.joinPath(folderUri(), '.specify/templates/spec-template.md')), template);

        queueAnswers(api, 'Create 0 Files', 'Replace');
        await vscode.commands.executeCommand('speckit.initProject');
        assert.equal(await readText(constitutionUri), constitution, 'not even when the user replaces the templates');
        assert.notEqual(await readText(vscode.Uri.joinPath(folderUri(), '.specify/templates/spec-template.md')), template);
      });
    }
  });
}
