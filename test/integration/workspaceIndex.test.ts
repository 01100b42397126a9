// The workspace index: it finds each sample's projects, features and phases, and follows files
// created, changed, renamed and deleted on disk (through vscode.workspace.fs, as an editor or a
// tool would).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  currentWorkspace,
  folderUri,
  readText,
  testApi,
  toFsPath,
  waitForSnapshot,
  writeText,
  type FeatureSnapshot,
  type IndexSnapshot,
  type ProjectSnapshot,
  type SpeckitTestApi,
  type WorkspaceName,
} from './helpers';

export const workspaces: readonly WorkspaceName[] = ['nixos-flake', 'monorepo', 'multi-root', 'empty'];

const FILLED_SPEC = (title: string): string => `# Feature Specification: ${title}

**Feature Branch**: \`002-${title.toLowerCase().replace(/\W+/g, '-')}\`
**Created**: 2025-11-25
**Status**: Draft
**Input**: User description: "${title}"

## User Scenarios & Testing *(mandatory)*

### User Story 1 - See it work (Priority: P1)

As the operator, I see ${title.toLowerCase()} on every host.

**Independent Test**: Build the host and check the service.

**Acceptance Scenarios**:

1. **Given** a host, **When** it boots, **Then** the service runs.

## Requirements *(mandatory)*

### Functional Requirements

- **FR-001**: Every host MUST run the service.

## Success Criteria *(mandatory)*

### Measurable Outcomes

- **SC-001**: The service answers within 5 seconds of boot.
`;

function projectAt(snap: IndexSnapshot, root: vscode.Uri): ProjectSnapshot | undefined {
  return snap.projects.find((p) => toFsPath(p.root) === root.fsPath);
}

/** The feature whose directory is `rel` (POSIX, relative to the project root). */
function featureAt(project: ProjectSnapshot | undefined, rel: string): FeatureSnapshot | undefined {
  if (!project) return undefined;
  const want = path.join(toFsPath(project.root), ...rel.split('/'));
  return project.features.find((f) => (path.isAbsolute(f.dir) || f.dir.startsWith('file:') ? toFsPath(f.dir) : path.join(toFsPath(project.root), f.dir)) === want);
}

function describeFeature(f: FeatureSnapshot | undefined): string {
  return f ? JSON.stringify(f) : 'missing';
}

/** Waits until the feature `rel` of the project at `root` exists and satisfies `check`. */
async function waitForFeature(
  api: SpeckitTestApi,
  root: vscode.Uri,
  rel: string,
  check: (f: FeatureSnapshot) => boolean,
  what: string,
): Promise<FeatureSnapshot> {
  const snap = await waitForSnapshot(api, (s) => {
    const f = featureAt(projectAt(s, root), rel);
    return !!f && check(f);
  }, `${rel}: ${what}`);
  return featureAt(projectAt(snap, root), rel)!;
}

async function waitForNoFeature(api: SpeckitTestApi, root: vscode.Uri, rel: string): Promise<void> {
  await waitForSnapshot(api, (s) => !!projectAt(s, root) && !featureAt(projectAt(s, root), rel), `${rel} to leave the index`);
}

function defineNixosFlake(): void {
  suite('workspace index (nixos-flake)', () => {
    let api: SpeckitTestApi;
    let root: vscode.Uri;
    const feature = 'specs/001-postgresql-database';

    suiteSetup(async () => {
      api = await testApi();
      root = folderUri(0);
    });

    test('finds one project at the repository root', async () => {
      const snap = await waitForSnapshot(api, (s) => s.projects.length > 0, 'a project');
      assert.deepEqual(snap.projects.map((p) => toFsPath(p.root)), [root.fsPath]);
    });

    test('finds the PostgreSQL feature, implementing with 5 of 10 tasks and one open marker', () => {
      const f = featureAt(projectAt(api.snapshot(), root), feature);
      assert.ok(f, `feature ${feature}: ${JSON.stringify(api.snapshot())}`);
      assert.equal(f.number, 1);
      assert.match(f.name, /postgresql-database/);
      assert.equal(f.phase, 'implementing');
      assert.deepEqual(f.tasks, { done: 5, total: 10 });
      assert.equal(f.markers, 1);
      assert.equal(f.stale, false);
      assert.equal(projectAt(api.snapshot(), root)!.features.length, 1);
    });

    test('follows a new feature created on disk', async () => {
      await writeText(vscode.Uri.joinPath(root, 'specs', '002-monitoring', 'spec.md'), FILLED_SPEC('Monitoring'));
      const f = await waitForFeature(api, root, 'specs/002-monitoring', (x) => x.phase === 'specified', 'phase specified');
      assert.equal(f.number, 2);
      assert.equal(f.markers, 0);
      assert.deepEqual(f.tasks, { done: 0, total: 0 });
    });

    test('follows a task checked off in tasks.md', async () => {
      const uri = vscode.Uri.joinPath(root, feature, 'tasks.md');
      const text = await readText(uri);
      assert.ok(text.includes('- [ ] T006'), 'fixture: T006 is open');
      await writeText(uri, text.replace('- [ ] T006', '- [X] T006'));
      const f = await waitForFeature(api, root, feature, (x) => x.tasks.done === 6, '6 tasks done');
      assert.deepEqual(f.tasks, { done: 6, total: 10 });
      assert.equal(f.phase, 'implementing');
    });

    test('follows a resolved clarification in spec.md (and marks the plan stale)', async () => {
      const uri = vscode.Uri.joinPath(root, feature, 'spec.md');
      const text = await readText(uri);
      const resolved = text.replace(/\[NEEDS CLARIFICATION:[^\]]*\]/, '30 days');
      assert.notEqual(resolved, text, 'fixture: spec.md has a marker');
      await writeText(uri, resolved);
      const f = await waitForFeature(api, root, feature, (x) => x.markers === 0, 'no markers');
      // The copy was made well over two seconds before this edit, so spec.md is now newer than plan.md.
      assert.equal(f.stale, true);
    });

    test('follows a renamed feature folder', async () => {
      await vscode.workspace.fs.rename(
        vscode.Uri.joinPath(root, 'specs', '002-monitoring'),
        vscode.Uri.joinPath(root, 'specs', '003-observability'),
      );
      const f = await waitForFeature(api, root, 'specs/003-observability', (x) => x.phase === 'specified', 'renamed feature');
      assert.equal(f.number, 3);
      await waitForNoFeature(api, root, 'specs/002-monitoring');
    });

    test('follows a deleted tasks.md: the feature falls back to planned', async () => {
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(root, feature, 'tasks.md'));
      const f = await waitForFeature(api, root, feature, (x) => x.phase === 'planned', 'phase planned');
      assert.deepEqual(f.tasks, { done: 0, total: 0 });
    });

    test('follows a deleted feature folder', async () => {
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(root, 'specs', '003-observability'), { recursive: true });
      await waitForNoFeature(api, root, 'specs/003-observability');
      const names = projectAt(api.snapshot(), root)!.features.map((f) => f.name);
      assert.equal(names.length, 1, `features left: ${names.join(', ')}`);
    });
  });
}

function defineMonorepo(): void {
  suite('workspace index (monorepo)', () => {
    let api: SpeckitTestApi;
    let apiRoot: vscode.Uri;
    let webRoot: vscode.Uri;

    suiteSetup(async () => {
      api = await testApi();
      apiRoot = vscode.Uri.joinPath(folderUri(0), 'services', 'api');
      webRoot = vscode.Uri.joinPath(folderUri(0), 'services', 'web');
    });

    test('finds both nested projects and nothing at the repository root', async () => {
      const snap = await waitForSnapshot(api, (s) => s.projects.length >= 2, 'two projects');
      assert.deepEqual(snap.projects.map((p) => toFsPath(p.root)).sort(), [apiRoot.fsPath, webRoot.fsPath].sort());
    });

    test('gives each project its own feature and phase', () => {
      const snap = api.snapshot();
      const rate = featureAt(projectAt(snap, apiRoot), 'specs/001-rate-limiting');
      const dark = featureAt(projectAt(snap, webRoot), 'specs/001-dark-mode');
      assert.equal(rate?.phase, 'specified', describeFeature(rate));
      assert.equal(dark?.phase, 'planned', describeFeature(dark));
      assert.equal(projectAt(snap, apiRoot)!.features.length, 1);
      assert.equal(projectAt(snap, webRoot)!.features.length, 1);
    });

    test('files a new tasks.md under the nested project it belongs to', async () => {
      await writeText(
        vscode.Uri.joinPath(webRoot, 'specs', '001-dark-mode', 'tasks.md'),
        '# Tasks: Dark Mode\n\n## Phase 1: Setup (Shared Infrastructure)\n\n- [ ] T001 Add theme tokens in src/theme.css\n- [ ] T002 [P] Add ThemeProvider in src/ThemeProvider.tsx\n',
      );
      const f = await waitForFeature(api, webRoot, 'specs/001-dark-mode', (x) => x.phase === 'tasks-ready', 'phase tasks-ready');
      assert.deepEqual(f.tasks, { done: 0, total: 2 });
      const rate = featureAt(projectAt(api.snapshot(), apiRoot), 'specs/001-rate-limiting');
      assert.equal(rate?.phase, 'specified', 'the sibling project is unchanged');
    });
  });
}

function defineMultiRoot(): void {
  suite('workspace index (multi-root)', () => {
    let api: SpeckitTestApi;
    let alpha: vscode.Uri;
    let beta: vscode.Uri;

    suiteSetup(async () => {
      api = await testApi();
      alpha = folderUri(0);
      beta = folderUri(1);
    });

    test('finds one project per workspace folder', async () => {
      const snap = await waitForSnapshot(api, (s) => s.projects.length >= 2, 'two projects');
      assert.deepEqual(snap.projects.map((p) => toFsPath(p.root)).sort(), [alpha.fsPath, beta.fsPath].sort());
    });

    test('reads each folder’s feature', () => {
      const snap = api.snapshot();
      const login = featureAt(projectAt(snap, alpha), 'specs/001-login');
      const search = featureAt(projectAt(snap, beta), 'specs/001-search');
      assert.equal(login?.phase, 'done', describeFeature(login));
      assert.deepEqual(login?.tasks, { done: 3, total: 3 });
      assert.equal(search?.phase, 'draft', describeFeature(search));
      assert.equal(search?.markers, 1);
    });

    test('follows a plan added in the second folder', async () => {
      await writeText(
        vscode.Uri.joinPath(beta, 'specs', '001-search', 'plan.md'),
        '# Implementation Plan: Search\n\n**Branch**: `001-search` | **Date**: 2025-08-06 | **Spec**: [spec.md](./spec.md)\n\n## Summary\n\nAn inverted index in SQLite FTS5.\n',
      );
      await waitForFeature(api, beta, 'specs/001-search', (x) => x.phase === 'planned', 'phase planned');
    });
  });
}

function defineEmpty(): void {
  suite('workspace index (empty)', () => {
    let api: SpeckitTestApi;
    let root: vscode.Uri;

    suiteSetup(async () => {
      api = await testApi();
      root = folderUri(0);
    });

    test('has no projects', async () => {
      await api.whenIdle();
      assert.deepEqual(api.snapshot().projects, []);
    });

    test('picks up a project initialised after start-up', async () => {
      await writeText(vscode.Uri.joinPath(root, '.specify', 'memory', 'constitution.md'), '# Demo Constitution\n\n## Core Principles\n\n### I. Simplicity\n\nKeep it small.\n');
      await writeText(vscode.Uri.joinPath(root, 'specs', '001-first-feature', 'spec.md'), FILLED_SPEC('First Feature'));
      const f = await waitForFeature(api, root, 'specs/001-first-feature', (x) => x.phase === 'specified', 'phase specified');
      assert.equal(f.number, 1);
    });
  });
}

export function define(): void {
  switch (currentWorkspace()) {
    case 'nixos-flake':
      return defineNixosFlake();
    case 'monorepo':
      return defineMonorepo();
    case 'multi-root':
      return defineMultiRoot();
    case 'empty':
      return defineEmpty();
  }
}
