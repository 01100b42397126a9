// CodeLens on tasks and specs: titles and commands for every task shape, ticking through an
// undoable edit that changes only the checkbox, unsaved documents, and the toggle keybinding command.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { featureDir, saveConflictOnNextEdit } from './editorHelpers';
import { readText, testApi, waitForSnapshot, waitUntil, writeText, type WorkspaceName } from './helpers';

export const workspaces: readonly WorkspaceName[] = ['nixos-flake'];

const VARIANTS = [
  '# Tasks: Lens variants',
  '',
  '## Phase 1: Setup',
  '',
  '- [ ] T001 Plain task in modules/a.nix',
  '- [x] **T002** Bold ID',
  '- [ ] [T003] Bracketed ID',
  '- [ ] T004 Parent task',
  '  - [ ] T005 [P] Nested task',
  '',
  '## Phase 2: Foundational',
  '',
  '- T006 No checkbox yet',
  '',
].join('\n');

const SEED = [
  '# PostgreSQL Implementation Tasks',
  '',
  '### Task 1: Create Module Structure',
  '**Priority:** High  ',
  '**Dependencies:** None',
  '',
  '**Acceptance:**',
  '- [ ] Directory structure created',
  '- [x] Files exist with proper Nix syntax',
  '',
].join('\n');

interface Lens {
  line: number;
  title: string;
  command: string;
  args: unknown[];
}

async function lensesOf(uri: vscode.Uri): Promise<Lens[]> {
  // The lens command needs the document loaded in the workbench.
  await vscode.workspace.openTextDocument(uri);
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
  return lenses
    .filter((l) => l.command)
    .map((l) => ({ line: l.range.start.line, title: l.command!.title, command: l.command!.command, args: l.command!.arguments ?? [] }))
    .filter((l) => l.command.startsWith('speckit.') || l.title.includes('done'));
}

async function write(name: string, file: string, text: string): Promise<vscode.Uri> {
  const api = await testApi();
  await waitForSnapshot(api, (s) => s.projects.length > 0, 'the first scan');
  const uri = vscode.Uri.joinPath(featureDir(api, 0, name), file);
  await writeText(uri, text);
  return uri;
}

export function define(): void {
  suite('Task CodeLens', function () {
    this.timeout(60_000);

    // Later suites act on "the feature of the active editor": leave none of this suite's open.
    suiteTeardown(async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    test('every task shape gets Implement and Mark done; phases get progress and Implement phase', async () => {
      const uri = await write('090-lens-variants', 'tasks.md', VARIANTS);
      await vscode.window.showTextDocument(uri);
      const lenses = await lensesOf(uri);
      const at = (line: number): string[] => lenses.filter((l) => l.line === line && l.command !== 'speckit.verifyTask').map((l) => l.title);
      assert.deepEqual(at(2), ['$(pulse) 1/5 done', '$(run-all) Implement phase']);
      assert.deepEqual(at(4), ['$(play) Implement', '$(check) Mark done']);
      assert.deepEqual(at(5), ['$(discard) Mark not done']);
      assert.deepEqual(at(6), ['$(play) Implement', '$(check) Mark done']);
      assert.deepEqual(at(8), ['$(play) Implement', '$(check) Mark done']);
      assert.deepEqual(at(12), ['$(play) Implement', '$(check) Mark done']);
      const implement = lenses.find((l) => l.line === 6 && l.command === 'speckit.implementTask')!;
      assert.equal(implement.args[1], 'T003');
      const phase = lenses.find((l) => l.command === 'speckit.implementPhase')!;
      assert.equal(phase.args[1], 'Phase 1');
      // In a trusted flake workspace every task also gets the build gate.
      const verify = lenses.filter((l) => l.command === 'speckit.verifyTask');
      assert.deepEqual(verify.map((l) => l.line), [4, 5, 6, 7, 8, 12]);
      assert.ok(verify.every((l) => l.title === '$(beaker) Build & verify'));
    });

    test('CRLF files get the same lenses', async () => {
      const uri = await write('091-lens-crlf', 'tasks.md', VARIANTS.replace(/\n/g, '\r\n'));
      const lenses = await lensesOf(uri);
      assert.equal(lenses.filter((l) => l.command === 'speckit.markTaskDone' || l.command === 'speckit.markTaskNotDone').length, 6);
    });

    test('Mark done changes only the checkbox character, through an undoable edit', async () => {
      const uri = await write('092-lens-toggle', 'tasks.md', VARIANTS);
      const editor = await vscode.window.showTextDocument(uri);
      const before = editor.document.getText();
      assert.ok(await vscode.commands.executeCommand('speckit.markTaskDone', uri, 'T001'));
      const after = editor.document.getText();
      assert.equal(after, before.replace('- [ ] T001', '- [X] T001'));
      assert.equal(await readText(uri), after, 'a document that was clean is saved after the tick');
      await vscode.commands.executeCommand('undo');
      assert.equal(editor.document.getText(), before);
      assert.ok(await vscode.commands.executeCommand('speckit.markTaskNotDone', uri, 'T002'));
      assert.equal(editor.document.getText(), before.replace('- [x] **T002**', '- [ ] **T002**'));
    });

    test('a task without a checkbox gets one, and only that', async () => {
      const uri = await write('093-lens-nobox', 'tasks.md', VARIANTS);
      const editor = await vscode.window.showTextDocument(uri);
      assert.ok(await vscode.commands.executeCommand('speckit.markTaskDone', uri, 'T006'));
      assert.equal(editor.document.getText(), VARIANTS.replace('- T006', '- [X] T006'));
    });

    test('ticking works on an unsaved document and leaves the user’s edit in place', async () => {
      const uri = await write('094-lens-dirty', 'tasks.md', VARIANTS);
      const editor = await vscode.window.showTextDocument(uri);
      await editor.edit((e) => e.insert(new vscode.Position(0, editor.document.lineAt(0).text.length), ' (draft)'));
      assert.ok(editor.document.isDirty);
      assert.ok(await vscode.commands.executeCommand('speckit.markTaskDone', uri, 'T003'));
      const text = editor.document.getText();
      assert.match(text, /^# Tasks: Lens variants \(draft\)$/m);
      assert.match(text, /^- \[X\] \[T003\] Bracketed ID$/m);
      assert.ok(editor.document.isDirty, 'the unsaved buffer stays unsaved');
      assert.equal(await readText(uri), VARIANTS, 'the file on disk is untouched');
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });

    test('Toggle Task at Cursor toggles the task under the cursor', async () => {
      const uri = await write('095-lens-cursor', 'tasks.md', VARIANTS);
      const editor = await vscode.window.showTextDocument(uri);
      editor.selection = new vscode.Selection(8, 10, 8, 10);
      assert.ok(await vscode.commands.executeCommand('speckit.toggleTaskAtCursor'));
      assert.match(editor.document.getText(), /^ {2}- \[X\] T005 \[P\] Nested task$/m);
      assert.match(editor.document.getText(), /^- \[ \] T004 Parent task$/m, 'the parent is left alone');
    });

    test("the seed's ### Task N sections: the heading gets the task lenses, each acceptance box its own", async () => {
      const uri = await write('096-lens-seed', 'tasks.md', SEED);
      const editor = await vscode.window.showTextDocument(uri);
      const lenses = await lensesOf(uri);
      assert.deepEqual(lenses.filter((l) => l.line === 2 && l.command !== 'speckit.verifyTask').map((l) => l.title), ['$(play) Implement', '$(check) Mark done']);
      assert.deepEqual(lenses.filter((l) => l.line === 7).map((l) => l.title), ['$(check) Mark done']);
      assert.deepEqual(lenses.filter((l) => l.line === 8).map((l) => l.title), ['$(discard) Mark not done']);
      assert.ok(await vscode.commands.executeCommand('speckit.toggleAcceptance', uri, 'T1', 0));
      assert.match(editor.document.getText(), /^- \[X\] Directory structure created$/m);
      await waitUntil(async () => (await lensesOf(uri)).some((l) => l.line === 2 && l.title === '$(discard) Mark not done'), 'the task to count as done once every box is ticked');
      assert.ok(await vscode.commands.executeCommand('speckit.markTaskNotDone', uri, 'T1'));
      assert.match(editor.document.getText(), /^- \[ \] Directory structure created\n- \[ \] Files exist/m);
    });

    test('a CR-only tasks.md: Mark done ticks T001 on its own line, never the title (issue #12 probe)', async () => {
      const cr = VARIANTS.replace(/\n/g, '\r');
      const uri = await write('098-lens-cr', 'tasks.md', cr);
      const editor = await vscode.window.showTextDocument(uri);
      assert.ok(await vscode.commands.executeCommand('speckit.markTaskDone', uri, 'T001'));
      // VS Code keeps one kind of line break in its buffer; the lines are what count.
      const lines = (await readText(uri)).split(/\r\n|\r|\n/);
      assert.deepEqual(lines, VARIANTS.replace('- [ ] T001', '- [X] T001').split('\n'));
      assert.equal(editor.document.lineAt(0).text, '# Tasks: Lens variants');
    });

    test('a tick whose save fails is reported as failed, and the tick stays in the buffer to save or undo', async () => {
      const uri = await write('099-lens-save-fails', 'tasks.md', VARIANTS);
      const editor = await vscode.window.showTextDocument(uri);
      assert.ok(!editor.document.isDirty);
      // Another program rewrites the file the moment the tick lands in the buffer: VS Code then
      // refuses to save over the newer file (a real save failure, not a stand-in).
      const other = VARIANTS.replace('# Tasks: Lens variants', '# Tasks: Rewritten elsewhere');
      const listener = saveConflictOnNextEdit(uri, other);
      try {
        assert.equal(await vscode.commands.executeCommand('speckit.markTaskDone', uri, 'T001'), false, 'a failed save is not "changed"');
      } finally {
        listener.dispose();
      }
      assert.ok(editor.document.isDirty, 'the unsaved tick is left in the editor');
      assert.match(editor.document.getText(), /^- \[X\] T001 /m);
      assert.equal(await readText(uri), other, 'the newer file on disk is not overwritten');
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });

    test('a tasks.md that is a symlink leading out of the workspace is not ticked (the one containment rule)', async () => {
      const api = await testApi();
      await waitForSnapshot(api, (s) => s.projects.length > 0, 'the first scan');
      const outside = join(mkdtempSync(join(tmpdir(), 'speckit-outside-')), 'tasks.md');
      writeFileSync(outside, VARIANTS);
      const dir = featureDir(api, 0, '099-lens-symlink');
      mkdirSync(dir.fsPath, { recursive: true });
      symlinkSync(outside, join(dir.fsPath, 'tasks.md'));
      const uri = vscode.Uri.joinPath(dir, 'tasks.md');
      assert.equal(await vscode.commands.executeCommand('speckit.markTaskDone', uri, 'T001'), false);
      assert.equal(readFileSync(outside, 'utf8'), VARIANTS, 'the file outside is unchanged');
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      assert.ok(!open?.isDirty, 'nothing was left in an editor either');
    });

    test('a numbered task list without T-IDs (- [ ] **1.1 Title** - …): every task gets its lenses and ticks by its number', async () => {
      const numbered = ['# Tasks: Backups', '', '## Phase 1: First Steps', '', '- [ ] **1.1 Restic Repository** - Create it', '  - [ ] Run `restic init`', '', '- [x] **1.2 Nightly Timer** - Every night', '', '## 2. Offsite', '- [ ] 2.1 Copy to the bucket', ''].join('\n');
      const uri = await write('089-lens-numbered', 'tasks.md', numbered);
      const editor = await vscode.window.showTextDocument(uri);
      const lenses = await lensesOf(uri);
      const tick = lenses.filter((l) => l.command === 'speckit.markTaskDone' || l.command === 'speckit.markTaskNotDone').map((l) => [l.line, l.args[1]]);
      assert.deepEqual(tick, [
        [4, '1.1'],
        [7, '1.2'],
        [10, '2.1'],
      ]);
      assert.ok(lenses.some((l) => l.line === 2 && l.title === '$(pulse) 1/2 done'));
      assert.ok(lenses.some((l) => l.line === 9 && l.title === '$(pulse) 0/1 done'));
      assert.ok(await vscode.commands.executeCommand('speckit.markTaskDone', uri, '2.1'));
      assert.equal(editor.document.getText(), numbered.replace('- [ ] 2.1', '- [X] 2.1'));
    });

    test('each [NEEDS CLARIFICATION] in a spec gets Clarify', async () => {
      const uri = await write('097-lens-spec', 'spec.md', '# Feature Specification: X\n\n## Requirements\n\n- **FR-001**: Keep backups for [NEEDS CLARIFICATION: how many days?].\n- **FR-002**: Encrypt them [NEEDS CLARIFICATION: with age or gpg?].\n');
      const lenses = (await lensesOf(uri)).filter((l) => l.command === 'speckit.clarifyMarker');
      assert.deepEqual(lenses.map((l) => [l.line, l.args[1]]), [
        [4, 'how many days?'],
        [5, 'with age or gpg?'],
      ]);
    });
  });
}
