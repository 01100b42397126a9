/**
 * The workspaces the benchmarks measure, laid out on disk: a generated spec-kit project (spec, plan and
 * a 30-task tasks.md per feature) and the real corpus copied into as many features.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Tasks per generated tasks.md. */
export const TASKS = 30;

export function spec(n: number): string {
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

export function plan(n: number): string {
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

/** A generated tasks.md: two phases, `done` of its tasks checked. */
export function tasks(n: number, done: number): string {
  const lines = [`# Tasks: Feature ${n}`, '', '## Phase 1: Setup', ''];
  for (let t = 1; t <= TASKS; t++) {
    if (t === 11) lines.push('', '## Phase 3: User Story 1 - Do the thing (Priority: P1) 🎯 MVP', '');
    const id = `T${String(t).padStart(3, '0')}`;
    lines.push(`- [${t <= done ? 'x' : ' '}] ${id}${t % 3 === 0 ? ' [P]' : ''}${t > 10 ? ' [US1]' : ''} Implement part ${t} in src/feature${n}/part${t}.ts (FR-00${(t % 3) + 1})`);
  }
  return lines.join('\n') + '\n';
}

/** One spec-kit project (a constitution) with features `from`..`to` (spec, plan, tasks each). */
export function generate(root: string, from: number, to: number): void {
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

/** The corpus: $SPECKIT_CORPUS, else ../shared/corpus beside the checkout. */
export function corpusDir(): string {
  return process.env.SPECKIT_CORPUS ?? join(__dirname, '..', '..', '..', 'shared', 'corpus');
}

/**
 * The real corpus (../shared/corpus, SOURCES.tsv) laid out as its features, then copied round-robin
 * into `count` feature folders of one project: real files, in the numbers a big repository has.
 * Returns how many distinct features the corpus has.
 */
export function generateReal(root: string, count: number): number {
  const corpus = corpusDir();
  const rows = readFileSync(join(corpus, 'SOURCES.tsv'), 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '');
  const features = new Map<string, Array<[string, string]>>();
  for (const row of rows) {
    const [repo, file] = row.split('\t') as [string, string];
    const m = /^(?:.*\/)?specs\/([^/]+)\/(spec\.md|plan\.md|tasks\.md|checklists\/[^/]+\.md)$/.exec(file);
    const flat = join(corpus, `${repo.replace('/', '__')}__${file.split('/').join('__')}`);
    if (!m || !existsSync(flat)) continue;
    const key = `${repo}/${m[1]}`;
    if (!features.has(key)) features.set(key, []);
    features.get(key)!.push([m[2]!, flat]);
  }
  const groups = [...features.values()];
  mkdirSync(join(root, '.specify', 'memory'), { recursive: true });
  writeFileSync(join(root, '.specify', 'memory', 'constitution.md'), '# Real Constitution\n');
  for (let n = 1; n <= count; n++) {
    const dir = join(root, 'specs', `${String(n).padStart(4, '0')}-real-${n}`);
    for (const [rel, from] of groups[(n - 1) % groups.length]!) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      copyFileSync(from, join(dir, rel));
    }
  }
  return groups.length;
}
