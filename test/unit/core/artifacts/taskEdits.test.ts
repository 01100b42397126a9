import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyEdits, checkboxEditProblem, tickEdits } from '../../../../src/core/artifacts/taskEdits';
import { parseTasks } from '../../../../src/core/artifacts/tasks';
import { LineIndex } from '../../../../src/core/text/lineIndex';

const LF = ['# Tasks', '', '## Phase 1: Setup', '', '- [ ] T001 First', '- [x] T002 Second', '- T003 No box', '', '### Task 4: Seed', '', '**Acceptance**:', '- [ ] a', '- [x] b', ''].join('\n');

function tick(text: string, from: string, id: string, done: boolean): string {
  const doc = parseTasks(from);
  const task = doc.tasks.find((t) => t.id === id)!;
  const r = tickEdits(text, doc, task, done);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  const index = new LineIndex(text);
  return applyEdits(text, r.edits, (p) => index.offsetAt(p));
}

describe('tickEdits: the checked checkbox edit for the tick', () => {
  for (const [name, eol] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR only', '\r'],
  ] as const) {
    it(`ticks exactly the box, in ${name}`, () => {
      const text = LF.replace(/\n/g, eol);
      assert.equal(tick(text, text, 'T001', true), text.replace('- [ ] T001', '- [X] T001'));
      assert.equal(tick(text, text, 'T002', false), text.replace('- [x] T002', '- [ ] T002'));
      assert.equal(tick(text, text, 'T003', true), text.replace('- T003', '- [X] T003'));
      assert.equal(tick(text, text, 'T4', true), text.replace('- [ ] a', '- [X] a'));
    });
  }

  it('finds a task that moved in the buffer since the disk copy was parsed', () => {
    const disk = LF;
    const buffer = LF.replace('## Phase 1: Setup\n', '## Phase 1: Setup\n\n- [ ] T000 Added above\n');
    const doc = parseTasks(disk);
    const r = tickEdits(buffer, doc, doc.tasks[0]!, true);
    assert.ok(r.ok && r.moved);
    assert.equal(r.task.lineRange.start.line, 6);
    const index = new LineIndex(buffer);
    assert.equal(applyEdits(buffer, r.edits, (p) => index.offsetAt(p)), buffer.replace('- [ ] T001', '- [X] T001'));
  });

  it('refuses when the task is gone, twice in the file, or its box is not a box', () => {
    const doc = parseTasks(LF);
    const t1 = doc.tasks[0]!;
    const gone = tickEdits(LF.replace('T001', 'T009'), doc, t1, true);
    assert.ok(!gone.ok && /no longer in the file/.test(gone.reason));
    // A second T001 above the first: the line it was on now holds another task with the same ID.
    const twice = tickEdits(LF.replace('- [ ] T001 First', '- [ ] T001 Again\n- [ ] T001 First'), doc, t1, true);
    assert.ok(!twice.ok && /2 times/.test(twice.reason));
    // Same text length and line, but the "box" is something else: a forged range must not be edited.
    const forged = { ...t1, checkboxRange: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } } };
    const r = tickEdits(LF, doc, forged, true);
    assert.ok(!r.ok && /outside the task|not inside a checkbox/.test(r.reason), r.ok ? '' : r.reason);
  });

  it('ticks in place when the buffer differs from the parsed copy elsewhere (a duplicate below is not this task)', () => {
    const doc = parseTasks(LF);
    const buffer = LF.replace('- [ ] T001 First', '- [ ] T001 First\n- [ ] T001 Again');
    const r = tickEdits(buffer, doc, doc.tasks[0]!, true);
    assert.ok(r.ok && !r.moved);
    const index = new LineIndex(buffer);
    assert.equal(applyEdits(buffer, r.edits, (p) => index.offsetAt(p)), buffer.replace('- [ ] T001 First', '- [X] T001 First'));
  });

  it('reads the buffer, not the parsed copy: a CRLF disk copy and an LF buffer (VS Code normalises mixed endings)', () => {
    const disk = LF.replace(/\n/g, '\r\n').replace('- [x] T002 Second\r\n', '- [x] T002 Second\n');
    const buffer = LF;
    const doc = parseTasks(disk);
    const r = tickEdits(buffer, doc, doc.tasks.find((t) => t.id === 'T4')!, true);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    const index = new LineIndex(buffer);
    assert.equal(applyEdits(buffer, r.edits, (p) => index.offsetAt(p)), buffer.replace('- [ ] a', '- [X] a'));
  });

  it('refuses a task it cannot box (a seed task without acceptance boxes) instead of calling it unchanged', () => {
    const seed = '# Tasks\n\n### Task 1: No acceptance list\n\nJust prose.\n';
    const doc = parseTasks(seed);
    const r = tickEdits(seed, doc, doc.tasks[0]!, true);
    assert.ok(!r.ok && /no checkbox/.test(r.reason), r.ok ? 'ticked' : r.reason);
  });

  it('checkboxEditProblem accepts only an edit of a box character or a box inserted after a marker', () => {
    const text = '- [ ] a\r- b\rplain [x]\r';
    const at = (line: number, character: number, width: number, newText: string) => ({ range: { start: { line, character }, end: { line, character: character + width } }, newText });
    assert.equal(checkboxEditProblem(text, at(0, 3, 1, 'X')), undefined);
    assert.equal(checkboxEditProblem(text, at(1, 2, 0, '[X] ')), undefined);
    assert.equal(checkboxEditProblem(text, at(2, 7, 1, ' ')), undefined); // a box anywhere on the line is still a box
    assert.match(checkboxEditProblem(text, at(0, 2, 1, 'X'))!, /not inside a checkbox/);
    assert.match(checkboxEditProblem(text, at(0, 3, 2, 'X'))!, /wider/);
    assert.match(checkboxEditProblem(text, at(0, 3, 1, 'Y'))!, /unexpected/);
    assert.match(checkboxEditProblem(text, at(2, 0, 0, '[X] '))!, /no list marker/);
    assert.match(checkboxEditProblem(text, at(9, 0, 1, 'X'))!, /past the end/);
  });

  it('the CR-only probe: ticks T001 on its own line, never the title (was "# TasksX")', () => {
    const text = '# Tasks\r\r## Phase 1: Setup\r\r- [ ] T001 Do it\r';
    assert.equal(tick(text, text, 'T001', true), '# Tasks\r\r## Phase 1: Setup\r\r- [X] T001 Do it\r');
  });

  it('for any line endings and any task, the edit changes only a box character (property)', () => {
    const line = fc.oneof(
      fc.integer({ min: 1, max: 40 }).map((n) => `- [ ] T${String(n).padStart(3, '0')} do ${n}`),
      fc.integer({ min: 1, max: 40 }).map((n) => `- [x] T${String(n).padStart(3, '0')} done ${n}`),
      fc.constantFrom('## Phase 2: More', '', 'text', '  - [ ] sub', '```', '> - [ ] T050 quoted'),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 25 }), fc.constantFrom('\n', '\r\n', '\r'), fc.boolean(), (lines, eol, done) => {
        const text = ['# Tasks', '', '## Phase 1: Setup', '', ...lines].join(eol);
        const doc = parseTasks(text);
        for (const task of doc.tasks) {
          const r = tickEdits(text, doc, task, done);
          if (!r.ok) continue;
          const index = new LineIndex(text);
          const out = applyEdits(text, r.edits, (p) => index.offsetAt(p));
          assert.equal(out.length, text.length + (task.style === 'no-checkbox' && done ? 4 : 0));
          const diff = [...out].filter((c, i) => c !== text[i]).length;
          if (task.style === 'checkbox') {
            assert.ok(diff <= 1);
            const after = parseTasks(out).tasks.find((t) => t.id === task.id && t.lineRange.start.line === task.lineRange.start.line);
            assert.equal(after?.checked, done);
          }
        }
      }),
      { numRuns: 80 },
    );
  });
});
