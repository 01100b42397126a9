import * as vscode from 'vscode';
import { Commands, MODEL_VENDOR } from '../../ids';
import { type SpeckitServices } from '../../platform/services';
import { EndpointRegistry } from './endpointRegistry';
import { manageEndpoints } from './manageEndpoints';
import { OpenAICompatibleProvider } from './provider';

/**
 * The built-in "Spec Kit (OpenAI-compatible)" language-model vendor: the models of the endpoints
 * in `speckit.modelProvider.endpoints`, for the chat view, @speckit and any other extension.
 * Nothing is sent anywhere until an endpoint is configured and one of its models is used.
 * @speckit finds these models through `vscode.lm` like any vendor's (platform/modelChoice), so the
 * chat does not depend on this feature or on its registering first.
 */
export function registerModelProvider(services: SpeckitServices): void {
  const { log, prompter } = services;
  const registry = services.own(new EndpointRegistry(services.context.secrets, log));
  const provider = new OpenAICompatibleProvider(registry, log);
  services.own(
    vscode.lm.registerLanguageModelChatProvider(MODEL_VENDOR, provider),
    vscode.commands.registerCommand(Commands.manageModelEndpoints, () => manageEndpoints(registry, prompter)),
  );
  if (registry.configured.length > 0) void registry.refresh();
}
