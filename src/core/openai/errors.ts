import { APIConnectionError, APIConnectionTimeoutError } from 'openai';
import { StreamProblem } from './streamAssembler';

/**
 * What went wrong with a request to an OpenAI-compatible server, in the terms of VS Code's
 * LanguageModelError: the provider throws `LanguageModelError[code](message)` (or a plain
 * LanguageModelError for `Unknown`), and @speckit's chat already explains each code.
 */
export interface ModelFailure {
  readonly code: 'NoPermissions' | 'Blocked' | 'NotFound' | 'Unknown';
  readonly message: string;
  /** For 429: milliseconds until the server said to try again, when it said. */
  readonly retryAfterMs?: number;
}

export interface FailureContext {
  /** The endpoint's display name. */
  readonly endpoint: string;
  readonly baseUrl: string;
  readonly model?: string;
  /** The time "now" for retry-after dates (tests pass a fixed one). */
  readonly now?: Date;
}

interface HeadersLike {
  get(name: string): string | null;
}

function isHeaders(h: unknown): h is HeadersLike {
  return !!h && typeof (h as HeadersLike).get === 'function';
}

/**
 * Milliseconds to wait from the `retry-after-ms`, `retry-after` (seconds or an HTTP date) or
 * `x-ratelimit-reset-requests` (`1s`, `6m0s`, as OpenAI sends it) headers; undefined without them.
 */
export function retryAfterMs(headers: unknown, now = new Date()): number | undefined {
  if (!isHeaders(headers)) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return ms;
  const after = headers.get('retry-after');
  if (after !== null && after.trim() !== '') {
    const seconds = Number(after);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(after);
    if (!Number.isNaN(date)) return Math.max(0, date - now.getTime());
  }
  const reset = headers.get('x-ratelimit-reset-requests') ?? headers.get('x-ratelimit-reset-tokens');
  if (reset) {
    const m = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$/.exec(reset.trim());
    if (m && m[0] !== '') return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000 + Number(m[4] ?? 0);
  }
  return undefined;
}

/** "in 20 s (at 14:05:20)", "in 3 min (at 14:08)". */
export function describeWait(ms: number, now = new Date()): string {
  const at = new Date(now.getTime() + ms);
  const hh = String(at.getHours()).padStart(2, '0');
  const mm = String(at.getMinutes()).padStart(2, '0');
  const ss = String(at.getSeconds()).padStart(2, '0');
  if (ms < 90_000) return `in ${Math.max(1, Math.ceil(ms / 1000))} s (at ${hh}:${mm}:${ss})`;
  if (ms < 90 * 60_000) return `in ${Math.ceil(ms / 60_000)} min (at ${hh}:${mm})`;
  return `in ${Math.round(ms / 3_600_000)} h (at ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC)`;
}

/** The server's own words from an OpenAI-style error body, or the error's message. */
function serverMessage(e: { message?: string; error?: unknown }): string {
  const body = e.error as { message?: unknown; error?: unknown } | undefined;
  const inner = body && typeof body === 'object' ? (typeof body.message === 'string' ? body.message : typeof body.error === 'string' ? body.error : undefined) : undefined;
  const text = inner ?? e.message ?? '';
  // openai prefixes the status ("404 The model …"); the status is said separately.
  return text.replace(/^\d{3}\s+/, '').trim();
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused: is the server running?',
  ENOTFOUND: 'the host name was not found',
  EAI_AGAIN: 'the host name could not be resolved (network down?)',
  ECONNRESET: 'the connection was reset by the server',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable (network down?)',
  ENETUNREACH: 'the network is unreachable',
  UND_ERR_SOCKET: 'the server closed the connection',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'the server did not answer in time',
  UND_ERR_BODY_TIMEOUT: 'the server stopped sending',
  CERT_HAS_EXPIRED: "the server's TLS certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's TLS certificate is self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "the server's TLS certificate is not trusted",
};

/** The first Node/undici error code along an error's `cause` chain. */
function networkCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let depth = 0; cur && typeof cur === 'object' && depth < 6; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && code in NETWORK_CODES) return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Maps any error from a request (openai's APIError family, fetch/undici network errors, stream
 * problems) to a failure with a message that names the endpoint and says what to do.
 */
export function mapFailure(e: unknown, ctx: FailureContext): ModelFailure {
  const where = `${ctx.endpoint} (${ctx.baseUrl})`;
  const model = ctx.model ? `"${ctx.model}"` : 'the model';
  if (e instanceof StreamProblem) {
    switch (e.kind) {
      case 'contentFilter':
        return { code: 'Blocked', message: `${where}: ${e.message}` };
      case 'notEventStream':
        return { code: 'Unknown', message: `${where} did not answer with a stream of server-sent events: ${e.message}. Check that the base URL points at an OpenAI-compatible API (usually ending in /v1).` };
      default:
        return { code: 'Unknown', message: `${where}: ${e.message}` };
    }
  }
  const err = (e ?? {}) as { status?: unknown; headers?: unknown; message?: string; error?: unknown; name?: string };
  const status = typeof err.status === 'number' ? err.status : undefined;
  if (status !== undefined) {
    const said = serverMessage(err);
    const detail = said ? `: ${said}` : '';
    if (status === 401 || status === 403) {
      return { code: 'NoPermissions', message: `${where} refused the API key (HTTP ${status}${detail}). Set the key with "Spec Kit: Manage Model Endpoints…"` };
    }
    if (status === 404) return { code: 'NotFound', message: `${where} has no model ${model} (HTTP 404${detail}). Pick another model, or check the base URL` };
    if (status === 429) {
      const wait = retryAfterMs(err.headers, ctx.now);
      const when = wait !== undefined ? `try again ${describeWait(wait, ctx.now)}` : 'try again later';
      return { code: 'Blocked', message: `${where} is limiting requests (HTTP 429${detail}): ${when}`, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
    }
    if (status === 400 || status === 413 || status === 422) return { code: 'Unknown', message: `${where} rejected the request (HTTP ${status}${detail})` };
    return { code: 'Unknown', message: `${where} failed (HTTP ${status}${detail})` };
  }
  const code = networkCode(e);
  if (e instanceof APIConnectionTimeoutError || code === 'UND_ERR_HEADERS_TIMEOUT') return { code: 'Unknown', message: `${where} did not answer in time` };
  // These happen once a connection is open: the server (or a proxy) dropped it while answering.
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_BODY_TIMEOUT') {
    return { code: 'Unknown', message: `${where} closed the connection before the answer was complete (${NETWORK_CODES[code]})` };
  }
  if (code) return { code: 'Unknown', message: `cannot reach ${where}: ${NETWORK_CODES[code]}` };
  const message = err.message ?? String(e);
  if (/^terminated$/i.test(message) || /other side closed|socket hang up/i.test(message)) {
    return { code: 'Unknown', message: `${where} closed the connection in the middle of the answer` };
  }
  if (e instanceof APIConnectionError || /fetch failed|Connection error/i.test(message)) {
    return { code: 'Unknown', message: `cannot reach ${where}: ${message}` };
  }
  if (/malformed server-sent event|Could not parse message into JSON|Unexpected token/i.test(message)) {
    return { code: 'Unknown', message: `${where} sent an event that is not valid JSON (${message})` };
  }
  return { code: 'Unknown', message: `${where}: ${message}` };
}
