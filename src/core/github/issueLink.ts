/**
 * The link between a task and its GitHub issue: the issue's URL at the end of the task's first line,
 *
 *   - [ ] T012 [P] [US1] Create the User model in src/models/user.ts https://github.com/acme/app/issues/34
 *
 * A bare URL, so that GitHub, the markdown preview and any other tool show it as a link, and spec-kit's
 * own parsers (which read the description up to the end of the line) keep working. The task's
 * description never includes it. This file is the single definition of the format.
 */

export interface IssueRef {
  /** The issue's web URL, as written. */
  readonly url: string;
  /** `https://github.com`, or an Enterprise Server's origin (with any path prefix). */
  readonly webBase: string;
  readonly owner: string;
  readonly repo: string;
  readonly number: number;
}

/** An issue URL ending a line (after whitespace), with optional trailing spaces. */
const URL_AT_END = /(^|[ \t]+)(https?:\/\/[^\s/]+(?:\/[^\s/]+)*?\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)\/issues\/(\d{1,9}))[ \t]*$/;

/** Reads a URL ending a task line; undefined when the line does not end with an issue URL. */
export function issueAtLineEnd(line: string): (IssueRef & { readonly start: number; readonly end: number }) | undefined {
  const m = URL_AT_END.exec(line.replace(/\r$/, ''));
  if (!m) return undefined;
  const url = m[2]!;
  const start = m.index + m[1]!.length;
  return { ...parts(url, m[3]!, m[4]!, m[5]!), start, end: start + url.length };
}

/** Parses any GitHub issue URL (`…/owner/repo/issues/N`). */
export function parseIssueUrl(url: string): IssueRef | undefined {
  const m = /^(https?:\/\/[^\s/]+(?:\/[^\s/]+)*?)\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)\/issues\/(\d{1,9})\/?$/.exec(url.trim());
  return m ? parts(url.trim().replace(/\/$/, ''), m[2]!, m[3]!, m[4]!) : undefined;
}

function parts(url: string, owner: string, repo: string, number: string): IssueRef {
  const suffix = `/${owner}/${repo}/issues/${number}`;
  return { url, webBase: url.slice(0, url.length - suffix.length), owner, repo, number: Number(number) };
}

/** The URL of issue `number` in a repository, as GitHub's web UI writes it. */
export function issueUrl(webBase: string, owner: string, repo: string, number: number): string {
  return `${webBase.replace(/\/+$/, '')}/${owner}/${repo}/issues/${number}`;
}
