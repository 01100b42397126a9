import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import {
  checkConstitutionOutput,
  checkMarkdownOutput,
  checkOutputForPath,
  checkPlanOutput,
  checkSpecOutput,
  checkStructuredOutput,
  checkTasksOutput,
  type OutputCheck,
} from '../../../../src/core/chat/outputChecks';
import { repoRoot } from '../../helpers/paths';

const ws = (...p: string[]): string => readFileSync(join(repoRoot(), 'test', 'fixtures', 'workspaces', 'nixos-flake', ...p), 'utf8');
const FEATURE = ['specs', '001-postgresql-database'];
const SPEC = ws(...FEATURE, 'spec.md');
const PLAN = ws(...FEATURE, 'plan.md');
const TASKS = ws(...FEATURE, 'tasks.md');
const CONSTITUTION = ws('.specify', 'memory', 'constitution.md');
const CONSTITUTION_TEMPLATE = ws('.specify', 'templates', 'constitution-template.md');

const RESEARCH = '# Research: Albums\n\n## Storage\n\n- **Decision**: SQLite\n- **Rationale**: local only\n';

function refused(r: OutputCheck<unknown>, why: RegExp): void {
  assert.equal(r.ok, false, `expected refusal, got ok for ${JSON.stringify(r.text.slice(0, 80))}`);
  assert.match(r.problems.join('\n'), why);
}

describe('outputChecks', () => {
  describe('accepts real spec-kit files unchanged', () => {
    for (const [name, check, text] of [
      ['spec', checkSpecOutput, SPEC],
      ['plan', checkPlanOutput, PLAN],
      ['tasks', checkTasksOutput, TASKS],
      ['constitution', checkConstitutionOutput, CONSTITUTION],
      ['research', checkMarkdownOutput, RESEARCH],
    ] as const) {
      it(name, () => {
        const r = (check as (c: string) => OutputCheck<unknown>)(text);
        assert.deepEqual(r.problems, []);
        assert.equal(r.ok, true);
        assert.deepEqual(r.repaired, []);
        assert.equal(r.text, text);
        assert.ok(r.doc);
      });
    }
  });

  it('returns the parsed document of the kind', () => {
    const spec = checkSpecOutput(SPEC);
    assert.equal(spec.doc?.kind, 'spec');
    assert.ok(spec.doc.requirements.length > 0);
    assert.equal(checkTasksOutput(TASKS).doc?.kind, 'tasks');
    assert.equal(checkPlanOutput(PLAN).doc?.kind, 'plan');
    assert.equal(checkConstitutionOutput(CONSTITUTION).doc?.kind, 'constitution');
  });

  describe('repairs', () => {
    it('unwraps a wrapping ```markdown fence', () => {
      const r = checkSpecOutput('```markdown\n' + SPEC + '```\n');
      assert.equal(r.ok, true);
      assert.equal(r.text, SPEC);
      assert.match(r.repaired.join('\n'), /fence/);
    });

    it('strips an introductory line before the first heading', () => {
      const r = checkPlanOutput('Here is the plan:\n\n' + PLAN);
      assert.equal(r.ok, true, r.problems.join());
      assert.equal(r.text, PLAN);
      assert.match(r.repaired.join('\n'), /introductory text "Here is the plan:"/);
    });

    it('strips an introduction and then a fence, and a closing remark after the fence', () => {
      const r = checkTasksOutput('Sure! Here are the tasks.\n```md\n' + TASKS + '```\nLet me know if you want changes.\n');
      assert.equal(r.ok, true, r.problems.join());
      assert.equal(r.text, TASKS);
      assert.equal(r.repaired.length, 3, r.repaired.join('\n'));
    });

    it('keeps front matter and a leading HTML comment (they are not chat)', () => {
      assert.deepEqual(checkTasksOutput(TASKS).repaired, []);
      assert.ok(checkConstitutionOutput(CONSTITUTION).text.startsWith('<!--'));
    });

    it('does not strip prose that is not recognizably chat', () => {
      const text = 'The team agreed on these points in the review.\n\n' + RESEARCH;
      const r = checkMarkdownOutput(text);
      assert.equal(r.text, text);
      assert.deepEqual(r.repaired, []);
    });

    it('normalizes line endings and the trailing newline', () => {
      const r = checkMarkdownOutput('\uFEFF# R\r\n\r\ntext\r\n\r\n\r\n');
      assert.equal(r.text, '# R\n\ntext\n');
      const noNewline = checkMarkdownOutput('# R\n\ntext');
      assert.equal(noNewline.text, '# R\n\ntext\n');
      assert.match(noNewline.repaired.join(), /newline/);
    });
  });

  describe('refusals', () => {
    it('refuses empty and whitespace', () => {
      for (const s of ['', '   \n\t\n', '\uFEFF']) refused(checkMarkdownOutput(s), /empty/);
    });

    it('refuses binary and control characters', () => {
      refused(checkSpecOutput('# Spec\u0000\u0001\u0002 data'), /control characters/);
      refused(checkMarkdownOutput('# R\n\nbell\u0007\n'), /control characters/);
      refused(checkMarkdownOutput('# R\n\n\uD800 broken\n'), /broken characters/);
      refused(checkMarkdownOutput('# R\n' + '\uFFFD'.repeat(20)), /undecodable/);
    });

    it('refuses text without a heading or without content', () => {
      refused(checkMarkdownOutput('Just a sentence, no heading.'), /no markdown heading/);
      refused(checkMarkdownOutput('# Research\n\n## Storage\n'), /no content/);
    });

    it('refuses a spec with no user story and no requirement', () => {
      refused(checkSpecOutput('# Feature Specification: X\n\nSome words about the feature.\n'), /no user story and no requirement/);
    });

    it('accepts a spec with requirements only', () => {
      assert.equal(checkSpecOutput('# Feature Specification: X\n\n## Requirements\n\n- **FR-001**: System MUST show albums.\n').ok, true);
    });

    it('refuses a spec that is the unfilled template title', () => {
      refused(checkSpecOutput('# Feature Specification: [FEATURE NAME]\n\n## Requirements\n\n- **FR-001**: System MUST [capability]\n'), /template/);
    });

    it('refuses a plan without a # title', () => {
      refused(checkPlanOutput('## Summary\n\nBuild it.\n'), /no "# " title/);
    });

    it('refuses a task list without tasks', () => {
      refused(checkTasksOutput('# Tasks: X\n\n## Phase 1: Setup\n\nNothing yet.\n'), /no task/);
    });

    it('refuses an unfilled constitution template and one without principles', () => {
      refused(checkConstitutionOutput(CONSTITUTION_TEMPLATE), /unfilled template/);
      refused(checkConstitutionOutput('# Acme Constitution\n\nWe value quality.\n'), /no principles/);
    });

    it('refuses truncated text: unclosed fence, unclosed comment, unclosed front matter', () => {
      refused(checkPlanOutput('# Plan: X\n\n## Structure\n\n```text\nsrc/\n  models/'), /code block opened at line 5, and stops mid-line/);
      refused(checkPlanOutput('# Plan: X\n\n```text\nsrc/\n'), /code block/);
      refused(checkConstitutionOutput('<!--\nSync Impact Report\n- Version: 1.0.0 → 1.1.0\n'), /HTML comment/);
      refused(checkTasksOutput('---\ndescription: "x"\n# Tasks\n- [ ] T001 a\n'), /front matter/);
    });

    it('does not take balanced or inline fences for truncation', () => {
      assert.equal(checkMarkdownOutput('# Q\n\n````md\n```bash\nx\n```\n````\n\n~~~\ny\n~~~\n').ok, true);
      assert.equal(checkMarkdownOutput('# Q\n\nUse ```inline``` code.\n').ok, true);
    });

    it('refuses obvious refusals', () => {
      for (const s of ["I can't help with that.", "I'm sorry, but I cannot create that spec.", 'Sorry, I am unable to do this.', 'As an AI language model, I cannot write files.']) {
        refused(checkSpecOutput(s), /declined/);
      }
      refused(checkSpecOutput("I'm sorry, I can't help with that.\n\n# Note\n\nNo.\n"), /declined/);
    });

    it('refuses JSON', () => {
      refused(checkSpecOutput('{"title": "Albums", "requirements": []}'), /JSON/);
      refused(checkSpecOutput('[{"id": "FR-001"}]'), /JSON/);
      refused(checkSpecOutput('{"title": "Albums", "requi'), /JSON/);
      refused(checkSpecOutput('```json\n{"a": 1}\n```'), /JSON/);
    });

    it('does not take a markdown link at the start for JSON', () => {
      assert.equal(checkMarkdownOutput('[link](x)\n\n# R\n\ntext\n').ok, true);
    });
  });

  it('stays fast on hostile whitespace and long lines', () => {
    const started = Date.now();
    for (const s of ['a' + ' '.repeat(200_000) + 'b', '# T\n\n' + 'x'.repeat(200_000) + '\n' + ' '.repeat(100_000) + 'y\n', '```' + ' '.repeat(100_000) + 'x\n']) {
      checkMarkdownOutput(s);
      checkStructuredOutput(s, 'yaml');
    }
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  });

  describe('checkStructuredOutput', () => {
    it('accepts JSON and YAML objects and lists, unwrapping a fence', () => {
      assert.deepEqual(checkStructuredOutput('{"openapi": "3.1.0"}', 'json').doc, { openapi: '3.1.0' });
      const y = checkStructuredOutput('```yaml\nopenapi: 3.1.0\npaths: {}\n```\n', 'yaml');
      assert.equal(y.ok, true);
      assert.equal(y.text, 'openapi: 3.1.0\npaths: {}\n');
      assert.equal(y.repaired.length, 1);
    });

    it('refuses what does not parse or is a scalar', () => {
      refused(checkStructuredOutput('{"a": ', 'json'), /does not parse/);
      refused(checkStructuredOutput('a: [1, 2', 'yaml'), /does not parse/);
      refused(checkStructuredOutput('42', 'json'), /not an object/);
      refused(checkStructuredOutput('just words', 'yaml'), /not an object/);
      refused(checkStructuredOutput('  ', 'yaml'), /empty/);
    });
  });

  it('checkOutputForPath picks the check by file name', () => {
    assert.equal((checkOutputForPath('specs/001-x/spec.md', SPEC).doc as { kind: string }).kind, 'spec');
    assert.equal((checkOutputForPath('tasks.md', TASKS).doc as { kind: string }).kind, 'tasks');
    assert.equal(checkOutputForPath('contracts/api.json', '{"a":1}').ok, true);
    assert.equal(checkOutputForPath('contracts/api.yml', 'a: 1\n').ok, true);
    assert.equal(checkOutputForPath('research.md', RESEARCH).ok, true);
    assert.equal(checkOutputForPath('.specify/memory/constitution.md', '# X\n').ok, false);
  });

  it('never throws and always returns LF text ending in one newline or a refusal (property)', function () {
    this.timeout(20_000);
    const checks = [checkSpecOutput, checkPlanOutput, checkTasksOutput, checkConstitutionOutput, checkMarkdownOutput] as Array<(c: string) => OutputCheck<unknown>>;
    const pieces = fc.constantFrom('# T\n', '```markdown\n', '```\n', '- [ ] T001 x\n', '- **FR-001**: MUST\n', 'Here is it:\n', '\r\n', '<!--', '-->', '---\n', '{', 'text');
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string({ unit: 'binary', maxLength: 20 })), { maxLength: 12 }), (parts) => {
        const input = parts.join('');
        for (const check of checks) {
          const r = check(input);
          assert.equal(r.ok, r.problems.length === 0);
          if (r.ok) {
            assert.ok(r.text.endsWith('\n') && !r.text.endsWith('\n\n'));
            assert.ok(!r.text.includes('\r'));
            assert.ok(r.doc !== undefined);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
