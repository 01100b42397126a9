import assert from 'node:assert/strict';
import { renameSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { NodeFileSystem } from '../../../../src/core/workspace/nodeFileSystem';
import { toScanJson } from '../../../../src/core/workspace/scanJson';
import { WorkspaceIndex } from '../../../../src/core/workspace/workspaceIndex';
import { CountingFs } from '../../helpers/countingFs';
import { tempWorkspace } from '../../helpers/tempWorkspace';

const SPEC = `# Feature Specification: Albums

**Feature Branch**: \`001-albums\`
**Created**: 2026-01-02
**Status**: Draft

## User Scenarios & Testing *(mandatory)*

### User Story 1 - Browse albums (Priority: P1)

Users browse albums.

## Requirements *(mandatory)*

### Functional Requirements

- **FR-001**: System MUST list albums.
- **FR-002**: System MUST sort albums by [NEEDS CLARIFICATION: which order?].
`;

const TASKS = `# Tasks: Albums

## Phase 1: Setup

- [x] T001 Create project in src/
- [ ] T002 [P] Configure linting in .eslintrc.json

## Phase 3: User Story 1 - Browse albums (Priority: P1) 🎯 MVP

- [ ] T003 [US1] Album model in src/album.ts
`;

function workspace(): ReturnType<typeof tempWorkspace> {
  return tempWorkspace({
    '.specify/memory/constitution.md': '# Albums Constitution\n\n## Core Principles\n\n### I. Simple\n\nKeep it simple.\n\n**Version**: 1.2.0 | **Ratified**: 2026-01-01 | **Last Amended**: 2026-01-02\n',
    '.specify/feature.json': '{\n  "feature_directory": "specs/001-albums"\n}\n',
    'specs/001-albums/spec.md': SPEC,
    'specs/001-albums/plan.md': '# Implementation Plan: Albums\n\n## Summary\n\nA list.\n',
    'specs/001-albums/tasks.md': TASKS,
    'specs/001-albums/checklists/requirements.md': '# Checklist\n\n## Content\n\n- [x] CHK001 No implementation details\n- [ ] CHK002 Requirements testable\n',
    'specs/002-sharing/spec.md': SPEC.replace(/\[NEEDS CLARIFICATION: which order\?\]/, 'date'),
    'specs/.archive/000-old/spec.md': SPEC,
    'packages/api/.specify/memory/constitution.md': '# [PROJECT_NAME] Constitution\n\n## Core Principles\n\n### [PRINCIPLE_1_NAME]\n\n[PRINCIPLE_1_DESCRIPTION]\n\n**Version**: [CONSTITUTION_VERSION] | **Ratified**: [RATIFICATION_DATE] | **Last Amended**: [LAST_AMENDED_DATE]\n',
    'packages/api/specs/001-rate-limit/spec.md': SPEC,
  });
}

describe('WorkspaceIndex', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  beforeEach(() => {
    ws = workspace();
  });
  afterEach(() => ws.dispose());

  it('finds projects, features, phases, the constitution and the current feature', async () => {
    const index = new WorkspaceIndex(new NodeFileSystem());
    await index.addFolder(ws.root);
    const json = toScanJson(index);
    assert.deepEqual(
      json.projects.map((p) => [p.root.slice(ws.root.length) || '/', p.constitution, p.current, p.features.map((f) => [f.dir, f.phase, f.tasks, f.markers, f.checklists, f.next])]),
      [
        [
          '/',
          { version: '1.2.0', placeholder: false },
          'specs/001-albums',
          [
            ['specs/001-albums', 'implementing', { done: 1, total: 3 }, 1, { passed: 1, total: 2 }, '/speckit.implement'],
            ['specs/002-sharing', 'specified', { done: 0, total: 0 }, 0, { passed: 0, total: 0 }, '/speckit.plan'],
          ],
        ],
        ['/packages/api', { version: null, placeholder: true }, null, [['specs/001-rate-limit', 'draft', { done: 0, total: 0 }, 1, { passed: 0, total: 0 }, '/speckit.clarify']]],
      ],
    );
    assert.deepEqual(index.projects[0]!.archived.map((f) => f.name), ['000-old']);
  });

  it('lists each feature folder once: the OpenSpec search passes spec-kit feature roots by', async () => {
    const fs = new CountingFs();
    const index = new WorkspaceIndex(fs);
    await index.addFolder(ws.root);
    const feature = join(ws.root, 'specs/001-albums');
    assert.equal(fs.directories.filter((d) => d === feature).length, 1, fs.directories.join('\n'));
    // An OpenSpec project beside the spec-kit one is still found.
    ws.write('tools/openspec/project.md', '# Project\n');
    await index.addFolder(ws.root);
    assert.deepEqual(index.openspecProjects.map((o) => o.project.root), [join(ws.root, 'tools')]);
  });

  it('keeps no text of a file it summarized: a parse reads it again, once', async () => {
    const fs = new CountingFs();
    const index = new WorkspaceIndex(fs);
    await index.addFolder(ws.root);
    const tasks = join(ws.root, 'specs/001-albums/tasks.md');
    assert.ok(fs.reads.includes(tasks));
    assert.deepEqual(fs.nowReads, []);
    assert.equal(index.featureFor(tasks)!.tasks?.total, 3);
    assert.equal(index.featureFor(tasks)!.tasks?.total, 3);
    assert.deepEqual(fs.nowReads, [tasks]);
  });

  it('releases parsed documents on request (a batch check): asked again, they are read and parsed again; overlays stay', async () => {
    const fs = new CountingFs();
    const index = new WorkspaceIndex(fs);
    await index.addFolder(ws.root);
    const tasks = join(ws.root, 'specs/001-albums/tasks.md');
    const spec = join(ws.root, 'specs/001-albums/spec.md');
    const first = index.featureFor(tasks)!.tasks!;
    assert.ok(index.holdsDocument(tasks));
    index.setOverlay(spec, SPEC.replace('which order?', 'what?'));
    await index.refresh([spec]);
    const overlaid = index.featureFor(spec)!.spec!;
    index.releaseDocuments([tasks, spec]);
    assert.equal(index.holdsDocument(tasks), false);
    assert.ok(index.holdsDocument(spec), 'an editor\'s text is kept');
    assert.equal(index.featureFor(spec)!.spec, overlaid);
    fs.nowReads = [];
    const again = index.featureFor(tasks)!.tasks!;
    assert.notEqual(again, first);
    assert.deepStrictEqual(again, first);
    assert.deepEqual(fs.nowReads, [tasks]);
  });

  it('re-reads only the changed file when a task is ticked', async () => {
    const fs = new CountingFs();
    const index = new WorkspaceIndex(fs);
    await index.addFolder(ws.root);
    const tasks = join(ws.root, 'specs/001-albums/tasks.md');
    ws.write('specs/001-albums/tasks.md', TASKS.replace('- [ ] T002', '- [x] T002'));
    utimesSync(tasks, new Date(), new Date(Date.now() + 5000));
    fs.reads = [];
    const change = await index.refresh([tasks]);
    assert.deepEqual(fs.reads, [tasks]);
    assert.deepEqual(change.features, [join(ws.root, 'specs/001-albums')]);
    assert.equal(change.structure, false);
    assert.deepEqual(index.featureFor(tasks)!.status.tasks, { done: 2, total: 3 });
  });

  it('follows features created, renamed and deleted on disk', async () => {
    const index = new WorkspaceIndex(new NodeFileSystem());
    await index.addFolder(ws.root);
    const names = (): string[] => index.projects[0]!.features.map((f) => f.feature.name);

    const created = ws.write('specs/003-export/spec.md', SPEC);
    let change = await index.refresh([join(ws.root, 'specs/003-export'), created]);
    assert.equal(change.structure, true);
    assert.deepEqual(names(), ['001-albums', '002-sharing', '003-export']);

    renameSync(join(ws.root, 'specs/003-export'), join(ws.root, 'specs/004-export-pdf'));
    change = await index.refresh([join(ws.root, 'specs/003-export'), join(ws.root, 'specs/004-export-pdf')]);
    assert.equal(change.structure, true);
    assert.deepEqual(names(), ['001-albums', '002-sharing', '004-export-pdf']);

    rmSync(join(ws.root, 'specs/002-sharing'), { recursive: true });
    change = await index.refresh([join(ws.root, 'specs/002-sharing')]);
    assert.equal(change.structure, true);
    assert.deepEqual(names(), ['001-albums', '004-export-pdf']);
  });

  it('follows a file deleted inside a feature', async () => {
    const index = new WorkspaceIndex(new NodeFileSystem());
    await index.addFolder(ws.root);
    const tasks = join(ws.root, 'specs/001-albums/tasks.md');
    rmSync(tasks);
    await index.refresh([tasks]);
    const f = index.featureFor(tasks)!;
    assert.equal(f.tasks, undefined);
    assert.equal(f.status.phase, 'planned');
  });

  it('reads unsaved editor text through an overlay, and disk again when it is dropped', async () => {
    const index = new WorkspaceIndex(new NodeFileSystem());
    await index.addFolder(ws.root);
    const tasks = join(ws.root, 'specs/001-albums/tasks.md');
    index.setOverlay(tasks, TASKS.replace(/- \[ \]/g, '- [x]'));
    await index.refresh([tasks]);
    assert.equal(index.featureFor(tasks)!.status.phase, 'done');
    index.setOverlay(tasks, undefined);
    await index.refresh([tasks]);
    assert.equal(index.featureFor(tasks)!.status.phase, 'implementing');
  });

  it('picks up a project created after the scan, and a switched current feature', async () => {
    const index = new WorkspaceIndex(new NodeFileSystem());
    await index.addFolder(ws.root);
    const json = ws.write('.specify/feature.json', '{"feature_directory": "specs/002-sharing"}');
    await index.refresh([json]);
    assert.equal(toScanJson(index).projects[0]!.current, 'specs/002-sharing');
    const c = ws.write('apps/web/.specify/memory/constitution.md', '# Web Constitution\n');
    await index.refresh([c]);
    assert.ok(index.projects.some((p) => p.project.root === join(ws.root, 'apps/web')));
  });

  it('survives binary, empty and garbage artifacts with a status, not an exception', async () => {
    ws.write('specs/001-albums/tasks.md', new Uint8Array([0, 159, 146, 150, 0, 1]));
    ws.write('specs/002-sharing/spec.md', '');
    ws.write('.specify/feature.json', '{not json');
    const index = new WorkspaceIndex(new NodeFileSystem());
    await index.addFolder(ws.root);
    const json = toScanJson(index);
    assert.deepEqual(json.projects[0]!.features.map((f) => [f.dir, f.phase]), [
      ['specs/001-albums', 'planned'],
      ['specs/002-sharing', 'specified'],
    ]);
    assert.equal(index.projects[0]!.features[0]!.tasks!.problems[0]!.code, 'binary-file');
  });
});
