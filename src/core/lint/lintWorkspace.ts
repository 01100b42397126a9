import * as path from 'node:path/posix';
import { type TasksDoc } from '../artifacts/tasks';
import { type SpecDoc } from '../artifacts/spec';
import { openspecFileKind, type OpenSpecKind } from '../openspec/openspecPaths';
import { withFileText } from '../openspec/project';
import { type OpenSpecFinding, validateOpenSpecProject } from '../openspec/validate';
import { expectIncrementalParse, rememberForIncrementalParse } from '../markdown/markdownDoc';
import { type Problem } from '../text/range';
import { openspecValidation } from '../workspace/openspecIndex';
import { isInside } from '../workspace/projects';
import { type FileSystemHost } from '../workspace/fileSystem';
import { type IndexedFeature, MAX_DOCUMENT_BYTES, type WorkspaceIndex } from '../workspace/workspaceIndex';
import { type AnalyzedDoc, analyzeDoc, lintKind, type ParsedModel } from './analyzedDoc';
import { type FeatureModels, lintDocument } from './lintRules';

/** The OpenSpec files that carry findings (project.md, AGENTS.md and notes have no rules). */
export const CHECKED_OPENSPEC: ReadonlySet<OpenSpecKind> = new Set(['openspec-spec', 'openspec-delta', 'openspec-tasks', 'openspec-proposal', 'openspec-design', 'openspec-change-file']);

/**
 * The files of the workspace as the rules see them: parsed models come from the {@link WorkspaceIndex}
 * (cached by modification time, or by version for unsaved text), so checking tasks.md on a keystroke
 * re-parses tasks.md and nothing else. Used by the language server and by `speckit-vscode check`.
 */
export class LintWorkspace {
  /** Analyses by parsed model (index-cached files) and by text version (the others). */
  private readonly byModel = new WeakMap<ParsedModel, AnalyzedDoc>();
  private readonly byKey = new Map<string, { key: string; doc: AnalyzedDoc }>();
  private readonly texts = new Map<string, { text: string; version: number }>();
  private version = 0;
  /** Whether an open editor's next parse may splice into its last one (off: every edit parsed in full). */
  incrementalParse = true;

  constructor(
    readonly index: WorkspaceIndex,
    private readonly fs: FileSystemHost,
  ) {}

  /** Unsaved text of an open editor (undefined when it closes); later reads see it instead of the disk. */
  setText(p: string, text: string | undefined): void {
    this.index.setOverlay(p, text);
    if (text === undefined) {
      this.texts.delete(p);
      rememberForIncrementalParse(p, undefined);
    } else {
      this.texts.set(p, { text, version: ++this.version });
      // The editor's last parse is superseded: the parse of this text may take its tree over.
      if (this.incrementalParse) expectIncrementalParse(p, text);
    }
  }

  /** An open editor's parse is the base the next keystroke's parse splices into (core/markdown/incrementalParse). */
  private remember(p: string, doc: AnalyzedDoc | undefined): AnalyzedDoc | undefined {
    if (doc && this.incrementalParse && this.texts.has(p)) rememberForIncrementalParse(p, doc.markdown);
    return doc;
  }

  /** Forgets the analyses of `paths` read from disk and the index's parses of them (see WorkspaceIndex.releaseDocuments). */
  release(paths: readonly string[]): void {
    this.index.releaseDocuments(paths);
    for (const p of paths) if (!this.texts.has(p)) this.byKey.delete(p);
  }

  hasText(p: string): boolean {
    return this.texts.has(p);
  }

  /** The analysed file, or undefined when it is not a spec-kit file or cannot be read. */
  async analyze(p: string): Promise<AnalyzedDoc | undefined> {
    const kind = lintKind(p);
    if (!kind) return undefined;
    if (kind === 'research' || kind === 'data-model' || kind === 'quickstart') return this.analyzeUnindexed(p);
    const model = await this.indexed(p);
    // Names the index does not parse (`001-tasks.md`, `feature-spec.md`) are read here.
    if (!model) return this.analyzeUnindexed(p);
    const cached = this.byModel.get(model);
    if (cached) return cached;
    // The same text as the index parsed, parsed again for its tree: the overlay, or the disk (read
    // again only for the tree; a tasks document holds its tree).
    const raw = model.kind === 'tasks' ? '' : (this.texts.get(p)?.text ?? (await this.read(p)));
    if (raw === undefined) return undefined;
    const doc = analyzeDoc(p, raw, model);
    if (doc) this.byModel.set(model, doc);
    return this.remember(p, doc);
  }

  /**
   * The index's document for `p`. When the index parses it for this call, the tree comes with it and
   * the analysis is made from both at once (one parse of the text, one read of the file): a spec read
   * first for a sibling's cross-file rules is then not parsed again when its own turn comes.
   */
  private async indexed(p: string): Promise<ParsedModel | undefined> {
    const { doc: model, markdown } = await this.index.load(p, undefined, true);
    if (model && markdown && lintKind(p) === model.kind && !this.byModel.has(model)) {
      const doc = analyzeDoc(p, '', model, markdown);
      if (doc) this.byModel.set(model, this.remember(p, doc)!);
    }
    return model;
  }

  private async analyzeUnindexed(p: string): Promise<AnalyzedDoc | undefined> {
    const overlay = this.texts.get(p);
    let key: string;
    if (overlay) key = `v${overlay.version}`;
    else {
      const s = await this.fs.stat(p);
      if (!s || s.type !== 'file') return undefined;
      key = `m${s.mtime}:${s.size}`;
    }
    const cached = this.byKey.get(p);
    if (cached?.key === key) return cached.doc;
    const raw = overlay?.text ?? (await this.read(p));
    if (raw === undefined) return undefined;
    const doc = analyzeDoc(p, raw);
    if (doc) this.byKey.set(p, { key, doc });
    return this.remember(p, doc);
  }

  private async read(p: string): Promise<Uint8Array | undefined> {
    try {
      // Bounded like the index's reads (research.md and the others are read only here).
      return await this.fs.readFile(p, { maxBytes: MAX_DOCUMENT_BYTES });
    } catch {
      return undefined;
    }
  }

  /** The feature a file belongs to, if the index knows it. */
  featureFor(p: string): IndexedFeature | undefined {
    return this.index.featureFor(p);
  }

  /**
   * Paths of the feature's spec-kit files. A file outside any known feature (no `.specify/`, a loose
   * folder) gets its own folder's spec.md, plan.md and tasks.md, so the cross-file rules still work.
   */
  async featurePaths(p: string): Promise<string[]> {
    const feature = this.featureFor(p);
    if (feature) {
      const f = feature.feature.files;
      const out = [f.spec, f.plan, f.tasks, f.research, f.dataModel, f.quickstart, ...f.checklists].filter((x) => x !== undefined).map((x) => x.path);
      if (!out.includes(p) && lintKind(p)) out.push(p);
      return out;
    }
    if (lintKind(p) === 'constitution') return [p];
    const dir = lintKind(p) === 'checklist' ? path.dirname(path.dirname(p)) : path.dirname(p);
    const out: string[] = [];
    for (const name of ['spec.md', 'plan.md', 'tasks.md', 'research.md', 'data-model.md', 'quickstart.md']) {
      const candidate = path.join(dir, name);
      if (candidate === p || this.texts.has(candidate) || (await this.fs.stat(candidate))?.type === 'file') out.push(candidate);
    }
    for (const [name, type] of await this.fs.readDirectory(path.join(dir, 'checklists'))) {
      if (type === 'file' && name.endsWith('.md')) out.push(path.join(dir, 'checklists', name));
    }
    if (!out.includes(p)) out.push(p);
    return out;
  }

  /** Every analysed file of the feature `p` belongs to (including `p`). */
  async featureDocs(p: string): Promise<AnalyzedDoc[]> {
    const docs = await Promise.all((await this.featurePaths(p)).map((x) => this.analyze(x)));
    return docs.filter((d): d is AnalyzedDoc => d !== undefined);
  }

  /** The spec and tasks of the feature `p` belongs to, for the cross-file rules. */
  async featureModels(p: string): Promise<FeatureModels> {
    const paths = await this.featurePaths(p);
    const specPath = paths.find((x) => lintKind(x) === 'spec');
    const tasksPath = paths.find((x) => lintKind(x) === 'tasks');
    const [spec, tasks] = await Promise.all([
      specPath ? (this.indexed(specPath) as Promise<SpecDoc | undefined>) : undefined,
      tasksPath ? (this.indexed(tasksPath) as Promise<TasksDoc | undefined>) : undefined,
    ]);
    return { spec: spec?.kind === 'spec' ? spec : undefined, tasks: tasks?.kind === 'tasks' ? tasks : undefined };
  }

  /**
   * The OpenSpec findings of one file (`openspec validate --strict`, with quick fixes), or undefined
   * when it is no OpenSpec file: the language server and `check` ask here first. The project comes
   * from the index (or is read, outside it), with every open editor's unsaved text in place.
   */
  async openspecLint(p: string): Promise<OpenSpecFinding[] | undefined> {
    const info = openspecFileKind(p);
    if (!info || !CHECKED_OPENSPEC.has(info.kind)) return undefined;
    return (await this.openspecFindings(p))?.filter((f) => f.path === p);
  }

  /** Every finding of the OpenSpec project that holds `p` (some name a file that is missing, such as proposal.md). */
  async openspecFindings(p: string): Promise<readonly OpenSpecFinding[] | undefined> {
    const info = openspecFileKind(p);
    if (!info) return undefined;
    let project = this.index.openspecFor(p)?.project;
    if (!project || project.root !== info.root) {
      // Outside the index's folders (`check` on a path): index it, so file events refresh it from now on.
      if (!this.index.hasFolder(info.root)) await this.index.addFolder(info.root);
      project = this.index.openspecFor(p)?.project;
      if (project?.root !== info.root) return undefined;
    }
    const indexed = project;
    for (const [file, t] of this.texts) if (isInside(project.dir, file)) project = withFileText(project, file, t.text);
    // Without unsaved text the index's model is the file's: its validation is computed once per model.
    return (project === indexed ? openspecValidation(project) : validateOpenSpecProject(project)).findings;
  }

  /** The problems of one file (default severities), or undefined when it is not a spec-kit file. */
  async lint(p: string): Promise<{ doc: AnalyzedDoc; problems: Problem[] } | undefined> {
    const doc = await this.analyze(p);
    if (!doc) return undefined;
    return { doc, problems: lintDocument(doc, await this.featureModels(p)) };
  }
}
