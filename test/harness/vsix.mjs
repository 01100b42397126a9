// The packaged extension, installed the way a user installs it: `npm run package` writes the VSIX,
// the VS Code server installs it with `--install-extension` (not as a development path), and a
// browser checks, as a person would see it, that it works: the extension activates from its install
// folder, the Spec Explorer fills, the language server runs from the packaged dist/server.js, the
// walkthrough is listed, `@speckit /speckit.status` answers and the README's images load.
// Anything that works only from the source tree (a path into src/ or test/, a dependency left out of
// the bundle) fails here. Run by run.mjs after the suites, or alone: node test/harness/vsix.mjs
import { spawnSync } from 'node:child_process';
import { inflateRawSync } from 'node:zlib';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanEnv, ensureInstalled } from './install.mjs';
import {
  FAKE_LM,
  REPO_ROOT,
  RESULTS,
  copyWorkspace,
  extensionErrorNotifications,
  failStep,
  isNoise,
  launchBrowser,
  log,
  removeLater,
  runAlone,
  runUiSteps,
  saveFailedPage,
  saveServerLogs,
  startServer,
} from './lib.mjs';

const WORKSPACE = 'nixos-flake';
const STEP_TIMEOUT_MS = 45_000;
/** The VSIX budget (issue #11): the whole package, images and webview assets included. */
export const VSIX_BUDGET_BYTES = 1024 * 1024;

/** The entries of a zip file (name and uncompressed size), read from its central directory. */
export function zipEntries(file) {
  const buf = readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${n}`);
    const size = buf.readUInt32LE(at + 24);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const method = buf.readUInt16LE(at + 10);
    const compressed = buf.readUInt32LE(at + 20);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
    entries.push({
      name,
      size,
      /** The entry's bytes (stored or deflated, the two methods VSIX writers use). */
      read() {
        const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
        const raw = buf.subarray(start, start + compressed);
        if (method === 0) return raw;
        if (method === 8) return inflateRawSync(raw);
        throw new Error(`${name}: compression method ${method}`);
      },
    });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** `npm run package` as a user runs it; returns the VSIX's path. */
export function packageVsix() {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
  const expected = join(REPO_ROOT, `${manifest.name}-${manifest.version}.vsix`);
  const r = spawnSync('npm', ['run', 'package'], { cwd: REPO_ROOT, encoding: 'utf8', env: cleanEnv(), timeout: 300_000 });
  if (r.status !== 0) throw new Error(`npm run package failed (exit ${r.status}):\n${(r.stdout + r.stderr).slice(-3000)}`);
  if (!readdirSync(REPO_ROOT).includes(`${manifest.name}-${manifest.version}.vsix`)) throw new Error(`npm run package did not write ${expected}`);
  return expected;
}

/** What must (and must not) be in the package. Returns a list of problems. */
export function checkVsixContents(vsix) {
  const problems = [];
  const size = statSync(vsix).size;
  if (size > VSIX_BUDGET_BYTES) problems.push(`the VSIX is ${(size / 1024).toFixed(0)} KB, over the ${VSIX_BUDGET_BYTES / 1024} KB budget`);
  const entries = zipEntries(vsix);
  const names = entries.map((e) => e.name);
  for (const required of ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/server.js', 'extension/dist/firstScanWorker.js', 'extension/dist/cliParsers.js', 'extension/dist/cliYaml.js', 'extension/dist/webview/dashboard.js', 'extension/dist/webview/dashboard.css', 'extension/readme.md']) {
    if (!names.includes(required)) problems.push(`${required} is missing`);
  }
  if (!names.some((n) => n.startsWith('extension/prompts/'))) problems.push('the prompts are missing');
  for (const n of names) {
    if (/^extension\/(src|test|out|node_modules|bench)\//.test(n) || n.endsWith('.map') || n.endsWith('.ts')) problems.push(`${n} should not be packaged`);
  }
  // The extension page loads README images only over https (its Content Security Policy; data: URIs
  // are stripped): vsce points them at the repository's raw files, which must exist there.
  const readme = entries.find((e) => e.name === 'extension/readme.md');
  const images = readme ? [...readme.read().toString('utf8').matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]) : [];
  if (images.length === 0) problems.push('the packaged README shows no images');
  const raw = `${repositoryUrl()}/raw/HEAD/`;
  for (const target of images) {
    if (!target.startsWith(raw)) problems.push(`README image ${target.slice(0, 100)} is not a file of ${repositoryUrl()}`);
    else if (!trackedFiles().has(target.slice(raw.length))) problems.push(`README image ${target} names a file git does not track`);
  }
  return { size, files: names.length, problems };
}

/** The repository the manifest names (vsce makes the README's relative links absolute with it). */
export function repositoryUrl() {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
  const url = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
  if (!url) throw new Error('package.json names no repository');
  return url.replace(/\.git$/, '').replace(/\/$/, '');
}

let tracked;
function trackedFiles() {
  tracked ??= new Set(spawnSync('git', ['ls-files'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout.split('\n').filter(Boolean));
  return tracked;
}

/** The command lines of this machine's processes (the language server runs beside the extension host). */
function processCommandLines() {
  const r = spawnSync('ps', ['-eo', 'args='], { encoding: 'utf8' });
  return r.stdout.split('\n');
}

function steps(ctx) {
  const rows = (page) => page.locator('.part.sidebar .monaco-list-row');
  const runCommand = async (page, title) => {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ timeout: STEP_TIMEOUT_MS });
    await page.keyboard.type(title, { delay: 10 });
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
    await page.keyboard.press('Enter');
  };
  return [
    {
      name: 'the VSIX is within budget and holds exactly what the extension needs',
      async run() {
        const { size, files, problems } = checkVsixContents(ctx.vsix);
        ctx.size = size;
        log(`vsix: ${ctx.vsix} — ${(size / 1024).toFixed(0)} KB, ${files} files`);
        if (problems.length) throw new Error(problems.join('; '));
      },
    },
    {
      name: 'the installed extension activates and the Spec Explorer fills',
      async run({ page }) {
        await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
        const item = page.locator('.part.activitybar .action-item:has(a[aria-label^="Spec Kit"])').first();
        await item.waitFor({ timeout: STEP_TIMEOUT_MS });
        await item.click();
        await rows(page).filter({ hasText: '001-postgresql-database' }).filter({ hasText: /Implementing \d+\/\d+/ }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
      },
    },
    {
      name: 'the language server runs from the packaged dist/server.js',
      async run({ page }) {
        // Opening a spec file starts the server (it starts with the first spec-kit document). On a
        // loaded machine Quick Open can take the Enter before its results settle: try again then.
        for (let attempt = 1; ; attempt++) {
          await page.keyboard.press('Escape');
          await page.keyboard.press('Control+P');
          await page.locator('.quick-input-widget .quick-input-box input').waitFor({ timeout: STEP_TIMEOUT_MS });
          await page.keyboard.type('001-postgresql-database/tasks.md', { delay: 10 });
          await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'tasks.md' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
          await page.keyboard.press('Enter');
          const opened = await page
            .locator('.tabs-container .tab.active', { hasText: 'tasks.md' })
            .waitFor({ timeout: 15_000 })
            .then(() => true, () => false);
          if (opened) break;
          if (attempt === 3) throw new Error('Quick Open did not open tasks.md in three attempts');
        }
        const packaged = join(ctx.extensionsDir, ctx.extensionFolder, 'dist', 'server.js');
        const deadline = Date.now() + STEP_TIMEOUT_MS;
        for (;;) {
          const lines = processCommandLines();
          if (lines.some((l) => l.includes(packaged))) break;
          if (lines.some((l) => l.includes(join(REPO_ROOT, 'dist', 'server.js')))) throw new Error('the language server runs from the source tree, not the package');
          if (Date.now() > deadline) throw new Error(`no process runs ${packaged}`);
          await page.waitForTimeout(300);
        }
        // Its lenses show in the editor: the extension host side works from the package too.
        await page.locator('.monaco-editor .codelens-decoration', { hasText: /\d+\/\d+ done/ }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
      },
    },
    {
      name: 'the walkthrough is listed',
      async run({ page }) {
        await runCommand(page, 'Welcome: Open Walkthrough...');
        await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Spec-Driven Development with Spec Kit' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
        await page.keyboard.press('Escape');
      },
    },
    {
      name: '@speckit /speckit.status answers in the chat view',
      async run({ page, copy }) {
        writeFileSync(join(copy.folder, '.vscode', 'fake-lm-select'), '');
        const input = page.locator('.interactive-input-part .monaco-editor').first();
        await input.waitFor({ timeout: STEP_TIMEOUT_MS });
        await input.click();
        // The chat view sends a request only with a model picked (the test model picks itself).
        await page.locator('.interactive-input-part', { hasText: 'Spec Kit Test' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
        await input.click();
        await page.keyboard.type('@speckit /speckit.status', { delay: 20 });
        await page.keyboard.press('Escape'); // close the completion list, keep the text
        await input.click();
        await page.keyboard.press('End');
        await page.keyboard.press('Enter');
        await page.locator('.interactive-response', { hasText: '001-postgresql-database' }).last().waitFor({ timeout: 60_000 });
        const file = join(RESULTS, 'screenshots', 'vsix-status.png');
        await page.screenshot({ path: file, timeout: 15_000 });
      },
    },
    {
      name: "the extension's page shows the README with its images",
      async run({ page }) {
        await runCommand(page, 'Extensions: Show Installed Extensions');
        const entry = page.locator('.extensions-viewlet .monaco-list-row', { hasText: 'Spec Kit for VS Code' }).first();
        await entry.waitFor({ timeout: STEP_TIMEOUT_MS });
        await entry.click();
        await page.locator('.extension-editor').waitFor({ timeout: STEP_TIMEOUT_MS });
        // The README renders in a webview (nested frames): find the frame that holds it.
        const deadline = Date.now() + STEP_TIMEOUT_MS;
        let last = 'no README frame';
        for (;;) {
          for (const frame of page.frames()) {
            const state = await frame
              .evaluate(() => {
                const imgs = [...document.querySelectorAll('img')].filter((i) => /\/raw\/HEAD\/docs\//.test(i.src));
                if (!document.body || !/Spec Kit for VS Code/.test(document.body.textContent ?? '')) return undefined;
                return { total: imgs.length, loaded: imgs.filter((i) => i.complete && i.naturalWidth > 0).length, srcs: imgs.map((i) => i.src) };
              })
              .catch(() => undefined);
            if (state) {
              last = `${state.loaded} of ${state.total} README images loaded (${state.srcs.join(', ')})`;
              if (state.total > 0 && state.loaded === state.total) return;
            }
          }
          if (Date.now() > deadline) throw new Error(last);
          await page.waitForTimeout(500);
        }
      },
    },
  ];
}

/** Installs the packaged VSIX into a fresh VS Code and checks it; returns { name, passed, failed, seconds }. */
export async function runVsix({ browser, install, verbose = false }) {
  const started = Date.now();
  console.log('\n  packaged VSIX (npm run package, --install-extension)');
  const vsix = packageVsix();
  const copy = copyWorkspace(WORKSPACE, { prefix: 'speckit-vsix-' });
  removeLater(copy.tmp);
  // The test model picks itself in the chat view when asked (the status command needs no model,
  // but the chat view sends nothing without one).
  writeFileSync(join(copy.folder, '.vscode', 'fake-lm.json'), JSON.stringify({ selectModel: true, replies: [] }));
  const dataDir = join(copy.tmp, 'vscode-data');
  const extensionsDir = join(dataDir, 'ext');
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
  // The user's way: the server's own CLI installs the file into its extensions folder.
  const installed = spawnSync(
    install.nodeBin,
    [install.serverMain, '--accept-server-license-terms', '--install-extension', vsix, '--extensions-dir', extensionsDir, '--server-data-dir', join(dataDir, 'server'), '--user-data-dir', join(dataDir, 'user')],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (installed.status !== 0 || !/successfully installed/.test(installed.stdout)) {
    throw new Error(`--install-extension failed (exit ${installed.status}): ${installed.stdout}${installed.stderr}`);
  }
  const server = await startServer(install, { dataDir, logFile: join(copy.tmp, 'server.log'), installed: [FAKE_LM] });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  // GitHub's raw file server, as it answers for this repository: the committed file at that path.
  // (This machine has no network; the stand-in exists only in this test.)
  const raw = `${repositoryUrl()}/raw/HEAD/`;
  await context.route(`${raw}**`, (route) => {
    const path = route.request().url().slice(raw.length).split(/[?#]/)[0];
    if (!trackedFiles().has(path)) return route.fulfill({ status: 404, body: 'Not Found' });
    return route.fulfill({ status: 200, contentType: 'image/png', body: readFileSync(join(REPO_ROOT, path)) });
  });
  const page = await context.newPage();
  const consoleLines = [];
  page.on('console', (msg) => {
    consoleLines.push(`[${msg.type()}] ${msg.text()}`);
    if (verbose && !isNoise(msg.text())) console.log(`  [page] ${msg.text()}`);
  });
  // No development path, no test path: the workbench as a user opens it.
  const url = `http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(copy.folder)}&payload=${encodeURIComponent(JSON.stringify([['skipWelcome', 'true']]))}`;
  const ctx = { vsix, extensionsDir, extensionFolder: `${manifest.publisher}.${manifest.name}-${manifest.version}`.toLowerCase() };
  const result = { passed: 0, failed: 0, failures: [] };
  try {
    await page.goto(url, { timeout: 60_000 });
    await runUiSteps(page, steps(ctx), { page, copy }, result);
    if (result.failed === 0) {
      const errors = await extensionErrorNotifications(page).catch((err) => [`could not read notifications: ${err.message}`]);
      if (errors.length === 0) {
        result.passed += 1;
        console.log('    ✔ no error notifications from Spec Kit (packaged)');
      } else {
        failStep(result, 'no error notifications from Spec Kit (packaged)', errors.join(' · '));
      }
    }
  } catch (err) {
    failStep(result, 'the workbench could not be loaded', err);
  }
  const dir = join(RESULTS, 'integration', 'vsix');
  if (result.failed > 0) await saveFailedPage(page, dir, consoleLines);
  await context.close().catch(() => undefined);
  await server.stop();
  if (result.failed > 0) {
    saveServerLogs(server, dir);
    log(`vsix: artifacts in ${dir}`);
  }
  const seconds = (Date.now() - started) / 1000;
  log(`vsix: ${result.passed} passed, ${result.failed} failed in ${seconds.toFixed(1)} s${ctx.size ? `; package ${(ctx.size / 1024).toFixed(0)} KB` : ''}`);
  return { name: 'vsix', ...result, seconds };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runAlone('vsix', async () => {
    const install = await ensureInstalled();
    return runVsix({ browser: await launchBrowser(install), install, verbose: process.argv.includes('--verbose') });
  });
}
