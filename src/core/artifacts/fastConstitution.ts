import { measureComplexity, tooComplex } from '../markdown/complexity';
import { decodeText, MAX_PARSE_CHARS } from '../markdown/markdownDoc';
import {
  type ConstitutionSummary,
  constitutionName,
  footerFields,
  isPlaceholderConstitution,
  isPrinciplesSection,
  principleName,
  principleSections,
  type SectionShape,
} from './constitution';
import { metadataFieldSpans } from './docScan';
import { Bail, type BlockEvent, plainHeading, type Phrasing, readBlocks, surelySimple, type Visitor } from './fastSummary';

/**
 * A constitution's summary without a full parse: the full parse's rules (./constitution:
 * constitutionName, principleSections, principleName, footerFields, isPlaceholderConstitution;
 * ./docScan: metadataFieldSpans) applied to what the fast reader (./fastSummary) reads of the same
 * text — its top-level headings in order, and its paragraphs (in list items and quotes too; code,
 * HTML comments and table cells are none). Undefined whenever only the full parse can be sure (front
 * matter, a heading whose shown text the rules need and the reader cannot give, anything the reader
 * itself leaves to the full parse). Never throws. test/unit/core/artifacts/fastConstitution.test.ts
 * holds it equal to constitutionSummary(parseConstitution(text)) on the corpus and generated inputs.
 */
export function fastConstitutionSummary(raw: string | Uint8Array): ConstitutionSummary | undefined {
  try {
    const { text, binary } = decodeText(raw);
    // Files the full parse skips (binary, huge, too complex) are cheap to parse in full: it skips them.
    if (binary || text.length > MAX_PARSE_CHARS || (!surelySimple(text) && tooComplex(measureComplexity(text)))) return undefined;
    if (FRONT_MATTER.test(text)) return undefined;
    const headings = new Headings(text);
    const phrasing: Phrasing = { blocks: [], masked: [], code: [], paragraphs: [] };
    if (!readBlocks(text, headings, phrasing)) return undefined;
    return summaryOf(text, headings.all, phrasing.paragraphs!);
  } catch {
    return undefined;
  }
}

const FRONT_MATTER = /^---[ \t]*(?:\r\n|\r|\n|$)/;

/** A top-level heading: its depth and its shown text (undefined when the reader cannot say it). */
interface ReadHeading {
  readonly depth: number;
  readonly title: string | undefined;
}

/** Collects the top-level headings in order (list items are none of the constitution's business). */
class Headings implements Visitor {
  readonly all: ReadHeading[] = [];
  /** A link reference definition anywhere could make a bracket in a heading a link. */
  private readonly mayDefine: boolean;

  constructor(text: string) {
    this.mayDefine = text.includes(']:');
  }

  visit(e: BlockEvent): boolean {
    if (e.type === 'heading') this.all.push({ depth: e.depth, title: this.shown(e.content) });
    return false;
  }

  /**
   * The heading's shown text: plainHeading's, where two marks it takes for markup are text when
   * they cannot be any (the template's `# [PROJECT_NAME] Constitution`): brackets when there is no
   * `](` in the heading and no definition in the file (references need one; footnotes are not
   * read), and underscores between letters or digits (they can neither open nor close emphasis).
   */
  private shown(content: string): string | undefined {
    const brackets = content.includes('[') || content.includes(']');
    if (!brackets && !content.includes('_')) return plainHeading(content);
    if (STAND_IN.test(content)) return undefined;
    let marked = content.replace(INTRAWORD_UNDERSCORES, (run) => UNDERSCORE.repeat(run.length));
    if (brackets && !this.mayDefine && !content.includes('](')) marked = marked.replace(/\[/g, OPEN).replace(/\]/g, CLOSE);
    const shown = plainHeading(marked);
    return shown?.replace(STAND_INS, (c) => (c === OPEN ? '[' : c === CLOSE ? ']' : '_'));
  }
}

// Stand-ins for marks that are text while plainHeading reads a heading (one character each, so nothing moves).
const OPEN = '\uE000';
const CLOSE = '\uE001';
const UNDERSCORE = '\uE002';
const STAND_IN = /[\uE000-\uE002]/;
const STAND_INS = /[\uE000-\uE002]/g;
const INTRAWORD_UNDERSCORES = /(?<=[A-Za-z0-9])_+(?=[A-Za-z0-9])/g;

function summaryOf(text: string, headings: readonly ReadHeading[], paragraphs: ReadonlyArray<readonly [number, number]>): ConstitutionSummary {
  // Sections by heading order: the rules compare where sections start and end, and order is enough.
  const all: Array<SectionShape & { known: boolean }> = headings.map((h, i) => {
    let end = i;
    while (end + 1 < headings.length && headings[end + 1]!.depth > h.depth) end++;
    return { depth: h.depth, title: h.title ?? '', start: i, end, known: h.title !== undefined };
  });
  // An unknown title could make an H1/H2 a principles section (or not): only the full parse can say.
  if (all.some((s) => !s.known && s.depth <= 2)) throw new Bail();
  const principles = principleSections(all);
  // Without a principles section, any H3 could be a numbered principle; with one, only its sub-sections' names count.
  const hasContainer = all.some(isPrinciplesSection);
  if (principles.some((s) => !s.known) || (!hasContainer && all.some((s) => !s.known && s.depth === 3))) throw new Bail();

  const h1 = all.find((s) => s.depth === 1);
  const name = h1 ? constitutionName(h1.title) : undefined;

  let version: string | undefined;
  for (const [start, end] of paragraphs) {
    const src = text.slice(start, end);
    const found = footerFields(metadataFieldSpans(src, true).map((f) => ({ label: f.label, value: src.slice(f.valueStart, f.valueEnd) })));
    if (found.version !== undefined) version = found.version;
  }

  return {
    kind: 'constitution',
    version: version ?? null,
    placeholder: isPlaceholderConstitution(
      name,
      version,
      principles.map((s) => principleName(s.title).name),
    ),
    name: name ?? null,
    principles: principles.length,
  };
}
