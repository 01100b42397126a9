import * as vscode from 'vscode';

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
      return 'No language model is available. Install and sign in to a chat model provider (for example GitHub Copilot), pick a model in the chat view, and try again. Nothing was written.';
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
