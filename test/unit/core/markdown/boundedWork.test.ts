import assert from 'node:assert/strict';
import fc from 'fast-check';
import { markerSpans } from '../../../../src/core/artifacts/docScan';
import { parseChecklist } from '../../../../src/core/artifacts/checklist';
import { parseConstitution } from '../../../../src/core/artifacts/constitution';
import { parsePlan } from '../../../../src/core/artifacts/plan';
import { parseSpec } from '../../../../src/core/artifacts/spec';
import { parseTasks } from '../../../../src/core/artifacts/tasks';
import { analyzeDoc } from '../../../../src/core/lint/analyzedDoc';
import { lintDocument } from '../../../../src/core/lint/lintRules';
import { LIMITS, measureComplexity } from '../../../../src/core/markdown/complexity';
import { MAX_TREE_DEPTH, parseMarkdown, readFrontmatter, treeShape } from '../../../../src/core/markdown/markdownDoc';
import { type Problem } from '../../../../src/core/text/range';

/**
 * The availability probes of issue #12, each with its input generated here. Each asserts the result
 * (a `file-too-complex` problem, never an exception) and a bound that cannot flake: the pre-check's
 * own work is counted (characters examined), and a refused file never reaches remark (its tree is
 * empty). Before the pre-check these inputs took 12 s to over a minute, or overflowed the stack.
 */

const PARSERS: [string, (raw: string) => { problems: readonly Problem[] }][] = [
  ['tasks', parseTasks],
  ['spec', parseSpec],
  ['plan', parsePlan],
  ['checklist', parseChecklist],
  ['constitution', parseConstitution],
];

function realisticTaskLines(chars: number): string {
  const lines = ['# Tasks: Big', '', '## Phase 1: Setup', ''];
  let size = 0;
  for (let n = 1; size < chars; n++) {
    const line = `- [${n % 3 === 0 ? 'X' : ' '}] T${String(n).padStart(5, '0')}${n % 2 ? ' [P]' : ''} [US${(n % 9) + 1}] Implement part ${n} in src/module${n}/file${n}.ts (FR-${String((n % 50) + 1).padStart(3, '0')})`;
    lines.push(line);
    size += line.length + 1;
    if (n % 500 === 0) lines.push('', `## Phase ${n / 500 + 1}: User Story ${n / 500} - Part`, '');
  }
  return lines.join('\n') + '\n';
}

const PROBES: { name: string; text: () => string; says: RegExp }[] = [
  { name: '10,000 "> " markers (20 KB)', text: () => '> '.repeat(10_000) + 'x\n', says: /nested 10,000 levels/ },
  { name: '10,000 "- " markers', text: () => '- '.repeat(10_000) + 'x\n', says: /nested 10,000 levels/ },
  { name: '10,000 "> " before a task line', text: () => '# Tasks\n\n## Phase 1: Setup\n\n' + '> '.repeat(10_000) + '- [ ] T001 x\n', says: /nested 10,001 levels/ },
  { name: '200,000 short list items', text: () => '- a\n'.repeat(200_000), says: /200,000 non-empty lines/ },
  { name: '2 MB of realistic task lines', text: () => realisticTaskLines(2_000_000), says: /non-empty lines/ },
  { name: 'a list nested 1,000 levels by indentation', text: () => Array.from({ length: 1000 }, (_, i) => ' '.repeat(2 * i) + `- item ${i}`).join('\n'), says: /nested 1,000 levels/ },
  { name: '200 KB of [[[…]]]', text: () => '['.repeat(100_000) + ']'.repeat(100_000), says: /200,000 brackets/ },
  { name: 'YAML front matter with 100,000 keys', text: () => ['---', ...Array.from({ length: 100_000 }, (_, i) => `k${i}: v`), '---', '# T', ''].join('\n'), says: /non-empty lines/ },
  { name: '50,000 unclosed [NEEDS CLARIFICATION: markers (1.1 MB)', text: () => '# Spec\n\n' + '[NEEDS CLARIFICATION: '.repeat(50_000) + '\n', says: /brackets and emphasis marks/ },
  { name: '64 KB of nested emphasis', text: () => '*_'.repeat(16_000) + 'x' + '_*'.repeat(16_000), says: /brackets and emphasis marks/ },
  { name: 'a table 60,000 cells wide', text: () => '|' + 'a|'.repeat(30_000) + '\n|' + '-|'.repeat(30_000) + '\n', says: /60,00\d cells/ },
];

describe('bounded work for any input (issue #12 probes)', function () {
  this.timeout(60_000);

  for (const probe of PROBES) {
    it(`${probe.name}: a file-too-complex problem, counted work, remark never runs`, () => {
      const text = probe.text();
      const measured = measureComplexity(text);
      // One pass: each character examined at most a few times.
      assert.ok(measured.steps <= 3 * (text.length + 1), `pre-check took ${measured.steps} steps for ${text.length} characters`);
      const md = parseMarkdown(text);
      assert.equal(md.skipped, 'too-complex');
      assert.equal(md.root.children.length, 0, 'remark must not have run');
      const problem = md.problems.find((p) => p.code === 'file-too-complex');
      assert.ok(problem, 'file-too-complex problem');
      assert.match(problem.message, probe.says);
      for (const [name, parse] of PARSERS) {
        const model = parse(text);
        assert.deepEqual(
          model.problems.map((p) => p.code),
          ['file-too-complex'],
          name,
        );
      }
      // The language server's path: analysis and rules on a refused file stay empty and quiet.
      const doc = analyzeDoc('/p/specs/001-x/tasks.md', text)!;
      assert.deepEqual(doc.occurrences(), []);
      assert.deepEqual(
        lintDocument(doc).map((p) => p.code),
        ['file-too-complex'],
      );
    });
  }

  it('reads realistic files: the 5,000-task benchmark file is well within the limits, 2,000 tasks parse', () => {
    const big = measureComplexity(realisticTaskLines(360_000));
    assert.ok(big.lines < LIMITS.lines / 1.5 && big.markWork < LIMITS.markWork / 10 && big.nesting === 1, JSON.stringify(big));
    const doc = parseTasks(realisticTaskLines(150_000));
    assert.deepEqual(
      doc.problems.filter((p) => p.code === 'file-too-complex'),
      [],
    );
    assert.ok(doc.total > 1_500, `${doc.total} tasks`);
  });

  it('finds duplicate YAML keys in linear time (100,000 keys, counted)', () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `k${i}: v`);
    const ok = readFrontmatter(keys.join('\n'));
    assert.equal(ok.error, undefined);
    assert.equal(Object.keys(ok.value!).length, 100_000);
    // Each pair is visited once, plus the map and the values: linear, not 100,000²/2 comparisons.
    assert.ok(ok.steps <= 3 * keys.length, `${ok.steps} steps`);
    const some = keys.slice(0, 20_000);
    const dup = readFrontmatter([...some, 'k0: again'].join('\n'));
    assert.match(dup.error ?? '', /"k0" is repeated/);
    assert.equal(dup.value, undefined);
    assert.ok(dup.steps <= 3 * some.length + 3, `${dup.steps} steps`);
  });

  it('scans 50,000 unclosed [NEEDS CLARIFICATION: markers in linear time (counted)', () => {
    const text = '[NEEDS CLARIFICATION: '.repeat(50_000);
    const work = { steps: 0 };
    assert.deepEqual(markerSpans(text, work), []);
    assert.ok(work.steps <= 2 * text.length, `${work.steps} steps for ${text.length} characters`);
    const closed = '[NEEDS CLARIFICATION: why?] and '.repeat(50_000);
    const work2 = { steps: 0 };
    const found = markerSpans(closed, work2);
    assert.equal(found.length, 50_000);
    assert.equal(found[1]!.question, ' why?');
    assert.ok(work2.steps <= 2 * closed.length, `${work2.steps} steps for ${closed.length} characters`);
  });

  it('reads markers as before: bare, with a question, with a full-width colon, and not across a closed one', () => {
    assert.deepEqual(
      markerSpans('a [NEEDS CLARIFICATION] b [ NEEDS  CLARIFICATION：q] c [NEEDS CLARIFICATION: x [y] z] [NEEDS CLARIFICATION foo]').map((m) => [m.start, m.end, m.question]),
      [
        [2, 23, undefined],
        [26, 51, 'q'],
        [54, 81, ' x [y'],
      ],
    );
  });

  describe('properties (inputs up to 64 KB, deep nesting)', () => {
    const prefix = fc.array(fc.constantFrom('> ', '- ', '* ', '1. ', '  ', '    ', '\t', '- [ ] ', '>', '```', '~~~', '<div>', '<!--', '-->', '<pre>', '---'), { maxLength: 60 }).map((p) => p.join(''));
    const inline = fc.array(fc.constantFrom('*', '_', '**', '`', '~~', '[', ']', '(', ')', '![', 'a', ' ', 'T001 ', '[P] ', '[US1] ', '|', '<', '&amp;', '\\'), { maxLength: 40 }).map((p) => p.join(''));
    const line = fc.tuple(prefix, inline).map(([p, i]) => p + i);
    /** Deep staircases: many lines, each one level deeper (by indentation or by markers). */
    const staircase = fc.tuple(fc.integer({ min: 1, max: 3000 }), fc.constantFrom('  ', '> ', '- ', '   '), fc.constantFrom('- x', '> y', '1. z', 'text')).map(([n, step, tail]) =>
      Array.from({ length: n }, (_, i) => step.repeat(i % 700) + tail).join('\n'),
    );
    const doc = fc
      .oneof(fc.array(line, { maxLength: 400 }).map((ls) => ls.join('\n')), staircase, fc.array(fc.oneof(line, staircase), { maxLength: 8 }).map((p) => p.join('\n')))
      .map((t) => t.slice(0, 64 * 1024));

    it('every parser returns problems, never throws, and a parsed tree stays within the depth cap', () => {
      fc.assert(
        fc.property(doc, fc.constantFrom('\n', '\r\n', '\r'), (lf, eol) => {
          const text = lf.replace(/\n/g, eol);
          const c = measureComplexity(text);
          assert.ok(c.steps <= 3 * (text.length + 1), `${c.steps} steps for ${text.length} characters`);
          const md = parseMarkdown(text);
          if (md.skipped === undefined) {
            // What the pre-check let through is bounded by it, with room for inline nesting.
            assert.ok(c.nesting <= LIMITS.nesting);
            assert.ok(treeShape(md.root).depth <= MAX_TREE_DEPTH);
          } else {
            assert.equal(md.problems[0]?.code, 'file-too-complex');
          }
          for (const [, parse] of PARSERS) {
            const codes = parse(text).problems.map((p) => p.code);
            assert.ok(!codes.includes('internal-error') && !codes.includes('parse-failed'), codes.join(','));
          }
        }),
        { numRuns: 30 },
      );
    });

    it('the pre-check never counts less nesting than the tree has containers', () => {
      fc.assert(
        fc.property(fc.array(line, { maxLength: 60 }).map((ls) => ls.join('\n')), (text) => {
          const md = parseMarkdown(text);
          if (md.skipped !== undefined) return;
          assert.ok(containerDepth(md.root) <= measureComplexity(text).nesting, text);
        }),
        { numRuns: 300 },
      );
    });
  });
});

/** The most block quotes and list items around any node. */
function containerDepth(root: { type: string; children?: unknown[] }): number {
  let max = 0;
  const stack: [{ type: string; children?: unknown[] }, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [node, d] = stack.pop()!;
    const here = node.type === 'blockquote' || node.type === 'listItem' ? d + 1 : d;
    max = Math.max(max, here);
    for (const c of node.children ?? []) stack.push([c as { type: string; children?: unknown[] }, here]);
  }
  return max;
}
