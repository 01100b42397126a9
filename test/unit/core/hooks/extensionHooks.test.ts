import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOOK_COMMANDS, normalizePriority, parseHooksFile, planHooks } from '../../../../src/core/hooks/extensionHooks';
import { repoRoot } from '../../helpers/paths';

/** The interop fixture's extensions.yml: what `specify extension add git` (1.0.1) registers. */
const FIXTURE = join(repoRoot(), 'test', 'fixtures', 'workspaces', 'speckit-1.0', '.specify', 'extensions.yml');

describe('hooks/extensionHooks', () => {
  describe("spec-kit 1.0.1's git extension, as registered in extensions.yml", () => {
    const file = parseHooksFile(readFileSync(FIXTURE, 'utf8'));

    it('before_specify runs speckit.git.feature mandatorily', () => {
      const plan = planHooks(file, 'specify', 'before');
      assert.deepEqual(plan.mandatory.map((h) => [h.extension, h.command, h.invocation]), [['git', 'speckit.git.feature', '/speckit.git.feature']]);
      assert.equal(plan.offered.length, 0);
      assert.deepEqual(plan.notes, []);
    });

    it('before_constitution runs speckit.git.initialize mandatorily', () => {
      assert.deepEqual(planHooks(file, 'speckit.constitution', 'before').mandatory.map((h) => h.command), ['speckit.git.initialize']);
    });

    for (const command of ['clarify', 'plan', 'tasks', 'implement', 'checklist', 'analyze']) {
      it(`before_${command} offers speckit.git.commit with its prompt as the label`, () => {
        const plan = planHooks(file, command, 'before');
        assert.equal(plan.mandatory.length, 0);
        assert.equal(plan.offered.length, 1);
        assert.equal(plan.offered[0]!.command, 'speckit.git.commit');
        assert.match(plan.offered[0]!.label, /^Commit outstanding changes before .+\?$/);
      });
    }

    it('after_specify offers a commit; converge has no hooks', () => {
      assert.equal(planHooks(file, 'specify', 'after').offered[0]?.label, 'Commit specification changes?');
      const none = planHooks(file, 'converge', 'before');
      assert.deepEqual([none.mandatory.length, none.offered.length, none.skipped.length], [0, 0, 0]);
    });

    it('knows every command spec-kit fires hooks around', () => {
      assert.ok(HOOK_COMMANDS.includes('taskstoissues') && HOOK_COMMANDS.includes('converge'));
    });
  });

  describe('spec-kit rules', () => {
    it('invalid YAML: no hooks, and a note for the log', () => {
      const file = parseHooksFile('hooks:\n  before_plan: [\n');
      const plan = planHooks(file, 'plan', 'before');
      assert.equal(plan.mandatory.length + plan.offered.length, 0);
      assert.match(plan.notes[0] ?? '', /not valid YAML.*skipped/);
    });

    it('no file, an empty file, or a non-mapping: nothing, quietly or with a note', () => {
      assert.deepEqual(planHooks(parseHooksFile(undefined), 'plan', 'before').notes, []);
      assert.deepEqual(planHooks(parseHooksFile(''), 'plan', 'before').notes, []);
      assert.match(planHooks(parseHooksFile('- a\n- b\n'), 'plan', 'before').notes[0] ?? '', /not a mapping/);
    });

    it('enabled: false (and YAML 1.1 "no") skipped; missing enabled means enabled', () => {
      const file = parseHooksFile(
        ['hooks:', '  before_plan:', '    - {extension: a, command: speckit.a.x, optional: false, enabled: false}', '    - {extension: b, command: speckit.b.x, optional: false, enabled: no}', '    - {extension: c, command: speckit.c.x, optional: false}', ''].join('\n'),
      );
      const plan = planHooks(file, 'plan', 'before');
      assert.deepEqual(plan.mandatory.map((h) => h.extension), ['c']);
      assert.deepEqual(plan.skipped.map((s) => [s.extension, s.reason]), [['a', 'disabled'], ['b', 'disabled']]);
    });

    it('a hook with a condition is not evaluated but listed as skipped', () => {
      const file = parseHooksFile("hooks:\n  after_tasks:\n    - extension: jira\n      command: speckit.jira.sync\n      condition: \"config.project.key is set\"\n      optional: false\n    - extension: x\n      command: speckit.x.y\n      condition: ''\n");
      const plan = planHooks(file, 'tasks', 'after');
      assert.deepEqual(plan.skipped.map((s) => [s.command, s.reason]), [['speckit.jira.sync', 'condition']]);
      assert.match(plan.skipped[0]!.detail, /config\.project\.key is set.*not run/);
      // An empty condition does not count.
      assert.deepEqual(plan.offered.map((h) => h.command), ['speckit.x.y']);
    });

    it('optional defaults to true; label falls back to description, then the command', () => {
      const file = parseHooksFile('hooks:\n  after_plan:\n    - {extension: a, command: speckit.a.one, prompt: "Do A?"}\n    - {extension: b, command: speckit.b.two, description: "Run B"}\n    - {extension: c, command: speckit.c.three}\n');
      assert.deepEqual(planHooks(file, 'plan', 'after').offered.map((h) => h.label), ['Do A?', 'Run B', 'Run /speckit.c.three']);
    });

    it('sorts by priority (stable), and drops entries of the wrong shape with a note', () => {
      const file = parseHooksFile('hooks:\n  before_tasks:\n    - {extension: late, command: speckit.l.x, priority: 20}\n    - not-a-mapping\n    - {extension: early, command: speckit.e.x, priority: 1}\n    - {extension: same1, command: speckit.s.one}\n    - {extension: same2, command: speckit.s.two, priority: true}\n  before_plan: "oops"\n');
      assert.deepEqual(planHooks(file, 'tasks', 'before').offered.map((h) => h.extension), ['early', 'same1', 'same2', 'late']);
      assert.equal(file.notes.length, 2);
      assert.equal(planHooks(file, 'plan', 'before').offered.length, 0);
    });

    it('a hook without a command is skipped', () => {
      const plan = planHooks(parseHooksFile('hooks:\n  before_plan:\n    - {extension: a, optional: false}\n'), 'plan', 'before');
      assert.equal(plan.mandatory.length, 0);
      assert.equal(plan.skipped[0]?.reason, 'no-command');
    });

    it('normalizePriority: integers ≥ 1, else 10', () => {
      assert.deepEqual([1, 5, '7', 0, -3, true, 'x', null, undefined, 2.9].map(normalizePriority), [1, 5, 7, 10, 10, 10, 10, 10, 10, 2]);
    });

    it('hostile input: aliases bombs and huge files do not hang', () => {
      const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]', 'f: [*e,*e,*e,*e,*e,*e,*e,*e,*e]', 'hooks: {}'].join('\n');
      const plan = planHooks(parseHooksFile(bomb), 'plan', 'before');
      assert.equal(plan.mandatory.length, 0);
    });
  });
});
