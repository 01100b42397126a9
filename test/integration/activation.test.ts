// The extension activates on its own in every sample workspace and hands tests its API.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ALL_WORKSPACES, EXTENSION_ID, currentWorkspace, extension, testApi, waitUntil, type WorkspaceName } from './helpers';

export const workspaces: readonly WorkspaceName[] = ALL_WORKSPACES;

export function define(): void {
  suite(`activation (${currentWorkspace()})`, () => {
    test('the extension is installed from the development path', () => {
      const ext = extension();
      assert.equal(ext.id, EXTENSION_ID);
      assert.equal(ext.packageJSON.publisher, 'speckit-vscode');
    });

    test('it activates through its activation events, without being asked', async () => {
      // No ext.activate() here: that would pass even if no activation event matched.
      await waitUntil(() => extension().isActive, `${EXTENSION_ID} to activate`, 30_000);
    });

    test('activate() returns the test API in ExtensionMode.Test', async () => {
      const api = await testApi();
      await api.whenIdle();
      const snap = api.snapshot();
      assert.ok(Array.isArray(snap.projects), 'snapshot().projects must be an array');
    });

    test('every feature registers, in reverse order in test mode: none relies on another registering first', async () => {
      const api = await testApi();
      const features = ['chat', 'dashboard', 'featureCommands', 'githubIssues', 'initProject', 'languageClient', 'modelProvider', 'nixBuild', 'specExplorer', 'statusBar', 'taskLens', 'tools'];
      assert.deepEqual([...api.registered].sort(), [...features].sort(), 'a feature failed to register (see the Spec Kit log)');
      // The Nix feature used to have to come first, or the explorer lost its hosts and the lenses their
      // verification; here it registers after both (the nixos-flake explorer and lens suites check them).
      assert.ok(api.registered.indexOf('nixBuild') > api.registered.indexOf('specExplorer'), api.registered.join(', '));
      assert.ok(api.registered.indexOf('nixBuild') > api.registered.indexOf('taskLens'), api.registered.join(', '));
      // The model provider registers after the chat, whose @speckit still runs on its models (the
      // model-provider suite's chat tests, in nixos-flake:chat).
      assert.ok(api.registered.indexOf('modelProvider') > api.registered.indexOf('chat'), api.registered.join(', '));
    });

    test('the workspace the harness opened is the one the suite expects', () => {
      const folders = vscode.workspace.workspaceFolders ?? [];
      const expected = currentWorkspace() === 'multi-root' ? 2 : 1;
      assert.equal(folders.length, expected, `workspace folders: ${folders.map((f) => f.uri.toString()).join(', ')}`);
    });
  });
}
