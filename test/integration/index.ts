// Entry point for the integration suites (extensionTestsPath). Host-agnostic: the offline
// harness (test/harness/run.mjs) and @vscode/test-electron both call run().
import { format } from 'node:util';
import Mocha from 'mocha';
import * as activation from './activation.test';
import * as chat from './chat.test';
import * as chatAsk from './chatAsk.test';
import * as chatImplement from './chatImplement.test';
import * as dashboard from './dashboard.test';
import * as explorer from './explorer.test';
import * as fakeLm from './fakeLm.test';
import * as githubIssues from './githubIssues.test';
import { currentWorkspace, type SuiteModule } from './helpers';
import * as initProject from './initProject.test';
import * as languageServer from './languageServer.test';
import * as modelProvider from './modelProvider.test';
import * as nix from './nix.test';
import * as openspec from './openspec.test';
import * as taskLens from './taskLens.test';
import * as speckitInterop from './speckitInterop.test';
import * as speckitInteropChat from './speckitInteropChat.test';
import * as speckitInteropUntrusted from './speckitInteropUntrusted.test';
import * as untrusted from './untrusted.test';
import * as workspaceIndex from './workspaceIndex.test';
import * as firstScan from './firstScan.test';

/** Every suite file; each says which sample workspaces it belongs to. */
const SUITES: readonly SuiteModule[] = [firstScan, activation, workspaceIndex, fakeLm, explorer, taskLens, initProject, nix, languageServer, chat, chatAsk, chatImplement, speckitInterop, speckitInteropChat, dashboard, modelProvider, githubIssues, untrusted, speckitInteropUntrusted, openspec];

/** Marks the lines the harness prints as mocha's report; everything else in the console is noise. */
export const REPORT_PREFIX = '[mocha] ';
/** The last line: machine-readable counts, summed by the harness over sessions. */
export const RESULT_PREFIX = '[speckit-test] result ';

/**
 * Suites that run in a session of their own (the harness's `nixos-flake:chat`): the chat drives
 * many long model turns, and apart from the editor suites a slow or hung turn costs only its part.
 */
const PARTS: Readonly<Record<string, readonly SuiteModule[]>> = { chat: [fakeLm, chat, chatAsk, chatImplement, modelProvider, githubIssues] };

/** Whether a suite belongs to this session's part (SPECKIT_TEST_PART; empty = every suite not in a part). */
function inPart(suite: SuiteModule): boolean {
  const part = process.env['SPECKIT_TEST_PART'];
  if (part) return PARTS[part]?.includes(suite) ?? false;
  // Without the harness (e.g. @vscode/test-cli) every suite runs in one session.
  if (process.env['SPECKIT_TEST_PART'] === undefined) return true;
  return !Object.values(PARTS).some((suites) => suites.includes(suite));
}

/** Defines the suites that belong to `workspace` (and this session's part); returns how many suite files it used. */
function defineSuites(workspace: string): number {
  const selected = SUITES.filter((s) => (s.workspaces as readonly string[]).includes(workspace) && inPart(s));
  for (const s of selected) s.define();
  return selected.length;
}

// @vscode/test-cli (.vscode-test.mjs) loads this bundle as a spec file into its own mocha, with the
// tdd globals already installed and without calling run(): define the suites right away then.
if (typeof (globalThis as { suite?: unknown }).suite === 'function' && typeof (globalThis as { test?: unknown }).test === 'function') {
  defineSuites(currentWorkspace());
}

export function run(): Promise<void> {
  const workspace = currentWorkspace();
  const mocha = new Mocha({
    ui: 'tdd',
    reporter: 'spec',
    color: false,
    timeout: 30_000,
    ...(process.env['SPECKIT_TEST_GREP'] ? { grep: process.env['SPECKIT_TEST_GREP'] } : {}),
  });
  // The spec reporter writes through Base.consoleLog; prefix each line so the harness can pick
  // the report out of the extension host's forwarded console.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => {
    for (const line of format(...args).split('\n')) console.log(REPORT_PREFIX + line);
  };
  // The suites are bundled into this file, so define them directly instead of mocha.addFile():
  // emitting pre-require installs suite/test/setup globals for the tdd interface.
  mocha.suite.emit('pre-require', globalThis, 'bundle', mocha);
  const selected = defineSuites(workspace);
  console.log(`${REPORT_PREFIX}workspace ${workspace}: ${selected} suite file(s)`);

  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const { passes = 0, failures: failed = failures, pending = 0 } = runner.stats ?? {};
        console.log(RESULT_PREFIX + JSON.stringify({ workspace, passed: passes, failed, pending }));
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed in ${workspace}`));
        else if (selected === 0) reject(new Error(`no suites for workspace ${workspace}`));
        else resolve();
      });
    } catch (err) {
      console.log(RESULT_PREFIX + JSON.stringify({ workspace, passed: 0, failed: 1, pending: 0 }));
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
