import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  attributePaths,
  checkAttrPath,
  joinAttrPath,
  parseFlakeShow,
  parseFlakeStatic,
  parseNameList,
  parseSystemNames,
  splitAttrPath,
} from '../../../../src/core/nix/flakeOutputs';
import { nixFixtureDir, readCaptured } from './nixFixtures';
import { repoRoot } from '../../helpers/paths';
import { join } from 'node:path';

const HOSTS_OUTPUTS = {
  nixosConfigurations: ['alpha', 'beta'],
  homeConfigurations: ['me@alpha'],
  checks: { 'x86_64-linux': ['alpha-builds'] },
  packages: { 'x86_64-linux': ['default', 'hello'] },
  devShells: { 'x86_64-linux': ['default'] },
};

describe('nix/flakeOutputs', () => {
  it('reads the fixture flake statically, every output kind', () => {
    const { outputs, unresolved } = parseFlakeStatic(readFileSync(nixFixtureDir('hosts', 'flake.nix'), 'utf8'));
    assert.deepEqual(outputs, HOSTS_OUTPUTS);
    assert.deepEqual(unresolved, []);
  });

  it('reads the sample workspace’s hosts statically', () => {
    const text = readFileSync(join(repoRoot(), 'test', 'fixtures', 'workspaces', 'nixos-flake', 'flake.nix'), 'utf8');
    assert.deepEqual(parseFlakeStatic(text).outputs.nixosConfigurations, ['hetzner-vps', 'ovh-cloud']);
  });

  it('skips comments and strings, reads dotted and quoted definitions, reports what it cannot follow', () => {
    const text = `{
      # nixosConfigurations.commented = x;
      outputs = { self, nixpkgs }: {
        nixosConfigurations.yoga = mk "yoga";
        nixosConfigurations."host.example" = mk "x";
        description = "nixosConfigurations.instring = 1;";
        /* packages.x86_64-linux.hidden = 1; */
        packages.aarch64-linux.tool = 1;
        checks = forAllSystems (system: { });
        homeConfigurations = { inherit alice; "bob@box" = 1; };
      };
    }`;
    const { outputs, unresolved } = parseFlakeStatic(text);
    assert.deepEqual(outputs.nixosConfigurations, ['host.example', 'yoga']);
    assert.deepEqual(outputs.packages, { 'aarch64-linux': ['tool'] });
    assert.deepEqual(outputs.homeConfigurations, ['alice', 'bob@box']);
    assert.deepEqual(unresolved, ['checks']);
  });

  it('drops names that are not safe to pass on', () => {
    const { outputs } = parseFlakeStatic('{ nixosConfigurations = { "a;rm -rf ~" = 1; "$(x)" = 2; ok = 3; }; }');
    assert.deepEqual(outputs.nixosConfigurations, ['ok']);
  });

  it('reads nix flake show --json and the eval name lists (captured)', () => {
    const shown = parseFlakeShow(JSON.parse(readCaptured('hosts-flake-show').stdout));
    // flake show does not list homeConfigurations (an unknown output on 2.8): evaluation does.
    assert.deepEqual(shown, { ...HOSTS_OUTPUTS, homeConfigurations: [] });
    assert.deepEqual(parseNameList(readCaptured('hosts-eval-nixosConfigurations').stdout), ['alpha', 'beta']);
    assert.deepEqual(parseNameList(readCaptured('hosts-eval-homeConfigurations').stdout), ['me@alpha']);
    assert.deepEqual(parseSystemNames(readCaptured('hosts-eval-packages').stdout), { 'x86_64-linux': ['default', 'hello'] });
  });

  it('quotes attribute names the way Nix parses them back, and splits them again', () => {
    assert.equal(joinAttrPath(['homeConfigurations', 'me@alpha', 'activationPackage']), 'homeConfigurations."me@alpha".activationPackage');
    assert.equal(joinAttrPath(['nixosConfigurations', 'ovh-cloud']), 'nixosConfigurations.ovh-cloud');
    assert.deepEqual(splitAttrPath('homeConfigurations."me@alpha".activationPackage'), ['homeConfigurations', 'me@alpha', 'activationPackage']);
    assert.equal(splitAttrPath('a..b'), undefined);
    assert.equal(splitAttrPath('a.'), undefined);
    assert.equal(splitAttrPath('"unterminated'), undefined);
  });

  it('accepts only attribute paths into discovered outputs', () => {
    assert.equal(checkAttrPath(['nixosConfigurations', 'alpha', 'config', 'system', 'build', 'toplevel'], HOSTS_OUTPUTS), undefined);
    assert.equal(checkAttrPath(['packages', 'x86_64-linux', 'hello'], HOSTS_OUTPUTS), undefined);
    assert.match(checkAttrPath(['nixosConfigurations', 'gamma'], HOSTS_OUTPUTS)!, /no nixosConfigurations\.gamma/);
    assert.match(checkAttrPath(['packages', 'x86_64-linux', '$(reboot)'], HOSTS_OUTPUTS)!, /not an attribute name/);
    assert.match(checkAttrPath(['apps', 'x'], HOSTS_OUTPUTS)!, /Only/);
    assert.equal(attributePaths(HOSTS_OUTPUTS).length, 2 * 2 + 1 + 1 + 2 + 1);
  });
});
