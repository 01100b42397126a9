import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineIndex } from '../../../../src/core/text/lineIndex';

describe('LineIndex', () => {
  it('maps offsets to lines and characters, LF and CRLF alike', () => {
    const lf = new LineIndex('ab\ncd\n');
    const crlf = new LineIndex('ab\r\ncd\r\n');
    assert.deepEqual(lf.positionAt(4), { line: 1, character: 1 });
    assert.deepEqual(crlf.positionAt(5), { line: 1, character: 1 });
    assert.equal(crlf.lineText(0), 'ab');
    assert.equal(crlf.offsetAt({ line: 1, character: 1 }), 5);
  });

  it('puts an offset inside a CRLF break at the end of its line, never past it', () => {
    const idx = new LineIndex('ab\r\ncd');
    assert.deepEqual(idx.positionAt(2), { line: 0, character: 2 });
    assert.deepEqual(idx.positionAt(3), { line: 0, character: 2 });
  });

  it('keeps every position inside its line, for any text and offset', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\r', '\n', 'é', ' ') }), fc.nat(), (text, n) => {
        const idx = new LineIndex(text);
        const p = idx.positionAt(text.length === 0 ? 0 : n % (text.length + 1));
        assert.ok(p.line < idx.lineCount);
        assert.ok(p.character <= idx.lineText(p.line).length);
      }),
      { numRuns: 500 },
    );
  });
});
