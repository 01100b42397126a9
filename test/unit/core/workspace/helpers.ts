import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A temporary folder, removed by `dispose`. Paths are POSIX, as FileSystemHost expects. */
export interface TempDir {
  readonly root: string;
  /** Writes files given as `relative path → content`; a trailing `/` makes a directory. */
  write(files: Record<string, string>): void;
  path(...parts: string[]): string;
  dispose(): void;
}

export function makeTempDir(prefix = 'speckit-ws-'): TempDir {
  // realpath: on macOS tmpdir is behind a symlink and paths would not compare equal.
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix))).split(path.sep).join('/');
  return {
    root,
    write(files) {
      for (const [rel, content] of Object.entries(files)) {
        const abs = path.join(root, rel);
        if (rel.endsWith('/')) {
          fs.mkdirSync(abs, { recursive: true });
        } else {
          fs.mkdirSync(path.dirname(abs), { recursive: true });
          fs.writeFileSync(abs, content);
        }
      }
    },
    path: (...parts) => path.posix.join(root, ...parts),
    dispose: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/** Runs real git in a test folder, with an identity so commits work anywhere. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.invalid',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.invalid',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: cwd,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** `git init` with a first commit on `main`. */
export function initRepo(cwd: string): void {
  git(cwd, 'init', '--quiet', '--initial-branch=main');
  git(cwd, 'commit', '--quiet', '--allow-empty', '-m', 'init');
}

