import { type FileSystemHost, type ReadFileOptions } from '../../../src/core/workspace/fileSystem';
import { NodeFileSystem } from '../../../src/core/workspace/nodeFileSystem';

/**
 * The disk, counting reads, so a test can show a refresh re-reads only what changed. `syncReads`
 * false makes it a file system that reads asynchronously only (as a virtual one).
 */
export class CountingFs implements FileSystemHost {
  reads: string[] = [];
  /** Synchronous reads (`readFileNow`): parses of files the scan left unread. */
  nowReads: string[] = [];
  directories: string[] = [];
  private readonly inner = new NodeFileSystem();
  readonly canReadNow?: (p: string) => boolean;
  readonly readFileNow?: (p: string, options?: ReadFileOptions) => Uint8Array;
  constructor(options: { syncReads?: boolean; failNow?: (p: string) => Error | undefined } = {}) {
    if (options.syncReads === false) return;
    this.canReadNow = () => true;
    this.readFileNow = (p, o) => {
      this.nowReads.push(p);
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
