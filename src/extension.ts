import * as vscode from 'vscode';
import { SpeckitExtension, type SpeckitTestApi } from './app';
import { stopLanguageServer } from './features/languageClient/registerLanguageClient';

let app: SpeckitExtension | undefined;

export function activate(context: vscode.ExtensionContext): SpeckitTestApi | undefined {
  app = new SpeckitExtension(context);
  context.subscriptions.push(app);
  app.start();
  return context.extensionMode === vscode.ExtensionMode.Test ? app.testApi : undefined;
}

export async function deactivate(): Promise<void> {
  app = undefined;
  // The language server gets its shutdown request before the extension host goes away.
  await stopLanguageServer();
}
