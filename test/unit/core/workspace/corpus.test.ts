import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listFeatures } from '../../../../src/core/workspace/features';
import { NodeFileSystem } from '../../../../src/core/workspace/nodeFileSystem';
import { findProjects } from '../../../../src/core/workspace/projects';
import { corpusDir } from '../../helpers/paths';
import { makeTempDir, type TempDir } from './helpers';

const host = new NodeFileSystem();

/**
 * The corpus laid back out as the repositories it came from (SOURCES.tsv: repo, path), one folder per
 * repository, in one workspace: the projects and features a reader would count.
 */
describe('workspace model over the real spec-kit corpus', () => {
  let tmp: TempDir;
  before(() => {
    tmp = makeTempDir();
    const dir = corpusDir();
    const rows = fs.readFileSync(path.join(dir, 'SOURCES.tsv'), 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '');
    for (const row of rows) {
      const [repo, file] = row.split('\t') as [string, string];
      const flat = path.join(dir, `${repo.replace('/', '__')}__${file.split('/').join('__')}`);
      if (!fs.existsSync(flat)) continue;
      tmp.write({ [`${repo.replace('/', '__')}/${file}`]: fs.readFileSync(flat, 'utf8') });
    }
  });
  after(() => tmp.dispose());

  it('finds every repository that has a constitution, with the right layout', async () => {
    const projects = await findProjects(host, tmp.root);
    const byRepo = new Map(projects.map((p) => [path.posix.basename(p.root), p]));
    assert.equal(byRepo.get('FAIR-DM__django-literature')?.layout, 'legacy');
    for (const repo of ['hbohlen__pantherOS', 'ColeB1722__nix-devbox', 'microsoft__CommunityManagement-Sample-Spec-Kit', 'tisayama__rsudp-rust', 'Yus314__MoLe', '0xbillw__dotfiles']) {
      const p = byRepo.get(repo);
      assert.ok(p, repo);
      assert.equal(p.layout, 'specify', repo);
      assert.equal(p.constitutionPath, `${p.root}/.specify/memory/constitution.md`, repo);
      assert.equal(p.newFeatureRoot, `${p.root}/specs`, repo);
    }
    // A repository of which the corpus holds only specs/ files has no project marker.
    assert.equal(byRepo.get('sunfmin__todo2'), undefined);
  });

  it('lists the features of nix-devbox, including the quickstart-only one', async () => {
    const projects = await findProjects(host, tmp.root);
    const devbox = projects.find((p) => p.root.endsWith('ColeB1722__nix-devbox'));
    assert.ok(devbox);
    const features = await listFeatures(host, devbox);
    assert.deepEqual(features.map((f) => f.name), [
      '001-devbox-skeleton', '003-wsl-support', '004-secrets-management', '006-multi-user-support', '007-library-flake-architecture',
    ]);
    const wsl = features.find((f) => f.number === 3);
    assert.ok(wsl?.files.quickstart && !wsl.files.spec);
    assert.ok(features.every((f) => !f.duplicateNumber && !f.archived));
  });
});
