/**
 * Which feature the later commands (clarify, plan, tasks…) work on, in spec-kit's order
 * (`get_feature_paths` in scripts/bash/common.sh): `SPECIFY_FEATURE_DIRECTORY`, then
 * `.specify/feature.json`, then — as spec-kit ≤ 0.9 did — the git branch, matched by number prefix.
 */
import * as path from 'node:path/posix';
import { type Feature } from './features';
import { type Project } from './projects';

export type CurrentFeatureSource = 'env' | 'feature.json' | 'branch' | 'none';

export interface CurrentFeatureInput {
  readonly project: Project;
  /** The project's features (from `listFeatures`). */
  readonly features: readonly Feature[];
  /** Process environment; `SPECIFY_FEATURE_DIRECTORY` and `SPECIFY_FEATURE` are read. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Text of `.specify/feature.json`, when it exists. */
  readonly featureJsonText?: string;
  /** Current git branch, when known. */
  readonly gitBranch?: string;
}

export interface CurrentFeature {
  readonly feature?: Feature;
  readonly source: CurrentFeatureSource;
  /** The directory the source named, absolute, when it named one inside the project. */
  readonly dir?: string;
  /** Why a source that was set could not be used (the first such reason). */
  readonly problem?: string;
}

/**
 * Resolves the current feature. A source that is set but unusable (a path outside the project, a
 * directory that is not a feature, several features sharing a branch's number) is reported in
 * `problem` and resolution goes on with the next source.
 */
export function resolveCurrentFeature(input: CurrentFeatureInput): CurrentFeature {
  const { project, features } = input;
  const active = features.filter((f) => !f.archived);
  let problem: string | undefined;
  const note = (p: string): void => {
    problem ??= p;
  };
  const withProblem = (r: CurrentFeature): CurrentFeature => (problem !== undefined && r.problem === undefined ? { ...r, problem } : r);

  const envDir = input.env?.SPECIFY_FEATURE_DIRECTORY;
  if (envDir !== undefined && envDir.trim() !== '') {
    const r = byDirectory(project, features, envDir, 'SPECIFY_FEATURE_DIRECTORY');
    if (r.feature) return withProblem({ feature: r.feature, source: 'env', dir: r.dir });
    note(r.problem!);
  }

  if (input.featureJsonText !== undefined) {
    const value = parseFeatureJson(input.featureJsonText);
    if (value === undefined) {
      note('.specify/feature.json has no usable "feature_directory"');
    } else {
      const r = byDirectory(project, features, value, '.specify/feature.json');
      if (r.feature) return withProblem({ feature: r.feature, source: 'feature.json', dir: r.dir });
      note(r.problem!);
    }
  }

  // Legacy spec-kit let SPECIFY_FEATURE stand in for the branch name.
  const specifyFeature = input.env?.SPECIFY_FEATURE?.trim();
  const branch = specifyFeature ? specifyFeature : input.gitBranch?.trim();
  if (branch) {
    const r = byBranch(active, branch);
    if (r.feature) return withProblem({ feature: r.feature, source: 'branch', dir: r.feature.dir });
    if (r.problem) note(r.problem);
  }

  return withProblem({ source: 'none' });
}

/**
 * Exactly what spec-kit writes to `.specify/feature.json` (its scripts: `jq -cn`, `json.dumps` with
 * compact separators, or printf — all compact, UTF-8, one trailing newline).
 */
export function featureJsonText(relDir: string): string {
  return `${JSON.stringify({ feature_directory: relDir })}\n`;
}

/**
 * `feature_directory` from feature.json text, or undefined. Tolerates a BOM, pretty-printing and
 * garbage; like spec-kit's last-resort grep/sed reader it also accepts a broken file whose
 * `"feature_directory": "…"` pair is still readable.
 */
export function parseFeatureJson(text: string): string | undefined {
  const clean = text.replace(/^\uFEFF/, '');
  try {
    const data: unknown = JSON.parse(clean);
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
    const value = (data as Record<string, unknown>).feature_directory;
    return typeof value === 'string' && value.trim() !== '' ? value : undefined;
  } catch {
    const m = /"feature_directory"\s*:\s*"([^"\\\n]*)"/.exec(clean);
    return m && m[1]!.trim() !== '' ? m[1] : undefined;
  }
}

/**
 * A feature directory named relative to the project root (or absolute inside it), made absolute.
 * Anything that leaves the project, is the root itself, or holds a NUL is refused.
 */
export function resolveFeatureDirectory(project: Project, value: string): { dir?: string; problem?: string } {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.includes('\0')) return { problem: 'the feature directory is empty or malformed' };
  const dir = stripTrailingSlash(path.isAbsolute(trimmed) ? path.normalize(trimmed) : path.join(project.root, trimmed));
  const rel = path.relative(project.root, dir);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    return { problem: `${JSON.stringify(value)} is outside the project ${project.root}; refused` };
  }
  return { dir };
}

/** spec-kit's `spec_kit_effective_branch_name`: `feat/004-name` → `004-name` (exactly two segments only). */
export function effectiveBranchName(branch: string): string {
  const m = /^([^/]+)\/([^/]+)$/.exec(branch);
  return m ? m[2]! : branch;
}

function byDirectory(
  project: Project,
  features: readonly Feature[],
  value: string,
  origin: string,
): { feature?: Feature; dir?: string; problem?: string } {
  const resolved = resolveFeatureDirectory(project, value);
  if (!resolved.dir) return { problem: `${origin}: ${resolved.problem!}` };
  const feature = features.find((f) => f.dir === resolved.dir);
  if (!feature) return { dir: resolved.dir, problem: `${origin}: ${JSON.stringify(value)} is not a feature directory of ${project.root}` };
  return { feature, dir: resolved.dir };
}

function byBranch(active: readonly Feature[], rawBranch: string): { feature?: Feature; problem?: string } {
  const branch = effectiveBranchName(rawBranch);
  const exact = active.filter((f) => f.name === branch);
  if (exact.length === 1) return { feature: exact[0] };
  const m = /^([0-9]{8}-[0-9]{6})-/.exec(branch) ?? /^([0-9]{3,})-/.exec(branch);
  if (!m) return {};
  // Legacy spec-kit globbed `specs/<prefix>-*`: prefixes compare as text, `004` ≠ `0004`.
  const prefix = m[1]!;
  const matches = active.filter((f) => f.prefix === prefix);
  if (matches.length === 1) return { feature: matches[0] };
  if (matches.length > 1) {
    return { problem: `branch ${rawBranch}: several features share the prefix ${prefix} (${matches.map((f) => f.name).join(', ')})` };
  }
  return {};
}

function stripTrailingSlash(p: string): string {
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}
