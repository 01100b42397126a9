import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type WorkspaceSymbol } from '../../../../src/core/lint/navigation';
import { PersistedSymbols, SYMBOL_FILE } from '../../../../src/core/lint/symbolStore';

const SYMBOL: WorkspaceSymbol = { name: 'FR-001', detail: 'System MUST work.', kind: 'requirement', path: '/w/specs/001-a/spec.md', range: { start: { line: 4, character: 2 }, end: { line: 4, character: 40 } } };

describe('persisted workspace symbols', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'speckit-symbols-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives back what was stored for the same size and time, with the path as the key', async () => {
    const store = await PersistedSymbols.open(dir, '1.0.0');
    store.set(SYMBOL.path, 120, 1000.5, [SYMBOL]);
    await store.save();
    const again = await PersistedSymbols.open(dir, '1.0.0');
    assert.equal(again.ignored, undefined);
    assert.deepStrictEqual(again.get(SYMBOL.path, 120, 1000.5), [SYMBOL]);
    assert.equal(again.get(SYMBOL.path, 121, 1000.5), undefined, 'another size');
    assert.equal(again.get(SYMBOL.path, 120, 1001), undefined, 'another time');
    // Another release never reads it.
    const other = await PersistedSymbols.open(dir, '1.0.1');
    assert.match(other.ignored ?? '', /another version/);
    assert.equal(other.get(SYMBOL.path, 120, 1000.5), undefined);
  });

  it('holds one copy of the symbols: the list it was given, or the one it made from the file, and writes them as tuples', async () => {
    const store = await PersistedSymbols.open(dir, '1.0.0');
    const list = [SYMBOL];
    store.set(SYMBOL.path, 120, 7, list);
    assert.equal(store.get(SYMBOL.path, 120, 7), list, 'the same list, not a copy');
    await store.save();
    const written = JSON.parse(readFileSync(join(dir, SYMBOL_FILE), 'utf8')) as { entries: Record<string, unknown> };
    assert.deepStrictEqual(written.entries[SYMBOL.path], [120, 7, [['FR-001', 'System MUST work.', 'requirement', 4, 2, 4, 40]]]);
    const again = await PersistedSymbols.open(dir, '1.0.0');
    const first = again.get(SYMBOL.path, 120, 7);
    assert.deepStrictEqual(first, [SYMBOL]);
    assert.equal(again.get(SYMBOL.path, 120, 7), first, 'made once from the file');
    // Made anew from what was read is not a change: nothing to write (the file stays as it is).
    const before = readFileSync(join(dir, SYMBOL_FILE), 'utf8');
    writeFileSync(join(dir, SYMBOL_FILE), before.replace('"entries"', ' "entries"'));
    await again.save();
    assert.equal(readFileSync(join(dir, SYMBOL_FILE), 'utf8'), before.replace('"entries"', ' "entries"'));
  });

  it('keeps a touched entry through a save, and drops the entries of files not seen in the session', async () => {
    const store = await PersistedSymbols.open(dir, '1.0.0');
    store.set('/w/a/spec.md', 10, 1, [{ ...SYMBOL, path: '/w/a/spec.md' }]);
    store.set('/w/b/spec.md', 10, 1, [{ ...SYMBOL, path: '/w/b/spec.md' }]);
    await store.save();
    const next = await PersistedSymbols.open(dir, '1.0.0');
    next.touch('/w/a/spec.md', 10, 1);
    await next.save();
    const third = await PersistedSymbols.open(dir, '1.0.0');
    assert.deepStrictEqual(third.get('/w/a/spec.md', 10, 1), [{ ...SYMBOL, path: '/w/a/spec.md' }]);
    assert.equal(third.get('/w/b/spec.md', 10, 1), undefined);
  });

  it('drops a touched entry that is no longer the file’s (another size or time) at the next save', async () => {
    const store = await PersistedSymbols.open(dir, '1.0.0');
    store.set('/w/a/spec.md', 10, 1, [{ ...SYMBOL, path: '/w/a/spec.md' }]);
    store.set('/w/b/spec.md', 10, 1, [{ ...SYMBOL, path: '/w/b/spec.md' }]);
    await store.save();
    const next = await PersistedSymbols.open(dir, '1.0.0');
    next.touch('/w/a/spec.md', 11, 1);
    next.touch('/w/b/spec.md', 10, 2);
    await next.save();
    const written = JSON.parse(readFileSync(join(dir, SYMBOL_FILE), 'utf8')) as { entries: Record<string, unknown> };
    assert.deepStrictEqual(Object.keys(written.entries), [], 'stale entries are not written again');
  });

  it('drops every entry that is not exactly a list of symbols, and ignores a file of another kind', async () => {
    const good = ['FR-001', 'System MUST work.', 'requirement', 4, 2, 4, 40];
    const entries: Record<string, unknown> = {
      '/w/good.md': [10, 1, [good]],
      '/w/kind.md': [10, 1, [['x', '', 'script', 0, 0, 0, 1]]],
      '/w/negative.md': [10, 1, [['x', '', 'task', -1, 0, 0, 1]]],
      '/w/backwards.md': [10, 1, [['x', '', 'task', 3, 0, 2, 1]]],
      '/w/huge.md': [10, 1, [['x'.repeat(5000), '', 'task', 0, 0, 0, 1]]],
      '/w/short.md': [10, 1, [['x', '', 'task', 0, 0]]],
      '/w/object.md': [10, 1, { name: 'x' }],
      '/w/size.md': [-1, 1, [good]],
    };
    writeFileSync(join(dir, SYMBOL_FILE), JSON.stringify({ format: 'speckit-vscode/symbols', version: '1:1.0.0', entries }));
    const store = await PersistedSymbols.open(dir, '1.0.0');
    assert.equal(store.ignored, undefined);
    assert.deepStrictEqual(store.get('/w/good.md', 10, 1), [{ ...SYMBOL, path: '/w/good.md' }]);
    for (const p of Object.keys(entries).filter((x) => x !== '/w/good.md')) assert.equal(store.get(p, 10, 1), undefined, p);

    writeFileSync(join(dir, SYMBOL_FILE), JSON.stringify({ format: 'speckit-vscode/summaries', version: '1:1.0.0', entries }));
    const foreign = await PersistedSymbols.open(dir, '1.0.0');
    assert.equal(foreign.ignored, 'not a Spec Kit symbol cache');
    assert.equal(foreign.get('/w/good.md', 10, 1), undefined);
    // Saved anew (nothing used: no entries), so the next session reads a store of its own.
    await foreign.save();
    assert.equal((JSON.parse(readFileSync(join(dir, SYMBOL_FILE), 'utf8')) as { format: string }).format, 'speckit-vscode/symbols');
  });
});
