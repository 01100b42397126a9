import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseTasks, pathsIn, type TasksDoc } from '../../../../src/core/artifacts/tasks';
import { LineIndex } from '../../../../src/core/text/lineIndex';
import { type Range } from '../../../../src/core/text/range';
import { corpusDir, corpusFiles, fixture } from '../../helpers/paths';

function textAt(doc: TasksDoc, r: Range): string {
  return doc.markdown.index.textOf(r);
}

function assertRangesInside(doc: TasksDoc): void {
  const idx = new LineIndex(doc.markdown.text);
  const inside = (r: Range): void => {
    assert.ok(r.start.line >= 0 && r.end.line < idx.lineCount, `range lines ${r.start.line}-${r.end.line} of ${idx.lineCount}`);
    assert.ok(r.start.character <= idx.lineText(r.start.line).length, 'start inside its line');
    assert.ok(r.end.character <= idx.lineText(r.end.line).length, 'end inside its line');
  };
  for (const t of doc.tasks) {
    [t.range, t.lineRange, t.idRange].forEach(inside);
    if (t.checkboxRange) inside(t.checkboxRange);
  }
  for (const p of doc.phases) [p.range, p.headingRange].forEach(inside);
  for (const p of doc.problems) inside(p.range);
}

describe('parseTasks', () => {
  it('a stray --- on the first line (a front matter never closed) keeps every task; a closed front matter too', () => {
    const body = '# Tasks\n\n- [ ] T001 Do it\n- [x] T002 Do that\n';
    for (const eol of ['\n', '\r\n', '\r']) {
      for (const head of ['---\n', '--- \n', '---\ntitle: x\n---\n', '---\ntitle: x\n']) {
        const text = (head + body).replace(/\n/g, eol);
        assert.deepEqual(
          parseTasks(text).tasks.map((t) => `${t.id}:${t.checked}`),
          ['T001:false', 'T002:true'],
          JSON.stringify(text),
        );
      }
    }
  });

  describe('spec-kit task lines', () => {
    const text = [
      '# Tasks: Photo albums',
      '',
      '## Phase 1: Setup (Shared Infrastructure)',
      '',
      '- [ ] T001 Create project structure per implementation plan',
      '- [x] T002 [P] Initialize `package.json` in frontend/package.json',
      '',
      '## Phase 3: User Story 1 - Browse albums (Priority: P1) 🎯 MVP',
      '',
      '### Implementation for User Story 1',
      '',
      '- [X] T003 [P] [US1] Create Album model in src/models/album.ts (FR-001, SC-002)',
      '- [ ] T004 [US1] Implement AlbumService in src/services/albumService.ts (depends on T003)',
      '  - [ ] write the happy path',
      '  - [x] handle empty albums',
      '',
      '## Dependencies & Execution Order',
      '',
      '- T003, T004 can run after T002',
      '',
      '```text',
      '- [ ] T099 not a task: inside a fence',
      '```',
    ].join('\n');
    const doc = parseTasks(text);

    it('finds tasks with IDs, states, markers and phases', () => {
      assert.deepEqual(
        doc.tasks.map((t) => [t.id, t.checked, t.parallel, t.story, t.phase]),
        [
          ['T001', false, false, undefined, 'phase-1'],
          ['T002', true, true, undefined, 'phase-1'],
          ['T003', true, true, 'US1', 'phase-3'],
          ['T004', false, false, 'US1', 'phase-3'],
        ],
      );
      assert.equal(doc.done, 2);
      assert.equal(doc.total, 4);
      assert.equal(doc.title?.value, 'Photo albums');
    });

    it('reads descriptions, paths, requirement references and dependencies', () => {
      const t3 = doc.tasks[2]!;
      assert.equal(t3.description, 'Create Album model in src/models/album.ts (FR-001, SC-002)');
      assert.deepEqual(t3.paths, ['src/models/album.ts']);
      assert.deepEqual(t3.requirements, ['FR-001', 'SC-002']);
      assert.deepEqual(doc.tasks[3]!.dependsOn, ['T003']);
      assert.deepEqual(doc.tasks[1]!.paths, ['package.json', 'frontend/package.json']);
    });

    it('describes phases: number, kind, story, priority, MVP and progress', () => {
      assert.deepEqual(
        doc.phases.map((p) => [p.key, p.kind, p.story, p.priority, p.mvp, p.done, p.total]),
        [
          ['phase-1', 'setup', undefined, undefined, false, 1, 2],
          ['phase-3', 'story', 'US1', 'P1', true, 1, 2],
        ],
      );
      assert.equal(doc.phases[1]!.title, 'User Story 1 - Browse albums (Priority: P1) 🎯 MVP');
    });

    it('keeps nested items as sub-items of their task', () => {
      assert.deepEqual(
        doc.tasks[3]!.children.map((c) => [c.text, c.checked]),
        [
          ['write the happy path', false],
          ['handle empty albums', true],
        ],
      );
    });

    it('gives exact ranges for the ID and the checkbox', () => {
      for (const t of doc.tasks) {
        assert.equal(textAt(doc, t.idRange), t.id);
        assert.match(textAt(doc, t.checkboxRange!), /^\[[ xX]\]$/);
      }
      assert.equal(doc.tasks[0]!.lineRange.start.line, 4);
    });

    it('does not take references in other sections or checkboxes in code for tasks', () => {
      assert.equal(doc.tasks.filter((t) => t.id === 'T003').length, 1);
      assert.ok(!doc.tasks.some((t) => t.id === 'T099'));
      assert.deepEqual(doc.fencedCheckboxes.map((f) => f.value), ['- [ ] T099 not a task: inside a fence']);
      assert.deepEqual(doc.problems, []);
    });
  });

  describe('variants found in real repositories', () => {
    it('reads bold IDs, bracketed IDs, letter suffixes and star bullets', () => {
      const doc = parseTasks(
        ['## Phase 1: Setup', '- [ ] **T001** Bold id', '- [x] [T002] Bracketed id', '* [ ] T002a Suffixed', '- [ ] **T003 [P]** Bold with tag'].join('\n'),
      );
      assert.deepEqual(
        doc.tasks.map((t) => [t.id, t.checked, t.parallel, t.description]),
        [
          ['T001', false, false, 'Bold id'],
          ['T002', true, false, 'Bracketed id'],
          ['T002a', false, false, 'Suffixed'],
          ['T003', false, true, 'Bold with tag'],
        ],
      );
      for (const t of doc.tasks) assert.equal(doc.markdown.index.textOf(t.idRange), t.id);
    });

    it('reads tasks written without a checkbox inside a phase, and reports each', () => {
      const doc = parseTasks(['## Phase 0 — Foundational', '', '- **T001** Vendor the corpus. **FR-030**', '- **T002 [P]** Check licences'].join('\n'));
      assert.deepEqual(
        doc.tasks.map((t) => [t.id, t.style, t.checked, t.requirements]),
        [
          ['T001', 'no-checkbox', false, ['FR-030']],
          ['T002', 'no-checkbox', false, []],
        ],
      );
      assert.deepEqual(
        doc.problems.map((p) => [p.code, textAt(doc, p.range)]),
        [
          ['task-missing-checkbox', 'T001'],
          ['task-missing-checkbox', 'T002'],
        ],
      );
      assert.equal(doc.phases[0]!.number, '0');
      assert.equal(doc.phases[0]!.kind, 'foundational');
    });

    it('reports duplicate and out-of-order IDs at the second one', () => {
      const doc = parseTasks(['## Phase 1: Setup', '- [ ] T002 b', '- [ ] T001 a', '- [ ] T002 again'].join('\n'));
      assert.deepEqual(
        doc.problems.map((p) => [p.code, p.range.start.line]),
        [
          ['task-out-of-order', 2],
          ['task-duplicate-id', 3],
        ],
      );
    });

    it('keeps unnumbered checkbox items apart from tasks', () => {
      const doc = parseTasks(['## Validation', '- [x] All contracts have tests (T005-T014)', '- [ ] Docs updated'].join('\n'));
      assert.equal(doc.total, 0);
      assert.deepEqual(doc.untracked.map((u) => [u.text, u.checked]), [
        ['All contracts have tests (T005-T014)', true],
        ['Docs updated', false],
      ]);
    });

    it('reads localized phase headings', () => {
      const doc = parseTasks(['# タスク: UI', '## Phase 3: User Story 1 - 設定画面 (優先度: P1) 🎯 MVP', '- [X] T010 [US1] 画面を作成'].join('\n'));
      assert.deepEqual([doc.phases[0]!.story, doc.phases[0]!.priority, doc.phases[0]!.mvp], ['US1', 'P1', true]);
      assert.equal(doc.tasks[0]!.phase, 'phase-3');
    });

    it('reads CRLF and a BOM with the same result as LF', () => {
      const lf = '## Phase 1: Setup\n- [x] T001 One in a/b.ts\n- [ ] T002 Two\n';
      const crlf = '\uFEFF' + lf.replace(/\n/g, '\r\n');
      const a = parseTasks(lf);
      const b = parseTasks(crlf);
      assert.deepEqual(
        b.tasks.map((t) => [t.id, t.checked, t.description, t.idRange, t.checkboxRange]),
        a.tasks.map((t) => [t.id, t.checked, t.description, t.idRange, t.checkboxRange]),
      );
      assert.equal(b.markdown.index.textOf(b.tasks[0]!.checkboxRange!), '[x]');
    });

    it('reads a file wrapped in a ```markdown fence as its content and says so', () => {
      const doc = parseTasks('```markdown\n## Phase 1: Setup\n- [ ] T001 One\n```\n');
      assert.equal(doc.total, 1);
      assert.deepEqual(doc.problems.map((p) => [p.code, p.range.start.line]), [['wrapped-in-fence', 0]]);
      assert.equal(doc.markdown.index.textOf(doc.tasks[0]!.idRange), 'T001');
    });

    it('survives empty, binary and oversized input with a problem, not an exception', () => {
      assert.equal(parseTasks('').total, 0);
      const bin = parseTasks(new Uint8Array([0, 1, 2, 3, 0, 255]));
      assert.deepEqual(bin.problems.map((p) => p.code), ['binary-file']);
      const big = parseTasks('- [ ] T001 x\n'.repeat(250_000));
      assert.deepEqual(big.problems.map((p) => p.code), ['file-too-large']);
    });
  });

  describe("the seed's `### Task N` dialect", () => {
    const doc = parseTasks(readFileSync(fixture('seed', 'postgresql-tasks.md')));

    it('reads the eight tasks with priority, estimate, dependencies and acceptance boxes', () => {
      assert.equal(doc.dialect, 'seed');
      assert.deepEqual(
        doc.tasks.map((t) => [t.id, t.description, t.priority, t.estimate, t.acceptance.length]),
        [
          ['T1', 'Create Module Structure', 'High', '30 minutes', 3],
          ['T2', 'Basic PostgreSQL Configuration', 'High', '1 hour', 4],
          ['T3', 'SSL/TLS Configuration', 'High', '1.5 hours', 4],
          ['T4', 'Backup System Implementation', 'High', '2 hours', 5],
          ['T5', 'Monitoring Setup', 'Medium', '1 hour', 4],
          ['T6', 'Integration with Host Configuration', 'High', '30 minutes', 3],
          ['T7', 'Documentation', 'Medium', '1 hour', 3],
          ['T8', 'Testing and Validation', 'High', '2 hours', 5],
        ],
      );
      assert.deepEqual(doc.tasks[0]!.dependsOn, []);
      assert.deepEqual(doc.tasks[5]!.dependsOn, ['T1', 'T2', 'T3', 'T4', 'T5']);
      assert.deepEqual(doc.tasks[7]!.dependsOn, ['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7']);
      assert.deepEqual(doc.tasks[0]!.paths, ['modules/services/postgresql/', 'default.nix', 'backup.nix', 'monitoring.nix']);
    });

    it('puts the task on its heading and each acceptance box on its characters', () => {
      const t1 = doc.tasks[0]!;
      assert.equal(doc.markdown.index.lineText(t1.lineRange.start.line), '### Task 1: Create Module Structure');
      for (const a of t1.acceptance) assert.equal(textAt(doc, a.checkboxRange), '[ ]');
      assert.equal(t1.acceptance[0]!.text, 'Directory structure created');
    });

    it('counts a task done only when all its acceptance boxes are ticked', () => {
      const text = readFileSync(fixture('seed', 'postgresql-tasks.md'), 'utf8')
        .replace('- [ ] Directory structure created', '- [x] Directory structure created')
        .replace('- [ ] Files exist with proper Nix syntax', '- [x] Files exist with proper Nix syntax')
        .replace('- [ ] Modules can be imported without errors', '- [x] Modules can be imported without errors')
        .replace('- [ ] PostgreSQL 15 configured', '- [x] PostgreSQL 15 configured');
      const partly = parseTasks(text);
      assert.deepEqual(partly.tasks.slice(0, 2).map((t) => t.checked), [true, false]);
      assert.equal(partly.done, 1);
    });

    it('reads the same when the model wrapped it in a fence', () => {
      const wrapped = parseTasks(readFileSync(fixture('seed', 'wrapped-postgresql-tasks.md')));
      assert.equal(wrapped.total, 8);
      assert.ok(wrapped.problems.some((p) => p.code === 'wrapped-in-fence'));
    });
  });

  describe('the corpus of real tasks files', () => {
    // Counted by reading each file: task lines with an ID, those ticked, and "Phase" headings.
    const counted: Array<[file: string, total: number, done: number, phases: number]> = [
      ['0h-n0__local-voice-assistant-claude__specs__002-stt-api__tasks.md', 36, 36, 6],
      ['ColeB1722__nix-devbox__specs__001-devbox-skeleton__tasks.md', 27, 27, 6],
      ['ColeB1722__nix-devbox__specs__006-multi-user-support__tasks.md', 44, 0, 9],
      ['ColeB1722__nix-devbox__specs__007-library-flake-architecture__tasks.md', 48, 21, 7],
      ['FAIR-DM__django-literature__specs__004-import-references-bibtex__tasks.md', 39, 1, 7],
      ['FAIR-DM__django-literature__specs__005-import-references-ris__tasks.md', 38, 0, 6],
      ['Yus314__MoLe__specs__006-compose-ui-rebuild__tasks.md', 90, 90, 7],
      ['joesh__jve-spec-kit-claude__specs__001-editor-project-v1__tasks.md', 69, 0, 9],
      ['microsoft__CommunityManagement-Sample-Spec-Kit__specs__010-events-explorer__tasks.md', 84, 77, 13],
      ['sunfmin__todo2__specs__001-todo-app__tasks.md', 119, 0, 6],
      ['timothymeyers__sdd-demo-repo__specs__001-todo-app__tasks.md', 67, 61, 8],
      ['tisayama__rsudp-rust__specs__002-udp-receiver__tasks.md', 15, 15, 4],
      ['13g7895123__urban_renewal__specs__001-view__tasks.md', 202, 84, 17],
    ];
    for (const [file, total, done, phases] of counted) {
      it(`counts ${file.split('__').slice(0, 2).join('/')} ${file.split('__').slice(-2).join('/')}`, () => {
        const doc = parseTasks(readFileSync(join(corpusDir(), file)));
        assert.deepEqual([doc.total, doc.done, doc.phases.length], [total, done, phases]);
        assert.equal(doc.phases.reduce((n, p) => n + p.total, 0), doc.tasks.filter((t) => t.phase).length);
      });
    }

    it('reads the hand-revised FAIR-DM file: bold IDs, no checkboxes, the out-of-order T041', () => {
      const doc = parseTasks(readFileSync(join(corpusDir(), 'FAIR-DM__django-literature__specs__005-import-references-ris__tasks.md')));
      assert.ok(doc.tasks.every((t) => t.style === 'no-checkbox'));
      const outOfOrder = doc.problems.filter((p) => p.code === 'task-out-of-order').map((p) => textAt(doc, p.range));
      assert.deepEqual(outOfOrder, ['T006']);
      assert.deepEqual(doc.tasks.find((t) => t.id === 'T006')!.requirements.slice(0, 3), ['FR-004', 'FR-006', 'FR-010']);
    });

    it('parses every tasks file with ranges inside the text and IDs at their ranges', () => {
      const files = corpusFiles('tasks.md');
      assert.ok(files.length >= 20, `expected the corpus's tasks files, found ${files.length}`);
      for (const f of files) {
        const doc = parseTasks(readFileSync(join(corpusDir(), f)));
        assertRangesInside(doc);
        for (const t of doc.tasks) assert.equal(textAt(doc, t.idRange), t.id, f);
      }
    });
  });

  describe('pathsIn', () => {
    it('finds paths and leaves look-alikes', () => {
      assert.deepEqual(pathsIn('Edit src/a/b.ts and ./c.nix, see https://x.org/a/b.html, GET/POST, 10.0.0.0/24, v1.2.3'), ['src/a/b.ts', 'c.nix']);
      assert.deepEqual(pathsIn('Create modules/services/postgresql/ and tests/unit/'), ['modules/services/postgresql/', 'tests/unit/']);
    });
  });

  describe('properties', () => {
    it('never throws and keeps ranges inside the text, for any input', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (s) => {
          assertRangesInside(parseTasks(s));
        }),
        { numRuns: 300 },
      );
    });

    it('never throws on mutated real files', () => {
      const sample = readFileSync(join(corpusDir(), 'ColeB1722__nix-devbox__specs__007-library-flake-architecture__tasks.md'), 'utf8');
      const pieces = ['- [ ] ', 'T0', '**', '[P]', '\n', '\r\n', '```', '## Phase ', '[US', ']', '`', '\t', '> '];
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat({ max: sample.length }), fc.nat({ max: 200 }), fc.constantFrom(...pieces)), { maxLength: 12 }),
          (edits) => {
            let text = sample;
            for (const [at, len, piece] of edits) text = text.slice(0, at) + piece + text.slice(Math.min(text.length, at + len));
            const doc = parseTasks(text);
            assertRangesInside(doc);
            for (const t of doc.tasks) assert.equal(textAt(doc, t.idRange), t.id);
          },
        ),
        { numRuns: 60 },
      );
    });
  });
});
