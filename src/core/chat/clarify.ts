import { type Heading } from 'mdast';
import { findMarkers, maskedText } from '../artifacts/docScan';
import { parseSpec } from '../artifacts/spec';
import { headingKey, nodeStart, parseMarkdown, type Section, sections } from '../markdown/markdownDoc';

/** One clarifying question, as the model proposed it and code validated it. */
export interface ClarifyQuestion {
  /** One line, ending with `?` (an `(FR-001)`-style reference may follow it). */
  question: string;
  /** One line: why the answer matters. */
  why: string;
  kind: 'choice' | 'short';
  /** Choice questions: 2–5 options labelled A, B, …; short questions: []. */
  options: Array<{ label: string; description: string }>;
  /** Choice: the recommended option's label ("B"); short: the suggested answer (≤5 words). */
  recommended?: string;
  /** Why the recommendation, one line. */
  recommendedReason?: string;
  /** The spec section the answer will change ("Functional Requirements"…). */
  section?: string;
}

/** spec-kit asks at most five questions per clarify session. */
export const MAX_CLARIFY_QUESTIONS = 5;
const MAX_OPTIONS = 5;
const LABELS = ['A', 'B', 'C', 'D', 'E'];
/** Model output beyond this is not searched for JSON (a runaway answer must not stall the chat). */
const MAX_MODEL_TEXT = 200_000;
const MAX_FIELD = 1000;

// ---- tolerant JSON ------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * A small JSON reader that also accepts what models write in place of JSON: single-quoted strings,
 * unquoted keys, trailing commas, comments and typographic quotes. It never evaluates anything.
 */
class LooseJson {
  private i = 0;
  private depth = 0;
  constructor(private readonly s: string) {}

  /** The value that starts at `at`, and where it ends; undefined when none parses there. */
  static readAt(s: string, at: number): { value: Json; end: number } | undefined {
    const r = new LooseJson(s);
    r.i = at;
    try {
      const value = r.value();
      return { value, end: r.i };
    } catch {
      return undefined;
    }
  }

  private fail(): never {
    throw new Error('not json');
  }

  private ws(): void {
    const s = this.s;
    for (;;) {
      while (this.i < s.length && /\s/.test(s[this.i]!)) this.i++;
      if (s.startsWith('//', this.i)) {
        const nl = s.indexOf('\n', this.i);
        this.i = nl < 0 ? s.length : nl;
      } else if (s.startsWith('/*', this.i)) {
        const close = s.indexOf('*/', this.i + 2);
        if (close < 0) this.fail();
        this.i = close + 2;
      } else return;
    }
  }

  private value(): Json {
    this.ws();
    const c = this.s[this.i];
    if (c === undefined) this.fail();
    if (c === '[' || c === '{') {
      // Deeply nested hostile input must not blow the stack.
      if (++this.depth > 64) this.fail();
      const v = c === '[' ? this.array() : this.object();
      this.depth--;
      return v;
    }
    if (c === '"' || c === "'" || c === '\u201c' || c === '\u2018') return this.string();
    const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(this.s.slice(this.i, this.i + 40));
    if (!m) this.fail();
    this.i += m[0].length;
    return m[0] === 'true' ? true : m[0] === 'false' ? false : m[0] === 'null' ? null : Number(m[0]);
  }

  private array(): Json[] {
    this.i++;
    const out: Json[] = [];
    for (;;) {
      this.ws();
      if (this.s[this.i] === ']') {
        this.i++;
        return out;
      }
      out.push(this.value());
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== ']') this.fail();
    }
  }

  private object(): { [key: string]: Json } {
    this.i++;
    const out: { [key: string]: Json } = {};
    for (;;) {
      this.ws();
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      let key: string;
      const c = this.s[this.i];
      if (c === '"' || c === "'" || c === '\u201c' || c === '\u2018') key = this.string();
      else {
        const m = /^[A-Za-z_$][\w$-]*/.exec(this.s.slice(this.i, this.i + 100));
        if (!m) this.fail();
        key = m[0];
        this.i += key.length;
      }
      this.ws();
      if (this.s[this.i] !== ':') this.fail();
      this.i++;
      // Own-property writes only: a "__proto__" key must not reach the prototype.
      Object.defineProperty(out, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') this.fail();
    }
  }

  private string(): string {
    const open = this.s[this.i]!;
    const close = open === '\u201c' ? '\u201d' : open === '\u2018' ? '\u2019' : open;
    this.i++;
    let out = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i++]!;
      if (c === close) return out;
      if (c === '\\') {
        const e = this.s[this.i++];
        if (e === undefined) this.fail();
        if (e === 'u') {
          const hex = this.s.slice(this.i, this.i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail();
          out += String.fromCharCode(parseInt(hex, 16));
          this.i += 4;
        } else out += ({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' } as Record<string, string>)[e] ?? e;
        continue;
      }
      out += c;
    }
    this.fail();
  }
}

/** The question array in a model's answer: a fenced block first, then any `[` or `{` that reads as one. */
function findQuestionArray(text: string): Json[] | undefined {
  const candidates: string[] = [];
  for (const m of text.matchAll(/(^|\n)[ \t]*(`{3,}|~{3,})[^\n]*\n([\s\S]*?)\n[ \t]*\2/g)) candidates.push(m[3]!);
  candidates.push(text);
  for (const source of candidates) {
    let attempts = 0;
    for (let at = 0; at < source.length && attempts < 40; at++) {
      const c = source[at];
      if (c !== '[' && c !== '{') continue;
      attempts++;
      const read = LooseJson.readAt(source, at);
      if (!read) continue;
      const v = read.value;
      if (Array.isArray(v)) return v;
      if (v && typeof v === 'object') {
        const inner = v.questions ?? v.items;
        if (Array.isArray(inner)) return inner;
        // A single question object on its own.
        if (typeof v.question === 'string') return [v];
      }
      at = read.end - 1;
    }
  }
  return undefined;
}

function field(o: { [key: string]: Json }, ...names: string[]): Json | undefined {
  for (const n of names) {
    for (const k of Object.keys(o)) if (k.toLowerCase() === n.toLowerCase()) return o[k];
  }
  return undefined;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, MAX_FIELD);
}

function str(v: Json | undefined): string {
  return typeof v === 'string' ? oneLine(v) : typeof v === 'number' ? String(v) : '';
}

/** `Option B`, `b)`, `B.` → `B`. */
function labelOf(raw: string): string | undefined {
  const m = /^\s*(?:option\s+)?([A-Ea-e])\s*[).:]?\s*$/i.exec(raw);
  return m ? m[1]!.toUpperCase() : undefined;
}

function withQuestionMark(q: string): string {
  const t = q.replace(/[\s:;,.]+$/, '');
  if (/[?？]$/.test(t)) return t;
  // spec-kit allows a requirement reference after the question mark: "…? (FR-003)".
  const ref = /^(.*[?？])\s*(\([^()]{1,40}\))$/.exec(t);
  if (ref) return `${ref[1]} ${ref[2]}`;
  return `${t}?`;
}

/**
 * Reads the model's clarifying questions. The model is asked for a JSON array; this accepts a fenced
 * block, prose around it, trailing commas and single quotes, keeps the first five valid questions and
 * says why any entry was dropped. `[]` means "no critical ambiguities".
 */
export function parseClarifyQuestions(modelText: string): { questions: ClarifyQuestion[]; problems: string[] } {
  const problems: string[] = [];
  const text = modelText.length > MAX_MODEL_TEXT ? modelText.slice(0, MAX_MODEL_TEXT) : modelText;
  const array = findQuestionArray(text);
  if (!array) return { questions: [], problems: ['The model did not answer with a JSON array of questions.'] };
  const questions: ClarifyQuestion[] = [];
  array.forEach((entry, i) => {
    const n = i + 1;
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      problems.push(`Question ${n} is not an object; dropped.`);
      return;
    }
    const q = str(field(entry, 'question', 'q', 'text'));
    if (!q) {
      problems.push(`Question ${n} has no question text; dropped.`);
      return;
    }
    // spec-kit: a topic label ("Data retention") or a requirement ID ("FR-004") is not a question.
    if (!q.includes('?') && (q.split(/\s+/).length <= 4 || /^\(?(?:FR|SC|NFR|US|AC)[-\s]?\d+\)?\b/i.test(q))) {
      problems.push(`Question ${n} ("${q}") is a topic, not a question; dropped.`);
      return;
    }
    const why = str(field(entry, 'why', 'reason', 'rationale', 'impact'));
    const section = str(field(entry, 'section', 'category', 'area'));
    const rawOptions = field(entry, 'options', 'choices');
    const rawKind = str(field(entry, 'kind', 'type')).toLowerCase();
    const options: Array<{ label: string; description: string; given?: string }> = [];
    if (Array.isArray(rawOptions)) {
      for (const o of rawOptions) {
        if (typeof o === 'string' || typeof o === 'number') {
          const d = str(o).replace(/^(?:option\s+)?[A-E]\s*[).:—–-]\s+/i, '');
          if (d) options.push({ label: '', description: d });
        } else if (o && typeof o === 'object' && !Array.isArray(o)) {
          const d = str(field(o, 'description', 'answer', 'text', 'value', 'option'));
          const given = str(field(o, 'label', 'id', 'key'));
          if (d) options.push({ label: '', description: d, ...(given ? { given } : {}) });
          else if (given && !labelOf(given)) options.push({ label: '', description: given });
        }
      }
    }
    const kind: 'choice' | 'short' = rawKind.startsWith('short') || rawKind === 'text' ? 'short' : rawKind.startsWith('choice') || options.length > 0 ? 'choice' : 'short';
    const rec = field(entry, 'recommended', 'recommendation', 'suggested', 'suggestion', 'default');
    let recommended: string | undefined;
    let recommendedReason = str(field(entry, 'recommendedReason', 'recommendationReason', 'reasoning'));
    let recText = '';
    if (typeof rec === 'string' || typeof rec === 'number') recText = str(rec);
    else if (rec && typeof rec === 'object' && !Array.isArray(rec)) {
      recText = str(field(rec, 'option', 'label', 'answer', 'value'));
      recommendedReason ||= str(field(rec, 'reason', 'why', 'rationale'));
    }

    if (kind === 'choice') {
      if (options.length < 2) {
        problems.push(`Question ${n} ("${q}") is a choice with ${options.length} option(s); 2–${MAX_OPTIONS} are needed. Dropped.`);
        return;
      }
      if (options.length > MAX_OPTIONS) {
        problems.push(`Question ${n} has ${options.length} options; kept the first ${MAX_OPTIONS}.`);
        options.length = MAX_OPTIONS;
      }
      options.forEach((o, k) => (o.label = LABELS[k]!));
      if (recText) {
        // The option's own text, the model's own label, or "B", "Option B", "B - reason".
        const byText = options.find((o) => o.description.toLowerCase() === recText.toLowerCase());
        const byGiven = options.find((o) => o.given !== undefined && (o.given === recText || labelOf(o.given) === labelOf(recText)));
        const m = /^\s*(?:option\s+)?([A-Ea-e])\s*(?:$|[).:]\s*|\s+[—–-]\s+)(.*)$/i.exec(recText);
        if (byText) recommended = byText.label;
        else if (byGiven) recommended = byGiven.label;
        else if (m) {
          const label = m[1]!.toUpperCase();
          const given = options.find((o) => o.given !== undefined && labelOf(o.given) === label);
          recommended = given ? given.label : options.some((o) => o.label === label) ? label : undefined;
          if (m[2]) recommendedReason ||= oneLine(m[2]);
        }
        if (!recommended) problems.push(`Question ${n}: the recommendation "${recText}" names no option; no recommendation shown.`);
      }
    } else {
      options.length = 0;
      if (recText) recommended = recText;
    }
    if (questions.length >= MAX_CLARIFY_QUESTIONS) {
      problems.push(`Question ${n} dropped: at most ${MAX_CLARIFY_QUESTIONS} questions are asked per session.`);
      return;
    }
    questions.push({
      question: withQuestionMark(q),
      why,
      kind,
      options: options.map((o) => ({ label: o.label, description: o.description })),
      ...(recommended ? { recommended } : {}),
      ...(recommendedReason && recommended ? { recommendedReason } : {}),
      ...(section ? { section } : {}),
    });
  });
  return { questions, problems };
}

// ---- presentation -------------------------------------------------------------------------------

/** A table cell: one line, pipes escaped. */
function cell(s: string): string {
  return oneLine(s).replace(/\|/g, '\\|');
}

function recommendedOption(q: ClarifyQuestion): { label: string; description: string } | undefined {
  return q.kind === 'choice' && q.recommended ? q.options.find((o) => o.label === q.recommended) : undefined;
}

/**
 * One question as spec-kit presents it: "**Question n of N:**", why it matters, then an options
 * table and the recommendation, or the short-answer format and the suggestion. `index` is the
 * 1-based number shown. How to reply is left to the caller.
 */
export function questionMarkdown(q: ClarifyQuestion, index: number, total: number): string {
  const lines = [`**Question ${index} of ${total}:** ${q.question}`, ''];
  if (q.why) lines.push(`*Why it matters:* ${oneLine(q.why)}`, '');
  if (q.kind === 'choice') {
    lines.push('| Option | Description |', '|--------|-------------|');
    for (const o of q.options) lines.push(`| ${o.label} | ${cell(o.description)} |`);
    lines.push('');
    const rec = recommendedOption(q);
    if (rec) lines.push(`**Recommended:** Option ${rec.label}${q.recommendedReason ? ` — ${oneLine(q.recommendedReason)}` : ''}`);
  } else {
    if (q.recommended) lines.push(`**Suggested:** ${oneLine(q.recommended)}${q.recommendedReason ? ` — ${oneLine(q.recommendedReason)}` : ''}`, '');
    lines.push('Format: short answer (answer in ≤5 words)');
  }
  return lines.join('\n').trimEnd();
}

/** Every question at once, numbered 1., 2., … so the user can answer them in one numbered reply (the seed's way). */
export function allQuestionsMarkdown(qs: readonly ClarifyQuestion[]): string {
  const out: string[] = [];
  qs.forEach((q, i) => {
    out.push(`${i + 1}. ${q.section ? `**${oneLine(q.section)}:** ` : ''}${q.question}`);
    if (q.why) out.push(`   *Why it matters:* ${oneLine(q.why)}`);
    if (q.kind === 'choice') {
      for (const o of q.options) out.push(`   - **${o.label}**: ${oneLine(o.description)}${o.label === q.recommended ? ' *(recommended)*' : ''}`);
    } else {
      out.push(`   - Short answer (≤5 words)${q.recommended ? `; suggested: ${oneLine(q.recommended)}` : ''}`);
    }
  });
  return out.join('\n');
}

// ---- answers ------------------------------------------------------------------------------------

const STOP = /^(?:done|stop|no more(?: questions)?|proceed|good|that'?s (?:all|enough)|enough|skip(?: the)? rest|finish|end)$/;
const ACCEPT = /^(?:y|yes|yep|yeah|ok|okay|sure|recommended|suggested|accept|agreed?|(?:yes,?\s*)?(?:use|go with|take) (?:the )?(?:recommend(?:ed|ation)|suggest(?:ed|ion))|sounds good|fine)$/;

/**
 * Interprets a reply to one question: a letter or "Option C" picks that option (the recorded answer is
 * its description, `option` its label); "yes"/"recommended"/"ok" take the recommendation; "done",
 * "stop", "no more", "proceed", "good" end the session; anything else is the answer itself, on one line.
 */
export function resolveAnswer(q: ClarifyQuestion, reply: string): { answer: string; option?: string } | { stop: true } | { unclear: string } {
  const text = oneLine(reply);
  if (!text) return { unclear: 'The reply is empty: answer the question, or say "done" to stop.' };
  const norm = text.toLowerCase().replace(/[.!。]+$/, '').trim();
  if (STOP.test(norm)) return { stop: true };
  if (ACCEPT.test(norm)) {
    const rec = recommendedOption(q);
    if (rec) return { answer: rec.description, option: rec.label };
    if (q.kind === 'short' && q.recommended) return { answer: oneLine(q.recommended) };
    return { unclear: 'There is no recommendation for this question: pick an option or write your answer.' };
  }
  if (q.kind === 'choice') {
    // "A", "b)", "Option C", "C." — and "B - because …" (the reason is not part of the answer).
    const m = /^(?:option\s*)?([a-z])(?:\s*[).:]|\s+[—–-](?=\s)|$)/i.exec(text);
    if (m && (m[0].length === text.length || /[).:—–-]\s*$/.test(m[0]) || /^option/i.test(text))) {
      const label = m[1]!.toUpperCase();
      const o = q.options.find((x) => x.label === label);
      if (o) return { answer: o.description, option: o.label };
      return { unclear: `There is no option ${label}; choose ${q.options.map((x) => x.label).join(', ')}, or write your answer.` };
    }
    const same = q.options.find((o) => o.description.toLowerCase() === norm);
    if (same) return { answer: same.description, option: same.label };
  }
  return { answer: text };
}

const NUMBERED = /^\s*(?:[-*+]\s+)?(?:\*\*)?(?:Q(?:uestion)?\s*)?(\d{1,2})(?:\*\*)?\s*(?:[.):]|\s[-–—](?=\s)|(?<=Q\s*\d{1,2})\s*[-–—])\s*(?:\*\*)?\s*(.*)$/i;

/**
 * Answers in a numbered reply ("1. Backup: 7 days…", "2) …", "Q3: …", "Q4 - …"), by question number.
 * Lines that follow a numbered line belong to its answer (bullets joined with "; "). Text before the
 * first number is ignored; a reply with no numbered line at all gives an empty map. Also reads
 * spec-kit's one-line form "Q1: A, Q2: Custom - …, Q3: B".
 */
export function parseNumberedAnswers(reply: string, count: number): Map<number, string> {
  const out = new Map<number, string>();
  const inline = /^\s*Q\d{1,2}\s*[:.)-]/i.test(reply) && !reply.trim().includes('\n');
  if (inline) {
    const parts = [...reply.matchAll(/(?:^|[,;]\s*)Q(\d{1,2})\s*[:.)]?\s*[-–—]?\s*/gi)];
    parts.forEach((p, i) => {
      const n = Number(p[1]);
      const end = i + 1 < parts.length ? parts[i + 1]!.index : reply.length;
      const value = oneLine(reply.slice(p.index + p[0].length, end));
      if (n >= 1 && n <= count && value && !out.has(n)) out.set(n, value);
    });
    return out;
  }
  let current: { n: number; parts: string[] } | undefined;
  const flush = (): void => {
    if (current && !out.has(current.n)) {
      const value = current.parts.filter(Boolean).join(' ').replace(/\s+;/g, ';').replace(/^;\s*/, '').trim();
      if (value) out.set(current.n, value.slice(0, 4 * MAX_FIELD));
    }
  };
  for (const line of reply.split(/\r?\n/)) {
    const m = NUMBERED.exec(line);
    const n = m ? Number(m[1]) : NaN;
    if (m && n >= 1 && n <= count) {
      flush();
      current = { n, parts: [m[2]!.replace(/\*\*\s*$/, '').trim()] };
      continue;
    }
    if (!current) continue;
    const t = line.trim();
    if (!t) continue;
    const bullet = /^[-*+•]\s+(.*)$/.exec(t);
    current.parts.push(bullet ? `; ${bullet[1]!.trim()}` : t);
  }
  flush();
  return out;
}

// ---- writing the spec ---------------------------------------------------------------------------

const CLARIFICATIONS = /^(?:clarifications?|明確化|明確化事項|確認事項|澄清|澄清事项|澄清事項|釐清|釐清事項|明确)/;
const OVERVIEW = /^(?:overview|summary|context|background|introduction|description|purpose|概要|概述|背景)/;

interface Layout {
  bom: string;
  eol: string;
}

function layoutOf(text: string): Layout {
  const bom = text.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  return { bom, eol: crlf > 0 && crlf >= lf ? '\r\n' : '\n' };
}

/** The question or answer as it can be written on one `- Q: … → A: …` line and read back the same. */
function entryText(s: string): string {
  // An arrow followed by "A:" would split the entry in the wrong place when it is read back.
  return oneLine(s).replace(/(→|->|=>|⇒)(?=\s*A\s*[:：])/g, '-');
}

function sameEntry(a: { question: string; answer: string }, b: { question: string; answer: string }): boolean {
  const n = (s: string): string => s.replace(/[*_`]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
  return n(a.question) === n(b.question) && n(a.answer) === n(b.answer);
}

/**
 * Records answers in spec-kit's format: `## Clarifications` (created after the overview part of the
 * spec when missing) → `### Session <date>` (today's reused, else a new one after the others) →
 * `- Q: … → A: …` bullets. Everything else, line endings and BOM included, stays byte for byte;
 * an entry already recorded in that session is not written again.
 */
export function recordClarification(specText: string, entries: Array<{ question: string; answer: string }>, date: string): string {
  const { bom, eol } = layoutOf(specText);
  const doc = parseMarkdown(specText);
  const text = doc.text;
  const all = sections(doc);
  const section = all.find((s) => CLARIFICATIONS.test(s.key));
  const spec = parseSpec(specText);
  const session = section ? lastSession(all, section, date) : undefined;
  const recorded = section ? spec.clarifications.filter((s) => s.date === date).flatMap((s) => s.entries) : [];

  const fresh: Array<{ question: string; answer: string }> = [];
  for (const e of entries) {
    const entry = { question: entryText(e.question), answer: entryText(e.answer) };
    if (!entry.question) continue;
    if (recorded.some((r) => sameEntry(r, entry)) || fresh.some((f) => sameEntry(f, entry))) continue;
    fresh.push(entry);
  }
  if (fresh.length === 0) return specText;
  const bullets = fresh.map((e) => `- Q: ${e.question} → A: ${e.answer}`);

  let at: number;
  let insert: string[];
  if (session) {
    const last = session.content[session.content.length - 1];
    at = session.end;
    // Continue a list directly; after a paragraph or heading, start a new block.
    insert = last?.type === 'list' ? ['', ...bullets] : ['', '', ...bullets];
  } else if (section) {
    at = section.end;
    insert = ['', '', `### Session ${date}`, '', ...bullets];
  } else {
    const block = ['## Clarifications', '', `### Session ${date}`, '', ...bullets];
    const h2s = doc.root.children.filter((n): n is Heading => n.type === 'heading' && n.depth === 2);
    const first = h2s[0];
    const firstSection = first ? all.find((s) => s.heading === first) : undefined;
    if (firstSection && OVERVIEW.test(headingKey(firstSection.title))) {
      at = firstSection.end;
      insert = ['', '', ...block];
    } else if (first) {
      at = lineStartAt(text, nodeStart(first));
      insert = [...block, '', ''];
    } else {
      at = text.length;
      const trailing = /(\r?\n)*$/.exec(text)![0];
      at -= trailing.length;
      insert = at === 0 ? [...block, ''] : ['', '', ...block, ''];
      if (trailing.length > 0) insert = insert.slice(0, -1);
    }
  }
  const piece = insert.join('\n').replace(/\n/g, eol);
  return bom + text.slice(0, at) + piece + text.slice(at);
}

function lineStartAt(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The last `### Session <date>` under the clarifications section, as a section. */
function lastSession(all: readonly Section[], section: Section, date: string): Section | undefined {
  let found: Section | undefined;
  for (const s of all) {
    if (s.depth <= section.depth || s.start < section.start || s.start > section.end) continue;
    if (new RegExp(`(?:^|\\D)${date.replace(/[-]/g, '\\-')}(?:\\D|$)`).test(s.title)) found = s;
  }
  return found;
}

/**
 * Replaces one `[NEEDS CLARIFICATION: markerText]` (outside code; the first whose text matches)
 * with the answer, on one line. Nothing else changes; the text is returned as is when no marker matches.
 */
export function replaceMarker(specText: string, markerText: string, answer: string): string {
  const doc = parseMarkdown(specText);
  const want = markerText.replace(/\s+/g, ' ').trim();
  const marker = findMarkers(doc, maskedText(doc)).find((m) => m.text === want);
  if (!marker) return specText;
  const bom = specText.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  const start = doc.index.offsetAt(marker.range.start);
  const end = doc.index.offsetAt(marker.range.end);
  return bom + doc.text.slice(0, start) + oneLine(answer) + doc.text.slice(end);
}

/** Exposed for the participant's transcript: a spec's clarification entries recorded on a date. */
export function sessionEntries(specText: string, date: string): Array<{ question: string; answer: string }> {
  return parseSpec(specText)
    .clarifications.filter((s) => s.date === date)
    .flatMap((s) => s.entries.map((e) => ({ question: e.question, answer: e.answer })));
}
