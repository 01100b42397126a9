import * as assert from 'node:assert/strict';
import { type OpenSpecRuleCode, toOpenSpecReport, validateOpenSpecProject } from '../../../../src/core/openspec/validate';
import { loadFixture, OPENSPEC_FIXTURES, recorded, type RecordedIssue } from './openspecFixtures';

/**
 * OpenSpec's own messages, mapped to our codes. Every message OpenSpec printed on the fixtures must
 * be classified here: an unknown message fails the test, so a rule we lack cannot pass unnoticed.
 */
const CLASSIFY: ReadonlyArray<[RegExp, OpenSpecRuleCode]> = [
  // First: its message quotes the target spec's own problems.
  [/^Archive would refuse this delta/, 'openspec-delta-archive-conflict'],
  [/^Spec must have a Purpose section/, 'openspec-spec-missing-purpose'],
  [/^Spec must have a Requirements section/, 'openspec-spec-missing-requirements'],
  [/^Spec must have at least one requirement/, 'openspec-spec-no-requirements'],
  [/^Purpose section is still a placeholder/, 'openspec-purpose-placeholder'],
  [/^Purpose section is too brief/, 'openspec-purpose-too-brief'],
  [/^Main spec contains delta header/, 'openspec-delta-header-in-spec'],
  [/appears outside the main ## Requirements section/, 'openspec-requirement-outside-section'],
  [/duplicates the requirement declared on line|^Duplicate (requirement in|FROM in|TO in)/, 'openspec-duplicate-requirement'],
  [/^Requirement must have at least one scenario|must include at least one scenario/, 'openspec-requirement-no-scenario'],
  [/is missing requirement text|must contain SHALL or MUST/, 'openspec-requirement-no-text'],
  [/should contain SHALL or MUST/, 'openspec-requirement-no-shall'],
  [/^Requirement text is very long/, 'openspec-requirement-too-long'],
  [/^Header "### .*" in .* (is not a "### Requirement:" header|is missing a requirement name)/, 'openspec-delta-not-requirement-header'],
  [/^RENAMED (FROM|TO): ".*" has no matching/, 'openspec-delta-rename-unpaired'],
  [/which is not a delta section, so it is ignored/, 'openspec-delta-requirement-outside-section'],
  [/^Delta sections .* were found, but no requirement entries parsed/, 'openspec-delta-empty-section'],
  [/^No delta sections found/, 'openspec-delta-no-sections'],
  [/^Requirement present in both|^MODIFIED references old name from RENAMED|^RENAMED TO collides with ADDED/, 'openspec-delta-conflict'],
  [/omits scenario\(s\) the current spec still has/, 'openspec-delta-scenario-loss'],
  [/^Delta spec found at specs\//, 'openspec-delta-misplaced'],
  [/^Change must have at least one delta/, 'openspec-change-no-deltas'],
  [/^skip_specs is set in \.openspec\.yaml but spec files exist/, 'openspec-skip-specs-conflict'],
  [/^This change counts as 0 tasks/, 'openspec-tasks-no-checkbox'],
  [/^Task ".*" is under group/, 'openspec-task-number-group'],
  [/^Task ID ".*" is duplicated/, 'openspec-task-number-duplicate'],
  [/incomplete tasks? \(\d+\/\d+ completed\)$/, 'openspec-archived-incomplete-tasks'],
];

function classify(i: RecordedIssue): OpenSpecRuleCode {
  const hit = CLASSIFY.find(([re]) => re.test(i.message));
  if (!hit) throw new Error(`OpenSpec message with no rule of ours: ${i.message}`);
  return hit[1];
}

const key = (i: { level: string; path: string; line?: number | undefined; code: string }): string => `${i.level} ${i.code} ${i.path}${i.line !== undefined ? `:${i.line}` : ''}`;

for (const name of OPENSPEC_FIXTURES) {
  describe(`OpenSpec parity: ${name}`, () => {
    it('reports what `openspec validate --all --strict --json` reported, item by item', async () => {
      const validation = validateOpenSpecProject(await loadFixture(name));
      const ours = toOpenSpecReport(validation);
      const theirs = recorded(name).validate;
      assert.deepEqual(ours.map((i) => `${i.type} ${i.id}`).sort(), theirs.map((i) => `${i.type} ${i.id}`).sort(), 'the same specs and changes');
      for (const t of theirs) {
        const o = ours.find((x) => x.id === t.id && x.type === t.type)!;
        assert.deepEqual(o.issues.map(key).sort(), t.issues.map((i) => key({ ...i, code: classify(i) })).sort(), `${t.type} ${t.id}`);
        assert.equal(o.valid, t.valid, `${t.type} ${t.id} valid`);
      }
    });

    it('reports what `openspec validate --archived --json` reported', async () => {
      const ours = toOpenSpecReport(validateOpenSpecProject(await loadFixture(name)), true);
      const theirs = recorded(name).archived;
      assert.deepEqual(ours.map((i) => i.id).sort(), theirs.map((i) => i.id).sort());
      for (const t of theirs) {
        const o = ours.find((x) => x.id === t.id)!;
        assert.deepEqual(o.issues.map(key).sort(), t.issues.map((i) => key({ ...i, code: classify(i) })).sort(), t.id);
        assert.equal(o.valid, t.valid, `${t.id} valid`);
      }
    });

    it('counts the tasks `openspec list --json` counts', async () => {
      const project = await loadFixture(name);
      const theirs = recorded(name).list;
      assert.deepEqual(project.changes.map((c) => c.id).sort(), theirs.map((c) => c.name).sort());
      for (const t of theirs) {
        const c = project.changes.find((x) => x.id === t.name)!;
        assert.deepEqual(c.progress, { done: t.completedTasks, total: t.totalTasks }, t.name);
      }
    });

    it('counts the requirements `openspec list --specs --json` counts', async () => {
      const project = await loadFixture(name);
      const theirs = recorded(name).specs;
      assert.deepEqual(project.specs.map((s) => s.id), theirs.map((s) => s.id));
      for (const t of theirs) {
        const s = project.specs.find((x) => x.id === t.id)!;
        // OpenSpec counts nothing in a spec it cannot read (no Purpose or Requirements section).
        const readable = Boolean(s.doc.purpose?.text) && s.doc.requirementsSection !== undefined;
        assert.equal(readable ? s.doc.requirements.length : 0, t.requirementCount, t.id);
      }
    });
  });
}
