/** `speckit-vscode check`, `parse --json` and `scan --json` on real OpenSpec folders (test/fixtures/openspec). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { type OpenSpecRuleCode, toOpenSpecReport, validateOpenSpecProject } from '../../../src/core/openspec/validate';
import { loadFixture, openspecFixtureRoot, recorded } from '../core/openspec/openspecFixtures';
import { repoRoot } from '../helpers/paths';

const CLI = join(repoRoot(), 'dist', 'cli.js');

function cli(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
}

interface CheckLine {
  file: string;
  line: number;
  severity: string;
  code: string;
}

describe('speckit-vscode on OpenSpec repositories', () => {
  for (const name of ['pantherOS', 'ccman', 'rules'] as const) {
    it(`check ${name}: OpenSpec's codes on OpenSpec's files, as many issues as openspec validate --strict reported`, async function () {
      this.timeout(120_000);
      const root = openspecFixtureRoot(name);
      const r = cli(['check', 'openspec', '--json'], root);
      assert.ok(r.status === 0 || r.status === 1, r.stderr);
      const lines = JSON.parse(r.stdout) as CheckLine[];
      assert.ok(lines.every((l) => l.code.startsWith('openspec-')), `a spec-kit rule ran on an OpenSpec file: ${lines.find((l) => !l.code.startsWith('openspec-'))?.code}`);
      // Our findings of active specs and changes project to OpenSpec's report; `check` prints the same findings by file.
      const validation = validateOpenSpecProject(await loadFixture(name));
      const active = validation.items.filter((i) => i.type !== 'archived-change').flatMap((i) => i.findings);
      const theirs = recorded(name).validate.reduce((n, i) => n + i.issues.length, 0);
      const ours = toOpenSpecReport(validation).reduce((n, i) => n + i.issues.length, 0);
      assert.equal(ours, theirs, 'the report projection matches OpenSpec 1.13.2');
      const key = (f: { path: string; code: string; line: number }): string => `${f.path}:${f.line} ${f.code}`;
      const expected = validation.findings.filter((f) => !f.path.endsWith('/')).map((f) => key({ path: f.path.slice(root.length + 1), code: f.code, line: f.range.start.line + 1 }));
      const printed = lines.map((l) => key({ path: l.file, code: l.code, line: l.line }));
      for (const f of active) {
        const k = key({ path: f.path.slice(root.length + 1), code: f.code, line: f.range.start.line + 1 });
        if (expected.includes(k) && /\.md$/.test(f.path)) assert.ok(printed.includes(k), `check did not print ${k}`);
      }
      assert.equal(r.status, lines.some((l) => l.severity === 'error') ? 1 : 0);
    });
  }

  it('check on one capability spec reports only that file; a spec-kit code never appears', () => {
    const root = openspecFixtureRoot('rules');
    const r = cli(['check', '--json', 'openspec/specs'], root);
    const lines = JSON.parse(r.stdout) as CheckLine[];
    assert.ok(lines.length > 0);
    assert.ok(lines.every((l) => l.file.startsWith('openspec/specs/') && l.code.startsWith('openspec-')), JSON.stringify(lines.slice(0, 3)));
    const codes = new Set(lines.map((l) => l.code as OpenSpecRuleCode));
    assert.ok(codes.has('openspec-requirement-no-scenario'), [...codes].join(', '));
  });

  it('parse --json gives OpenSpec kinds; scan --json lists the OpenSpec project beside spec-kit ones', async function () {
    this.timeout(120_000);
    const root = openspecFixtureRoot('pantherOS');
    const project = await loadFixture('pantherOS');
    const change = project.changes.find((c) => c.id === 'add-contabo-vps-server')!;
    const spec = project.specs.find((s) => s.id === 'configuration')!;
    const r = cli(['parse', '--json', change.tasks!.path, spec.path], root);
    const [tasks, parsedSpec] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; tasks: Array<{ id: string | null }>; progress: unknown; requirements: unknown[] });
    assert.equal(tasks!.kind, 'openspec-tasks');
    assert.deepEqual(tasks!.progress, { done: 0, total: 25 });
    assert.equal(tasks!.tasks[0]!.id, '1.1');
    assert.equal(parsedSpec!.kind, 'openspec-spec');
    assert.equal(parsedSpec!.requirements.length, 4);
    const scan = JSON.parse(cli(['scan', '--json', '.'], root).stdout) as { projects: unknown[]; openspec: Array<{ kind: string; changes: Array<{ id: string; tasks: unknown; status: string }>; specs: unknown[]; archived: unknown[] }> };
    assert.deepEqual(scan.projects, []);
    assert.equal(scan.openspec.length, 1);
    const rec = recorded('pantherOS');
    assert.deepEqual(
      scan.openspec[0]!.changes.map((c) => [c.id, c.tasks]).sort(),
      rec.list.map((c) => [c.name, { done: c.completedTasks, total: c.totalTasks }]).sort(),
    );
    assert.equal(scan.openspec[0]!.specs.length, rec.specs.length);
    const text = cli(['parse', change.tasks!.path], root).stdout;
    assert.match(text, /\(openspec-tasks\)\n {2}25 tasks, 0 done\n/);
  });
});
