// Runs the integration suites in a real VS Code 1.139.1 (code-server's bundled server + headless
// Chromium), one session per sample workspace, then the end-to-end UI test, then the packaged VSIX
// installed as a user installs it (vsix.mjs).
// Usage: node test/harness/run.mjs [--only=nixos-flake,monorepo] [--no-e2e] [--e2e-only] [--no-vsix] [--vsix-only] [--verbose]
// (--only and --e2e-only also leave out the VSIX run; --vsix-only runs only it.)
// Expects `npm run build` and `node esbuild.mjs --tests` to have run (npm run test:integration does).
// Environment: SPECKIT_CACHE (install cache, default ~/.cache/speckit-vscode), SPECKIT_TEST_GREP
// (mocha grep inside the extension host), SPECKIT_TEST_SESSION_TIMEOUT_MS (default 900000: a hang guard, not a speed goal; a busy 2-core machine needs several minutes for nixos-flake),
// SPECKIT_TEST_VERBOSE=1 (also print the workbench console), SPECKIT_TEST_FAKE_ONLY=1 (load only the
// fake model as the development extension: proves the harness without a built extension).
// Artifacts of failed sessions: test-results/integration/<workspace>/; e2e screenshots:
// test-results/screenshots/.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startOpenAIServer } from '../fixtures/openai-server/server.mjs';
import { startGitHubServer } from '../fixtures/github-server/server.mjs';
import { runE2E } from './e2e.mjs';
import { ensureInstalled } from './install.mjs';
import { runVsix } from './vsix.mjs';
import {
  FAKE_LM,
  REPO_ROOT,
  RESULTS,
  copyIfExists,
  copyWorkspace,
  extensionErrorNotifications,
  installSignalHandlers,
  isNoise,
  launchBrowser,
  log,
  onCleanup,
  removeLater,
  runCleanups,
  startServer,
  withTimeout,
  workbenchUrl,
  writeText,
} from './lib.mjs';

// A session is a sample workspace, or `workspace:part` for one part of its suites in a VS Code of its
// own (nixos-flake's chat suites run apart from its editor suites: shorter sessions, and a hang in
// one part leaves the other's results). --only=nixos-flake runs every part of that workspace.
export const SESSIONS = ['nixos-flake', 'nixos-flake:chat', 'multi-root', 'monorepo', 'empty', 'speckit-1.0', 'untrusted', 'openspec'];
/** Sessions opened with workspace trust on and the folder not trusted (Restricted Mode). */
const UNTRUSTED = new Set(['untrusted']);
const REPORT_PREFIX = '[mocha] ';
const RESULT_PREFIX = '[speckit-test] result ';
const SESSION_TIMEOUT_MS = Number(process.env.SPECKIT_TEST_SESSION_TIMEOUT_MS ?? 900_000);
const TESTS_PATH = join(REPO_ROOT, 'out', 'test', 'integration', 'index.js');
const EXTENSION_MAIN = join(REPO_ROOT, 'dist', 'extension.js');

function parseArgs(argv) {
  const opts = { only: undefined, e2e: true, suites: true, vsix: true, verbose: !!process.env.SPECKIT_TEST_VERBOSE };
  for (const arg of argv) {
    if (arg.startsWith('--only=')) {
      opts.only = arg.slice(7).split(',').filter(Boolean);
      opts.vsix = false;
    } else if (arg === '--no-e2e') opts.e2e = false;
    else if (arg === '--e2e-only') {
      opts.suites = false;
      opts.vsix = false;
    } else if (arg === '--no-vsix') opts.vsix = false;
    else if (arg === '--vsix-only') {
      opts.suites = false;
      opts.e2e = false;
    }
    else if (arg === '--verbose') opts.verbose = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  return opts;
}

/** Text of one forwarded console entry (codeAutomationLog passes a level and a message). */
function textOf(args) {
  if (Array.isArray(args)) return args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  return typeof args === 'string' ? args : JSON.stringify(args);
}

/** One VS Code session: a fresh workspace copy, a fresh server, one browser page. */
async function runSession(browser, install, name, opts, openai, github) {
  const started = Date.now();
  const [workspace, part] = name.split(':');
  const copy = copyWorkspace(workspace);
  removeLater(copy.tmp);
  const resultsDir = join(RESULTS, 'integration', name);
  const server = await startServer(install, {
    dataDir: join(copy.tmp, 'vscode-data'),
    logFile: join(copy.tmp, 'server.log'),
    // SPECKIT_TEST_OPENAI_URL: the test OpenAI-compatible server the model-provider suites configure and script.
    // SPECKIT_TEST_GITHUB_URL: the test GitHub REST server the GitHub issues suite points its remote at.
    // NIX_CONFIG: the fixture flakes' builders run /bin/sh, which a sandboxed build sees only through
    // these paths (Debian's nix-setup-systemd turns the sandbox off; a machine whose nix.conf is gone has it on).
    env: {
      SPECKIT_TEST_WORKSPACE: workspace,
      SPECKIT_TEST_PART: part ?? '',
      SPECKIT_TEST_OPENAI_URL: openai.origin,
      SPECKIT_TEST_GITHUB_URL: github.origin,
      NIX_CONFIG: [process.env.NIX_CONFIG, 'extra-sandbox-paths = /bin /lib /lib64 /usr'].filter(Boolean).join('\n'),
    },
    // Only one extensionDevelopmentPath survives the web payload; the fake model is "installed".
    installed: process.env.SPECKIT_TEST_FAKE_ONLY ? [] : [FAKE_LM],
    trust: !UNTRUSTED.has(workspace),
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const consoleLines = [];
  let result;
  let lastBlank = true;
  // mocha's "N failing" section, kept so the run's last lines name what failed (CI shows only the tail).
  const failureLines = [];
  let inFailures = false;
  // The extension host's console reaches the page twice: as a page console message and through
  // codeAutomationLog. The report is taken from codeAutomationLog only; the page console goes to a file.
  const onText = (text, source) => {
    for (const line of text.split('\n')) {
      const i = line.indexOf(REPORT_PREFIX);
      const j = line.indexOf(RESULT_PREFIX);
      if (source === 'automation' && j >= 0) {
        try {
          result = JSON.parse(line.slice(j + RESULT_PREFIX.length).trim());
        } catch {
          /* a garbled line: the session then counts as failed */
        }
      } else if (source === 'automation' && i >= 0) {
        const report = line.slice(i + REPORT_PREFIX.length).replace(/\s+$/, '');
        // mocha pads its report with blank lines; keep one at a time.
        if (report === '' && lastBlank) continue;
        lastBlank = report === '';
        if (/^\s*\d+ failing\b/.test(report)) inFailures = true;
        else if (inFailures && failureLines.length < 60) failureLines.push(report);
        console.log(`  ${report}`);
      } else if (opts.verbose && i < 0 && j < 0 && line.trim() && !isNoise(line)) {
        console.log(`  [${source}] ${line}`);
      }
    }
  };
  page.on('console', (msg) => {
    const text = msg.text();
    consoleLines.push(`[${msg.type()}] ${text}`);
    onText(text, 'page');
  });
  page.on('pageerror', (err) => consoleLines.push(`[pageerror] ${err.stack ?? err}`));
  let windowLogs = [];
  const exit = new Promise((resolveExit) => {
    void page.exposeFunction('codeAutomationExit', (code, logs) => {
      windowLogs = Array.isArray(logs) ? logs : [];
      resolveExit(code);
    });
  });
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = textOf(args);
    consoleLines.push(`[automation:${type}] ${text}`);
    onText(text, 'automation');
  });

  const extensionPaths = process.env.SPECKIT_TEST_FAKE_ONLY ? [FAKE_LM] : [REPO_ROOT];
  const url = workbenchUrl(server.port, { folder: copy.folder, workspaceFile: copy.workspaceFile, extensionPaths, testsPath: TESTS_PATH });
  log(`session ${name}: VS Code on port ${server.port}, workspace ${copy.workspaceFile ?? copy.folder}`);

  let exitCode;
  let error;
  try {
    await page.goto(url, { timeout: 60_000 });
    exitCode = await withTimeout(exit, SESSION_TIMEOUT_MS, `the suites in ${name} to finish (no codeAutomationExit)`);
  } catch (err) {
    error = err;
  }

  let passed = result?.passed ?? 0;
  let failed = result?.failed ?? 0;
  if (error || exitCode !== 0 || !result) {
    // A crash, a timeout or a missing report: count it, so a broken session never looks green.
    if (failed === 0) failed = 1;
    const why = error?.message ?? (result ? `exit code ${exitCode}` : 'no result line from the suites');
    console.log(`  ✗ session ${name}: ${why}`);
    failureLines.push(`✗ ${why}`);
  }

  if (!process.env.SPECKIT_TEST_FAKE_ONLY) {
    const errors = await extensionErrorNotifications(page).catch((err) => [`could not read notifications: ${err.message}`]);
    if (errors.length === 0) {
      passed += 1;
      console.log(`  ✔ no error notifications from Spec Kit (${name})`);
    } else {
      failed += 1;
      console.log(`  ✗ error notifications from Spec Kit (${name}):\n${errors.map((e) => `      ${e}`).join('\n')}`);
      failureLines.push(`✗ error notifications: ${errors.join(' | ')}`);
    }
  }

  if (failed > 0) {
    await page.screenshot({ path: join(resultsDir, 'screenshot.png'), timeout: 10_000 }).catch(() => undefined);
    writeText(join(resultsDir, 'browser-console.log'), consoleLines.join('\n') + '\n');
    for (const l of windowLogs) writeText(join(resultsDir, 'window-logs', l.relativePath), l.contents);
  }
  await context.close().catch(() => undefined);
  await server.stop();
  if (failed > 0) {
    copyIfExists(server.logFile, join(resultsDir, 'server.log'));
    // Server, remote agent and extension host logs (exthost*/remoteexthost.log).
    copyIfExists(join(server.dataDir, 'user', 'logs'), join(resultsDir, 'server-logs'));
    log(`session ${name}: artifacts in ${resultsDir}`);
  }
  const seconds = (Date.now() - started) / 1000;
  log(`session ${name}: ${passed} passed, ${failed} failed in ${seconds.toFixed(1)} s`);
  return { name, passed, failed, seconds, failures: failureLines.filter((l) => l.trim() !== '') };
}

async function main() {
  installSignalHandlers();
  const opts = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  for (const f of [EXTENSION_MAIN, TESTS_PATH]) {
    if (!process.env.SPECKIT_TEST_FAKE_ONLY || f === TESTS_PATH) {
      if (!existsSync(f)) throw new Error(`${f} is missing: run npm run build && node esbuild.mjs --tests first`);
    }
  }
  const install = await ensureInstalled();
  rmSync(join(RESULTS, 'integration'), { recursive: true, force: true });
  rmSync(join(RESULTS, 'screenshots'), { recursive: true, force: true });
  const browser = await launchBrowser(install);
  const openai = await startOpenAIServer();
  onCleanup(() => openai.close());
  const github = await startGitHubServer();
  onCleanup(() => github.close());

  const sessions = opts.only ? SESSIONS.filter((s) => opts.only.includes(s) || opts.only.includes(s.split(':')[0])) : SESSIONS;
  for (const s of opts.only ?? []) if (!SESSIONS.some((x) => x === s || x.split(':')[0] === s)) throw new Error(`unknown workspace ${s}; known: ${SESSIONS.join(', ')}`);
  const results = [];
  if (opts.suites) {
    for (const name of sessions) {
      try {
        openai.reset();
        github.reset();
        results.push(await runSession(browser, install, name, opts, openai, github));
      } catch (err) {
        console.log(`  ✗ session ${name} could not run: ${err.message}`);
        results.push({ name, passed: 0, failed: 1, seconds: 0 });
      }
    }
  }
  if (opts.e2e && !process.env.SPECKIT_TEST_FAKE_ONLY) {
    try {
      results.push(await runE2E({ browser, install, verbose: opts.verbose }));
    } catch (err) {
      console.log(`  ✗ end-to-end test could not run: ${err.message}`);
      results.push({ name: 'e2e', passed: 0, failed: 1, seconds: 0 });
    }
  }

  // Last: packaging rebuilds dist/ for production, which the sessions above must not see half-written.
  if (opts.vsix && !process.env.SPECKIT_TEST_FAKE_ONLY) {
    try {
      results.push(await runVsix({ browser, install, verbose: opts.verbose }));
    } catch (err) {
      console.log(`  ✗ the packaged VSIX could not be checked: ${err.message}`);
      results.push({ name: 'vsix', passed: 0, failed: 1, seconds: 0 });
    }
  }

  await runCleanups();
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  log(`sessions: ${results.map((r) => `${r.name} ${r.seconds.toFixed(0)} s`).join(', ')}; total ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  for (const r of results.filter((x) => x.failed > 0)) {
    console.log(`[harness] failed in ${r.name}:`);
    for (const line of r.failures ?? ['(see the session output above)']) console.log(`    ${line}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
}

main().catch(async (err) => {
  console.error(`[harness] ${err.stack ?? err}`);
  await runCleanups();
  console.log('0 passed, 1 failed');
  process.exit(1);
});
