import { type ChecklistDoc, parseChecklist } from '../artifacts/checklist';
import { cleanShortName } from '../workspace/slug';
import { oneLine } from './modelJson';

const RESERVED = /^(?:con|prn|aux|nul|com\d|lpt\d)$/i;
const MAX_NAME = 64;

/**
 * `checklists/<name>.md` for a domain ("UX" → `ux.md`, "API contracts" → `api-contracts.md`). Throws
 * for anything that is a path or cannot be a plain file name: separators, `..`, a leading dot,
 * control characters, reserved device names, or nothing left after cleaning.
 */
export function checklistFileName(domain: string): string {
  const raw = typeof domain === 'string' ? domain.trim() : '';
  // eslint-disable-next-line no-control-regex
  if (!raw || /[/\\\u0000-\u001f\u007f]|\.\.|^\.|^~|:/.test(raw)) throw new Error(`"${oneLine(String(domain), 60)}" is not a checklist name: use a plain word such as ux, api or security.`);
  const name = cleanShortName(raw.replace(/\.md$/i, ''));
  if (!name || RESERVED.test(name) || name.length > MAX_NAME) throw new Error(`"${oneLine(raw, 60)}" is not a usable checklist name: use a short ASCII word such as ux, api or security.`);
  return `${name}.md`;
}

/** The number after the highest CHK ID of a checklist (1 for none). */
export function nextChecklistId(existing?: ChecklistDoc): number {
  let max = 0;
  for (const item of existing?.items ?? []) if (item.number !== undefined && item.number > max) max = item.number;
  return max + 1;
}

export function formatChecklistId(n: number): string {
  return `CHK${String(n).padStart(3, '0')}`;
}

interface GeneratedCategory {
  title: string;
  items: string[];
}

/** Categories and item texts of the model's checklist markdown; IDs, boxes and trailing whitespace removed. */
export function parseGeneratedChecklist(generated: string): GeneratedCategory[] {
  const lines = unfence(generated ?? '').split(/\r?\n/);
  const out: GeneratedCategory[] = [];
  let current: GeneratedCategory | undefined;
  let skip = false;
  let underHeading = false;
  let fence: string | undefined;
  for (const line of lines) {
    const f = /^\s*(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (fence === undefined) fence = f[1]![0];
      else if (f[1]![0] === fence) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const h = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      const title = oneLine(h[2]!.replace(/[*_`]/g, ''), 120);
      // The document title and a Notes section are the template's, not categories of items.
      skip = h[1]!.length === 1 || /^notes?$/i.test(title);
      current = undefined;
      underHeading = !skip && title !== '';
      if (!skip && title) {
        current = out.find((c) => key(c.title) === key(title));
        if (!current) {
          current = { title, items: [] };
          out.push(current);
        }
      }
      continue;
    }
    if (skip) continue;
    const item = /^\s*[-*+]\s+(?:\[[ xX]\]\s*)?(?:\*\*|__)?(?:CHK\d+)?(?:\*\*|__)?\s*[:：.\-–—]?\s*(.*)$/.exec(line);
    // A plain bullet counts only under a category heading; before any heading it is prose.
    if (!item || (!underHeading && !/^\s*[-*+]\s+(?:\[[ xX]\]|(?:\*\*|__)?CHK\d+)/.test(line))) continue;
    const text = oneLine(item[1]!, 600);
    if (!text) continue;
    if (!current) {
      current = out.find((c) => c.title === 'General') ?? { title: 'General', items: [] };
      if (!out.includes(current)) out.push(current);
    }
    current.items.push(text);
  }
  return out.filter((c) => c.items.length > 0);
}

/** Removes one ```markdown (or bare) fence wrapping the whole reply. */
function unfence(text: string): string {
  const m = /^\s*(`{3,}|~{3,})[ \t]*(?:markdown|md)?[ \t]*\r?\n([\s\S]*?)\r?\n[ \t]*\1[ \t]*\s*$/i.exec(text);
  return m ? m[2]! : text;
}

function key(title: string): string {
  return title.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

function itemKey(text: string): string {
  return text.toLowerCase().replace(/\[[^\]]*\]/g, ' ').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

export interface ChecklistAppendMeta {
  readonly domain: string;
  readonly featureName: string;
  /** Link target from the checklist to the spec, e.g. `../spec.md`. */
  readonly specRelPath: string;
  /** `YYYY-MM-DD`. */
  readonly today: string;
  /** The **Purpose** line of a new file; a sentence naming the domain by default. */
  readonly purpose?: string;
}

export interface ChecklistAppendResult {
  readonly text: string;
  readonly added: number;
  /** '' when nothing was added. */
  readonly firstId: string;
  readonly lastId: string;
  readonly created: boolean;
}

/**
 * `/speckit.checklist`'s write: a new file in spec-kit's checklist format, or the generated items
 * appended to an existing file under their categories (missing categories are added at the end).
 * Generated items get fresh IDs after the highest existing one and are always unchecked; items whose
 * text repeats an existing or earlier generated item are dropped. Existing text is never changed:
 * new lines are only inserted between existing lines.
 */
export function appendChecklistItems(existingText: string | undefined, generated: string, meta: ChecklistAppendMeta): ChecklistAppendResult {
  const categories = parseGeneratedChecklist(generated);
  const created = existingText === undefined || existingText.trim() === '';
  const existing = created ? undefined : parseChecklist(existingText);
  const seen = new Set((existing?.items ?? []).map((i) => itemKey(i.text)));
  const first = Math.max(nextChecklistId(existing), created ? 1 : maxIdInText(existingText) + 1);
  const fresh: GeneratedCategory[] = [];
  for (const c of categories) {
    const items: string[] = [];
    for (const text of c.items) {
      const k = itemKey(text);
      if (!k || seen.has(k)) continue;
      seen.add(k);
      items.push(text);
    }
    if (items.length > 0) fresh.push({ title: c.title, items });
  }
  const added = fresh.reduce((n, c) => n + c.items.length, 0);
  const ids = added > 0 ? { firstId: formatChecklistId(first), lastId: formatChecklistId(first + added - 1) } : { firstId: '', lastId: '' };
  // IDs rise in document order: categories that exist already come first, in their file order.
  let next = first;
  const number = (c: GeneratedCategory): GeneratedCategory => ({ title: c.title, items: c.items.map((t) => `- [ ] ${formatChecklistId(next++)} ${t}`) });

  if (created) {
    const title = domainTitle(meta.domain);
    const lines = [
      `# ${title} Checklist: ${oneLine(meta.featureName, 200)}`,
      '',
      `**Purpose**: ${oneLine(meta.purpose ?? `Unit tests for the ${title} requirements: are they complete, clear, consistent and measurable?`, 300)}`,
      `**Created**: ${meta.today}`,
      `**Feature**: [spec.md](${meta.specRelPath})`,
      '',
      '**Note**: This checklist is generated by `/speckit.checklist`. Items test the quality of the requirements, not the implementation; a reviewer ticks `[x]` when the requirement is judged satisfactory.',
      '',
    ];
    for (const c of fresh.map(number)) lines.push(`## ${c.title}`, '', ...c.items, '');
    lines.push('## Notes', '', '- Check items off as completed: `[x]`', '- Add comments or findings inline', '- Items are numbered sequentially for easy reference', '');
    return { text: lines.join('\n'), added, ...ids, created: true };
  }

  if (added === 0) return { text: existingText, added: 0, ...ids, created: false };
  return { text: insertIntoExisting(existingText, fresh, number), added, ...ids, created: false };
}

/** CHK IDs anywhere in the file (also in code or notes), so a new ID never collides with a mention. */
function maxIdInText(text: string): number {
  let max = 0;
  for (const m of text.matchAll(/\bCHK(\d{3,})\b/g)) max = Math.max(max, Number(m[1]));
  return max;
}

function domainTitle(domain: string): string {
  const words = oneLine(domain, 80).replace(/[-_]+/g, ' ').split(' ').filter(Boolean);
  if (words.length === 0) return 'Requirements';
  return words.map((w) => (w.length <= 3 && /^[a-z]+$/i.test(w) ? w.toUpperCase() : w[0]!.toUpperCase() + w.slice(1))).join(' ');
}

interface HeadingLine {
  index: number;
  depth: number;
  title: string;
}

function insertIntoExisting(text: string, unnumbered: readonly GeneratedCategory[], number: (c: GeneratedCategory) => GeneratedCategory): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  // split() leaves a final '' when the file ends with a newline; insertions happen before it.
  const endsWithNewline = /\n$/.test(text);
  const body = endsWithNewline ? lines.slice(0, -1) : lines;
  const headings: HeadingLine[] = [];
  let fence: string | undefined;
  body.forEach((line, index) => {
    const f = /^\s*(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (fence === undefined) fence = f[1]![0];
      else if (f[1]![0] === fence) fence = undefined;
      return;
    }
    if (fence !== undefined) return;
    const h = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) headings.push({ index, depth: h[1]!.length, title: h[2]!.replace(/[*_`]/g, '') });
  });

  const headingOf = (c: GeneratedCategory): HeadingLine | undefined => headings.find((h) => h.depth >= 2 && key(h.title) === key(c.title));
  const placed = unnumbered
    .map((c, i) => ({ c, i, line: headingOf(c)?.index ?? Number.MAX_SAFE_INTEGER }))
    .sort((a, b) => a.line - b.line || a.i - b.i)
    .map(({ c }) => number(c));
  const inserts = new Map<number, string[]>(); // insert after line index
  const appended: string[] = [];
  for (const c of placed) {
    const heading = headingOf(c);
    if (!heading) {
      appended.push('', `## ${c.title}`, '', ...c.items);
      continue;
    }
    const nextHeading = headings.find((h) => h.index > heading.index && h.depth <= heading.depth);
    let last = (nextHeading ? nextHeading.index : body.length) - 1;
    while (last > heading.index && body[last]!.trim() === '') last--;
    const afterList = /^\s*[-*+]\s/.test(body[last] ?? '') && last > heading.index;
    const lines2 = afterList ? c.items : ['', ...c.items];
    inserts.set(last, [...(inserts.get(last) ?? []), ...lines2]);
  }

  const out: string[] = [];
  body.forEach((line, index) => {
    out.push(line);
    const extra = inserts.get(index);
    if (extra) out.push(...extra);
  });
  if (appended.length > 0) {
    while (out.length > 0 && out[out.length - 1] === '' && appended[0] === '') appended.shift();
    out.push(...appended);
  }
  let result = out.join(eol);
  if (endsWithNewline || appended.length > 0) result += eol;
  return result;
}
