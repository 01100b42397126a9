// Small spec-kit files for the lint and navigation tests: a clean feature, and variants that break one rule each.
import { analyzeDoc, type AnalyzedDoc } from '../../../../src/core/lint/analyzedDoc';

export const SPEC = `# Feature Specification: Backups

**Feature Branch**: \`001-backups\`
**Created**: 2026-01-01
**Status**: Draft
**Input**: User description: "nightly backups"

## User Scenarios & Testing *(mandatory)*

### User Story 1 - Database runs (Priority: P1)

The operator enables the database.

**Independent Test**: Build the host.

### User Story 2 - Nightly backups (Priority: P2)

A dump each night.

**Independent Test**: Start the unit.

## Requirements *(mandatory)*

### Functional Requirements

- **FR-001**: The host MUST run PostgreSQL.
- **FR-002**: The system MUST dump every database nightly.

## Success Criteria *(mandatory)*

### Measurable Outcomes

- **SC-001**: A restore loses no data.
`;

export const TASKS = `# Tasks: Backups

## Phase 1: Setup (Shared Infrastructure)

- [x] T001 Create modules/services/postgresql/default.nix
- [ ] T002 [P] Import the module in modules/default.nix

## Phase 2: User Story 1 - Database runs (Priority: P1) 🎯 MVP

- [ ] T003 [P] [US1] Enable the service in hosts/ovh/default.nix (FR-001)
- [ ] T004 [US1] Build the host (depends on T003)

## Phase 3: User Story 2 - Nightly backups (Priority: P2)

- [ ] T005 [P] [US2] Add the dump timer in modules/services/postgresql/backup.nix (FR-002)
- [ ] T006 [P] [US2] Add the restore script in scripts/restore.sh

## Phase 4: Polish & Cross-Cutting Concerns

- [ ] T007 Document the module in docs/postgresql.md

## Dependencies

- T004 depends on T003; T006 after T005
`;

export const ROOT = '/ws';
export const FEATURE = `${ROOT}/specs/001-backups`;

export function doc(name: string, text: string): AnalyzedDoc {
  const d = analyzeDoc(`${FEATURE}/${name}`, text);
  if (!d) throw new Error(`not a spec-kit file: ${name}`);
  return d;
}

/** Replaces exactly one occurrence (the test fails loudly when the fixture changed under it). */
export function swap(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`fixture: "${from}" must occur exactly once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}
