import * as assert from 'node:assert/strict';
import { NodeFileSystem } from '../../../../src/core/workspace/nodeFileSystem';
import { locateDiagnostic, mapNixPath } from '../../../../src/core/nix/nixPaths';
import { parseNixOutput } from '../../../../src/core/nix/nixOutput';
import { tempWorkspace } from '../../helpers/tempWorkspace';
import { readCaptured } from './nixFixtures';

const fs = new NodeFileSystem();
const HASH = '5lx9l5fyz1l4jvpg66m07xyjyfg7687f';

describe('nix/nixPaths', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  beforeEach(() => {
    ws = tempWorkspace({ 'flake.nix': '{ }', 'hosts/broken/default.nix': 'x', 'sub/flake.nix': '{ }', 'sub/mod.nix': 'y' });
  });
  afterEach(() => ws.dispose());

  it('maps the flake’s store copy back to the workspace', async () => {
    assert.equal(await mapNixPath(`/nix/store/${HASH}-source/hosts/broken/default.nix`, { flakeDir: ws.root, fs }), `${ws.root}/hosts/broken/default.nix`);
  });

  it('maps a flake in a subfolder of the repository (the store copy is the whole tree)', async () => {
    const ctx = { flakeDir: `${ws.root}/sub`, repoRoot: ws.root, fs };
    assert.equal(await mapNixPath(`/nix/store/${HASH}-source/sub/mod.nix`, ctx), `${ws.root}/sub/mod.nix`);
  });

  it('leaves inputs, the store and paths outside the flake unmapped', async () => {
    const ctx = { flakeDir: ws.root, fs };
    assert.equal(await mapNixPath(`/nix/store/${HASH}-source/lib/attrsets.nix`, ctx), undefined);
    assert.equal(await mapNixPath('/nix/store/7rvpaaaaaaaaaaaaaaaaaaaaaaaaaaaa-nix-2.3.7/share/nix/corepkgs/derivation.nix', ctx), undefined);
    assert.equal(await mapNixPath('«github:nixos/nixpkgs/9da7f1cf?narHash=sha256-x»/lib/modules.nix', ctx), undefined);
    assert.equal(await mapNixPath('/etc/passwd', ctx), undefined);
    assert.equal(await mapNixPath('«stdin»', ctx), undefined);
  });

  it('maps locked git+file and path references', async () => {
    const ctx = { flakeDir: ws.root, fs };
    assert.equal(await mapNixPath(`«git+file://${ws.root}?ref=main&rev=abc»/hosts/broken/default.nix`, ctx), `${ws.root}/hosts/broken/default.nix`);
    assert.equal(await mapNixPath(`«path:${ws.root}?narHash=sha256-x»/flake.nix`, ctx), `${ws.root}/flake.nix`);
  });

  it('locates the captured evaluation error at the workspace module, line 5', async () => {
    const [d] = parseNixOutput(readCaptured('eval-error-build').stderr);
    assert.deepEqual(await locateDiagnostic(d!, { flakeDir: ws.root, fs }), { file: `${ws.root}/hosts/broken/default.nix`, line: 5, column: 25, exact: true });
  });

  it('falls back to a mapped trace frame, then to flake.nix', async () => {
    const text = `error:\n       … while evaluating\n         at /nix/store/${HASH}-source/hosts/broken/default.nix:2:3:\n       error: boom\n       at «github:nixos/nixpkgs/abc»/lib/x.nix:1:1:\n`;
    const [d] = parseNixOutput(text);
    assert.deepEqual(await locateDiagnostic(d!, { flakeDir: ws.root, fs }), { file: `${ws.root}/hosts/broken/default.nix`, line: 2, column: 3, exact: true });
    const [build] = parseNixOutput(readCaptured('build-error-build').stderr);
    assert.deepEqual(await locateDiagnostic(build!, { flakeDir: ws.root, fs }), { file: `${ws.root}/flake.nix`, line: 1, column: 1, exact: false });
  });
});
