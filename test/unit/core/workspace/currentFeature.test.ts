import * as assert from 'node:assert/strict';
import {
  effectiveBranchName,
  featureJsonText,
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

    it('then the git branch, matched by number prefix as legacy spec-kit did', () => {
      const r = resolveCurrentFeature({ project, features, gitBranch: '004-something-else' });
      assert.equal(r.source, 'branch');
      assert.equal(name(r), '004-fix-x');
    });

    it('matches a gitflow branch (feat/004-x) and a timestamp branch', () => {
      assert.equal(name(resolveCurrentFeature({ project, features, gitBranch: 'feat/004-fix-x' })), '004-fix-x');
      assert.equal(name(resolveCurrentFeature({ project, features, gitBranch: '20260319-143022-other' })), '20260319-143022-stamped');
    });

    it('SPECIFY_FEATURE stands in for the branch name', () => {
      const r = resolveCurrentFeature({ project, features, env: { SPECIFY_FEATURE: '003-user-auth' }, gitBranch: '004-fix-x' });
      assert.equal(r.source, 'branch');
      assert.equal(name(r), '003-user-auth');
    });

    it('none when nothing points at a feature', () => {
      const r = resolveCurrentFeature({ project, features, gitBranch: 'main' });
      assert.deepEqual(r, { source: 'none' });
      assert.deepEqual(resolveCurrentFeature({ project, features }), { source: 'none' });
    });

    it('a shared prefix is ambiguous unless the branch names one feature exactly', () => {
      const ambiguous = resolveCurrentFeature({ project, features, gitBranch: '005-c' });
      assert.equal(ambiguous.source, 'none');
      assert.match(ambiguous.problem ?? '', /several features share the prefix 005/);
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

  describe('refusing paths outside the project', () => {
    for (const hostile of ['../outside', '../../etc', 'specs/../../x', '/etc/passwd', '.', '', 'specs/\u0000x']) {
      it(`refuses SPECIFY_FEATURE_DIRECTORY=${JSON.stringify(hostile)} and falls through with a problem`, () => {
        const r = resolveCurrentFeature({ project, features, env: { SPECIFY_FEATURE_DIRECTORY: hostile }, featureJsonText: featureJsonText('specs/003-user-auth') });
        if (hostile === '') {
          // An empty variable is "not set", as in spec-kit's `-n` test.
          assert.equal(r.problem, undefined);
        } else {
          assert.ok(r.problem, 'expected a problem');
        }
        assert.equal(r.source, 'feature.json');
        assert.equal(name(r), '003-user-auth');
      });
    }

    it('refuses a feature.json pointing outside, then uses the branch', () => {
      const r = resolveCurrentFeature({ project, features, featureJsonText: featureJsonText('../elsewhere/007-z'), gitBranch: '003-user-auth' });
      assert.equal(r.source, 'branch');
      assert.match(r.problem ?? '', /outside the project/);
    });

    it('refuses an absolute path in a sibling directory that shares the root as a string prefix', () => {
      const r = resolveFeatureDirectory(project, `${tmp.root}-evil/specs/001-x`);
      assert.equal(r.dir, undefined);
      assert.match(r.problem ?? '', /outside/);
    });

    it('reports a pointer to a directory that is not a feature', () => {
      const r = resolveCurrentFeature({ project, features, featureJsonText: featureJsonText('specs/999-gone') });
      assert.equal(r.source, 'none');
      assert.match(r.problem ?? '', /not a feature directory/);
      const outsideRoot = resolveCurrentFeature({ project, features, featureJsonText: featureJsonText('outside-specs/007-z') });
      assert.equal(outsideRoot.feature, undefined);
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

    it('garbage feature.json is reported and resolution goes on', () => {
      const r = resolveCurrentFeature({ project, features, featureJsonText: 'not json', gitBranch: '003-user-auth' });
      assert.equal(r.source, 'branch');
      assert.match(r.problem ?? '', /feature\.json/);
    });
  });

  it('effectiveBranchName strips exactly one leading segment', () => {
    assert.equal(effectiveBranchName('feat/004-x'), '004-x');
    assert.equal(effectiveBranchName('004-x'), '004-x');
    assert.equal(effectiveBranchName('a/b/004-x'), 'a/b/004-x');
  });
});
