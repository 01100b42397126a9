/**
 * The CLI's contract (issue #12 item 7, issue #11 item 5): exit codes, unreadable and special files
 * reported instead of skipped, escaped names, and quiet ends under pipes and signals. Most cases run
 * the bundled dist/cli.js as a real child process, as a user or a CI script does.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../../src/cli';
import { MAX_DOCUMENT_BYTES } from '../../../src/core/workspace/workspaceIndex';
import { repoRoot } from '../helpers/paths';
import { readableCopies, tempWorkspace } from '../helpers/tempWorkspace';

const CLI = join(repoRoot(), 'dist', 'cli.js');
const TASKS = '# Tasks\n\n## Phase 1: Setup\n\n- [x] T001 Create src/a.ts (FR-001)\n- [ ] T002 Create src/b.ts\n';
const SPEC = '# Feature Specification: A\n\n## Requirements\n\n- **FR-001**: System MUST work.\n';

/** Root ignores file modes: permission cases run the CLI as `nobody` then, so "permission denied" is real. */
const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

/** The bundle for runs as `nobody`, copied where that user can read it whatever folder holds the checkout. */
let userCli: { dir: string; dispose(): void } | undefined;

function cli(args: string[], cwd: string, options: { user?: boolean } = {}): SpawnSyncReturns<string> {
  if (options.user && process.getuid?.() === 0) {
    userCli ??= readableCopies(['cli.js', 'cliParsers.js', 'cliYaml.js'].map((f) => join(repoRoot(), 'dist', f)));
    return spawnSync(process.execPath, [join(userCli.dir, 'cli.js'), ...args], { cwd, encoding: 'utf8', timeout: 30_000, ...asUser });
  }
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 30_000 });
}

/** Readable (and enterable) by `nobody`: mkdtemp makes 0700 folders. */
function openUp(root: string): void {
  execFileSync('chmod', ['-R', 'a+rX', root]);
}

function project(files: Record<string, string> = {}): ReturnType<typeof tempWorkspace> {
  return tempWorkspace({ '.specify/memory/constitution.md': '# C Constitution\n', 'specs/001-a/spec.md': SPEC, 'specs/001-a/tasks.md': TASKS, ...files });
}

describe('speckit-vscode contract', function () {
  this.timeout(60_000);
  after(() => {
    userCli?.dispose();
    userCli = undefined;
  });

  it('exit 0 clean, 1 findings, 2 bad arguments or unreadable input, 3 internal error', async () => {
    const ws = project({ 'specs/002-b/tasks.md': '# Tasks\n\n- [ ] T001 a\n- [ ] T001 b\n' });
    try {
      assert.equal(cli(['check', 'specs/001-a'], ws.root).status, 0);
      assert.equal(cli(['check'], ws.root).status, 1, 'a duplicate task ID is an error');
      assert.equal(cli(['scan', '.'], ws.root).status, 0);
      for (const args of [['check', 'missing'], ['check', '--severity', 'x=loud'], ['scan', 'specs/001-a/spec.md'], ['parse', 'nope.md'], ['frobnicate']]) {
        const r = cli(args, ws.root);
        assert.equal(r.status, 2, args.join(' '));
        assert.match(r.stderr, /^speckit-vscode: [^\n]+\n$/, args.join(' '));
      }
      execFileSync('mkfifo', [join(ws.root, 'pipe.md')]);
      for (const args of [['check', 'pipe.md'], ['parse', 'pipe.md']]) {
        const r = cli(args, ws.root);
        assert.equal(r.status, 2, args.join(' '));
        assert.match(r.stderr, /^speckit-vscode: (not a regular file or folder: pipe\.md|cannot read pipe\.md: it is a named pipe \(FIFO\), not a regular file)\n$/);
      }
      // Internal errors: something thrown inside a command (here by the output sink) is 3 and one line, no stack.
      const err: string[] = [];
      const code = await runCli(['scan', ws.root], { out: () => { throw new Error('sink broke'); }, err: (l) => err.push(l) });
      assert.equal(code, 3);
      assert.deepEqual(err, ['speckit-vscode: internal error: sink broke (a bug; SPECKIT_DEBUG=1 shows where)']);
      assert.match(cli(['--help'], ws.root).stdout, /Exit status:\n {2}0 {2}clean[^\n]*\n {2}1 {2}findings[^\n]*\n {2}2 {2}bad arguments[^\n]*\n {2}3 {2}internal error/);
    } finally {
      ws.dispose();
    }
  });

  it('check never fails open: FIFOs, links to devices and unreadable files and folders are errors, not absences', () => {
    const ws = project({ 'specs/002-b/spec.md': SPEC, 'specs/003-c/spec.md': SPEC });
    try {
      execFileSync('mkfifo', [join(ws.root, 'specs', '001-a', 'plan.md')]);
      execFileSync('mkfifo', [join(ws.root, '.specify', 'feature.json')]);
      symlinkSync('/dev/zero', join(ws.root, '.specify', 'init-options.json'));
      openUp(ws.root);
      chmodSync(join(ws.root, 'specs', '002-b', 'spec.md'), 0o000);
      chmodSync(join(ws.root, 'specs', '003-c'), 0o000);
      const r = cli(['check'], ws.root, { user: true });
      assert.equal(r.status, 1, r.stderr);
      assert.deepEqual(r.stdout.trim().split('\n').sort(), [
        '.specify/feature.json:1:1 error not-a-regular-file This file was not read: it is a named pipe, socket or device, not a regular file.',
        '.specify/init-options.json:1:1 error not-a-regular-file This file was not read: it is a named pipe, socket or device, not a regular file.',
        'specs/001-a/plan.md:1:1 error not-a-regular-file This file was not read: it is a named pipe, socket or device, not a regular file.',
        'specs/002-b/spec.md:1:1 error unreadable-file This file was not read: permission denied.',
        'specs/003-c:1:1 error unreadable-file This folder was not read: permission denied.',
      ]);
      assert.match(r.stderr, /^5 error\(s\), 0 warning\(s\), 0 other\n$/);
      // --severity applies to these too, and turning one code off leaves every other problem on its own file.
      const some = cli(['check', '--severity', 'not-a-regular-file=off', '--severity', 'unreadable-file=warning'], ws.root, { user: true });
      assert.equal(some.status, 0, some.stderr);
      assert.deepEqual(some.stdout.trim().split('\n').sort(), [
        'specs/002-b/spec.md:1:1 warning unreadable-file This file was not read: permission denied.',
        'specs/003-c:1:1 warning unreadable-file This folder was not read: permission denied.',
      ]);

      const scan = cli(['scan', '.', '--json'], ws.root, { user: true });
      assert.equal(scan.status, 1, 'scan reports the same files and exits 1');
      const problems = (JSON.parse(scan.stdout) as { projects: Array<{ problems: Array<{ file: string; code: string }> }> }).projects[0]!.problems;
      assert.deepEqual(problems.map((p) => `${p.file} ${p.code}`).sort(), [
        '.specify/feature.json not-a-regular-file',
        '.specify/init-options.json not-a-regular-file',
        'specs/001-a/plan.md not-a-regular-file',
        'specs/002-b/spec.md unreadable-file',
        'specs/003-c unreadable-file',
      ]);

      const parse = cli(['parse', 'specs/002-b/spec.md'], ws.root, { user: true });
      assert.equal(parse.status, 2);
      assert.equal(parse.stderr, 'speckit-vscode: cannot read specs/002-b/spec.md: permission denied\n');
      const folder = cli(['check', 'specs/003-c'], ws.root, { user: true });
      assert.equal(folder.status, 2);
      assert.equal(folder.stderr, 'speckit-vscode: cannot read specs/003-c: permission denied\n');
    } finally {
      chmodSync(join(ws.root, 'specs', '003-c'), 0o755);
      ws.dispose();
    }
  });

  it('a spec-kit file over the document cap is reported as too large, not read', async () => {
    const ws = project({ 'specs/001-a/research.md': '', 'specs/001-a/plan.md': '' });
    try {
      // Sparse: 16 MB + 4 KB on paper, nothing on disk. research.md is read by the rules alone, plan.md by the index.
      for (const f of ['research.md', 'plan.md']) truncateSync(join(ws.root, 'specs', '001-a', f), MAX_DOCUMENT_BYTES + 4096);
      const out: string[] = [];
      const code = await runCli(['check'], { out: (l) => out.push(l), err: () => undefined }, ws.root);
      assert.equal(code, 0, 'too large is a warning, as the parser\'s own size limit is');
      assert.deepEqual(out, [
        `specs/001-a/plan.md:1:1 warning file-too-large This file was not read: it has ${MAX_DOCUMENT_BYTES + 4096} bytes; at most ${MAX_DOCUMENT_BYTES} are read.`,
        `specs/001-a/research.md:1:1 warning file-too-large This file was not read: it has ${MAX_DOCUMENT_BYTES + 4096} bytes; at most ${MAX_DOCUMENT_BYTES} are read.`,
      ]);
    } finally {
      ws.dispose();
    }
  });

  it('escapes control characters in file names and messages; --json stays exact and terminal-safe', () => {
    const evil = '004-x\nforged.md:1:1 error fake \u001b[31mred\u001b[0m \u009b2J \u202egnp.exe';
    const ws = project();
    try {
      mkdirSync(join(ws.root, 'specs', evil));
      writeFileSync(join(ws.root, 'specs', evil, 'tasks.md'), '# Tasks\n\n- [ ] T001 a\n- [ ] T001 again\n');
      const text = cli(['check', 'specs'], ws.root);
      assert.equal(text.status, 1);
      const lines = text.stdout.split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 1, 'one problem, one line: the name cannot forge a second');
      assert.ok(lines[0]!.startsWith('specs/004-x\\nforged.md:1:1 error fake \\x1b[31mred\\x1b[0m \\x9b2J \\u202egnp.exe/tasks.md:4:'), lines[0]);
      // eslint-disable-next-line no-control-regex -- the point: no raw control character reaches the terminal
      assert.doesNotMatch(text.stdout + text.stderr, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);

      const scan = cli(['scan', '.'], ws.root);
      assert.ok(scan.stdout.includes('  specs/004-x\\nforged.md:1:1 error fake \\x1b[31mred\\x1b[0m \\x9b2J \\u202egnp.exe  '), scan.stdout);
      // eslint-disable-next-line no-control-regex -- as above
      assert.doesNotMatch(scan.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);

      const json = cli(['check', 'specs', '--json'], ws.root);
      // eslint-disable-next-line no-control-regex -- as above, and a JSON line has no raw newline either
      assert.doesNotMatch(json.stdout.trimEnd(), /[\u0000-\u001f\u007f-\u009f\u202e]/);
      const [problem] = JSON.parse(json.stdout) as Array<{ file: string; code: string }>;
      assert.equal(problem!.file, `specs/${evil}/tasks.md`, 'JSON carries the exact name');
      const scanJson = JSON.parse(cli(['scan', '.', '--json'], ws.root).stdout) as { projects: Array<{ features: Array<{ name: string }> }> };
      assert.deepEqual(scanJson.projects[0]!.features.map((f) => f.name), ['001-a', evil]);
    } finally {
      ws.dispose();
    }
  });

  describe('under pipes and signals', () => {
    /** `parse` of one file many times: plenty of output and a few seconds of work, from real files. */
    function busyArgs(ws: ReturnType<typeof tempWorkspace>, times: number): string[] {
      const lines = ['# Tasks', '', '## Phase 1: Setup', ''];
      for (let t = 1; t <= 200; t++) lines.push(`- [ ] T${String(t).padStart(3, '0')} [P] Implement part ${t} in src/part${t}.ts`);
      ws.write('specs/001-a/tasks.md', `${lines.join('\n')}\n`);
      return ['parse', ...Array.from({ length: times }, () => 'specs/001-a/tasks.md')];
    }

    it('`… | head -1` ends quietly with 141, as a program killed by SIGPIPE does', () => {
      const ws = project();
      try {
        // 12 × 200 task lines: far more than a pipe holds, so the CLI is still writing when head exits.
        const args = busyArgs(ws, 12).join(' ');
        const r = spawnSync('bash', ['-c', `'${process.execPath}' '${CLI}' ${args} 2>cli.err | head -1; echo "\${PIPESTATUS[0]}"; cat cli.err`], { cwd: ws.root, encoding: 'utf8', timeout: 120_000 });
        assert.equal(r.error, undefined);
        const [first, status, ...rest] = r.stdout.split('\n');
        assert.equal(first, 'specs/001-a/tasks.md (tasks)');
        assert.equal(status, '141');
        assert.deepEqual(rest, [''], 'nothing on stderr: no EPIPE stack trace');
      } finally {
        ws.dispose();
      }
    });

    it('a stdout closed before the first write ends quietly with 141', async () => {
      const ws = project();
      try {
        const child = spawn(process.execPath, [CLI, 'scan', '.'], { cwd: ws.root, stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout.destroy();
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
        assert.deepEqual([code, signal, stderr], [141, null, '']);
      } finally {
        ws.dispose();
      }
    });

    for (const [signal, shellStatus] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      it(`${signal} stops a running command at once, quietly, by that signal (a shell shows ${shellStatus})`, async () => {
        const ws = project();
        try {
          const child = spawn(process.execPath, [CLI, ...busyArgs(ws, 3000)], { cwd: ws.root, stdio: ['ignore', 'pipe', 'pipe'] });
          let stderr = '';
          let stdout = 0;
          child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          child.stdout.on('data', (d: Buffer) => (stdout += d.length));
          await new Promise((resolve) => setTimeout(resolve, 500));
          child.kill(signal);
          const [code, got] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
          assert.deepEqual([code, got, stderr], [null, signal, '']);
          assert.equal(stdout, 0, 'it was still working: parse prints only after reading every file');

          if (signal === 'SIGTERM') {
            // What a shell script sees. (bash starts background jobs with SIGINT ignored, so only SIGTERM here.)
            const r = spawnSync('bash', ['-c', `'${process.execPath}' '${CLI}' ${busyArgs(ws, 3000).join(' ')} & pid=$!; sleep 0.5; kill -TERM $pid; wait $pid; echo $?`], {
              cwd: ws.root,
              encoding: 'utf8',
              timeout: 60_000,
            });
            assert.deepEqual([r.stdout, r.stderr], [`${shellStatus}\n`, '']);
          }
        } finally {
          ws.dispose();
        }
      });
    }
  });
});
