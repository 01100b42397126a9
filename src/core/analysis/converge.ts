import { parseTasks } from '../artifacts/tasks';
import { formatTaskId } from '../artifacts/ids';
import { cell } from './analysisMarkdown';
import { type FindingSeverity, SEVERITY_ORDER } from './findings';
import { extractRecords, oneLine, stringField } from './modelJson';

export type GapType = 'missing' | 'partial' | 'contradicts' | 'unrequested';
export const GAP_TYPES: readonly GapType[] = ['missing', 'partial', 'contradicts', 'unrequested'];

export interface ConvergenceItem {
  /** An imperative: "Add rate limiting to POST /api/rsvp". */
  readonly text: string;
  /** `FR-003`, `SC-002`, `US1/AC2`, `plan: storage decision`, `Constitution II`. */
  readonly sourceRef: string;
  readonly gap: GapType;
}

export interface ConvergeFinding extends ConvergenceItem {
  readonly severity: FindingSeverity;
  /** What the model saw (the code location or the evidence); '' when it gave none. */
  readonly evidence: string;
}

/**
 * `/speckit.converge`'s only write: `## Phase N: Convergence` appended to tasks.md, one
 * `- [ ] T### <imperative> per <source-ref> (<gap>)` line per item, IDs after the highest existing one.
 * The original text stays a byte-exact prefix (one line break is added when it did not end with one);
 * CRLF files get CRLF lines. No items: the text comes back unchanged.
 */
export function appendConvergencePhase(tasksText: string, items: readonly ConvergenceItem[]): { text: string; added: string[]; phaseNumber: number } {
  const doc = parseTasks(tasksText);
  const phaseNumber = Math.max(0, ...doc.phases.map((p) => Math.floor(Number.parseFloat(p.number ?? '')) || 0)) + 1;
  if (items.length === 0) return { text: tasksText, added: [], phaseNumber };

  let max = Math.max(0, ...doc.tasks.map((t) => t.number));
  // Task-like lines the parser does not count (inside fences) still hold their IDs.
  for (const m of tasksText.matchAll(/^\s*[-*+]\s+\[[ xX]\]\s+\**T(\d{3,})/gm)) max = Math.max(max, Number(m[1]));

  const crlf = (tasksText.match(/\r\n/g)?.length ?? 0) > 0 && (tasksText.match(/\r\n/g)?.length ?? 0) * 2 >= (tasksText.match(/\n/g)?.length ?? 0);
  const eol = crlf ? '\r\n' : '\n';
  const added: string[] = [];
  const lines = items.map((item) => {
    const id = formatTaskId(++max);
    added.push(id);
    return `- [ ] ${id} ${imperative(item.text)} per ${oneLine(item.sourceRef, 120) || 'spec'} (${GAP_TYPES.includes(item.gap) ? item.gap : 'missing'})`;
  });

  let text = tasksText;
  if (text.length > 0 && !text.endsWith('\n')) text += eol;
  // A blank line before the heading, unless the file already ends with one.
  const separator = text.length === 0 || /(?:\r?\n){2}$/.test(text) ? '' : eol;
  text += `${separator}## Phase ${phaseNumber}: Convergence${eol}${eol}${lines.join(eol)}${eol}`;
  return { text, added, phaseNumber };
}

/** One line of task text: no leading checkbox, ID or list marker the model may have copied. */
function imperative(text: string): string {
  const s = oneLine(text, 300)
    .replace(/^(?:[-*+]\s+)?(?:\[[ xX]\]\s*)?(?:T\d{3,}\s*)?(?:\[P\]\s*)?/, '')
    .trim();
  return s || 'Close the gap';
}

/**
 * The model's converge findings: a JSON array (fenced, raw, or `{ "findings": [...] }`) of objects with
 * the task text (`task`, `text`, `imperative`), `sourceRef` and `gap`; severity defaults to MEDIUM.
 * Entries without text or with an unknown gap type are dropped.
 */
export function parseConvergeFindings(text: string): ConvergeFinding[] {
  const out: ConvergeFinding[] = [];
  for (const rec of extractRecords(text, ['findings', 'gaps', 'tasks', 'items'])) {
    const task = stringField(rec, ['task', 'text', 'imperative', 'action', 'fix'], 300);
    const gapText = stringField(rec, ['gap', 'gapType', 'gap_type', 'type', 'classification'], 30).toLowerCase();
    const gap = GAP_TYPES.find((g) => gapText === g || gapText.startsWith(g.slice(0, 6)));
    if (!task || !gap) continue;
    const sev = stringField(rec, ['severity', 'level'], 20).toUpperCase();
    out.push({
      text: task,
      sourceRef: stringField(rec, ['sourceRef', 'source_ref', 'source', 'ref', 'requirement'], 120) || 'spec',
      gap,
      severity: (SEVERITY_ORDER as readonly string[]).includes(sev) ? (sev as FindingSeverity) : 'MEDIUM',
      evidence: stringField(rec, ['evidence', 'summary', 'finding', 'location', 'description'], 300),
    });
  }
  return out;
}

/** spec-kit's "Convergence Findings" table, most severe first; "✅ Converged" when there are none. */
export function convergeFindingsMarkdown(findings: readonly ConvergeFinding[]): string {
  if (findings.length === 0) return '✅ Converged — the code matches the spec, plan and tasks; tasks.md is unchanged.\n';
  const sorted = [...findings].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  const lines = ['## Convergence Findings', '', '| # | Severity | Gap | Source | Finding | Task |', '|---|----------|-----|--------|---------|------|'];
  sorted.forEach((f, i) => lines.push(`| ${i + 1} | ${f.severity} | ${f.gap} | ${cell(f.sourceRef)} | ${cell(f.evidence) || '—'} | ${cell(f.text)} |`));
  return lines.join('\n') + '\n';
}
