import * as path from 'node:path/posix';
import { featureJsonText } from './currentFeature';
import { type Feature } from './features';
import { featureDirName, featureNumberingMode, nextFeaturePrefix } from './numbering';
import { type Project } from './projects';
import { cleanShortName, isSafeSlug, slugify } from './slug';

export interface NewFeaturePlan {
  /** `003-postgresql-database`. */
  readonly name: string;
  readonly dir: string;
  readonly relDir: string;
  readonly specPath: string;
  /** The spec template with the feature's name, branch, date and input filled in. */
  readonly specText: string;
  readonly featureJsonPath: string;
  readonly featureJsonText: string;
  /** The git branch name spec-kit would use: the directory name. */
  readonly branch: string;
}

export interface NewFeatureInput {
  readonly project: Project;
  readonly features: readonly Feature[];
  readonly description: string;
  readonly template: string;
  readonly branchNames?: readonly string[];
  /** A short name chosen by someone (the model, the user); falls back to spec-kit's slug rules. */
  readonly shortName?: string;
  readonly now?: Date;
}

/**
 * Everything deterministic about a new feature, decided in code: number, slug, folder, the spec
 * filled from its template, the current-feature pointer and the branch name.
 */
export function planNewFeature(input: NewFeatureInput): NewFeaturePlan {
  const description = input.description.trim();
  if (!description) throw new Error('No feature description provided');
  const now = input.now ?? new Date();
  const requested = input.shortName ? cleanShortName(input.shortName) : '';
  const slug = requested && isSafeSlug(requested) ? requested : slugify(description);
  const prefix = nextFeaturePrefix({
    existingNames: input.features.map((f) => f.name),
    branchNames: input.branchNames ?? [],
    mode: featureNumberingMode(input.project.initOptions),
    now,
  });
  const name = featureDirName(prefix, slug);
  const dir = path.join(input.project.newFeatureRoot, name);
  const relDir = path.relative(input.project.root, dir);
  return {
    name,
    dir,
    relDir,
    specPath: path.join(dir, 'spec.md'),
    specText: fillSpecTemplate(input.template, { title: titleFor(description), branch: name, date: isoDate(now), input: description }),
    featureJsonPath: path.join(input.project.specifyDir ?? path.join(input.project.root, '.specify'), 'feature.json'),
    featureJsonText: featureJsonText(relDir),
    branch: name,
  };
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
