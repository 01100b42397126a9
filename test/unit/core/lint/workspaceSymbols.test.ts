import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { featureSymbols } from '../../../../src/core/lint/navigation';
import { SymbolPool } from '../../../../src/core/lint/symbolPool';
import { WorkspaceSymbols } from '../../../../src/core/lint/workspaceSymbols';
import { NodeFileSystem } from '../../../../src/core/workspace/nodeFileSystem';
import { WorkspaceIndex } from '../../../../src/core/workspace/workspaceIndex';
import { corpusDir, corpusFiles, repoRoot } from '../../helpers/paths';
import { tempWorkspace } from '../../helpers/tempWorkspace';

/** Every spec, tasks and checklist of the corpus, grouped back into their features. */
function corpusWorkspace(): ReturnType<typeof tempWorkspace> {
  const features = new Map<string, Record<string, string>>();
  for (const name of corpusFiles('.md')) {
    const m = /^(.*)__(spec\.md|tasks\.md|checklists__[^_]+\.md)$/.exec(name);
    if (!m) continue;
    const files = features.get(m[1]!) ?? {};
    files[m[2]!.replace('__', '/')] = readFileSync(join(corpusDir(), name), 'utf8');
    features.set(m[1]!, files);
  }
  const files: Record<string, string> = { '.specify/memory/constitution.md': '# Constitution\n' };
  let n = 0;
  for (const group of features.values()) {
    const dir = `specs/${String(++n).padStart(3, '0')}-feature`;
    for (const [rel, text] of Object.entries(group)) files[`${dir}/${rel}`] = text;
  }
  return tempWorkspace(files);
}

/** What the index's own documents give: featureSymbols over each feature's getters (which parse them in the index). */
function referenceSymbols(index: WorkspaceIndex): ReturnType<typeof featureSymbols>[] {
  return index.features.map((f) => {
    const files = f.feature.files;
    return featureSymbols({
      spec: f.spec && files.spec ? { path: files.spec.path, doc: f.spec } : undefined,
      tasks: f.tasks && files.tasks ? { path: files.tasks.path, doc: f.tasks } : undefined,
      checklists: f.checklists.map((c) => ({ path: c.path, doc: c.doc })),
    });
  });
}

describe('WorkspaceSymbols', () => {
  it('keeps the stored entry of a file an open document answered for, so the next session need not parse it', async () => {
    const ws = tempWorkspace({
      '.specify/memory/constitution.md': '# Constitution\n',
      'specs/001-a/spec.md': '# Feature Specification: A\n\n## Requirements\n\n- **FR-001**: System MUST work.\n',
      'specs/001-a/tasks.md': '# Tasks\n\n## Phase 1: Setup\n\n- [ ] T001 Do it\n',
    });
    try {
      const fs = new NodeFileSystem();
      const index = new WorkspaceIndex(fs, {});
      await index.addFolder(ws.root);
      const calls: string[] = [];
      const symbols = new WorkspaceSymbols(index, fs);
      symbols.store = {
        get: (p) => void calls.push(`get ${p.slice(ws.root.length)}`),
        set: (p) => void calls.push(`set ${p.slice(ws.root.length)}`),
        touch: (p, size, mtime) => void calls.push(`touch ${p.slice(ws.root.length)} ${size > 0 && mtime > 0}`),
      };
      const f = index.features[0]!;
      assert.ok(f.spec, 'the spec parsed in the index, as an open editor holds it');
      assert.ok(index.holdsDocument(f.feature.files.spec!.path));
      const found = await symbols.of(f);
      assert.ok(found.some((x) => x.name === 'FR-001') && found.some((x) => x.name === 'T001'), JSON.stringify(found.map((x) => x.name)));
      assert.deepEqual(calls, ['touch /specs/001-a/spec.md true', 'get /specs/001-a/tasks.md', 'set /specs/001-a/tasks.md']);
    } finally {
      ws.dispose();
    }
  });

  it('gives the same symbols from the worker pool (the server bundle as worker threads)', async function () {
    this.timeout(120_000);
    const ws = corpusWorkspace();
    const pool = new SymbolPool(join(repoRoot(), 'dist', 'server.js'), 2);
    try {
      const fs = new NodeFileSystem();
      const index = new WorkspaceIndex(fs, {});
      await index.addFolder(ws.root);
      const symbols = new WorkspaceSymbols(index, fs, pool);
      symbols.prefetch(index.features);
      const ours = [];
      for (const f of index.features) ours.push(await symbols.of(f));
      assert.equal(symbols.parsed.here, 0, 'every file came from the pool');
      assert.ok(symbols.parsed.pool > 20 && symbols.parsed.pool === symbols.size, `${symbols.parsed.pool} of ${symbols.size} files from the pool`);
      assert.deepEqual(ours, referenceSymbols(index));
    } finally {
      pool.dispose();
      ws.dispose();
    }
  });

  it('gives every corpus feature the symbols of the index’s own documents, without leaving them parsed', async () => {
    const ws = corpusWorkspace();
    try {
      const fs = new NodeFileSystem();
      const index = new WorkspaceIndex(fs, {});
      await index.addFolder(ws.root);
      assert.ok(index.features.length > 20, `${index.features.length} features`);
      const symbols = new WorkspaceSymbols(index, fs);
      const visited = new Set<string>();
      const ours = [];
      for (const f of index.features) ours.push(await symbols.of(f, visited));
      // Read from its own parses: the index still holds none.
      assert.equal(index.parsedDocuments, 0);
      assert.ok(ours.flat().length > 500, `${ours.flat().length} symbols`);
      // The reference: the index's documents, parsed through the features' getters.
      const reference = referenceSymbols(index);
      assert.deepEqual(ours, reference);
      // Now the index holds them parsed: those documents answer, with the same symbols.
      assert.ok(index.parsedDocuments > 0);
      const again = [];
      for (const f of index.features) again.push(await symbols.of(f));
      assert.deepEqual(again, reference);
      // Every file visited; forgetting the others keeps these.
      assert.equal(visited.size, symbols.size);
      symbols.keepOnly(new Set());
      assert.equal(symbols.size, 0);
    } finally {
      ws.dispose();
    }
  });
});
