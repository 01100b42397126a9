import * as assert from 'node:assert/strict';
import { parsePlan } from '../../../../src/core/artifacts/plan';
import { corpusFiles } from '../../helpers/paths';
import { assertRangesInside, corpusFile, fixture, textAt } from './artifactTestUtil';

const FILLED = `# Implementation Plan: Photo Albums

**Branch**: \`001-photo-albums\` | **Date**: 2025-09-03 | **Spec**: [spec.md](./spec.md)
**Input**: Feature specification from \`/specs/001-photo-albums/spec.md\`

## Summary

Albums are stored as ordered lists of photo IDs.

## Technical Context

**Language/Version**: TypeScript 5.6
**Primary Dependencies**: Fastify
**Storage**: NEEDS CLARIFICATION (SQLite or Postgres)
**Testing**: Vitest

## Constitution Check

*GATE: Must pass before Phase 0 research. Re-check after Phase 1 design.*

| Principle | Status | Notes |
|-----------|--------|-------|
| I. Library-First | ✅ PASS | albums is a library |
| II. Test-First | ✅ PASS | tests first |

**Gate Result**: PASS

## Project Structure

\`\`\`text
src/albums/
\`\`\`

**Structure Decision**: Single project with an \`albums\` library.

## Phase 0: Outline & Research

1. Choose the storage engine
2. Decide the ordering rule

## Phase 1: Design & Contracts

- Data model
- REST contract

## Complexity Tracking

| Violation | Why Needed | Simpler Alternative Rejected Because |
|-----------|------------|-------------------------------------|
| Second database | Photos are large | Files on disk lose ordering |
`;

const UNFILLED = `# Implementation Plan: [FEATURE]

**Branch**: \`[###-feature-name]\` | **Date**: [DATE] | **Spec**: [link]

## Technical Context

**Language/Version**: [e.g., Python 3.11, Swift 5.9, Rust 1.75 or NEEDS CLARIFICATION]

## Constitution Check

*GATE: Must pass before Phase 0 research. Re-check after Phase 1 design.*

[Gates determined based on constitution file]

### Source Code (repository root)
<!--
  ACTION REQUIRED: Replace the placeholder tree below with the concrete layout
-->

## Phase 3+: Future Implementation

## Complexity Tracking

| Violation | Why Needed | Simpler Alternative Rejected Because |
|-----------|------------|-------------------------------------|
| [e.g., 4th project] | [current need] | [why 3 projects insufficient] |
`;

function gate(body: string): ReturnType<typeof parsePlan>['constitutionCheck'] {
  return parsePlan(`# Plan\n\n## Constitution Check\n\n${body}\n\n## Project Structure\n\n- [ ] not part of the gate\n`).constitutionCheck;
}

describe('parsePlan', () => {
  describe('a filled spec-kit plan', () => {
    const doc = parsePlan(FILLED);

    it('reads title, branch, date and the spec link', () => {
      assert.equal(doc.kind, 'plan');
      assert.equal(doc.title?.value, 'Photo Albums');
      assert.equal(doc.branch?.value, '001-photo-albums');
      assert.equal(doc.date?.value, '2025-09-03');
      assert.equal(doc.specLink?.value, './spec.md');
      assert.equal(textAt(FILLED, doc.specLink.range), './spec.md');
      assert.equal(textAt(FILLED, doc.branch.range), '001-photo-albums');
    });

    it('reads the summary and the technical context, flagging NEEDS CLARIFICATION', () => {
      assert.equal(doc.summary?.value, 'Albums are stored as ordered lists of photo IDs.');
      assert.deepEqual(
        doc.technicalContext.map((e) => [e.key, e.needsClarification]),
        [
          ['Language/Version', false],
          ['Primary Dependencies', false],
          ['Storage', true],
          ['Testing', false],
        ],
      );
      assert.equal(doc.technicalContext[0]!.value, 'TypeScript 5.6');
      assert.equal(textAt(FILLED, doc.technicalContext[0]!.range), '**Language/Version**: TypeScript 5.6');
      assert.equal(doc.markers.length, 1);
      assert.equal(textAt(FILLED, doc.markers[0]!.range), 'NEEDS CLARIFICATION (SQLite or Postgres)');
    });

    it('reads a passing constitution gate from its table and verdict', () => {
      assert.equal(doc.constitutionCheck?.state, 'pass');
      assert.equal(doc.constitutionCheck?.items.length, 3);
      assert.ok(doc.constitutionCheck?.items.every((i) => i.checked));
      assert.ok(textAt(FILLED, doc.constitutionCheck.items[0]!.range).startsWith('| I. Library-First'));
    });

    it('reads the structure decision, phases and complexity entries', () => {
      assert.equal(doc.structureDecision?.value, 'Single project with an albums library.');
      assert.equal(textAt(FILLED, doc.structureDecision.range), 'Single project with an `albums` library.');
      assert.deepEqual(
        doc.phases.map((p) => [p.number, p.title, p.items.map((i) => i.value)]),
        [
          [0, 'Outline & Research', ['Choose the storage engine', 'Decide the ordering rule']],
          [1, 'Design & Contracts', ['Data model', 'REST contract']],
        ],
      );
      assert.deepEqual(doc.complexity.map((c) => [c.violation, c.whyNeeded, c.simplerAlternative]), [['Second database', 'Photos are large', 'Files on disk lose ordering']]);
    });

    it('has no problems and every range inside the document', () => {
      assert.deepEqual(doc.problems, []);
      assertRangesInside(FILLED, doc);
    });

    it('reads a CRLF copy the same way', () => {
      const crlf = FILLED.replace(/\n/g, '\r\n');
      const c = parsePlan(crlf);
      assert.equal(c.specLink?.value, './spec.md');
      assert.equal(c.constitutionCheck?.state, 'pass');
      assert.deepEqual(
        c.phases.map((p) => p.range),
        doc.phases.map((p) => p.range),
      );
      assertRangesInside(crlf, c);
    });
  });

  describe('an unfilled template', () => {
    const doc = parsePlan(UNFILLED);

    it('reports each placeholder and the ACTION REQUIRED comment', () => {
      const placeholders = doc.problems.filter((p) => p.code === 'placeholder').map((p) => textAt(UNFILLED, p.range));
      assert.deepEqual(placeholders, [
        '[FEATURE]',
        '[###-feature-name]',
        '[DATE]',
        '[link]',
        '[e.g., Python 3.11, Swift 5.9, Rust 1.75 or NEEDS CLARIFICATION]',
        '[Gates determined based on constitution file]',
        '[e.g., 4th project]',
        '[current need]',
        '[why 3 projects insufficient]',
      ]);
      assert.equal(doc.problems.filter((p) => p.code === 'template-guidance').length, 1);
    });

    it('leaves the gate pending, skips example complexity rows, and reads Phase 3+', () => {
      assert.equal(doc.constitutionCheck?.state, 'pending');
      assert.equal(doc.constitutionCheck?.items.length, 0);
      assert.deepEqual(doc.complexity, []);
      assert.deepEqual(
        doc.phases.map((p) => [p.number, p.title]),
        [[3, 'Future Implementation']],
      );
      // The template's "[e.g., … or NEEDS CLARIFICATION]" is a placeholder, not an open question.
      assert.equal(doc.technicalContext[0]!.needsClarification, false);
      assert.equal(doc.markers.length, 0);
    });
  });

  describe('constitution gate state', () => {
    it('fails on any ❌ or FAIL, even among passes', () => {
      assert.equal(gate('| Principle | Status |\n|---|---|\n| I | ✅ PASS |\n| II | ❌ FAIL |')?.state, 'fail');
      assert.equal(gate('- ✅ Tests first\n- ❌ Too many projects')?.state, 'fail');
      assert.equal(gate('**Gate result**: FAIL')?.state, 'fail');
    });

    it('is pending with an unticked box, a ⚠️ or an open question', () => {
      assert.equal(gate('- [x] Library-first\n- [ ] Test-first')?.state, 'pending');
      assert.equal(gate('- ✅ Library-first\n- ⚠️ Justified deviation, see Complexity Tracking')?.state, 'pending');
      assert.equal(gate('- ✅ Library-first\n\nStorage: NEEDS CLARIFICATION')?.state, 'pending');
    });

    it('passes with ticked boxes or ✅ marks only', () => {
      const ticked = gate('- [x] Library-first\n- [X] Test-first');
      assert.equal(ticked?.state, 'pass');
      assert.deepEqual(
        ticked?.items.map((i) => [i.text, i.checked]),
        [
          ['Library-first', true],
          ['Test-first', true],
        ],
      );
      assert.equal(gate('✅ **Testing**: covered\n\n✅ **Architecture**: fine')?.state, 'pass');
    });

    it('is unknown for prose, and ignores marks in code blocks and outside the section', () => {
      assert.equal(gate('The design follows every principle.')?.state, 'unknown');
      assert.equal(gate('```\n❌ FAIL\n```\n\nNothing to report.')?.state, 'unknown');
      assert.equal(gate('*GATE: Must pass before Phase 0 research.*')?.state, 'unknown');
    });

    it('is undefined when the plan has no Constitution Check', () => {
      assert.equal(parsePlan('# Plan\n\n## Summary\n\nx\n').constitutionCheck, undefined);
    });
  });

  describe("the seed's PostgreSQL plan", () => {
    const text = fixture('seed/postgresql-plan.md');

    for (const [label, raw] of [
      ['as written to plan.md', text],
      ['wrapped in the ```markdown fence the model answered with', '```markdown\n' + text + '```\n'],
    ] as const) {
      it(`reads five implementation phases ${label}`, () => {
        const doc = parsePlan(raw);
        assert.equal(doc.title?.value, 'PostgreSQL Implementation Plan');
        assert.deepEqual(
          doc.phases.map((p) => [p.number, p.title, p.items.length]),
          [
            [1, 'Basic PostgreSQL Configuration', 5],
            [2, 'SSL/TLS Configuration', 3],
            [3, 'Backup System', 5],
            [4, 'Monitoring', 4],
            [5, 'Documentation', 3],
          ],
        );
        assert.equal(doc.phases[2]!.items[2]!.value, 'Implement 7-day retention');
        assert.equal(textAt(raw, doc.phases[2]!.items[2]!.range), '- Implement 7-day retention');
        // The shell comments in the fenced VM test block are not headings or items.
        assert.ok(doc.phases.every((p) => p.items.every((i) => !i.value.includes('Test in VM'))));
        assert.equal(doc.constitutionCheck, undefined);
        assert.equal(doc.branch, undefined);
        assert.equal(doc.markers.length, 0);
        assertRangesInside(raw, doc);
      });
    }

    it('reports the wrapping fence only for the wrapped copy', () => {
      assert.deepEqual(parsePlan(text).problems, []);
      assert.deepEqual(
        parsePlan('```markdown\n' + text + '```\n').problems.map((p) => p.code),
        ['wrapped-in-fence'],
      );
    });
  });

  describe('bad input', () => {
    it('handles empty, binary, BOM and huge input', () => {
      assert.deepEqual(parsePlan('').phases, []);
      assert.deepEqual(
        parsePlan(new Uint8Array([0, 0, 0, 1])).problems.map((p) => p.code),
        ['binary-file'],
      );
      assert.equal(parsePlan('\uFEFF' + FILLED).title?.value, 'Photo Albums');
      assert.deepEqual(
        parsePlan('## Phase 1: x\n'.repeat(800_000)).problems.map((p) => p.code),
        ['file-too-large'],
      );
    });
  });

  describe('corpus', () => {
    const files = corpusFiles('__plan.md');

    it('parses every plan without an exception, with ranges inside the document', () => {
      assert.ok(files.length >= 4);
      for (const name of files) {
        const raw = corpusFile(name);
        const doc = parsePlan(raw);
        assertRangesInside(raw, doc);
        assert.equal(doc.problems.filter((p) => p.code === 'internal-error').length, 0, name);
      }
    });

    it('nix-devbox: 9 technical context lines, 5 passing principles plus the gate result', () => {
      const doc = parsePlan(corpusFile('ColeB1722__nix-devbox__specs__001-devbox-skeleton__plan.md'));
      assert.equal(doc.branch?.value, '001-devbox-skeleton');
      assert.equal(doc.date?.value, '2026-01-17');
      assert.equal(doc.technicalContext.length, 9);
      assert.equal(doc.technicalContext.filter((e) => e.needsClarification).length, 0);
      assert.equal(doc.constitutionCheck?.state, 'pass');
      assert.equal(doc.constitutionCheck?.items.length, 6);
      assert.ok(doc.structureDecision?.value.startsWith('Nix flake with modular structure.'));
      assert.deepEqual(doc.complexity, []);
      assert.deepEqual(doc.problems, []);
    });

    it('stt-api (Japanese summary): 7 passing principles, no markers', () => {
      const doc = parsePlan(corpusFile('0h-n0__local-voice-assistant-claude__specs__002-stt-api__plan.md'));
      assert.equal(doc.constitutionCheck?.state, 'pass');
      assert.equal(doc.constitutionCheck?.items.length, 7);
      assert.equal(doc.markers.length, 0);
      assert.ok(doc.summary?.value.startsWith('ReazonSpeech NeMo v2'));
    });

    it('Microsoft sample: 14 table rows plus two verdicts, all passing', () => {
      const doc = parsePlan(corpusFile('microsoft__CommunityManagement-Sample-Spec-Kit__specs__001-event-discovery-rsvp__plan.md'));
      assert.equal(doc.constitutionCheck?.items.length, 16);
      assert.equal(doc.constitutionCheck?.state, 'pass');
      assert.equal(doc.specLink?.value, '../001-event-discovery-rsvp.md');
    });

    it('todo2: the template example rows are placeholders, not complexity entries', () => {
      const doc = parsePlan(corpusFile('sunfmin__todo2__specs__001-todo-app__plan.md'));
      assert.deepEqual(doc.complexity, []);
      assert.equal(doc.problems.filter((p) => p.code === 'placeholder').length, 6);
      assert.equal(doc.problems.filter((p) => p.code === 'template-guidance').length, 1);
      assert.equal(doc.constitutionCheck?.state, 'pass');
      assert.deepEqual(
        doc.technicalContext.map((e) => e.key),
        ['Stack', 'Project Type', 'Target', 'Performance', 'Scale'],
      );
    });
  });
});
