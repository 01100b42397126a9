// Restricted Mode for real: the harness opens the `untrusted` sample with workspace trust enabled
// and the folder not trusted. The sample ships executables named nix, git, sh and nixos-rebuild
// that leave a marker when they run; with an empty entry and the sample's bin/ on PATH, every path
// that could start a process is driven, and none of them may run. The specs are still listed.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sleep, testApi, waitForSnapshot, type WorkspaceName } from './helpers';

export const workspaces: readonly WorkspaceName[] = ['untrusted'];

const PROGRAMS = ['nix', 'git', 'sh', 'nixos-rebuild'];

interface NixServices {
  registry: { invalidate(): void; all(): Promise<readonly unknown[]>; nix(): Promise<{ available: boolean; error?: string }> };
}

export function define(): void {
  suite('Restricted Mode: nothing from the workspace runs', function () {
    this.timeout(120_000);
    const folder = (): string => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const markers = process.env['SPECKIT_TEST_MARKERS'] ?? path.join(tmpdir(), `speckit-untrusted-markers-${process.pid}`);
    const savedPath = process.env['PATH'];

    suiteSetup(() => {
      mkdirSync(markers, { recursive: true });
      process.env['SPECKIT_TEST_MARKERS'] = markers;
      // The hostile PATH: an empty entry (the working directory) and the repository's own bin/ first.
      process.env['PATH'] = ['', path.join(folder(), 'bin'), savedPath ?? '/usr/bin:/bin'].join(path.delimiter);
    });
    suiteTeardown(() => {
      process.env['PATH'] = savedPath;
    });

    const ran = (): string[] =>
      [folder(), path.join(folder(), 'bin'), markers].flatMap((d) => (existsSync(d) ? readdirSync(d).filter((n) => n.startsWith('ran-')).map((n) => path.join(d, n)) : []));

    test('the window really is restricted and the bait is in place', () => {
      assert.equal(vscode.workspace.isTrusted, false, 'the harness must open this workspace untrusted');
      for (const p of PROGRAMS) assert.ok(existsSync(path.join(folder(), 'bin', p)) && existsSync(path.join(folder(), p)), `${p} ships with the sample`);
      assert.deepEqual(ran(), [], 'nothing ran before the suite started');
    });

    test('the specs are listed and read', async () => {
      const api = await testApi();
      const snap = await waitForSnapshot(api, (s) => s.projects.some((p) => p.features.some((f) => f.name === '001-demo')), 'the demo feature');
      const demo = snap.projects.flatMap((p) => p.features).find((f) => f.name === '001-demo')!;
      assert.deepEqual(demo.tasks, { done: 1, total: 2 });
    });

    test('the Nix probe, flake discovery, builds, verification and git history start no process', async () => {
      const api = (await testApi()) as unknown as { nix?: NixServices; whenIdle(): Promise<void> };
      assert.ok(api.nix, 'the Nix feature registered');
      const probe = await api.nix.registry.nix();
      assert.equal(probe.available, false);
      assert.match(probe.error ?? '', /not trusted/);
      api.nix.registry.invalidate();
      const flakes = await api.nix.registry.all();
      assert.equal(flakes.length, 1, 'the flake is still listed, read from flake.nix');
      // Every command that could run something, as a user would invoke it; each refuses.
      const tasks = vscode.Uri.file(path.join(folder(), 'specs', '001-demo', 'tasks.md'));
      for (const [command, ...args] of [
        ['speckit.nix.showOutputs'],
        ['speckit.nix.buildHost', 'evil'],
        ['speckit.nix.flakeCheck'],
        ['speckit.verifyTask', { uri: tasks, taskId: 'T001' }],
        ['speckit.openDashboard'],
      ] as const) {
        // A command may wait on a quick pick: give each a moment, then close what it opened.
        await Promise.race([Promise.resolve(vscode.commands.executeCommand(command, ...args)).catch(() => undefined), sleep(3000)]);
        await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      }
      await api.whenIdle();
      await sleep(1500);
      assert.deepEqual(ran(), [], 'a program from the workspace ran');
    });
  });
}
