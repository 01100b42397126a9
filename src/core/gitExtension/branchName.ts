/**
 * Branch names as spec-kit 1.0.1's git extension makes them (create-new-feature-branch.sh): the
 * `branch_template` / `branch_prefix` of git-config.yml with `{author}`, `{app}`, `{number}`,
 * `{slug}`; numbering over the template's own scope of branches plus `specs/`; `GIT_BRANCH_NAME`;
 * GitHub's 244-byte limit. Pure: the runner (featureBranch.ts) feeds it what git and the disk say.
 */
import { readGitConfigValue } from './gitConfig';
import { speckitCleanName } from '../workspace/slug';

export const MAX_BRANCH_BYTES = 244;

export interface BranchTokens {
  readonly author: string;
  readonly app: string;
}

/** `branch_token`: cleaned like a short name (bash rules), or the fallback when nothing is left. */
export function branchToken(value: string, fallback: string): string {
  const cleaned = speckitCleanName(value, 'sh');
  return cleaned !== '' ? cleaned : fallback;
}

/** `get_author_token`: git's user.name, else the local part of user.email, else $USER, else `unknown`. */
export function authorToken(userName: string | undefined, userEmail: string | undefined, user: string | undefined): string {
  let author = userName ?? '';
  if (author === '') author = (userEmail ?? '').replace(/@.*$/s, '');
  if (author === '') author = user ?? '';
  if (author === '') author = 'unknown';
  return branchToken(author, 'unknown');
}

/** `get_app_token`: the project folder's name. */
export function appToken(projectRootBasename: string): string {
  return branchToken(projectRootBasename, 'app');
}

/** `resolve_branch_template`: `branch_template`, else `branch_prefix` + `/{number}-{slug}`, else '' (plain `{number}-{slug}`). */
export function branchTemplateOf(gitConfigText: string | undefined): string {
  const template = readGitConfigValue(gitConfigText, 'branch_template');
  if (template !== '') return template;
  const prefix = readGitConfigValue(gitConfigText, 'branch_prefix');
  if (prefix === '') return '';
  return prefix.endsWith('/') ? `${prefix}{number}-{slug}` : `${prefix}/{number}-{slug}`;
}

/** `validate_branch_template`: spec-kit's error, or undefined for a usable (or empty) template. */
export function branchTemplateError(template: string): string | undefined {
  if (template === '') return undefined;
  if (!template.includes('{number}')) return 'branch_template must include the {number} token so generated branches remain valid feature branches.';
  const slugAt = template.indexOf('{slug}');
  if (slugAt >= 0 && template.indexOf('{number}', slugAt) >= 0) return 'branch_template must not place {slug} before {number}; use {slug} only in the final feature segment.';
  const finalSegment = template.slice(template.lastIndexOf('/') + 1);
  if (!finalSegment.startsWith('{number}-')) return 'branch_template must put {number}- at the start of the final path segment so generated branches remain valid feature branches.';
  return undefined;
}

/** `render_branch_template`. */
export function renderBranchTemplate(template: string, tokens: BranchTokens, number: string, slug: string): string {
  return template.split('{author}').join(tokens.author).split('{app}').join(tokens.app).split('{number}').join(number).split('{slug}').join(slug);
}

/** `build_branch_name`: the template rendered, or `<number>-<slug>` without one. */
export function buildBranchName(template: string, tokens: BranchTokens, number: string, slug: string): string {
  return template !== '' ? renderBranchTemplate(template, tokens, number, slug) : `${number}-${slug}`;
}

/** `branch_scope_prefix`: the rendered part before `{number}` — the branches whose numbers count. */
export function branchScopePrefix(template: string, tokens: BranchTokens, slug: string): string {
  if (template === '') return '';
  let prefix: string;
  if (template.includes('{number}')) prefix = template.slice(0, template.indexOf('{number}'));
  else if (template.includes('{slug}')) prefix = template.slice(0, template.indexOf('{slug}'));
  else return '';
  return renderBranchTemplate(prefix, tokens, '', slug);
}

/** `extract_feature_num_from_branch`: the timestamp or number starting the last segment, else the whole name. */
export function featureNumOfBranch(branch: string): string {
  const segment = branch.slice(branch.lastIndexOf('/') + 1);
  const ts = /^([0-9]{8}-[0-9]{6})-/.exec(segment);
  if (ts) return ts[1]!;
  const seq = /^([0-9]+)-/.exec(segment);
  if (seq) return seq[1]!;
  return branch;
}

/** Lines of `git branch -a`, cleaned as the script's sed does (`* `, `+ `, indent, `remotes/<name>/`). */
export function branchListNames(gitBranchOutput: string): string[] {
  return gitBranchOutput
    .split('\n')
    .map((l) => l.replace(/^[+*][ \t]+/, '').replace(/^[ \t]+/, '').replace(/^remotes\/[^/]*\//, ''))
    .filter((l) => l !== '');
}

/** Branch names from `git ls-remote --heads` output. */
export function lsRemoteNames(output: string): string[] {
  return output
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.replace(/^.*refs\/heads\//, ''));
}

/**
 * `_extract_highest_number`: the highest sequential number among branch names inside `scope`
 * (the scope prefix removed first), by their last segment; timestamps and malformed timestamps
 * skipped. Numbers past int64 are skipped (bash would wrap them).
 */
export function highestBranchNumberInScope(names: Iterable<string>, scope: string): bigint {
  let highest = 0n;
  for (let name of names) {
    if (name === '') continue;
    if (scope !== '') {
      if (!name.startsWith(scope)) continue;
      name = name.slice(scope.length);
    }
    name = name.slice(name.lastIndexOf('/') + 1);
    if (!/^[0-9]{3,}-/.test(name) || /^[0-9]{8}-[0-9]{6}-/.test(name) || /^[0-9]{7}-[0-9]{6}-/.test(name) || /^[0-9]{7,8}-[0-9]{6}$/.test(name)) continue;
    const n = BigInt(/^([0-9]{3,})-/.exec(name)![1]!);
    if (n <= 9223372036854775807n && n > highest) highest = n;
  }
  return highest;
}

/** `get_highest_from_specs` of the git extension: top-level folders of `specs/` named `NNN-…` (not timestamps). */
export function highestSpecsNumber(specsFolderNames: Iterable<string>): bigint {
  let highest = 0n;
  for (const name of specsFolderNames) {
    if (!/^[0-9]{3,}-/.test(name) || /^[0-9]{8}-[0-9]{6}-/.test(name)) continue;
    const n = BigInt(/^([0-9]+)/.exec(name)![1]!);
    if (n <= 9223372036854775807n && n > highest) highest = n;
  }
  return highest;
}

export type FitResult = { readonly name: string; readonly truncatedFrom?: string } | { readonly error: string };

/**
 * The 244-byte limit: a `GIT_BRANCH_NAME` over it is an error; a generated name loses characters
 * from the end of its slug (never a trailing `-`) until it fits, or fails when the template's own
 * part is too long.
 */
export function fitBranchName(name: string, explicit: boolean, rebuild: (slug: string) => string, slug: string): FitResult {
  const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
  if (bytes(name) <= MAX_BRANCH_BYTES) return { name };
  if (explicit) return { error: `GIT_BRANCH_NAME must be 244 bytes or fewer in UTF-8. Provided value is ${bytes(name)} bytes.` };
  let suffix = [...slug];
  let fitted = name;
  while (bytes(fitted) > MAX_BRANCH_BYTES && suffix.length > 0) {
    suffix = suffix.slice(0, -1);
    if (suffix[suffix.length - 1] === '-') suffix = suffix.slice(0, -1);
    fitted = rebuild(suffix.join(''));
  }
  if (bytes(fitted) > MAX_BRANCH_BYTES) return { error: "Branch template prefix exceeds GitHub's 244-byte branch name limit." };
  return { name: fitted, truncatedFrom: name };
}
