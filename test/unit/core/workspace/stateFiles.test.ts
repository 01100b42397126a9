import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { FileReadError } from '../../../../src/core/workspace/fileSystem';
import { branchFromGitHead } from '../../../../src/core/workspace/gitHead';
import { NodeFileSystem } from '../../../../src/core/workspace/nodeFileSystem';
import { listFeatures } from '../../../../src/core/workspace/features';
import { findProjects } from '../../../../src/core/workspace/projects';
import { MAX_STATE_FILE_BYTES, readStateFile } from '../../../../src/core/workspace/stateFile';
import { resolveTemplate } from '../../../../src/core/workspace/templates';
import { MAX_DOCUMENT_BYTES, WorkspaceIndex } from '../../../../src/core/workspace/workspaceIndex';
import { type WorkspaceProblem } from '../../../../src/core/workspace/workspaceProblem';
import { makeTempDir, type TempDir } from './helpers';

/** Fails the test instead of hanging it: the probes in issue #12 hung on exactly these reads. */
async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

function mkfifo(p: string): void {
  execFileSync('mkfifo', [p]);
}

function codes(problems: readonly WorkspaceProblem[], root: string): Array<[string, string]> {
  return problems.map((p) => [p.path.slice(root.length + 1), p.code]);
}

describe('state files and special files', function () {
  this.timeout(20_000);
  let ws: TempDir;
  const fs = new NodeFileSystem();
  beforeEach(() => {
    ws = makeTempDir();
  });
  afterEach(() => ws.dispose());

  it('readFile refuses a FIFO at once instead of waiting for a writer', async () => {
    ws.write({ 'x/': '' });
    mkfifo(ws.path('x', 'pipe.md'));
    await assert.rejects(within(5_000, 'reading a FIFO', fs.readFile(ws.path('x', 'pipe.md'))), (e: unknown) => {
      assert.ok(e instanceof FileReadError);
      assert.equal(e.reason, 'not-regular');
      assert.match(e.message, /named pipe \(FIFO\)/);
      return true;
    });
  });

  it('a link to /dev/zero is refused before a byte is read, followed or not', async () => {
    symlinkSync('/dev/zero', ws.path('zero'));
    const before = process.memoryUsage().arrayBuffers;
    const state = await within(5_000, 'reading a link to /dev/zero', readStateFile(fs, ws.path('zero')));
    assert.equal(state.kind, 'unreadable');
    assert.equal(state.kind === 'unreadable' && state.error.reason, 'symlink');
    await assert.rejects(within(5_000, 'reading /dev/zero through a link', fs.readFile(ws.path('zero'))), (e: unknown) => {
      assert.ok(e instanceof FileReadError);
      assert.equal(e.reason, 'not-regular');
      assert.match(e.message, /character device/);
      return true;
    });
    // The probe grew to 9.3 GB; a refused read allocates nothing worth measuring.
    assert.ok(process.memoryUsage().arrayBuffers - before < 16 * 1024 * 1024);
  });

  it('state files: small ones are read, oversized ones refused, missing ones absent', async () => {
    ws.write({ 'ok.json': '\uFEFF{"feature_directory":"specs/001-a"}\n', 'big.json': ' '.repeat(MAX_STATE_FILE_BYTES + 1) });
    assert.deepEqual(await readStateFile(fs, ws.path('ok.json')), { kind: 'text', text: '{"feature_directory":"specs/001-a"}\n' });
    const big = await readStateFile(fs, ws.path('big.json'));
    assert.equal(big.kind === 'unreadable' && big.error.reason, 'too-large');
    assert.deepEqual(await readStateFile(fs, ws.path('missing.json')), { kind: 'absent' });
    // A cap below the file's size is enforced by the bounded read as well as by the size check.
    await assert.rejects(fs.readFile(ws.path('ok.json'), { maxBytes: 10 }), (e: unknown) => e instanceof FileReadError && e.reason === 'too-large');
    assert.equal((await fs.readFile(ws.path('ok.json'), { maxBytes: 1000 })).length, 39);
  });

  it('a bounded read costs the file, not the cap: 200 small files read at once under the 16 MB document cap', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 200; i++) files[`specs/${i}/spec.md`] = `# Feature Specification: ${i}\n${'x'.repeat(i * 10)}\n`;
    ws.write(files);
    const before = process.memoryUsage().arrayBuffers;
    const read = await Promise.all(Object.keys(files).map((f) => fs.readFile(ws.path(f), { maxBytes: MAX_DOCUMENT_BYTES })));
    // The 5,000-feature benchmark held one 16 MB buffer per file in flight and was killed at 21 GB.
    assert.ok(process.memoryUsage().arrayBuffers - before < MAX_DOCUMENT_BYTES, `${process.memoryUsage().arrayBuffers - before} bytes for 200 small files`);
    Object.values(files).forEach((text, i) => {
      assert.equal(Buffer.from(read[i]!).toString('utf8'), text);
      assert.ok(read[i]!.buffer.byteLength <= text.length + 1, 'each buffer is the size of its file');
    });
  });

  it('a bounded read of a file that says it is empty but is not (procfs) reads on, up to the cap', async () => {
    // /proc files are regular files of size 0 whose reads return text: the buffer sized by fstat must grow.
    const status = Buffer.from(await fs.readFile('/proc/self/status', { maxBytes: 1024 * 1024 })).toString('utf8');
    assert.match(status, /^Name:\s/);
    await assert.rejects(fs.readFile('/proc/self/status', { maxBytes: 10 }), (e: unknown) => e instanceof FileReadError && e.reason === 'too-large');
  });

  it('indexes a project whose feature.json is a FIFO and init-options.json a link to /dev/zero, reporting both', async () => {
    ws.write({
      '.specify/memory/constitution.md': '# C Constitution\n',
      'specs/001-a/spec.md': '# Feature Specification: A\n',
      'specs/002-b/spec.md': '# Feature Specification: B\n',
    });
    mkfifo(ws.path('.specify', 'feature.json'));
    symlinkSync('/dev/zero', ws.path('.specify', 'init-options.json'));
    const index = new WorkspaceIndex(fs, { currentBranch: () => Promise.resolve('002-b') });
    await within(10_000, 'indexing', index.addFolder(ws.root));
    const project = index.projects[0]!;
    assert.deepEqual(codes(project.problems, ws.root), [
      ['.specify/init-options.json', 'not-a-regular-file'],
      ['.specify/feature.json', 'not-a-regular-file'],
    ]);
    assert.match(project.problems[1]!.message, /^The current-feature pointer was not read: it is a named pipe \(FIFO\)/);
    // The unreadable pointer is reported, and the next rule (the branch) still names the current feature.
    assert.deepEqual(project.current && [project.current.dir.slice(ws.root.length), project.current.source], ['/specs/002-b', 'branch']);
    assert.deepEqual(project.project.initOptions, {});
    assert.deepEqual(index.features.map((f) => f.status.phase), ['specified', 'specified']);
    assert.equal(index.problemFor(ws.path('.specify', 'feature.json'))?.code, 'not-a-regular-file');
  });

  it('reads .git/HEAD and a worktree .git file as state files: a FIFO there is a problem, not a hang', async () => {
    ws.write({ 'repo/.git/': '', 'wt/sub/': '', 'gitdir/': '' });
    mkfifo(ws.path('repo', '.git', 'HEAD'));
    let problems: WorkspaceProblem[] = [];
    assert.equal(await within(5_000, 'reading HEAD', branchFromGitHead(fs, ws.path('repo'), ws.root, problems)), undefined);
    assert.deepEqual(codes(problems, ws.root), [['repo/.git/HEAD', 'not-a-regular-file']]);

    writeFileSync(ws.path('wt', '.git'), `gitdir: ${ws.path('gitdir')}\n`);
    writeFileSync(ws.path('gitdir', 'HEAD'), 'ref: refs/heads/004-x\n');
    problems = [];
    assert.equal(await branchFromGitHead(fs, ws.path('wt', 'sub'), ws.root, problems), '004-x');
    assert.deepEqual(problems, []);

    mkfifo(ws.path('wt', 'sub', '.git'));
    assert.equal(await within(5_000, 'reading a .git FIFO', branchFromGitHead(fs, ws.path('wt', 'sub'), ws.root, problems)), undefined);
    assert.deepEqual(codes(problems, ws.root), [['wt/sub/.git', 'not-a-regular-file']]);
  });

  it('a FIFO or a dangling link as an artifact is a problem of its feature, not an absence', async () => {
    ws.write({ '.specify/': '', 'specs/001-a/spec.md': '# Feature Specification: A\n', 'specs/001-a/checklists/': '' });
    mkfifo(ws.path('specs', '001-a', 'tasks.md'));
    symlinkSync(ws.path('nowhere.md'), ws.path('specs', '001-a', 'plan.md'));
    mkfifo(ws.path('specs', '001-a', 'checklists', 'ux.md'));
    const [project] = await findProjects(fs, ws.root);
    const [feature] = await within(5_000, 'listing features', listFeatures(fs, project!));
    assert.equal(feature!.files.tasks, undefined);
    assert.deepEqual(codes(feature!.problems ?? [], ws.root), [
      ['specs/001-a/checklists/ux.md', 'not-a-regular-file'],
      ['specs/001-a/plan.md', 'not-a-regular-file'],
      ['specs/001-a/tasks.md', 'not-a-regular-file'],
    ]);
    assert.match(feature!.problems![1]!.message, /symbolic link that leads nowhere/);

    const index = new WorkspaceIndex(fs);
    await within(10_000, 'indexing', index.addFolder(ws.root));
    assert.deepEqual(codes(index.problems, ws.root), codes(feature!.problems!, ws.root));
  });

  it('template registries and manifests that are FIFOs are reported, and resolution goes on', async () => {
    ws.write({
      '.specify/templates/spec-template.md': '# Core spec template\n',
      '.specify/presets/team/templates/spec-template.md': '# Team spec template\n',
    });
    mkfifo(ws.path('.specify', 'presets', '.registry'));
    mkfifo(ws.path('.specify', 'presets', 'team', 'preset.yml'));
    const [project] = await findProjects(fs, ws.root);
    const resolved = await within(5_000, 'resolving a template', resolveTemplate(fs, project!, 'spec-template', ws.path('bundled')));
    assert.equal(resolved?.content, '# Team spec template\n');
    assert.deepEqual(
      resolved?.problems.map((p) => p.slice(ws.root.length)),
      [
        '/.specify/presets/.registry was not read: it is a named pipe (FIFO), not a regular file',
        '/.specify/presets/team/preset.yml was not read: it is a named pipe (FIFO), not a regular file',
      ],
    );
  });
});
