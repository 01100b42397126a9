import * as path from 'node:path/posix';
import { featureJsonText, resolveFeatureDirectory } from './currentFeature';
import { type Feature, parseFeatureName } from './features';
import { featureDirName, featureNumberingMode, highestDirectoryNumber, nextFeaturePrefix, timestampPrefix } from './numbering';
import { type Project } from './projects';
import { featureSlug, scriptVariantOf } from './slug';

export interface NewFeaturePlan {
  /** `003-postgresql-database`. */
  readonly name: string;
  /** The number (or timestamp) prefix, as spec-kit's `FEATURE_NUM`. */
  readonly number: string;
  readonly dir: string;
  readonly relDir: string;
  readonly specPath: string;
  /** The spec template with the feature's name, branch, date and input filled in. */
  readonly specText: string;
  readonly featureJsonPath: string;
  readonly featureJsonText: string;
  /** The folder name, which is the branch name when no git extension names the branch. */
  readonly branch: string;
  /** `--allow-existing-branch` found the folder already there: keep its spec.md. */
  readonly reused: boolean;
  /** What spec-kit's script prints as warnings (a corrected `--number`, a truncated name). */
  readonly warnings: readonly string[];
  /** Set when the name differs from spec-kit's (an unusable slug): why, for the chat. */
  readonly slugReason?: string;
}

export interface NewFeatureInput {
  readonly project: Project;
  /** The project's features; only the top-level folders of `specs/` take part (spec-kit's rule). */
  readonly features: readonly Feature[];
  readonly description: string;
  readonly template: string;
  /** spec-kit's `--short-name`: cleaned, else spec-kit's slug of the description. */
  readonly shortName?: string;
  /** spec-kit's `--number N`: a preference, moved past the highest number when already taken. */
  readonly number?: string;
  /** spec-kit's `--allow-existing-branch`: reuse the folder when it exists. */
  readonly allowExisting?: boolean;
  /** spec-kit's `--timestamp`; otherwise `feature_numbering` from init-options.json decides. */
  readonly timestamp?: boolean;
  /**
   * `SPECIFY_FEATURE_DIRECTORY` when the user set it: the feature folder itself, relative to the
   * project root or absolute inside it (specify.md: "use it as-is").
   */
  readonly featureDirectory?: string;
  readonly now?: Date;
}

/** spec-kit's `MAX_FEATURE_NUMBER` (bash's signed 64-bit arithmetic). */
const MAX_FEATURE_NUMBER = 9223372036854775807n;

/**
 * Everything deterministic about a new feature, decided in code the way spec-kit 1.0.1's
 * create-new-feature.sh decides it: the number over the top-level folders of `specs/` only
 * (`.archive/`, dot-folders and `.specify/specs/` do not count), `--number` auto-corrected past a
 * taken prefix, the slug (see {@link featureSlug}), the folder always under `specs/` unless
 * `SPECIFY_FEATURE_DIRECTORY` names it, the spec from its template and the current-feature pointer.
 * Throws with spec-kit's message where the script stops.
 */
export function planNewFeature(input: NewFeatureInput): NewFeaturePlan {
  const description = input.description.trim();
  if (!description) throw new Error('Feature description cannot be empty or contain only whitespace');
  const now = input.now ?? new Date();
  const root = input.project.root;
  const specsDir = path.join(root, 'specs');
  const taken = input.features.filter((f) => !f.archived && path.dirname(f.dir) === specsDir).map((f) => f.name);
  const { slug, reason } = featureSlug(description, {
    ...(input.shortName !== undefined ? { shortName: input.shortName } : {}),
    variant: scriptVariantOf(input.project.initOptions),
  });
  const warnings: string[] = [];

  let name: string;
  let number: string;
  let dir: string;
  if (input.featureDirectory !== undefined && input.featureDirectory.trim() !== '') {
    const resolved = resolveFeatureDirectory(input.project, input.featureDirectory);
    if (!resolved.dir) throw new Error(`SPECIFY_FEATURE_DIRECTORY: ${resolved.problem!}`);
    dir = resolved.dir;
    name = path.basename(dir);
    number = parseFeatureName(name).prefix || name;
  } else {
    const timestamp = input.timestamp ?? featureNumberingMode(input.project.initOptions) === 'timestamp';
    if (timestamp) {
      if (input.number !== undefined && input.number !== '') warnings.push('--number is ignored when --timestamp is used');
      number = timestampPrefix(now);
    } else {
      number = input.number !== undefined && input.number !== '' ? explicitNumber(input.number, taken, slug, input.allowExisting === true, warnings) : nextFeaturePrefix({ existingNames: taken });
    }
    name = featureDirName(number, slug);
    if (name !== `${number}-${slug}`) warnings.push(`Branch name exceeded GitHub's 244-byte limit; truncated to ${name}`);
    dir = path.join(specsDir, name);
  }
  const exists = taken.includes(name) || input.features.some((f) => f.dir === dir);
  if (exists && input.allowExisting !== true) {
    throw new Error(
      `Feature directory '${path.relative(root, dir)}' already exists. ${input.timestamp === true || /^\d{8}-\d{6}$/.test(number) ? 'Rerun to get a new timestamp or use a different --short-name.' : 'Please use a different feature name or specify a different number with --number.'}`,
    );
  }
  const relDir = path.relative(root, dir);
  return {
    name,
    number,
    dir,
    relDir,
    specPath: path.join(dir, 'spec.md'),
    specText: fillSpecTemplate(input.template, { title: titleFor(description), branch: name, date: isoDate(now), input: description }),
    featureJsonPath: path.join(input.project.specifyDir ?? path.join(root, '.specify'), 'feature.json'),
    featureJsonText: featureJsonText(relDir),
    branch: name,
    reused: exists,
    warnings,
    ...(reason !== undefined ? { slugReason: reason } : {}),
  };
}

/**
 * spec-kit's `--number N`: digits only, within int64, zero-padded to 3; when another folder of
 * `specs/` already has that prefix (and `--allow-existing-branch` does not name exactly this
 * feature's folder) the next free number after the highest is used instead, with a warning.
 */
function explicitNumber(requested: string, taken: readonly string[], slug: string, allowExisting: boolean, warnings: string[]): string {
  if (!/^[0-9]+$/.test(requested)) throw new Error(`--number must be an unsigned integer, got '${requested}'`);
  if (BigInt(requested) > MAX_FEATURE_NUMBER) throw new Error(`--number must be between 0 and ${MAX_FEATURE_NUMBER}, got '${requested}'`);
  const pad = (n: bigint): string => n.toString().padStart(3, '0');
  const prefixTaken = (num: string): boolean => taken.some((n) => n.startsWith(`${num}-`));
  let num = pad(BigInt(requested));
  const requestedDir = featureDirName(num, slug);
  if ((!allowExisting || !taken.includes(requestedDir)) && prefixTaken(num)) {
    const asked = num;
    let n = highestDirectoryNumber(taken);
    do {
      if (n >= MAX_FEATURE_NUMBER) throw new Error(`feature number must be between 0 and ${MAX_FEATURE_NUMBER}, got '${MAX_FEATURE_NUMBER + 1n}'`);
      n += 1n;
      num = pad(n);
    } while (prefixTaken(num));
    warnings.push(`--number ${asked} conflicts with an existing spec directory; using ${num} instead`);
  }
  return num;
}

/** Fills the header placeholders of spec-kit's spec template; the body stays for the model to write. */
export function fillSpecTemplate(template: string, values: { title: string; branch: string; date: string; input: string }): string {
  return template
    .replace(/\[FEATURE NAME\]/g, () => values.title)
    .replace(/\[###-feature-name\]/g, () => values.branch)
    .replace(/\[DATE\]/g, () => values.date)
    .replace(/\$ARGUMENTS/g, () => values.input.replace(/"/g, '\\"').replace(/\r?\n/g, ' '));
}

/** A title from the first line of a description, without trailing punctuation, at most ~80 chars. */
export function titleFor(description: string): string {
  const first = description.trim().split(/\r?\n/)[0]!.replace(/[:.\s]+$/, '');
  const short = first.length > 80 ? `${first.slice(0, 77).replace(/\s+\S*$/, '')}…` : first;
  return short.charAt(0).toUpperCase() + short.slice(1);
}

export function isoDate(d: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
