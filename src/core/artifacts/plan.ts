import { type Nodes, type Paragraph, type Table, type TableRow } from 'mdast';
import { type MarkdownDoc, nodeEnd, nodeStart, parseMarkdown, plainText, type Section, sections, walk } from '../markdown/markdownDoc';
import { type Located, type Problem, type Range } from '../text/range';
import {
  allListItems,
  type ClarificationMarker,
  contentSpan,
  findMarkers,
  findSection,
  findTemplatePlaceholders,
  firstParagraph,
  maskedText,
  metadataFields,
  nodeRangeOf,
  placeholderProblems,
  templateGuidanceProblems,
  topListItems,
  trimSpan,
} from './docScan';
import { documentTitle, internalError, labelledParagraph, preambleMetadata } from './spec';

export interface TechnicalContextEntry {
  /** `Language/Version`, `Primary Dependencies`… as written. */
  readonly key: string;
  readonly value: string;
  /** The value says NEEDS CLARIFICATION (and is not just the template's `[e.g., …]` text). */
  readonly needsClarification: boolean;
  /** The whole `**Key**: value` text. */
  readonly range: Range;
  readonly valueRange: Range;
}

export type GateItemState = 'pass' | 'fail' | 'pending';
export type GateState = GateItemState | 'unknown';

export interface ConstitutionCheckItem {
  readonly text: string;
  /** Ticked checkbox or a pass mark. */
  readonly checked: boolean;
  readonly state: GateItemState;
  readonly range: Range;
}

/**
 * The Constitution Check section. `state` is decided conservatively from its items: any failing item
 * (❌, FAIL, VIOLATION) → 'fail'; otherwise any open one (unticked box, ⚠️, ⏳, PENDING, a NEEDS
 * CLARIFICATION or an unfilled template line in the section) → 'pending'; otherwise at least one
 * passing item (ticked box, ✅, PASS, "Gate result: PASS") → 'pass'; prose alone → 'unknown'.
 */
export interface ConstitutionCheck {
  readonly range: Range;
  readonly state: GateState;
  readonly items: ConstitutionCheckItem[];
}

export interface ComplexityEntry {
  readonly violation: string;
  readonly whyNeeded: string;
  readonly simplerAlternative: string;
  readonly range: Range;
}

export interface PlanPhase {
  /** `Phase 0`, `Phase 1`…; `Phase 3+` reads as 3. */
  readonly number: number;
  readonly title: string;
  /** Heading and body. */
  readonly range: Range;
  readonly headingRange: Range;
  /** Top-level list items of the phase (the seed's bullets, the template's numbered steps). */
  readonly items: Located<string>[];
}

export interface PlanDoc {
  readonly kind: 'plan';
  readonly title: Located<string> | undefined;
  readonly branch: Located<string> | undefined;
  readonly date: Located<string> | undefined;
  /** The link target of `**Spec**: [spec.md](./spec.md)` (or the plain value). */
  readonly specLink: Located<string> | undefined;
  readonly input: Located<string> | undefined;
  readonly summary: Located<string> | undefined;
  readonly technicalContext: TechnicalContextEntry[];
  readonly constitutionCheck: ConstitutionCheck | undefined;
  readonly structureDecision: Located<string> | undefined;
  readonly complexity: ComplexityEntry[];
  readonly phases: PlanPhase[];
  readonly markers: ClarificationMarker[];
  readonly problems: Problem[];
}

/** Parses a `plan.md` (spec-kit's template and the seed's dialect). Never throws. */
export function parsePlan(raw: string | Uint8Array): PlanDoc {
  return planFromMarkdown(parseMarkdown(raw));
}

/** parsePlan's reading of a parsed text: for a caller that keeps the tree too (the linter), so the text is parsed once. Never throws. */
export function planFromMarkdown(doc: MarkdownDoc): PlanDoc {
  try {
    return readPlan(doc);
  } catch (e) {
    return {
      kind: 'plan',
      title: undefined,
      branch: undefined,
      date: undefined,
      specLink: undefined,
      input: undefined,
      summary: undefined,
      technicalContext: [],
      constitutionCheck: undefined,
      structureDecision: undefined,
      complexity: [],
      phases: [],
      markers: [],
      problems: [...doc.problems, internalError(doc, e)],
    };
  }
}

function readPlan(doc: MarkdownDoc): PlanDoc {
  const all = sections(doc);
  const masked = maskedText(doc);
  const meta = preambleMetadata(doc);
  const placeholders = findTemplatePlaceholders(doc, maskedText(doc, true));
  const technicalContext = readTechnicalContext(doc, all);
  // Bracketed markers anywhere; in Technical Context the template's convention is the bare phrase.
  const markers = [
    ...findMarkers(doc, masked),
    ...technicalContext.filter((e) => e.needsClarification && !/\[\s*NEEDS\s+CLARIFICATION/i.test(e.value)).map((e) => ({ text: e.key, range: e.valueRange })),
  ].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);

  return {
    kind: 'plan',
    title: documentTitle(doc, /^(?:Implementation\s+Plan|Plan|実装計画|実装プラン|实施计划|實施計畫|实现计划|實作計畫)\s*[:：]\s*/i),
    branch: meta.get('featureBranch'),
    date: meta.get('created'),
    specLink: specLink(meta.get('spec')),
    input: meta.get('input'),
    summary: readSummary(doc, all),
    technicalContext,
    constitutionCheck: readConstitutionCheck(doc, all, masked),
    structureDecision: readStructureDecision(doc),
    complexity: readComplexity(doc, all),
    phases: readPhases(doc, all),
    markers,
    problems: [...doc.problems, ...placeholderProblems(placeholders, 'plan'), ...templateGuidanceProblems(doc)],
  };
}

function specLink(value: Located<string> | undefined): Located<string> | undefined {
  if (!value) return undefined;
  const m = /\]\(\s*<?([^)\s>]+)>?[^)]*\)/.exec(value.value);
  if (!m) return value;
  const at = value.value.indexOf(m[1]!, m.index);
  const { start } = value.range;
  // A metadata value sits on one line, so the link target is a character offset on it.
  return {
    value: m[1]!,
    range: { start: { line: start.line, character: start.character + at }, end: { line: start.line, character: start.character + at + m[1]!.length } },
  };
}

function readSummary(doc: MarkdownDoc, all: readonly Section[]): Located<string> | undefined {
  const section = findSection(all, /^(?:summary|概要|サマリー|摘要|总结|總結|概述)/);
  if (!section) return undefined;
  const body = section.content.filter((n) => n.type !== 'heading');
  const span = contentSpan(body);
  if (!span) return undefined;
  const [s, e] = trimSpan(doc.text, span[0], span[1]);
  return { value: body.map((n) => plainText(n)).join('\n\n'), range: doc.index.rangeOf(s, e) };
}

const TECHNICAL_CONTEXT = /^(?:technical context|技術的コンテキスト|技術コンテキスト|技術的背景|技術背景|技术背景|技术上下文|技術上下文|技術文脈)/;

function readTechnicalContext(doc: MarkdownDoc, all: readonly Section[]): TechnicalContextEntry[] {
  const section = findSection(all, TECHNICAL_CONTEXT);
  if (!section) return [];
  const paragraphs: Paragraph[] = [];
  for (const node of section.content) {
    if (node.type === 'paragraph') paragraphs.push(node);
    if (node.type === 'list') for (const item of node.children) if (item.children[0]?.type === 'paragraph') paragraphs.push(item.children[0]);
  }
  return paragraphs.flatMap((p) =>
    metadataFields(doc, p).map((f) => ({
      key: f.label,
      value: f.value.value,
      needsClarification: /NEEDS\s+CLARIFICATION/i.test(f.value.value) && !/^\[e\.g\.,/.test(f.value.value),
      range: f.range,
      valueRange: f.value.range,
    })),
  );
}

// ---- constitution check -------------------------------------------------------------------------

const CONSTITUTION_CHECK = /^(?:constitution check|constitutional check|憲法チェック|憲章チェック|憲法確認|憲章確認|宪法检查|憲法檢查|宪章检查|憲章檢查)/;
const FAIL_MARK = /^\s*(?:❌|✗|✘|⛔|🚫|🔴)/u;
const PENDING_MARK = /^\s*(?:⚠|⏳|🟡|🟠|❓)/u;
const PASS_MARK = /^\s*(?:✅|✔|☑|🟢)/u;
const VERDICT = /(?:gate|result|status|check|verdict|判定|結果|结果|状態|状态)[^:：\r\n]{0,40}[:：]\s*(PASS(?:ED)?|FAIL(?:ED)?|OK|VIOLATIONS?|PENDING|BLOCKED)\b/i;

function markState(text: string): GateItemState | undefined {
  if (FAIL_MARK.test(text)) return 'fail';
  if (PENDING_MARK.test(text)) return 'pending';
  if (PASS_MARK.test(text)) return 'pass';
  const v = VERDICT.exec(text)?.[1]?.toUpperCase();
  if (!v) return undefined;
  if (v.startsWith('FAIL') || v.startsWith('VIOLATION')) return 'fail';
  if (v === 'PENDING' || v === 'BLOCKED') return 'pending';
  return 'pass';
}

/** A status cell: marks or words anywhere in it. */
function cellState(text: string): GateItemState | undefined {
  if (/❌|✗|✘|⛔|🚫|\bFAIL(?:ED|S)?\b|\bVIOLAT/iu.test(text)) return 'fail';
  if (/⚠|⏳|🟡|\bPENDING\b|\bPARTIAL\b|\bJUSTIFIED\b|\bTBD\b/iu.test(text)) return 'pending';
  if (/✅|✔|☑|\bPASS(?:ED|ES)?\b|\bOK\b|\bCOMPLIANT\b/iu.test(text)) return 'pass';
  return undefined;
}

function readConstitutionCheck(doc: MarkdownDoc, all: readonly Section[], masked: string): ConstitutionCheck | undefined {
  const section = findSection(all, CONSTITUTION_CHECK);
  if (!section) return undefined;
  const items: ConstitutionCheckItem[] = [];
  const add = (text: string, state: GateItemState, node: Nodes, checked = state === 'pass'): void => {
    items.push({ text, checked, state, range: nodeRangeOf(doc, node) });
  };

  for (const node of section.content) {
    if (node.type === 'table') tableGateItems(node).forEach(([text, state, row]) => add(text, state, row));
    else if (node.type === 'paragraph') {
      const text = plainText(node);
      const state = markState(text);
      if (state) add(text, state, node);
    } else if (node.type === 'list') {
      for (const item of allListItems([node])) {
        const text = plainText(firstParagraph(item) ?? item);
        if (typeof item.checked === 'boolean') add(text, item.checked ? 'pass' : 'pending', item, item.checked);
        else {
          const state = markState(text);
          if (state) add(text, state, item);
        }
      }
    }
  }

  // An unresolved question or an unfilled template line leaves the gate open whatever else it says.
  const body = masked.slice(nodeEnd(section.heading), section.end);
  const open = /NEEDS\s+CLARIFICATION|\[Gates determined/i.test(body);
  let state: GateState = 'unknown';
  if (items.some((i) => i.state === 'fail')) state = 'fail';
  else if (open || items.some((i) => i.state === 'pending')) state = 'pending';
  else if (items.some((i) => i.state === 'pass')) state = 'pass';
  return { range: doc.index.rangeOf(section.start, section.end), state, items };
}

function tableGateItems(table: Table): [string, GateItemState, TableRow][] {
  const [header, ...rows] = table.children;
  if (!header) return [];
  const statusColumn = header.children.findIndex((c) => /status|result|state|verdict|compliance|pass|状態|状态|結果|结果|判定|合否|評価|评估/i.test(plainText(c)));
  const out: [string, GateItemState, TableRow][] = [];
  for (const row of rows) {
    const cells = row.children.map((c) => plainText(c));
    const state = cellState(statusColumn >= 0 ? (cells[statusColumn] ?? '') : cells.join(' '));
    if (state) out.push([cells.filter((c) => c).join(' | '), state, row]);
  }
  return out;
}

function readStructureDecision(doc: MarkdownDoc): Located<string> | undefined {
  let found: Located<string> | undefined;
  walk(doc.root, (p) => {
    if (p.type !== 'paragraph') return undefined;
    found = labelledParagraph(doc, p, /Structure\s+Decision|構成の決定|構造の決定|構成決定|结构决策|結構決策|结构决定/);
    return found ? 'stop' : 'skip';
  });
  return found;
}

// ---- complexity tracking and phases -------------------------------------------------------------

const COMPLEXITY = /^(?:complexity tracking|複雑性の追跡|複雑度の追跡|複雑性トラッキング|複雑さの追跡|复杂度跟踪|复杂性跟踪|複雜度追蹤|複雜性追蹤)/;

function readComplexity(doc: MarkdownDoc, all: readonly Section[]): ComplexityEntry[] {
  const section = findSection(all, COMPLEXITY);
  if (!section) return [];
  const table = section.content.find((n): n is Table => n.type === 'table');
  if (!table) return [];
  const [header, ...rows] = table.children;
  if (!header) return [];
  const headers = header.children.map((c) => plainText(c).toLowerCase());
  const column = (re: RegExp, fallback: number): number => {
    const i = headers.findIndex((h) => re.test(h));
    return i >= 0 ? i : fallback;
  };
  const alt = column(/simpler|alternative|rejected|代替|替代|より単純/, 2);
  const why = column(/why|need|理由|必要/, 1);
  const violation = column(/violation|違反|违反|違規|deviation|逸脱/, 0);
  const out: ComplexityEntry[] = [];
  for (const row of rows) {
    const cells = row.children.map((c) => plainText(c));
    const filled = cells.filter((c) => c.length > 0);
    // The template's example rows (`[e.g., 4th project]`) are not entries; they are reported as placeholders.
    if (filled.length === 0 || filled.every((c) => /^\[.*\]$/.test(c))) continue;
    out.push({ violation: cells[violation] ?? '', whyNeeded: cells[why] ?? '', simplerAlternative: cells[alt] ?? '', range: nodeRangeOf(doc, row) });
  }
  return out;
}

const PHASE_HEADING = /^(?:Phase|フェーズ|阶段|階段|Fase|Étape|Etappe)\s*(\d+)(?:\.\d+)*\+?\s*(?:[:：.\-–—)]\s*)?(.*)$/i;

function readPhases(doc: MarkdownDoc, all: readonly Section[]): PlanPhase[] {
  const out: PlanPhase[] = [];
  for (const section of all) {
    const m = PHASE_HEADING.exec(section.title);
    if (!m) continue;
    out.push({
      number: Number(m[1]),
      title: m[2]!.trim(),
      range: doc.index.rangeOf(section.start, section.end),
      headingRange: nodeRangeOf(doc, section.heading),
      items: topListItems(section.content).map((item) => {
        const [s, e] = trimSpan(doc.text, nodeStart(item), nodeEnd(item));
        return { value: plainText(firstParagraph(item) ?? item), range: doc.index.rangeOf(s, e) };
      }),
    });
  }
  return out;
}
