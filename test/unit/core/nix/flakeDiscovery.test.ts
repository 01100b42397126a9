import * as assert from 'node:assert/strict';
import { discoverByEvaluation, discoverStatically, findFlakes, probeNix, type ProcessRunner } from '../../../../src/core/nix/flakeDiscovery';
import { nodeProcessRunner } from '../../../../src/core/nix/processRunner';
import { NodeFileSystem } from '../../../../src/core/workspace/nodeFileSystem';
import { tempWorkspace } from '../../helpers/tempWorkspace';
import { copyFlake, requireNix } from './nixFixtures';

const fs = new NodeFileSystem();

describe('nix/flakeDiscovery with real Nix', function () {
  this.timeout(120_000);
  before(() => requireNix());

  it('probes the installed Nix', async () => {
    const probe = await probeNix(nodeProcessRunner, 'nix', '/');
    assert.ok(probe.available, probe.error);
    assert.match(probe.version!, /^2\.\d+/);
  });

  it('lists every output kind of the fixture flake by evaluation', async () => {
    const copy = copyFlake('hosts');
    try {
      const info = await discoverByEvaluation(fs, nodeProcessRunner, 'nix', copy.dir);
      assert.equal(info.source, 'evaluation');
      assert.deepEqual(info.notes, []);
      assert.deepEqual(info.outputs, {
        nixosConfigurations: ['alpha', 'beta'],
        homeConfigurations: ['me@alpha'],
        checks: { 'x86_64-linux': ['alpha-builds'] },
        packages: { 'x86_64-linux': ['default', 'hello'] },
        devShells: { 'x86_64-linux': ['default'] },
      });
    } finally {
      copy.dispose();
    }
  });

  it('lists the host of a flake whose host fails to evaluate (names are evaluated lazily)', async () => {
    const copy = copyFlake('eval-error');
    try {
      const info = await discoverByEvaluation(fs, nodeProcessRunner, 'nix', copy.dir);
      assert.equal(info.source, 'evaluation');
      assert.deepEqual(info.outputs.nixosConfigurations, ['broken']);
      assert.deepEqual(info.outputs.packages, {});
    } finally {
      copy.dispose();
    }
  });

  it('falls back to reading flake.nix when flake.nix itself does not parse, and says why', async () => {
    const ws = tempWorkspace({ 'flake.nix': '{ outputs = { self }: { nixosConfigurations.only = 1 } }' });
    try {
      const info = await discoverByEvaluation(fs, nodeProcessRunner, 'nix', ws.root);
      assert.equal(info.source, 'static');
      assert.match(info.notes[0]!, /evaluation failed/);
    } finally {
      ws.dispose();
    }
  });
});

describe('nix/flakeDiscovery without Nix', () => {
  const noNix: ProcessRunner = { run: () => Promise.resolve({ exitCode: null, stdout: '', stderr: '', spawnError: 'spawn nix ENOENT' }) };

  it('reports a missing nix as unavailable, not as an exception', async () => {
    assert.deepEqual(await probeNix(noNix, 'nix', '/'), { available: false, error: 'spawn nix ENOENT' });
  });

  it('finds flakes below a folder, skipping result links, hidden and dependency folders', async () => {
    const ws = tempWorkspace({ 'flake.nix': '{}', 'infra/flake.nix': '{}', '.direnv/flake.nix': '{}', 'node_modules/x/flake.nix': '{}', 'result/flake.nix': '{}' });
    try {
      assert.deepEqual(await findFlakes(fs, ws.root), [ws.root, `${ws.root}/infra`]);
    } finally {
      ws.dispose();
    }
  });

  it('guesses hosts from hosts/ when flake.nix builds them with a function', async () => {
    const ws = tempWorkspace({ 'flake.nix': '{ outputs = i: { nixosConfigurations = mkHosts ./hosts; }; }', 'hosts/yoga/default.nix': '{}', 'hosts/zephyrus/default.nix': '{}' });
    try {
      const info = await discoverStatically(fs, ws.root);
      assert.deepEqual(info.outputs.nixosConfigurations, ['yoga', 'zephyrus']);
      assert.match(info.notes.join('\n'), /guessed from the hosts\/ folders/);
      const viaEval = await discoverByEvaluation(fs, noNix, 'nix', ws.root);
      assert.equal(viaEval.source, 'static');
    } finally {
      ws.dispose();
    }
  });
});
