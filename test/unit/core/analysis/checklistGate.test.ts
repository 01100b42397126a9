import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseChecklist } from '../../../../src/core/artifacts/checklist';
import { checklistGate, checklistGateMarkdown } from '../../../../src/core/analysis/checklistGate';
import { corpusDir, corpusFiles } from '../../helpers/paths';

const UX = `# UX Checklist: Albums

## Clarity

- [x] CHK001 Is "fast" quantified? [Clarity, Spec §FR-004]
- [ ] CHK002 Are empty states defined? [Gap]
- [X] CHK003 Is the share dialog specified?

## Notes

- Check items off as completed: \`[x]\`
\`\`\`
- [ ] not an item (in a fence)
\`\`\`
`;
const DONE = '# Security Checklist\n\n## Auth\n\n- [x] CHK001 Is session expiry specified?\n- [X] CHK002 Are lockout rules defined?\n';

describe('checklistGate', () => {
  it('counts checked and unchecked items per checklist and fails on any open item', () => {
    const gate = checklistGate([
      { name: 'ux.md', doc: parseChecklist(UX) },
      { name: 'security.md', doc: parseChecklist(DONE) },
    ]);
    assert.deepEqual(gate.rows, [
      { name: 'security.md', total: 2, checked: 2, unchecked: 0, pass: true },
      // The Notes bullet has no checkbox and the fenced line is code: neither counts.
      { name: 'ux.md', total: 3, checked: 2, unchecked: 1, pass: false },
    ]);
    assert.equal(gate.pass, false);
    assert.deepEqual(gate.open, [{ name: 'ux.md', text: 'Are empty states defined? [Gap]', id: 'CHK002' }]);
    const md = checklistGateMarkdown(gate);
    assert.equal(
      md,
      [
        '| Checklist | Total | Checked | Unchecked | Status |',
        '|-----------|-------|---------|-----------|--------|',
        '| security.md | 2 | 2 | 0 | ✓ PASS |',
        '| ux.md | 3 | 2 | 1 | ✗ FAIL |',
        '',
        '**Overall: ✗ FAIL** — 1 unchecked item in 1 checklist.',
        '',
      ].join('\n'),
    );
  });

  it('passes when everything is checked, and when there are no checklists', () => {
    const gate = checklistGate([{ name: 'security.md', doc: parseChecklist(DONE) }]);
    assert.equal(gate.pass, true);
    assert.deepEqual(gate.open, []);
    assert.match(checklistGateMarkdown(gate), /✓ PASS \|\n\n\*\*Overall: ✓ PASS\*\*/);
    const none = checklistGate([]);
    assert.equal(none.pass, true);
    assert.match(checklistGateMarkdown(none), /No checklists/);
  });

  it('items without IDs are listed without one; pipes in names are escaped', () => {
    const gate = checklistGate([{ name: 'a|b.md', doc: parseChecklist('# X\n\n- [ ] Plain item\n') }]);
    assert.deepEqual(gate.open, [{ name: 'a|b.md', text: 'Plain item' }]);
    assert.match(checklistGateMarkdown(gate), /\| a\\\|b\.md \| 1 \| 0 \| 1 \| ✗ FAIL \|/);
  });

  it('reads the corpus requirement checklists (all ticked by their authors)', function () {
    this.timeout(10000);
    const files = corpusFiles('__checklists__requirements.md');
    assert.ok(files.length >= 3);
    const gate = checklistGate(files.map((f) => ({ name: f, doc: parseChecklist(readFileSync(join(corpusDir(), f), 'utf8')) })));
    for (const row of gate.rows) assert.ok(row.total > 0, row.name);
    const pantherOS = gate.rows.find((r) => r.name.startsWith('hbohlen__pantherOS'))!;
    assert.equal(pantherOS.unchecked, 0); // SOURCES.tsv: "spec quality checklist, all [x]"
    assert.equal(pantherOS.pass, true);
  });
});
