/**
 * Honest context: every file a prompt carries is whole or visibly cut, numbered where the model must
 * cite lines, and the prompt says which documents were sent and which were not. A model that is not
 * told a file was cut reports what it could not see as "missing".
 */

export interface RenderOptions {
  /** At most this many characters of the file's text (line numbers not counted). */
  maxChars?: number;
  /** Prefix each line with its 1-based number (`  12| …`), for prompts that ask the model to cite lines. */
  lineNumbers?: boolean;
  /** Whether the model has a `read_file` tool to read the rest; the marker says so only then. */
  canRead?: boolean;
}

export interface RenderedFile {
  text: string;
  /** False when the whole file is in `text`. */
  cut: boolean;
  /** Lines of the file, and whole lines kept. */
  totalLines: number;
  keptLines: number;
}

/** The marker after a cut file: says where it was cut and how the rest can be had (if it can). */
export function truncationMarker(keptLines: number, totalLines: number, canRead: boolean): string {
  return canRead ? `… [truncated at ${keptLines} lines; use read_file for the rest]` : `… [truncated at ${keptLines} of ${totalLines} lines; the rest was not sent]`;
}

/**
 * A file's text for a prompt: whole, or cut at a line break within `maxChars` and ended with a
 * marker. Line endings are normalized; with `lineNumbers`, each line carries its number as in the file.
 */
export function renderFileForPrompt(text: string, options: RenderOptions = {}): RenderedFile {
  const normalized = text.replace(/\r\n?/g, '\n');
  const lines = normalized.endsWith('\n') ? normalized.slice(0, -1).split('\n') : normalized.split('\n');
  const totalLines = normalized === '' ? 0 : lines.length;
  const max = options.maxChars === undefined || Number.isNaN(options.maxChars) ? Infinity : Math.max(0, options.maxChars);
  let kept = 0;
  let used = 0;
  for (; kept < totalLines; kept++) {
    const next = used + lines[kept]!.length + 1;
    if (next > max) break;
    used = next;
  }
  const cut = kept < totalLines;
  const width = String(Math.max(1, totalLines)).length;
  const shown = lines.slice(0, kept).map((l, i) => (options.lineNumbers ? `${String(i + 1).padStart(width)}| ${l}` : l));
  if (cut) shown.push(truncationMarker(kept, totalLines, options.canRead ?? false));
  return { text: totalLines === 0 ? '' : `${shown.join('\n')}\n`, cut, totalLines, keptLines: kept };
}

/**
 * A design document the feature has (spec, data-model.md, contracts/…, research.md, quickstart.md),
 * or an OpenSpec change has (proposal.md, its delta specs, design.md, the capability specs the deltas
 * change, the project's conventions in openspec/project.md).
 */
export interface DesignDoc {
  kind: DesignDocKind;
  /** Relative to the project root. */
  path: string;
  text: string;
}

export type DesignDocKind = 'spec' | 'dataModel' | 'contract' | 'research' | 'quickstart' | OpenSpecDocKind;

/** An OpenSpec change's documents: what it changes and why, the deltas, how, and what it changes. */
export type OpenSpecDocKind = 'proposal' | 'delta' | 'design' | 'capability' | 'conventions';

/** spec-kit's implement loads these (OpenSpec's as its apply step reads them); the order is the priority when the budget runs out. */
export const DESIGN_DOC_PRIORITY: readonly DesignDocKind[] = ['spec', 'dataModel', 'contract', 'research', 'quickstart', 'proposal', 'delta', 'design', 'capability', 'conventions'];

/** Words that say a task touches a kind of document even when it names nothing from it. */
const TOUCH_WORDS: Record<DesignDocKind, RegExp> = {
  spec: /./,
  dataModel: /\b(?:models?|entit(?:y|ies)|schemas?|tables?|migrations?|fields?|records?|types?|database|storage|persist\w*)\b/i,
  contract: /\b(?:apis?|endpoints?|contracts?|routes?|handlers?|requests?|responses?|cli|commands?|interfaces?|clients?|protocols?|events?)\b/i,
  research: /\b(?:research|decisions?|librar(?:y|ies)|dependenc(?:y|ies)|configur\w*|setup|install\w*|choose|chosen)\b/i,
  quickstart: /\b(?:quickstart|scenarios?|end-to-end|e2e|integration|smoke|validat\w*|docs?|documentation|readme)\b/i,
  // Every task of a change works from its proposal, deltas and design, and the specs those change.
  proposal: /./,
  delta: /./,
  design: /./,
  capability: /./,
  conventions: /./,
};

/** Headings and backticked names of a document: the terms a task that touches it would use. */
function termsOf(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/^#{2,4}[ \t]+(?:(?:Entity|Endpoint|Contract|Decision)\s*[:-]\s*)?(.+?)[ \t#]*$/gim)) {
    const t = m[1]!.replace(/[`*_]/g, '').trim();
    if (t.length >= 4 && t.split(/\s+/).length <= 4) out.add(t.toLowerCase());
  }
  for (const m of text.matchAll(/`([A-Za-z_][\w./-]{3,60})`/g)) out.add(m[1]!.toLowerCase());
  return [...out];
}

function mentions(haystack: string, term: string): boolean {
  const escaped = term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?:^|[^\\p{L}\\p{N}_])${escaped}(?:$|[^\\p{L}\\p{N}_])`, 'iu').test(haystack);
}

/** Whether a task (its line) touches a design document: names it, uses one of its terms, or speaks of its kind. */
export function taskTouches(taskLine: string, doc: DesignDoc): boolean {
  if (TOUCH_WORDS[doc.kind].source === '.') return true;
  const base = doc.path.split('/').pop() ?? doc.path;
  if (taskLine.includes(doc.path) || mentions(taskLine, base) || mentions(taskLine, base.replace(/\.[^.]+$/, ''))) return true;
  if (TOUCH_WORDS[doc.kind].test(taskLine)) return true;
  return termsOf(doc.text).some((t) => mentions(taskLine, t));
}

export interface SelectedDocs {
  /** What to send, in priority order, each whole or cut with a marker. */
  sent: Array<DesignDoc & { rendered: RenderedFile }>;
  /** Documents the task touches that did not fit, and the ones it does not touch: named, not sent. */
  notSent: Array<{ path: string; why: 'budget' | 'untouched' }>;
}

/**
 * The design documents one implement task gets: the spec and those the task touches, in spec-kit's
 * priority (spec, data model, contracts, research, quickstart), each cut to `perDoc` and all to `budget`.
 */
export function selectDesignDocs(taskLine: string, docs: readonly DesignDoc[], budget: number, perDoc: number, canRead = true): SelectedDocs {
  const ordered = [...docs].sort((a, b) => DESIGN_DOC_PRIORITY.indexOf(a.kind) - DESIGN_DOC_PRIORITY.indexOf(b.kind));
  const sent: SelectedDocs['sent'] = [];
  const notSent: SelectedDocs['notSent'] = [];
  let left = Math.max(0, budget);
  for (const doc of ordered) {
    if (!taskTouches(taskLine, doc)) {
      notSent.push({ path: doc.path, why: 'untouched' });
      continue;
    }
    // Less than a few lines' worth is no use: name the document instead.
    if (left < 200) {
      notSent.push({ path: doc.path, why: 'budget' });
      continue;
    }
    const rendered = renderFileForPrompt(doc.text, { maxChars: Math.min(perDoc, left), canRead });
    left -= rendered.text.length;
    sent.push({ ...doc, rendered });
  }
  return { sent, notSent };
}

/**
 * The prompt's line about its context, built from what was actually attached so it can never claim
 * more: "Given as data: … (cut: …). Not sent: … — read them with read_file if the task needs them."
 */
export function contextSummary(sent: readonly string[], cut: readonly string[], notSent: readonly string[], canRead: boolean): string {
  const parts = [sent.length ? `Given as data: ${sent.join(', ')}.` : 'No files are given as data.'];
  if (cut.length) parts.push(`Cut to fit (marked where): ${cut.join(', ')}.`);
  if (notSent.length) parts.push(`Not sent: ${notSent.join(', ')}${canRead ? ' — read them with read_file if the task needs them' : ''}.`);
  return parts.join(' ');
}

/** Build, CI and documentation files that show a project's real gates, most telling first. */
const REPO_FILES: readonly RegExp[] = [
  /^README(?:\.md|\.rst|\.txt)?$/i,
  /^CONTRIBUTING\.md$/i,
  /^(?:package\.json|flake\.nix|Cargo\.toml|pyproject\.toml|go\.mod|pom\.xml|build\.gradle(?:\.kts)?|Makefile|justfile|CMakeLists\.txt|default\.nix|setup\.cfg|tox\.ini|\.pre-commit-config\.yaml)$/,
  /^\.github\/workflows\/[^/]+\.ya?ml$/,
  /^docs\/[^/]+\.md$/i,
];

/**
 * The repository files a constitution prompt gets as context, from a listing of paths relative to
 * the root: README, contributing guide, build manifests, CI workflows, top-level docs; at most `max`.
 */
export function pickRepositoryFiles(paths: readonly string[], max = 8): string[] {
  const ranked: Array<{ p: string; rank: number }> = [];
  for (const p of paths) {
    const rank = REPO_FILES.findIndex((re) => re.test(p));
    if (rank !== -1) ranked.push({ p, rank });
  }
  return ranked
    .sort((a, b) => a.rank - b.rank || a.p.localeCompare(b.p))
    .slice(0, max)
    .map((r) => r.p);
}

/**
 * One `## Title` section of a markdown template (up to the next heading of its level or higher),
 * or undefined. Lets a prompt carry the guidance part of a template rather than all of it.
 */
export function markdownSection(text: string, title: RegExp): string | undefined {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let fence = false;
  let start = -1;
  let level = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*(?:```|~~~)/.test(line)) fence = !fence;
    if (fence) continue;
    const h = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (!h) continue;
    if (start === -1) {
      if (title.test(h[2]!)) {
        start = i;
        level = h[1]!.length;
      }
    } else if (h[1]!.length <= level) {
      return lines.slice(start, i).join('\n').trim() + '\n';
    }
  }
  return start === -1 ? undefined : lines.slice(start).join('\n').trim() + '\n';
}
