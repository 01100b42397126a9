/**
 * speckit.git.commit, .initialize, .validate and .remote natively, as spec-kit 1.0.1's git extension
 * does them (auto-commit.sh, initialize-repo.sh, git-common.sh `check_feature_branch`, and the
 * remote command's documented parsing).
 */
import { readFile, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { diffSummary, subjectFromAnswer, validateConventionalSubject } from './conventionalCommit';
import { autoCommitSettings, GIT_CONFIG_PATH, initCommitMessage } from './gitConfig';
import { type CommandOutcome, type GitRun, combined, gitMissing, out } from './gitProcess';

/** Hook events spec-kit defines: `before_<command>` / `after_<command>`. */
const EVENT = /^(before|after)_[a-z]+$/;

export interface CommitOutcome extends CommandOutcome {
  /** The message committed, when a commit was made. */
  readonly committed?: string;
  /** `commit_style: conventional` fell back to the fixed message: why, for the chat. */
  readonly fallback?: string;
}

/**
 * Asks for a Conventional Commit subject from a summary of the changes: the model's answer, or why
 * there is none (no model, a failed call).
 */
export type SubjectGenerator = (summary: string) => Promise<{ readonly text: string } | { readonly unavailable: string }>;

/**
 * auto-commit.sh `<event> [message]`: commits everything (`git add .`) when `auto_commit` enables
 * the event and something changed. `message` is the model's Conventional Commit message, used (and
 * required) only with `commit_style: conventional`.
 */
export async function runAutoCommit(git: GitRun, root: string, event: string, message?: string, generate?: SubjectGenerator): Promise<CommitOutcome> {
  if (!EVENT.test(event)) return { exitCode: 1, messages: [`Usage: auto-commit <event_name> [generated_message]: not an event: ${JSON.stringify(event)}`] };
  const probe = await git(['rev-parse', '--is-inside-work-tree']);
  if (gitMissing(probe)) return { exitCode: 0, messages: ['[specify] Warning: Git not found; skipped auto-commit'] };
  if (probe.exitCode !== 0) return { exitCode: 0, messages: ['[specify] Warning: Not a Git repository; skipped auto-commit'] };
  const configText = await readOptional(path.join(root, GIT_CONFIG_PATH));
  if (configText === undefined) return { exitCode: 0, messages: [] };
  const settings = autoCommitSettings(configText, event);
  const messages = settings.warnings.map((w) => `[specify] Warning: ${w}`);
  if (!settings.enabled) return { exitCode: 0, messages };

  const unchanged =
    (await git(['diff', '--quiet', 'HEAD'])).exitCode === 0 &&
    (await git(['diff', '--cached', '--quiet'])).exitCode === 0 &&
    out(await git(['ls-files', '--others', '--exclude-standard'])) === '';
  if (unchanged) return { exitCode: 0, messages: [...messages, `[specify] No changes to commit after ${event}`] };

  let commitMessage = settings.message;
  let fallback: string | undefined;
  if (settings.style === 'conventional' && (message === undefined || message === '') && generate) {
    // Where spec-kit's agent reads the diff, the model gets a bounded summary; its answer must be a valid subject.
    const answer = await generate(await diffSummary(git));
    const check = 'text' in answer ? validateConventionalSubject(subjectFromAnswer(answer.text)) : { ok: false as const, reason: answer.unavailable };
    if (check.ok) message = check.subject;
    else fallback = `commit_style is conventional, but ${'text' in answer ? `the model's message was not usable (${check.reason})` : check.reason}; committed with the fixed message instead`;
  }
  if (settings.style === 'conventional' && fallback === undefined) {
    if (message === undefined || message === '') {
      return {
        exitCode: 1,
        messages: [
          ...messages,
          "[specify] Error: commit_style is 'conventional' but no generated commit message was supplied; aborting auto-commit (pass --message-file <path>, or a raw message as arg 2, or set commit_style: fixed)",
        ],
      };
    }
    commitMessage = message;
  }
  const command = event.replace(/^after_/, '').replace(/^before_/, '');
  const phase = event.startsWith('before_') ? 'before' : 'after';
  if (commitMessage === '') commitMessage = `[Spec Kit] Auto-commit ${phase} ${command}`;
  const added = await git(['add', '.']);
  if (added.exitCode !== 0) return { exitCode: 1, messages: [...messages, `[specify] Error: git add failed: ${combined(added)}`] };
  const committed = await git(['commit', '-q', '-m', commitMessage]);
  if (committed.exitCode !== 0) return { exitCode: 1, messages: [...messages, `[specify] Error: git commit failed: ${combined(committed)}`] };
  return { exitCode: 0, messages: [...messages, ...(fallback ? [`[specify] Warning: ${fallback}`] : []), `[OK] Changes committed ${phase} ${command}`], committed: commitMessage, ...(fallback ? { fallback } : {}) };
}

/** initialize-repo.sh: `git init`, `git add .`, a first commit — unless already inside a repository. */
export async function runInitialize(git: GitRun, root: string): Promise<CommitOutcome> {
  const commitMessage = initCommitMessage(await readOptional(path.join(root, GIT_CONFIG_PATH)));
  const probe = await git(['rev-parse', '--is-inside-work-tree']);
  if (gitMissing(probe)) return { exitCode: 0, messages: ['[specify] Warning: Git not found; skipped repository initialization'] };
  if (probe.exitCode === 0) return { exitCode: 0, messages: ['[specify] Git repository already initialized; skipping'] };
  for (const [step, args] of [
    ['init', ['init', '-q']],
    ['add', ['add', '.']],
    ['commit', ['commit', '--allow-empty', '-q', '-m', commitMessage]],
  ] as const) {
    const r = await git(args);
    if (r.exitCode !== 0) return { exitCode: 1, messages: [`[specify] Error: git ${step} failed: ${combined(r)}`] };
  }
  return { exitCode: 0, messages: ['[OK] Git repository initialized'], committed: commitMessage };
}

/**
 * git-common.sh `check_feature_branch`: the branch's last segment starts with a sequential number
 * (3+ digits, not a malformed timestamp) or a `YYYYMMDD-HHMMSS-` timestamp. undefined when it is a
 * feature branch, else spec-kit's two error lines.
 */
export function featureBranchError(branch: string): readonly string[] | undefined {
  const m = /^([^/]+)\/([^/]+)$/.exec(branch);
  const effective = m ? m[2]! : branch;
  const segment = effective.slice(effective.lastIndexOf('/') + 1);
  const sequential = /^[0-9]{3,}-/.test(segment) && !/^[0-9]{7}-[0-9]{6}-/.test(segment) && !/^[0-9]{7,8}-[0-9]{6}$/.test(segment);
  if (sequential || /^[0-9]{8}-[0-9]{6}-/.test(segment)) return undefined;
  return [
    `ERROR: Not on a feature branch. Current branch: ${branch}`,
    'Feature branches should be named like: 001-feature-name, 1234-feature-name, 20260319-143022-feature-name, or <prefix>/001-feature-name',
  ];
}

export interface ValidateOutcome extends CommandOutcome {
  readonly branch?: string;
  /** `specs/<prefix>-*` folders of the branch's feature number. */
  readonly specDirs: readonly string[];
}

/**
 * speckit.git.validate: the current branch checked as a feature branch, then its spec folder looked
 * up by prefix under `specs/`. Without git, `SPECIFY_FEATURE` stands in for the branch.
 */
export async function runValidate(git: GitRun, root: string, specifyFeature?: string): Promise<ValidateOutcome> {
  const probe = await git(['rev-parse', '--is-inside-work-tree']);
  let branch: string;
  if (gitMissing(probe) || probe.exitCode !== 0) {
    if (specifyFeature === undefined || specifyFeature === '') return { exitCode: 0, messages: ['[specify] Warning: Git repository not detected; skipped branch validation'], specDirs: [] };
    branch = specifyFeature;
  } else {
    branch = out(await git(['rev-parse', '--abbrev-ref', 'HEAD']));
  }
  const error = featureBranchError(branch);
  if (error) return { exitCode: 1, messages: [`✗ Not on a feature branch. Current branch: ${branch}`, 'Feature branches should be named like: 001-feature-name, 20260319-143022-feature-name, or <namespace>/001-feature-name'], branch, specDirs: [] };
  const segment = branch.slice(branch.lastIndexOf('/') + 1);
  const prefix = (/^([0-9]{8}-[0-9]{6})-/.exec(segment) ?? /^([0-9]{3,})-/.exec(segment))![1]!;
  const specs = path.join(root, 'specs');
  const entries = await readdir(specs, { withFileTypes: true }).catch(() => []);
  const specDirs = entries.filter((e) => e.isDirectory() && e.name.startsWith(`${prefix}-`)).map((e) => `specs/${e.name}`).sort();
  const messages = [`✓ On feature branch: ${branch}`, ...(specDirs.length > 0 ? specDirs.map((d) => `✓ Spec directory found: ${d}`) : [`⚠ No spec directory found for prefix ${prefix}`])];
  return { exitCode: 0, messages, branch, specDirs };
}

export interface RemoteInfo {
  readonly url: string;
  readonly owner?: string;
  readonly repo?: string;
  /** Only when the URL really points at github.com. */
  readonly isGitHub: boolean;
}

/** speckit.git.remote's parsing: `https://github.com/<owner>/<repo>(.git)` and `git@github.com:<owner>/<repo>(.git)`. */
export function parseRemoteUrl(url: string): RemoteInfo {
  const u = url.trim();
  const m = /^https:\/\/github\.com\/([^/\s]+)\/([^/\s]+?)(?:\.git)?\/?$/.exec(u) ?? /^git@github\.com:([^/\s]+)\/([^/\s]+?)(?:\.git)?$/.exec(u);
  return m ? { url: u, owner: m[1]!, repo: m[2]!, isGitHub: true } : { url: u, isGitHub: false };
}

/** speckit.git.remote: `git config --get remote.origin.url`; an empty result (no error) without git or a remote. */
export async function runRemote(git: GitRun): Promise<CommandOutcome & { readonly remote?: RemoteInfo }> {
  const probe = await git(['rev-parse', '--is-inside-work-tree']);
  if (gitMissing(probe) || probe.exitCode !== 0) return { exitCode: 0, messages: ['[specify] Warning: Git repository not detected; cannot determine remote URL'] };
  const url = out(await git(['config', '--get', 'remote.origin.url']));
  return url === '' ? { exitCode: 0, messages: [] } : { exitCode: 0, messages: [], remote: parseRemoteUrl(url) };
}

async function readOptional(p: string): Promise<string | undefined> {
  try {
    return await readFile(p, 'utf8');
  } catch {
    return undefined;
  }
}
