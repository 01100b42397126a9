import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { NodeFileSystem } from '../../../../src/core/workspace/nodeFileSystem';
import { findProjects, isInside, loadProject, parseInitOptions, projectForPath } from '../../../../src/core/workspace/projects';
import { makeTempDir, type TempDir } from './helpers';

const host = new NodeFileSystem();

describe('workspace/projects', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = makeTempDir();
  });
  afterEach(() => tmp.dispose());

  it('finds a spec-kit 1.0 project with its constitution, feature root and init options', async () => {
    tmp.write({
      '.specify/memory/constitution.md': '# C',
      '.specify/templates/spec-template.md': '# T',
      '.specify/init-options.json': '{"ai":"copilot","script":"sh","feature_numbering":"timestamp","here":true,"speckit_version":"1.0.0"}',
      'specs/001-x/spec.md': '# S',
    });
    const projects = await findProjects(host, tmp.root);
    assert.equal(projects.length, 1);
    const p = projects[0]!;
    assert.equal(p.root, tmp.root);
    assert.equal(p.layout, 'specify');
    assert.equal(p.specifyDir, tmp.path('.specify'));
    assert.equal(p.constitutionPath, tmp.path('.specify/memory/constitution.md'));
    assert.deepEqual(p.featureRoots, [tmp.path('specs')]);
    assert.equal(p.newFeatureRoot, tmp.path('specs'));
    assert.equal(p.initOptions.feature_numbering, 'timestamp');
    assert.equal(p.initOptions.ai, 'copilot');
    assert.equal(p.initOptions.here, true);
  });

  it('a fresh `specify init` (no specs/ yet) is a project whose features will go to specs/', async () => {
    tmp.write({ '.specify/templates/': '' });
    const [p] = await findProjects(host, tmp.root);
    assert.ok(p);
    assert.deepEqual(p.featureRoots, []);
    assert.equal(p.newFeatureRoot, tmp.path('specs'));
    assert.equal(p.constitutionPath, undefined);
    assert.deepEqual(p.initOptions, {});
  });

  it('finds the legacy layout (root memory/constitution.md + specs/, no .specify/)', async () => {
    tmp.write({ 'memory/constitution.md': '# C', 'specs/001-csl-json-data-model/tasks.md': '', 'templates/': '' });
    const [p, ...rest] = await findProjects(host, tmp.root);
    assert.equal(rest.length, 0);
    assert.ok(p);
    assert.equal(p.layout, 'legacy');
    assert.equal(p.specifyDir, undefined);
    assert.equal(p.constitutionPath, tmp.path('memory/constitution.md'));
    assert.deepEqual(p.featureRoots, [tmp.path('specs')]);
  });

  it('finds the legacy layout from templates/ with spec-kit templates, or numbered features', async () => {
    tmp.write({
      'a/templates/spec-template.md': '', 'a/specs/': '',
      'b/templates/readme.txt': '', 'b/specs/002-thing/': '',
    });
    const projects = await findProjects(host, tmp.root);
    assert.deepEqual(projects.map((p) => [p.root, p.layout]), [[tmp.path('a'), 'legacy'], [tmp.path('b'), 'legacy']]);
  });

  it('does not take look-alikes for projects', async () => {
    tmp.write({
      'helm/templates/deploy.yaml': '', 'helm/specs/notes/': '', // templates + specs, nothing spec-kit
      'lonely/specs/001-x/spec.md': '', // specs/ alone
      'memoryonly/memory/constitution.md': '', // constitution but no specs/
      'file/.specify': 'not a directory',
    });
    assert.deepEqual(await findProjects(host, tmp.root), []);
  });

  it('finds nested projects in a monorepo and keeps scanning below a project root', async () => {
    tmp.write({
      '.specify/memory/constitution.md': '',
      'specs/001-root-feature/spec.md': '',
      'packages/api/.specify/memory/constitution.md': '',
      'packages/api/specs/001-api-feature/spec.md': '',
      'packages/web/memory/constitution.md': '',
      'packages/web/specs/001-web-feature/spec.md': '',
    });
    const projects = await findProjects(host, tmp.root);
    assert.deepEqual(projects.map((p) => [p.root, p.layout]), [
      [tmp.root, 'specify'],
      [tmp.path('packages/api'), 'specify'],
      [tmp.path('packages/web'), 'legacy'],
    ]);
    assert.equal(projectForPath(projects, tmp.path('packages/api/specs/001-api-feature/spec.md'))?.root, tmp.path('packages/api'));
    assert.equal(projectForPath(projects, tmp.path('specs/001-root-feature'))?.root, tmp.root);
    assert.equal(projectForPath(projects, tmp.path('packages/apiary/x'))?.root, tmp.root);
    assert.equal(projectForPath(projects, '/elsewhere'), undefined);
  });

  it('uses .specify/specs/ when the project keeps its features there (the seed layout)', async () => {
    tmp.write({ '.specify/specs/002-postgresql-database/spec.md': '', '.specify/memory/constitution.md': '' });
    const [p] = await findProjects(host, tmp.root);
    assert.ok(p);
    assert.deepEqual(p.featureRoots, [tmp.path('.specify/specs')]);
    assert.equal(p.newFeatureRoot, tmp.path('.specify/specs'));
  });

  it('prefers specs/ when both roots exist and specs/ has features', async () => {
    tmp.write({ '.specify/specs/': '', 'specs/001-a/spec.md': '' });
    const [p] = await findProjects(host, tmp.root);
    assert.ok(p);
    assert.deepEqual(p.featureRoots, [tmp.path('specs'), tmp.path('.specify/specs')]);
    assert.equal(p.newFeatureRoot, tmp.path('specs'));
  });

  it('returns nothing for an empty or missing folder', async () => {
    assert.deepEqual(await findProjects(host, tmp.root), []);
    assert.deepEqual(await findProjects(host, tmp.path('does-not-exist')), []);
  });

  it('skips dependency, build and tool directories', async () => {
    for (const d of ['node_modules/pkg', '.git/x', 'dist', 'out', 'build', 'target', 'result', '.direnv', '.venv', 'vendor/mod']) {
      tmp.write({ [`${d}/.specify/memory/constitution.md`]: '' });
    }
    tmp.write({ 'real/.specify/': '' });
    assert.deepEqual((await findProjects(host, tmp.root)).map((p) => p.root), [tmp.path('real')]);
    assert.deepEqual(
      (await findProjects(host, tmp.root, { skip: ['real'] })).map((p) => p.root),
      [],
    );
  });

  it('survives a symlink loop and does not follow links into other trees', async () => {
    tmp.write({ 'repo/.specify/': '', 'repo/sub/': '', 'outside/.specify/': '' });
    fs.symlinkSync(tmp.path('repo'), tmp.path('repo/sub/loop'));
    fs.symlinkSync('..', tmp.path('repo/sub/up'));
    fs.symlinkSync(tmp.path('outside'), tmp.path('repo/link-to-outside'));
    const projects = await findProjects(host, tmp.path('repo'), { maxDepth: 20 });
    assert.deepEqual(projects.map((p) => p.root), [tmp.path('repo')]);
  });

  it('honours a symlinked .specify', async () => {
    tmp.write({ 'real-specify/templates/': '', 'proj/specs/001-a/': '' });
    fs.symlinkSync(tmp.path('real-specify'), tmp.path('proj/.specify'));
    const projects = await findProjects(host, tmp.root);
    assert.deepEqual(projects.map((p) => [p.root, p.layout]), [[tmp.path('proj'), 'specify']]);
  });

  it('bounds depth', async () => {
    tmp.write({ 'a/b/c/d/e/f/g/.specify/': '', 'a/b/c/d/e/f/.specify/': '' });
    assert.deepEqual((await findProjects(host, tmp.root)).map((p) => p.root), [tmp.path('a/b/c/d/e/f')]);
    assert.equal((await findProjects(host, tmp.root, { maxDepth: 7 })).length, 2);
    assert.equal((await findProjects(host, tmp.root, { maxDepth: 0 })).length, 0);
  });

  it('bounds the number of entries read and says so', async () => {
    for (let i = 0; i < 60; i++) tmp.write({ [`d${i}/x/`]: '' });
    tmp.write({ 'zz/deep/.specify/': '' });
    let truncatedAt: number | undefined;
    const projects = await findProjects(host, tmp.root, { maxEntries: 50, onTruncated: (n) => (truncatedAt = n) });
    assert.ok(truncatedAt !== undefined && truncatedAt > 50);
    assert.deepEqual(projects, []);
    assert.equal((await findProjects(host, tmp.root)).length, 1);
  });

  it('handles hostile directory names (spaces, unicode, dots)', async () => {
    tmp.write({ 'my project/.specify/': '', 'プロジェクト/.specify/': '', 'a..b/.specify/': '' });
    const roots = (await findProjects(host, tmp.root)).map((p) => p.root);
    assert.deepEqual(roots, [tmp.path('a..b'), tmp.path('my project'), tmp.path('プロジェクト')]);
  });

  it('loadProject reads one directory', async () => {
    tmp.write({ '.specify/memory/constitution.md': '' });
    assert.equal((await loadProject(host, tmp.root + '/'))?.root, tmp.root);
    assert.equal(await loadProject(host, tmp.path('nope')), undefined);
  });

  describe('parseInitOptions', () => {
    it('tolerates garbage', () => {
      for (const bad of ['', 'null', '[]', '"x"', '{', '42', '\u0000\u0001']) assert.deepEqual(parseInitOptions(bad), {}, bad);
      assert.deepEqual(parseInitOptions(undefined), {});
    });
    it('drops mistyped known keys, keeps unknown ones, ignores __proto__', () => {
      const o = parseInitOptions('\uFEFF{"ai":1,"here":"yes","script":"ps","extra":[1],"__proto__":{"polluted":true}}');
      assert.equal(o.ai, undefined);
      assert.equal(o.here, undefined);
      assert.equal(o.script, 'ps');
      assert.deepEqual(o.extra, [1]);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(o.polluted, undefined);
    });
  });

  it('isInside is lexical and strict', () => {
    assert.equal(isInside('/a/b', '/a/b/c'), true);
    assert.equal(isInside('/a/b', '/a/b'), false);
    assert.equal(isInside('/a/b', '/a/b', true), true);
    assert.equal(isInside('/a/b', '/a/bc'), false);
    assert.equal(isInside('/a/b', '/a/b/../c'), false);
  });
});
