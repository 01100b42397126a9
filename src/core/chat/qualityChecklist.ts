import { parseChecklist } from '../artifacts/checklist';
import { findTemplatePlaceholders, maskedText } from '../artifacts/docScan';
import { type SpecDoc } from '../artifacts/spec';
import { parseMarkdown, sections } from '../markdown/markdownDoc';

export interface QualityChecklistInput {
  spec: SpecDoc;
  specText: string;
  featureName: string;
  /** The spec's path relative to the feature directory (`spec.md`); the link is written from `checklists/`. */
  specRelPath: string;
  /** `YYYY-MM-DD`. */
  today: string;
}

export interface QualityChecklist {
  text: string;
  passed: number;
  total: number;
  /** Texts of the items left unticked (failed checks and those that need a person's review). */
  failing: string[];
  /** The items a check failed, with the reason: what a revision pass gives back to the model. */
  failed?: Array<{ text: string; reason: string }>;
}

export interface RevisedQualityChecklist extends QualityChecklist {
  /** "12/16 → 15/16 items passing". */
  summary: string;
  newlyPassing: string[];
  regressions: string[];
}

/** The outcome of one item: passed, failed with a reason, or not decidable by code. */
type Verdict = { pass: true } | { pass: false; reason: string } | { review: true };

interface Item {
  group: 'Content Quality' | 'Requirement Completeness' | 'Feature Readiness';
  text: string;
  verdict: Verdict;
}

/**
 * Names of languages, frameworks, databases and platforms: in requirements and success criteria they
 * are implementation details. Matched case-sensitively as written, so "react to" is not React.
 */
const TECH = [
  'React',
  'Angular',
  'Vue.js',
  'Svelte',
  'Next.js',
  'Node.js',
  'Express.js',
  'Django',
  'Flask',
  'FastAPI',
  'Ruby on Rails',
  'Spring Boot',
  'Laravel',
  'TypeScript',
  'JavaScript',
  'Python',
  'Java',
  'Kotlin',
  'Golang',
  'Rust',
  'C#',
  '.NET',
  'PHP',
  'Ruby',
  'Swift',
  'PostgreSQL',
  'Postgres',
  'MySQL',
  'MariaDB',
  'MongoDB',
  'Redis',
  'SQLite',
  'DynamoDB',
  'Elasticsearch',
  'Kafka',
  'RabbitMQ',
  'GraphQL',
  'gRPC',
  'REST API',
  'Docker',
  'Kubernetes',
  'AWS',
  'Azure',
  'GCP',
  'Terraform',
  'Tailwind',
  'jQuery',
  'Redux',
  'SQL',
];

function techNames(texts: readonly string[]): string[] {
  const found = new Set<string>();
  for (const name of TECH) {
    const re = new RegExp(`(?<![\\w.#])${name.replace(/[.*+?^${}()|[\]\\#]/g, '\\$&')}(?![\\w#]|\\.\\w)`);
    if (texts.some((t) => re.test(t))) found.add(name);
  }
  return [...found];
}

const MODAL = /\b(?:MUST|SHOULD|SHALL|MAY)\b/;
const MEASURABLE_VERB =
  /\b(?:allows?|displays?|shows?|stores?|saves?|rejects?|returns?|sends?|creates?|deletes?|removes?|records?|logs?|notif(?:y|ies)|validates?|provides?|supports?|enables?|prevents?|limits?|completes?|encrypts?|retains?|runs?|starts?|stops?|exposes?|generates?|imports?|exports?|lists?|accepts?|blocks?|restores?|backs? up|compresses?)\b/i;
const NUMBER = /\d/;
/** Success criteria about the system's internals rather than what users or the business see. */
const SYSTEM_METRIC = /\b(?:APIs?|endpoints?|response times?|latency|p9\d|database|DB|quer(?:y|ies)|servers?|CPU|memory usage|throughput|TPS|QPS|RPS|cache|hit rate|components? render)\b/i;
const SCOPE_SECTION = /^(?:out of scope|scope|non-goals|not in scope|in scope|boundaries|exclusions|スコープ|范围|範圍)/;

function verdict(failures: string[]): Verdict {
  return failures.length === 0 ? { pass: true } : { pass: false, reason: failures.join('; ') };
}

function quoteList(ids: string[]): string {
  return ids.length <= 5 ? ids.join(', ') : `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more`;
}

/** The 16 checks of spec-kit's "Specification Quality Checklist", each decided by code where it can be. */
function evaluate(input: QualityChecklistInput): Item[] {
  const { spec, specText } = input;
  const doc = parseMarkdown(specText);
  const keys = sections(doc).map((s) => s.key);
  const functional = spec.requirements.filter((r) => r.family !== 'SC');
  const success = spec.requirements.filter((r) => r.family === 'SC');
  const hasSuccessSection = keys.some((k) => /^(?:success criteria|measurable outcomes|成功基準|成功标准|成功標準)/.test(k));
  const placeholders = findTemplatePlaceholders(doc, maskedText(doc, true));

  const mandatory: string[] = [];
  if (spec.stories.length === 0) mandatory.push('no user stories');
  if (functional.length === 0) mandatory.push('no functional requirements');
  if (success.length === 0 && !hasSuccessSection) mandatory.push('no success criteria');
  if (placeholders.length > 0) mandatory.push(`template placeholders left (${quoteList([...new Set(placeholders.map((p) => `[${p.token}]`))])})`);

  const reqTech = techNames([...functional, ...success].map((r) => r.text));
  const scTech = techNames(success.map((r) => r.text));
  const allTech = techNames([
    ...functional.map((r) => r.text),
    ...success.map((r) => r.text),
    ...spec.stories.flatMap((s) => [s.title, s.independentTest?.value ?? '', ...s.scenarios.map((x) => x.text)]),
    ...spec.entities.map((e) => `${e.name} ${e.description}`),
    ...spec.edgeCases.map((e) => e.value),
  ]);

  const untestable = functional.filter((r) => !MODAL.test(r.text) && !MEASURABLE_VERB.test(r.text)).map((r) => r.id);
  // spec-kit: "API response time under 200ms" is an implementation metric; "users see results instantly" is the criterion.
  const systemMetric = success.filter((r) => SYSTEM_METRIC.test(r.text)).map((r) => r.id);
  const unmeasured = success.filter((r) => !NUMBER.test(r.text)).map((r) => r.id);
  const withoutScenarios = spec.stories.filter((s) => s.scenarios.length === 0).map((s) => s.id);
  const acceptanceDefined =
    spec.stories.length > 0 && (withoutScenarios.length === 0 || (spec.stories.every((s) => s.scenarios.length === 0) && spec.acceptanceCriteria.length > 0));
  const storyGaps: string[] = [];
  if (spec.stories.length === 0) storyGaps.push('no user stories');
  for (const s of spec.stories) {
    const missing = [!s.priority && 'priority', !s.independentTest && 'independent test', s.scenarios.length === 0 && 'acceptance scenarios'].filter(Boolean);
    if (missing.length > 0) storyGaps.push(`${s.id} lacks ${missing.join(', ')}`);
  }

  return [
    { group: 'Content Quality', text: 'No implementation details (languages, frameworks, APIs)', verdict: verdict(reqTech.length ? [`requirements or success criteria name ${reqTech.join(', ')}`] : []) },
    { group: 'Content Quality', text: 'Focused on user value and business needs', verdict: { review: true } },
    { group: 'Content Quality', text: 'Written for non-technical stakeholders', verdict: { review: true } },
    { group: 'Content Quality', text: 'All mandatory sections completed', verdict: verdict(mandatory) },
    {
      group: 'Requirement Completeness',
      text: 'No [NEEDS CLARIFICATION] markers remain',
      verdict: verdict(spec.markers.length ? [`${spec.markers.length} marker${spec.markers.length === 1 ? '' : 's'} left`] : []),
    },
    {
      group: 'Requirement Completeness',
      text: 'Requirements are testable and unambiguous',
      verdict: verdict(functional.length === 0 ? ['no functional requirements'] : untestable.length ? [`${quoteList(untestable)} state${untestable.length === 1 ? 's' : ''} no MUST/SHOULD or checkable action`] : []),
    },
    {
      group: 'Requirement Completeness',
      text: 'Success criteria are measurable',
      verdict: verdict(success.length === 0 ? ['no SC- success criteria'] : unmeasured.length ? [`${quoteList(unmeasured)} name${unmeasured.length === 1 ? 's' : ''} no number or unit`] : []),
    },
    {
      group: 'Requirement Completeness',
      text: 'Success criteria are technology-agnostic (no implementation details)',
      verdict: verdict(
        success.length === 0
          ? ['no SC- success criteria']
          : [...(scTech.length ? [`success criteria name ${scTech.join(', ')}`] : []), ...(systemMetric.length ? [`${quoteList(systemMetric)} measure${systemMetric.length === 1 ? 's' : ''} the system, not the user (API, latency, database…)`] : [])],
      ),
    },
    {
      group: 'Requirement Completeness',
      text: 'All acceptance scenarios are defined',
      verdict: verdict(acceptanceDefined ? [] : spec.stories.length === 0 ? ['no user stories'] : [`${quoteList(withoutScenarios)} ha${withoutScenarios.length === 1 ? 's' : 've'} no acceptance scenarios`]),
    },
    { group: 'Requirement Completeness', text: 'Edge cases are identified', verdict: verdict(spec.edgeCases.length ? [] : ['no Edge Cases list']) },
    { group: 'Requirement Completeness', text: 'Scope is clearly bounded', verdict: keys.some((k) => SCOPE_SECTION.test(k)) ? { pass: true } : { review: true } },
    { group: 'Requirement Completeness', text: 'Dependencies and assumptions identified', verdict: verdict(spec.assumptions.length ? [] : ['no Assumptions list']) },
    {
      group: 'Feature Readiness',
      text: 'All functional requirements have clear acceptance criteria',
      verdict: verdict([...(untestable.length ? [`${quoteList(untestable)} not testable as written`] : []), ...(functional.length === 0 ? ['no functional requirements'] : []), ...(acceptanceDefined ? [] : ['acceptance scenarios missing'])]),
    },
    { group: 'Feature Readiness', text: 'User scenarios cover primary flows', verdict: verdict(storyGaps) },
    { group: 'Feature Readiness', text: 'Feature meets measurable outcomes defined in Success Criteria', verdict: { review: true } },
    { group: 'Feature Readiness', text: 'No implementation details leak into specification', verdict: verdict(allTech.length ? [`the spec names ${allTech.join(', ')}`] : []) },
  ];
}

function passes(v: Verdict): boolean {
  return 'pass' in v && v.pass;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function link(specRelPath: string): string {
  const target = /^(?:\.\.\/|\/)/.test(specRelPath) ? specRelPath : `../${specRelPath.replace(/^\.\//, '')}`;
  const name = specRelPath.split('/').pop() || 'spec.md';
  return `[${name}](${target.replace(/[()\s]/g, (c) => encodeURIComponent(c))})`;
}

/**
 * spec-kit's `checklists/requirements.md`: each item ticked only when its check passes; items code
 * cannot decide stay unticked and are listed under Notes as needing review.
 */
export function specQualityChecklist(input: QualityChecklistInput): QualityChecklist {
  const items = evaluate(input);
  const lines = [
    `# Specification Quality Checklist: ${oneLine(input.featureName) || 'Feature'}`,
    '',
    '**Purpose**: Validate specification completeness and quality before proceeding to planning',
    `**Created**: ${input.today}`,
    `**Feature**: ${link(input.specRelPath)}`,
  ];
  for (const group of ['Content Quality', 'Requirement Completeness', 'Feature Readiness'] as const) {
    lines.push('', `## ${group}`, '');
    for (const item of items.filter((i) => i.group === group)) lines.push(`- [${passes(item.verdict) ? 'x' : ' '}] ${item.text}`);
  }
  lines.push('', '## Notes', '');
  const failed = items.filter((i) => 'reason' in i.verdict);
  const review = items.filter((i) => 'review' in i.verdict);
  for (const i of failed) lines.push(`- Failing: "${i.text}" — ${(i.verdict as { reason: string }).reason}.`);
  for (const i of review) lines.push(`- Needs review: "${i.text}" cannot be checked automatically; tick it after reading the spec.`);
  lines.push(
    failed.length + review.length === 0
      ? '- All checklist items pass. The specification is ready for `/speckit.clarify` or `/speckit.plan`.'
      : '- Items marked incomplete require spec updates (or a review) before `/speckit.clarify` or `/speckit.plan`.',
  );
  const passed = items.filter((i) => passes(i.verdict)).length;
  return {
    text: lines.join('\n') + '\n',
    passed,
    total: items.length,
    failing: items.filter((i) => !passes(i.verdict)).map((i) => i.text),
    failed: failed.map((i) => ({ text: i.text, reason: (i.verdict as { reason: string }).reason })),
  };
}

/** The failed checks (open questions aside) as a list for the model's revision pass; '' when none failed. */
export function qualityFailures(checklist: QualityChecklist): string {
  // Open questions are for /speckit.clarify to ask the user, not for the model to answer alone.
  return (checklist.failed ?? []).filter((f) => !f.text.includes('[NEEDS CLARIFICATION]')).map((f) => `- ${f.text}: ${f.reason}`).join('\n');
}

function itemKey(s: string): string {
  return s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/**
 * Re-evaluates an existing `requirements.md` after the spec changed: only checkbox characters of items
 * whose check now gives a different result are toggled (items that need review keep what a person
 * set, unknown items are left alone), and the change is summarized as "12/16 → 15/16 items passing".
 */
export function reviseQualityChecklist(previousText: string, input: QualityChecklistInput): RevisedQualityChecklist {
  const before = parseChecklist(previousText);
  if (before.items.length === 0) {
    const fresh = specQualityChecklist(input);
    return { ...fresh, summary: `0/0 → ${fresh.passed}/${fresh.total} items passing`, newlyPassing: [], regressions: [] };
  }
  const verdicts = new Map(evaluate(input).map((i) => [itemKey(i.text), i.verdict]));
  const doc = parseMarkdown(previousText);
  const bom = previousText.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  const edits: Array<{ at: number; char: string }> = [];
  const newlyPassing: string[] = [];
  const regressions: string[] = [];
  const states: Array<{ text: string; checked: boolean }> = [];
  for (const item of before.items) {
    const v = verdicts.get(itemKey(item.text));
    let checked = item.checked;
    if (v && !('review' in v)) {
      const pass = passes(v);
      if (pass !== item.checked) {
        // Offset of the character inside `[ ]`.
        edits.push({ at: doc.index.offsetAt(item.checkboxRange.start) + 1, char: pass ? 'x' : ' ' });
        (pass ? newlyPassing : regressions).push(item.text);
        checked = pass;
      }
    }
    states.push({ text: item.text, checked });
  }
  let text = doc.text;
  for (const e of edits.sort((a, b) => b.at - a.at)) text = text.slice(0, e.at) + e.char + text.slice(e.at + 1);
  const passed = states.filter((s) => s.checked).length;
  return {
    text: bom + text,
    passed,
    total: states.length,
    failing: states.filter((s) => !s.checked).map((s) => s.text),
    summary: `${before.checked}/${before.total} → ${passed}/${states.length} items passing`,
    newlyPassing,
    regressions,
  };
}
