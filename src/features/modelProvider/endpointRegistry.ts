import * as vscode from 'vscode';
import { OpenAICompatibleClient } from '../../core/openai/client';
import { mapFailure } from '../../core/openai/errors';
import { catalogFor, parseEndpoints, secretKeyFor, type CatalogModel, type DiscoveredModel, type EndpointConfig } from '../../core/openai/endpoints';
import { Settings } from '../../ids';

/** What the last look at an endpoint found. */
export interface EndpointState {
  readonly endpoint: EndpointConfig;
  readonly models?: readonly DiscoveredModel[];
  /** Why listing the models failed, when it did. */
  readonly problem?: string;
  readonly checkedAt: number;
}

/** How long a discovery result is trusted before the model list is asked for again. */
const FRESH_MS = 30_000;

/**
 * The configured endpoints, their API keys (secret storage only), and the models each server
 * lists (`/v1/models`), refreshed when the settings or a key change and when the list is older
 * than half a minute. `onDidChange` fires only when the set of models really changed.
 */
export class EndpointRegistry implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private endpoints: EndpointConfig[] = [];
  private problems: string[] = [];
  private readonly states = new Map<string, EndpointState>();
  private readonly clients = new Map<string, { key: string | undefined; client: OpenAICompatibleClient }>();
  private refreshing: Promise<void> | undefined;
  private lastSignature = '';
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.readSettings();
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration(Settings.modelEndpoints)) return;
        this.readSettings();
        void this.refresh(true);
      }),
      // Untrusted workspaces ignore a workspace's endpoints (a restricted setting); trust brings them in.
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.readSettings();
        void this.refresh(true);
      }),
      secrets.onDidChange((e) => {
        if (!e.key.startsWith('speckit.modelProvider.apiKey:')) return;
        this.clients.clear();
        void this.refresh(true);
      }),
    );
  }

  get configured(): readonly EndpointConfig[] {
    return this.endpoints;
  }

  /** Problems with the setting's entries (shown by the management command and logged). */
  get settingProblems(): readonly string[] {
    return this.problems;
  }

  state(baseUrl: string): EndpointState | undefined {
    return this.states.get(baseUrl);
  }

  private readSettings(): void {
    const parsed = parseEndpoints(vscode.workspace.getConfiguration().get<unknown>(Settings.modelEndpoints));
    this.endpoints = parsed.endpoints;
    this.problems = parsed.problems;
    // Fresh clients: what a server supports (its /tokenize) is probed again after a change.
    this.clients.clear();
    for (const p of parsed.problems) this.log.warn(`${Settings.modelEndpoints}: ${p}`);
    for (const url of [...this.states.keys()]) if (!this.endpoints.some((e) => e.baseUrl === url)) this.states.delete(url);
  }

  async apiKey(baseUrl: string): Promise<string | undefined> {
    return (await this.secrets.get(secretKeyFor(baseUrl))) || undefined;
  }

  async setApiKey(baseUrl: string, key: string | undefined): Promise<void> {
    if (key) await this.secrets.store(secretKeyFor(baseUrl), key);
    else await this.secrets.delete(secretKeyFor(baseUrl));
    this.clients.delete(baseUrl);
  }

  /** A client for an endpoint with its current key. */
  async client(baseUrl: string): Promise<OpenAICompatibleClient> {
    const key = await this.apiKey(baseUrl);
    const cached = this.clients.get(baseUrl);
    if (cached && cached.key === key) return cached.client;
    const client = new OpenAICompatibleClient({ baseUrl, ...(key ? { apiKey: key } : {}) });
    this.clients.set(baseUrl, { key, client });
    return client;
  }

  /** Lists an endpoint's models now; the state says what was found or why nothing was. */
  async check(endpoint: EndpointConfig): Promise<EndpointState> {
    let state: EndpointState;
    try {
      const models = await (await this.client(endpoint.baseUrl)).listModels();
      state = { endpoint, models, checkedAt: Date.now() };
    } catch (e) {
      state = { endpoint, problem: mapFailure(e, { endpoint: endpoint.name, baseUrl: endpoint.baseUrl }).message, checkedAt: Date.now() };
      this.log.info(`Model endpoint ${endpoint.name}: ${state.problem}`);
    }
    if (this.endpoints.some((e) => e.baseUrl === endpoint.baseUrl)) this.states.set(endpoint.baseUrl, state);
    return state;
  }

  /** Re-lists every endpoint's models (all when `force`, else only stale ones); fires onDidChange if the models changed. */
  refresh(force = false): Promise<void> {
    if (this.refreshing && !force) return this.refreshing;
    const run = (async () => {
      const now = Date.now();
      await Promise.all(
        this.endpoints.filter((e) => force || now - (this.states.get(e.baseUrl)?.checkedAt ?? 0) > FRESH_MS).map((e) => this.check(e)),
      );
      const signature = JSON.stringify(this.catalog().map((m) => [m.id, m.maxInputTokens, m.maxOutputTokens, m.toolCalling]));
      if (signature !== this.lastSignature) {
        this.lastSignature = signature;
        this.changed.fire();
      }
    })();
    this.refreshing = run.finally(() => {
      if (this.refreshing === guarded) this.refreshing = undefined;
    });
    const guarded = this.refreshing;
    return guarded;
  }

  /** Every model of every endpoint, as last discovered. */
  catalog(): CatalogModel[] {
    return this.endpoints.flatMap((e) => catalogFor(e, this.states.get(e.baseUrl)?.models));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
