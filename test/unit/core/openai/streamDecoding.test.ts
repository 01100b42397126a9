// The whole decoding path of a streamed answer — the openai client's SSE parser and our
// assembler — fed exact byte sequences: every chunk boundary, UTF-8 split inside a character,
// keep-alive comments, [DONE], usage chunks, and the ways a stream goes wrong.
import assert from 'node:assert/strict';
import { OpenAICompatibleClient } from '../../../../src/core/openai/client';
import { type StreamEvent } from '../../../../src/core/openai/streamAssembler';

const SPEC = { model: 'm', messages: [{ role: 'user' as const, parts: [{ kind: 'text' as const, text: 'hi' }] }] };

/** A chunk as servers send it, minus the fields we do not read (short bodies keep the every-byte test fast). */
function chunk(delta: object, finish: string | null = null): string {
  return `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

/** A fetch that answers with these bytes, cut into the given pieces. */
function fetchOf(body: Uint8Array, cuts: number[], contentType = 'text/event-stream'): typeof fetch {
  return () => {
    const points = [0, ...cuts.filter((c) => c > 0 && c < body.length).sort((a, b) => a - b), body.length];
    const pieces = points.slice(1).map((end, i) => body.slice(points[i], end));
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = pieces.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    return Promise.resolve(new Response(stream, { status: 200, headers: { 'content-type': contentType } }));
  };
}

// One client for every case (making one per byte position is slow); each case sets what fetch answers.
let answer: typeof fetch = fetchOf(new Uint8Array(), []);
const client = new OpenAICompatibleClient({ baseUrl: 'http://127.0.0.1:9/v1' }, { fetch: (...args: Parameters<typeof fetch>) => answer(...args) });

async function collect(body: string | Uint8Array, cuts: number[] = [], contentType?: string): Promise<StreamEvent[]> {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  answer = fetchOf(bytes, cuts, contentType);
  const out: StreamEvent[] = [];
  for await (const e of client.streamChat(SPEC, new AbortController().signal)) out.push(e);
  return out;
}

const textOf = (events: StreamEvent[]): string => events.map((e) => (e.kind === 'text' ? e.text : '')).join('');

describe('stream decoding (openai client + assembler)', () => {
  const body =
    ': keep-alive\n\n' +
    chunk({ role: 'assistant', content: '' }) +
    chunk({ content: 'Grüße 👋 — ' }) +
    ': OPENROUTER PROCESSING\n\n' +
    chunk({ content: '日本語の仕様' }) +
    chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'write_file', arguments: '{"path":"é.txt",' } }] }) +
    chunk({ tool_calls: [{ index: 0, function: { arguments: '"content":"ok"}' } }] }) +
    chunk({}, 'tool_calls') +
    `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 5 } })}\n\n` +
    'data: [DONE]\n\n';
  const bytes = new TextEncoder().encode(body);
  const expected = [
    { kind: 'text', text: 'Grüße 👋 — ' },
    { kind: 'text', text: '日本語の仕様' },
    { kind: 'toolCall', callId: 'call_a', name: 'write_file', input: { path: 'é.txt', content: 'ok' } },
    { kind: 'usage', promptTokens: 12, completionTokens: 5 },
  ];

  it('decodes a whole body in one piece', async () => {
    assert.deepEqual(await collect(body), expected);
  });

  it('gives the same events for a cut at every byte, inside events and inside multi-byte characters', async () => {
    // Four cuts a request, a quarter of the body apart: every byte position is a cut in some request.
    const quarter = Math.ceil(bytes.length / 4);
    for (let i = 1; i <= quarter; i++) {
      const cuts = [i, i + quarter, i + 2 * quarter, i + 3 * quarter];
      assert.deepEqual(await collect(bytes, cuts), expected, `cuts at bytes ${cuts.join(', ')}`);
    }
  });

  it('gives the same events when every byte arrives on its own', async () => {
    assert.deepEqual(await collect(bytes, Array.from({ length: bytes.length }, (_, i) => i)), expected);
  });

  it('accepts CRLF line endings and several events in one piece', async () => {
    const crlf = body.replace(/\n/g, '\r\n');
    assert.deepEqual(await collect(crlf, [17, 400]), expected);
  });

  it('ends quietly after the finish chunk when the server sends no [DONE]', async () => {
    const events = await collect(chunk({ content: 'done' }) + chunk({}, 'stop'));
    assert.equal(textOf(events), 'done');
  });

  it('ignores reasoning deltas (they are not part of the answer)', async () => {
    const events = await collect(chunk({ reasoning_content: 'thinking…' }) + chunk({ reasoning: 'more' }) + chunk({ content: 'answer' }) + chunk({}, 'stop') + 'data: [DONE]\n\n');
    assert.equal(textOf(events), 'answer');
  });

  it('reports a stream that ends before the server finished as incomplete', async () => {
    await assert.rejects(collect(chunk({ content: 'half an ans' })), /stopped in the middle of the answer/);
  });

  it('reports an error event in the stream', async () => {
    await assert.rejects(collect(chunk({ content: 'x' }) + `data: ${JSON.stringify({ error: { message: 'overloaded' } })}\n\n`), /overloaded/);
  });

  it('reports an event that is not JSON', async () => {
    await assert.rejects(collect(chunk({ content: 'x' }) + 'data: {not json\n\n'), /JSON/);
  });

  it('takes a complete JSON answer from a server that ignores stream: true', async () => {
    const events = await collect(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'whole', tool_calls: [{ id: 'c9', type: 'function', function: { name: 't', arguments: '{"a":1}' } }] }, finish_reason: 'tool_calls' }] }), [], 'application/json');
    assert.deepEqual(events, [{ kind: 'text', text: 'whole' }, { kind: 'toolCall', callId: 'c9', name: 't', input: { a: 1 } }]);
  });

  it('refuses a body that is neither an event stream nor a completion', async () => {
    await assert.rejects(collect('<html><body>Sign in to the proxy</body></html>', [], 'text/html'), (e: Error) => e.name === 'StreamProblem' && /text\/html/.test(e.message) && /Sign in to the proxy/.test(e.message));
    await assert.rejects(collect('{"status":"ok"}', [], 'application/json'), /application\/json/);
  });
});
