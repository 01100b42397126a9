/**
 * The passes over each artifact's own text (spec-kit's passes A–C and F): duplicated and vague
 * requirements, open [NEEDS CLARIFICATION] markers, leftover placeholders, and the parsers' and the
 * language server's problems read as findings.
 */
import { type PlanDoc } from '../artifacts/plan';
import { type Requirement, type SpecDoc } from '../artifacts/spec';
import { type TasksDoc } from '../artifacts/tasks';
import { analyzeDoc } from '../lint/analyzedDoc';
import { lintDocument } from '../lint/lintRules';
import { type Problem, type Range } from '../text/range';
import { type AddFinding, type FindingCategory, type FindingSeverity, lineOf, uniqueRequirements } from './findings';
import { oneLine } from './modelJson';

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

function problemFindings(problems: readonly Problem[], file: string, add: AddFinding): void {
  for (const pr of problems) {
    const m = PROBLEM_MAP[pr.code];
    if (!m) continue;
    add({ category: m.category, severity: m.severity, location: { path: file, line: lineOf(pr.range) }, summary: pr.message, recommendation: m.recommendation });
  }
}

function markerFindings(markers: readonly { text: string; range: Range }[], file: string, add: AddFinding): void {
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

export function specPasses(spec: SpecDoc, file: string, add: AddFinding): void {
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

function placeholderFindings(texts: readonly { text: string; range: Range }[], file: string, add: AddFinding): void {
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

export function planPasses(plan: PlanDoc, file: string, add: AddFinding): void {
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

export function tasksPasses(tasks: TasksDoc, spec: SpecDoc | undefined, file: string, add: AddFinding): void {
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
