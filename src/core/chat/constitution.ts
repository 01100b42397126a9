import { type ConstitutionDoc, parseConstitution, type Principle } from '../artifacts/constitution';
import { headingKey, parseMarkdown, sections } from '../markdown/markdownDoc';

export type ConstitutionBump = 'MAJOR' | 'MINOR' | 'PATCH' | 'INITIAL';

export interface FinalizedConstitution {
  text: string;
  version: string;
  previousVersion?: string;
  bump: ConstitutionBump;
  /** The version the model wrote in the footer, as written. */
  modelVersion?: string;
  /** The model's version was missing, malformed or too low and was replaced. */
  versionFixed: boolean;
  ratified: string;
  lastAmended: string;
  added: string[];
  removed: string[];
  renamed: Array<{ from: string; to: string }>;
  /** Unfilled `[ALL_CAPS]` tokens left in the text. */
  placeholders: string[];
  /** The Sync Impact Report comment, as prepended. */
  report: string;
  problems: string[];
}

const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;
const ISO_DATE = /\b(\d{4}-\d{2}-\d{2})\b/;

function semver(v: string | undefined): [number, number, number] | undefined {
  const m = v ? SEMVER.exec(v.trim().replace(/^v/i, '')) : null;
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function compare(a: [number, number, number], b: [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function bumped(v: [number, number, number], bump: ConstitutionBump): [number, number, number] {
  if (bump === 'MAJOR') return [v[0] + 1, 0, 0];
  if (bump === 'MINOR') return [v[0], v[1] + 1, 0];
  if (bump === 'PATCH') return [v[0], v[1], v[2] + 1];
  return [1, 0, 0];
}

const fmt = (v: [number, number, number]): string => v.join('.');

/** What a principle or section is called, for matching across versions. */
function nameKey(name: string): string {
  return headingKey(name)
    .replace(/^(?:article|principle)\s+/, '')
    .replace(/^(?:[ivxlcdm]+|\d+)\s*[.:)\-—–]\s*/, '')
    .replace(/\((?:non-negotiable|mandatory)\)/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function words(s: string): Set<string> {
  return new Set(s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 2));
}

function similarity(a: string, b: string): number {
  const wa = words(a);
  const wb = words(b);
  if (wa.size === 0 || wb.size === 0) return 0;
  let common = 0;
  for (const w of wa) if (wb.has(w)) common++;
  return common / (wa.size + wb.size - common);
}

interface Part {
  /** As displayed: "III. Test-First" for a numbered principle. */
  label: string;
  key: string;
  number?: number;
  body: string;
  index: number;
}

const ROMAN: Array<[number, string]> = [
  [1000, 'M'],
  [900, 'CM'],
  [500, 'D'],
  [400, 'CD'],
  [100, 'C'],
  [90, 'XC'],
  [50, 'L'],
  [40, 'XL'],
  [10, 'X'],
  [9, 'IX'],
  [5, 'V'],
  [4, 'IV'],
  [1, 'I'],
];

function roman(n: number): string {
  let out = '';
  for (const [v, r] of ROMAN) {
    while (n >= v) {
      out += r;
      n -= v;
    }
  }
  return out;
}

function principleParts(doc: ConstitutionDoc): Part[] {
  return doc.principles.map((p: Principle, index) => ({
    label: p.number !== undefined ? `${roman(p.number)}. ${p.name}` : p.name,
    key: nameKey(p.name),
    ...(p.number !== undefined ? { number: p.number } : {}),
    body: p.body,
    index,
  }));
}

/** The `##` sections, but not the principles container (its children are diffed as principles). */
function sectionParts(text: string): Part[] {
  const doc = parseMarkdown(text);
  return sections(doc)
    .filter((s) => s.depth === 2)
    .map((s, index) => ({ label: s.title, key: nameKey(s.title), body: doc.text.slice(s.start, s.end), index }));
}

interface Diff {
  added: Part[];
  removed: Part[];
  renamed: Array<{ from: Part; to: Part }>;
  changed: Part[];
}

/** Matches by name; an unmatched old and new part with the same number or much the same text are a rename. */
function diffParts(before: Part[], after: Part[], principles: boolean): Diff {
  const afterLeft = new Set(after);
  const removed: Part[] = [];
  const changed: Part[] = [];
  const unmatched: Part[] = [];
  for (const b of before) {
    const a = after.find((x) => afterLeft.has(x) && x.key === b.key);
    if (a) {
      afterLeft.delete(a);
      if (a.body.replace(/\s+/g, ' ') !== b.body.replace(/\s+/g, ' ')) changed.push(a);
    } else unmatched.push(b);
  }
  const renamed: Array<{ from: Part; to: Part }> = [];
  for (const b of unmatched) {
    const candidates = [...afterLeft];
    const byNumber = principles && b.number !== undefined ? candidates.find((a) => a.number === b.number) : undefined;
    const bySimilarity = candidates
      .map((a) => ({ a, s: similarity(a.body, b.body) }))
      .filter((x) => x.s >= 0.5)
      .sort((x, y) => y.s - x.s)[0]?.a;
    const byPosition = !principles ? candidates.find((a) => a.index === b.index) : undefined;
    const to = byNumber ?? bySimilarity ?? byPosition;
    if (to) {
      afterLeft.delete(to);
      renamed.push({ from: b, to });
    } else removed.push(b);
  }
  return { added: [...afterLeft], removed, renamed, changed };
}

/** The model's answer without a wrapping ```markdown fence. */
function unwrap(text: string): string {
  const m = /^\s*(`{3,}|~{3,})[ \t]*(?:markdown|md)?[ \t]*\r?\n([\s\S]*?)\r?\n[ \t]*\1[ \t]*\s*$/i.exec(text);
  return m ? m[2]! + '\n' : text;
}

/** Removes every Sync Impact Report comment (the model's; ours replaces it). */
function withoutReports(text: string): { text: string; removed: number } {
  let removed = 0;
  const out = text.replace(/[ \t]*<!--(?:(?!-->)[\s\S])*?sync\s+impact\s+report[\s\S]*?-->[ \t]*(?:\r?\n)*/gi, () => {
    removed++;
    return '';
  });
  return { text: out, removed };
}

function safeComment(s: string): string {
  return s.replace(/--+>?/g, (m) => m.replace(/-/g, '‐'));
}

function isoDate(value: string | undefined): string | undefined {
  if (!value || /^\[[A-Z_]+\]$/.test(value.trim())) return undefined;
  return ISO_DATE.exec(value)?.[1];
}

/**
 * Checks and completes the constitution the model proposed: the semantic version bump required by a
 * structured diff of principles and `##` sections (removed/renamed → MAJOR, added → MINOR, else
 * PATCH; none or an unfilled template before → INITIAL 1.0.0), the footer line with ISO dates, and a
 * Sync Impact Report comment of our own in place of any the model wrote.
 */
export function finalizeConstitution(input: { previous?: string; proposed: string; today: string }): FinalizedConstitution {
  const problems: string[] = [];
  const { today } = input;
  const bom = input.previous?.charCodeAt(0) === 0xfeff || input.proposed.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  const crlf = input.previous !== undefined ? /\r\n/.test(input.previous) : /\r\n/.test(input.proposed);
  let body = unwrap(input.proposed.replace(/^\ufeff/, '')).replace(/\r\n/g, '\n');
  const stripped = withoutReports(body);
  body = stripped.text;

  const prevDoc = input.previous !== undefined && input.previous.trim() !== '' ? parseConstitution(input.previous) : undefined;
  const initial = !prevDoc || prevDoc.isPlaceholder;
  const propDoc = parseConstitution(body);
  if (propDoc.principles.length === 0) problems.push('The proposed constitution has no principles.');

  const pDiff = initial ? undefined : diffParts(principleParts(prevDoc), principleParts(propDoc), true);
  const sDiff = initial ? undefined : diffParts(sectionParts(input.previous!), sectionParts(body), false);
  const added = [...(pDiff?.added ?? []), ...(sDiff?.added ?? [])].map((p) => p.label);
  const removed = [...(pDiff?.removed ?? []), ...(sDiff?.removed ?? [])].map((p) => p.label);
  const renamed = [...(pDiff?.renamed ?? []), ...(sDiff?.renamed ?? [])].map((r) => ({ from: r.from.label, to: r.to.label }));
  const required: ConstitutionBump = initial ? 'INITIAL' : removed.length > 0 || renamed.length > 0 ? 'MAJOR' : added.length > 0 ? 'MINOR' : 'PATCH';

  const prevVersionText = prevDoc?.version?.value;
  const prevVersion = !initial ? semver(prevVersionText) : undefined;
  if (!initial && !prevVersion) problems.push(`The previous constitution has no valid version (${prevVersionText ?? 'none'}); numbering starts at 1.0.0.`);
  const requiredVersion = prevVersion ? bumped(prevVersion, required) : ([1, 0, 0] as [number, number, number]);

  const modelVersionText = propDoc.version?.value.trim();
  const modelVersion = semver(modelVersionText);
  let version = requiredVersion;
  let versionFixed = true;
  if (modelVersion) {
    // Higher than required is the model's judgement (e.g. MINOR for materially expanded guidance), as
    // long as it is one proper step from the previous version.
    const steps = prevVersion ? (['MAJOR', 'MINOR', 'PATCH'] as const).map((b) => bumped(prevVersion, b)) : [[1, 0, 0] as [number, number, number]];
    if (compare(modelVersion, requiredVersion) >= 0 && steps.some((s) => compare(s, modelVersion) === 0)) {
      version = modelVersion;
      versionFixed = false;
    }
  }
  const finalVersion = fmt(version);
  if (versionFixed) {
    problems.push(
      modelVersionText === undefined
        ? `The footer had no version; set to ${finalVersion}.`
        : `The footer said version ${modelVersionText}; ${required === 'INITIAL' ? 'a first constitution is' : `this change needs at least a ${required} bump from ${prevVersion ? fmt(prevVersion) : 'none'}, so it is`} ${finalVersion}.`,
    );
  }
  const bump: ConstitutionBump = initial || !prevVersion ? 'INITIAL' : version[0] > prevVersion[0] ? 'MAJOR' : version[1] > prevVersion[1] ? 'MINOR' : 'PATCH';

  const ratified = isoDate(prevDoc && !initial ? prevDoc.ratified?.value : undefined) ?? today;
  const lastAmended = today;
  const footer = `**Version**: ${finalVersion} | **Ratified**: ${ratified} | **Last Amended**: ${lastAmended}`;
  body = withFooter(body, propDoc, footer);

  const finalDoc = parseConstitution(body);
  const placeholders = [...new Set(finalDoc.placeholders.map((p) => p.token))];
  if (placeholders.length > 0) problems.push(`Unfilled placeholders remain: ${placeholders.map((p) => `[${p}]`).join(', ')}.`);
  const todos = [...new Set([...body.matchAll(/TODO\(([^)\n]{1,80})\)[^\n]*/g)].map((m) => m[0].trim()))];

  const rationale =
    bump === 'INITIAL'
      ? 'initial ratification'
      : bump === 'MAJOR'
        ? `${[...removed.map((r) => `removed ${r}`), ...renamed.map((r) => `renamed ${r.from} → ${r.to}`)].join('; ') || 'backward-incompatible governance change'}`
        : bump === 'MINOR'
          ? added.length > 0
            ? `added ${added.join(', ')}`
            : 'materially expanded guidance'
          : 'clarifications and wording';
  const changedPrinciples = (pDiff?.changed ?? []).map((p) => p.label);
  const list = (items: string[], none: string): string[] => (items.length > 0 ? items.map((i) => `  - ${i}`) : [`  ${none}`]);
  const reportLines = [
    '<!--',
    'Sync Impact Report',
    `Version change: ${prevVersion && !initial ? fmt(prevVersion) : 'N/A (initial)'} → ${finalVersion} (${bump === 'INITIAL' ? 'INITIAL' : bump}: ${rationale})`,
    'Modified principles:',
    ...(initial ? ['  N/A (initial ratification)'] : list([...renamed.map((r) => `${r.from} → ${r.to}`), ...changedPrinciples.map((c) => `${c} (text revised)`)], '(none)')),
    'Added sections:',
    ...(initial ? list([...principleParts(propDoc), ...sectionParts(body)].map((p) => p.label), '(none)') : list(added, '(none)')),
    'Removed sections:',
    ...(initial ? ['  N/A (initial)'] : list(removed, '(none)')),
    'Templates requiring updates:',
    '  - .specify/templates/plan-template.md: ⚠ review the Constitution Check against these principles',
    '  - .specify/templates/spec-template.md: ⚠ review',
    '  - .specify/templates/tasks-template.md: ⚠ review',
    'Follow-up TODOs:',
    ...list([...todos, ...placeholders.map((p) => `[${p}] is not filled in`)], 'None'),
    '-->',
  ];
  const report = reportLines.map(safeCommentLine).join('\n');
  let text = `${report}\n${body.replace(/^\s*\n/, '')}`;
  if (!text.endsWith('\n')) text += '\n';
  if (crlf) text = text.replace(/\n/g, '\r\n');
  return {
    text: bom + text,
    version: finalVersion,
    ...(prevVersion && !initial ? { previousVersion: fmt(prevVersion) } : {}),
    bump,
    ...(modelVersionText !== undefined ? { modelVersion: modelVersionText } : {}),
    versionFixed,
    ratified,
    lastAmended,
    added,
    removed,
    renamed,
    placeholders,
    report: crlf ? report.replace(/\n/g, '\r\n') : report,
    problems,
  };
}

function safeCommentLine(line: string): string {
  return line === '<!--' || line === '-->' ? line : safeComment(line);
}

/** Replaces the lines of the footer paragraph that carry the version and dates; appends the footer when there is none. */
function withFooter(body: string, doc: ConstitutionDoc, footer: string): string {
  const located = [doc.version, doc.ratified, doc.lastAmended].filter((x) => x !== undefined);
  if (!doc.version || located.length === 0) return `${body.replace(/\s*$/, '')}\n\n${footer}\n`;
  const lines = body.split('\n');
  const first = Math.min(...located.map((l) => l.range.start.line));
  const last = Math.max(...located.map((l) => l.range.end.line));
  lines.splice(first, last - first + 1, footer);
  return lines.join('\n');
}

export interface ReviewFacts {
  name?: string;
  version?: string;
  principles: Array<{ name: string; gates: string[] }>;
  placeholder: boolean;
}

const MODAL = /\b(?:MUST(?: NOT)?|SHALL(?: NOT)?|REQUIRED|NEVER|NON-NEGOTIABLE)\b/;
const COMMAND =
  /^(?:\.\/\S+|(?:nix|nixos-rebuild|home-manager|darwin-rebuild|npm|npx|pnpm|yarn|bun|deno|node|cargo|go|make|just|pytest|python3?|uv|tox|ruff|mypy|docker|podman|git|bash|sh|dotnet|mvn|gradle|\.\/gradlew|terraform|kubectl|helm|treefmt|statix|deadnix|alejandra|nixfmt|eslint|tsc|jest|vitest|mocha|rspec|bundle|rake|mix|stack|cabal|swift|xcodebuild|flutter|dart|composer|php|phpunit)\s+\S.*)$/;

/**
 * The facts the no-argument `/speckit.constitution` review shows: each principle and its gates —
 * lines that say MUST/SHALL/NEVER, and commands written in backticks (`nix build …`).
 */
export function reviewFacts(doc: ConstitutionDoc): ReviewFacts {
  const principles = doc.principles.map((p) => {
    const gates: string[] = [];
    const seen = new Set<string>();
    const add = (g: string): void => {
      if (g && !seen.has(g)) {
        seen.add(g);
        gates.push(g);
      }
    };
    let inFence = false;
    for (const raw of p.body.split(/\r?\n/)) {
      if (/^\s*(`{3,}|~{3,})/.test(raw)) {
        inFence = !inFence;
        continue;
      }
      const line = raw
        .replace(/<!--[\s\S]*?-->/g, '')
        .replace(/^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?/, '')
        .replace(/\*\*|__/g, '')
        .trim();
      if (!line) continue;
      if (inFence) {
        if (COMMAND.test(line)) add(line);
        continue;
      }
      if (MODAL.test(line)) add(line);
      for (const m of line.matchAll(/`([^`\n]+)`/g)) if (COMMAND.test(m[1]!.trim())) add(m[1]!.trim());
    }
    const number = p.number !== undefined ? `${roman(p.number)}. ` : '';
    return { name: `${number}${p.name}`, gates };
  });
  const version = doc.version ? (/\d+\.\d+\.\d+/.exec(doc.version.value)?.[0] ?? doc.version.value) : undefined;
  return {
    ...(doc.name ? { name: doc.name.value } : {}),
    ...(version ? { version } : {}),
    principles,
    placeholder: doc.isPlaceholder,
  };
}
