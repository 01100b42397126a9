import * as assert from 'node:assert/strict';
import { parseChecklist } from '../../../../src/core/artifacts/checklist';
import { corpusFiles } from '../../helpers/paths';
import { assertIdRanges, assertRangesInside, corpusFile, textAt } from './artifactTestUtil';

const UX = `# UX Checklist: Photo Albums

**Purpose**: Unit tests for the UX requirements
**Created**: 2025-09-04
**Feature**: [spec.md](../spec.md)

## Requirement Completeness

- [ ] CHK001 Are empty-album states specified? [Gap]
- [x] CHK002 Is "fast loading" quantified? [Clarity, Spec §NFR-2]
- [X] **CHK003** Are error messages defined? [Completeness]

## Scenario Coverage

- [ ] CHK004 Are offline scenarios covered?
  - [x] CHK005 Is retry behaviour described?

\`\`\`markdown
- [ ] CHK999 an example in a code block
\`\`\`

## Notes

- Check items off as reviewed
`;

describe('parseChecklist', () => {
  describe('a spec-kit checklist with CHK IDs', () => {
    const doc = parseChecklist(UX);

    it('reads title and header fields', () => {
      assert.equal(doc.kind, 'checklist');
      assert.equal(doc.title?.value, 'UX Checklist: Photo Albums');
      assert.equal(doc.created?.value, '2025-09-04');
      assert.equal(doc.purpose?.value, 'Unit tests for the UX requirements');
    });

    it('reads items with IDs, state, category and exact ranges, skipping code and plain bullets', () => {
      assert.deepEqual(
        doc.items.map((i) => [i.id, i.number, i.checked, i.category]),
        [
          ['CHK001', 1, false, 'Requirement Completeness'],
          ['CHK002', 2, true, 'Requirement Completeness'],
          ['CHK003', 3, true, 'Requirement Completeness'],
          ['CHK004', 4, false, 'Scenario Coverage'],
          ['CHK005', 5, true, 'Scenario Coverage'],
        ],
      );
      assert.equal(doc.items[0]!.text, 'Are empty-album states specified? [Gap]');
      assert.equal(textAt(UX, doc.items[0]!.checkboxRange), '[ ]');
      assert.equal(textAt(UX, doc.items[1]!.checkboxRange), '[x]');
      assert.equal(textAt(UX, doc.items[2]!.checkboxRange), '[X]');
      assert.equal(textAt(UX, doc.items[4]!.checkboxRange), '[x]');
      assert.equal(assertIdRanges(UX, doc), 5);
      assert.equal(textAt(UX, doc.items[2]!.idRange!), 'CHK003');
    });

    it('counts per category and in total', () => {
      assert.deepEqual(
        doc.categories.map((c) => [c.title, c.itemCount, c.checkedCount]),
        [
          ['Requirement Completeness', 3, 2],
          ['Scenario Coverage', 2, 1],
        ],
      );
      assert.equal(textAt(UX, doc.categories[1]!.range), '## Scenario Coverage');
      assert.deepEqual([doc.total, doc.checked, doc.unchecked], [5, 3, 2]);
    });

    it('has no problems and ranges inside the document, also with CRLF', () => {
      assert.deepEqual(doc.problems, []);
      assertRangesInside(UX, doc);
      const crlf = UX.replace(/\n/g, '\r\n');
      const c = parseChecklist(crlf);
      assert.deepEqual(
        c.items.map((i) => i.checkboxRange),
        doc.items.map((i) => i.checkboxRange),
      );
      assert.equal(assertIdRanges(crlf, c), 5);
    });
  });

  describe('problems', () => {
    it('reports a duplicate CHK ID at its second use', () => {
      const text = '## A\n\n- [ ] CHK001 one\n- [ ] CHK002 two\n- [x] CHK001 three\n';
      const doc = parseChecklist(text);
      const dup = doc.problems.filter((p) => p.code === 'duplicate-checklist-id');
      assert.equal(dup.length, 1);
      assert.equal(dup[0]!.range.start.line, 4);
      assert.equal(dup[0]!.severity, 'warning');
    });

    it('notes items without an ID only when others have one', () => {
      const mixed = parseChecklist('- [ ] CHK001 one\n- [ ] two\n');
      assert.deepEqual(
        mixed.problems.map((p) => [p.code, p.severity, p.range.start.line]),
        [['missing-checklist-id', 'info', 1]],
      );
      assert.deepEqual(parseChecklist('- [ ] one\n- [x] two\n').problems, []);
    });
  });

  describe('edge cases', () => {
    it('gives items before any heading no category', () => {
      const doc = parseChecklist('- [x] first\n\n# Title\n\n- [ ] second\n');
      assert.deepEqual(
        doc.items.map((i) => i.category),
        [undefined, 'Title'],
      );
      assert.deepEqual(
        doc.categories.map((c) => c.title),
        ['Title'],
      );
    });

    it('handles a localized checklist, BOM, wrapped fence, empty and binary input', () => {
      const ja = '# 要件チェックリスト\n\n## コンテンツ品質\n\n- [x] CHK001 実装の詳細がない\n- [ ] CHK002 要件はテスト可能\n';
      const doc = parseChecklist('\uFEFF' + ja);
      assert.deepEqual(
        doc.categories.map((c) => [c.title, c.itemCount, c.checkedCount]),
        [['コンテンツ品質', 2, 1]],
      );
      assert.equal(doc.items[1]!.text, '要件はテスト可能');
      const wrapped = parseChecklist('```markdown\n' + ja + '```\n');
      assert.equal(wrapped.total, 2);
      assert.deepEqual(
        wrapped.problems.map((p) => p.code),
        ['wrapped-in-fence'],
      );
      assert.equal(parseChecklist('').total, 0);
      assert.deepEqual(
        parseChecklist(new Uint8Array([0xff, 0, 0xfe, 0])).problems.map((p) => p.code),
        ['binary-file'],
      );
    });
  });

  describe('corpus', () => {
    const files = corpusFiles('__checklists__requirements.md');

    it('parses every checklist without an exception, with ranges inside the document', () => {
      assert.ok(files.length >= 3);
      for (const name of files) {
        const raw = corpusFile(name);
        const doc = parseChecklist(raw);
        assertRangesInside(raw, doc);
        for (const item of doc.items) assert.match(textAt(raw, item.checkboxRange), /^\[[ xX]\]$/, name);
      }
    });

    for (const name of [
      'hbohlen__pantherOS__specs__001-nixos-anywhere-deployment-setup__checklists__requirements.md',
      'FAIR-DM__django-literature__specs__001-csl-json-data-model__checklists__requirements.md',
      'timothymeyers__sdd-demo-repo__specs__001-todo-app__checklists__requirements.md',
    ]) {
      it(`${name.split('__')[0]}: the spec quality checklist, 16 of 16 checked in 3 groups`, () => {
        const doc = parseChecklist(corpusFile(name));
        assert.deepEqual([doc.total, doc.checked, doc.unchecked], [16, 16, 0]);
        assert.deepEqual(
          doc.categories.map((c) => [c.title, c.itemCount]),
          [
            ['Content Quality', 4],
            ['Requirement Completeness', 8],
            ['Feature Readiness', 4],
          ],
        );
        assert.ok(doc.title?.value.startsWith('Specification Quality Checklist: '));
        assert.ok(doc.items.every((i) => i.id === undefined));
        assert.deepEqual(doc.problems, []);
      });
    }
  });
});
