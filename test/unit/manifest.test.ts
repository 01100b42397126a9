import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Commands, EXTENSION_ID, Settings } from '../../src/ids';
import { repoRoot } from './helpers/paths';

interface Manifest {
  name: string;
  publisher: string;
  main: string;
  engines: { vscode: string };
  contributes: { commands?: Array<{ command: string; title: string; category?: string }>; configuration: { properties: Record<string, unknown> } };
  capabilities: { untrustedWorkspaces: { description?: string }; virtualWorkspaces: { description?: string } };
  devDependencies: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as Manifest;

describe('package.json', () => {
  it('declares exactly the commands of src/ids.ts, each titled in the Spec Kit category', () => {
    const declared = (manifest.contributes.commands ?? []).map((c) => c.command).sort();
    assert.deepEqual(declared, Object.values(Commands).sort());
    for (const c of manifest.contributes.commands ?? []) assert.equal(c.category, 'Spec Kit', c.command);
  });

  it('has every setting of src/ids.ts', () => {
    for (const key of Object.values(Settings).filter((k) => k !== Settings.section)) assert.ok(key in manifest.contributes.configuration.properties, key);
    for (const key of Object.keys(manifest.contributes.configuration.properties)) assert.match(key, /^speckit\./);
  });

  it('matches the extension id, engine floor and typings', () => {
    assert.equal(`${manifest.publisher}.${manifest.name}`, EXTENSION_ID);
    assert.equal(manifest.engines.vscode, '^1.105.0');
    assert.equal(manifest.devDependencies['@types/vscode'], '~1.105.0');
    assert.equal(manifest.main, './dist/extension.js');
    assert.ok(manifest.capabilities.untrustedWorkspaces.description);
    assert.ok(manifest.capabilities.virtualWorkspaces.description);
  });

  it('ships only the bundles, prompts, media and docs', () => {
    const ignore = readFileSync(join(repoRoot(), '.vscodeignore'), 'utf8').split('\n');
    assert.equal(ignore[0], '**');
    assert.ok(!ignore.some((l) => /test|fixtures|node_modules|src/.test(l) && l.startsWith('!')));
  });
});
