/**
 * What a cold `speckit-vscode scan` loads of Node itself: node:crypto never (a save names its temporary
 * file without it), node:fs/promises (~2.5 ms) only when a --cache is read or saved, since the scan reads
 * with blocking calls. The bundled CLI runs as a child process; a preload reports Node's list of loaded built-in modules at exit.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths';
import { corpusProject } from './corpusProject';

const CLI = join(repoRoot(), 'dist', 'cli.js');

describe('speckit-vscode CLI bundle: the Node modules a scan loads', function () {
  this.timeout(120_000);
  let root: string;
  let probe: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'speckit-cli-load-'));
    probe = join(root, 'probe.js');
    writeFileSync(probe, "process.on('exit', () => process.stderr.write('modules: ' + JSON.stringify(process.moduleLoadList) + '\\n'));\n");
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function loaded(args: string[], cwd: string): { out: string; modules: Set<string> } {
    const r = spawnSync(process.execPath, ['-r', probe, CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const said = /^modules: (.*)$/m.exec(r.stderr);
    assert.ok(said, `the probe did not report: ${r.stderr}`);
    return { out: r.stdout, modules: new Set((JSON.parse(said[1]!) as string[]).filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length))) };
  }

  it('a scan loads neither node:crypto nor node:fs/promises; a scan that saves its --cache loads node:fs/promises then (still not node:crypto), and prints the same', () => {
    const tree = join(root, 'tree');
    corpusProject(tree);
    const cold = loaded(['scan', '.', '--json'], tree);
    assert.match(cold.out, /"features":\[\{/);
    assert.equal(cold.modules.has('crypto'), false, 'node:crypto loaded');
    assert.equal(cold.modules.has('fs/promises') || cold.modules.has('internal/fs/promises'), false, 'node:fs/promises loaded');
    const cached = loaded(['scan', '.', '--json', '--cache', join(root, 'cache')], tree);
    assert.equal(cached.out, cold.out);
    assert.equal(cached.modules.has('crypto'), false, 'node:crypto loaded by the save');
    // The probe sees what a save does load: its asynchronous writes go through node:fs/promises.
    assert.equal(cached.modules.has('internal/fs/promises'), true, 'the save wrote through fs.promises');
  });
});
