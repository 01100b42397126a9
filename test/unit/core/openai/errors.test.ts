// Every failure of a request maps to the LanguageModelError code the chat explains, with a
// message that names the endpoint and says what to do. Errors are the openai client's own classes.
import assert from 'node:assert/strict';
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { describeWait, mapFailure, retryAfterMs } from '../../../../src/core/openai/errors';
import { StreamProblem } from '../../../../src/core/openai/streamAssembler';

const ctx = { endpoint: 'Ollama', baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen2.5-coder:7b', now: new Date('2026-11-28T14:05:00') };
const apiError = (status: number, message: string, headers: Record<string, string> = {}): APIError =>
  APIError.generate(status, { error: { message, type: 'x' } }, undefined, new Headers(headers));

describe('mapFailure', () => {
  it('maps a refused key (401, 403) to NoPermissions and says how to set the key', () => {
    for (const status of [401, 403]) {
      const f = mapFailure(apiError(status, 'Incorrect API key provided.'), ctx);
      assert.equal(f.code, 'NoPermissions');
      assert.match(f.message, /^Ollama \(http:\/\/127\.0\.0\.1:11434\/v1\) refused the API key/);
      assert.match(f.message, new RegExp(`HTTP ${status}: Incorrect API key provided\\.`));
      assert.match(f.message, /Manage Model Endpoints/);
    }
  });

  it('maps an unknown model (404) to NotFound, naming the model', () => {
    const f = mapFailure(apiError(404, 'model "qwen2.5-coder:7b" not found, try pulling it first'), ctx);
    assert.equal(f.code, 'NotFound');
    assert.match(f.message, /has no model "qwen2\.5-coder:7b"/);
    assert.match(f.message, /try pulling it first/);
  });

  it('maps 429 to Blocked with when to try again, from retry-after seconds or date', () => {
    const f = mapFailure(apiError(429, 'Rate limit reached for requests', { 'retry-after': '20' }), ctx);
    assert.equal(f.code, 'Blocked');
    assert.equal(f.retryAfterMs, 20_000);
    assert.match(f.message, /HTTP 429: Rate limit reached for requests\): try again in 20 s \(at 14:05:20\)/);
    const dated = mapFailure(apiError(429, 'slow down', { 'retry-after': new Date('2026-11-28T14:08:00').toUTCString() }), ctx);
    assert.match(dated.message, /try again in 3 min \(at 14:08\)/);
    assert.match(mapFailure(apiError(429, 'quota'), ctx).message, /try again later$/);
  });

  it('maps server errors and rejected requests to Unknown with the server’s words', () => {
    assert.deepEqual(mapFailure(apiError(500, 'boom'), ctx), { code: 'Unknown', message: 'Ollama (http://127.0.0.1:11434/v1) failed (HTTP 500: boom)' });
    assert.match(mapFailure(apiError(400, "This model's maximum context length is 8192 tokens"), ctx).message, /rejected the request \(HTTP 400: This model's maximum context length/);
  });

  it('says the network is down or the server is not running', () => {
    const refused = new APIConnectionError({ cause: Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:11434'), { code: 'ECONNREFUSED' }) }) });
    assert.equal(mapFailure(refused, ctx).message, 'cannot reach Ollama (http://127.0.0.1:11434/v1): the connection was refused: is the server running?');
    const dns = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo EAI_AGAIN api.example'), { code: 'EAI_AGAIN' }) });
    assert.match(mapFailure(dns, ctx).message, /could not be resolved \(network down\?\)/);
    assert.match(mapFailure(new APIConnectionTimeoutError(), ctx).message, /did not answer in time/);
    assert.match(mapFailure(new APIConnectionError({ message: 'Connection error.' }), ctx).message, /^cannot reach Ollama/);
  });

  it('says when the server stopped mid-stream', () => {
    const terminated = Object.assign(new TypeError('terminated'), { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    assert.equal(mapFailure(terminated, ctx).message, 'Ollama (http://127.0.0.1:11434/v1) closed the connection before the answer was complete (the server closed the connection)');
    assert.match(mapFailure(new TypeError('terminated'), ctx).message, /closed the connection in the middle of the answer/);
    assert.match(mapFailure(new StreamProblem('incomplete', 'the server stopped in the middle of the answer'), ctx).message, /^Ollama .*stopped in the middle/);
  });

  it('explains a body that is not an event stream, and a content filter', () => {
    const f = mapFailure(new StreamProblem('notEventStream', 'it sent text/html ("<html>login")'), ctx);
    assert.equal(f.code, 'Unknown');
    assert.match(f.message, /did not answer with a stream of server-sent events: it sent text\/html/);
    assert.match(f.message, /ending in \/v1/);
    assert.equal(mapFailure(new StreamProblem('contentFilter', "the server's content filter stopped the answer"), ctx).code, 'Blocked');
  });

  it('keeps any other error’s message', () => {
    assert.equal(mapFailure(new Error('weird'), ctx).message, 'Ollama (http://127.0.0.1:11434/v1): weird');
    assert.equal(mapFailure('a string', ctx).code, 'Unknown');
  });
});

describe('retryAfterMs and describeWait', () => {
  const h = (o: Record<string, string>): Headers => new Headers(o);
  it('reads every header form servers send', () => {
    const now = new Date('2026-11-28T14:05:00Z');
    assert.equal(retryAfterMs(h({ 'retry-after-ms': '1500' })), 1500);
    assert.equal(retryAfterMs(h({ 'retry-after': '7' })), 7000);
    assert.equal(retryAfterMs(h({ 'retry-after': 'Sat, 28 Nov 2026 14:06:00 GMT' }), now), 60_000);
    assert.equal(retryAfterMs(h({ 'x-ratelimit-reset-requests': '6m0s' })), 360_000);
    assert.equal(retryAfterMs(h({ 'x-ratelimit-reset-tokens': '1.5s' })), 1500);
    assert.equal(retryAfterMs(h({ 'x-ratelimit-reset-requests': '250ms' })), 250);
    assert.equal(retryAfterMs(h({})), undefined);
    assert.equal(retryAfterMs(h({ 'retry-after': 'soon' })), undefined);
    assert.equal(retryAfterMs(undefined), undefined);
  });

  it('words a wait in seconds, minutes or hours with the clock time', () => {
    const now = new Date('2026-11-28T14:05:00');
    assert.equal(describeWait(20_000, now), 'in 20 s (at 14:05:20)');
    assert.equal(describeWait(0, now), 'in 1 s (at 14:05:00)');
    assert.equal(describeWait(5 * 60_000, now), 'in 5 min (at 14:10)');
    assert.match(describeWait(3 * 3_600_000, now), /^in 3 h \(at 2026-11-28 \d\d:05 UTC\)$/);
  });
});
