import * as assert from 'node:assert/strict';
import { listBranchNames } from '../../../../src/core/workspace/git';
import {
  branchLeaf,
  featureDirName,
  featureNumberingMode,
  highestBranchNumber,
  highestDirectoryNumber,
  nextFeaturePrefix,
  timestampPrefix,
  usesDeprecatedNumberingKey,
} from '../../../../src/core/workspace/numbering';
import { parseInitOptions } from '../../../../src/core/workspace/projects';
import { git, initRepo, makeTempDir, type TempDir } from './helpers';

describe('workspace/numbering', () => {
  describe('nextFeaturePrefix, sequential', () => {
    it('starts at 001 in an empty project', () => {
      assert.equal(nextFeaturePrefix({ existingNames: [] }), '001');
    });

    it('takes the highest number + 1, not the count, and not per short name', () => {
      assert.equal(nextFeaturePrefix({ existingNames: ['001-a', '007-b', '003-c'] }), '008');
      assert.equal(nextFeaturePrefix({ existingNames: ['002-align-dependency-versions'] }), '003');
    });

    it('reads numbers as decimal (010 is ten, not octal eight)', () => {
      assert.equal(nextFeaturePrefix({ existingNames: ['010-x'] }), '011');
    });

    it('grows past 999 without truncation', () => {
      assert.equal(nextFeaturePrefix({ existingNames: ['998-a', '999-b'] }), '1000');
      assert.equal(nextFeaturePrefix({ existingNames: ['1000-a', '0999-b'] }), '1001');
    });

    it('ignores timestamp-shaped names and names without a 3-digit prefix', () => {
      assert.equal(
        nextFeaturePrefix({ existingNames: ['20260319-143022-user-auth', '02-short', 'notes', '12-x', '004-real', '005'] }),
        '005',
      );
    });

    it('ignores numbers beyond int64, as spec-kit does', () => {
      assert.equal(nextFeaturePrefix({ existingNames: ['99999999999999999999-x', '004-y'] }), '005');
    });

    it('counts branch numbers, including feature/004-x and remotes/origin/… forms', () => {
      assert.equal(nextFeaturePrefix({ existingNames: ['002-a'], branchNames: ['main', 'feature/009-remote-only'] }), '010');
      assert.equal(nextFeaturePrefix({ existingNames: [], branchNames: ['remotes/origin/012-x'] }), '013');
      assert.equal(nextFeaturePrefix({ existingNames: ['020-a'], branchNames: ['005-old'] }), '021');
    });

    it('ignores timestamp and malformed-timestamp branches', () => {
      const branchNames = ['20260319-143022-feat', '2026031-143022-feat', '20260319-143022', '2026031-143022'];
      assert.equal(nextFeaturePrefix({ existingNames: ['001-a'], branchNames }), '002');
    });
  });

  describe('nextFeaturePrefix, timestamp', () => {
    it('formats local time as YYYYMMDD-HHMMSS', () => {
      const now = new Date(2026, 2, 9, 4, 5, 6);
      assert.equal(nextFeaturePrefix({ existingNames: ['999-x'], mode: 'timestamp', now }), '20260309-040506');
      assert.equal(timestampPrefix(new Date(2025, 11, 31, 23, 59, 59)), '20251231-235959');
    });
  });

  describe('scanners', () => {
    it('highestDirectoryNumber / highestBranchNumber', () => {
      assert.equal(highestDirectoryNumber(['001-a', '1234-b']), 1234n);
      assert.equal(highestDirectoryNumber([]), 0n);
      assert.equal(highestBranchNumber(['* 003-current', '  remotes/upstream/jdoe/app/041-x']), 41n);
    });

    it('branchLeaf keeps the last segment', () => {
      assert.equal(branchLeaf('remotes/origin/feature/004-x'), '004-x');
      assert.equal(branchLeaf('jdoe/app-a/001-guided-tour'), '001-guided-tour');
      assert.equal(branchLeaf('main'), 'main');
    });
  });

  describe('numbering from real git branches', () => {
    let tmp: TempDir;
    beforeEach(() => {
      tmp = makeTempDir();
      initRepo(tmp.root);
    });
    afterEach(() => tmp.dispose());

    it('uses local and remote-tracking branches', async () => {
      git(tmp.root, 'branch', '003-local');
      git(tmp.root, 'branch', 'feature/006-gitflow');
      git(tmp.root, 'update-ref', 'refs/remotes/origin/011-remote', 'HEAD');
      git(tmp.root, 'update-ref', 'refs/remotes/origin/20260101-120000-stamp', 'HEAD');
      const branches = await listBranchNames(tmp.root);
      assert.ok(branches.ok);
      assert.equal(nextFeaturePrefix({ existingNames: ['004-dir'], branchNames: branches.value }), '012');
    });

    it('a directory number above every branch wins', async () => {
      git(tmp.root, 'branch', '003-local');
      const branches = await listBranchNames(tmp.root);
      assert.ok(branches.ok);
      assert.equal(nextFeaturePrefix({ existingNames: ['1041-dir'], branchNames: branches.value }), '1042');
    });
  });

  describe('featureNumberingMode', () => {
    it('defaults to sequential', () => {
      assert.equal(featureNumberingMode(undefined), 'sequential');
      assert.equal(featureNumberingMode({}), 'sequential');
      assert.equal(featureNumberingMode(parseInitOptions('garbage')), 'sequential');
    });

    it('reads feature_numbering, then the deprecated branch_numbering', () => {
      assert.equal(featureNumberingMode(parseInitOptions('{"feature_numbering":"timestamp"}')), 'timestamp');
      assert.equal(featureNumberingMode(parseInitOptions('{"branch_numbering":"timestamp"}')), 'timestamp');
      assert.equal(featureNumberingMode(parseInitOptions('{"feature_numbering":"sequential","branch_numbering":"timestamp"}')), 'sequential');
      assert.equal(featureNumberingMode(parseInitOptions('{"feature_numbering":"weird"}')), 'sequential');
      assert.equal(featureNumberingMode(parseInitOptions('{"feature_numbering":42,"branch_numbering":"timestamp"}')), 'timestamp');
    });

    it('tells when the deprecated key was used', () => {
      assert.equal(usesDeprecatedNumberingKey({ branch_numbering: 'timestamp' }), true);
      assert.equal(usesDeprecatedNumberingKey({ feature_numbering: 'timestamp', branch_numbering: 'x' }), false);
      assert.equal(usesDeprecatedNumberingKey({}), false);
    });
  });

  describe('featureDirName', () => {
    it('joins prefix and slug', () => {
      assert.equal(featureDirName('003', 'user-auth'), '003-user-auth');
      assert.equal(featureDirName('20260319-143022', 'user-auth'), '20260319-143022-user-auth');
    });

    it('cleans the slug as spec-kit cleans --short-name, with a default for nothing', () => {
      assert.equal(featureDirName('004', 'User_Auth!'), '004-user-auth');
      assert.equal(featureDirName('004', '../../etc'), '004-etc');
      assert.equal(featureDirName('004', '🚀'), '004-feature');
    });

    it('fits 244 bytes', () => {
      const name = featureDirName('1000', 'ab-'.repeat(200));
      assert.ok(name.length <= 244, String(name.length));
      assert.ok(name.startsWith('1000-ab-'));
      assert.ok(!name.endsWith('-'));
    });

    it('refuses a prefix that is not a feature prefix', () => {
      assert.throws(() => featureDirName('12', 'x'), RangeError);
      assert.throws(() => featureDirName('../001', 'x'), RangeError);
      assert.throws(() => featureDirName('001-', 'x'), RangeError);
    });
  });
});
