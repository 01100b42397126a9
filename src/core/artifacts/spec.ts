import { type Heading, type List, type ListItem, type Paragraph, type RootContent, type Table } from 'mdast';
import { type MarkdownDoc, nodeEnd, nodeStart, parseMarkdown, plainText, type Section, sections, walk } from '../markdown/markdownDoc';
import { type Located, type Problem, type Range } from '../text/range';
import {
  allListItems,
  checkboxSpan,
  type ClarificationMarker,
  findMarkers,
  findSection,
  findTemplatePlaceholders,
  firstParagraph,
  headingContentSpan,
  listMarkerSpan,
  locateIn,
  maskedText,
  metadataFields,
  nodeRangeOf,
  placeholderProblems,
  templateGuidanceProblems,
  topListItems,
  trimSpan,
} from './docScan';
import { isRequirementFamily } from './ids';

export interface AcceptanceScenario {
  /** 1-based position among the story's scenarios. */
  readonly index: number;
  readonly given?: string;
  readonly when?: string;
  readonly then?: string;
  readonly text: string;
  readonly range: Range;
}

export interface UserStory {
  /** `US1`, `US2`… */
  readonly id: string;
  readonly number: number;
  readonly title: string;
  /** `P1`, `P0`… when the heading names one. */
  readonly priority?: string;
  readonly independentTest?: Located<string>;
  readonly scenarios: AcceptanceScenario[];
  /** The whole story: heading and body (or the bullet, in the seed's dialect). */
  readonly range: Range;
  /** The heading (or, for a bullet story, the bullet's first line). */
  readonly headingRange: Range;
}

export interface Requirement {
  /** `FR-001`, `SC-002`, `NFR-1` (derived)… */
  readonly id: string;
  /** `FR`, `SC`, `NFR`, `CR`… */
  readonly family: string;
  readonly number: number;
  readonly text: string;
  /** The ID is not written in the file: it was derived from a numbered list (the seed's dialect). */
  readonly derived: boolean;
  /** The list item or table row. */
  readonly range: Range;
  /** The ID as written; for a derived ID, the list number (`1.`) it was derived from. */
  readonly idRange: Range;
}

export interface KeyEntity {
  readonly name: string;
  readonly description: string;
  readonly range: Range;
  readonly nameRange: Range;
}

export interface ClarificationEntry {
  readonly question: string;
  readonly answer: string;
  readonly range: Range;
}

export interface ClarificationSession {
  /** `YYYY-MM-DD` from `### Session YYYY-MM-DD`; undefined for entries outside any dated session. */
  readonly date: string | undefined;
  readonly range: Range;
  readonly entries: ClarificationEntry[];
}

export interface AcceptanceCriterion {
  readonly text: string;
  readonly checked: boolean;
  readonly range: Range;
  /** Exactly the `[ ]` / `[x]` characters. */
  readonly checkboxRange: Range;
}

export interface SpecDoc {
  readonly kind: 'spec';
  readonly title: Located<string> | undefined;
  readonly featureBranch: Located<string> | undefined;
  readonly created: Located<string> | undefined;
  readonly status: Located<string> | undefined;
  readonly input: Located<string> | undefined;
  readonly stories: UserStory[];
  readonly requirements: Requirement[];
  readonly entities: KeyEntity[];
  readonly assumptions: Located<string>[];
  readonly edgeCases: Located<string>[];
  readonly clarifications: ClarificationSession[];
  readonly markers: ClarificationMarker[];
  readonly acceptanceCriteria: AcceptanceCriterion[];
  readonly problems: Problem[];
}

/** spec-kit asks for at most three open `[NEEDS CLARIFICATION]` markers in a spec. */
export const MAX_CLARIFICATION_MARKERS = 3;

/** Parses a `spec.md` (spec-kit's template, its localized variants, and the seed's looser dialect). Never throws. */
export function parseSpec(raw: string | Uint8Array): SpecDoc {
  return specFromMarkdown(parseMarkdown(raw));
}

/** parseSpec's reading of a parsed text: for a caller that keeps the tree too (the linter), so the text is parsed once. Never throws. */
export function specFromMarkdown(doc: MarkdownDoc): SpecDoc {
  try {
    return readSpec(doc);
  } catch (e) {
    // A parser bug must not take the explorer or the language server down with it.
    return { ...emptySpec(doc), problems: [...doc.problems, internalError(doc, e)] };
  }
}

function emptySpec(doc: MarkdownDoc): SpecDoc {
  return {
    kind: 'spec',
    title: undefined,
    featureBranch: undefined,
    created: undefined,
    status: undefined,
    input: undefined,
    stories: [],
    requirements: [],
    entities: [],
    assumptions: [],
    edgeCases: [],
    clarifications: [],
    markers: [],
    acceptanceCriteria: [],
    problems: [...doc.problems],
  };
}

export function internalError(doc: MarkdownDoc, e: unknown): Problem {
  return {
    code: 'internal-error',
    message: `The file could not be analysed: ${e instanceof Error ? e.message : String(e)}`,
    severity: 'error',
    range: doc.index.rangeOf(0, 0),
  };
}

function readSpec(doc: MarkdownDoc): SpecDoc {
  const all = sections(doc);
  const masked = maskedText(doc);
  const meta = preambleMetadata(doc);
  const requirements = readRequirements(doc, all);
  const markers = findMarkers(doc, masked);
  const problems: Problem[] = [...doc.problems];

  problems.push(...duplicateProblems(requirements));
  if (markers.length > MAX_CLARIFICATION_MARKERS) {
    problems.push({
      code: 'too-many-clarifications',
      message: `The spec has ${markers.length} [NEEDS CLARIFICATION] markers; spec-kit allows at most ${MAX_CLARIFICATION_MARKERS}. Resolve the least important with informed defaults.`,
      severity: 'warning',
      range: markers[MAX_CLARIFICATION_MARKERS]!.range,
    });
  }
  problems.push(...placeholderProblems(findTemplatePlaceholders(doc, maskedText(doc, true)), 'spec'));
  problems.push(...templateGuidanceProblems(doc));

  return {
    kind: 'spec',
    title: documentTitle(doc, /^(?:Feature\s+Spec(?:ification)?(?:\s+\d+)?|Specification|機能仕様書?|仕様書|功能规格|功能規格|功能规范|功能規範|功能说明|功能說明)\s*[:：]\s*/i),
    featureBranch: meta.get('featureBranch'),
    created: meta.get('created'),
    status: meta.get('status'),
    input: meta.get('input'),
    stories: readStories(doc, all),
    requirements,
    entities: readEntities(doc, all),
    assumptions: bulletTexts(doc, all, /^(?:assumptions?|前提条件|前提|仮定|假設|假设|假定)/),
    edgeCases: bulletTexts(doc, all, /^(?:edge cases?|エッジケース|境界ケース|境界条件|邊界情況|边界情况|邊緣案例|边缘情况|边缘案例|極端情況|极端情况)/),
    clarifications: readClarifications(doc, all),
    markers,
    acceptanceCriteria: readAcceptanceCriteria(doc, all),
    problems,
  };
}

/** The first H1, without a known prefix such as "Feature Specification:". */
export function documentTitle(doc: MarkdownDoc, prefix: RegExp): Located<string> | undefined {
  const h1 = doc.root.children.find((n): n is Heading => n.type === 'heading' && n.depth === 1);
  if (!h1) return undefined;
  const full = plainText(h1);
  const value = full.replace(prefix, '').trim() || full;
  const [s, e] = headingContentSpan(h1);
  return { value, range: locateIn(doc, s, e, value) };
}

const META_LABELS: [string, RegExp][] = [
  ['featureBranch', /^(?:feature\s+branch|branch|機能ブランチ|フィーチャーブランチ|ブランチ|功能分支|分支)$/i],
  ['created', /^(?:created|creation date|date|作成日|作成|创建日期|創建日期|建立日期|创建时间|日期)$/i],
  ['status', /^(?:status|ステータス|状態|状态|狀態)$/i],
  ['input', /^(?:input|入力|输入|輸入)$/i],
  ['branch', /^(?:branch)$/i],
  ['date', /^(?:date|日付|日期)$/i],
  ['spec', /^(?:spec|specification|仕様|规格|規格)$/i],
  ['purpose', /^(?:purpose|目的)$/i],
  ['feature', /^(?:feature|機能|功能)$/i],
];

/**
 * `**Label**: value` lines before the first H2 (the template's header block), keyed by field name.
 * The first occurrence of a field wins.
 */
export function preambleMetadata(doc: MarkdownDoc): Map<string, Located<string>> {
  const out = new Map<string, Located<string>>();
  const paragraphs: Paragraph[] = [];
  for (const node of doc.root.children) {
    if (node.type === 'heading' && node.depth >= 2) break;
    if (node.type === 'paragraph') paragraphs.push(node);
    if (node.type === 'blockquote') for (const c of node.children) if (c.type === 'paragraph') paragraphs.push(c);
  }
  for (const p of paragraphs) {
    for (const field of metadataFields(doc, p, true)) {
      for (const [key, re] of META_LABELS) {
        if (re.test(field.label) && !out.has(key)) {
          out.set(key, field.value);
          break;
        }
      }
    }
  }
  return out;
}

// ---- user stories -------------------------------------------------------------------------------

const STORY_HEADING =
  /^(?:User\s+Story|Story|ユーザーストーリー|ユーザー・ストーリー|ユーザストーリー|用户故事|用戶故事|使用者故事|사용자\s*스토리|Historia\s+de\s+usuario|Histoire\s+utilisateur|Benutzergeschichte)\s*#?\s*(\d+)\s*(?:[-–—:：.]\s*)?(.*)$/i;
const US_HEADING = /^US[-\s]?(\d+)\b\s*(?:[-–—:：.]\s*)?(.*)$/i;
const PRIORITY = /\s*[(（]\s*(?:(?:Priority|優先度|優先順位|优先级|優先級|Priorität|Prioridad|Priorité|Prioridade)\s*[:：]?\s*)?(P\d+)\s*[)）]/i;
const STORIES_SECTION = /^(?:user stories|ユーザーストーリー|ユーザー・ストーリー|用户故事|用戶故事|使用者故事)$/;

function readStories(doc: MarkdownDoc, all: readonly Section[]): UserStory[] {
  const stories: UserStory[] = [];
  for (const section of all) {
    const m = STORY_HEADING.exec(section.title) ?? US_HEADING.exec(section.title);
    if (!m) continue;
    const number = Number(m[1]);
    let title = m[2] ?? '';
    const p = PRIORITY.exec(title);
    const priority = p ? p[1]!.toUpperCase() : undefined;
    if (p) title = title.slice(0, p.index) + title.slice(p.index + p[0].length);
    title = title.replace(/[\p{Extended_Pictographic}\uFE0F]/gu, '').replace(/\s+MVP\s*$/, '').trim();
    stories.push({
      id: `US${number}`,
      number,
      title,
      priority,
      independentTest: independentTest(doc, section.content),
      scenarios: readScenarios(doc, section.content),
      range: doc.index.rangeOf(section.start, section.end),
      headingRange: nodeRangeOf(doc, section.heading),
    });
  }
  if (stories.length > 0) return stories;

  // The seed's dialect: `## User Stories` with "As a …, I want …" bullets.
  const section = findSection(all, STORIES_SECTION);
  if (!section) return [];
  return topListItems(section.content).map((item, i) => {
    const para = firstParagraph(item);
    return {
      id: `US${i + 1}`,
      number: i + 1,
      title: plainText(para ?? item),
      scenarios: [],
      range: nodeRangeOf(doc, item),
      headingRange: nodeRangeOf(doc, para ?? item),
    };
  });
}

const INDEPENDENT_TEST = /^(?:Independent\s+Test|独立テスト|独立したテスト|独立测试|獨立測試|獨立測試方式)/i;

function independentTest(doc: MarkdownDoc, content: readonly RootContent[]): Located<string> | undefined {
  for (const node of content) {
    if (node.type !== 'paragraph') continue;
    const found = labelledParagraph(doc, node, INDEPENDENT_TEST);
    if (found) return found;
  }
  return undefined;
}

/** A paragraph that starts with `**Label**: …`: the text after the label. */
export function labelledParagraph(doc: MarkdownDoc, para: Paragraph, label: RegExp): Located<string> | undefined {
  const text = plainText(para);
  const lm = new RegExp(`^(?:${label.source})\\s*[:：]\\s*`, 'i').exec(text);
  if (!lm) return undefined;
  const start = nodeStart(para);
  const src = doc.text.slice(start, nodeEnd(para));
  const sm = /^[*_]{0,2}[^:：\r\n]{1,60}?(?:[*_]{0,2}\s*[:：]\s*[*_]{0,2}|[:：]\s*[*_]{0,2})\s*/.exec(src);
  const [s, e] = trimSpan(doc.text, start + (sm ? sm[0].length : 0), nodeEnd(para));
  return { value: text.slice(lm[0].length).trim(), range: doc.index.rangeOf(s, e) };
}

function readScenarios(doc: MarkdownDoc, content: readonly RootContent[]): AcceptanceScenario[] {
  const out: AcceptanceScenario[] = [];
  const add = (node: ListItem | Paragraph): void => {
    const text = plainText(node);
    if (!/\bGiven\b/.test(text) || !/\b(?:When|Then)\b/.test(text)) return;
    out.push({ index: out.length + 1, ...givenWhenThen(text), text, range: nodeRangeOf(doc, node) });
  };
  for (const node of content) {
    if (node.type === 'list') node.children.forEach(add);
    else if (node.type === 'paragraph') add(node);
  }
  return out;
}

function givenWhenThen(text: string): { given?: string; when?: string; then?: string } {
  const parts: { given?: string; when?: string; then?: string } = {};
  const keys = [...text.matchAll(/\b(Given|When|Then)\b/g)];
  // Each part runs from the first of its keyword to the next keyword of a part not yet read: one pass
  // from the end records, for every position, where the next keyword of each kind is.
  const nextOf: { given: number; when: number; then: number }[] = new Array<{ given: number; when: number; then: number }>(keys.length + 1);
  nextOf[keys.length] = { given: -1, when: -1, then: -1 };
  for (let i = keys.length - 1; i >= 0; i--) nextOf[i] = { ...nextOf[i + 1]!, [keys[i]![1]!.toLowerCase()]: i };
  const seen = new Set<string>();
  keys.forEach((k, i) => {
    const key = k[1]!.toLowerCase() as 'given' | 'when' | 'then';
    if (seen.has(key)) return;
    seen.add(key);
    const later = nextOf[i + 1]!;
    const candidates = (['given', 'when', 'then'] as const).filter((x) => !seen.has(x)).map((x) => later[x]).filter((x) => x >= 0);
    const next = candidates.length > 0 ? keys[Math.min(...candidates)] : undefined;
    const value = text
      .slice(k.index + k[0].length, next ? next.index : text.length)
      .trim()
      .replace(/^[,:：]\s*/, '')
      .replace(/[,，]\s*$/, '')
      .trim();
    if (value) parts[key] = value;
  });
  return parts;
}

// ---- requirements -------------------------------------------------------------------------------

const REQUIREMENT_DEF = /^[ \t]*(?:\*\*|__|`)?[ \t]*\[?([A-Z]{1,5})-(\d{1,4}[a-z]?)\]?[ \t]*(?:\*\*|__|`)?[ \t]*(?:[:：.)]|[-–—](?=[ \t]))/;
const REQUIREMENT_CELL = /^\s*(?:\*\*|__|`)?\s*([A-Z]{1,5})-(\d{1,4}[a-z]?)\s*(?:\*\*|__|`)?\s*$/;
const DERIVED_FAMILIES: [string, RegExp][] = [
  ['NFR', /^(?:non[- ]?functional requirements?|nfrs?|非機能要件|非機能要求|非功能需求|非功能性需求|非功能要求)/],
  ['FR', /^(?:functional requirements?|機能要件|機能要求|功能需求|功能性需求|功能要求)/],
];

/** A section number before a heading's title: `3.`, `3.1.`, `3.1`. */
const SECTION_NUMBER = /^\d+(?:\.\d+)*\.?\s+(?=\S)/;

interface RequirementAt extends Requirement {
  readonly at: number;
}

function readRequirements(doc: MarkdownDoc, all: readonly Section[]): Requirement[] {
  const found: RequirementAt[] = [];
  const explicitItems = new Set<ListItem>();

  for (const item of allListItems(doc.root.children)) {
    const para = firstParagraph(item);
    if (!para) continue;
    const start = nodeStart(para);
    const src = doc.text.slice(start, nodeEnd(para));
    const m = REQUIREMENT_DEF.exec(src);
    if (!m || !isRequirementFamily(m[1]!)) continue;
    const id = `${m[1]}-${m[2]}`;
    const idAt = start + src.indexOf(id, m.index);
    const text = plainText(para)
      .replace(/^\[?[A-Z]{1,5}-\d{1,4}[a-z]?\]?\s*[:：.)\-–—]?\s*/, '')
      .trim();
    explicitItems.add(item);
    found.push({
      id,
      family: m[1]!,
      number: parseInt(m[2]!, 10),
      text,
      derived: false,
      range: nodeRangeOf(doc, item),
      idRange: doc.index.rangeOf(idAt, idAt + id.length),
      at: nodeStart(item),
    });
  }

  walk(doc.root, (node) => {
    if (node.type !== 'table') return undefined;
    found.push(...tableRequirements(doc, node));
    return 'skip';
  });

  // The seed's dialect: numbered lists without IDs under "Functional Requirements" headings.
  for (const section of all) {
    const family = DERIVED_FAMILIES.find(([, re]) => re.test(section.key.replace(SECTION_NUMBER, '')))?.[0];
    if (!family) continue;
    // Another dialect: numbered sub-sections (`### 3.1. Repository Structure`) are the requirements.
    const numbered = all.filter((s) => s.depth === section.depth + 1 && s.start > section.start && s.start < section.end && SECTION_NUMBER.test(s.title));
    if (numbered.length > 0) {
      if (found.some((r) => r.at >= section.start && r.at < section.end)) continue;
      for (const sub of numbered) {
        const label = SECTION_NUMBER.exec(sub.title)![0];
        const n = parseInt(/(\d+)\.?\s*$/.exec(label.trim())![1]!, 10);
        const labelAt = sub.start + doc.text.slice(sub.start, sub.end).indexOf(label.trim());
        found.push({
          id: `${family}-${n}`,
          family,
          number: n,
          text: sub.title.slice(label.length).trim(),
          derived: true,
          range: doc.index.rangeOf(sub.start, sub.end),
          idRange: doc.index.rangeOf(labelAt, labelAt + label.trim().length),
          at: sub.start,
        });
      }
      continue;
    }
    const lists = section.content.filter((n): n is List => n.type === 'list' && n.ordered === true);
    if (lists.some((l) => l.children.some((i) => explicitItems.has(i)))) continue;
    for (const list of lists) {
      list.children.forEach((item, i) => {
        const n = (list.start ?? 1) + i;
        const [ms, me] = listMarkerSpan(doc, item);
        found.push({
          id: `${family}-${n}`,
          family,
          number: n,
          text: plainText(firstParagraph(item) ?? item),
          derived: true,
          range: nodeRangeOf(doc, item),
          idRange: doc.index.rangeOf(ms, me),
          at: nodeStart(item),
        });
      });
    }
  }

  found.sort((a, b) => a.at - b.at);
  return found.map(({ at: _at, ...r }) => r);
}

/** Rows of a GFM table whose first cell is a requirement ID (`| FR-01 | text | P0 |`). */
function tableRequirements(doc: MarkdownDoc, table: Table): RequirementAt[] {
  const [header, ...rows] = table.children;
  if (!header) return [];
  const headers = header.children.map((c) => plainText(c).toLowerCase());
  let textColumn = headers.findIndex((h, i) => i > 0 && /requirement|description|text|要件|要求|需求|說明|说明|内容|內容/.test(h));
  if (textColumn < 0) textColumn = 1;
  const out: RequirementAt[] = [];
  for (const row of rows) {
    const first = row.children[0];
    if (!first) continue;
    const m = REQUIREMENT_CELL.exec(plainText(first));
    if (!m || !isRequirementFamily(m[1]!)) continue;
    const id = `${m[1]}-${m[2]}`;
    const cellStart = nodeStart(first);
    const idAt = doc.text.slice(cellStart, nodeEnd(first)).indexOf(id);
    if (idAt < 0) continue;
    const textCell = row.children[textColumn];
    out.push({
      id,
      family: m[1]!,
      number: parseInt(m[2]!, 10),
      text: textCell ? plainText(textCell) : '',
      derived: false,
      range: nodeRangeOf(doc, row),
      idRange: doc.index.rangeOf(cellStart + idAt, cellStart + idAt + id.length),
      at: nodeStart(row),
    });
  }
  return out;
}

function duplicateProblems(requirements: readonly Requirement[]): Problem[] {
  const seen = new Map<string, Requirement>();
  const out: Problem[] = [];
  for (const r of requirements) {
    const first = seen.get(r.id);
    if (!first) {
      seen.set(r.id, r);
      continue;
    }
    out.push({
      code: 'duplicate-requirement-id',
      message: `${r.id} is defined more than once (first on line ${first.idRange.start.line + 1}).`,
      severity: 'warning',
      range: r.idRange,
    });
  }
  return out;
}

// ---- entities, bullets, clarifications, acceptance criteria ------------------------------------

const ENTITIES_SECTION = /^(?:key entities|entities|主要エンティティ|キーエンティティ|エンティティ|主要實體|關鍵實體|关键实体|主要实体|核心实体|核心實體)/;

function readEntities(doc: MarkdownDoc, all: readonly Section[]): KeyEntity[] {
  const section = findSection(all, ENTITIES_SECTION);
  if (!section) return [];
  const out: KeyEntity[] = [];
  for (const item of topListItems(section.content)) {
    const para = firstParagraph(item);
    if (!para) continue;
    const start = nodeStart(para);
    const src = doc.text.slice(start, nodeEnd(para));
    const m = /^(\*\*|__)(.+?)\1\s*[:：]?\s*(?:[-–—]\s+)?/.exec(src) ?? /^()([^:：\r\n]{1,80}?)\s*[:：]\s*/.exec(src);
    if (!m) continue;
    let name = m[2]!.trim();
    let nameAt = start + m[1]!.length + (m[2]!.length - m[2]!.trimStart().length);
    if (/[:：]$/.test(name)) name = name.slice(0, -1).trim();
    const plainName = name.replace(/[*_`]/g, '');
    nameAt = start + Math.max(0, src.indexOf(name, nameAt - start));
    const text = plainText(para);
    const description = text.startsWith(plainName) ? text.slice(plainName.length).replace(/^\s*[:：]?\s*(?:[-–—]\s+)?/, '').trim() : text;
    out.push({ name: plainName, description, range: nodeRangeOf(doc, item), nameRange: doc.index.rangeOf(nameAt, nameAt + name.length) });
  }
  return out;
}

/** Texts of the top-level bullets under a heading, or under a `**Label**:` paragraph directly followed by a list. */
function bulletTexts(doc: MarkdownDoc, all: readonly Section[], key: RegExp): Located<string>[] {
  const items: ListItem[] = [];
  const section = findSection(all, key);
  if (section) items.push(...topListItems(section.content));
  else {
    const children = doc.root.children;
    children.forEach((node, i) => {
      const next = children[i + 1];
      if (node.type === 'paragraph' && next?.type === 'list' && key.test(plainText(node).replace(/[:：]\s*$/, '').toLowerCase())) items.push(...next.children);
    });
  }
  return items.map((item) => {
    const [s, e] = trimSpan(doc.text, nodeStart(item), nodeEnd(item));
    return { value: plainText(firstParagraph(item) ?? item), range: doc.index.rangeOf(s, e) };
  });
}

export const CLARIFICATIONS_SECTION = /^(?:clarifications?|明確化|明確化事項|確認事項|澄清|澄清事项|澄清事項|釐清|釐清事項|明确)/;
const QUESTION = /^Q\s*\d*\s*[:：]\s*/;
const ARROW_ANSWER = /\s*(?:→|->|=>|⇒)\s*A\s*[:：]\s*/;

function readClarifications(doc: MarkdownDoc, all: readonly Section[]): ClarificationSession[] {
  const section = findSection(all, CLARIFICATIONS_SECTION);
  if (!section) return [];
  const sessions: { date: string | undefined; start: number; end: number; entries: ClarificationEntry[] }[] = [];
  let current: (typeof sessions)[number] | undefined;
  const byHeading = new Map(all.map((s) => [s.heading, s]));
  for (const node of section.content) {
    if (node.type === 'heading') {
      const sub = byHeading.get(node);
      const date = /\d{4}-\d{2}-\d{2}/.exec(plainText(node))?.[0];
      current = { date, start: nodeStart(node), end: sub?.end ?? nodeEnd(node), entries: [] };
      sessions.push(current);
      continue;
    }
    if (node.type !== 'list') continue;
    for (const item of node.children) {
      const text = plainText(item);
      if (!QUESTION.test(text)) continue;
      if (!current) {
        current = { date: undefined, start: nodeStart(node), end: nodeEnd(node), entries: [] };
        sessions.push(current);
      }
      const body = text.replace(QUESTION, '');
      const arrow = ARROW_ANSWER.exec(body) ?? /\s+A\s*[:：]\s*/.exec(body);
      const question = (arrow ? body.slice(0, arrow.index) : body).trim();
      const answer = arrow ? body.slice(arrow.index + arrow[0].length).trim() : '';
      current.entries.push({ question, answer, range: nodeRangeOf(doc, item) });
      current.end = Math.max(current.end, nodeEnd(item));
    }
  }
  return sessions.map((s) => ({ date: s.date, entries: s.entries, range: doc.index.rangeOf(s.start, s.end) }));
}

const ACCEPTANCE_SECTION = /^(?:acceptance criteria|受け入れ基準|受入基準|受け入れ条件|验收标准|驗收標準|验收准则|驗收準則)/;

function readAcceptanceCriteria(doc: MarkdownDoc, all: readonly Section[]): AcceptanceCriterion[] {
  const section = findSection(all, ACCEPTANCE_SECTION);
  if (!section) return [];
  const out: AcceptanceCriterion[] = [];
  for (const item of allListItems(section.content)) {
    if (typeof item.checked !== 'boolean') continue;
    const box = checkboxSpan(doc, item);
    if (!box) continue;
    out.push({
      text: plainText(firstParagraph(item) ?? item),
      checked: item.checked,
      range: nodeRangeOf(doc, item),
      checkboxRange: doc.index.rangeOf(box[0], box[1]),
    });
  }
  return out;
}
