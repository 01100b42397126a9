// End-to-end steps for the feature dashboard (issue 16), run by e2e.mjs after its own steps in the
// same session: open the dashboard from the Spec Explorer as a person would, read the webview's DOM
// (a webview is an iframe inside an iframe: the frame is found by its content), tick a task in the
// editor and watch its card move, check that hostile markup in spec.md stays text, and save
// screenshots in a dark and a light theme.
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pickFromContextMenu, RESULTS } from './lib.mjs';

const FEATURE = '001-postgresql-database';
const STEP_TIMEOUT_MS = 30_000;
/** A requirement whose text tries to become markup; it must arrive as text. */
const HOSTILE = '- **FR-006**: Operators MUST see <img src=x onerror="window.__speckitPwned=1"> and <script>window.__speckitPwned=2</script> as text.\n';

/** The frame that renders the dashboard (found by content, not by position among the webviews). */
async function dashboardFrame(page, timeoutMs = STEP_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const found = await frame.evaluate(() => !!document.querySelector('main .stepper')).catch(() => false);
      if (found) return frame;
    }
    await page.waitForTimeout(250);
  }
  throw new Error('no frame renders the dashboard');
}

/** Polls a DOM condition in the dashboard frame (the frame is looked up again if the webview reloaded). */
async function waitInDashboard(page, what, fn, arg, timeoutMs = STEP_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    const frame = await dashboardFrame(page, Math.max(1000, deadline - Date.now())).catch(() => undefined);
    last = frame ? await frame.evaluate(fn, arg).catch((e) => `error: ${e.message}`) : 'no dashboard frame';
    if (last === true) return frame;
    await page.waitForTimeout(200);
  }
  throw new Error(`${what}: ${typeof last === 'string' ? last : JSON.stringify(last)}`);
}

async function screenshotEditor(page, ctx, name) {
  const file = join(RESULTS, 'screenshots', name);
  await page.locator('.part.editor').screenshot({ path: file, timeout: 15_000 });
  ctx.screenshots.push(file);
}

/** Picks a colour theme through Preferences: Color Theme (Ctrl+K Ctrl+T), as a person would. */
async function pickTheme(page, name, bodyClass) {
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+T');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.keyboard.type(name, { delay: 20 });
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.keyboard.press('Enter');
  await waitInDashboard(page, `the dashboard in the ${name} theme`, (cls) => document.body.classList.contains(cls), bodyClass);
}

export function dashboardSteps(ctx) {
  return [
    {
      name: 'the dashboard opens from the Spec Explorer’s feature menu and shows the workflow',
      async run({ page, copy }) {
        // Hostile markup in the spec, written as another tool would write it.
        appendFileSync(join(copy.folder, 'specs', FEATURE, 'spec.md'), `\n### More requirements\n\n${HOSTILE}`);
        const rows = page.locator('.part.sidebar .monaco-list-row');
        const feature = rows.filter({ hasText: FEATURE }).first();
        if (!(await feature.isVisible())) await page.locator('.part.activitybar .action-item:has(a[aria-label^="Spec Kit"])').first().click({ timeout: STEP_TIMEOUT_MS });
        await feature.waitFor({ timeout: STEP_TIMEOUT_MS });
        // CI once timed out on this pick with no word of why: the helper retries and says what it met.
        await pickFromContextMenu(page, feature, 'Open Feature Dashboard', STEP_TIMEOUT_MS);
        await page.locator('.tabs-container .tab.active', { hasText: `Dashboard: ${FEATURE}` }).waitFor({ timeout: STEP_TIMEOUT_MS });
        // Hide the side bars (Ctrl+B, and Ctrl+Alt+B for the chat's) so the dashboard has the window's width.
        // The keys go to the workbench only when it has focus, not the webview that just opened (CI once
        // kept both bars open): focus the tab first, and press each key until its bar is gone.
        // Short attempts, Escape between them: a hover or toast over the tab must not cost the whole step.
        for (let i = 0; i < 3; i++) {
          if (await page.locator('.tabs-container .tab.active').click({ timeout: 5000 }).then(() => true, () => false)) break;
          await page.keyboard.press('Escape');
        }
        for (const [bar, key] of [['.part.sidebar', 'Control+B'], ['.part.auxiliarybar', 'Control+Alt+B']]) {
          for (let i = 0; i < 3 && (await page.locator(bar).isVisible()); i++) {
            await page.keyboard.press(key);
            await page.locator(bar).waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
          }
        }
        await page
          .waitForFunction(() => (document.querySelector('.part.editor')?.getBoundingClientRect().width ?? 0) > 1000, undefined, { timeout: STEP_TIMEOUT_MS })
          .catch(async () => {
            const state = await page.evaluate(() => ({
              editor: document.querySelector('.part.editor')?.getBoundingClientRect().width,
              sidebar: document.querySelector('.part.sidebar')?.getBoundingClientRect().width,
              auxiliarybar: document.querySelector('.part.auxiliarybar')?.getBoundingClientRect().width,
              panel: document.querySelector('.part.panel')?.getBoundingClientRect().width,
            }));
            throw new Error(`the editor did not get the window's width: ${JSON.stringify(state)}`);
          });
        // The spec just changed after plan.md: the plan is stale.
        const expected = { specify: 'done', clarify: 'warning', plan: 'stale', tasks: 'done', implement: 'blocked', converge: 'todo' };
        await waitInDashboard(
          page,
          'the workflow steps',
          (want) => {
            const got = Object.fromEntries([...document.querySelectorAll('.step')].map((li) => [li.dataset.step, li.dataset.state]));
            const ok = Object.entries(want).every(([k, v]) => got[k] === v) && document.querySelector('.step[aria-current="step"]')?.dataset.step === 'implement';
            return ok || JSON.stringify(got);
          },
          expected,
        );
        const next = await (await dashboardFrame(page)).evaluate(() => document.querySelector('[data-testid="next-command"]')?.textContent);
        if (next !== 'Run /speckit.implement') throw new Error(`the next-command button reads ${next}`);
      },
    },
    {
      name: 'the board shows the tasks in columns, and a screenshot is saved in the dark theme',
      async run({ page }) {
        await waitInDashboard(page, 'T006 done (ticked by the lens step) and T007 open', () => {
          const col = (id) => document.querySelector(`li.card[data-task="${id}"]`)?.closest('.cell')?.dataset.column;
          return (col('T006') === 'done' && col('T007') === 'open') || `T006 ${col('T006')}, T007 ${col('T007')}`;
        });
        await pickTheme(page, 'Dark Modern', 'vscode-dark');
        await screenshotEditor(page, ctx, 'dashboard-dark.png');
      },
    },
    {
      name: 'Requirements: FR-003 with its task T004, and hostile markup in spec.md stays text',
      async run({ page }) {
        const frame = await dashboardFrame(page);
        await frame.locator('[role="tab"]', { hasText: 'Requirements' }).click();
        await waitInDashboard(page, 'FR-003 covered by T004', () => {
          const row = document.querySelector('tr[data-req="FR-003"]');
          const chips = row ? [...row.querySelectorAll('[data-task-ref]')].map((c) => `${c.dataset.taskRef}:${c.dataset.column}`) : [];
          return chips.join(',') === 'T004:done' || `FR-003 chips: ${chips.join(',') || 'none'}`;
        });
        await waitInDashboard(page, 'FR-006 rendered as text', () => {
          const row = document.querySelector('tr[data-req="FR-006"]');
          if (!row) return 'no FR-006 row yet';
          const text = row.querySelector('.req-text')?.textContent ?? '';
          if (row.querySelector('img, script')) return 'FR-006 produced elements';
          if (window.__speckitPwned !== undefined) return 'the markup ran';
          return (text.includes('<img src=x onerror="window.__speckitPwned=1">') && text.includes('<script>window.__speckitPwned=2</script>')) || `FR-006 text: ${text}`;
        });
        const stories = await frame.evaluate(() => [...document.querySelectorAll('.story .gwt strong')].map((s) => s.textContent).slice(0, 3).join(' '));
        if (stories !== 'Given When Then') throw new Error(`the first scenario reads "${stories}"`);
        await screenshotEditor(page, ctx, 'dashboard-requirements.png');
      },
    },
    {
      name: 'a screenshot of the board is saved in the light theme',
      async run({ page }) {
        const frame = await dashboardFrame(page);
        await frame.locator('[role="tab"]', { hasText: 'Tasks' }).click();
        await pickTheme(page, 'Light Modern', 'vscode-light');
        await waitInDashboard(page, 'the board', () => !!document.querySelector('li.card[data-task="T007"]') || 'no T007 card');
        await screenshotEditor(page, ctx, 'dashboard-light.png');
        await pickTheme(page, 'Dark Modern', 'vscode-dark');
      },
    },
    {
      name: 'a card opens its line in tasks.md; ticking that line in the editor moves the card to done',
      async run({ page, copy }) {
        const frame = await dashboardFrame(page);
        await frame.locator('li.card[data-task="T007"] .task-id').click();
        // tasks.md opens beside the dashboard with the cursor on T007's line.
        const lines = readFileSync(join(copy.folder, 'specs', FEATURE, 'tasks.md'), 'utf8').split('\n');
        const t007 = lines.findIndex((l) => l.includes(' T007 ')) + 1;
        await page.locator('.part.statusbar .statusbar-item', { hasText: `Ln ${t007},` }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
        // Type the tick: over the space between the brackets of "- [ ]".
        await page.keyboard.press('Home');
        for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
        await page.keyboard.press('Shift+ArrowRight');
        await page.keyboard.type('X');
        await waitInDashboard(page, 'T007 in the done column', () => {
          const cell = document.querySelector('li.card[data-task="T007"]')?.closest('.cell');
          return cell?.dataset.column === 'done' || `T007 is in ${cell?.dataset.column}`;
        });
        await screenshotEditor(page, ctx, 'e2e-dashboard-tick.png');
      },
    },
  ];
}
