// The committed captures must still be what the installed Nix prints: regenerate each case in a
// fresh copy of its fixture flake and compare exit codes, stdout and the parsed diagnostics
// (raw stderr differs in activity ids and timing, the parse must not).
import * as assert from 'node:assert/strict';
import { parseNixOutput } from '../../../../src/core/nix/nixOutput';
import { CAPTURE_CASES, copyFlake, type FixtureFlake, readCaptured, requireNix, runCase } from './nixFixtures';

describe('captured Nix output matches the installed Nix', function () {
  this.timeout(300_000);
  const copies = new Map<FixtureFlake, { dir: string; dispose(): void }>();
  before(() => requireNix());
  after(() => {
    for (const c of copies.values()) c.dispose();
  });

  for (const c of CAPTURE_CASES) {
    it(c.name, () => {
      if (!copies.has(c.flake)) copies.set(c.flake, copyFlake(c.flake));
      const fresh = runCase(c, copies.get(c.flake)!.dir);
      const stored = readCaptured(c.name);
      assert.equal(fresh.exitCode, stored.exitCode, fresh.stderr);
      assert.equal(fresh.stdout, stored.stdout);
      const strip = (s: string): unknown => parseNixOutput(s).map((d) => ({ ...d, text: undefined }));
      assert.deepEqual(strip(fresh.stderr), strip(stored.stderr));
    });
  }
});
