import assert from 'node:assert/strict';
import { type AnalyzedDoc } from '../../../../src/core/lint/analyzedDoc';
import { completions } from '../../../../src/core/lint/completion';
import { lintDocument } from '../../../../src/core/lint/lintRules';
import {
  definitionsOf,
  documentSymbols,
  hoverText,
  occurrenceAt,
  occurrencesOf,
  renameEdits,
  taskFileLinks,
} from '../../../../src/core/lint/navigation';
import { applyEdits, quickFixes } from '../../../../src/core/lint/quickFixes';
import { type Position } from '../../../../src/core/text/range';
import { doc, FEATURE, ROOT, SPEC, swap, TASKS } from './lintFixtures';

const CHECKLIST = `# Requirements Checklist: Backups

## Completeness

- [ ] CHK001 Is the retention of FR-002 defined? [Spec §FR-002]
- [x] CHK002 Do T005 and US2 agree?
`;

function feature(tasks = TASKS): AnalyzedDoc[] {
  return [doc('spec.md', SPEC), doc('tasks.md', tasks), doc('checklists/requirements.md', CHECKLIST)];
}

/** The position of the `n`-th occurrence (0-based) of `needle` in a doc, plus `offset` characters. */
function at(d: AnalyzedDoc, needle: string, n = 0, offset = 1): Position {
  let i = -1;
  for (let k = 0; k <= n; k++) i = d.markdown.text.indexOf(needle, i + 1);
  assert.ok(i >= 0, `fixture: ${needle} #${n}`);
  return d.markdown.index.positionAt(i + offset);
}

function fixed(d: AnalyzedDoc, code: string): string {
  const p = lintDocument(d).find((x) => x.code === code);
  assert.ok(p, `no ${code}`);
  const fixes = quickFixes(d, p);
  assert.equal(fixes.length, 1, `fixes for ${code}`);
  return applyEdits(d.markdown.text, fixes[0]!.edits, (x) => d.markdown.index.offsetAt(x));
}

describe('navigation', () => {
  it('finds the ID under the cursor, in every family', () => {
    const [spec, tasks, list] = feature();
    assert.equal(occurrenceAt(tasks!, at(tasks!, '(FR-001)', 0, 3))?.id, 'FR-001');
    assert.equal(occurrenceAt(tasks!, at(tasks!, '[US2]', 0, 2))?.id, 'US2');
    assert.equal(occurrenceAt(tasks!, at(tasks!, 'T003', 1))?.id, 'T003');
    assert.equal(occurrenceAt(list!, at(list!, 'CHK002'))?.id, 'CHK002');
    assert.equal(occurrenceAt(spec!, at(spec!, 'User Story 2', 0, 11))?.id, 'US2');
    assert.equal(occurrenceAt(tasks!, at(tasks!, 'Enable the service')), undefined);
  });

  it('goes to the definition across files, and finds every reference', () => {
    const docs = feature();
    const defs = definitionsOf(docs, 'FR-002');
    assert.deepEqual(defs.map((d) => d.doc.path), [`${FEATURE}/spec.md`]);
    assert.equal(defs[0]!.doc.markdown.index.textOf(defs[0]!.occurrence.range), 'FR-002');
    const refs = occurrencesOf(docs, 'FR-002');
    assert.deepEqual(refs.map((r) => [r.doc.path.slice(FEATURE.length + 1), r.occurrence.definition]), [
      ['spec.md', true],
      ['tasks.md', false],
      ['checklists/requirements.md', false],
      ['checklists/requirements.md', false],
    ]);
    const story = occurrencesOf(docs, 'US1');
    // The spec heading's number, the tasks phase heading's number, and the [US1] tags.
    assert.deepEqual(story.map((r) => r.doc.markdown.index.textOf(r.occurrence.range)), ['1', '1', 'US1', 'US1']);
    assert.deepEqual(definitionsOf(docs, 'T005').map((d) => d.doc.path), [`${FEATURE}/tasks.md`]);
  });

  it('hovers with the definition text', () => {
    const docs = feature();
    assert.match(hoverText(docs, 'FR-002')!, /^\*\*FR-002\*\* · spec\.md:27\n\nThe system MUST dump every database nightly\.\n\nTasks: T005$/);
    assert.match(hoverText(docs, 'US1')!, /Database runs[\s\S]*Independent test: Build the host\.[\s\S]*Tasks: 0\/2 done/);
    assert.match(hoverText(docs, 'T004')!, /\*\*T004\*\* \[US1\] \(open\)[\s\S]*Build the host[\s\S]*Phase: User Story 1[\s\S]*Depends on: T003/);
    assert.match(hoverText(docs, 'CHK001')!, /Is the retention of FR-002 defined/);
    assert.equal(hoverText(docs, 'T999'), undefined);
  });

  it('renames a task everywhere, and a story in headings and tags', () => {
    const docs = feature();
    const edits = renameEdits(docs, 'T005', 'T050');
    assert.ok(edits instanceof Map);
    const tasks = docs[1]!;
    const out = applyEdits(tasks.markdown.text, edits.get(tasks.path)!, (p) => tasks.markdown.index.offsetAt(p));
    assert.ok(out.includes('- [ ] T050 [P] [US2] Add the dump timer'));
    assert.ok(out.includes('T006 after T050'));
    assert.equal(edits.get(docs[2]!.path)?.length, 1, 'the checklist mentions T005 once');

    const story = renameEdits(docs, 'US2', 'US7');
    assert.ok(story instanceof Map);
    const spec = docs[0]!;
    assert.ok(applyEdits(spec.markdown.text, story.get(spec.path)!, (p) => spec.markdown.index.offsetAt(p)).includes('### User Story 7 - Nightly backups'));
    const renamedTasks = applyEdits(tasks.markdown.text, story.get(tasks.path)!, (p) => tasks.markdown.index.offsetAt(p));
    assert.ok(renamedTasks.includes('## Phase 3: User Story 7 - Nightly backups'));
    assert.ok(renamedTasks.includes('T005 [P] [US7]'));
  });

  it('refuses a rename to another family or onto an existing ID', () => {
    const docs = feature();
    assert.match(renameEdits(docs, 'T005', 'FR-005') as string, /not a task ID/);
    assert.match(renameEdits(docs, 'T005', 'T006') as string, /already exists/);
    assert.match(renameEdits(docs, 'FR-001', 'FR-002') as string, /already exists/);
    assert.match(renameEdits(docs, 'T404', 'T405') as string, /not defined/);
  });

  it('outlines stories and requirements, phases with their tasks', () => {
    const [spec, tasks] = feature();
    assert.deepEqual(documentSymbols(spec!).map((s) => s.name), ['US1: Database runs', 'US2: Nightly backups', 'FR-001', 'FR-002', 'SC-001']);
    const phases = documentSymbols(tasks!);
    assert.deepEqual(phases.map((p) => [p.name, p.children.map((c) => c.name)]), [
      ['Phase 1: Setup (Shared Infrastructure)', ['T001', 'T002']],
      ['Phase 2: User Story 1 - Database runs (Priority: P1) 🎯 MVP', ['T003', 'T004']],
      ['Phase 3: User Story 2 - Nightly backups (Priority: P2)', ['T005', 'T006']],
      ['Phase 4: Polish & Cross-Cutting Concerns', ['T007']],
    ]);
    for (const s of [...phases, ...phases.flatMap((p) => p.children)]) {
      assert.ok(s.range.start.line <= s.selectionRange.start.line && s.range.end.line >= s.selectionRange.end.line, s.name);
    }
  });

  it('links the files tasks name, from the project root', () => {
    const tasks = feature()[1]!;
    const links = taskFileLinks(tasks, ROOT);
    assert.deepEqual(
      links.map((l) => [tasks.markdown.index.textOf(l.range), l.target]),
      [
        ['modules/services/postgresql/default.nix', '/ws/modules/services/postgresql/default.nix'],
        ['modules/default.nix', '/ws/modules/default.nix'],
        ['hosts/ovh/default.nix', '/ws/hosts/ovh/default.nix'],
        ['modules/services/postgresql/backup.nix', '/ws/modules/services/postgresql/backup.nix'],
        ['scripts/restore.sh', '/ws/scripts/restore.sh'],
        ['docs/postgresql.md', '/ws/docs/postgresql.md'],
      ],
    );
  });
});

describe('completion', () => {
  it('offers the next task ID after a checkbox', () => {
    const text = swap(TASKS, '- [ ] T007 Document the module in docs/postgresql.md', '- [ ] T007 Document the module in docs/postgresql.md\n- [ ] ');
    const tasks = doc('tasks.md', text);
    const line = text.split('\n').indexOf('- [ ] ');
    const items = completions(tasks, { line, character: 6 }, [doc('spec.md', SPEC), tasks]);
    assert.deepEqual(items.map((i) => [i.label, i.insertText, i.preselect]), [['T008', 'T008 ', true]]);
  });

  it('offers [P] and the spec’s stories after an ID, the phase’s story first', () => {
    const text = swap(TASKS, '- [ ] T004 [US1] Build the host (depends on T003)', '- [ ] T004 [US1] Build the host (depends on T003)\n- [ ] T005 ');
    const tasks = doc('tasks.md', text);
    const line = text.split('\n').indexOf('- [ ] T005 ');
    const items = completions(tasks, { line, character: 11 }, [doc('spec.md', SPEC), tasks]);
    assert.deepEqual(items.map((i) => i.label), ['[P]', '[US1]', '[US2]']);
    assert.equal(items.find((i) => i.preselect)?.label, '[US1]');
  });

  it('offers the task line skeleton on an empty line of a story phase', () => {
    const text = swap(TASKS, '- [ ] T006 [P] [US2] Add the restore script in scripts/restore.sh', '- [ ] T006 [P] [US2] Add the restore script in scripts/restore.sh\n');
    const tasks = doc('tasks.md', text);
    const line = text.split('\n').indexOf('- [ ] T006 [P] [US2] Add the restore script in scripts/restore.sh') + 1;
    const items = completions(tasks, { line, character: 0 }, [doc('spec.md', SPEC), tasks]);
    assert.equal(items.length, 1);
    assert.equal(items[0]!.snippet, true);
    assert.match(items[0]!.insertText, /^- \[ \] T008 \$\{1:\[P\] \}\[US2\] /);
  });

  it('offers the feature’s IDs where one is typed', () => {
    const research = doc('research.md', '# Research\n\nSee FR-\n');
    const items = completions(research, { line: 2, character: 7 }, [...feature(), research]);
    const labels = items.map((i) => i.label);
    assert.ok(labels.includes('FR-001') && labels.includes('SC-001') && labels.includes('US2') && labels.includes('T007') && labels.includes('CHK001'));
    assert.deepEqual(items.find((i) => i.label === 'FR-001')?.range, { start: { line: 2, character: 4 }, end: { line: 2, character: 7 } });
    assert.equal(items.find((i) => i.label === 'FR-001')?.detail, 'The host MUST run PostgreSQL.');
    assert.deepEqual(completions(research, { line: 0, character: 3 }, feature()), []);
  });
});

describe('quick fixes', () => {
  it('adds a missing checkbox', () => {
    const out = fixed(doc('tasks.md', swap(TASKS, '- [ ] T004 [US1]', '- T004 [US1]')), 'task-missing-checkbox');
    assert.equal(out, TASKS);
  });

  it('adds a missing ID', () => {
    const out = fixed(doc('tasks.md', swap(TASKS, '- [ ] T007 Document', '- [ ] Document')), 'task-missing-id');
    assert.ok(out.includes('- [ ] T007 Document the module'));
  });

  it('renumbers tasks in order, references following', () => {
    const bad = swap(swap(TASKS, '- [ ] T004 [US1] Build the host (depends on T003)', '- [ ] T012 [US1] Build the host (depends on T003)'), 'T005 [P] [US2]', 'T004 [P] [US2]');
    const d = doc('tasks.md', bad.replace('- T004 depends on T003; T006 after T005', '- T012 depends on T003; T006 after T004'));
    const out = fixed(d, 'task-out-of-order');
    assert.ok(out.includes('- [ ] T004 [US1] Build the host (depends on T003)'));
    assert.ok(out.includes('- [ ] T005 [P] [US2] Add the dump timer'));
    assert.ok(out.includes('- T004 depends on T003; T006 after T005'));
    assert.deepEqual(lintDocument(doc('tasks.md', out)).map((p) => p.code), []);
  });

  it('renumbers duplicates', () => {
    const out = fixed(doc('tasks.md', swap(TASKS, 'T006 [P] [US2]', 'T005 [P] [US2]')), 'task-duplicate-id');
    assert.ok(out.includes('- [ ] T006 [P] [US2] Add the restore script'));
    assert.ok(!lintDocument(doc('tasks.md', out)).some((p) => p.code === 'task-duplicate-id'));
  });

  it('removes a story tag from a non-story phase', () => {
    const out = fixed(doc('tasks.md', swap(TASKS, 'T007 Document', 'T007 [US1] Document')), 'task-story-in-non-story-phase');
    assert.equal(out, TASKS);
  });

  it('unwraps a fenced file', () => {
    const out = fixed(doc('tasks.md', '```markdown\n' + TASKS + '```\n'), 'wrapped-in-fence');
    assert.equal(out, TASKS.replace(/\n$/, '') + '\n');
  });

  it('offers nothing for problems it cannot fix', () => {
    const d = doc('tasks.md', swap(TASKS, '(depends on T003)', '(depends on T042)'));
    const p = lintDocument(d).find((x) => x.code === 'unknown-task-reference')!;
    assert.deepEqual(quickFixes(d, p), []);
  });
});
