/**
 * Turns streamed Chat Completions chunks into what a caller can use: text as it arrives, each tool
 * call once it is complete (its arguments arrive in pieces, several calls interleaved by `index`),
 * usage, and whether the answer ended properly. Servers differ in small ways (Ollama sends a whole
 * call in one chunk, some omit `index`, llama.cpp and DeepSeek stream `reasoning_content`), so every
 * field is read defensively.
 */

export type StreamEvent =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'toolCall'; readonly callId: string; readonly name: string; readonly input: unknown }
  | { readonly kind: 'usage'; readonly promptTokens: number; readonly completionTokens: number };

/** Why a stream did not end with a usable answer; mapped to a LanguageModelError by the provider. */
export class StreamProblem extends Error {
  constructor(
    readonly kind: 'incomplete' | 'badToolArguments' | 'contentFilter' | 'notEventStream' | 'badChunk',
    message: string,
  ) {
    super(message);
    this.name = 'StreamProblem';
  }
}

interface PendingCall {
  id: string;
  name: string;
  args: string;
  order: number;
}

/** The shape of a chunk as far as we read it (a subset of openai's ChatCompletionChunk, all optional). */
interface LooseChunk {
  choices?: Array<{
    index?: number;
    delta?: {
      content?: string | null;
      tool_calls?: Array<{ index?: number; id?: string | null; type?: string; function?: { name?: string | null; arguments?: string | null } }> | null;
    } | null;
    finish_reason?: string | null;
  }> | null;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

export class ChatStreamAssembler {
  private readonly calls = new Map<number, PendingCall>();
  private finishReason: string | undefined;
  private sawChunk = false;
  private nextCallId = 0;
  private text = '';

  /** The reason the server gave for ending (stop, length, tool_calls, …), once it did. */
  get finished(): string | undefined {
    return this.finishReason;
  }

  /** All text received so far. */
  get receivedText(): string {
    return this.text;
  }

  push(raw: unknown): StreamEvent[] {
    if (!raw || typeof raw !== 'object') throw new StreamProblem('badChunk', `the server sent an event that is not a completion chunk: ${JSON.stringify(raw)?.slice(0, 200)}`);
    this.sawChunk = true;
    const chunk = raw as LooseChunk;
    const events: StreamEvent[] = [];
    // Only the first choice is used: we never ask for n > 1.
    const choice = chunk.choices?.find((c) => (c.index ?? 0) === 0);
    const delta = choice?.delta;
    if (delta && typeof delta.content === 'string' && delta.content.length > 0) {
      this.text += delta.content;
      events.push({ kind: 'text', text: delta.content });
    }
    for (const tc of delta?.tool_calls ?? []) this.addToolCallDelta(tc);
    if (choice?.finish_reason) {
      this.finishReason = choice.finish_reason;
      if (choice.finish_reason === 'content_filter') throw new StreamProblem('contentFilter', "the server's content filter stopped the answer");
      // Calls are complete once the choice finished; a usage chunk may still follow.
      events.push(...this.flushCalls());
    }
    if (chunk.usage && typeof chunk.usage.prompt_tokens === 'number') {
      events.push({ kind: 'usage', promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens ?? 0 });
    }
    return events;
  }

  /** Call when the stream ended; returns the last events, or throws if the answer is incomplete. */
  end(): StreamEvent[] {
    if (!this.finishReason) {
      if (!this.sawChunk) throw new StreamProblem('incomplete', 'the server closed the stream without sending an answer');
      throw new StreamProblem('incomplete', 'the server stopped in the middle of the answer (no finish reason before the stream ended)');
    }
    return this.flushCalls();
  }

  private addToolCallDelta(tc: NonNullable<NonNullable<NonNullable<LooseChunk['choices']>[number]['delta']>['tool_calls']>[number]): void {
    let index = typeof tc.index === 'number' ? tc.index : undefined;
    if (index === undefined) {
      // No index: a call with a new id starts a new call, pieces without one extend the last.
      const byId = tc.id ? [...this.calls.entries()].find(([, c]) => c.id === tc.id)?.[0] : undefined;
      index = byId ?? (tc.id || this.calls.size === 0 ? this.calls.size : Math.max(...this.calls.keys()));
    }
    let call = this.calls.get(index);
    if (!call) {
      call = { id: '', name: '', args: '', order: this.calls.size };
      this.calls.set(index, call);
    }
    if (tc.id && !call.id) call.id = tc.id;
    const name = tc.function?.name;
    // Most servers send the name once; some repeat it whole in later pieces.
    if (name && name !== call.name) call.name += name;
    if (tc.function?.arguments) call.args += tc.function.arguments;
  }

  private flushCalls(): StreamEvent[] {
    const out: StreamEvent[] = [];
    for (const call of [...this.calls.values()].sort((a, b) => a.order - b.order)) {
      if (!call.name) throw new StreamProblem('badToolArguments', 'the model sent a tool call without a tool name');
      out.push({ kind: 'toolCall', callId: call.id || `call_${this.nextCallId++}`, name: call.name, input: parseArguments(call.name, call.args) });
    }
    this.calls.clear();
    return out;
  }
}

function parseArguments(name: string, args: string): unknown {
  const trimmed = args.trim();
  if (trimmed === '') return {};
  try {
    const value: unknown = JSON.parse(trimmed);
    // A few servers double-encode: the arguments are a JSON string holding the JSON object.
    if (typeof value === 'string') {
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return value;
      }
    }
    return value;
  } catch {
    throw new StreamProblem('badToolArguments', `the model called ${name} with arguments that are not valid JSON: ${trimmed.slice(0, 120)}`);
  }
}
