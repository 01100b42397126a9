import * as assert from 'node:assert/strict';
import { parseSpec, type SpecDoc } from '../../../../src/core/artifacts/spec';
import { corpusFiles } from '../../helpers/paths';
import { assertIdRanges, assertRangesInside, corpusFile, fixture, textAt } from './artifactTestUtil';

const TEMPLATE_STYLE = `# Feature Specification: Photo Albums

**Feature Branch**: \`001-photo-albums\`
**Created:** 2025-09-01
**Status**: Draft
**Input**: User description: "Let users group photos into albums"

## Clarifications

### Session 2025-09-02

- Q: How many photos per album? → A: At most 500
- Q: Can albums be nested? -> A: No

## User Scenarios & Testing *(mandatory)*

### User Story 1 - Create an album (Priority: P1)

A user groups photos into an album.

**Why this priority**: It is the core of the feature.

**Independent Test**: Create an album with two photos and see it listed.

**Acceptance Scenarios**:

1. **Given** a user with photos, **When** they create an album, **Then** the album is listed
2. **Given** an album, **When** the user renames it, **Then** the new name is shown

---

### User Story 2 - Share an album (Priority: P2)

**Acceptance Scenarios**:

1. **Given** an album, **When** the user shares it, **Then** a link is copied

### Edge Cases

- What happens when an album is empty?
- How are duplicate photos handled?

## Requirements *(mandatory)*

### Functional Requirements

- **FR-001**: System MUST let users create albums
- **FR-002**: System MUST keep photos in order [NEEDS CLARIFICATION: manual or by date?]
- FR-003: Users MUST be able to delete albums

### Key Entities

- **Album**: a named, ordered group of photos
- **Photo**: an image with a capture date

## Success Criteria *(mandatory)*

- **SC-001**: Users create an album in under 30 seconds

## Assumptions

- Photos are already uploaded

\`\`\`text
- **FR-999**: not a requirement, this is code [NEEDS CLARIFICATION: not a marker]
\`\`\`

Inline \`[NEEDS CLARIFICATION: not a marker either]\` and a plain [NEEDS CLARIFICATION] here.
`;

function ids(doc: SpecDoc): string[] {
  return doc.requirements.map((r) => r.id);
}

describe('parseSpec', () => {
  describe('spec-kit template style', () => {
    const doc = parseSpec(TEMPLATE_STYLE);

    it('reads the title and the header fields, tolerating **Created:**', () => {
      assert.equal(doc.kind, 'spec');
      assert.equal(doc.title?.value, 'Photo Albums');
      assert.equal(textAt(TEMPLATE_STYLE, doc.title.range), 'Photo Albums');
      assert.equal(doc.featureBranch?.value, '001-photo-albums');
      assert.equal(textAt(TEMPLATE_STYLE, doc.featureBranch.range), '001-photo-albums');
      assert.equal(doc.created?.value, '2025-09-01');
      assert.equal(doc.status?.value, 'Draft');
      assert.equal(doc.input?.value, 'User description: "Let users group photos into albums"');
    });

    it('reads numbered user stories with priority, independent test and scenarios', () => {
      assert.deepEqual(
        doc.stories.map((s) => [s.id, s.number, s.title, s.priority]),
        [
          ['US1', 1, 'Create an album', 'P1'],
          ['US2', 2, 'Share an album', 'P2'],
        ],
      );
      const [us1, us2] = doc.stories;
      assert.equal(us1!.independentTest?.value, 'Create an album with two photos and see it listed.');
      assert.equal(textAt(TEMPLATE_STYLE, us1!.independentTest.range), 'Create an album with two photos and see it listed.');
      assert.equal(us1!.scenarios.length, 2);
      assert.deepEqual(
        { given: us1!.scenarios[0]!.given, when: us1!.scenarios[0]!.when, then: us1!.scenarios[0]!.then, index: us1!.scenarios[0]!.index },
        { given: 'a user with photos', when: 'they create an album', then: 'the album is listed', index: 1 },
      );
      assert.equal(us2!.scenarios.length, 1);
      assert.equal(us2!.independentTest, undefined);
      assert.equal(textAt(TEMPLATE_STYLE, us1!.headingRange), '### User Story 1 - Create an album (Priority: P1)');
      // A story ends where the next one begins.
      assert.ok(!textAt(TEMPLATE_STYLE, us1!.range).includes('Share an album'));
    });

    it('reads bold and plain requirement IDs with exact ID ranges, never from code', () => {
      assert.deepEqual(ids(doc), ['FR-001', 'FR-002', 'FR-003', 'SC-001']);
      for (const r of doc.requirements) {
        assert.equal(textAt(TEMPLATE_STYLE, r.idRange), r.id);
        assert.equal(r.derived, false);
      }
      assert.equal(doc.requirements[0]!.text, 'System MUST let users create albums');
      assert.equal(doc.requirements[2]!.text, 'Users MUST be able to delete albums');
      assert.equal(doc.requirements[3]!.family, 'SC');
      assert.equal(doc.requirements[1]!.number, 2);
    });

    it('reads entities, assumptions and edge cases', () => {
      assert.deepEqual(
        doc.entities.map((e) => [e.name, e.description]),
        [
          ['Album', 'a named, ordered group of photos'],
          ['Photo', 'an image with a capture date'],
        ],
      );
      assert.equal(textAt(TEMPLATE_STYLE, doc.entities[0]!.nameRange), 'Album');
      assert.deepEqual(
        doc.assumptions.map((a) => a.value),
        ['Photos are already uploaded'],
      );
      assert.deepEqual(
        doc.edgeCases.map((a) => a.value),
        ['What happens when an album is empty?', 'How are duplicate photos handled?'],
      );
    });

    it('reads clarification sessions with → and -> arrows', () => {
      assert.equal(doc.clarifications.length, 1);
      const session = doc.clarifications[0]!;
      assert.equal(session.date, '2025-09-02');
      assert.deepEqual(
        session.entries.map((e) => [e.question, e.answer]),
        [
          ['How many photos per album?', 'At most 500'],
          ['Can albums be nested?', 'No'],
        ],
      );
      assert.equal(textAt(TEMPLATE_STYLE, session.entries[1]!.range), '- Q: Can albums be nested? -> A: No');
    });

    it('finds markers outside code only, with and without a question', () => {
      assert.deepEqual(
        doc.markers.map((m) => m.text),
        ['manual or by date?', ''],
      );
      assert.equal(textAt(TEMPLATE_STYLE, doc.markers[0]!.range), '[NEEDS CLARIFICATION: manual or by date?]');
      assert.equal(textAt(TEMPLATE_STYLE, doc.markers[1]!.range), '[NEEDS CLARIFICATION]');
    });

    it('reports nothing for a clean, filled spec', () => {
      assert.deepEqual(doc.problems, []);
      assertRangesInside(TEMPLATE_STYLE, doc);
    });
  });

  describe('problems', () => {
    it('reports duplicate requirement IDs at the second definition', () => {
      const text = '# S\n\n- **FR-001**: one\n- **FR-002**: two\n- **FR-001**: again\n';
      const doc = parseSpec(text);
      const dups = doc.problems.filter((p) => p.code === 'duplicate-requirement-id');
      assert.equal(dups.length, 1);
      assert.equal(dups[0]!.range.start.line, 4);
      assert.equal(textAt(text, dups[0]!.range), 'FR-001');
    });

    it('does not report distinct IDs as duplicates', () => {
      const doc = parseSpec('- **FR-001**: one\n- **FR-002**: two\n- **SC-001**: three\n');
      assert.equal(doc.problems.filter((p) => p.code === 'duplicate-requirement-id').length, 0);
    });

    it('reports more than three clarification markers, but not three', () => {
      const marker = (n: number): string => `- **FR-00${n}**: thing [NEEDS CLARIFICATION: q${n}?]\n`;
      const three = parseSpec([1, 2, 3].map(marker).join(''));
      assert.equal(three.markers.length, 3);
      assert.equal(three.problems.filter((p) => p.code === 'too-many-clarifications').length, 0);
      const fourText = [1, 2, 3, 4].map(marker).join('');
      const four = parseSpec(fourText);
      const problem = four.problems.find((p) => p.code === 'too-many-clarifications');
      assert.ok(problem);
      assert.equal(textAt(fourText, problem.range), '[NEEDS CLARIFICATION: q4?]');
    });

    it('does not count a sentence about markers as a marker', () => {
      const doc = parseSpec('- [x] No [NEEDS CLARIFICATION] markers remain\n');
      assert.equal(doc.markers.length, 0);
    });

    it('reports unfilled template placeholders and ACTION REQUIRED guidance', () => {
      const text = [
        '# Feature Specification: [FEATURE NAME]',
        '',
        '**Feature Branch**: `[###-feature-name]`',
        '**Created**: [DATE]',
        '**Input**: User description: "$ARGUMENTS"',
        '',
        '## Requirements',
        '',
        '<!--',
        '  ACTION REQUIRED: The content in this section represents placeholders.',
        '-->',
        '',
        '- **FR-001**: System MUST [specific capability, e.g., "allow users to create accounts"]',
        '',
      ].join('\n');
      const doc = parseSpec(text);
      const placeholders = doc.problems.filter((p) => p.code === 'placeholder').map((p) => textAt(text, p.range));
      assert.deepEqual(placeholders, ['[FEATURE NAME]', '[###-feature-name]', '[DATE]', '$ARGUMENTS', '[specific capability, e.g., "allow users to create accounts"]']);
      const guidance = doc.problems.filter((p) => p.code === 'template-guidance');
      assert.equal(guidance.length, 1);
      assert.equal(guidance[0]!.range.start.line, 8);
      // The title still reads, placeholder and all.
      assert.equal(doc.title?.value, '[FEATURE NAME]');
    });

    it('does not take task markers, links, checkboxes or ordinary HTML comments for placeholders', () => {
      const doc = parseSpec('# Spec: Real\n\n- [x] done [P] [US1] see [the docs](https://x.test) and [Gap]\n\n<!-- a note -->\n');
      assert.deepEqual(doc.problems, []);
    });
  });

  describe('localized and variant headings', () => {
    const text = [
      '# 機能仕様: ログイン',
      '',
      '**機能ブランチ**: `002-login`',
      '**作成日**: 2025-10-01',
      '',
      '## ユーザーシナリオとテスト',
      '',
      '### ユーザーストーリー 1 - ログインする (優先度: P1)',
      '',
      '1. **Given** 登録済みユーザー, **When** ログインする, **Then** ホームが表示される',
      '',
      '### 用户故事 2 - 注册（优先级：P2）',
      '',
      '### US3: Reset a password (P3)',
      '',
      '## 要件',
      '',
      '### 機能要件',
      '',
      '- **FR-001**: システムはログインを提供しなければならない',
      '- **FR-002**: システムは失敗回数を記録しなければならない',
      '',
      '## 前提条件',
      '',
      '- ユーザーはメールアドレスを持つ',
      '',
    ].join('\n');
    const doc = parseSpec(text);

    it('finds stories under Japanese, Chinese and US-prefixed headings', () => {
      assert.deepEqual(
        doc.stories.map((s) => [s.id, s.title, s.priority]),
        [
          ['US1', 'ログインする', 'P1'],
          ['US2', '注册', 'P2'],
          ['US3', 'Reset a password', 'P3'],
        ],
      );
      assert.equal(doc.stories[0]!.scenarios[0]!.when, 'ログインする');
    });

    it('finds requirement IDs under localized headings and reads localized header fields', () => {
      assert.deepEqual(ids(doc), ['FR-001', 'FR-002']);
      assert.equal(doc.requirements.some((r) => r.derived), false);
      assert.equal(doc.title?.value, 'ログイン');
      assert.equal(doc.featureBranch?.value, '002-login');
      assert.equal(doc.created?.value, '2025-10-01');
      assert.deepEqual(
        doc.assumptions.map((a) => a.value),
        ['ユーザーはメールアドレスを持つ'],
      );
      assertIdRanges(text, doc);
    });
  });

  describe('requirements in other shapes', () => {
    it('reads requirement tables and any family, but not sentences that merely mention IDs', () => {
      const text = [
        '| ID | Requirement | Priority |',
        '|----|-------------|----------|',
        '| FR-01 | Events are listed | P0 |',
        '| **NFR-02** | Pages load fast | P1 |',
        '',
        '- **CR-001**: Use Nix (Principle I)',
        '- FR-01 and FR-02 are covered elsewhere',
        '- **UTF-8**: not a requirement family',
        '',
      ].join('\n');
      const doc = parseSpec(text);
      assert.deepEqual(ids(doc), ['FR-01', 'NFR-02', 'CR-001']);
      assert.equal(doc.requirements[0]!.text, 'Events are listed');
      assertIdRanges(text, doc);
      assert.equal(assertIdRanges(text, doc), 3);
    });

    it('derives IDs only for numbered lists without IDs under requirement headings', () => {
      const text = '## Other\n\n1. not a requirement\n\n### Functional Requirements\n\n1. **FR-010**: explicit\n2. **FR-011**: explicit\n';
      const doc = parseSpec(text);
      assert.deepEqual(ids(doc), ['FR-010', 'FR-011']);
      assert.equal(doc.requirements.some((r) => r.derived), false);
    });
  });

  describe("the seed's PostgreSQL spec", () => {
    const text = fixture('seed/postgresql-spec.md');
    const doc = parseSpec(text);

    it('reads the title, plain "As a …" stories and acceptance criteria', () => {
      assert.equal(doc.title?.value, 'PostgreSQL Database Server');
      assert.deepEqual(
        doc.stories.map((s) => s.id),
        ['US1', 'US2', 'US3', 'US4'],
      );
      assert.equal(doc.stories[1]!.title, 'As a sysadmin, I want automatic daily backups configured');
      assert.equal(textAt(text, doc.stories[1]!.range), '- As a sysadmin, I want automatic daily backups configured');
      assert.equal(doc.acceptanceCriteria.length, 7);
      assert.ok(doc.acceptanceCriteria.every((c) => !c.checked));
      assert.equal(doc.acceptanceCriteria[2]!.text, 'Backups run daily at 2 AM');
      assert.equal(textAt(text, doc.acceptanceCriteria[2]!.checkboxRange), '[ ]');
    });

    it('derives FR-1…FR-6 and NFR-1…NFR-4 from the numbered lists', () => {
      assert.deepEqual(ids(doc), ['FR-1', 'FR-2', 'FR-3', 'FR-4', 'FR-5', 'FR-6', 'NFR-1', 'NFR-2', 'NFR-3', 'NFR-4']);
      assert.ok(doc.requirements.every((r) => r.derived));
      const backup = doc.requirements[2]!;
      assert.equal(backup.text, 'Automatic backup to /var/backup/postgresql');
      assert.equal(textAt(text, backup.range), '3. Automatic backup to /var/backup/postgresql');
      assert.equal(textAt(text, backup.idRange), '3.');
      assert.equal(doc.requirements[6]!.family, 'NFR');
      assert.equal(doc.requirements[6]!.text, 'Minimal closure size impact (<200MB)');
    });

    it('has no markers, clarifications or problems', () => {
      assert.equal(doc.markers.length, 0);
      assert.equal(doc.clarifications.length, 0);
      assert.deepEqual(doc.problems, []);
      assertRangesInside(text, doc);
    });

    it('reads the same from the seed exactly as a model would paste it: wrapped in a ```markdown fence', () => {
      const wrapped = '```markdown\n' + text + '```\n';
      const w = parseSpec(wrapped);
      assert.deepEqual(ids(w), ids(doc));
      assert.equal(w.acceptanceCriteria.length, 7);
      assert.deepEqual(
        w.problems.map((p) => p.code),
        ['wrapped-in-fence'],
      );
      // Positions are those of the wrapped file: one line further down.
      assert.equal(w.requirements[0]!.range.start.line, doc.requirements[0]!.range.start.line + 1);
    });
  });

  describe('bad input', () => {
    it('handles CRLF exactly like LF, ranges included', () => {
      const crlf = TEMPLATE_STYLE.replace(/\n/g, '\r\n');
      const lf = parseSpec(TEMPLATE_STYLE);
      const doc = parseSpec(crlf);
      assert.deepEqual(ids(doc), ids(lf));
      assert.deepEqual(
        doc.requirements.map((r) => r.idRange),
        lf.requirements.map((r) => r.idRange),
      );
      assert.equal(doc.featureBranch?.value, '001-photo-albums');
      assert.equal(doc.clarifications[0]!.entries.length, 2);
      assert.deepEqual(
        doc.markers.map((m) => m.range),
        lf.markers.map((m) => m.range),
      );
      assertRangesInside(crlf, doc);
      assertIdRanges(crlf, doc);
    });

    it('ignores a UTF-8 BOM, in text and in bytes', () => {
      const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(TEMPLATE_STYLE)]);
      const doc = parseSpec(bytes);
      assert.equal(doc.title?.value, 'Photo Albums');
      assert.deepEqual(doc.title?.range, parseSpec(TEMPLATE_STYLE).title?.range);
      assert.deepEqual(ids(parseSpec('\uFEFF' + TEMPLATE_STYLE)), ids(doc));
    });

    it('returns an empty model for empty input', () => {
      const doc = parseSpec('');
      assert.equal(doc.title, undefined);
      assert.deepEqual([doc.stories, doc.requirements, doc.markers, doc.problems], [[], [], [], []]);
    });

    it('reports binary input and reads nothing from it', () => {
      const doc = parseSpec(new Uint8Array([0, 1, 2, 3, 0x46, 0x52, 0x2d, 0x30, 0x30, 0x31, 0x3a, 0]));
      assert.deepEqual(
        doc.problems.map((p) => p.code),
        ['binary-file'],
      );
      assert.equal(doc.requirements.length, 0);
    });

    it('does not analyse a 10 MB file, and says so', () => {
      const huge = '- **FR-001**: x\n'.repeat(700_000);
      assert.ok(huge.length > 10_000_000);
      const doc = parseSpec(huge);
      assert.deepEqual(
        doc.problems.map((p) => p.code),
        ['file-too-large'],
      );
      assert.equal(doc.requirements.length, 0);
    });

    it('survives malformed markdown', () => {
      const text = '### User Story 1 - [unclosed (Priority: P1\n**Given** **When\n- **FR-001: missing close\n| a |\n|---\n```\nunclosed fence\n- **FR-002**: in fence';
      const doc = parseSpec(text);
      assert.equal(doc.stories.length, 1);
      assert.equal(doc.requirements.some((r) => r.id === 'FR-002'), false);
      assertRangesInside(text, doc);
    });
  });

  describe('corpus', () => {
    const files = corpusFiles('__spec.md');

    it('has spec files to read', () => {
      assert.ok(files.length >= 10, `only ${files.length} spec files`);
    });

    it('parses every spec without an exception, with ranges inside the document and exact ID ranges', () => {
      for (const name of files) {
        const raw = corpusFile(name);
        const doc = parseSpec(raw);
        assert.equal(doc.kind, 'spec', name);
        assertRangesInside(raw, doc);
        assertIdRanges(raw, doc);
        assert.equal(doc.problems.filter((p) => p.code === 'internal-error').length, 0, name);
      }
    });

    const count = (doc: SpecDoc, family: string): number => doc.requirements.filter((r) => r.family === family).length;

    it('pantherOS: 3 stories, 7 FR, 5 CR, 5 SC, no markers', () => {
      const doc = parseSpec(corpusFile('hbohlen__pantherOS__specs__001-nixos-anywhere-deployment-setup__spec.md'));
      assert.equal(doc.title?.value, 'NixOS Anywhere Deployment Setup');
      assert.equal(doc.featureBranch?.value, '001-nixos-anywhere-deployment-setup');
      assert.deepEqual(
        doc.stories.map((s) => `${s.id}:${s.priority}:${s.scenarios.length}`),
        ['US1:P1:4', 'US2:P1:4', 'US3:P2:4'],
      );
      assert.deepEqual([count(doc, 'FR'), count(doc, 'CR'), count(doc, 'SC')], [7, 5, 5]);
      assert.equal(doc.markers.length, 0);
      assert.equal(doc.entities.length, 4);
      assert.equal(doc.edgeCases.length, 3);
      assert.deepEqual(doc.problems, []);
    });

    it('rsudp-rust: 1 story with 3 scenarios, 7 FR, 3 SC, entities N/A', () => {
      const doc = parseSpec(corpusFile('tisayama__rsudp-rust__specs__001-init-rust-project__spec.md'));
      assert.equal(doc.stories.length, 1);
      assert.equal(doc.stories[0]!.scenarios.length, 3);
      assert.deepEqual([count(doc, 'FR'), count(doc, 'SC')], [7, 3]);
      assert.equal(doc.entities.length, 0);
      assert.equal(doc.edgeCases.length, 2);
    });

    it('MoLe (Japanese): 4 stories P1–P4, 14 FR, 8 SC, one clarification session with 2 answers', () => {
      const doc = parseSpec(corpusFile('Yus314__MoLe__specs__006-compose-ui-rebuild__spec.md'));
      assert.deepEqual(
        doc.stories.map((s) => s.priority),
        ['P1', 'P2', 'P3', 'P4'],
      );
      assert.equal(doc.stories[0]!.title, 'プロファイル設定画面の操作');
      assert.deepEqual([count(doc, 'FR'), count(doc, 'SC')], [14, 8]);
      assert.equal(doc.clarifications.length, 1);
      assert.equal(doc.clarifications[0]!.date, '2026-01-06');
      assert.equal(doc.clarifications[0]!.entries.length, 2);
      assert.equal(doc.clarifications[0]!.entries[1]!.answer, '現行実装と同等のアクセシビリティを維持（変更なし）');
      assert.equal(doc.status?.value, 'Completed');
      assert.deepEqual([doc.entities.length, doc.assumptions.length, doc.edgeCases.length], [4, 5, 6]);
    });

    it('urban_renewal (Traditional Chinese): 14 stories, 87 FR, 15 SC', () => {
      const doc = parseSpec(corpusFile('13g7895123__urban_renewal__specs__001-view__spec.md'));
      assert.equal(doc.stories.length, 14);
      assert.deepEqual([count(doc, 'FR'), count(doc, 'SC')], [87, 15]);
      assert.equal(doc.requirements.filter((r) => r.id === 'FR-087').length, 1);
    });

    it('Microsoft sample: US-1…US-7 headings with (P0)/(P1), 19 FR and 7 SC from tables', () => {
      const doc = parseSpec(corpusFile('microsoft__CommunityManagement-Sample-Spec-Kit__specs__001-event-discovery-rsvp__spec.md'));
      assert.deepEqual(
        doc.stories.map((s) => `${s.id}:${s.priority}`),
        ['US1:P0', 'US2:P0', 'US3:P0', 'US4:P0', 'US5:P1', 'US6:P1', 'US7:P1'],
      );
      assert.equal(doc.stories[3]!.scenarios.length, 4);
      assert.deepEqual([count(doc, 'FR'), count(doc, 'SC')], [19, 7]);
      assert.equal(doc.status?.value, 'Implemented');
    });

    it('jve: 49 FR (sub-IDs like FR-002a included), 4 NFR, and its checklist lines are not markers', () => {
      const doc = parseSpec(corpusFile('joesh__jve-spec-kit-claude__specs__027-user-facing-bug__spec.md'));
      assert.deepEqual([count(doc, 'FR'), count(doc, 'NFR')], [49, 4]);
      assert.ok(doc.requirements.some((r) => r.id === 'FR-002a'));
      assert.equal(doc.markers.length, 0);
      assert.equal(doc.stories.length, 0);
    });

    it('django-literature: two clarification sessions (5 + 4 answers), 33 FR, 9 SC', () => {
      const doc = parseSpec(corpusFile('FAIR-DM__django-literature__specs__004-import-references-bibtex__spec.md'));
      assert.deepEqual(
        doc.clarifications.map((s) => [s.date, s.entries.length]),
        [
          ['2026-08-04', 5],
          ['2026-08-04', 4],
        ],
      );
      assert.deepEqual([count(doc, 'FR'), count(doc, 'SC')], [33, 9]);
      assert.equal(doc.stories.length, 4);
    });

    it('dotfiles: clarifications written with "->" arrows', () => {
      const doc = parseSpec(corpusFile('0xbillw__dotfiles__specs__002-align-dependency-versions__spec.md'));
      assert.equal(doc.clarifications[0]!.entries.length, 3);
      assert.ok(doc.clarifications[0]!.entries.every((e) => e.answer.length > 0 && !e.question.includes('->')));
    });
  });
});
