import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { type FileCommit, tasksHistory } from '../../core/dashboard/burnUp';
import { localDate } from '../../core/dashboard/dates';
import { buildDashboard } from '../../core/dashboard/dashboardModel';
import { dashboardHtml, nonceFrom } from '../../core/dashboard/html';
import {
  type BurnUpPoint,
  type DashboardUiState,
  type DashboardView,
  type FromWebview,
  parseFromWebview,
  type StepId,
  type ToWebview,
  type VerificationFact,
} from '../../core/dashboard/protocol';
import { fileAtCommit, fileCommits } from '../../core/workspace/git';
import { resolveProgram } from '../../platform/executables';
import { type IndexChange } from '../../core/workspace/workspaceIndex';
import { Commands, Settings } from '../../ids';
import { sendToChat } from '../../platform/chat';
import { setTaskDone } from '../../platform/taskState';
import { type WorkspaceModel } from '../../platform/workspaceModel';

/** What the dashboard needs of build-gated verification (the Nix feature's verification service). */
export interface DashboardVerification {
  lastResult(ref: { uri: vscode.Uri; taskId: string }): { ok: boolean; exitCode: number | undefined; durationMs: number; finishedAt: number; label: string } | undefined;
  target(uri: vscode.Uri, ask: boolean): Promise<unknown>;
  readonly onDidChangeResult: vscode.Event<unknown>;
}

export interface DashboardDeps {
  readonly model: WorkspaceModel;
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  /** The Nix feature's verification service, when it is registered. */
  readonly verification: () => DashboardVerification | undefined;
  /** Host builds finished this session (not tied to a task), newest first. */
  readonly builds: () => readonly VerificationFact[];
  /** The workspace trust gate the Nix feature uses (tests override it). */
  readonly isTrusted: () => boolean;
}

/** Updates are gathered this long, so a burst of index changes renders once. */
const UPDATE_DELAY_MS = 40;

/**
 * One feature's dashboard: a webview panel fed with the view model on every change of the feature
 * in the index (files on disk and unsaved edits alike), of its verification results and of trust.
 */
export class DashboardPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly historyCache = new Map<string, { done: number; total: number }>();
  private history: { points: BurnUpPoint[] | undefined; note: string | undefined; tasksMtime: number | undefined } | undefined;
  private historyRun: Promise<void> | undefined;
  private canVerify: boolean | undefined;
  private canVerifyStale = false;
  private canVerifyRun: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private ready = false;
  private disposed = false;
  /** The last view sent to the webview (tests read it). */
  lastView: DashboardView | undefined;
  /** The last "feature is gone" message sent instead of a view. */
  lastMissing: string | undefined;
  /** Resolves the next time a view is posted (tests wait on it). */
  private posted: Array<(v: DashboardView) => void> = [];
  private readonly disposedEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposedEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    public featureDir: string,
    private readonly deps: DashboardDeps,
  ) {
    const webview = panel.webview;
    webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [vscode.Uri.joinPath(deps.extensionUri, 'dist', 'webview')] };
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'speckit.svg');
    const bytes = new Uint8Array(randomBytes(16));
    webview.html = dashboardHtml({
      cspSource: webview.cspSource,
      nonce: nonceFrom(bytes),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, 'dist', 'webview', 'dashboard.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, 'dist', 'webview', 'dashboard.css')).toString(),
    });
    this.disposables.push(
      this.disposedEmitter,
      panel.onDidDispose(() => this.dispose()),
      webview.onDidReceiveMessage((m: unknown) => void this.receive(m)),
      deps.model.onDidChange((change) => this.onIndexChange(change)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(Settings.verifyCommand) || e.affectsConfiguration(Settings.nixPath)) {
          this.canVerifyStale = true;
          this.schedule();
        }
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.history = undefined;
        this.schedule();
      }),
    );
    const verification = deps.verification();
    if (verification) {
      this.disposables.push(
        verification.onDidChangeResult(() => {
          this.canVerifyStale = true;
          this.schedule();
        }),
      );
    }
    this.updateTitle();
  }

  get readOnly(): boolean {
    return !this.deps.isTrusted();
  }

  /** Shows another feature in this panel. */
  show(featureDir: string): void {
    if (featureDir !== this.featureDir) {
      this.featureDir = featureDir;
      this.history = undefined;
      this.historyCache.clear();
      this.lastView = undefined;
    }
    this.panel.reveal();
    this.schedule();
  }

  /** Resolves with the next view posted to the webview. */
  nextView(): Promise<DashboardView> {
    return new Promise((resolve) => this.posted.push(resolve));
  }

  /** Handles a message as if the webview sent it; returns when its work is done. */
  async receive(raw: unknown): Promise<void> {
    const message = parseFromWebview(raw);
    if (!message) {
      this.deps.log.warn(`Dashboard: ignored a malformed message from the webview: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    try {
      await this.handle(message);
    } catch (e) {
      const text = e instanceof Error ? e.message : String(e);
      this.deps.log.error(`Dashboard: ${message.type} failed: ${text}`);
      void vscode.window.showErrorMessage(`Spec Kit dashboard: ${text}`);
    }
  }

  private async handle(m: FromWebview): Promise<void> {
    if (m.type === 'ready') {
      this.ready = true;
      await this.update();
      return;
    }
    const feature = this.deps.model.index.featureFor(this.featureDir);
    if (!feature) return;
    if (m.type === 'open') {
      const project = this.deps.model.index.projectFor(this.featureDir);
      const files = feature.feature.files;
      const file =
        m.artifact === 'spec' ? files.spec?.path
        : m.artifact === 'plan' ? files.plan?.path
        : m.artifact === 'tasks' ? files.tasks?.path
        : m.artifact === 'constitution' ? project?.project.constitutionPath
        : feature.checklists.find((c) => c.name === m.name)?.path;
      if (!file) return;
      const position = new vscode.Position(m.line ?? 0, 0);
      // Beside the dashboard, so the board stays in view while the file is edited.
      const column = this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One;
      await vscode.window.showTextDocument(this.deps.model.uriFor(file), { selection: new vscode.Range(position, position), viewColumn: column, preview: false });
      return;
    }
    if (this.readOnly) {
      void vscode.window.showInformationMessage('This workspace is not trusted: the Spec Kit dashboard is read-only here. Trust the workspace to tick tasks, run builds or send commands to the chat.');
      return;
    }
    const tasksPath = feature.feature.files.tasks?.path;
    const tasksUri = tasksPath ? this.deps.model.uriFor(tasksPath) : undefined;
    switch (m.type) {
      case 'setTask': {
        if (!tasksUri) return;
        const result = await setTaskDone(this.deps.model, tasksUri, m.taskId, m.done);
        if (result === 'missing') void vscode.window.showWarningMessage(`${m.taskId} is no longer in ${vscode.workspace.asRelativePath(tasksUri)}.`);
        else if (result === 'failed') void vscode.window.showWarningMessage(`Could not ${m.done ? 'tick' : 'untick'} ${m.taskId} in ${vscode.workspace.asRelativePath(tasksUri)}.`);
        return;
      }
      case 'verifyTask':
        if (tasksUri) await vscode.commands.executeCommand(Commands.verifyTask, { uri: tasksUri, taskId: m.taskId });
        return;
      case 'implementTask':
        if (tasksUri) await vscode.commands.executeCommand(Commands.implementTask, tasksUri, m.taskId);
        return;
      case 'run':
        await this.run(m.command, feature.status.next === m.command);
        return;
    }
  }

  /** Runs a step's command in the chat for this feature, through the same commands as the Spec Explorer's menus. */
  private async run(command: StepId, isNext: boolean): Promise<void> {
    const dir = this.featureDir;
    if (isNext) {
      await vscode.commands.executeCommand(Commands.runNextStep, dir);
      return;
    }
    const dedicated: Partial<Record<StepId, string>> = {
      clarify: Commands.clarifyFeature,
      plan: Commands.planFeature,
      tasks: Commands.tasksFeature,
      analyze: Commands.analyzeFeature,
      implement: Commands.implementFeature,
    };
    const id = dedicated[command];
    if (id) {
      await vscode.commands.executeCommand(id, dir);
      return;
    }
    if (command !== 'constitution') await vscode.commands.executeCommand(Commands.setCurrentFeature, dir);
    await sendToChat(command);
  }

  private onIndexChange(change: IndexChange): void {
    const project = this.deps.model.index.projectFor(this.featureDir);
    if (change.structure || change.features.includes(this.featureDir) || (project && change.projects.includes(project.project.root))) this.schedule();
  }

  private schedule(): void {
    if (this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.update().catch((e: unknown) => this.deps.log.error('Dashboard: update failed', e instanceof Error ? e : String(e)));
    }, UPDATE_DELAY_MS);
  }

  /** Builds the view from the index and posts it. */
  async update(): Promise<void> {
    if (this.disposed || !this.ready) return;
    const index = this.deps.model.index;
    const feature = index.featureFor(this.featureDir);
    if (!feature || feature.feature.dir !== this.featureDir) {
      await this.post({ type: 'missing', featureDir: this.featureDir, message: `The feature ${this.featureDir} is not in the workspace any more.` });
      return;
    }
    const project = index.projectFor(this.featureDir);
    const tasksPath = feature.feature.files.tasks?.path;
    const tasksUri = tasksPath ? this.deps.model.uriFor(tasksPath) : undefined;
    const verification = this.readOnly ? undefined : this.deps.verification();
    const verifications = new Map<string, VerificationFact>();
    if (tasksUri && feature.tasks) {
      const service = this.deps.verification();
      for (const t of feature.tasks.tasks) {
        const r = service?.lastResult({ uri: tasksUri, taskId: t.id });
        if (r) verifications.set(t.id.toUpperCase(), { ok: r.ok, exitCode: r.exitCode, label: r.label, finishedAt: r.finishedAt, durationMs: r.durationMs });
      }
    }
    this.refreshCanVerify(tasksUri);
    const canVerify = !!verification && this.canVerify === true;
    this.refreshHistory(feature.feature.files.tasks?.path, feature.feature.files.tasks?.mtime);
    const view = buildDashboard({
      feature,
      project,
      verifications,
      builds: this.deps.builds(),
      history: this.history?.points,
      historyNote: this.history?.note ?? (tasksPath ? 'Reading the history of tasks.md…' : 'There is no tasks.md yet.'),
      today: localDate(new Date()),
      readOnly: this.readOnly,
      canVerify,
    });
    this.updateTitle(view.name);
    await this.post({ type: 'view', view });
  }

  /**
   * Whether a verification is configured for the tasks file, found in the background: finding it may
   * list the flake's hosts, which must not hold up a render. Updates again when the answer changes.
   */
  private refreshCanVerify(tasksUri: vscode.Uri | undefined): void {
    const verification = this.readOnly ? undefined : this.deps.verification();
    if (!verification || !tasksUri) {
      this.canVerify = false;
      return;
    }
    if (this.canVerifyRun || (this.canVerify !== undefined && !this.canVerifyStale)) return;
    this.canVerifyStale = false;
    this.canVerifyRun = verification
      .target(tasksUri, false)
      .then((t) => !!t, () => false)
      .then((can) => {
        const changed = can !== this.canVerify;
        this.canVerify = can;
        if (changed) this.schedule();
      })
      .finally(() => {
        this.canVerifyRun = undefined;
      });
  }

  /** Reads the burn-up history with git in the background when tasks.md changed on disk; updates again when done. */
  private refreshHistory(tasksPath: string | undefined, mtime: number | undefined): void {
    if (this.history && this.history.tasksMtime === mtime) return;
    if (this.historyRun) return;
    const note = (text: string): void => {
      this.history = { points: undefined, note: text, tasksMtime: mtime };
    };
    if (!tasksPath) return note('There is no tasks.md yet.');
    const uri = this.deps.model.uriFor(tasksPath);
    // git reads repository configuration that can run programs: only in a trusted workspace.
    if (!this.deps.isTrusted()) return note('The history of tasks.md is read with git only in a trusted workspace; this is today’s point.');
    if (uri.scheme !== 'file') return note('The history of tasks.md needs git on a local folder; this is today’s point.');
    const file = uri.fsPath;
    const git = resolveProgram({ name: 'git', trusted: this.deps.isTrusted() });
    if (!git.ok) return note(`git cannot be run (${git.reason}): this is today’s point only.`);
    const gitPath = git.path;
    this.historyRun = (async () => {
      const log = await fileCommits(file, { gitPath });
      if (!log.ok) {
        note(log.reason === 'no-git' ? 'git is not installed: this is today’s point only.' : log.reason === 'not-a-repository' ? 'The workspace is not a git repository: this is today’s point only.' : `git log failed: ${log.message}`);
        return;
      }
      const points = await tasksHistory(
        {
          log: () => Promise.resolve(log.value),
          show: async (c: FileCommit) => {
            const r = await fileAtCommit(vscode.Uri.joinPath(uri, '..').fsPath, c.sha, c.path, { gitPath });
            return r.ok ? r.value : undefined;
          },
        },
        this.historyCache,
      );
      this.history = { points, note: points.length === 0 ? 'tasks.md has not been committed yet: this is today’s point.' : undefined, tasksMtime: mtime };
    })()
      .catch((e: unknown) => note(`Reading the history failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        this.historyRun = undefined;
        this.schedule();
      });
  }

  private async post(message: ToWebview): Promise<void> {
    if (message.type === 'view') {
      this.lastView = message.view;
      this.lastMissing = undefined;
    } else this.lastMissing = message.message;
    await this.panel.webview.postMessage(message);
    if (message.type === 'view') {
      const waiting = this.posted;
      this.posted = [];
      for (const w of waiting) w(message.view);
    }
  }

  private updateTitle(name?: string): void {
    const label = name ?? this.featureDir.split('/').pop() ?? this.featureDir;
    this.panel.title = `Dashboard: ${label}`;
  }

  /** The state a restored panel starts from, when the webview never saved one. */
  uiState(): DashboardUiState {
    return { featureDir: this.featureDir };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.disposedEmitter.fire();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}
