/**
 * OpenSpec's `openspec validate --strict` rules as diagnostics: each finding has a stable code, the
 * exact range it concerns, the quick fixes that are mechanical, and what OpenSpec itself reports for
 * it (so its JSON report can be reproduced and compared). The rules follow OpenSpec 1.13's validator:
 * main specs (`validate <spec>`), active changes' delta specs and tasks (`validate <change>`), and
 * archived changes' tasks (`validate --archived`).
 */
import * as path from 'node:path/posix';
import { type TasksDoc } from '../artifacts/tasks';
import { type QuickFix, type TextEdit } from '../lint/quickFixes';
import { type RuleInfo } from '../lint/ruleInfo';
import { type MarkdownDoc, nodeStart } from '../markdown/markdownDoc';
import { type Problem, type Range } from '../text/range';
import { deltaCount, presentOperations } from './deltaDoc';
import { foldRequirementName, normalizeRequirementName, outline } from './outline';
import { type CapabilitySpec, checkboxProgress, type DeltaFile, type OpenSpecChange, type OpenSpecProject } from './project';
import { containsShallOrMust, type Requirement } from './requirements';
import { type OpenSpecSpecDoc } from './specDoc';

/** Every OpenSpec diagnostic code with its default severity (OpenSpec's level: ERROR, WARNING, INFO). */
export const OPENSPEC_RULES = {
  'openspec-spec-missing-purpose': { severity: 'error', description: 'A capability spec without a `## Purpose` section (or with an empty one); OpenSpec reads nothing else of it.' },
  'openspec-spec-missing-requirements': { severity: 'error', description: 'A capability spec without a `## Requirements` section.' },
  'openspec-spec-no-requirements': { severity: 'error', description: 'A capability spec whose Requirements section holds no requirement.' },
  'openspec-purpose-placeholder': { severity: 'warning', description: "A spec's Purpose is still the placeholder `openspec archive` writes, or starts with TBD/TODO." },
  'openspec-purpose-too-brief': { severity: 'warning', description: "A spec's Purpose is shorter than 50 characters." },
  'openspec-delta-header-in-spec': { severity: 'error', description: 'A main spec holds a delta header (`## ADDED Requirements` …), which belongs in a change.' },
  'openspec-requirement-outside-section': { severity: 'error', description: 'A `### Requirement:` outside the main spec\'s `## Requirements` section: OpenSpec does not see it.' },
  'openspec-duplicate-requirement': { severity: 'error', description: 'A requirement name declared twice (in a spec, or in one delta section).' },
  'openspec-requirement-no-scenario': { severity: 'error', description: 'A requirement without a `#### Scenario:` that has steps under it.' },
  'openspec-requirement-no-text': { severity: 'error', description: 'A requirement heading with no statement under it.' },
  'openspec-requirement-no-shall': { severity: 'warning', description: "A requirement statement without SHALL or MUST (OpenSpec's strict mode fails on it)." },
  'openspec-requirement-too-long': { severity: 'info', description: 'A requirement statement longer than 500 characters.' },
  'openspec-delta-not-requirement-header': { severity: 'info', description: 'A `###` heading in an ADDED/MODIFIED section that is not `### Requirement: <name>`; OpenSpec skips it.' },
  'openspec-delta-rename-unpaired': { severity: 'error', description: 'A RENAMED `FROM:` line without its `TO:` line (or the reverse).' },
  'openspec-delta-requirement-outside-section': { severity: 'warning', description: 'A `### Requirement:` in a delta outside the ADDED/MODIFIED/REMOVED/RENAMED sections; it is ignored.' },
  'openspec-delta-empty-section': { severity: 'error', description: 'Delta sections in which no requirement entry could be read.' },
  'openspec-delta-no-sections': { severity: 'error', description: 'A delta spec without any `## ADDED|MODIFIED|REMOVED|RENAMED Requirements` section.' },
  'openspec-delta-conflict': { severity: 'error', description: 'One requirement named in two delta sections that contradict each other.' },
  'openspec-delta-scenario-loss': { severity: 'error', description: 'A MODIFIED requirement drops scenarios the current spec has (archive refuses it).' },
  'openspec-delta-archive-conflict': { severity: 'info', description: 'Archiving would refuse this delta: it modifies, renames or removes a requirement the current spec does not have, or adds one it has.' },
  'openspec-delta-misplaced': { severity: 'error', description: "Delta sections in a file OpenSpec does not read (not a capability folder's spec.md)." },
  'openspec-change-no-deltas': { severity: 'error', description: 'An active change without any spec delta (and without `skip_specs: true`).' },
  'openspec-skip-specs-conflict': { severity: 'error', description: 'A change declares `skip_specs: true` but has files under specs/.' },
  'openspec-tasks-no-checkbox': { severity: 'warning', description: "A change's tasks.md has list items but no checkbox, so it counts as 0 tasks." },
  'openspec-task-number-group': { severity: 'warning', description: 'A task numbered for another group than the `## N.` group it is in.' },
  'openspec-task-number-duplicate': { severity: 'warning', description: 'A task number used twice in a change.' },
  'openspec-archived-incomplete-tasks': { severity: 'error', description: 'An archived change with unticked tasks.' },
  'openspec-unreadable': { severity: 'error', description: 'An OpenSpec file that could not be read.' },
} as const satisfies Record<string, RuleInfo>;

export type OpenSpecRuleCode = keyof typeof OPENSPEC_RULES;

export type OpenSpecLevel = 'ERROR' | 'WARNING' | 'INFO';

/** One issue as `openspec validate --json` reports it: `path` is OpenSpec's (`file`, `overview`, `requirements[0]`, `auth/spec.md`, `tasks.md`). */
export interface OpenSpecReportIssue {
  readonly level: OpenSpecLevel;
  readonly path: string;
  /** One-based, where OpenSpec gives a line. */
  readonly line?: number;
}

export interface OpenSpecFinding extends Problem {
  readonly code: OpenSpecRuleCode;
  /** The file the finding is in (absolute POSIX path). */
  readonly path: string;
  /** Mechanical fixes, ready to apply. */
  readonly fixes: readonly QuickFix[];
  /** What OpenSpec reports for it: usually one issue; two for a main-spec requirement without scenarios (an error and a warning). */
  readonly report: readonly OpenSpecReportIssue[];
}

export type OpenSpecItemType = 'spec' | 'change' | 'archived-change';

export interface OpenSpecItemValidation {
  readonly type: OpenSpecItemType;
  /** Capability id, change id, or the archive folder name for archived changes (as OpenSpec names them). */
  readonly id: string;
  readonly findings: readonly OpenSpecFinding[];
}

export interface OpenSpecValidation {
  readonly items: readonly OpenSpecItemValidation[];
  /** Every finding, by file. */
  readonly findings: readonly OpenSpecFinding[];
}

const MIN_PURPOSE_LENGTH = 50;
const MAX_REQUIREMENT_TEXT_LENGTH = 500;
const ZERO: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** Every check on every spec, active change and archived change of the project. */
export function validateOpenSpecProject(project: OpenSpecProject): OpenSpecValidation {
  const specsById = new Map(project.specs.map((s) => [s.id, s]));
  const items: OpenSpecItemValidation[] = [
    ...project.specs.map((s) => ({ type: 'spec' as const, id: s.id, findings: validateCapability(s) })),
    ...project.changes.map((c) => ({ type: 'change' as const, id: c.id, findings: validateChange(c, specsById, schemaOf(project, c)) })),
    ...project.archived.map((c) => ({ type: 'archived-change' as const, id: c.folder, findings: validateArchivedChange(c) })),
  ];
  const unreadable = [...project.problems, ...project.changes.flatMap((c) => c.problems), ...project.archived.flatMap((c) => c.problems)].map(
    (p): OpenSpecFinding => ({ ...p, code: 'openspec-unreadable', fixes: [], report: [{ level: 'ERROR', path: 'file' }] }),
  );
  return { items, findings: [...items.flatMap((i) => i.findings), ...unreadable] };
}

/** The findings of one file of the project (for the language server and `check`). */
export function openspecFileFindings(validation: OpenSpecValidation, file: string): OpenSpecFinding[] {
  return validation.findings.filter((f) => f.path === file);
}

// ---------------------------------------------------------------------------------------------
// Main specs

/** `openspec validate <spec>`. */
export function validateCapability(spec: CapabilitySpec): OpenSpecFinding[] {
  const doc = spec.doc;
  const out: OpenSpecFinding[] = [];
  const at = (code: OpenSpecRuleCode, message: string, range: Range, report: OpenSpecReportIssue[], fixes: QuickFix[] = []): void => {
    out.push(finding(code, message, range, spec.path, report, fixes));
  };
  const top = doc.title?.range ?? lineRange(doc.markdown, 0);

  // OpenSpec stops at a missing Purpose or Requirements section: nothing else of the file is read.
  if (!doc.purpose?.text) {
    at(
      'openspec-spec-missing-purpose',
      doc.purpose ? 'The Purpose section is empty; OpenSpec reads nothing else of this spec until it says what the capability is for.' : 'This spec has no "## Purpose" section; OpenSpec reads nothing else of it until it has one (and "## Requirements").',
      doc.purpose?.headingRange ?? top,
      [{ level: 'ERROR', path: 'file' }],
    );
    return out;
  }
  if (!doc.requirementsSection) {
    at('openspec-spec-missing-requirements', 'This spec has no "## Requirements" section; OpenSpec reads no requirement from it.', top, [{ level: 'ERROR', path: 'file' }], deltaHeaderFix(doc));
    return out;
  }

  if (doc.requirements.length === 0) {
    at('openspec-spec-no-requirements', 'The Requirements section holds no requirement ("### Requirement: <name>").', doc.requirementsSection.headingRange, [{ level: 'ERROR', path: 'requirements' }]);
  }
  doc.requirements.forEach((r, i) => {
    if (r.scenarios.some((s) => s.hasBody)) return;
    at('openspec-requirement-no-scenario', noScenarioMessage(r), r.headingRange, [
      { level: 'ERROR', path: `requirements.${i}.scenarios` },
      { level: 'WARNING', path: `requirements[${i}].scenarios` },
    ], scenarioFixes(r));
  });

  for (const h of doc.deltaHeaders) {
    at('openspec-delta-header-in-spec', `"## ${h.value}" is a delta header: it belongs in a change's delta spec, and in a main spec it cuts the Requirements section short.`, h.range, [{ level: 'ERROR', path: 'file', line: h.range.start.line + 1 }], deltaHeaderFix(doc, h.range));
  }
  for (const s of doc.strayRequirements) {
    at('openspec-requirement-outside-section', `Requirement "${s.name}" is outside the "## Requirements" section, so OpenSpec does not see it (not validated, listed or archived).`, s.headingRange, [{ level: 'ERROR', path: 'file', line: s.headingRange.start.line + 1 }]);
  }
  for (const d of doc.duplicateRequirements) {
    at('openspec-duplicate-requirement', `Requirement "${d.name}" is already declared on line ${d.firstLine + 1}; requirement names must be unique.`, d.headingRange, [{ level: 'ERROR', path: 'file', line: d.headingRange.start.line + 1 }]);
  }

  if (doc.purposePlaceholder) {
    const line = doc.purposePlaceholder.line;
    at(
      'openspec-purpose-placeholder',
      'The Purpose is still a placeholder (the sentence "openspec archive" writes, or a TBD/TODO): say what this capability is for, here in the main spec.',
      line !== undefined ? lineRange(doc.markdown, line) : doc.purpose.headingRange,
      [{ level: 'WARNING', path: 'overview', ...(line !== undefined ? { line: line + 1 } : {}) }],
    );
  } else if (doc.purpose.text.length < MIN_PURPOSE_LENGTH) {
    at('openspec-purpose-too-brief', `The Purpose has ${doc.purpose.text.length} characters; OpenSpec asks for at least ${MIN_PURPOSE_LENGTH}.`, doc.purpose.headingRange, [{ level: 'WARNING', path: 'overview' }]);
  }

  doc.requirements.forEach((r, i) => {
    const text = r.text || r.name;
    if (text.length > MAX_REQUIREMENT_TEXT_LENGTH) {
      at('openspec-requirement-too-long', `The statement of "${r.name}" has ${text.length} characters (over ${MAX_REQUIREMENT_TEXT_LENGTH}); consider splitting it.`, r.textRange ?? r.headingRange, [{ level: 'INFO', path: `requirements[${i}]` }]);
    }
  });
  doc.requirementBlocks.forEach((r, i) => statementChecks(r, `Requirement "${r.name}"`, `requirements[${i}]`, at));
  return out;
}

/** The statement rules shared by specs and deltas: a body must exist, and should say SHALL or MUST. */
function statementChecks(r: Requirement, label: string, reportPath: string, at: (code: OpenSpecRuleCode, message: string, range: Range, report: OpenSpecReportIssue[]) => void): void {
  const inHeader = containsShallOrMust(r.name) ? ' It is in the heading only: move the SHALL/MUST statement to the line under the heading.' : '';
  if (!r.text) {
    at('openspec-requirement-no-text', `${label} has no statement under its heading.${inHeader}`, r.headingRange, [{ level: 'ERROR', path: reportPath }]);
  } else if (!r.normative) {
    at('openspec-requirement-no-shall', `${label} should state SHALL or MUST (RFC 2119; OpenSpec's strict mode fails without it).${inHeader}`, r.textRange ?? r.headingRange, [{ level: 'WARNING', path: reportPath }]);
  }
}

function noScenarioMessage(r: Requirement): string {
  const bare = r.scenarios.filter((s) => !s.hasBody).length;
  const miswritten = r.misplacedScenarios.length;
  let why = '';
  if (miswritten > 0) why = ` It has ${miswritten} scenario${miswritten === 1 ? '' : 's'} written another way ("${r.misplacedScenarios[0]!.name || 'Scenario'}"), which OpenSpec does not count: scenarios are "#### Scenario: <name>" headings.`;
  else if (bare > 0) why = ' A scenario heading with nothing under it does not count: add its "- **WHEN** …" and "- **THEN** …" steps.';
  return `Requirement "${r.name}" has no scenario; every requirement needs at least one "#### Scenario:".${why}`;
}

/** Rewrites each scenario written as bold text, a bullet or a heading of another level as a `#### Scenario:` heading. */
function scenarioFixes(r: Requirement): QuickFix[] {
  if (r.misplacedScenarios.length === 0) return [];
  const edits: TextEdit[] = r.misplacedScenarios.map((m) => ({ range: m.range, newText: `#### Scenario: ${m.name || 'Scenario'}` }));
  return [{ title: `Write ${edits.length === 1 ? 'the scenario' : `the ${edits.length} scenarios`} as "#### Scenario:" heading${edits.length === 1 ? '' : 's'}`, code: 'openspec-requirement-no-scenario', edits, preferred: true }];
}

/** A main spec that is a copied delta (`## ADDED Requirements`, no `## Requirements`): the header becomes `## Requirements`. */
function deltaHeaderFix(doc: OpenSpecSpecDoc, header?: Range): QuickFix[] {
  const added = doc.deltaHeaders.filter((h) => /^ADDED\b/i.test(h.value));
  if (doc.deltaHeaders.length !== 1 || added.length !== 1 || doc.requirementsSection) return [];
  if (header && header !== added[0]!.range) return [];
  return [{ title: 'Make "## ADDED Requirements" the "## Requirements" section', code: header ? 'openspec-delta-header-in-spec' : 'openspec-spec-missing-requirements', edits: [{ range: added[0]!.range, newText: '## Requirements' }], preferred: true }];
}

// ---------------------------------------------------------------------------------------------
// Active changes

/** `openspec validate <change>` with the main specs and tasks (as `validate --all` runs it). */
export function validateChange(change: OpenSpecChange, mainSpecs: ReadonlyMap<string, CapabilitySpec>, schema = 'spec-driven'): OpenSpecFinding[] {
  const out: OpenSpecFinding[] = [];
  let total = 0;

  for (const m of change.misplacedDeltas) {
    out.push(
      finding(
        'openspec-delta-misplaced',
        m.expected ? `This file has delta sections, but OpenSpec reads deltas only from a capability's spec.md: move them into specs/${m.expected}.` : 'A delta spec directly in specs/ has no capability: OpenSpec ignores it. Move it to specs/<capability>/spec.md.',
        ZERO,
        m.path,
        [{ level: 'ERROR', path: m.relative }],
      ),
    );
  }

  for (const delta of change.deltas) {
    total += deltaCount(delta.doc);
    out.push(...validateDelta(delta, mainSpecs.get(delta.capability)));
  }

  if (change.metadata?.skipSpecs && (change.deltas.length > 0 || change.misplacedDeltas.length > 0)) {
    out.push(finding('openspec-skip-specs-conflict', '.openspec.yaml says skip_specs: true, but the change has files under specs/; remove skip_specs or the delta files.', ZERO, path.join(change.dir, '.openspec.yaml'), [{ level: 'ERROR', path: 'file' }]));
  }
  if (total === 0 && change.misplacedDeltas.length === 0 && !change.metadata?.skipSpecs) {
    const where = change.proposal ?? change.tasks ?? change.design;
    const range = change.proposal?.doc.title?.range ?? ZERO;
    out.push(
      finding(
        'openspec-change-no-deltas',
        'This change has no spec delta: add specs/<capability>/spec.md with "## ADDED Requirements" (or MODIFIED/REMOVED/RENAMED), or set "skip_specs: true" in .openspec.yaml if it changes no behaviour.',
        range,
        where?.path ?? path.join(change.dir, 'proposal.md'),
        [{ level: 'ERROR', path: 'file' }],
      ),
    );
  }
  if (change.tasks) out.push(...validateTasksFile(change.tasks.path, change.tasks.doc, schema === 'spec-driven'));
  return out;
}

/**
 * The checks of one delta spec: its own structure, and against `main` (the capability's current spec,
 * undefined when there is none yet) the scenario loss and the conflicts archiving would hit.
 */
export function validateDelta(delta: DeltaFile, main: CapabilitySpec | undefined): OpenSpecFinding[] {
  const out: OpenSpecFinding[] = [];
  const entry = delta.capability + '/spec.md';
  const d = delta.doc;
  const at = (code: OpenSpecRuleCode, message: string, range: Range, report: OpenSpecReportIssue[], fixes: QuickFix[] = []): void => {
    out.push(finding(code, message, range, delta.path, report, fixes));
  };
  for (const s of d.skippedHeaders) {
    const fixes: QuickFix[] = s.nameless
      ? []
      : /^Scenario\b/i.test(s.header)
        ? [{ title: 'Make it a "#### Scenario:" heading', code: 'openspec-delta-not-requirement-header', edits: [{ range: s.range, newText: `#### ${s.header}` }], preferred: true }]
        : [{ title: `Write it as "### Requirement: ${s.header}"`, code: 'openspec-delta-not-requirement-header', edits: [{ range: s.range, newText: `### Requirement: ${s.header}` }], preferred: true }];
    at(
      'openspec-delta-not-requirement-header',
      s.nameless ? `"### ${s.header}" in ${s.section} has no requirement name and is ignored.` : `"### ${s.header}" in ${s.section} is not a "### Requirement:" heading, so OpenSpec ignores it.`,
      s.range,
      [{ level: 'INFO', path: entry, line: s.range.start.line + 1 }],
      fixes,
    );
  }
  for (const u of d.unpairedRenames) {
    at('openspec-delta-rename-unpaired', `RENAMED ${u.side}: "${u.name}" has no ${u.side === 'FROM' ? 'TO:' : 'FROM:'} line; write each rename as a FROM: line followed by its TO: line.`, u.range, [{ level: 'ERROR', path: entry, line: u.range.start.line + 1 }]);
  }
  for (const o of d.orphanedRequirements) {
    const where = o.section ? `under "## ${o.section}"` : 'above the first "## " section';
    at('openspec-delta-requirement-outside-section', `Requirement "${o.name}" is ${where}, not in a delta section, so it is ignored; move it under "## ADDED Requirements" (or MODIFIED/REMOVED/RENAMED).`, o.headingRange, [{ level: 'WARNING', path: entry, line: o.headingRange.start.line + 1 }]);
  }

  if (deltaCount(d) === 0) {
    const present = presentOperations(d);
    if (present.length > 0) {
      at('openspec-delta-empty-section', `No requirement could be read in ${present.map((op) => `"## ${op} Requirements"`).join(', ')}: each needs "### Requirement: <name>" blocks (REMOVED may list them as bullets).`, d.sections[0]!.headingRange, [{ level: 'ERROR', path: entry }]);
    } else {
      at('openspec-delta-no-sections', 'This delta spec has no "## ADDED Requirements" (or MODIFIED/REMOVED/RENAMED) section; OpenSpec reads nothing from it.', lineRange(d.markdown, 0), [{ level: 'ERROR', path: entry }]);
    }
  }

  for (const [op, list] of [['ADDED', d.added], ['MODIFIED', d.modified]] as const) {
    const seen = new Set<string>();
    for (const r of list) {
      const key = normalizeRequirementName(r.name);
      if (seen.has(key)) at('openspec-duplicate-requirement', `"${r.name}" is listed twice under ${op}.`, r.headingRange, [{ level: 'ERROR', path: entry }]);
      seen.add(key);
      statementChecks(r, `${op} "${r.name}"`, entry, at);
      if (!r.scenarios.some((s) => s.hasBody)) at('openspec-requirement-no-scenario', noScenarioMessage(r), r.headingRange, [{ level: 'ERROR', path: entry }], scenarioFixes(r));
    }
  }

  if (main && d.modified.length > 0) out.push(...scenarioLoss(delta, main, entry));

  const removedKeys = new Set<string>();
  for (const r of d.removed) {
    const key = normalizeRequirementName(r.name);
    if (removedKeys.has(key)) at('openspec-duplicate-requirement', `"${r.name}" is listed twice under REMOVED.`, r.range, [{ level: 'ERROR', path: entry }]);
    removedKeys.add(key);
  }
  const froms = new Set<string>();
  const tos = new Set<string>();
  for (const r of d.renamed) {
    const f = normalizeRequirementName(r.from);
    const t = normalizeRequirementName(r.to);
    if (froms.has(f)) at('openspec-duplicate-requirement', `"${r.from}" is renamed twice (FROM).`, r.fromRange, [{ level: 'ERROR', path: entry }]);
    if (tos.has(t)) at('openspec-duplicate-requirement', `Two renames lead to "${r.to}" (TO).`, r.toRange, [{ level: 'ERROR', path: entry }]);
    froms.add(f);
    tos.add(t);
  }

  const keys = (list: readonly Requirement[]): Map<string, Requirement> => new Map(list.map((r) => [normalizeRequirementName(r.name), r]));
  const added = keys(d.added);
  const modified = keys(d.modified);
  const removedByKey = new Map(d.removed.map((r) => [normalizeRequirementName(r.name), r]));
  const conflict = (name: string, a: string, b: string, range: Range): void =>
    at('openspec-delta-conflict', `"${name}" is both in ${a} and in ${b}; a requirement can be in one of them only.`, range, [{ level: 'ERROR', path: entry }]);
  for (const [k, r] of modified) {
    if (removedByKey.has(k)) conflict(k, 'MODIFIED', 'REMOVED', r.headingRange);
    if (added.has(k)) conflict(k, 'MODIFIED', 'ADDED', r.headingRange);
  }
  for (const [k, r] of added) if (removedByKey.has(k)) conflict(k, 'ADDED', 'REMOVED', r.headingRange);
  for (const r of d.renamed) {
    const f = normalizeRequirementName(r.from);
    const t = normalizeRequirementName(r.to);
    if (modified.has(f)) at('openspec-delta-conflict', `MODIFIED names "${r.from}", which RENAMED renames: use the new name "${r.to}".`, modified.get(f)!.headingRange, [{ level: 'ERROR', path: entry }]);
    if (added.has(t)) at('openspec-delta-conflict', `RENAMED leads to "${r.to}", which ADDED also adds.`, r.toRange, [{ level: 'ERROR', path: entry }]);
    const removedMatch = [...removedByKey.keys()].find((k) => foldRequirementName(k) === foldRequirementName(f));
    if (removedMatch !== undefined) conflict(r.from, 'RENAMED', 'REMOVED', r.fromRange);
  }

  out.push(...archiveConflicts(delta, main, entry));
  return out;
}

/** A MODIFIED block replaces the whole requirement, so every scenario the current one has must be in it. */
function scenarioLoss(delta: DeltaFile, main: CapabilitySpec, entry: string): OpenSpecFinding[] {
  const current = new Map(main.doc.requirementBlocks.map((r) => [normalizeRequirementName(r.name), r]));
  const renamedFrom = new Map(delta.doc.renamed.map((r) => [normalizeRequirementName(r.to), normalizeRequirementName(r.from)]));
  const renamedAway = new Set(delta.doc.renamed.map((r) => normalizeRequirementName(r.from)));
  const currentFor = (name: string): Requirement | undefined => {
    const visited = new Set<string>();
    for (let key: string | undefined = name; key !== undefined && !visited.has(key); key = renamedFrom.get(key)) {
      const r = current.get(key);
      if (r) return r;
      visited.add(key);
    }
    return undefined;
  };
  const out: OpenSpecFinding[] = [];
  for (const m of delta.doc.modified) {
    const key = normalizeRequirementName(m.name);
    if (renamedAway.has(key)) continue;
    const cur = currentFor(key);
    if (!cur) continue;
    const missing = unmatched(cur.scenarios.map((s) => s.name), m.scenarios.map((s) => s.name));
    if (missing.length === 0) continue;
    out.push(
      finding(
        'openspec-delta-scenario-loss',
        `MODIFIED "${m.name}" leaves out scenario${missing.length === 1 ? '' : 's'} the current spec has: ${missing.map((n) => `"${n}"`).join(', ')}. A MODIFIED requirement replaces the whole block, so copy them in (archive refuses to drop them).`,
        m.headingRange,
        delta.path,
        [{ level: 'ERROR', path: entry }],
      ),
    );
  }
  return out;
}

/** Names in `names` not matched one-for-one by `against` (duplicates count). */
function unmatched(names: readonly string[], against: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const n of against) left.set(n, (left.get(n) ?? 0) + 1);
  const out: string[] = [];
  for (const n of names) {
    const k = left.get(n) ?? 0;
    if (k > 0) left.set(n, k - 1);
    else out.push(n);
  }
  return out;
}

/**
 * What `openspec archive` would refuse when it merges this delta into the current spec, in the order
 * it applies operations (RENAMED, REMOVED, MODIFIED, ADDED). OpenSpec's validate reports only the
 * first of these per file (as INFO); all of them are reported here.
 */
function archiveConflicts(delta: DeltaFile, main: CapabilitySpec | undefined, entry: string): OpenSpecFinding[] {
  const d = delta.doc;
  const out: OpenSpecFinding[] = [];
  const at = (message: string, range: Range, fixes: QuickFix[] = []): void => {
    out.push(finding('openspec-delta-archive-conflict', message, range, delta.path, [{ level: 'INFO', path: entry }], fixes));
  };
  if (deltaCount(d) === 0) return out;
  if (!main) {
    if (d.modified.length > 0 || d.renamed.length > 0) {
      const first = d.sections.find((s) => s.operation === 'MODIFIED' || s.operation === 'RENAMED');
      at(`There is no openspec/specs/${delta.capability}/spec.md yet, so archiving cannot apply MODIFIED or RENAMED here; a new capability takes ADDED requirements only.`, first?.headingRange ?? ZERO);
    }
    return out;
  }
  const target = main.doc;
  const structural = target.deltaHeaders.length + target.strayRequirements.length + target.duplicateRequirements.length;
  if (structural > 0) {
    at(`openspec/specs/${delta.capability}/spec.md is not a well-formed spec (delta headers, requirements outside "## Requirements" or duplicates), so archiving cannot merge into it until it is fixed.`, d.sections[0]?.headingRange ?? ZERO);
    return out;
  }

  const blocks = new Map<string, string>(target.requirementBlocks.map((r) => [normalizeRequirementName(r.name), r.name]));
  const raw = new Map<string, string>(target.requirementBlocks.map((r) => [normalizeRequirementName(r.name), blockText(main.doc.markdown, r)]));
  const nearMiss = (key: string, except?: string): string | undefined => [...blocks.keys()].find((k) => k !== except && k !== key && foldRequirementName(k) === foldRequirementName(key));
  const renameFix = (range: Range, doc: MarkdownDoc, from: string, to: string): QuickFix[] => {
    const line = doc.index.textOf(range);
    const at2 = line.lastIndexOf(from);
    if (at2 < 0) return [];
    const start = doc.index.offsetAt(range.start) + at2;
    return [{ title: `Use the exact name "${to}"`, code: 'openspec-delta-archive-conflict', edits: [{ range: doc.index.rangeOf(start, start + from.length), newText: to }], preferred: true }];
  };

  for (const r of d.renamed) {
    const from = normalizeRequirementName(r.from);
    const to = normalizeRequirementName(r.to);
    if (!blocks.has(from)) {
      if (blocks.has(to)) {
        const near = nearMiss(from, to);
        if (near !== undefined) at(`RENAMED FROM "${r.from}" is not in the current spec, but "${blocks.get(near)}" is: use its exact name.`, r.fromRange, renameFix(r.fromRange, d.markdown, r.from, blocks.get(near)!));
        continue;
      }
      const near = nearMiss(from);
      at(`RENAMED FROM "${r.from}" is not in the current spec.`, r.fromRange, near !== undefined ? renameFix(r.fromRange, d.markdown, r.from, blocks.get(near)!) : []);
      continue;
    }
    if (blocks.has(to)) {
      at(`RENAMED TO "${r.to}" already exists in the current spec.`, r.toRange);
      continue;
    }
    const near = [...blocks.keys()].find((k) => k !== from && foldRequirementName(k) === foldRequirementName(to));
    if (near !== undefined) {
      at(`RENAMED TO "${r.to}" differs only in case or spacing from "${blocks.get(near)}", which the spec already has.`, r.toRange);
      continue;
    }
    blocks.set(to, r.to);
    raw.set(to, raw.get(from) ?? '');
    blocks.delete(from);
    raw.delete(from);
  }
  for (const r of d.removed) {
    const key = normalizeRequirementName(r.name);
    if (blocks.has(key)) {
      blocks.delete(key);
      raw.delete(key);
      continue;
    }
    const near = nearMiss(key);
    if (near !== undefined) at(`REMOVED "${r.name}" is not in the current spec, but "${blocks.get(near)}" is: use its exact name.`, r.range, renameFix(r.range, d.markdown, r.name, blocks.get(near)!));
  }
  for (const m of d.modified) {
    const key = normalizeRequirementName(m.name);
    if (!blocks.has(key)) {
      at(`MODIFIED "${m.name}" is not in the current spec; MODIFIED must name an existing requirement exactly (use ADDED for a new one).`, m.headingRange);
      continue;
    }
    raw.set(key, blockText(d.markdown, m));
  }
  for (const a of d.added) {
    const key = normalizeRequirementName(a.name);
    if (blocks.has(key)) {
      if (raw.get(key) !== blockText(d.markdown, a)) at(`ADDED "${a.name}" already exists in the current spec; use MODIFIED to change it.`, a.headingRange);
      continue;
    }
    const near = [...blocks.keys()].find((k) => foldRequirementName(k) === foldRequirementName(key));
    if (near !== undefined) {
      at(`ADDED "${a.name}" differs only in case or spacing from "${blocks.get(near)}", which the spec already has; use MODIFIED with that exact name, or choose a distinct one.`, a.headingRange);
      continue;
    }
    blocks.set(key, a.name);
    raw.set(key, blockText(d.markdown, a));
  }
  return out;
}

function blockText(doc: MarkdownDoc, r: Requirement): string {
  return doc.index.textOf(r.range).replace(/\r\n?/g, '\n').trim();
}

// ---------------------------------------------------------------------------------------------
// Tasks

const TASK_NUMBER = /^(\d+(?:\.\d+)+(?:[A-Za-z]+)?)(?=\s|$)/;
const GROUP_HEADING = /^(\d+)\.(?:[ \t]|$)/;

/** A checkbox line of tasks.md, whatever the task parser made of it (task, sub-item or plain item). */
interface Box {
  readonly line: number;
  readonly text: string;
  readonly checked: boolean;
  readonly range: Range;
}

function boxes(tasks: TasksDoc): Box[] {
  const out: Box[] = [];
  for (const t of tasks.tasks) {
    if (t.checkboxRange) out.push({ line: t.lineRange.start.line, text: `${t.id} ${t.description}`, checked: t.checked, range: t.checkboxRange });
    for (const c of t.children) if (c.checkboxRange) out.push({ line: c.range.start.line, text: c.text, checked: c.checked === true, range: c.checkboxRange });
    for (const a of t.acceptance) out.push({ line: a.range.start.line, text: a.text, checked: a.checked, range: a.checkboxRange });
  }
  for (const u of tasks.untracked) out.push({ line: u.range.start.line, text: u.text, checked: u.checked, range: u.checkboxRange });
  return out.sort((a, b) => a.line - b.line);
}

/** The tasks.md rules of `validate <change>`: a list without checkboxes counts as no work; `N.M` numbers follow their `## N.` group (for OpenSpec's own spec-driven schema). */
export function validateTasksFile(file: string, tasks: TasksDoc, numbering: boolean): OpenSpecFinding[] {
  const out: OpenSpecFinding[] = [];
  const doc = tasks.markdown;
  const all = boxes(tasks);
  if (all.length === 0 && tasks.fencedCheckboxes.length === 0) {
    const lists = doc.root.children.filter((n) => n.type === 'list');
    if (lists.length > 0) {
      const line = doc.index.positionAt(nodeStart(lists[0]!)).line;
      out.push(
        finding(
          'openspec-tasks-no-checkbox',
          'No line of this tasks.md is a checkbox, so the change counts as 0 tasks: progress, status and archive see no work. Write each task as "- [ ] 1.1 Description".',
          lineRange(doc, line),
          file,
          [{ level: 'WARNING', path: 'tasks.md', line: line + 1 }],
          checkboxFix(doc),
        ),
      );
    }
  }
  if (!numbering) return out;
  const o = outline(doc);
  if (!o.headings.some((h) => h.depth === 2 && GROUP_HEADING.test(h.title))) return out;
  const first = new Map<string, number>();
  for (const b of all) {
    const group = [...o.headings].reverse().find((h) => h.depth === 2 && h.line < b.line);
    const groupNumber = group ? GROUP_HEADING.exec(group.title)?.[1] : undefined;
    if (groupNumber === undefined) continue;
    const id = TASK_NUMBER.exec(b.text)?.[1];
    if (!id) continue;
    const lineRng = lineRange(doc, b.line);
    const taskGroup = id.split('.')[0]!;
    if (taskGroup.replace(/^0+(?=\d)/, '') !== groupNumber.replace(/^0+(?=\d)/, '')) {
      out.push(finding('openspec-task-number-group', `Task ${id} is in group ${groupNumber}, but its number says group ${taskGroup}: move it to group ${taskGroup} or renumber it.`, lineRng, file, [{ level: 'WARNING', path: 'tasks.md', line: b.line + 1 }]));
    }
    const prev = first.get(id);
    if (prev !== undefined) out.push(finding('openspec-task-number-duplicate', `Task number ${id} is used twice; the first is on line ${prev + 1}.`, lineRng, file, [{ level: 'WARNING', path: 'tasks.md', line: b.line + 1 }]));
    else first.set(id, b.line);
  }
  return out;
}

/** Puts `[ ] ` after the marker of every top-level list item of the file's top-level lists. */
function checkboxFix(doc: MarkdownDoc): QuickFix[] {
  const edits: TextEdit[] = [];
  for (const list of doc.root.children) {
    if (list.type !== 'list') continue;
    for (const item of list.children) {
      const start = nodeStart(item);
      const line = doc.index.positionAt(start).line;
      const m = /^((?:[-*+]|\d{1,9}[.)])[ \t]+)/.exec(doc.text.slice(start, doc.index.lineEnd(line)));
      if (!m) continue;
      const at = doc.index.positionAt(start + m[1]!.length);
      edits.push({ range: { start: at, end: at }, newText: '[ ] ' });
    }
  }
  return edits.length > 0 ? [{ title: `Make the ${edits.length} list item${edits.length === 1 ? '' : 's'} checkboxes`, code: 'openspec-tasks-no-checkbox', edits, preferred: true }] : [];
}

// ---------------------------------------------------------------------------------------------
// Archived changes

/** `openspec validate --archived`: an archived change has every task ticked. */
export function validateArchivedChange(change: OpenSpecChange): OpenSpecFinding[] {
  if (!change.tasks) return [];
  const progress = checkboxProgress(change.tasks.doc);
  const open = progress.total - progress.done;
  if (open <= 0) return [];
  const firstOpen = boxes(change.tasks.doc).find((b) => !b.checked);
  return [
    finding(
      'openspec-archived-incomplete-tasks',
      `This change is archived with ${open} task${open === 1 ? '' : 's'} not ticked (${progress.done}/${progress.total} done).`,
      firstOpen?.range ?? ZERO,
      change.tasks.path,
      [{ level: 'ERROR', path: 'tasks.md' }],
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// OpenSpec's report

export interface OpenSpecReportItem {
  readonly id: string;
  readonly type: 'spec' | 'change';
  readonly valid: boolean;
  readonly issues: ReadonlyArray<OpenSpecReportIssue & { readonly code: OpenSpecRuleCode }>;
}

/**
 * What `openspec validate --all --strict --json` reports (`items`, without messages and timings),
 * or with `archived`, what `openspec validate --archived --json` reports. OpenSpec reports only the
 * first archive conflict of a delta file, and none for a file that already has an error.
 */
export function toOpenSpecReport(validation: OpenSpecValidation, archived = false): OpenSpecReportItem[] {
  const items: OpenSpecReportItem[] = [];
  for (const item of validation.items) {
    if ((item.type === 'archived-change') !== archived) continue;
    const errorPaths = new Set(item.findings.flatMap((f) => f.report.filter((r) => r.level === 'ERROR').map((r) => r.path)));
    const conflictShown = new Set<string>();
    const issues: Array<OpenSpecReportIssue & { code: OpenSpecRuleCode }> = [];
    for (const f of item.findings) {
      if (f.code === 'openspec-delta-archive-conflict') {
        const p = f.report[0]!.path;
        if (errorPaths.has(p) || conflictShown.has(p)) continue;
        conflictShown.add(p);
      }
      for (const r of f.report) issues.push({ ...r, code: f.code });
    }
    // Strict mode: a warning fails the item as an error does.
    const valid = archived ? issues.length === 0 : !issues.some((i) => i.level === 'ERROR' || i.level === 'WARNING');
    items.push({ id: item.id, type: item.type === 'spec' ? 'spec' : 'change', valid, issues });
  }
  return items.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.type < b.type ? -1 : 1));
}

// ---------------------------------------------------------------------------------------------

function finding(code: OpenSpecRuleCode, message: string, range: Range, file: string, report: OpenSpecReportIssue[], fixes: readonly QuickFix[] = []): OpenSpecFinding {
  return { code, message, severity: OPENSPEC_RULES[code].severity, range, path: file, fixes, report };
}

function lineRange(doc: MarkdownDoc, line: number): Range {
  return doc.index.lineRange(Math.min(line, doc.index.lineCount - 1));
}

/** The schema a change follows: its `.openspec.yaml`, else the project's `config.yaml`, else OpenSpec's default. */
function schemaOf(project: OpenSpecProject, change: OpenSpecChange): string {
  return change.metadata?.schema ?? project.schema ?? 'spec-driven';
}
