import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import {
  checkRelativePath,
  FileStreamSplitter,
  isPlanOutputPath,
  type ModelFile,
  parseFileEnvelopes,
  PLAN_OUTPUT_FILES,
  type StreamEvent,
  unwrapMarkdownFence,
} from '../../../../src/core/chat/fileEnvelope';

const PLAN = '# Implementation Plan: Albums\n\n## Summary\n\nShow albums.\n\n```bash\nnpm test\n```\n';

function file(files: ModelFile[], path: string): ModelFile {
  const f = files.find((x) => x.path === path);
  assert.ok(f, `no file ${path} in ${JSON.stringify(files.map((x) => x.path))}`);
  return f;
}

/** Runs the splitter over chunks and rebuilds prose and per-file texts from the events. */
function stream(chunks: string[]): { prose: string; files: Array<{ path: string; content: string; complete: boolean }>; events: StreamEvent[] } {
  const s = new FileStreamSplitter();
  const events = [...chunks.flatMap((c) => s.push(c)), ...s.end()];
  let prose = '';
  const files: Array<{ path: string; content: string; complete: boolean }> = [];
  let open: { path: string; content: string; complete: boolean } | undefined;
  for (const e of events) {
    if (e.kind === 'prose') {
      assert.equal(open, undefined, 'prose inside a file');
      prose += e.text;
    } else if (e.kind === 'fileStart') {
      assert.equal(open, undefined, 'fileStart inside a file');
      open = { path: e.path, content: '', complete: false };
    } else if (e.kind === 'fileText') {
      assert.equal(e.path, open?.path);
      assert.notEqual(e.text, '', 'empty text event');
      open!.content += e.text;
    } else {
      assert.equal(e.path, open?.path);
      open!.complete = e.complete;
      files.push(open!);
      open = undefined;
    }
  }
  assert.equal(open, undefined, 'a file never ended');
  return { prose, files, events };
}

describe('fileEnvelope', () => {
  describe('parseFileEnvelopes', () => {
    it('reads prose and several files, keeping fences inside the content', () => {
      const reply = `Here is the plan.\n\n<file path="plan.md">\n${PLAN}</file>\n\nAnd the research:\n<file path="research.md">\n# Research\n\nDecision: SQLite.\n</file>\nDone.`;
      const r = parseFileEnvelopes(reply);
      assert.deepEqual(
        r.files.map((f) => [f.path, f.complete, f.unwrapped]),
        [
          ['plan.md', true, false],
          ['research.md', true, false],
        ],
      );
      assert.equal(file(r.files, 'plan.md').content, PLAN);
      assert.equal(file(r.files, 'research.md').content, '# Research\n\nDecision: SQLite.\n');
      assert.equal(r.prose, 'Here is the plan.\n\n\nAnd the research:\nDone.');
      assert.deepEqual(r.problems, []);
    });

    it('returns only prose when there is no file block', () => {
      const r = parseFileEnvelopes('  I need more detail: which database?\n');
      assert.deepEqual(r, { files: [], prose: 'I need more detail: which database?', problems: [] });
    });

    it('handles the empty reply', () => {
      assert.deepEqual(parseFileEnvelopes(''), { files: [], prose: '', problems: [] });
    });

    it('accepts CRLF, single quotes, unquoted paths, extra whitespace and upper case', () => {
      const r = parseFileEnvelopes(`a\r\n<file path='spec.md'>\r\n# S\r\n</file>\r\n  <FILE   PATH = plan.md  >\r\n# P\r\n  </File>  \r\nb`);
      assert.deepEqual(
        r.files.map((f) => [f.path, f.content]),
        [
          ['spec.md', '# S\n'],
          ['plan.md', '# P\n'],
        ],
      );
      assert.equal(r.prose, 'a\nb');
    });

    it('reads other attributes and a path given as name or filename', () => {
      const r = parseFileEnvelopes('<file action="create" path="a.md" mode=x>\nA\n</file>\n<file name="b.md">\nB\n</file>');
      assert.deepEqual(r.files.map((f) => f.path), ['a.md', 'b.md']);
    });

    it('keeps a `>` inside a quoted path as part of the path', () => {
      assert.equal(parseFileEnvelopes('<file path="a>b.md">\nx\n</file>').files[0]!.path, 'a>b.md');
    });

    it('marks a file whose </file> never came as incomplete and says so', () => {
      const r = parseFileEnvelopes('Sure.\n<file path="tasks.md">\n# Tasks\n\n- [ ] T001 Do');
      assert.deepEqual(r.files, [{ path: 'tasks.md', content: '# Tasks\n\n- [ ] T001 Do', complete: false, unwrapped: false }]);
      assert.equal(r.prose, 'Sure.');
      assert.match(r.problems.join('\n'), /cut off/);
    });

    it('ends an unclosed file when the next file begins', () => {
      const r = parseFileEnvelopes('<file path="a.md">\n# A\n<file path="b.md">\n# B\n</file>');
      assert.deepEqual(
        r.files.map((f) => [f.path, f.content, f.complete]),
        [
          ['a.md', '# A\n', false],
          ['b.md', '# B\n', true],
        ],
      );
      assert.match(r.problems.join('\n'), /"a\.md" was not closed/);
    });

    it('takes the content before a </file> at the end of a line', () => {
      const r = parseFileEnvelopes('<file path="a.md">\n# A\nlast line</file>\nafter');
      assert.equal(r.files[0]!.content, '# A\nlast line');
      assert.equal(r.prose, 'after');
    });

    it('does not close on a </file> in the middle of a line', () => {
      const r = parseFileEnvelopes('<file path="a.md">\nUse `</file>` to close.\n</file>');
      assert.equal(r.files[0]!.content, 'Use `</file>` to close.\n');
    });

    it('reads text after the opening tag on the same line as content, and after </file> as prose', () => {
      const r = parseFileEnvelopes('<file path="a.md"># A\n</file> the end');
      assert.equal(r.files[0]!.content, '# A\n');
      assert.equal(r.prose, 'the end');
    });

    it('reads a self-closing tag as an empty complete file', () => {
      const r = parseFileEnvelopes('x\n<file path="empty.md"/>\ny');
      assert.deepEqual(r.files, [{ path: 'empty.md', content: '', complete: true, unwrapped: false }]);
      assert.equal(r.prose, 'x\ny');
    });

    it('removes a ```xml or bare fence wrapped around file blocks', () => {
      for (const open of ['```xml', '```', '~~~~ html']) {
        const close = open.startsWith('~') ? '~~~~' : '```';
        const r = parseFileEnvelopes(`Here:\n${open}\n<file path="plan.md">\n${PLAN}</file>\n<file path="research.md">\n# R\n</file>\n${close}\nThanks.`);
        assert.equal(file(r.files, 'plan.md').content, PLAN, open);
        assert.equal(file(r.files, 'research.md').content, '# R\n', open);
        assert.equal(r.prose, 'Here:\nThanks.', open);
      }
    });

    it('keeps ordinary code blocks in the prose', () => {
      const prose = 'Run this:\n\n```bash\nnpm test\n```\n\nthen\n\n```\n```';
      assert.equal(parseFileEnvelopes(prose).prose, prose);
    });

    it('keeps a prose code block closed when a file follows right after it', () => {
      const r = parseFileEnvelopes('```bash\nnpm test\n```\n<file path="a.md">\n# A\n</file>');
      assert.equal(r.prose, '```bash\nnpm test\n```');
      assert.equal(r.files[0]!.content, '# A\n');
    });

    it('unwraps a ```markdown fence around a file content and keeps inner fences', () => {
      const r = parseFileEnvelopes(`<file path="plan.md">\n\`\`\`markdown\n${PLAN}\`\`\`\n</file>`);
      assert.deepEqual(r.files, [{ path: 'plan.md', content: PLAN, complete: true, unwrapped: true }]);
    });

    it('unwraps a bare fence only when a heading follows it', () => {
      const wrapped = parseFileEnvelopes('<file path="a.md">\n```\n\n# A\ntext\n```\n</file>').files[0]!;
      assert.deepEqual([wrapped.content, wrapped.unwrapped], ['# A\ntext\n', true]);
      const code = parseFileEnvelopes('<file path="a.md">\n```\nnpm test\n```\n</file>').files[0]!;
      assert.deepEqual([code.content, code.unwrapped], ['```\nnpm test\n```\n', false]);
    });

    it('reports duplicate paths and keeps the last', () => {
      const r = parseFileEnvelopes('<file path="a.md">\none\n</file>\n<file path="b.md">\nB\n</file>\n<file path="./a.md">\ntwo\n</file>');
      assert.deepEqual(
        r.files.map((f) => [f.path, f.content]),
        [
          ['b.md', 'B\n'],
          ['./a.md', 'two\n'],
        ],
      );
      assert.match(r.problems.join('\n'), /more than once/);
    });

    it('ignores a block without a path, with a problem', () => {
      const r = parseFileEnvelopes('<file>\nsecret\n</file>\nok');
      assert.deepEqual(r.files, []);
      assert.equal(r.prose, 'ok');
      assert.match(r.problems.join('\n'), /no path/);
    });

    it('leaves things that are not file tags as prose', () => {
      for (const s of ['<files path="a">x</files>', 'see <file path="a.md"> inline', '<file path="a.md" unterminated', '<filepath="a.md">', '<file path="a.md>\nx']) {
        const r = parseFileEnvelopes(s);
        assert.deepEqual(r.files, [], s);
        assert.equal(r.prose, s.trim(), s);
      }
    });

    it('reports a stray </file> and keeps it as prose', () => {
      const r = parseFileEnvelopes('hello\n</file>\n');
      assert.equal(r.prose, 'hello\n</file>');
      assert.match(r.problems.join('\n'), /outside any file/);
    });

    it('never throws on garbage', function () {
      // Generating long arbitrary Unicode strings is what takes the time here, not parsing them.
      this.timeout(20_000);
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => {
          const r = parseFileEnvelopes(s);
          assert.equal(typeof r.prose, 'string');
          for (const f of r.files) assert.notEqual(f.path, '');
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('unwrapMarkdownFence', () => {
    it('removes ```markdown, ```md and ~~~ wrappers', () => {
      for (const [open, close] of [
        ['```markdown', '```'],
        ['```md', '```'],
        ['````Markdown', '````'],
        ['~~~md', '~~~~'],
      ]) {
        assert.deepEqual(unwrapMarkdownFence(`\n${open}\n${PLAN}${close}\n\n`), { text: PLAN, unwrapped: true }, open);
      }
    });

    it('removes a bare fence whose content starts with a heading', () => {
      assert.deepEqual(unwrapMarkdownFence('```\n# T\n\nbody\n```'), { text: '# T\n\nbody\n', unwrapped: true });
    });

    it('keeps CRLF line endings of the content', () => {
      assert.deepEqual(unwrapMarkdownFence('```markdown\r\n# T\r\nx\r\n```\r\n'), { text: '# T\r\nx\r\n', unwrapped: true });
    });

    it('does not unwrap other fences, unclosed wrappers or text with content after the closer', () => {
      for (const s of ['```bash\nnpm test\n```', '```\nnot a heading\n```', '```markdown\n# T\nno close', '```markdown\n# T\n```\nafter', '# T\n```md\nx\n```', '', '```markdown']) {
        assert.deepEqual(unwrapMarkdownFence(s), { text: s, unwrapped: false }, JSON.stringify(s));
      }
    });

    it('does not take a shorter fence as the closer of a longer wrapper', () => {
      assert.deepEqual(unwrapMarkdownFence('````markdown\n# T\n```\n'), { text: '````markdown\n# T\n```\n', unwrapped: false });
    });

    it('reads a fence with an info string inside the wrapper as an inner block', () => {
      // The model forgot to close the wrapper; the last ``` closes the inner bash block.
      assert.equal(unwrapMarkdownFence('```markdown\n# T\n```bash\nx\n```\n').unwrapped, false);
      const text = '```markdown\n# T\n```bash\nx\n```\nmore\n```\n';
      assert.deepEqual(unwrapMarkdownFence(text), { text: '# T\n```bash\nx\n```\nmore\n', unwrapped: true });
    });

    it('reads a bare fence followed by content as an inner block', () => {
      const text = '```markdown\n# T\n```\ncode\n```\n\n```\n';
      assert.deepEqual(unwrapMarkdownFence(text), { text: '# T\n```\ncode\n```\n\n', unwrapped: true });
    });
  });

  describe('FileStreamSplitter', () => {
    it('emits events in order for a reply arriving in pieces', () => {
      const { events } = stream(['Intro\n<fi', 'le path="a.md">\n# A\nte', 'xt\n</fi', 'le>\nBye']);
      assert.deepEqual(events, [
        { kind: 'prose', text: 'Intro\n' },
        { kind: 'fileStart', path: 'a.md' },
        { kind: 'fileText', path: 'a.md', text: '# A\nte' },
        { kind: 'fileText', path: 'a.md', text: 'xt\n' },
        { kind: 'fileEnd', path: 'a.md', complete: true },
        { kind: 'prose', text: 'Bye' },
      ]);
    });

    it('shows an unfinished line as soon as it cannot be a tag', () => {
      const s = new FileStreamSplitter();
      assert.deepEqual(s.push('Hello wor'), [{ kind: 'prose', text: 'Hello wor' }]);
      assert.deepEqual(s.push('ld\n<file path="a.md">\n'), [
        { kind: 'prose', text: 'ld\n' },
        { kind: 'fileStart', path: 'a.md' },
      ]);
      assert.deepEqual(s.push('# Title\nSome te'), [{ kind: 'fileText', path: 'a.md', text: '# Title\nSome te' }]);
      // A possible closing tag at the end of the line is held back.
      assert.deepEqual(s.push('xt</fi'), [{ kind: 'fileText', path: 'a.md', text: 'xt' }]);
      assert.deepEqual(s.push('le>'), []);
      assert.deepEqual(s.end(), [{ kind: 'fileEnd', path: 'a.md', complete: true }]);
    });

    it('holds a candidate wrapper closer until it knows what follows', () => {
      const s = new FileStreamSplitter();
      assert.deepEqual(s.push('<file path="a.md">\n```markdown\n# T\n```\n'), [
        { kind: 'fileStart', path: 'a.md' },
        { kind: 'fileText', path: 'a.md', text: '# T\n' },
      ]);
      assert.deepEqual(s.push('</file>\n'), [{ kind: 'fileEnd', path: 'a.md', complete: true }]);
    });

    it('keeps a half "\\r\\n" across chunks', () => {
      const { prose } = stream(['a\r', '\nb\r']);
      assert.equal(prose, 'a\nb\r');
    });

    it('stays fast on a huge line arriving in tiny chunks', () => {
      const line = 'x<y '.repeat(50_000);
      const chunks: string[] = [];
      const reply = `<file path="a.md">\n${line}\n</file>\n${line}`;
      for (let i = 0; i < reply.length; i += 7) chunks.push(reply.slice(i, i + 7));
      const started = Date.now();
      const r = stream(chunks);
      assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
      assert.equal(r.files[0]!.content, `${line}\n`);
      assert.equal(r.prose, line);
    });

    it('reports an unfinished file at the end', () => {
      const s = new FileStreamSplitter();
      s.push('<file path="a.md">\n# A\n');
      assert.deepEqual(s.end(), [{ kind: 'fileEnd', path: 'a.md', complete: false }]);
      assert.equal(s.problems.length, 1);
      assert.deepEqual(s.end(), []);
      assert.throws(() => s.push('x'));
    });

    const replyParts = fc.constantFrom(
      'Here is the plan.\n',
      '\n',
      '<file path="plan.md">\n',
      "<file path='spec.md'>",
      '<FILE path=a.md >\n',
      '<file path="x.md"/>\n',
      '</file>\n',
      '</file>',
      ' </file> tail\n',
      '```markdown\n',
      '```xml\n',
      '```\n',
      '~~~\n',
      '# Title\n',
      '```bash\nnpm test\n```\n',
      'text with </file> inside\n',
      'line\r\n',
      'end</file>\n',
      '- [ ] T001 Do it\n',
      '<div>\n',
      '<',
      '`',
      'plain',
      ' ',
    );

    it('gives the same result however the reply is split (property)', () => {
      fc.assert(
        fc.property(
          fc.array(fc.oneof(replyParts, fc.string({ maxLength: 6 })), { maxLength: 25 }),
          fc.array(fc.nat(), { maxLength: 12 }),
          (parts, cuts) => {
            const reply = parts.join('');
            const points = [...new Set(cuts.map((c) => c % (reply.length + 1)))].sort((a, b) => a - b);
            const chunks: string[] = [];
            let last = 0;
            for (const p of points) {
              chunks.push(reply.slice(last, p));
              last = p;
            }
            chunks.push(reply.slice(last));
            const whole = parseFileEnvelopes(reply);
            const streamed = stream(chunks);
            const single = stream([reply]);
            assert.deepEqual(streamed.files, single.files);
            assert.equal(streamed.prose, single.prose);
            assert.equal(streamed.prose.trim(), whole.prose);
            // The parse keeps the last of duplicate paths and drops path-less blocks.
            const expected = new Map<string, { content: string; complete: boolean }>();
            for (const f of streamed.files) {
              if (f.path === '') continue;
              const key = f.path.replace(/^(?:\.\/)+/, '');
              expected.delete(key);
              expected.set(key, { content: f.content, complete: f.complete });
            }
            assert.deepEqual(
              whole.files.map((f) => ({ content: f.content, complete: f.complete })),
              [...expected.values()],
            );
          },
        ),
        { numRuns: 1500 },
      );
    });

    it('agrees with unwrapMarkdownFence for complete wrapped files (property)', () => {
      const lines = fc.constantFrom('# T', 'text', '```bash', '```', '~~~', '', '## H', '````');
      fc.assert(
        fc.property(fc.array(lines, { maxLength: 10 }), fc.constantFrom('```markdown', '```md', '```', '````md'), (body, open) => {
          const close = open.startsWith('````') ? '````' : '```';
          const content = [open, ...body, close].join('\n') + '\n';
          const r = parseFileEnvelopes(`<file path="a.md">\n${content}</file>`);
          const u = unwrapMarkdownFence(content);
          if (u.unwrapped) assert.deepEqual([r.files[0]!.content, r.files[0]!.unwrapped], [u.text, true]);
        }),
        { numRuns: 500 },
      );
    });
  });

  describe('checkRelativePath', () => {
    const allowed = (p: string): boolean => isPlanOutputPath(p);

    it('accepts and normalizes allowed relative paths', () => {
      assert.deepEqual(checkRelativePath('plan.md', PLAN_OUTPUT_FILES), { ok: true, path: 'plan.md' });
      assert.deepEqual(checkRelativePath('./research.md', PLAN_OUTPUT_FILES), { ok: true, path: 'research.md' });
      assert.deepEqual(checkRelativePath('././contracts/./api.yaml', allowed), { ok: true, path: 'contracts/api.yaml' });
      assert.deepEqual(checkRelativePath('contracts/v1/users.json', allowed), { ok: true, path: 'contracts/v1/users.json' });
    });

    it('refuses paths that escape, are absolute or are malformed', () => {
      const bad: Array<[string, RegExp]> = [
        ['', /empty/],
        ['   ', /empty/],
        ['/etc/passwd', /absolute/],
        ['C:\\Windows\\x.md', /backslash/],
        ['C:/x.md', /drive/],
        ['c:plan.md', /drive/],
        ['\\\\server\\share\\plan.md', /backslash/],
        ['contracts\\api.md', /backslash/],
        ['../plan.md', /leaves/],
        ['contracts/../../x.md', /leaves/],
        ['a//b.md', /empty name/],
        ['contracts/', /empty name/],
        ['.', /names no file/],
        ['./', /empty name/],
        ['plan.md\u0000.txt', /control/],
        ['plan\n.md', /control/],
        ['plan\u202Edm.md', /invisible/],
        ['~/plan.md', /~/],
        ['plan.md:stream', /not allowed/],
        ['pl*n.md', /not allowed/],
        ['plan.md.', /ends with/],
        [' plan.md', /starts with/],
        ['NUL.md', /reserved/],
        ['contracts/com1.json', /reserved/],
        [`${'a'.repeat(256)}.md`, /255 bytes/],
        [`${'é'.repeat(128)}`, /255 bytes/],
        ['x'.repeat(2000), /longer than/],
      ];
      for (const [p, why] of bad) {
        const r = checkRelativePath(p, () => true);
        assert.equal(r.ok, false, JSON.stringify(p));
        if (!r.ok) assert.match(r.reason, why, JSON.stringify(p));
      }
    });

    it('refuses what the allowed list or predicate rejects', () => {
      const r = checkRelativePath('tasks.md', PLAN_OUTPUT_FILES);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.reason, /does not write that file.*plan\.md/);
      for (const p of ['contracts/api.ts', 'contracts/a/b/c.md', 'src/x.md', 'Plan.md', 'plan.md/x']) assert.equal(checkRelativePath(p, allowed).ok, false, p);
    });

    it('never accepts a path with .. or a leading slash, whatever the predicate (property)', () => {
      fc.assert(
        fc.property(fc.array(fc.constantFrom('a', '.', '..', '', 'b.md', '\\', 'C:', '~', ' '), { minLength: 1, maxLength: 6 }), (segs) => {
          const r = checkRelativePath(segs.join('/'), () => true);
          if (r.ok) {
            assert.ok(!r.path.split('/').includes('..'));
            assert.ok(!r.path.startsWith('/'));
            assert.ok(!r.path.split('/').includes('.'));
            assert.ok(!r.path.includes('\\'));
          }
        }),
        { numRuns: 500 },
      );
    });
  });
});
