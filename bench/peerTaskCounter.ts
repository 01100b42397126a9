/**
 * The most-used peer's progress counter as a process, for bench:scan: SpecKit Companion reads every
 * feature's files and counts task checkboxes line by line, skipping fenced code blocks and code spans
 * (its fix for checkboxes in fences, its issue #443), a task being a line-leading list item with a task
 * ID. Written here from that description (../shared/reference/peers.md §1.5), not from its code.
 * It reads every file under the folder, as `scan` does, and counts tasks in tasks.md and checklist
 * items in checklists/*.md; prints the totals so a run can be checked. With `--all-kinds` it also runs
 * its line count over every other markdown file (specs, plans, constitutions: `[NEEDS CLARIFICATION`
 * markers), as `scan` summarizes them too: the peer's own method doing the whole of scan's reading,
 * which bounds how fast a reader of that work could be (bench:scan reports it beside the peer).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const CODE_SPAN = /(`+)[^`]*?\1/g;
const TASK = /^\s*[-*+]\s*\[([ xX])\]\s*(?:\*\*)?T\d+/;
const CHECKBOX = /^\s*[-*+]\s*\[([ xX])\]/;
const MARKER = /\[NEEDS CLARIFICATION(?::[^\]]*)?\]/i;

interface Counts {
  done: number;
  total: number;
}

/** Checked and total items matching `item`, outside fenced blocks, with code spans blanked. */
function count(text: string, item: RegExp, into: Counts): void {
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const mark = FENCE.exec(line)?.[1];
    if (fence !== undefined) {
      // A fence closes on the same character, at least as long.
      if (mark && mark[0] === fence[0] && mark.length >= fence.length) fence = undefined;
      continue;
    }
    if (mark) {
      fence = mark;
      continue;
    }
    const m = item.exec(line.includes('`') ? line.replace(CODE_SPAN, '') : line);
    if (!m) continue;
    into.total++;
    // A marker has no box: it is counted, never done.
    if (m[1] !== undefined && m[1] !== ' ') into.done++;
  }
}

const tasks: Counts = { done: 0, total: 0 };
const checklists: Counts = { done: 0, total: 0 };
const markers: Counts = { done: 0, total: 0 };
const allKinds = process.argv.includes('--all-kinds');
let files = 0;

function walk(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walk(p);
    else if (entry.isFile()) {
      const text = readFileSync(p, 'utf8');
      files++;
      if (entry.name === 'tasks.md') count(text, TASK, tasks);
      else if (entry.name.endsWith('.md') && dir.endsWith('/checklists')) count(text, CHECKBOX, checklists);
      else if (allKinds && entry.name.endsWith('.md')) count(text, MARKER, markers);
    }
  }
}

walk(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? '.');
process.stdout.write(`${JSON.stringify(allKinds ? { files, tasks, checklists, markers } : { files, tasks, checklists })}\n`);
