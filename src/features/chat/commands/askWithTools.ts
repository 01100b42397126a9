import { type AdHocChatTool, sendChatParticipantRequest } from '@vscode/chat-extension-utils';
import * as vscode from 'vscode';
import { fenceAsData } from '../../../core/chat/promptAssembly';
import { isRefusal } from '../../../core/chat/toolRefusal';
import { type ChatTurn, escapeMarkdown } from '../chatTurn';
import { classifyModelError, type ModelFailure } from '../modelCall';
import { isReadOnlyTool, refusedToolResult, toolProgress } from './askTools';

/** A referenced file larger than this goes to the model cut, as before the library answered questions. */
const MAX_REFERENCE_CHARS = 40_000;

const textResult = (value: string): vscode.LanguageModelToolResult => new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(value)]);

function resultText(result: vscode.LanguageModelToolResult): string {
  return result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
}

/**
 * Answers the turn's question with `@vscode/chat-extension-utils`: the library builds the prompt
 * (our instructions, the chat history, the attached references, the question), streams the answer
 * into the chat and runs the tool loop. What it does not do, done here around it:
 * - only the read-only `speckit_*` tools are offered, and a call to any other tool is refused
 *   without running it (the library would otherwise look an unknown name up in `vscode.lm.tools`
 *   and invoke it);
 * - each tool call shows as progress, runs with the request's cancellation token, and its failure
 *   is said in the chat (the library invokes tools with a token that is never cancelled);
 * - a cancel stops the loop: no tool runs and no model request is sent after it;
 * - attached files are read, checked (binary ones left out, large ones cut) and fenced by us; the
 *   library places them in the prompt.
 */
export async function answerWithTools(
  turn: ChatTurn,
  model: vscode.LanguageModelChat,
  instructions: string,
  justification: string,
): Promise<{ ok: true } | { ok: false; failure: ModelFailure }> {
  const { token } = turn;
  const tools: AdHocChatTool<object>[] = [];
  // Kept out of the request (never offered), found by the library when the model calls them anyway.
  const hidden = new Set<vscode.LanguageModelChatTool>();
  for (const info of vscode.lm.tools) {
    if (isReadOnlyTool(info.name)) {
      tools.push(readOnlyTool(turn, info));
    } else {
      const refuser = refusingTool(turn, info.name);
      hidden.add(refuser);
      tools.push(refuser);
    }
  }
  const request = Object.create(turn.request, {
    prompt: { value: turn.prompt },
    references: { value: await checkedReferences(turn) },
    // A #tool the user attached is forced on the model by the library: only read-only ones.
    toolReferences: { value: turn.request.toolReferences.filter((t) => isReadOnlyTool(t.name)) },
  }) as vscode.ChatRequest;
  const context: vscode.ChatContext = {
    // Earlier questions' attachments were read when they were asked (their answers are in the
    // history); the library would read them again, and one deleted since would fail the request.
    history: turn.context.history.map((h) => (h instanceof vscode.ChatRequestTurn ? (Object.create(h, { references: { value: [] } }) as vscode.ChatRequestTurn) : h)),
  };
  try {
    const answer = sendChatParticipantRequest(
      request,
      context,
      {
        prompt: instructions,
        model: guardedModel(model, hidden, token),
        tools,
        requestJustification: justification,
        responseStreamOptions: { stream: turn.stream, responseText: true },
      },
      token,
    );
    await answer.result;
  } catch (e) {
    if (token.isCancellationRequested) return { ok: false, failure: { kind: 'cancelled' } };
    return { ok: false, failure: classifyModelError(e) };
  }
  // A cancel ends the model's stream quietly, without an exception.
  if (token.isCancellationRequested) return { ok: false, failure: { kind: 'cancelled' } };
  return { ok: true };
}

/** A registered read-only tool, run by us: progress in the chat, the request's token, errors said. */
function readOnlyTool(turn: ChatTurn, info: vscode.LanguageModelToolInformation): AdHocChatTool<object> {
  return {
    name: info.name,
    description: info.description,
    inputSchema: info.inputSchema ?? {},
    invoke: async (options) => {
      if (turn.token.isCancellationRequested) return textResult('Cancelled by the user; nothing was run.');
      turn.progress(toolProgress(info.name, options.input));
      try {
        const result = await vscode.lm.invokeTool(info.name, { input: options.input, toolInvocationToken: undefined, tokenizationOptions: options.tokenizationOptions }, turn.token);
        const said = resultText(result);
        if (isRefusal(said)) turn.markdown(`\n\n_${escapeMarkdown(info.name)}: ${escapeMarkdown(said.split('\n')[0]!.slice(0, 300))}_\n\n`);
        return result;
      } catch (e) {
        if (turn.token.isCancellationRequested) return textResult('Cancelled by the user.');
        const message = e instanceof Error ? e.message : String(e);
        turn.warn(`The tool ${info.name} failed: ${message}`);
        return textResult(`Error: ${info.name} failed: ${message}`);
      }
    },
  };
}

/** Stands in for a tool a question may not use: nothing runs, the model is told why. */
function refusingTool(turn: ChatTurn, name: string): AdHocChatTool<object> {
  return {
    name,
    description: 'Not available here.',
    inputSchema: {},
    invoke: () => {
      turn.markdown(`\n\n_The model asked for ${escapeMarkdown(name)}, which a question may not use; it was not run._\n\n`);
      return Promise.resolve(textResult(refusedToolResult(name)));
    },
  };
}

/**
 * The chosen model, with the hidden tools taken out of every request and the request's cancel
 * honoured between rounds and within a stream (the library keeps looping otherwise).
 */
function guardedModel(model: vscode.LanguageModelChat, hidden: ReadonlySet<vscode.LanguageModelChatTool>, token: vscode.CancellationToken): vscode.LanguageModelChat {
  async function* untilCancelled<T>(parts: AsyncIterable<T>): AsyncIterable<T> {
    for await (const part of parts) {
      if (token.isCancellationRequested) return;
      yield part;
    }
  }
  const sendRequest: vscode.LanguageModelChat['sendRequest'] = async (messages, options, requestToken) => {
    if (token.isCancellationRequested) throw new vscode.CancellationError();
    const offered = options?.tools?.filter((t) => !hidden.has(t));
    const response = await model.sendRequest(messages, { ...options, tools: offered?.length ? offered : undefined }, requestToken);
    return { stream: untilCancelled(response.stream), text: untilCancelled(response.text) };
  };
  // The model's own properties and methods, with this one request method replaced.
  return Object.create(model, { sendRequest: { value: sendRequest } }) as vscode.LanguageModelChat;
}

/**
 * The attached references as the library's string form, each fenced as data by our rule (a file
 * cannot close its fence and pose as instructions; the library's own fences are plain ```), binary
 * files left out with a note, large ones cut. The chat still lists them as used.
 */
async function checkedReferences(turn: ChatTurn): Promise<vscode.ChatPromptReference[]> {
  const out: vscode.ChatPromptReference[] = [];
  for (const ref of turn.request.references) {
    const value = ref.value;
    if (typeof value === 'string') {
      out.push({ ...ref, value: fenceAsData(`Reference ${ref.id}`, cut(value)) });
      continue;
    }
    const uri = value instanceof vscode.Uri ? value : value instanceof vscode.Location ? value.uri : undefined;
    if (!uri) continue;
    const name = vscode.workspace.asRelativePath(uri);
    let text = await turn.readUri(uri);
    if (text === undefined || text.includes('\u0000')) {
      turn.markdown(`_${escapeMarkdown(name)} is not a readable text file; it was left out._\n\n`);
      continue;
    }
    if (value instanceof vscode.Location) text = text.split(/\r?\n/).slice(value.range.start.line, value.range.end.line + 1).join('\n');
    const label = value instanceof vscode.Location ? `Selection of ${name}, lines ${value.range.start.line + 1}-${value.range.end.line + 1}` : `Referenced file ${name}`;
    out.push({ ...ref, value: fenceAsData(label, cut(text), name) });
    turn.stream.reference(value instanceof vscode.Location ? value : uri);
  }
  return out;
}

/** A reference's text, cut to MAX_REFERENCE_CHARS with a visible marker. */
function cut(text: string): string {
  return text.length <= MAX_REFERENCE_CHARS ? text : `${text.slice(0, MAX_REFERENCE_CHARS)}\n… [cut: the first ${MAX_REFERENCE_CHARS} of ${text.length} characters]\n`;
}
