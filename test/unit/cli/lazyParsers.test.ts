/**
 * The bundled CLI loads the markdown and YAML parsers (dist/cliParsers.js, see esbuild.mjs) only
 * when a file needs a full parse: a scan the fast reader or the cache answers never loads them, and
 * what it prints is what the in-process CLI (every parser loaded from the start) prints.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli';
import { corpusDir, repoRoot } from '../helpers/paths';
import { corpusProject } from './corpusProject';

const CLI = join(repoRoot(), 'dist', 'cli.js');
const PARSERS = join(repoRoot(), 'dist', 'cliParsers.js');
const YAML = join(repoRoot(), 'dist', 'cliYaml.js');

/**
 * The bundle as a child process, with whether dist/cliParsers.js and dist/cliYaml.js were loaded by
 * the time it exited (a preload reports it on stderr).
 */
function bundled(args: string[], cwd: string, probe: string): { code: number | null; out: string; err: string; loadedParsers: boolean; loadedYaml: boolean } {
  const r = spawnSync(process.execPath, ['-r', probe, CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  const said = /^cliParsers loaded: (true|false), cliYaml loaded: (true|false)$/m.exec(r.stderr);
  assert.ok(said, `the probe did not report: ${r.stderr}`);
  return { code: r.status, out: r.stdout, err: r.stderr.replace(said[0], '').trim(), loadedParsers: said[1] === 'true', loadedYaml: said[2] === 'true' };
}

async function inProcess(args: string[], cwd: string): Promise<string> {
  const out: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: () => undefined }, cwd);
  assert.ok(code === 0 || code === 1, `exit ${code}`);
  return out.map((l) => `${l}\n`).join('');
}

describe('speckit-vscode CLI bundle: parsers load on demand', function () {
  this.timeout(120_000);
  let root: string;
  let probe: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'speckit-cli-lazy-'));
    probe = join(root, 'probe.js');
    // Any module whose file is dist/cliParsers.js counts, however it was required.
    const loaded = (file: string): string => `Object.keys(require.cache).includes(${JSON.stringify(file)})`;
    writeFileSync(probe, `process.on('exit', () => process.stderr.write('cliParsers loaded: ' + ${loaded(PARSERS)} + ', cliYaml loaded: ' + ${loaded(YAML)} + '\\n'));\n`);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('a scan of the real corpus, cold, filling a cache and warm, never loads them and prints what the in-process CLI prints', async () => {
    // With the corpus project's stub constitution: the fast reader summarizes it too.
    const tree = join(root, 'tree');
    corpusProject(tree);
    const expected = await inProcess(['scan', '.', '--json'], tree);
    assert.match(expected, /"constitution":\{/);
    const cache = join(root, 'cache');
    for (const args of [['scan', '.', '--json'], ['scan', '.', '--json', '--cache', cache], ['scan', '.', '--json', '--cache', cache]]) {
      const r = bundled(args, tree, probe);
      assert.equal(r.err, '', args.join(' '));
      assert.equal(r.out, expected, args.join(' '));
      assert.equal(r.loadedParsers, false, `${args.join(' ')} loaded the parsers`);
      assert.equal(r.loadedYaml, false, `${args.join(' ')} loaded the YAML parser`);
    }
  });

  it('loads them for a file only the full parse reads, and for parse, and prints the same then too', async () => {
    const tree = join(root, 'tree');
    corpusProject(tree, { constitution: false });
    // An HTML block: the fast reader leaves such a file to the full parse.
    const odd = join(tree, 'specs', '001-odd', 'tasks.md');
    spawnSync('mkdir', ['-p', join(tree, 'specs', '001-odd')]);
    writeFileSync(odd, '# Tasks\n\n<div>\n\n- [x] T001 One\n\n</div>\n\n- [ ] T002 Two\n');
    const scan = bundled(['scan', '.', '--json'], tree, probe);
    assert.equal(scan.loadedParsers, true);
    assert.equal(scan.out, await inProcess(['scan', '.', '--json'], tree));
    assert.match(scan.out, /"dir":"specs\/001-odd","number":1,"name":"001-odd","phase":"implementing","label":"Implementing 1\/2"/);
    const parse = bundled(['parse', odd, '--json'], tree, probe);
    assert.equal(parse.loadedParsers, true);
    assert.equal(parse.out, await inProcess(['parse', odd, '--json'], tree));
    assert.equal(JSON.parse(parse.out).tasks.length, 2);
  });

  it('a scan with a real constitution never loads them, cold, filling a cache, warm or after it changed, and prints what the in-process CLI prints', async () => {
    const tree = join(root, 'tree');
    corpusProject(tree);
    // A real, filled-in constitution (version 1.3.0, a Sync Impact Report) in place of the corpus project's stub.
    const file = join(tree, '.specify', 'memory', 'constitution.md');
    copyFileSync(join(corpusDir(), 'microsoft__CommunityManagement-Sample-Spec-Kit__.specify__memory__constitution.md'), file);
    const expected = await inProcess(['scan', '.', '--json'], tree);
    assert.match(expected, /"constitution":\{"version":"[^"]+","placeholder":false\}/, 'the corpus constitution is filled in');
    const cache = join(root, 'cache');
    for (const args of [['scan', '.', '--json'], ['scan', '.', '--json', '--cache', cache], ['scan', '.', '--json', '--cache', cache]]) {
      const r = bundled(args, tree, probe);
      assert.equal(r.err, '', args.join(' '));
      assert.equal(r.out, expected, args.join(' '));
      assert.equal(r.loadedParsers, false, `${args.join(' ')} loaded the parsers`);
      assert.equal(r.loadedYaml, false, `${args.join(' ')} loaded the YAML parser`);
    }
    // The constitution changed (same size, a new version): the warm run reads it again and prints the change.
    const text = readFileSync(file, 'utf8');
    const version = /\*\*Version\*\*:\s*(\d+\.\d+\.\d+)/.exec(text);
    assert.ok(version, 'the corpus constitution has a footer version');
    const bumped = version[1]!.replace(/\d$/, (d) => String((Number(d) + 1) % 10));
    writeFileSync(file, text.replace(version[0], version[0].replace(version[1]!, bumped)));
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    const changed = bundled(['scan', '.', '--json', '--cache', cache], tree, probe);
    assert.equal(changed.loadedParsers, false);
    assert.equal(changed.out, await inProcess(['scan', '.', '--json'], tree));
    assert.match(changed.out, new RegExp(`"constitution":\\{"version":"${bumped.replace(/\./g, '\\.')}"`));
  });

  it('a scan with a constitution only the full parse reads loads them cold (it is parsed in full) and not warm (its summary is stored), printing the same each time', async () => {
    const tree = join(root, 'tree');
    corpusProject(tree);
    // An HTML block around the footer: the fast reader leaves the constitution to the full parse.
    const file = join(tree, '.specify', 'memory', 'constitution.md');
    writeFileSync(file, '# Acme Constitution\n\n## Core Principles\n\n### I. One\n\n<div>\n\n**Version**: 2.0.0\n\n</div>\n');
    const expected = await inProcess(['scan', '.', '--json'], tree);
    assert.match(expected, /"constitution":\{"version":"2\.0\.0","placeholder":false\}/);
    const cache = join(root, 'cache');
    const runs: Array<[string[], boolean]> = [
      [['scan', '.', '--json'], true],
      [['scan', '.', '--json', '--cache', cache], true],
      [['scan', '.', '--json', '--cache', cache], false],
    ];
    for (const [args, loads] of runs) {
      const r = bundled(args, tree, probe);
      assert.equal(r.err, '', args.join(' '));
      assert.equal(r.out, expected, args.join(' '));
      assert.equal(r.loadedParsers, loads, `${args.join(' ')}: loaded the parsers ${r.loadedParsers}`);
      // The constitution has no front matter: its full parse needs remark, not the YAML parser.
      assert.equal(r.loadedYaml, false, `${args.join(' ')} loaded the YAML parser`);
    }
  });

  it('loads the YAML parser (dist/cliYaml.js) only for front matter, and reads it as the in-process CLI does', async () => {
    const tree = join(root, 'tree');
    corpusProject(tree, { constitution: false });
    const plain = join(tree, 'specs', '001-odd', 'tasks.md');
    spawnSync('mkdir', ['-p', join(tree, 'specs', '001-odd')]);
    writeFileSync(plain, '# Tasks\n\n<div>\n\n- [x] T001 One\n\n</div>\n');
    const noYaml = bundled(['parse', plain, '--json'], tree, probe);
    assert.deepEqual([noYaml.loadedParsers, noYaml.loadedYaml], [true, false]);
    // Front matter that does not parse: the warning comes from the YAML parser, so it ran.
    const fronted = join(tree, 'specs', '001-odd', 'spec.md');
    writeFileSync(fronted, '---\ntitle: [unclosed\n---\n\n# Feature Specification: Odd\n\n- **FR-001**: System MUST work.\n');
    const r = bundled(['parse', fronted, '--json'], tree, probe);
    assert.deepEqual([r.loadedParsers, r.loadedYaml], [true, true]);
    assert.equal(r.out, await inProcess(['parse', fronted, '--json'], tree));
    assert.ok(JSON.parse(r.out).problems.some((p: { code: string }) => p.code === 'frontmatter-invalid'), r.out);
  });
});
