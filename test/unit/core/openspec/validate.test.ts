import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { applyEdits, type QuickFix } from '../../../../src/core/lint/quickFixes';
import { RULES } from '../../../../src/core/lint/rules';
import { LineIndex } from '../../../../src/core/text/lineIndex';
import { withFileText, type OpenSpecProject } from '../../../../src/core/openspec/project';
import { parseOpenSpecSpec } from '../../../../src/core/openspec/specDoc';
import { OPENSPEC_RULES, type OpenSpecFinding, type OpenSpecRuleCode, openspecFileFindings, validateCapability, validateOpenSpecProject } from '../../../../src/core/openspec/validate';
import { loadFixture } from './openspecFixtures';

function fileOf(p: OpenSpecProject, rel: string): string {
  return `${p.dir}/${rel}`;
}

function findingsIn(p: OpenSpecProject, rel: string, code?: OpenSpecRuleCode): OpenSpecFinding[] {
  return openspecFileFindings(validateOpenSpecProject(p), fileOf(p, rel)).filter((f) => !code || f.code === code);
}

/** Applies a fix to the file on disk and returns the new text. */
function applied(file: string, fix: QuickFix): string {
  const text = readFileSync(file, 'utf8');
  const index = new LineIndex(text);
  return applyEdits(text, fix.edits, (pos) => index.offsetAt(pos));
}

function textAt(file: string, f: { range: OpenSpecFinding['range'] }): string {
  return new LineIndex(readFileSync(file, 'utf8')).textOf(f.range);
}

describe('OpenSpec checks', () => {
  it('has codes of their own, prefixed openspec-, merged into the rules table with the same severities', () => {
    for (const [code, info] of Object.entries(OPENSPEC_RULES)) {
      assert.match(code, /^openspec-[a-z-]+$/);
      assert.equal((RULES as Record<string, { severity: string }>)[code]?.severity, info.severity, code);
    }
    assert.ok(!Object.keys(RULES).some((c) => !c.startsWith('openspec-') && c in OPENSPEC_RULES));
  });

  it('points each finding of the rules fixture at the text it is about', async () => {
    const p = await loadFixture('rules');
    const auth = fileOf(p, 'changes/add-2fa/specs/auth/spec.md');
    const at = (code: OpenSpecRuleCode): string[] => findingsIn(p, 'changes/add-2fa/specs/auth/spec.md', code).map((f) => textAt(auth, f));
    assert.deepEqual(at('openspec-delta-not-requirement-header'), ['### Remember device']);
    assert.deepEqual(at('openspec-delta-rename-unpaired'), ['- FROM: `### Requirement: Ghost`']);
    assert.deepEqual(at('openspec-delta-requirement-outside-section'), ['### Requirement: Orphan Above', '### Requirement: Orphan Below']);
    assert.deepEqual(at('openspec-duplicate-requirement'), ['### Requirement: Two Factor']);
    assert.deepEqual(at('openspec-requirement-no-scenario'), ['### Requirement: Backup Codes', '### Requirement: Device Trust']);
    assert.deepEqual(at('openspec-requirement-no-text'), ['### Requirement: Recovery']);
    assert.deepEqual(at('openspec-requirement-no-shall'), ['Users see a hint about where to find the code.']);
    assert.deepEqual(at('openspec-delta-scenario-loss'), ['### Requirement: Login']);
    assert.deepEqual(at('openspec-delta-conflict'), ['### Requirement: Logout']);
    const tasks = fileOf(p, 'changes/add-2fa/tasks.md');
    assert.deepEqual(findingsIn(p, 'changes/add-2fa/tasks.md').map((f) => [f.code, textAt(tasks, f)]), [
      ['openspec-task-number-group', '- [ ] 2.1 Send the backup codes by email'],
      ['openspec-task-number-duplicate', '- [ ] 1.2 Rate-limit code attempts'],
    ]);
  });

  it('gives each finding the severity of its rule and says what OpenSpec calls it', async () => {
    const v = validateOpenSpecProject(await loadFixture('rules'));
    assert.ok(v.findings.length > 30);
    for (const f of v.findings) {
      assert.equal(f.severity, OPENSPEC_RULES[f.code].severity, f.code);
      assert.ok(f.report.length >= 1 && f.message.length > 20, f.code);
    }
  });

  it('rewrites bold and bulleted scenarios as "#### Scenario:" headings, which then count', async () => {
    const p = await loadFixture('rules');
    for (const [rel, name] of [
      ['specs/auth/spec.md', 'Password Reset'],
      ['changes/add-2fa/specs/auth/spec.md', 'Backup Codes'],
    ] as const) {
      const f = findingsIn(p, rel, 'openspec-requirement-no-scenario').find((x) => x.message.includes(`"${name}"`))!;
      assert.equal(f.fixes.length, 1, rel);
      const text = applied(fileOf(p, rel), f.fixes[0]!);
      const after = findingsIn(withFileText(p, fileOf(p, rel), text), rel, 'openspec-requirement-no-scenario');
      assert.ok(!after.some((x) => x.message.includes(`"${name}"`)), `${rel}: ${name} still has no scenario`);
    }
    const bare = findingsIn(p, 'changes/add-2fa/specs/auth/spec.md', 'openspec-requirement-no-scenario').find((x) => x.message.includes('"Device Trust"'))!;
    assert.deepEqual(bare.fixes, [], 'an empty scenario has no mechanical fix');
    assert.match(bare.message, /nothing under it/);
  });

  it('turns a "###" heading in ADDED into "### Requirement:", and the skipped-header note goes away', async () => {
    const p = await loadFixture('rules');
    const rel = 'changes/add-2fa/specs/auth/spec.md';
    const f = findingsIn(p, rel, 'openspec-delta-not-requirement-header')[0]!;
    const text = applied(fileOf(p, rel), f.fixes[0]!);
    assert.ok(text.includes('\n### Requirement: Remember device\n'));
    assert.deepEqual(findingsIn(withFileText(p, fileOf(p, rel), text), rel, 'openspec-delta-not-requirement-header'), []);
  });

  it('puts checkboxes on a plain numbered task list, after which the change has 3 tasks and no warning', async () => {
    const p = await loadFixture('rules');
    const rel = 'changes/plain-tasks/tasks.md';
    const [f] = findingsIn(p, rel, 'openspec-tasks-no-checkbox');
    assert.equal(textAt(fileOf(p, rel), f!), '1. Add the export endpoint');
    const text = applied(fileOf(p, rel), f!.fixes[0]!);
    assert.ok(text.includes('1. [ ] Add the export endpoint\n   - stream rows'));
    const fixed = withFileText(p, fileOf(p, rel), text);
    assert.deepEqual(fixed.changes.find((c) => c.id === 'plain-tasks')!.progress, { done: 0, total: 3 });
    assert.deepEqual(findingsIn(fixed, rel, 'openspec-tasks-no-checkbox'), []);
  });

  it('fixes a REMOVED name that differs from the spec only in case', async () => {
    const p = await loadFixture('rules');
    const rel = 'changes/remove-near-miss/specs/auth/spec.md';
    const [f] = findingsIn(p, rel, 'openspec-delta-archive-conflict');
    assert.match(f!.message, /"Logout"/);
    const text = applied(fileOf(p, rel), f!.fixes[0]!);
    assert.ok(text.includes('### Requirement: Logout\n'));
    assert.deepEqual(findingsIn(withFileText(p, fileOf(p, rel), text), rel, 'openspec-delta-archive-conflict'), []);
  });

  it('offers to make a copied delta\'s "## ADDED Requirements" the spec\'s Requirements section', () => {
    const spec = '# x Specification\n\n## Purpose\n\nA capability long enough to pass the brevity rule of OpenSpec.\n\n## ADDED Requirements\n\n### Requirement: A\n\nThe system SHALL do A.\n\n#### Scenario: A\n\n- **WHEN** a\n- **THEN** b\n';
    const [f, ...rest] = validateCapability({ id: 'x', path: '/p/openspec/specs/x/spec.md', doc: parseOpenSpecSpec(spec) });
    assert.equal(rest.length, 0);
    assert.equal(f!.code, 'openspec-spec-missing-requirements');
    const index = new LineIndex(spec);
    const fixed = applyEdits(spec, f!.fixes[0]!.edits, (pos) => index.offsetAt(pos));
    assert.deepEqual(validateCapability({ id: 'x', path: '/p/openspec/specs/x/spec.md', doc: parseOpenSpecSpec(fixed) }), []);
  });

  it('reports on pantherOS what a reader sees: copied deltas as specs, changes without deltas, tasks without checkboxes', async () => {
    const p = await loadFixture('pantherOS');
    const v = validateOpenSpecProject(p);
    const count = (code: OpenSpecRuleCode): number => v.findings.filter((f) => f.code === code).length;
    // 13 of the 17 specs have no "## Purpose" (they start with "## ADDED Requirements").
    assert.equal(count('openspec-spec-missing-purpose'), 13);
    // 13 active changes have no specs/ folder with a delta.
    assert.equal(count('openspec-change-no-deltas'), 13);
    // 12 tasks.md files are numbered lists or prose with no "- [ ]".
    assert.equal(count('openspec-tasks-no-checkbox'), 12);
    // 7 of the 10 archived changes were archived with unticked tasks (add-backup-automation: 41 of 41).
    assert.equal(count('openspec-archived-incomplete-tasks'), 7);
    const backup = v.findings.find((f) => f.code === 'openspec-archived-incomplete-tasks' && f.path.includes('2025-12-03-add-backup-automation'))!;
    assert.match(backup.message, /41 tasks not ticked \(0\/41 done\)/);
  });
});
