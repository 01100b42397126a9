/**
 * Feature prefixes, as spec-kit computes them (scripts/bash/create-new-feature.sh
 * `get_highest_from_specs`, extensions/git/scripts/bash/create-new-feature-branch.sh
 * `_extract_highest_number`, templates/commands/specify.md for the numbering mode).
 */
import { type InitOptions } from './projects';
import { MAX_NAME_BYTES, DEFAULT_SLUG, cleanShortName, truncateSlug } from './slug';

export type FeatureNumberingMode = 'sequential' | 'timestamp';

export interface NextFeaturePrefixInput {
  /** Names of the feature directories (basenames) of the project. */
  readonly existingNames: Iterable<string>;
  /** Local and remote branch names (`004-x`, `feature/004-x`, `remotes/origin/004-x` all count). */
  readonly branchNames?: Iterable<string>;
  readonly mode?: FeatureNumberingMode;
  /** Clock for `timestamp` mode; local time, as `date +%Y%m%d-%H%M%S`. */
  readonly now?: Date;
}

/** spec-kit keeps numbers inside a signed 64-bit integer and ignores larger prefixes. */
const MAX_FEATURE_NUMBER = 9223372036854775807n;

const SEQUENTIAL = /^([0-9]{3,})-/;
const TIMESTAMP_DIR = /^[0-9]{8}-[0-9]{6}-/;
/** The branch scanner also skips malformed timestamps (7-digit dates, no slug). */
const TIMESTAMP_BRANCH = [/^[0-9]{8}-[0-9]{6}-/, /^[0-9]{7}-[0-9]{6}-/, /^[0-9]{7,8}-[0-9]{6}$/];

/** Sequential prefixes are `NNN` (3+ digits); timestamp prefixes `YYYYMMDD-HHMMSS`. */
export const FEATURE_PREFIX = /^(?:[0-9]{3,}|[0-9]{8}-[0-9]{6})$/;

/**
 * The prefix for a new feature: in `sequential` mode the highest number over feature directories and
 * branches plus one, zero-padded to three digits (and longer past 999); in `timestamp` mode the
 * local time as `YYYYMMDD-HHMMSS`.
 */
export function nextFeaturePrefix(input: NextFeaturePrefixInput): string {
  if (input.mode === 'timestamp') return timestampPrefix(input.now ?? new Date());
  let highest = highestDirectoryNumber(input.existingNames);
  const fromBranches = highestBranchNumber(input.branchNames ?? []);
  if (fromBranches > highest) highest = fromBranches;
  // spec-kit stops at int64; we do the same rather than produce an unparseable number.
  if (highest >= MAX_FEATURE_NUMBER) throw new RangeError(`feature number must be between 0 and ${MAX_FEATURE_NUMBER}, got '${MAX_FEATURE_NUMBER + 1n}'`);
  return (highest + 1n).toString().padStart(3, '0');
}

/** Highest sequential number among feature directory names; timestamp-shaped names do not count. */
export function highestDirectoryNumber(names: Iterable<string>): bigint {
  let highest = 0n;
  for (const name of names) {
    if (TIMESTAMP_DIR.test(name)) continue;
    const n = parseNumber(name);
    if (n !== undefined && n > highest) highest = n;
  }
  return highest;
}

/**
 * Highest sequential number among branch names. As spec-kit's git extension does, `remotes/<remote>/`
 * is dropped and only the last path segment counts, so `feature/004-x` and `jdoe/app/004-x` are 4.
 */
export function highestBranchNumber(names: Iterable<string>): bigint {
  let highest = 0n;
  for (const raw of names) {
    const name = branchLeaf(raw);
    if (name === '' || TIMESTAMP_BRANCH.some((re) => re.test(name))) continue;
    const n = parseNumber(name);
    if (n !== undefined && n > highest) highest = n;
  }
  return highest;
}

/** The segment of a branch name that carries a feature number (`remotes/origin/feat/004-x` → `004-x`). */
export function branchLeaf(raw: string): string {
  const name = raw.replace(/^[+*]\s+/, '').trim().replace(/^remotes\/[^/]*\//, '');
  const slash = name.lastIndexOf('/');
  return slash >= 0 ? name.slice(slash + 1) : name;
}

/** `YYYYMMDD-HHMMSS` in local time. */
export function timestampPrefix(now: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(now.getFullYear(), 4)}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
}

/**
 * The numbering mode of a project: `feature_numbering` in `.specify/init-options.json`, else its
 * deprecated alias `branch_numbering`, else `sequential`.
 */
export function featureNumberingMode(initOptions: InitOptions | undefined): FeatureNumberingMode {
  const value = numberingValue(initOptions);
  return value !== undefined && value.trim().toLowerCase() === 'timestamp' ? 'timestamp' : 'sequential';
}

/** True when the mode came from the deprecated `branch_numbering` key (spec-kit warns about it). */
export function usesDeprecatedNumberingKey(initOptions: InitOptions | undefined): boolean {
  return typeof initOptions?.feature_numbering !== 'string' && typeof initOptions?.branch_numbering === 'string';
}

/**
 * `<prefix>-<slug>`, fitted to 244 bytes by shortening the slug (as spec-kit's `fit_branch_name`).
 * The slug is cleaned the way spec-kit cleans a `--short-name`; an empty one becomes `feature`.
 */
export function featureDirName(prefix: string, slug: string): string {
  if (!FEATURE_PREFIX.test(prefix)) throw new RangeError(`not a feature prefix: ${JSON.stringify(prefix)}`);
  let suffix = cleanShortName(slug);
  if (suffix === '') suffix = DEFAULT_SLUG;
  suffix = truncateSlug(suffix, MAX_NAME_BYTES - prefix.length - 1);
  return suffix === '' ? prefix : `${prefix}-${suffix}`;
}

function numberingValue(initOptions: InitOptions | undefined): string | undefined {
  if (typeof initOptions?.feature_numbering === 'string') return initOptions.feature_numbering;
  if (typeof initOptions?.branch_numbering === 'string') return initOptions.branch_numbering;
  return undefined;
}

function parseNumber(name: string): bigint | undefined {
  const m = SEQUENTIAL.exec(name);
  if (!m) return undefined;
  const n = BigInt(m[1]!);
  return n <= MAX_FEATURE_NUMBER ? n : undefined;
}
