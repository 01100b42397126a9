import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseChecklist } from '../../../../src/core/artifacts/checklist';
import { appendChecklistItems, checklistFileName, nextChecklistId, parseGeneratedChecklist } from '../../../../src/core/analysis/checklistAppend';

const META = { domain: 'ux', featureName: 'Photo Albums', specRelPath: '../spec.md', today: '2025-02-03' };

const GENERATED = [
  '```markdown',
  '# UX Checklist: Photo Albums',
  '',
  '## Requirement Clarity',
  '',
  '- [ ] CHK001 Is "fast loading" quantified with timing thresholds? [Clarity, Spec §FR-004]',
  '- [x] CHK007 Are hover states defined for all controls? [Gap]',
  '',
  '## Scenario Coverage',
  '',
  '- Are empty album states specified? [Coverage, Gap]',
  '- [ ] Are empty album states specified? [Coverage]',
  '- [ ] Is the share flow defined for offline users? [Edge Case]',
  '',
  '## Notes',
  '',
  '- [ ] A note, not an item',
  '```',
].join('\n');

/** Every line of `original` appears in `result`, in order: nothing was changed or removed. */
function isSubsequence(original: string, result: string): boolean {
  const a = original.split(/\r?\n/);
  const b = result.split(/\r?\n/);
  let j = 0;
  for (const line of b) if (j < a.length && line === a[j]) j++;
  return j === a.length || (j === a.length - 1 && a[a.length - 1] === '');
}

describe('checklistFileName', () => {
  it('makes safe kebab names', () => {
    assert.equal(checklistFileName('ux'), 'ux.md');
    assert.equal(checklistFileName('UX'), 'ux.md');
    assert.equal(checklistFileName('API Contracts'), 'api-contracts.md');
    assert.equal(checklistFileName(' security.md '), 'security.md');
    assert.equal(checklistFileName('UX & Accessibility'), 'ux-accessibility.md');
  });

  it('refuses paths and hostile names', () => {
    for (const bad of ['', '   ', '../secrets', 'a/b', 'a\\b', '.hidden', '~root', 'C:evil', 'con', 'NUL', 'ux\u0000', '日本語', 'x'.repeat(70)]) {
      assert.throws(() => checklistFileName(bad), /checklist name/, JSON.stringify(bad));
    }
  });

  it('only ever returns a plain .md name (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        try {
          assert.match(checklistFileName(s), /^[a-z0-9]+(?:-[a-z0-9]+)*\.md$/);
        } catch (e) {
          assert.match((e as Error).message, /checklist name/);
        }
      }),
    );
  });
});

describe('nextChecklistId', () => {
  it('continues after the highest CHK number', () => {
    assert.equal(nextChecklistId(), 1);
    assert.equal(nextChecklistId(parseChecklist('# X\n\n- [ ] CHK004 a\n- [x] CHK012 b\n- [ ] CHK007 c\n')), 13);
    assert.equal(nextChecklistId(parseChecklist('# X\n\n- [ ] no id\n')), 1);
  });
});

describe('appendChecklistItems', () => {
  it("creates a new file in spec-kit's format, renumbering and unticking the model's items", () => {
    const r = appendChecklistItems(undefined, GENERATED, META);
    assert.equal(r.created, true);
    assert.equal(r.added, 4);
    assert.equal(r.firstId, 'CHK001');
    assert.equal(r.lastId, 'CHK004');
    const lines = r.text.split('\n');
    assert.equal(lines[0], '# UX Checklist: Photo Albums');
    assert.ok(lines.includes('**Purpose**: Unit tests for the UX requirements: are they complete, clear, consistent and measurable?'));
    assert.ok(lines.includes('**Created**: 2025-02-03'));
    assert.ok(lines.includes('**Feature**: [spec.md](../spec.md)'));
    const doc = parseChecklist(r.text);
    assert.deepEqual(
      doc.items.map((i) => [i.id, i.checked, i.category]),
      [
        ['CHK001', false, 'Requirement Clarity'],
        ['CHK002', false, 'Requirement Clarity'],
        ['CHK003', false, 'Scenario Coverage'],
        ['CHK004', false, 'Scenario Coverage'],
      ],
    );
    assert.equal(doc.items[2]!.text, 'Are empty album states specified? [Coverage, Gap]');
    assert.ok(!r.text.includes('A note, not an item'));
    assert.equal(doc.problems.length, 0);
  });

  it('appends under existing categories, adds missing ones at the end, and never changes existing text', () => {
    const existing = [
      '# UX Checklist: Photo Albums',
      '',
      '**Purpose**: UX requirement quality',
      '',
      '## Requirement Clarity',
      '',
      '- [x] CHK001 Is the album grid layout specified? [Completeness]',
      '- [ ] CHK009 Is "fast loading" quantified with timing thresholds? [Clarity, Spec §FR-004]',
      '',
      '## Notes',
      '',
      '- Reviewed by Ana',
      '',
    ].join('\n');
    const r = appendChecklistItems(existing, GENERATED, META);
    assert.equal(r.created, false);
    // "fast loading" repeats CHK009, and the repeated "empty album states" item is merged.
    assert.equal(r.added, 3);
    assert.deepEqual([r.firstId, r.lastId], ['CHK010', 'CHK012']);
    assert.ok(isSubsequence(existing, r.text));
    assert.equal(
      r.text,
      [
        '# UX Checklist: Photo Albums',
        '',
        '**Purpose**: UX requirement quality',
        '',
        '## Requirement Clarity',
        '',
        '- [x] CHK001 Is the album grid layout specified? [Completeness]',
        '- [ ] CHK009 Is "fast loading" quantified with timing thresholds? [Clarity, Spec §FR-004]',
        '- [ ] CHK010 Are hover states defined for all controls? [Gap]',
        '',
        '## Notes',
        '',
        '- Reviewed by Ana',
        '',
        '## Scenario Coverage',
        '',
        '- [ ] CHK011 Are empty album states specified? [Coverage, Gap]',
        '- [ ] CHK012 Is the share flow defined for offline users? [Edge Case]',
        '',
      ].join('\n'),
    );
  });

  it('keeps CRLF line endings and a missing final newline of an existing file', () => {
    const existing = '# Api Checklist\r\n\r\n## Requirement Clarity\r\n\r\n- [ ] CHK001 Is pagination specified?';
    const r = appendChecklistItems(existing, '## Requirement Clarity\n- [ ] Are error codes listed?', { ...META, domain: 'api' });
    assert.equal(r.text, `${existing}\r\n- [ ] CHK002 Are error codes listed?`);
  });

  it('adds nothing (and returns the text unchanged) when every item repeats', () => {
    const existing = '# X\n\n## A\n\n- [ ] CHK003 Is it clear?\n';
    const r = appendChecklistItems(existing, '## A\n- [ ] CHK001 Is it clear?\n', META);
    assert.deepEqual(r, { text: existing, added: 0, firstId: '', lastId: '', created: false });
  });

  it('continues after a CHK ID mentioned outside the items', () => {
    const existing = '# X\n\n## A\n\n- [ ] CHK002 One?\n\n```\n- [ ] CHK040 example in a fence\n```\n';
    assert.equal(appendChecklistItems(existing, '## A\n- [ ] Two?', META).firstId, 'CHK041');
  });

  it('parses items without a category into "General"', () => {
    assert.deepEqual(parseGeneratedChecklist('- [ ] CHK1 Is X defined?\n- plain bullet ignored\n'), [{ title: 'General', items: ['Is X defined?'] }]);
  });

  it('never loses or alters existing lines, and numbers new items consecutively (property)', function () {
    this.timeout(20000); // each run parses two checklists
    const text = fc.stringMatching(/^[A-Za-z][A-Za-z ?,.]{0,30}$/);
    const category = fc.constantFrom('Requirement Completeness', 'Requirement Clarity', 'Edge Case Coverage', 'Dependencies & Assumptions');
    const block = fc.record({ category, items: fc.array(text, { minLength: 1, maxLength: 4 }), checked: fc.boolean() });
    fc.assert(
      fc.property(fc.array(block, { maxLength: 4 }), fc.array(block, { maxLength: 4 }), fc.boolean(), (existingBlocks, generatedBlocks, crlf) => {
        let n = 0;
        const render = (blocks: typeof existingBlocks, ids: boolean): string =>
          blocks.map((b) => `## ${b.category}\n\n${b.items.map((t) => `- [${b.checked ? 'x' : ' '}] ${ids ? `CHK${String(++n).padStart(3, '0')} ` : ''}${t}`).join('\n')}\n`).join('\n');
        const existing = `# X Checklist: F\n\n${render(existingBlocks, true)}`.replace(/\n/g, crlf ? '\r\n' : '\n');
        const before = parseChecklist(existing);
        const r = appendChecklistItems(existing, render(generatedBlocks, false), META);
        assert.ok(isSubsequence(existing, r.text));
        const after = parseChecklist(r.text);
        assert.equal(after.items.length, before.items.length + r.added);
        const fresh = after.items.filter((i) => !before.items.some((b) => b.id === i.id));
        assert.equal(fresh.length, r.added);
        fresh.forEach((i, k) => {
          assert.equal(i.checked, false);
          assert.equal(i.number, nextChecklistId(before) + k);
        });
        if (crlf) assert.ok(!/[^\r]\n/.test(r.text));
      }),
      { numRuns: 80 },
    );
  });
});
