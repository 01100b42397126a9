import * as path from 'node:path/posix';
import { type FileSystemHost } from './fileSystem';
import { readStateFile } from './stateFile';
import { readProblem, type WorkspaceProblem } from './workspaceProblem';

/**
 * The branch checked out at `dir`, read from `.git/HEAD` (also through a worktree's `.git` file)
 * without running git: reading a repository must not execute its hooks or fsmonitor in an
 * untrusted workspace. undefined when detached or not a repository. `.git` files and HEAD are read
 * as state files (regular, small, not through a link); one that cannot be read goes to `problems`.
 */
export async function branchFromGitHead(fs: FileSystemHost, dir: string, stopAt = '/', problems?: WorkspaceProblem[]): Promise<string | undefined> {
  const read = async (p: string, what: string): Promise<string | undefined> => {
    const file = await readStateFile(fs, p);
    if (file.kind === 'unreadable') problems?.push(readProblem(file.error, what));
    return file.kind === 'text' ? file.text : undefined;
  };
  for (let d = dir; ; d = path.dirname(d)) {
    const dotGit = path.join(d, '.git');
    const s = await fs.stat(dotGit);
    if (s?.type === 'directory') return headBranch(await read(path.join(dotGit, 'HEAD'), 'The git HEAD file'));
    if (s?.type === 'file') {
      const m = /^gitdir:\s*(.+)$/m.exec((await read(dotGit, 'The .git file')) ?? '');
      if (!m) return undefined;
      const gitDir = path.resolve(d, m[1]!.trim());
      return headBranch(await read(path.join(gitDir, 'HEAD'), 'The git HEAD file'));
    }
    if (s !== undefined) {
      // A FIFO or device named .git: not a repository, and worth saying so.
      problems?.push({ path: dotGit, code: 'not-a-regular-file', severity: 'error', message: 'The .git entry was not read: it is neither a folder nor a regular file.' });
      return undefined;
    }
    if (d === stopAt || path.dirname(d) === d) return undefined;
  }
}

function headBranch(text: string | undefined): string | undefined {
  const m = /^ref:\s*refs\/heads\/(.+?)\s*$/m.exec(text ?? '');
  return m ? m[1] : undefined;
}
