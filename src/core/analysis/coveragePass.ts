/**
 * Coverage, spec-kit's pass E: which tasks serve each requirement (by ID, by shared key terms or
 * named files), which requirements have none, and which tasks map to nothing.
 */
import { type Requirement, type SpecDoc, type UserStory } from '../artifacts/spec';
import { pathsIn, type Task, type TasksDoc } from '../artifacts/tasks';
import { type AddFinding, type ArtifactPaths, baseName, type CoverageRow, type FindingSeverity, idList, lineOf, uniqueRequirements } from './findings';
import { oneLine } from './modelJson';
import { cjkBigrams, contentTerms, sharedTerms } from './terms';

/** Success criteria about business outcomes are not buildable; spec-kit leaves them out of coverage. */
const BUSINESS_KPI =
  /satisf|net promoter|\bNPS\b|revenue|conversion rate|adoption|retention|churn|support (?:ticket|request|call)|survey|engagement|\bsales\b|market share|complaint|users? report|on (?:their|the) first (?:attempt|try)|% of (?:users|participants|customers|respondents)/i;

export interface Coverage {
  rows: CoverageRow[];
  counted: number;
  covered: number;
  unmapped: string[];
}

export function coveragePass(spec: SpecDoc, tasksDoc: TasksDoc | undefined, p: ArtifactPaths, add: AddFinding): Coverage {
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

function uniqueTasks(list: readonly Task[]): Task[] {
  const seen = new Set<string>();
  return list.filter((t) => (seen.has(t.id) ? false : (seen.add(t.id), true)));
}
