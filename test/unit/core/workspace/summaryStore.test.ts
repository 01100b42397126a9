import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constitutionSummary, parseConstitution } from '../../../../src/core/artifacts/constitution';
import { type FileSummary } from '../../../../src/core/artifacts/fastSummary';
import { constitutionDescription, constitutionTooltip } from '../../../../src/core/status/presentation';
import { type FileSystemHost } from '../../../../src/core/workspace/fileSystem';
import { NodeFileSystem } from '../../../../src/core/workspace/nodeFileSystem';
import { CountingFs } from '../../helpers/countingFs';
import { toScanJson } from '../../../../src/core/workspace/scanJson';
import { memorySummaries, PersistedSummaries, SUMMARY_FILE, SUMMARY_FORMAT } from '../../../../src/core/workspace/summaryStore';
import { WorkspaceIndex } from '../../../../src/core/workspace/workspaceIndex';
import { corpusDir, corpusFiles } from '../../helpers/paths';
import { makeTempDir, type TempDir } from './helpers';

const TASKS = '# Tasks\n\n## Phase 1: Setup\n\n- [x] T001 a\n- [ ] T002 b\n- [ ] T003 c\n';

describe('persisted summaries (the index on a second start)', () => {
  let ws: TempDir;
  let cache: TempDir;
  beforeEach(() => {
    ws = makeTempDir();
    cache = makeTempDir('speckit-cache-');
    ws.write({ '.specify/memory/constitution.md': '# C\n', 'specs/001-a/spec.md': '# Feature Specification: A\n', 'specs/001-a/tasks.md': TASKS });
  });
  afterEach(() => {
    ws.dispose();
    cache.dispose();
  });

  async function scan(release = '1.0.0', fs: FileSystemHost = new NodeFileSystem()): Promise<{ index: WorkspaceIndex; store: PersistedSummaries }> {
    const store = await PersistedSummaries.open(cache.root, release);
    const index = new WorkspaceIndex(fs, { summaries: store });
    await index.addFolder(ws.root);
    await store.save();
    return { index, store };
  }

  function cacheJson(): { version: string; entries: Record<string, [number, number, Record<string, unknown>]> } {
    return JSON.parse(readFileSync(`${cache.root}/${SUMMARY_FILE}`, 'utf8')) as never;
  }

  /** Rewrites the stored tasks summary, so a second scan that shows it provably read the store. */
  function forgeTasks(done: number, total: number): void {
    const data = cacheJson();
    const key = ws.path('specs/001-a/tasks.md');
    assert.ok(data.entries[key], 'the first scan stored the tasks summary');
    data.entries[key][2] = { kind: 'tasks', done, total };
    writeFileSync(`${cache.root}/${SUMMARY_FILE}`, JSON.stringify(data));
  }

  it('stores per-file summaries keyed by size and mtime, and a second start uses them', async () => {
    const first = await scan();
    assert.deepEqual(first.index.features[0]!.status.tasks, { done: 1, total: 3 });
    const tasksPath = ws.path('specs/001-a/tasks.md');
    const entry = cacheJson().entries[tasksPath]!;
    assert.equal(entry[0], statSync(tasksPath).size);
    assert.equal(entry[1], statSync(tasksPath).mtimeMs);
    forgeTasks(7, 9);
    const second = await scan();
    assert.deepEqual(second.index.features[0]!.status.tasks, { done: 7, total: 9 });
    // The full parse, when asked for, still reads the file itself.
    assert.equal(second.index.features[0]!.tasks?.total, 3);
  });

  it('leaves a file with a stored summary unread on a second start, and reads it when parsed', async () => {
    await scan();
    const fs = new CountingFs();
    const { index } = await scan('1.0.0', fs);
    const tasksPath = ws.path('specs/001-a/tasks.md');
    const specPath = ws.path('specs/001-a/spec.md');
    assert.deepEqual(index.features[0]!.status.tasks, { done: 1, total: 3 });
    assert.ok(!fs.reads.includes(tasksPath) && !fs.reads.includes(specPath), `the scan read ${fs.reads.join(', ')}`);
    assert.deepEqual(fs.nowReads, []);
    // The spec, the tasks and the constitution.
    assert.equal(index.summarized.stored, 3);
    assert.deepEqual(
      index.features[0]!.tasks?.tasks.map((t) => [t.id, t.checked]),
      [
        ['T001', true],
        ['T002', false],
        ['T003', false],
      ],
    );
    assert.deepEqual(fs.nowReads, [tasksPath]);
    void index.features[0]!.tasks;
    assert.deepEqual(fs.nowReads, [tasksPath], 'parsed once');
  });

  it('reads every file on the scan where the file system cannot read synchronously', async () => {
    await scan();
    const fs = new CountingFs({ syncReads: false });
    const { index } = await scan('1.0.0', fs);
    assert.ok(fs.reads.includes(ws.path('specs/001-a/tasks.md')));
    assert.equal(index.features[0]!.tasks?.total, 3);
  });

  it('reports a deferred file that can no longer be read when it is parsed, and one deleted meanwhile as absent', async () => {
    ws.write({ 'specs/002-b/tasks.md': TASKS });
    await scan();
    const locked = ws.path('specs/001-a/tasks.md');
    const fs = new CountingFs({ failNow: (p) => (p === locked ? Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }) : undefined) });
    const { index } = await scan('1.0.0', fs);
    const [a, b] = index.features;
    assert.equal(a!.tasks, undefined);
    assert.match(index.problemFor(locked)?.message ?? '', /permission denied/);
    rmSync(ws.path('specs/002-b/tasks.md'));
    assert.equal(b!.tasks, undefined);
    assert.equal(index.problemFor(ws.path('specs/002-b/tasks.md')), undefined);
  });

  it('a provisional scan lists features without reading what is unsummarized; they complete as summaries arrive', async () => {
    ws.write({ 'specs/002-b/tasks.md': TASKS });
    const fs = new CountingFs();
    const store = memorySummaries();
    const arrive = (rel: string, summary: FileSummary): void => {
      const st = statSync(ws.path(rel));
      store.set(ws.path(rel), st.size, st.mtimeMs, summary);
    };
    const index = new WorkspaceIndex(fs, { summaries: store });
    await index.addFolder(ws.root, { provisional: true });
    assert.deepEqual(index.features.map((f) => [f.feature.name, f.pending]), [['001-a', true], ['002-b', true]]);
    assert.deepEqual(fs.reads.filter((p) => p.includes('/specs/')), [], 'nothing under specs/ read');

    // Forged counts: shown only if they come from the store, not from reading the file.
    arrive('specs/001-a/tasks.md', { kind: 'tasks', done: 5, total: 9 });
    assert.deepEqual((await index.fillPending(false)).features, [], 'its spec is not summarized yet');
    arrive('specs/001-a/spec.md', { kind: 'spec', markers: 0, placeholders: 0, clarificationSessions: 0 });
    assert.deepEqual((await index.fillPending(false)).features, [ws.path('specs/001-a')]);
    const [a, b] = index.features;
    assert.equal(a!.pending, undefined);
    assert.deepEqual(a!.status.tasks, { done: 5, total: 9 });
    assert.equal(b!.pending, true);
    assert.equal(index.featureFor(ws.path('specs/001-a/tasks.md')), a);

    // The worker is done: what it did not summarize is read and summarized here.
    assert.deepEqual((await index.fillPending(true)).features, [ws.path('specs/002-b')]);
    assert.equal(index.features[1]!.pending, undefined);
    assert.deepEqual(index.features[1]!.status.tasks, { done: 1, total: 3 });
    assert.ok(fs.reads.includes(ws.path('specs/002-b/tasks.md')));
    assert.deepEqual((await index.fillPending(true)).features, [], 'nothing left pending');
  });

  it('does not use an entry whose file changed (size or mtime)', async () => {
    await scan();
    forgeTasks(7, 9);
    ws.write({ 'specs/001-a/tasks.md': TASKS.replace('- [ ] T003', '- [x] T003') });
    const { index } = await scan();
    assert.deepEqual(index.features[0]!.status.tasks, { done: 2, total: 3 });
  });

  it('never reads a cache written by another release', async () => {
    await scan('1.0.0');
    forgeTasks(7, 9);
    const { index, store } = await scan('1.0.1');
    assert.match(store.ignored ?? '', /another version/);
    assert.deepEqual(index.features[0]!.status.tasks, { done: 1, total: 3 });
    assert.match(cacheJson().version, /:1\.0\.1$/);
  });

  for (const [name, content, reason] of [
    ['garbage', '\u0000\u0001binary garbage', /not valid JSON/],
    ['truncated', '{"format":"speckit-vscode/summaries","version":"1:1.0.0","entries":{"/a":[1,2,{"ki', /not valid JSON/],
    ['foreign', '{"name":"some other tool","entries":{}}', /not a Spec Kit summary cache/],
    ['empty', '', /not valid JSON/],
  ] as const) {
    it(`ignores a cache file that is ${name}, and rebuilds it`, async () => {
      writeFileSync(`${cache.root}/${SUMMARY_FILE}`, content);
      const { index, store } = await scan();
      assert.match(store.ignored ?? '', reason);
      assert.deepEqual(index.features[0]!.status.tasks, { done: 1, total: 3 });
      assert.ok(cacheJson().entries[ws.path('specs/001-a/tasks.md')], 'rebuilt');
    });
  }

  it('drops entries of the wrong shape and keeps the good ones', async () => {
    await scan();
    const data = cacheJson();
    const tasksPath = ws.path('specs/001-a/tasks.md');
    const specPath = ws.path('specs/001-a/spec.md');
    const good = data.entries[specPath]!;
    data.entries[specPath] = [good[0], good[1], { kind: 'spec', markers: 5, placeholders: 0, clarificationSessions: 0 }];
    const [size, mtime] = data.entries[tasksPath]!;
    for (const bad of [{ kind: 'tasks', done: 5, total: 2 }, { kind: 'tasks', done: -1, total: 2 }, { kind: 'toString', done: 0, total: 0 }, { kind: 'tasks', done: 1, total: 3, extra: 1 }, null]) {
      writeFileSync(`${cache.root}/${SUMMARY_FILE}`, JSON.stringify({ ...data, entries: { ...data.entries, [tasksPath]: [size, mtime, bad] } }));
      const { index, store } = await scan();
      assert.equal(store.ignored, undefined);
      assert.deepEqual(index.features[0]!.status.tasks, { done: 1, total: 3 }, JSON.stringify(bad));
      // The well-formed spec entry was used: its (forged) markers show.
      assert.equal(index.features[0]!.status.markers, 5);
      writeFileSync(`${cache.root}/${SUMMARY_FILE}`, JSON.stringify(data));
    }
  });

  describe('the constitution', () => {
    const CONSTITUTION = [
      '# Acme Constitution',
      '',
      '## Core Principles',
      '',
      '### I. Tests First',
      'Every change starts with a failing test.',
      '',
      '### II. Small Steps',
      'One concern per change.',
      '',
      '**Version**: 2.1.0 | **Ratified**: 2025-01-01 | **Last Amended**: 2025-06-01',
      '',
    ].join('\n');
    const TEMPLATE = '# [PROJECT_NAME] Constitution\n\n## Core Principles\n\n### [PRINCIPLE_1_NAME]\n\n**Version**: [CONSTITUTION_VERSION]\n';
    let constitutionPath: string;
    beforeEach(() => {
      ws.write({ '.specify/memory/constitution.md': CONSTITUTION });
      constitutionPath = ws.path('.specify/memory/constitution.md');
    });

    /** Rewrites the stored constitution summary: a scan that shows it provably answered from the store. */
    function forgeConstitution(summary: unknown): void {
      const data = cacheJson();
      const entry = data.entries[constitutionPath];
      assert.ok(entry, 'the first scan stored the constitution summary');
      data.entries[constitutionPath] = [entry[0], entry[1], summary as Record<string, unknown>];
      writeFileSync(`${cache.root}/${SUMMARY_FILE}`, JSON.stringify(data));
    }

    it('stores its version and template state from the full parse; a second start answers from the store without reading it', async () => {
      const first = await scan();
      assert.deepEqual(cacheJson().entries[constitutionPath]![2], { kind: 'constitution', version: '2.1.0', placeholder: false, name: 'Acme', principles: 2 });
      const cold = toScanJson(first.index);
      assert.deepEqual(cold.projects[0]!.constitution, { version: '2.1.0', placeholder: false });

      const fs = new CountingFs();
      const { index } = await scan('1.0.0', fs);
      assert.ok(!fs.reads.includes(constitutionPath), `the scan read ${fs.reads.join(', ')}`);
      assert.deepEqual(fs.nowReads, []);
      assert.deepEqual(index.projects[0]!.constitutionSummary, { kind: 'constitution', version: '2.1.0', placeholder: false, name: 'Acme', principles: 2 });
      assert.equal(JSON.stringify(toScanJson(index)), JSON.stringify(cold));
      // Consumers still get the full document, parsed on first use, once.
      const doc = index.projects[0]!.constitution;
      assert.equal(doc?.name?.value, 'Acme');
      assert.deepEqual(doc?.principles.map((p) => p.name), ['Tests First', 'Small Steps']);
      assert.equal(doc?.version?.value, '2.1.0');
      assert.equal(index.projects[0]!.constitution, doc);
      assert.deepEqual(fs.nowReads, [constitutionPath]);
      assert.equal(await index.document(constitutionPath), doc, 'document() shares the parse');
    });

    it("the Spec Explorer's row on a second start: its texts from the stored summary, the constitution neither read nor parsed", async () => {
      const first = await scan();
      const project = first.index.projects[0]!;
      // What the row showed when it read the parsed document (its texts before the summary held them).
      const doc = project.constitution!;
      const before = [doc.isPlaceholder ? 'placeholder' : `v${doc.version!.value}`, `${doc.name!.value}: ${doc.principles.length} principles`];
      assert.deepEqual(before, ['v2.1.0', 'Acme: 2 principles']);
      const fs = new CountingFs();
      const { index } = await scan('1.0.0', fs);
      const again = index.projects[0]!;
      let parsedBy = 0;
      // The document's getter parses the file: count anything that asks for it.
      const watched = Object.create(again, { constitution: { get: () => (parsedBy++, again.constitution) } }) as typeof again;
      const row = [constitutionDescription(watched.constitutionSummary), constitutionTooltip(watched.constitutionSummary, watched.project.constitutionPath !== undefined)];
      assert.deepEqual(row, before);
      assert.equal(parsedBy, 0);
      assert.ok(!fs.reads.includes(constitutionPath), `the scan read ${fs.reads.join(', ')}`);
      assert.deepEqual(fs.nowReads, [], 'nothing was read to be parsed');
      assert.equal(index.summarized.parsed, 0);
    });

    it('a summary stored by the previous format (without name and principles) is not used: the cache is rebuilt once', async () => {
      await scan();
      const data = cacheJson();
      data.version = data.version.replace(/^\d+:/, (f) => `${Number(f.slice(0, -1)) - 1}:`);
      data.entries[constitutionPath]![2] = { kind: 'constitution', version: '9.9.9', placeholder: false };
      writeFileSync(`${cache.root}/${SUMMARY_FILE}`, JSON.stringify(data));
      const fs = new CountingFs();
      const { index, store } = await scan('1.0.0', fs);
      assert.match(store.ignored ?? '', /another version/);
      assert.ok(fs.reads.includes(constitutionPath));
      assert.deepEqual(index.projects[0]!.constitutionSummary, { kind: 'constitution', version: '2.1.0', placeholder: false, name: 'Acme', principles: 2 });
      assert.equal(cacheJson().version, `${SUMMARY_FORMAT}:1.0.0`);
      const next = new CountingFs();
      await scan('1.0.0', next);
      assert.ok(!next.reads.includes(constitutionPath), 'rebuilt once: the start after reads the store');
    });

    for (const name of corpusFiles('constitution.md')) {
      it(`the row's texts from the summary are those from the parsed document: ${name}`, () => {
        const doc = parseConstitution(readFileSync(join(corpusDir(), name)));
        const summary = constitutionSummary(doc);
        const version = doc.version?.value;
        assert.equal(constitutionDescription(summary), doc.isPlaceholder ? 'placeholder' : version && !/^\[/.test(version) ? `v${version}` : 'no version');
        assert.equal(
          constitutionTooltip(summary, true),
          doc.isPlaceholder ? 'The constitution is still the unfilled template: run /speckit.constitution.' : `${doc.name?.value ?? 'Constitution'}: ${doc.principles.length} principles`,
        );
        assert.ok(summary.principles > 0 || doc.isPlaceholder, 'a filled corpus constitution has principles');
      });
    }

    it('answers the scan from a stored summary (forged: shown only if it came from the store)', async () => {
      await scan();
      forgeConstitution({ kind: 'constitution', version: '9.9.9', placeholder: true, name: 'Forged', principles: 9 });
      const { index } = await scan();
      assert.deepEqual(toScanJson(index).projects[0]!.constitution, { version: '9.9.9', placeholder: true });
    });

    it('parses it again when its size or mtime changed', async () => {
      await scan();
      forgeConstitution({ kind: 'constitution', version: '9.9.9', placeholder: true, name: 'Forged', principles: 9 });
      // Same size, newer mtime.
      writeFileSync(constitutionPath, CONSTITUTION.replace('2.1.0', '2.1.1'));
      utimesSync(constitutionPath, new Date(), new Date(Date.now() + 10_000));
      const fs = new CountingFs();
      const { index } = await scan('1.0.0', fs);
      assert.ok(fs.reads.includes(constitutionPath));
      assert.deepEqual(toScanJson(index).projects[0]!.constitution, { version: '2.1.1', placeholder: false });
      assert.deepEqual(cacheJson().entries[constitutionPath]![2], { kind: 'constitution', version: '2.1.1', placeholder: false, name: 'Acme', principles: 2 });
      // Another size: the template now.
      forgeConstitution({ kind: 'constitution', version: '9.9.9', placeholder: false, name: 'Forged', principles: 9 });
      writeFileSync(constitutionPath, TEMPLATE);
      const again = await scan();
      assert.deepEqual(toScanJson(again.index).projects[0]!.constitution, { version: null, placeholder: true });
      assert.equal(again.index.projects[0]!.constitution?.isPlaceholder, true);
    });

    for (const bad of [
      { kind: 'constitution', version: 7, placeholder: false },
      { kind: 'constitution', version: '9.9.9', placeholder: 'no' },
      { kind: 'constitution', version: '9.9.9' },
      { kind: 'constitution', version: '9.9.9', placeholder: false, name: 'X', principles: 1, extra: 1 },
      { kind: 'constitution', version: '9.9.9', placeholder: false },
      { kind: 'constitution', version: '9.9.9', placeholder: false, name: 3, principles: 1 },
      { kind: 'constitution', version: '9.9.9', placeholder: false, name: 'X', principles: -1 },
      { kind: 'constitution', version: '9.9.9', placeholder: false, name: 'X', principles: 1.5 },
      { kind: 'tasks', done: 0, total: 0 },
      'constitution',
    ]) {
      it(`ignores a corrupt stored entry (${JSON.stringify(bad)}) and parses the file`, async () => {
        await scan();
        forgeConstitution(bad);
        const fs = new CountingFs();
        const { index, store } = await scan('1.0.0', fs);
        assert.equal(store.ignored, undefined, 'only the entry is dropped');
        assert.ok(fs.reads.includes(constitutionPath), 'read and parsed on the scan');
        assert.deepEqual(toScanJson(index).projects[0]!.constitution, { version: '2.1.0', placeholder: false });
        assert.deepEqual(cacheJson().entries[constitutionPath]![2], { kind: 'constitution', version: '2.1.0', placeholder: false, name: 'Acme', principles: 2 }, 'rewritten');
      });
    }

    it('a refresh sees a changed or deleted constitution; a feature refresh leaves it unparsed', async () => {
      await scan();
      const fs = new CountingFs();
      const store = await PersistedSummaries.open(cache.root, '1.0.0');
      const index = new WorkspaceIndex(fs, { summaries: store });
      await index.addFolder(ws.root);
      ws.write({ 'specs/001-a/tasks.md': TASKS.replace('- [ ] T003', '- [x] T003') });
      await index.refresh([ws.path('specs/001-a/tasks.md')]);
      assert.deepEqual(index.features[0]!.status.tasks, { done: 2, total: 3 });
      assert.deepEqual(fs.nowReads, [], 'the feature refresh did not parse the constitution');
      assert.equal(index.projects[0]!.constitution?.version?.value, '2.1.0');

      writeFileSync(constitutionPath, TEMPLATE);
      utimesSync(constitutionPath, new Date(), new Date(Date.now() + 10_000));
      await index.refresh([constitutionPath]);
      assert.deepEqual(index.projects[0]!.constitutionSummary, { kind: 'constitution', version: '[CONSTITUTION_VERSION]', placeholder: true, name: '[PROJECT_NAME]', principles: 1 });
      assert.equal(index.projects[0]!.constitution?.isPlaceholder, true);

      rmSync(constitutionPath);
      await index.refresh([constitutionPath]);
      assert.equal(index.projects[0]!.constitutionSummary, undefined);
      assert.equal(index.projects[0]!.constitution, undefined);
      assert.equal(toScanJson(index).projects[0]!.constitution, null);
    });

    it('an unsaved editor text is parsed on the scan, and reported as what the editor holds', async () => {
      await scan();
      const store = await PersistedSummaries.open(cache.root, '1.0.0');
      const index = new WorkspaceIndex(new NodeFileSystem(), { summaries: store });
      index.setOverlay(constitutionPath, CONSTITUTION.replace('2.1.0', '3.0.0'), 1);
      await index.addFolder(ws.root);
      assert.deepEqual(toScanJson(index).projects[0]!.constitution, { version: '3.0.0', placeholder: false });
      assert.equal(index.projects[0]!.constitution?.version?.value, '3.0.0');
    });

    it('is parsed on the scan where the file system cannot read synchronously', async () => {
      await scan();
      const fs = new CountingFs({ syncReads: false });
      const { index } = await scan('1.0.0', fs);
      assert.ok(fs.reads.includes(constitutionPath));
      assert.equal(index.projects[0]!.constitution?.principles.length, 2);
      assert.deepEqual(toScanJson(index).projects[0]!.constitution, { version: '2.1.0', placeholder: false });
    });

    it('a deferred constitution that became unreadable is absent when parsed, with the problem on its path', async () => {
      await scan();
      const fs = new CountingFs({ failNow: (p) => (p === constitutionPath ? Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }) : undefined) });
      const { index } = await scan('1.0.0', fs);
      assert.deepEqual(toScanJson(index).projects[0]!.constitution, { version: '2.1.0', placeholder: false });
      assert.equal(index.projects[0]!.constitution, undefined);
      assert.match(index.problemFor(constitutionPath)?.message ?? '', /permission denied/);
    });
  });

  it('writes atomically: no temporary file left, a missing folder created', async () => {
    const nested = `${cache.root}/a/b`;
    const store = await PersistedSummaries.open(nested, '1.0.0');
    const index = new WorkspaceIndex(new NodeFileSystem(), { summaries: store });
    await index.addFolder(ws.root);
    await store.save();
    assert.deepEqual(readdirSync(nested), [SUMMARY_FILE]);
    assert.ok(existsSync(`${nested}/${SUMMARY_FILE}`));
  });

  it('stores of one process saving at once (same process, same millisecond) each write a temporary file of their own', async () => {
    const stores = await Promise.all([1, 2, 3, 4].map(() => PersistedSummaries.open(cache.root, '1.0.0')));
    stores.forEach((s, n) => s.set(`/p${n}`, n, n, { kind: 'tasks', done: n, total: n }));
    // Names from the clock alone would clash here: the second exclusive create would fail.
    await Promise.all(stores.map((s) => s.save()));
    assert.deepEqual(readdirSync(cache.root), [SUMMARY_FILE]);
    assert.equal(Object.keys(cacheJson().entries).length, 1, 'one whole file, from one of the saves');
  });
});
