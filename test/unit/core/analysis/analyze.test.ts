import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseConstitution } from '../../../../src/core/artifacts/constitution';
import { parsePlan } from '../../../../src/core/artifacts/plan';
import { parseSpec } from '../../../../src/core/artifacts/spec';
import { parseTasks } from '../../../../src/core/artifacts/tasks';
import { analysisMarkdown } from '../../../../src/core/analysis/analysisMarkdown';
import { analyzeFeature } from '../../../../src/core/analysis/analyze';
import { type AnalysisReport, compareFindings, type Finding, MAX_FINDINGS } from '../../../../src/core/analysis/findings';
import { mergeFindings, parseModelFindings, withModelFindings } from '../../../../src/core/analysis/modelFindings';
import { corpusDir, corpusFiles, fixture } from '../../helpers/paths';

const read = (name: string): string => readFileSync(fixture('analysis', name), 'utf8');
const PATHS = { spec: 'specs/001-albums/spec.md', plan: 'specs/001-albums/plan.md', tasks: 'specs/001-albums/tasks.md', constitution: '.specify/memory/constitution.md' };
const link = (p: string, line: number): string => `[${p}:${line}](${p}#L${line})`;

function fixtureReport(): AnalysisReport {
  return analyzeFeature({
    spec: parseSpec(read('spec.md')),
    plan: parsePlan(read('plan.md')),
    tasks: parseTasks(read('tasks.md')),
    constitution: parseConstitution(read('constitution.md')),
    paths: PATHS,
  });
}

/** Findings as `ID SEVERITY path:line` plus the summary, for readable assertions. */
const having = (r: AnalysisReport, pred: (f: Finding) => boolean): Finding[] => r.findings.filter(pred);

describe('analyzeFeature on a purpose-made feature', () => {
  const r = fixtureReport();

  it('maps requirements to tasks by ID and by keyword, and reports the gaps', () => {
    const row = (id: string) => r.coverage.find((c) => c.requirement === id)!;
    assert.deepEqual(row('FR-001').tasks, ['T004']);
    assert.match(row('FR-001').notes, /named by ID/);
    assert.deepEqual(row('FR-002').tasks, ['T005']);
    assert.match(row('FR-002').notes, /keyword match/);
    assert.equal(row('FR-003').hasTask, false);
    assert.equal(row('SC-001').hasTask, false);
    assert.match(row('SC-002').notes, /business outcome/);
    // FR-006 is defined twice; the coverage table lists it once.
    assert.equal(r.coverage.filter((c) => c.requirement === 'FR-006').length, 1);
    // FR-005 "Sharing MUST be secure" ↔ T008 "Secure sharing".
    assert.deepEqual(row('FR-005').tasks, ['T008']);
    // 8 rows; SC-002 (a satisfaction survey) is not counted: 7 buildable requirements, 3 covered.
    assert.equal(r.coverage.length, 8);
    assert.equal(r.metrics.requirements, 7);
    assert.equal(r.metrics.coveragePercent, 43);
  });

  it('rates an uncovered requirement of a P1 story CRITICAL, an uncovered FR HIGH', () => {
    const sc1 = having(r, (f) => f.category === 'Coverage' && f.summary.includes('SC-001'));
    assert.equal(sc1.length, 1);
    assert.equal(sc1[0]!.severity, 'CRITICAL');
    assert.match(sc1[0]!.summary, /US1 \(P1\)/);
    const fr3 = having(r, (f) => f.category === 'Coverage' && f.summary.includes('FR-003'));
    assert.equal(fr3[0]!.severity, 'HIGH');
    assert.deepEqual(fr3[0]!.location, { path: PATHS.spec, line: 39 });
    assert.equal(having(r, (f) => f.summary.includes('FR-001') && f.category === 'Coverage').length, 0);
  });

  it('finds markers, vague words, duplicates and placeholders in the spec', () => {
    const marker = having(r, (f) => f.category === 'Ambiguity' && f.location.path === PATHS.spec && /NEEDS CLARIFICATION/.test(f.summary));
    assert.equal(marker.length, 1);
    assert.equal(marker[0]!.severity, 'HIGH');
    assert.equal(marker[0]!.location.line, 42);
    const vague = having(r, (f) => f.category === 'Ambiguity' && /without a measurable/.test(f.summary));
    assert.deepEqual(vague.map((f) => [f.location.line, f.severity]), [[40, 'HIGH'], [43, 'MEDIUM']]);
    // FR-005 says "secure" but also "within 200 ms": measurable, so not reported.
    assert.equal(having(r, (f) => f.summary.startsWith('FR-005')).length, 0);
    const dup = having(r, (f) => f.category === 'Duplication');
    assert.equal(dup.length, 1);
    assert.equal(dup[0]!.location.line, 43);
    assert.match(dup[0]!.summary, /FR-006 is defined more than once/);
    const todo = having(r, (f) => f.category === 'Underspecification' && f.location.path === PATHS.spec);
    assert.deepEqual(todo.map((f) => f.location.line), [31]);
  });

  it('reuses the language server rules on tasks.md', () => {
    const tasksFindings = having(r, (f) => f.location.path === PATHS.tasks && f.category === 'Inconsistency');
    const summaries = tasksFindings.map((f) => f.summary).join('\n');
    assert.match(summaries, /T004 and T003 are both marked \[P\].*src\/models\/album\.ts/);
    assert.match(summaries, /FR-009/);
    assert.match(summaries, /US7/);
    const placeholder = having(r, (f) => f.location.path === PATHS.tasks && f.category === 'Underspecification');
    assert.deepEqual(placeholder.map((f) => f.location.line), [23]);
  });

  it('lists unmapped tasks and rates cross-cutting ones LOW', () => {
    assert.deepEqual(r.unmappedTasks, ['T001', 'T002', 'T009', 'T010']);
    assert.equal(r.metrics.unmappedTasks, 4);
    const unmapped = having(r, (f) => /map to no requirement/.test(f.summary));
    assert.deepEqual(unmapped.map((f) => f.severity), ['LOW', 'LOW']);
  });

  it('checks the plan against the constitution', () => {
    const ca = having(r, (f) => f.category === 'Constitution');
    assert.ok(ca.every((f) => f.severity === 'CRITICAL' && f.id.startsWith('CA')));
    assert.ok(ca.some((f) => f.location.path === PATHS.plan && /Simplicity/.test(f.summary) && /not checked/.test(f.summary)));
    assert.ok(ca.some((f) => f.location.path === PATHS.constitution && /Observability/.test(f.summary)));
    // Test-First is named in the plan; Simplicity is a SHOULD principle.
    assert.ok(!ca.some((f) => /MUST principle "Test-First/.test(f.summary)));
    assert.ok(!ca.some((f) => /MUST principle "Simplicity/.test(f.summary)));
    assert.ok(having(r, (f) => f.location.path === PATHS.plan && /Testing/.test(f.summary) && f.category === 'Ambiguity').length === 1);
  });

  it('sorts by severity, category, path, line and numbers IDs per category', () => {
    for (let i = 1; i < r.findings.length; i++) assert.ok(compareFindings(r.findings[i - 1]!, r.findings[i]!) <= 0, `${r.findings[i - 1]!.id} before ${r.findings[i]!.id}`);
    const byCategory = new Map<string, string[]>();
    for (const f of r.findings) byCategory.set(f.category, [...(byCategory.get(f.category) ?? []), f.id]);
    for (const ids of byCategory.values()) ids.forEach((id, i) => assert.match(id, new RegExp(`^[A-Z]{1,2}${i + 1}$`)));
    assert.equal(r.metrics.critical, r.findings.filter((f) => f.severity === 'CRITICAL').length);
    assert.ok(r.findings.every((f) => f.source === 'code'));
  });

  it('renders byte-identical markdown on every run, with pipes escaped', function () {
    this.timeout(10000);
    const a = analysisMarkdown(fixtureReport(), link);
    const b = analysisMarkdown(fixtureReport(), link);
    assert.equal(a, b);
    assert.match(a, /^## Specification Analysis Report\n\n\| ID \| Category \| Severity \| Location\(s\) \| Summary \| Recommendation \|/);
    assert.match(a, /\| Requirement Key \| Has Task\? \| Task IDs \| Notes \|/);
    assert.match(a, /### Unmapped Tasks\n\nT001, T002, T009, T010/);
    assert.match(a, /Coverage % \(requirements with ≥1 task\): 43%/);
    assert.match(a, /### Next Actions\n\n- Resolve the CRITICAL issues/);
    assert.ok(a.includes(`[${PATHS.spec}:39](${PATHS.spec}#L39)`));
    const piped = analysisMarkdown({ ...r, findings: [{ ...r.findings[0]!, summary: 'a | b' }] }, () => 'x|y');
    assert.ok(piped.includes('| x\\|y | a \\| b |'));
  });

  it('reports missing core artifacts as CRITICAL beside the existing ones', () => {
    const only = analyzeFeature({ spec: parseSpec(read('spec.md')), paths: { spec: 'specs/001-albums/spec.md' } });
    const missing = only.findings.filter((f) => /is missing/.test(f.summary));
    assert.deepEqual(missing.map((f) => [f.severity, f.location.path]), [['CRITICAL', 'specs/001-albums/plan.md'], ['CRITICAL', 'specs/001-albums/tasks.md']]);
    // Without tasks.md nothing is reported per requirement: the missing file is the finding.
    assert.equal(only.findings.filter((f) => f.category === 'Coverage').length, 0);
    const none = analyzeFeature({ paths: {} });
    assert.equal(none.findings.length, 3);
    assert.equal(none.metrics.critical, 3);
  });

  it('caps the table at 50 rows and counts the rest', function () {
    this.timeout(10000);
    const reqs = Array.from({ length: 80 }, (_, i) => `- **FR-${String(i + 1).padStart(3, '0')}**: System MUST handle the zq${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))} widget quickly.`).join('\n');
    const spec = parseSpec(`# Feature Specification: Big\n\n## Requirements\n\n### Functional Requirements\n\n${reqs}\n`);
    const tasks = parseTasks('# Tasks\n\n## Phase 1: Setup\n\n- [ ] T001 Init in package.json\n');
    const r2 = analyzeFeature({ spec, tasks, plan: parsePlan('# Implementation Plan: Big\n'), paths: { spec: 'spec.md', tasks: 'tasks.md', plan: 'plan.md' } });
    assert.equal(r2.findings.length, MAX_FINDINGS);
    assert.equal(r2.omitted, 80 + 80 + 1 - MAX_FINDINGS);
    assert.equal(r2.metrics.ambiguities, 80);
    assert.match(analysisMarkdown(r2, link), /111 more findings not shown/);
  });
});

describe('analyzeFeature on the corpus', function () {
  this.timeout(30000); // parsing the larger corpus files takes a few hundred ms each
  const dir = corpusDir();
  const file = (name: string): string => readFileSync(join(dir, name), 'utf8');
  function run(prefix: string): AnalysisReport {
    const opt = (suffix: string): string | undefined => (corpusFiles(suffix).includes(prefix + suffix) ? file(prefix + suffix) : undefined);
    const tasks = opt('tasks.md');
    const plan = opt('plan.md');
    return analyzeFeature({
      spec: parseSpec(file(`${prefix}spec.md`)),
      ...(tasks !== undefined ? { tasks: parseTasks(tasks) } : {}),
      ...(plan !== undefined ? { plan: parsePlan(plan) } : {}),
      paths: { spec: 'spec.md', tasks: 'tasks.md', plan: 'plan.md' },
    });
  }

  it('runs on every spec+tasks pair without an exception, deterministically', function () {
    this.timeout(30000);
    const specs = corpusFiles('__spec.md').map((f) => f.slice(0, -'spec.md'.length));
    const pairs = specs.filter((p) => corpusFiles('__tasks.md').includes(`${p}tasks.md`));
    assert.ok(pairs.length >= 8, `only ${pairs.length} pairs`);
    for (const p of pairs) {
      const r = run(p);
      assert.ok(r.findings.length <= MAX_FINDINGS);
      assert.ok(r.coverage.length > 0, p);
      assert.equal(analysisMarkdown(r, link), analysisMarkdown(run(p), link), p);
    }
  });

  const row = (r: AnalysisReport, id: string) => r.coverage.find((c) => c.requirement === id)!;

  it('tisayama/rsudp-rust 001: file names tie FR-004, FR-006 and FR-007 to their tasks', () => {
    const r = run('tisayama__rsudp-rust__specs__001-init-rust-project__');
    assert.deepEqual(row(r, 'FR-004').tasks, ['T004']); // "MUST include a src/main.rs file" ↔ "Confirm rsudp-rust/src/main.rs exists"
    assert.deepEqual(row(r, 'FR-006').tasks, ['T002']); // README.md
    assert.deepEqual(row(r, 'FR-007').tasks, ['T005']); // .gitignore
    assert.ok(r.findings.some((f) => f.severity === 'CRITICAL' && f.summary === 'plan.md is missing; /speckit.analyze needs spec, plan and tasks.'));
  });

  it('FAIR-DM/django-literature 004: tasks that name requirement IDs cover them by ID', () => {
    const r = run('FAIR-DM__django-literature__specs__004-import-references-bibtex__');
    assert.ok(row(r, 'FR-003').tasks.includes('T005'));
    assert.match(row(r, 'FR-003').notes, /named by ID/);
    assert.equal(r.findings.filter((f) => f.category === 'Ambiguity').length, 0);
  });

  it('microsoft/CommunityManagement 001: FR-16 (JWT sessions) has no task', () => {
    const r = run('microsoft__CommunityManagement-Sample-Spec-Kit__specs__001-event-discovery-rsvp__');
    assert.equal(row(r, 'FR-16').hasTask, false);
    const f = r.findings.find((x) => x.category === 'Coverage' && x.summary.includes('FR-16'))!;
    assert.equal(f.severity, 'HIGH');
    assert.equal(f.location.line, 130);
    assert.equal(r.findings.filter((x) => /NEEDS CLARIFICATION/.test(x.summary)).length, 0);
  });

  it('0h-n0/local-voice-assistant 002: amounts with units map Japanese requirements; a [P] clash on one test file', () => {
    const r = run('0h-n0__local-voice-assistant-claude__specs__002-stt-api__');
    assert.ok(row(r, 'FR-005').tasks.includes('T016')); // 最大100MB ↔ "file size validation (max 100MB)"
    assert.ok(row(r, 'FR-004').tasks.includes('T010')); // 16kHz ↔ "audio resampling to 16kHz"
    const clash = r.findings.filter((f) => f.category === 'Inconsistency' && /T010 and T009/.test(f.summary) && /test_stt_service\.py/.test(f.summary));
    assert.equal(clash.length, 1);
    assert.equal(clash[0]!.location.line, 60);
  });

  it('ColeB1722/nix-devbox 001: FR-001 (boot with no manual steps) has no task and is CRITICAL for US1', () => {
    const r = run('ColeB1722__nix-devbox__specs__001-devbox-skeleton__');
    assert.equal(row(r, 'FR-001').hasTask, false);
    const f = r.findings.find((x) => x.summary.startsWith('Requirement FR-001'))!;
    assert.equal(f.severity, 'CRITICAL');
    assert.equal(f.location.line, 68);
    assert.ok(row(r, 'FR-010').tasks.length > 0); // a task names FR-010
  });

  it('hbohlen/pantherOS 001 (spec only): missing plan and tasks, "secure" in FR-004, no open markers', () => {
    const r = analyzeFeature({ spec: parseSpec(file('hbohlen__pantherOS__specs__001-nixos-anywhere-deployment-setup__spec.md')), paths: { spec: 'specs/001/spec.md' } });
    assert.deepEqual(r.findings.filter((f) => f.severity === 'CRITICAL').map((f) => f.location.path), ['specs/001/plan.md', 'specs/001/tasks.md']);
    const vague = r.findings.filter((f) => f.category === 'Ambiguity');
    assert.deepEqual(vague.map((f) => [f.location.line, f.severity]), [[74, 'HIGH']]);
    assert.match(vague[0]!.summary, /FR-004 uses "secure"/);
    // "Given TODO comment for SSH keys" describes the code, it is not a leftover placeholder.
    assert.equal(r.findings.filter((f) => f.category === 'Underspecification' && !/missing/.test(f.summary)).length, 0);
  });

  it('joesh/jve 027: sentences about [NEEDS CLARIFICATION] markers are not open markers', () => {
    const r = analyzeFeature({ spec: parseSpec(file('joesh__jve-spec-kit-claude__specs__027-user-facing-bug__spec.md')), paths: { spec: 'spec.md' } });
    assert.equal(r.findings.filter((f) => /NEEDS CLARIFICATION/.test(f.summary)).length, 0);
    assert.ok(r.findings.some((f) => f.summary.startsWith('FR-017 uses "lightweight"')));
  });
});

describe('model findings', () => {
  const code = fixtureReport().findings;

  it('parses a fenced JSON array with prose around it and maps bare file names', () => {
    const text = [
      'Here are my findings:',
      '```json',
      JSON.stringify([
        { category: 'Inconsistency', severity: 'high', location: 'plan.md:L12', summary: 'Plan says SQLite, data model says Postgres', recommendation: 'Pick one' },
        { category: 'Terminology drift', severity: 'LOW', location: { path: 'tasks.md', line: 4 }, summary: 'album vs collection' },
        { category: 'Nonsense', summary: 'dropped' },
        { category: 'Coverage', summary: '' },
        'not an object',
      ]),
      '```',
      'Done.',
    ].join('\n');
    const found = parseModelFindings(text, PATHS);
    assert.deepEqual(
      found.map((f) => [f.id, f.category, f.severity, f.location.path, f.location.line, f.source]),
      [
        ['I1', 'Inconsistency', 'HIGH', PATHS.plan, 12, 'model'],
        ['I2', 'Inconsistency', 'LOW', PATHS.tasks, 4, 'model'],
      ],
    );
  });

  it('accepts raw JSON, an object wrapper and trailing commas; garbage gives nothing', () => {
    assert.equal(parseModelFindings('[{"category":"Ambiguity","summary":"x","location":"spec.md:3"}]').length, 1);
    assert.equal(parseModelFindings('{"findings":[{"category":"Duplication","summary":"x",},]}').length, 1);
    assert.deepEqual(parseModelFindings('no json here [oops'), []);
    assert.deepEqual(parseModelFindings(''), []);
  });

  it('merges without duplicating a code finding at the same place and category', () => {
    const target = code.find((f) => f.location.path === PATHS.spec)!;
    const dup = { ...target, id: 'X1', source: 'model' as const, summary: 'same thing in other words', location: { path: 'spec.md', line: target.location.line } };
    const extra: Finding = { id: 'X2', category: 'Inconsistency', severity: 'CRITICAL', location: { path: PATHS.plan, line: 3 }, summary: 'conflicting storage', recommendation: 'decide', source: 'model' };
    const merged = mergeFindings(code, [dup, extra]);
    assert.equal(merged.filter((f) => f.source === 'model').length, 1);
    assert.equal(merged.length, Math.min(MAX_FINDINGS, code.length + 1));
    for (let i = 1; i < merged.length; i++) assert.ok(compareFindings(merged[i - 1]!, merged[i]!) <= 0);
    assert.equal(merged.find((f) => f.source === 'model')!.id, `I1`);
    assert.deepEqual(mergeFindings(code, [dup, extra]), merged);
    const report = withModelFindings(fixtureReport(), [dup, extra]);
    assert.equal(report.metrics.critical, fixtureReport().metrics.critical + 1);
    assert.match(analysisMarkdown(report, link), /conflicting storage \*\(model\)\*/);
  });

  it('never throws and yields well-formed findings for any text (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        for (const f of parseModelFindings(s)) {
          assert.ok(f.summary.length > 0 && f.location.line >= 1 && !/\n/.test(f.summary));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips arbitrary findings through JSON in a fence (property)', () => {
    const category = fc.constantFrom('Duplication', 'Ambiguity', 'Underspecification', 'Constitution', 'Coverage', 'Inconsistency');
    const severity = fc.constantFrom('CRITICAL', 'HIGH', 'MEDIUM', 'LOW');
    const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 |`"\\{}[\],]{0,40}[A-Za-z0-9]$/);
    const finding = fc.record({ category, severity, path: fc.constantFrom('spec.md', 'plan.md', 'tasks.md'), line: fc.integer({ min: 1, max: 5000 }), summary: word, recommendation: word });
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 12 }), fc.string({ maxLength: 30 }), (list, prose) => {
        const text = `${prose.replace(/[`[\]{}]/g, '')}\n\`\`\`json\n${JSON.stringify(list.map((f) => ({ category: f.category, severity: f.severity, location: `${f.path}:L${f.line}`, summary: f.summary, recommendation: f.recommendation })))}\n\`\`\`\n`;
        const parsed = parseModelFindings(text);
        assert.equal(parsed.length, new Set(list.map((f) => `${f.category}|${f.path}|${f.line}|${f.summary.replace(/\s+/g, ' ').trim()}`)).size);
        for (const f of list) assert.ok(parsed.some((p) => p.category === f.category && p.severity === f.severity && p.location.path === f.path && p.location.line === f.line));
      }),
      { numRuns: 200 },
    );
  });
});
