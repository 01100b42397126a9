import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { availableDocs, listFeatures, parseFeatureName } from '../../../../src/core/workspace/features';
import { type FileSystemHost } from '../../../../src/core/workspace/fileSystem';
import { NodeFileSystem } from '../../../../src/core/workspace/nodeFileSystem';
import { loadProject, type Project } from '../../../../src/core/workspace/projects';
import { makeTempDir, type TempDir } from './helpers';

const host = new NodeFileSystem();

describe('workspace/features', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = makeTempDir();
  });
  afterEach(() => tmp.dispose());

  async function project(): Promise<Project> {
    const p = await loadProject(host, tmp.root);
    assert.ok(p, 'expected a project');
    return p;
  }

  describe('parseFeatureName', () => {
    it('reads sequential, timestamp and unnumbered names', () => {
      assert.deepEqual(parseFeatureName('004-user-auth'), { number: 4, prefix: '004', slug: 'user-auth', numbering: 'sequential' });
      assert.deepEqual(parseFeatureName('1000-big'), { number: 1000, prefix: '1000', slug: 'big', numbering: 'sequential' });
      assert.deepEqual(parseFeatureName('20260319-143022-user-auth'), { prefix: '20260319-143022', slug: 'user-auth', numbering: 'timestamp' });
      assert.deepEqual(parseFeatureName('42-short'), { prefix: '', slug: '42-short', numbering: 'none' });
      assert.deepEqual(parseFeatureName('user-auth'), { prefix: '', slug: 'user-auth', numbering: 'none' });
    });
  });

  it('lists a spec-kit 1.0 feature with every artifact and its mtime and size', async () => {
    tmp.write({
      '.specify/memory/constitution.md': '',
      'specs/001-event-discovery-rsvp/spec.md': '# S',
      'specs/001-event-discovery-rsvp/plan.md': '',
      'specs/001-event-discovery-rsvp/tasks.md': '',
      'specs/001-event-discovery-rsvp/research.md': '',
      'specs/001-event-discovery-rsvp/data-model.md': '',
      'specs/001-event-discovery-rsvp/quickstart.md': '',
      'specs/001-event-discovery-rsvp/contracts/openapi.yaml': '',
      'specs/001-event-discovery-rsvp/contracts/events/rsvp.json': '',
      'specs/001-event-discovery-rsvp/checklists/ux.md': '',
      'specs/001-event-discovery-rsvp/checklists/requirements.md': '',
      'specs/001-event-discovery-rsvp/checklists/notes.txt': '',
    });
    const spec = tmp.path('specs/001-event-discovery-rsvp/spec.md');
    fs.utimesSync(spec, new Date(1_000_000_000_000), new Date(1_700_000_000_000));
    const [f, ...rest] = await listFeatures(host, await project());
    assert.equal(rest.length, 0);
    assert.ok(f);
    assert.equal(f.dir, tmp.path('specs/001-event-discovery-rsvp'));
    assert.equal(f.relDir, 'specs/001-event-discovery-rsvp');
    assert.equal(f.name, '001-event-discovery-rsvp');
    assert.equal(f.number, 1);
    assert.equal(f.prefix, '001');
    assert.equal(f.slug, 'event-discovery-rsvp');
    assert.equal(f.numbering, 'sequential');
    assert.equal(f.archived, false);
    assert.equal(f.duplicateNumber, false);
    assert.deepEqual(f.files.spec, { path: spec, mtime: 1_700_000_000_000, size: 3 });
    assert.equal(f.files.plan?.path, tmp.path('specs/001-event-discovery-rsvp/plan.md'));
    assert.equal(f.files.dataModel?.path, tmp.path('specs/001-event-discovery-rsvp/data-model.md'));
    assert.deepEqual(f.files.contracts?.map((c) => c.path.slice(f.dir.length + 1)), ['contracts/events/rsvp.json', 'contracts/openapi.yaml']);
    assert.deepEqual(f.files.checklists.map((c) => c.path.slice(f.dir.length + 1)), ['checklists/requirements.md', 'checklists/ux.md']);
    assert.deepEqual(availableDocs(f), ['research.md', 'data-model.md', 'contracts/', 'quickstart.md']);
    assert.deepEqual(availableDocs(f, true), ['research.md', 'data-model.md', 'contracts/', 'quickstart.md', 'tasks.md']);
  });

  it('AVAILABLE_DOCS leaves out an empty contracts/ and missing files', async () => {
    tmp.write({ '.specify/': '', 'specs/002-a/spec.md': '', 'specs/002-a/contracts/': '', 'specs/002-a/research.md': '' });
    const [f] = await listFeatures(host, await project());
    assert.ok(f);
    assert.deepEqual(f.files.contracts, []);
    assert.equal(f.files.plan, undefined);
    assert.deepEqual(availableDocs(f, true), ['research.md']);
  });

  it('sorts by number (past 999 too), then timestamps and unnumbered by name', async () => {
    tmp.write({
      '.specify/': '',
      'specs/1000-big/': '',
      'specs/010-ten/': '',
      'specs/002-two/spec.md': '',
      'specs/20260319-143022-stamped/spec.md': '',
      'specs/20250101-000000-older/spec.md': '',
      'specs/auth-rework/plan.md': '',
    });
    const features = await listFeatures(host, await project());
    assert.deepEqual(features.map((f) => f.name), ['002-two', '010-ten', '1000-big', '20250101-000000-older', '20260319-143022-stamped', 'auth-rework']);
    assert.deepEqual(features.map((f) => f.numbering), ['sequential', 'sequential', 'sequential', 'timestamp', 'timestamp', 'none']);
    assert.equal(features[2]!.number, 1000);
    assert.equal(features[3]!.number, undefined);
    assert.equal(features[3]!.prefix, '20250101-000000');
  });

  it('counts an empty numbered directory but not an unnumbered one without artifacts', async () => {
    tmp.write({ '.specify/': '', 'specs/003-wsl-support/quickstart.md': '', 'specs/004-empty/': '', 'specs/notes/readme.md': '', 'specs/README.md': '' });
    const names = (await listFeatures(host, await project())).map((f) => f.name);
    assert.deepEqual(names, ['003-wsl-support', '004-empty']);
  });

  it('flags both features of a duplicate number (and only those)', async () => {
    tmp.write({ '.specify/': '', 'specs/007-mock-auth/tasks.md': '', 'specs/007-simple-ui-pages/spec.md': '', 'specs/008-x/': '' });
    const features = await listFeatures(host, await project());
    assert.deepEqual(features.map((f) => [f.name, f.duplicateNumber]), [
      ['007-mock-auth', true],
      ['007-simple-ui-pages', true],
      ['008-x', false],
    ]);
  });

  it('flags the same number across specs/ and .specify/specs/', async () => {
    tmp.write({ '.specify/specs/002-a/spec.md': '', 'specs/002-b/spec.md': '' });
    const features = await listFeatures(host, await project());
    assert.deepEqual(features.map((f) => [f.relDir, f.duplicateNumber]), [
      ['.specify/specs/002-a', true],
      ['specs/002-b', true],
    ]);
  });

  it('reads the seed layout under .specify/specs/', async () => {
    tmp.write({ '.specify/specs/002-postgresql-database/spec.md': '', '.specify/specs/003-neovim-config/spec.md': '' });
    const features = await listFeatures(host, await project());
    assert.deepEqual(features.map((f) => f.relDir), ['.specify/specs/002-postgresql-database', '.specify/specs/003-neovim-config']);
  });

  it('returns dot-directories as archives, not active features, and never as duplicates', async () => {
    tmp.write({
      '.specify/': '',
      'specs/001-live/spec.md': '',
      'specs/.archive/001-old/spec.md': '',
      'specs/.archive/misc/': '',
      'specs/.002-retired/spec.md': '',
      'specs/.DS_Store': '',
    });
    const features = await listFeatures(host, await project());
    assert.deepEqual(features.map((f) => [f.relDir, f.archived, f.duplicateNumber]), [
      ['specs/001-live', false, false],
      ['specs/.archive/001-old', true, false],
      ['specs/.002-retired', true, false],
    ]);
    assert.equal(features.find((f) => f.name === '.002-retired')?.number, 2);
  });

  it('handles hostile names: spaces, unicode, dots', async () => {
    tmp.write({
      '.specify/': '',
      'specs/005-with space/spec.md': '',
      'specs/006-日本語/spec.md': '',
      'specs/..hidden-dots/spec.md': '',
      'specs/weird..name/spec.md': '',
    });
    const features = await listFeatures(host, await project());
    const byName = new Map(features.map((f) => [f.name, f]));
    assert.equal(byName.get('005-with space')?.slug, 'with space');
    assert.equal(byName.get('006-日本語')?.number, 6);
    assert.equal(byName.get('..hidden-dots')?.archived, true);
    assert.equal(byName.get('weird..name')?.numbering, 'none');
    for (const f of features) assert.ok(!f.relDir.startsWith('..'), f.relDir);
  });

  it('follows a symlinked feature directory, and a loop inside a feature does not hang', async () => {
    tmp.write({ '.specify/': '', 'elsewhere/009-linked/spec.md': '', 'specs/010-loop/contracts/a.json': '' });
    fs.symlinkSync(tmp.path('elsewhere/009-linked'), tmp.path('specs/009-linked'));
    fs.symlinkSync(tmp.path('specs/010-loop'), tmp.path('specs/010-loop/contracts/again'));
    const features = await listFeatures(host, await project());
    assert.deepEqual(features.map((f) => f.name), ['009-linked', '010-loop']);
    assert.equal(features[0]!.files.spec?.path, tmp.path('specs/009-linked/spec.md'));
  });

  it('a project without feature roots has no features', async () => {
    tmp.write({ '.specify/': '' });
    assert.deepEqual(await listFeatures(host, await project()), []);
  });

  it('walks the same synchronously (the local disk) as awaited (a file system without …Now calls)', async () => {
    tmp.write({
      '.specify/memory/constitution.md': '',
      'specs/001-a/spec.md': '# S',
      'specs/001-a/tasks.md': '- [ ] T001 x',
      'specs/001-a/contracts/api.yaml': '',
      'specs/001-a/contracts/deep/er/still/x.json': '',
      'specs/001-a/checklists/ux.md': '',
      'specs/001-a/checklists/notes.txt': '',
      'specs/001-dup/plan.md': '',
      'specs/20260319-143022-ts/research.md': '',
      'specs/loose/quickstart.md': '',
      'specs/empty-unnumbered/readme.txt': '',
      'specs/.archive/003-old/spec.md': '',
      'specs/.004-gone/plan.md': '',
      'elsewhere/009-linked/spec.md': '',
      'elsewhere/contracts/c.yaml': '',
    });
    fs.symlinkSync(tmp.path('elsewhere/009-linked'), tmp.path('specs/009-linked'));
    fs.symlinkSync(tmp.path('elsewhere/contracts'), tmp.path('specs/009-linked/contracts'));
    fs.symlinkSync(tmp.path('nowhere'), tmp.path('specs/001-dup/tasks.md'));
    fs.mkdirSync(tmp.path('specs/001-dup/spec.md'));
    const calls = { now: 0, awaited: 0 };
    const disk = new NodeFileSystem();
    const counted = new NodeFileSystem();
    const syncFs: FileSystemHost = {
      readFile: (p, o) => disk.readFile(p, o),
      readDirectory: (p) => (calls.awaited++, disk.readDirectory(p)),
      stat: (p) => (calls.awaited++, disk.stat(p)),
      canReadNow: () => true,
      readFileNow: (p, o) => disk.readFileNow(p, o),
      readDirectoryNow: (p) => (calls.now++, counted.readDirectoryNow(p)),
      statNow: (p) => (calls.now++, counted.statNow(p)),
    };
    const asyncFs: FileSystemHost = { readFile: (p, o) => disk.readFile(p, o), readDirectory: (p) => disk.readDirectory(p), stat: (p) => disk.stat(p) };
    const p = await project();
    const now = await listFeatures(syncFs, p);
    assert.ok(calls.now > 0 && calls.awaited === 0, `synchronous walk: ${JSON.stringify(calls)}`);
    const awaited = await listFeatures(asyncFs, p);
    assert.deepEqual(now, awaited);
    assert.deepEqual(
      now.map((f) => [f.relDir, f.archived, f.duplicateNumber]),
      [
        ['specs/001-a', false, true],
        ['specs/001-dup', false, true],
        ['specs/.archive/003-old', true, false],
        ['specs/.004-gone', true, false],
        ['specs/009-linked', false, false],
        ['specs/20260319-143022-ts', false, false],
        ['specs/loose', false, false],
      ],
    );
    const a = now[0]!.files;
    assert.deepEqual(a.contracts?.map((c) => c.path.slice(tmp.root.length)), ['/specs/001-a/contracts/api.yaml'], 'three levels of contracts/ at most');
    assert.deepEqual(a.checklists.map((c) => c.path.slice(tmp.root.length)), ['/specs/001-a/checklists/ux.md']);
    assert.deepEqual(now[4]!.files.contracts?.map((c) => c.path.slice(tmp.root.length)), ['/specs/009-linked/contracts/c.yaml']);
    assert.deepEqual(now[1]!.problems?.map((x) => [x.path.slice(tmp.root.length), x.code]), [['/specs/001-dup/tasks.md', 'not-a-regular-file']]);
    assert.equal(now[1]!.files.spec, undefined, 'a folder named spec.md is no spec');
  });
});
