import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSpec } from '../../../../src/core/artifacts/spec';
import { parseTasks } from '../../../../src/core/artifacts/tasks';
import { analyzeDoc, lintKind } from '../../../../src/core/lint/analyzedDoc';
import { type FeatureModels, lintDocument } from '../../../../src/core/lint/lintRules';
import { applySeverities, readSeverityOverrides, RULES } from '../../../../src/core/lint/rules';
import { type Problem } from '../../../../src/core/text/range';
import { corpusDir, corpusFiles } from '../../helpers/paths';
import { doc, SPEC, swap, TASKS } from './lintFixtures';

const feature = (): FeatureModels => ({ spec: parseSpec(SPEC), tasks: parseTasks(TASKS) });

/** Problems of one code, each with the exact text its range covers. */
function found(name: string, text: string, code: string, models: FeatureModels = feature()): { text: string; line: number; problem: Problem }[] {
  const d = doc(name, text);
  return lintDocument(d, models)
    .filter((p) => p.code === code)
    .map((p) => ({ text: d.markdown.index.textOf(p.range), line: p.range.start.line + 1, problem: p }));
}

function codes(name: string, text: string, models: FeatureModels = feature()): string[] {
  return lintDocument(doc(name, text), models).map((p) => p.code);
}

describe('lint rules', () => {
  it('finds nothing wrong with a clean feature', () => {
    assert.deepEqual(codes('tasks.md', TASKS), []);
    assert.deepEqual(codes('spec.md', SPEC), []);
  });

  describe('tasks.md', () => {
    it('task-missing-checkbox: an ID without "[ ]", on the ID', () => {
      const bad = swap(TASKS, '- [ ] T004 [US1]', '- T004 [US1]');
      const f = found('tasks.md', bad, 'task-missing-checkbox');
      assert.deepEqual(f.map((x) => x.text), ['T004']);
      assert.equal(f[0]!.problem.severity, 'warning');
      assert.deepEqual(found('tasks.md', TASKS, 'task-missing-checkbox'), []);
    });

    it('task-missing-id: a checkbox item in a phase without an ID, on the checkbox', () => {
      const bad = swap(TASKS, '- [ ] T007 Document', '- [ ] Document');
      assert.deepEqual(found('tasks.md', bad, 'task-missing-id').map((x) => x.text), ['[ ]']);
      // Outside any phase (a notes list) a plain checkbox is not a task.
      assert.deepEqual(found('tasks.md', `${TASKS}\n## Notes\n\n- [ ] Review with the team\n`, 'task-missing-id'), []);
    });

    it('task-duplicate-id (error) and task-out-of-order (warning), on the ID', () => {
      const dup = swap(TASKS, 'T006 [P] [US2]', 'T005 [P] [US2]');
      const d = found('tasks.md', dup, 'task-duplicate-id');
      assert.deepEqual(d.map((x) => [x.text, x.problem.severity]), [['T005', 'error']]);
      assert.equal(d[0]!.line, 16);
      const swapped = swap(swap(TASKS, 'T003 [P] [US1]', 'T00X [P] [US1]'), 'T004 [US1]', 'T003 [US1]').replace('T00X', 'T004');
      assert.deepEqual(found('tasks.md', swapped, 'task-out-of-order').map((x) => x.text), ['T003']);
      assert.deepEqual(found('tasks.md', TASKS, 'task-out-of-order'), []);
    });

    it('task-story-in-non-story-phase: [USn] in Setup or Polish, on the tag', () => {
      const bad = swap(TASKS, 'T007 Document', 'T007 [US1] Document');
      assert.deepEqual(found('tasks.md', bad, 'task-story-in-non-story-phase').map((x) => x.text), ['[US1]']);
      assert.deepEqual(found('tasks.md', TASKS, 'task-story-in-non-story-phase'), []);
    });

    it('task-missing-story and task-story-mismatch in story phases', () => {
      assert.deepEqual(found('tasks.md', swap(TASKS, 'T004 [US1]', 'T004'), 'task-missing-story').map((x) => x.text), ['T004']);
      assert.deepEqual(found('tasks.md', swap(TASKS, 'T004 [US1]', 'T004 [US2]'), 'task-story-mismatch').map((x) => x.text), ['[US2]']);
    });

    it('unknown-story: a tag or a story phase the spec does not have', () => {
      const bad = swap(swap(TASKS, 'T004 [US1]', 'T004 [US3]'), 'Phase 3: User Story 2', 'Phase 3: User Story 9');
      const f = found('tasks.md', bad, 'unknown-story');
      assert.deepEqual(f.map((x) => x.text), ['[US3]', '9']);
      // Without a spec there is nothing to check against.
      assert.deepEqual(found('tasks.md', bad, 'unknown-story', {}), []);
    });

    it('unknown-task-reference: a dependency on a task that does not exist', () => {
      const bad = swap(TASKS, '(depends on T003)', '(depends on T042)');
      assert.deepEqual(found('tasks.md', bad, 'unknown-task-reference').map((x) => x.text), ['T042']);
      assert.deepEqual(found('tasks.md', TASKS, 'unknown-task-reference'), []);
    });

    it('unknown-requirement-reference: an FR the spec does not define (families the spec uses only)', () => {
      const bad = swap(swap(TASKS, '(FR-001)', '(FR-009)'), 'scripts/restore.sh', 'scripts/restore.sh (UTF-8, PG-16)');
      assert.deepEqual(found('tasks.md', bad, 'unknown-requirement-reference').map((x) => x.text), ['FR-009']);
    });

    it('parallel-same-file: two [P] tasks of one phase on the same file, on the [P]', () => {
      const bad = swap(TASKS, 'scripts/restore.sh', 'modules/services/postgresql/backup.nix');
      const f = found('tasks.md', bad, 'parallel-same-file');
      assert.deepEqual(f.map((x) => [x.text, x.line]), [['[P]', 16]]);
      assert.match(f[0]!.problem.message, /T006 and T005/);
      // Same file in different phases, or only one of them [P]: fine.
      assert.deepEqual(found('tasks.md', swap(bad, 'T006 [P] [US2]', 'T006 [US2]'), 'parallel-same-file'), []);
    });

    it('fenced-checkbox: checkbox lines inside fenced code are "not a task"', () => {
      const bad = `${TASKS}\n\`\`\`text\n- [ ] T099 Not a task\n\`\`\`\n`;
      const f = found('tasks.md', bad, 'fenced-checkbox');
      assert.deepEqual(f.map((x) => x.text), ['- [ ] T099 Not a task']);
      assert.match(f[0]!.problem.message, /not a task/);
      // Not a reference either.
      assert.deepEqual(found('tasks.md', bad, 'unknown-task-reference'), []);
    });

    it('wrapped-in-fence: a file inside one ```markdown fence, on the opening line', () => {
      const f = found('tasks.md', '```markdown\n' + TASKS + '```\n', 'wrapped-in-fence');
      assert.deepEqual(f.map((x) => [x.text, x.line]), [['```markdown', 1]]);
    });
  });

  describe('spec.md', () => {
    it('needs-clarification on each marker, too-many-clarifications past three', () => {
      const one = swap(SPEC, 'run PostgreSQL.', 'run PostgreSQL [NEEDS CLARIFICATION: which version?].');
      assert.deepEqual(found('spec.md', one, 'needs-clarification').map((x) => x.text), ['[NEEDS CLARIFICATION: which version?]']);
      assert.deepEqual(found('spec.md', one, 'too-many-clarifications'), []);
      const four = `${SPEC}\n## Assumptions\n\n- A [NEEDS CLARIFICATION: a]\n- B [NEEDS CLARIFICATION: b]\n- C [NEEDS CLARIFICATION: c]\n- D [NEEDS CLARIFICATION: d]\n`;
      assert.deepEqual(found('spec.md', four, 'too-many-clarifications').map((x) => x.text), ['[NEEDS CLARIFICATION: d]']);
    });

    it('requirement-no-task: per family, once tasks name IDs of that family', () => {
      const tasks = parseTasks(swap(TASKS, ' (FR-002)', ''));
      const f = found('spec.md', SPEC, 'requirement-no-task', { tasks });
      assert.deepEqual(f.map((x) => [x.text, x.problem.severity]), [['FR-002', 'info']]);
      // SC-001: no task names any SC, so success criteria are not traced.
      assert.ok(!f.some((x) => x.text === 'SC-001'));
      // Tasks naming no requirement at all: nothing is traced.
      assert.deepEqual(found('spec.md', SPEC, 'requirement-no-task', { tasks: parseTasks(TASKS.replace(/ \(FR-00\d\)/g, '')) }), []);
    });

    it('placeholder and template-guidance from the template', () => {
      const raw = `# Feature Specification: [FEATURE NAME]\n\n<!--\n  ACTION REQUIRED: fill this in\n-->\n\n## Requirements\n\n- **FR-001**: System MUST work.\n`;
      assert.deepEqual(found('spec.md', raw, 'placeholder').map((x) => x.text), ['[FEATURE NAME]']);
      const g = found('spec.md', raw, 'template-guidance');
      assert.equal(g.length, 1);
      assert.match(g[0]!.text, /^<!--[\s\S]*ACTION REQUIRED[\s\S]*-->$/);
      assert.deepEqual(found('spec.md', SPEC, 'placeholder'), []);
    });

    it('duplicate-requirement-id', () => {
      const bad = swap(SPEC, '- **FR-002**', '- **FR-001**');
      assert.deepEqual(found('spec.md', bad, 'duplicate-requirement-id').map((x) => [x.text, x.line]), [['FR-001', 27]]);
    });
  });

  describe('plan, checklist, constitution, other files', () => {
    it('plan-needs-clarification on a Technical Context value, needs-clarification on bracketed markers', () => {
      const plan = `# Implementation Plan: Backups\n\n## Technical Context\n\n**Language/Version**: Nix\n**Storage**: NEEDS CLARIFICATION\n\n## Summary\n\nDump with [NEEDS CLARIFICATION: which tool?].\n`;
      assert.deepEqual(found('plan.md', plan, 'plan-needs-clarification').map((x) => x.text), ['NEEDS CLARIFICATION']);
      assert.deepEqual(found('plan.md', plan, 'needs-clarification').map((x) => x.text), ['[NEEDS CLARIFICATION: which tool?]']);
      assert.deepEqual(found('plan.md', swap(plan, '**Storage**: NEEDS CLARIFICATION', '**Storage**: PostgreSQL 16'), 'plan-needs-clarification'), []);
    });

    it('version-mismatch between the constitution footer and its Sync Impact Report', () => {
      const c = (footer: string): string =>
        `<!--\nSync Impact Report\nVersion change: 1.0.0 → 1.1.0\n-->\n# Demo Constitution\n\n## Core Principles\n\n### I. Simplicity\n\nKeep it small.\n\n**Version**: ${footer} | **Ratified**: 2026-01-01 | **Last Amended**: 2026-01-02\n`;
      const path = '/ws/.specify/memory/constitution.md';
      const d = analyzeDoc(path, c('1.0.0'))!;
      const p = lintDocument(d).filter((x) => x.code === 'version-mismatch');
      assert.deepEqual(p.map((x) => d.markdown.index.textOf(x.range)), ['1.0.0']);
      assert.deepEqual(lintDocument(analyzeDoc(path, c('1.1.0'))!).filter((x) => x.code === 'version-mismatch'), []);
    });

    it('unknown-requirement-reference in a checklist', () => {
      const list = `# Requirements Checklist\n\n## Completeness\n\n- [ ] CHK001 Retention is defined [Spec §FR-002]\n- [ ] CHK002 Restore is measurable [Spec §FR-007]\n`;
      assert.deepEqual(found('checklists/requirements.md', list, 'unknown-requirement-reference').map((x) => x.text), ['FR-007']);
    });

    it('research.md gets markers and references checked', () => {
      const research = '# Research\n\n## Decision\n\nUse pg_dump for FR-002 and FR-003 [NEEDS CLARIFICATION: compression?].\n';
      assert.deepEqual(codes('research.md', research), ['unknown-requirement-reference', 'needs-clarification']);
    });

    it('templates and contracts are not linted', () => {
      assert.equal(lintKind('/ws/.specify/templates/spec-template.md'), undefined);
      assert.equal(lintKind('/ws/specs/001-x/contracts/api.md'), undefined);
      assert.equal(lintKind('/ws/specs/001-x/tasks.md'), 'tasks');
    });
  });

  describe('severity settings', () => {
    it('maps levels and drops "off"; ignores unknown levels', () => {
      const problems = lintDocument(doc('tasks.md', swap(TASKS, '- [ ] T004 [US1]', '- T004 [US1]')));
      const overrides = readSeverityOverrides({ 'task-missing-checkbox': 'information', 'bogus-level': 'loud', other: 3 });
      assert.deepEqual(Object.keys(overrides), ['task-missing-checkbox']);
      assert.equal(applySeverities(problems, overrides).find((p) => p.code === 'task-missing-checkbox')?.severity, 'info');
      assert.equal(applySeverities(problems, { 'task-missing-checkbox': 'off' }).filter((p) => p.code === 'task-missing-checkbox').length, 0);
      assert.deepEqual(readSeverityOverrides(null), {});
    });
  });

  describe('the corpus', function () {
    // Large real files on a busy machine: well above mocha's 2 s default when run without .mocharc.
    this.timeout(20_000);
    const files = corpusFiles('.md');
    it('has files to check', () => assert.ok(files.length >= 40));
    for (const name of files) {
      it(`${name}: no exception, known codes, every range on the text it names`, () => {
        const raw = readFileSync(join(corpusDir(), name));
        const path = '/corpus/' + name.split('__').slice(2).join('/');
        const d = analyzeDoc(path, raw);
        if (!d) {
          assert.equal(lintKind(path), undefined);
          return;
        }
        const problems = lintDocument(d);
        const index = d.markdown.index;
        for (const p of problems) {
          assert.ok(p.code in RULES, `${p.code} is not in RULES`);
          assert.ok(p.range.start.line < index.lineCount && p.range.end.line < index.lineCount, `${p.code} range out of the file`);
          const text = index.textOf(p.range);
          if (p.code === 'task-missing-checkbox' || p.code === 'task-duplicate-id' || p.code === 'task-out-of-order' || p.code === 'unknown-task-reference') assert.match(text, /^T\d{3,}[a-z]?$/, p.code);
          if (p.code === 'task-story-in-non-story-phase' || p.code === 'task-story-mismatch') assert.match(text, /^\[(?:US-?\d+|Story\s*\d+|S\d+)\]$/i, p.code);
          if (p.code === 'parallel-same-file') assert.equal(text, '[P]');
          if (p.code === 'task-missing-id') assert.match(text, /^\[[ xX]\]$/);
          if (p.code === 'needs-clarification') assert.match(text, /NEEDS\s+CLARIFICATION/i);
          if (p.code === 'fenced-checkbox') assert.match(text, /^[-*+]\s+\[[ xX]\]/);
          if (p.code === 'placeholder') assert.match(text, /^\[.+\]$|^\$ARGUMENTS$/);
        }
        for (const o of d.occurrences()) {
          const text = index.textOf(o.range);
          if (o.form === 'id') assert.ok(text === o.id || text.replace('-', '') === o.id, `${o.id} at «${text}»`);
          if (o.form === 'number') assert.equal(`US${Number(text)}`, o.id);
        }
      });
    }
  });
});
