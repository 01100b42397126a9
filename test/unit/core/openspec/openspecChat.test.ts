import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseTasks } from '../../../../src/core/artifacts/tasks';
import { parseImplementScope } from '../../../../src/core/analysis/implementScope';
import { selectDesignDocs } from '../../../../src/core/chat/promptContext';
import { analyzeChange, changeNextActions } from '../../../../src/core/openspec/changeAnalysis';
import { changeDocPaths, changeFollowups, changeNamedIn, changeOwnFiles, openspecRedirect, openspecStatusSection } from '../../../../src/core/openspec/openspecChat';
import { loadOpenSpecProject, type OpenSpecProject } from '../../../../src/core/openspec/project';
import { validateOpenSpecProject } from '../../../../src/core/openspec/validate';
import { NodeFileSystem } from '../../../../src/core/workspace/nodeFileSystem';
import { loadFixture } from './openspecFixtures';

async function project(files: Record<string, string>): Promise<OpenSpecProject> {
  const root = mkdtempSync(join(tmpdir(), 'openspec-chat-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  const p = await loadOpenSpecProject(new NodeFileSystem(), root);
  assert.ok(p);
  return p;
}

const AUTH_SPEC = `# Auth Specification

## Purpose
How users sign in to the service, and how their sessions are kept and ended safely.

## Requirements
### Requirement: Password sign-in
The system SHALL let a user sign in with a password.

#### Scenario: Good password
- **WHEN** a user gives the right password
- **THEN** a session starts
`;

/** One change breaking each thing analyze looks for, once. */
const BROKEN = {
  'openspec/project.md': '# Project\n',
  'openspec/specs/auth/spec.md': AUTH_SPEC,
  'openspec/changes/add-2fa/proposal.md': '# Change: Add two-factor sign-in\n\n## Why\nPasswords leak.\n\n## What Changes\n- Add TOTP codes\n',
  'openspec/changes/add-2fa/design.md': '# Design\n\nTOTP with a 30 s window.\n',
  'openspec/changes/add-2fa/tasks.md': '## 1. Codes\n\n- [ ] 1.1 Generate TOTP secrets for the one-time code\n- [ ] 1.2 Write the release notes\n\n## 2. Recovery\n\n- [ ] 2.1 Recovery codes for lost devices\n',
  'openspec/changes/add-2fa/specs/auth/spec.md': `## ADDED Requirements
### Requirement: One-time code
The system SHALL ask for a one-time code after the password.

#### Scenario: Code accepted
- **WHEN** the user gives a valid code
- **THEN** the session starts

**Scenario: Code expired**
- **WHEN** the code is older than 30 s
- **THEN** it is refused

### Requirement: Recovery codes
The system SHALL offer recovery codes.

### Scenario: Lost device
- **WHEN** the device is lost
- **THEN** a recovery code signs in

## MODIFIED Requirements
### Requirement: Pasword sign-in
The system SHALL let a user sign in with a password and a code.

#### Scenario: Good password
- **WHEN** a user gives the right password
- **THEN** a code is asked for

## REMOVED Requirements
### Requirement: Magic links
`,
};

describe('OpenSpec in the chat', function () {
  // The real fixtures take a while to load on a busy machine.
  this.timeout(120_000);
  describe('changeNamedIn', () => {
    it('finds a change id anywhere in the request and returns the rest as the scope', async () => {
      const p = await loadFixture('pantherOS');
      const found = changeNamedIn('add-contabo-vps-server 1.2', [{ project: p }]);
      assert.equal(found?.change.id, 'add-contabo-vps-server');
      assert.equal(found?.rest, '1.2');
      assert.equal(changeNamedIn('please do group 2 of add-contabo-vps-server.', [{ project: p }])?.rest, 'please do group 2 of .');
      assert.equal(changeNamedIn('Phase 1', [{ project: p }]), undefined);
      // An archived change by its id or its archive folder name.
      assert.equal(changeNamedIn('add-backup-automation', [{ project: p }])?.change.archived, true);
      const folder = p.archived[0]!.folder;
      assert.equal(changeNamedIn(folder, [{ project: p }])?.change.folder, folder);
      // A prefix or a path is no change id.
      assert.equal(changeNamedIn('add-contabo-vps', [{ project: p }]), undefined);
      assert.equal(changeNamedIn('openspec/changes/add-contabo-vps-server/tasks.md', [{ project: p }]), undefined);
    });
  });

  describe('openspecStatusSection', () => {
    it('lists pantherOS: 33 active changes with progress and capabilities, 10 archived, 17 capabilities', async () => {
      const p = await loadFixture('pantherOS');
      const md = openspecStatusSection(p, 'pantherOS', (c) => `file:///x/${c.id}`, 2).join('\n');
      assert.match(md, /^### pantherOS \(OpenSpec\)$/m);
      assert.match(md, /^\| \[add-contabo-vps-server\]\(<file:\/\/\/x\/add-contabo-vps-server>\) \| Proposed \| 0\/25 \| \d+ \| [^|]+ \| `\/speckit\.implement` \|$/m);
      assert.match(md, /^\| \[add-niri-window-manager\]\([^)]+\) \| Complete \| 15\/15 \| [^|]+ \| [^|]+ \| `openspec archive add-niri-window-manager` \|$/m);
      assert.equal(md.split('\n').filter((l) => l.startsWith('| [')).length, 33);
      assert.match(md, /33 active changes: \d+ complete, \d+ in progress or proposed · 10 archived · 17 capabilities \(\d+ requirements\) · 2 validation errors \(see Problems\)/);
      assert.match(md, /^Capabilities: .*configuration \(4\)/m);
    });

    it('says how to start when there is no active change, and escapes hostile ids', async () => {
      const empty = await project({ 'openspec/project.md': '# P\n', 'openspec/specs/auth/spec.md': AUTH_SPEC });
      const md = openspecStatusSection(empty, 'x|y').join('\n');
      assert.match(md, /No active changes — propose one/);
      assert.match(md, /^### x\\\|y \(OpenSpec\)$/m);
      assert.match(md, /0 active changes: 0 complete, 0 in progress or proposed · 0 archived · 1 capability \(1 requirement\)/);
    });
  });

  describe('openspecRedirect', () => {
    it('answers every spec-kit-writing command with what OpenSpec users do, and nothing for the ones that work', () => {
      for (const c of ['specify', 'clarify', 'plan', 'tasks', 'checklist', 'converge', 'constitution', 'taskstoissues']) {
        const m = openspecRedirect(c, 'add-2fa');
        assert.ok(m?.startsWith('`add-2fa` is an OpenSpec change: `/speckit.' + c + '` writes spec-kit files'), c);
      }
      assert.match(openspecRedirect('specify', undefined)!, /^This is an OpenSpec project: .*openspec/);
      assert.match(openspecRedirect('plan', undefined)!, /design\.md/);
      for (const c of ['implement', 'analyze', 'status', 'ask']) assert.equal(openspecRedirect(c, 'x'), undefined, c);
    });
  });

  describe('change documents and follow-ups', () => {
    it('gives proposal, deltas, design, the capability specs the deltas change and project.md, in that order; the run owns them and tasks.md', async () => {
      const p = await project(BROKEN);
      const change = p.changes[0]!;
      const docs = changeDocPaths(change, p).map(([k, path]) => [k, path.slice(p.root.length + 1)]);
      assert.deepEqual(docs, [
        ['proposal', 'openspec/changes/add-2fa/proposal.md'],
        ['delta', 'openspec/changes/add-2fa/specs/auth/spec.md'],
        ['design', 'openspec/changes/add-2fa/design.md'],
        ['capability', 'openspec/specs/auth/spec.md'],
        ['conventions', 'openspec/project.md'],
      ]);
      assert.ok(changeOwnFiles(change, p).some((f) => f.endsWith('add-2fa/tasks.md')));
      assert.deepEqual(changeFollowups('implement', change).map((f) => [f.command, f.prompt]), [['analyze', 'add-2fa']]);
      assert.deepEqual(changeFollowups('analyze', change).map((f) => [f.command, f.prompt]), [['implement', 'add-2fa']]);
    });
  });

  describe('analyzeChange', () => {
    it('reports no-scenario requirements, ### and bold scenarios, deltas naming absent requirements, uncovered requirements and unmapped tasks', async () => {
      const p = await project(BROKEN);
      const change = p.changes[0]!;
      const item = validateOpenSpecProject(p).items.find((i) => i.type === 'change' && i.id === 'add-2fa')!;
      const report = analyzeChange({ change, findings: item.findings, rel: (x) => x.slice(p.root.length + 1), specs: p.specs });
      const delta = 'openspec/changes/add-2fa/specs/auth/spec.md';
      const at = (re: RegExp) => report.findings.filter((f) => re.test(f.summary));
      // Recovery codes: its scenario is a ### heading, so it has none.
      const noScenario = at(/Requirement "Recovery codes" has no scenario/);
      assert.equal(noScenario.length, 1);
      assert.deepEqual([noScenario[0]!.category, noScenario[0]!.severity, noScenario[0]!.location], ['Underspecification', 'HIGH', { path: delta, line: 13 }]);
      assert.equal(at(/"### Scenario: Lost device" .* not a "### Requirement:" heading/).length, 1);
      assert.equal(at(/"### Scenario: Lost device"/)[0]!.recommendation, 'Make it a "#### Scenario:" heading');
      // The bold scenario beside a counted one: validation passes it, analyze does not.
      const bold = at(/Scenario "Code expired" .* bold text/);
      assert.deepEqual(bold.map((f) => [f.category, f.location.line]), [['Inconsistency', 9]]);
      // MODIFIED and REMOVED naming requirements auth/spec.md does not have.
      const conflicts = report.findings.filter((f) => f.summary.includes('openspec-delta-archive-conflict'));
      assert.ok(conflicts.some((f) => /Pasword sign-in/.test(f.summary) && f.severity === 'HIGH'), JSON.stringify(conflicts));
      assert.equal(conflicts.length, 1, JSON.stringify(conflicts));
      const removed = at(/REMOVED "Magic links" is not in openspec\/specs\/auth\/spec\.md/);
      assert.deepEqual(removed.map((f) => [f.category, f.severity, f.location.line]), [['Inconsistency', 'MEDIUM', 29]]);
      // Coverage: 1.1 serves the one-time code, 2.1 the recovery codes; 1.2 names nothing.
      assert.deepEqual(report.coverage.map((r) => [r.requirement, r.tasks]), [
        ['ADDED One-time code', ['1.1']],
        ['ADDED Recovery codes', ['2.1']],
        ['MODIFIED Pasword sign-in', []],
      ]);
      assert.deepEqual(report.unmappedTasks, ['1.2']);
      const unmapped = at(/Task 1\.2 in "Codes" names no requirement/);
      assert.deepEqual(unmapped.map((f) => [f.category, f.severity, f.location]), [['Coverage', 'LOW', { path: 'openspec/changes/add-2fa/tasks.md', line: 4 }]]);
      assert.equal(at(/Requirement "Pasword sign-in" \(MODIFIED\) has no task/).length, 1);
      assert.equal(report.metrics.requirements, 3);
      assert.equal(report.metrics.tasks, 3);
      assert.equal(report.metrics.coveragePercent, 67);
      assert.match(changeNextActions(report, 'add-2fa').join('\n'), /openspec validate add-2fa --strict/);
      // IDs are numbered per category, in the order of the report.
      assert.deepEqual(report.findings.filter((f) => f.category === 'Coverage').map((f) => f.id), ['C1', 'C2']);
    });

    it('a clean change has nothing but its coverage; tasks are not unmapped when the change has no requirements', async () => {
      const clean = await project({
        'openspec/specs/auth/spec.md': AUTH_SPEC,
        'openspec/changes/tidy/proposal.md': '# Tidy\n',
        'openspec/changes/tidy/tasks.md': '- [ ] Rename files\n',
        'openspec/changes/tidy/.openspec.yaml': 'schema: spec-driven\nskip_specs: true\n',
      });
      const change = clean.changes[0]!;
      const item = validateOpenSpecProject(clean).items.find((i) => i.id === 'tidy')!;
      const report = analyzeChange({ change, findings: item.findings, rel: (x) => x });
      assert.deepEqual(report.findings, []);
      assert.deepEqual(report.unmappedTasks, []);
      assert.match(changeNextActions(report, 'tidy').join('\n'), /\/speckit\.implement tidy/);
    });

    it('runs on every change of the real fixtures without throwing, one row per ADDED/MODIFIED requirement', async () => {
      for (const name of ['pantherOS', 'OpenSpec', 'ccman', 'rules']) {
        const p = await loadFixture(name);
        const v = validateOpenSpecProject(p);
        for (const change of p.changes) {
          const report = analyzeChange({ change, findings: v.items.find((i) => i.type === 'change' && i.id === change.id)?.findings ?? [], rel: (x) => x });
          const rows = change.deltas.reduce((n, d) => n + d.doc.added.length + d.doc.modified.length, 0);
          assert.equal(report.coverage.length, rows, `${name}/${change.id}`);
          assert.ok(report.findings.every((f) => f.location.line >= 1), `${name}/${change.id}`);
        }
      }
    });
  });

  describe('implement context of a change', () => {
    it('sends every document of the change in priority order, each within the budget, and names what did not fit', () => {
      const docs = [
        { kind: 'conventions' as const, path: 'openspec/project.md', text: 'conventions\n'.repeat(10) },
        { kind: 'capability' as const, path: 'openspec/specs/auth/spec.md', text: 'current\n'.repeat(200) },
        { kind: 'design' as const, path: 'openspec/changes/x/design.md', text: 'design\n' },
        { kind: 'delta' as const, path: 'openspec/changes/x/specs/auth/spec.md', text: 'delta\n' },
        { kind: 'proposal' as const, path: 'openspec/changes/x/proposal.md', text: 'why\n' },
      ];
      const s = selectDesignDocs('- [ ] 1.1 Rename a file', docs, 600, 400);
      assert.deepEqual(s.sent.map((d) => [d.kind, d.rendered.cut]), [['proposal', false], ['delta', false], ['design', false], ['capability', true]]);
      assert.deepEqual(s.notSent, [{ path: 'openspec/project.md', why: 'budget' }]);
    });
  });

  describe('implement scopes on OpenSpec tasks', () => {
    const doc = parseTasks('## 1. Codes\n\n- [ ] 1.1 One\n- [x] 1.2 Two\n- [ ] 1.3 Three\n\n## 2. Recovery\n\n- [ ] 2.1 Four\n');
    it('selects a task (1.3), a group (`group 2`, `Phase 1`, a bare `2`) and says which numbers matched nothing', () => {
      assert.deepEqual(parseImplementScope('1.3', doc).tasks.map((t) => t.id), ['1.3']);
      assert.deepEqual(parseImplementScope('group 2', doc).tasks.map((t) => t.id), ['2.1']);
      assert.deepEqual(parseImplementScope('Phase 1', doc).tasks.map((t) => t.id), ['1.1', '1.3']);
      assert.deepEqual(parseImplementScope('2', doc).tasks.map((t) => t.id), ['2.1']);
      assert.match(parseImplementScope('group 1', doc).description, /^Group 1: Codes — 2 open tasks \(1 already done\)$/);
      assert.deepEqual(parseImplementScope('group 7', doc).unknown, ['Group 7']);
      assert.deepEqual(parseImplementScope('group 7', doc).tasks, []);
    });
    it('leaves a bare number in a spec-kit request a plain word', () => {
      const spec = parseTasks('## Phase 1: Setup\n\n- [ ] T001 One\n- [ ] T002 Two\n');
      const s = parseImplementScope('do the 2 tasks', spec);
      assert.deepEqual(s.unknown, []);
      assert.deepEqual(s.tasks.map((t) => t.id), ['T001', 'T002']);
    });
  });
});
