// The built-in "Spec Kit (OpenAI-compatible)" vendor against the test OpenAI-compatible server the
// harness starts (real HTTP on loopback): the management command, /v1/models discovery, streaming,
// tool calls, cancellation, token counts, every failure as a LanguageModelError — and @speckit's
// specify, clarify and a two-task implement through the chat view with this vendor's model selected.
import * as assert from 'node:assert/strict';
import { createServer } from 'node:net';
import * as vscode from 'vscode';
import { chat as chatWithin, shown } from './chatHelpers';
import { featureDir, projectRoot, queueAnswers } from './editorHelpers';
import { readText, testApi, waitForSnapshot, waitUntil, writeText, type SpeckitTestApi, type WorkspaceName } from './helpers';

export const workspaces: readonly WorkspaceName[] = ['nixos-flake'];

const VENDOR = 'speckit-openai';
const ENDPOINTS = 'speckit.modelProvider.endpoints';
const NAME = 'Test Server';
const MODEL_ID = `${NAME}/test-model`;

interface Received {
  model: string;
  messages: Array<{ role: string; content: unknown; tool_calls?: unknown[] }>;
  tools: string[];
  authorization?: string;
  closedEarly: boolean;
  reply: string;
}

function origin(): string {
  const url = process.env['SPECKIT_TEST_OPENAI_URL'];
  assert.ok(url, 'the harness starts the test OpenAI-compatible server (SPECKIT_TEST_OPENAI_URL)');
  return url;
}
const baseUrl = (): string => `${origin()}/v1`;

async function control(path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${origin()}/_test/${path}`, { method: body === undefined && path === 'received' ? 'GET' : 'POST', body: body === undefined ? undefined : JSON.stringify(body) });
  return res.json();
}
async function script(...replies: object[]): Promise<void> {
  await control('reset', {});
  await control('script', replies);
}
const received = async (): Promise<Received[]> => (await control('received')) as Received[];
const serverConfig = (config: object): Promise<unknown> => control('config', config);

async function setEndpoints(value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration().update(ENDPOINTS, value, vscode.ConfigurationTarget.Workspace);
}

async function model(id = MODEL_ID): Promise<vscode.LanguageModelChat> {
  let found: vscode.LanguageModelChat | undefined;
  await waitUntil(async () => {
    [found] = await vscode.lm.selectChatModels({ vendor: VENDOR, id });
    return found !== undefined;
  }, `the model ${id} to be listed`, 20_000);
  return found!;
}

async function ask(m: vscode.LanguageModelChat, text: string, options: vscode.LanguageModelChatRequestOptions = {}, token?: vscode.CancellationToken): Promise<{ text: string; calls: vscode.LanguageModelToolCallPart[]; parts: number }> {
  const response = await m.sendRequest([vscode.LanguageModelChatMessage.User(text)], options, token);
  let out = '';
  let parts = 0;
  const calls: vscode.LanguageModelToolCallPart[] = [];
  for await (const part of response.stream) {
    parts++;
    if (part instanceof vscode.LanguageModelTextPart) out += part.value;
    else if (part instanceof vscode.LanguageModelToolCallPart) calls.push(part);
  }
  return { text: out, calls, parts };
}

async function failure(m: vscode.LanguageModelChat, text: string): Promise<vscode.LanguageModelError> {
  try {
    await ask(m, text);
  } catch (e) {
    assert.ok(e instanceof vscode.LanguageModelError, `a LanguageModelError, not ${String(e)}`);
    return e;
  }
  assert.fail('the request should have failed');
}

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function manage(api: SpeckitTestApi, ...answers: unknown[]): Promise<string | undefined> {
  queueAnswers(api, ...answers);
  const outcome = await vscode.commands.executeCommand<{ done: string } | undefined>('speckit.manageModelEndpoints');
  return outcome?.done;
}

/** Picks a model in the chat view, as a user does in the model picker. */
async function selectInChat(m: vscode.LanguageModelChat): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.chat.open');
  await vscode.commands.executeCommand('workbench.action.chat.changeModel', { vendor: m.vendor, id: m.id, family: m.family });
}

/** The extension host of a loaded 2-core machine can take a while per chat turn. */
const chat = (query: string, timeoutMs = 90_000): ReturnType<typeof chatWithin> => chatWithin(query, timeoutMs);

const SPEC = `# Feature Specification: Local Model

## User Scenarios & Testing *(mandatory)*

### User Story 1 - Runs offline (Priority: P1)

As a developer I want specs written by a local model.

**Acceptance Scenarios**:

1. **Given** Ollama runs, **When** I specify a feature, **Then** the spec is written.

## Requirements *(mandatory)*

### Functional Requirements

- **FR-001**: The system MUST work without a hosted model.
- **FR-002**: Logs MUST be kept for [NEEDS CLARIFICATION: how many days?].

## Success Criteria *(mandatory)*

- **SC-001**: A spec is written in under a minute.
`;

export function define(): void {
  suite('Spec Kit (OpenAI-compatible) model vendor', function () {
    this.timeout(120_000);

    suiteSetup(async () => {
      await serverConfig({ models: [{ id: 'test-model' }], apiKey: null, tokenize: false });
      await setEndpoints(undefined);
    });

    test('is silent without endpoints: no models, nothing sent', async () => {
      await control('reset', {});
      assert.deepEqual(await vscode.lm.selectChatModels({ vendor: VENDOR }), []);
      assert.equal((await received()).length, 0);
    });

    test('Manage Model Endpoints adds an endpoint from the keyboard, tests it, and its models appear', async () => {
      const api = await testApi();
      const done = await manage(api, 'Add Endpoint…', baseUrl(), NAME, 'No API Key');
      assert.equal(done, `added ${NAME}: 1 model`);
      const saved = vscode.workspace.getConfiguration().get<Array<{ name: string; baseUrl: string }>>(ENDPOINTS);
      assert.deepEqual(saved, [{ name: NAME, baseUrl: baseUrl() }]);
      const m = await model();
      assert.equal(m.name, 'test-model');
      assert.equal(m.family, 'test-model');
      assert.ok(m.maxInputTokens > 0);
      assert.equal(await manage(api, NAME, 'Test Connection'), 'ok: 1 model: test-model');
    });

    test('a model the server starts listing appears after a refresh (onDidChangeLanguageModelChatInformation)', async () => {
      const api = await testApi();
      await serverConfig({ models: [{ id: 'test-model' }, { id: 'second-model', max_model_len: 16384 }] });
      let fired = 0;
      const sub = vscode.lm.onDidChangeChatModels(() => fired++);
      try {
        assert.match((await manage(api, 'Refresh Models')) ?? '', /2 models/);
        const second = await model(`${NAME}/second-model`);
        assert.equal(second.maxInputTokens, 16384 - 4096, 'the server’s context size less the output budget');
        await waitUntil(() => fired > 0, 'onDidChangeChatModels');
      } finally {
        sub.dispose();
        await serverConfig({ models: [{ id: 'test-model' }] });
      }
    });

    test('streams text as it arrives and parallel tool calls with split arguments; counts tokens', async () => {
      const m = await model();
      await script({ text: 'Writing two files now.', interleave: true, toolCalls: [{ id: 'c1', name: 'write_file', arguments: { path: 'a.txt', content: 'ä' }, parts: 4 }, { id: 'c2', name: 'write_file', arguments: { path: 'b.txt', content: 'b' }, parts: 3 }] });
      const r = await ask(m, 'Implement T001.', { tools: [{ name: 'write_file', description: 'Writes a file', inputSchema: { type: 'object', properties: { path: { type: 'string' }, content: { type: 'string' } } } }] });
      assert.equal(r.text, 'Writing two files now.');
      assert.ok(r.parts >= 4, `streamed in pieces (${r.parts} parts)`);
      assert.deepEqual(r.calls.map((c) => [c.callId, c.name, c.input]), [['c1', 'write_file', { path: 'a.txt', content: 'ä' }], ['c2', 'write_file', { path: 'b.txt', content: 'b' }]]);
      const [req] = await received();
      assert.equal(req!.model, 'test-model');
      assert.deepEqual(req!.tools, ['write_file']);
      assert.equal(req!.authorization, undefined, 'no key: no Authorization header');
      const count = await m.countTokens('Spec-driven development with a local model.');
      assert.ok(count >= 8 && count <= 20, `an honest estimate: ${count}`);
      await serverConfig({ tokenize: true });
      try {
        // A fresh client probes /tokenize: the server's own count (words and punctuation) is used.
        await setEndpoints([{ name: NAME, baseUrl: baseUrl(), models: ['test-model'] }]);
        const again = await model();
        await waitUntil(async () => (await again.countTokens('Hello, world: spec-kit!')) === 8, 'the server’s tokenizer count', 10_000);
      } finally {
        await serverConfig({ tokenize: false });
        await setEndpoints([{ name: NAME, baseUrl: baseUrl() }]);
      }
    });

    test('a cancel closes the HTTP request', async () => {
      const m = await model();
      await script({ chunks: ['one ', 'two ', 'three ', 'four ', 'five ', 'six '], delayMs: 250 });
      const cts = new vscode.CancellationTokenSource();
      const response = await m.sendRequest([vscode.LanguageModelChatMessage.User('slow please')], {}, cts.token);
      const seen: string[] = [];
      for await (const chunk of response.text) {
        seen.push(chunk);
        if (seen.length === 2) cts.cancel();
      }
      assert.ok(seen.length < 6, `stopped early: ${seen.join('|')}`);
      await waitUntil(async () => (await received())[0]?.closedEarly === true, 'the server to see the request closed', 10_000);
    });

    test('every failure arrives as a LanguageModelError the chat understands', async () => {
      const api = await testApi();
      const m = await model();
      await script({ status: 429, error: 'Rate limit reached for requests', headers: { 'retry-after': '20' } });
      const limited = await failure(m, 'hi');
      assert.equal(limited.code, 'Blocked');
      assert.match(limited.message, /try again in 20 s \(at \d\d:\d\d:\d\d\)/);

      await script({ text: 'half an answ', stop: 'cut' });
      assert.match((await failure(m, 'hi')).message, /stopped in the middle of the answer/);
      await script({ text: 'half', stop: 'reset' });
      assert.match((await failure(m, 'hi')).message, /closed the connection before the answer was complete/);
      await script({ body: { contentType: 'text/html', text: '<html>Proxy login</html>' } });
      assert.match((await failure(m, 'hi')).message, /not answer with a stream of server-sent events: it sent text\/html/);

      // A key the server refuses, then the right key set through the management command.
      await serverConfig({ apiKey: 'sk-test-right' });
      try {
        const refused = await failure(m, 'hi');
        assert.equal(refused.code, 'NoPermissions');
        assert.match(refused.message, /refused the API key \(HTTP 401/);
        assert.equal(await manage(api, NAME, 'Set API Key…', 'sk-test-right'), 'key set');
        await script({ text: 'With the key.' });
        assert.equal((await ask(await model(), 'hi')).text, 'With the key.');
        assert.equal((await received())[0]!.authorization, 'Bearer sk-test-right');
        assert.equal(await manage(api, NAME, 'Remove API Key'), 'key removed');
      } finally {
        await serverConfig({ apiKey: null });
      }

      // A model the server does not have (named by the allow-list) and a server that is down.
      const port = await closedPort();
      await setEndpoints([
        { name: NAME, baseUrl: baseUrl(), models: ['test-model', 'ghost'] },
        { name: 'Down', baseUrl: `http://127.0.0.1:${port}/v1`, models: ['any'] },
      ]);
      try {
        const ghost = await failure(await model(`${NAME}/ghost`), 'hi');
        assert.equal(ghost.code, 'NotFound');
        assert.match(ghost.message, /has no model "ghost"/);
        const down = await failure(await model('Down/any'), 'hi');
        assert.match(down.message, new RegExp(`cannot reach Down \\(http://127\\.0\\.0\\.1:${port}/v1\\): the connection was refused`));
      } finally {
        await setEndpoints([{ name: NAME, baseUrl: baseUrl() }]);
      }
    });
  });

  suite('@speckit on the OpenAI-compatible vendor', function () {
    this.timeout(300_000);

    suiteSetup(async () => {
      await serverConfig({ models: [{ id: 'test-model' }], apiKey: null });
      await setEndpoints([{ name: NAME, baseUrl: baseUrl() }]);
      await vscode.workspace.getConfiguration('speckit').update('git.createBranch', 'never', vscode.ConfigurationTarget.Workspace);
      await selectInChat(await model());
    });
    suiteTeardown(async () => {
      await vscode.workspace.getConfiguration('speckit').update('verify.command', undefined, vscode.ConfigurationTarget.Workspace);
      // The other chat suites expect the test model in the chat view.
      const [fake] = await vscode.lm.selectChatModels({ vendor: 'speckit-test' });
      if (fake) await selectInChat(fake);
    });

    test('/speckit.specify writes the spec from the endpoint’s streamed answer', async () => {
      const api = await testApi();
      await waitForSnapshot(api, (s) => s.projects.length > 0, 'the first scan');
      const specs = vscode.Uri.joinPath(projectRoot(api, 0), 'specs');
      const before = (await vscode.workspace.fs.readDirectory(specs)).map(([n]) => n);
      await script({ text: `Here is the spec.\n\n<file path="spec.md">\n${SPEC}</file>\n`, keepAlive: true, usage: true });
      const t = await chat('@speckit /speckit.specify Write specs with a local model through Ollama');
      assert.equal(t.result?.errorDetails, undefined, shown(t));
      const created = (await vscode.workspace.fs.readDirectory(specs)).map(([n]) => n).filter((n) => !before.includes(n));
      assert.equal(created.length, 1, shown(t));
      assert.match(await readText(vscode.Uri.joinPath(specs, created[0]!, 'spec.md')), /- \*\*FR-001\*\*: The system MUST work without a hosted model\./);
      const [req] = await received();
      assert.equal(req?.model, 'test-model', 'the request went to the OpenAI-compatible endpoint');
      assert.match(JSON.stringify(req?.messages), /Write specs with a local model through Ollama/);
    });

    test('/speckit.clarify asks and records the answer through the endpoint', async () => {
      const api = await testApi();
      const dir = featureDir(api, 0, '080-local-clarify');
      await writeText(vscode.Uri.joinPath(dir, 'spec.md'), SPEC);
      await waitForSnapshot(api, (s) => s.projects[0]!.features.some((f) => f.name === '080-local-clarify'), 'the feature');
      await vscode.window.showTextDocument(vscode.Uri.joinPath(dir, 'spec.md'));
      const questions = [{ question: 'How many days of logs should be kept?', why: 'Sizes the disk.', kind: 'choice', options: [{ label: 'A', description: '7 days' }, { label: 'B', description: '30 days' }], recommended: 'A', section: 'Functional Requirements' }];
      await script(
        { match: 'Reply with only a JSON array', text: JSON.stringify(questions), splitBytes: 7 },
        { match: 'apply them to the rest of the spec', text: `<file path="spec.md">\n${SPEC.replace('[NEEDS CLARIFICATION: how many days?]', '7 days')}</file>` },
      );
      const q = await chat('@speckit /speckit.clarify');
      assert.match(shown(q), /How many days of logs should be kept\?/);
      await chat('@speckit /speckit.clarify A');
      const spec = await readText(vscode.Uri.joinPath(dir, 'spec.md'));
      assert.match(spec, /^- Q: How many days of logs should be kept\? → A: .*7 days/m);
      assert.match(spec, /Logs MUST be kept for 7 days/);
      assert.ok((await received()).every((r) => r.model === 'test-model'));
    });

    test('a two-task /speckit.implement edits files through tool calls and ticks both', async () => {
      const api = await testApi();
      const dir = featureDir(api, 0, '081-local-implement');
      await writeText(vscode.Uri.joinPath(dir, 'spec.md'), SPEC);
      await writeText(vscode.Uri.joinPath(dir, 'plan.md'), '# Implementation Plan: Local\n\n## Summary\n\nTwo files.\n');
      await writeText(vscode.Uri.joinPath(dir, 'tasks.md'), '# Tasks: Local\n\n## Phase 1: Setup\n\n- [ ] T001 Create local/a.txt (FR-001)\n- [ ] T002 Create local/b.txt (FR-002)\n');
      await writeText(vscode.Uri.joinPath(projectRoot(api, 0), '.specify', 'feature.json'), '{"feature_directory":"specs/081-local-implement"}\n');
      await waitForSnapshot(api, (s) => s.projects[0]!.features.some((f) => f.name === '081-local-implement' && f.tasks.total === 2), 'the feature');
      await vscode.window.showTextDocument(vscode.Uri.joinPath(dir, 'tasks.md'));
      await vscode.workspace.getConfiguration('speckit').update('verify.command', 'test -f local/a.txt', vscode.ConfigurationTarget.Workspace);
      await script(
        { match: 'Implement T001.', text: 'Creating the file.', toolCalls: [{ name: 'write_file', arguments: { path: 'local/a.txt', content: 'a\n' }, parts: 4 }] },
        { match: 'Implement T001.', text: 'Created local/a.txt.' },
        { match: 'Implement T002.', interleave: true, toolCalls: [{ name: 'read_file', arguments: { path: 'local/a.txt' } }, { name: 'write_file', arguments: { path: 'local/b.txt', content: 'b\n' }, parts: 5 }] },
        { match: 'Implement T002.', text: 'Created local/b.txt.' },
      );
      const t = await chat('@speckit /speckit.implement', 240_000);
      assert.equal(t.result?.errorDetails, undefined, shown(t));
      const root = projectRoot(api, 0);
      assert.equal(await readText(vscode.Uri.joinPath(root, 'local', 'a.txt')), 'a\n');
      assert.equal(await readText(vscode.Uri.joinPath(root, 'local', 'b.txt')), 'b\n');
      const tasks = await readText(vscode.Uri.joinPath(dir, 'tasks.md'));
      assert.match(tasks, /^- \[X\] T001 /m);
      assert.match(tasks, /^- \[X\] T002 /m);
      assert.match(shown(t), /2\/2 tasks done/);
      const reqs = await received();
      assert.equal(reqs.length, 4, 'two rounds per task');
      assert.ok(reqs.every((r) => r.model === 'test-model' && r.tools.includes('write_file')));
      const toolMessages = reqs[3]!.messages.filter((m) => m.role === 'tool');
      assert.equal(toolMessages.length, 2, 'both results of the parallel calls went back as tool messages');
    });

    test('speckit.model runs @speckit on the named model whatever the chat view shows, and falls back with a note', async () => {
      const [fake] = await vscode.lm.selectChatModels({ vendor: 'speckit-test' });
      assert.ok(fake, 'the test model is installed');
      await selectInChat(fake);
      const settings = vscode.workspace.getConfiguration();
      try {
        await settings.update('speckit.model', `${VENDOR}/${MODEL_ID}`, vscode.ConfigurationTarget.Workspace);
        await vscode.commands.executeCommand('speckitTest.fakeLm.reset');
        await script({ text: 'Answered by the endpoint.' });
        const t = await chat('@speckit what does the current feature do?');
        assert.match(shown(t), /Answered by the endpoint\./);
        assert.equal((await received()).length, 1, 'the endpoint got the request');
        assert.equal(((await vscode.commands.executeCommand<unknown[]>('speckitTest.fakeLm.received')) ?? []).length, 0, 'the chat view’s model did not');

        await settings.update('speckit.model', `${VENDOR}/${NAME}/absent-model`, vscode.ConfigurationTarget.Workspace);
        await script();
        await vscode.commands.executeCommand('speckitTest.fakeLm.script', [{ text: 'Answered by the chat model.' }]);
        const fellBack = await chat('@speckit what does the current feature do?');
        assert.match(shown(fellBack), /speckit\.model names speckit-openai\/Test Server\/absent-model, which is not available now; using the chat\\?'s model \(Spec Kit Test Model\)/);
        assert.match(shown(fellBack), /Answered by the chat model\./);
        assert.equal((await received()).length, 0);
      } finally {
        await settings.update('speckit.model', undefined, vscode.ConfigurationTarget.Workspace);
      }
    });
  });
}
