import { type Heading } from 'mdast';
import { type MarkdownDoc, nodeStart, parseMarkdown, plainText, walk } from '../markdown/markdownDoc';
import { type Located, type Problem, type Range } from '../text/range';
import { checkboxSpan, firstParagraph, nodeRangeOf } from './docScan';
import { documentTitle, internalError, preambleMetadata } from './spec';

export interface ChecklistItem {
  /** `CHK001` when the item has one. */
  readonly id?: string;
  readonly number?: number;
  readonly text: string;
  readonly checked: boolean;
  /** Title of the nearest preceding heading; undefined before any heading. */
  readonly category: string | undefined;
  readonly range: Range;
  /** Exactly the `[ ]` / `[x]` / `[X]` characters. */
  readonly checkboxRange: Range;
  readonly idRange?: Range;
}

export interface ChecklistCategory {
  readonly title: string;
  /** The heading. */
  readonly range: Range;
  readonly itemCount: number;
  readonly checkedCount: number;
}

export interface ChecklistDoc {
  readonly kind: 'checklist';
  readonly title: Located<string> | undefined;
  readonly purpose: Located<string> | undefined;
  readonly created: Located<string> | undefined;
  readonly feature: Located<string> | undefined;
  readonly items: ChecklistItem[];
  /** Headings that directly hold at least one item, in document order. */
  readonly categories: ChecklistCategory[];
  readonly total: number;
  readonly checked: number;
  readonly unchecked: number;
  readonly problems: Problem[];
}

const CHK_AT_START = /^[ \t]*(?:\*\*|__|`)?(CHK(\d{3,}))\b/;

/** Parses a `checklists/<domain>.md`. Never throws. */
export function parseChecklist(raw: string | Uint8Array): ChecklistDoc {
  return checklistFromMarkdown(parseMarkdown(raw));
}

/** parseChecklist's reading of a parsed text: for a caller that keeps the tree too (the linter), so the text is parsed once. Never throws. */
export function checklistFromMarkdown(doc: MarkdownDoc): ChecklistDoc {
  try {
    return readChecklist(doc);
  } catch (e) {
    return {
      kind: 'checklist',
      title: undefined,
      purpose: undefined,
      created: undefined,
      feature: undefined,
      items: [],
      categories: [],
      total: 0,
      checked: 0,
      unchecked: 0,
      problems: [...doc.problems, internalError(doc, e)],
    };
  }
}

function readChecklist(doc: MarkdownDoc): ChecklistDoc {
  const items: ChecklistItem[] = [];
  const categories: { title: string; range: Range; itemCount: number; checkedCount: number }[] = [];
  let current: (typeof categories)[number] | undefined;
  let currentHeading: Heading | undefined;

  walk(doc.root, (node) => {
    if (node.type === 'code' || node.type === 'html') return 'skip';
    if (node.type === 'heading') {
      currentHeading = node;
      current = undefined;
      return 'skip';
    }
    if (node.type !== 'listItem') return undefined;
    const item = node;
    if (typeof item.checked !== 'boolean') return undefined;
    const box = checkboxSpan(doc, item);
    if (!box) return undefined;
    if (!current && currentHeading) {
      current = { title: plainText(currentHeading), range: nodeRangeOf(doc, currentHeading), itemCount: 0, checkedCount: 0 };
      categories.push(current);
    }
    if (current) {
      current.itemCount++;
      if (item.checked) current.checkedCount++;
    }
    const para = firstParagraph(item);
    const text = plainText(para ?? item);
    let id: string | undefined;
    let number: number | undefined;
    let idRange: Range | undefined;
    if (para) {
      const start = Math.max(nodeStart(para), box[1]);
      const m = CHK_AT_START.exec(doc.text.slice(start, start + 40));
      if (m) {
        id = m[1]!;
        number = parseInt(m[2]!, 10);
        const at = start + m.index + m[0].length - m[1]!.length;
        idRange = doc.index.rangeOf(at, at + id.length);
      }
    }
    items.push({
      ...(id !== undefined ? { id, number, idRange } : {}),
      text: id ? text.replace(/^\s*CHK\d{3,}\s*[:：.\-–—]?\s*/, '') : text,
      checked: item.checked,
      category: currentHeading ? plainText(currentHeading) : undefined,
      range: nodeRangeOf(doc, item),
      checkboxRange: doc.index.rangeOf(box[0], box[1]),
    });
    return undefined;
  });

  const meta = preambleMetadata(doc);
  const checked = items.filter((i) => i.checked).length;
  return {
    kind: 'checklist',
    title: documentTitle(doc, /^$/),
    purpose: meta.get('purpose'),
    created: meta.get('created'),
    feature: meta.get('feature'),
    items,
    categories,
    total: items.length,
    checked,
    unchecked: items.length - checked,
    problems: [...doc.problems, ...idProblems(items)],
  };
}

function idProblems(items: readonly ChecklistItem[]): Problem[] {
  const out: Problem[] = [];
  const seen = new Map<string, ChecklistItem>();
  for (const item of items) {
    if (!item.id || !item.idRange) continue;
    const first = seen.get(item.id);
    if (!first) {
      seen.set(item.id, item);
      continue;
    }
    out.push({
      code: 'duplicate-checklist-id',
      message: `${item.id} is used more than once (first on line ${first.range.start.line + 1}).`,
      severity: 'warning',
      range: item.idRange,
    });
  }
  // A checklist without any IDs (the spec quality checklist) is normal; only a mix is worth a note.
  if (seen.size > 0) {
    for (const item of items) {
      if (item.id) continue;
      out.push({
        code: 'missing-checklist-id',
        message: 'This item has no CHK ID while others in the file do.',
        severity: 'info',
        range: item.checkboxRange,
      });
    }
  }
  return out;
}
