import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseMarkdownTree } from '../../../../src/core/markdown/markdownDoc';
import { referenceTree as reference } from '../../helpers/referenceParse';

/**
 * parseMarkdownTree leaves the table, strikethrough and front matter extensions out of texts that
 * cannot hold what they read; the tree must be the one every extension gives (for a text whose
 * front matter opens and closes, as parseMarkdownTree always reads those with the extension).
 */

// Table-like pieces without a pipe (`:--`, `--:`, `: -`), and the ones with one; tildes single and double.
const PIECES = ['\n', '\r\n', 'a', 'Title', ' ', '  ', '- ', '- [ ] T001 ', '[x] ', ':', '-', '--', ':--', '--:', ':-:', ': -', '- :', '|', '| a |', '|---|', '~', '~~', '~~~', '---', '# ', '> ', '1. ', '`', '**', '\t', 'x:y', 'FR-001:'];
const textArb = fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }).map((xs) => xs.join(''));

describe('markdown parse: the extensions a text needs', () => {
  it('gives the tree every extension gives, for texts with and without pipes, colons by dashes and tildes', () => {
    let lean = 0;
    fc.assert(
      fc.property(textArb, (text) => {
        if (!/\||:-|-:/.test(text) || !text.includes('~')) lean++;
        assert.deepStrictEqual(parseMarkdownTree(text), reference(text));
      }),
      { numRuns: 3000 },
    );
    // The generator must reach the texts read with fewer extensions, or the check proves nothing about them.
    assert.ok(lean > 300, `only ${lean} texts left an extension out`);
  });

  it('still reads a table without any pipe, and strikethrough', () => {
    const tree = parseMarkdownTree('a\n:-\nb\n\n~~gone~~\n');
    assert.equal(tree.children[0]!.type, 'table');
    assert.equal((tree.children[1] as { children: { type: string }[] }).children[0]!.type, 'delete');
    assert.deepStrictEqual(tree, reference('a\n:-\nb\n\n~~gone~~\n'));
  });
});
