// node:fs/promises through fs.promises, loaded on first use: a blocking reader (the CLI) never pays its ~2.5 ms load.
import { closeSync, constants, promises as fsp, fstatSync, lstatSync, openSync, readdirSync, readSync, statSync, type Stats } from 'node:fs';
import { type EntryType, type FileStat, type FileSystemHost, FileReadError, type ReadFileOptions, toFileReadError } from './fileSystem';

export interface NodeFileSystemOptions {
  /** Told of each folder that is there but cannot be listed (`readDirectory` still gives []). */
  readonly onUnreadableFolder?: (error: FileReadError) => void;
  /**
   * Read with node's synchronous calls inside the async methods. Each asynchronous call is a hop to
   * libuv's thread pool and back; for thousands of small files those hops cost several times the
   * reading itself (npm run bench:index). For a batch process (the CLI, a worker) that has nothing
   * else to do meanwhile; not for a thread that must stay responsive.
   */
  readonly blocking?: boolean;
  /**
   * Modification times in whole milliseconds as node's `Stats.mtime` (a Date) has them, which is what
   * VS Code's disk file system reports; by default `mtimeMs`, with its fraction.
   */
  readonly wholeMilliseconds?: boolean;
}

/** node:fs implementation for the CLI, the language server and tests. */
export class NodeFileSystem implements FileSystemHost {
  constructor(private readonly options: NodeFileSystemOptions = {}) {}

  async readFile(path: string, options: ReadFileOptions = {}): Promise<Uint8Array> {
    if (this.options.blocking) return readFileBlocking(path, options);
    // Look before opening: opening a device can itself have effects, and a FIFO would wait for a writer.
    if (!options.seenRegular) {
      let before: Stats;
      try {
        before = options.noFollow ? await fsp.lstat(path) : await fsp.stat(path);
      } catch (e) {
        throw toFileReadError(path, e);
      }
      refuse(path, before, options);
    }
    // O_NONBLOCK: should the entry be swapped for a FIFO after the look, open returns instead of waiting;
    // O_NOFOLLOW: nor can it be swapped for a link. The fstat below is the check that counts.
    const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (options.noFollow ? (constants.O_NOFOLLOW ?? 0) : 0);
    let handle;
    try {
      handle = await fsp.open(path, flags);
    } catch (e) {
      throw toFileReadError(path, e);
    }
    try {
      const s = await handle.stat();
      refuse(path, s, options);
      if (options.maxBytes === undefined) return await handle.readFile();
      const into = new BoundedBuffer(path, s.size, options.maxBytes);
      for (;;) {
        const slot = into.slot();
        if (into.took((await handle.read(slot.buffer, slot.offset, slot.length, null)).bytesRead)) break;
      }
      return into.result();
    } catch (e) {
      throw toFileReadError(path, e);
    } finally {
      await handle.close();
    }
  }

  canReadNow(): boolean {
    return true;
  }

  readFileNow(path: string, options: ReadFileOptions = {}): Uint8Array {
    return readFileBlocking(path, options);
  }

  async readDirectory(path: string): Promise<Array<[string, EntryType]>> {
    if (this.options.blocking) return this.readDirectoryNow(path);
    try {
      return entriesOf(await fsp.readdir(path, { withFileTypes: true }));
    } catch (e) {
      return this.unlisted(path, e);
    }
  }

  readDirectoryNow(path: string): Array<[string, EntryType]> {
    try {
      return entriesOf(readdirSync(path, { withFileTypes: true }));
    } catch (e) {
      return this.unlisted(path, e);
    }
  }

  private unlisted(path: string, e: unknown): [] {
    const error = toFileReadError(path, e);
    if (error.reason !== 'missing') this.options.onUnreadableFolder?.(error);
    return [];
  }

  async stat(path: string): Promise<FileStat | undefined> {
    if (this.options.blocking) return this.statNow(path);
    try {
      return this.fileStat(await fsp.stat(path));
    } catch {
      // A dangling symlink still exists as an entry.
      try {
        return { type: 'symlink', mtime: this.mtimeOf(await fsp.lstat(path)), size: 0 };
      } catch {
        return undefined;
      }
    }
  }

  statNow(path: string): FileStat | undefined {
    // No exception for the common "not there": building one costs more than the stat.
    let s: Stats | undefined;
    try {
      s = statSync(path, { throwIfNoEntry: false });
    } catch {
      s = undefined;
    }
    if (s) return this.fileStat(s);
    // A dangling symlink still exists as an entry.
    try {
      const l = lstatSync(path, { throwIfNoEntry: false });
      return l && { type: 'symlink', mtime: this.mtimeOf(l), size: 0 };
    } catch {
      return undefined;
    }
  }

  private fileStat(s: Stats): FileStat {
    return { type: s.isFile() ? 'file' : s.isDirectory() ? 'directory' : 'other', mtime: this.mtimeOf(s), size: s.size };
  }

  private mtimeOf(s: Stats): number {
    return this.options.wholeMilliseconds ? s.mtime.getTime() : s.mtimeMs;
  }
}

function entriesOf(entries: ReadonlyArray<{ name: string; isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }>): Array<[string, EntryType]> {
  return entries.map((e) => [e.name, e.isFile() ? 'file' : e.isDirectory() ? 'directory' : e.isSymbolicLink() ? 'symlink' : 'other']);
}

/** readFile's checks, made with synchronous calls (see NodeFileSystemOptions.blocking). */
function readFileBlocking(path: string, options: ReadFileOptions): Uint8Array {
  if (!options.seenRegular) {
    let before: Stats;
    try {
      before = options.noFollow ? lstatSync(path) : statSync(path);
    } catch (e) {
      throw toFileReadError(path, e);
    }
    refuse(path, before, options);
  }
  const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (options.noFollow ? (constants.O_NOFOLLOW ?? 0) : 0);
  let fd: number;
  try {
    fd = openSync(path, flags);
  } catch (e) {
    throw toFileReadError(path, e);
  }
  try {
    const s = fstatSync(fd);
    refuse(path, s, options);
    const into = new BoundedBuffer(path, s.size, options.maxBytes ?? Number.MAX_SAFE_INTEGER);
    for (;;) {
      const slot = into.slot();
      if (into.took(readSync(fd, slot.buffer, slot.offset, slot.length, null))) break;
    }
    return into.result();
  } catch (e) {
    throw toFileReadError(path, e);
  } finally {
    closeSync(fd);
  }
}

/**
 * The read loop's buffer, for both paths: sized by the fstat (a buffer of the cap for every file
 * would be 16 MB per spec file), grown only if the file grows meanwhile, and never past max + 1, so
 * bounded either way. Unpooled: `.buffer` holds this file only.
 */
class BoundedBuffer {
  private buffer: Buffer;
  private length = 0;
  private want = 0;

  constructor(
    private readonly path: string,
    size: number,
    private readonly max: number,
  ) {
    this.buffer = Buffer.allocUnsafeSlow(Math.min(size, max) + 1);
  }

  /** Where the next read goes. */
  slot(): { buffer: Buffer; offset: number; length: number } {
    if (this.length === this.buffer.length) {
      if (this.length > this.max) throw tooLarge(this.path, this.length, this.max);
      const bigger = Buffer.allocUnsafeSlow(Math.min(this.buffer.length * 2, this.max + 1));
      this.buffer.copy(bigger, 0, 0, this.length);
      this.buffer = bigger;
    }
    this.want = this.buffer.length - this.length;
    return { buffer: this.buffer, offset: this.length, length: this.want };
  }

  /**
   * True when the file is read: a regular file reads short only at its end, and the buffer has room
   * for one byte more than the fstat said, so an unchanged file takes one read, not a second that
   * returns nothing.
   */
  took(bytesRead: number): boolean {
    this.length += bytesRead;
    return bytesRead < this.want;
  }

  result(): Uint8Array {
    if (this.length > this.max) throw tooLarge(this.path, this.length, this.max);
    return this.buffer.subarray(0, this.length);
  }
}

function refuse(path: string, s: Stats, options: ReadFileOptions): void {
  if (s.isSymbolicLink()) throw new FileReadError(path, 'symlink', 'it is a symbolic link, which is not followed here');
  if (!s.isFile()) throw new FileReadError(path, 'not-regular', `it is ${kindOf(s)}, not a regular file`);
  if (options.maxBytes !== undefined && s.size > options.maxBytes) throw tooLarge(path, s.size, options.maxBytes);
}

function tooLarge(path: string, size: number, max: number): FileReadError {
  return new FileReadError(path, 'too-large', `it has ${size > max + 1 ? size : `more than ${max}`} bytes; at most ${max} are read`);
}

function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a named pipe (FIFO)';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  return 'a special file';
}
