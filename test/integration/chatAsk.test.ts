// `@speckit <question>` through @vscode/chat-extension-utils in the real chat view: the scripted model
// calls the read-only speckit_* tools, their results reach its next request, the answer streams in;
// a tool that writes is never offered and refused when called; a cancel stops the tool loop.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { chat, script, selectTestModel, shown, type Transcript, transcripts } from './chatHelpers';
import { restoreFromFixture } from './editorHelpers';
import { folderUri, readText, sleep, testApi, waitForSnapshot, waitUntil, writeText, type WorkspaceName } from './helpers';

export const workspaces: readonly WorkspaceName[] = ['nixos-flake'];

/** What the fake model recorded of one request (see test/fixtures/fake-lm). */
interface Request {
  messages: Array<{ role: string; text: string; toolCalls: Array<{ callId: string; name: string; input: unknown }>; toolResults: Array<{ callId: string; text: string }> }>;
  tools: string[];
}

async function requests(): Promise<Request[]> {
  return (await vscode.commands.executeCommand<Request[]>('speckitTest.fakeLm.received')) ?? [];
}

const READ_ONLY = ['speckit_analyzeFeature', 'speckit_listFeatures', 'speckit_readFeature'];
const FEATURE = '001-postgresql-database';

/** Asks with files attached, as the chat's "Add Context…" attaches them; waits for the answer. */
async function chatWithFiles(query: string, files: vscode.Uri[]): Promise<Transcript> {
  const api = await testApi();
  const before = transcripts(api).length;
  await vscode.commands.executeCommand('workbench.action.chat.open', { query, attachFiles: files });
  await waitUntil(() => transcripts(api).length > before, `@speckit to answer "${query}"`, 30_000);
  return transcripts(api)[before]!;
}

function tasksUri(): vscode.Uri {
  return vscode.Uri.joinPath(folderUri(), 'specs', FEATURE, 'tasks.md');
}

export function define(): void {
  suite('@speckit <question> with the read-only tools', function () {
    this.timeout(120_000);

    suiteSetup(async () => {
      await selectTestModel();
      await restoreFromFixture('nixos-flake', `specs/${FEATURE}`);
      await restoreFromFixture('nixos-flake', '.specify/feature.json');
      await waitForSnapshot(await testApi(), (s) => s.projects[0]?.features.some((f) => f.name === FEATURE && f.tasks.done === 5) ?? false, 'the restored sample feature');
    });

    test('a read-only tool the model calls runs, its result reaches the next request, and the answer streams in', async () => {
      await script(
        { toolCalls: [{ callId: 'read-1', name: 'speckit_readFeature', input: { feature: FEATURE } }] },
        { text: 'T007 adds the nightly dump timer in modules/services/postgresql/backup.nix.' },
      );
      const t = await chat('@speckit which task adds the backup timer?');
      const seen = await requests();
      assert.equal(seen.length, 2, 'one request with the tool call, one with its result');
      assert.deepEqual([...seen[0]!.tools].sort(), READ_ONLY, 'only the read-only tools are offered');
      assert.match(seen[0]!.messages.map((m) => m.text).join('\n'), /which task adds the backup timer\?/);
      const call = seen[1]!.messages.flatMap((m) => m.toolCalls).find((c) => c.callId === 'read-1');
      assert.equal(call?.name, 'speckit_readFeature', 'the model’s call is in its next request');
      const result = seen[1]!.messages.flatMap((m) => m.toolResults).find((r) => r.callId === 'read-1');
      assert.ok(result, 'the tool result is in the next request');
      assert.match(result.text, /T007 \[P\] \[US2\] Add the nightly dump timer/, 'the result is the feature’s tasks.md, read by the tool');
      assert.ok(t.parts.some((p) => p.kind === 'progress' && p.text === `Reading ${FEATURE}…`), `the tool call shows as progress: ${JSON.stringify(t.parts.filter((p) => p.kind === 'progress'))}`);
      assert.match(shown(t), /T007 adds the nightly dump timer/);
      assert.equal(t.result?.errorDetails, undefined);
      assert.equal((t.result?.metadata as { command?: string } | undefined)?.command, 'ask');
    });

    test('the chat history goes to the model with the next question', async () => {
      await script({ text: 'Backups are kept for an unclarified number of days (FR-002).' });
      await chat('@speckit how long are backups kept?');
      await script({ text: 'Ask /speckit.clarify to settle it.' });
      const t = await chat('@speckit and who decides that?');
      const prompt = (await requests())[0]!.messages.map((m) => m.text).join('\n');
      assert.match(prompt, /how long are backups kept\?/, 'the earlier question');
      assert.match(prompt, /unclarified number of days/, 'the earlier answer');
      assert.match(shown(t), /speckit\.clarify/);
    });

    test('attached files go to the model fenced as data: a text file whole, a large one cut, a binary one left out with a note', async () => {
      const dir = vscode.Uri.joinPath(folderUri(), 'ask-attachments');
      const small = vscode.Uri.joinPath(dir, 'window.md');
      const large = vscode.Uri.joinPath(dir, 'large.log');
      const binary = vscode.Uri.joinPath(dir, 'dump.bin');
      try {
        await writeText(small, 'The backup window is 02:00 UTC.\n');
        await writeText(large, `${'a line of the large log\n'.repeat(4000)}TAIL-MARKER\n`);
        await vscode.workspace.fs.writeFile(binary, new Uint8Array([0x50, 0x47, 0x00, 0x01, 0x00, 0xff]));
        await script({ text: 'The window is at 02:00 UTC.' });
        const t = await chatWithFiles('@speckit when is the backup window?', [small, large, binary]);
        const prompt = (await requests())[0]!.messages.map((m) => m.text).join('\n');
        assert.match(prompt, /Data: Referenced file ask-attachments\/window\.md \(ask-attachments\/window\.md\)\n```\nThe backup window is 02:00 UTC\.\n```/, 'the text file, fenced as data');
        assert.match(prompt, /\[cut: the first 40000 of 96012 characters\]/, 'the large file, said to be cut');
        assert.doesNotMatch(prompt, /TAIL-MARKER/);
        assert.ok(!prompt.includes('\u0000'), 'nothing of the binary file');
        assert.match(shown(t), /dump\.bin is not a readable text file; it was left out/);
        const used = t.parts.filter((p) => p.kind === 'reference').map((p) => p.text);
        assert.deepEqual(used, [small.toString(), large.toString()], 'the chat lists the files used');
        assert.match(shown(t), /The window is at 02:00 UTC\./);
      } finally {
        await vscode.workspace.fs.delete(dir, { recursive: true, useTrash: false });
      }
    });

    test('a tool that writes is not offered, and a call to it is refused without running', async () => {
      const before = await readText(tasksUri());
      assert.match(before, /- \[ \] T006 /);
      await script(
        { toolCalls: [{ callId: 'tick-1', name: 'speckit_setTaskState', input: { feature: FEATURE, taskId: 'T006', done: true } }] },
        { text: 'I can only read; run the task to tick it.' },
      );
      const t = await chat('@speckit tick T006 for me');
      const seen = await requests();
      assert.equal(seen.length, 2);
      for (const r of seen) assert.deepEqual([...r.tools].sort(), READ_ONLY, 'neither setTaskState nor runVerification is offered');
      const result = seen[1]!.messages.flatMap((m) => m.toolResults).find((r) => r.callId === 'tick-1');
      assert.match(result?.text ?? '', /^Refused: speckit_setTaskState is not available when answering a question; nothing was run\./);
      assert.match(shown(t), /was not run/);
      await sleep(500);
      assert.equal(await readText(tasksUri()), before, 'tasks.md is unchanged');
      assert.equal(vscode.workspace.textDocuments.find((d) => d.uri.toString() === tasksUri().toString())?.isDirty ?? false, false, 'and not changed unsaved in an editor');
    });

    test('a tool’s refusal is said in the chat and the model gets it', async () => {
      await script({ toolCalls: [{ callId: 'bad-1', name: 'speckit_readFeature', input: { feature: '../../etc' } }] }, { text: 'That is not a feature.' });
      const t = await chat('@speckit read the feature ../../etc');
      const result = (await requests())[1]!.messages.flatMap((m) => m.toolResults).find((r) => r.callId === 'bad-1');
      assert.match(result?.text ?? '', /^Refused: .*is not a feature name/);
      assert.match(shown(t), /Refused: .*is not a feature name/);
      assert.match(shown(t), /That is not a feature\./);
    });

    test('a model error ends the question with the same message as the other commands', async () => {
      await script({ error: 'blocked', message: 'quota used up' });
      const t = await chat('@speckit what is left to do?');
      assert.match(t.result?.errorDetails?.message ?? '', /quota exceeded or blocked by policy \(quota used up\)/);
    });

    // Whether the cancel lands while the second round streams or just after it (a loaded machine),
    // the loop must end there: the third scripted reply is never asked for.
    test('a cancel in the middle of the tool loop stops it: no further request', async () => {
      const api = await testApi();
      await script(
        { toolCalls: [{ callId: 'list-1', name: 'speckit_listFeatures' }] },
        { chunks: ['Reading ', 'the ', 'features ', 'one ', 'by ', 'one'], delayMs: 1000, toolCalls: [{ callId: 'read-2', name: 'speckit_readFeature', input: { feature: FEATURE } }] },
        { text: 'This third answer is never asked for.' },
      );
      const count = transcripts(api).length;
      await vscode.commands.executeCommand('workbench.action.chat.open', { query: '@speckit compare every feature' });
      // The first round (a tool call) is done and its result sent: cancel while the second streams.
      await waitUntil(async () => (await requests()).length >= 2, 'the second round of the loop', 60_000);
      await vscode.commands.executeCommand('workbench.action.chat.cancel');
      await waitUntil(() => transcripts(api).length > count, 'the cancelled request to end', 30_000);
      const t = transcripts(api)[count]!;
      assert.match(shown(t), /Cancelled\. Nothing was written\./);
      await sleep(1500);
      assert.equal((await requests()).length, 2, 'no request after the cancel');
      assert.ok(t.parts.some((p) => p.kind === 'progress' && p.text === 'Listing the features…'), 'the first round’s tool ran');
      assert.doesNotMatch(shown(t), /third answer/);
    });
  });
}
