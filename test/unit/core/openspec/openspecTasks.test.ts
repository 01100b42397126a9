import * as assert from 'node:assert/strict';
import { checkboxProgress } from '../../../../src/core/openspec/project';
import { loadFixture } from './openspecFixtures';

/**
 * OpenSpec's tasks.md grammar (`## 1. Group` + `- [ ] 1.1 Task`) read by the shared task parser
 * (src/core/artifacts/tasks.ts): numbered items are tasks with those IDs, in numbered groups. These
 * tests wait on the parser change that adds the grammar (branch `parsers`); progress and checks
 * already work without it (see parity.test.ts).
 */
describe('OpenSpec tasks through the shared task parser', () => {
  it('reads pantherOS add-contabo-vps-server: 25 tasks 1.1 … 9.3 in 9 numbered groups, none ticked', async () => {
    const c = (await loadFixture('pantherOS')).changes.find((x) => x.id === 'add-contabo-vps-server')!;
    const doc = c.tasks!.doc;
    // prettier-ignore
    assert.deepEqual(doc.tasks.map((t) => t.id), [
      '1.1', '1.2', '2.1', '2.2', '2.3', '2.4', '2.5', '3.1', '3.2', '4.1', '4.2', '5.1', '6.1', '6.2',
      '7.1', '7.2', '7.3', '7.4', '8.1', '8.2', '8.3', '8.4', '9.1', '9.2', '9.3',
    ]);
    assert.ok(doc.tasks.every((t) => !t.checked));
    assert.equal(doc.tasks[0]!.description.startsWith('Create setup script'), true);
    assert.deepEqual(doc.phases.filter((p) => p.number !== undefined).map((p) => p.number), ['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.deepEqual(doc.untracked, []);
    assert.deepEqual(checkboxProgress(doc), { done: 0, total: 25 });
  });

  it('reads ccman update-codex-write-mode-policy: tasks 1.1 … 1.8, all ticked', async () => {
    const c = (await loadFixture('ccman')).changes.find((x) => x.id === 'update-codex-write-mode-policy')!;
    const doc = c.tasks!.doc;
    assert.deepEqual(doc.tasks.map((t) => [t.id, t.checked]), ['1.1', '1.2', '1.3', '1.4', '1.5', '1.6', '1.7', '1.8'].map((id) => [id, true]));
    assert.equal(doc.done, 8);
    assert.equal(doc.total, 8);
  });

  it('reads OpenSpec fix-schemas-root-selection: 14 tasks in 3 groups, 3.4 the one not ticked', async () => {
    const c = (await loadFixture('OpenSpec')).changes.find((x) => x.id === 'fix-schemas-root-selection')!;
    const doc = c.tasks!.doc;
    assert.equal(doc.tasks.length, 14);
    assert.deepEqual(doc.tasks.filter((t) => !t.checked).map((t) => t.id), ['3.4']);
    assert.deepEqual(doc.phases.filter((p) => p.number !== undefined).map((p) => [p.number, p.done, p.total]), [
      ['1', 6, 6],
      ['2', 4, 4],
      ['3', 3, 4],
    ]);
  });
});
