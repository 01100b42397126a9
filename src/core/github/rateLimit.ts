/**
 * GitHub's rate limits, read from a response the way GitHub documents them ("Rate limits for the
 * REST API"): a primary limit answers 403 or 429 with `x-ratelimit-remaining: 0` and the reset time
 * in `x-ratelimit-reset` (epoch seconds); a secondary limit answers 403 or 429 with `retry-after`
 * (seconds), or, without it, asks for at least a minute's wait.
 */

export interface RateLimit {
  readonly kind: 'primary' | 'secondary';
  /** When requests may start again. */
  readonly resetAt: Date;
  /** How long to wait from `now`, in milliseconds (0 when the reset time has passed). */
  readonly waitMs: number;
}

export type Headers = Readonly<Record<string, string | number | undefined>>;

/** The rate limit a response reports, or undefined when the response is not a rate-limit refusal. */
export function rateLimitOf(status: number, headers: Headers, message: string, now: Date): RateLimit | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const h = (name: string): string | undefined => {
    const v = headers[name] ?? headers[name.toLowerCase()];
    return v === undefined ? undefined : String(v);
  };
  const retryAfter = Number(h('retry-after'));
  if (h('retry-after') !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0) {
    return limit('secondary', new Date(now.getTime() + retryAfter * 1000), now);
  }
  if (h('x-ratelimit-remaining') === '0') {
    const reset = Number(h('x-ratelimit-reset'));
    const at = Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : new Date(now.getTime() + 60_000);
    return limit('primary', at, now);
  }
  if (status === 429 || /secondary rate limit|rate limit/i.test(message)) {
    return limit('secondary', new Date(now.getTime() + 60_000), now);
  }
  return undefined;
}

function limit(kind: RateLimit['kind'], resetAt: Date, now: Date): RateLimit {
  return { kind, resetAt, waitMs: Math.max(0, resetAt.getTime() - now.getTime()) };
}

/** Whether to wait for a limit (and say so) or stop with its reset time: waits longer than `maxWaitMs` stop. */
export function rateLimitDecision(limit: RateLimit, maxWaitMs: number): 'wait' | 'stop' {
  return limit.waitMs <= maxWaitMs ? 'wait' : 'stop';
}

/** "GitHub's rate limit resets at 14:05 (in 12 minutes)". */
export function describeReset(limit: RateLimit, now: Date): string {
  const minutes = Math.max(1, Math.ceil((limit.resetAt.getTime() - now.getTime()) / 60_000));
  const hh = String(limit.resetAt.getHours()).padStart(2, '0');
  const mm = String(limit.resetAt.getMinutes()).padStart(2, '0');
  return `at ${hh}:${mm} (in ${minutes} minute${minutes === 1 ? '' : 's'})`;
}
