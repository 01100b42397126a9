/**
 * Which GitHub a repository's `origin` is on, and where its REST API is: github.com, a GitHub
 * Enterprise Cloud tenant (`*.ghe.com`), or the Enterprise Server named by a setting. Anything else
 * is refused: issues are only ever created in the repository the code lives in.
 */

export interface RemoteRepo {
  /** Host name, lower case, without port or user. */
  readonly host: string;
  readonly owner: string;
  readonly repo: string;
}

export interface GitHubTarget extends RemoteRepo {
  /** REST API base URL, without a trailing slash. */
  readonly apiUrl: string;
  /** Web origin issues and files are linked under (`https://github.com`). */
  readonly webUrl: string;
  /** 'github' for github.com and *.ghe.com, 'github-enterprise' for an Enterprise Server (VS Code's provider ids). */
  readonly authProvider: 'github' | 'github-enterprise';
}

/**
 * Reads the owner and repository from a git remote URL: `https://host/owner/repo(.git)`,
 * `git@host:owner/repo.git`, `ssh://git@host[:port]/owner/repo.git`, `git://host/owner/repo`.
 */
export function parseRemoteUrl(remote: string): RemoteRepo | undefined {
  const url = remote.trim();
  let host: string;
  let path: string;
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(url);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    host = parsed.hostname;
    path = decodeURIComponent(parsed.pathname);
  } else if (scp) {
    host = scp[1]!;
    path = scp[2]!;
  } else {
    return undefined;
  }
  const segments = path.replace(/\/+$/, '').replace(/\.git$/i, '').split('/').filter(Boolean);
  if (segments.length < 2) return undefined;
  // An Enterprise Server may live under a path prefix; owner and repository are the last two segments.
  const owner = segments[segments.length - 2]!;
  const repo = segments[segments.length - 1]!;
  if (!/^[A-Za-z0-9_.-]+$/.test(owner) || !/^[A-Za-z0-9_.-]+$/.test(repo)) return undefined;
  return { host: host.toLowerCase().replace(/^www\./, ''), owner, repo };
}

export type TargetResult = { readonly ok: true; readonly target: GitHubTarget } | { readonly ok: false; readonly reason: string };

/**
 * The GitHub a remote is on. `enterpriseUri` is the Enterprise Server's address
 * (`speckit.github.enterpriseUri`, else VS Code's `github-enterprise.uri`), e.g. `https://ghe.example.com`.
 */
export function githubTarget(remoteUrl: string | undefined, enterpriseUri?: string): TargetResult {
  if (!remoteUrl?.trim()) return { ok: false, reason: 'This repository has no `origin` remote, so there is no GitHub repository to create issues in.' };
  const remote = parseRemoteUrl(remoteUrl);
  if (!remote) return { ok: false, reason: `The \`origin\` remote (${redact(remoteUrl)}) is not a repository URL Spec Kit can read.` };
  if (remote.host === 'github.com' || remote.host === 'ssh.github.com') {
    return { ok: true, target: { ...remote, host: 'github.com', apiUrl: 'https://api.github.com', webUrl: 'https://github.com', authProvider: 'github' } };
  }
  if (/^[a-z0-9-]+\.ghe\.com$/.test(remote.host)) {
    return { ok: true, target: { ...remote, apiUrl: `https://api.${remote.host}`, webUrl: `https://${remote.host}`, authProvider: 'github' } };
  }
  const enterprise = enterpriseOrigin(enterpriseUri);
  if (enterprise && enterprise.host === remote.host) {
    return { ok: true, target: { ...remote, apiUrl: `${enterprise.origin}/api/v3`, webUrl: enterprise.origin, authProvider: 'github-enterprise' } };
  }
  return {
    ok: false,
    reason:
      `The \`origin\` remote is on ${remote.host}, which is not GitHub` +
      (enterprise ? ` nor the Enterprise Server set (${enterprise.host})` : '') +
      '. For GitHub Enterprise Server, set `speckit.github.enterpriseUri` to its address.',
  };
}

function enterpriseOrigin(uri: string | undefined): { host: string; origin: string } | undefined {
  if (!uri?.trim()) return undefined;
  try {
    const u = new URL(uri.trim());
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
    return { host: u.hostname.toLowerCase(), origin: `${u.origin}${u.pathname.replace(/\/+$/, '')}` };
  } catch {
    return undefined;
  }
}

/** A remote URL without any credentials in it, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/[^@/\s]+@/, '//');
}
