import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { findOpenSpecRoots, loadOpenSpecProject } from '../../../../src/core/openspec/project';
import { NodeFileSystem } from '../../../../src/core/workspace/nodeFileSystem';
import { repoRoot } from '../../helpers/paths';
import { loadFixture, openspecFixtureRoot } from './openspecFixtures';

// Counts below were read off the fixture files by hand (see test/fixtures/openspec/SOURCES.tsv).

describe('OpenSpec model: pantherOS (hbohlen/pantherOS openspec/)', () => {
  it('finds 17 capabilities, 33 active changes and 10 archived ones', async () => {
    const p = await loadFixture('pantherOS');
    assert.equal(p.specs.length, 17);
    assert.equal(p.changes.length, 33);
    assert.equal(p.archived.length, 10);
    assert.ok(p.projectFile?.endsWith('/openspec/project.md'));
    assert.ok(p.agentsFile?.endsWith('/openspec/AGENTS.md'));
    assert.equal(p.configFile, undefined);
    assert.equal(p.problems.length, 0);
  });

  it('reads specs/configuration: 4 requirements with 5, 2, 2 and 2 scenarios, each stating SHALL', async () => {
    const s = (await loadFixture('pantherOS')).specs.find((x) => x.id === 'configuration')!;
    assert.deepEqual(
      s.doc.requirements.map((r) => [r.name, r.scenarios.filter((c) => c.hasBody).length, r.normative]),
      [
        ['Personal Device Host Support with Facter', 5, true],
        ['Code Quality', 2, true],
        ['Configuration Consistency', 2, true],
        ['Commented Code Documentation', 2, true],
      ],
    );
    assert.equal(s.doc.purpose?.line, 0);
    assert.equal(s.doc.requirementsSection?.line, 4);
    const code = s.doc.requirements[1]!;
    assert.equal(s.doc.markdown.index.textOf(code.headingRange), '### Requirement: Code Quality');
    assert.equal(code.scenarios[0]!.name, 'TODO comments resolved');
    assert.deepEqual(
      code.scenarios[0]!.steps.map((st) => st.keyword),
      ['WHEN', 'THEN', 'AND'],
    );
    assert.equal(code.scenarios[0]!.steps[0]!.text, 'reviewing configuration files');
  });

  it('reads specs/terminal-tools, a delta copied as a main spec: no Purpose, two requirements outside "## Requirements"', async () => {
    const s = (await loadFixture('pantherOS')).specs.find((x) => x.id === 'terminal-tools')!;
    assert.equal(s.doc.purpose, undefined);
    assert.equal(s.doc.requirementsSection, undefined);
    assert.deepEqual(s.doc.deltaHeaders.map((h) => h.value), ['ADDED Requirements']);
    assert.deepEqual(
      s.doc.strayRequirements.map((r) => [r.name, r.requirement.scenarios.length]),
      [
        ['Terminal Utilities Available', 3],
        ['Fish Default Shell', 2],
      ],
    );
  });

  it('reads the tasks of add-terminal-tools (7 of 7 ticked: complete) and add-contabo-vps-server (25 open in 9 groups)', async () => {
    const p = await loadFixture('pantherOS');
    const tools = p.changes.find((c) => c.id === 'add-terminal-tools')!;
    assert.deepEqual(tools.progress, { done: 7, total: 7 });
    assert.equal(tools.status, 'complete');
    // Its requirements were copied straight into specs/terminal-tools; the change kept no delta.
    assert.equal(tools.deltas.length, 0);
    const contabo = p.changes.find((c) => c.id === 'add-contabo-vps-server')!;
    assert.deepEqual(contabo.progress, { done: 0, total: 25 });
    assert.equal(contabo.status, 'proposed');
    assert.ok(contabo.tasks!.doc.markdown.text.includes('## 9. Final Documentation and Commit'));
  });

  it('reads add-zed-ide, whose tasks are a numbered list without checkboxes: 0 tasks, proposed', async () => {
    const zed = (await loadFixture('pantherOS')).changes.find((c) => c.id === 'add-zed-ide')!;
    assert.deepEqual(zed.progress, { done: 0, total: 0 });
    assert.equal(zed.status, 'proposed');
    assert.equal(zed.deltas.length, 0);
    assert.ok(zed.proposal);
  });

  it('reads the delta of optimize-zephyrus-config/desktop: a MODIFIED section whose two "###" headings are not requirements', async () => {
    const c = (await loadFixture('pantherOS')).changes.find((x) => x.id === 'optimize-zephyrus-config')!;
    assert.deepEqual(
      c.deltas.map((d) => d.capability),
      ['desktop', 'development', 'power-management', 'security', 'shell', 'storage'],
    );
    const desktop = c.deltas[0]!.doc;
    assert.deepEqual(desktop.sections.map((s) => s.operation), ['MODIFIED']);
    assert.equal(desktop.modified.length, 0);
    assert.deepEqual(
      desktop.skippedHeaders.map((h) => [h.header, h.range.start.line]),
      [
        ['Compositor', 4],
        ['Desktop Shell', 12],
      ],
    );
  });

  it('names archived changes by date and id', async () => {
    const a = (await loadFixture('pantherOS')).archived.find((c) => c.folder === '2025-12-03-add-backup-automation')!;
    assert.equal(a.id, 'add-backup-automation');
    assert.equal(a.archivedOn, '2025-12-03');
    assert.equal(a.status, 'archived');
    assert.deepEqual(a.progress, { done: 0, total: 41 });
  });

  it('keeps files a change holds beside the known ones (a stray spec.md, notes)', async () => {
    const c = (await loadFixture('pantherOS')).changes.find((x) => x.id === 'generate-hetzner-vps-disko')!;
    assert.deepEqual(c.otherFiles.map((f) => f.split('/').pop()), ['spec.md']);
    assert.equal(c.deltas.length, 0);
    assert.equal(c.misplacedDeltas.length, 0);
  });
});

describe('OpenSpec model: OpenSpec (Fission-AI/OpenSpec openspec/, a subset)', () => {
  it('reads a project with config.yaml and no project.md', async () => {
    const p = await loadFixture('OpenSpec');
    assert.equal(p.projectFile, undefined);
    assert.ok(p.configFile?.endsWith('/openspec/config.yaml'));
    assert.equal(p.schema, 'spec-driven');
    assert.deepEqual(p.specs.map((s) => s.id), ['change-creation', 'cli-archive', 'cli-init', 'cli-list', 'cli-validate', 'openspec-conventions', 'schema-resolution', 'telemetry']);
    assert.deepEqual(p.changes.map((c) => c.id), ['fix-cli-local-date-semantics', 'fix-schemas-root-selection', 'fix-spec-parser-fidelity', 'graceful-status-no-changes', 'schema-alias-support', 'suppress-telemetry-notice-in-json']);
    assert.deepEqual(p.archived.map((c) => c.archivedOn), ['2025-01-13', '2025-08-05', '2025-08-19', '2026-02-17']);
  });

  it('reads .openspec.yaml metadata and the tasks of two changes', async () => {
    const p = await loadFixture('OpenSpec');
    const telemetry = p.changes.find((c) => c.id === 'suppress-telemetry-notice-in-json')!;
    // `created: 2026-08-07` is a YAML date; it is kept as written.
    assert.deepEqual(telemetry.metadata, { schema: 'spec-driven', created: '2026-08-07', skipSpecs: false });
    assert.deepEqual(telemetry.progress, { done: 4, total: 4 });
    assert.equal(telemetry.status, 'complete');
    const modified = telemetry.deltas[0]!.doc.modified;
    assert.deepEqual(modified.map((r) => [r.name, r.scenarios.length]), [['First-run telemetry notice', 5]]);
    const roots = p.changes.find((c) => c.id === 'fix-schemas-root-selection')!;
    assert.deepEqual(roots.progress, { done: 13, total: 14 });
    assert.equal(roots.status, 'in-progress');
    assert.ok(roots.design);
    const alias = p.changes.find((c) => c.id === 'schema-alias-support')!;
    assert.equal(alias.tasks, undefined);
    assert.equal(alias.status, 'proposed');
  });

  it('reads REMOVED, MODIFIED and ADDED in one archived delta (adopt-delta-based-changes/cli-diff)', async () => {
    const a = (await loadFixture('OpenSpec')).archived.find((c) => c.id === 'adopt-delta-based-changes')!;
    const d = a.deltas.find((x) => x.capability === 'cli-diff')!.doc;
    assert.deepEqual(d.sections.map((s) => s.operation), ['REMOVED', 'MODIFIED', 'ADDED']);
    assert.deepEqual(d.removed.map((r) => [r.name, r.form, r.range.start.line]), [['Display Format', 'heading', 4]]);
    assert.deepEqual(d.modified.map((r) => r.name), ['Diff Output']);
    assert.deepEqual(d.modified[0]!.scenarios[0]!.steps.map((s) => s.keyword), ['WHEN', 'THEN', 'AND']);
    assert.deepEqual(d.added.map((r) => r.name), ['Validation']);
    assert.deepEqual(d.added[0]!.scenarios[0]!.steps.map((s) => s.keyword), ['WHEN', 'THEN', 'AND', 'AND']);
  });

  it('does not read a "## RENAMED Requirements" shown in a fenced example inside a list as a section', async () => {
    const s = (await loadFixture('OpenSpec')).specs.find((x) => x.id === 'openspec-conventions')!;
    assert.equal(s.doc.deltaHeaders.length, 0);
  });
});

describe('OpenSpec model: ccman (2ue/ccman openspec/)', () => {
  it('reads 3 active changes, 3 archived ones and no main spec', async () => {
    const p = await loadFixture('ccman');
    assert.equal(p.specs.length, 0);
    assert.deepEqual(p.changes.map((c) => c.id), ['add-codex-bootstrap-installer', 'add-openclaw-support', 'update-codex-write-mode-policy']);
    assert.equal(p.archived.length, 3);
    assert.ok(p.projectFile);
    assert.equal(p.configFile, undefined);
  });

  it('reads update-codex-write-mode-policy: 5 ADDED requirements with 8 scenarios, 8 of 8 tasks', async () => {
    const c = (await loadFixture('ccman')).changes.find((x) => x.id === 'update-codex-write-mode-policy')!;
    const d = c.deltas[0]!.doc;
    assert.equal(d.added.length, 5);
    assert.deepEqual(d.added.map((r) => r.scenarios.length), [2, 3, 1, 1, 1]);
    assert.ok(d.added.every((r) => r.normative));
    assert.deepEqual(c.progress, { done: 8, total: 8 });
    assert.ok(c.design);
  });
});

describe('OpenSpec detection', () => {
  it('finds every fixture project under test/fixtures/openspec, and none under the spec-kit fixtures', async () => {
    const fs = new NodeFileSystem();
    const roots = await findOpenSpecRoots(fs, join(repoRoot(), 'test', 'fixtures', 'openspec'));
    assert.deepEqual(
      roots.map((r) => r.split('/').pop()),
      ['OpenSpec', 'ccman', 'pantherOS', 'rules'],
    );
    assert.deepEqual(await findOpenSpecRoots(fs, join(repoRoot(), 'test', 'fixtures', 'unit')), []);
  });

  it('loads nothing from a folder without openspec/', async () => {
    assert.equal(await loadOpenSpecProject(new NodeFileSystem(), join(openspecFixtureRoot('pantherOS'), 'openspec')), undefined);
  });
});
