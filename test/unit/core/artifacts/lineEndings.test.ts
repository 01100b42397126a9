import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseChecklist } from '../../../../src/core/artifacts/checklist';
import { parseConstitution } from '../../../../src/core/artifacts/constitution';
import { parsePlan } from '../../../../src/core/artifacts/plan';
import { parseSpec } from '../../../../src/core/artifacts/spec';
import { parseTasks } from '../../../../src/core/artifacts/tasks';
import { corpusDir, corpusFiles } from '../../helpers/paths';

type Ending = 'lf' | 'crlf' | 'cr' | 'mixed';

/** The LF text with its line breaks rewritten; `mixed` cycles through all three (a lone CR never meets an LF). */
function withEndings(lf: string, ending: Ending): string {
  if (ending === 'lf') return lf;
  if (ending === 'crlf') return lf.replace(/\n/g, '\r\n');
  if (ending === 'cr') return lf.replace(/\n/g, '\r');
  let n = 0;
  return lf.replace(/\n/g, (_, at: number) => {
    const pick = ['\n', '\r\n', '\r'][n++ % 3]!;
    // "\r" then "\n" would read as one CRLF break and merge two lines.
    return pick === '\r' && lf[at + 1] === '\n' ? '\r\n' : pick;
  });
}

/** A model as plain data, without the markdown tree, with line breaks in its strings made LF. */
function comparable(model: unknown): unknown {
  return JSON.parse(
    JSON.stringify(model, (key, value: unknown) => {
      if (key === 'markdown') return undefined;
      return typeof value === 'string' ? value.replace(/\r\n?/g, '\n') : value;
    }),
  );
}

const PARSERS: [string, (raw: string) => unknown][] = [
  ['tasks', parseTasks],
  ['spec', parseSpec],
  ['plan', parsePlan],
  ['checklist', parseChecklist],
  ['constitution', parseConstitution],
];

function kindOf(file: string): string | undefined {
  if (file.endsWith('__tasks.md')) return 'tasks';
  if (file.endsWith('__spec.md')) return 'spec';
  if (file.endsWith('__plan.md')) return 'plan';
  if (/__checklists__[^_]+\.md$/.test(file)) return 'checklist';
  if (file.endsWith('constitution.md')) return 'constitution';
  return undefined;
}

describe('every line ending gives the same model (LF, CRLF, CR, mixed)', () => {
  it('on every corpus file of each kind', function () {
    this.timeout(120_000);
    let files = 0;
    for (const file of corpusFiles('.md')) {
      const kind = kindOf(file);
      if (!kind) continue;
      const parse = PARSERS.find(([k]) => k === kind)![1];
      const lf = readFileSync(join(corpusDir(), file), 'utf8').replace(/\r\n?/g, '\n');
      const expected = comparable(parse(lf));
      // Mixed endings include CRLF; CR-only is the case that used to put everything on line 1.
      for (const ending of ['cr', 'mixed'] as const) {
        assert.deepEqual(comparable(parse(withEndings(lf, ending))), expected, `${file} with ${ending} line endings`);
      }
      files++;
    }
    assert.ok(files >= 30, `only ${files} corpus files were compared`);
  });

  it('puts every task of a CR-only file on its own line', () => {
    const lf = '# Tasks\n\n## Phase 1: Setup\n\n- [ ] T001 First\n- [x] T002 Second\n- [ ] T003 Third\n';
    const doc = parseTasks(withEndings(lf, 'cr'));
    assert.deepEqual(
      doc.tasks.map((t) => [t.id, t.lineRange.start.line, t.checkboxRange?.start.character]),
      [
        ['T001', 4, 2],
        ['T002', 5, 2],
        ['T003', 6, 2],
      ],
    );
  });

  const FRAGMENTS = [
    '# Tasks: X\n',
    '## Phase 1: Setup\n',
    '## Phase 3: User Story 1 - Y (Priority: P1)\n',
    '- [ ] T001 [P] Do src/a.ts\n',
    '- [x] T002 [US1] Do (FR-001)\n',
    '  - [ ] sub item\n',
    '- **T003** no box\n',
    '### Task 4: Seed\n',
    '**Acceptance**:\n',
    '- [ ] done when\n',
    '# Feature Specification: X\n',
    '**Feature Branch**: `001-x`\n**Created**: 2025-01-01\n',
    '### User Story 1 - T (Priority: P1)\n',
    '1. **Given** a, **When** b, **Then** c\n',
    '- **FR-001**: System MUST x [NEEDS CLARIFICATION: y]\n',
    '## Technical Context\n',
    '**Language/Version**: NEEDS CLARIFICATION\n',
    '- [ ] CHK001 item\n',
    '### I. Principle\n',
    '**Version**: 1.0.0 | **Ratified**: 2025-01-01 | **Last Amended**: 2025-01-02\n',
    '```text\n- [ ] T099 in a fence\n```\n',
    '> quoted\n> - [ ] T004 in a quote\n',
    '\n',
    'plain words\n',
  ];
  const doc = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 30 }).map((parts) => parts.join(''));

  for (const [name, parse] of PARSERS) {
    it(`${name}: generated documents (property)`, () => {
      fc.assert(
        fc.property(doc, fc.constantFrom<Ending>('crlf', 'cr', 'mixed'), (lf, ending) => {
          assert.deepEqual(comparable(parse(withEndings(lf, ending))), comparable(parse(lf)));
        }),
        { numRuns: 120 },
      );
    });
  }
});
