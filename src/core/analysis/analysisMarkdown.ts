/** spec-kit's analysis report as markdown, from an {@link AnalysisReport}. */
import { type AnalysisReport, type FindingSeverity, idList, MAX_FINDINGS } from './findings';
import { oneLine } from './modelJson';

/** A table cell: one line, pipes escaped. */
export function cell(text: string): string {
  return oneLine(text, 1000).replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

/** spec-kit's analysis report: findings, coverage, constitution issues, unmapped tasks, metrics, next actions. */
export function analysisMarkdown(report: AnalysisReport, link: (path: string, line: number) => string, next: (report: AnalysisReport) => string[] = nextActions): string {
  const out: string[] = ['## Specification Analysis Report', ''];
  if (report.findings.length === 0) out.push('No issues found.', '');
  else {
    out.push('| ID | Category | Severity | Location(s) | Summary | Recommendation |', '|----|----------|----------|-------------|---------|----------------|');
    for (const f of report.findings) {
      out.push(`| ${f.id} | ${f.category} | ${f.severity} | ${cell(link(f.location.path, f.location.line))} | ${cell(f.summary)}${f.source === 'model' ? ' *(model)*' : ''} | ${cell(f.recommendation)} |`);
    }
    out.push('');
    if (report.omitted > 0) out.push(`*${report.omitted} more finding${report.omitted === 1 ? '' : 's'} not shown (the table stops at ${MAX_FINDINGS} rows).*`, '');
  }

  out.push('### Coverage Summary', '');
  if (report.coverage.length === 0) out.push('No requirements found in the spec.', '');
  else {
    out.push('| Requirement Key | Has Task? | Task IDs | Notes |', '|-----------------|-----------|----------|-------|');
    for (const r of report.coverage) out.push(`| ${cell(r.requirement)} | ${r.hasTask ? 'Yes' : 'No'} | ${cell(idList(r.tasks)) || '—'} | ${cell(r.notes)} |`);
    out.push('');
  }

  const constitution = report.findings.filter((f) => f.category === 'Constitution');
  if (constitution.length > 0) {
    out.push('### Constitution Alignment Issues', '');
    for (const f of constitution) out.push(`- **${f.id}** (${f.severity}): ${f.summary}`);
    out.push('');
  }

  out.push('### Unmapped Tasks', '');
  out.push(report.unmappedTasks.length === 0 ? 'None.' : idList(report.unmappedTasks), '');

  const m = report.metrics;
  out.push(
    '### Metrics',
    '',
    `- Total Requirements: ${m.requirements}`,
    `- Total Tasks: ${m.tasks}`,
    `- Coverage % (requirements with ≥1 task): ${m.coveragePercent}%`,
    `- Ambiguity Count: ${m.ambiguities}`,
    `- Duplication Count: ${m.duplicates}`,
    `- Critical Issues Count: ${m.critical}`,
    `- Unmapped Tasks: ${m.unmappedTasks}`,
    '',
    '### Next Actions',
    '',
    ...next(report),
  );
  return out.join('\n') + '\n';
}

function nextActions(report: AnalysisReport): string[] {
  const f = report.findings;
  const has = (sev: FindingSeverity): boolean => f.some((x) => x.severity === sev);
  const out: string[] = [];
  if (has('CRITICAL')) {
    out.push('- Resolve the CRITICAL issues before `/speckit.implement`.');
    if (f.some((x) => x.severity === 'CRITICAL' && x.category === 'Coverage')) out.push('- Add tasks for uncovered requirements: run `/speckit.tasks` again, or edit tasks.md.');
    if (f.some((x) => x.severity === 'CRITICAL' && x.category === 'Constitution')) out.push('- Bring the plan in line with the constitution: `/speckit.plan`, or amend it with `/speckit.constitution`.');
    if (f.some((x) => x.severity === 'CRITICAL' && x.category === 'Underspecification')) out.push('- Create the missing artifacts (`/speckit.specify`, `/speckit.plan`, `/speckit.tasks`).');
  } else if (has('HIGH') || has('MEDIUM')) {
    out.push('- No CRITICAL issues: you may proceed to `/speckit.implement`, ideally after addressing the HIGH and MEDIUM findings.');
  } else {
    out.push('- Ready for `/speckit.implement`.');
  }
  if (f.some((x) => x.category === 'Ambiguity')) out.push('- Resolve ambiguities with `/speckit.clarify`, or make the requirements measurable in spec.md.');
  return out;
}
