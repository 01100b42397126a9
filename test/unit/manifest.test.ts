import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHAT_PARTICIPANT_ID, CHAT_PARTICIPANT_NAME, ChatSlashCommands, Commands, EXTENSION_ID, Settings, Tools } from '../../src/ids';
import { repoRoot } from './helpers/paths';

interface Manifest {
  name: string;
  publisher: string;
  main: string;
  engines: { vscode: string };
  contributes: {
    commands?: Array<{ command: string; title: string; category?: string }>;
    configuration: { properties: Record<string, unknown> };
    languageModelTools?: Array<{ name: string; tags?: string[]; modelDescription: string; inputSchema?: { type: string } }>;
    chatParticipants?: Array<{ id: string; name: string; commands: Array<{ name: string }> }>;
  };
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

  it('declares exactly the language-model tools of src/ids.ts, tagged speckit, with an object schema', () => {
    const tools = manifest.contributes.languageModelTools ?? [];
    assert.deepEqual(tools.map((t) => t.name).sort(), Object.values(Tools).sort());
    for (const t of tools) {
      assert.ok(t.tags?.includes('speckit'), t.name);
      assert.equal(t.inputSchema?.type, 'object', t.name);
      assert.ok(t.modelDescription.length > 40, t.name);
    }
  });

  it('declares the @speckit participant with the spec-kit command names, exactly those of src/ids.ts', () => {
    const participant = manifest.contributes.chatParticipants?.[0];
    assert.equal(participant?.id, CHAT_PARTICIPANT_ID);
    assert.equal(participant?.name, CHAT_PARTICIPANT_NAME);
    const specKitNames = ['speckit.constitution', 'speckit.specify', 'speckit.clarify', 'speckit.plan', 'speckit.checklist', 'speckit.tasks', 'speckit.analyze', 'speckit.implement', 'speckit.converge', 'speckit.status', 'speckit.taskstoissues'];
    assert.deepEqual(Object.values(ChatSlashCommands), specKitNames);
    assert.deepEqual(
      participant?.commands.map((c) => c.name),
      Object.values(ChatSlashCommands),
    );
    // The short names the code uses are the slash command without its prefix.
    for (const [short, slash] of Object.entries(ChatSlashCommands)) assert.equal(slash, `speckit.${short}`);
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
