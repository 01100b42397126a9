/**
 * The part of GitHub's REST API Spec Kit uses, through Octokit (`@octokit/core` with the
 * pagination plugin): the repository, labels, milestones, issues, comments and issue events.
 * Every request honours the rate limits (waits a short reset out, saying so, else stops with the
 * reset time), can be cancelled, and fails with a GitHubError whose message a user can act on.
 * Editor-free: the token and the cancellation come from the caller.
 */
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { describeReset, type RateLimit, rateLimitDecision, rateLimitOf } from './rateLimit';
import { type IssueLookup, type IssueState } from './syncPlan';

const GitHubOctokit = Octokit.plugin(paginateRest);
type GitHubOctokit = InstanceType<typeof GitHubOctokit>;

export type GitHubErrorKind = 'auth' | 'forbidden' | 'notFound' | 'rateLimit' | 'validation' | 'network' | 'cancelled' | 'http';

export class GitHubError extends Error {
  constructor(
    readonly kind: GitHubErrorKind,
    message: string,
    readonly status?: number,
    readonly resetAt?: Date,
  ) {
    super(message);
    this.name = 'GitHubError';
  }
}

export interface GitHubClientOptions {
  /** REST API base (`https://api.github.com`, `https://ghe.example.com/api/v3`). */
  readonly apiUrl: string;
  readonly token: string;
  readonly owner: string;
  readonly repo: string;
  readonly userAgent?: string;
  /** Aborting cancels the request under way and every later one. */
  readonly signal?: AbortSignal;
  /** Rate-limit waits up to this long are waited out (default one minute); longer ones stop. */
  readonly maxWaitMs?: number;
  /** Told before each rate-limit wait. */
  readonly onWait?: (limit: RateLimit, message: string) => void;
  readonly now?: () => Date;
  /** Replaces the timer (tests). */
  readonly sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  /** Replaces the global fetch (tests). */
  readonly fetch?: typeof fetch;
}

export interface RepositoryInfo {
  readonly fullName: string;
  readonly htmlUrl: string;
  readonly defaultBranch: string;
  readonly hasIssues: boolean;
}

export interface IssueSummary extends IssueState {
  readonly htmlUrl: string;
  readonly title: string;
  readonly body: string | null | undefined;
}

export interface MilestoneInfo {
  readonly number: number;
  readonly title: string;
}

interface RawIssue {
  number: number;
  html_url: string;
  title: string;
  body?: string | null;
  state: string;
  state_reason?: string | null;
  pull_request?: unknown;
}

const ATTEMPTS = 3;

export class GitHubClient {
  private readonly octokit: GitHubOctokit;
  private readonly repoPath: { owner: string; repo: string };

  constructor(private readonly options: GitHubClientOptions) {
    this.repoPath = { owner: options.owner, repo: options.repo };
    this.octokit = new GitHubOctokit({
      auth: options.token,
      baseUrl: options.apiUrl.replace(/\/+$/, ''),
      userAgent: options.userAgent ?? 'speckit-vscode',
      request: { signal: options.signal, ...(options.fetch ? { fetch: options.fetch } : {}) },
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
    // Every request, pages included, goes through the rate-limit and error handling.
    this.octokit.hook.wrap('request', async (request, opts) => {
      for (let attempt = 1; ; attempt++) {
        this.throwIfCancelled();
        try {
          return await request(opts);
        } catch (e) {
          const limit = this.limitOf(e);
          if (!limit) throw this.translate(e);
          const now = this.now();
          if (attempt >= ATTEMPTS || rateLimitDecision(limit, this.options.maxWaitMs ?? 60_000) === 'stop') {
            throw new GitHubError('rateLimit', `GitHub's ${limit.kind === 'primary' ? '' : 'secondary '}rate limit was reached; it resets ${describeReset(limit, now)}. Run the command again then: what was done so far is kept.`, statusOf(e), limit.resetAt);
          }
          this.options.onWait?.(limit, `GitHub's rate limit was reached: waiting ${Math.ceil(limit.waitMs / 1000)} s, until it resets ${describeReset(limit, now)}.`);
          await (this.options.sleep ?? sleep)(limit.waitMs, this.options.signal);
        }
      }
    });
  }

  async repository(): Promise<RepositoryInfo> {
    const { data } = await this.octokit.request('GET /repos/{owner}/{repo}', this.repoPath);
    return { fullName: data.full_name, htmlUrl: data.html_url, defaultBranch: data.default_branch, hasIssues: data.has_issues };
  }

  /** Creates the labels that do not exist yet (a label created meanwhile, 422 already_exists, is fine). */
  async ensureLabels(labels: ReadonlyArray<{ name: string; color: string; description: string }>): Promise<string[]> {
    const existing = new Set<string>();
    for await (const page of this.octokit.paginate.iterator('GET /repos/{owner}/{repo}/labels', { ...this.repoPath, per_page: 100 })) {
      for (const l of page.data) existing.add(l.name.toLowerCase());
    }
    const created: string[] = [];
    for (const label of labels) {
      if (existing.has(label.name.toLowerCase())) continue;
      try {
        await this.octokit.request('POST /repos/{owner}/{repo}/labels', { ...this.repoPath, ...label });
        created.push(label.name);
      } catch (e) {
        if (!(e instanceof GitHubError && e.kind === 'validation' && /already_exists/.test(e.message))) throw e;
      }
      existing.add(label.name.toLowerCase());
    }
    return created;
  }

  /** The milestone with this title (open or closed), created when missing. */
  async milestone(title: string): Promise<MilestoneInfo & { created: boolean }> {
    for await (const page of this.octokit.paginate.iterator('GET /repos/{owner}/{repo}/milestones', { ...this.repoPath, state: 'all', per_page: 100 })) {
      const found = page.data.find((m) => m.title === title);
      if (found) return { number: found.number, title: found.title, created: false };
    }
    const { data } = await this.octokit.request('POST /repos/{owner}/{repo}/milestones', { ...this.repoPath, title, description: 'Created by Spec Kit for a feature\'s tasks.' });
    return { number: data.number, title: data.title, created: true };
  }

  /** Every issue (open and closed, not pull requests) carrying a label, across all pages. */
  async issuesWithLabel(label: string): Promise<IssueSummary[]> {
    const out: IssueSummary[] = [];
    for await (const page of this.octokit.paginate.iterator('GET /repos/{owner}/{repo}/issues', { ...this.repoPath, state: 'all', labels: label, per_page: 100 })) {
      for (const raw of page.data as RawIssue[]) if (!raw.pull_request) out.push(summary(raw));
    }
    return out;
  }

  /** One issue, or why it is missing (404, or 410 for a deleted issue). */
  async issue(number: number): Promise<IssueLookup & { summary?: IssueSummary }> {
    try {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}', { ...this.repoPath, issue_number: number });
      const s = summary(data);
      return { kind: 'found', issue: s, summary: s };
    } catch (e) {
      if (e instanceof GitHubError && (e.status === 404 || e.status === 410)) return { kind: 'missing', status: e.status };
      throw e;
    }
  }

  async createIssue(draft: { title: string; body: string; labels: readonly string[] }, milestone?: number): Promise<IssueSummary> {
    const { data } = await this.octokit.request('POST /repos/{owner}/{repo}/issues', {
      ...this.repoPath,
      title: draft.title,
      body: draft.body,
      labels: [...draft.labels],
      ...(milestone !== undefined ? { milestone } : {}),
    });
    return summary(data);
  }

  /** Comments, then closes the issue as completed. */
  async closeIssue(number: number, comment: string): Promise<void> {
    await this.octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...this.repoPath, issue_number: number, body: comment });
    await this.octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', { ...this.repoPath, issue_number: number, state: 'closed', state_reason: 'completed' });
  }

  /** Whether the issue's history has a `reopened` event. */
  async wasReopened(number: number): Promise<boolean> {
    for await (const page of this.octokit.paginate.iterator('GET /repos/{owner}/{repo}/issues/{issue_number}/events', { ...this.repoPath, issue_number: number, per_page: 100 })) {
      if (page.data.some((e) => e.event === 'reopened')) return true;
    }
    return false;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private throwIfCancelled(): void {
    if (this.options.signal?.aborted) throw new GitHubError('cancelled', 'Cancelled.');
  }

  private limitOf(e: unknown): RateLimit | undefined {
    const response = (e as { response?: { status: number; headers: Record<string, string> } }).response;
    if (!response) return undefined;
    return rateLimitOf(response.status, response.headers ?? {}, messageOf(e), this.now());
  }

  private translate(e: unknown): GitHubError {
    if (e instanceof GitHubError) return e;
    if (this.options.signal?.aborted || (e instanceof Error && e.name === 'AbortError')) return new GitHubError('cancelled', 'Cancelled.');
    const response = (e as { response?: { status: number; data?: unknown } }).response;
    const where = `${this.options.owner}/${this.options.repo}`;
    if (!response) {
      const host = hostOf(this.options.apiUrl);
      return new GitHubError('network', `Could not reach GitHub at ${host}: ${messageOf(e) || 'the connection failed'}. Check the network (and the proxy), then run the command again.`);
    }
    const status = response.status;
    const detail = apiMessage(response.data) ?? messageOf(e);
    switch (status) {
      case 401:
        return new GitHubError('auth', `GitHub did not accept the sign-in (401: ${detail}). Sign out of GitHub in the Accounts menu and sign in again.`, status);
      case 403:
        return new GitHubError('forbidden', `GitHub refused access to ${where} (403: ${detail}). The account needs write access to the repository's issues (the \`repo\` scope), and an organization may have to approve VS Code.`, status);
      case 404:
        return new GitHubError('notFound', `GitHub has no ${where}, or this account cannot see it (404: ${detail}).`, status);
      case 410:
        return new GitHubError('notFound', `${where}: ${detail} (410: gone; issues may be disabled, or the issue was deleted).`, status);
      case 422:
        return new GitHubError('validation', `GitHub refused the request (422: ${validationDetail(response.data) ?? detail}).`, status);
      default:
        return new GitHubError('http', `GitHub answered ${status}: ${detail}.`, status);
    }
  }
}

function summary(raw: RawIssue): IssueSummary {
  return { number: raw.number, htmlUrl: raw.html_url, title: raw.title, body: raw.body, state: raw.state === 'closed' ? 'closed' : 'open', stateReason: raw.state_reason ?? null };
}

function statusOf(e: unknown): number | undefined {
  return (e as { response?: { status?: number } }).response?.status;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function apiMessage(data: unknown): string | undefined {
  return data && typeof data === 'object' && typeof (data as { message?: unknown }).message === 'string' ? (data as { message: string }).message : undefined;
}

/** `Validation Failed: already_exists (name)` from GitHub's `errors` array. */
function validationDetail(data: unknown): string | undefined {
  const errors = (data as { errors?: Array<{ code?: string; field?: string; message?: string }> } | undefined)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return apiMessage(data);
  return `${apiMessage(data) ?? 'Validation Failed'}: ${errors.map((x) => [x.code, x.field ? `(${x.field})` : '', x.message ?? ''].filter(Boolean).join(' ')).join('; ')}`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new GitHubError('cancelled', 'Cancelled.'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new GitHubError('cancelled', 'Cancelled.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
