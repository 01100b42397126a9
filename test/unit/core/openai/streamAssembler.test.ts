import assert from 'node:assert/strict';
import { ChatStreamAssembler, type StreamEvent } from '../../../../src/core/openai/streamAssembler';

const delta = (d: object, finish: string | null = null): object => ({ choices: [{ index: 0, delta: d, finish_reason: finish }] });
const call = (c: object): object => delta({ tool_calls: [c] });

function run(chunks: object[]): StreamEvent[] {
  const a = new ChatStreamAssembler();
  const out = chunks.flatMap((c) => a.push(c));
  return [...out, ...a.end()];
}

describe('ChatStreamAssembler', () => {
  it('passes text on as it arrives', () => {
    const a = new ChatStreamAssembler();
    assert.deepEqual(a.push(delta({ role: 'assistant', content: '' })), []);
    assert.deepEqual(a.push(delta({ content: 'Hel' })), [{ kind: 'text', text: 'Hel' }]);
    assert.deepEqual(a.push(delta({ content: 'lo' })), [{ kind: 'text', text: 'lo' }]);
    assert.deepEqual(a.push(delta({}, 'stop')), []);
    assert.deepEqual(a.end(), []);
    assert.equal(a.receivedText, 'Hello');
    assert.equal(a.finished, 'stop');
  });

  it('assembles parallel tool calls whose arguments arrive interleaved, in index order', () => {
    const events = run([
      call({ index: 0, id: 'a', type: 'function', function: { name: 'read_file', arguments: '' } }),
      call({ index: 1, id: 'b', type: 'function', function: { name: 'write_file', arguments: '{"pa' } }),
      call({ index: 0, function: { arguments: '{"path":' } }),
      call({ index: 1, function: { arguments: 'th":"x.txt","content":"é\\n"' } }),
      call({ index: 0, function: { arguments: '"a.txt"}' } }),
      call({ index: 1, function: { arguments: '}' } }),
      delta({}, 'tool_calls'),
    ]);
    assert.deepEqual(events, [
      { kind: 'toolCall', callId: 'a', name: 'read_file', input: { path: 'a.txt' } },
      { kind: 'toolCall', callId: 'b', name: 'write_file', input: { path: 'x.txt', content: 'é\n' } },
    ]);
  });

  it('takes whole calls in one chunk (Ollama), calls without index or id, and empty arguments', () => {
    const events = run([
      delta({ tool_calls: [{ id: 'o1', function: { name: 'list', arguments: '{}' } }, { id: 'o2', function: { name: 'stat', arguments: '{"p":1}' } }] }),
      call({ id: 'o3', function: { name: 'noargs', arguments: '' } }),
      // A piece with neither index nor id continues the last call.
      call({ function: { arguments: '' } }),
      delta({}, 'tool_calls'),
    ]);
    assert.deepEqual(events, [
      { kind: 'toolCall', callId: 'o1', name: 'list', input: {} },
      { kind: 'toolCall', callId: 'o2', name: 'stat', input: { p: 1 } },
      { kind: 'toolCall', callId: 'o3', name: 'noargs', input: {} },
    ]);
    const [anonymous] = run([call({ index: 0, function: { name: 'x', arguments: '{}' } }), delta({}, 'tool_calls')]);
    assert.ok((anonymous as { callId: string }).callId, 'a call without an id gets one');
  });

  it('does not double a tool name that a server repeats in every piece', () => {
    const events = run([call({ index: 0, id: 'r', function: { name: 'write_file', arguments: '{"a":' } }), call({ index: 0, function: { name: 'write_file', arguments: '1}' } }), delta({}, 'stop')]);
    assert.deepEqual(events, [{ kind: 'toolCall', callId: 'r', name: 'write_file', input: { a: 1 } }]);
  });

  it('decodes arguments a server double-encoded as a JSON string', () => {
    const events = run([call({ index: 0, id: 'd', function: { name: 't', arguments: JSON.stringify(JSON.stringify({ a: 2 })) } }), delta({}, 'tool_calls')]);
    assert.deepEqual(events, [{ kind: 'toolCall', callId: 'd', name: 't', input: { a: 2 } }]);
  });

  it('reports arguments that are not JSON, naming the tool', () => {
    const a = new ChatStreamAssembler();
    a.push(call({ index: 0, id: 'x', function: { name: 'write_file', arguments: '{"path": "a.txt", content: oops' } }));
    assert.throws(() => a.push(delta({}, 'tool_calls')), /write_file with arguments that are not valid JSON/);
  });

  it('reports usage from a usage-only chunk after the finish chunk', () => {
    const events = run([delta({ content: 'x' }), delta({}, 'stop'), { choices: [], usage: { prompt_tokens: 100, completion_tokens: 3 } }]);
    assert.deepEqual(events, [
      { kind: 'text', text: 'x' },
      { kind: 'usage', promptTokens: 100, completionTokens: 3 },
    ]);
  });

  it('says when the stream ended without the server finishing the answer', () => {
    const a = new ChatStreamAssembler();
    a.push(delta({ content: 'half' }));
    assert.throws(() => a.end(), /stopped in the middle of the answer/);
    assert.throws(() => new ChatStreamAssembler().end(), /without sending an answer/);
  });

  it('maps a content-filter finish to its own problem', () => {
    const a = new ChatStreamAssembler();
    assert.throws(() => a.push(delta({}, 'content_filter')), (e: Error & { kind?: string }) => e.kind === 'contentFilter');
  });

  it('refuses an event that is not an object', () => {
    assert.throws(() => new ChatStreamAssembler().push('hello'), /not a completion chunk/);
  });

  it('uses only the first choice', () => {
    const events = run([{ choices: [{ index: 1, delta: { content: 'other' } }, { index: 0, delta: { content: 'mine' } }] }, delta({}, 'stop')]);
    assert.deepEqual(events, [{ kind: 'text', text: 'mine' }]);
  });
});
