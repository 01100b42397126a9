/**
 * One `/speckit.taskstoissues` run against GitHub, after the user agreed: labels, the milestone,
 * then one issue per task in order. Before creating anything it lists the issues Spec Kit made
 * earlier (by their `speckit` label and hidden task marker), so a task whose URL never reached
 * tasks.md is linked again instead of duplicated, and it checks that already-linked issues still
 * exist. It stops between issues on cancel or on an error and reports exactly what was created, so
 * the caller can write those links and nothing else.
 */
import { type GitHubClient, GitHubError } from './githubClient';
import { type IssueDraft, type LabelSpec, readTaskMarker, SPECKIT_LABEL } from './issueDraft';

export interface CreateItem {
  readonly taskId: string;
  /** Builds the issue once the issues of earlier tasks are known (for "depends on" links). */
  draft(issueOf: (taskId: string) => string | undefined): IssueDraft;
}

export interface CreateRunInput {
  readonly client: Pick<GitHubClient, 'ensureLabels' | 'milestone' | 'issuesWithLabel' | 'issue' | 'createIssue'>;
  /** Tasks to create issues for, in dependency order. */
  readonly items: readonly CreateItem[];
  /** The feature's folder relative to the repository root, as in the task markers. */
  readonly featurePath: string;
  readonly labels: readonly LabelSpec[];
  readonly milestoneTitle?: string;
  /** Tasks in scope that already have an issue URL in tasks.md. */
  readonly linked: ReadonlyArray<{ readonly taskId: string; readonly number: number; readonly url: string }>;
  readonly signal?: AbortSignal;
  readonly progress?: (message: string) => void;
}

export interface CreatedIssue {
  readonly taskId: string;
  readonly number: number;
  readonly url: string;
}

export interface CreateRunResult {
  readonly created: CreatedIssue[];
  /** Issues an earlier run created whose URL was missing from tasks.md: linked again, not recreated. */
  readonly relinked: CreatedIssue[];
  /** Linked issues that no longer exist (404/410): reported, never recreated. */
  readonly missing: Array<{ readonly taskId: string; readonly number: number; readonly status: number }>;
  readonly labelsCreated: string[];
  readonly milestone?: { readonly number: number; readonly title: string; readonly created: boolean };
  /** Why the run stopped before the end (cancel, rate limit, network, …); undefined when it finished. */
  readonly stopped?: GitHubError;
}

export async function runCreate(input: CreateRunInput): Promise<CreateRunResult> {
  const created: CreatedIssue[] = [];
  const relinked: CreatedIssue[] = [];
  const missing: CreateRunResult['missing'] = [];
  let labelsCreated: string[] = [];
  let milestone: CreateRunResult['milestone'];
  const known = new Map<string, string>(input.linked.map((l) => [l.taskId, l.url]));
  const finish = (stopped?: unknown): CreateRunResult => ({
    created,
    relinked,
    missing,
    labelsCreated,
    ...(milestone ? { milestone } : {}),
    ...(stopped !== undefined ? { stopped: asGitHubError(stopped) } : {}),
  });
  try {
    // Issues made earlier by Spec Kit for this feature, by task.
    input.progress?.('Looking for issues Spec Kit created earlier…');
    const earlier = new Map<string, { number: number; url: string }>();
    const listed = new Set<number>();
    for (const issue of await input.client.issuesWithLabel(SPECKIT_LABEL.name)) {
      listed.add(issue.number);
      const marker = readTaskMarker(issue.body);
      if (marker && marker.featurePath === input.featurePath && !earlier.has(marker.taskId)) earlier.set(marker.taskId, { number: issue.number, url: issue.htmlUrl });
    }
    for (const l of input.linked) {
      if (listed.has(l.number)) continue;
      cancelled(input.signal);
      const found = await input.client.issue(l.number);
      if (found.kind === 'missing') missing.push({ taskId: l.taskId, number: l.number, status: found.status });
    }
    const toCreate = input.items.filter((item) => {
      const before = earlier.get(item.taskId);
      if (!before) return true;
      relinked.push({ taskId: item.taskId, ...before });
      known.set(item.taskId, before.url);
      return false;
    });
    if (toCreate.length === 0) return finish();
    input.progress?.('Checking labels…');
    labelsCreated = await input.client.ensureLabels(input.labels);
    if (input.milestoneTitle) {
      input.progress?.(`Milestone "${input.milestoneTitle}"…`);
      milestone = await input.client.milestone(input.milestoneTitle);
    }
    for (const [i, item] of toCreate.entries()) {
      cancelled(input.signal);
      input.progress?.(`Creating issue ${i + 1} of ${toCreate.length}: ${item.taskId}…`);
      const issue = await input.client.createIssue(item.draft((id) => known.get(id)), milestone?.number);
      created.push({ taskId: item.taskId, number: issue.number, url: issue.htmlUrl });
      known.set(item.taskId, issue.htmlUrl);
    }
    return finish();
  } catch (e) {
    return finish(e);
  }
}

function cancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new GitHubError('cancelled', 'Cancelled.');
}

function asGitHubError(e: unknown): GitHubError {
  if (e instanceof GitHubError) return e;
  return new GitHubError('http', e instanceof Error ? e.message : String(e));
}
