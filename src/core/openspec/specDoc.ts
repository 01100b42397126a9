import { type MarkdownDoc, parseMarkdown } from '../markdown/markdownDoc';
import { type Located, type Problem, type Range } from '../text/range';
import { contentStart, linesBetween, normalizedSlice, normalizeRequirementName, outline, type Outline, type OutlineHeading, sectionEnd } from './outline';
import { isCanonicalTitle, readRequirement, type Requirement } from './requirements';

/** A section such as `## Purpose`, with its text as OpenSpec measures it (line breaks as \n, trimmed). */
export interface SpecSection {
  readonly title: string;
  readonly depth: number;
  readonly headingRange: Range;
  /** From the heading to the end of the section. */
  readonly range: Range;
  readonly text: string;
  /** Zero-based line of the heading. */
  readonly line: number;
}

/** A Purpose nobody wrote: the sentence `openspec archive` leaves, or a leading TBD/TODO. */
export interface PurposePlaceholder {
  /** Zero-based line of the placeholder, when OpenSpec can point at one (under a `## Purpose`). */
  readonly line: number | undefined;
}

/** A requirement heading OpenSpec does not read because of where it stands. */
export interface StrayRequirement {
  readonly name: string;
  readonly headingRange: Range;
  /** The requirement as written there, for counting and navigation. */
  readonly requirement: Requirement;
}

/** A capability's current spec: `openspec/specs/<capability>/spec.md`. */
export interface OpenSpecSpecDoc {
  readonly kind: 'openspec-spec';
  /** The first `#` heading (`# auth Specification`). */
  readonly title: Located<string> | undefined;
  /** The first section titled Purpose, at any level (as OpenSpec finds it). */
  readonly purpose: SpecSection | undefined;
  readonly purposePlaceholder: PurposePlaceholder | undefined;
  /** The first section titled Requirements, at any level. */
  readonly requirementsSection: SpecSection | undefined;
  /** What OpenSpec reads as the requirements: every direct sub-heading of the Requirements section. */
  readonly requirements: readonly Requirement[];
  /**
   * The `### Requirement:` blocks under the first `## Requirements` heading (level 2), the ones
   * OpenSpec checks for a SHALL/MUST statement and matches deltas against. Usually the same
   * requirements as {@link requirements}.
   */
  readonly requirementBlocks: readonly Requirement[];
  /** `### Requirement:` headings outside that `## Requirements` section: invisible to OpenSpec. */
  readonly strayRequirements: readonly StrayRequirement[];
  /** `## ADDED Requirements` and the like, which belong in a change's delta, not in a main spec. */
  readonly deltaHeaders: readonly Located<string>[];
  /** A requirement name declared twice in the Requirements section (the second heading). */
  readonly duplicateRequirements: readonly { readonly name: string; readonly headingRange: Range; readonly firstLine: number }[];
  /** Problems of the file itself (not text, too large, wrapped in a fence). */
  readonly problems: readonly Problem[];
  readonly markdown: MarkdownDoc;
}

const DELTA_HEADER = /^(ADDED|MODIFIED|REMOVED|RENAMED)\s+Requirements$/i;

/** Parses a capability spec. Never throws: missing sections are left undefined for the checks to report. */
export function parseOpenSpecSpec(raw: string | Uint8Array): OpenSpecSpecDoc {
  return specFromMarkdown(parseMarkdown(raw));
}

export function specFromMarkdown(doc: MarkdownDoc): OpenSpecSpecDoc {
  const o = outline(doc);
  const first = o.headings.find((h) => h.depth === 1);
  const purposeHeading = o.headings.find((h) => h.title.toLowerCase() === 'purpose');
  const requirementsHeading = o.headings.find((h) => h.title.toLowerCase() === 'requirements');

  const requirements: Requirement[] = [];
  if (requirementsHeading) {
    for (const h of o.headings) {
      if (o.parents[h.index] === requirementsHeading.index) requirements.push(readRequirement(o, h, sectionEnd(o, h.index), 'spec'));
    }
  }

  // OpenSpec's block reader and structure check use the first level-2 "## Requirements" only.
  const main = o.headings.find((h) => h.depth === 2 && /^Requirements$/i.test(h.title));
  const mainEnd = main ? sectionEnd(o, main.index, (h) => h.depth === 2) : -1;
  const inMain = (h: OutlineHeading): boolean => main !== undefined && h.start > main.start && h.start < mainEnd;
  const requirementBlocks: Requirement[] = [];
  const strayRequirements: StrayRequirement[] = [];
  const duplicateRequirements: { name: string; headingRange: Range; firstLine: number }[] = [];
  const seen = new Map<string, number>();
  for (const h of o.headings) {
    if (h.depth !== 3 || !isCanonicalTitle(h.title)) continue;
    const blockEnd = sectionEnd(o, h.index, (x) => x.depth === 2 || (x.depth === 3 && isCanonicalTitle(x.title)));
    const r = readRequirement(o, h, inMain(h) ? Math.min(blockEnd, mainEnd) : blockEnd, 'delta');
    if (!inMain(h)) {
      strayRequirements.push({ name: r.name, headingRange: h.range, requirement: r });
      continue;
    }
    requirementBlocks.push(r);
    const key = normalizeRequirementName(r.name);
    const prev = seen.get(key);
    if (prev !== undefined) duplicateRequirements.push({ name: r.name, headingRange: h.range, firstLine: prev });
    else seen.set(key, h.line);
  }

  const deltaHeaders = o.headings.filter((h) => h.depth === 2 && DELTA_HEADER.test(h.title)).map((h) => ({ value: h.title, range: h.range }));

  return {
    kind: 'openspec-spec',
    title: first ? { value: first.title, range: first.range } : undefined,
    purpose: purposeHeading ? section(o, purposeHeading) : undefined,
    purposePlaceholder: purposeHeading ? findPurposePlaceholder(o, purposeHeading) : undefined,
    requirementsSection: requirementsHeading ? section(o, requirementsHeading) : undefined,
    requirements,
    requirementBlocks,
    strayRequirements,
    deltaHeaders,
    duplicateRequirements,
    problems: doc.problems,
    markdown: doc,
  };
}

function section(o: Outline, h: OutlineHeading): SpecSection {
  const end = sectionEnd(o, h.index);
  const index = o.doc.index;
  let e = end;
  while (e > h.start && /\s/.test(o.doc.text[e - 1]!)) e--;
  return {
    title: h.title,
    depth: h.depth,
    headingRange: h.range,
    range: index.rangeOf(h.start, Math.max(e, h.end)),
    text: normalizedSlice(o, contentStart(o, h), end).trim(),
    line: h.line,
  };
}

/** What `openspec archive` writes as the Purpose of a capability it creates, in two halves around the change name. */
const PLACEHOLDER_PREFIX = 'TBD - created by archiving change ';
const PLACEHOLDER_SUFFIX = '. Update Purpose after archive.';
const WORD_END = '(?![\\p{L}\\p{N}\\p{M}_])';
/** TBD/TODO in capitals is a marker whatever follows; in other cases only before punctuation (Spanish "Todo el…" is prose). */
const MARKER_SHOUTED = new RegExp(`^(?:TBD|TODO)${WORD_END}`, 'u');
const MARKER_PUNCTUATED = new RegExp(`^(?:TBD|TODO)${WORD_END}(?=[ \\t]*(?:$|\\n|[:\\-\u2013\u2014.,;()\\[\\]{}]))`, 'iu');

function generatedPrefixAt(text: string): number | undefined {
  for (let s = text.indexOf(PLACEHOLDER_SUFFIX); s !== -1; s = text.indexOf(PLACEHOLDER_SUFFIX, s + 1)) {
    const p = text.lastIndexOf(PLACEHOLDER_PREFIX, s);
    if (p !== -1) return p;
  }
  return undefined;
}

function findPurposePlaceholder(o: Outline, h: OutlineHeading): PurposePlaceholder | undefined {
  const lines = linesBetween(o, contentStart(o, h), sectionEnd(o, h.index)).filter((l) => !o.isFenced(l.line));
  const prose = lines.map((l) => l.text).join('\n').trim();
  const leading = MARKER_SHOUTED.test(prose) || MARKER_PUNCTUATED.test(prose);
  if (!leading && generatedPrefixAt(prose) === undefined) return undefined;
  // OpenSpec points at a line only under a level-2 "## Purpose", up to the next # or ## heading.
  if (h.depth !== 2) return { line: undefined };
  const own = linesBetween(o, contentStart(o, h), sectionEnd(o, h.index, (x) => x.depth <= 2)).filter((l) => !o.isFenced(l.line));
  if (leading) return { line: own.find((l) => l.text.trim())?.line };
  const text = own.map((l) => l.text).join('\n');
  const at = generatedPrefixAt(text);
  return { line: at === undefined ? undefined : own[text.slice(0, at).split('\n').length - 1]?.line };
}
