/**
 * The task grammar, written once: how a tasks file names its phases, its task IDs and their tags.
 * The parser (tasks.ts), the repair of a model's tasks file (chat/tasksRepair.ts) and the lint
 * rules (lint/) all read tasks through these, so they cannot drift apart. spec-kit's own shape is
 * `## Phase 3: User Story 1 - Title (Priority: P1)` and `- [ ] T012 [P] [US1] Description`; the
 * other spellings here are the ones found in real repositories. Numbered lists without T-IDs
 * (`- [ ] 1.1 …` under `## 1. Group`, as OpenSpec writes them) are read as tasks `1.1`, ….
 */

export type PhaseKind = 'setup' | 'foundational' | 'story' | 'polish' | 'convergence' | 'other';

/** Kinds of phase whose tasks carry no story tag (spec-kit's tasks template). */
export const NON_STORY_KINDS: ReadonlySet<PhaseKind> = new Set<PhaseKind>(['setup', 'foundational', 'polish']);

/** A phase heading's text: `Phase 3: …`, `Phase 3.1 — …`, `フェーズ 2：…`; 1 = number, 2 = the rest. */
const PHASE_HEADING = /^(?:phase|フェーズ|阶段|階段|fase|étape)\s*([0-9]+(?:\.[0-9]+)*)\s*[:：.—–-]*\s*(.*)$/iu;
/** A numbered group heading, OpenSpec's `## 1. Group`: 1 = number, 2 = title. */
const GROUP_HEADING = /^([0-9]{1,4})\.[ \t]+(\S.*)$/u;

export interface PhaseHeading {
  /** As written: `3`, `3.1`. */
  readonly number: string;
  /** The heading's text after the number and separator (may be empty). */
  readonly title: string;
  /** `Phase N` (spec-kit) or a numbered group `N. Title` (OpenSpec). */
  readonly form: 'phase' | 'group';
}

/** The seed dialect's task heading, `### Task 3: Title`: 1 = number, 2 = title. */
const SEED_TASK_HEADING = /^task\s+([0-9]+)\s*[:：.—–-]\s*(.+)$/i;

/** The seed task a heading's plain text opens (`Task 3: Title`), if it opens one. */
export function seedTaskHeading(text: string): RegExpExecArray | null {
  return SEED_TASK_HEADING.exec(text);
}

/** The phase a heading's plain text opens, if it opens one. */
export function phaseHeading(text: string): PhaseHeading | undefined {
  const m = PHASE_HEADING.exec(text);
  if (m) return { number: m[1]!, title: m[2] ?? '', form: 'phase' };
  const g = GROUP_HEADING.exec(text);
  return g ? { number: g[1]!, title: g[2]!.trim(), form: 'group' } : undefined;
}

/** `User Story 2`, `Story 2`, `US2`, `US-2`, `US 2` in a phase title. */
const STORY_IN_TITLE = /\b(?:user\s*story|story|US)\s*-?\s*(\d+)\b/i;

export interface StoryMention {
  /** `US2`. */
  readonly id: string;
  /** Where the mention is in the title, and its length. */
  readonly start: number;
  readonly length: number;
  /** `id` when written as an ID (`US2`, `US-2`), `number` when as words with a number ("User Story 2"). */
  readonly form: 'id' | 'number';
  /** Where its number is, and its length. */
  readonly numberStart: number;
  readonly numberLength: number;
}

/** The user story a phase title names, if any. */
export function storyInTitle(title: string): StoryMention | undefined {
  const m = STORY_IN_TITLE.exec(title);
  if (!m) return undefined;
  const digits = m[1]!;
  return {
    id: `US${Number(digits)}`,
    start: m.index,
    length: m[0].length,
    form: /^US\s*-?\s*\d/i.test(m[0]) ? 'id' : 'number',
    numberStart: m.index + m[0].length - digits.length,
    numberLength: digits.length,
  };
}

/** The kind of phase a title describes. */
export function phaseKind(title: string): PhaseKind {
  if (storyInTitle(title)) return 'story';
  const lower = title.toLowerCase();
  if (/setup|セットアップ|設定|初始化|准备/.test(lower)) return 'setup';
  if (/foundation|blocking|基盤|基礎|基础/.test(lower)) return 'foundational';
  if (/polish|cross-cutting|仕上げ|完善/.test(lower)) return 'polish';
  if (/converge/.test(lower)) return 'convergence';
  return 'other';
}

/** The `P1` priority a phase title names. */
export function priorityInTitle(title: string): string | undefined {
  const m = /\bP(\d)\b/.exec(title);
  return m ? `P${m[1]}` : undefined;
}

/**
 * A task ID at the start of an item's text (after its checkbox): `T001`, `T004a`, `**T001**`,
 * `[T001]`, `**T001 [P]**` (the bold closes after the tags); a bracket must close.
 */
const LEADING_T_ID = /^(\*\*|__)?[ \t]*(\[[ \t]*)?(T(\d{3,})[a-z]?)\b([ \t]*\])?/;
/** A numbered ID: `1.1`, `2.10`, `1.2.3`, `**1.1 Title**`; at least two parts, so `1.` (a list) is none. */
const LEADING_NUMBERED_ID = /^(\*\*|__)?[ \t]*(\d{1,4}(?:\.\d{1,4})+)(?![\d.]*\d)\.?(?=[ \t:：]|\*\*|__|$)/;

/** A whole string that is a task ID of either scheme (`T012`, `t004a`, `2.3`): for IDs from outside (webviews, tools). */
export function isTaskId(s: string): boolean {
  return /^(?:T\d{1,6}[a-z]?|\d{1,4}(?:\.\d{1,4}){1,4})$/i.test(s);
}

export interface LeadingId {
  readonly id: string;
  /** T001 → 1; 2.3 → 2 (its group). */
  readonly number: number;
  readonly scheme: 'T' | 'numbered';
  /** Offset of the ID in the text, and of what follows it (past a closing bracket). */
  readonly start: number;
  readonly end: number;
  /** The emphasis opened before the ID (`**`, `__`), to be closed after it or after the tags. */
  readonly bold: '**' | '__' | undefined;
  /** Written other than plainly (bold or brackets around it). */
  readonly decorated: boolean;
}

/** The task ID an item's text starts with, in any spelling above. */
export function leadingTaskId(text: string): LeadingId | undefined {
  const t = LEADING_T_ID.exec(text);
  if (t) {
    if (t[2] && !t[5]) return undefined;
    const bold = t[1] as LeadingId['bold'];
    const start = t[0].indexOf(t[3]!);
    return { id: t[3]!, number: Number(t[4]), scheme: 'T', start, end: t[0].length, bold, decorated: !!(bold || t[2]) };
  }
  const n = LEADING_NUMBERED_ID.exec(text);
  if (n) {
    const bold = n[1] as LeadingId['bold'];
    const start = n[0].indexOf(n[2]!);
    return { id: n[2]!, number: Number(n[2]!.split('.')[0]), scheme: 'numbered', start, end: n[0].length, bold, decorated: !!bold };
  }
  return undefined;
}

/**
 * The same two patterns, sticky: `test` then leaves the match's end in lastIndex and builds no match
 * (no array, no captured strings), which is all leadingTaskIdEnd needs of a plain ID.
 */
const LEADING_T_ID_END = new RegExp(LEADING_T_ID.source, `${LEADING_T_ID.flags}y`);
const LEADING_NUMBERED_ID_END = new RegExp(LEADING_NUMBERED_ID.source, `${LEADING_NUMBERED_ID.flags}y`);

/**
 * The characters either pattern can match first, read off them: an emphasis run (`*`, `_`), a
 * space or tab, then for LEADING_T_ID an opening bracket or `T`, for LEADING_NUMBERED_ID a digit.
 * A text starting with anything else has no leading ID. (taskGrammar.test.ts checks this set
 * against the patterns on every code unit.)
 */
export function mayStartTaskId(c: number): boolean {
  return c === 84 || (c >= 48 && c <= 57) || c === 42 || c === 95 || c === 91 || c === 32 || c === 9;
}

/**
 * leadingTaskId(text)'s scheme and end without the object it builds, for counters that read every
 * item of many files: 0 when the text starts with no ID, else the ID's `end`, positive for a T ID
 * and negated for a numbered one (an end is never 0). An ID written plainly (its first character is
 * the text's) is answered by the sticky patterns' test alone: no emphasis or bracket is open before
 * it, so the match's end is all leadingTaskId would add. Other spellings ask leadingTaskId itself.
 */
export function leadingTaskIdEnd(text: string): number {
  const c = text.charCodeAt(0);
  if (c === 84) {
    // `T` can start only LEADING_T_ID's match (the other starts with emphasis, spaces or a digit).
    LEADING_T_ID_END.lastIndex = 0;
    return LEADING_T_ID_END.test(text) ? LEADING_T_ID_END.lastIndex : 0;
  }
  if (c >= 48 && c <= 57) {
    // A digit can start only LEADING_NUMBERED_ID's match.
    LEADING_NUMBERED_ID_END.lastIndex = 0;
    return LEADING_NUMBERED_ID_END.test(text) ? -LEADING_NUMBERED_ID_END.lastIndex : 0;
  }
  if (!mayStartTaskId(c)) return 0;
  const id = leadingTaskId(text);
  return id === undefined ? 0 : id.scheme === 'T' ? id.end : -id.end;
}

/**
 * What follows an ID when the item lists IDs rather than being a task: `T004, T005 can run in
 * parallel`, `T001-T003`, `T001 → T002`, `T001 to T004`, `T001 (see above)`.
 */
export function continuesIdList(rest: string): boolean {
  return /^\s*(?:\*\*|__)?\s*(?:[,&/→>]|-\s*T\d|–\s*T\d|\.\.|to\s+T\d|and\s+T\d|\()/.test(rest);
}

/** One tag after an ID, with the emphasis around it: `[P]`, `[US1]`, and `[US-1]`, `[US 1]`, `[Story 1]`, `[S1]`. */
const TAG = /^\s*(\*\*|__)?\s*\[\s*(P|US[-\s]?\d+|Story[-\s]*\d+|S\d+)\s*\]\s*(\*\*|__)?/i;
/** A story tag anywhere in a line (for the range of a lint problem). */
export const STORY_TAG = /\[\s*(?:US[-\s]?\d+|Story[-\s]*\d+|S\d+)\s*\]/i;

export type TaskTag = { readonly kind: 'parallel' } | { readonly kind: 'story'; readonly id: string; readonly canonical: boolean };

/** The tag `text` starts with and its length (emphasis and spaces included), if it starts with one. */
export function leadingTag(text: string): { readonly tag: TaskTag; readonly length: number } | undefined {
  const m = TAG.exec(text);
  if (!m) return undefined;
  const v = m[2]!;
  if (/^p$/i.test(v)) return { tag: { kind: 'parallel' }, length: m[0].length };
  const digits = /\d+/.exec(v)![0];
  return { tag: { kind: 'story', id: `US${Number(digits)}`, canonical: /^US\d+$/.test(v) && String(Number(digits)) === digits }, length: m[0].length };
}

/** Every tag `text` starts with, and the text after them. */
export function leadingTags(text: string): { readonly tags: TaskTag[]; readonly raw: string; readonly rest: string } {
  const tags: TaskTag[] = [];
  let rest = text;
  for (let t = leadingTag(rest); t; t = leadingTag(rest)) {
    tags.push(t.tag);
    rest = rest.slice(t.length);
  }
  return { tags, raw: text.slice(0, text.length - rest.length), rest };
}
