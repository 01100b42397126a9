// The client against the test OpenAI-compatible server over real HTTP (node:http on loopback):
// streaming with real socket boundaries, tool calls, keys, errors, cancellation, /tokenize.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OpenAICompatibleClient } from '../../../../src/core/openai/client';
import { mapFailure } from '../../../../src/core/openai/errors';
import { type StreamEvent } from '../../../../src/core/openai/streamAssembler';
import { repoRoot } from '../../helpers/paths';

interface Received {
  model: string;
  messages: Array<{ role: string; content: unknown; tool_calls?: unknown[]; tool_call_id?: string }>;
  tools: string[];
  toolChoice: unknown;
  streamOptions: unknown;
  authorization: string | undefined;
  closedEarly: boolean;
  completed: boolean;
}
interface TestServer {
  baseUrl: string;
  origin: string;
  state: { apiKey?: string; tokenize: boolean };
  script(...replies: object[]): void;
  reset(): void;
  readonly received: Received[];
  close(): Promise<void>;
}

async function startServer(options: object = {}): Promise<TestServer> {
  const mod = (await import(pathToFileURL(join(repoRoot(), 'test', 'fixtures', 'openai-server', 'server.mjs')).href)) as { startOpenAIServer(o: object): Promise<TestServer> };
  return mod.startOpenAIServer({ models: [{ id: 'test-model' }, { id: 'big', max_model_len: 32768 }], ...options });
}

async function collect(client: OpenAICompatibleClient, prompt: string, signal = new AbortController().signal, extra: object = {}): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const e of client.streamChat({ model: 'test-model', messages: [{ role: 'user', parts: [{ kind: 'text', text: prompt }] }], ...extra }, signal)) out.push(e);
  return out;
}

const textOf = (events: StreamEvent[]): string => events.map((e) => (e.kind === 'text' ? e.text : '')).join('');
const ctx = (server: TestServer) => ({ endpoint: 'Test', baseUrl: server.baseUrl, model: 'test-model' });

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('OpenAICompatibleClient over HTTP', function () {
  this.timeout(30_000);
  let server: TestServer;
  let client: OpenAICompatibleClient;
  const savedKey = process.env['OPENAI_API_KEY'];

  before(async () => {
    server = await startServer();
    // The editor's environment must never leak into requests to a configured endpoint.
    process.env['OPENAI_API_KEY'] = 'sk-from-the-environment';
    client = new OpenAICompatibleClient({ baseUrl: server.baseUrl });
  });
  after(async () => {
    if (savedKey === undefined) delete process.env['OPENAI_API_KEY'];
    else process.env['OPENAI_API_KEY'] = savedKey;
    await server.close();
  });
  beforeEach(() => {
    server.reset();
    server.state.apiKey = undefined;
    server.state.tokenize = false;
  });

  it('lists the models with their context sizes', async () => {
    assert.deepEqual(await client.listModels(), [{ id: 'test-model' }, { id: 'big', contextLength: 32768 }]);
  });

  it('streams text cut into 1, 3 and 7 byte pieces on the wire, with keep-alive comments, usage and [DONE]', async () => {
    const text = 'Grüße aus Köln 👋 — 日本語の仕様書を書きます.\n';
    for (const splitBytes of [1, 3, 7]) {
      server.script({ text, keepAlive: true, usage: true, splitBytes });
      const events = await collect(client, 'hi');
      assert.equal(textOf(events), text, `pieces of ${splitBytes} bytes`);
      assert.deepEqual(events.at(-1), { kind: 'usage', promptTokens: 42, completionTokens: 7 });
    }
    const sent = server.received[0]!;
    assert.equal(sent.authorization, undefined, 'no key configured: no Authorization header (not the environment’s key)');
    assert.deepEqual(sent.streamOptions, { include_usage: true });
  });

  it('assembles parallel tool calls whose arguments arrive interleaved and split', async () => {
    server.script({
      text: 'Two files.',
      interleave: true,
      toolCalls: [
        { id: 'call_1', name: 'write_file', arguments: { path: 'src/a.txt', content: 'ä\n' }, parts: 5 },
        { id: 'call_2', name: 'write_file', arguments: { path: 'src/b.txt', content: 'b\n' }, parts: 4 },
      ],
    });
    const events = await collect(client, 'Implement T001.', undefined, { tools: [{ name: 'write_file', description: 'Write a file' }] });
    assert.deepEqual(events.filter((e) => e.kind === 'toolCall'), [
      { kind: 'toolCall', callId: 'call_1', name: 'write_file', input: { path: 'src/a.txt', content: 'ä\n' } },
      { kind: 'toolCall', callId: 'call_2', name: 'write_file', input: { path: 'src/b.txt', content: 'b\n' } },
    ]);
    assert.deepEqual(server.received[0]!.tools, ['write_file']);
    assert.equal(server.received[0]!.toolChoice, 'auto');
  });

  it('sends tool results back as tool messages after the assistant’s calls', async () => {
    await collect(client, 'x', undefined, {
      messages: [
        { role: 'user', parts: [{ kind: 'text', text: 'Implement T001.' }] },
        { role: 'assistant', parts: [{ kind: 'toolCall', callId: 'c1', name: 'read_file', input: { path: 'a' } }] },
        { role: 'user', parts: [{ kind: 'toolResult', callId: 'c1', text: 'file text' }] },
      ],
    });
    assert.deepEqual(server.received[0]!.messages.map((m) => m.role), ['user', 'assistant', 'tool']);
    assert.equal(server.received[0]!.messages[2]!.tool_call_id, 'c1');
  });

  it('sends the configured key, and a refused key maps to NoPermissions', async () => {
    server.state.apiKey = 'sk-right';
    const keyed = new OpenAICompatibleClient({ baseUrl: server.baseUrl, apiKey: 'sk-right' });
    assert.equal(textOf(await collect(keyed, 'hi')), 'Test server reply.');
    assert.equal(server.received[0]!.authorization, 'Bearer sk-right');
    const wrong = new OpenAICompatibleClient({ baseUrl: server.baseUrl, apiKey: 'sk-wrong' });
    const e = await collect(wrong, 'hi').then(() => undefined, (err: unknown) => err);
    assert.equal(mapFailure(e, ctx(server)).code, 'NoPermissions');
    assert.match(mapFailure(await client.listModels().then(() => undefined, (err: unknown) => err), ctx(server)).message, /refused the API key \(HTTP 401: Incorrect API key provided\.\)/);
  });

  it('maps an unknown model to NotFound and 429 with retry-after to Blocked with when', async () => {
    const missing = await (async () => {
      for await (const _ of client.streamChat({ model: 'nope', messages: [] }, new AbortController().signal)) void _;
    })().then(() => undefined, (err: unknown) => err);
    const notFound = mapFailure(missing, { ...ctx(server), model: 'nope' });
    assert.equal(notFound.code, 'NotFound');
    assert.match(notFound.message, /has no model "nope" \(HTTP 404: The model `nope` does not exist/);
    server.script({ status: 429, error: 'Rate limit reached for requests', headers: { 'retry-after': '20' } });
    const limited = mapFailure(await collect(client, 'hi').then(() => undefined, (err: unknown) => err), ctx(server));
    assert.equal(limited.code, 'Blocked');
    assert.match(limited.message, /HTTP 429: Rate limit reached for requests\): try again in 20 s \(at \d\d:\d\d:\d\d\)/);
    assert.equal(server.received.length, 2, 'no hidden retries');
  });

  it('reports a server that stops mid-stream, drops the connection, or sends an error event', async () => {
    server.script({ text: 'half of it', stop: 'cut' });
    assert.match(mapFailure(await collect(client, 'a').then(() => undefined, (e: unknown) => e), ctx(server)).message, /stopped in the middle of the answer/);
    server.script({ text: 'half of it', stop: 'reset' });
    assert.match(mapFailure(await collect(client, 'b').then(() => undefined, (e: unknown) => e), ctx(server)).message, /closed the connection/);
    server.script({ text: 'half of it', stop: 'sse-error' });
    assert.match(mapFailure(await collect(client, 'c').then(() => undefined, (e: unknown) => e), ctx(server)).message, /The server had an error while processing your request/);
  });

  it('refuses an HTML page and accepts a JSON completion from a server that does not stream', async () => {
    server.script({ body: { contentType: 'text/html', text: '<html><title>Captive portal</title></html>' } });
    const html = mapFailure(await collect(client, 'a').then(() => undefined, (e: unknown) => e), ctx(server));
    assert.match(html.message, /did not answer with a stream of server-sent events: it sent text\/html \("<html><title>Captive portal/);
    server.script({ body: { contentType: 'application/json', text: JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'all at once' }, finish_reason: 'stop' }] }) } });
    assert.equal(textOf(await collect(client, 'b')), 'all at once');
  });

  it('says the server is not running when nothing listens', async () => {
    const port = await freePort();
    const absent = new OpenAICompatibleClient({ baseUrl: `http://127.0.0.1:${port}/v1` });
    const e = await collect(absent, 'hi').then(() => undefined, (err: unknown) => err);
    assert.equal(mapFailure(e, { endpoint: 'Ollama', baseUrl: `http://127.0.0.1:${port}/v1` }).message, `cannot reach Ollama (http://127.0.0.1:${port}/v1): the connection was refused: is the server running?`);
  });

  it('closes the HTTP request when cancelled mid-stream', async () => {
    server.script({ chunks: ['one ', 'two ', 'three ', 'four ', 'five '], delayMs: 150 });
    const abort = new AbortController();
    const seen: string[] = [];
    const run = (async () => {
      for await (const e of client.streamChat({ model: 'test-model', messages: [{ role: 'user', parts: [{ kind: 'text', text: 'slow' }] }] }, abort.signal)) {
        if (e.kind === 'text') seen.push(e.text);
        if (seen.length === 2) abort.abort();
      }
    })();
    await run.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(seen, ['one ', 'two ']);
    assert.equal(server.received[0]!.closedEarly, true, 'the server saw the request close');
    assert.equal(server.received[0]!.completed, false);
  });

  it('counts tokens with the server’s /tokenize where it has one, and remembers when it has none', async () => {
    server.state.tokenize = true;
    const withTokenizer = new OpenAICompatibleClient({ baseUrl: server.baseUrl });
    assert.equal(await withTokenizer.countTokens('test-model', 'Hello, world: spec-kit!'), 8);
    server.state.tokenize = false;
    const without = new OpenAICompatibleClient({ baseUrl: server.baseUrl });
    assert.equal(await without.countTokens('test-model', 'Hello'), undefined);
    server.state.tokenize = true;
    assert.equal(await without.countTokens('test-model', 'Hello'), undefined, 'probed once: a server without /tokenize is not asked again');
  });
});
