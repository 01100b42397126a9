import * as path from 'node:path/posix';
import { type AddFinding, type AnalysisInput, type AnalysisReport, type ArtifactPaths, type FindingDraft, MAX_FINDINGS, numberFindings } from './findings';
import { planPasses, specPasses, tasksPasses } from './artifactPasses';
import { constitutionPass } from './constitutionPass';
import { coveragePass } from './coveragePass';

/**
 * The deterministic half of `/speckit.analyze`: coverage, duplicates, markers, vague words,
 * placeholders, unknown references, parallel conflicts and constitution alignment. Read-only and
 * pure; the same input always gives the same report.
 */
export function analyzeFeature(input: AnalysisInput): AnalysisReport {
  const { spec, plan, tasks, constitution } = input;
  const p = resolvePaths(input.paths);
  const drafts: FindingDraft[] = [];
  const add: AddFinding = (d) => void drafts.push({ ...d, source: 'code' });

  for (const [kind, doc] of [
    ['spec', spec],
    ['plan', plan],
    ['tasks', tasks],
  ] as const) {
    if (doc) continue;
    add({
      category: 'Underspecification',
      severity: 'CRITICAL',
      location: { path: p[kind], line: 1 },
      summary: `${kind}.md is missing; /speckit.analyze needs spec, plan and tasks.`,
      recommendation: `Run /speckit.${kind === 'spec' ? 'specify' : kind} first.`,
    });
  }

  const coverage = spec ? coveragePass(spec, tasks, p, add) : { rows: [], counted: 0, covered: 0, unmapped: [] as string[] };
  if (spec) specPasses(spec, p.spec, add);
  if (plan) planPasses(plan, p.plan, add);
  if (tasks) tasksPasses(tasks, spec, p.tasks, add);
  if (constitution) constitutionPass(constitution, plan, p, add);

  const all = numberFindings(drafts);
  const findings = all.slice(0, MAX_FINDINGS);
  const taskCount = tasks ? new Set(tasks.tasks.map((t) => t.id)).size : 0;
  return {
    findings,
    coverage: coverage.rows,
    unmappedTasks: coverage.unmapped,
    omitted: all.length - findings.length,
    metrics: {
      requirements: coverage.counted,
      tasks: taskCount,
      coveragePercent: coverage.counted === 0 ? 0 : Math.round((coverage.covered * 100) / coverage.counted),
      ambiguities: all.filter((f) => f.category === 'Ambiguity').length,
      duplicates: all.filter((f) => f.category === 'Duplication').length,
      critical: all.filter((f) => f.severity === 'CRITICAL').length,
      unmappedTasks: coverage.unmapped.length,
    },
  };
}

/** A missing artifact is located where it would be: beside the ones that exist. */
function resolvePaths(given: AnalysisInput['paths']): ArtifactPaths {
  const known = [given.spec, given.plan, given.tasks].find((x) => x !== undefined);
  const dir = known !== undefined ? path.dirname(known.replace(/\\/g, '/')) : undefined;
  const guess = (name: string): string => (dir !== undefined && dir !== '.' ? `${dir}/${name}` : name);
  return {
    spec: given.spec ?? guess('spec.md'),
    plan: given.plan ?? guess('plan.md'),
    tasks: given.tasks ?? guess('tasks.md'),
    constitution: given.constitution ?? '.specify/memory/constitution.md',
  };
}
