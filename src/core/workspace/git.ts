/**
 * The few git operations the feature workflow needs, for local folders only (Node-specific). git runs
 * through `execFile` with an argument vector, never a shell, and every failure comes back as a
 * result instead of a throw: a workspace without git or outside a repository is normal.
 */
import { type ExecFileException, execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { resolveExecutable } from '../security/executables';

export type GitFailure = 'no-git' | 'not-a-repository' | 'invalid-name' | 'exists' | 'failed';

export type GitResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: GitFailure; readonly message: string };

export interface GitOptions {
  /** The git executable; default `git` from PATH, never from inside the working directory (core/security/executables). */
  readonly gitPath?: string;
  /** Per-command timeout in milliseconds; default 15 s. */
  readonly timeoutMs?: number;
}

interface RunOutput {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * Local and remote branch names, without `refs/heads/` or `refs/remotes/<remote>/`, deduplicated and
 * sorted (`origin/HEAD` left out). These are what spec-kit's git extension scans for numbers.
 */
export async function listBranchNames(cwd: string, options: GitOptions = {}): Promise<GitResult<string[]>> {
  const r = await runGit(cwd, ['for-each-ref', '--format=%(refname)', 'refs/heads', 'refs/remotes'], options);
  if (!r.ok) return r;
  const names = new Set<string>();
  for (const line of r.value.stdout.split('\n')) {
    const ref = line.trim();
    if (ref.startsWith('refs/heads/')) names.add(ref.slice('refs/heads/'.length));
    else if (ref.startsWith('refs/remotes/')) {
      const rest = ref.slice('refs/remotes/'.length);
      const slash = rest.indexOf('/');
      const name = slash >= 0 ? rest.slice(slash + 1) : '';
      if (name !== '' && name !== 'HEAD') names.add(name);
    }
  }
  return { ok: true, value: [...names].sort() };
}

/** The checked-out branch (also on a fresh repository with no commit); undefined when HEAD is detached. */
export async function currentBranch(cwd: string, options: GitOptions = {}): Promise<GitResult<string | undefined>> {
  const r = await runGit(cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD'], options, [1]);
  if (!r.ok) return r;
  if (r.value.code === 1) return { ok: true, value: undefined };
  const name = r.value.stdout.trim();
  return { ok: true, value: name === '' ? undefined : name };
}

/**
 * Creates branch `name` and switches to it (`git checkout -b`, as spec-kit's git extension does), or
 * only creates it with `checkout: false`. The name is validated with `git check-ref-format --branch`
 * first, and an existing branch is reported, not reset.
 */
export async function createBranch(
  cwd: string,
  name: string,
  options: GitOptions & { readonly checkout?: boolean } = {},
): Promise<GitResult<string>> {
  // A leading `-` would be read as an option by the commands below.
  if (name === '' || name.startsWith('-') || name.includes('\0')) {
    return { ok: false, reason: 'invalid-name', message: `not a valid branch name: ${JSON.stringify(name)}` };
  }
  const check = await runGit(cwd, ['check-ref-format', '--branch', name], options, [1, 128]);
  if (!check.ok) return check;
  if (check.value.code !== 0) {
    return { ok: false, reason: 'invalid-name', message: `not a valid branch name: ${JSON.stringify(name)}` };
  }
  const exists = await runGit(cwd, ['show-ref', '--verify', '--quiet', `refs/heads/${name}`], options, [1]);
  if (!exists.ok) return exists;
  if (exists.value.code === 0) return { ok: false, reason: 'exists', message: `branch ${name} already exists` };
  const args = options.checkout === false ? ['branch', name] : ['checkout', '-b', name];
  const created = await runGit(cwd, args, options);
  if (!created.ok) return created;
  return { ok: true, value: name };
}

/**
 * The commits that changed `file` (following renames), newest first: each with its committer day
 * and the file's path, relative to the repository root, as of that commit. At most `max` commits.
 */
export async function fileCommits(file: string, options: GitOptions & { readonly max?: number } = {}): Promise<GitResult<Array<{ sha: string; date: string; path: string }>>> {
  const dir = dirname(file);
  const r = await runGit(dir, ['log', '--follow', `--max-count=${options.max ?? 500}`, '--format=%x1e%H%x09%cs', '--name-only', '--', basename(file)], options, [128]);
  if (!r.ok) return r;
  if (r.value.code === 128) {
    // A repository without a commit has no history yet; anything else is a failure.
    if (/does not have any commits/i.test(r.value.stderr)) return { ok: true, value: [] };
    if (/not a git repository/i.test(r.value.stderr)) return { ok: false, reason: 'not-a-repository', message: `${dir} is not in a git repository` };
    return { ok: false, reason: 'failed', message: r.value.stderr.trim() };
  }
  const out: Array<{ sha: string; date: string; path: string }> = [];
  for (const record of r.value.stdout.split('\x1e')) {
    const lines = record.split('\n').map((l) => l.trim()).filter(Boolean);
    const head = /^([0-9a-f]{40,64})\t(\d{4}-\d{2}-\d{2})$/.exec(lines[0] ?? '');
    if (head && lines[1]) out.push({ sha: head[1]!, date: head[2]!, path: lines[1] });
  }
  return { ok: true, value: out };
}

/** The text of a file (path relative to the repository root) at a commit. */
export async function fileAtCommit(cwd: string, sha: string, path: string, options: GitOptions = {}): Promise<GitResult<string>> {
  if (!/^[0-9a-f]{40,64}$/.test(sha) || path.startsWith('-')) return { ok: false, reason: 'failed', message: `not a commit and path: ${sha}:${path}` };
  const r = await runGit(cwd, ['show', `${sha}:${path}`], options);
  return r.ok ? { ok: true, value: r.value.stdout } : r;
}

/**
 * Runs git. Exit codes in `allowed` are results for the caller; any other failure is classified.
 */
async function runGit(cwd: string, args: readonly string[], options: GitOptions, allowed: readonly number[] = []): Promise<GitResult<RunOutput>> {
  // A missing cwd makes spawn fail with ENOENT too, which would read as "git not installed".
  const dir = await stat(cwd).catch(() => undefined);
  if (!dir?.isDirectory()) return { ok: false, reason: 'not-a-repository', message: `${cwd} is not a directory` };
  const git = options.gitPath ?? resolveExecutable({ name: 'git', pathEnv: process.env['PATH'], workspaceRoots: [cwd] });
  if (typeof git !== 'string' && !git.ok) return { ok: false, reason: 'no-git', message: `git is not installed or not on PATH (${git.reason})` };
  const out = await new Promise<{ error?: ExecFileException; stdout: string; stderr: string }>((resolve) => {
    execFile(
      typeof git === 'string' ? git : git.path,
      [...args],
      {
        cwd,
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        maxBuffer: 16 * 1024 * 1024,
        windowsHide: true,
        encoding: 'utf8',
        // Never prompt for credentials; keep messages in English so they can be classified.
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', LANGUAGE: 'C' },
      },
      (error, stdout, stderr) => resolve({ ...(error ? { error } : {}), stdout, stderr }),
    );
  });
  if (!out.error) return { ok: true, value: { code: 0, stdout: out.stdout, stderr: out.stderr } };
  const code = out.error.code;
  if (code === 'ENOENT') return { ok: false, reason: 'no-git', message: 'git is not installed or not on PATH' };
  if (typeof code === 'number') {
    if (allowed.includes(code)) return { ok: true, value: { code, stdout: out.stdout, stderr: out.stderr } };
    const message = out.stderr.trim() || out.error.message;
    if (/not a git repository/i.test(out.stderr)) return { ok: false, reason: 'not-a-repository', message: `${cwd} is not in a git repository` };
    return { ok: false, reason: 'failed', message };
  }
  return { ok: false, reason: 'failed', message: out.error.message };
}
