import assert from 'node:assert/strict';
import { runCli } from '../../../src/cli';
import { RULES } from '../../../src/core/lint/rules';
import { corpusDir, repoRoot } from '../helpers/paths';
import { tempWorkspace } from '../helpers/tempWorkspace';
import { SPEC, swap, TASKS } from '../core/lint/lintFixtures';

async function run(args: string[], cwd = repoRoot()): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, cwd);
  return { code, out, err };
}

function feature(tasks = TASKS): ReturnType<typeof tempWorkspace> {
  return tempWorkspace({
    '.specify/memory/constitution.md': '# Demo Constitution\n\n## Core Principles\n\n### I. Simplicity\n\nKeep it small.\n\n**Version**: 1.0.0 | **Ratified**: 2026-01-01 | **Last Amended**: 2026-01-01\n',
    '.specify/templates/spec-template.md': '# Feature Specification: [FEATURE NAME]\n',
    'specs/001-backups/spec.md': SPEC,
    'specs/001-backups/tasks.md': tasks,
  });
}

describe('speckit-vscode check', function () {
  this.timeout(20_000);

  it('exits 0 with no output lines for a clean project (templates are not checked)', async () => {
    const ws = feature();
    try {
      const { code, out, err } = await run(['check'], ws.root);
      assert.equal(code, 0);
      assert.deepEqual(out, []);
      assert.match(err.join('\n'), /0 error\(s\), 0 warning\(s\)/);
    } finally {
      ws.dispose();
    }
  });

  it('prints file:line:col severity code message and exits 1 on an error', async () => {
    const ws = feature(swap(swap(TASKS, 'T006 [P] [US2]', 'T005 [P] [US2]'), 'T004 [US1]', 'T004 [US9]'));
    try {
      const { code, out } = await run(['check', 'specs'], ws.root);
      assert.equal(code, 1);
      assert.deepEqual(out, [
        'specs/001-backups/tasks.md:11:12 info task-story-mismatch T004 is tagged [US9] but sits in the phase of US1.',
        'specs/001-backups/tasks.md:11:12 warning unknown-story T004 is tagged [US9], but the spec has no US9 (it has US1, US2).',
        'specs/001-backups/tasks.md:16:7 error task-duplicate-id T005 is used twice (first at line 15); task IDs must be unique.',
        // T006 is gone (renamed to a duplicate), so the Dependencies line names an unknown task.
        'specs/001-backups/tasks.md:24:25 warning unknown-task-reference No task T006 in tasks.md.',
      ]);
    } finally {
      ws.dispose();
    }
  });

  it('--json, --severity overrides, and a single file with its feature’s spec', async () => {
    const ws = feature(swap(TASKS, 'T006 [P] [US2]', 'T005 [P] [US2]'));
    try {
      const { code, out } = await run(['check', 'specs/001-backups/tasks.md', '--json', '--severity', 'task-duplicate-id=warning'], ws.root);
      assert.equal(code, 0);
      const json = JSON.parse(out[0]!);
      assert.deepEqual(json, [
        { file: 'specs/001-backups/tasks.md', line: 16, column: 7, endLine: 16, endColumn: 11, severity: 'warning', code: 'task-duplicate-id', message: 'T005 is used twice (first at line 15); task IDs must be unique.' },
        { file: 'specs/001-backups/tasks.md', line: 24, column: 25, endLine: 24, endColumn: 29, severity: 'warning', code: 'unknown-task-reference', message: 'No task T006 in tasks.md.' },
      ]);
      const off = await run(['check', 'specs/001-backups/tasks.md', '--severity', 'task-duplicate-id=off', '--severity', 'unknown-task-reference=error'], ws.root);
      assert.equal(off.code, 1);
      assert.deepEqual(off.out, ['specs/001-backups/tasks.md:24:25 error unknown-task-reference No task T006 in tasks.md.']);
    } finally {
      ws.dispose();
    }
  });

  it('checks requirement coverage across files', async () => {
    const ws = feature(swap(TASKS, ' (FR-002)', ''));
    try {
      const { out } = await run(['check'], ws.root);
      assert.deepEqual(out, ['specs/001-backups/spec.md:27:5 info requirement-no-task No task in tasks.md names FR-002; add one that implements it, or name it in the task that does.']);
    } finally {
      ws.dispose();
    }
  });

  it('exits 2 on bad arguments', async () => {
    assert.equal((await run(['check', 'no/such/dir'])).code, 2);
    assert.equal((await run(['check', '--severity', 'x=loud'])).code, 2);
    assert.equal((await run(['check', '--bogus'])).code, 2);
  });

  it('runs over the corpus folder without an exception, with known codes only', async () => {
    const { code, out } = await run(['check', corpusDir(), '--json']);
    assert.ok(code === 0 || code === 1);
    // Corpus files are flat (owner__repo__specs__…): none is in a spec-kit place, so a folder check finds none…
    assert.deepEqual(JSON.parse(out[0]!), []);
    // …while naming the files checks each one.
    const files = ['ColeB1722__nix-devbox__specs__006-multi-user-support__tasks.md', 'hbohlen__pantherOS__.specify__memory__constitution.md'];
    const named = await run(['check', '--json', ...files.map((f) => `${corpusDir()}/${f}`)]);
    for (const p of JSON.parse(named.out[0]!) as { code: string }[]) assert.ok(p.code in RULES, p.code);
  });
});
