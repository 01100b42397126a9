// The Spec Kit language server in the real VS Code: it starts when a spec-kit file is opened,
// publishes diagnostics, and answers hover, definition, rename and quick fixes through the
// editor's own commands.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { folderUri, testApi, waitUntil, writeText, type WorkspaceName } from './helpers';

export const workspaces: readonly WorkspaceName[] = ['nixos-flake'];

/** A feature of its own, so the other suites' edits to 001 do not matter (and it is removed afterwards). */
const FEATURE = 'specs/070-lsp-check';

const SPEC = `# Feature Specification: Language server check

**Feature Branch**: \`070-lsp-check\`
**Created**: 2026-01-01
**Status**: Draft
**Input**: User description: "check the language server"

## User Scenarios & Testing *(mandatory)*

### User Story 1 - Database runs (Priority: P1)

The operator enables the database.

**Independent Test**: Build the host.

## Requirements *(mandatory)*

### Functional Requirements

- **FR-001**: The host MUST run PostgreSQL.
`;

const TASKS = `# Tasks: Language server check

## Phase 1: Setup (Shared Infrastructure)

- [ ] T001 Create modules/services/postgresql/default.nix

## Phase 2: User Story 1 - Database runs (Priority: P1)

- [ ] T002 [US1] Enable the service in hosts/ovh-cloud/default.nix (FR-001)
- T003 [US1] Build the host (depends on T002)

## Phase 3: Polish & Cross-Cutting Concerns

- [ ] T004 [US1] Document the module
`;

function speckitDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'speckit');
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

function positionOf(doc: vscode.TextDocument, needle: string, offset = 1): vscode.Position {
  const at = doc.getText().indexOf(needle);
  assert.ok(at >= 0, `"${needle}" is in ${doc.uri.path}`);
  return doc.positionAt(at + offset);
}

export function define(): void {
  suite('language server', () => {
    let root: vscode.Uri;
    let tasksUri: vscode.Uri;
    let specUri: vscode.Uri;
    let doc: vscode.TextDocument;

    suiteSetup(async () => {
      await testApi();
      root = folderUri(0);
      specUri = vscode.Uri.joinPath(root, FEATURE, 'spec.md');
      tasksUri = vscode.Uri.joinPath(root, FEATURE, 'tasks.md');
      await writeText(specUri, SPEC);
      await writeText(tasksUri, TASKS);
      doc = await vscode.workspace.openTextDocument(tasksUri);
      await vscode.window.showTextDocument(doc);
    });

    suiteTeardown(async () => {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(root, FEATURE), { recursive: true, useTrash: false });
    });

    test('publishes diagnostics for a broken tasks.md once it is opened', async () => {
      await waitUntil(() => speckitDiagnostics(tasksUri).length >= 2, 'spec-kit diagnostics on tasks.md', 60_000);
      const got = speckitDiagnostics(tasksUri).map((d) => [codeOf(d), doc.getText(d.range)]);
      assert.deepEqual(got, [
        ['task-missing-checkbox', 'T003'],
        ['task-story-in-non-story-phase', '[US1]'],
      ]);
      assert.equal(speckitDiagnostics(tasksUri)[0]!.severity, vscode.DiagnosticSeverity.Warning);
    });

    test('hovers a story tag with the story from spec.md', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', tasksUri, positionOf(doc, '[US1]', 2));
      const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      assert.match(text, /US1[\s\S]*Database runs[\s\S]*Independent test: Build the host\./);
    });

    test('goes to the definition of FR-001 in spec.md', async () => {
      const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', tasksUri, positionOf(doc, 'FR-001', 2));
      const targets = defs.map((d) => ('targetUri' in d ? { uri: d.targetUri, range: d.targetRange } : d));
      const inSpec = targets.filter((t) => t.uri.toString() === specUri.toString());
      assert.equal(inSpec.length, 1, JSON.stringify(targets));
      const spec = await vscode.workspace.openTextDocument(specUri);
      assert.equal(spec.getText(inSpec[0]!.range), 'FR-001');
    });

    test('renames a task ID and its references', async () => {
      const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', tasksUri, positionOf(doc, 'T002'), 'T020');
      const edits = edit.get(tasksUri);
      assert.equal(edits.length, 2, 'the task and "depends on T002"');
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(doc.getText().includes('- [ ] T020 [US1] Enable the service'));
      assert.ok(doc.getText().includes('(depends on T020)'));
    });

    test('applies a quick fix: adds the missing checkbox', async () => {
      const diagnostic = speckitDiagnostics(tasksUri).find((d) => codeOf(d) === 'task-missing-checkbox');
      assert.ok(diagnostic);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', tasksUri, diagnostic.range);
      const fix = actions.find((a) => a.title === 'Add a checkbox: "- [ ] …"');
      assert.ok(fix?.edit, `actions: ${actions.map((a) => a.title).join(', ')}`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      assert.ok(doc.getText().includes('- [ ] T003 [US1] Build the host'));
      await waitUntil(() => !speckitDiagnostics(tasksUri).some((d) => codeOf(d) === 'task-missing-checkbox'), 'the checkbox diagnostic to go away', 30_000);
      // T003 now follows the renamed T020.
      assert.deepEqual(speckitDiagnostics(tasksUri).map(codeOf), ['task-out-of-order', 'task-story-in-non-story-phase']);
    });

    test('Go to Symbol in Workspace finds IDs of other features; the symbols are kept under storageUri for the next session', async () => {
      const found = await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', 'FR-001');
      const features = new Set(found.filter((s) => s.name === 'FR-001').map((s) => s.containerName));
      assert.ok(features.has('070-lsp-check') && features.size >= 2, JSON.stringify([...features]));
      const dir = (await testApi()).firstScan().storageDir;
      assert.ok(dir, 'the workspace has a storageUri on disk');
      const file = path.join(dir, 'speckit-symbols.json');
      await waitUntil(() => existsSync(file), 'the workspace symbols to be stored', 20_000);
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { format: string; entries: Record<string, [number, number, unknown[]]> };
      assert.equal(saved.format, 'speckit-vscode/symbols');
      // The spec of the open feature is the editor's (the index holds it); another feature's was read from disk and stored.
      const stored = Object.entries(saved.entries).filter(([p, e]) => p.endsWith('/spec.md') && e[2].some((x) => Array.isArray(x) && x[0] === 'FR-001'));
      assert.ok(stored.length >= 1, Object.keys(saved.entries).join(', '));
    });
  });
}
