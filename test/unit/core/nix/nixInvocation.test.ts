import * as assert from 'node:assert/strict';
import { describeAction, displayCommand, invocationFor, shellQuote } from '../../../../src/core/nix/nixInvocation';

const opts = { nix: 'nix', extraArgs: ['--option', 'substitute', 'false'] };

describe('nix/nixInvocation', () => {
  it('builds a host toplevel with one argv element per value', () => {
    const inv = invocationFor({ kind: 'build-host', host: 'ovh-cloud' }, opts);
    assert.equal(inv.command, 'nix');
    assert.deepEqual(inv.args, [
      '--extra-experimental-features', 'nix-command flakes', 'build', '--log-format', 'internal-json',
      '--option', 'substitute', 'false', '--print-build-logs', '.#nixosConfigurations.ovh-cloud.config.system.build.toplevel',
    ]);
    assert.ok(inv.jsonLog);
  });

  it('builds the VM with nixos-rebuild when it is installed, else the vm attribute', () => {
    assert.deepEqual(invocationFor({ kind: 'build-vm', host: 'a' }, { ...opts, nixosRebuild: '/run/current-system/sw/bin/nixos-rebuild' }).args.slice(0, 3), ['build-vm', '--flake', '.#a']);
    assert.match(invocationFor({ kind: 'build-vm', host: 'a' }, opts).args.at(-1)!, /^\.#nixosConfigurations\.a\.config\.system\.build\.vm$/);
  });

  it('runs flake check and free builds, quoting odd names inside the attribute path', () => {
    assert.deepEqual(invocationFor({ kind: 'flake-check' }, { nix: 'nix', extraArgs: [] }).args.slice(2, 4), ['flake', 'check']);
    assert.equal(invocationFor({ kind: 'build', attrPath: ['homeConfigurations', 'me@a', 'activationPackage'] }, opts).args.at(-1), '.#homeConfigurations."me@a".activationPackage');
    assert.equal(describeAction({ kind: 'build-vm', host: 'a' }), 'build VM a');
  });

  it('quotes for display and shell integration so that nothing expands', () => {
    assert.equal(shellQuote('plain/path-1.0'), 'plain/path-1.0');
    assert.equal(shellQuote("it's $(x)"), `'it'\\''s $(x)'`);
    assert.equal(displayCommand({ command: 'nix', args: ['a b'], jsonLog: false }), "nix 'a b'");
  });
});
