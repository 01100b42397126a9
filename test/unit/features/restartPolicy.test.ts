import assert from 'node:assert/strict';
import { RestartPolicy } from '../../../src/features/languageClient/restartPolicy';

describe('language server restart policy', () => {
  it('restarts after a crash, gives up on the fifth within three minutes', () => {
    const p = new RestartPolicy();
    const t = 1_000_000;
    assert.deepEqual([0, 1, 2, 3].map((i) => p.crashed(t + i * 1000)), [true, true, true, true]);
    assert.equal(p.crashed(t + 5000), false);
  });

  it('forgets crashes older than the window, and on reset', () => {
    const p = new RestartPolicy(2, 60_000);
    assert.equal(p.crashed(0), true);
    assert.equal(p.crashed(61_000), true, 'the first crash is out of the window');
    assert.equal(p.crashed(62_000), false);
    p.reset();
    assert.equal(p.crashed(63_000), true);
  });
});
