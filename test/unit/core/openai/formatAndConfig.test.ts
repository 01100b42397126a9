import assert from 'node:assert/strict';
import { toChatRequest, toOpenAIMessages, type ChatMessage } from '../../../../src/core/openai/chatFormat';
import { baseUrlProblem, catalogFor, DEFAULT_LIMITS, familyOf, parseEndpoints, parseModelList, parseModelSetting, secretKeyFor } from '../../../../src/core/openai/endpoints';
import { TokenEstimator } from '../../../../src/core/openai/tokens';

const text = (t: string) => ({ kind: 'text' as const, text: t });

describe('chat format', () => {
  it('turns a tool round into assistant tool_calls followed by tool messages', () => {
    const messages: ChatMessage[] = [
      { role: 'system', parts: [text('Be brief.')] },
      { role: 'user', parts: [text('Implement T001.')] },
      { role: 'assistant', parts: [text('Writing.'), { kind: 'toolCall', callId: 'c1', name: 'write_file', input: { path: 'a' } }, { kind: 'toolCall', callId: 'c2', name: 'read_file', input: { path: 'b' } }] },
      { role: 'user', parts: [{ kind: 'toolResult', callId: 'c1', text: 'ok' }, { kind: 'toolResult', callId: 'c2', text: 'contents' }] },
      { role: 'assistant', parts: [{ kind: 'toolCall', callId: 'c3', name: 'list', input: {} }] },
      { role: 'user', parts: [{ kind: 'toolResult', callId: 'c3', text: '[]' }, text('And now?')] },
    ];
    assert.deepEqual(toOpenAIMessages(messages), [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Implement T001.' },
      {
        role: 'assistant',
        content: 'Writing.',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'write_file', arguments: '{"path":"a"}' } },
          { id: 'c2', type: 'function', function: { name: 'read_file', arguments: '{"path":"b"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'ok' },
      { role: 'tool', tool_call_id: 'c2', content: 'contents' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c3', type: 'function', function: { name: 'list', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c3', content: '[]' },
      { role: 'user', content: 'And now?' },
    ]);
  });

  it('builds a streaming request with usage, tools and tool_choice; caller options cannot break it', () => {
    const body = toChatRequest({
      model: 'qwen',
      messages: [{ role: 'user', parts: [text('hi')] }],
      tools: [{ name: 'write_file', description: 'Writes', inputSchema: { type: 'object', properties: { path: { type: 'string' } } } }, { name: 'bare', description: 'No schema' }],
      toolMode: 'required',
      modelOptions: { temperature: 0.2, stream: false, model: 'other', messages: [] },
    });
    assert.equal(body.stream, true);
    assert.equal(body.model, 'qwen');
    assert.deepEqual(body.stream_options, { include_usage: true });
    assert.equal((body as unknown as { temperature: number }).temperature, 0.2);
    assert.equal(body.tool_choice, 'required');
    assert.deepEqual(body.tools?.[1], { type: 'function', function: { name: 'bare', description: 'No schema', parameters: { type: 'object', properties: {} } } });
    assert.equal(body.max_tokens, undefined, 'no output limit unless configured');
    assert.equal(toChatRequest({ model: 'm', messages: [], maxOutputTokens: 2048 }).max_tokens, 2048);
    assert.equal(toChatRequest({ model: 'm', messages: [], tools: [] }).tools, undefined);
  });
});

describe('endpoint settings', () => {
  it('reads valid entries, normalises URLs, names duplicates apart and reports bad entries', () => {
    const { endpoints, problems } = parseEndpoints([
      { name: 'Ollama', baseUrl: 'http://127.0.0.1:11434/v1/', models: ['qwen2.5-coder:7b', ''], modelLimits: { 'qwen2.5-coder:7b': { maxInputTokens: 28000, maxOutputTokens: -1 }, '*': { maxOutputTokens: 1024 } } },
      { name: 'Ollama', baseUrl: 'http://10.0.0.2:11434/v1' },
      { baseUrl: 'https://openrouter.ai/api/v1', toolCalling: false },
      { name: 'dup', baseUrl: 'http://127.0.0.1:11434/v1' },
      { name: 'bad', baseUrl: 'ftp://x' },
      { name: 'creds', baseUrl: 'https://user:pw@x.example/v1' },
      'nonsense',
      { name: 'nourl' },
    ]);
    assert.deepEqual(endpoints.map((e) => [e.name, e.baseUrl]), [
      ['Ollama', 'http://127.0.0.1:11434/v1'],
      ['Ollama (2)', 'http://10.0.0.2:11434/v1'],
      ['openrouter.ai', 'https://openrouter.ai/api/v1'],
    ]);
    assert.deepEqual(endpoints[0]!.models, ['qwen2.5-coder:7b']);
    assert.deepEqual(endpoints[0]!.modelLimits, { 'qwen2.5-coder:7b': { maxInputTokens: 28000 }, '*': { maxOutputTokens: 1024 } });
    assert.equal(endpoints[2]!.toolCalling, false);
    assert.equal(problems.length, 5, problems.join('\n'));
    assert.match(problems.join('\n'), /listed twice/);
    assert.match(problems.join('\n'), /Only http:\/\/ and https:\/\//);
    assert.match(problems.join('\n'), /not in the URL/);
    assert.deepEqual(parseEndpoints(undefined), { endpoints: [], problems: [] });
    assert.equal(parseEndpoints({}).problems.length, 1);
  });

  it('validates base URLs for the input box', () => {
    assert.equal(baseUrlProblem('http://127.0.0.1:1234/v1'), undefined);
    assert.match(baseUrlProblem('') ?? '', /Enter the base URL/);
    assert.match(baseUrlProblem('localhost:11434') ?? '', /not a URL|Only http/);
    assert.match(baseUrlProblem('http://x/v1?key=1') ?? '', /no query/);
    assert.equal(secretKeyFor('http://x/v1/'), secretKeyFor('http://x/v1'));
  });

  it('reads every flavour of /models answer, with context sizes', () => {
    assert.deepEqual(parseModelList({ object: 'list', data: [{ id: 'gpt-4o' }, { id: 'vllm-model', max_model_len: 32768 }, { id: 'gguf', meta: { n_ctx_train: 131072 } }, { id: 'lms', context_length: 8192 }, { id: 'gpt-4o' }, 'junk'] }), [
      { id: 'gpt-4o' },
      { id: 'vllm-model', contextLength: 32768 },
      { id: 'gguf', contextLength: 131072 },
      { id: 'lms', contextLength: 8192 },
    ]);
    assert.deepEqual(parseModelList({ models: [{ name: 'llama3.2:latest' }] }), [{ id: 'llama3.2:latest' }]);
    assert.deepEqual(parseModelList([{ id: 'x' }]), [{ id: 'x' }]);
    assert.deepEqual(parseModelList('<html>'), []);
  });

  it('lists models with limits from settings, the server, or defaults, and honours the allow-list', () => {
    const [endpoint] = parseEndpoints([{ name: 'L', baseUrl: 'http://h/v1', modelLimits: { a: { maxInputTokens: 1000, maxOutputTokens: 200 } } }]).endpoints;
    const models = catalogFor(endpoint!, [{ id: 'a' }, { id: 'b', contextLength: 32768 }, { id: 'c' }]);
    assert.deepEqual(models.map((m) => [m.id, m.maxInputTokens, m.maxOutputTokens, m.outputLimitConfigured]), [
      ['L/a', 1000, 200, true],
      ['L/b', 32768 - DEFAULT_LIMITS.maxOutputTokens, DEFAULT_LIMITS.maxOutputTokens, false],
      ['L/c', DEFAULT_LIMITS.maxInputTokens, DEFAULT_LIMITS.maxOutputTokens, false],
    ]);
    const [allow] = parseEndpoints([{ name: 'A', baseUrl: 'http://h/v1', models: ['c', 'missing'] }]).endpoints;
    assert.deepEqual(catalogFor(allow!, [{ id: 'a' }, { id: 'c' }]).map((m) => m.serverModel), ['c', 'missing']);
    assert.deepEqual(catalogFor(allow!, undefined).map((m) => m.serverModel), ['c', 'missing'], 'an allow-list names models while the server is away');
    assert.deepEqual(catalogFor(endpoint!, undefined), []);
    assert.equal(familyOf('qwen2.5-coder:7b'), 'qwen2.5-coder');
    assert.equal(familyOf('openai/gpt-4o'), 'gpt-4o');
    assert.equal(familyOf('models/Llama-3.2-3B-Instruct-Q4_K_M.gguf'), 'Llama-3.2-3B-Instruct-Q4_K_M');
  });
});

describe('speckit.model', () => {
  it('is the chat’s model for chat or nothing, else a vendor and an id that may hold slashes', () => {
    assert.equal(parseModelSetting('chat'), undefined);
    assert.equal(parseModelSetting(' '), undefined);
    assert.equal(parseModelSetting(undefined), undefined);
    assert.deepEqual(parseModelSetting('speckit-openai/Ollama/qwen2.5-coder:7b'), { vendor: 'speckit-openai', id: 'Ollama/qwen2.5-coder:7b' });
    assert.deepEqual(parseModelSetting('copilot/gpt-4o'), { vendor: 'copilot', id: 'gpt-4o' });
    assert.equal(parseModelSetting('/x'), undefined);
    assert.equal(parseModelSetting('copilot/'), undefined);
  });
});

describe('TokenEstimator', () => {
  it('estimates cautiously and counts non-ASCII characters one by one', () => {
    const t = new TokenEstimator();
    assert.equal(t.estimate('', 'm'), 0);
    assert.equal(t.estimate('a'.repeat(35), 'm'), 10);
    assert.equal(t.estimate('日本語', 'm'), 3);
    assert.equal(t.estimate('👋', 'm'), 1, 'a surrogate pair is one character');
  });

  it('learns a model’s ratio from reported usage, never less cautious than measured', () => {
    const t = new TokenEstimator();
    const sent = 'word '.repeat(400); // 2000 ASCII characters
    t.learn('m', sent, 2, 400 + 8); // the server counted 400 tokens of text plus message overhead
    assert.equal(t.ratio('m'), 5);
    assert.equal(t.estimate('x'.repeat(100), 'm'), 20);
    assert.equal(t.ratio('other'), 3.5, 'per model');
    t.learn('m', sent, 2, 1000 + 8);
    assert.equal(t.ratio('m'), 2, 'a smaller measured ratio wins at once');
    t.learn('m', 'tiny', 1, 50);
    assert.equal(t.ratio('m'), 2, 'too little text to learn from');
  });
});
