import * as path from 'node:path/posix';
import { type FileSystemHost } from './fileSystem';
import { readText } from './projects';

/**
 * The branch checked out at `dir`, read from `.git/HEAD` (also through a worktree's `.git` file)
 * without running git: reading a repository must not execute its hooks or fsmonitor in an
 * untrusted workspace. undefined when detached or not a repository.
 */
export async function branchFromGitHead(fs: FileSystemHost, dir: string, stopAt = '/'): Promise<string | undefined> {
  for (let d = dir; ; d = path.dirname(d)) {
    const dotGit = path.join(d, '.git');
    const s = await fs.stat(dotGit);
    if (s?.type === 'directory') return headBranch(await readText(fs, path.join(dotGit, 'HEAD')));
    if (s?.type === 'file') {
      const m = /^gitdir:\s*(.+)$/m.exec((await readText(fs, dotGit)) ?? '');
      if (!m) return undefined;
      const gitDir = path.resolve(d, m[1]!.trim());
      return headBranch(await readText(fs, path.join(gitDir, 'HEAD')));
    }
    if (d === stopAt || path.dirname(d) === d) return undefined;
  }
}

function headBranch(text: string | undefined): string | undefined {
  const m = /^ref:\s*refs\/heads\/(.+?)\s*$/m.exec(text ?? '');
  return m ? m[1] : undefined;
}
