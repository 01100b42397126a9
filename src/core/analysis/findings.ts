/**
 * What an analysis finds and how findings are ordered and numbered: the vocabulary shared by the
 * code passes, the model's findings and the report.
 */
import { type ChecklistDoc } from '../artifacts/checklist';
import { type ConstitutionDoc } from '../artifacts/constitution';
import { type PlanDoc } from '../artifacts/plan';
import { type Requirement, type SpecDoc } from '../artifacts/spec';
import { type TasksDoc } from '../artifacts/tasks';
import { type Range } from '../text/range';

export type FindingCategory = 'Duplication' | 'Ambiguity' | 'Underspecification' | 'Constitution' | 'Coverage' | 'Inconsistency';
export type FindingSeverity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';

export interface Finding {
  /** Category prefix + number within the category after sorting: `D1`, `A2`, `U1`, `CA1`, `C3`, `I1`. */
  readonly id: string;
  readonly category: FindingCategory;
  readonly severity: FindingSeverity;
  /** `line` is 1-based. */
  readonly location: { readonly path: string; readonly line: number };
  readonly summary: string;
  readonly recommendation: string;
  readonly source: 'code' | 'model';
}

export interface CoverageRow {
  readonly requirement: string;
  readonly hasTask: boolean;
  readonly tasks: string[];
  readonly notes: string;
  /** How the tasks were found: the tasks name the ID, share its key terms, or none was found. */
  readonly match: 'id' | 'keyword' | 'none';
  /** The user story the requirement serves, when one can be told (`US1`). */
  readonly story: string | undefined;
  /** false for business-outcome success criteria, which coverage leaves out. */
  readonly counted: boolean;
}

export interface AnalysisMetrics {
  /** Buildable requirements (business-outcome success criteria are not counted). */
  readonly requirements: number;
  readonly tasks: number;
  /** Share of counted requirements with at least one task, rounded to an integer. */
  readonly coveragePercent: number;
  /** Counts over every finding, including those beyond the 50-row cap. */
  readonly ambiguities: number;
  readonly duplicates: number;
  readonly critical: number;
  readonly unmappedTasks: number;
}

export interface AnalysisReport {
  /** At most {@link MAX_FINDINGS}, in {@link compareFindings} order. */
  readonly findings: Finding[];
  readonly coverage: CoverageRow[];
  readonly metrics: AnalysisMetrics;
  readonly unmappedTasks: string[];
  /** Findings left out by the cap. */
  readonly omitted: number;
}

export interface AnalysisInput {
  readonly spec?: SpecDoc;
  readonly plan?: PlanDoc;
  readonly tasks?: TasksDoc;
  readonly constitution?: ConstitutionDoc;
  /** Accepted for the handler's convenience; spec-kit's analyze does not read checklists, nor does this. */
  readonly checklists?: ChecklistDoc[];
  readonly paths: { readonly spec?: string; readonly plan?: string; readonly tasks?: string; readonly constitution?: string };
}

export const MAX_FINDINGS = 50;

export const SEVERITY_ORDER: readonly FindingSeverity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
/** spec-kit's detection passes A–F, in its order. */
export const CATEGORY_ORDER: readonly FindingCategory[] = ['Duplication', 'Ambiguity', 'Underspecification', 'Constitution', 'Coverage', 'Inconsistency'];
/** Constitution and Coverage share an initial; Constitution takes `CA` (spec-kit's "Constitution Alignment"). */
export const CATEGORY_PREFIX: Readonly<Record<FindingCategory, string>> = {
  Duplication: 'D',
  Ambiguity: 'A',
  Underspecification: 'U',
  Constitution: 'CA',
  Coverage: 'C',
  Inconsistency: 'I',
};

/** A finding before it is numbered. */
export type FindingDraft = Omit<Finding, 'id'>;

/** How a pass reports a finding (the source, `code`, is added by the caller). */
export type AddFinding = (d: Omit<FindingDraft, 'source'>) => void;

/** Where each artifact is, or would be when it is missing. */
export type ArtifactPaths = Record<'spec' | 'plan' | 'tasks' | 'constitution', string>;

export const lineOf = (r: Range): number => r.start.line + 1;

// ---- ordering ----------------------------------------------------------------------------------

/** Severity, then category (spec-kit's pass order), then path, line, summary: a total order. */
export function compareFindings(a: FindingDraft, b: FindingDraft): number {
  return (
    SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
    CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category) ||
    cmp(a.location.path, b.location.path) ||
    a.location.line - b.location.line ||
    cmp(a.summary, b.summary) ||
    cmp(a.recommendation, b.recommendation) ||
    cmp(a.source, b.source)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts, drops exact repeats, and numbers per category. */
export function numberFindings(drafts: readonly FindingDraft[]): Finding[] {
  const sorted = [...drafts].sort(compareFindings);
  const seen = new Set<string>();
  const counters = new Map<FindingCategory, number>();
  const out: Finding[] = [];
  for (const d of sorted) {
    const key = `${d.category}|${d.location.path}|${d.location.line}|${d.summary}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const n = (counters.get(d.category) ?? 0) + 1;
    counters.set(d.category, n);
    out.push({ id: `${CATEGORY_PREFIX[d.category]}${n}`, ...d });
  }
  return out;
}

/** Each requirement ID once, at its first definition (a repeated ID is a finding of its own). */
export function uniqueRequirements(list: readonly Requirement[]): Requirement[] {
  const seen = new Set<string>();
  return list.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
}

/** `T001, T002, T003, T007` → `T001–T003, T007` when IDs are consecutive, at most 8 parts. */
export function idList(ids: readonly string[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < ids.length) {
    let j = i;
    const num = (s: string): number | undefined => (/^T(\d+)$/.test(s) ? Number(s.slice(1)) : undefined);
    while (j + 1 < ids.length && num(ids[j]!) !== undefined && num(ids[j + 1]!) === num(ids[j]!)! + 1) j++;
    parts.push(j - i >= 2 ? `${ids[i]}–${ids[j]}` : ids.slice(i, j + 1).join(', '));
    i = j + 1;
  }
  return parts.length > 8 ? `${parts.slice(0, 8).join(', ')} and ${parts.length - 8} more` : parts.join(', ');
}

/** The file name of a path, lower-cased: how a model's `spec.md` meets the code's full path. */
export function baseName(p: string): string {
  return p.replace(/\\/g, '/').split('/').pop()!.toLowerCase();
}
