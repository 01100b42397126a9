import * as vscode from 'vscode';
import { CloseAction, ErrorAction, LanguageClient, type LanguageClientOptions, State, TransportKind } from 'vscode-languageclient/node';
import { Commands, LANGUAGE_CLIENT_ID, Settings } from '../../ids';
import { type SpeckitServices } from '../../platform/services';
import { RestartPolicy } from './restartPolicy';

/** The spec-kit markdown the server checks: feature files and the constitution, never templates. */
const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'markdown', pattern: '**/specs/**/*.md' },
  { scheme: 'file', language: 'markdown', pattern: '**/.specify/memory/*.md' },
  { scheme: 'file', language: 'markdown', pattern: '**/memory/constitution.md' },
  // OpenSpec projects: proposal, design and tasks of changes live outside any specs/ folder.
  { scheme: 'file', language: 'markdown', pattern: '**/openspec/**/*.md' },
];
const SPEC_PATH = /\/specs\/.+\.md$|\/\.specify\/memory\/[^/]+\.md$|\/memory\/constitution\.md$/i;

/** The one running client, so `deactivate` can wait for a clean shutdown. */
let current: LanguageServerController | undefined;

/** Stops the server and waits for it (called from `deactivate`). */
export async function stopLanguageServer(): Promise<void> {
  await current?.stop();
}

/**
 * The language server: started the first time a spec-kit markdown file is open (not at activation),
 * restarted when it crashes, stopped when the setting turns it off or the extension deactivates.
 */
/**
 * The running server's memory (its `speckit/stats` request, src/server/specLanguageServer.ts), for the
 * host benchmark through the test API; undefined when no server runs.
 */
export function languageServerStats(): Promise<unknown> {
  return current?.stats() ?? Promise.resolve(undefined);
}

export function registerLanguageClient(services: SpeckitServices): void {
  const controller = services.own(new LanguageServerController(services));
  current = controller;
  services.own(
    vscode.workspace.onDidOpenTextDocument((d) => controller.documentOpened(d)),
    vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => controller.documentOpened(e.document))),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(Settings.languageServerEnabled)) void controller.enablementChanged();
    }),
    vscode.commands.registerCommand(Commands.restartLanguageServer, () => controller.restart()),
  );
  for (const d of vscode.workspace.textDocuments) controller.documentOpened(d);
}

export function isSpecDocument(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === 'file' && doc.languageId === 'markdown' && SPEC_PATH.test(doc.uri.path) && !/\/templates\//.test(doc.uri.path);
}

class LanguageServerController implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<void> | undefined;
  private readonly policy = new RestartPolicy();
  private output: vscode.LogOutputChannel | undefined;
  private watcher: vscode.FileSystemWatcher | undefined;

  constructor(private readonly services: SpeckitServices) {}

  private get enabled(): boolean {
    return vscode.workspace.getConfiguration().get<boolean>(Settings.languageServerEnabled, true);
  }

  documentOpened(doc: vscode.TextDocument): void {
    if (!this.client && !this.starting && this.enabled && isSpecDocument(doc)) void this.start();
  }

  async enablementChanged(): Promise<void> {
    if (!this.enabled) await this.stop();
    else for (const d of vscode.workspace.textDocuments) this.documentOpened(d);
  }

  async restart(): Promise<void> {
    this.policy.reset();
    if (this.client) {
      this.services.log.info('Restarting the Spec Kit language server');
      await this.client.restart();
    } else {
      await this.start();
    }
  }

  start(): Promise<void> {
    this.starting ??= this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const module = this.services.context.asAbsolutePath('dist/server.js');
    this.output ??= this.services.own(vscode.window.createOutputChannel('Spec Kit Language Server', { log: true }));
    this.watcher ??= this.services.own(vscode.workspace.createFileSystemWatcher('**/{specs,.specify,memory,openspec}/**/*.md'));
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      synchronize: { fileEvents: this.watcher },
      outputChannel: this.output,
      diagnosticCollectionName: 'speckit',
      // Workspace symbols persist beside the index's summaries, so a restart does not parse every file for the first search.
      initializationOptions: this.services.model.storage ? { storage: this.services.model.storage } : {},
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue }),
        closed: () => {
          if (this.policy.crashed()) {
            this.services.log.warn('The Spec Kit language server stopped unexpectedly; restarting it');
            return { action: CloseAction.Restart, handled: true };
          }
          this.services.log.error('The Spec Kit language server crashed 5 times in 3 minutes; it stays off until "Spec Kit: Restart Language Server"');
          return { action: CloseAction.DoNotRestart, message: 'The Spec Kit language server keeps crashing and was stopped. See the "Spec Kit Language Server" output; run "Spec Kit: Restart Language Server" to try again.' };
        },
      },
    };
    const client = new LanguageClient(
      LANGUAGE_CLIENT_ID,
      'Spec Kit Language Server',
      {
        run: { module, transport: TransportKind.ipc },
        debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
      },
      clientOptions,
    );
    this.client = client;
    const started = Date.now();
    try {
      await client.start();
      this.services.log.info(`Spec Kit language server started in ${Date.now() - started} ms`);
    } catch (e) {
      this.client = undefined;
      this.services.log.error('The Spec Kit language server did not start', e instanceof Error ? e : String(e));
    }
  }

  async stats(): Promise<unknown> {
    await this.starting?.catch(() => undefined);
    return this.client?.sendRequest('speckit/stats', {});
  }

  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      if (client.state !== State.Stopped) await client.stop(2000);
      this.services.log.info('Spec Kit language server stopped');
    } catch (e) {
      this.services.log.warn(`Stopping the Spec Kit language server: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  dispose(): void {
    void this.stop();
    if (current === this) current = undefined;
  }
}
