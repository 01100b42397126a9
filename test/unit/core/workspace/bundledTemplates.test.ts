import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodeFileSystem } from '../../../../src/core/workspace/nodeFileSystem';
import { loadProject } from '../../../../src/core/workspace/projects';
import { resolveTemplate } from '../../../../src/core/workspace/templates';
import { repoRoot } from '../../helpers/paths';
import { makeTempDir } from './helpers';

const BUNDLED = path.join(repoRoot(), 'prompts', 'templates');

/**
 * spec-kit's structure (templates/*.md at github/spec-kit 27f50f7e, with `__SPECKIT_COMMAND_X__`
 * rendered as `/speckit.x`): every heading and every bold metadata label, in order. Our templates
 * are worded our own way but must keep these so spec-kit users and the `specify` CLI recognise them.
 */
const EXPECTED: Record<string, { headings: string[]; labels: string[] }> = {
  'spec-template': {
    headings: [
      "# Feature Specification: [FEATURE NAME]",
      "## User Scenarios & Testing *(mandatory)*",
      "### User Story 1 - [Brief Title] (Priority: P1)",
      "### User Story 2 - [Brief Title] (Priority: P2)",
      "### User Story 3 - [Brief Title] (Priority: P3)",
      "### Edge Cases",
      "## Requirements *(mandatory)*",
      "### Functional Requirements",
      "### Key Entities *(include if feature involves data)*",
      "## Success Criteria *(mandatory)*",
      "### Measurable Outcomes",
      "## Assumptions"
    ],
    labels: [
      "**Feature Branch**:",
      "**Created**:",
      "**Status**:",
      "**Input**:",
      "**Why this priority**:",
      "**Independent Test**:",
      "**Acceptance Scenarios**:",
      "**Why this priority**:",
      "**Independent Test**:",
      "**Acceptance Scenarios**:",
      "**Why this priority**:",
      "**Independent Test**:",
      "**Acceptance Scenarios**:"
    ],
  },
  'plan-template': {
    headings: [
      "# Implementation Plan: [FEATURE]",
      "## Summary",
      "## Technical Context",
      "## Constitution Check",
      "## Project Structure",
      "### Documentation (this feature)",
      "### Source Code (repository root)",
      "## Complexity Tracking"
    ],
    labels: [
      "**Branch**:",
      "**Input**:",
      "**Note**:",
      "**Language/Version**:",
      "**Primary Dependencies**:",
      "**Storage**:",
      "**Testing**:",
      "**Target Platform**:",
      "**Project Type**:",
      "**Performance Goals**:",
      "**Constraints**:",
      "**Scale/Scope**:",
      "**Structure Decision**:"
    ],
  },
  'tasks-template': {
    headings: [
      "# Tasks: [FEATURE NAME]",
      "## Format: `[ID] [P?] [Story] Description`",
      "## Path Conventions",
      "## Phase 1: Setup (Shared Infrastructure)",
      "## Phase 2: Foundational (Blocking Prerequisites)",
      "## Phase 3: User Story 1 - [Title] (Priority: P1) 🎯 MVP",
      "### Tests for User Story 1 (OPTIONAL - only if tests requested) ⚠️",
      "### Implementation for User Story 1",
      "## Phase 4: User Story 2 - [Title] (Priority: P2)",
      "### Tests for User Story 2 (OPTIONAL - only if tests requested) ⚠️",
      "### Implementation for User Story 2",
      "## Phase 5: User Story 3 - [Title] (Priority: P3)",
      "### Tests for User Story 3 (OPTIONAL - only if tests requested) ⚠️",
      "### Implementation for User Story 3",
      "## Phase N: Polish & Cross-Cutting Concerns",
      "## Dependencies & Execution Order",
      "### Phase Dependencies",
      "### User Story Dependencies",
      "### Within Each User Story",
      "### Parallel Opportunities",
      "## Parallel Example: User Story 1",
      "## Implementation Strategy",
      "### MVP First (User Story 1 Only)",
      "### Incremental Delivery",
      "### Parallel Team Strategy",
      "## Notes"
    ],
    labels: [
      "**Input**:",
      "**Prerequisites**:",
      "**Tests**:",
      "**Organization**:",
      "**Purpose**:",
      "**Purpose**:",
      "**Checkpoint**:",
      "**Goal**:",
      "**Independent Test**:",
      "**Checkpoint**:",
      "**Goal**:",
      "**Independent Test**:",
      "**Checkpoint**:",
      "**Goal**:",
      "**Independent Test**:",
      "**Checkpoint**:",
      "**Purpose**:"
    ],
  },
  'checklist-template': {
    headings: [
      "# [CHECKLIST TYPE] Checklist: [FEATURE NAME]",
      "## [Category 1]",
      "## [Category 2]",
      "## Notes"
    ],
    labels: [
      "**Purpose**:",
      "**Created**:",
      "**Feature**:",
      "**Note**:",
      "**Review Ownership**:",
      "**Marker Semantics**:"
    ],
  },
  'constitution-template': {
    headings: [
      "# [PROJECT_NAME] Constitution",
      "## Core Principles",
      "### [PRINCIPLE_1_NAME]",
      "### [PRINCIPLE_2_NAME]",
      "### [PRINCIPLE_3_NAME]",
      "### [PRINCIPLE_4_NAME]",
      "### [PRINCIPLE_5_NAME]",
      "## [SECTION_2_NAME]",
      "## [SECTION_3_NAME]",
      "## Governance"
    ],
    labels: [
      "**Version**:"
    ],
  },};

/** Exact lines spec-kit's tooling and prompts key on. */
const EXACT_LINES: Record<string, string[]> = {
  'spec-template': [
    '**Feature Branch**: `[###-feature-name]`',
    '**Created**: [DATE]',
    '**Status**: Draft',
    '**Input**: User description: "$ARGUMENTS"',
    '- **FR-001**: System MUST [specific capability, e.g., "let people sign up for an account"]',
    '- **SC-001**: [Measurable metric, e.g., "A new user finishes sign-up in less than 2 minutes"]',
  ],
  'plan-template': [
    '**Branch**: `[###-feature-name]` | **Date**: [DATE] | **Spec**: [link]',
    '**Input**: Feature specification from `/specs/[###-feature-name]/spec.md`',
    '*GATE: Must pass before Phase 0 research. Re-check after Phase 1 design.*',
    '| Violation | Why Needed | Simpler Alternative Rejected Because |',
  ],
  'tasks-template': [
    'description: "Task list template for feature implementation"',
    '**Input**: Design documents from `/specs/[###-feature-name]/`',
    '**Prerequisites**: plan.md (required), spec.md (required for user stories), research.md, data-model.md, contracts/',
    '- [ ] T001 Create project structure per implementation plan',
    '- [ ] T012 [P] [US1] Create [Entity1] model in src/models/[entity1].py',
  ],
  'checklist-template': ['**Purpose**: [Brief description of what this checklist covers]', '**Created**: [DATE]', '- [ ] CHK001 First checklist item with clear action'],
  'constitution-template': [
    '# [PROJECT_NAME] Constitution',
    '**Version**: [CONSTITUTION_VERSION] | **Ratified**: [RATIFICATION_DATE] | **Last Amended**: [LAST_AMENDED_DATE]',
  ],
};

const PLACEHOLDERS: Record<string, string[]> = {
  'spec-template': ['[###-feature-name]', '[DATE]', '[FEATURE NAME]'],
  'plan-template': ['[###-feature-name]', '[###-feature]', '[DATE]', '[FEATURE]', '[REMOVE IF UNUSED]'],
  'tasks-template': ['[###-feature-name]', '[FEATURE NAME]', '[ID]', '[US1]', '[US2]', '[US3]'],
  'checklist-template': ['[CHECKLIST TYPE]', '[DATE]', '[FEATURE NAME]'],
  'constitution-template': [
    '[CONSTITUTION_VERSION]', '[GOVERNANCE_RULES]', '[GUIDANCE_FILE]', '[LAST_AMENDED_DATE]',
    ...[1, 2, 3, 4, 5].flatMap((n) => [`[PRINCIPLE_${n}_DESCRIPTION]`, `[PRINCIPLE_${n}_NAME]`]),
    '[PROJECT_NAME]', '[RATIFICATION_DATE]', '[SECTION_2_CONTENT]', '[SECTION_2_NAME]', '[SECTION_3_CONTENT]', '[SECTION_3_NAME]',
  ],
};

function read(name: string): string {
  return fs.readFileSync(path.join(BUNDLED, `${name}.md`), 'utf8');
}

function outsideFences(text: string): string[] {
  const out: string[] = [];
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    else if (!fenced) out.push(line);
  }
  return out;
}

describe('bundled templates (prompts/templates)', () => {
  for (const [name, expected] of Object.entries(EXPECTED)) {
    describe(name, () => {
      const text = read(name);
      const lines = outsideFences(text);

      it('has exactly spec-kit\'s headings, in order', () => {
        assert.deepEqual(lines.filter((l) => /^#{1,4} /.test(l)), expected.headings);
      });

      it('has spec-kit\'s metadata labels, in order', () => {
        const labels = lines.map((l) => /^(\*\*[A-Za-z /]+\*\*:)/.exec(l)?.[1]).filter((l): l is string => l !== undefined);
        assert.deepEqual(labels, expected.labels);
      });

      it('keeps the exact lines tools key on', () => {
        const all = text.split('\n');
        for (const line of EXACT_LINES[name]!) assert.ok(all.includes(line), `missing line: ${line}`);
      });

      it('has the same placeholder set', () => {
        const found = [...new Set(text.match(/\[[A-Z][A-Z_0-9 ]*[A-Z0-9]\]|\[###-feature-name\]|\[###-feature\]/g) ?? [])].sort();
        assert.deepEqual(found, [...PLACEHOLDERS[name]!].sort());
      });

      it('uses rendered command names, LF line ends and no unrendered tokens', () => {
        assert.ok(!text.includes('__SPECKIT_COMMAND_'));
        assert.ok(!text.includes('\r'));
        assert.ok(text.endsWith('\n'));
      });
    });
  }

  it('is what resolveTemplate returns for an empty project', async () => {
    const tmp = makeTempDir();
    try {
      tmp.write({ '.specify/': '' });
      const project = await loadProject(new NodeFileSystem(), tmp.root);
      assert.ok(project);
      for (const name of Object.keys(EXPECTED)) {
        const r = await resolveTemplate(new NodeFileSystem(), project, name, BUNDLED.split(path.sep).join('/'));
        assert.equal(r?.source, 'bundled', name);
        assert.equal(r?.content, read(name), name);
      }
    } finally {
      tmp.dispose();
    }
  });
});
