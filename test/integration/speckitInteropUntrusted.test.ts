// Extension hooks in Restricted Mode (the `untrusted` sample, opened untrusted by the harness): a
// project whose .specify/extensions.yml asks for the git extension's hooks runs none of them from a
// hook's button, and says so. (The chat view does not answer requests in Restricted Mode here, so
// the chat's own trust check is not driven from this suite.) The sample's bait `git` (on a hostile PATH,
// as in untrusted.test.ts) would leave a marker if anything ran it.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeText, type WorkspaceName } from './helpers';

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

    test('another extension\'s hook button (a model run, maybe with scripts) refuses too', async () => {
      const outcome = await vscode.commands.executeCommand<{ ok: boolean; summary: string }>('speckit.chat.runHook', folder().split(path.sep).join('/'), 'speckit.agent-context.update', 'after_plan', 'refresh');
      assert.deepEqual([outcome.ok, outcome.summary], [false, 'this workspace is not trusted, so no hook runs']);
      assert.deepEqual(ran(), []);
    });
  });
}
