import * as vscode from 'vscode';
import { OpenAICompatibleClient } from '../../core/openai/client';
import { mapFailure } from '../../core/openai/errors';
import { baseUrlProblem, LOCAL_PRESETS, normalizeBaseUrl, type EndpointConfig, type EndpointPreset } from '../../core/openai/endpoints';
import { Settings } from '../../ids';
import { type Prompter } from '../../platform/prompter';
import { type EndpointRegistry, type EndpointState } from './endpointRegistry';

type Action =
  | { kind: 'endpoint'; endpoint: EndpointConfig }
  | { kind: 'preset'; preset: EndpointPreset }
  | { kind: 'add' }
  | { kind: 'refresh' }
  | { kind: 'settings' };

type Item = vscode.QuickPickItem & { action?: Action };

/** What the command did, for tests and for the caller that opened it. */
export type ManageOutcome = { readonly done: string } | undefined;

/** A local preset that answers right now, with how many models it lists. */
export async function detectPresets(exclude: readonly string[], timeoutMs = 1500): Promise<Array<{ preset: EndpointPreset; models: number }>> {
  const found = await Promise.all(
    LOCAL_PRESETS.filter((p) => !exclude.includes(p.baseUrl)).map(async (preset) => {
      try {
        const models = await new OpenAICompatibleClient({ baseUrl: preset.baseUrl }, { probeTimeoutMs: timeoutMs }).listModels();
        return { preset, models: models.length };
      } catch {
        return undefined;
      }
    }),
  );
  return found.filter((f): f is { preset: EndpointPreset; models: number } => f !== undefined);
}

function describeState(state: EndpointState | undefined): string {
  if (!state) return 'not checked yet';
  if (state.problem) return `$(warning) ${state.problem}`;
  const ids = (state.models ?? []).map((m) => m.id);
  return ids.length === 0 ? 'answers, but lists no models' : `${ids.length} model${ids.length === 1 ? '' : 's'}: ${ids.slice(0, 4).join(', ')}${ids.length > 4 ? ', …' : ''}`;
}

/** The raw setting and where to write it: where the user has it (workspace or user settings). */
function settingTarget(): { raw: unknown[]; target: vscode.ConfigurationTarget } {
  const inspected = vscode.workspace.getConfiguration().inspect<unknown[]>(Settings.modelEndpoints);
  if (inspected?.workspaceFolderValue !== undefined) return { raw: [...inspected.workspaceFolderValue], target: vscode.ConfigurationTarget.WorkspaceFolder };
  if (inspected?.workspaceValue !== undefined) return { raw: [...inspected.workspaceValue], target: vscode.ConfigurationTarget.Workspace };
  return { raw: [...(inspected?.globalValue ?? [])], target: vscode.ConfigurationTarget.Global };
}

function sameUrl(entry: unknown, baseUrl: string): boolean {
  return !!entry && typeof entry === 'object' && typeof (entry as { baseUrl?: unknown }).baseUrl === 'string' && normalizeBaseUrl((entry as { baseUrl: string }).baseUrl) === baseUrl;
}

/**
 * *Spec Kit: Manage Model Endpoints…*: the configured endpoints with what each answered, local
 * servers that answer now as one-click presets, and add / test / set key / remove. Quick picks
 * and input boxes only, so every step works from the keyboard.
 */
export async function manageEndpoints(registry: EndpointRegistry, prompter: Prompter): Promise<ManageOutcome> {
  const title = 'Spec Kit: Model Endpoints';
  await registry.refresh();
  const configured = registry.configured;
  const detected = await detectPresets(configured.map((e) => e.baseUrl));
  const items: Item[] = [];
  if (configured.length > 0) items.push({ label: 'Configured', kind: vscode.QuickPickItemKind.Separator });
  for (const endpoint of configured) {
    items.push({ label: endpoint.name, description: endpoint.baseUrl, detail: describeState(registry.state(endpoint.baseUrl)), iconPath: new vscode.ThemeIcon('server'), action: { kind: 'endpoint', endpoint } });
  }
  if (detected.length > 0) items.push({ label: 'Answering on this machine', kind: vscode.QuickPickItemKind.Separator });
  for (const { preset, models } of detected) {
    items.push({ label: `Add ${preset.name}`, description: preset.baseUrl, detail: `${preset.description} answers with ${models} model${models === 1 ? '' : 's'}`, iconPath: new vscode.ThemeIcon('zap'), action: { kind: 'preset', preset } });
  }
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: 'Add Endpoint…', description: 'Ollama, LM Studio, llama.cpp, vLLM, OpenAI, OpenRouter, …', iconPath: new vscode.ThemeIcon('add'), action: { kind: 'add' } });
  if (configured.length > 0) items.push({ label: 'Refresh Models', iconPath: new vscode.ThemeIcon('refresh'), action: { kind: 'refresh' } });
  items.push({ label: 'Open Settings', description: Settings.modelEndpoints, iconPath: new vscode.ThemeIcon('settings-gear'), action: { kind: 'settings' } });
  for (const p of registry.settingProblems) items.push({ label: `Setting problem: ${p}`, iconPath: new vscode.ThemeIcon('warning'), action: { kind: 'settings' } });

  const picked = await prompter.pick(items, { title, placeHolder: configured.length ? 'Pick an endpoint to test or change it, or add one' : 'Add a server that speaks the OpenAI Chat Completions API', matchOnDescription: true });
  const action = picked?.action;
  if (!action) return undefined;
  switch (action.kind) {
    case 'preset':
      return addEndpoint(registry, prompter, action.preset);
    case 'add':
      return addEndpoint(registry, prompter, undefined);
    case 'refresh': {
      await registry.refresh(true);
      const summary = registry.configured.map((e) => `${e.name}: ${describeState(registry.state(e.baseUrl)).replace(/^\$\(warning\) /, '')}`).join('; ');
      void vscode.window.showInformationMessage(`Models refreshed. ${summary}`);
      return { done: `refreshed: ${summary}` };
    }
    case 'settings':
      await vscode.commands.executeCommand('workbench.action.openSettings', Settings.modelEndpoints);
      return { done: 'settings' };
    case 'endpoint':
      return endpointActions(registry, prompter, action.endpoint);
  }
}

async function endpointActions(registry: EndpointRegistry, prompter: Prompter, endpoint: EndpointConfig): Promise<ManageOutcome> {
  const hasKey = (await registry.apiKey(endpoint.baseUrl)) !== undefined;
  const items: Array<vscode.QuickPickItem & { id: string }> = [
    { id: 'test', label: 'Test Connection', description: 'list its models now', iconPath: new vscode.ThemeIcon('plug') },
    { id: 'key', label: hasKey ? 'Change API Key…' : 'Set API Key…', description: 'kept in the secret storage, never in settings', iconPath: new vscode.ThemeIcon('key') },
    ...(hasKey ? [{ id: 'unkey', label: 'Remove API Key', iconPath: new vscode.ThemeIcon('circle-slash') }] : []),
    { id: 'remove', label: 'Remove Endpoint', iconPath: new vscode.ThemeIcon('trash') },
  ];
  const picked = await prompter.pick(items, { title: `${endpoint.name} (${endpoint.baseUrl})` });
  switch (picked?.id) {
    case 'test': {
      const state = await registry.check(endpoint);
      await registry.refresh(true);
      if (state.problem) void vscode.window.showWarningMessage(state.problem);
      else void vscode.window.showInformationMessage(`${endpoint.name} answers: ${describeState(state)}.`);
      return { done: state.problem ? `failed: ${state.problem}` : `ok: ${describeState(state)}` };
    }
    case 'key': {
      const key = await askKey(prompter, endpoint.name, true);
      if (key === undefined) return undefined;
      await registry.setApiKey(endpoint.baseUrl, key);
      await registry.refresh(true);
      return { done: 'key set' };
    }
    case 'unkey':
      await registry.setApiKey(endpoint.baseUrl, undefined);
      await registry.refresh(true);
      return { done: 'key removed' };
    case 'remove': {
      const ok = await prompter.confirm(`Remove the model endpoint ${endpoint.name}?`, `${endpoint.baseUrl} and its API key are removed; its models leave the model picker.`, 'Remove');
      if (ok !== 'Remove') return undefined;
      const { raw, target } = settingTarget();
      await vscode.workspace.getConfiguration().update(Settings.modelEndpoints, raw.filter((e) => !sameUrl(e, endpoint.baseUrl)), target);
      await registry.setApiKey(endpoint.baseUrl, undefined);
      await registry.refresh(true);
      return { done: `removed ${endpoint.name}` };
    }
    default:
      return undefined;
  }
}

/** The key, '' for none, undefined when cancelled. */
async function askKey(prompter: Prompter, name: string, required: boolean): Promise<string | undefined> {
  if (!required) {
    const choice = await prompter.pick(
      [
        { label: 'No API Key', description: 'local servers (Ollama, LM Studio, llama.cpp) need none' },
        { label: 'Enter API Key…', description: 'OpenAI, OpenRouter, a server started with --api-key' },
      ],
      { title: `API key for ${name}` },
    );
    if (!choice) return undefined;
    if (choice.label === 'No API Key') return '';
  }
  const key = await prompter.input({ title: `API key for ${name}`, prompt: 'Stored in VS Code\u2019s secret storage, sent only to this endpoint', password: true, ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'Enter the key, or press Escape') });
  return key === undefined ? undefined : key.trim();
}

async function addEndpoint(registry: EndpointRegistry, prompter: Prompter, preset: EndpointPreset | undefined): Promise<ManageOutcome> {
  let baseUrl = preset?.baseUrl;
  let name = preset?.name;
  let key = '';
  if (!preset) {
    const url = await prompter.input({
      title: 'Add Model Endpoint (1/3)',
      prompt: 'Base URL of an OpenAI-compatible API (ending in /v1 for most servers)',
      value: 'http://127.0.0.1:11434/v1',
      placeHolder: 'http://127.0.0.1:11434/v1, http://127.0.0.1:1234/v1, https://openrouter.ai/api/v1',
      ignoreFocusOut: true,
      validateInput: (v) => baseUrlProblem(v),
    });
    if (url === undefined) return undefined;
    const problem = baseUrlProblem(url);
    if (problem) {
      void vscode.window.showWarningMessage(problem);
      return { done: `invalid: ${problem}` };
    }
    baseUrl = normalizeBaseUrl(url);
    const given = await prompter.input({ title: 'Add Model Endpoint (2/3)', prompt: 'A name for it (shown in the model picker)', value: new URL(baseUrl).hostname === 'openrouter.ai' ? 'OpenRouter' : new URL(baseUrl).host, ignoreFocusOut: true });
    if (given === undefined) return undefined;
    name = given.trim() || new URL(baseUrl).host;
    const k = await askKey(prompter, name, false);
    if (k === undefined) return undefined;
    key = k;
  }
  if (!baseUrl || !name) return undefined;
  if (registry.configured.some((e) => e.baseUrl === baseUrl)) {
    void vscode.window.showInformationMessage(`${baseUrl} is already configured.`);
    return { done: 'exists' };
  }
  // Test before saving: the key is tried with this one request to this endpoint only.
  const client = new OpenAICompatibleClient({ baseUrl, ...(key ? { apiKey: key } : {}) });
  let answer: string;
  try {
    const models = await client.listModels();
    answer = `${models.length} model${models.length === 1 ? '' : 's'}`;
  } catch (e) {
    const problem = mapFailure(e, { endpoint: name, baseUrl }).message;
    const go = await prompter.confirm(`${name} does not answer yet`, `${problem}.\n\nAdd it anyway? Its models appear once it answers.`, 'Add Anyway');
    if (go !== 'Add Anyway') return { done: `not added: ${problem}` };
    answer = 'not answering yet';
  }
  if (key) await registry.setApiKey(baseUrl, key);
  const { raw, target } = settingTarget();
  await vscode.workspace.getConfiguration().update(Settings.modelEndpoints, [...raw, { name, baseUrl }], target);
  await registry.refresh(true);
  void vscode.window.showInformationMessage(`Added ${name} (${answer}). Pick its models in the chat view's model picker, or set speckit.model.`);
  return { done: `added ${name}: ${answer}` };
}
