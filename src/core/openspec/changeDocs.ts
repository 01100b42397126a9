import { type MarkdownDoc, parseMarkdown } from '../markdown/markdownDoc';
import { type Located, type Problem, type Range } from '../text/range';
import { contentStart, linesBetween, normalizedSlice, outline, type Outline, type OutlineHeading, sectionEnd } from './outline';

/** A `##` (or deeper) section of a proposal or design, with its text as written (line breaks as \n, trimmed). */
export interface DocSection {
  readonly title: string;
  readonly depth: number;
  readonly headingRange: Range;
  readonly range: Range;
  readonly text: string;
}

/** A capability a proposal names: `- \`user-auth\`: …` under Capabilities, or `- **user-auth:** …` under What Changes. */
export interface CapabilityMention {
  readonly capability: string;
  readonly description: string;
  readonly kind: 'new' | 'modified' | 'removed' | 'mentioned';
  readonly range: Range;
}

/** `openspec/changes/<id>/proposal.md`. */
export interface ProposalDoc {
  readonly kind: 'openspec-proposal';
  /** The first `#` heading without a `Change:`/`Proposal:` prefix. */
  readonly title: Located<string> | undefined;
  readonly why: DocSection | undefined;
  readonly whatChanges: DocSection | undefined;
  readonly impact: DocSection | undefined;
  readonly capabilities: readonly CapabilityMention[];
  readonly sections: readonly DocSection[];
  readonly problems: readonly Problem[];
  readonly markdown: MarkdownDoc;
}

/** `openspec/changes/<id>/design.md`. */
export interface DesignDoc {
  readonly kind: 'openspec-design';
  readonly title: Located<string> | undefined;
  readonly sections: readonly DocSection[];
  readonly problems: readonly Problem[];
  readonly markdown: MarkdownDoc;
}

const CAPABILITY_BULLET = /^\s*[-*+]\s+`([^`]+)`\s*[:：—–-]\s*(.*)$/;
const WHAT_CHANGES_BULLET = /^\s*-\s*\*\*([^*:]+)(?::\*\*|\*\*:)\s*(.+)$/;

export function parseProposal(raw: string | Uint8Array): ProposalDoc {
  const doc = parseMarkdown(raw);
  const o = outline(doc);
  const sections = allSections(o);
  const find = (re: RegExp): DocSection | undefined => sections.find((s) => re.test(s.title));
  const capabilities: CapabilityMention[] = [];
  for (const h of o.headings) {
    const kind = /^New Capabilities$/i.test(h.title) ? 'new' : /^Modified Capabilities$/i.test(h.title) ? 'modified' : /^Removed Capabilities$/i.test(h.title) ? 'removed' : undefined;
    if (!kind) continue;
    for (const l of linesBetween(o, contentStart(o, h), sectionEnd(o, h.index))) {
      const m = o.isFenced(l.line) ? null : CAPABILITY_BULLET.exec(l.text);
      if (m && !m[1]!.startsWith('<')) capabilities.push({ capability: m[1]!.trim(), description: m[2]!.trim(), kind, range: doc.index.lineRange(l.line) });
    }
  }
  const what = o.headings.find((h) => /^What Changes$/i.test(h.title));
  if (what) {
    for (const l of linesBetween(o, contentStart(o, what), sectionEnd(o, what.index))) {
      const m = o.isFenced(l.line) ? null : WHAT_CHANGES_BULLET.exec(l.text);
      if (m) capabilities.push({ capability: m[1]!.trim(), description: m[2]!.trim(), kind: 'mentioned', range: doc.index.lineRange(l.line) });
    }
  }
  return {
    kind: 'openspec-proposal',
    title: docTitle(o, /^(?:Change|Proposal)\s*[:：-]\s*/i),
    why: find(/^Why$/i),
    whatChanges: find(/^What Changes$/i),
    impact: find(/^Impact$/i),
    capabilities,
    sections,
    problems: doc.problems,
    markdown: doc,
  };
}

export function parseDesign(raw: string | Uint8Array): DesignDoc {
  const doc = parseMarkdown(raw);
  const o = outline(doc);
  return { kind: 'openspec-design', title: docTitle(o, /^(?:Design|Technical Design)\s*[:：-]\s*/i), sections: allSections(o), problems: doc.problems, markdown: doc };
}

function docTitle(o: Outline, prefix: RegExp): Located<string> | undefined {
  const h = o.headings.find((x) => x.depth === 1);
  if (!h) return undefined;
  return { value: h.title.replace(prefix, '') || h.title, range: h.range };
}

function allSections(o: Outline): DocSection[] {
  return o.headings.filter((h) => h.depth >= 2).map((h) => docSection(o, h));
}

function docSection(o: Outline, h: OutlineHeading): DocSection {
  const end = sectionEnd(o, h.index);
  let e = end;
  while (e > h.end && /\s/.test(o.doc.text[e - 1]!)) e--;
  return { title: h.title, depth: h.depth, headingRange: h.range, range: o.doc.index.rangeOf(h.start, e), text: normalizedSlice(o, contentStart(o, h), end).trim() };
}
