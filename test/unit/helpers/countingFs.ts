import { type EntryType, type FileStat, type FileSystemHost, type ReadFileOptions } from '../../../src/core/workspace/fileSystem';
import { NodeFileSystem } from '../../../src/core/workspace/nodeFileSystem';

/**
 * The disk, counting reads, so a test can show a refresh re-reads only what changed. `syncReads`
 * false makes it a file system that reads and walks asynchronously only (as a virtual one).
 */
export class CountingFs implements FileSystemHost {
  /** Reads on a scan: `readFile`, or `readFileNow` of a file the listing just saw (`seenRegular`). */
  reads: string[] = [];
  /** Other synchronous reads (`readFileNow`): parses of files the scan left unread. */
  nowReads: string[] = [];
  directories: string[] = [];
  private readonly inner = new NodeFileSystem();
  readonly canReadNow?: (p: string) => boolean;
  readonly readFileNow?: (p: string, options?: ReadFileOptions) => Uint8Array;
  readonly readDirectoryNow?: (p: string) => Array<[string, EntryType]>;
  readonly statNow?: (p: string) => FileStat | undefined;
  constructor(options: { syncReads?: boolean; failNow?: (p: string) => Error | undefined } = {}) {
    if (options.syncReads === false) return;
    this.canReadNow = () => true;
    this.readDirectoryNow = (p) => {
      this.directories.push(p);
      return this.inner.readDirectoryNow(p);
    };
    this.statNow = (p) => this.inner.statNow(p);
    this.readFileNow = (p, o) => {
      (o?.seenRegular ? this.reads : this.nowReads).push(p);
      const failure = options.failNow?.(p);
      if (failure) throw failure;
      return this.inner.readFileNow(p, o);
    };
  }
  readFile(p: string): Promise<Uint8Array> {
    this.reads.push(p);
    return this.inner.readFile(p);
  }
  readDirectory(p: string): ReturnType<FileSystemHost['readDirectory']> {
    this.directories.push(p);
    return this.inner.readDirectory(p);
  }
  stat(p: string): ReturnType<FileSystemHost['stat']> {
    return this.inner.stat(p);
  }
}
