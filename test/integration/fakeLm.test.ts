// Proves the fake language-model fixture (test/fixtures/fake-lm) behaves as the chat suites
// rely on: scripted streams, prompt records, tool calls, errors and cancellation.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { WorkspaceName } from './helpers';

export const workspaces: readonly WorkspaceName[] = ['nixos-flake'];

interface ReceivedRequest {
  model: string;
  messages: { role: string; text: string }[];
  tools: string[];
  reply: 'scripted' | 'default';
}

const VENDOR = 'speckit-test';

async function script(...replies: object[]): Promise<void> {
  await vscode.commands.executeCommand('speckitTest.fakeLm.script', replies);
}

async function received(): Promise<ReceivedRequest[]> {
  return (await vscode.commands.executeCommand<ReceivedRequest[]>('speckitTest.fakeLm.received')) ?? [];
}

/** Sends one user message and collects the text chunks and tool calls of the reply. */
async function ask(
  model: vscode.LanguageModelChat,
  text: string,
  options: vscode.LanguageModelChatRequestOptions = {},
  token?: vscode.CancellationToken,
): Promise<{ chunks: string[]; toolCalls: vscode.LanguageModelToolCallPart[] }> {
  const response = await model.sendRequest([vscode.LanguageModelChatMessage.User(text)], options, token);
  const chunks: string[] = [];
  const toolCalls: vscode.LanguageModelToolCallPart[] = [];
  for await (const part of response.stream) {
    if (part instanceof vscode.LanguageModelTextPart) chunks.push(part.value);
    else if (part instanceof vscode.LanguageModelToolCallPart) toolCalls.push(part);
  }
  return { chunks, toolCalls };
}

export function define(): void {
  suite('fake language model fixture', () => {
    let model: vscode.LanguageModelChat;

    suiteSetup(async () => {
      const models = await vscode.lm.selectChatModels({ vendor: VENDOR });
      assert.equal(models.length, 1, `models from ${VENDOR}: ${models.map((m) => m.id).join(', ')}`);
      model = models[0]!;
    });

    setup(async () => {
      await vscode.commands.executeCommand('speckitTest.fakeLm.reset');
    });

    test('is selectable by vendor and counts tokens by words', async () => {
      assert.equal(model.vendor, VENDOR);
      assert.equal(model.id, 'speckit-test-model');
      assert.equal(await model.countTokens('one two  three'), 3);
    });

    test('answers a fixed text when nothing is scripted', async () => {
      const { chunks } = await ask(model, 'anything');
      assert.equal(chunks.join(''), 'Fake model reply.');
      assert.equal((await received())[0]?.reply, 'default');
    });

    test('streams a scripted reply in several chunks and records the prompt', async () => {
      await script({ text: 'Feature 002 created with a spec and a checklist.' });
      const { chunks } = await ask(model, 'Create a feature for monitoring');
      assert.ok(chunks.length >= 3, `expected several chunks, got ${JSON.stringify(chunks)}`);
      assert.equal(chunks.join(''), 'Feature 002 created with a spec and a checklist.');
      const requests = await received();
      assert.equal(requests.length, 1);
      assert.deepEqual(requests[0]!.messages.map((m) => [m.role, m.text]), [['user', 'Create a feature for monitoring']]);
      assert.equal(requests[0]!.reply, 'scripted');
    });

    test('keyed replies win over queued ones; queued ones are used in order', async () => {
      await script({ text: 'first queued' }, { text: 'second queued' }, { match: 'plan', text: 'the plan reply' });
      assert.equal((await ask(model, 'write the plan now')).chunks.join(''), 'the plan reply');
      assert.equal((await ask(model, 'something else')).chunks.join(''), 'first queued');
      assert.equal((await ask(model, 'plan again')).chunks.join(''), 'second queued', 'a keyed reply is used once');
    });

    test('emits tool calls and sees the tools offered', async () => {
      await script({
        text: 'Reading the tasks.',
        toolCalls: [{ callId: 'c1', name: 'speckit_readTasks', input: { feature: '001-postgresql-database' } }],
      });
      const tools: vscode.LanguageModelChatTool[] = [
        { name: 'speckit_readTasks', description: 'Read tasks', inputSchema: { type: 'object', properties: {} } },
      ];
      const { chunks, toolCalls } = await ask(model, 'what is left?', { tools });
      assert.equal(chunks.join(''), 'Reading the tasks.');
      assert.equal(toolCalls.length, 1);
      assert.equal(toolCalls[0]!.callId, 'c1');
      assert.equal(toolCalls[0]!.name, 'speckit_readTasks');
      assert.deepEqual(toolCalls[0]!.input, { feature: '001-postgresql-database' });
      assert.deepEqual((await received())[0]!.tools, ['speckit_readTasks']);
    });

    test('a Blocked error reaches the caller as LanguageModelError with code Blocked', async () => {
      await script({ error: 'blocked', message: 'content filtered' });
      await assert.rejects(
        () => ask(model, 'something blocked'),
        (err: unknown) => err instanceof vscode.LanguageModelError && err.code === vscode.LanguageModelError.Blocked().code,
      );
    });

    test('a NotFound error reaches the caller with code NotFound', async () => {
      await script({ error: 'notFound' });
      await assert.rejects(
        () => ask(model, 'missing model'),
        (err: unknown) => err instanceof vscode.LanguageModelError && err.code === vscode.LanguageModelError.NotFound().code,
      );
    });

    test('a plain error arrives as a plain Error with its message', async () => {
      await script({ error: 'plain', message: 'backend exploded' });
      await assert.rejects(
        () => ask(model, 'boom'),
        (err: unknown) => err instanceof Error && !(err instanceof vscode.LanguageModelError) && /backend exploded/.test(err.message),
      );
    });

    test('cancelling a slow stream ends it quietly and early', async () => {
      const chunks = Array.from({ length: 20 }, (_, i) => `chunk${i} `);
      await script({ chunks, delayMs: 150 });
      const cts = new vscode.CancellationTokenSource();
      const started = Date.now();
      const response = await model.sendRequest([vscode.LanguageModelChatMessage.User('slow please')], {}, cts.token);
      const seen: string[] = [];
      for await (const chunk of response.text) {
        seen.push(chunk);
        if (seen.length === 2) cts.cancel();
      }
      const elapsed = Date.now() - started;
      assert.ok(seen.length >= 2 && seen.length < chunks.length, `saw ${seen.length} of ${chunks.length} chunks`);
      assert.ok(elapsed < 20 * 150, `stream took ${elapsed} ms after cancellation`);
      cts.dispose();
    });
  });
}
