// The git extension's commands, run natively with real git, against what spec-kit 1.0.1's own
// scripts did in the same projects (test/fixtures/speckit-parity/record.mjs recorded them).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runFeatureBranch } from '../../../../src/core/gitExtension/featureBranch';
import { gitRunner } from '../../../../src/core/gitExtension/gitProcess';
import { featureBranchError, runAutoCommit, runInitialize } from '../../../../src/core/gitExtension/repoCommands';
import { RECORDED_NOW, recording } from '../workspace/speckitParity.test';

interface Setup {
  appDir?: string;
  dirs?: string[];
  files?: Record<string, string>;
  gitConfig: string | null;
  git?: { userName?: string; userEmail?: string; branches?: string[]; remoteBranches?: string[]; checkout?: string; changes?: Record<string, string> };
}
interface FeatureCase {
  name: string;
  setup: Setup;
  args: string[];
  env: Record<string, string>;
  expected: { exitCode: number; json: Record<string, unknown> | null; stderr: string; branches: string[] | null; head: string | null };
}
interface CommitCase {
  name: string;
  setup: Setup;
  args: string[];
  expected: { exitCode: number; stderr: string; commits: number | null; lastMessage: string | null; clean: boolean | null };
}
interface InitCase {
  name: string;
  setup: Setup;
  expected: { exitCode: number; stderr: string; commits: number | null; lastMessage: string | null };
}
interface GitRecording {
  feature: FeatureCase[];
  commit: CommitCase[];
  initialize: InitCase[];
  validate: Array<{ branch: string; exitCode: number; stderr: string }>;
}

/** The recording's environment: no global git config, a fixed identity fallback and clock. */
function testEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: home, USER: 'runner', LC_ALL: 'C.UTF-8', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_DATE: '2026-01-02T03:04:05Z', GIT_COMMITTER_DATE: '2026-01-02T03:04:05Z', ...extra };
}

/** The project of a recorded case, rebuilt (spec-kit's scripts themselves are not needed: ours run). */
function build(setup: Setup, base: string): string {
  const holder = mkdtempSync(join(base, 'case-'));
  const root = join(holder, setup.appDir ?? 'numproj');
  const g = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, env: testEnv(base), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const write = (p: string, text: string): void => {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  };
  mkdirSync(join(root, '.specify', 'templates'), { recursive: true });
  write('.specify/templates/spec-template.md', '# Feature Specification: [FEATURE NAME]\n');
  if (setup.gitConfig !== null) write('.specify/extensions/git/git-config.yml', setup.gitConfig);
  for (const d of setup.dirs ?? []) mkdirSync(join(root, d), { recursive: true });
  for (const [p, t] of Object.entries(setup.files ?? {})) write(p, t);
  const s = setup.git;
  if (s) {
    g(root, 'init', '-q', '-b', 'main');
    if (s.userName !== undefined) g(root, 'config', 'user.name', s.userName);
    if (s.userEmail !== undefined) g(root, 'config', 'user.email', s.userEmail);
    const id = ['-c', 'user.name=Setup', '-c', 'user.email=setup@example.invalid'];
    g(root, ...id, 'add', '-A');
    g(root, ...id, 'commit', '-q', '--allow-empty', '-m', 'setup');
    for (const b of s.branches ?? []) g(root, 'branch', b);
    if (s.remoteBranches) {
      const remote = join(holder, 'origin.git');
      g(holder, 'init', '-q', '--bare', remote);
      g(root, 'remote', 'add', 'origin', remote);
      for (const b of s.remoteBranches) g(root, 'push', '-q', 'origin', `HEAD:refs/heads/${b}`);
    }
    if (s.checkout) g(root, 'checkout', '-q', s.checkout);
    for (const [p, t] of Object.entries(s.changes ?? {})) write(p, t);
  }
  return root;
}

function git(root: string, base: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: root, env: testEnv(base), encoding: 'utf8' });
}

/** stderr lines the script printed, less the `# To persist` hint (a shell hint, not a result). */
function stderrLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l !== '' && !l.startsWith('# To persist'));
}

function featureArgs(args: readonly string[]): { description: string; shortName?: string; number?: string; timestamp: boolean; dryRun: boolean; allowExisting: boolean } {
  const out: { description: string; shortName?: string; number?: string; timestamp: boolean; dryRun: boolean; allowExisting: boolean } = { description: '', timestamp: false, dryRun: false, allowExisting: false };
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--short-name') out.shortName = args[++i]!;
    else if (a === '--number') out.number = args[++i]!;
    else if (a === '--timestamp') out.timestamp = true;
    else if (a === '--dry-run') out.dryRun = true;
    else if (a === '--allow-existing-branch') out.allowExisting = true;
    else rest.push(a);
  }
  out.description = rest.join(' ');
  return out;
}

describe('spec-kit 1.0.1 parity: the git extension', function () {
  this.timeout(60_000);
  const rec = recording<GitRecording>();
  let base: string;
  before(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'speckit-gitext-')));
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  describe('speckit.git.feature (create-new-feature-branch.sh --json)', () => {
    it('covers the issue: branch_template gives interop-tester/numproj/121-…', () => {
      const c = rec.feature.find((x) => x.name.startsWith('branch_template {author}/{app}'));
      assert.equal((c?.expected.json as { BRANCH_NAME?: string } | null)?.BRANCH_NAME, 'interop-tester/numproj/121-user-authentication');
    });

    for (const c of rec.feature) {
      it(c.name, async () => {
        const root = build(c.setup, base);
        const a = featureArgs(c.args);
        const r = await runFeatureBranch(gitRunner(root, { env: testEnv(base) }), {
          root,
          description: a.description,
          ...(a.shortName !== undefined ? { shortName: a.shortName } : {}),
          ...(a.number !== undefined ? { number: a.number } : {}),
          timestamp: a.timestamp,
          dryRun: a.dryRun,
          allowExisting: a.allowExisting,
          ...(c.env.GIT_BRANCH_NAME !== undefined ? { gitBranchName: c.env.GIT_BRANCH_NAME } : {}),
          user: 'runner',
          now: RECORDED_NOW,
        });
        assert.equal(r.exitCode, c.expected.exitCode, r.messages.join('\n'));
        assert.deepEqual(r.json ?? null, c.expected.json);
        assert.deepEqual(r.messages, stderrLines(c.expected.stderr));
        if (c.expected.branches) {
          assert.deepEqual(git(root, base, 'for-each-ref', '--format=%(refname:short)', 'refs/heads').split('\n').filter(Boolean).sort(), c.expected.branches);
          assert.equal(git(root, base, 'rev-parse', '--abbrev-ref', 'HEAD').trim(), c.expected.head);
        } else {
          assert.equal(existsSync(join(root, '.git')), false);
        }
      });
    }
  });

  describe('speckit.git.commit (auto-commit.sh)', () => {
    for (const c of rec.commit) {
      it(c.name, async () => {
        const root = build(c.setup, base);
        const r = await runAutoCommit(gitRunner(root, { env: testEnv(base) }), root, c.args[0]!, c.args[1]);
        assert.equal(r.exitCode, c.expected.exitCode);
        assert.deepEqual(r.messages, stderrLines(c.expected.stderr));
        if (c.expected.commits !== null) {
          assert.equal(Number(git(root, base, 'rev-list', '--count', 'HEAD').trim()), c.expected.commits);
          assert.equal(git(root, base, 'log', '-1', '--format=%B').replace(/\n+$/, ''), c.expected.lastMessage);
          assert.equal(git(root, base, 'status', '--porcelain').trim() === '', c.expected.clean);
        }
      });
    }
  });

  describe('speckit.git.initialize (initialize-repo.sh)', () => {
    for (const c of rec.initialize) {
      it(c.name, async () => {
        const root = build(c.setup, base);
        const env = testEnv(base, { GIT_AUTHOR_NAME: 'Init', GIT_AUTHOR_EMAIL: 'init@example.invalid', GIT_COMMITTER_NAME: 'Init', GIT_COMMITTER_EMAIL: 'init@example.invalid' });
        const r = await runInitialize(gitRunner(root, { env }), root);
        assert.equal(r.exitCode, c.expected.exitCode);
        assert.deepEqual(r.messages, stderrLines(c.expected.stderr));
        assert.equal(Number(git(root, base, 'rev-list', '--count', 'HEAD').trim()), c.expected.commits);
        assert.equal(git(root, base, 'log', '-1', '--format=%B').replace(/\n+$/, ''), c.expected.lastMessage);
        assert.equal(git(root, base, 'status', '--porcelain').trim(), '');
      });
    }
  });

  describe('speckit.git.validate (git-common.sh check_feature_branch)', () => {
    for (const c of rec.validate) {
      it(c.branch, () => {
        const error = featureBranchError(c.branch);
        assert.equal(error === undefined ? 0 : 1, c.exitCode);
        assert.deepEqual(error ?? [], stderrLines(c.stderr));
      });
    }
  });
});
