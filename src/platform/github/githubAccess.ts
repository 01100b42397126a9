import * as path from 'node:path/posix';
import * as vscode from 'vscode';
import { gitRunner, out } from '../../core/gitExtension/gitProcess';
import { resolveProgram } from '../executables';
import { GitHubClient } from '../../core/github/githubClient';
import { githubTarget, type GitHubTarget } from '../../core/github/remote';
import { Settings } from '../../ids';

/** The repository a feature's issues go to, read from real git in the project. */
export interface GitHubRepoContext {
  readonly target: GitHubTarget;
  /** The git work tree's root, as a model path (posix, like the index's paths). */
  readonly gitRoot: string;
  /** Branch checked out (or the commit, when detached), for links to tasks.md lines. */
  readonly ref: string;
}

export type Refusal = { readonly ok: false; readonly reason: string };

/** Reads `origin` and the checked-out branch with git (never a shell), and decides which GitHub it is. */
export async function repoContext(projectRootUri: vscode.Uri): Promise<{ ok: true; repo: GitHubRepoContext } | Refusal> {
  if (!vscode.workspace.isTrusted) {
    return { ok: false, reason: 'GitHub issues need a trusted workspace: Spec Kit runs git in it and sends its task text to GitHub. Trust the workspace (Manage Workspace Trust), then run the command again.' };
  }
  if (projectRootUri.scheme !== 'file') return { ok: false, reason: 'GitHub issues need a local git repository; this workspace is not on local files.' };
  // git by absolute path from outside the workspace folders (core/security/executables).
  const gitPath = resolveProgram({ name: 'git', trusted: vscode.workspace.isTrusted });
  if (!gitPath.ok) return { ok: false, reason: `git cannot be run (${gitPath.reason}); GitHub issues need git to read the repository's \`origin\` remote.` };
  const git = gitRunner(projectRootUri.fsPath, { timeoutMs: 20_000, gitPath: gitPath.path });
  const top = await git(['rev-parse', '--show-toplevel']);
  if (top.spawnError) return { ok: false, reason: 'git was not found; GitHub issues need git to read the repository\'s `origin` remote.' };
  if (top.exitCode !== 0) return { ok: false, reason: 'This project is not in a git repository, so there is no GitHub repository to create issues in.' };
  const remote = await git(['remote', 'get-url', 'origin']);
  const found = githubTarget(remote.exitCode === 0 ? out(remote) : undefined, enterpriseUri());
  if (!found.ok) return found;
  const mismatch = enterpriseSignInMismatch(found.target);
  if (mismatch) return { ok: false, reason: mismatch };
  const branch = await git(['symbolic-ref', '--quiet', '--short', 'HEAD']);
  const head = branch.exitCode === 0 ? branch : await git(['rev-parse', 'HEAD']);
  return { ok: true, repo: { target: found.target, gitRoot: vscode.Uri.file(out(top)).path, ref: head.exitCode === 0 ? out(head) : 'HEAD' } };
}

/**
 * `speckit.github.enterpriseUri`, else VS Code's own `github-enterprise.uri`, from the user's settings
 * only: a cloned repository's `.vscode/settings.json` must not decide where an Enterprise sign-in is sent.
 */
export function enterpriseUri(): string | undefined {
  const user = (key: string): string | undefined => vscode.workspace.getConfiguration().inspect<string>(key)?.globalValue?.trim() || undefined;
  return user(Settings.githubEnterpriseUri) ?? user('github-enterprise.uri');
}

/**
 * Why an Enterprise target cannot use VS Code's Enterprise sign-in, or undefined: that sign-in is
 * for the server in `github-enterprise.uri` (as VS Code sees it), and its token goes nowhere else.
 */
export function enterpriseSignInMismatch(target: GitHubTarget): string | undefined {
  if (target.authProvider !== 'github-enterprise') return undefined;
  const signIn = vscode.workspace.getConfiguration('github-enterprise').get<string>('uri')?.trim();
  if (!signIn) return undefined;
  let host: string;
  try {
    host = new URL(signIn).hostname.toLowerCase();
  } catch {
    return `VS Code's \`github-enterprise.uri\` (${signIn}) is not an address, so its GitHub Enterprise sign-in cannot be matched to ${target.host}.`;
  }
  return host === target.host
    ? undefined
    : `VS Code's GitHub Enterprise sign-in is for ${host} (\`github-enterprise.uri\`), not ${target.host}: Spec Kit sends a sign-in only to the server it is for. Set \`github-enterprise.uri\` to ${target.webUrl} in your user settings to use ${target.host}.`;
}

/** Test mode only: the sign-in integration tests script (VS Code's sign-in asks in a modal dialog they cannot answer). */
export type TestSignIn = (create: boolean) => vscode.AuthenticationSession | undefined;
let testSignIn: TestSignIn | undefined;

/** Sets the test sign-in; ignored outside ExtensionMode.Test, so a shipped extension always uses VS Code's. */
export function setTestSignIn(mode: vscode.ExtensionMode, signIn: TestSignIn | undefined): void {
  if (mode === vscode.ExtensionMode.Test) testSignIn = signIn;
}

/**
 * VS Code's GitHub sign-in (`github`, or `github-enterprise` for an Enterprise Server) with the
 * `repo` scope. `create` shows the sign-in when there is no session; without it nothing is shown.
 */
export async function gitHubSession(target: GitHubTarget, mode: vscode.ExtensionMode, create: boolean): Promise<vscode.AuthenticationSession | undefined> {
  if (mode === vscode.ExtensionMode.Test && testSignIn) return testSignIn(create);
  const provider = target.authProvider;
  try {
    return create
      ? await vscode.authentication.getSession(provider, ['repo'], { createIfNone: true })
      : await vscode.authentication.getSession(provider, ['repo'], { silent: true });
  } catch {
    // Declined, or the sign-in failed: the caller says the user is not signed in.
    return undefined;
  }
}

/** A client for the repository, cancelled with the token, reporting rate-limit waits. */
export function clientFor(repo: GitHubRepoContext, session: vscode.AuthenticationSession, token: vscode.CancellationToken, onWait: (message: string) => void): { client: GitHubClient; signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const sub = token.onCancellationRequested(() => controller.abort());
  if (token.isCancellationRequested) controller.abort();
  const client = new GitHubClient({
    apiUrl: repo.target.apiUrl,
    token: session.accessToken,
    owner: repo.target.owner,
    repo: repo.target.repo,
    userAgent: 'speckit-vscode',
    signal: controller.signal,
    onWait: (_limit, message) => onWait(message),
  });
  return { client, signal: controller.signal, dispose: () => {
      sub.dispose();
    } };
}

/** A path inside the git work tree, relative to it (`specs/001-x/tasks.md`). */
export function repoRelative(repo: GitHubRepoContext, p: string): string {
  return path.relative(repo.gitRoot, p);
}
