import * as path from 'node:path/posix';
import * as vscode from 'vscode';
import { FileStreamSplitter, type ModelFile, parseFileEnvelopes } from '../../core/chat/fileEnvelope';
import { assemblePrompt, parsePromptTemplate, type PromptTemplate } from '../../core/chat/promptAssembly';
import { type IndexedProject } from '../../core/workspace/workspaceIndex';
import { ChatCommands, type ChatTurnKind, Commands } from '../../ids';
import { slash } from '../../platform/chat';
import { containPathIn } from '../../platform/containment';
import { chooseModel, type ModelChoice } from '../../platform/modelChoice';
import { type SpeckitServices } from '../../platform/services';
import { type FeatureInProject, type WorkspaceModel } from '../../platform/workspaceModel';
import { currentText, describeIncompleteWrite, type PlannedWrite, type ProposalStore, writeArtifacts } from './artifactWriter';
import { type ChatMetadataFields, type ChatMetadataOf } from './chatMetadata';
import { callModel, failureMessage, type ModelFailure, type ModelMessage } from './modelCall';

export interface ContextItem {
  readonly label: string;
  readonly path?: string;
  readonly text: string;
}

/** Context a prompt may include at most, in characters (about 30k tokens). */
const MAX_CONTEXT_CHARS = 120_000;
/** A referenced file larger than this is cut. */
const MAX_REFERENCE_CHARS = 40_000;

/**
 * One chat request being answered as command `C`: the request, the stream, the cancellation token
 * and the helpers every command uses to read artifacts, call the model, show progress, write files
 * and end with a result whose metadata names `C`.
 */
export class ChatTurn<C extends ChatTurnKind = ChatTurnKind> {
  constructor(
    readonly services: SpeckitServices,
    /** The command this turn runs (from the slash command, or `ask`). */
    readonly command: C,
    readonly request: vscode.ChatRequest,
    readonly context: vscode.ChatContext,
    readonly stream: vscode.ChatResponseStream,
    readonly token: vscode.CancellationToken,
    readonly proposals: ProposalStore,
    private readonly promptOverride?: string,
    /** The model choice, made once per request and shared by the turns derived from it. */
    private readonly choice: { pending?: Promise<ModelChoice> } = {},
  ) {}

  /**
   * The language model this request uses (`speckit.model`, else the chat's); says so when it is not
   * the chat's. Not to be confused with `model`, the workspace model.
   */
  async languageModel(): Promise<vscode.LanguageModelChat | undefined> {
    this.choice.pending ??= chooseModel(this.request.model).then((c) => {
      if (c.note) this.stream.markdown(`_${escapeMarkdown(c.note)}_\n\n`);
      return c;
    });
    return (await this.choice.pending).model;
  }

  get prompt(): string {
    return (this.promptOverride ?? this.request.prompt).trim();
  }

  get model(): WorkspaceModel {
    return this.services.model;
  }

  /** The same request run as another command with another input (implement runs plan and tasks first). */
  as<D extends ChatTurnKind>(command: D, prompt: string): ChatTurn<D> {
    return new ChatTurn(this.services, command, this.request, this.context, this.stream, this.token, this.proposals, prompt, this.choice);
  }

  /** The result of this turn, its metadata naming the command. */
  result(fields: ChatMetadataFields<C> = {} as ChatMetadataFields<C>): vscode.ChatResult {
    const metadata: ChatMetadataOf<C> = { command: this.command, ...fields };
    return { metadata };
  }

  progress(message: string): void {
    this.stream.progress(message);
  }

  markdown(text: string): void {
    this.stream.markdown(text);
  }

  /** The result of a turn that did not do its work. */
  failed(fields: ChatMetadataFields<C> = {} as ChatMetadataFields<C>): vscode.ChatResult {
    return this.result({ ...fields, failed: true });
  }

  /** Ends a turn that could not do its work, with the reason in the chat. */
  fail(message: string, fields?: ChatMetadataFields<C>): vscode.ChatResult {
    this.warn(message);
    return this.failed(fields);
  }

  /** The reply when the workspace has no spec-kit project: the way to make one. */
  noProject(): vscode.ChatResult {
    this.stream.markdown(`This workspace has no spec-kit project yet. Initialize one, then describe a feature with \`${slash('specify')}\`.`);
    this.stream.button({ command: Commands.initProject, title: 'Initialize Project' });
    return this.failed();
  }

  /** A warning line with the theme's warning icon. */
  warn(message: string): void {
    this.stream.markdown(new vscode.MarkdownString(`\n\n$(warning) **${escapeMarkdown(message)}**\n`, true));
  }

  modelFailed(failure: ModelFailure, fields?: ChatMetadataFields<C>): vscode.ChatResult {
    if (failure.kind === 'cancelled') {
      this.stream.markdown('\n\n_Cancelled. Nothing was written._\n');
      return this.failed(fields);
    }
    return { errorDetails: { message: failureMessage(failure) }, ...this.failed(fields) };
  }

  /** The project a command works in: the current editor's or the only one; asks when several. */
  async project(): Promise<IndexedProject | undefined> {
    await this.model.whenIdle();
    return this.services.picker.project(undefined, 'Which spec-kit project?');
  }

  /** The feature a command works on, with its project: the active editor's, else the current one, else asks. */
  async feature(): Promise<FeatureInProject | undefined> {
    await this.model.whenIdle();
    return this.model.withProject(await this.services.picker.feature(undefined, 'Which feature?'));
  }

  /** The feature in folder `dir`, with its project, once the index is current; undefined when it is gone. */
  async featureAt(dir: string): Promise<FeatureInProject | undefined> {
    await this.model.whenIdle();
    return this.model.withProject(this.model.index.featureFor(dir));
  }

  /** A prompt template: the workspace's `.specify/templates/overrides/speckit.<name>.md` wins over ours. */
  async template(name: string, project: IndexedProject | undefined): Promise<PromptTemplate> {
    if (project) {
      const override = this.model.uriFor(path.join(project.project.specifyDir ?? path.join(project.project.root, '.specify'), 'templates', 'overrides', `speckit.${name}.md`));
      // Contained like every other read: an override that is a link out of the project is not used.
      const text = await this.readPath(override.path, project.project.root);
      if (text !== undefined) return parsePromptTemplate(name, text);
    }
    const bundled = await this.readUri(vscode.Uri.joinPath(this.services.context.extensionUri, 'prompts', `${name}.md`));
    if (bundled === undefined) throw new Error(`The prompt ${name}.md is missing from the extension.`);
    return parsePromptTemplate(name, bundled);
  }

  /**
   * A workspace file's text, only when the containment rule allows it: inside `root` (default: its
   * workspace folder), no symlink out, a regular file. Undefined otherwise, as for a missing file.
   */
  async readPath(p: string | undefined, root?: string): Promise<string | undefined> {
    if (!p) return undefined;
    const uri = this.model.uriFor(p);
    const base = root ?? vscode.workspace.getWorkspaceFolder(uri)?.uri.path;
    if (!base) return undefined;
    const checked = await containPathIn((q) => this.model.uriFor(q), base, p, 'read');
    if (!checked.ok || checked.kind !== 'file') {
      if (!checked.ok) this.services.log.warn(`Not read: ${checked.reason}`);
      return undefined;
    }
    // An open editor's unsaved text is what the user sees; prefer it.
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    return open ? open.getText() : this.readUri(uri);
  }

  async readUri(uri: vscode.Uri): Promise<string | undefined> {
    try {
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      return undefined;
    }
  }

  /** `#file` references attached to the request, as context items (text files only, size-capped). */
  async references(): Promise<ContextItem[]> {
    const out: ContextItem[] = [];
    for (const ref of this.request.references) {
      const value = ref.value;
      const uri = value instanceof vscode.Uri ? value : value instanceof vscode.Location ? value.uri : undefined;
      if (!uri) {
        if (typeof value === 'string') out.push({ label: `Reference ${ref.id}`, text: value.slice(0, MAX_REFERENCE_CHARS) });
        continue;
      }
      let text = await this.readUri(uri);
      if (text === undefined || text.includes('\u0000')) continue;
      if (value instanceof vscode.Location) text = text.split(/\r?\n/).slice(value.range.start.line, value.range.end.line + 1).join('\n');
      out.push({ label: `Referenced file ${vscode.workspace.asRelativePath(uri)}`, path: vscode.workspace.asRelativePath(uri), text: text.slice(0, MAX_REFERENCE_CHARS) });
    }
    return out;
  }

  /** Builds the messages for a template, with repository text fenced as data. */
  messages(template: PromptTemplate, vars: Record<string, string>, context: readonly ContextItem[], userInput: string, history: ModelMessage[] = []): ModelMessage[] {
    const assembled = assemblePrompt({ template, vars, context: [...context], userInput, history, maxContextChars: MAX_CONTEXT_CHARS });
    if (assembled.truncated.length > 0) this.services.log.info(`Prompt ${template.name}: context cut to fit (${assembled.truncated.join(', ')})`);
    return assembled.messages;
  }

  /**
   * Calls the model, streaming its prose to the chat as it writes and each file it returns as a
   * code block being written. Returns the parsed reply, or a failure (nothing is written then).
   */
  async generate(messages: readonly ModelMessage[], justification: string, show: 'files' | 'prose' | 'nothing' = 'files'): Promise<{ ok: true; files: ModelFile[]; prose: string; text: string; problems: string[] } | { ok: false; failure: ModelFailure }> {
    const splitter = new FileStreamSplitter();
    const fence = '~~~~~~';
    const display = (chunk: string): void => {
      if (show === 'nothing') return;
      if (show === 'prose') {
        this.stream.markdown(chunk);
        return;
      }
      for (const e of splitter.push(chunk)) this.showEvent(e, fence);
    };
    const result = await callModel(await this.languageModel(), messages, this.token, display, justification);
    if (show === 'files') for (const e of splitter.end()) this.showEvent(e, fence);
    if (!result.ok) return { ok: false, failure: result.failure };
    const parsed = parseFileEnvelopes(result.text);
    return { ok: true, files: parsed.files, prose: parsed.prose, text: result.text, problems: parsed.problems };
  }

  private showEvent(e: ReturnType<FileStreamSplitter['push']>[number], fence: string): void {
    switch (e.kind) {
      case 'prose':
        this.stream.markdown(e.text);
        break;
      case 'fileStart':
        this.stream.markdown(`\n\n**\`${escapeMarkdown(e.path)}\`**\n${fence}markdown\n`);
        break;
      case 'fileText':
        this.stream.markdown(e.text.replace(new RegExp(`^${fence}`, 'gm'), '~~~~~ ~'));
        break;
      case 'fileEnd':
        this.stream.markdown(`\n${fence}\n${e.complete ? '' : '\n_(the reply stopped before the end of this file)_\n'}`);
        break;
    }
  }

  /**
   * Writes files inside the project (or, when `propose` and a file exists, holds them as a
   * proposal and shows the change first). Reports what happened in the chat.
   */
  async write(projectRoot: string, writes: readonly PlannedWrite[], label: string, options: { propose?: boolean; quiet?: boolean } = {}): Promise<{ written: vscode.Uri[]; proposed: boolean; refused: boolean }> {
    if (this.token.isCancellationRequested) {
      this.stream.markdown('\n\n_Cancelled. Nothing was written._\n');
      return { written: [], proposed: false, refused: true };
    }
    if (options.propose) {
      const existing: PlannedWrite[] = [];
      const shown: PlannedWrite[] = [];
      for (const w of writes) {
        const expected = await currentText(this.model.uriFor(w.path));
        if (expected !== null) existing.push(w);
        shown.push({ ...w, expected });
      }
      if (existing.length > 0) {
        const proposal = this.proposals.add(projectRoot, shown, label);
        this.stream.markdown(
          `\n\n${existing.map((w) => `\`${path.relative(projectRoot, w.path)}\``).join(', ')} already exist${existing.length === 1 ? 's' : ''}: nothing was overwritten. Review the change, then apply it.\n`,
        );
        for (const w of existing) {
          this.stream.button({
            command: 'vscode.diff',
            title: `Compare ${path.basename(w.path)}`,
            arguments: [this.model.uriFor(w.path), this.proposals.uriFor(proposal, w), `${path.basename(w.path)} ↔ proposed`],
          });
        }
        this.stream.button({ command: ChatCommands.applyProposal, title: `Apply ${writes.length} file${writes.length === 1 ? '' : 's'}`, arguments: [proposal.id] });
        return { written: [], proposed: true, refused: false };
      }
    }
    const outcome = await writeArtifacts(this.model, projectRoot, writes, label);
    const incomplete = describeIncompleteWrite(outcome, (p) => path.relative(projectRoot, p) || p);
    if (incomplete && outcome.unsaved.length > 0) {
      this.warn(incomplete);
      await this.model.refreshNow([...outcome.written, ...outcome.unsaved].map((u) => u.path));
      return { written: outcome.written, proposed: false, refused: true };
    }
    if (incomplete) {
      this.warn(incomplete);
      const proposal = this.proposals.add(projectRoot, writes, label);
      for (const w of writes) {
        this.stream.button({ command: ChatCommands.openProposal, title: `Open generated ${path.basename(w.path)}`, arguments: [this.proposals.uriFor(proposal, w)] });
      }
      return { written: [], proposed: false, refused: true };
    }
    await this.model.refreshNow(outcome.written.map((u) => u.path));
    if (!options.quiet) this.showWritten(projectRoot, outcome.written);
    return { written: outcome.written, proposed: false, refused: false };
  }

  /** The files written, as a tree with the feature folder as its base, and buttons to open them. */
  showWritten(base: string, written: readonly vscode.Uri[]): void {
    if (written.length === 0) return;
    const rels = written.map((u) => path.relative(base, u.path));
    this.stream.markdown(`\n\n**Written** (${written.length} file${written.length === 1 ? '' : 's'}):\n`);
    this.stream.filetree(fileTree(rels), this.model.uriFor(base));
    for (const uri of written.slice(0, 6)) this.stream.button({ command: 'vscode.open', title: `Open ${path.basename(uri.path)}`, arguments: [uri] });
  }
}

function fileTree(rels: readonly string[]): vscode.ChatResponseFileTree[] {
  const root: vscode.ChatResponseFileTree[] = [];
  for (const rel of rels) {
    let level = root;
    for (const part of rel.split('/')) {
      let node = level.find((n) => n.name === part);
      if (!node) {
        node = { name: part };
        level.push(node);
      }
      if (part !== rel.split('/').pop()) level = node.children ??= [];
    }
  }
  return root;
}

export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);
}
