import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { parseChecklist } from '../../../../src/core/artifacts/checklist';
import { parseConstitution } from '../../../../src/core/artifacts/constitution';
import { parsePlan } from '../../../../src/core/artifacts/plan';
import { parseSpec } from '../../../../src/core/artifacts/spec';
import { type Problem } from '../../../../src/core/text/range';
import { corpusFiles } from '../../helpers/paths';
import { assertIdRanges, assertRangesInside, corpusFile } from './artifactTestUtil';

/** Pieces of spec-kit markdown, so random documents exercise the parsers' paths, not just plain text. */
const FRAGMENTS = [
  '# Feature Specification: X\n',
  '# [PROJECT_NAME] Constitution\n',
  '## Clarifications\n',
  '### Session 2025-01-01\n',
  '- Q: why? → A: because\n',
  '- Q: dangling -> \n',
  '### User Story 1 - Title (Priority: P1)\n',
  '### ユーザーストーリー 2 - 題 (優先度: P2)\n',
  '### US3: x\n',
  '1. **Given** a, **When** b, **Then** c\n',
  '**Given** only\n',
  '## User Stories\n',
  '- As a user, I want x\n',
  '### Functional Requirements\n',
  '### Non-Functional Requirements\n',
  '1. derived\n',
  '- **FR-001**: text\n',
  '- FR-002: text [NEEDS CLARIFICATION: q]\n',
  '- **SC-1a**:\n',
  '| ID | Requirement |\n|---|---|\n| FR-01 | t |\n',
  '| Principle | Status |\n|---|---|\n| I | ✅ PASS |\n| II | ❌ |\n',
  '## Constitution Check\n',
  '## Complexity Tracking\n',
  '| Violation | Why Needed | Simpler |\n|---|---|---|\n| a | b | c |\n',
  '## Technical Context\n',
  '**Language/Version**: NEEDS CLARIFICATION\n',
  '**Branch**: `001-x` | **Date**: 2025-01-01 | **Spec**: [spec.md](./spec.md)\n',
  '**Structure Decision**: y\n',
  '## Phase 0: Research\n',
  '### Phase 3+: Later\n',
  '- [ ] CHK001 item\n',
  '- [x] **CHK001** dup\n',
  '  - [X] nested\n',
  '## Core Principles\n',
  '### I. Name\n',
  '### Article IX — Name\n',
  '**Version**: 1.0.0 | **Ratified**: 2025-01-01 | **Last Amended**: 2025-01-02\n',
  '<!--\nSync Impact Report\nVersion change: 1.0.0 → 2.0.0\n-->\n',
  '<!-- ACTION REQUIRED: fill -->\n',
  '[FEATURE NAME] [###-feature-name] [DATE] $ARGUMENTS\n',
  '```markdown\n',
  '```\n',
  '~~~\n',
  '`inline [NEEDS CLARIFICATION]`\n',
  '> **Status**: Draft\n',
  '---\n',
  '---\ntitle: x\n---\n',
  '\r\n',
  '\n',
  '\uFEFF',
  '**',
  '[',
  ']',
  '|',
  '\t',
  '  ',
  '→',
  '😀',
  '\u0000',
];

const markdownish = fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 12 })), { maxLength: 40 }).map((parts) => parts.join(''));

const PARSERS = [
  ['parseSpec', parseSpec],
  ['parsePlan', parsePlan],
  ['parseChecklist', parseChecklist],
  ['parseConstitution', parseConstitution],
] as const;

function check(parse: (raw: string | Uint8Array) => { problems: readonly Problem[] }, raw: string | Uint8Array): void {
  const model = parse(raw);
  // The parsers catch their own bugs as an `internal-error` problem; that must never happen either.
  assert.deepEqual(
    model.problems.filter((p) => p.code === 'internal-error'),
    [],
  );
  assertRangesInside(raw, model);
  assertIdRanges(raw, model);
}

type Edit = { kind: 'delete' | 'insert' | 'duplicate' | 'crlf' | 'truncate'; at: number; length: number; fragment: string };

const edit: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom('delete', 'insert', 'duplicate', 'crlf', 'truncate'),
  at: fc.nat(),
  length: fc.nat({ max: 400 }),
  fragment: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 20 })),
});

function mutate(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const e of edits) {
    const at = out.length === 0 ? 0 : e.at % out.length;
    switch (e.kind) {
      case 'delete':
        out = out.slice(0, at) + out.slice(at + e.length);
        break;
      case 'insert':
        out = out.slice(0, at) + e.fragment + out.slice(at);
        break;
      case 'duplicate':
        out = out.slice(0, at) + out.slice(at, at + e.length) + out.slice(at);
        break;
      case 'crlf':
        out = out.replace(/\n/g, '\r\n');
        break;
      case 'truncate':
        out = out.slice(0, at);
        break;
    }
  }
  return out;
}

describe('artifact parsers (properties)', function () {
  this.timeout(120_000);

  for (const [name, parse] of PARSERS) {
    describe(name, () => {
      it('never throws and keeps every range inside the document, for any string', () => {
        fc.assert(
          fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => check(parse, s)),
          { numRuns: 150 },
        );
      });

      it('…for markdown-like documents built from spec-kit fragments', () => {
        fc.assert(
          fc.property(markdownish, (s) => check(parse, s)),
          { numRuns: 250 },
        );
      });

      it('…for arbitrary bytes', () => {
        fc.assert(
          fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => check(parse, bytes)),
          { numRuns: 100 },
        );
      });
    });
  }

  const KINDS: [string, (raw: string | Uint8Array) => { problems: readonly Problem[] }, string][] = [
    ['spec', parseSpec, '__spec.md'],
    ['plan', parsePlan, '__plan.md'],
    ['checklist', parseChecklist, '__checklists__requirements.md'],
    ['constitution', parseConstitution, 'constitution.md'],
  ];
  for (const [kind, parse, suffix] of KINDS) {
    it(`never throws on mutated real ${kind} files, and ranges stay inside`, () => {
      const texts = corpusFiles(suffix).map((f) => corpusFile(f).toString('utf8'));
      fc.assert(
        fc.property(fc.constantFrom(...texts), fc.array(edit, { minLength: 1, maxLength: 6 }), (text, edits) => check(parse, mutate(text, edits))),
        { numRuns: 40 },
      );
    });
  }
});
