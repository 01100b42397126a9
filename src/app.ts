import * as vscode from 'vscode';
import { type IndexChange } from './core/workspace/workspaceIndex';
import { type ScanJson, toScanJson } from './core/workspace/scanJson';
import { registerChat } from './features/chat/registerChat';
import { registerDashboard } from './features/dashboard/registerDashboard';
import { registerGithubIssues } from './features/githubIssues/registerGithubIssues';
import { registerFeatureCommands } from './features/commands/registerFeatureCommands';
import { registerInitProject } from './features/initProject/registerInitProject';
import { languageServerStats, registerLanguageClient } from './features/languageClient/registerLanguageClient';
import { registerModelProvider } from './features/modelProvider/registerModelProvider';
import { registerNixBuild } from './features/nixBuild/registerNixBuild';
import { registerSpecExplorer } from './features/specExplorer/registerSpecExplorer';
import { registerStatusBar } from './features/statusBar/registerStatusBar';
import { registerTaskLens } from './features/taskLens/registerTaskLens';
import { registerTools } from './features/tools/registerTools';
import { Commands, OUTPUT_CHANNEL } from './ids';
import { type ChatTranscript } from './platform/chat';
import { FeaturePicker } from './platform/featurePicker';
import { type NixServices, createNixServices } from './platform/nix/nixServices';
import { Prompter } from './platform/prompter';
import { type RegisterFeature, type SpeckitServices } from './platform/services';
import { SpecTreeProvider } from './platform/specTreeProvider';
import { Templates } from './platform/templates';
import { WorkspaceModel } from './platform/workspaceModel';

/**
 * The features by name. Each gets the same services and none depends on another having registered
 * first, so the order is free: test mode registers them in reverse to keep it that way (the Nix
 * feature, first here, then comes after the explorer and the lenses that show its hosts and
 * verification; the chat, after the model provider here, asks `vscode.lm` for its model per request).
 * What a register function returns is its handle for the test API (most return nothing).
 */
const FEATURES = {
  nixBuild: registerNixBuild,
  specExplorer: registerSpecExplorer,
  statusBar: registerStatusBar,
  taskLens: registerTaskLens,
  featureCommands: registerFeatureCommands,
  initProject: registerInitProject,
  languageClient: registerLanguageClient,
  modelProvider: registerModelProvider,
  chat: registerChat,
  tools: registerTools,
  dashboard: registerDashboard,
  githubIssues: registerGithubIssues,
} satisfies Record<string, RegisterFeature<unknown>>;

type FeatureName = keyof typeof FEATURES;
type FeatureHandles = { -readonly [K in FeatureName]?: ReturnType<(typeof FEATURES)[K]> };

/** What integration tests may see of the running extension; returned only in test mode. */
/** How a first scan went: where its summaries were computed, and where the index's summaries came from. */
export interface FirstScanInfo {
  readonly thread?: string;
  readonly fromStore?: number;
  readonly entries?: number;
  readonly summarized: { readonly stored: number; readonly fast: number; readonly parsed: number };
  readonly storageDir?: string;
}

/** What the model held when it announced its listing (onDidList): before the scan was done, on a first start. */
export interface ListedInfo {
  readonly started: boolean;
  readonly features: number;
  /** Features still waiting for summaries (the others' came from the worker while the folders were listed). */
  readonly pending: number;
  /** Files this thread had read and summarized itself by then. */
  readonly readHere: number;
}

export interface SpeckitTestApi {
  /** How the first scan went (where summaries were computed) and where the index's summaries came from. */
  readonly firstScan: () => FirstScanInfo;
  /** Starts another index over the workspace (as a next activation would), runs `during` while it scans, and reports. */
  readonly scanAgain: (
    options: { withStore: boolean },
    during?: () => Promise<void>,
  ) => Promise<FirstScanInfo & { snapshot: ReturnType<typeof toScanJson>; listed?: ListedInfo; pendingAfter: number }>;
  whenIdle(): Promise<void>;
  snapshot(): ScanJson;
  readonly onDidChange: vscode.Event<IndexChange>;
  /** Answers for the next quick picks, input boxes and confirmations, in order (undefined = cancel). */
  queueAnswers(...answers: unknown[]): void;
  /** The questions asked so far. */
  readonly asked: readonly string[];
  /** The Spec Explorer's tree, for assertions on labels and descriptions. */
  readonly tree: SpecTreeProvider;
  /** Every chat request's response parts and result (test mode records them). */
  readonly chatTranscripts: readonly ChatTranscript[];
  /** Nix builds and verification (flake registry, runner, trust gate), for assertions and trust injection. */
  readonly nix: NixServices;
  /** The feature dashboards: open panels, the serializer's restore (undefined if the feature failed to register). */
  readonly dashboard: FeatureHandles['dashboard'];
  /** GitHub issues: the sign-in its flows use in test mode (undefined if the feature failed to register). */
  readonly githubIssues: FeatureHandles['githubIssues'];
  /** The language-model tools: the confirmation runVerification would show (undefined if the feature failed to register). */
  readonly tools: FeatureHandles['tools'];
  /** The features, in the order they registered (a feature that failed is missing). */
  readonly registered: readonly FeatureName[];
  /** The language server's memory (`speckit/stats`), for bench:host; undefined when it is not running. */
  languageServerStats(): Promise<unknown>;
}

/** Composition root: builds the services, then registers each feature with them, and owns every disposable. */
export class SpeckitExtension implements vscode.Disposable {
  readonly services: SpeckitServices;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly registered: FeatureName[] = [];
  private readonly handles: FeatureHandles = {};

  private readonly storage: { readonly dir: string; readonly release: string } | undefined;
  private get workerScript(): string {
    return vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'firstScanWorker.js').fsPath;
  }

  constructor(readonly context: vscode.ExtensionContext) {
    const own = <T extends vscode.Disposable>(...items: [T, ...vscode.Disposable[]]): T => {
      this.disposables.push(...items);
      return items[0];
    };
    const log = own(vscode.window.createOutputChannel(OUTPUT_CHANNEL, { log: true }));
    // The index's summaries persist in the workspace's storage when it is a local folder.
    const storage = context.storageUri?.scheme === 'file' ? { dir: context.storageUri.fsPath, release: (context.extension.packageJSON as { version?: string }).version ?? '0' } : undefined;
    this.storage = storage;
    const model = own(new WorkspaceModel(log, storage, this.workerScript));
    const prompter = new Prompter();
    const nix = createNixServices(log, context.workspaceState, prompter, own);
    this.services = Object.freeze({
      context,
      log,
      model,
      prompter,
      picker: new FeaturePicker(model, prompter),
      templates: new Templates(model.fs, context.extensionUri),
      tree: new SpecTreeProvider(model, nix.registry),
      nix,
      chatTranscripts: context.extensionMode === vscode.ExtensionMode.Test ? [] : undefined,
      own,
    });
    own(
      vscode.commands.registerCommand(Commands.refresh, () => model.rescan()),
      vscode.commands.registerCommand(Commands.showLog, () => log.show()),
    );
  }

  /** Registers every feature, then starts the index without holding up activation; views fill in when it is ready. */
  start(): void {
    const names = Object.keys(FEATURES) as FeatureName[];
    for (const name of this.context.extensionMode === vscode.ExtensionMode.Test ? names.reverse() : names) {
      try {
        (this.handles as Record<FeatureName, unknown>)[name] = FEATURES[name](this.services);
        this.registered.push(name);
      } catch (e) {
        // One broken surface must not take the others down.
        this.services.log.error(`Registering the ${name} feature failed`, e instanceof Error ? e : String(e));
      }
    }
    void this.services.model.start();
  }

  get testApi(): SpeckitTestApi {
    const { model, prompter, tree, nix, chatTranscripts } = this.services;
    return {
      whenIdle: () => model.whenIdle(),
      firstScan: () => ({ ...model.firstScan, summarized: { ...model.index.summarized }, storageDir: this.storage?.dir }),
      scanAgain: async (options, during) => {
        // A second model over the same folders, as the next activation would make it (with the stored summaries or none).
        const other = new WorkspaceModel(this.services.log, options.withStore ? this.storage : undefined, this.workerScript);
        let listed: ListedInfo | undefined;
        const listening = other.onDidList(() => {
          const features = other.index.features;
          const s = other.index.summarized;
          listed = { started: other.started, features: features.length, pending: features.filter((f) => f.pending).length, readHere: s.fast + s.parsed };
        });
        try {
          const started = other.start();
          await during?.();
          await started;
          await other.whenIdle();
          const pendingAfter = other.index.features.filter((f) => f.pending).length;
          return { ...other.firstScan, summarized: { ...other.index.summarized }, snapshot: toScanJson(other.index), ...(listed ? { listed } : {}), pendingAfter };
        } finally {
          listening.dispose();
          other.dispose();
        }
      },
      snapshot: () => toScanJson(model.index),
      onDidChange: model.onDidChange,
      queueAnswers: (...answers: unknown[]) => prompter.queue(...answers),
      asked: prompter.asked,
      tree,
      chatTranscripts: chatTranscripts ?? [],
      nix,
      dashboard: this.handles.dashboard,
      githubIssues: this.handles.githubIssues,
      tools: this.handles.tools,
      registered: this.registered,
      languageServerStats,
    };
  }

  dispose(): void {
    for (const d of this.disposables.reverse()) {
      try {
        d.dispose();
      } catch (e) {
        console.error(e);
      }
    }
  }
}
