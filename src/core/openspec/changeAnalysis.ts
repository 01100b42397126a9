/**
 * The deterministic half of `/speckit.analyze` on an OpenSpec change: the change's `openspec validate
 * --strict` findings (validate.ts, not re-implemented here) in the analysis report's vocabulary,
 * scenarios written in a form OpenSpec does not count, and which tasks name which requirement.
 */
import { type Task } from '../artifacts/tasks';
import { type AnalysisReport, type CoverageRow, type FindingCategory, type FindingDraft, type FindingSeverity, idList, MAX_FINDINGS, numberFindings } from '../analysis/findings';
import { oneLine } from '../analysis/modelJson';
import { contentTerms, sharedTerms } from '../analysis/terms';
import { normalizeRequirementName } from './outline';
import { type CapabilitySpec, type OpenSpecChange } from './project';
import { type Requirement } from './requirements';
import { OPENSPEC_RULES, type OpenSpecFinding, type OpenSpecRuleCode } from './validate';

/** Where a rule's findings go in spec-kit's report (the rest: Inconsistency, by OpenSpec's level). */
const CATEGORY: Partial<Record<OpenSpecRuleCode, FindingCategory>> = {
  'openspec-requirement-no-scenario': 'Underspecification',
  'openspec-requirement-no-text': 'Underspecification',
  'openspec-change-no-deltas': 'Underspecification',
  'openspec-delta-empty-section': 'Underspecification',
  'openspec-delta-no-sections': 'Underspecification',
  'openspec-requirement-no-shall': 'Ambiguity',
  'openspec-duplicate-requirement': 'Duplication',
  'openspec-tasks-no-checkbox': 'Coverage',
};

const SEVERITY: Readonly<Record<'error' | 'warning' | 'info', FindingSeverity>> = { error: 'HIGH', warning: 'MEDIUM', info: 'LOW' };

/** Archiving refuses these (the delta names a requirement the capability spec does not have), so they rank above OpenSpec's INFO. */
const RAISED: Partial<Record<OpenSpecRuleCode, FindingSeverity>> = { 'openspec-delta-archive-conflict': 'HIGH', 'openspec-delta-not-requirement-header': 'MEDIUM' };

const RECOMMENDATION: Partial<Record<OpenSpecRuleCode, string>> = {
  'openspec-requirement-no-scenario': 'Add a "#### Scenario: <name>" with - **WHEN** … / - **THEN** … steps under the requirement.',
  'openspec-delta-archive-conflict': 'Name the requirement exactly as openspec/specs/<capability>/spec.md does, or ADD it instead.',
  'openspec-delta-scenario-loss': 'Copy the current scenarios into the MODIFIED block.',
  'openspec-requirement-no-shall': 'State the requirement with SHALL or MUST.',
};

export interface ChangeAnalysisInput {
  readonly change: OpenSpecChange;
  /** The change's findings from `openspecValidation(project)` (validateChange, or validateArchivedChange). */
  readonly findings: readonly OpenSpecFinding[];
  /** Project-relative path of an absolute one, as the report shows paths. */
  readonly rel: (p: string) => string;
  /** The project's capability specs (what REMOVED deltas are checked against). */
  readonly specs?: readonly CapabilitySpec[];
}

/** A requirement the change's deltas name, where. */
interface ChangeRequirement {
  readonly name: string;
  readonly operation: 'ADDED' | 'MODIFIED';
  readonly path: string;
  readonly line: number;
  readonly requirement: Requirement;
}

/** The change's requirements that tasks can implement: ADDED and MODIFIED (REMOVED and RENAMED need no new behaviour). */
export function changeRequirements(change: OpenSpecChange): ChangeRequirement[] {
  const out: ChangeRequirement[] = [];
  for (const d of change.deltas) {
    for (const [operation, list] of [['ADDED', d.doc.added], ['MODIFIED', d.doc.modified]] as const) {
      for (const r of list) out.push({ name: r.name, operation, path: d.path, line: r.headingRange.start.line + 1, requirement: r });
    }
  }
  return out;
}

/** The text a task is matched by: its line and its nested notes (OpenSpec tasks carry their detail there). */
function taskText(t: Task): string {
  return [t.description, ...t.children.map((c) => c.text)].join(' ');
}

/** Two shared content terms between a requirement (name and statement) and a task, or the requirement's name in the task. */
function taskServes(task: Task, r: ChangeRequirement, taskTerms: ReadonlySet<string>): 'name' | 'keyword' | undefined {
  const text = normalizeRequirementName(taskText(task)).toLowerCase();
  if (text.includes(normalizeRequirementName(r.name).toLowerCase())) return 'name';
  const nameTerms = contentTerms(r.name);
  const shared = sharedTerms([...new Set([...nameTerms, ...contentTerms(r.requirement.text)])], taskTerms);
  // A term of the name counts double: names are what a task would echo.
  const weight = shared.reduce((n, t) => n + (nameTerms.includes(t) ? 2 : 1), 0);
  return weight >= 3 ? 'keyword' : undefined;
}

/**
 * The analysis report of one OpenSpec change: the validation findings (requirements without
 * scenarios, scenarios not written as `####` headings, MODIFIED/REMOVED deltas naming requirements the
 * capability spec lacks, …), scenarios OpenSpec does not count beside ones it does, and coverage
 * between the change's requirements and its tasks. Pure; the same input gives the same report.
 */
export function analyzeChange(input: ChangeAnalysisInput): AnalysisReport {
  const { change, rel } = input;
  const drafts: FindingDraft[] = [];
  const add = (d: Omit<FindingDraft, 'source'>): void => void drafts.push({ ...d, source: 'code' });

  for (const f of input.findings) {
    const rule = OPENSPEC_RULES[f.code];
    add({
      category: CATEGORY[f.code] ?? 'Inconsistency',
      severity: RAISED[f.code] ?? SEVERITY[rule.severity],
      location: { path: rel(f.path), line: f.range.start.line + 1 },
      summary: `${f.message} (${f.code})`,
      recommendation: f.fixes[0]?.title ?? RECOMMENDATION[f.code] ?? 'See `openspec validate --strict`.',
    });
  }

  // REMOVED of a requirement the spec lacks: archive skips it with a warning, so validate stays quiet unless the name is a near miss.
  const flagged = new Set(input.findings.filter((f) => f.code === 'openspec-delta-archive-conflict').map((f) => `${f.path}:${f.range.start.line}`));
  for (const d of change.deltas) {
    const main = input.specs?.find((s) => s.id === d.capability);
    if (!main || change.archived) continue;
    const names = new Set(main.doc.requirementBlocks.map((r) => normalizeRequirementName(r.name)));
    for (const r of d.doc.removed) {
      if (names.has(normalizeRequirementName(r.name)) || flagged.has(`${d.path}:${r.range.start.line}`)) continue;
      add({
        category: 'Inconsistency',
        severity: 'MEDIUM',
        location: { path: rel(d.path), line: r.range.start.line + 1 },
        summary: `REMOVED "${oneLine(r.name, 100)}" is not in ${rel(main.path)}: there is nothing to remove, so archiving skips it.`,
        recommendation: 'Name the requirement exactly as the capability spec does, or drop the REMOVED entry.',
      });
    }
  }

  // A requirement with a counted scenario passes validation even when others are written as bold text or bullets: those are lost silently.
  const requirements = changeRequirements(change);
  for (const r of requirements) {
    if (!r.requirement.scenarios.some((s) => s.hasBody)) continue; // the no-scenario finding already names them
    for (const m of r.requirement.misplacedScenarios) {
      add({
        category: 'Inconsistency',
        severity: 'MEDIUM',
        location: { path: rel(r.path), line: m.range.start.line + 1 },
        summary: `Scenario "${oneLine(m.name || 'Scenario', 80)}" of requirement "${oneLine(r.name, 80)}" is written as ${m.form === 'heading' ? 'a heading of another level' : m.form === 'bold' ? 'bold text' : 'a bullet'}, not "#### Scenario:", so OpenSpec does not count it.`,
        recommendation: `Write it as "#### Scenario: ${oneLine(m.name || 'Scenario', 80)}".`,
      });
    }
  }

  const tasks = change.tasks?.doc.tasks ?? [];
  const tasksPath = change.tasks ? rel(change.tasks.path) : undefined;
  const terms = new Map(tasks.map((t) => [t, new Set(contentTerms(taskText(t)))]));
  const served = new Set<Task>();
  const coverage: CoverageRow[] = [];
  let covered = 0;
  for (const r of requirements) {
    const named = tasks.filter((t) => taskServes(t, r, terms.get(t)!) === 'name');
    const matched = named.length > 0 ? named : tasks.filter((t) => taskServes(t, r, terms.get(t)!) === 'keyword');
    for (const t of matched) served.add(t);
    if (matched.length > 0) covered++;
    coverage.push({
      requirement: `${r.operation} ${r.name}`,
      hasTask: matched.length > 0,
      tasks: matched.map((t) => t.id),
      notes: named.length > 0 ? 'named by name' : matched.length > 0 ? 'keyword match' : change.tasks ? 'no task names it or shares its key terms' : 'no tasks.md',
      match: named.length > 0 ? 'id' : matched.length > 0 ? 'keyword' : 'none',
      story: undefined,
      counted: true,
    });
    if (matched.length === 0 && change.tasks) {
      add({
        category: 'Coverage',
        severity: 'MEDIUM',
        location: { path: rel(r.path), line: r.line },
        summary: `Requirement "${oneLine(r.name, 100)}" (${r.operation}) has no task in tasks.md that names it or shares its key terms.`,
        recommendation: `Add a task for it to tasks.md, or name "${oneLine(r.name, 60)}" in the task that implements it.`,
      });
    }
  }

  // Tasks that name no requirement: only meaningful when the change has requirements.
  const unmapped = requirements.length > 0 ? tasks.filter((t) => !served.has(t) && t.parent === undefined) : [];
  if (unmapped.length > 0 && tasksPath) {
    const phases = new Map((change.tasks?.doc.phases ?? []).map((p) => [p.key, p]));
    const byGroup = new Map<string, Task[]>();
    for (const t of unmapped) byGroup.set(t.phase ?? '', [...(byGroup.get(t.phase ?? '') ?? []), t]);
    for (const [key, list] of byGroup) {
      const group = phases.get(key);
      add({
        category: 'Coverage',
        severity: 'LOW',
        location: { path: tasksPath, line: list[0]!.lineRange.start.line + 1 },
        summary: `${list.length === 1 ? 'Task' : 'Tasks'} ${idList(list.map((t) => t.id))}${group ? ` in "${oneLine(group.title, 60)}"` : ''} ${list.length === 1 ? 'names' : 'name'} no requirement of the change.`,
        recommendation: 'Name the requirement each task implements; setup and verification work may name none.',
      });
    }
  }
  if (requirements.length > 0 && !change.tasks) {
    add({
      category: 'Underspecification',
      severity: 'HIGH',
      location: { path: rel(change.proposal?.path ?? change.dir), line: 1 },
      summary: `The change has ${requirements.length} requirement${requirements.length === 1 ? '' : 's'} but no tasks.md.`,
      recommendation: 'Write tasks.md (`## 1. Group` + `- [ ] 1.1 Task`).',
    });
  }

  const all = numberFindings(drafts);
  const findings = all.slice(0, MAX_FINDINGS);
  return {
    findings,
    coverage,
    unmappedTasks: unmapped.map((t) => t.id),
    omitted: all.length - findings.length,
    metrics: {
      requirements: requirements.length,
      tasks: new Set(tasks.map((t) => t.id)).size,
      coveragePercent: requirements.length === 0 ? 0 : Math.round((covered * 100) / requirements.length),
      ambiguities: all.filter((f) => f.category === 'Ambiguity').length,
      duplicates: all.filter((f) => f.category === 'Duplication').length,
      critical: all.filter((f) => f.severity === 'CRITICAL').length,
      unmappedTasks: unmapped.length,
    },
  };
}

/** The report's next steps for an OpenSpec change (spec-kit's name spec-kit commands). */
export function changeNextActions(report: AnalysisReport, changeId: string): string[] {
  const out: string[] = [];
  if (report.findings.some((f) => f.severity === 'CRITICAL' || f.severity === 'HIGH')) out.push(`- Fix the HIGH findings in the change's files, then \`openspec validate ${changeId} --strict\`.`);
  else out.push(`- No HIGH findings: \`/speckit.implement ${changeId}\` can start on its tasks.`);
  if (report.unmappedTasks.length > 0) out.push('- Name the requirement each task implements in tasks.md, so the coverage can be followed.');
  return out;
}
