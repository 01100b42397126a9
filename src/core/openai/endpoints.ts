/**
 * The endpoints of the "Spec Kit (OpenAI-compatible)" model vendor, as configured in settings
 * (`speckit.modelProvider.endpoints`), and the models they offer. API keys never live here: they
 * are in the editor's secret storage, keyed by `secretKeyFor(baseUrl)`.
 */

export interface ModelLimits {
  readonly maxInputTokens?: number;
  readonly maxOutputTokens?: number;
}

export interface EndpointConfig {
  /** Shown in the model picker and in messages. */
  readonly name: string;
  /** Normalised: no trailing slash. */
  readonly baseUrl: string;
  /** Only these models are offered (by the server's id); empty or absent: every model the server lists. */
  readonly models?: readonly string[];
  /** Per-model limits by server model id; `*` applies to every model without its own entry. */
  readonly modelLimits?: Readonly<Record<string, ModelLimits>>;
  /** Whether the models may be offered tools (default true). */
  readonly toolCalling?: boolean;
}

/** A local server a user can add with one click when it answers. */
export interface EndpointPreset {
  readonly name: string;
  readonly baseUrl: string;
  readonly description: string;
}

export const LOCAL_PRESETS: readonly EndpointPreset[] = [
  { name: 'Ollama', baseUrl: 'http://127.0.0.1:11434/v1', description: "Ollama's default port" },
  { name: 'LM Studio', baseUrl: 'http://127.0.0.1:1234/v1', description: "LM Studio's local server" },
  { name: 'llama.cpp', baseUrl: 'http://127.0.0.1:8080/v1', description: "llama.cpp's llama-server" },
];

/** When a server reports no context size and the settings name none (Ollama's default context is 4096). */
export const DEFAULT_LIMITS: Required<ModelLimits> = { maxInputTokens: 8192, maxOutputTokens: 4096 };

export function normalizeBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/** Why a base URL cannot be used, or undefined when it can. */
export function baseUrlProblem(url: string): string | undefined {
  const trimmed = url.trim();
  if (!trimmed) return 'Enter the base URL of the server, e.g. http://127.0.0.1:11434/v1';
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return `"${trimmed}" is not a URL (it needs http:// or https://)`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `Only http:// and https:// URLs are supported, not ${parsed.protocol}`;
  if (parsed.username || parsed.password) return 'Put the API key in the key prompt, not in the URL';
  if (parsed.search || parsed.hash) return 'The base URL takes no query or fragment';
  return undefined;
}

export function secretKeyFor(baseUrl: string): string {
  return `speckit.modelProvider.apiKey:${normalizeBaseUrl(baseUrl)}`;
}

function positiveInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

function limitsOf(v: unknown): ModelLimits | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  const maxInputTokens = positiveInt(o['maxInputTokens']);
  const maxOutputTokens = positiveInt(o['maxOutputTokens']);
  return { ...(maxInputTokens ? { maxInputTokens } : {}), ...(maxOutputTokens ? { maxOutputTokens } : {}) };
}

/**
 * The endpoints from the raw setting, with a problem per entry that could not be used (the
 * others still work). Duplicate base URLs keep the first entry.
 */
export function parseEndpoints(raw: unknown): { endpoints: EndpointConfig[]; problems: string[] } {
  const endpoints: EndpointConfig[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { endpoints, problems };
  if (!Array.isArray(raw)) return { endpoints, problems: ['speckit.modelProvider.endpoints must be an array of { name, baseUrl }'] };
  for (const [i, entry] of raw.entries()) {
    if (!entry || typeof entry !== 'object') {
      problems.push(`Endpoint ${i + 1} is not an object`);
      continue;
    }
    const e = entry as Record<string, unknown>;
    const baseUrl = typeof e['baseUrl'] === 'string' ? e['baseUrl'] : '';
    const problem = baseUrlProblem(baseUrl);
    if (problem) {
      problems.push(`Endpoint ${i + 1}${typeof e['name'] === 'string' ? ` (${e['name']})` : ''}: ${problem}`);
      continue;
    }
    const normalized = normalizeBaseUrl(baseUrl);
    if (endpoints.some((x) => x.baseUrl === normalized)) {
      problems.push(`Endpoint ${i + 1}: ${normalized} is listed twice; the first entry is used`);
      continue;
    }
    const wanted = typeof e['name'] === 'string' && e['name'].trim() ? e['name'].trim() : new URL(normalized).host;
    // Names make the model ids (`<name>/<model>`), so they must differ.
    let name = wanted;
    for (let n = 2; endpoints.some((x) => x.name === name); n++) name = `${wanted} (${n})`;
    const models = Array.isArray(e['models']) ? e['models'].filter((m): m is string => typeof m === 'string' && m.trim() !== '').map((m) => m.trim()) : undefined;
    const modelLimits: Record<string, ModelLimits> = {};
    if (e['modelLimits'] && typeof e['modelLimits'] === 'object') {
      for (const [model, v] of Object.entries(e['modelLimits'] as Record<string, unknown>)) {
        const l = limitsOf(v);
        if (l) modelLimits[model] = l;
      }
    }
    endpoints.push({
      name,
      baseUrl: normalized,
      ...(models && models.length > 0 ? { models } : {}),
      ...(Object.keys(modelLimits).length > 0 ? { modelLimits } : {}),
      ...(e['toolCalling'] === false ? { toolCalling: false } : {}),
    });
  }
  return { endpoints, problems };
}

/** A model as a server's /v1/models lists it, with the context size when the server tells it. */
export interface DiscoveredModel {
  readonly id: string;
  readonly contextLength?: number;
}

/**
 * Reads /v1/models answers of every flavour: OpenAI's `{ data: [{ id }] }`, vLLM's
 * `max_model_len`, llama.cpp's `meta.n_ctx_train`, LM Studio's and others' `context_length`,
 * `max_context_length`; also a bare array and Ollama's native `{ models: [{ name }] }`.
 */
export function parseModelList(body: unknown): DiscoveredModel[] {
  const list: unknown[] = Array.isArray(body)
    ? body
    : body && typeof body === 'object'
      ? ((body as { data?: unknown }).data as unknown[] | undefined) ?? ((body as { models?: unknown }).models as unknown[] | undefined) ?? []
      : [];
  if (!Array.isArray(list)) return [];
  const out: DiscoveredModel[] = [];
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const m = item as Record<string, unknown>;
    const id = typeof m['id'] === 'string' ? m['id'] : typeof m['name'] === 'string' ? m['name'] : typeof m['model'] === 'string' ? m['model'] : undefined;
    if (!id || out.some((o) => o.id === id)) continue;
    const meta = m['meta'] && typeof m['meta'] === 'object' ? (m['meta'] as Record<string, unknown>) : {};
    const contextLength = positiveInt(m['max_model_len']) ?? positiveInt(m['context_length']) ?? positiveInt(m['max_context_length']) ?? positiveInt(meta['n_ctx']) ?? positiveInt(meta['n_ctx_train']);
    out.push({ id, ...(contextLength ? { contextLength } : {}) });
  }
  return out;
}

/** One model of the vendor, as the provider lists it to VS Code. */
export interface CatalogModel {
  /** Unique across endpoints: `<endpoint name>/<server model id>`. */
  readonly id: string;
  readonly serverModel: string;
  readonly endpoint: EndpointConfig;
  readonly name: string;
  readonly family: string;
  readonly maxInputTokens: number;
  readonly maxOutputTokens: number;
  /** Whether the output limit comes from the settings (then it is sent as max_tokens). */
  readonly outputLimitConfigured: boolean;
  readonly toolCalling: boolean;
  readonly detail: string;
}

/** A model family name from a server model id: `qwen2.5-coder:7b` → `qwen2.5-coder`, `openai/gpt-4o` → `gpt-4o`. */
export function familyOf(serverModel: string): string {
  const last = serverModel.split('/').pop() ?? serverModel;
  return last.replace(/:.*$/, '').replace(/\.gguf$/i, '') || serverModel;
}

/** The models an endpoint offers: what the server listed, filtered by the allow-list, with limits. */
export function catalogFor(endpoint: EndpointConfig, discovered: readonly DiscoveredModel[] | undefined): CatalogModel[] {
  // Without a list from the server (it does not answer, or has no /models), the allow-list still names models.
  const listed = discovered ?? [];
  const ids = endpoint.models && endpoint.models.length > 0 ? endpoint.models : listed.map((m) => m.id);
  return ids.map((serverModel) => {
    const limits = endpoint.modelLimits?.[serverModel] ?? endpoint.modelLimits?.['*'] ?? {};
    const context = listed.find((m) => m.id === serverModel)?.contextLength;
    const maxOutputTokens = limits.maxOutputTokens ?? DEFAULT_LIMITS.maxOutputTokens;
    // A server's context size covers input and output together.
    const maxInputTokens = limits.maxInputTokens ?? (context ? Math.max(1024, context - (limits.maxOutputTokens ?? Math.min(maxOutputTokens, Math.floor(context / 4)))) : DEFAULT_LIMITS.maxInputTokens);
    return {
      id: `${endpoint.name}/${serverModel}`,
      serverModel,
      endpoint,
      name: serverModel,
      family: familyOf(serverModel),
      maxInputTokens,
      maxOutputTokens,
      outputLimitConfigured: limits.maxOutputTokens !== undefined,
      toolCalling: endpoint.toolCalling !== false,
      detail: endpoint.name,
    };
  });
}

/** `speckit.model`: `chat` (undefined here), or `<vendor>/<model id>` (the id may itself contain slashes). */
export function parseModelSetting(value: string | undefined): { vendor: string; id: string } | undefined {
  const v = (value ?? '').trim();
  if (!v || v === 'chat') return undefined;
  const slash = v.indexOf('/');
  if (slash <= 0 || slash === v.length - 1) return undefined;
  return { vendor: v.slice(0, slash), id: v.slice(slash + 1) };
}
