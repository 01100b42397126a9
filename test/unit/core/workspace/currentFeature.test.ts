import * as assert from 'node:assert/strict';
import {
  effectiveBranchName,
  featureJsonText,
  loadCurrentFeature,
  parseFeatureJson,
  resolveCurrentFeature,
  resolveFeatureDirectory,
} from '../../../../src/core/workspace/currentFeature';
import { type Feature, listFeatures } from '../../../../src/core/workspace/features';
import { NodeFileSystem } from '../../../../src/core/workspace/nodeFileSystem';
import { loadProject, type Project } from '../../../../src/core/workspace/projects';
import { makeTempDir, type TempDir } from './helpers';

const host = new NodeFileSystem();

describe('workspace/currentFeature', () => {
  let tmp: TempDir;
  let project: Project;
  let features: Feature[];

  beforeEach(async () => {
    tmp = makeTempDir();
    tmp.write({
      '.specify/': '',
      'specs/003-user-auth/spec.md': '',
      'specs/004-fix-x/spec.md': '',
      'specs/005-a/spec.md': '',
      'specs/005-b/spec.md': '',
      'specs/20260319-143022-stamped/spec.md': '',
      'specs/.archive/006-old/spec.md': '',
      'outside-specs/007-z/spec.md': '',
    });
    const p = await loadProject(host, tmp.root);
    assert.ok(p);
    project = p;
    features = await listFeatures(host, project);
  });
  afterEach(() => tmp.dispose());

  const name = (r: { feature?: Feature }): string | undefined => r.feature?.name;

  describe('resolution order', () => {
    it('SPECIFY_FEATURE_DIRECTORY wins, relative to the root', () => {
      const r = resolveCurrentFeature({
        project, features,
        env: { SPECIFY_FEATURE_DIRECTORY: 'specs/004-fix-x' },
        featureJsonText: featureJsonText('specs/003-user-auth'),
        gitBranch: '005-a',
      });
      assert.equal(r.source, 'env');
      assert.equal(name(r), '004-fix-x');
      assert.equal(r.dir, tmp.path('specs/004-fix-x'));
      assert.equal(r.problem, undefined);
    });

    it('SPECIFY_FEATURE_DIRECTORY may be absolute inside the project (trailing slash tolerated)', () => {
      const r = resolveCurrentFeature({ project, features, env: { SPECIFY_FEATURE_DIRECTORY: `${tmp.path('specs/004-fix-x')}/` } });
      assert.equal(r.source, 'env');
      assert.equal(name(r), '004-fix-x');
    });

    it('then .specify/feature.json', () => {
      const r = resolveCurrentFeature({ project, features, env: {}, featureJsonText: featureJsonText('specs/003-user-auth'), gitBranch: '004-fix-x' });
      assert.equal(r.source, 'feature.json');
      assert.equal(name(r), '003-user-auth');
    });

    it('no pointer: spec-kit stops; the git branch picks the feature, labelled, and the reason stays', () => {
      const r = resolveCurrentFeature({ project, features, gitBranch: '004-something-else' });
      assert.equal(r.source, 'branch');
      assert.equal(r.label, 'from the git branch');
      assert.equal(name(r), '004-fix-x');
      assert.equal(r.problem?.code, 'no-pointer');
      assert.equal(r.problem?.fix, 'switchFeature');
      assert.equal(r.problem?.speckit, 'ERROR: Feature directory not found. Set SPECIFY_FEATURE_DIRECTORY or run the specify command to create .specify/feature.json.');
    });

    it('matches gitflow, namespaced (jdoe/app/007-x) and timestamp branches by their last segment', () => {
      assert.equal(name(resolveCurrentFeature({ project, features, gitBranch: 'feat/004-fix-x' })), '004-fix-x');
      assert.equal(name(resolveCurrentFeature({ project, features, gitBranch: 'jdoe/app/004-fix-x' })), '004-fix-x');
      assert.equal(name(resolveCurrentFeature({ project, features, gitBranch: 'interop-tester/numproj/003-other' })), '003-user-auth');
      assert.equal(name(resolveCurrentFeature({ project, features, gitBranch: '20260319-143022-other' })), '20260319-143022-stamped');
    });

    it('SPECIFY_FEATURE stands in for the branch name', () => {
      const r = resolveCurrentFeature({ project, features, env: { SPECIFY_FEATURE: '003-user-auth' }, gitBranch: '004-fix-x' });
      assert.equal(r.source, 'branch');
      assert.equal(r.label, 'from SPECIFY_FEATURE');
      assert.equal(name(r), '003-user-auth');
    });

    it('none when nothing points at a feature, with spec-kit\'s reason', () => {
      const r = resolveCurrentFeature({ project, features, gitBranch: 'main' });
      assert.equal(r.source, 'none');
      assert.equal(r.problem?.code, 'no-pointer');
    });

    it('a fresh project with no feature has no problem', () => {
      assert.deepEqual(resolveCurrentFeature({ project, features: [] }), { source: 'none' });
    });

    it('a shared prefix is ambiguous unless the branch names one feature exactly', () => {
      const ambiguous = resolveCurrentFeature({ project, features, gitBranch: '005-c' });
      assert.equal(ambiguous.source, 'none');
      assert.match(ambiguous.problem?.message ?? '', /several features with the prefix 005/);
      const exact = resolveCurrentFeature({ project, features, gitBranch: '005-b' });
      assert.equal(name(exact), '005-b');
    });

    it('prefixes compare as text: 0004 is not 004', () => {
      assert.equal(resolveCurrentFeature({ project, features, gitBranch: '0004-fix-x' }).feature, undefined);
    });

    it('an archived feature is not found by branch', () => {
      assert.equal(resolveCurrentFeature({ project, features, gitBranch: '006-old' }).feature, undefined);
    });
  });

  describe('a pointer spec-kit cannot follow is a problem, never another feature', () => {
    for (const hostile of ['../outside', '../../etc', 'specs/../../x', '/etc/passwd', '.', 'specs/\u0000x']) {
      it(`refuses SPECIFY_FEATURE_DIRECTORY=${JSON.stringify(hostile)} and shows no feature`, () => {
        const r = resolveCurrentFeature({ project, features, env: { SPECIFY_FEATURE_DIRECTORY: hostile }, featureJsonText: featureJsonText('specs/003-user-auth'), gitBranch: '004-fix-x' });
        assert.equal(r.feature, undefined);
        assert.equal(r.problem?.code, 'outside-project');
      });
    }

    it('an empty SPECIFY_FEATURE_DIRECTORY is "not set", as in spec-kit\'s -n test', () => {
      const r = resolveCurrentFeature({ project, features, env: { SPECIFY_FEATURE_DIRECTORY: '' }, featureJsonText: featureJsonText('specs/003-user-auth') });
      assert.equal(r.source, 'feature.json');
      assert.equal(r.label, 'from .specify/feature.json');
    });

    it('SPECIFY_FEATURE_DIRECTORY naming a missing folder: spec-kit\'s error, no fallback to the branch', () => {
      const r = resolveCurrentFeature({ project, features, env: { SPECIFY_FEATURE_DIRECTORY: 'specs/009-nope' }, gitBranch: '004-fix-x' });
      assert.equal(r.feature, undefined);
      assert.equal(r.problem?.code, 'missing-folder');
      assert.equal(r.problem?.speckit, `ERROR: Feature directory not found: ${tmp.path('specs/009-nope')}`);
    });

    it('feature.json naming a folder absent on this branch: the reason, not another feature', () => {
      const r = resolveCurrentFeature({ project, features, featureJsonText: featureJsonText('specs/999-gone'), gitBranch: '003-user-auth' });
      assert.equal(r.source, 'none');
      assert.equal(r.feature, undefined);
      assert.equal(r.problem?.code, 'missing-folder');
      assert.match(r.problem?.message ?? '', /specs\/999-gone, which does not exist/);
    });

    it('feature.json pointing outside the project is refused', () => {
      const r = resolveCurrentFeature({ project, features, featureJsonText: featureJsonText('../elsewhere/007-z'), gitBranch: '003-user-auth' });
      assert.equal(r.feature, undefined);
      assert.match(r.problem?.message ?? '', /outside the project/);
    });

    it('refuses an absolute path in a sibling directory that shares the root as a string prefix', () => {
      const r = resolveFeatureDirectory(project, `${tmp.root}-evil/specs/001-x`);
      assert.equal(r.dir, undefined);
      assert.match(r.problem ?? '', /outside/);
    });

    it('feature.json pointing outside specs/ is honoured (loaded from disk)', async () => {
      const r = await loadCurrentFeature(host, { project, features, featureJsonText: featureJsonText('outside-specs/007-z') });
      assert.equal(r.source, 'feature.json');
      assert.equal(name(r), '007-z');
      assert.equal(r.extra?.relDir, 'outside-specs/007-z');
      assert.equal(r.problem, undefined);
    });

    it('feature.json without feature_directory: spec-kit\'s error', () => {
      const r = resolveCurrentFeature({ project, features, featureJsonText: '{"other":1}', gitBranch: '003-user-auth' });
      assert.equal(r.feature, undefined);
      assert.equal(r.problem?.code, 'empty-pointer');
      assert.equal(r.problem?.speckit, 'ERROR: Feature directory not found. Set SPECIFY_FEATURE_DIRECTORY or ensure .specify/feature.json contains feature_directory.');
    });
  });

  describe('feature.json', () => {
    it('writes exactly what spec-kit writes: compact JSON, UTF-8, trailing newline', () => {
      assert.equal(featureJsonText('specs/003-user-auth'), '{"feature_directory":"specs/003-user-auth"}\n');
      assert.equal(featureJsonText('specs/004-日本'), '{"feature_directory":"specs/004-日本"}\n');
      assert.equal(featureJsonText('specs/a"b\\c'), '{"feature_directory":"specs/a\\"b\\\\c"}\n');
    });

    it('reads compact, pretty and BOM-prefixed files', () => {
      assert.equal(parseFeatureJson('{"feature_directory":"specs/003-user-auth"}\n'), 'specs/003-user-auth');
      assert.equal(parseFeatureJson('{\n  "feature_directory": "specs/003-user-auth"\n}\n'), 'specs/003-user-auth');
      assert.equal(parseFeatureJson('\uFEFF{"feature_directory":"specs/x"}'), 'specs/x');
      assert.equal(parseFeatureJson(featureJsonText('specs/a"b')), 'specs/a"b');
    });

    it('tolerates garbage', () => {
      for (const bad of ['', 'null', '[]', '42', '{"feature_directory":42}', '{"feature_directory":""}', '{"other":"x"}', '\u0000\u0001binary']) {
        assert.equal(parseFeatureJson(bad), undefined, JSON.stringify(bad));
      }
      // A broken file whose pair is still readable, as spec-kit's grep/sed fallback reads it.
      assert.equal(parseFeatureJson('{"feature_directory": "specs/003-user-auth",,}'), 'specs/003-user-auth');
    });

    it('garbage feature.json is reported', () => {
      const r = resolveCurrentFeature({ project, features, featureJsonText: 'not json', gitBranch: '003-user-auth' });
      assert.equal(r.feature, undefined);
      assert.match(r.problem?.message ?? '', /feature\.json/);
    });
  });

  it('effectiveBranchName strips exactly one leading segment', () => {
    assert.equal(effectiveBranchName('feat/004-x'), '004-x');
    assert.equal(effectiveBranchName('004-x'), '004-x');
    assert.equal(effectiveBranchName('a/b/004-x'), 'a/b/004-x');
  });
});
