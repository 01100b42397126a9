/**
 * What core needs of a file system. Paths are POSIX absolute paths (a URI's path component), so
 * the same code serves node:fs (CLI, tests, language server) and vscode.workspace.fs (extension).
 */
export type EntryType = 'file' | 'directory' | 'symlink' | 'other';

export interface FileStat {
  readonly type: EntryType;
  /** Milliseconds since the epoch. */
  readonly mtime: number;
  readonly size: number;
}

export interface FileSystemHost {
  /** Throws when the file does not exist or cannot be read. */
  readFile(path: string): Promise<Uint8Array>;
  /** Entries of a directory; [] when it does not exist. */
  readDirectory(path: string): Promise<Array<[name: string, type: EntryType]>>;
  /** undefined when nothing is there. */
  stat(path: string): Promise<FileStat | undefined>;
}
