/**
 * Which feature the later commands (clarify, plan, tasks…) work on, exactly as spec-kit 1.0.1
 * resolves it (`get_feature_paths` in scripts/bash/common.sh, then check-prerequisites' existence
 * check): `SPECIFY_FEATURE_DIRECTORY`, then `.specify/feature.json`, else an error — spec-kit no
 * longer reads git branches. A pointer is honoured wherever it points inside the project (also
 * outside `specs/`, e.g. `docs/feat-x`).
 *
 * Where spec-kit stops with an error, the result carries that reason as a `problem` with the fix
 * (*Switch Feature*) instead of silently showing another feature. Only where spec-kit has no answer
 * at all — no pointer in a project that has features, or the 2025 layout without `.specify/` — does
 * the git branch pick the feature, labelled "from the git branch" (a branch like `jdoe/app/007-x`
 * counts by its last segment).
 */
import * as path from 'node:path/posix';
import { type Feature, loadFeatureAt } from './features';
import { type FileSystemHost } from './fileSystem';
import { type Project } from './projects';

export type CurrentFeatureSource = 'env' | 'feature.json' | 'branch' | 'none';

export interface CurrentFeatureInput {
  readonly project: Project;
  /** The project's features (from `listFeatures`), plus any loaded at the pointer ({@link loadCurrentFeature}). */
  readonly features: readonly Feature[];
  /** Process environment; `SPECIFY_FEATURE_DIRECTORY` and `SPECIFY_FEATURE` are read. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Text of `.specify/feature.json`, when it exists. */
  readonly featureJsonText?: string;
  /** Current git branch, when known. */
  readonly gitBranch?: string;
}

export type CurrentFeatureProblemCode = 'no-pointer' | 'empty-pointer' | 'missing-folder' | 'outside-project' | 'ambiguous-branch';

export interface CurrentFeatureProblem {
  readonly code: CurrentFeatureProblemCode;
  /** What is wrong, in our words. */
  readonly message: string;
  /** spec-kit's own error, verbatim, where its scripts stop on this state. */
  readonly speckit?: string;
  /** The suggested fix. */
  readonly fix: 'switchFeature';
}

export interface CurrentFeature {
  readonly feature?: Feature;
  readonly source: CurrentFeatureSource;
  /** The directory the source named, absolute, when it named one inside the project. */
  readonly dir?: string;
  /** Where the current feature came from, for tooltips: "from .specify/feature.json", "from the git branch". */
  readonly label?: string;
  /** Why spec-kit would stop here (or why we cannot follow the pointer). */
  readonly problem?: CurrentFeatureProblem;
}

const NO_POINTER = 'ERROR: Feature directory not found. Set SPECIFY_FEATURE_DIRECTORY or run the specify command to create .specify/feature.json.';
const EMPTY_POINTER = 'ERROR: Feature directory not found. Set SPECIFY_FEATURE_DIRECTORY or ensure .specify/feature.json contains feature_directory.';

const problem = (code: CurrentFeatureProblemCode, message: string, speckit?: string): CurrentFeatureProblem => ({ code, message, ...(speckit ? { speckit } : {}), fix: 'switchFeature' });

/** The pointer spec-kit follows, before looking at the disk. */
export function currentFeaturePointer(input: Pick<CurrentFeatureInput, 'project' | 'env' | 'featureJsonText'>): { source: 'env' | 'feature.json'; value: string; dir?: string; problem?: CurrentFeatureProblem } | { source: 'none'; problem?: CurrentFeatureProblem } {
  const envDir = input.env?.SPECIFY_FEATURE_DIRECTORY;
  if (envDir !== undefined && envDir !== '') return pointer('env', 'SPECIFY_FEATURE_DIRECTORY', input.project, envDir);
  if (input.featureJsonText !== undefined) {
    const value = parseFeatureJson(input.featureJsonText);
    if (value === undefined) return { source: 'none', problem: problem('empty-pointer', '.specify/feature.json has no "feature_directory".', EMPTY_POINTER) };
    return pointer('feature.json', '.specify/feature.json', input.project, value);
  }
  return { source: 'none' };
}

/** Resolves the current feature from what is known (see the module comment for the rules). */
export function resolveCurrentFeature(input: CurrentFeatureInput): CurrentFeature {
  const { project, features } = input;
  const ptr = currentFeaturePointer(input);
  if (ptr.source !== 'none') {
    const label = ptr.source === 'env' ? 'from SPECIFY_FEATURE_DIRECTORY' : 'from .specify/feature.json';
    if (!ptr.dir) return { source: 'none', ...(ptr.problem ? { problem: ptr.problem } : {}) };
    const feature = features.find((f) => f.dir === ptr.dir);
    if (feature) return { feature, source: ptr.source, dir: ptr.dir, label };
    const origin = ptr.source === 'env' ? 'SPECIFY_FEATURE_DIRECTORY names' : '.specify/feature.json points at';
    return {
      source: 'none',
      dir: ptr.dir,
      problem: problem('missing-folder', `${origin} ${path.relative(project.root, ptr.dir)}, which does not exist (here, on this branch).`, `ERROR: Feature directory not found: ${ptr.dir}`),
    };
  }
  if (ptr.problem) return { source: 'none', problem: ptr.problem };

  // No pointer: spec-kit stops. The branch is our friendlier answer, labelled, with spec-kit's reason kept.
  const active = features.filter((f) => !f.archived);
  const speckitLayout = project.layout === 'specify';
  const noPointer = speckitLayout && active.length > 0 ? problem('no-pointer', 'No current feature: .specify/feature.json does not exist.', NO_POINTER) : undefined;
  const specifyFeature = input.env?.SPECIFY_FEATURE?.trim();
  const branch = specifyFeature ? specifyFeature : input.gitBranch?.trim();
  if (branch) {
    const r = byBranch(active, branch);
    if (r.feature) return { feature: r.feature, source: 'branch', dir: r.feature.dir, label: specifyFeature ? 'from SPECIFY_FEATURE' : 'from the git branch', ...(noPointer ? { problem: noPointer } : {}) };
    if (r.problem) return { source: 'none', problem: r.problem };
  }
  return { source: 'none', ...(noPointer ? { problem: noPointer } : {}) };
}

/**
 * {@link resolveCurrentFeature} after loading, from disk, a pointed-at folder that is not among
 * `features` (one outside `specs/`, such as `docs/feat-x`): spec-kit works on any folder it is
 * pointed at. The loaded feature is returned in `extra` so the caller can list it.
 */
export async function loadCurrentFeature(fs: FileSystemHost, input: CurrentFeatureInput): Promise<CurrentFeature & { readonly extra?: Feature }> {
  const ptr = currentFeaturePointer(input);
  if (ptr.source !== 'none' && ptr.dir && !input.features.some((f) => f.dir === ptr.dir)) {
    const extra = await loadFeatureAt(fs, input.project, ptr.dir);
    if (extra) return { ...resolveCurrentFeature({ ...input, features: [...input.features, extra] }), extra };
  }
  return resolveCurrentFeature(input);
}

function pointer(source: 'env' | 'feature.json', origin: string, project: Project, value: string): { source: 'env' | 'feature.json'; value: string; dir?: string; problem?: CurrentFeatureProblem } {
  const resolved = resolveFeatureDirectory(project, value);
  if (resolved.dir) return { source, value, dir: resolved.dir };
  return { source, value, problem: problem('outside-project', `${origin}: ${resolved.problem!}`) };
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

function byBranch(active: readonly Feature[], rawBranch: string): { feature?: Feature; problem?: CurrentFeatureProblem } {
  // The git extension's feature branches carry the number in their last segment (`jdoe/app/007-x`).
  const branch = rawBranch.slice(rawBranch.lastIndexOf('/') + 1);
  const exact = active.filter((f) => f.name === branch);
  if (exact.length === 1) return { feature: exact[0] };
  const m = /^([0-9]{8}-[0-9]{6})-/.exec(branch) ?? /^([0-9]{3,})-/.exec(branch);
  if (!m) return {};
  // Legacy spec-kit globbed `specs/<prefix>-*`: prefixes compare as text, `004` ≠ `0004`.
  const prefix = m[1]!;
  const matches = active.filter((f) => f.prefix === prefix);
  if (matches.length === 1) return { feature: matches[0] };
  if (matches.length > 1) {
    return { problem: problem('ambiguous-branch', `The git branch ${rawBranch} matches several features with the prefix ${prefix} (${matches.map((f) => f.name).join(', ')}).`) };
  }
  return {};
}

function stripTrailingSlash(p: string): string {
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}
