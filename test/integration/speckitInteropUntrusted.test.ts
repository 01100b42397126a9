// Extension hooks in Restricted Mode (the `untrusted` sample, opened untrusted by the harness): a
// project whose .specify/extensions.yml asks for the git extension's hooks runs none of them — not
// from the chat, not from a hook's button — and says so. The sample's bait `git` (on a hostile PATH,
// as in untrusted.test.ts) would leave a marker if anything ran it.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { chat, shown } from './chatHelpers';
import { testApi, waitForSnapshot, writeText, type WorkspaceName } from './helpers';

export const workspaces: readonly WorkspaceName[] = ['untrusted'];

const HOOKS = `hooks:
  before_analyze:
  - extension: git
    command: speckit.git.validate
    enabled: true
    optional: false
    description: Validate the feature branch
  after_analyze:
  - extension: git
    command: speckit.git.commit
    enabled: true
    optional: true
    prompt: Commit analysis results?
`;

export function define(): void {
  suite('Restricted Mode: extension hooks do not run', function () {
    this.timeout(240_000);
    const folder = (): string => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const markers = process.env['SPECKIT_TEST_MARKERS'] ?? path.join(tmpdir(), `speckit-untrusted-markers-${process.pid}`);
    const savedPath = process.env['PATH'];
    const ran = (): string[] =>
      [folder(), path.join(folder(), 'bin'), markers].flatMap((d) => (existsSync(d) ? readdirSync(d).filter((n) => n.startsWith('ran-')).map((n) => path.join(d, n)) : []));

    suiteSetup(async () => {
      mkdirSync(markers, { recursive: true });
      process.env['SPECKIT_TEST_MARKERS'] = markers;
      process.env['PATH'] = ['', path.join(folder(), 'bin'), savedPath ?? '/usr/bin:/bin'].join(path.delimiter);
      await writeText(vscode.Uri.file(path.join(folder(), '.specify', 'extensions.yml')), HOOKS);
    });
    suiteTeardown(async () => {
      process.env['PATH'] = savedPath;
      await vscode.workspace.fs.delete(vscode.Uri.file(path.join(folder(), '.specify', 'extensions.yml')));
    });

    test('a hook\'s button refuses in an untrusted workspace and starts no git', async () => {
      assert.equal(vscode.workspace.isTrusted, false);
      const outcome = await vscode.commands.executeCommand<{ ok: boolean; summary: string }>('speckit.chat.runHook', folder().split(path.sep).join('/'), 'speckit.git.commit', 'after_analyze');
      assert.deepEqual([outcome.ok, outcome.summary], [false, 'this workspace is not trusted, so no hook runs']);
      assert.deepEqual(ran(), []);
    });

    test('@speckit runs no hook in an untrusted workspace and says so; the command itself still answers', async () => {
      await waitForSnapshot(await testApi(), (s) => s.projects.some((p) => p.features.some((f) => f.name === '001-demo')), 'the demo feature');
      const t = await chat('@speckit /speckit.analyze code only', 90_000);
      assert.match(shown(t), /Hooks not run: this workspace is not trusted \(before\\_analyze: `\/speckit\.git\.validate`\)/);
      assert.match(shown(t), /Specification analysis/);
      assert.ok(!t.parts.some((p) => p.kind === 'button' && p.text.startsWith('Commit analysis results?')), 'no hook is offered either');
      assert.deepEqual(ran(), []);
    });
  });
}
