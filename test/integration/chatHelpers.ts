// Driving @speckit through the real chat view with the scripted fake model (shared by the chat suites).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ChatTranscript } from '../../src/platform/chat';
import { testApi, waitUntil, type SpeckitTestApi } from './helpers';

/** What one request showed in the chat, as the extension records it in test mode. */
export type Transcript = ChatTranscript;

export interface Received {
  messages: Array<{ role: string; text: string }>;
}

export function transcripts(api: SpeckitTestApi): readonly Transcript[] {
  return api.chatTranscripts;
}

/** Replaces the fake model's script and record with these replies. */
export async function script(...replies: object[]): Promise<void> {
  await vscode.commands.executeCommand('speckitTest.fakeLm.reset');
  await vscode.commands.executeCommand('speckitTest.fakeLm.script', replies);
}

export async function received(): Promise<Received[]> {
  return (await vscode.commands.executeCommand<Received[]>('speckitTest.fakeLm.received')) ?? [];
}

/** Types a request into the chat view and waits until @speckit has answered it. */
export async function chat(query: string, timeoutMs = 30_000): Promise<Transcript> {
  const api = await testApi();
  const before = transcripts(api).length;
  await vscode.commands.executeCommand('workbench.action.chat.open', { query });
  await waitUntil(() => transcripts(api).length > before, `@speckit to answer "${query.slice(0, 60)}"`, timeoutMs);
  return transcripts(api)[before]!;
}

export function shown(t: Transcript): string {
  return t.parts.map((p) => p.text).join('');
}

/** The chat view starts on its own default model; pick the test model as a user picks one. */
export async function selectTestModel(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.chat.open');
  const [model] = await vscode.lm.selectChatModels({ vendor: 'speckit-test' });
  assert.ok(model, 'the fake model is registered');
  await vscode.commands.executeCommand('workbench.action.chat.changeModel', { vendor: model.vendor, id: model.id, family: model.family });
}
