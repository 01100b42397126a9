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

export interface ReadFileOptions {
  /** Refuse (throw {@link FileReadError} `too-large`) a file with more bytes than this. */
  readonly maxBytes?: number;
  /** Refuse a symbolic link instead of following it: for state files, where a link could lead anywhere. */
  readonly noFollow?: boolean;
  /**
   * The caller has just seen a regular file at this path (its listing's stat): the look before opening
   * is skipped. The check after opening (the open file's own stat) still refuses anything else.
   */
  readonly seenRegular?: boolean;
}

export interface FileSystemHost {
  /**
   * The bytes of a regular file (symbolic links followed unless `noFollow`). Throws when the file does
   * not exist or cannot be read, and a {@link FileReadError} for anything that is not a regular file
   * (a FIFO would block, `/dev/zero` would never end) or breaks `options`.
   */
  readFile(path: string, options?: ReadFileOptions): Promise<Uint8Array>;
  /** Entries of a directory; [] when it does not exist. */
  readDirectory(path: string): Promise<Array<[name: string, type: EntryType]>>;
  /** What is there, symbolic links followed (a dangling link is `symlink`); undefined when nothing is. */
  stat(path: string): Promise<FileStat | undefined>;
  /**
   * Whether `readFileNow` can read this path (a file on this machine's disk). The index then leaves a
   * file whose summary it already has unread until something parses it, and parses are asked for
   * synchronously; elsewhere (a virtual file system) it reads every file as it scans.
   */
  canReadNow?(path: string): boolean;
  /** `readFile`, synchronously, where `canReadNow` says so; throws as `readFile` does. */
  readFileNow?(path: string, options?: ReadFileOptions): Uint8Array;
  /**
   * `readDirectory` and `stat`, synchronously, where `canReadNow` says so: a walk of thousands of
   * feature folders on the local disk then costs system calls, not a promise per entry.
   */
  readDirectoryNow?(path: string): Array<[name: string, type: EntryType]>;
  statNow?(path: string): FileStat | undefined;
}

/** Whether `fs` lists, stats and reads at `path` synchronously (all three `…Now` methods, and `canReadNow` says so). */
export function canWalkNow(fs: FileSystemHost, path: string): boolean {
  return fs.readDirectoryNow !== undefined && fs.statNow !== undefined && fs.readFileNow !== undefined && fs.canReadNow?.(path) === true;
}

export type FileReadFailure = 'missing' | 'not-regular' | 'symlink' | 'too-large' | 'unreadable';

/** Why a file could not be read, in words a problem message can carry. */
export class FileReadError extends Error {
  constructor(
    readonly path: string,
    readonly reason: FileReadFailure,
    detail: string,
  ) {
    super(detail);
    this.name = 'FileReadError';
  }
}

/** Any error from `readFile` as a {@link FileReadError} (node's ENOENT/EACCES/EISDIR… sorted by code). */
export function toFileReadError(path: string, e: unknown): FileReadError {
  if (e instanceof FileReadError) return e;
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'FileNotFound' || code === 'FileNotADirectory') return new FileReadError(path, 'missing', 'it does not exist');
  if (code === 'EISDIR' || code === 'FileIsADirectory') return new FileReadError(path, 'not-regular', 'it is a folder, not a file');
  // ENXIO: a socket, or a FIFO/device with nothing on the other end.
  if (code === 'ENXIO') return new FileReadError(path, 'not-regular', 'it is a socket or device, not a regular file');
  if (code === 'ELOOP') return new FileReadError(path, 'symlink', 'it is a symbolic link, which is not followed here');
  if (code === 'EACCES' || code === 'EPERM' || code === 'NoPermissions') return new FileReadError(path, 'unreadable', 'permission denied');
  const message = e instanceof Error ? e.message : String(e);
  return new FileReadError(path, 'unreadable', message.split('\n')[0] || 'it could not be read');
}

