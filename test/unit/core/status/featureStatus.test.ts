import assert from 'node:assert/strict';
import { type ArtifactFacts, featureStatus, STALE_TOLERANCE_MS } from '../../../../src/core/status/featureStatus';

const T = 1_700_000_000_000;
const spec = (over: Partial<NonNullable<ArtifactFacts['spec']>> = {}): NonNullable<ArtifactFacts['spec']> => ({
  mtime: T,
  markers: 0,
  placeholders: 0,
  clarificationSessions: 0,
  ...over,
});

describe('featureStatus', () => {
  it('walks the phases of the loop from the files alone', () => {
    const cases: Array<[ArtifactFacts, string, string | undefined, string]> = [
      [{ checklists: [] }, 'no-spec', 'specify', 'No spec'],
      [{ spec: spec({ markers: 2 }), checklists: [] }, 'draft', 'clarify', 'Draft'],
      [{ spec: spec({ placeholders: 1 }), checklists: [] }, 'draft', 'specify', 'Draft'],
      [{ spec: spec(), checklists: [] }, 'specified', 'plan', 'Specified'],
      [{ spec: spec({ clarificationSessions: 1 }), checklists: [] }, 'clarified', 'plan', 'Clarified'],
      [{ spec: spec(), plan: { mtime: T, markers: 0, placeholders: 0 }, checklists: [] }, 'planned', 'tasks', 'Planned'],
      [{ spec: spec(), plan: { mtime: T, markers: 0, placeholders: 0 }, tasks: { mtime: T, done: 0, total: 12 }, checklists: [] }, 'tasks-ready', 'implement', 'Tasks 0/12'],
      [{ spec: spec(), tasks: { mtime: T, done: 7, total: 12 }, checklists: [] }, 'implementing', 'implement', 'Implementing 7/12'],
      [{ spec: spec(), tasks: { mtime: T, done: 12, total: 12 }, checklists: [] }, 'done', 'converge', 'Done 12/12'],
    ];
    for (const [facts, phase, next, label] of cases) {
      const s = featureStatus(facts);
      assert.deepEqual([s.phase, s.next, s.label], [phase, next, label], JSON.stringify(facts));
    }
  });

  it('treats a plan still full of template placeholders as not planned', () => {
    assert.equal(featureStatus({ spec: spec(), plan: { mtime: T, markers: 0, placeholders: 5 }, checklists: [] }).phase, 'specified');
  });

  it('an empty tasks file does not count as tasks ready', () => {
    assert.equal(featureStatus({ spec: spec(), plan: { mtime: T, markers: 0, placeholders: 0 }, tasks: { mtime: T, done: 0, total: 0 }, checklists: [] }).phase, 'planned');
  });

  it('adds markers of spec and plan and checklist items', () => {
    const s = featureStatus({
      spec: spec({ markers: 1 }),
      plan: { mtime: T, markers: 2, placeholders: 0 },
      checklists: [
        { name: 'requirements', passed: 14, total: 16 },
        { name: 'security', passed: 0, total: 5 },
      ],
    });
    assert.equal(s.markers, 3);
    assert.deepEqual(s.checklists, { passed: 14, total: 21 });
  });

  it('marks downstream artifacts stale when an upstream one changed later, beyond checkout jitter', () => {
    const later = T + STALE_TOLERANCE_MS + 1;
    assert.deepEqual(
      featureStatus({ spec: spec({ mtime: later }), plan: { mtime: T, markers: 0, placeholders: 0 }, tasks: { mtime: T, done: 0, total: 1 }, checklists: [] }).stale,
      [{ artifact: 'plan', changed: 'spec' }],
    );
    assert.deepEqual(
      featureStatus({ spec: spec(), plan: { mtime: later, markers: 0, placeholders: 0 }, tasks: { mtime: T, done: 0, total: 1 }, checklists: [] }).stale,
      [{ artifact: 'tasks', changed: 'plan' }],
    );
    assert.deepEqual(featureStatus({ spec: spec({ mtime: later }), tasks: { mtime: T, done: 0, total: 1 }, checklists: [] }).stale, [{ artifact: 'tasks', changed: 'spec' }]);
    assert.deepEqual(featureStatus({ spec: spec({ mtime: T + 500 }), plan: { mtime: T, markers: 0, placeholders: 0 }, checklists: [] }).stale, []);
  });
});
