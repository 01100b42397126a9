/**
 * The model's half of `/speckit.analyze`: its findings read from loose JSON, and merged with the
 * code's without repeating what the code already found.
 */
import { type AnalysisInput, type AnalysisReport, baseName, type Finding, type FindingCategory, type FindingDraft, type FindingSeverity, MAX_FINDINGS, numberFindings, SEVERITY_ORDER } from './findings';
import { extractRecords, oneLine, stringField } from './modelJson';

const CATEGORY_ALIASES: [RegExp, FindingCategory][] = [
  [/^dup/i, 'Duplication'],
  [/^ambig|^vague/i, 'Ambiguity'],
  [/^under|^incomplete|^missing detail|^placeholder/i, 'Underspecification'],
  [/^constitution/i, 'Constitution'],
  [/^coverage|^gap/i, 'Coverage'],
  [/^incons|^conflict|^contradict|^terminology|^drift/i, 'Inconsistency'],
];

/**
 * The model's findings, from a JSON array (fenced or raw, or `{ "findings": [...] }`). Entries with an
 * unknown category or without a summary are dropped; an unknown severity reads as MEDIUM. Locations
 * may be `{ path, line }`, `"spec.md:L42"`, `"spec.md:42-50"` or separate fields; a bare file name
 * (`spec.md`) is mapped to the feature's path when `paths` knows it. IDs are provisional.
 */
export function parseModelFindings(text: string, paths: AnalysisInput['paths'] = {}): Finding[] {
  const drafts: FindingDraft[] = [];
  for (const rec of extractRecords(text, ['findings', 'issues', 'results'])) {
    const categoryText = stringField(rec, ['category', 'type', 'kind'], 60);
    const category = CATEGORY_ALIASES.find(([re]) => re.test(categoryText))?.[1];
    const summary = stringField(rec, ['summary', 'description', 'issue', 'finding', 'message']);
    if (!category || !summary) continue;
    const sevText = stringField(rec, ['severity', 'level', 'priority'], 20).toUpperCase();
    const severity = (SEVERITY_ORDER as readonly string[]).includes(sevText) ? (sevText as FindingSeverity) : 'MEDIUM';
    drafts.push({
      category,
      severity,
      location: modelLocation(rec, paths),
      summary,
      recommendation: stringField(rec, ['recommendation', 'fix', 'remediation', 'suggestion', 'action']),
      source: 'model',
    });
  }
  return numberFindings(drafts);
}

function modelLocation(rec: Record<string, unknown>, paths: AnalysisInput['paths']): { path: string; line: number } {
  const loc = rec['location'] ?? rec['locations'];
  const first: unknown = Array.isArray(loc) ? (loc as unknown[])[0] : loc;
  let file = '';
  let line = NaN;
  if (typeof first === 'string') {
    const m = /^\s*([^:\s][^:]*?)(?::\s*L?(\d+))?(?:\s*[-–]\s*L?\d+)?\s*$/.exec(first) ?? /^\s*(\S+)/.exec(first);
    file = m?.[1] ?? '';
    line = m?.[2] !== undefined ? Number(m[2]) : NaN;
  } else if (first && typeof first === 'object' && !Array.isArray(first)) {
    const o = first as Record<string, unknown>;
    file = stringField(o, ['path', 'file'], 300);
    line = Number(stringField(o, ['line', 'startLine', 'start'], 12).replace(/^L/i, ''));
  }
  if (!file) file = stringField(rec, ['path', 'file'], 300);
  if (!Number.isFinite(line)) line = Number(stringField(rec, ['line'], 12).replace(/^L/i, ''));
  file = oneLine(file, 300);
  const base = file.replace(/\\/g, '/').split('/').pop()?.toLowerCase() ?? '';
  const known: [string, string | undefined][] = [
    ['spec.md', paths.spec],
    ['plan.md', paths.plan],
    ['tasks.md', paths.tasks],
    ['constitution.md', paths.constitution],
  ];
  for (const [name, full] of known) if (full !== undefined && base === name && !file.includes('/')) file = full;
  return { path: file, line: Number.isFinite(line) && line >= 1 ? Math.floor(line) : 1 };
}

/**
 * Code findings plus the model's, without model rows that repeat a code finding of the same category
 * at the same place (same path, or same file name, and line). Sorted and capped like the code's; IDs
 * are renumbered over the merged list.
 */
export function mergeFindings(code: readonly Finding[], model: readonly Finding[]): Finding[] {
  return numberFindings([...code, ...novelModelFindings(code, model)].map(({ id: _id, ...rest }) => rest)).slice(0, MAX_FINDINGS);
}

function novelModelFindings(code: readonly Finding[], model: readonly Finding[]): Finding[] {
  const key = (f: Finding): string => `${f.category}|${baseName(f.location.path)}|${f.location.line}`;
  const taken = new Set(code.map(key));
  return model.filter((f) => !taken.has(key(f)));
}

/** The report with the model's findings merged in; the counts in the metrics include the new ones. */
export function withModelFindings(report: AnalysisReport, model: readonly Finding[]): AnalysisReport {
  const novel = novelModelFindings(report.findings, model);
  const merged = mergeFindings(report.findings, model);
  return {
    ...report,
    findings: merged,
    omitted: report.omitted + report.findings.length + novel.length - merged.length,
    metrics: {
      ...report.metrics,
      ambiguities: report.metrics.ambiguities + novel.filter((f) => f.category === 'Ambiguity').length,
      duplicates: report.metrics.duplicates + novel.filter((f) => f.category === 'Duplication').length,
      critical: report.metrics.critical + novel.filter((f) => f.severity === 'CRITICAL').length,
    },
  };
}
