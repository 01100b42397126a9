// End-to-end: drives the real workbench UI with Playwright as a person would (clicks, keys),
// in a fresh copy of the nixos-flake sample with the extension loaded.
// Run by run.mjs after the suites, or alone: node test/harness/e2e.mjs
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dashboardSteps } from './e2eDashboard.mjs';
import { ensureInstalled } from './install.mjs';
import {
  FAKE_LM,
  REPO_ROOT,
  RESULTS,
  copyWorkspace,
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
  workbenchUrl,
} from './lib.mjs';

const WORKSPACE = 'nixos-flake';
const TASKS_FILE = 'specs/001-postgresql-database/tasks.md';
const STEP_TIMEOUT_MS = 30_000;

/** What the deterministic model answers to /speckit.specify in the chat step. */
const E2E_SPEC = `# Feature Specification: Add PostgreSQL 15 with daily encrypted backups

**Feature Branch**: \`002-postgresql-15-daily\`
**Created**: 2026-11-26
**Status**: Draft
**Input**: User description: "Add PostgreSQL 15 with daily encrypted backups"

## User Scenarios & Testing *(mandatory)*

### User Story 1 - Nightly encrypted backup (Priority: P1)

As an operator I want every database dumped, compressed and encrypted each night.

**Why this priority**: Data loss is the largest risk.

**Independent Test**: Run the backup unit in the VM and decrypt the dump.

**Acceptance Scenarios**:

1. **Given** a running server, **When** the timer fires at 02:00, **Then** an encrypted dump appears in /var/backup/postgresql.

## Requirements *(mandatory)*

### Functional Requirements

- **FR-001**: The system MUST dump every database daily at 02:00.
- **FR-002**: Dumps MUST be compressed and encrypted with age.
- **FR-003**: Dumps older than 7 days MUST be deleted.

## Success Criteria *(mandatory)*

- **SC-001**: A dump of a 1 GB database completes within 10 minutes.

## Assumptions

- The age recipient key is provided by the secrets manager.
`;

/** Monaco renders spaces as no-break spaces; compare text the way a reader sees it. */
function normalise(text) {
  return text.replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim();
}

/** The 1-based line of a task in the sample's tasks.md. */
function taskLine(id) {
  const lines = readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'workspaces', WORKSPACE, TASKS_FILE), 'utf8').split('\n');
  return lines.findIndex((l) => l.includes(` ${id} `)) + 1;
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
    {
      name: 'tasks and phase headings show their CodeLens',
      async run({ page }) {
        const lenses = page.locator('.monaco-editor .codelens-decoration');
        await lenses.filter({ hasText: /\d+\/\d+ done/ }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
        await lenses.filter({ hasText: 'Mark not done' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
        // Scroll to the first open task as a person would: Go to Line (Ctrl+G).
        await page.keyboard.press('Control+G');
        await page.locator('.quick-input-widget .quick-input-box input').waitFor({ timeout: STEP_TIMEOUT_MS });
        await page.keyboard.type(String(ctx.t006Line), { delay: 15 });
        await page.keyboard.press('Enter');
        await lenses.filter({ hasText: 'Mark done' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
        await lenses.filter({ hasText: 'Implement phase' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
        // The status bar shows the current feature and its progress.
        await page.locator('.part.statusbar .statusbar-item', { hasText: '001-postgresql-database · Implementing 5/10' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
        const file = join(RESULTS, 'screenshots', 'e2e-tasks-codelens.png');
        await page.screenshot({ path: file, timeout: 15_000 });
        ctx.screenshots.push(file);
      },
    },
    {
      name: 'clicking "Mark done" above T006 ticks it in the editor',
      async run({ page }) {
        // The lens row sits right above its task's line: find the "Mark done" link closest above T006
        // (lenses render a moment after the editor scrolls, so look again for a while).
        const findLens = () => page.evaluate(() => {
          const line = [...document.querySelectorAll('.editor-instance .view-line')].find((l) => /T006/.test(l.textContent ?? ''));
          if (!line) return 'no T006 line on screen';
          const top = line.getBoundingClientRect().top;
          const links = [...document.querySelectorAll('.codelens-decoration a')].filter((a) => /Mark done/.test(a.textContent ?? ''));
          const above = links
            .map((a) => ({ a, d: top - a.getBoundingClientRect().bottom }))
            .filter((x) => x.d >= -2 && x.d < 30)
            .sort((x, y) => x.d - y.d)[0];
          if (!above) return 'no Mark done lens above T006';
          const r = above.a.getBoundingClientRect();
          return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
        });
        let clicked = await findLens();
        for (const until = Date.now() + 10_000; typeof clicked === 'string' && Date.now() < until; clicked = await findLens()) await page.waitForTimeout(250);
        if (typeof clicked === 'string') throw new Error(clicked);
        // A real mouse click, as a person makes it.
        await page.mouse.click(clicked.x, clicked.y);
        const deadline = Date.now() + STEP_TIMEOUT_MS;
        let text = '';
        while (Date.now() < deadline) {
          text = normalise(await visibleEditorText(page));
          if (text.includes('- [X] T006')) return;
          await page.waitForTimeout(200);
        }
        throw new Error(`T006 is not ticked; the editor shows: ${text.slice(0, 600)}`);
      },
    },
    {
      name: 'the Spec Explorer shows the feature, its phase and its tasks',
      async run({ page }) {
        const item = page.locator('.part.activitybar .action-item:has(a[aria-label^="Spec Kit"])').first();
        await item.waitFor({ timeout: STEP_TIMEOUT_MS });
        await item.click();
        // Widen the side bar as a person would, by dragging its edge, so descriptions are readable.
        const box = await page.locator('.part.sidebar').boundingBox();
        if (box) {
          await page.mouse.move(box.x + box.width + 1, box.y + box.height / 2);
          await page.mouse.down();
          await page.mouse.move(box.x + 560, box.y + box.height / 2, { steps: 8 });
          await page.mouse.up();
        }
        const rows = page.locator('.part.sidebar .monaco-list-row');
        const feature = rows.filter({ hasText: '001-postgresql-database' }).first();
        await feature.filter({ hasText: 'Implementing 6/10' }).waitFor({ timeout: STEP_TIMEOUT_MS });
        const expand = async (row) => {
          await row.waitFor({ timeout: STEP_TIMEOUT_MS });
          if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.monaco-tl-twistie').click();
        };
        await expand(feature);
        await expand(rows.filter({ has: page.locator('.label-name', { hasText: /^tasks\.md$/ }) }).first());
        await expand(rows.filter({ hasText: 'Phase 3: User Story 1' }).first());
        await rows.filter({ hasText: 'T006' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
        const file = join(RESULTS, 'screenshots', 'e2e-spec-explorer.png');
        await page.screenshot({ path: file, timeout: 15_000 });
        ctx.screenshots.push(file);
      },
    },
    {
      name: 'in the chat view, @speckit /speckit.specify is picked from the completions and writes the spec',
      async run({ page, copy }) {
        // Ask the test model's fixture to select itself in the chat view (see test/fixtures/fake-lm).
        writeFileSync(join(copy.folder, '.vscode', 'fake-lm-select'), '');
        const input = page.locator('.interactive-input-part .monaco-editor').first();
        await input.waitFor({ timeout: STEP_TIMEOUT_MS });
        await input.click();
        // The picker names the model (the fake model's fixture selects itself, as a person would pick it).
        const picker = page.locator('.interactive-input-part', { hasText: 'Spec Kit Test' }).first();
        await picker.waitFor({ timeout: STEP_TIMEOUT_MS });
        await input.click();
        const suggestion = (text) => page.locator('.suggest-widget .monaco-list-row', { hasText: text }).first();
        // As a person types: the participant from the completion list, then its command.
        await page.keyboard.type('@speck', { delay: 40 });
        await suggestion('speckit').waitFor({ timeout: STEP_TIMEOUT_MS });
        await page.keyboard.press('Enter');
        await page.keyboard.type('/speckit.spe', { delay: 40 });
        await suggestion('speckit.specify').waitFor({ timeout: STEP_TIMEOUT_MS });
        await page.keyboard.press('Enter');
        await page.keyboard.type('Add PostgreSQL 15 with daily encrypted backups', { delay: 10 });
        const typed = normalise(await input.innerText());
        if (!/@speckit\s+\/speckit\.specify\s+Add PostgreSQL 15/.test(typed)) throw new Error(`the chat input reads "${typed}"`);
        await page.keyboard.press('Enter');
        const response = page.locator('.interactive-response', { hasText: 'is now the current feature' }).last();
        await response.waitFor({ timeout: 60_000 });
        const spec = join(copy.folder, 'specs', '002-postgresql-15-daily', 'spec.md');
        const deadline = Date.now() + STEP_TIMEOUT_MS;
        while (!existsSync(spec)) {
          if (Date.now() > deadline) throw new Error(`${spec} was not written`);
          await page.waitForTimeout(200);
        }
        if (!readFileSync(spec, 'utf8').includes('**FR-001**')) throw new Error('spec.md lacks the model’s requirements');
        const file = join(RESULTS, 'screenshots', 'e2e-chat-specify.png');
        await page.screenshot({ path: file, timeout: 15_000 });
        ctx.screenshots.push(file);
      },
    },
    // The feature dashboard (issue 16): its own steps, in their own file.
    ...dashboardSteps(ctx),
  ];
}

/** Runs the UI steps in one session; returns { name, passed, failed, seconds }. */
export async function runE2E({ browser, install, verbose = false }) {
  const started = Date.now();
  const copy = copyWorkspace(WORKSPACE, { prefix: 'speckit-e2e-' });
  removeLater(copy.tmp);
  // The model's replies for the chat step: the page cannot call the fake model's commands.
  writeFileSync(
    join(copy.folder, '.vscode', 'fake-lm.json'),
    JSON.stringify({ selectModel: true, replies: [{ match: 'Write the complete spec', text: `I wrote the spec.\n\n<file path="spec.md">\n${E2E_SPEC}</file>\n` }] }),
  );
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
  const ctx = { screenshots: [], t006Line: taskLine('T006') };
  const result = { passed: 0, failed: 0, failures: [] };
  try {
    await page.goto(url, { timeout: 60_000 });
    await runUiSteps(page, steps(ctx), { page, server, copy }, result);
  } catch (err) {
    failStep(result, 'the workbench could not be loaded', err);
  }
  const dir = join(RESULTS, 'integration', 'e2e');
  if (result.failed > 0) await saveFailedPage(page, dir, consoleLines);
  await context.close().catch(() => undefined);
  await server.stop();
  if (result.failed > 0) {
    saveServerLogs(server, dir);
    log(`e2e: artifacts in ${dir}`);
  }
  const seconds = (Date.now() - started) / 1000;
  log(`e2e: ${result.passed} passed, ${result.failed} failed in ${seconds.toFixed(1)} s${ctx.screenshots.length ? `; screenshot ${ctx.screenshots.join(', ')}` : ''}`);
  return { name: 'e2e', ...result, seconds };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runAlone('e2e', async () => {
    const install = await ensureInstalled();
    return runE2E({ browser: await launchBrowser(install), install, verbose: process.argv.includes('--verbose') });
  });
}
