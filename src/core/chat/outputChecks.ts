/**
 * Whether a file a model produced is usable before anything is written: small repairs (a wrapping
 * fence, an introductory line, line endings, the final newline) are made and listed; garbage
 * (empty, binary, a refusal, JSON, a truncated reply, a document of the wrong kind) is refused with a
 * reason the user can read.
 */
import { type Nodes } from 'mdast';
import { parse as parseYaml } from 'yaml';
import { parseConstitution, type ConstitutionDoc } from '../artifacts/constitution';
import { parsePlan, type PlanDoc } from '../artifacts/plan';
import { parseSpec, type SpecDoc } from '../artifacts/spec';
import { parseTasks, type TasksDoc } from '../artifacts/tasks';
import { type MarkdownDoc, parseMarkdown } from '../markdown/markdownDoc';
import { unwrapMarkdownFence } from './fileEnvelope';

export interface OutputCheck<T> {
  /** True when `problems` is empty: the text may be written. */
  ok: boolean;
  /** The parsed document, when the text got far enough to be parsed. */
  doc?: T;
  /** The repaired text (LF line endings, one trailing newline). */
  text: string;
  /** What was repaired, for the user. */
  repaired: string[];
  /** Why the text is refused; empty when it is usable. */
  problems: string[];
}

// eslint-disable-next-line no-control-regex -- detecting control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const REFUSAL =
  /^\W{0,3}(?:(?:i'?m|i am)\s+(?:sorry|afraid|unable|not able)|sorry\b|i\s+(?:can(?:no|')?t|cannot|won'?t|will not|am not able to|do not|don'?t)\s+(?:help|assist|comply|provide|create|write|do|generate|fulfil)|as an ai\b|unfortunately,?\s+i\b)/i;
const CHATTER =
  /^(?:here(?:'s| is| are)\b|sure\b|certainly\b|of course\b|okay\b|ok\b|absolutely\b|great\b|below\b|the following\b|this is\b|i(?:'ve| have)\s+(?:created|written|updated|drafted|generated|prepared|revised)\b|i(?:'ll| will)\b|let me\b)/i;
/** A line that begins the document proper: a heading, front matter, an HTML comment, a wrapping fence. */
const DOCUMENT_START = /^(?:[ \t]{0,3}#{1,6}(?:[ \t]|$)|---[ \t]*$|[ \t]*<!--|[ \t]{0,3}(?:`{3,}|~{3,})[ \t]*(?:(?:markdown|md)[ \t]*)?$)/i;
const MARKDOWN_OPEN = /^[ \t]{0,3}(`{3,}|~{3,})[ \t]*(?:markdown|md)[ \t]*$/i;

/** The shared part: normalize, repair, refuse what no kind could use. */
function prepare(content: string): { text: string; repaired: string[]; problems: string[] } {
  const repaired: string[] = [];
  if (typeof content !== 'string') return { text: '', repaired, problems: ['The model returned no text.'] };
  let text = content.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (text.trim() === '') return { text, repaired, problems: ['The model returned an empty file.'] };
  if (text.includes('\u0000') || CONTROL.test(text) || LONE_SURROGATE.test(text)) {
    return { text, repaired, problems: ['The text contains control characters or broken characters; it looks like binary data, not markdown.'] };
  }
  const replacement = (text.match(/\uFFFD/g) ?? []).length;
  if (replacement > 3 && replacement * 100 > text.length) return { text, repaired, problems: ['The text is full of undecodable characters (\uFFFD); it looks like binary data.'] };

  const unwrap = (t: string): string => {
    const u = unwrapMarkdownFence(t);
    if (u.unwrapped) repaired.push('Removed the ```markdown fence around the whole file.');
    return u.text;
  };
  text = unwrap(text);
  if (!repaired.length) {
    const intro = stripIntro(text);
    if (intro) {
      repaired.push(`Removed the model's introductory text "${clip(intro.removed)}".`);
      text = intro.text;
    }
    const before = repaired.length;
    text = unwrap(text);
    if (repaired.length === before) {
      const outro = stripOutro(text);
      if (outro) {
        const u = unwrapMarkdownFence(outro.text);
        if (u.unwrapped) {
          text = u.text;
          repaired.push('Removed the ```markdown fence around the whole file.', `Removed the model's closing remark "${clip(outro.removed)}".`);
        }
      }
    }
  }

  const midLine = !text.endsWith('\n');
  const trimmedEnd = text.trimEnd();
  if (trimmedEnd + '\n' !== text) {
    if (!text.endsWith('\n')) repaired.push('Added the missing newline at the end of the file.');
    text = trimmedEnd + '\n';
  }
  return { text, repaired, problems: garbageProblems(text, midLine) };
}

/** Chat before the document ("Here is the spec:"): at most three short lines, and recognizably chat. */
function stripIntro(text: string): { text: string; removed: string } | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => DOCUMENT_START.test(l));
  if (start <= 0) return undefined;
  const before = lines.slice(0, start).filter((l) => l.trim() !== '');
  if (before.length === 0 || before.length > 3 || before.join(' ').length > 600) return undefined;
  const first = before[0]!.trim();
  // A refusal before a heading is left for the refusal check to see.
  if (REFUSAL.test(first) || !(CHATTER.test(first) || /:\s*$/.test(before[before.length - 1]!))) return undefined;
  return { text: lines.slice(start).join('\n'), removed: before.join(' ').trim() };
}

/** Chat after a ```markdown block that holds the whole document ("Let me know if…"). */
function stripOutro(text: string): { text: string; removed: string } | undefined {
  const lines = text.split('\n');
  let first = 0;
  while (first < lines.length && lines[first]!.trim() === '') first++;
  const open = MARKDOWN_OPEN.exec(lines[first] ?? '');
  if (!open) return undefined;
  const fence = open[1]!;
  for (let i = lines.length - 1; i > first; i--) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (line[0] === fence[0] && /^(`{3,}|~{3,})$/.test(line) && line.length >= fence.length) {
      const after = lines.slice(i + 1).filter((l) => l.trim() !== '');
      if (after.length === 0 || after.length > 3 || after.join(' ').length > 400) return undefined;
      if (after.some((l) => /^\s*(?:#|[-*+]\s|\d+\.\s|\||```|~~~|<)/.test(l))) return undefined;
      return { text: lines.slice(0, i + 1).join('\n'), removed: after.join(' ').trim() };
    }
    if (i < lines.length - 4) return undefined;
  }
  return undefined;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

/** Refusals, JSON and truncation: things wrong whatever the kind. */
function garbageProblems(text: string, midLine: boolean): string[] {
  const trimmed = text.trim();
  const firstLine = trimmed.split('\n')[0]!.trim();
  const hasHeading = /^[ \t]{0,3}#{1,6}[ \t]+\S/m.test(text) || /\S[ \t]*\n[ \t]{0,3}(?:=+|-{2,})[ \t]*$/m.test(text);
  if (REFUSAL.test(firstLine) && (!hasHeading || trimmed.length < 400)) return [`The model declined instead of writing the file: "${clip(firstLine)}"`];
  if (looksLikeJson(trimmed)) return ['The model returned JSON, not a markdown document.'];
  const problems: string[] = [];
  const truncation = truncationProblem(text, midLine);
  if (truncation) problems.push(truncation);
  return problems;
}

function looksLikeJson(trimmed: string): boolean {
  const inner = /^(`{3,}|~{3,})[ \t]*json[ \t]*\n([\s\S]*)\n\1[ \t]*$/i.exec(trimmed);
  if (inner) return true;
  if (!/^[[{]/.test(trimmed)) return false;
  try {
    const v: unknown = JSON.parse(trimmed);
    return typeof v === 'object' && v !== null;
  } catch {
    // `{"title": …` cut off is still JSON, not markdown.
    return /^\{\s*"/.test(trimmed) || /^\[\s*[{"]/.test(trimmed);
  }
}

/**
 * A reply that stops inside a code block, an HTML comment or the front matter was cut off: writing
 * it would lose the rest silently.
 */
function truncationProblem(text: string, midLine: boolean): string | undefined {
  const lines = text.replace(/\n$/, '').split('\n');
  let open: { char: string; len: number; line: number } | undefined;
  let inComment = false;
  for (let i = 0; i < lines.length; i++) {
    // Inside a list item a fence is indented by the item's content offset, often four spaces or
    // more (`1. …` then `    ```bash`), and its closing fence too: any indentation counts here.
    const m = /^[ \t]*(`{3,}|~{3,})([^\n]*)$/.exec(lines[i]!);
    if (!m) {
      if (!open) inComment = commentStateAfter(lines[i]!, inComment);
      continue;
    }
    const info = m[2]!.trim();
    if (m[1]![0] === '`' && info.includes('`')) continue;
    if (!open) open = { char: m[1]![0]!, len: m[1]!.length, line: i };
    else if (info === '' && m[1]![0] === open.char && m[1]!.length >= open.len) open = undefined;
  }
  if (open) {
    const cut = midLine ? ', and stops mid-line' : '';
    return `The text ends inside a code block opened at line ${open.line + 1}${cut}; the reply looks cut off.`;
  }
  if (inComment) return 'The text ends inside an HTML comment (<!-- without -->); the reply looks cut off.';
  if (/^---[ \t]*\n/.test(text) && !/\n---[ \t]*(?:\n|$)/.test(text.slice(3))) return 'The front matter (---) is never closed; the reply looks cut off.';
  return undefined;
}

/** Whether a line leaves us inside an HTML comment, given whether it started inside one. */
function commentStateAfter(line: string, inside: boolean): boolean {
  let at = 0;
  for (;;) {
    if (inside) {
      const close = line.indexOf('-->', at);
      if (close === -1) return true;
      inside = false;
      at = close + 3;
    } else {
      const open = line.indexOf('<!--', at);
      if (open === -1) return false;
      inside = true;
      at = open + 4;
    }
  }
}

/** Headings and content outside code, from the parsed tree. */
function shape(doc: MarkdownDoc): { headings: number; h1: number; content: number } {
  let headings = 0;
  let h1 = 0;
  let content = 0;
  for (const node of doc.root.children as Nodes[]) {
    if (node.type === 'heading') {
      headings++;
      if (node.depth === 1) h1++;
    } else if (node.type !== 'yaml' && node.type !== 'html' && node.type !== 'thematicBreak' && node.type !== 'definition') {
      content++;
    }
  }
  return { headings, h1, content };
}

function finish<T>(base: { text: string; repaired: string[]; problems: string[] }, doc: T | undefined, kindProblems: string[]): OutputCheck<T> {
  const problems = [...base.problems, ...kindProblems];
  const out: OutputCheck<T> = { ok: problems.length === 0, text: base.text, repaired: base.repaired, problems };
  if (doc !== undefined) out.doc = doc;
  return out;
}

/** The common markdown requirements: a heading and something under it. */
function markdownProblems(md: MarkdownDoc, what: string): string[] {
  const s = shape(md);
  if (s.headings === 0) return [`The ${what} has no markdown heading; it is not a ${what}.`];
  if (s.content === 0) return [`The ${what} has headings but no content.`];
  return [];
}

export function checkSpecOutput(content: string): OutputCheck<SpecDoc> {
  const base = prepare(content);
  if (base.problems.length) return finish<SpecDoc>(base, undefined, []);
  const doc = parseSpec(base.text);
  const problems = markdownProblems(parseMarkdown(base.text), 'spec');
  if (!problems.length && doc.stories.length === 0 && doc.requirements.length === 0) {
    problems.push('The spec has no user story and no requirement (FR-001…); it is too thin to be a spec.');
  }
  if (!problems.length && doc.title && /^\[[^\]]*\]$/.test(doc.title.value)) problems.push(`The spec's title is still the template's "${doc.title.value}"; the template was not filled.`);
  return finish(base, doc, problems);
}

export function checkPlanOutput(content: string): OutputCheck<PlanDoc> {
  const base = prepare(content);
  if (base.problems.length) return finish<PlanDoc>(base, undefined, []);
  const md = parseMarkdown(base.text);
  const doc = parsePlan(base.text);
  const problems = markdownProblems(md, 'plan');
  if (!problems.length && shape(md).h1 === 0) problems.push('The plan has no "# " title (such as "# Implementation Plan: …").');
  if (!problems.length && doc.title && /^\[[^\]]*\]$/.test(doc.title.value)) problems.push(`The plan's title is still the template's "${doc.title.value}"; the template was not filled.`);
  return finish(base, doc, problems);
}

export function checkTasksOutput(content: string): OutputCheck<TasksDoc> {
  const base = prepare(content);
  if (base.problems.length) return finish<TasksDoc>(base, undefined, []);
  const doc = parseTasks(base.text);
  const problems = markdownProblems(doc.markdown, 'task list');
  if (!problems.length && doc.total === 0) problems.push('The task list has no task ("- [ ] T001 …").');
  return finish(base, doc, problems);
}

export function checkConstitutionOutput(content: string): OutputCheck<ConstitutionDoc> {
  const base = prepare(content);
  if (base.problems.length) return finish<ConstitutionDoc>(base, undefined, []);
  const doc = parseConstitution(base.text);
  const problems = markdownProblems(parseMarkdown(base.text), 'constitution');
  if (!problems.length && doc.isPlaceholder) problems.push('The constitution is still the unfilled template (its name, version or principles are [PLACEHOLDERS]).');
  if (!problems.length && doc.principles.length === 0) problems.push('The constitution has no principles.');
  return finish(base, doc, problems);
}

/** research.md, data-model.md, quickstart.md and markdown contracts. */
export function checkMarkdownOutput(content: string): OutputCheck<MarkdownDoc> {
  const base = prepare(content);
  if (base.problems.length) return finish<MarkdownDoc>(base, undefined, []);
  const doc = parseMarkdown(base.text);
  return finish(base, doc, markdownProblems(doc, 'document'));
}

/** A JSON or YAML contract: it must parse and be an object or a list. */
export function checkStructuredOutput(content: string, format: 'json' | 'yaml'): OutputCheck<unknown> {
  const repaired: string[] = [];
  let text = typeof content === 'string' ? content.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n') : '';
  const fenced = /^\s*(`{3,}|~{3,})[ \t]*(?:(?:json|ya?ml)[ \t]*)?\n([\s\S]*?)\n[ \t]*\1\s*$/i.exec(text);
  if (fenced) {
    text = fenced[2]!;
    repaired.push('Removed the code fence around the whole file.');
  }
  if (text.trim() === '') return { ok: false, text, repaired, problems: ['The model returned an empty file.'] };
  if (CONTROL.test(text) || text.includes('\u0000')) return { ok: false, text, repaired, problems: ['The text contains control characters; it looks like binary data.'] };
  text = text.trimEnd() + '\n';
  let value: unknown;
  try {
    value = format === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { ok: false, text, repaired, problems: [`The ${format.toUpperCase()} does not parse: ${msg}`] };
  }
  if (typeof value !== 'object' || value === null) return { ok: false, text, repaired, problems: [`The ${format.toUpperCase()} is not an object or a list.`] };
  return { ok: true, doc: value, text, repaired, problems: [] };
}

export type AnyOutputCheck = OutputCheck<SpecDoc> | OutputCheck<PlanDoc> | OutputCheck<TasksDoc> | OutputCheck<ConstitutionDoc> | OutputCheck<MarkdownDoc> | OutputCheck<unknown>;

/** The check for a file by its (feature-relative or project-relative) path. */
export function checkOutputForPath(path: string, content: string): AnyOutputCheck {
  const base = path.split('/').pop()!.toLowerCase();
  if (base === 'spec.md') return checkSpecOutput(content);
  if (base === 'plan.md') return checkPlanOutput(content);
  if (base === 'tasks.md') return checkTasksOutput(content);
  if (base === 'constitution.md') return checkConstitutionOutput(content);
  if (base.endsWith('.json')) return checkStructuredOutput(content, 'json');
  if (base.endsWith('.yaml') || base.endsWith('.yml')) return checkStructuredOutput(content, 'yaml');
  return checkMarkdownOutput(content);
}
