import OpenAI from 'openai';
import { toChatRequest, type ChatRequestSpec } from './chatFormat';
import { parseModelList, normalizeBaseUrl, type DiscoveredModel } from './endpoints';
import { ChatStreamAssembler, StreamProblem, type StreamEvent } from './streamAssembler';

export interface ClientEndpoint {
  readonly baseUrl: string;
  /** Absent: no Authorization header at all (local servers). */
  readonly apiKey?: string;
}

export interface ClientOptions {
  /** For model listing and probes: a server that does not answer in this time counts as absent. */
  readonly probeTimeoutMs?: number;
  /** Until the response headers of a chat request arrive (a local model may load for minutes). */
  readonly requestTimeoutMs?: number;
  /** Another fetch (tests feed exact byte sequences through it); default: the global fetch. */
  readonly fetch?: typeof fetch;
}

const KEYLESS = 'no-key';

/**
 * One OpenAI-compatible endpoint, through the official `openai` client: it owns the HTTP, the
 * SSE decoding and the error classes; this class adds what Chat Completions servers other than
 * OpenAI's need (no key, non-SSE answers, streams that stop early, llama.cpp/vLLM's /tokenize).
 */
export class OpenAICompatibleClient {
  private readonly client: OpenAI;
  private tokenizeSupported: boolean | undefined;

  constructor(
    private readonly endpoint: ClientEndpoint,
    private readonly options: ClientOptions = {},
  ) {
    this.client = new OpenAI({
      // Explicit values everywhere: never the OPENAI_* environment variables of the editor's process.
      apiKey: endpoint.apiKey || KEYLESS,
      organization: null,
      project: null,
      baseURL: normalizeBaseUrl(endpoint.baseUrl),
      // A chat waits for no hidden retries: a failure is reported at once, with when to try again.
      maxRetries: 0,
      timeout: options.requestTimeoutMs ?? 10 * 60_000,
      ...(endpoint.apiKey ? {} : { defaultHeaders: { authorization: null } }),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      // Failures reach the caller as errors; the library's own console output would only be noise.
      logLevel: 'off',
    });
  }

  /** The server's models (GET /models). Throws what the request threw; the caller maps it. */
  async listModels(signal?: AbortSignal): Promise<DiscoveredModel[]> {
    const body: unknown = await this.client.get('/models', { signal, timeout: this.options.probeTimeoutMs ?? 5000, maxRetries: 0 });
    return parseModelList(body);
  }

  /**
   * Streams one chat completion. Yields text as it arrives and tool calls once complete; throws
   * on an HTTP error, a dropped connection, a body that is not an event stream, or a stream that
   * ends before the server said it finished. Aborting `signal` closes the HTTP request.
   */
  async *streamChat(spec: ChatRequestSpec, signal: AbortSignal): AsyncGenerator<StreamEvent, void, undefined> {
    const { data: stream, response } = await this.client.chat.completions.create(toChatRequest(spec), { signal }).withResponse();
    const type = response.headers.get('content-type') ?? '';
    if (!/text\/event-stream/i.test(type)) {
      yield* this.nonStreamAnswer(response, type);
      return;
    }
    const assembler = new ChatStreamAssembler();
    for await (const chunk of stream) {
      for (const e of assembler.push(chunk)) yield e;
    }
    if (signal.aborted) return;
    for (const e of assembler.end()) yield e;
  }

  /**
   * Some servers and proxies ignore `stream: true` and answer with one JSON completion: that is a
   * usable answer. Anything else (an HTML login page, plain text) is not.
   */
  private async *nonStreamAnswer(response: Response, type: string): AsyncGenerator<StreamEvent, void, undefined> {
    const text = await response.text();
    let body: unknown;
    if (/json/i.test(type)) {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    }
    const choice = (body as { choices?: Array<{ message?: { content?: unknown; tool_calls?: unknown[] }; finish_reason?: string }> } | undefined)?.choices?.[0];
    if (!choice?.message) {
      const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 120);
      throw new StreamProblem('notEventStream', `it sent ${type || 'no content type'}${snippet ? ` ("${snippet}${text.length > 120 ? '…' : ''}")` : ''}`);
    }
    const assembler = new ChatStreamAssembler();
    const calls = Array.isArray(choice.message.tool_calls) ? (choice.message.tool_calls as Array<Record<string, unknown>>).map((c, index) => ({ index, ...c })) : [];
    const usage = (body as { usage?: unknown }).usage;
    yield* assembler.push({ choices: [{ index: 0, delta: { content: choice.message.content, tool_calls: calls }, finish_reason: choice.finish_reason ?? 'stop' }], usage });
    yield* assembler.end();
  }

  /**
   * Counts tokens with the server's own tokenizer where it has one (llama.cpp's and vLLM's
   * `POST /tokenize` beside the /v1 API); undefined when it has none (probed once).
   */
  async countTokens(model: string, text: string, signal?: AbortSignal): Promise<number | undefined> {
    if (this.tokenizeSupported === false) return undefined;
    const root = normalizeBaseUrl(this.endpoint.baseUrl).replace(/\/v1$/, '');
    try {
      const res = await fetch(`${root}/tokenize`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.endpoint.apiKey ? { authorization: `Bearer ${this.endpoint.apiKey}` } : {}) },
        // llama.cpp reads `content`, vLLM `model` and `prompt`; each ignores the other's fields.
        body: JSON.stringify({ model, content: text, prompt: text, add_special: false, add_special_tokens: false }),
        signal: AbortSignal.any([AbortSignal.timeout(this.options.probeTimeoutMs ?? 5000), ...(signal ? [signal] : [])]),
      });
      if (!res.ok) {
        if (res.status === 404 || res.status === 405 || res.status === 501) this.tokenizeSupported = false;
        await res.body?.cancel();
        return undefined;
      }
      const body = (await res.json().catch(() => ({}))) as { count?: unknown; tokens?: unknown };
      const count = typeof body.count === 'number' ? body.count : Array.isArray(body.tokens) ? body.tokens.length : undefined;
      this.tokenizeSupported = count !== undefined;
      return count;
    } catch {
      // Unreachable or cancelled: ask again next time.
      return undefined;
    }
  }
}
