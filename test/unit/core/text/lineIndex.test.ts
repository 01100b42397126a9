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

describe('LineIndex line endings', () => {
  it('reads a lone CR as a line break, and mixed endings line by line', () => {
    const idx = new LineIndex('a\rbb\r\nccc\nd\r\r\ne');
    assert.equal(idx.lineCount, 6);
    assert.deepEqual(
      Array.from({ length: idx.lineCount }, (_, i) => idx.lineText(i)),
      ['a', 'bb', 'ccc', 'd', '', 'e'],
    );
    assert.deepEqual(idx.positionAt(2), { line: 1, character: 0 });
    assert.equal(idx.offsetAt({ line: 2, character: 1 }), 7);
    // Past the end of a line stops before its break, whatever the break is.
    assert.equal(idx.offsetAt({ line: 0, character: 9 }), 1);
    assert.equal(idx.offsetAt({ line: 1, character: 9 }), 4);
  });

  it('round-trips every offset outside a line break, for any mix of endings', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\r', '\n', '\r\n', 'é', ' ') }), (text) => {
        const idx = new LineIndex(text);
        const lines = text.split(/\r\n|\r|\n/);
        assert.equal(idx.lineCount, lines.length);
        lines.forEach((l, i) => assert.equal(idx.lineText(i), l));
        for (let o = 0; o <= text.length; o++) {
          const insideCrlf = text[o - 1] === '\r' && text[o] === '\n';
          if (!insideCrlf) assert.equal(idx.offsetAt(idx.positionAt(o)), o);
        }
      }),
      { numRuns: 300 },
    );
  });
});
