// Real file shapes the output check and the spec parser used to refuse or misread (issue #17); the
// files are in test/fixtures/unit/dialects/ with their sources.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkPlanOutput, checkSpecOutput } from '../../../../src/core/chat/outputChecks';
import { fixture } from '../../helpers/paths';

const read = (name: string): string => readFileSync(fixture('dialects', name), 'utf8');

describe('real dialects: output checks and spec requirements', () => {
  it('a plan with fenced blocks inside numbered list items is not "cut off"', () => {
    const r = checkPlanOutput(read('fenced-block-in-list-plan.md'));
    assert.deepEqual(r.problems, []);
    assert.equal(r.ok, true);
  });

  it('a plan really cut off inside an indented fence is still refused', () => {
    const cut = read('fenced-block-in-list-plan.md').split('[Timer]')[0]!;
    const r = checkPlanOutput(cut);
    assert.equal(r.ok, false);
    assert.match(r.problems.join('\n'), /cut off/);
  });

  it('a spec whose requirements are numbered sections is accepted and its requirements read', () => {
    const r = checkSpecOutput(read('numbered-sections-spec.md'));
    assert.deepEqual(r.problems, []);
    const reqs = r.doc!.requirements;
    assert.deepEqual(
      reqs.map((q) => [q.id, q.text, q.derived]),
      [
        ['FR-1', 'Repository Structure', true],
        ['FR-2', 'Host Configurations', true],
        ['FR-3', 'Testing & Validation', true],
      ],
    );
    // The ID's range is the section number as written.
    const text = read('numbered-sections-spec.md');
    const lines = text.split('\n');
    const at = reqs[0]!.idRange;
    assert.equal(lines[at.start.line]!.slice(at.start.character, at.end.character), '3.1.');
  });

  it('the ordered list inside a numbered requirement section is not taken for requirements', () => {
    const reqs = checkSpecOutput(read('numbered-sections-spec.md')).doc!.requirements;
    assert.equal(reqs.length, 3);
  });

  it('a spec with FR- IDs keeps them (numbered sections do not override written IDs)', () => {
    const text = read('numbered-sections-spec.md').replace('*   **Clean root**:', '- **FR-001**: Clean root —');
    const reqs = checkSpecOutput(text).doc!.requirements;
    assert.deepEqual(reqs.map((q) => q.id), ['FR-001']);
  });
});
