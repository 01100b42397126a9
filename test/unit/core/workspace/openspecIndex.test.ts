import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FileSystemHost } from '../../../../src/core/workspace/fileSystem';
import { NodeFileSystem } from '../../../../src/core/workspace/nodeFileSystem';
import { toOpenSpecReport } from '../../../../src/core/openspec/validate';
import { openspecValidation } from '../../../../src/core/workspace/openspecIndex';
import { WorkspaceIndex } from '../../../../src/core/workspace/workspaceIndex';
import { openspecFixtureRoot, recorded } from '../openspec/openspecFixtures';
import { CountingFs } from '../../helpers/countingFs';
import { tempWorkspace } from '../../helpers/tempWorkspace';

/** A writable copy of pantherOS's openspec/ inside a repository that is also a spec-kit project. */
function pantherCopy(): { root: string; dispose(): void } {
  const root = mkdtempSync(join(tmpdir(), 'speckit-openspec-'));
  cpSync(join(openspecFixtureRoot('pantherOS'), 'openspec'), join(root, 'openspec'), { recursive: true });
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

describe('workspace index: OpenSpec projects', () => {
  it('indexes pantherOS beside a spec-kit project in the same folder, with OpenSpec’s own counts', async () => {
    const ws = pantherCopy();
    try {
      writeFileSync(join(ws.root, 'README.md'), '# pantherOS\n');
      const speckit = tempWorkspace({ '.specify/memory/constitution.md': '# C\n', 'specs/001-a/spec.md': '# Feature Specification: A\n' });
      cpSync(speckit.root, join(ws.root, 'svc'), { recursive: true });
      speckit.dispose();
      const index = new WorkspaceIndex(new NodeFileSystem());
      await index.addFolder(ws.root);
      assert.deepEqual(index.projects.map((p) => p.project.root), [join(ws.root, 'svc')]);
      assert.equal(index.openspecProjects.length, 1);
      const project = index.openspecProjects[0]!.project;
      assert.equal(project.root, ws.root);
      const rec = recorded('pantherOS');
      assert.deepEqual(project.changes.map((c) => [c.id, c.progress.done, c.progress.total]), rec.list.map((c) => [c.name, c.completedTasks, c.totalTasks]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
      assert.deepEqual(project.specs.map((s) => [s.id, s.doc.requirements.length]), rec.specs.map((s) => [s.id, s.requirementCount]));
      assert.ok(project.archived.length >= 10);
      // Lookups by path.
      const change = project.changes[0]!;
      assert.equal(index.openspecFor(join(change.dir, 'tasks.md'))?.project.root, ws.root);
      assert.equal(index.openspecFor(join(ws.root, 'svc', 'specs')), undefined);
      if (change.tasks) assert.equal(index.tasksOf(change.dir)?.path, change.tasks.path);
      assert.equal(index.tasksOf(join(ws.root, 'svc', 'specs', '001-a')), undefined);
    } finally {
      ws.dispose();
    }
  });

  it('a tasks.md event re-reads that change only, and the progress follows', async () => {
    const ws = pantherCopy();
    try {
      const fs = new CountingFs();
      const index = new WorkspaceIndex(fs);
      await index.addFolder(ws.root);
      const before = index.openspecProjects[0]!.project;
      const change = before.changes.find((c) => c.tasks && c.progress.done < c.progress.total)!;
      const tasksPath = change.tasks!.path;
      const text = readFileSync(tasksPath, 'utf8');
      writeFileSync(tasksPath, text.replace('- [ ]', '- [x]'));
      fs.reads = [];
      const result = await index.refresh([tasksPath]);
      assert.deepEqual(result.openspec, [ws.root]);
      assert.ok(result.projects.includes(ws.root));
      assert.equal(result.structure, false);
      assert.ok(fs.reads.length > 0 && fs.reads.every((p) => p.startsWith(change.dir + '/')), `read outside the change: ${fs.reads.filter((p) => !p.startsWith(change.dir)).join(', ')}`);
      const after = index.openspecProjects[0]!.project.changes.find((c) => c.dir === change.dir)!;
      assert.equal(after.progress.done, change.progress.done + 1);
      // Untouched parts are the same objects (nothing else was re-parsed).
      assert.equal(index.openspecProjects[0]!.project.specs[0], before.specs[0]);
    } finally {
      ws.dispose();
    }
  });

  it('a new change folder, a deleted capability and a new openspec/ are picked up', async () => {
    const ws = tempWorkspace({ 'README.md': '# x\n' });
    try {
      const index = new WorkspaceIndex(new NodeFileSystem());
      await index.addFolder(ws.root);
      assert.equal(index.openspecProjects.length, 0);
      const spec = ws.write('openspec/specs/auth/spec.md', '# auth\n\n## Purpose\nLogin for users of the system, and more words here.\n\n## Requirements\n\n### Requirement: Login\nThe system SHALL log users in.\n\n#### Scenario: ok\n- **WHEN** a user logs in\n- **THEN** it works\n');
      let change = await index.refresh([join(ws.root, 'openspec')]);
      assert.equal(change.structure, true);
      assert.deepEqual(index.openspecProjects.map((o) => o.project.specs.map((s) => s.id)), [['auth']]);
      const tasks = ws.write('openspec/changes/add-2fa/tasks.md', '## 1. Build\n- [ ] 1.1 Add TOTP\n- [x] 1.2 Add recovery codes\n');
      change = await index.refresh([join(ws.root, 'openspec/changes/add-2fa'), tasks]);
      assert.equal(change.structure, true);
      const c = index.openspecProjects[0]!.project.changes[0]!;
      assert.deepEqual([c.id, c.status, c.progress], ['add-2fa', 'in-progress', { done: 1, total: 2 }]);
      assert.deepEqual(index.tasksOf(c.dir)?.doc.tasks.map((t) => t.id), ['1.1', '1.2']);
      rmSync(join(ws.root, 'openspec/specs/auth'), { recursive: true });
      await index.refresh([spec]);
      assert.deepEqual(index.openspecProjects[0]!.project.specs, []);
    } finally {
      ws.dispose();
    }
  });

  it('unsaved editor text is what the model and the checks see', async () => {
    const ws = tempWorkspace({ 'openspec/project.md': '# p\n', 'openspec/changes/x/tasks.md': '- [ ] 1.1 One\n- [ ] 1.2 Two\n' });
    try {
      const index = new WorkspaceIndex(new NodeFileSystem());
      await index.addFolder(ws.root);
      const tasks = join(ws.root, 'openspec/changes/x/tasks.md');
      index.setOverlay(tasks, '- [x] 1.1 One\n- [x] 1.2 Two\n', 2);
      await index.refresh([tasks]);
      assert.equal(index.openspecProjects[0]!.project.changes[0]!.status, 'complete');
      index.setOverlay(tasks, undefined);
      await index.refresh([tasks]);
      assert.equal(index.openspecProjects[0]!.project.changes[0]!.status, 'proposed');
    } finally {
      ws.dispose();
    }
  });

  it('an unreadable file is a problem, not an exception; a throwing folder leaves the rest indexed', async () => {
    const ws = tempWorkspace({ 'a/openspec/project.md': '# p\n', 'a/openspec/changes/x/proposal.md': '# x\n', 'a/openspec/changes/x/tasks.md': '- [ ] 1.1 a\n', 'b/openspec/specs/s/spec.md': '# s\n' });
    try {
      const inner = new NodeFileSystem();
      let listings = 0;
      const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      const fs: FileSystemHost = {
        readFile: (p, o) => (p.endsWith('proposal.md') ? Promise.reject(denied) : inner.readFile(p, o)),
        // Listing b/openspec/specs fails outright (an I/O error while loading that project).
        // The spec-kit scan lists it first; the OpenSpec loader's listing is the one that fails.
        readDirectory: (p) => (p.endsWith('b/openspec/specs') && ++listings > 1 ? Promise.reject(new Error('EIO: i/o error')) : inner.readDirectory(p)),
        stat: (p) => inner.stat(p),
      };
      const index = new WorkspaceIndex(fs);
      await index.addFolder(ws.root);
      const [a, b] = index.openspecProjects;
      assert.equal(a!.project.changes[0]!.problems[0]?.code, 'openspec-unreadable');
      assert.equal(a!.project.changes[0]!.tasks?.doc.tasks.length, 1);
      assert.ok(openspecValidation(a!.project).findings.length > 0);
      assert.equal(b!.project.root, join(ws.root, 'b'));
      assert.equal(b!.problems[0]?.code, 'analysis-failed');
      assert.match(b!.problems[0].message, /EIO/);
      assert.ok(index.problems.some((p) => p.path === join(ws.root, 'b/openspec')));
    } finally {
      ws.dispose();
    }
  });

  it('validation of the indexed pantherOS equals OpenSpec 1.13.2’s recorded report', async () => {
    const index = new WorkspaceIndex(new NodeFileSystem());
    await index.addFolder(openspecFixtureRoot('pantherOS'));
    const validation = openspecValidation(index.openspecProjects[0]!.project);
    assert.equal(openspecValidation(index.openspecProjects[0]!.project), validation, 'computed once per model');
    const rec = recorded('pantherOS').validate;
    const ours = toOpenSpecReport(validation);
    assert.deepEqual(ours.filter((i) => !i.valid).map((i) => `${i.type} ${i.id}`).sort(), rec.filter((i) => !i.valid).map((i) => `${i.type} ${i.id}`).sort());
    assert.deepEqual(ours.map((i) => i.issues.length).reduce((a, b) => a + b, 0), rec.map((i) => i.issues.length).reduce((a, b) => a + b, 0));
  });
});
