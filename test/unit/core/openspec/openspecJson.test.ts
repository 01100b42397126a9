import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openspecParseJson, openspecScanJson } from '../../../../src/core/openspec/openspecJson';
import { openspecFileKind } from '../../../../src/core/openspec/openspecPaths';
import { loadFixture, openspecFixtureRoot } from './openspecFixtures';

describe('OpenSpec paths', () => {
  const k = (p: string): string | undefined => openspecFileKind(p)?.kind;

  it('tells every OpenSpec file kind from its path', () => {
    assert.equal(k('/r/openspec/project.md'), 'openspec-project');
    assert.equal(k('/r/openspec/AGENTS.md'), 'openspec-agents');
    assert.equal(k('/r/openspec/config.yaml'), 'openspec-config');
    assert.equal(k('/r/openspec/specs/auth/spec.md'), 'openspec-spec');
    assert.equal(k('/r/openspec/changes/add-2fa/proposal.md'), 'openspec-proposal');
    assert.equal(k('/r/openspec/changes/add-2fa/design.md'), 'openspec-design');
    assert.equal(k('/r/openspec/changes/add-2fa/tasks.md'), 'openspec-tasks');
    assert.equal(k('/r/openspec/changes/add-2fa/specs/auth/spec.md'), 'openspec-delta');
    assert.equal(k('/r/openspec/changes/add-2fa/runbook.md'), 'openspec-change-file');
    assert.equal(k('/r/openspec/changes/archive/2025-01-02-add-login/tasks.md'), 'openspec-tasks');
    assert.equal(k('C:\\r\\openspec\\changes\\x\\tasks.md'), 'openspec-tasks');
  });

  it('names the capability, the change and whether it is archived', () => {
    assert.deepEqual(openspecFileKind('/r/openspec/specs/platform/api/spec.md'), { kind: 'openspec-spec', root: '/r', capability: 'platform/api', changeFolder: undefined, archived: false });
    assert.deepEqual(openspecFileKind('/r/openspec/changes/archive/2025-01-02-add-login/specs/auth/spec.md'), {
      kind: 'openspec-delta',
      root: '/r',
      capability: 'auth',
      changeFolder: '2025-01-02-add-login',
      archived: true,
    });
  });

  it('leaves spec-kit files and other paths alone', () => {
    for (const p of ['/r/specs/001-x/spec.md', '/r/specs/001-x/tasks.md', '/r/openspec/specs/spec.md', '/r/openspec/changes/x/.openspec.yaml', '/r/openspec/notes.md', '/r/openspec/changes/archive/tasks.md', '/r/docs/openspec.md']) {
      assert.equal(openspecFileKind(p), undefined, p);
    }
  });
});

describe('OpenSpec JSON views', () => {
  it('parse: a delta lists its requirements with their operation, and its REMOVED names', () => {
    const file = `${openspecFixtureRoot('OpenSpec')}/openspec/changes/archive/2025-08-19-adopt-delta-based-changes/specs/cli-diff/spec.md`;
    const j = openspecParseJson(file, readFileSync(file), 'cli-diff/spec.md')!;
    assert.equal(j.kind, 'openspec-delta');
    assert.equal(j.capability, 'cli-diff');
    assert.equal(j.change, '2025-08-19-adopt-delta-based-changes');
    assert.equal(j.archived, true);
    assert.deepEqual(j.requirements, [
      { name: 'Diff Output', line: 19, operation: 'MODIFIED', scenarios: 1, normative: true },
      { name: 'Validation', line: 36, operation: 'ADDED', scenarios: 1, normative: true },
    ]);
    assert.deepEqual(j.removed, [{ name: 'Display Format', line: 5 }]);
    assert.deepEqual(j.problems, []);
    assert.doesNotThrow(() => JSON.stringify(j));
  });

  it('parse: a tasks.md lists every checkbox and its progress', () => {
    const file = `${openspecFixtureRoot('OpenSpec')}/openspec/changes/suppress-telemetry-notice-in-json/tasks.md`;
    const j = openspecParseJson(file, readFileSync(file))!;
    assert.equal(j.kind, 'openspec-tasks');
    assert.deepEqual(j.progress, { done: 4, total: 4 });
    assert.deepEqual(j.tasks.map((t) => [t.line, t.checked]), [[4, true], [5, true], [8, true], [9, true]]);
    assert.match(j.tasks[0]!.text, /Add a `?silent`? option/);
  });

  it('parse: a capability spec, with the problems OpenSpec would report', () => {
    const file = `${openspecFixtureRoot('pantherOS')}/openspec/specs/system-monitoring/spec.md`;
    const j = openspecParseJson(file, readFileSync(file))!;
    assert.equal(j.kind, 'openspec-spec');
    assert.equal(j.title, 'system-monitoring Specification');
    assert.deepEqual(j.sections, [{ title: 'Purpose', line: 3 }, { title: 'Requirements', line: 5 }]);
    assert.deepEqual(j.problems.map((p) => [p.code, p.line]), [['openspec-purpose-placeholder', 4]]);
  });

  it('parse: a proposal, with the capabilities it names', () => {
    const file = `${openspecFixtureRoot('rules')}/openspec/changes/add-2fa/proposal.md`;
    const j = openspecParseJson(file, readFileSync(file))!;
    assert.equal(j.title, 'Add two-factor sign-in');
    assert.deepEqual(j.sections.map((s) => s.title), ['Why', 'What Changes', 'Impact']);
    assert.deepEqual(j.capabilities, [{ capability: 'auth', kind: 'mentioned', line: 9 }]);
  });

  it('parse: undefined for a file that is not OpenSpec', () => {
    assert.equal(openspecParseJson('/r/specs/001-x/tasks.md', '- [ ] T001 x'), undefined);
  });

  it('scan: ccman as the scan command prints it', async () => {
    const j = openspecScanJson(await loadFixture('ccman'));
    assert.equal(j.kind, 'openspec');
    assert.equal(j.dir, 'openspec');
    assert.deepEqual(j.specs, []);
    const policy = j.changes.find((c) => c.id === 'update-codex-write-mode-policy')!;
    assert.deepEqual(policy, {
      id: 'update-codex-write-mode-policy',
      dir: 'openspec/changes/update-codex-write-mode-policy',
      status: 'complete',
      tasks: { done: 8, total: 8 },
      deltas: [{ capability: 'codex-write-mode-policy', added: 5, modified: 0, removed: 0, renamed: 0 }],
      proposal: true,
      design: true,
    });
    assert.deepEqual(j.archived.map((a) => a.archivedOn), ['2025-12-06', '2026-01-25', '2026-01-25']);
    assert.equal(j.archived[0]!.status, 'archived');
    // The one finding: 2025-12-06-fix-doc-mismatch was archived with 18 unticked tasks.
    assert.deepEqual(j.problems, { errors: 1, warnings: 0, infos: 0 });
  });
});
