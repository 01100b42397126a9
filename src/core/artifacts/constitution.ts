import { type Heading } from 'mdast';
import { type MarkdownDoc, nodeEnd, parseMarkdown, plainText, type Section, sections, walk } from '../markdown/markdownDoc';
import { type Located, type Problem, type Range } from '../text/range';
import {
  findAllCapsPlaceholders,
  headingContentSpan,
  locateIn,
  maskedText,
  metadataFields,
  nodeRangeOf,
  type PlaceholderToken,
  romanToNumber,
  trimSpan,
} from './docScan';
import { internalError } from './spec';

export interface Principle {
  /** `I.` → 1, `3.` → 3, `Article XV` → 15; undefined for an unnumbered (or placeholder) heading. */
  readonly number?: number;
  readonly name: string;
  /** Heading and body. */
  readonly range: Range;
  readonly nameRange: Range;
  /** The markdown source of the body, trimmed. */
  readonly body: string;
}

export interface SyncImpactReport {
  /** The whole HTML comment. */
  readonly range: Range;
  /** The old version when the report names one (not for "N/A (initial)"). */
  readonly versionFrom?: string;
  readonly versionTo?: string;
  /** The comment's text, without `<!--` / `-->`. */
  readonly raw: string;
}

export interface ConstitutionDoc {
  readonly kind: 'constitution';
  /** From `# X Constitution`; `[PROJECT_NAME]` in an unfilled template. */
  readonly name: Located<string> | undefined;
  readonly principles: Principle[];
  readonly version: Located<string> | undefined;
  readonly ratified: Located<string> | undefined;
  readonly lastAmended: Located<string> | undefined;
  readonly syncImpactReport: SyncImpactReport | undefined;
  /** Every unfilled `[ALL_CAPS_IDENTIFIER]` outside code and comments. */
  readonly placeholders: PlaceholderToken[];
  /**
   * The template was never filled: the name or the version is still a placeholder, or most principle
   * headings are.
   */
  readonly isPlaceholder: boolean;
  readonly problems: Problem[];
}

/**
 * What the index keeps of a constitution between runs (the summary store), so a scan and the Spec
 * Explorer's row know the version, whether the template was filled, the name and how many principles
 * without parsing the file: the full parse's rules (constitutionName, principleSections,
 * principleName, footerFields, isPlaceholderConstitution below), applied to the full parse
 * (`constitutionSummary`) or to the fast reader's blocks (./fastConstitution), which is proven equal
 * to it (test/unit/core/artifacts/fastConstitution.test.ts) and says nothing where it cannot be sure.
 */
export interface ConstitutionSummary {
  readonly kind: 'constitution';
  /** The footer's version as written (a template token included), null when there is none. */
  readonly version: string | null;
  readonly placeholder: boolean;
  /** The title's name (`# Acme Constitution` → Acme), null when there is none. */
  readonly name: string | null;
  readonly principles: number;
}

export function constitutionSummary(doc: ConstitutionDoc): ConstitutionSummary {
  return { kind: 'constitution', version: doc.version?.value ?? null, placeholder: doc.isPlaceholder, name: doc.name?.value ?? null, principles: doc.principles.length };
}

/** Parses `.specify/memory/constitution.md` (or `memory/constitution.md`). Never throws. */
export function parseConstitution(raw: string | Uint8Array): ConstitutionDoc {
  return constitutionFromMarkdown(parseMarkdown(raw));
}

/** parseConstitution's reading of a parsed text: for a caller that keeps the tree too (the linter), so the text is parsed once. Never throws. */
export function constitutionFromMarkdown(doc: MarkdownDoc): ConstitutionDoc {
  try {
    return readConstitution(doc);
  } catch (e) {
    return {
      kind: 'constitution',
      name: undefined,
      principles: [],
      version: undefined,
      ratified: undefined,
      lastAmended: undefined,
      syncImpactReport: undefined,
      placeholders: [],
      isPlaceholder: false,
      problems: [...doc.problems, internalError(doc, e)],
    };
  }
}

const SEMVER = /\d+\.\d+\.\d+/;

function readConstitution(doc: MarkdownDoc): ConstitutionDoc {
  const all = sections(doc);
  const masked = maskedText(doc);
  const placeholders = findAllCapsPlaceholders(doc, masked);
  const name = readName(doc);
  const principles = readPrinciples(doc, all);
  const footer = readFooter(doc);
  const syncImpactReport = readSyncImpactReport(doc);

  const problems: Problem[] = [...doc.problems];
  for (const p of placeholders) {
    problems.push({ code: 'placeholder', message: `Unfilled constitution placeholder [${p.token}].`, severity: 'warning', range: p.range });
  }
  const footerVersion = footer.version ? SEMVER.exec(footer.version.value)?.[0] : undefined;
  if (syncImpactReport?.versionTo && footerVersion && footerVersion !== syncImpactReport.versionTo) {
    problems.push({
      code: 'version-mismatch',
      message: `The footer says version ${footerVersion} but the Sync Impact Report says ${syncImpactReport.versionTo}.`,
      severity: 'warning',
      range: footer.version!.range,
    });
  }

  const isPlaceholder = isPlaceholderConstitution(
    name?.value,
    footer.version?.value,
    principles.map((p) => p.name),
  );

  return { kind: 'constitution', name, principles, ...footer, syncImpactReport, placeholders, isPlaceholder, problems };
}

const isToken = (s: string | undefined): boolean => s !== undefined && /^\[[A-Z][A-Z0-9_]{2,}\]$/.test(s.trim());

/**
 * The template was never filled: the name or the version is still a placeholder, or most principle
 * headings are. `principleNames`: principleName's names of principleSections.
 */
export function isPlaceholderConstitution(name: string | undefined, version: string | undefined, principleNames: readonly string[]): boolean {
  const placeholderPrinciples = principleNames.filter((n) => isToken(n)).length;
  return isToken(name) || isToken(version) || (principleNames.length > 0 && placeholderPrinciples * 2 > principleNames.length);
}

/** The project's name from the first H1's shown text (`Acme Constitution` → Acme; the whole text when nothing is left). */
export function constitutionName(shown: string): string {
  return (
    shown
      .replace(/\s*(?:[-—–:|]\s*)?(?:Project\s+)?Constitution\s*$/i, '')
      .replace(/\s*(?:憲法|憲章|宪法|宪章|章程)\s*$/, '')
      .trim() || shown
  );
}

function readName(doc: MarkdownDoc): Located<string> | undefined {
  const h1 = doc.root.children.find((n): n is Heading => n.type === 'heading' && n.depth === 1);
  if (!h1) return undefined;
  const value = constitutionName(plainText(h1));
  const [s, e] = headingContentSpan(h1);
  return { value, range: locateIn(doc, s, e, value) };
}

// ---- principles ---------------------------------------------------------------------------------

const PRINCIPLES_SECTION = /principle|article|原則|原则|準則|准则|基本方針|principes|grundsätze|prinzipien|principios|princípios/i;
const ARTICLE = /^(?:Article|Principle|Artikel|Artículo|Principe|Princípio)\s+([IVXLCDM]+|\d+)\b\s*[.:：)\-—–]?\s*(.+)$/i;
const NUMBERED = /^([IVXLCDM]+|\d+)(?:[.:：)]|\s+[-—–])\s*(.+)$/;
const KANJI_ARTICLE = /^第\s*(\d+|[IVXLCDM]+)\s*[条條章]\s*[:：.\s—–-]*\s*(.+)$/i;

/**
 * A top-level heading's section as the principle rules read it: its depth, its shown title, and where
 * it starts and ends (its heading's start to its last node's end; any positions in the same order do).
 */
export interface SectionShape {
  readonly depth: number;
  readonly title: string;
  readonly start: number;
  readonly end: number;
}

/**
 * The sections that are principles, in document order: the sub-sections (one level down) of every
 * H1/H2 section whose title names principles or articles; without such a section, numbered H3s.
 */
export function principleSections<S extends SectionShape>(all: readonly S[]): S[] {
  const containers = all.filter(isPrinciplesSection);
  if (containers.length > 0) {
    return all.filter((s) => containers.some((c) => s.depth === c.depth + 1 && s.start > c.start && s.start <= c.end));
  }
  // No recognizable principles section: numbered H3 headings are principles ("### I. Name").
  return all.filter((s) => s.depth === 3 && (ARTICLE.test(s.title) || NUMBERED.test(s.title) || KANJI_ARTICLE.test(s.title)));
}

/** An H1/H2 whose title names principles or articles: its sub-sections are the principles. */
export function isPrinciplesSection(s: SectionShape): boolean {
  return s.depth <= 2 && PRINCIPLES_SECTION.test(s.title);
}

/** A principle heading's number and name (`I. Library-First` → 1, Library-First; the title when it has no number). */
export function principleName(title: string): { number: number | undefined; name: string } {
  const m = ARTICLE.exec(title) ?? NUMBERED.exec(title) ?? KANJI_ARTICLE.exec(title);
  if (m) {
    const n = /^\d+$/.test(m[1]!) ? Number(m[1]) : romanToNumber(m[1]!);
    if (n !== undefined) return { number: n, name: m[2]!.trim() };
  }
  return { number: undefined, name: title };
}

function readPrinciples(doc: MarkdownDoc, all: readonly Section[]): Principle[] {
  return principleSections(all).map((s) => principleOf(doc, s));
}

function principleOf(doc: MarkdownDoc, s: Section): Principle {
  const { number, name } = principleName(s.title);
  const [hs, he] = headingContentSpan(s.heading);
  const [bs, be] = trimSpan(doc.text, nodeEnd(s.heading), s.end);
  return {
    ...(number !== undefined ? { number } : {}),
    name,
    range: doc.index.rangeOf(s.start, s.end),
    nameRange: locateIn(doc, hs, he, name),
    body: doc.text.slice(bs, be),
  };
}

// ---- footer and sync impact report -------------------------------------------------------------

const VERSION_LABEL = /^(?:constitution\s+)?version$|^バージョン$|^版本$|^版$|^versión$|^versão$|^ver\.?$/i;
const AMENDED_LABEL = /amend|updated|modified|revised|改正|修正|更新|修订|修訂|最終|最后|最後/i;
const RATIFIED_LABEL = /ratif|adopt|enact|制定|批准|施行|採択|通过|通過|生效|承認/i;

export interface FooterFields<T> {
  version: T | undefined;
  ratified: T | undefined;
  lastAmended: T | undefined;
}

type Footer = FooterFields<Located<string>>;

/**
 * One paragraph's footer fields (`**Version**: 1.0.0 | **Ratified**: … | **Last Amended**: …` and
 * variants) from its metadata fields (docScan's metadataFields, `plain` labels allowed): the first
 * of each. The footer is the last paragraph, outside code and HTML, with a version.
 */
export function footerFields<T>(fields: Iterable<{ readonly label: string; readonly value: T }>): FooterFields<T> {
  const found: FooterFields<T> = { version: undefined, ratified: undefined, lastAmended: undefined };
  for (const f of fields) {
    const label = f.label.replace(/[*_]/g, '').trim();
    if (found.version === undefined && VERSION_LABEL.test(label)) found.version = f.value;
    else if (found.lastAmended === undefined && AMENDED_LABEL.test(label)) found.lastAmended = f.value;
    else if (found.ratified === undefined && RATIFIED_LABEL.test(label)) found.ratified = f.value;
  }
  return found;
}

/** The last paragraph that names a version. */
function readFooter(doc: MarkdownDoc): Footer {
  let footer: Footer = { version: undefined, ratified: undefined, lastAmended: undefined };
  walk(doc.root, (node) => {
    if (node.type === 'code' || node.type === 'html') return 'skip';
    if (node.type !== 'paragraph') return undefined;
    const found = footerFields(metadataFields(doc, node, true));
    if (found.version) footer = found;
    return 'skip';
  });
  return footer;
}

const REPORT_TITLE = /sync\s+impact\s+report|同期影響レポート|同期影響報告|同步影响报告|同步影響報告|同步影响/i;
const VERSION_CHANGE = /(?:version|バージョン|版本|版)[^:：\r\n]{0,30}[:：]\s*([^\r\n]*?)\s*(?:→|->|=>|⇒|⟶)\s*v?(\d+\.\d+\.\d+)/i;

function readSyncImpactReport(doc: MarkdownDoc): SyncImpactReport | undefined {
  let report: SyncImpactReport | undefined;
  walk(doc.root, (node) => {
    if (node.type !== 'html') return undefined;
    if (report || !/^\s*<!--/.test(node.value) || !REPORT_TITLE.test(node.value)) return undefined;
    const raw = node.value.replace(/^\s*<!--/, '').replace(/-->\s*$/, '');
    const m = VERSION_CHANGE.exec(raw);
    const from = m ? SEMVER.exec(m[1]!)?.[0] : undefined;
    report = {
      range: nodeRangeOf(doc, node),
      ...(from ? { versionFrom: from } : {}),
      ...(m ? { versionTo: m[2]! } : {}),
      raw: raw.trim(),
    };
    return 'stop';
  });
  return report;
}
