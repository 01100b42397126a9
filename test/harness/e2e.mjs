// End-to-end: drives the real workbench UI with Playwright as a person would (clicks, keys),
// in a fresh copy of the nixos-flake sample with the extension loaded.
// Run by run.mjs after the suites, or alone: node test/harness/e2e.mjs
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureInstalled } from './install.mjs';
import {
  FAKE_LM,
  REPO_ROOT,
  RESULTS,
  copyIfExists,
  copyWorkspace,
  installSignalHandlers,
  isNoise,
  launchBrowser,
  log,
  removeLater,
  runCleanups,
  startServer,
  workbenchUrl,
  writeText,
} from './lib.mjs';

const WORKSPACE = 'nixos-flake';
const TASKS_FILE = 'specs/001-postgresql-database/tasks.md';
const STEP_TIMEOUT_MS = 30_000;

/** Monaco renders spaces as no-break spaces; compare text the way a reader sees it. */
function normalise(text) {
  return text.replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim();
}

/** The text of the editor's visible lines, in order. */
async function visibleEditorText(page) {
  return page.evaluate(() => {
    const editor = document.querySelector('.editor-instance .monaco-editor .view-lines');
    if (!editor) return '';
    const lines = [...editor.querySelectorAll('.view-line')];
    lines.sort((a, b) => parseFloat(a.style.top || '0') - parseFloat(b.style.top || '0'));
    return lines.map((l) => l.textContent ?? '').join('\n');
  });
}

/**
 * The steps, in order; each is one reported test. Later features add theirs here
 * (Spec Explorer, chat view).
 */
function steps(ctx) {
  return [
    {
      name: 'the workbench opens the sample folder',
      async run({ page }) {
        await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
        await page.locator('.part.activitybar, .part.sidebar').first().waitFor({ timeout: STEP_TIMEOUT_MS });
      },
    },
    {
      name: 'the Explorer view shows the repository and expands specs/',
      async run({ page }) {
        const explorerItem = page.locator('.part.activitybar .action-item:has(a[aria-label^="Explorer"])').first();
        await explorerItem.waitFor({ timeout: STEP_TIMEOUT_MS });
        // Clicking the active view's icon would hide the side bar; a person clicks only if it is not open.
        const open = await page.locator('.explorer-folders-view').isVisible();
        if (!open) await explorerItem.click();
        const rows = page.locator('.explorer-folders-view .monaco-list-row');
        await rows.filter({ hasText: 'flake.nix' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
        const specs = rows.filter({ has: page.locator('.label-name', { hasText: /^specs$/ }) }).first();
        await specs.click();
        await rows.filter({ hasText: '001-postgresql-database' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
      },
    },
    {
      name: 'Quick Open (Ctrl+P) finds and opens tasks.md',
      async run({ page }) {
        await page.keyboard.press('Control+P');
        const input = page.locator('.quick-input-widget .quick-input-box input');
        await input.waitFor({ timeout: STEP_TIMEOUT_MS });
        await page.keyboard.type('001-postgresql-database/tasks.md', { delay: 15 });
        // Wait until the first pick is that file, then accept it as a person would, with Enter.
        const first = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first();
        await first.filter({ hasText: 'tasks.md' }).waitFor({ timeout: STEP_TIMEOUT_MS });
        await page.waitForFunction(
          () => {
            const row = document.querySelector('.quick-input-widget .quick-input-list .monaco-list-row');
            return !!row && /tasks\.md/.test(row.textContent ?? '') && /001-postgresql-database/.test(row.textContent ?? '');
          },
          undefined,
          { timeout: STEP_TIMEOUT_MS },
        );
        await page.keyboard.press('Enter');
        await page.locator('.tabs-container .tab.active', { hasText: 'tasks.md' }).waitFor({ timeout: STEP_TIMEOUT_MS });
      },
    },
    {
      name: 'the editor shows the task list',
      async run({ page }) {
        let text = '';
        const deadline = Date.now() + STEP_TIMEOUT_MS;
        while (Date.now() < deadline) {
          text = normalise(await visibleEditorText(page));
          if (text.includes('# Tasks: PostgreSQL Database Service') && text.includes('## Phase 1: Setup')) break;
          await page.waitForTimeout(200);
        }
        for (const expected of ['# Tasks: PostgreSQL Database Service', '## Phase 1: Setup', '- [X] T001 Create the module folder']) {
          if (!text.includes(expected)) throw new Error(`editor text lacks "${expected}"; it shows: ${text.slice(0, 400)}`);
        }
        ctx.editorText = text;
      },
    },
    {
      name: 'a screenshot of the workbench is saved',
      async run({ page }) {
        const file = join(RESULTS, 'screenshots', 'e2e-nixos-flake-tasks.png');
        await page.screenshot({ path: file, timeout: 15_000 });
        ctx.screenshots.push(file);
      },
    },
  ];
}

/** Runs the UI steps in one session; returns { name, passed, failed, seconds }. */
export async function runE2E({ browser, install, verbose = false }) {
  const started = Date.now();
  const copy = copyWorkspace(WORKSPACE, { prefix: 'speckit-e2e-' });
  removeLater(copy.tmp);
  const server = await startServer(install, {
    dataDir: join(copy.tmp, 'vscode-data'),
    logFile: join(copy.tmp, 'server.log'),
    installed: [FAKE_LM],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const consoleLines = [];
  page.on('console', (msg) => {
    consoleLines.push(`[${msg.type()}] ${msg.text()}`);
    if (verbose && !isNoise(msg.text())) console.log(`  [page] ${msg.text()}`);
  });
  page.on('pageerror', (err) => consoleLines.push(`[pageerror] ${err.stack ?? err}`));

  const url = workbenchUrl(server.port, { folder: copy.folder, extensionPaths: [REPO_ROOT] });
  log(`e2e: VS Code on port ${server.port}, workspace ${copy.folder}`);
  console.log(`\n  end-to-end (${WORKSPACE}, ${TASKS_FILE})`);
  const ctx = { screenshots: [] };
  let passed = 0;
  let failed = 0;
  try {
    await page.goto(url, { timeout: 60_000 });
    for (const step of steps(ctx)) {
      const t = Date.now();
      try {
        await step.run({ page, server, copy });
        passed += 1;
        console.log(`    ✔ ${step.name} (${Date.now() - t}ms)`);
      } catch (err) {
        failed += 1;
        console.log(`    ✗ ${step.name}\n      ${String(err.message ?? err).split('\n')[0]}`);
        break; // later steps build on this one
      }
    }
  } catch (err) {
    failed += 1;
    console.log(`    ✗ the workbench could not be loaded: ${err.message}`);
  }
  if (failed > 0) {
    const dir = join(RESULTS, 'integration', 'e2e');
    await page.screenshot({ path: join(dir, 'screenshot.png'), timeout: 10_000 }).catch(() => undefined);
    writeText(join(dir, 'browser-console.log'), consoleLines.join('\n') + '\n');
  }
  await context.close().catch(() => undefined);
  await server.stop();
  if (failed > 0) {
    const dir = join(RESULTS, 'integration', 'e2e');
    copyIfExists(server.logFile, join(dir, 'server.log'));
    copyIfExists(join(server.dataDir, 'user', 'logs'), join(dir, 'server-logs'));
    log(`e2e: artifacts in ${dir}`);
  }
  const seconds = (Date.now() - started) / 1000;
  log(`e2e: ${passed} passed, ${failed} failed in ${seconds.toFixed(1)} s${ctx.screenshots.length ? `; screenshot ${ctx.screenshots.join(', ')}` : ''}`);
  return { name: 'e2e', passed, failed, seconds };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  installSignalHandlers();
  (async () => {
    const install = await ensureInstalled();
    const browser = await launchBrowser(install);
    const r = await runE2E({ browser, install, verbose: process.argv.includes('--verbose') });
    await runCleanups();
    console.log(`${r.passed} passed, ${r.failed} failed`);
    process.exit(r.failed > 0 || r.passed === 0 ? 1 : 0);
  })().catch(async (err) => {
    console.error(`[e2e] ${err.stack ?? err}`);
    await runCleanups();
    console.log('0 passed, 1 failed');
    process.exit(1);
  });
}
