import { type ListItem } from 'mdast';
import { firstParagraph } from '../artifacts/docScan';
import { nodeEnd, nodeStart, plainText } from '../markdown/markdownDoc';
import { type Range } from '../text/range';
import { contentStart, linesBetween, normalizeRequirementName, normalizedSlice, type Outline, type OutlineHeading } from './outline';

export type StepKeyword = 'GIVEN' | 'WHEN' | 'THEN' | 'AND' | 'BUT';

/** One bullet of a scenario: `- **WHEN** a user signs in`. */
export interface ScenarioStep {
  /** Undefined for a bullet that starts with no keyword. */
  readonly keyword: StepKeyword | undefined;
  /** The text after the keyword, without emphasis markers. */
  readonly text: string;
  readonly range: Range;
}

export interface Scenario {
  /** The heading text without `Scenario:` and without a closing `#` run. */
  readonly name: string;
  readonly depth: number;
  readonly headingRange: Range;
  /** From the heading to the end of its body. */
  readonly range: Range;
  /** OpenSpec counts a scenario only when something is written under its heading. */
  readonly hasBody: boolean;
  readonly steps: readonly ScenarioStep[];
}

/** A scenario written in a form OpenSpec does not count (`**Scenario: x**`, `- Scenario: x`, `### Scenario: x`). */
export interface MisplacedScenario {
  readonly name: string;
  /** The whole line, without its line break: the quick fix replaces it. */
  readonly range: Range;
  readonly form: 'heading' | 'bold' | 'bullet';
}

export interface Requirement {
  /** The name OpenSpec matches requirements by (after `Requirement:`, closing `#`s removed). */
  readonly name: string;
  /** Written as `### Requirement: <name>`. */
  readonly canonical: boolean;
  readonly depth: number;
  readonly headingRange: Range;
  readonly nameRange: Range;
  /** From the heading to the end of the block's last non-blank text. */
  readonly range: Range;
  /** The requirement statement OpenSpec reads: the lines before the first sub-heading ('' when none). */
  readonly text: string;
  readonly textRange: Range | undefined;
  /** The statement says SHALL or MUST (as whole words). */
  readonly normative: boolean;
  /** Every scenario heading, counted or not: see {@link Scenario.hasBody}. */
  readonly scenarios: readonly Scenario[];
  readonly misplacedScenarios: readonly MisplacedScenario[];
}

/** How scenarios are found: deltas count only `####` headings; main specs count every direct sub-heading. */
export type ScenarioMode = 'delta' | 'spec';

const CANONICAL = /^Requirement:\s*(.+)$/i;
const METADATA_LINE = /^\*\*[^*]+\*\*:/;
const NORMATIVE = /\b(SHALL|MUST)\b/;
const STEP = /^(GIVEN|WHEN|THEN|AND|BUT)\b\s*[:,]?\s*/i;
/** `**Scenario: x**`, `**Scenario**: x`, `- Scenario: x`, `- **Scenario 2:** x`. */
const SCENARIO_LINE = /^[ \t]*(?:([-*+]|\d{1,9}[.)])[ \t]+)?(\*\*|__)?[ \t]*Scenario(?:[ \t]+\d+)?[ \t]*(?:\*\*|__)?[ \t]*[:：](.*)$/i;

export function isCanonicalTitle(title: string): boolean {
  return CANONICAL.test(title);
}

export function containsShallOrMust(text: string): boolean {
  return NORMATIVE.test(text);
}

/**
 * Reads the requirement whose heading is `h`, its block ending at offset `blockEnd`. The statement is
 * read the way OpenSpec reads it: the non-blank lines before the first heading, outside fenced code,
 * with `**Label**:` metadata lines skipped unless they are all there is.
 */
export function readRequirement(o: Outline, h: OutlineHeading, blockEnd: number, mode: ScenarioMode): Requirement {
  const index = o.doc.index;
  const m = CANONICAL.exec(h.title);
  const rawName = m ? m[1]! : h.title;
  const name = normalizeRequirementName(rawName);
  const nameStart = h.titleStart + (m ? h.title.length - rawName.length : 0);
  const nameRange = index.rangeOf(nameStart, nameStart + name.length);

  const inner = o.headings.filter((x) => x.index > h.index && x.start < blockEnd);
  const bodyEnd = inner.length > 0 ? inner[0]!.start : blockEnd;
  const captured: { line: number; text: string }[] = [];
  const metadata: { line: number; text: string }[] = [];
  for (const l of linesBetween(o, contentStart(o, h), bodyEnd)) {
    if (o.isFenced(l.line)) continue;
    const t = l.text.trim();
    if (!t) continue;
    (METADATA_LINE.test(t) ? metadata : captured).push({ line: l.line, text: t });
  }
  const body = captured.length > 0 ? captured : metadata;
  const text = body.map((l) => l.text).join('\n');
  const textRange = body.length > 0 ? index.rangeOf(index.lineStart(body[0]!.line), index.lineEnd(body[body.length - 1]!.line)) : undefined;

  const scenarioHeadings = mode === 'delta' ? inner.filter((x) => x.depth === 4) : inner.filter((x) => o.parents[x.index] === h.index);
  const scenarios = scenarioHeadings.map((s) => readScenario(o, s, blockEnd));
  const counted = new Set(scenarioHeadings.map((s) => s.index));
  const misplaced: MisplacedScenario[] = [];
  for (const x of inner) {
    if (counted.has(x.index) || !/^Scenario\b/i.test(x.title)) continue;
    misplaced.push({ name: scenarioName(x.title), range: x.range, form: 'heading' });
  }
  const headingLines = new Set(inner.map((x) => x.line));
  for (const l of linesBetween(o, contentStart(o, h), blockEnd)) {
    if (o.isFenced(l.line) || headingLines.has(l.line)) continue;
    const s = SCENARIO_LINE.exec(l.text);
    if (!s) continue;
    const named = s[3]!.replace(/(\*\*|__)/g, '').trim();
    misplaced.push({ name: named, range: index.lineRange(l.line), form: s[1] ? 'bullet' : 'bold' });
  }
  misplaced.sort((a, b) => a.range.start.line - b.range.start.line);

  return {
    name,
    canonical: m !== null,
    depth: h.depth,
    headingRange: h.range,
    nameRange,
    range: index.rangeOf(h.start, trimEnd(o, h.start, blockEnd)),
    text,
    textRange,
    normative: containsShallOrMust(text),
    scenarios,
    misplacedScenarios: misplaced,
  };
}

function readScenario(o: Outline, s: OutlineHeading, blockEnd: number): Scenario {
  let end = blockEnd;
  for (let j = s.index + 1; j < o.headings.length; j++) {
    const next = o.headings[j]!;
    if (next.start >= blockEnd) break;
    if (next.depth <= s.depth) {
      end = next.start;
      break;
    }
  }
  const from = contentStart(o, s);
  return {
    name: scenarioName(s.title),
    depth: s.depth,
    headingRange: s.range,
    range: o.doc.index.rangeOf(s.start, trimEnd(o, s.start, end)),
    hasBody: normalizedSlice(o, from, end).trim().length > 0,
    steps: readSteps(o, from, end),
  };
}

/** The label OpenSpec compares scenarios by: no closing `#` run, no `Scenario:` prefix. */
export function scenarioName(title: string): string {
  return title
    .replace(/[ \t]+#+[ \t]*$/, '')
    .replace(/^Scenario\s*:?\s*/i, '')
    .trim();
}

function readSteps(o: Outline, from: number, to: number): ScenarioStep[] {
  const out: ScenarioStep[] = [];
  for (const node of o.doc.root.children) {
    if (node.type !== 'list' || nodeStart(node) < from || nodeStart(node) >= to) continue;
    for (const item of node.children) out.push(step(o, item));
  }
  return out;
}

function step(o: Outline, item: ListItem): ScenarioStep {
  const para = firstParagraph(item);
  const plain = para ? plainText(para) : '';
  const m = STEP.exec(plain);
  // A keyword counts when it is bold (`**When**`) or written in capitals (`WHEN`).
  const source = para ? o.doc.text.slice(nodeStart(para), nodeEnd(para)) : '';
  const marked = m !== null && (/^(\*\*|__)/.test(source) || m[1] === m[1]!.toUpperCase());
  return {
    keyword: marked ? (m[1]!.toUpperCase() as StepKeyword) : undefined,
    text: marked ? plain.slice(m[0].length) : plain,
    range: o.doc.index.rangeOf(nodeStart(item), nodeEnd(item)),
  };
}

/** `end` moved back over trailing whitespace, but not before `start`. */
function trimEnd(o: Outline, start: number, end: number): number {
  let e = Math.min(end, o.doc.text.length);
  while (e > start && /\s/.test(o.doc.text[e - 1]!)) e--;
  return e;
}
