import { type FileSystemHost } from '../workspace/fileSystem';
import { type FileInfo } from '../workspace/features';
import { type IndexedFeature, MAX_DOCUMENT_BYTES, parseByKind, type WorkspaceIndex } from '../workspace/workspaceIndex';
import { featureSymbols, type WorkspaceSymbol } from './navigation';

/**
 * The symbols of each feature's spec, tasks and checklists, for workspace symbol search. A file the
 * index holds parsed (an open editor's, or one a rule or the Spec Explorer asked for) gives them from
 * that document. Any other file is parsed here and only its symbols are kept, by its size and
 * modification time: a first search parses every file of the workspace, and keeping all those
 * documents in the index held over a hundred megabytes on a thousand features (npm run bench:lsp).
 */
export class WorkspaceSymbols {
  private readonly byPath = new Map<string, { readonly mtime: number; readonly size: number | undefined; readonly symbols: readonly WorkspaceSymbol[] }>();

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly fs: FileSystemHost,
  ) {}

  /**
   * A feature's symbols, in featureSymbols' order: the spec's stories and requirements, the tasks,
   * each checklist's items. The paths of its files go into `visited` (for keepOnly).
   */
  async of(f: IndexedFeature, visited?: Set<string>): Promise<WorkspaceSymbol[]> {
    const files = f.feature.files;
    const out: WorkspaceSymbol[] = [];
    const { spec, tasks } = files;
    if (spec) out.push(...(await this.file(spec, () => (f.spec ? featureSymbols({ spec: { path: spec.path, doc: f.spec } }) : []), visited)));
    if (tasks) out.push(...(await this.file(tasks, () => (f.tasks ? featureSymbols({ tasks: { path: tasks.path, doc: f.tasks } }) : []), visited)));
    for (const c of f.checklists) {
      const info = files.checklists.find((x) => x.path === c.path);
      if (info) out.push(...(await this.file(info, () => featureSymbols({ checklists: [{ path: c.path, doc: c.doc }] }), visited)));
    }
    return out;
  }

  /** Forgets the symbols of files not in `paths` (deleted or renamed since): after a search that visited every feature. */
  keepOnly(paths: ReadonlySet<string>): void {
    for (const p of this.byPath.keys()) if (!paths.has(p)) this.byPath.delete(p);
  }

  get size(): number {
    return this.byPath.size;
  }

  private async file(info: FileInfo, fromIndex: () => WorkspaceSymbol[], visited: Set<string> | undefined): Promise<readonly WorkspaceSymbol[]> {
    visited?.add(info.path);
    if (this.index.holdsDocument(info.path)) return fromIndex();
    const known = this.byPath.get(info.path);
    if (known && known.mtime === info.mtime && known.size === info.size) return known.symbols;
    let raw: Uint8Array;
    try {
      raw = await this.fs.readFile(info.path, { maxBytes: MAX_DOCUMENT_BYTES });
    } catch {
      // Unreadable now (the index reports why): no symbols, and nothing kept for it.
      return [];
    }
    // The parse the index would make (parseByKind), its document dropped once its symbols are taken.
    const doc = parseByKind(info.path, raw);
    const symbols =
      doc?.kind === 'spec'
        ? featureSymbols({ spec: { path: info.path, doc } })
        : doc?.kind === 'tasks'
          ? featureSymbols({ tasks: { path: info.path, doc } })
          : doc?.kind === 'checklist'
            ? featureSymbols({ checklists: [{ path: info.path, doc }] })
            : [];
    this.byPath.set(info.path, { mtime: info.mtime, size: info.size, symbols });
    return symbols;
  }
}
