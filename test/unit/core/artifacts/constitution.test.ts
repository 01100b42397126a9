import * as assert from 'node:assert/strict';
import { parseConstitution } from '../../../../src/core/artifacts/constitution';
import { corpusFiles } from '../../helpers/paths';
import { assertRangesInside, corpusFile, textAt } from './artifactTestUtil';

const TEMPLATE = `# [PROJECT_NAME] Constitution
<!-- Example: Spec Constitution, TaskFlow Constitution, etc. -->

## Core Principles

### [PRINCIPLE_1_NAME]
<!-- Example: I. Library-First -->
[PRINCIPLE_1_DESCRIPTION]

### [PRINCIPLE_2_NAME]
[PRINCIPLE_2_DESCRIPTION]

## Governance
<!-- Example: Use [GUIDANCE_FILE] for runtime development guidance -->

[GOVERNANCE_RULES]

**Version**: [CONSTITUTION_VERSION] | **Ratified**: [RATIFICATION_DATE] | **Last Amended**: [LAST_AMENDED_DATE]
`;

const FILLED = `<!--
Sync Impact Report
- Version change: 1.0.0 → 1.1.0 (MINOR: new principle)
- Added sections: III. Observability
-->
# TaskFlow Constitution

## Core Principles

### I. Library-First
Every feature starts as a library.

- Libraries MUST be independently testable

### II. CLI Interface
Every library exposes a CLI.

### III. Observability
Structured logging is required.

\`\`\`text
[NOT_A_PLACEHOLDER] in code
\`\`\`

## Governance

Amendments need a version bump; see \`[ALSO_NOT_ONE]\`.

**Version**: 1.1.0 | **Ratified**: 2025-01-01 | **Last Amended**: 2025-02-01
`;

describe('parseConstitution', () => {
  describe('the unfilled template', () => {
    const doc = parseConstitution(TEMPLATE);

    it('is a placeholder, with every token outside comments', () => {
      assert.equal(doc.kind, 'constitution');
      assert.equal(doc.isPlaceholder, true);
      assert.equal(doc.name?.value, '[PROJECT_NAME]');
      assert.deepEqual(
        doc.placeholders.map((p) => p.token),
        ['PROJECT_NAME', 'PRINCIPLE_1_NAME', 'PRINCIPLE_1_DESCRIPTION', 'PRINCIPLE_2_NAME', 'PRINCIPLE_2_DESCRIPTION', 'GOVERNANCE_RULES', 'CONSTITUTION_VERSION', 'RATIFICATION_DATE', 'LAST_AMENDED_DATE'],
      );
      for (const p of doc.placeholders) assert.equal(textAt(TEMPLATE, p.range), `[${p.token}]`);
      assert.equal(doc.problems.filter((p) => p.code === 'placeholder').length, 9);
    });

    it('reads placeholder principles and footer values as written', () => {
      assert.deepEqual(
        doc.principles.map((p) => [p.number, p.name]),
        [
          [undefined, '[PRINCIPLE_1_NAME]'],
          [undefined, '[PRINCIPLE_2_NAME]'],
        ],
      );
      assert.equal(doc.version?.value, '[CONSTITUTION_VERSION]');
      assert.equal(doc.ratified?.value, '[RATIFICATION_DATE]');
      assert.equal(doc.syncImpactReport, undefined);
      assertRangesInside(TEMPLATE, doc);
    });
  });

  describe('a filled constitution with a Sync Impact Report', () => {
    const doc = parseConstitution(FILLED);

    it('reads name, numbered principles with bodies, and the footer', () => {
      assert.equal(doc.name?.value, 'TaskFlow');
      assert.equal(textAt(FILLED, doc.name.range), 'TaskFlow');
      assert.deepEqual(
        doc.principles.map((p) => [p.number, p.name]),
        [
          [1, 'Library-First'],
          [2, 'CLI Interface'],
          [3, 'Observability'],
        ],
      );
      assert.equal(doc.principles[0]!.body, 'Every feature starts as a library.\n\n- Libraries MUST be independently testable');
      assert.equal(textAt(FILLED, doc.principles[1]!.nameRange), 'CLI Interface');
      assert.equal(doc.version?.value, '1.1.0');
      assert.equal(textAt(FILLED, doc.version.range), '1.1.0');
      assert.equal(doc.ratified?.value, '2025-01-01');
      assert.equal(doc.lastAmended?.value, '2025-02-01');
      assert.equal(doc.isPlaceholder, false);
    });

    it('reads the report and its version change', () => {
      const report = doc.syncImpactReport;
      assert.ok(report);
      assert.equal(report.versionFrom, '1.0.0');
      assert.equal(report.versionTo, '1.1.0');
      assert.ok(report.raw.startsWith('Sync Impact Report'));
      assert.equal(report.range.start.line, 0);
      assert.equal(report.range.end.line, 4);
    });

    it('ignores bracket tokens in code and inline code; no problems', () => {
      assert.deepEqual(doc.placeholders, []);
      assert.deepEqual(doc.problems, []);
      assertRangesInside(FILLED, doc);
    });

    it('reports a footer version that differs from the report', () => {
      const text = FILLED.replace('**Version**: 1.1.0', '**Version**: 1.0.0');
      const mismatch = parseConstitution(text);
      const problems = mismatch.problems.filter((p) => p.code === 'version-mismatch');
      assert.equal(problems.length, 1);
      assert.equal(textAt(text, problems[0]!.range), '1.0.0');
    });

    it('reads the same from CRLF and a BOM', () => {
      const crlf = '\uFEFF' + FILLED.replace(/\n/g, '\r\n');
      const c = parseConstitution(crlf);
      assert.equal(c.version?.value, '1.1.0');
      assert.deepEqual(c.version?.range, doc.version?.range);
      assert.equal(c.syncImpactReport?.versionTo, '1.1.0');
      assert.equal(c.principles.length, 3);
      assertRangesInside(crlf, c);
    });
  });

  describe('variants', () => {
    it('tolerates **Version:** inside the bold, plain labels and a footer on several lines', () => {
      const a = parseConstitution('# X Constitution\n\n**Version:** 2.0.0 | **Ratified:** 2024-01-01 | **Last Amended:** 2024-06-01\n');
      assert.deepEqual([a.version?.value, a.ratified?.value, a.lastAmended?.value], ['2.0.0', '2024-01-01', '2024-06-01']);
      const b = parseConstitution('# X Constitution\n\nVersion: 2.1.1 | Ratified: 2025-06-13 | Last Amended: 2025-07-16\n');
      assert.deepEqual([b.version?.value, b.ratified?.value, b.lastAmended?.value], ['2.1.1', '2025-06-13', '2025-07-16']);
      const c = parseConstitution('# X Constitution\n\n**Version**: 3.0.0\n**Ratified**: 2024-01-01\n**Last Amended**: 2024-02-02\n');
      assert.deepEqual([c.version?.value, c.ratified?.value, c.lastAmended?.value], ['3.0.0', '2024-01-01', '2024-02-02']);
    });

    it('reads Arabic, Article and localized numbering; a word starting with a numeral is not numbered', () => {
      const text = [
        '# Sample 憲法',
        '',
        '## 基本原則',
        '',
        '### 1. テスト優先',
        '',
        '### Article IV: Integration-First',
        '',
        '### DI Conventions',
        '',
        '## ガバナンス',
        '',
        '**バージョン**: 1.2.0 | **制定日**: 2025-12-18 | **最終改正日**: 2026-01-18',
        '',
      ].join('\n');
      const doc = parseConstitution(text);
      assert.equal(doc.name?.value, 'Sample');
      assert.deepEqual(
        doc.principles.map((p) => [p.number, p.name]),
        [
          [1, 'テスト優先'],
          [4, 'Integration-First'],
          [undefined, 'DI Conventions'],
        ],
      );
      assert.deepEqual([doc.version?.value, doc.ratified?.value, doc.lastAmended?.value], ['1.2.0', '2025-12-18', '2026-01-18']);
    });

    it('takes numbered H3 headings as principles when no section is recognizable', () => {
      const doc = parseConstitution('# P Constitution\n\n## Our Rules\n\n### I. One\n\n### II. Two\n\n### Notes\n');
      assert.deepEqual(
        doc.principles.map((p) => p.name),
        ['One', 'Two'],
      );
    });

    it('reads a report whose old version is not a version', () => {
      const doc = parseConstitution('<!--\nSYNC IMPACT REPORT\nVersion change: N/A (initial) → 1.0.0\n-->\n# X Constitution\n\n**Version**: 1.0.0\n');
      assert.equal(doc.syncImpactReport?.versionFrom, undefined);
      assert.equal(doc.syncImpactReport?.versionTo, '1.0.0');
      assert.deepEqual(doc.problems, []);
    });

    it('handles empty, binary and wrapped input', () => {
      const empty = parseConstitution('');
      assert.deepEqual([empty.name, empty.version, empty.isPlaceholder, empty.principles.length], [undefined, undefined, false, 0]);
      assert.deepEqual(
        parseConstitution(new Uint8Array([0, 159, 146, 150])).problems.map((p) => p.code),
        ['binary-file'],
      );
      const wrapped = parseConstitution('```markdown\n' + FILLED + '```\n');
      assert.equal(wrapped.version?.value, '1.1.0');
      assert.equal(wrapped.principles.length, 3);
    });
  });

  describe('corpus', () => {
    const files = corpusFiles('constitution.md');

    it('parses every constitution without an exception, with ranges inside the document', () => {
      assert.ok(files.length >= 7);
      for (const name of files) {
        const raw = corpusFile(name);
        const doc = parseConstitution(raw);
        assertRangesInside(raw, doc);
        assert.equal(doc.isPlaceholder, false, name);
        assert.ok(doc.version, name);
        assert.equal(doc.problems.filter((p) => p.code === 'version-mismatch' || p.code === 'internal-error').length, 0, name);
      }
    });

    const cases: [string, string, number, string, string | undefined, string | undefined][] = [
      ['ColeB1722__nix-devbox__.specify__memory__constitution.md', 'nix-devbox', 5, '1.0.0', undefined, '1.0.0'],
      ['FAIR-DM__django-literature__memory__constitution.md', 'django-literature', 15, '4.0.0', '3.2.0', '4.0.0'],
      ['tisayama__rsudp-rust__.specify__memory__constitution.md', 'rsudp-rust', 8, '1.2.1', '1.2.0', '1.2.1'],
      ['Yus314__MoLe__.specify__memory__constitution.md', 'MoLe (Mobile Ledger)', 10, '1.5.0', '1.4.0', '1.5.0'],
      ['microsoft__CommunityManagement-Sample-Spec-Kit__.specify__memory__constitution.md', 'AcroYoga Community', 12, '1.3.0', '1.2.0', '1.3.0'],
      ['hbohlen__pantherOS__.specify__memory__constitution.md', 'pantherOS', 6, '1.0.0', undefined, undefined],
      ['0xbillw__dotfiles__.specify__memory__constitution.md', 'Cross-Platform Terminal Workspace', 7, '1.0.0', undefined, '1.0.0'],
    ];
    for (const [name, projectName, principles, version, from, to] of cases) {
      it(`${name.split('__')[0]}: ${principles} principles, version ${version}`, () => {
        const doc = parseConstitution(corpusFile(name));
        assert.equal(doc.name?.value, projectName);
        assert.equal(doc.principles.length, principles);
        assert.equal(doc.version?.value, version);
        assert.equal(doc.syncImpactReport?.versionFrom, from);
        assert.equal(doc.syncImpactReport?.versionTo, to);
        assert.deepEqual(doc.placeholders, []);
      });
    }

    it('rsudp-rust: Japanese footer labels and principle numbering', () => {
      const doc = parseConstitution(corpusFile('tisayama__rsudp-rust__.specify__memory__constitution.md'));
      assert.equal(doc.ratified?.value, '2025-12-18');
      assert.equal(doc.lastAmended?.value, '2026-01-18');
      assert.deepEqual(
        doc.principles.map((p) => p.number),
        [1, 2, 3, 4, 5, 6, 7, 8],
      );
      assert.equal(doc.principles[0]!.name, '安定性と信頼性 (Stability and Reliability)');
    });

    it('django-literature: articles keep their Roman numbers across two sections', () => {
      const doc = parseConstitution(corpusFile('FAIR-DM__django-literature__memory__constitution.md'));
      assert.deepEqual(
        doc.principles.map((p) => p.number),
        [1, 2, 3, 4, 5, 6, 7, 8, 13, 14, 15, 9, 10, 11, 12],
      );
      assert.equal(doc.principles[0]!.name, 'Test-First');
      assert.equal(doc.lastAmended?.value, '2026-08-19');
    });
  });
});
