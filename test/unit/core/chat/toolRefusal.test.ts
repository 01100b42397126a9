import assert from 'node:assert/strict';
import { isRefusal, refusal, refusedCallWarning } from '../../../../src/core/chat/toolRefusal';

describe('tool refusals', () => {
  it('what a guard writes is what the commands read as a refusal', () => {
    assert.equal(refusal(new Error('outside the project')), 'Refused: outside the project');
    assert.equal(refusal('not confirmed'), 'Refused: not confirmed');
    assert.ok(isRefusal(refusal(new Error('x'))));
    assert.equal(isRefusal('Wrote src/a.ts (12 lines).'), false);
    assert.equal(isRefusal('Refusedly odd text'), false);
  });

  it('names the tool and the start of its input in the warning', () => {
    const long = { path: 'x'.repeat(300) };
    const warning = refusedCallWarning('write_file', long, 'Refused: protected');
    assert.ok(warning.startsWith('write_file {"path":"xxx'));
    assert.ok(warning.endsWith(': Refused: protected'));
    assert.equal(warning.length, 'write_file '.length + 120 + ': Refused: protected'.length);
  });
});
