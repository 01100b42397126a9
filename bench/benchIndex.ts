/**
 * npm run bench:index — indexing a generated 1,000-feature workspace (spec, plan and a 30-task
 * tasks.md each). Prints the cold scan, the floor (reading the same bytes and nothing else), their
 * ratio, a warm rescan, and the update after one tasks.md changes. Then the tree grows to 5,000
 * features and the CLI's `scan` and `check` run on it, `check` given as a multiple of `scan` (the
 * issue's bar: within 3×). Not a test: figures vary by machine, so compare ratios measured in one run.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runCli } from '../src/cli';
import { NodeFileSystem } from '../src/core/workspace/nodeFileSystem';
import { WorkspaceIndex } from '../src/core/workspace/workspaceIndex';

const FEATURES = Number(process.env.BENCH_FEATURES ?? 1000);
const CHECK_FEATURES = Math.max(FEATURES, Number(process.env.BENCH_CHECK_FEATURES ?? 5000));
const TASKS = 30;

function spec(n: number): string {
  return `# Feature Specification: Feature ${n}

**Feature Branch**: \`${String(n).padStart(3, '0')}-feature-${n}\`
**Created**: 2026-01-01
**Status**: Draft
**Input**: User description: "Feature number ${n}"

## User Scenarios & Testing *(mandatory)*

### User Story 1 - Do the thing (Priority: P1)

A user does the thing and sees the result.

**Independent Test**: Can be tested by doing the thing.

**Acceptance Scenarios**:

1. **Given** a user, **When** they do the thing, **Then** it is done.
2. **Given** a user, **When** they undo the thing, **Then** it is undone.

## Requirements *(mandatory)*

### Functional Requirements

- **FR-001**: System MUST do the thing.
- **FR-002**: System MUST undo the thing.
- **FR-003**: System MUST log the thing${n % 10 === 0 ? ' [NEEDS CLARIFICATION: where?]' : ''}.

## Success Criteria *(mandatory)*

- **SC-001**: Users do the thing in under a minute.
`;
}

function plan(n: number): string {
  return `# Implementation Plan: Feature ${n}

**Branch**: \`${n}\` | **Date**: 2026-01-02 | **Spec**: [spec.md](./spec.md)

## Summary

Build feature ${n}.

## Technical Context

**Language/Version**: TypeScript 5
**Primary Dependencies**: none
**Storage**: files
**Testing**: mocha

## Constitution Check

- [x] Simple
- [x] Tested
`;
}

function tasks(n: number, done: number): string {
  const lines = [`# Tasks: Feature ${n}`, '', '## Phase 1: Setup', ''];
  for (let t = 1; t <= TASKS; t++) {
    if (t === 11) lines.push('', '## Phase 3: User Story 1 - Do the thing (Priority: P1) 🎯 MVP', '');
    const id = `T${String(t).padStart(3, '0')}`;
    lines.push(`- [${t <= done ? 'x' : ' '}] ${id}${t % 3 === 0 ? ' [P]' : ''}${t > 10 ? ' [US1]' : ''} Implement part ${t} in src/feature${n}/part${t}.ts (FR-00${(t % 3) + 1})`);
  }
  return lines.join('\n') + '\n';
}

function generate(root: string, from: number, to: number): void {
  mkdirSync(join(root, '.specify', 'memory'), { recursive: true });
  writeFileSync(join(root, '.specify', 'memory', 'constitution.md'), '# Bench Constitution\n\n**Version**: 1.0.0 | **Ratified**: 2026-01-01 | **Last Amended**: 2026-01-01\n');
  for (let n = from; n <= to; n++) {
    const dir = join(root, 'specs', `${String(n).padStart(4, '0')}-feature-${n}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'spec.md'), spec(n));
    writeFileSync(join(dir, 'plan.md'), plan(n));
    writeFileSync(join(dir, 'tasks.md'), tasks(n, n % TASKS));
  }
}

/** The floor: walk the same folders and read every file, doing nothing with the bytes. */
function readAll(dir: string): number {
  let bytes = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) bytes += readAll(p);
    else bytes += readFileSync(p).length;
  }
  return bytes;
}

async function time<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const start = performance.now();
  const result = await fn();
  return [performance.now() - start, result];
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'speckit-bench-'));
  try {
    process.stdout.write(`Generating ${FEATURES} features × (spec, plan, ${TASKS}-task tasks.md) in ${root}…\n`);
    generate(root, 1, FEATURES);
    const [floorMs, bytes] = await time(() => readAll(root));
    const index = new WorkspaceIndex(new NodeFileSystem({ blocking: true }));
    const [coldMs] = await time(() => index.addFolder(root));
    const features = index.features.length;
    const taskCount = index.features.reduce((n, f) => n + f.status.tasks.total, 0);
    if (features !== FEATURES || taskCount !== FEATURES * TASKS) throw new Error(`index saw ${features} features and ${taskCount} tasks`);
    const [warmMs] = await time(() => index.addFolder(root));

    const middle = Math.ceil(FEATURES / 2);
    const changed = join(root, 'specs', `${String(middle).padStart(4, '0')}-feature-${middle}`, 'tasks.md');
    writeFileSync(changed, tasks(middle, TASKS));
    utimesSync(changed, new Date(), new Date(Date.now() + 10_000));
    const [updateMs] = await time(() => index.refresh([changed]));
    if (index.featureFor(changed)?.status.phase !== 'done') throw new Error('the update was not seen');

    const rows: Array<[string, string, string]> = [
      ['read the same bytes (floor)', `${floorMs.toFixed(0)} ms`, '1.0×'],
      ['cold scan (parse + index)', `${coldMs.toFixed(0)} ms`, `${(coldMs / floorMs).toFixed(1)}×`],
      ['warm rescan (cache hits)', `${warmMs.toFixed(0)} ms`, `${(warmMs / floorMs).toFixed(1)}×`],
      ['update after one tasks.md change', `${updateMs.toFixed(1)} ms`, `${(updateMs / floorMs).toFixed(3)}×`],
    ];
    process.stdout.write(`\n${features} features, ${taskCount} tasks, ${(bytes / 1048576).toFixed(1)} MiB\n\n`);
    const w = Math.max(...rows.map((r) => r[0].length));
    process.stdout.write(`${'measure'.padEnd(w)}  ${'time'.padStart(10)}  ${'vs floor'.padStart(9)}\n`);
    for (const [name, t, ratio] of rows) process.stdout.write(`${name.padEnd(w)}  ${t.padStart(10)}  ${ratio.padStart(9)}\n`);
    process.stdout.write(`\nper feature, cold: ${(coldMs / features).toFixed(2)} ms\n`);

    if (process.env.BENCH_SKIP_CLI) return;
    // The CLI's two commands on one bigger tree: `check` must not look features up linearly per file.
    generate(root, FEATURES + 1, CHECK_FEATURES);
    const quiet = { out: (): void => undefined, err: (): void => undefined };
    const [scanMs, scanCode] = await time(() => runCli(['scan', root, '--json'], quiet));
    const [checkMs, checkCode] = await time(() => runCli(['check', root], quiet));
    if (scanCode !== 0 || checkCode > 1) throw new Error(`scan exited ${scanCode}, check exited ${checkCode}`);
    const cliRows: Array<[string, string, string]> = [
      [`speckit-vscode scan (${CHECK_FEATURES} features)`, `${scanMs.toFixed(0)} ms`, '1.0×'],
      [`speckit-vscode check (${CHECK_FEATURES} features)`, `${checkMs.toFixed(0)} ms`, `${(checkMs / scanMs).toFixed(1)}×`],
    ];
    const cw = Math.max(...cliRows.map((r) => r[0].length));
    process.stdout.write(`\n${'measure'.padEnd(cw)}  ${'time'.padStart(10)}  ${'vs scan'.padStart(9)}\n`);
    for (const [name, t, ratio] of cliRows) process.stdout.write(`${name.padEnd(cw)}  ${t.padStart(10)}  ${ratio.padStart(9)}\n`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

void main();
