import * as path from 'node:path/posix';
import { type EntryType, type FileStat, type FileSystemHost, type ReadFileOptions, toFileReadError } from './fileSystem';
import { readProblem, type WorkspaceProblem } from './workspaceProblem';

/**
 * A {@link FileSystemHost} that remembers what it could not read, whichever layer asked and then
 * carried on without it: every failed read, and every special file (FIFO, socket, device, dangling
 * link) met under a name that matters. `speckit-vscode check` reports these, so a tree it could not
 * fully look at is never called clean.
 */
export class AuditedFileSystem implements FileSystemHost {
  private readonly found = new Map<string, WorkspaceProblem>();

  /** `relevant` says which names matter (spec-kit files and state files, say). */
  constructor(
    private readonly inner: FileSystemHost,
    private readonly relevant: (path: string) => boolean,
  ) {}

  /** What could not be read, one problem per path, by path. */
  get problems(): WorkspaceProblem[] {
    return [...this.found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** A problem found elsewhere (a folder the inner file system could not list). */
  record(problem: WorkspaceProblem): void {
    if (!this.found.has(problem.path)) this.found.set(problem.path, problem);
  }

  async readFile(p: string, options?: ReadFileOptions): Promise<Uint8Array> {
    try {
      return await this.inner.readFile(p, options);
    } catch (e) {
      const error = toFileReadError(p, e);
      if (error.reason !== 'missing') this.record(readProblem(error));
      throw e;
    }
  }

  canReadNow(p: string): boolean {
    return this.inner.canReadNow?.(p) === true && this.inner.readFileNow !== undefined;
  }

  readFileNow(p: string, options?: ReadFileOptions): Uint8Array {
    try {
      if (!this.inner.readFileNow) throw new Error('this file system reads asynchronously only');
      return this.inner.readFileNow(p, options);
    } catch (e) {
      const error = toFileReadError(p, e);
      if (error.reason !== 'missing') this.record(readProblem(error));
      throw e;
    }
  }

  async readDirectory(dir: string): Promise<Array<[string, EntryType]>> {
    const entries = await this.inner.readDirectory(dir);
    for (const [name, type] of entries) {
      if (type !== 'other' && type !== 'symlink') continue;
      const p = path.join(dir, name);
      if (!this.relevant(p)) continue;
      // A link is fine when it leads to a file or folder; only where it leads can tell.
      const s = type === 'symlink' ? await this.inner.stat(p) : { type };
      if (s) this.special(p, s.type);
    }
    return entries;
  }

  async stat(p: string): Promise<FileStat | undefined> {
    const s = await this.inner.stat(p);
    if (s && this.relevant(p)) this.special(p, s.type);
    return s;
  }

  private special(p: string, type: EntryType): void {
    if (type !== 'other' && type !== 'symlink') return;
    const what = type === 'symlink' ? 'a symbolic link that leads nowhere' : 'a named pipe, socket or device';
    this.record({ path: p, code: 'not-a-regular-file', severity: 'error', message: `This file was not read: it is ${what}, not a regular file.` });
  }
}
