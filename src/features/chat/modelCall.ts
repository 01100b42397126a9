import * as vscode from 'vscode';
import { refusal } from '../../core/chat/toolRefusal';

/** Why a model call ended without a complete answer. */
export type ModelFailure =
  | { kind: 'cancelled' }
  | { kind: 'no-model' }
  | { kind: 'no-permission'; message: string }
  | { kind: 'blocked'; message: string }
  | { kind: 'not-found'; message: string }
  | { kind: 'failed'; message: string };

export type ModelResult = { ok: true; text: string } | { ok: false; failure: ModelFailure; partial: string };

export interface ModelMessage {
  readonly role: 'user' | 'assistant';
  readonly text: string;
}

/**
 * Sends messages to the chat's model and collects the whole reply, handing each chunk to `onText`
 * as it arrives. Never throws: consent refused, quota or policy blocks, a vanished model, network
 * errors and a cancel all come back as a failure the caller reports, with what was received.
 */
export async function callModel(
  model: vscode.LanguageModelChat | undefined,
  messages: readonly ModelMessage[],
  token: vscode.CancellationToken,
  onText: (chunk: string) => void,
  justification: string,
): Promise<ModelResult> {
  if (!model) return { ok: false, failure: { kind: 'no-model' }, partial: '' };
  let text = '';
  try {
    const response = await model.sendRequest(
      messages.map((m) => (m.role === 'user' ? vscode.LanguageModelChatMessage.User(m.text) : vscode.LanguageModelChatMessage.Assistant(m.text))),
      { justification },
      token,
    );
    for await (const chunk of response.text) {
      if (token.isCancellationRequested) break;
      text += chunk;
      onText(chunk);
    }
  } catch (e) {
    if (token.isCancellationRequested) return { ok: false, failure: { kind: 'cancelled' }, partial: text };
    return { ok: false, failure: classify(e), partial: text };
  }
  // A cancel ends the stream quietly, without an exception.
  if (token.isCancellationRequested) return { ok: false, failure: { kind: 'cancelled' }, partial: text };
  return { ok: true, text };
}

/** A model error as a failure the chat reports (also for a model call made by the chat library). */
export { classify as classifyModelError };

function classify(e: unknown): ModelFailure {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof vscode.LanguageModelError) {
    if (e.code === vscode.LanguageModelError.NoPermissions.name) return { kind: 'no-permission', message };
    if (e.code === vscode.LanguageModelError.Blocked.name) return { kind: 'blocked', message };
    if (e.code === vscode.LanguageModelError.NotFound.name) return { kind: 'not-found', message };
  }
  return { kind: 'failed', message };
}

/** What the user reads when a model call failed; nothing was written in any of these cases. */
export function failureMessage(f: ModelFailure): string {
  switch (f.kind) {
    case 'cancelled':
      return 'Cancelled. Nothing was written.';
    case 'no-model':
      return 'No language model is available. Add a local or self-hosted model with "Spec Kit: Manage Model Endpoints…" (Ollama, LM Studio, llama.cpp, any OpenAI-compatible server), or install and sign in to a chat model provider such as GitHub Copilot; then pick a model in the chat view and try again. Nothing was written.';
    case 'no-permission':
      return `Spec Kit may not use this language model (${f.message}). Allow it when VS Code asks, or pick another model. Nothing was written.`;
    case 'blocked':
      return `The language model refused the request: quota exceeded or blocked by policy (${f.message}). Try again later or pick another model. Nothing was written.`;
    case 'not-found':
      return `The selected language model is not available any more (${f.message}). Pick another model in the chat view. Nothing was written.`;
    case 'failed':
      return `The language model request failed: ${f.message}. Check your connection and try again. Nothing was written.`;
  }
}

/** A tool the model may call during a request, run by our own loop. */
export interface LoopTool {
  readonly definition: vscode.LanguageModelChatTool;
  run(input: unknown, token: vscode.CancellationToken): Promise<string>;
}

/**
 * A model request with tools: streams text to `onText`, runs the tool calls the model makes (each
 * result goes back to it), and repeats until it answers without calling a tool, up to `maxRounds`.
 * Our own loop rather than chat-extension-utils: every call is checked and reported by us, and the
 * context stays the bounded one we built for this task.
 */
export async function callModelWithTools(
  model: vscode.LanguageModelChat | undefined,
  messages: readonly ModelMessage[],
  tools: readonly LoopTool[],
  token: vscode.CancellationToken,
  onText: (chunk: string) => void,
  onToolCall: (name: string, input: unknown, result: string) => void,
  justification: string,
  maxRounds = 12,
): Promise<ModelResult> {
  if (!model) return { ok: false, failure: { kind: 'no-model' }, partial: '' };
  const history: vscode.LanguageModelChatMessage[] = messages.map((m) =>
    m.role === 'user' ? vscode.LanguageModelChatMessage.User(m.text) : vscode.LanguageModelChatMessage.Assistant(m.text),
  );
  let text = '';
  for (let round = 0; round < maxRounds; round++) {
    const calls: vscode.LanguageModelToolCallPart[] = [];
    let roundText = '';
    try {
      const response = await model.sendRequest(history, { justification, tools: tools.map((t) => t.definition) }, token);
      for await (const part of response.stream) {
        if (token.isCancellationRequested) break;
        if (part instanceof vscode.LanguageModelTextPart) {
          roundText += part.value;
          onText(part.value);
        } else if (part instanceof vscode.LanguageModelToolCallPart) {
          calls.push(part);
        }
      }
    } catch (e) {
      if (token.isCancellationRequested) return { ok: false, failure: { kind: 'cancelled' }, partial: text + roundText };
      return { ok: false, failure: classify(e), partial: text + roundText };
    }
    text += roundText;
    if (token.isCancellationRequested) return { ok: false, failure: { kind: 'cancelled' }, partial: text };
    if (calls.length === 0) return { ok: true, text };
    history.push(vscode.LanguageModelChatMessage.Assistant([...(roundText ? [new vscode.LanguageModelTextPart(roundText)] : []), ...calls]));
    const results: vscode.LanguageModelToolResultPart[] = [];
    for (const call of calls) {
      const tool = tools.find((t) => t.definition.name === call.name);
      let result: string;
      try {
        result = tool ? await tool.run(call.input, token) : `Unknown tool ${call.name}.`;
      } catch (e) {
        result = refusal(e);
      }
      onToolCall(call.name, call.input, result);
      results.push(new vscode.LanguageModelToolResultPart(call.callId, [new vscode.LanguageModelTextPart(result)]));
    }
    history.push(vscode.LanguageModelChatMessage.User(results));
  }
  return { ok: false, failure: { kind: 'failed', message: `the model was still calling tools after ${maxRounds} rounds` }, partial: text };
}
