import * as assert from 'node:assert/strict';
import { parseGeneratedChecklist } from '../../../../src/core/analysis/checklistAppend';
import { capChecklist, checklistItemProblem, checklistMarkdown, screenChecklist } from '../../../../src/core/chat/checklistScreen';

describe('checklistScreen', () => {
  it('accepts questions about the requirements, quoted product words included', () => {
    for (const ok of ['Is "fast loading" quantified with specific timing thresholds? [Clarity, Spec §NFR-2]', 'Are retry limits defined for a failed backup? [Gap]', 'Is the term ‘render’ defined? [Ambiguity]']) {
      assert.equal(checklistItemProblem(ok), undefined, ok);
    }
  });

  it('flags spec-kit’s banned patterns and items that are not questions', () => {
    assert.match(checklistItemProblem('Verify the landing page displays 3 cards')!, /test verb/);
    assert.match(checklistItemProblem('Is the export working properly? Test works properly')!, /works properly/);
    assert.match(checklistItemProblem('Does clicking the logo open the home page?')!, /clicking/);
    assert.match(checklistItemProblem('Do the charts render within 2 seconds?')!, /rendering/);
    assert.match(checklistItemProblem('Are test cases written for every endpoint?')!, /QA procedure/);
    assert.match(checklistItemProblem('The retention period is defined [Spec §FR-2]')!, /not a question/);
  });

  it('splits the kept items from the flagged ones, with their category', () => {
    const cats = parseGeneratedChecklist('## Clarity\n\n- [ ] CHK001 Is "fast" quantified? [Clarity]\n- [ ] CHK002 Verify the button works\n');
    const r = screenChecklist(cats);
    assert.deepEqual(r.kept, [{ title: 'Clarity', items: ['Is "fast" quantified? [Clarity]'] }]);
    assert.equal(r.flagged.length, 1);
    assert.equal(r.flagged[0]!.category, 'Clarity');
    assert.equal(checklistMarkdown(r.kept), '## Clarity\n\n- [ ] Is "fast" quantified? [Clarity]\n');
  });

  it('over the cap keeps the highest-risk items, in their order', () => {
    const cats = [
      { title: 'A', items: ['Is x named?', 'Is y named? [Gap]'] },
      { title: 'B', items: ['Is z named?', 'Are security rules stated?'] },
    ];
    const r = capChecklist(cats, 2);
    assert.equal(r.dropped, 2);
    assert.deepEqual(r.kept, [
      { title: 'A', items: ['Is y named? [Gap]'] },
      { title: 'B', items: ['Are security rules stated?'] },
    ]);
    assert.equal(capChecklist(cats, 10).dropped, 0);
  });
});
