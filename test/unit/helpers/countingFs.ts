import { type FileSystemHost } from '../../../src/core/workspace/fileSystem';
import { NodeFileSystem } from '../../../src/core/workspace/nodeFileSystem';

/** The disk, counting reads, so a test can show a refresh re-reads only what changed. */
export class CountingFs implements FileSystemHost {
  reads: string[] = [];
  private readonly inner = new NodeFileSystem();
  readFile(p: string): Promise<Uint8Array> {
    this.reads.push(p);
    return this.inner.readFile(p);
  }
  readDirectory(p: string): ReturnType<FileSystemHost['readDirectory']> {
    return this.inner.readDirectory(p);
  }
  stat(p: string): ReturnType<FileSystemHost['stat']> {
    return this.inner.stat(p);
  }
}
