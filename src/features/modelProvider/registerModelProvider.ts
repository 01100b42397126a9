import * as vscode from 'vscode';
import { type SpeckitExtension } from '../../app';
import { Commands, MODEL_VENDOR } from '../../ids';
import { EndpointRegistry } from './endpointRegistry';
import { manageEndpoints } from './manageEndpoints';
import { OpenAICompatibleProvider } from './provider';

/**
 * The built-in "Spec Kit (OpenAI-compatible)" language-model vendor: the models of the endpoints
 * in `speckit.modelProvider.endpoints`, for the chat view, @speckit and any other extension.
 * Nothing is sent anywhere until an endpoint is configured and one of its models is used.
 */
export function registerModelProvider(app: SpeckitExtension): void {
  const registry = app.own(new EndpointRegistry(app.context.secrets, app.log));
  const provider = new OpenAICompatibleProvider(registry, app.log);
  app.own(
    vscode.lm.registerLanguageModelChatProvider(MODEL_VENDOR, provider),
    vscode.commands.registerCommand(Commands.manageModelEndpoints, () => manageEndpoints(registry, app.prompter)),
  );
  if (registry.configured.length > 0) void registry.refresh();
}
