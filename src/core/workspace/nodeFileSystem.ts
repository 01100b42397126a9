import { lstat, readFile, readdir, stat } from 'node:fs/promises';
import { type EntryType, type FileStat, type FileSystemHost } from './fileSystem';

/** node:fs implementation for the CLI, the language server and tests. */
export class NodeFileSystem implements FileSystemHost {
  async readFile(path: string): Promise<Uint8Array> {
    return readFile(path);
  }

  async readDirectory(path: string): Promise<Array<[string, EntryType]>> {
    try {
      const entries = await readdir(path, { withFileTypes: true });
      return entries.map((e) => [e.name, e.isFile() ? 'file' : e.isDirectory() ? 'directory' : e.isSymbolicLink() ? 'symlink' : 'other']);
    } catch {
      return [];
    }
  }

  async stat(path: string): Promise<FileStat | undefined> {
    try {
      const s = await stat(path);
      return { type: s.isFile() ? 'file' : s.isDirectory() ? 'directory' : 'other', mtime: s.mtimeMs, size: s.size };
    } catch {
      // A dangling symlink still exists as an entry.
      try {
        const l = await lstat(path);
        return { type: 'symlink', mtime: l.mtimeMs, size: 0 };
      } catch {
        return undefined;
      }
    }
  }
}
