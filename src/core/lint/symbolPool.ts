import { availableParallelism } from 'node:os';
import { type MessagePort, Worker } from 'node:worker_threads';
import { NodeFileSystem } from '../workspace/nodeFileSystem';
import { MAX_DOCUMENT_BYTES } from '../workspace/workspaceIndex';
import { type WorkspaceSymbol } from './navigation';
import { symbolsOfFile, type SymbolParser } from './workspaceSymbols';

/** To a worker: files to parse. From it: each file's symbols, null for one it could not read. */
interface SymbolRequest {
  readonly id: number;
  readonly paths: readonly string[];
}
interface SymbolReply {
  readonly id: number;
  readonly results: ReadonlyArray<readonly WorkspaceSymbol[] | null>;
}

/** At most this many workers, whatever the cores: each holds the parsers (tens of MB). */
const MAX_WORKERS = 8;
/** Workers end after this long without work. */
const IDLE_MS = 30_000;

interface Slot {
  readonly worker: Worker;
  busy: number;
}

/**
 * Worker threads that parse files for their workspace symbols, one per core: a first search over a
 * thousand features is seconds of parsing, shared out this way instead of run on the server's thread.
 * `script` is the server bundle, which serves these requests when it runs as a worker
 * (serveSymbolParses). Workers start on the first parse and end when idle. A worker that fails
 * rejects what it was given (WorkspaceSymbols parses that in its own thread) and is replaced on the
 * next parse.
 */
export class SymbolPool implements SymbolParser {
  private slots: Slot[] = [];
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (r: ReadonlyArray<readonly WorkspaceSymbol[] | undefined>) => void; reject: (e: Error) => void; slot: Slot }>();
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly script: string,
    private readonly size = Math.min(MAX_WORKERS, Math.max(1, availableParallelism())),
  ) {}

  parse(paths: readonly string[]): Promise<ReadonlyArray<readonly WorkspaceSymbol[] | undefined>> {
    let slot: Slot;
    try {
      slot = this.pick();
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    clearTimeout(this.idle);
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, slot });
      slot.busy++;
      slot.worker.postMessage({ id, paths } satisfies SymbolRequest);
    });
  }

  dispose(): void {
    clearTimeout(this.idle);
    for (const s of this.slots) void s.worker.terminate();
    this.slots = [];
    for (const w of this.waiting.values()) w.reject(new Error('the symbol pool was closed'));
    this.waiting.clear();
  }

  /** The least busy worker, starting one while there are fewer than `size`. */
  private pick(): Slot {
    const free = this.slots.find((s) => s.busy === 0);
    if (free) return free;
    if (this.slots.length < this.size) return this.start();
    return this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  private start(): Slot {
    const worker = new Worker(this.script);
    // Neither keeps the server alive at exit: the process ends with its connection.
    worker.unref();
    const slot: Slot = { worker, busy: 0 };
    this.slots.push(slot);
    worker.on('message', (m: SymbolReply) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      slot.busy--;
      w.resolve(m.results.map((r) => r ?? undefined));
      if (this.waiting.size === 0) this.idle = setTimeout(() => this.dispose(), IDLE_MS).unref();
    });
    const gone = (e: unknown): void => {
      this.slots = this.slots.filter((s) => s !== slot);
      for (const [id, w] of this.waiting) {
        if (w.slot !== slot) continue;
        this.waiting.delete(id);
        w.reject(e instanceof Error ? e : new Error(`a symbol worker stopped (${String(e)})`));
      }
    };
    worker.on('error', gone);
    worker.on('exit', gone);
    return slot;
  }
}

/** The worker's side: answers each request with the files' symbols, read with blocking calls (a worker has nothing else to do). */
export function serveSymbolParses(port: MessagePort): void {
  const fs = new NodeFileSystem({ blocking: true });
  port.on('message', (m: SymbolRequest) => {
    const results = m.paths.map((p) => {
      try {
        return symbolsOfFile(p, fs.readFileNow(p, { maxBytes: MAX_DOCUMENT_BYTES }));
      } catch {
        return null;
      }
    });
    port.postMessage({ id: m.id, results } satisfies SymbolReply);
  });
}
