import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseMarkdownTree } from '../../../../src/core/markdown/markdownDoc';
import { parseWithPlainTaskLists } from '../../../../src/core/markdown/plainTaskLists';
import { corpusDir, corpusFiles } from '../../helpers/paths';
import { everyExtensionTree, referenceTree as reference } from '../../helpers/referenceParse';

/**
 * The plain task runs built without remark must give exactly remark's tree: every position, every
 * node, for the runs it builds and the regions it parses around them. The reference is remark with
 * every extension, on the whole text; the fast path is also checked to be taken, or the equality
 * would prove nothing about it.
 */

function task(n: number, text: string, box = n % 3 === 0 ? 'X' : ' '): string {
  return `- [${box}] T${String(n).padStart(4, '0')} ${text}`;
}

const PLAIN_TEXTS = ['[P] Add the model in src/models/user.py', '[US1] Write it (depends on T0001)', 'Schedule → run it: 100% "done"', 'Ünïcödé 😀 text', '[P] [US2] Check (FR-001, SC-002)', 'a', 'x [y] z', 'Ends with a bracket [P]', '#5 then -> and >', 'http://example.com/a?b=c', 'Create `src/models/user.py` and `tests/`', 'Ends with `code`', 'Two `a` `b` spans, `[x]` inside, `c  d`', 'Run `nix build .#a` then `x`(y)'];
/** Task text with a character inline markup starts with, or white space at an end: never built. */
const MARKUP_TEXTS = ['Has `code`', 'Has *emphasis*', 'A [link](http://x)', 'A [full][ref]', 'An &amp; entity', 'An \\* escape', 'html <b>', '~~gone~~', 'a | b', 'trailing  ', ' leading', 'tab\there', '![img](x)', 'under_score', '`T001` first', 'odd ` backtick', '`` double ``', 'Has ` spaced `', 'Code `a > b`', 'Code `<b>`', 'Code `a` then `', 'A [link `x`](y)', 'Code `a*b*`'];
const taskTextArb = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...PLAIN_TEXTS) }, { weight: 2, arbitrary: fc.constantFrom(...MARKUP_TEXTS) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) });
const linesArb = (min: number, max: number, text: fc.Arbitrary<string>) =>
  fc.tuple(fc.array(text, { minLength: min, maxLength: max }), fc.constantFrom(' ', 'x', 'X')).map(([texts, box]) => texts.map((t, i) => task(i + 1, t, i % 2 ? box : ' ')).join('\n'));
/** Runs long enough to be built, all plain; and shorter or mixed ones. */
const runArb = fc.oneof({ weight: 3, arbitrary: linesArb(8, 14, fc.constantFrom(...PLAIN_TEXTS)) }, { weight: 2, arbitrary: linesArb(1, 14, taskTextArb) });
/** Blocks around the runs: headings, paragraphs, other lists, fences and HTML left open or closed, indented lines. */
const blockArb = fc.oneof(
  { weight: 5, arbitrary: runArb },
  {
    weight: 5,
    arbitrary: fc.constantFrom('## Phase 2: User Story 1', '# Tasks', '**Goal**: it works.', 'Some text.', '- other item', '* star item', '+ plus', '1. ordered', '  indented continuation', '    indented code', '```', '```bash', '~~~', '<!-- note', '-->', '<!-- one line -->', '<div>', '> quote', '| a | b |\n|---|---|', '---', 'Title\n===', '[a]: /b', '\t- tabbed', '- [ ] T0999 short', '  - [ ] T0998 nested'),
  },
);
const blocksArb = fc.array(fc.tuple(blockArb, fc.constantFrom('\n\n', '\n\n\n', '\n', '\n  \n')), { maxLength: 6 }).map((blocks) => blocks.map(([b, gap]) => b + gap).join(''));
/** Random blocks around a phase of plain tasks (which the blocks before it may still swallow: a fence, a list). */
const docArb = fc
  .tuple(blocksArb, fc.constantFrom('## Phase 1: Setup', '**Goal**: x.', 'Text'), linesArb(8, 14, fc.constantFrom(...PLAIN_TEXTS)), fc.constantFrom('## Phase 2', 'Text', '* star'), blocksArb)
  .map(([before, lead, run, next, after]) => `${before}${lead}\n\n${run}\n\n${next}\n${after}`);
const anyDocArb = fc.oneof(docArb, blocksArb.chain((a) => blocksArb.map((b) => a + b)));
const withEolArb = (arb: fc.Arbitrary<string>) => arb.chain((text) => fc.constantFrom('\n', '\r\n', '\r').map((eol) => text.replace(/\n/g, eol)));

describe('markdown parse: plain task runs built without remark', function () {
  this.timeout(180_000);

  it('gives remark’s tree for generated documents, and builds runs in many of them', () => {
    let built = 0;
    let runs = 0;
    fc.assert(
      fc.property(withEolArb(docArb), (text) => {
        runs++;
        if (parseWithPlainTaskLists(text, everyExtensionTree)) built++;
        assert.deepStrictEqual(parseMarkdownTree(text), reference(text));
      }),
      { numRuns: 1000 },
    );
    // The documents made to hold a run must mostly get it built, or the equality proves nothing about it.
    assert.ok(built > runs / 4, `runs built in only ${built} of ${runs} documents`);
    fc.assert(
      fc.property(withEolArb(anyDocArb), (text) => {
        assert.deepStrictEqual(parseMarkdownTree(text), reference(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('gives remark’s tree for a long generated tasks.md, built', () => {
    const lines = ['# Tasks: Bench', '', '## Phase 1: Setup', ''];
    for (let n = 1; n <= 400; n++) {
      if (n % 50 === 0) lines.push('', `## Phase ${n / 50 + 1}: User Story ${n / 50}`, '', `**Goal**: Story ${n / 50}.`, '');
      lines.push(task(n, `${n % 2 ? '[P] ' : ''}[US${n % 5}] Implement part ${n} in src/module${n}/file${n}.ts${n % 11 === 0 ? ` (depends on T${n - 1})` : ''}`));
    }
    lines.push('', '## Dependencies', '', '- Setup → Stories', '');
    const text = lines.join('\n');
    const tree = parseWithPlainTaskLists(text, everyExtensionTree);
    assert.ok(tree, 'the runs are built');
    assert.deepStrictEqual(tree, reference(text));
    assert.deepStrictEqual(parseMarkdownTree(text), reference(text));
  });

  it('gives remark’s tree for every corpus file, and for the corpus tasks files with their runs made long', () => {
    const built: string[] = [];
    for (const f of corpusFiles('.md')) {
      const text = readFileSync(join(corpusDir(), f), 'utf8');
      assert.deepStrictEqual(parseMarkdownTree(text), reference(text), f);
      // Each task line repeated: real task texts, in runs long enough to be built.
      const long = text.replace(/^- \[[ xX]\] .*$/gm, (line) => Array.from({ length: 9 }, () => line).join('\n'));
      assert.deepStrictEqual(parseMarkdownTree(long), reference(long), `${f}, runs made long`);
      if (f.endsWith('__tasks.md') && parseWithPlainTaskLists(long, everyExtensionTree)) built.push(f);
    }
    // Real task lines (paths in code spans, IDs in brackets) are built, not only the generated ones.
    assert.ok(built.length >= 8, `runs built in ${built.length} corpus tasks files: ${built.join(', ')}`);
  });

  it('leaves to remark a run inside a fence or HTML, one that joins a list, and texts with definitions or front matter', () => {
    const run = Array.from({ length: 10 }, (_, i) => task(i + 1, 'plain')).join('\n');
    for (const text of [
      `# T\n\n\`\`\`md\n\n${run}\n\n\`\`\`\n\nend\n`,
      `# T\n\n<!--\n\n${run}\n\n-->\n\nend\n`,
      `# T\n\n- other\n\n${run}\n\nend\n`,
      `# T\n\n${run}\n\n- more\n`,
      `# T\n\n${run}\n\n  continued\n`,
      `# T\n\n${run}\n\n[a]: /b\n`,
      `---\na: 1\n---\n\n${run}\n\nend\n`,
      `${run}\n\nend\n`,
      `# T\n\n${run}\n`,
    ]) {
      assert.equal(parseWithPlainTaskLists(text, everyExtensionTree), undefined, text);
      assert.deepStrictEqual(parseMarkdownTree(text), reference(text), text);
    }
    // An HTML block that runs past blank lines is not seen by the line scan: the sentinel refuses it.
    const pre = `# T\n\n<pre>\n\n${run}\n\n</pre>\n\nend\n`;
    assert.equal(parseWithPlainTaskLists(pre, everyExtensionTree), undefined);
    assert.deepStrictEqual(parseMarkdownTree(pre), reference(pre));
  });
});
