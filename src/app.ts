import * as vscode from 'vscode';
import { type IndexChange } from './core/workspace/workspaceIndex';
import { Commands, OUTPUT_CHANNEL } from './ids';
import { WorkspaceModel } from './platform/workspaceModel';
import { type ScanJson, toScanJson } from './core/workspace/scanJson';

/** The features, in registration order; each owns its disposables through `app.own`. */
const FEATURES: ReadonlyArray<(app: SpeckitExtension) => void> = [];

/** What integration tests may see of the running extension; returned only in test mode. */
export interface SpeckitTestApi {
  whenIdle(): Promise<void>;
  snapshot(): ScanJson;
  readonly onDidChange: vscode.Event<IndexChange>;
}

/** Composition root: creates the platform services, then each feature, and owns every disposable. */
export class SpeckitExtension implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly model: WorkspaceModel;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly context: vscode.ExtensionContext) {
    this.log = this.own(vscode.window.createOutputChannel(OUTPUT_CHANNEL, { log: true }));
    this.model = this.own(new WorkspaceModel(this.log));
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
    return {
      whenIdle: () => this.model.whenIdle(),
      snapshot: () => toScanJson(this.model.index),
      onDidChange: this.model.onDidChange,
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
