import * as path from 'node:path/posix';
import { type ChecklistDoc } from '../artifacts/checklist';
import { type ConstitutionDoc, type Principle } from '../artifacts/constitution';
import { type PlanDoc } from '../artifacts/plan';
import { type Requirement, type SpecDoc, type UserStory } from '../artifacts/spec';
import { pathsIn, type Task, type TasksDoc } from '../artifacts/tasks';
import { analyzeDoc } from '../lint/analyzedDoc';
import { lintDocument } from '../lint/lintRules';
import { type Problem, type Range } from '../text/range';
import { extractRecords, oneLine, stringField } from './modelJson';
import { cjkBigrams, contentTerms, sharedTerms } from './terms';

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

type Draft = Omit<Finding, 'id'>;

/**
 * The deterministic half of `/speckit.analyze`: coverage, duplicates, markers, vague words,
 * placeholders, unknown references, parallel conflicts and constitution alignment. Read-only and
 * pure; the same input always gives the same report.
 */
export function analyzeFeature(input: AnalysisInput): AnalysisReport {
  const { spec, plan, tasks, constitution } = input;
  const p = resolvePaths(input.paths);
  const drafts: Draft[] = [];
  const add = (d: Omit<Draft, 'source'>): void => void drafts.push({ ...d, source: 'code' });

  for (const [kind, doc] of [
    ['spec', spec],
    ['plan', plan],
    ['tasks', tasks],
  ] as const) {
    if (doc) continue;
    add({
      category: 'Underspecification',
      severity: 'CRITICAL',
      location: { path: p[kind], line: 1 },
      summary: `${kind}.md is missing; /speckit.analyze needs spec, plan and tasks.`,
      recommendation: `Run /speckit.${kind === 'spec' ? 'specify' : kind} first.`,
    });
  }

  const coverage = spec ? coveragePass(spec, tasks, p, add) : { rows: [], counted: 0, covered: 0, unmapped: [] as string[] };
  if (spec) specPasses(spec, p.spec, add);
  if (plan) planPasses(plan, p.plan, add);
  if (tasks) tasksPasses(tasks, spec, p.tasks, add);
  if (constitution) constitutionPass(constitution, plan, p, add);

  const all = finalize(drafts);
  const findings = all.slice(0, MAX_FINDINGS);
  const taskCount = tasks ? new Set(tasks.tasks.map((t) => t.id)).size : 0;
  return {
    findings,
    coverage: coverage.rows,
    unmappedTasks: coverage.unmapped,
    omitted: all.length - findings.length,
    metrics: {
      requirements: coverage.counted,
      tasks: taskCount,
      coveragePercent: coverage.counted === 0 ? 0 : Math.round((coverage.covered * 100) / coverage.counted),
      ambiguities: all.filter((f) => f.category === 'Ambiguity').length,
      duplicates: all.filter((f) => f.category === 'Duplication').length,
      critical: all.filter((f) => f.severity === 'CRITICAL').length,
      unmappedTasks: coverage.unmapped.length,
    },
  };
}

type Kind = 'spec' | 'plan' | 'tasks' | 'constitution';
type Paths = Record<Kind, string>;

/** A missing artifact is located where it would be: beside the ones that exist. */
function resolvePaths(given: AnalysisInput['paths']): Paths {
  const known = [given.spec, given.plan, given.tasks].find((x) => x !== undefined);
  const dir = known !== undefined ? path.dirname(known.replace(/\\/g, '/')) : undefined;
  const guess = (name: string): string => (dir !== undefined && dir !== '.' ? `${dir}/${name}` : name);
  return {
    spec: given.spec ?? guess('spec.md'),
    plan: given.plan ?? guess('plan.md'),
    tasks: given.tasks ?? guess('tasks.md'),
    constitution: given.constitution ?? '.specify/memory/constitution.md',
  };
}

const lineOf = (r: Range): number => r.start.line + 1;

// ---- ordering ----------------------------------------------------------------------------------

/** Severity, then category (spec-kit's pass order), then path, line, summary: a total order. */
export function compareFindings(a: Omit<Finding, 'id'>, b: Omit<Finding, 'id'>): number {
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
function finalize(drafts: readonly Draft[]): Finding[] {
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

// ---- coverage ----------------------------------------------------------------------------------

/** Success criteria about business outcomes are not buildable; spec-kit leaves them out of coverage. */
const BUSINESS_KPI =
  /satisf|net promoter|\bNPS\b|revenue|conversion rate|adoption|retention|churn|support (?:ticket|request|call)|survey|engagement|\bsales\b|market share|complaint|users? report|on (?:their|the) first (?:attempt|try)|% of (?:users|participants|customers|respondents)/i;

interface Coverage {
  rows: CoverageRow[];
  counted: number;
  covered: number;
  unmapped: string[];
}

function coveragePass(spec: SpecDoc, tasksDoc: TasksDoc | undefined, p: Paths, add: (d: Omit<Draft, 'source'>) => void): Coverage {
  const tasks = tasksDoc ? uniqueTasks(tasksDoc.tasks) : [];
  // Terms most tasks share ("nixos" in a NixOS project) say nothing about which requirement a task serves.
  const frequency = new Map<string, number>();
  for (const t of tasks) for (const term of new Set([...contentTerms(t.description), ...cjkBigrams(t.description)])) frequency.set(term, (frequency.get(term) ?? 0) + 1);
  const common = (term: string): boolean => (frequency.get(term) ?? 0) > Math.max(3, tasks.length * COMMON_SHARE);
  const taskTerms = new Map(tasks.map((t) => [t.id, new Set(contentTerms(t.description).filter((x) => !common(x)))]));
  const taskBigrams = new Map(tasks.map((t) => [t.id, new Set(cjkBigrams(t.description).filter((x) => !common(x)))]));
  const requirements = uniqueRequirements(spec.requirements);
  const phases = new Map((tasksDoc?.phases ?? []).map((ph) => [ph.key, ph]));
  const storyTasks = (story: string): Task[] => tasks.filter((t) => t.story === story || (t.phase !== undefined && phases.get(t.phase)?.story === story));
  const storyTerms = new Map(spec.stories.map((s) => [s, { words: new Set(contentTerms(storyText(s))), pairs: new Set(cjkBigrams(storyText(s))) }]));
  const rows: CoverageRow[] = [];
  const keywordMapped = new Set<string>();
  let counted = 0;
  let covered = 0;

  for (const r of requirements) {
    const kpi = r.family === 'SC' && BUSINESS_KPI.test(r.text);
    const named = tasks.filter((t) => t.requirements.includes(r.id)).map((t) => t.id);
    const terms = contentTerms(r.text);
    const bigrams = cjkBigrams(r.text);
    const files = fileNames(r.text);
    const byKeyword: { id: string; shared: string[] }[] = [];
    if (named.length === 0) {
      for (const t of tasks) {
        const sharedFiles = files.filter((f) => mentionsFile(t, f));
        const shared = sharedTerms(terms, taskTerms.get(t.id)!);
        const sharedCjk = sharedTerms(bigrams, taskBigrams.get(t.id)!);
        if (sharedFiles.length > 0) byKeyword.push({ id: t.id, shared: sharedFiles });
        else if (keywordMatch(terms, shared)) byKeyword.push({ id: t.id, shared });
        else if (sharedCjk.length >= CJK_MATCH) byKeyword.push({ id: t.id, shared: [...shared, ...sharedCjk] });
      }
    }
    for (const k of byKeyword) keywordMapped.add(k.id);
    const matched = named.length > 0 ? named : byKeyword.map((k) => k.id);
    const story = storyOf(r, spec.stories, terms, storyTerms);
    const notes: string[] = [];
    if (named.length > 0) notes.push('named by ID');
    else if (byKeyword.length > 0) notes.push(`keyword match (${[...new Set(byKeyword.flatMap((k) => k.shared))].slice(0, 4).join(', ')})`);
    else if (!tasksDoc) notes.push('no tasks.md');
    else notes.push('no task names it or shares its key terms');
    if (story) notes.push(`${story.id}${story.priority ? ` (${story.priority})` : ''}`);
    if (kpi) notes.push('business outcome, not counted');
    rows.push({
      requirement: r.id,
      hasTask: matched.length > 0,
      tasks: matched,
      notes: notes.join('; '),
      match: named.length > 0 ? 'id' : matched.length > 0 ? 'keyword' : 'none',
      story: story?.id,
      counted: !kpi,
    });
    if (kpi) continue;
    counted++;
    if (matched.length > 0) {
      covered++;
      continue;
    }
    if (!tasksDoc) continue; // the missing tasks.md is already a CRITICAL finding
    const blocking = story !== undefined && isTopPriority(story.priority);
    const storyWork = story ? storyTasks(story.id).map((t) => t.id) : [];
    const severity: FindingSeverity = blocking ? 'CRITICAL' : r.family === 'FR' ? 'HIGH' : 'MEDIUM';
    const what = r.family === 'SC' ? 'Success criterion' : 'Requirement';
    add({
      category: 'Coverage',
      severity,
      location: { path: p.spec, line: lineOf(r.idRange) },
      summary: `${what} ${r.id} has no task${blocking ? ` and belongs to ${story.id} (${story.priority})` : ''}: "${oneLine(r.text, 100)}"${storyWork.length > 0 ? `; ${story!.id} has tasks ${idList(storyWork)}, none naming it` : ''}.`,
      recommendation: `Add a task for ${r.id} to tasks.md, or name ${r.id} in the task that implements it.`,
    });
  }

  const unmapped: string[] = [];
  if (tasksDoc) {
    const known = new Set(requirements.map((r) => r.id));
    const byPhase = new Map<string, Task[]>();
    for (const t of tasks) {
      const phase = t.phase !== undefined ? phases.get(t.phase) : undefined;
      const mapped = t.requirements.some((id) => known.has(id)) || t.story !== undefined || phase?.kind === 'story' || keywordMapped.has(t.id) || t.parent !== undefined;
      if (mapped) continue;
      unmapped.push(t.id);
      const key = t.phase ?? '';
      byPhase.set(key, [...(byPhase.get(key) ?? []), t]);
    }
    for (const [key, list] of byPhase) {
      const phase = phases.get(key);
      // Setup, foundational and polish work is cross-cutting by design: worth a note, not a gap.
      const crossCutting = phase !== undefined && ['setup', 'foundational', 'polish', 'convergence'].includes(phase.kind);
      add({
        category: 'Coverage',
        severity: crossCutting ? 'LOW' : 'MEDIUM',
        location: { path: p.tasks, line: lineOf(list[0]!.lineRange) },
        summary: `${list.length === 1 ? 'Task' : 'Tasks'} ${idList(list.map((t) => t.id))}${phase ? ` in "${phase.title}"` : ''} ${list.length === 1 ? 'maps' : 'map'} to no requirement or user story.`,
        recommendation: crossCutting ? 'Name the requirement each serves, if any; otherwise no action needed.' : 'Name the requirement or story each task serves ([USn] or FR-###), or drop tasks nobody asked for.',
      });
    }
  }
  return { rows, counted, covered, unmapped };
}

/** A term in more than this share of the tasks is too common to map a requirement by. */
const COMMON_SHARE = 0.2;

/** Shared CJK character pairs that count as a keyword match (pairs are weaker than words). */
const CJK_MATCH = 3;

/** Two shared content terms, or one distinctive term: an amount with a unit (`100mb`), or the only term of a short requirement. */
function keywordMatch(terms: readonly string[], shared: readonly string[]): boolean {
  if (shared.length >= 2) return true;
  if (shared.length !== 1) return false;
  const term = shared[0]!;
  return /\d/.test(term) || (terms.length === 1 && term.length >= 6);
}

/** File names a requirement mentions: paths (`src/main.rs`), names with an extension, dotfiles (`.gitignore`). */
function fileNames(text: string): string[] {
  const dotfiles = [...text.matchAll(/(?<![\w/.])\.[a-z][\w-]{2,}\b/gi)].map((m) => m[0]);
  return [...new Set([...pathsIn(text), ...dotfiles].map(baseName))].filter((f) => f.length >= 4);
}

/** The task names the file: its paths, or its text at a path boundary. */
function mentionsFile(t: Task, file: string): boolean {
  if (t.paths.some((x) => baseName(x) === file)) return true;
  const lower = t.description.toLowerCase();
  for (let at = lower.indexOf(file); at >= 0; at = lower.indexOf(file, at + 1)) {
    const before = at === 0 ? '' : lower[at - 1]!;
    const after = lower[at + file.length] ?? '';
    if (!/[\w.]/.test(before === '/' ? '' : before) && !/[\w]/.test(after)) return true;
  }
  return false;
}

/**
 * The story a requirement serves: one it names (`US1`, "User Story 1"), one whose text names it, or
 * else the single story sharing the most (at least two) of its terms.
 */
function storyOf(
  r: Requirement,
  stories: readonly UserStory[],
  terms: readonly string[],
  storyTerms: ReadonlyMap<UserStory, { words: ReadonlySet<string>; pairs: ReadonlySet<string> }>,
): UserStory | undefined {
  const named = /\bUS-?(\d+)\b|\b(?:user\s+)?story\s+(\d+)\b/i.exec(r.text);
  if (named) {
    const n = Number(named[1] ?? named[2]);
    const s = stories.find((x) => x.number === n);
    if (s) return s;
  }
  const idRe = new RegExp(`\\b${r.id.replace(/[-]/g, '\\-')}\\b`);
  const naming = stories.filter((s) => idRe.test(storyText(s)));
  if (naming.length === 1) return naming[0];
  const pairs = cjkBigrams(r.text);
  let best: UserStory | undefined;
  let bestScore = 1;
  let tie = false;
  for (const s of stories) {
    const st = storyTerms.get(s)!;
    const score = sharedTerms(terms, st.words).length + Math.floor(sharedTerms(pairs, st.pairs).length / CJK_MATCH);
    if (score > bestScore) {
      best = s;
      bestScore = score;
      tie = false;
    } else if (score === bestScore && best) tie = true;
  }
  return tie ? undefined : best;
}

function storyText(s: UserStory): string {
  return [s.title, s.independentTest?.value ?? '', ...s.scenarios.map((x) => x.text)].join(' ');
}

/** P0 and P1 are the MVP tier (some specs number priorities from P0). */
function isTopPriority(priority: string | undefined): boolean {
  return priority !== undefined && /^P[01]$/.test(priority);
}

function uniqueRequirements(list: readonly Requirement[]): Requirement[] {
  const seen = new Set<string>();
  return list.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
}

function uniqueTasks(list: readonly Task[]): Task[] {
  const seen = new Set<string>();
  return list.filter((t) => (seen.has(t.id) ? false : (seen.add(t.id), true)));
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

// ---- spec, plan and tasks text passes ----------------------------------------------------------

const VAGUE_PERFORMANCE = ['fast', 'faster', 'quick', 'quickly', 'scalable', 'secure', 'securely', 'efficient', 'efficiently', 'performant', 'responsive', 'low-latency', 'high-performance', 'real-time performance'];
const VAGUE_QUALITY = ['intuitive', 'robust', 'user-friendly', 'reliable', 'reliably', 'seamless', 'seamlessly', 'easy', 'easily', 'flexible', 'lightweight', 'graceful', 'gracefully'];
const VAGUE = new RegExp(`\\b(${[...VAGUE_PERFORMANCE, ...VAGUE_QUALITY].map((w) => w.replace(/-/g, '[- ]')).join('|')})\\b`, 'gi');
/** A number, or a unit or threshold word, within the same sentence makes a vague word measurable. */
const MEASURE = /\d|\b(?:ms|milliseconds?|seconds?|minutes?|hours?|percent|percentile|p9\d|rps|qps|requests? per|per second|kb|mb|gb|tb|wcag|owasp|aes|tls\s*1|sla|within|at most|at least|no more than|less than|fewer than|under)\b|%/i;

function vagueWords(text: string): string[] {
  const out = new Set<string>();
  for (const sentence of text.split(/(?<=[.;!?])\s+|\n/)) {
    if (MEASURE.test(sentence)) continue;
    for (const m of sentence.matchAll(VAGUE)) out.add(m[1]!.toLowerCase());
  }
  return [...out];
}

/** Leftover drafting placeholders spec-kit's analyze names: TODO, TKTK, ???, `<placeholder>`. */
const DRAFT_PLACEHOLDER = /\b(?:TODO(?!\s+comments?\b)|TKTK|TBD|FIXME|XXX)\b|\?{3,}|<(?:placeholder|insert[^>]{0,40}|tbd|todo|describe[^>]{0,40}|[a-z]+(?:[-_ ][a-z]+)*-here)>/g;

function draftPlaceholders(text: string): string[] {
  return [...new Set([...text.matchAll(DRAFT_PLACEHOLDER)].map((m) => m[0]))];
}

const PROBLEM_MAP: Readonly<Record<string, { category: FindingCategory; severity: FindingSeverity; recommendation: string }>> = {
  'duplicate-requirement-id': { category: 'Duplication', severity: 'HIGH', recommendation: 'Give each requirement its own ID; renumber the later one.' },
  'task-duplicate-id': { category: 'Duplication', severity: 'HIGH', recommendation: 'Renumber the later task so every ID is unique (/speckit.tasks repairs numbering).' },
  'unknown-requirement-reference': { category: 'Inconsistency', severity: 'MEDIUM', recommendation: 'Point the task at an existing requirement, or add the requirement to the spec.' },
  'unknown-task-reference': { category: 'Inconsistency', severity: 'MEDIUM', recommendation: 'Fix the reference or add the missing task.' },
  'unknown-story': { category: 'Inconsistency', severity: 'MEDIUM', recommendation: 'Tag the task with a story the spec defines, or add the story to the spec.' },
  'parallel-same-file': { category: 'Inconsistency', severity: 'MEDIUM', recommendation: 'Drop [P] from one of the tasks, or split the file, so they run one after the other.' },
  'task-story-in-non-story-phase': { category: 'Inconsistency', severity: 'LOW', recommendation: 'Remove the story tag, or move the task into its story phase.' },
  'task-story-mismatch': { category: 'Inconsistency', severity: 'LOW', recommendation: 'Move the task to its story phase, or fix the tag.' },
  'task-out-of-order': { category: 'Inconsistency', severity: 'LOW', recommendation: 'Renumber tasks in execution order.' },
  'task-missing-id': { category: 'Inconsistency', severity: 'LOW', recommendation: 'Give the item a task ID (- [ ] T### …) so it can be tracked.' },
  'fenced-checkbox': { category: 'Inconsistency', severity: 'LOW', recommendation: 'Move the task out of the code fence if it is meant to be tracked.' },
  placeholder: { category: 'Underspecification', severity: 'MEDIUM', recommendation: 'Replace the template placeholder with the real content.' },
  'template-guidance': { category: 'Underspecification', severity: 'LOW', recommendation: 'Remove the template guidance comment once the section is filled.' },
};

function problemFindings(problems: readonly Problem[], file: string, add: (d: Omit<Draft, 'source'>) => void): void {
  for (const pr of problems) {
    const m = PROBLEM_MAP[pr.code];
    if (!m) continue;
    add({ category: m.category, severity: m.severity, location: { path: file, line: lineOf(pr.range) }, summary: pr.message, recommendation: m.recommendation });
  }
}

function markerFindings(markers: readonly { text: string; range: Range }[], file: string, add: (d: Omit<Draft, 'source'>) => void): void {
  for (const m of markers) {
    add({
      category: 'Ambiguity',
      severity: 'HIGH',
      location: { path: file, line: lineOf(m.range) },
      summary: m.text ? `Open [NEEDS CLARIFICATION]: ${oneLine(m.text, 160)}` : 'Open [NEEDS CLARIFICATION] marker.',
      recommendation: 'Answer it with /speckit.clarify before implementing.',
    });
  }
}

function specPasses(spec: SpecDoc, file: string, add: (d: Omit<Draft, 'source'>) => void): void {
  markerFindings(spec.markers, file, add);
  problemFindings(spec.problems, file, add);

  // Every definition, duplicates included: a repeated ID can still hide a vague requirement.
  for (const r of spec.requirements) {
    const words = vagueWords(r.text);
    if (words.length > 0) {
      const performance = words.some((w) => VAGUE_PERFORMANCE.includes(w.replace(/ /g, '-')));
      add({
        category: 'Ambiguity',
        severity: performance ? 'HIGH' : 'MEDIUM',
        location: { path: file, line: lineOf(r.idRange) },
        summary: `${r.id} uses ${words.map((w) => `"${w}"`).join(', ')} without a measurable criterion.`,
        recommendation: `Quantify ${r.id} (a threshold, a unit, a standard) so it can be tested.`,
      });
    }
  }

  const requirements = uniqueRequirements(spec.requirements);
  // Near-identical requirement texts are the same requirement twice.
  const normalized = new Map<string, Requirement>();
  for (const r of requirements) {
    const key = r.text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    if (key.length < 12) continue;
    const first = normalized.get(key);
    if (!first) {
      normalized.set(key, r);
      continue;
    }
    add({
      category: 'Duplication',
      severity: 'HIGH',
      location: { path: file, line: lineOf(r.idRange) },
      summary: `${r.id} repeats ${first.id} word for word.`,
      recommendation: `Merge ${r.id} into ${first.id}.`,
    });
  }

  const texts: { text: string; range: Range }[] = [
    ...requirements.map((r) => ({ text: r.text, range: r.idRange })),
    ...spec.stories.flatMap((s) => [{ text: s.title, range: s.headingRange }, ...s.scenarios.map((x) => ({ text: x.text, range: x.range }))]),
    ...spec.edgeCases.map((e) => ({ text: e.value, range: e.range })),
    ...spec.assumptions.map((a) => ({ text: a.value, range: a.range })),
    ...spec.entities.map((e) => ({ text: `${e.name} ${e.description}`, range: e.range })),
  ];
  placeholderFindings(texts, file, add);
}

function placeholderFindings(texts: readonly { text: string; range: Range }[], file: string, add: (d: Omit<Draft, 'source'>) => void): void {
  for (const t of texts) {
    const found = draftPlaceholders(t.text);
    if (found.length === 0) continue;
    add({
      category: 'Underspecification',
      severity: 'MEDIUM',
      location: { path: file, line: lineOf(t.range) },
      summary: `Leftover placeholder ${found.map((x) => `"${x}"`).join(', ')}: "${oneLine(t.text, 100)}"`,
      recommendation: 'Replace the placeholder with the decided content.',
    });
  }
}

function planPasses(plan: PlanDoc, file: string, add: (d: Omit<Draft, 'source'>) => void): void {
  markerFindings(plan.markers, file, add);
  problemFindings(plan.problems, file, add);
  placeholderFindings(
    [
      ...(plan.summary ? [{ text: plan.summary.value, range: plan.summary.range }] : []),
      ...plan.technicalContext.map((e) => ({ text: e.value, range: e.range })),
      ...plan.phases.flatMap((ph) => ph.items.map((i) => ({ text: i.value, range: i.range }))),
      ...(plan.structureDecision ? [{ text: plan.structureDecision.value, range: plan.structureDecision.range }] : []),
    ],
    file,
    add,
  );
}

function tasksPasses(tasks: TasksDoc, spec: SpecDoc | undefined, file: string, add: (d: Omit<Draft, 'source'>) => void): void {
  // The language server's rules over tasks.md: duplicates, unknown IDs and stories, [P] conflicts, markers.
  const lintPath = /tasks\.md$/i.test(file) ? file : 'tasks.md';
  const doc = analyzeDoc(lintPath, '', tasks);
  if (doc) {
    const problems = lintDocument(doc, spec ? { spec } : {});
    problemFindings(problems, file, add);
    markerFindings(
      problems.filter((x) => x.code === 'needs-clarification').map((x) => ({ text: x.message.replace(/^Open question: |\s*\(answer it with \/speckit\.clarify\)\.$/g, ''), range: x.range })),
      file,
      add,
    );
  }
  placeholderFindings(
    tasks.tasks.map((t) => ({ text: t.description, range: t.lineRange })),
    file,
    add,
  );
}

// ---- constitution ------------------------------------------------------------------------------

function constitutionPass(constitution: ConstitutionDoc, plan: PlanDoc | undefined, p: Paths, add: (d: Omit<Draft, 'source'>) => void): void {
  if (constitution.isPlaceholder) {
    add({
      category: 'Constitution',
      severity: 'LOW',
      location: { path: p.constitution, line: 1 },
      summary: 'The constitution is still the unfilled template; there are no principles to check the plan against.',
      recommendation: 'Write the principles with /speckit.constitution.',
    });
    return;
  }
  if (!plan) return;
  const check = plan.constitutionCheck;
  if (!check) {
    add({
      category: 'Constitution',
      severity: 'HIGH',
      location: { path: p.plan, line: 1 },
      summary: 'The plan has no Constitution Check section.',
      recommendation: 'Add the Constitution Check gate to plan.md (/speckit.plan writes it).',
    });
  } else {
    for (const item of check.items) {
      if (item.state === 'pass') continue;
      add({
        category: 'Constitution',
        severity: 'CRITICAL',
        location: { path: p.plan, line: lineOf(item.range) },
        summary: `Constitution Check item ${item.state === 'fail' ? 'fails' : 'is not checked'}: ${oneLine(item.text, 140)}`,
        recommendation: item.state === 'fail' ? 'Change the plan to comply, or justify it in Complexity Tracking and amend the constitution.' : 'Settle the gate before implementing.',
      });
    }
  }
  const planText = planCorpus(plan);
  const planTerms = new Set(contentTerms(planText));
  for (const principle of constitution.principles) {
    if (!isMandatory(principle)) continue;
    if (addressed(principle, planText, planTerms)) continue;
    add({
      category: 'Constitution',
      severity: 'CRITICAL',
      location: { path: p.constitution, line: lineOf(principle.nameRange) },
      summary: `MUST principle "${principle.name}" is not addressed anywhere in plan.md.`,
      recommendation: `State in the plan's Constitution Check how the design satisfies "${principle.name}".`,
    });
  }
}

function isMandatory(p: Principle): boolean {
  return /\bMUST\b|NON-NEGOTIABLE/.test(`${p.name} ${p.body}`);
}

function planCorpus(plan: PlanDoc): string {
  return [
    plan.title?.value,
    plan.summary?.value,
    ...plan.technicalContext.map((e) => `${e.key} ${e.value}`),
    ...(plan.constitutionCheck?.items.map((i) => i.text) ?? []),
    plan.structureDecision?.value,
    ...plan.complexity.map((c) => `${c.violation} ${c.whyNeeded} ${c.simplerAlternative}`),
    ...plan.phases.flatMap((ph) => [ph.title, ...ph.items.map((i) => i.value)]),
  ]
    .filter((x): x is string => typeof x === 'string')
    .join('\n');
}

const ROMAN = ['', 'I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII', 'XIII', 'XIV', 'XV', 'XVI', 'XVII', 'XVIII', 'XIX', 'XX'];

/** The plan names the principle, cites it by number, or uses at least half of its name's key terms. */
function addressed(p: Principle, planText: string, planTerms: ReadonlySet<string>): boolean {
  const name = p.name.replace(/\(.*?\)/g, '').trim();
  if (name && planText.toLowerCase().includes(name.toLowerCase())) return true;
  if (p.number !== undefined) {
    const refs = [String(p.number), ROMAN[p.number] ?? ''].filter(Boolean);
    const cite = new RegExp(`\\b(?:principle|article|constitution)\\s+(?:${refs.join('|')})\\b`, 'i');
    if (cite.test(planText)) return true;
  }
  const terms = contentTerms(name);
  if (terms.length === 0) return true; // a name of CJK characters or stop words cannot be judged by terms
  return sharedTerms(terms, planTerms).length * 2 >= terms.length;
}

// ---- model findings ------------------------------------------------------------------------------

const CATEGORY_ALIASES: [RegExp, FindingCategory][] = [
  [/^dup/i, 'Duplication'],
  [/^ambig|^vague/i, 'Ambiguity'],
  [/^under|^incomplete|^missing detail|^placeholder/i, 'Underspecification'],
  [/^constitution/i, 'Constitution'],
  [/^coverage|^gap/i, 'Coverage'],
  [/^incons|^conflict|^contradict|^terminology|^drift/i, 'Inconsistency'],
];

/**
 * The model's findings, from a JSON array (fenced or raw, or `{ "findings": [...] }`). Entries with an
 * unknown category or without a summary are dropped; an unknown severity reads as MEDIUM. Locations
 * may be `{ path, line }`, `"spec.md:L42"`, `"spec.md:42-50"` or separate fields; a bare file name
 * (`spec.md`) is mapped to the feature's path when `paths` knows it. IDs are provisional.
 */
export function parseModelFindings(text: string, paths: AnalysisInput['paths'] = {}): Finding[] {
  const drafts: Draft[] = [];
  for (const rec of extractRecords(text, ['findings', 'issues', 'results'])) {
    const categoryText = stringField(rec, ['category', 'type', 'kind'], 60);
    const category = CATEGORY_ALIASES.find(([re]) => re.test(categoryText))?.[1];
    const summary = stringField(rec, ['summary', 'description', 'issue', 'finding', 'message']);
    if (!category || !summary) continue;
    const sevText = stringField(rec, ['severity', 'level', 'priority'], 20).toUpperCase();
    const severity = (SEVERITY_ORDER as readonly string[]).includes(sevText) ? (sevText as FindingSeverity) : 'MEDIUM';
    drafts.push({
      category,
      severity,
      location: modelLocation(rec, paths),
      summary,
      recommendation: stringField(rec, ['recommendation', 'fix', 'remediation', 'suggestion', 'action']),
      source: 'model',
    });
  }
  return finalize(drafts);
}

function modelLocation(rec: Record<string, unknown>, paths: AnalysisInput['paths']): { path: string; line: number } {
  const loc = rec['location'] ?? rec['locations'];
  const first: unknown = Array.isArray(loc) ? (loc as unknown[])[0] : loc;
  let file = '';
  let line = NaN;
  if (typeof first === 'string') {
    const m = /^\s*([^:\s][^:]*?)(?::\s*L?(\d+))?(?:\s*[-–]\s*L?\d+)?\s*$/.exec(first) ?? /^\s*(\S+)/.exec(first);
    file = m?.[1] ?? '';
    line = m?.[2] !== undefined ? Number(m[2]) : NaN;
  } else if (first && typeof first === 'object' && !Array.isArray(first)) {
    const o = first as Record<string, unknown>;
    file = stringField(o, ['path', 'file'], 300);
    line = Number(stringField(o, ['line', 'startLine', 'start'], 12).replace(/^L/i, ''));
  }
  if (!file) file = stringField(rec, ['path', 'file'], 300);
  if (!Number.isFinite(line)) line = Number(stringField(rec, ['line'], 12).replace(/^L/i, ''));
  file = oneLine(file, 300);
  const base = file.replace(/\\/g, '/').split('/').pop()?.toLowerCase() ?? '';
  const known: [string, string | undefined][] = [
    ['spec.md', paths.spec],
    ['plan.md', paths.plan],
    ['tasks.md', paths.tasks],
    ['constitution.md', paths.constitution],
  ];
  for (const [name, full] of known) if (full !== undefined && base === name && !file.includes('/')) file = full;
  return { path: file, line: Number.isFinite(line) && line >= 1 ? Math.floor(line) : 1 };
}

/**
 * Code findings plus the model's, without model rows that repeat a code finding of the same category
 * at the same place (same path, or same file name, and line). Sorted and capped like the code's; IDs
 * are renumbered over the merged list.
 */
export function mergeFindings(code: readonly Finding[], model: readonly Finding[]): Finding[] {
  return finalize([...code, ...novelModelFindings(code, model)].map(({ id: _id, ...rest }) => rest)).slice(0, MAX_FINDINGS);
}

function novelModelFindings(code: readonly Finding[], model: readonly Finding[]): Finding[] {
  const key = (f: Finding): string => `${f.category}|${baseName(f.location.path)}|${f.location.line}`;
  const taken = new Set(code.map(key));
  return model.filter((f) => !taken.has(key(f)));
}

function baseName(p: string): string {
  return p.replace(/\\/g, '/').split('/').pop()!.toLowerCase();
}

/** The report with the model's findings merged in; the counts in the metrics include the new ones. */
export function withModelFindings(report: AnalysisReport, model: readonly Finding[]): AnalysisReport {
  const novel = novelModelFindings(report.findings, model);
  const merged = mergeFindings(report.findings, model);
  return {
    ...report,
    findings: merged,
    omitted: report.omitted + report.findings.length + novel.length - merged.length,
    metrics: {
      ...report.metrics,
      ambiguities: report.metrics.ambiguities + novel.filter((f) => f.category === 'Ambiguity').length,
      duplicates: report.metrics.duplicates + novel.filter((f) => f.category === 'Duplication').length,
      critical: report.metrics.critical + novel.filter((f) => f.severity === 'CRITICAL').length,
    },
  };
}

// ---- rendering ---------------------------------------------------------------------------------

/** A table cell: one line, pipes escaped. */
export function cell(text: string): string {
  return oneLine(text, 1000).replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

/** spec-kit's analysis report: findings, coverage, constitution issues, unmapped tasks, metrics, next actions. */
export function analysisMarkdown(report: AnalysisReport, link: (path: string, line: number) => string): string {
  const out: string[] = ['## Specification Analysis Report', ''];
  if (report.findings.length === 0) out.push('No issues found.', '');
  else {
    out.push('| ID | Category | Severity | Location(s) | Summary | Recommendation |', '|----|----------|----------|-------------|---------|----------------|');
    for (const f of report.findings) {
      out.push(`| ${f.id} | ${f.category} | ${f.severity} | ${cell(link(f.location.path, f.location.line))} | ${cell(f.summary)}${f.source === 'model' ? ' *(model)*' : ''} | ${cell(f.recommendation)} |`);
    }
    out.push('');
    if (report.omitted > 0) out.push(`*${report.omitted} more finding${report.omitted === 1 ? '' : 's'} not shown (the table stops at ${MAX_FINDINGS} rows).*`, '');
  }

  out.push('### Coverage Summary', '');
  if (report.coverage.length === 0) out.push('No requirements found in the spec.', '');
  else {
    out.push('| Requirement Key | Has Task? | Task IDs | Notes |', '|-----------------|-----------|----------|-------|');
    for (const r of report.coverage) out.push(`| ${cell(r.requirement)} | ${r.hasTask ? 'Yes' : 'No'} | ${cell(idList(r.tasks)) || '—'} | ${cell(r.notes)} |`);
    out.push('');
  }

  const constitution = report.findings.filter((f) => f.category === 'Constitution');
  if (constitution.length > 0) {
    out.push('### Constitution Alignment Issues', '');
    for (const f of constitution) out.push(`- **${f.id}** (${f.severity}): ${f.summary}`);
    out.push('');
  }

  out.push('### Unmapped Tasks', '');
  out.push(report.unmappedTasks.length === 0 ? 'None.' : idList(report.unmappedTasks), '');

  const m = report.metrics;
  out.push(
    '### Metrics',
    '',
    `- Total Requirements: ${m.requirements}`,
    `- Total Tasks: ${m.tasks}`,
    `- Coverage % (requirements with ≥1 task): ${m.coveragePercent}%`,
    `- Ambiguity Count: ${m.ambiguities}`,
    `- Duplication Count: ${m.duplicates}`,
    `- Critical Issues Count: ${m.critical}`,
    `- Unmapped Tasks: ${m.unmappedTasks}`,
    '',
    '### Next Actions',
    '',
    ...nextActions(report),
  );
  return out.join('\n') + '\n';
}

function nextActions(report: AnalysisReport): string[] {
  const f = report.findings;
  const has = (sev: FindingSeverity): boolean => f.some((x) => x.severity === sev);
  const out: string[] = [];
  if (has('CRITICAL')) {
    out.push('- Resolve the CRITICAL issues before `/speckit.implement`.');
    if (f.some((x) => x.severity === 'CRITICAL' && x.category === 'Coverage')) out.push('- Add tasks for uncovered requirements: run `/speckit.tasks` again, or edit tasks.md.');
    if (f.some((x) => x.severity === 'CRITICAL' && x.category === 'Constitution')) out.push('- Bring the plan in line with the constitution: `/speckit.plan`, or amend it with `/speckit.constitution`.');
    if (f.some((x) => x.severity === 'CRITICAL' && x.category === 'Underspecification')) out.push('- Create the missing artifacts (`/speckit.specify`, `/speckit.plan`, `/speckit.tasks`).');
  } else if (has('HIGH') || has('MEDIUM')) {
    out.push('- No CRITICAL issues: you may proceed to `/speckit.implement`, ideally after addressing the HIGH and MEDIUM findings.');
  } else {
    out.push('- Ready for `/speckit.implement`.');
  }
  if (f.some((x) => x.category === 'Ambiguity')) out.push('- Resolve ambiguities with `/speckit.clarify`, or make the requirements measurable in spec.md.');
  return out;
}
