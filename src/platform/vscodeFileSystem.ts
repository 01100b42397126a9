import * as vscode from 'vscode';
import { NodeFileSystem } from '../core/workspace/nodeFileSystem';
import { type EntryType, type FileStat, type FileSystemHost, FileReadError, type ReadFileOptions, toFileReadError } from '../core/workspace/fileSystem';

/**
 * core's file system over `vscode.workspace.fs`, so local, remote and virtual workspaces read the
 * same way. Core paths are a URI's path; the scheme and authority come from the workspace folder.
 */
export class VscodeFileSystem implements FileSystemHost {
  /** This machine's disk for `file:` folders; mtimes in whole milliseconds, as vscode.workspace.fs reports them. */
  private readonly disk = new NodeFileSystem({ wholeMilliseconds: true });

  constructor(private readonly toUri: (path: string) => vscode.Uri) {}

  /** Files of a `file:` folder are on the extension host's own disk (local or remote host alike). */
  canReadNow(path: string): boolean {
    return this.toUri(path).scheme === 'file';
  }

  readFileNow(path: string, options: ReadFileOptions = {}): Uint8Array {
    const uri = this.toUri(path);
    if (uri.scheme !== 'file') throw new FileReadError(path, 'unreadable', `it is on ${uri.scheme}:, which is read asynchronously only`);
    try {
      return this.disk.readFileNow(uri.fsPath, options);
    } catch (e) {
      const error = toFileReadError(path, e);
      // Named by the core path, as readFile's errors are (fsPath differs on Windows).
      throw new FileReadError(path, error.reason, error.message);
    }
  }

  /** A `file:` folder is listed with node's synchronous calls: a first scan's walk without a round trip per entry. */
  readDirectoryNow(path: string): Array<[string, EntryType]> {
    return this.disk.readDirectoryNow(this.localPath(path));
  }

  statNow(path: string): FileStat | undefined {
    return this.disk.statNow(this.localPath(path));
  }

  private localPath(path: string): string {
    const uri = this.toUri(path);
    if (uri.scheme !== 'file') throw new FileReadError(path, 'unreadable', `it is on ${uri.scheme}:, which is read asynchronously only`);
    return uri.fsPath;
  }

  async readFile(path: string, options: ReadFileOptions = {}): Promise<Uint8Array> {
    const uri = this.toUri(path);
    // Look first (one more round trip): a FIFO or device would stall or never end the read.
    let s: vscode.FileStat;
    try {
      s = await vscode.workspace.fs.stat(uri);
    } catch (e) {
      throw toFileReadError(path, e);
    }
    if (options.noFollow && s.type & vscode.FileType.SymbolicLink) throw new FileReadError(path, 'symlink', 'it is a symbolic link, which is not followed here');
    if (!(s.type & vscode.FileType.File)) throw new FileReadError(path, 'not-regular', s.type & vscode.FileType.Directory ? 'it is a folder, not a file' : 'it is not a regular file');
    if (options.maxBytes !== undefined && s.size > options.maxBytes) throw new FileReadError(path, 'too-large', `it has ${s.size} bytes; at most ${options.maxBytes} are read`);
    try {
      return await vscode.workspace.fs.readFile(uri);
    } catch (e) {
      throw toFileReadError(path, e);
    }
  }

  async readDirectory(path: string): Promise<Array<[string, EntryType]>> {
    try {
      const entries = await vscode.workspace.fs.readDirectory(this.toUri(path));
      return entries.map(([name, type]) => [name, entryType(type)]);
    } catch {
      return [];
    }
  }

  async stat(path: string): Promise<FileStat | undefined> {
    try {
      const s = await vscode.workspace.fs.stat(this.toUri(path));
      return { type: entryType(s.type), mtime: s.mtime, size: s.size };
    } catch {
      return undefined;
    }
  }
}

function entryType(type: vscode.FileType): EntryType {
  if (type & vscode.FileType.Directory) return 'directory';
  if (type & vscode.FileType.File) return 'file';
  if (type & vscode.FileType.SymbolicLink) return 'symlink';
  return 'other';
}
