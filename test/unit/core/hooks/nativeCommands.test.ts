// The git extension's commands as hooks run them: on a copy of the spec-kit 1.0.1 interop project
// (test/fixtures/workspaces/speckit-1.0), with real git and the extension's own configuration.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isNativeCommand, runNativeCommand } from '../../../../src/core/hooks/nativeCommands';
import { repoRoot } from '../../helpers/paths';

const FIXTURE = join(repoRoot(), 'test', 'fixtures', 'workspaces', 'speckit-1.0');

function env(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: home, USER: 'runner', LC_ALL: 'C.UTF-8', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'Interop Tester', GIT_AUTHOR_EMAIL: 'it@example.invalid', GIT_COMMITTER_NAME: 'Interop Tester', GIT_COMMITTER_EMAIL: 'it@example.invalid', ...extra };
}

describe('hooks/nativeCommands: the git extension on the spec-kit 1.0.1 project', function () {
  this.timeout(60_000);
  let base: string;
  let root: string;
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: root, env: env(base), encoding: 'utf8' }).trim();

  beforeEach(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'speckit-native-')));
    root = join(base, 'numproj');
    cpSync(FIXTURE, root, { recursive: true });
    git('init', '-q', '-b', 'main');
    git('config', 'user.name', 'Interop Tester');
    git('add', '-A');
    git('commit', '-q', '-m', 'setup');
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('knows exactly the five git extension commands', () => {
    assert.deepEqual(['speckit.git.feature', 'speckit.git.commit', 'speckit.git.initialize', 'speckit.git.validate', 'speckit.git.remote', 'speckit.jira.sync', 'speckit.git'].map(isNativeCommand), [true, true, true, true, true, false, false]);
  });

  it('speckit.git.feature names the branch after specs/ (003, not 501 or 701) and checks it out', async () => {
    const r = await runNativeCommand('speckit.git.feature', { root, event: 'before_specify', description: 'Add nightly encrypted backups', env: env(base) });
    assert.equal(r.ok, true, r.lines.join('\n'));
    assert.equal(r.branch, '003-nightly-encrypted-backups');
    assert.equal(git('rev-parse', '--abbrev-ref', 'HEAD'), '003-nightly-encrypted-backups');
  });

  it('speckit.git.feature follows branch_template ({author}/{app}/{number}-{slug})', async () => {
    const config = join(root, '.specify/extensions/git/git-config.yml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('branch_template: ""', 'branch_template: "{author}/{app}/{number}-{slug}"'));
    const r = await runNativeCommand('speckit.git.feature', { root, event: 'before_specify', description: 'Add user authentication', env: env(base) });
    assert.equal(r.branch, 'interop-tester/numproj/003-user-authentication');
    assert.equal(git('rev-parse', '--abbrev-ref', 'HEAD'), 'interop-tester/numproj/003-user-authentication');
  });

  it('speckit.git.feature takes GIT_BRANCH_NAME as the exact name', async () => {
    const r = await runNativeCommand('speckit.git.feature', { root, event: 'before_specify', description: 'anything', env: env(base, { GIT_BRANCH_NAME: 'team/042-exact' }) });
    assert.deepEqual([r.ok, r.branch, r.featureNum], [true, 'team/042-exact', '042']);
  });

  it('speckit.git.feature fails with the script\'s error when the branch exists, and stays put', async () => {
    git('branch', '003-user-authentication');
    const r = await runNativeCommand('speckit.git.feature', { root, event: 'before_specify', description: 'x', env: env(base, { GIT_BRANCH_NAME: '003-user-authentication' }) });
    assert.equal(r.ok, false);
    assert.match(r.lines.join('\n'), /Branch '003-user-authentication' already exists/);
    assert.equal(git('rev-parse', '--abbrev-ref', 'HEAD'), 'main');
  });

  it('speckit.git.feature with an empty description fails as the script does', async () => {
    const r = await runNativeCommand('speckit.git.feature', { root, event: 'before_specify', description: '  ', env: env(base) });
    assert.deepEqual([r.ok, r.lines.at(-1)], [false, 'Error: Feature description cannot be empty or contain only whitespace']);
  });

  it('speckit.git.commit honours auto_commit per event: off by default, on with its message', async () => {
    writeFileSync(join(root, 'specs/001-user-auth/plan.md'), '# Plan\n');
    const off = await runNativeCommand('speckit.git.commit', { root, event: 'after_plan', env: env(base) });
    assert.deepEqual([off.ok, off.committed], [true, undefined]);
    assert.equal(git('rev-list', '--count', 'HEAD'), '1');
    const config = join(root, '.specify/extensions/git/git-config.yml');
    writeFileSync(config, readFileSync(config, 'utf8').replace(/(after_plan:\n\s+enabled: )false/, '$1true'));
    const on = await runNativeCommand('speckit.git.commit', { root, event: 'after_plan', env: env(base) });
    assert.deepEqual([on.ok, on.committed], [true, '[Spec Kit] Add implementation plan']);
    assert.equal(git('log', '-1', '--format=%s'), '[Spec Kit] Add implementation plan');
  });

  it('speckit.git.commit with commit_style conventional and no message stops, as the script does', async () => {
    const config = join(root, '.specify/extensions/git/git-config.yml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('commit_style: fixed', 'commit_style: conventional').replace(/(after_plan:\n\s+enabled: )false/, '$1true'));
    writeFileSync(join(root, 'x.md'), 'x\n');
    const r = await runNativeCommand('speckit.git.commit', { root, event: 'after_plan', env: env(base) });
    assert.equal(r.ok, false);
    assert.match(r.lines.join('\n'), /commit_style is 'conventional'/);
  });

  describe('commit_style conventional with a model (generateSubject)', () => {
    const conventional = (): void => {
      const config = join(root, '.specify/extensions/git/git-config.yml');
      writeFileSync(config, readFileSync(config, 'utf8').replace('commit_style: fixed', 'commit_style: conventional').replace(/(after_plan:\n\s+enabled: )false/, '$1true'));
      writeFileSync(join(root, 'specs', '002-postgresql-15-database', 'plan.md'), '# Plan\n');
    };

    it('commits with the model\'s subject, asked with a summary of what changed', async () => {
      conventional();
      const asked: string[] = [];
      const r = await runNativeCommand('speckit.git.commit', {
        root,
        event: 'after_plan',
        env: env(base),
        generateSubject: (summary) => {
          asked.push(summary);
          return Promise.resolve({ text: '```\nfeat(plan): add the PostgreSQL 15 plan\n```' });
        },
      });
      assert.equal(r.ok, true, r.lines.join('\n'));
      assert.equal(git('log', '-1', '--format=%s'), 'feat(plan): add the PostgreSQL 15 plan');
      assert.equal(r.fallback, undefined);
      assert.equal(asked.length, 1);
      assert.match(asked[0]!, /specs\/002-postgresql-15-database\/plan\.md/, 'the summary names the changed file');
    });

    it('falls back to spec-kit\'s fixed message when the answer is no conventional subject, and says why', async () => {
      conventional();
      const r = await runNativeCommand('speckit.git.commit', { root, event: 'after_plan', env: env(base), generateSubject: () => Promise.resolve({ text: 'Sure! Here is a commit message: I added a plan.' }) });
      assert.equal(r.ok, true, r.lines.join('\n'));
      assert.equal(git('log', '-1', '--format=%s'), '[Spec Kit] Add implementation plan');
      assert.match(r.fallback ?? '', /commit_style is conventional, but the model's message was not usable \(it is not "type\(scope\): subject"/);
      assert.ok(r.lines.some((l) => l.startsWith('[specify] Warning: commit_style is conventional')), r.lines.join('\n'));
    });

    it('falls back without a model, and asks nothing when there is nothing to commit', async () => {
      conventional();
      const r = await runNativeCommand('speckit.git.commit', { root, event: 'after_plan', env: env(base), generateSubject: () => Promise.resolve({ unavailable: 'no language model is available' }) });
      assert.equal(git('log', '-1', '--format=%s'), '[Spec Kit] Add implementation plan');
      assert.match(r.fallback ?? '', /no language model is available; committed with the fixed message instead/);
      let calls = 0;
      const again = await runNativeCommand('speckit.git.commit', { root, event: 'after_plan', env: env(base), generateSubject: () => Promise.resolve((calls++, { text: 'feat: x' })) });
      assert.deepEqual([again.ok, calls, again.committed], [true, 0, undefined]);
    });
  });

  it('speckit.git.initialize skips an existing repository; validate and remote report the branch and origin', async () => {
    const init = await runNativeCommand('speckit.git.initialize', { root, event: 'before_constitution', env: env(base) });
    assert.deepEqual([init.ok, init.summary], [true, '[specify] Git repository already initialized; skipping']);
    const onMain = await runNativeCommand('speckit.git.validate', { root, event: '', env: env(base) });
    assert.deepEqual([onMain.ok, onMain.summary], [false, '✗ Not on a feature branch. Current branch: main']);
    git('checkout', '-q', '-b', '002-postgresql-15-database');
    const onFeature = await runNativeCommand('speckit.git.validate', { root, event: '', env: env(base) });
    assert.deepEqual([onFeature.ok, onFeature.lines], [true, ['✓ On feature branch: 002-postgresql-15-database', '✓ Spec directory found: specs/002-postgresql-15-database']]);
    git('remote', 'add', 'origin', 'git@github.com:octo/numproj.git');
    const remote = await runNativeCommand('speckit.git.remote', { root, event: '', env: env(base) });
    assert.equal(remote.summary, 'origin is git@github.com:octo/numproj.git (GitHub octo/numproj)');
  });
});
