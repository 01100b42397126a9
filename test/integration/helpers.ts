// Shared helpers for the integration suites (they run inside a real VS Code extension host).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SpeckitTestApi } from '../../src/app';
import type { ScanJson } from '../../src/core/workspace/scanJson';

/** What activate() returns in ExtensionMode.Test (types only: the bundles share no code). */
export type { SpeckitTestApi };

/** publisher.name from package.json. */
export const EXTENSION_ID = 'speckit-vscode.speckit-vscode';

/** The sample workspaces in test/fixtures/workspaces. */
/** `untrusted` runs only its own suite, in Restricted Mode (see untrusted.test.ts). */
/** `openspec`: pantherOS's OpenSpec folder with an offline flake (openspec.test.ts). */
export type WorkspaceName = 'nixos-flake' | 'multi-root' | 'monorepo' | 'empty' | 'speckit-1.0' | 'untrusted' | 'openspec';
export const ALL_WORKSPACES: readonly WorkspaceName[] = ['nixos-flake', 'multi-root', 'monorepo', 'empty', 'speckit-1.0'];

/** A suite file: which sample workspaces it runs in, and its mocha suites. */
export interface SuiteModule {
  readonly workspaces: readonly WorkspaceName[];
  define(): void;
}

export type IndexSnapshot = ScanJson;
export type ProjectSnapshot = ScanJson['projects'][number];
export type FeatureSnapshot = ProjectSnapshot['features'][number];

/**
 * The sample workspace this session runs in. The harness copies each sample to
 * <tmp>/<name> (or opens <name>.code-workspace), so the folder or workspace file name tells;
 * SPECKIT_TEST_WORKSPACE overrides it for other runners.
 */
export function currentWorkspace(): string {
  const fromEnv = process.env['SPECKIT_TEST_WORKSPACE'];
  if (fromEnv) return fromEnv;
  const file = vscode.workspace.workspaceFile;
  if (file?.scheme === 'file') return path.basename(file.fsPath, '.code-workspace');
  const first = vscode.workspace.workspaceFolders?.[0];
  return first ? path.basename(first.uri.fsPath) : 'none';
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls a condition until it holds; fails with `what` after the timeout. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

export function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this VS Code`);
  return ext;
}

function isTestApi(value: unknown): value is SpeckitTestApi {
  const v = value as Partial<SpeckitTestApi> | undefined;
  return !!v && typeof v.whenIdle === 'function' && typeof v.snapshot === 'function' && typeof v.onDidChange === 'function';
}

/** The extension's test API, after its own activation (suites never force activation early). */
export async function testApi(): Promise<SpeckitTestApi> {
  const ext = extension();
  await waitUntil(() => ext.isActive, `${EXTENSION_ID} to activate`, 30_000);
  const api: unknown = ext.exports;
  assert.ok(isTestApi(api), 'activate() must return { whenIdle, snapshot, onDidChange } in ExtensionMode.Test');
  return api;
}

/**
 * Waits until the index satisfies `predicate`, re-checking after each change event and idle
 * point; on timeout the message carries the last snapshot so a failure is readable.
 */
export async function waitForSnapshot(
  api: SpeckitTestApi,
  predicate: (s: IndexSnapshot) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<IndexSnapshot> {
  const deadline = Date.now() + timeoutMs;
  let last: IndexSnapshot | undefined;
  for (;;) {
    await api.whenIdle();
    last = api.snapshot();
    if (predicate(last)) return last;
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last snapshot:\n${JSON.stringify(last, null, 2)}`);
    }
    await new Promise<void>((resolve) => {
      const sub = api.onDidChange(() => done());
      const timer = setTimeout(done, Math.min(remaining, 250));
      function done(): void {
        sub.dispose();
        clearTimeout(timer);
        resolve();
      }
    });
  }
}

/** Normalises a path or file URI string to a comparable absolute path. */
export function toFsPath(pathOrUri: string): string {
  return pathOrUri.startsWith('file:') ? vscode.Uri.parse(pathOrUri).fsPath : path.resolve(pathOrUri);
}

/** A feature folder's path relative to the first workspace folder that contains it. */
export function relativeToWorkspace(pathOrUri: string, base?: string): string {
  const abs = toFsPath(pathOrUri);
  const root = base ?? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(abs))?.uri.fsPath;
  return root ? path.relative(root, abs).split(path.sep).join('/') : abs;
}

export function folderUri(index = 0): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[index];
  assert.ok(folder, `workspace folder ${index} is missing`);
  return folder.uri;
}

export const encoder = new TextEncoder();
export const decoder = new TextDecoder();

export async function readText(uri: vscode.Uri): Promise<string> {
  return decoder.decode(await vscode.workspace.fs.readFile(uri));
}

export async function writeText(uri: vscode.Uri, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, encoder.encode(text));
}
