// Nix builds with the real Nix (Debian's nix-bin, installed by npm test's set-up) in the
// nixos-flake sample: hosts from evaluation, a host build in a task terminal with its exit code,
// the VM script run through shell integration, errors in Problems at the right file and line,
// build-gated task ticking, and the refusal in an untrusted workspace. The harness runs with
// --disable-workspace-trust, so the refusal is driven through the extension's own trust gate.
import * as assert from 'node:assert/strict';
import { existsSync, lstatSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FlakeInfo } from '../../src/core/nix/flakeDiscovery';
import type { NixRunResult as RunResult } from '../../src/platform/nix/nixRunner';
import type { NixServices } from '../../src/platform/nix/nixServices';
import { folderUri, readText, testApi, waitUntil, writeText, type WorkspaceName } from './helpers';

export const workspaces: readonly WorkspaceName[] = ['nixos-flake'];

const TASKS = `# Tasks: Nix gate

## Phase 1: Setup

- [ ] T001 Build ovh-cloud with the new module
- [ ] T002 Build ovh-cloud after a broken edit
- [ ] T003 Build while untrusted
`;

export function define(): void {
  suite('Nix builds (nixos-flake, real Nix)', function () {
    this.timeout(180_000);
    let root: vscode.Uri;
    let nix: NixServices;
    const tasksUri = (): vscode.Uri => vscode.Uri.joinPath(root, 'specs', '009-nix-gate', 'tasks.md');

    suiteSetup(async () => {
      nix = (await testApi()).nix;
      root = folderUri(0);
      // The public binary cache is unreachable here; without this Nix retries it on every build.
      await vscode.workspace.getConfiguration('speckit.nix').update('extraArgs', ['--option', 'substitute', 'false'], vscode.ConfigurationTarget.Workspace);
      await writeText(tasksUri(), TASKS);
    });

    suiteTeardown(async () => {
      nix.trust.override = undefined;
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(root, 'specs', '009-nix-gate'), { recursive: true }).then(undefined, () => undefined);
    });

    test('lists the flake’s hosts by evaluating it with Nix', async () => {
      const flakes = await vscode.commands.executeCommand<FlakeInfo[]>('speckit.nix.showOutputs');
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      assert.equal(flakes.length, 1, JSON.stringify(flakes));
      assert.equal(flakes[0]!.dir, root.fsPath);
      assert.equal(flakes[0]!.source, 'evaluation', `notes: ${flakes[0]!.notes.join('; ')}`);
      assert.deepEqual(flakes[0]!.outputs.nixosConfigurations, ['hetzner-vps', 'ovh-cloud']);
    });

    test('offers speckit-nix tasks for each host and the flake check', async () => {
      const tasks = await vscode.tasks.fetchTasks({ type: 'speckit-nix' });
      const names = tasks.map((t) => t.name).sort();
      for (const n of ['build ovh-cloud', 'build hetzner-vps', 'build VM ovh-cloud', 'flake check']) assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
      assert.equal(tasks.find((t) => t.name === 'build ovh-cloud')!.definition['host'], 'ovh-cloud');
    });

    test('builds a host in a named terminal, with exit code, time and the result in the status bar', async () => {
      const r = await vscode.commands.executeCommand<RunResult>('speckit.nix.buildHost', { host: 'ovh-cloud' });
      assert.ok(r, 'the command returned a result');
      assert.equal(r.exitCode, 0, r.output);
      assert.ok(r.ok);
      assert.ok(r.durationMs > 0);
      assert.ok(vscode.window.terminals.some((t) => t.name.includes('build ovh-cloud')), `terminals: ${vscode.window.terminals.map((t) => t.name).join(', ')}`);
      const link = path.join(root.fsPath, 'result');
      assert.ok(lstatSync(link).isSymbolicLink(), 'nix build left ./result');
      assert.ok(existsSync(path.join(link, 'configuration.json')));
      await waitUntil(() => nix.statusBar.text.startsWith('$(pass) build ovh-cloud'), `status bar shows the result (now "${nix.statusBar.text}")`);
    });

    test('builds the VM and runs result/bin/run-<host>-vm in a terminal', async () => {
      const r = await vscode.commands.executeCommand<{ build: RunResult; vm?: { exitCode: number | undefined; output: string; shellIntegration: boolean; script: string } }>('speckit.nix.buildVm', { host: 'ovh-cloud', wait: true });
      assert.equal(r.build.exitCode, 0, r.build.output);
      assert.ok(r.vm, 'the VM script was found');
      assert.match(r.vm.script, /result\/bin\/run-ovh-cloud-vm$/);
      assert.ok(r.vm.shellIntegration, 'shell integration reported the command');
      assert.equal(r.vm.exitCode, 0);
      assert.match(r.vm.output, /Starting VM for ovh-cloud/);
    });

    test('nix flake check passes', async () => {
      const r = await vscode.commands.executeCommand<RunResult>('speckit.nix.flakeCheck');
      assert.equal(r.exitCode, 0, r.output);
    });

    test('an evaluation error lands in Problems at the module’s file and line', async () => {
      const file = vscode.Uri.joinPath(root, 'hosts', 'hetzner-vps', 'default.nix');
      const original = await readText(file);
      await writeText(file, original.replace('networking.firewall.allowedTCPPorts = [ 22 ];', 'networking.firewall.allowedTCPPorts = [ sshPort ];'));
      try {
        const r = await vscode.commands.executeCommand<RunResult>('speckit.nix.buildHost', { host: 'hetzner-vps' });
        assert.equal(r.exitCode, 1);
        assert.equal(r.ok, false);
        const diags = vscode.languages.getDiagnostics(file);
        assert.equal(diags.length, 1, JSON.stringify(diags));
        assert.equal(diags[0]!.message, "undefined variable 'sshPort'");
        assert.equal(diags[0]!.severity, vscode.DiagnosticSeverity.Error);
        assert.equal(diags[0]!.range.start.line, 5);
        assert.equal(diags[0]!.range.start.character, 42);
        assert.equal(diags[0]!.range.end.character, 49, 'the squiggle covers the name');
        assert.match(nix.statusBar.text, /^\$\(error\) build hetzner-vps: exit 1/);
      } finally {
        await writeText(file, original);
      }
      // The next good build clears them.
      const again = await vscode.commands.executeCommand<RunResult>('speckit.nix.buildHost', { host: 'hetzner-vps' });
      assert.equal(again.exitCode, 0, again.output);
      assert.deepEqual(vscode.languages.getDiagnostics(file), []);
    });

    test('a syntax error lands in Problems at its line', async () => {
      const file = vscode.Uri.joinPath(root, 'modules', 'services', 'openssh', 'default.nix');
      const original = await readText(file);
      await writeText(file, original.replace('enable = true;', 'enable = true'));
      try {
        const r = await vscode.commands.executeCommand<RunResult>('speckit.nix.buildHost', { host: 'ovh-cloud' });
        assert.equal(r.exitCode, 1);
        const diags = vscode.languages.getDiagnostics(file);
        assert.equal(diags.length, 1, JSON.stringify(diags));
        assert.match(diags[0]!.message, /^syntax error, unexpected/);
        assert.equal(diags[0]!.range.start.line, 5, 'Nix reports the token after the missing semicolon');
      } finally {
        await writeText(file, original);
      }
    });

    test('Build & Verify ticks a task after the build succeeds', async () => {
      await vscode.commands.executeCommand('speckit.chooseVerification', { uri: tasksUri(), host: 'ovh-cloud' });
      const r = await vscode.commands.executeCommand<{ ok: boolean; exitCode: number; ticked: boolean; durationMs: number; output: string }>('speckit.verifyTask', { uri: tasksUri(), taskId: 'T001' });
      assert.equal(r.exitCode, 0, r.output);
      assert.ok(r.ok);
      assert.ok(r.ticked);
      const text = await readText(tasksUri());
      assert.match(text, /^- \[X\] T001 Build ovh-cloud/m);
      assert.match(text, /^- \[ \] T002/m, 'only T001 changed');
      const last = nix.verification.lastResult({ uri: tasksUri(), taskId: 'T001' });
      assert.deepEqual([last?.ok, last?.exitCode, last?.label], [true, 0, 'build ovh-cloud']);
    });

    test('Build & Verify leaves a task open when the build fails', async () => {
      const file = vscode.Uri.joinPath(root, 'hosts', 'ovh-cloud', 'default.nix');
      const original = await readText(file);
      await writeText(file, original.replace('enable = true;', 'enable = postgresEnabled;'));
      try {
        const r = await vscode.commands.executeCommand<{ ok: boolean; exitCode: number; ticked: boolean }>('speckit.verifyTask', { uri: tasksUri(), taskId: 'T002' });
        assert.equal(r.ok, false);
        assert.equal(r.exitCode, 1);
        assert.equal(r.ticked, false);
        assert.match(await readText(tasksUri()), /^- \[ \] T002/m);
        assert.equal(nix.verification.lastResult({ uri: tasksUri(), taskId: 'T002' })?.ok, false);
        assert.equal(vscode.languages.getDiagnostics(file)[0]?.message, "undefined variable 'postgresEnabled'");
      } finally {
        await writeText(file, original);
      }
    });

    test('an untrusted workspace runs nothing: builds and verification are refused', async () => {
      const before = nix.runner.lastResult;
      nix.trust.override = false;
      try {
        assert.equal(await vscode.commands.executeCommand('speckit.nix.buildHost', { host: 'ovh-cloud' }), undefined);
        assert.equal(await vscode.commands.executeCommand('speckit.nix.flakeCheck'), undefined);
        assert.equal(await vscode.commands.executeCommand('speckit.verifyTask', { uri: tasksUri(), taskId: 'T003' }), undefined);
        assert.equal(nix.runner.lastResult, before, 'no run happened');
        assert.match(await readText(tasksUri()), /^- \[ \] T003/m);
        // Discovery does not evaluate flake.nix either: it reads it.
        nix.registry.invalidate();
        const flakes = await nix.registry.all();
        assert.equal(flakes[0]?.source, 'static');
        assert.deepEqual(flakes[0]?.outputs.nixosConfigurations, ['hetzner-vps', 'ovh-cloud']);
      } finally {
        nix.trust.override = undefined;
        nix.registry.invalidate();
      }
    });

    test('host names are checked against the flake, never passed on as given', async () => {
      const before = nix.runner.lastResult;
      assert.equal(await vscode.commands.executeCommand('speckit.nix.buildHost', { host: 'ovh-cloud; touch /tmp/pwned' }), undefined);
      assert.equal(await vscode.commands.executeCommand('speckit.nix.buildOutput', { attribute: 'nixosConfigurations.nope.config' }), undefined);
      assert.equal(nix.runner.lastResult, before);
    });
  });
}
