import * as vscode from 'vscode';
import { type IndexChange } from './core/workspace/workspaceIndex';
import { Commands, OUTPUT_CHANNEL } from './ids';
import { type ScanJson, toScanJson } from './core/workspace/scanJson';
import { registerChat } from './features/chat/registerChat';
import { type DashboardApi, registerDashboard } from './features/dashboard/registerDashboard';
import { registerFeatureCommands } from './features/commands/registerFeatureCommands';
import { registerInitProject } from './features/initProject/registerInitProject';
import { registerLanguageClient } from './features/languageClient/registerLanguageClient';
import { registerModelProvider } from './features/modelProvider/registerModelProvider';
import { type NixBuildServices, registerNixBuild } from './features/nixBuild/registerNixBuild';
import { type VerificationService } from './features/nixBuild/verification';
import { registerSpecExplorer } from './features/specExplorer/registerSpecExplorer';
import { registerStatusBar } from './features/statusBar/registerStatusBar';
import { registerTools } from './features/tools/registerTools';
import { registerTaskLens } from './features/taskLens/registerTaskLens';
import { FeaturePicker } from './platform/featurePicker';
import { Prompter } from './platform/prompter';
import { WorkspaceModel } from './platform/workspaceModel';

/** The features, in registration order; each owns its disposables through `app.own`. */
const FEATURES: ReadonlyArray<(app: SpeckitExtension) => void> = [
  // First: the explorer lists the flakes' hosts and the lenses show verification results.
  registerNixBuild,
  registerSpecExplorer,
  registerStatusBar,
  registerTaskLens,
  registerFeatureCommands,
  registerInitProject,
  registerLanguageClient,
  // Before the chat: @speckit may use its models.
  registerModelProvider,
  registerChat,
  registerTools,
  registerDashboard,
];

/** What integration tests may see of the running extension; returned only in test mode. */
export interface SpeckitTestApi {
  whenIdle(): Promise<void>;
  snapshot(): ScanJson;
  readonly onDidChange: vscode.Event<IndexChange>;
  /** Answers for the next quick picks, input boxes and confirmations, in order (undefined = cancel). */
  queueAnswers(...answers: unknown[]): void;
  /** The questions asked so far. */
  readonly asked: readonly string[];
  /** The Spec Explorer's tree, for assertions on labels and descriptions. */
  readonly tree: unknown;
  /** Every chat request's response parts and result (test mode records them). */
  readonly chatTranscripts: readonly unknown[];
  /** Nix builds and verification (flake registry, runner, trust gate), for assertions and trust injection. */
  readonly nix: NixBuildServices | undefined;
  /** The feature dashboards: open panels, the serializer's restore. */
  readonly dashboard: DashboardApi | undefined;
}

/** Composition root: creates the platform services, then each feature, and owns every disposable. */
export class SpeckitExtension implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly model: WorkspaceModel;
  readonly prompter = new Prompter();
  readonly picker: FeaturePicker;
  /** Set by the Spec Explorer when it registers. */
  tree: unknown;
  /** Test mode: every chat request's response, as shown. */
  readonly chatTranscripts: unknown[] = [];
  /** Build-gated task verification (`verify(taskRef, token)`, last result per task); set by the Nix feature. */
  verification: VerificationService | undefined;
  /** Set by the Nix feature when it registers. */
  nix: NixBuildServices | undefined;
  /** Set by the dashboard feature when it registers. */
  dashboard: DashboardApi | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly context: vscode.ExtensionContext) {
    this.log = this.own(vscode.window.createOutputChannel(OUTPUT_CHANNEL, { log: true }));
    this.model = this.own(new WorkspaceModel(this.log));
    this.picker = new FeaturePicker(this.model, this.prompter);
    this.own(
      vscode.commands.registerCommand(Commands.refresh, () => this.model.rescan()),
      vscode.commands.registerCommand(Commands.showLog, () => this.log.show()),
    );
  }

  /**
   * Registers every feature, then starts the index without holding up activation; views fill in
   * when it is ready. Each feature folder exports one `register…(app)` function, called here.
   */
  start(): void {
    for (const register of FEATURES) {
      try {
        register(this);
      } catch (e) {
        // One broken surface must not take the others down.
        this.log.error(`Registering ${register.name} failed`, e instanceof Error ? e : String(e));
      }
    }
    void this.model.start();
  }

  get testApi(): SpeckitTestApi {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getter below must read the live field
    const app = this;
    return {
      whenIdle: () => this.model.whenIdle(),
      snapshot: () => toScanJson(this.model.index),
      onDidChange: this.model.onDidChange,
      queueAnswers: (...answers: unknown[]) => this.prompter.queue(...answers),
      chatTranscripts: this.chatTranscripts,
      asked: this.prompter.asked,
      get tree(): unknown {
        return app.tree;
      },
      get nix(): NixBuildServices | undefined {
        return app.nix;
      },
      get dashboard(): DashboardApi | undefined {
        return app.dashboard;
      },
    };
  }

  own<T extends vscode.Disposable>(...items: [T, ...vscode.Disposable[]]): T {
    this.disposables.push(...items);
    return items[0];
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
