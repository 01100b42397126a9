// Shared pieces of the offline VS Code harness: workspace copies, the bundled VS Code server,
// headless Chromium and cleanup of exactly the processes and folders this run created.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');
export const WORKSPACES = join(FIXTURES, 'workspaces');
export const FAKE_LM = join(FIXTURES, 'fake-lm');
export const RESULTS = join(REPO_ROOT, 'test-results');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  // Without these Chromium floods the closed network with connection attempts.
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const cleanups = [];
let exiting = false;

/** Registers a cleanup step; run in reverse order by runCleanups() and on SIGINT/SIGTERM. */
export function onCleanup(fn) {
  cleanups.push(fn);
  return () => {
    const i = cleanups.indexOf(fn);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

export async function runCleanups() {
  while (cleanups.length > 0) {
    const fn = cleanups.pop();
    try {
      await fn();
    } catch (err) {
      console.error(`[harness] cleanup failed: ${err?.message ?? err}`);
    }
  }
}

/** True once a signal started the shutdown (child exits are then expected). */
export function isStopping() {
  return exiting;
}

/** Ctrl+C / kill: stop what we started, then exit. */
export function installSignalHandlers() {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (exiting) return;
      exiting = true;
      console.error(`\n[harness] ${signal}: stopping`);
      const hardExit = setTimeout(() => process.exit(130), 10_000);
      hardExit.unref();
      void runCleanups().finally(() => process.exit(130));
    });
  }
}

export function log(msg) {
  console.log(`[harness] ${msg}`);
}

/** Rejects with a clear message when a promise does not settle in time. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${Math.round(ms / 1000)} s: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

function git(cwd, args) {
  const r = spawnSync(
    'git',
    ['-c', 'user.name=Spec Kit Test', '-c', 'user.email=speckit-test@example.invalid', '-c', 'commit.gpgsign=false', ...args],
    { cwd, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${r.stderr}`);
  return r.stdout;
}

/** Settings every sample workspace copy gets. */
const TEST_SETTINGS = { 'files.autoSave': 'off' };

/**
 * Copies a sample workspace to <fresh tmp>/<name> (tests change files; the fixtures must stay
 * untouched) and makes it a git repository with one commit. The folder keeps the fixture's name
 * so the suite index can tell which workspace it runs in.
 * Returns { root, folder, workspaceFile?, name }.
 */
export function copyWorkspace(name, { prefix = 'speckit-it-' } = {}) {
  const source = join(WORKSPACES, name);
  if (!existsSync(source)) throw new Error(`no sample workspace ${source}`);
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  const folder = join(tmp, name);
  cpSync(source, folder, { recursive: true });
  rmSync(join(folder, '.gitkeep'), { force: true });
  const workspaceFile = join(folder, `${name}.code-workspace`);
  // VS Code for the Web saves after a delay by default; tests of unsaved editors need it off, as on desktop.
  if (existsSync(workspaceFile)) {
    const ws = JSON.parse(readFileSync(workspaceFile, 'utf8'));
    ws.settings = { ...ws.settings, ...TEST_SETTINGS };
    writeFileSync(workspaceFile, JSON.stringify(ws, null, 2));
  } else {
    mkdirSync(join(folder, '.vscode'), { recursive: true });
    writeFileSync(join(folder, '.vscode', 'settings.json'), JSON.stringify(TEST_SETTINGS, null, 2));
  }
  git(folder, ['init', '-q', '-b', 'main']);
  git(folder, ['add', '-A']);
  git(folder, ['commit', '-q', '--allow-empty', '-m', `Sample workspace ${name}`]);
  return { name, tmp, folder, workspaceFile: existsSync(workspaceFile) ? workspaceFile : undefined };
}

/** Kills a detached child's whole process group, politely first. */
export async function killGroup(child, label) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const pid = child.pid;
  const exited = new Promise((r) => child.once('exit', r));
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  const done = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 5000))]);
  if (!done) {
    console.error(`[harness] ${label} (pid ${pid}) ignored SIGTERM; killing`);
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/**
 * Registers extension folders as installed (in place, without copying) in the profile's
 * extensions.json. Needed because the web workbench keeps the URL payload in a Map, so only the
 * last `extensionDevelopmentPath` survives: the extension under test is the development
 * extension, helpers such as the fake model are "installed".
 */
export function registerInstalledExtensions(extensionsDir, folders) {
  mkdirSync(extensionsDir, { recursive: true });
  // Keep what `--install-extension` put there (the packaged VSIX run installs ours that way).
  const file = join(extensionsDir, 'extensions.json');
  const existing = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
  const added = folders.map((folder) => {
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
    return {
      identifier: { id: `${manifest.publisher}.${manifest.name}`.toLowerCase() },
      version: manifest.version,
      location: { $mid: 1, path: folder, scheme: 'file' },
      metadata: { installedTimestamp: Date.now(), source: 'resource', pinned: true },
    };
  });
  writeFileSync(file, JSON.stringify([...existing, ...added]));
}

/**
 * Starts VS Code's bundled server (not code-server's CLI, which rejects
 * --enable-smoke-test-driver; without that flag the payload's test paths are ignored).
 * Resolves once the extension host agent listens. Returns { child, port, dataDir, logFile, stop }.
 */
export async function startServer(install, { dataDir, logFile, env = {}, installed = [], port: wanted, timeoutMs = 60_000, trust = true }) {
  const port = wanted ?? (await freePort());
  mkdirSync(dataDir, { recursive: true });
  registerInstalledExtensions(join(dataDir, 'ext'), installed);
  mkdirSync(dirname(logFile), { recursive: true });
  const out = createWriteStream(logFile);
  const args = [
    install.serverMain,
    '--host', '127.0.0.1',
    '--port', String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--enable-smoke-test-driver',
    // trust: false keeps workspace trust on, so a folder opened for the first time is in Restricted Mode.
    ...(trust ? ['--disable-workspace-trust'] : []),
    '--disable-telemetry',
    '--server-data-dir', join(dataDir, 'server'),
    '--user-data-dir', join(dataDir, 'user'),
    '--extensions-dir', join(dataDir, 'ext'),
  ];
  const child = spawn(install.nodeBin, args, {
    detached: true, // own process group: stopping it also stops the extension hosts it forked
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const stop = () => killGroup(child, 'VS Code server');
  const unregister = onCleanup(stop);
  let seen = '';
  const ready = new Promise((resolveReady, reject) => {
    const onData = (chunk) => {
      out.write(chunk);
      if (seen !== null) {
        seen = (seen + chunk.toString()).slice(-4000);
        if (/Extension host agent listening/i.test(seen)) {
          seen = null;
          resolveReady();
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`VS Code server exited early (code ${code}, signal ${signal}); see ${logFile}`)));
    child.once('error', reject);
  });
  try {
    await withTimeout(ready, timeoutMs, `VS Code server to listen on port ${port} (log: ${logFile})`);
  } catch (err) {
    await stop();
    unregister();
    throw err;
  }
  return {
    child,
    port,
    dataDir,
    logFile,
    async stop() {
      await stop();
      unregister();
      out.end();
    },
  };
}

/** Headless Debian Chromium through playwright-core (never `playwright install`). */
export async function launchBrowser(install) {
  const { chromium } = await import('playwright-core');
  const browser = await withTimeout(
    chromium.launch({ executablePath: install.chromium, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 }),
    70_000,
    'Chromium to start',
  );
  onCleanup(() => withTimeout(browser.close(), 10_000, 'Chromium to close').catch(() => undefined));
  return browser;
}

/** The workbench URL for a folder or a .code-workspace file, with development extensions. */
export function workbenchUrl(port, { folder, workspaceFile, extensionPaths = [], testsPath }) {
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = extensionPaths.map((p) => ['extensionDevelopmentPath', remote(p)]);
  if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
  payload.push(['skipWelcome', 'true']);
  const target = workspaceFile ? `workspace=${encodeURIComponent(workspaceFile)}` : `folder=${encodeURIComponent(folder)}`;
  return `http://127.0.0.1:${port}/?${target}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Console noise from the closed network and the web build, not from our code. */
const NOISE = [
  /ERR_NAME_NOT_RESOLVED|ENOTFOUND|Failed to fetch|net::ERR_/,
  /open-vsx|marketplace|gallery|vscode-cdn|update\.code|github\.com|copilot/i,
  /WebGL|GPU stall|GroupMarkerNotSet/,
  /webviewElement|service worker/i,
];
export function isNoise(text) {
  return NOISE.some((re) => re.test(text));
}

/**
 * Error notifications shown by the workbench that concern our extension. Read from the DOM, since
 * the extension API cannot list notifications. In this build the toasts stay hidden during tests,
 * so the notification centre is opened (the status-bar bell) and its list read.
 */
export async function extensionErrorNotifications(page) {
  const centre = page.locator('.notifications-center');
  if (!(await centre.isVisible().catch(() => false))) {
    await page.locator('[id="status.notifications"]').click({ timeout: 10_000 });
    await centre.waitFor({ state: 'visible', timeout: 10_000 });
  }
  return page.evaluate(() => {
    const items = [...document.querySelectorAll('.notifications-center .notification-list-item, .notifications-toasts .notification-list-item')];
    return items
      .filter((item) => item.querySelector('.codicon-error, .codicon-notifications-error, .severity-error'))
      .map((item) => item.textContent?.replace(/\s+/g, ' ').trim() ?? '')
      .filter((text) => /spec ?kit|speckit/i.test(text));
  });
}

export function writeText(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** Copies a folder if it exists (logs for a failed session). */
export function copyIfExists(from, to) {
  if (!existsSync(from)) return false;
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to, { recursive: true });
  return true;
}

export function removeLater(dir) {
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
}

export { basename };

/**
 * Right-clicks a tree row and picks an item from its context menu, as a person would. Each attempt
 * is short and starts with Escape (a hover or a stale menu over the row blocks the click; a tree
 * that refreshes can move the row), and a failure says what the last attempt met.
 */
export async function pickFromContextMenu(page, row, label, timeoutMs = 30_000) {
  const item = page.locator('.context-view .action-label', { hasText: label }).first();
  const deadline = Date.now() + timeoutMs;
  const firstLine = (e) => String(e?.message ?? e).split('\n')[0];
  let seen = 'no attempt';
  while (Date.now() < deadline) {
    await page.keyboard.press('Escape');
    const rowText = (await row.innerText({ timeout: 5000 }).catch(() => '(row not found)')).replace(/\s+/g, ' ').trim();
    const opened = await row.click({ button: 'right', timeout: 5000 }).then(
      () => true,
      (e) => ((seen = `right-clicking "${rowText}" failed: ${firstLine(e)}`), false),
    );
    if (opened && (await item.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false))) {
      if (await item.click({ timeout: 5000 }).then(() => true, (e) => ((seen = `"${label}" could not be clicked: ${firstLine(e)}`), false))) return;
    } else if (opened) {
      const labels = await page.evaluate(() => [...document.querySelectorAll('.context-view .action-label')].map((a) => a.textContent?.trim()).filter(Boolean));
      seen = labels.length ? `the menu of "${rowText}" offered ${labels.join(' | ')}` : `no menu opened on "${rowText}"`;
    }
    await page.waitForTimeout(300);
  }
  throw new Error(`"${label}" was not picked from the context menu: ${seen}`);
}

/** One line on what the workbench shows, printed when a UI step fails (CI keeps only the log). */
export async function describeWorkbench(page) {
  return page
    .evaluate(() => {
      const text = (el) => el?.textContent?.replace(/\s+/g, ' ').trim().slice(0, 80) ?? '-';
      const rows = [...document.querySelectorAll('.part.sidebar .monaco-list-row')].slice(0, 8).map((r) => text(r));
      const menu = [...document.querySelectorAll('.context-view .action-label')].map((a) => text(a)).filter(Boolean);
      return [
        `side bar: ${text(document.querySelector('.part.sidebar .title-label'))} [${rows.join(' ; ')}]`,
        `active tab: ${text(document.querySelector('.tabs-container .tab.active'))}`,
        `menu: ${menu.length ? menu.join(' | ') : 'none'}`,
        `focus: ${document.activeElement?.className?.toString().slice(0, 60) ?? '-'}`,
        `quick input: ${document.querySelector('.quick-input-widget')?.checkVisibility?.() ? 'open' : 'closed'}`,
      ].join('; ');
    })
    .catch((e) => `the workbench could not be read: ${e.message}`);
}

/**
 * Runs UI steps in order in one page and prints each. The first failure ends the run (later steps
 * build on it) and prints what the workbench showed, since CI keeps only the log.
 */
export async function runUiSteps(page, steps, args, result) {
  for (const step of steps) {
    const t = Date.now();
    try {
      await step.run(args);
      result.passed += 1;
      console.log(`    ✔ ${step.name} (${Date.now() - t}ms)`);
    } catch (err) {
      failStep(result, step.name, err);
      console.log(`      ${await describeWorkbench(page)}`);
      return;
    }
  }
}

/** Counts and prints a failed step; the harness lists `failures` at the end of the run. */
export function failStep(result, name, err) {
  const first = String(err?.message ?? err).split('\n')[0];
  result.failed += 1;
  result.failures.push(`${name}: ${first}`);
  console.log(`    ✗ ${name}\n      ${first}`);
}

/** Keeps what explains a failed UI session: a screenshot and the browser's console, then (after the server stopped) its logs. */
export async function saveFailedPage(page, dir, consoleLines) {
  await page.screenshot({ path: join(dir, 'screenshot.png'), timeout: 10_000 }).catch(() => undefined);
  writeText(join(dir, 'browser-console.log'), consoleLines.join('\n') + '\n');
}

export function saveServerLogs(server, dir) {
  copyIfExists(server.logFile, join(dir, 'server.log'));
  copyIfExists(join(server.dataDir, 'user', 'logs'), join(dir, 'server-logs'));
}

/** Runs a harness session on its own (`node test/harness/<name>.mjs`) and exits with its result. */
export function runAlone(name, session) {
  installSignalHandlers();
  session()
    .then(async (r) => {
      await runCleanups();
      console.log(`${r.passed} passed, ${r.failed} failed`);
      process.exit(r.failed > 0 || r.passed === 0 ? 1 : 0);
    })
    .catch(async (err) => {
      console.error(`[${name}] ${err.stack ?? err}`);
      await runCleanups();
      console.log('0 passed, 1 failed');
      process.exit(1);
    });
}
