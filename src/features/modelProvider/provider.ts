import * as vscode from 'vscode';
import { type ChatMessage, type ChatPart } from '../../core/openai/chatFormat';
import { type CatalogModel } from '../../core/openai/endpoints';
import { mapFailure, type ModelFailure } from '../../core/openai/errors';
import { MESSAGE_OVERHEAD_TOKENS, TokenEstimator } from '../../core/openai/tokens';
import { type EndpointRegistry } from './endpointRegistry';

/** The model information we list; VS Code hands it back with each request. */
export interface SpeckitModelInformation extends vscode.LanguageModelChatInformation {
  readonly endpointUrl: string;
  readonly serverModel: string;
}

function textOfParts(parts: readonly unknown[]): string {
  return parts.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : typeof p === 'string' ? p : '')).join('');
}

/** VS Code's request messages as editor-neutral ones (text, tool calls, tool results). */
export function toChatMessages(messages: readonly vscode.LanguageModelChatRequestMessage[]): ChatMessage[] {
  return messages.map((m) => {
    const parts: ChatPart[] = [];
    for (const part of m.content) {
      if (part instanceof vscode.LanguageModelTextPart) parts.push({ kind: 'text', text: part.value });
      else if (part instanceof vscode.LanguageModelToolCallPart) parts.push({ kind: 'toolCall', callId: part.callId, name: part.name, input: part.input });
      else if (part instanceof vscode.LanguageModelToolResultPart) parts.push({ kind: 'toolResult', callId: part.callId, text: textOfParts(part.content) });
      // Other parts (images, prompt-tsx data) have no Chat Completions text form here; they are left out.
    }
    // Role 3 is the proposed System role; stable callers send only User and Assistant.
    const role = m.role === vscode.LanguageModelChatMessageRole.Assistant ? 'assistant' : (m.role as number) === 3 ? 'system' : 'user';
    return { role, parts };
  });
}

function messageText(m: ChatMessage): string {
  return m.parts.map((p) => (p.kind === 'text' ? p.text : p.kind === 'toolResult' ? p.text : `${p.name} ${JSON.stringify(p.input)}`)).join('');
}

export function toLanguageModelError(f: ModelFailure): vscode.LanguageModelError {
  switch (f.code) {
    case 'NoPermissions':
      return vscode.LanguageModelError.NoPermissions(f.message);
    case 'Blocked':
      return vscode.LanguageModelError.Blocked(f.message);
    case 'NotFound':
      return vscode.LanguageModelError.NotFound(f.message);
    default:
      return new vscode.LanguageModelError(f.message);
  }
}

/**
 * The "Spec Kit (OpenAI-compatible)" vendor: lists the models of the configured endpoints and
 * answers requests by streaming Chat Completions from the right server.
 */
export class OpenAICompatibleProvider implements vscode.LanguageModelChatProvider<SpeckitModelInformation> {
  readonly onDidChangeLanguageModelChatInformation: vscode.Event<void>;
  private readonly estimator = new TokenEstimator();

  constructor(
    private readonly registry: EndpointRegistry,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.onDidChangeLanguageModelChatInformation = registry.onDidChange;
  }

  async provideLanguageModelChatInformation(_options: vscode.PrepareLanguageModelChatModelOptions, _token: vscode.CancellationToken): Promise<SpeckitModelInformation[]> {
    await this.registry.refresh();
    return this.registry.catalog().map(toInformation);
  }

  async provideLanguageModelChatResponse(
    model: SpeckitModelInformation,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const entry = this.lookup(model);
    const ctx = { endpoint: entry?.endpoint.name ?? model.detail ?? 'the endpoint', baseUrl: entry?.endpoint.baseUrl ?? model.endpointUrl, model: entry?.serverModel ?? model.serverModel };
    if (!entry) throw toLanguageModelError({ code: 'NotFound', message: `${model.id} is no longer configured (see "Spec Kit: Manage Model Endpoints…")` });
    if (token.isCancellationRequested) return;
    const chatMessages = toChatMessages(messages);
    const tools = entry.toolCalling ? (options.tools ?? []).map((t) => ({ name: t.name, description: t.description, ...(t.inputSchema ? { inputSchema: t.inputSchema } : {}) })) : [];
    // Cancelling the token aborts the fetch, which closes the HTTP request.
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    const started = Date.now();
    let received = 0;
    try {
      const client = await this.registry.client(entry.endpoint.baseUrl);
      for await (const event of client.streamChat(
        {
          model: entry.serverModel,
          messages: chatMessages,
          tools,
          toolMode: options.toolMode === vscode.LanguageModelChatToolMode.Required ? 'required' : 'auto',
          ...(entry.outputLimitConfigured ? { maxOutputTokens: entry.maxOutputTokens } : {}),
          ...(options.modelOptions ? { modelOptions: options.modelOptions } : {}),
        },
        abort.signal,
      )) {
        if (token.isCancellationRequested) return;
        if (event.kind === 'text') {
          received += event.text.length;
          progress.report(new vscode.LanguageModelTextPart(event.text));
        } else if (event.kind === 'toolCall') {
          progress.report(new vscode.LanguageModelToolCallPart(event.callId, event.name, event.input ?? {}));
        } else {
          const sent = chatMessages.map(messageText).join('') + JSON.stringify(tools);
          this.estimator.learn(entry.serverModel, sent, chatMessages.length, event.promptTokens);
        }
      }
      this.log.debug(`${entry.id}: ${received} characters in ${Date.now() - started} ms`);
    } catch (e) {
      // A cancel ends the response quietly, as VS Code's own providers do.
      if (token.isCancellationRequested || abort.signal.aborted) return;
      const failure = mapFailure(e, ctx);
      this.log.warn(`${entry.id}: ${failure.message}`);
      throw toLanguageModelError(failure);
    } finally {
      sub.dispose();
    }
  }

  async provideTokenCount(model: SpeckitModelInformation, text: string | vscode.LanguageModelChatRequestMessage, token: vscode.CancellationToken): Promise<number> {
    const entry = this.lookup(model);
    const serverModel = entry?.serverModel ?? model.serverModel;
    const value = typeof text === 'string' ? text : messageText(toChatMessages([text])[0]!);
    const overhead = typeof text === 'string' ? 0 : MESSAGE_OVERHEAD_TOKENS;
    if (entry && value.length > 0) {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        const counted = await (await this.registry.client(entry.endpoint.baseUrl)).countTokens(serverModel, value, abort.signal);
        if (counted !== undefined) return counted + overhead;
      } finally {
        sub.dispose();
      }
    }
    return this.estimator.estimate(value, serverModel) + overhead;
  }

  private lookup(model: SpeckitModelInformation): CatalogModel | undefined {
    return this.registry.catalog().find((m) => m.id === model.id);
  }
}

function toInformation(m: CatalogModel): SpeckitModelInformation {
  return {
    id: m.id,
    name: m.name,
    family: m.family,
    version: m.serverModel,
    detail: m.detail,
    tooltip: `${m.serverModel} at ${m.endpoint.baseUrl} (Spec Kit, OpenAI-compatible)`,
    maxInputTokens: m.maxInputTokens,
    maxOutputTokens: m.maxOutputTokens,
    capabilities: { toolCalling: m.toolCalling, imageInput: false },
    endpointUrl: m.endpoint.baseUrl,
    serverModel: m.serverModel,
    // Not in the 1.105 typings, read by the chat view since 1.104: without it the model is not
    // offered in the model picker. Hosts that do not know it ignore it.
    ...{ isUserSelectable: true },
  };
}
