import * as vscode from 'vscode';
import { SpeckitExtension, type SpeckitTestApi } from './app';

let app: SpeckitExtension | undefined;

export function activate(context: vscode.ExtensionContext): SpeckitTestApi | undefined {
  app = new SpeckitExtension(context);
  context.subscriptions.push(app);
  app.start();
  return context.extensionMode === vscode.ExtensionMode.Test ? app.testApi : undefined;
}

export function deactivate(): void {
  app = undefined;
}
