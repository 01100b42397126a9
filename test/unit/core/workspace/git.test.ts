import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import { createBranch, currentBranch, listBranchNames } from '../../../../src/core/workspace/git';
import { git, initRepo, makeTempDir, type TempDir } from './helpers';

describe('workspace/git (real git)', () => {
  let tmp: TempDir;
  let savedCeiling: string | undefined;
  // Keep git from finding a repository above the temporary folders (a tmpdir inside a checkout).
  before(() => {
    savedCeiling = process.env.GIT_CEILING_DIRECTORIES;
    process.env.GIT_CEILING_DIRECTORIES = os.tmpdir();
  });
  after(() => {
    if (savedCeiling === undefined) delete process.env.GIT_CEILING_DIRECTORIES;
    else process.env.GIT_CEILING_DIRECTORIES = savedCeiling;
  });
  beforeEach(() => {
    tmp = makeTempDir();
  });
  afterEach(() => tmp.dispose());

  describe('listBranchNames', () => {
    it('lists local and remote-tracking branches without their ref prefixes', async () => {
      initRepo(tmp.root);
      git(tmp.root, 'branch', '001-local');
      git(tmp.root, 'branch', 'feature/004-x');
      git(tmp.root, 'update-ref', 'refs/remotes/origin/002-remote', 'HEAD');
      git(tmp.root, 'update-ref', 'refs/remotes/origin/001-local', 'HEAD');
      git(tmp.root, 'symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/002-remote');
      const r = await listBranchNames(tmp.root);
      assert.deepEqual(r, { ok: true, value: ['001-local', '002-remote', 'feature/004-x', 'main'] });
    });

    it('works on a fresh repository with no commit (no branches yet)', async () => {
      git(tmp.root, 'init', '--quiet');
      assert.deepEqual(await listBranchNames(tmp.root), { ok: true, value: [] });
    });

    it('fails softly outside a repository', async () => {
      const r = await listBranchNames(tmp.root);
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.reason, 'not-a-repository');
    });

    it('fails softly when the folder does not exist', async () => {
      const r = await listBranchNames(tmp.path('missing'));
      assert.equal(!r.ok && r.reason, 'not-a-repository');
    });

    it('fails softly when git is missing', async () => {
      const r = await listBranchNames(tmp.root, { gitPath: tmp.path('no-such-git') });
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.reason, 'no-git');
    });
  });

  describe('currentBranch', () => {
    it('names the checked-out branch, also before the first commit', async () => {
      git(tmp.root, 'init', '--quiet', '--initial-branch=trunk');
      assert.deepEqual(await currentBranch(tmp.root), { ok: true, value: 'trunk' });
      git(tmp.root, 'commit', '--quiet', '--allow-empty', '-m', 'x');
      git(tmp.root, 'checkout', '--quiet', '-b', '003-user-auth');
      assert.deepEqual(await currentBranch(tmp.root), { ok: true, value: '003-user-auth' });
    });

    it('is undefined on a detached HEAD', async () => {
      initRepo(tmp.root);
      git(tmp.root, 'checkout', '--quiet', '--detach');
      assert.deepEqual(await currentBranch(tmp.root), { ok: true, value: undefined });
    });

    it('fails softly outside a repository', async () => {
      const r = await currentBranch(tmp.root);
      assert.equal(!r.ok && r.reason, 'not-a-repository');
    });
  });

  describe('createBranch', () => {
    it('creates and checks out a branch', async () => {
      initRepo(tmp.root);
      assert.deepEqual(await createBranch(tmp.root, '005-new-feature'), { ok: true, value: '005-new-feature' });
      assert.equal(git(tmp.root, 'symbolic-ref', '--short', 'HEAD').trim(), '005-new-feature');
    });

    it('only creates it with checkout: false', async () => {
      initRepo(tmp.root);
      assert.equal((await createBranch(tmp.root, '006-later', { checkout: false })).ok, true);
      assert.equal(git(tmp.root, 'symbolic-ref', '--short', 'HEAD').trim(), 'main');
      assert.match(git(tmp.root, 'branch', '--list', '006-later'), /006-later/);
    });

    it('works on a fresh repository (renames the unborn branch, as checkout -b does)', async () => {
      git(tmp.root, 'init', '--quiet');
      assert.equal((await createBranch(tmp.root, '001-first')).ok, true);
      assert.deepEqual(await currentBranch(tmp.root), { ok: true, value: '001-first' });
    });

    it('refuses names git refuses, without touching the repository', async () => {
      initRepo(tmp.root);
      for (const bad of ['a..b', 'with space', '-rf', 'x~1', 'ends.lock', '', 'a\u0000b', '@{-1}', 'x:y', '.hidden']) {
        const r = await createBranch(tmp.root, bad);
        assert.equal(!r.ok && r.reason, 'invalid-name', JSON.stringify(bad));
      }
      assert.deepEqual(await listBranchNames(tmp.root), { ok: true, value: ['main'] });
    });

    it('reports an existing branch instead of resetting it', async () => {
      initRepo(tmp.root);
      git(tmp.root, 'branch', '007-taken');
      const r = await createBranch(tmp.root, '007-taken');
      assert.equal(!r.ok && r.reason, 'exists');
    });

    it('accepts unicode and slashes that git accepts', async () => {
      initRepo(tmp.root);
      assert.equal((await createBranch(tmp.root, 'feature/008-café')).ok, true);
    });

    it('fails softly outside a repository', async () => {
      const r = await createBranch(tmp.root, '001-x');
      assert.equal(!r.ok && r.reason, 'not-a-repository');
    });
  });
});
