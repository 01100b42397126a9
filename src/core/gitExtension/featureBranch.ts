/**
 * speckit.git.feature natively: what `.specify/extensions/git/scripts/bash/create-new-feature-branch.sh
 * --json` does, step for step, with real git (proven against the script by
 * test/unit/core/gitExtension/featureBranch.test.ts on recorded cases).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { timestampPrefix } from '../workspace/numbering';
import { speckitCleanName, speckitSlug } from '../workspace/slug';
import {
  appToken,
  authorToken,
  branchListNames,
  branchScopePrefix,
  branchTemplateError,
  branchTemplateOf,
  buildBranchName,
  featureNumOfBranch,
  fitBranchName,
  highestBranchNumberInScope,
  highestSpecsNumber,
  lsRemoteNames,
  type BranchTokens,
} from './branchName';
import { GIT_CONFIG_PATH } from './gitConfig';
import { type CommandOutcome, type GitRun, gitMissing, out, combined } from './gitProcess';

export interface FeatureBranchRequest {
  /** The spec-kit project root (the folder holding `.specify/`): REPO_ROOT. */
  readonly root: string;
  readonly description: string;
  /** `--short-name`. */
  readonly shortName?: string;
  /** `--number N` (digits). */
  readonly number?: string;
  /** `--timestamp`; the caller derives it from `branch_numbering` (see gitConfig.branchNumbering). */
  readonly timestamp?: boolean;
  /** `--dry-run`: compute without creating; reads remote heads instead of fetching. */
  readonly dryRun?: boolean;
  /** `--allow-existing-branch`: switch to the branch when it exists. */
  readonly allowExisting?: boolean;
  /** `GIT_BRANCH_NAME`: this exact branch name. */
  readonly gitBranchName?: string;
  /** `$USER`, the last fallback for `{author}`. */
  readonly user?: string;
  /** Clock for `--timestamp`. */
  readonly now?: Date;
}

export interface FeatureBranchOutcome extends CommandOutcome {
  /** The script's `--json` output (absent when it stopped with an error). */
  readonly json?: { readonly BRANCH_NAME: string; readonly FEATURE_NUM: string; readonly DRY_RUN?: true };
}

const fail = (messages: string[], line: string): FeatureBranchOutcome => ({ exitCode: 1, messages: [...messages, line] });

export async function runFeatureBranch(git: GitRun, req: FeatureBranchRequest): Promise<FeatureBranchOutcome> {
  const messages: string[] = [];
  if (req.number !== undefined && !/^[0-9]+$/.test(req.number)) return fail(messages, 'Error: --number must be a non-negative integer');
  const description = req.description.replace(/^\s+|\s+$/g, '');
  if (description === '') return fail(messages, 'Error: Feature description cannot be empty or contain only whitespace');

  const hasGit = await isGitRepository(git, req.root);
  const configText = await readOptional(path.join(req.root, GIT_CONFIG_PATH));
  const tokens: BranchTokens = { author: await author(git, req.user), app: appToken(path.basename(req.root)) };
  const template = branchTemplateOf(configText);
  const templateError = branchTemplateError(template);
  if (templateError) return fail(messages, `Error: ${templateError}`);

  let branch: string;
  let featureNum: string;
  let slug: string;
  const explicit = req.gitBranchName !== undefined && req.gitBranchName !== '';
  if (explicit) {
    branch = req.gitBranchName!;
    featureNum = featureNumOfBranch(branch);
    slug = branch;
  } else {
    slug = req.shortName !== undefined && req.shortName !== '' ? speckitCleanName(req.shortName, 'sh') : speckitSlug(description, 'sh');
    let number = req.number;
    if (req.timestamp && number !== undefined && number !== '') {
      messages.push('[specify] Warning: --number is ignored when --timestamp is used');
      number = undefined;
    }
    if (req.timestamp) {
      featureNum = timestampPrefix(req.now ?? new Date());
    } else {
      if (number === undefined || number === '') {
        const scope = branchScopePrefix(template, tokens, slug);
        const specs = highestSpecsNumber(await specsFolders(req.root));
        let branches = 0n;
        if (hasGit && req.dryRun) {
          branches = await highestRemoteHeads(git, scope);
          const local = highestBranchNumberInScope(branchListNames(out(await git(['branch', '-a']))), scope);
          if (local > branches) branches = local;
        } else if (hasGit) {
          await git(['fetch', '--all', '--prune']);
          branches = highestBranchNumberInScope(branchListNames(out(await git(['branch', '-a']))), scope);
        }
        number = ((branches > specs ? branches : specs) + 1n).toString();
      }
      featureNum = BigInt(number).toString().padStart(3, '0');
    }
    branch = buildBranchName(template, tokens, featureNum, slug);
  }

  const fitted = fitBranchName(branch, explicit, (s) => buildBranchName(template, tokens, featureNum, s), slug);
  if ('error' in fitted) return fail(messages, `Error: ${fitted.error}`);
  if (fitted.truncatedFrom !== undefined) {
    messages.push("[specify] Warning: Branch name exceeded GitHub's 244-byte limit");
    messages.push(`[specify] Original: ${fitted.truncatedFrom} (${Buffer.byteLength(fitted.truncatedFrom)} bytes)`);
    messages.push(`[specify] Truncated to: ${fitted.name} (${Buffer.byteLength(fitted.name)} bytes)`);
  }
  branch = fitted.name;

  if (!req.dryRun) {
    if (hasGit) {
      const created = await git(['checkout', '-q', '-b', branch]);
      if (created.exitCode !== 0) {
        const current = out(await git(['rev-parse', '--abbrev-ref', 'HEAD']));
        const listed = out(await git(['branch', '--list', branch]));
        if (listed !== '') {
          if (req.allowExisting) {
            if (current !== branch) {
              const switched = await git(['checkout', '-q', branch]);
              if (switched.exitCode !== 0) {
                messages.push(`Error: Failed to switch to existing branch '${branch}'. Please resolve any local changes or conflicts and try again.`);
                if (combined(switched) !== '') messages.push(combined(switched));
                return { exitCode: 1, messages };
              }
            }
          } else if (req.timestamp) {
            return fail(messages, `Error: Branch '${branch}' already exists. Rerun to get a new timestamp or use a different --short-name.`);
          } else {
            return fail(messages, `Error: Branch '${branch}' already exists. Please use a different feature name or specify a different number with --number.`);
          }
        } else {
          messages.push(`Error: Failed to create git branch '${branch}'.`);
          messages.push(combined(created) !== '' ? combined(created) : 'Please check your git configuration and try again.');
          return { exitCode: 1, messages };
        }
      }
    } else {
      messages.push(`[specify] Warning: Git repository not detected; skipped branch creation for ${branch}`);
    }
  }
  return { exitCode: 0, messages, json: { BRANCH_NAME: branch, FEATURE_NUM: featureNum, ...(req.dryRun ? { DRY_RUN: true as const } : {}) } };
}

/** HAS_GIT with core common.sh loaded (it has no `has_git`): git present and the root inside a work tree. */
export async function isGitRepository(git: GitRun, root: string): Promise<boolean> {
  const r = await git(['-C', root, 'rev-parse', '--is-inside-work-tree']);
  return !gitMissing(r) && r.exitCode === 0;
}

/** Top-level folders of `specs/` (symlinks to folders included, as `[ -d ]` follows them). */
export async function specsFolders(root: string): Promise<string[]> {
  const dir = path.join(root, 'specs');
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const names: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory() || (e.isSymbolicLink() && (await stat(path.join(dir, e.name)).catch(() => undefined))?.isDirectory())) names.push(e.name);
  }
  return names;
}

async function author(git: GitRun, user: string | undefined): Promise<string> {
  const name = await git(['config', 'user.name']);
  if (gitMissing(name)) return authorToken(undefined, undefined, user);
  const email = out(name) === '' ? out(await git(['config', 'user.email'])) : '';
  return authorToken(out(name), email, user);
}

async function highestRemoteHeads(git: GitRun, scope: string): Promise<bigint> {
  let highest = 0n;
  for (const remote of out(await git(['remote'])).split(/\s+/).filter(Boolean)) {
    const heads = await git(['ls-remote', '--heads', remote]);
    const n = highestBranchNumberInScope(lsRemoteNames(heads.exitCode === 0 ? heads.stdout : ''), scope);
    if (n > highest) highest = n;
  }
  return highest;
}

async function readOptional(p: string): Promise<string | undefined> {
  try {
    return await readFile(p, 'utf8');
  } catch {
    return undefined;
  }
}
