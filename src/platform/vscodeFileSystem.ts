import * as vscode from 'vscode';
import { type EntryType, type FileStat, type FileSystemHost } from '../core/workspace/fileSystem';

/**
 * core's file system over `vscode.workspace.fs`, so local, remote and virtual workspaces read the
 * same way. Core paths are a URI's path; the scheme and authority come from the workspace folder.
 */
export class VscodeFileSystem implements FileSystemHost {
  constructor(private readonly toUri: (path: string) => vscode.Uri) {}

  async readFile(path: string): Promise<Uint8Array> {
    return vscode.workspace.fs.readFile(this.toUri(path));
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
