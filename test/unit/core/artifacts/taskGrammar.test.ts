import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { applyEdits, tickEdits } from '../../../../src/core/artifacts/taskEdits';
import { continuesIdList, leadingTags, leadingTaskId, leadingTaskIdEnd, mayStartTaskId, phaseHeading, phaseKind, storyInTitle } from '../../../../src/core/artifacts/taskGrammar';
import { parseTasks, type TasksDoc } from '../../../../src/core/artifacts/tasks';
import { repairTasks } from '../../../../src/core/chat/tasksRepair';
import { analyzeDoc, idOccurrences } from '../../../../src/core/lint/analyzedDoc';
import { lintDocument } from '../../../../src/core/lint/lintRules';
import { LineIndex } from '../../../../src/core/text/lineIndex';
import { corpusDir, corpusFiles, fixture } from '../../helpers/paths';

describe('task grammar', () => {
  it('reads phase headings: spec-kit phases and numbered groups', () => {
    assert.deepEqual(phaseHeading('Phase 3: User Story 1 - Browse (Priority: P1)'), { number: '3', title: 'User Story 1 - Browse (Priority: P1)', form: 'phase' });
    assert.deepEqual(phaseHeading('Phase 3.1 — Setup'), { number: '3.1', title: 'Setup', form: 'phase' });
    assert.deepEqual(phaseHeading('フェーズ 2：基盤'), { number: '2', title: '基盤', form: 'phase' });
    assert.deepEqual(phaseHeading('1. Implementation'), { number: '1', title: 'Implementation', form: 'group' });
    assert.equal(phaseHeading('Dependencies'), undefined);
    assert.equal(phaseHeading('1.1 Not a group'), undefined);
  });

  it('names phase kinds and the stories in titles, in every spelling', () => {
    assert.deepEqual(
      ['Setup (Shared Infrastructure)', 'Foundational (Blocking Prerequisites)', 'User Story 2 - Share', 'US-3 Export', 'Polish & Cross-Cutting Concerns', 'Convergence', 'Implementation'].map(phaseKind),
      ['setup', 'foundational', 'story', 'story', 'polish', 'convergence', 'other'],
    );
    assert.deepEqual(storyInTitle('Phase 4: User Story 2 - Share'), { id: 'US2', start: 9, length: 12, form: 'number', numberStart: 20, numberLength: 1 });
    assert.deepEqual(storyInTitle('Phase 4: US-02 Share'), { id: 'US2', start: 9, length: 5, form: 'id', numberStart: 12, numberLength: 2 });
    assert.equal(storyInTitle('Phase 1: Setup')?.id, undefined);
  });

  it('reads task IDs in their spellings, and numbered IDs', () => {
    const id = (s: string): [string, string, boolean] | undefined => {
      const m = leadingTaskId(s);
      return m && [m.id, m.scheme, m.decorated];
    };
    assert.deepEqual(id('T001 Do'), ['T001', 'T', false]);
    assert.deepEqual(id('**T004a** Do'), ['T004a', 'T', true]);
    assert.deepEqual(id('[T003] Do'), ['T003', 'T', true]);
    assert.equal(id('[T003 Do'), undefined, 'a bracket must close');
    assert.deepEqual(id('1.1 Create the script'), ['1.1', 'numbered', false]);
    assert.deepEqual(id('**2.10 Title** - text'), ['2.10', 'numbered', true]);
    assert.deepEqual(id('1.2.3: deep'), ['1.2.3', 'numbered', false]);
    assert.equal(id('1. a list'), undefined);
    assert.equal(id('1.5x faster'), undefined);
    assert.equal(id('T01 too short'), undefined);
    assert.ok(continuesIdList(', T005 can run in parallel'));
    assert.ok(!continuesIdList(' Create the module'));
  });

  it('reads tags in the spellings models and people write', () => {
    const read = (s: string): string[] => leadingTags(s).tags.map((t) => (t.kind === 'parallel' ? 'P' : `${t.id}${t.canonical ? '' : '*'}`));
    assert.deepEqual(read(' [P] [US1] Do'), ['P', 'US1']);
    assert.deepEqual(read('[US-1][US 2] [Story 3] [S4] [us5] [US06] Do'), ['US1*', 'US2*', 'US3*', 'US4*', 'US5*', 'US6*']);
    assert.deepEqual(read('** [P]** Do'), ['P']);
    assert.equal(leadingTags(' [P] [US1] Do it').rest, 'Do it');
  });
});

describe('numbered task lists without T-IDs (issue #17)', () => {
  it('reads `- [ ] **1.1 Title** - …` as 15 tasks 1.1 … 4.4 with their steps as sub-items', () => {
    const doc = parseTasks(readFileSync(fixture('dialects', 'numbered-bold-tasks.md')));
    // prettier-ignore
    assert.deepEqual(doc.tasks.map((t) => t.id), ['1.1', '1.2', '1.3', '1.4', '1.5', '2.1', '2.2', '2.3', '2.4', '3.1', '3.2', '4.1', '4.2', '4.3', '4.4']);
    assert.deepEqual(doc.tasks.filter((t) => t.checked).map((t) => t.id), ['1.2']);
    assert.deepEqual([doc.done, doc.total], [1, 15]);
    assert.deepEqual(doc.phases.map((p) => [p.number, p.done, p.total]), [
      ['1', 1, 5],
      ['2', 0, 4],
      ['3', 0, 2],
      ['4', 0, 4],
    ]);
    const first = doc.tasks[0]!;
    assert.equal(first.description, 'Restic Repository - Create the encrypted repository on the NAS');
    assert.equal(doc.markdown.index.textOf(first.idRange), '1.1');
    assert.equal(first.children.length, 4);
    assert.equal(doc.tasks.find((t) => t.id === '3.2')!.description, 'Dashboard');
    assert.deepEqual(doc.untracked, [], 'the steps belong to their tasks');
    assert.equal(doc.fencedCheckboxes.length, 1, 'a checkbox in a fence is not a task');
    assert.deepEqual(doc.problems, []);
    const lint = lintDocument(analyzeDoc('/p/specs/001-x/tasks.md', doc.markdown.text, doc)!).map((p) => p.code);
    assert.deepEqual(lint, ['fenced-checkbox']);
  });

  it('ticks a numbered task and only its box', () => {
    const text = readFileSync(fixture('dialects', 'numbered-bold-tasks.md'), 'utf8');
    const doc = parseTasks(text);
    const r = tickEdits(text, doc, doc.tasks.find((t) => t.id === '2.3')!, true);
    assert.ok(r.ok);
    const index = new LineIndex(text);
    assert.equal(applyEdits(text, r.edits, (p) => index.offsetAt(p)), text.replace('- [ ] **2.3 Restore', '- [X] **2.3 Restore'));
  });

  it("reads OpenSpec's `## 1. Group` / `- [ ] 1.1 …` as numbered phases and tasks", () => {
    const doc = parseTasks(['# Tasks', '', '## 1. Implementation', '- [x] 1.1 Add the flag', '- [ ] 1.2 Wire it: in src/cli.ts', '', '## 2. Docs', '- [ ] 2.1 README section', ''].join('\n'));
    assert.deepEqual(doc.tasks.map((t) => [t.id, t.checked, t.phase, t.description]), [
      ['1.1', true, 'phase-1', 'Add the flag'],
      ['1.2', false, 'phase-1', 'Wire it: in src/cli.ts'],
      ['2.1', false, 'phase-2', 'README section'],
    ]);
    assert.deepEqual(doc.phases.map((p) => [p.title, p.kind]), [
      ['Implementation', 'other'],
      ['Docs', 'other'],
    ]);
    assert.deepEqual(doc.tasks[1]!.paths, ['src/cli.ts']);
  });

  it('leaves spec-kit files as they were: numbered steps under a T-ID task stay its steps; `### 1. …` inside a phase is no phase', () => {
    const doc = parseTasks(
      ['# Tasks', '', '## Phase 1: Setup', '', '### 1. Scaffolding', '', '- [ ] T001 Create the flake', '  - [ ] 1.1 run nix flake init', '  - [ ] 1.2 commit', '- 1.3 a numbered note without a box', ''].join('\n'),
    );
    assert.deepEqual(doc.tasks.map((t) => t.id), ['T001']);
    assert.deepEqual(doc.tasks[0]!.children.map((c) => c.text), ['1.1 run nix flake init', '1.2 commit']);
    assert.deepEqual(doc.phases.map((p) => [p.number, p.kind, p.total]), [['1', 'setup', 1]]);
  });

  it('reports numbered tasks out of order (1.10 after 1.9 is in order)', () => {
    const doc = parseTasks(['## 1. Work', '- [ ] 1.9 a', '- [ ] 1.10 b', '- [ ] 1.2 c', ''].join('\n'));
    assert.deepEqual(
      doc.problems.filter((p) => p.code === 'task-out-of-order').map((p) => doc.markdown.index.textOf(p.range)),
      ['1.2'],
    );
  });
});

/**
 * Every tasks file the unit tests know: the spec-kit corpus, the unit fixtures, and the spellings
 * below. The parser, the repair and the lint rules must read the same tasks, tags and phases in each.
 */
function shapes(): Array<[string, string]> {
  const out: Array<[string, string]> = corpusFiles('tasks.md').map((f) => [f, readFileSync(join(corpusDir(), f), 'utf8')]);
  for (const f of ['analysis/tasks.md', 'seed/postgresql-tasks.md', 'seed/wrapped-postgresql-tasks.md', 'dialects/numbered-bold-tasks.md']) {
    out.push([f, readFileSync(fixture(...f.split('/')), 'utf8')]);
  }
  out.push([
    'spellings',
    [
      '# Tasks: Spellings',
      '',
      '## Phase 1: Setup',
      '- [ ] T001 [US1] A story tag where none belongs',
      '- T002 No checkbox',
      '- [ ] **T003** [P] Bold ID',
      '',
      '## Phase 2: US-1 Upload',
      '- [ ] [T004] [US 1] Bracketed, spaced tag',
      '- [ ] **T005 [P] [Story 1]** Bold run over the tags',
      '- [ ] T006 [S1] [P] Short tag, out of order',
      '- [ ] T007 [us-01] lower case',
      '- [ ] A checkbox without an ID',
      '  - [ ] a step of it',
      '',
      '## Phase 3: User Story 2 — Share',
      '- [x] T008 [US2] Share',
      '- T009, T010 can run in parallel',
      '',
      '## Phase 4: Polish & Cross-Cutting',
      '- [ ] T011 [P] [US2] Docs',
      '',
      '## Notes',
      '- [ ] T012 After the phases',
      '',
    ].join('\r\n'),
  ]);
  return out;
}

describe('the parser, the repair and the lint rules agree on every task shape', () => {
  for (const [name, text] of shapes()) {
    it(name, () => {
      const doc = parseTasks(text);
      const repaired = parseTasks(repairTasks(text).text);
      const at = (d: TasksDoc): Map<number, TasksDoc['tasks'][number]> => new Map(d.tasks.map((t) => [t.lineRange.start.line, t]));
      const after = at(repaired);
      const phaseOf = new Map(doc.phases.map((p) => [p.key, p]));
      const untrackedLines = new Set(doc.untracked.map((u) => u.range.start.line));
      const lint = lintDocument(analyzeDoc('/p/specs/001-x/tasks.md', text, doc)!);
      const storyInWrongPhase = new Set(lint.filter((p) => p.code === 'task-story-in-non-story-phase').map((p) => p.range.start.line));
      for (const t of doc.tasks) {
        if (t.derived) continue;
        const line = t.lineRange.start.line;
        const r = after.get(line);
        // The repair reads every task the parser reads, on the same line, with the same tags.
        assert.ok(r, `${t.id} (line ${line + 1}) is a task for the parser but not for the repair`);
        assert.equal(r.parallel, t.parallel, `[P] of ${t.id}`);
        const phase = t.phase ? phaseOf.get(t.phase) : undefined;
        const removed = t.story !== undefined && phase !== undefined && ['setup', 'foundational', 'polish'].includes(phase.kind);
        assert.equal(r.story, removed ? undefined : t.story, `story of ${t.id}`);
        // The lint flags exactly the story tags the repair removes.
        assert.equal(storyInWrongPhase.has(line), removed, `lint and repair on the story tag of ${t.id}`);
      }
      for (const r of repaired.tasks) {
        const line = r.lineRange.start.line;
        const was = at(doc).get(line);
        // The repair makes tasks only of what the parser reads as a task or as an ID-less checkbox item.
        assert.ok(was !== undefined || untrackedLines.has(line), `the repair made a task of line ${line + 1}, which the parser does not read as one`);
      }
      // The story a phase heading names is the same for the parser and the lint's ID index.
      const analyzed = analyzeDoc('/p/specs/001-x/tasks.md', text, doc)!;
      // The first story mention on a phase heading's line is the phase's (later ones are references).
      const firstOnLine = new Map<number, string>();
      for (const o of idOccurrences(analyzed)) {
        const line = o.range.start.line;
        if (o.family === 'story' && !firstOnLine.has(line) && doc.phases.some((p) => p.headingRange.start.line === line)) firstOnLine.set(line, `${line}:${o.id}`);
      }
      const headingStories = [...firstOnLine.values()];
      assert.deepEqual(
        headingStories,
        doc.phases.filter((p) => p.story && storyInTitle(doc.markdown.index.textOf(p.headingRange))).map((p) => `${p.headingRange.start.line}:${p.story}`),
      );
    });
  }
});

/** leadingTaskId's answer as leadingTaskIdEnd gives it: 0, the end, or minus the end for a numbered ID. */
function expectedEnd(text: string): number {
  const id = leadingTaskId(text);
  return id === undefined ? 0 : id.scheme === 'T' ? id.end : -id.end;
}

describe("leadingTaskIdEnd: leadingTaskId's scheme and end without its object", () => {
  it('answers as leadingTaskId does in every spelling', () => {
    const cases = ['T001 Do', 'T004a Do', 'T001, T002', 'T001] x', 'T01 short', 'T0012', 'Tx', 'T', '**T004a** Do', '__T001__', '[T003] Do', '[T003 Do', ' T001', '\tT001', '1.1 Create', '1.2.3: deep', '1. a list', '1.5x faster', '2.10', '**2.10 Title** - x', '12', 'a T001', 't001', '', '*', '[', '[ ]'];
    for (const c of cases) assert.equal(leadingTaskIdEnd(c), expectedEnd(c), JSON.stringify(c));
    assert.equal(leadingTaskIdEnd('T001 Do'), 4);
    assert.equal(leadingTaskIdEnd('[T003] Do'), 6);
    assert.equal(leadingTaskIdEnd('1.1 Create'), -3);
    assert.equal(leadingTaskIdEnd('[T003 Do'), 0, 'a bracket must close');
  });

  it('on every list item of every tasks file the unit tests know (its text after the marker and box, and the raw line)', () => {
    let items = 0;
    let ids = 0;
    for (const [, text] of shapes()) {
      for (const line of text.split(/\r\n|\r|\n/)) {
        const item = /^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?(.*)$/.exec(line);
        for (const s of item ? [item[1]!, item[1]!.trim(), line] : [line]) {
          assert.equal(leadingTaskIdEnd(s), expectedEnd(s), JSON.stringify(s));
          if (item && s === item[1]) {
            items++;
            if (expectedEnd(s) !== 0) ids++;
          }
        }
      }
    }
    // The corpus is real spec-kit files: thousands of items, most of them tasks.
    assert.ok(items > 1000 && ids > items / 2, `${ids} IDs in ${items} items`);
  });

  it('on generated texts: ID spellings, emphasis, brackets, digits and any characters', () => {
    const piece = fc.constantFrom('T', 'T0', 'T001', 'T0042', 'a', 'b', '1', '1.', '.1', '12.', '**', '__', '*', '_', '[', ']', ' ', '\t', ':', '：', ',', '-', 'x', '\u00a0', '\u2028');
    const text = fc.array(fc.oneof({ weight: 4, arbitrary: piece }, { weight: 1, arbitrary: fc.string({ maxLength: 4 }) }), { maxLength: 12 }).map((p) => p.join(''));
    fc.assert(
      fc.property(text, (s) => leadingTaskIdEnd(s) === expectedEnd(s)),
      { numRuns: 5000 },
    );
  });

  it("derives the characters that can start an ID from the patterns: on every code unit, one outside the set starts no ID and each inside starts one", () => {
    // What can follow a first character to complete an ID of either pattern, whatever that character opened.
    const rests = ['', 'T001', '*T001**', '_T001__', 'T001]', ' T001', '1.1', '.1', '*1.1**', '_1.1__', '001', '1 ', ' 1.1', '\tT001'];
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      const starts = rests.some((r) => leadingTaskId(ch + r) !== undefined);
      assert.equal(mayStartTaskId(c), starts, `U+${c.toString(16).padStart(4, '0')}`);
    }
  });
});
