import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli';
import { SUMMARY_FILE } from '../../../src/core/workspace/summaryStore';
import { corpusDir, fixture, repoRoot } from '../helpers/paths';
import { tempWorkspace } from '../helpers/tempWorkspace';
import { corpusProject } from './corpusProject';

async function run(args: string[], cwd = repoRoot()): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, cwd);
  return { code, out, err };
}

describe('speckit-vscode CLI', () => {
  it('parse --json prints one object per file with tasks, phases and lines', async () => {
    const file = join(corpusDir(), 'ColeB1722__nix-devbox__specs__001-devbox-skeleton__tasks.md');
    const { code, out } = await run(['parse', file, '--json']);
    assert.equal(code, 0);
    assert.equal(out.length, 1);
    const json = JSON.parse(out[0]!);
    assert.equal(json.kind, 'tasks');
    assert.equal(json.tasks.length, 27);
    assert.deepEqual(Object.keys(json), ['file', 'kind', 'tasks', 'requirements', 'markers', 'problems']);
    assert.deepEqual(Object.keys(json.tasks[0]), ['id', 'checked', 'parallel', 'story', 'line', 'phase']);
    assert.equal(json.tasks[0].id, 'T001');
    assert.match(json.tasks[0].phase, /^Phase 1: Setup/);
  });

  it('parse reads the seed dialect and reports a wrapped file', async () => {
    const { out } = await run(['parse', fixture('seed', 'wrapped-postgresql-tasks.md'), '--json']);
    const json = JSON.parse(out[0]!);
    assert.deepEqual(json.tasks.map((t: { id: string }) => t.id), ['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8']);
    assert.deepEqual(json.problems.map((p: { code: string; line: number }) => [p.code, p.line]), [['wrapped-in-fence', 1]]);
  });

  it('parse of a spec lists requirements and markers with 1-based lines', async () => {
    const ws = tempWorkspace({ 'spec.md': '# Feature Specification: X\n\n## Requirements\n\n- **FR-001**: System MUST do [NEEDS CLARIFICATION: what?].\n- **SC-001**: Users finish in 2 minutes.\n' });
    try {
      const { out } = await run(['parse', 'spec.md', '--json'], ws.root);
      const json = JSON.parse(out[0]!);
      assert.equal(json.kind, 'spec');
      assert.deepEqual(json.requirements, [
        { id: 'FR-001', line: 5 },
        { id: 'SC-001', line: 6 },
      ]);
      assert.deepEqual(json.markers.map((m: { line: number }) => m.line), [5]);
    } finally {
      ws.dispose();
    }
  });

  it('scan --json lists projects and features with phase and task counts', async () => {
    const ws = tempWorkspace({
      '.specify/memory/constitution.md': '# X Constitution\n\n**Version**: 2.0.0 | **Ratified**: 2026-01-01 | **Last Amended**: 2026-01-01\n',
      'specs/001-a/spec.md': '# Feature Specification: A\n',
      'specs/001-a/tasks.md': '## Phase 1: Setup\n- [x] T001 a\n- [ ] T002 b\n',
    });
    try {
      const { code, out } = await run(['scan', ws.root, '--json']);
      assert.equal(code, 0);
      const json = JSON.parse(out.join('\n'));
      assert.equal(json.projects.length, 1);
      const f = json.projects[0].features[0];
      assert.deepEqual([f.dir, f.number, f.name, f.phase, f.tasks, f.markers, f.stale], ['specs/001-a', 1, '001-a', 'implementing', { done: 1, total: 2 }, 0, false]);
      const table = await run(['scan', ws.root]);
      assert.match(table.out.join('\n'), /specs\/001-a\s+Implementing 1\/2\s+1\/2/);
    } finally {
      ws.dispose();
    }
  });

  it('exits 2 with one line on bad arguments', async () => {
    for (const args of [[], ['bogus'], ['parse'], ['scan'], ['scan', '/nonexistent/folder'], ['parse', 'missing.md'], ['parse', 'x', '--nope']]) {
      const r = await run(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.err.length, 1);
      assert.match(r.err[0]!, /^speckit-vscode: /);
    }
  });

  it('the bundled dist/cli.js runs as the package bin', () => {
    const cli = join(repoRoot(), 'dist', 'cli.js');
    const out = execFileSync(process.execPath, [cli, 'parse', fixture('seed', 'postgresql-tasks.md'), '--json'], { encoding: 'utf8' });
    assert.equal(JSON.parse(out).tasks.length, 8);
    const bad = spawnSync(process.execPath, [cli, 'frobnicate'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown command 'frobnicate'/);
  });

  it('scan --json of the real corpus prints the same without a cache, filling one and reading it back', async () => {
    const root = mkdtempSync(join(tmpdir(), 'speckit-cli-corpus-'));
    try {
      const features = corpusProject(root);
      const cold = await run(['scan', '.', '--json'], root);
      const filling = await run(['scan', '.', '--json', '--cache', join(root, '.cache')], root);
      const warm = await run(['scan', '.', '--json', '--cache', join(root, '.cache')], root);
      assert.equal(cold.code, 0, cold.err.join('\n'));
      const json = JSON.parse(cold.out[0]!) as { projects: Array<{ features: Array<{ tasks: { total: number } }> }> };
      assert.equal(json.projects[0]!.features.length, features);
      assert.ok(json.projects[0]!.features.reduce((n, f) => n + f.tasks.total, 0) > 100, 'the corpus has tasks');
      assert.deepEqual(filling.out, cold.out);
      assert.deepEqual(warm.out, cold.out);
      assert.deepEqual([filling.err, warm.err], [[], []]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('scan --cache DIR keeps summaries for the next scan, which answers the same; a bad cache is rebuilt with a note', async () => {
    const ws = tempWorkspace({
      '.specify/memory/constitution.md': '# C\n',
      'specs/001-a/spec.md': '# Feature Specification: A\n',
      'specs/001-a/tasks.md': '# Tasks\n\n## Phase 1: Setup\n\n- [x] T001 a\n- [ ] T002 b\n',
    });
    try {
      const first = await run(['scan', '.', '--json', '--cache', '.cache'], ws.root);
      assert.equal(first.code, 0, first.err.join('\n'));
      assert.ok(existsSync(join(ws.root, '.cache', SUMMARY_FILE)));
      const second = await run(['scan', '.', '--json', '--cache', '.cache'], ws.root);
      assert.deepEqual(second.out, first.out);
      assert.deepEqual(second.err, []);
      assert.deepEqual(JSON.parse(second.out[0]!).projects[0].features[0].tasks, { done: 1, total: 2 });
      writeFileSync(join(ws.root, '.cache', SUMMARY_FILE), '{"truncated');
      const third = await run(['scan', '.', '--json', '--cache', '.cache'], ws.root);
      assert.deepEqual(third.out, first.out);
      assert.match(third.err.join('\n'), /ignored and will be rebuilt: not valid JSON/);
      assert.equal((await run(['scan', '.', '--cache', ''], ws.root)).code, 2);
    } finally {
      ws.dispose();
    }
  });
});
