import type { ChatCompletionCreateParamsStreaming, ChatCompletionMessageParam, ChatCompletionMessageToolCall } from 'openai/resources/chat/completions';

/**
 * Editor-neutral chat messages: the provider turns VS Code's request messages into these, and
 * this module turns them into an OpenAI Chat Completions request.
 */
export type ChatPart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'toolCall'; readonly callId: string; readonly name: string; readonly input: unknown }
  | { readonly kind: 'toolResult'; readonly callId: string; readonly text: string };

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly parts: readonly ChatPart[];
}

export interface ToolSpec {
  readonly name: string;
  readonly description: string;
  readonly inputSchema?: object;
}

export interface ChatRequestSpec {
  /** The server's model id. */
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly tools?: readonly ToolSpec[];
  /** `required`: the model must call a tool (VS Code's LanguageModelChatToolMode.Required). */
  readonly toolMode?: 'auto' | 'required';
  readonly maxOutputTokens?: number;
  /** Passed through from the caller's `modelOptions` (temperature, top_p, …), minus the keys we own. */
  readonly modelOptions?: Readonly<Record<string, unknown>>;
}

/** Request keys a caller's modelOptions may not override: they would break streaming or the message shape. */
const OWNED_KEYS = new Set(['model', 'messages', 'stream', 'stream_options', 'tools', 'tool_choice', 'n']);

function textOf(parts: readonly ChatPart[]): string {
  return parts
    .filter((p): p is Extract<ChatPart, { kind: 'text' }> => p.kind === 'text')
    .map((p) => p.text)
    .join('');
}

/**
 * The OpenAI messages for a conversation. Tool results become `tool` messages that directly follow
 * the assistant turn that called them (as the API requires); text beside them becomes a user message.
 */
export function toOpenAIMessages(messages: readonly ChatMessage[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  for (const m of messages) {
    const text = textOf(m.parts);
    if (m.role === 'system') {
      if (text) out.push({ role: 'system', content: text });
      continue;
    }
    if (m.role === 'assistant') {
      const calls: ChatCompletionMessageToolCall[] = m.parts
        .filter((p): p is Extract<ChatPart, { kind: 'toolCall' }> => p.kind === 'toolCall')
        .map((p) => ({ id: p.callId, type: 'function', function: { name: p.name, arguments: JSON.stringify(p.input ?? {}) } }));
      if (calls.length > 0) out.push({ role: 'assistant', content: text || null, tool_calls: calls });
      else out.push({ role: 'assistant', content: text });
      continue;
    }
    for (const p of m.parts) if (p.kind === 'toolResult') out.push({ role: 'tool', tool_call_id: p.callId, content: p.text });
    const hasResults = m.parts.some((p) => p.kind === 'toolResult');
    if (text || !hasResults) out.push({ role: 'user', content: text });
  }
  return out;
}

/** The streaming Chat Completions request body. */
export function toChatRequest(spec: ChatRequestSpec): ChatCompletionCreateParamsStreaming {
  const passthrough: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec.modelOptions ?? {})) if (!OWNED_KEYS.has(k)) passthrough[k] = v;
  const body: ChatCompletionCreateParamsStreaming = {
    ...passthrough,
    model: spec.model,
    messages: toOpenAIMessages(spec.messages),
    stream: true,
    // Usage lets the token estimate learn the model's real ratio; servers that do not know the option ignore it.
    stream_options: { include_usage: true },
  };
  if (spec.maxOutputTokens !== undefined && !('max_tokens' in passthrough) && !('max_completion_tokens' in passthrough)) body.max_tokens = spec.maxOutputTokens;
  if (spec.tools && spec.tools.length > 0) {
    body.tools = spec.tools.map((t) => ({
      type: 'function',
      function: { name: t.name, description: t.description, parameters: (t.inputSchema as Record<string, unknown> | undefined) ?? { type: 'object', properties: {} } },
    }));
    body.tool_choice = spec.toolMode === 'required' ? 'required' : 'auto';
  }
  return body;
}
