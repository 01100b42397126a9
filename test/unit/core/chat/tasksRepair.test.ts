import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { parseSpec } from '../../../../src/core/artifacts/spec';
import { parseTasks } from '../../../../src/core/artifacts/tasks';
import { repairTasks } from '../../../../src/core/chat/tasksRepair';
import { corpusFiles } from '../../helpers/paths';
import { corpusFile } from '../artifacts/artifactTestUtil';

const SPEC = parseSpec(`# Feature Specification: Backups

## User Scenarios & Testing

### User Story 1 - Restore (Priority: P1)

### User Story 2 - Prune (Priority: P2)

## Requirements

- **FR-001**: System MUST back up daily.
- **FR-002**: System MUST encrypt backups.
- **FR-003**: System MUST prune old backups.

## Success Criteria

- **SC-001**: A restore completes in under 10 minutes.
`);

const MESSY = `# Tasks: Backups

## Format: \`[ID] [P?] [Story] Description\`

\`\`\`text
- [ ] T999 [US1] example inside a fence stays as is
\`\`\`

## Phase 1: Setup

- [ ] T001 [US1] Create module skeleton in modules/services/backup/default.nix
- [ ] **T002** [P] Add options in modules/services/backup/options.nix
- [ ] Add a flake check in flake.nix

## Phase 3: User Story 1 - Restore (Priority: P1)

- T003 [US-1] Write restore script in scripts/restore.sh for FR-001
- [x] [T005] [Story 1] [P] Document restore in docs/restore.md (depends on T003) FR-002
  - [ ] sub-step stays a sub-item
- [ ] T004 [US7] Wire systemd timer in modules/services/backup/timer.nix

## Dependencies & Execution Order

- T003 before T005; T004 can run in parallel

## Parallel Example: User Story 1

\`\`\`bash
Task: "T005 Document restore"
Task: "T004 Wire timer"
\`\`\`

## Notes

\`\`\`text
T005 in an unrelated fence stays
\`\`\`
`;

describe('core/chat/tasksRepair', () => {
  it('enforces the task-line grammar and renumbers in document order', () => {
    const r = repairTasks(MESSY, SPEC);
    const lines = r.text.split('\n');
    assert.ok(lines.includes('- [ ] T001 Create module skeleton in modules/services/backup/default.nix'));
    assert.ok(lines.includes('- [ ] T002 [P] Add options in modules/services/backup/options.nix'));
    assert.ok(lines.includes('- [ ] T003 Add a flake check in flake.nix'));
    assert.ok(lines.includes('- [ ] T004 [US1] Write restore script in scripts/restore.sh for FR-001'));
    assert.ok(lines.includes('- [x] T005 [P] [US1] Document restore in docs/restore.md (depends on T004) FR-002'));
    assert.ok(lines.includes('  - [ ] sub-step stays a sub-item'));
    assert.ok(lines.includes('- [ ] T006 [US7] Wire systemd timer in modules/services/backup/timer.nix'));
    assert.ok(lines.includes('- T004 before T005; T006 can run in parallel'));
    assert.ok(lines.includes('Task: "T005 Document restore"'));
    assert.ok(lines.includes('Task: "T006 Wire timer"'));
    assert.ok(lines.includes('- [ ] T999 [US1] example inside a fence stays as is'));
    assert.ok(lines.includes('T005 in an unrelated fence stays'));
    assert.equal(r.taskCount, 6);
    assert.deepEqual(r.unknownStories, ['US7']);
  });

  it('reports one message per kind of fix, with counts', () => {
    const { fixes } = repairTasks(MESSY, SPEC);
    assert.ok(fixes.includes('added a checkbox to T004'), fixes.join('\n'));
    assert.ok(fixes.some((f) => /^gave a checkbox item an ID \(T003\)$/.test(f)), fixes.join('\n'));
    assert.ok(fixes.some((f) => /^wrote 2 task IDs plainly \(T002, T005\)/.test(f)), fixes.join('\n'));
    assert.ok(fixes.some((f) => /^normalized the story tag of 2 tasks to \[USn\] \(T004, T005\)$/.test(f)), fixes.join('\n'));
    assert.ok(fixes.some((f) => /^renumbered 3 tasks \(T003→T004, T005→T005|^renumbered \d+ tasks \(T003→T004/.test(f)), fixes.join('\n'));
    assert.ok(fixes.some((f) => /^removed the story tag from 1 task in Setup\/Foundational\/Polish phases \(T001 US1\)$/.test(f)), fixes.join('\n'));
    assert.ok(fixes.some((f) => /^updated \d+ references to renumbered tasks$/.test(f)), fixes.join('\n'));
    assert.equal(new Set(fixes.map((f) => f.split(' ')[0])).size, fixes.length);
  });

  it('computes requirement coverage against the spec', () => {
    const r = repairTasks(MESSY, SPEC);
    assert.deepEqual(r.coverage, [
      { requirement: 'FR-001', tasks: ['T004'] },
      { requirement: 'FR-002', tasks: ['T005'] },
      { requirement: 'FR-003', tasks: [] },
      { requirement: 'SC-001', tasks: [] },
    ]);
    assert.deepEqual(r.uncovered, ['FR-003', 'SC-001']);
  });

  it('is idempotent and agrees with parseTasks', () => {
    const once = repairTasks(MESSY, SPEC);
    const twice = repairTasks(once.text, SPEC);
    assert.equal(twice.text, once.text);
    assert.deepEqual(twice.fixes, []);
    const parsed = parseTasks(once.text);
    assert.deepEqual(parsed.tasks.map((t) => t.id), ['T001', 'T002', 'T003', 'T004', 'T005', 'T006']);
    assert.deepEqual(parsed.problems.filter((p) => /^task-/.test(p.code)), []);
  });

  it('leaves a correct file byte for byte, and keeps CRLF and BOM', () => {
    const good = repairTasks(MESSY, SPEC).text;
    const crlf = '\ufeff' + good.replace(/\n/g, '\r\n');
    const r = repairTasks(crlf, SPEC);
    assert.equal(r.text, crlf);
    const messyCrlf = '\ufeff' + MESSY.replace(/\n/g, '\r\n');
    assert.equal(repairTasks(messyCrlf, SPEC).text, crlf);
  });

  it('continues past T999', () => {
    const many = '## Phase 1: Setup\n\n' + Array.from({ length: 1001 }, () => '- [ ] Do a thing in a.ts\n').join('');
    const r = repairTasks(many);
    assert.equal(r.taskCount, 1001);
    assert.match(r.text, /- \[ \] T1001 Do a thing in a\.ts\n$/);
    assert.match(r.text, /- \[ \] T999 Do/);
  });

  it('does not treat checkbox items outside phases or ID lists as tasks', () => {
    const text = '# Tasks\n\n- [ ] a note outside phases\n\n## Phase 1: Setup\n\n- [ ] T001 a\n- T001, T002 can run together\n';
    const r = repairTasks(text);
    assert.equal(r.text, text);
    assert.equal(r.taskCount, 1);
  });

  it('reports no unknown stories without a spec, and handles empty and binary-ish input', () => {
    assert.deepEqual(repairTasks(MESSY).unknownStories, []);
    assert.deepEqual(repairTasks(''), { text: '', fixes: [], taskCount: 0, coverage: [], uncovered: [], unknownStories: [] });
    assert.doesNotThrow(() => repairTasks('\u0000\u0001## Phase 1\n- [ ] x'));
  });

  it('repairs corpus tasks files idempotently without losing tasks', function () {
    this.timeout(60_000); // 23 real files, each parsed and repaired twice: seconds on a busy 2-core machine
    for (const name of corpusFiles('tasks.md')) {
      const text = corpusFile(name).toString('utf8');
      const before = parseTasks(text).tasks.filter((t) => t.style !== 'heading').length;
      const once = repairTasks(text);
      assert.equal(repairTasks(once.text).text, once.text, name);
      assert.ok(once.taskCount >= before, `${name}: ${once.taskCount} < ${before}`);
      assert.equal(once.text.split('\n').length, text.split('\n').length, name);
    }
  });

  it('is idempotent on generated task files (property)', () => {
    const line = fc.oneof(
      fc.constantFrom('## Phase 1: Setup', '## Phase 2: Foundational', '## Phase 3: User Story 1 - x', '## Phase 4: Polish', '## Notes', '```', '', 'text T002 ref'),
      fc
        .tuple(
          fc.constantFrom('- ', '- [ ] ', '- [x] ', '  - [ ] ', '* [X] '),
          fc.constantFrom('', 'T001 ', '**T002** ', '[T010] ', 'T003a '),
          fc.constantFrom('', '[P] ', '[US1] ', '[US-2] ', '[Story 3] [P] '),
          fc.constantFrom('do it in a.ts', 'see T001', ''),
        )
        .map((p) => p.join('')),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 25 }), fc.boolean(), (ls, crlf) => {
        const text = ls.join(crlf ? '\r\n' : '\n');
        const once = repairTasks(text);
        const twice = repairTasks(once.text);
        assert.equal(twice.text, once.text);
        assert.deepEqual(twice.fixes, []);
        assert.equal(once.text.split(/\r?\n/).length, text.split(/\r?\n/).length);
        if (!crlf) assert.doesNotMatch(once.text, /\r/);
      }),
    );
  });
});
