/**
 * `check` in parts (src/core/lint/checkWorkers): the bundled CLI started with SPECKIT_CHECK_WORKERS=3
 * checks two thirds of the features in worker threads of itself, and must print exactly what one
 * thread prints, in the same order, with the same exit status. Also the in-process pieces: parts of
 * checkFiles add up to the whole, and a part whose worker cannot run is run in this thread.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkFiles, type FileProblem } from '../../../src/core/lint/checkFiles';
import { partCount, PARTS_MIN_FILES, runInParts } from '../../../src/core/lint/checkWorkers';
import { NodeFileSystem } from '../../../src/core/workspace/nodeFileSystem';
import { openspecFixtureRoot } from '../core/openspec/openspecFixtures';
import { corpusDir, corpusFiles, repoRoot } from '../helpers/paths';
import { tempWorkspace } from '../helpers/tempWorkspace';

const CLI = join(repoRoot(), 'dist', 'cli.js');

function cli(args: string[], cwd: string, workers: number): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, SPECKIT_CHECK_WORKERS: String(workers), SPECKIT_DEBUG: '1' } });
}

/**
 * The corpus's features as one spec-kit project (each source feature its own folder, its checklists
 * included), its first constitution, and two features with errors of their own.
 */
function corpusProject(): ReturnType<typeof tempWorkspace> {
  const files: Record<string, string> = {};
  const folders = new Map<string, string>();
  for (const name of corpusFiles('.md')) {
    const text = readFileSync(join(corpusDir(), name), 'utf8');
    const m = /^(.+?)__specs__([^_]+(?:_[^_]+)*)__(.+)$/.exec(name);
    if (m) {
      const key = `${m[1]}/${m[2]}`;
      if (!folders.has(key)) folders.set(key, `${String(folders.size + 1).padStart(3, '0')}-${m[2]!.replace(/^\d+-/, '')}`);
      files[`specs/${folders.get(key)}/${m[3]!.split('__').join('/')}`] = text;
    } else if (name.endsWith('__constitution.md') && !files['.specify/memory/constitution.md']) {
      files['.specify/memory/constitution.md'] = text;
    }
  }
  files['specs/900-dupes/tasks.md'] = '# Tasks\n\n## Phase 1: Setup\n\n- [ ] T001 a in src/a.ts\n- [ ] T001 b in src/b.ts\n';
  files['specs/901-open/spec.md'] = '# Feature Specification: Open\n\n## Requirements\n\n- **FR-001**: System MUST log [NEEDS CLARIFICATION: where?].\n';
  return tempWorkspace(files);
}

describe('speckit-vscode check in parts', function () {
  this.timeout(240_000);

  it('worker threads print exactly what one thread prints, on real spec-kit features and a real OpenSpec repository', () => {
    const ws = corpusProject();
    try {
      // Files that cannot be read are found by every part's listing of the project: reported once.
      execFileSync('mkfifo', [join(ws.root, '.specify', 'feature.json'), join(ws.root, 'specs', '900-dupes', 'plan.md')]);
      for (const [cwd, extras] of [[ws.root, [[], ['--json']]], [openspecFixtureRoot('pantherOS'), [['--json']]]] as const) {
        for (const extra of extras) {
          const target = '.';
          const args = ['check', target, ...extra];
          const one = cli(args, cwd, 1);
          const three = cli(args, cwd, 3);
          assert.match(one.stderr, /^speckit-vscode: \d+ files checked in 1 part\(s\), 0 by worker threads\n/, one.stderr);
          // Two of the three parts answered from worker threads (none was run again here).
          assert.match(three.stderr, /^speckit-vscode: \d+ files checked in 3 part\(s\), 2 by worker threads\n/, three.stderr);
          assert.equal(three.stdout, one.stdout, `${cwd} ${args.join(' ')}`);
          assert.equal(three.status, one.status);
          assert.equal(three.stderr.split('\n').slice(1).join('\n'), one.stderr.split('\n').slice(1).join('\n'));
        }
      }
      // The comparison means something: findings on many files, errors among them.
      const r = cli(['check', '--json'], ws.root, 3);
      const lines = JSON.parse(r.stdout) as Array<{ file: string; code: string; severity: string }>;
      assert.ok(new Set(lines.map((l) => l.file.split('/')[1])).size >= 10, `findings in ${new Set(lines.map((l) => l.file)).size} files`);
      assert.ok(lines.some((l) => l.file === 'specs/900-dupes/tasks.md' && l.severity === 'error'));
      assert.ok(lines.some((l) => l.file === 'specs/901-open/spec.md' && l.code === 'needs-clarification'));
      assert.deepEqual(lines.filter((l) => l.code === 'not-a-regular-file').map((l) => l.file), ['.specify/feature.json', 'specs/900-dupes/plan.md']);
      assert.equal(r.status, 1);
    } finally {
      ws.dispose();
    }
  });

  it('the parts of checkFiles hold whole features and add up to the whole check, in its order', async () => {
    const ws = corpusProject();
    try {
      const fs = () => new NodeFileSystem({ blocking: true });
      const whole = await checkFiles(fs(), [ws.root]);
      const byPath = (ps: FileProblem[]) => [...ps].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      for (const count of [2, 3, 5]) {
        const parts: FileProblem[][] = [];
        for (let index = 0; index < count; index++) parts.push(await checkFiles(fs(), [ws.root], {}, { part: { index, count } }));
        assert.ok(parts.filter((p) => p.length > 0).length >= 2, 'findings in more than one part');
        // A feature's findings come from one part only.
        const featureOf = (p: string) => p.slice(ws.root.length).split('/').slice(0, 3).join('/');
        const owner = new Map<string, number>();
        for (const [i, ps] of parts.entries()) {
          for (const p of ps) {
            const f = featureOf(p.path);
            assert.ok(owner.get(f) === undefined || owner.get(f) === i, `${f} in parts ${owner.get(f)} and ${i}`);
            owner.set(f, i);
          }
        }
        assert.deepStrictEqual(byPath(parts.flat()), byPath(whole), `${count} parts`);
      }
    } finally {
      ws.dispose();
    }
  });

  it('a part whose worker cannot start is checked in this thread; small checks stay in one thread', async () => {
    const seen: number[] = [];
    const { results, fromWorkers } = await runInParts(join(repoRoot(), 'no-such-bundle.js'), { n: 7 }, 3, (a, part) => {
      seen.push(part.index);
      return Promise.resolve(a.n * 10 + part.index);
    });
    assert.deepEqual(results, [70, 71, 72]);
    assert.equal(fromWorkers, 0);
    assert.deepEqual(seen, [0, 1, 2]);
    assert.equal(partCount(PARTS_MIN_FILES - 1, {}), 1);
    assert.equal(partCount(10, { SPECKIT_CHECK_WORKERS: '3' }), 3);
    assert.equal(partCount(10_000, { SPECKIT_CHECK_WORKERS: '1' }), 1);
    assert.equal(partCount(10_000, { SPECKIT_CHECK_WORKERS: '99' }), 8);
  });
});
