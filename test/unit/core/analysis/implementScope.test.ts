import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseTasks, type TasksDoc } from '../../../../src/core/artifacts/tasks';
import { nextOpenTask, parseImplementScope } from '../../../../src/core/analysis/implementScope';
import { fixture } from '../../helpers/paths';

const SEED = parseTasks(readFileSync(fixture('seed', 'postgresql-tasks.md'), 'utf8'));

const TASKS = `# Tasks: Albums

## Phase 1: Setup

- [x] T001 Initialize project in package.json
- [ ] T002 [P] Configure linting in eslint.config.mjs

## Phase 2: Foundational

- [ ] T003 Database schema in src/db/schema.ts

## Phase 3: User Story 1 - Create albums (Priority: P1)

- [ ] T004 [US1] Album view in src/ui/albumView.ts (depends on T005)
- [ ] T005 [US1] Album service in src/services/album.ts
- [x] T006 [US1] Album model in src/models/album.ts

### Phase 3.1: Extras

- [ ] T007 [US1] Album covers in src/ui/cover.ts

## Phase 4: User Story 2 - Share (Priority: P2)

- [ ] T008 [US2] Share link in src/share.ts
- [ ] T004a [US2] Share icon in src/ui/icon.ts

## Phase 5: Polish

- [ ] T009 Changelog in CHANGELOG.md
`;
const DOC = parseTasks(TASKS);
const ids = (s: { tasks: { id: string }[] }): string[] => s.tasks.map((t) => t.id);
const scope = (args: string, doc: TasksDoc = DOC) => parseImplementScope(args, doc);

describe('parseImplementScope', () => {
  it('takes every open task when there are no arguments, dependencies first', () => {
    const s = scope('');
    assert.deepEqual(ids(s), ['T002', 'T003', 'T005', 'T004', 'T007', 'T008', 'T004a', 'T009']);
    assert.deepEqual(s.unknown, []);
    assert.match(s.description, /^all open tasks — 8 open tasks$/);
    assert.deepEqual(ids(scope('   ')), ids(s));
    assert.deepEqual(ids(scope('delegate each [P] task to a sub-agent')), ids(s));
  });

  it('reads IDs, ranges in several spellings, and reports IDs that do not exist', () => {
    assert.deepEqual(ids(scope('T003')), ['T003']);
    assert.deepEqual(ids(scope('only T001-T003')), ['T002', 'T003']);
    assert.deepEqual(ids(scope('T001..T003')), ['T002', 'T003']);
    assert.deepEqual(ids(scope('T001–T003')), ['T002', 'T003']);
    assert.deepEqual(ids(scope('T2 to T3')), ['T002', 'T003']);
    assert.deepEqual(ids(scope('T003, T008 T009')), ['T003', 'T008', 'T009']);
    assert.deepEqual(ids(scope('T004a')), ['T004a']);
    const s = scope('T003 T999');
    assert.deepEqual(ids(s), ['T003']);
    assert.deepEqual(s.unknown, ['T999']);
    // A range that includes done tasks says so.
    assert.match(scope('T001-T003').description, /T001–T003 — 2 open tasks \(1 already done\)/);
  });

  it('puts a task after its open dependency in scope, but not after one out of scope', () => {
    assert.deepEqual(ids(scope('T004 T005')), ['T005', 'T004']);
    assert.deepEqual(ids(scope('T004')), ['T004']);
  });

  it('reads phases by number, sub-number and name', () => {
    assert.deepEqual(ids(scope('Phase 3')), ['T005', 'T004', 'T007']);
    assert.deepEqual(ids(scope('phase 3.1')), ['T007']);
    assert.deepEqual(ids(scope('Setup')), ['T002']);
    assert.deepEqual(ids(scope('only the Setup phase')), ['T002']);
    assert.deepEqual(ids(scope('polish')), ['T009']);
    assert.deepEqual(ids(scope('Foundational')), ['T003']);
    assert.match(scope('Phase 2').description, /^Phase 2: Foundational — 1 open task$/);
    assert.deepEqual(scope('Phase 9').unknown, ['Phase 9']);
    assert.deepEqual(ids(scope('Phase 9')), []);
    assert.deepEqual(scope('convergence').unknown, ['Convergence phase']);
  });

  it('reads stories', () => {
    assert.deepEqual(ids(scope('US2')), ['T008', 'T004a']);
    assert.deepEqual(ids(scope('User Story 1')), ['T005', 'T004', 'T007']);
    assert.deepEqual(ids(scope('story 2 and T009')), ['T008', 'T004a', 'T009']);
    assert.deepEqual(scope('US7').unknown, ['User Story 7 (US7)']);
  });

  it("reads the seed's `### Task N` dialect: Task 3 and T2-T4", () => {
    assert.equal(SEED.dialect, 'seed');
    assert.deepEqual(ids(scope('Task 3', SEED)), ['T3']);
    assert.deepEqual(ids(scope('T3', SEED)), ['T3']);
    assert.deepEqual(ids(scope('T2-T4', SEED)), ['T2', 'T3', 'T4']);
    assert.deepEqual(ids(scope('Tasks 2-4', SEED)), ['T2', 'T3', 'T4']);
    assert.match(scope('Task 3', SEED).description, /^Task 3 — 1 open task$/);
    // Task 6 depends on tasks 1-5 and task 8 on all previous ones: document order already honours them.
    assert.deepEqual(ids(scope('', SEED)), ['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8']);
    assert.deepEqual(ids(scope('T8 T1', SEED)), ['T1', 'T8']);
  });

  it('reads numbered task IDs (1.1) of a list without T-IDs, and T-numbers never pick them', () => {
    const numbered = parseTasks(readFileSync(fixture('dialects', 'numbered-bold-tasks.md'), 'utf8'));
    assert.deepEqual(ids(scope('2.3', numbered)), ['2.3']);
    assert.deepEqual(ids(scope('1.1 and 4.4', numbered)), ['1.1', '4.4']);
    assert.deepEqual(ids(scope('1.2', numbered)), [], '1.2 is done');
    assert.deepEqual(scope('9.9', numbered).unknown, ['9.9']);
    assert.deepEqual(scope('T1', numbered).unknown, ['T1']);
    assert.deepEqual(scope('T001-T003', numbered).unknown, ['T001–T003']);
    assert.deepEqual(ids(scope('Phase 3', numbered)), ['3.1', '3.2']);
  });

  it('never returns checked tasks', () => {
    assert.deepEqual(ids(scope('T001 T006')), []);
    assert.deepEqual(scope('T001 T006').unknown, []);
  });
});

describe('nextOpenTask', () => {
  it('gives the first open task, or the next one after a given task', () => {
    assert.equal(nextOpenTask(DOC)?.id, 'T002');
    assert.equal(nextOpenTask(DOC, 'T003')?.id, 'T005');
    assert.equal(nextOpenTask(DOC, 'T005')?.id, 'T004');
    assert.equal(nextOpenTask(DOC, 'T009')?.id, 'T002'); // wraps to an earlier open task
    assert.equal(nextOpenTask(DOC, 'T404')?.id, 'T002');
    assert.equal(nextOpenTask(SEED, 'T3')?.id, 'T4');
    assert.equal(nextOpenTask(parseTasks('# Tasks\n\n## Phase 1: Setup\n\n- [x] T001 Done in a.ts\n')), undefined);
  });
});
