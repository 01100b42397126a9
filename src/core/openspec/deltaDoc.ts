import { type MarkdownDoc, parseMarkdown } from '../markdown/markdownDoc';
import { type Problem, type Range } from '../text/range';
import { contentStart, linesBetween, normalizedSlice, normalizeRequirementName, outline, type OutlineHeading, sectionEnd } from './outline';
import { isCanonicalTitle, readRequirement, type Requirement } from './requirements';

export type DeltaOperation = 'ADDED' | 'MODIFIED' | 'REMOVED' | 'RENAMED';

export const DELTA_OPERATIONS: readonly DeltaOperation[] = ['ADDED', 'MODIFIED', 'REMOVED', 'RENAMED'];

export interface DeltaSection {
  readonly operation: DeltaOperation;
  /** As written (`ADDED Requirements`, `Added Requirements`). */
  readonly title: string;
  readonly headingRange: Range;
  readonly range: Range;
}

/** A requirement a delta removes, written as a `### Requirement:` heading or a bullet naming one. */
export interface RemovedRequirement {
  readonly name: string;
  /** The line that names it. */
  readonly range: Range;
  readonly form: 'heading' | 'bullet';
}

export interface RenamedRequirement {
  readonly from: string;
  readonly to: string;
  readonly fromRange: Range;
  readonly toRange: Range;
}

/** A `FROM:` with no `TO:` after it, or a `TO:` with no `FROM:` before it. */
export interface UnpairedRename {
  readonly side: 'FROM' | 'TO';
  readonly name: string;
  readonly range: Range;
}

/** A `### Requirement:` outside every delta section: OpenSpec ignores it. */
export interface OrphanedRequirement {
  readonly name: string;
  /** The `## ` section it stands in, or undefined above the first one. */
  readonly section: string | undefined;
  readonly headingRange: Range;
}

/** A level-3 heading inside ADDED/MODIFIED that is not `### Requirement: <name>`: OpenSpec skips it. */
export interface SkippedHeader {
  readonly header: string;
  /** The delta section's title as written. */
  readonly section: string;
  readonly range: Range;
  /** `### Requirement:` with no name. */
  readonly nameless: boolean;
}

/** A delta spec: `openspec/changes/<id>/specs/<capability>/spec.md`. */
export interface DeltaSpecDoc {
  readonly kind: 'openspec-delta';
  readonly sections: readonly DeltaSection[];
  readonly added: readonly Requirement[];
  readonly modified: readonly Requirement[];
  readonly removed: readonly RemovedRequirement[];
  readonly renamed: readonly RenamedRequirement[];
  readonly unpairedRenames: readonly UnpairedRename[];
  readonly orphanedRequirements: readonly OrphanedRequirement[];
  readonly skippedHeaders: readonly SkippedHeader[];
  /** A `## Purpose` in the delta (seeds a new capability's spec when the change is archived). */
  readonly purpose: string | undefined;
  readonly problems: readonly Problem[];
  readonly markdown: MarkdownDoc;
}

const REMOVED_BULLET = /^\s*[-*+]\s*`?###\s*Requirement:\s*(.+?)`?\s*$/i;
const FROM_LINE = /^\s*[-*+]?\s*FROM:\s*`?###\s*Requirement:\s*(.+?)`?\s*$/;
const TO_LINE = /^\s*[-*+]?\s*TO:\s*`?###\s*Requirement:\s*(.+?)`?\s*$/;
/** OpenSpec folds only the exact section titles; `## ADDED  Requirements` (two spaces) is not one. */
const SECTION_TITLES: ReadonlyMap<string, DeltaOperation> = new Map(DELTA_OPERATIONS.map((op) => [`${op} requirements`.toLowerCase(), op]));

/** Parses a delta spec. Never throws. */
export function parseDeltaSpec(raw: string | Uint8Array): DeltaSpecDoc {
  return deltaFromMarkdown(parseMarkdown(raw));
}

export function deltaFromMarkdown(doc: MarkdownDoc): DeltaSpecDoc {
  const o = outline(doc);
  const index = doc.index;
  // OpenSpec splits a delta at level-2 headings only.
  const tops = o.headings.filter((h) => h.depth === 2);
  const sections: { heading: OutlineHeading; op: DeltaOperation; end: number }[] = [];
  for (const h of tops) {
    const op = SECTION_TITLES.get(h.title.toLowerCase());
    if (op) sections.push({ heading: h, op, end: sectionEnd(o, h.index, (x) => x.depth === 2) });
  }
  // Diagnostics quote the first spelling of a section title.
  const firstTitle = new Map<DeltaOperation, string>();
  for (const s of sections) if (!firstTitle.has(s.op)) firstTitle.set(s.op, s.heading.title);

  const added: Requirement[] = [];
  const modified: Requirement[] = [];
  const removed: RemovedRequirement[] = [];
  const renamed: RenamedRequirement[] = [];
  const unpairedRenames: UnpairedRename[] = [];
  const skippedHeaders: SkippedHeader[] = [];

  for (const s of sections) {
    const inSection = o.headings.filter((h) => h.start > s.heading.start && h.start < s.end);
    if (s.op === 'ADDED' || s.op === 'MODIFIED') {
      const into = s.op === 'ADDED' ? added : modified;
      for (const h of inSection) {
        if (h.depth !== 3) continue;
        if (isCanonicalTitle(h.title)) {
          const blockEnd = sectionEnd(o, h.index, (x) => x.depth === 2 || (x.depth === 3 && isCanonicalTitle(x.title)));
          into.push(readRequirement(o, h, Math.min(blockEnd, s.end), 'delta'));
        } else {
          skippedHeaders.push({ header: h.title, section: firstTitle.get(s.op)!, range: h.range, nameless: /^requirement:?$/i.test(h.title) });
        }
      }
    } else if (s.op === 'REMOVED') {
      const headingLines = new Map(inSection.map((h) => [h.line, h]));
      for (const l of linesBetween(o, contentStart(o, s.heading), s.end)) {
        if (o.isFenced(l.line)) continue;
        const h = headingLines.get(l.line);
        if (h?.depth === 3 && isCanonicalTitle(h.title)) {
          const name = normalizeRequirementName(h.title.replace(/^Requirement:\s*/i, ''));
          removed.push({ name, range: h.range, form: 'heading' });
          continue;
        }
        const m = REMOVED_BULLET.exec(l.text);
        if (m) removed.push({ name: normalizeRequirementName(m[1]!), range: index.lineRange(l.line), form: 'bullet' });
      }
    } else {
      let pending: { name: string; range: Range } | undefined;
      for (const l of linesBetween(o, contentStart(o, s.heading), s.end)) {
        if (o.isFenced(l.line)) continue;
        const from = FROM_LINE.exec(l.text);
        const to = from ? null : TO_LINE.exec(l.text);
        if (from) {
          if (pending) unpairedRenames.push({ side: 'FROM', ...pending });
          pending = { name: normalizeRequirementName(from[1]!), range: index.lineRange(l.line) };
        } else if (to) {
          const name = normalizeRequirementName(to[1]!);
          if (!pending) {
            unpairedRenames.push({ side: 'TO', name, range: index.lineRange(l.line) });
            continue;
          }
          renamed.push({ from: pending.name, to: name, fromRange: pending.range, toRange: index.lineRange(l.line) });
          pending = undefined;
        }
      }
      if (pending) unpairedRenames.push({ side: 'FROM', ...pending });
    }
  }

  const orphanedRequirements: OrphanedRequirement[] = [];
  let current: OutlineHeading | undefined;
  for (const h of o.headings) {
    if (h.depth === 2) {
      current = h;
      continue;
    }
    if (current && SECTION_TITLES.has(current.title.toLowerCase())) continue;
    if (h.depth === 3 && isCanonicalTitle(h.title)) {
      orphanedRequirements.push({ name: normalizeRequirementName(h.title.replace(/^Requirement:\s*/i, '')), section: current?.title, headingRange: h.range });
    }
  }

  const purposeHeading = tops.find((h) => /^Purpose$/i.test(h.title));
  const purpose = purposeHeading ? normalizedSlice(o, contentStart(o, purposeHeading), sectionEnd(o, purposeHeading.index, (x) => x.depth <= 2)).trim() : undefined;

  const byLine = (a: { range: Range }, b: { range: Range }): number => a.range.start.line - b.range.start.line;
  return {
    kind: 'openspec-delta',
    sections: sections.map((s) => ({ operation: s.op, title: s.heading.title, headingRange: s.heading.range, range: index.rangeOf(s.heading.start, s.end) })),
    added,
    modified,
    removed,
    renamed,
    unpairedRenames: unpairedRenames.sort(byLine),
    orphanedRequirements,
    skippedHeaders: skippedHeaders.sort(byLine),
    purpose: purpose || undefined,
    problems: doc.problems,
    markdown: doc,
  };
}

/** Every operation the delta asks for, in the order OpenSpec counts them. */
export function deltaCount(d: DeltaSpecDoc): number {
  return d.added.length + d.modified.length + d.removed.length + d.renamed.length;
}

export function hasDeltaSections(d: DeltaSpecDoc): boolean {
  return d.sections.length > 0;
}

/** The sections present, in OpenSpec's order (ADDED, MODIFIED, REMOVED, RENAMED). */
export function presentOperations(d: DeltaSpecDoc): DeltaOperation[] {
  return DELTA_OPERATIONS.filter((op) => d.sections.some((s) => s.operation === op));
}

