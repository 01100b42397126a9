import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFeature } from '../../../../src/core/analysis/analyze';
import { buildDashboard, featureAnalysis, taskColumn } from '../../../../src/core/dashboard/dashboardModel';
import { type DashboardView, type StepId, type StepState, type VerificationFact } from '../../../../src/core/dashboard/protocol';
import { NodeFileSystem } from '../../../../src/core/workspace/nodeFileSystem';
import { WorkspaceIndex } from '../../../../src/core/workspace/workspaceIndex';
import { repoRoot } from '../../helpers/paths';
import { tempWorkspace } from '../../helpers/tempWorkspace';

const CONSTITUTION = '# Albums Constitution\n\n## Core Principles\n\n### I. Simple\n\nKeep it simple.\n\n**Version**: 1.2.0 | **Ratified**: 2026-01-01 | **Last Amended**: 2026-01-02\n';

const SPEC = `# Feature Specification: Albums

**Feature Branch**: \`001-albums\`
**Created**: 2026-01-02
**Status**: Draft

## User Scenarios & Testing *(mandatory)*

### User Story 1 - Browse albums (Priority: P1)

Users browse their albums.

**Independent Test**: Open the album list.

**Acceptance Scenarios**:

1. **Given** two albums, **When** the list opens, **Then** both show, newest first.

### User Story 2 - Share an album (Priority: P2)

Users share an album by link.

**Acceptance Scenarios**:

1. **Given** an album, **When** it is shared, **Then** a link is copied.

## Requirements *(mandatory)*

### Functional Requirements

- **FR-001**: System MUST list albums newest first.
- **FR-002**: System MUST share an album by link.
- **FR-003**: System MUST export albums as <img src=x onerror=alert(1)> archives.

## Success Criteria *(mandatory)*

- **SC-001**: 90% of users report satisfaction with browsing.
`;

const TASKS = `# Tasks: Albums

## Phase 1: Setup

- [x] T001 Create project in src/
- [ ] T002 [P] Configure linting in .eslintrc.json
- [ ] T003 [P] Configure formatting in .prettierrc

## Phase 3: User Story 1 - Browse albums (Priority: P1) 🎯 MVP

- [x] T004 [US1] List albums for FR-001 in src/albums.ts
- [x] T005 [P] [US1] Sort albums newest first for FR-001 in src/sort.ts

## Phase 4: User Story 2 - Share an album (Priority: P2)

- [ ] T006 [US2] Share link for FR-002 in src/share.ts

## Phase 5: Polish

- [ ] T007 Write the release notes in NOTES.txt
`;

async function load(files: Record<string, string>): Promise<{ index: WorkspaceIndex; dispose(): void }> {
  const ws = tempWorkspace(files);
  const index = new WorkspaceIndex(new NodeFileSystem());
  await index.addFolder(ws.root);
  return { index, dispose: () => ws.dispose() };
}

function view(index: WorkspaceIndex, extra: Partial<Parameters<typeof buildDashboard>[0]> = {}): DashboardView {
  const feature = index.features[0]!;
  return buildDashboard({ feature, project: index.projectFor(feature.feature.dir), today: '2026-03-01', readOnly: false, canVerify: false, ...extra });
}

function states(v: DashboardView): Partial<Record<StepId, StepState>> {
  return Object.fromEntries(v.workflow.steps.map((s) => [s.id, s.state]));
}

const FULL = {
  '.specify/memory/constitution.md': CONSTITUTION,
  '.specify/feature.json': '{\n  "feature_directory": "specs/001-albums"\n}\n',
  'specs/001-albums/spec.md': SPEC,
  'specs/001-albums/plan.md': '# Implementation Plan: Albums\n\n## Summary\n\nA list.\n',
  'specs/001-albums/tasks.md': TASKS,
  'specs/001-albums/checklists/requirements.md': '# Checklist\n\n## Content\n\n- [x] CHK001 No implementation details\n- [ ] CHK002 Requirements testable\n',
};

describe('dashboard view model', () => {
  it('shows the workflow of a feature being implemented, blocked by a failing checklist', async () => {
    const ws = await load(FULL);
    try {
      const v = view(ws.index);
      assert.deepEqual(states(v), {
        constitution: 'done',
        specify: 'done',
        clarify: 'done',
        plan: 'done',
        tasks: 'done',
        checklist: 'warning',
        analyze: 'done',
        implement: 'blocked',
        converge: 'todo',
      });
      assert.equal(v.workflow.steps.find((s) => s.id === 'implement')!.detail, '3/7 done · blocked by 1 open checklist item');
      assert.equal(v.workflow.steps.find((s) => s.id === 'constitution')!.detail, 'v1.2.0');
      assert.deepEqual(v.workflow.next, { command: 'implement', title: 'Implement the next tasks', blockedBy: 'blocked by 1 open checklist item' });
      assert.deepEqual(v.workflow.steps.filter((s) => s.isNext).map((s) => s.id), ['implement']);
      assert.equal(v.isCurrent, true);
      assert.equal(v.phaseLabel, 'Implementing 3/7');
      assert.deepEqual(v.artifacts.map((a) => `${a.kind}:${a.name}`), ['constitution:constitution.md', 'spec:spec.md', 'plan:plan.md', 'tasks:tasks.md', 'checklist:requirements']);
    } finally {
      ws.dispose();
    }
  });

  it('flags analyze when the analysis has critical findings (a P1 requirement without a task)', async () => {
    const ws = await load({
      ...FULL,
      'specs/001-albums/tasks.md': TASKS.replace('List albums for FR-001 in src/albums.ts', 'Scaffold the widget in src/widget.ts').replace('Sort albums newest first for FR-001 in src/sort.ts', 'Wire the widget in src/wire.ts'),
    });
    try {
      const v = view(ws.index);
      const analyze = v.workflow.steps.find((s) => s.id === 'analyze')!;
      assert.equal(analyze.state, 'warning');
      assert.match(analyze.detail, /^\d+ critical findings?$/);
      assert.equal(v.requirements.rows.find((r) => r.id === 'FR-001')!.state, 'uncovered');
    } finally {
      ws.dispose();
    }
  });

  it('marks clarify current and plan blocked while the spec has open questions', async () => {
    const ws = await load({
      '.specify/memory/constitution.md': CONSTITUTION,
      'specs/001-albums/spec.md': SPEC.replace('newest first.\n- **FR-002', 'in [NEEDS CLARIFICATION: which order?].\n- **FR-002'),
    });
    try {
      const v = view(ws.index);
      assert.equal(states(v).clarify, 'current');
      assert.equal(states(v).plan, 'blocked');
      assert.equal(v.workflow.steps.find((s) => s.id === 'plan')!.detail, 'blocked by 1 open question');
      assert.equal(states(v).tasks, 'todo');
      assert.equal(states(v).checklist, 'todo');
      assert.equal(v.workflow.next?.command, 'clarify');
      assert.equal(v.markers, 1);
    } finally {
      ws.dispose();
    }
  });

  it('marks a plan written before the last spec change stale, and a missing constitution as not started', async () => {
    const ws0 = tempWorkspace({ '.specify/init-options.json': '{}\n', 'specs/001-albums/spec.md': SPEC, 'specs/001-albums/plan.md': '# Implementation Plan: Albums\n\n## Summary\n\nA list.\n' });
    try {
      const old = new Date('2026-01-01T00:00:00Z');
      utimesSync(join(ws0.root, 'specs/001-albums/plan.md'), old, old);
      const index = new WorkspaceIndex(new NodeFileSystem());
      await index.addFolder(ws0.root);
      const v = view(index);
      assert.equal(states(v).plan, 'stale');
      assert.equal(v.workflow.steps.find((s) => s.id === 'plan')!.detail, 'spec.md changed after plan.md');
      assert.equal(states(v).constitution, 'todo');
      assert.equal(states(v).tasks, 'current');
    } finally {
      ws0.dispose();
    }
  });

  it('takes requirement coverage from the analysis: the same rows, tasks and unmapped tasks', async () => {
    const ws = await load(FULL);
    try {
      const feature = ws.index.features[0]!;
      const v = view(ws.index);
      const report = featureAnalysis(feature, ws.index.projectFor(feature.feature.dir));
      assert.deepEqual(
        v.requirements.rows.map((r) => [r.id, r.tasks.map((t) => t.id)]),
        report.coverage.map((c) => [c.requirement, c.tasks]),
      );
      const fr1 = v.requirements.rows.find((r) => r.id === 'FR-001')!;
      assert.deepEqual(fr1.tasks, [
        { id: 'T004', column: 'done' },
        { id: 'T005', column: 'done' },
      ]);
      assert.equal(fr1.state, 'done');
      assert.equal(fr1.match, 'id');
      assert.equal(fr1.story, 'US1');
      assert.equal(v.requirements.rows.find((r) => r.id === 'FR-002')!.state, 'open');
      const fr3 = v.requirements.rows.find((r) => r.id === 'FR-003')!;
      assert.equal(fr3.state, 'uncovered');
      // Hostile markup is carried as text; the webview renders text nodes.
      assert.equal(fr3.text, 'System MUST export albums as <img src=x onerror=alert(1)> archives.');
      assert.equal(v.requirements.rows.find((r) => r.id === 'SC-001')!.state, 'not-counted');
      assert.deepEqual(v.requirements.unmappedTasks.map((t) => t.id), report.unmappedTasks);
      assert.ok(v.requirements.unmappedTasks.some((t) => t.id === 'T007'));
      assert.equal(v.requirements.coveragePercent, report.metrics.coveragePercent);
    } finally {
      ws.dispose();
    }
  });

  it('lists user stories with priorities, Given/When/Then scenarios and their tasks', async () => {
    const ws = await load(FULL);
    try {
      const stories = view(ws.index).requirements.stories;
      assert.deepEqual(stories.map((s) => [s.id, s.priority, s.title]), [
        ['US1', 'P1', 'Browse albums'],
        ['US2', 'P2', 'Share an album'],
      ]);
      assert.deepEqual(stories[0]!.scenarios.map((x) => [x.given, x.when, x.then]), [['two albums', 'the list opens', 'both show, newest first.']]);
      assert.equal(stories[0]!.independentTest, 'Open the album list.');
      assert.deepEqual(stories[0]!.tasks.map((t) => t.id), ['T004', 'T005']);
      assert.deepEqual(stories[1]!.tasks, [{ id: 'T006', column: 'open' }]);
      assert.ok(stories[0]!.requirements.includes('FR-001'));
    } finally {
      ws.dispose();
    }
  });

  it('puts tasks in board columns by checkbox and last verification, with [P] groups, by phase and by story', async () => {
    const ws = await load(FULL);
    try {
      const verifications = new Map<string, VerificationFact>([
        ['T004', { ok: true, exitCode: 0, label: 'build ovh-cloud', finishedAt: 2000, durationMs: 1200 }],
        ['T006', { ok: false, exitCode: 1, label: 'build ovh-cloud', finishedAt: 3000, durationMs: 900 }],
        ['T099', { ok: true, exitCode: 0, label: 'gone', finishedAt: 9000, durationMs: 1 }],
      ]);
      const v = view(ws.index, { verifications, builds: [{ ok: true, exitCode: 0, label: 'flake check', finishedAt: 2500, durationMs: 4000 }] });
      const col = Object.fromEntries(v.board.cards.map((c) => [c.id, c.column]));
      assert.deepEqual(col, { T001: 'done', T002: 'open', T003: 'open', T004: 'verified', T005: 'done', T006: 'failed', T007: 'open' });
      const groups = Object.fromEntries(v.board.cards.map((c) => [c.id, c.parallelGroup]));
      assert.deepEqual(groups, { T001: undefined, T002: 1, T003: 1, T004: undefined, T005: 2, T006: undefined, T007: undefined });
      assert.deepEqual(v.board.byPhase.map((g) => [g.title, g.taskIds.join(' ')]), [
        ['Phase 1: Setup', 'T001 T002 T003'],
        ['Phase 3: User Story 1 - Browse albums', 'T004 T005'],
        ['Phase 4: User Story 2 - Share an album', 'T006'],
        ['Phase 5: Polish', 'T007'],
      ]);
      assert.deepEqual(v.board.byStory.map((g) => [g.key, g.taskIds.join(' ')]), [
        ['story-US1', 'T004 T005'],
        ['story-US2', 'T006'],
        ['no-story', 'T001 T002 T003 T007'],
      ]);
      assert.equal(v.board.cards.find((c) => c.id === 'T004')!.line, 10);
      assert.equal(v.board.cards.find((c) => c.id === 'T007')!.unmapped, true);
      // A failed task verification fails the requirement it covers.
      assert.equal(v.requirements.rows.find((r) => r.id === 'FR-002')!.state, 'failed');
      // Per task (only this feature's), newest first; per host, the newest result of each label.
      assert.deepEqual(v.progress.verifications.map((x) => x.taskId), ['T006', 'T004']);
      assert.deepEqual(v.progress.builds.map((b) => [b.label, b.ok, b.taskId]), [
        ['build ovh-cloud', false, 'T006'],
        ['flake check', true, undefined],
      ]);
    } finally {
      ws.dispose();
    }
  });

  it('takes the burn-up history and puts today’s live count last', async () => {
    const ws = await load(FULL);
    try {
      const v = view(ws.index, {
        history: [
          { date: '2026-02-01', done: 0, total: 5 },
          { date: '2026-02-10', done: 2, total: 7 },
          { date: '2026-03-01', done: 2, total: 7 },
        ],
      });
      assert.deepEqual(v.progress.points, [
        { date: '2026-02-01', done: 0, total: 5 },
        { date: '2026-02-10', done: 2, total: 7 },
        { date: '2026-03-01', done: 3, total: 7 },
      ]);
      assert.equal(v.progress.source, 'git');
      const none = view(ws.index, { historyNote: 'no git' });
      assert.deepEqual(none.progress.points, [{ date: '2026-03-01', done: 3, total: 7 }]);
      assert.equal(none.progress.source, 'today');
      assert.equal(none.progress.note, 'no git');
    } finally {
      ws.dispose();
    }
  });

  it('is read-only and cannot verify in an untrusted workspace', async () => {
    const ws = await load(FULL);
    try {
      const v = view(ws.index, { readOnly: true, canVerify: true });
      assert.equal(v.readOnly, true);
      assert.equal(v.canVerify, false);
      assert.equal(view(ws.index, { canVerify: true }).canVerify, true);
    } finally {
      ws.dispose();
    }
  });

  it('builds a view for a feature with only a spec, and for an empty spec, without throwing', async () => {
    const ws = await load({ 'specs/001-albums/spec.md': '', 'specs/002-b/spec.md': '\u0000\u0001binary' });
    try {
      for (const feature of ws.index.features) {
        const v = buildDashboard({ feature, project: ws.index.projectFor(feature.feature.dir), today: '2026-03-01', readOnly: false, canVerify: false });
        assert.deepEqual(v.board.cards, []);
        assert.equal(v.workflow.steps.length, 9);
        assert.deepEqual(v.progress.points, [{ date: '2026-03-01', done: 0, total: 0 }]);
      }
    } finally {
      ws.dispose();
    }
  });

  it('reads the nixos-flake sample the way the e2e test expects', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'speckit-dash-'));
    try {
      cpSync(join(repoRoot(), 'test/fixtures/workspaces/nixos-flake'), tmp, { recursive: true });
      const index = new WorkspaceIndex(new NodeFileSystem());
      await index.addFolder(tmp);
      const v = view(index);
      assert.equal(v.name, '001-postgresql-database');
      const s = states(v);
      assert.equal(s.specify, 'done');
      assert.equal(s.clarify, 'warning');
      assert.equal(s.implement, 'blocked');
      assert.equal(s.converge, 'todo');
      const fr3 = v.requirements.rows.find((r) => r.id === 'FR-003')!;
      assert.deepEqual(fr3.tasks.map((t) => t.id), ['T004']);
      assert.equal(v.board.cards.find((c) => c.id === 'T006')!.column, 'open');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('columns: a failed verification wins, a passing one verifies only a ticked task', () => {
    const ok = { ok: true, exitCode: 0, label: 'x', finishedAt: 1, durationMs: 1 };
    assert.equal(taskColumn({ checked: false }, undefined), 'open');
    assert.equal(taskColumn({ checked: true }, undefined), 'done');
    assert.equal(taskColumn({ checked: true }, ok), 'verified');
    assert.equal(taskColumn({ checked: false }, ok), 'open');
    assert.equal(taskColumn({ checked: true }, { ...ok, ok: false }), 'failed');
  });

  it('uses the analysis function itself (coverage matches analyzeFeature on the same documents)', async () => {
    const ws = await load(FULL);
    try {
      const f = ws.index.features[0]!;
      const direct = analyzeFeature({ spec: f.spec, plan: f.plan, tasks: f.tasks, paths: {} });
      assert.deepEqual(
        view(ws.index).requirements.rows.map((r) => r.id),
        direct.coverage.map((c) => c.requirement),
      );
    } finally {
      ws.dispose();
    }
  });
});
