import * as assert from 'node:assert/strict';
import { parseChecklist } from '../../../../src/core/artifacts/checklist';
import { parseSpec } from '../../../../src/core/artifacts/spec';
import { qualityFailures, reviseQualityChecklist, specQualityChecklist } from '../../../../src/core/chat/qualityChecklist';

const GOOD = `# Feature Specification: Backups

**Feature Branch**: \`002-backups\`
**Created**: 2025-01-01
**Status**: Draft

## User Scenarios & Testing *(mandatory)*

### User Story 1 - Restore a database (Priority: P1)

An operator restores yesterday's backup.

**Independent Test**: Restore a backup on a fresh host and query a known row.

**Acceptance Scenarios**:

1. **Given** a daily backup, **When** the operator restores it, **Then** the data is back

### Edge Cases

- The backup disk is full.

## Requirements *(mandatory)*

### Functional Requirements

- **FR-001**: System MUST back up every database daily.
- **FR-002**: System MUST keep backups for 7 days.

## Success Criteria *(mandatory)*

- **SC-001**: A restore completes in under 10 minutes.

## Out of Scope

- Replication.

## Assumptions

- One host.
`;

function input(specText: string) {
  return { spec: parseSpec(specText), specText, featureName: 'Backups', specRelPath: 'spec.md', today: '2025-02-03' };
}

describe('core/chat/qualityChecklist', () => {
  it("writes spec-kit's checklist, ticking what passes and leaving review items open", () => {
    const r = specQualityChecklist(input(GOOD));
    assert.match(r.text, /^# Specification Quality Checklist: Backups\n\n\*\*Purpose\*\*: .*\n\*\*Created\*\*: 2025-02-03\n\*\*Feature\*\*: \[spec\.md\]\(\.\.\/spec\.md\)\n/);
    assert.match(r.text, /## Content Quality\n\n- \[x\] No implementation details/);
    assert.match(r.text, /## Requirement Completeness/);
    assert.match(r.text, /## Feature Readiness/);
    assert.match(r.text, /## Notes\n/);
    assert.equal(r.total, 16);
    assert.equal(r.passed, 13);
    assert.deepEqual(r.failing, ['Focused on user value and business needs', 'Written for non-technical stakeholders', 'Feature meets measurable outcomes defined in Success Criteria']);
    assert.match(r.text, /Needs review: "Focused on user value/);
    const parsed = parseChecklist(r.text);
    assert.equal(parsed.total, 16);
    assert.equal(parsed.checked, 13);
    assert.ok(parsed.items.every((i) => i.id === undefined));
    assert.deepEqual(parsed.categories.map((c) => c.title), ['Content Quality', 'Requirement Completeness', 'Feature Readiness']);
    assert.deepEqual(parsed.problems, []);
  });

  it('fails the checks a weak spec fails, with reasons in the notes', () => {
    const weak = GOOD.replace('daily.', 'daily with PostgreSQL [NEEDS CLARIFICATION: which databases?].')
      .replace('- **SC-001**: A restore completes in under 10 minutes.', '- **SC-001**: Restores are fast.')
      .replace('**Independent Test**: Restore a backup on a fresh host and query a known row.\n', '')
      .replace(/### Edge Cases\n\n- The backup disk is full.\n/, '')
      .replace(/## Assumptions\n\n- One host.\n/, '');
    const r = specQualityChecklist(input(weak));
    const failing = new Set(r.failing);
    for (const item of [
      'No implementation details (languages, frameworks, APIs)',
      'No [NEEDS CLARIFICATION] markers remain',
      'Success criteria are measurable',
      'Edge cases are identified',
      'Dependencies and assumptions identified',
      'User scenarios cover primary flows',
      'No implementation details leak into specification',
    ]) {
      assert.ok(failing.has(item), item);
    }
    assert.ok(!failing.has('Success criteria are technology-agnostic (no implementation details)'));
    assert.match(r.text, /Failing: "No implementation details \(languages, frameworks, APIs\)" — requirements or success criteria name PostgreSQL/);
    assert.match(r.text, /SC-001 names no number or unit/);
    assert.match(r.text, /US1 lacks independent test/);
    assert.equal(parseChecklist(r.text).checked, r.passed);
  });

  it('fails success criteria that measure the system instead of users, and lists failures for a revision pass', () => {
    const r = specQualityChecklist(input(GOOD.replace('- **SC-001**: A restore completes in under 10 minutes.', '- **SC-001**: API response time is under 200 ms.')));
    assert.ok(r.failing.includes('Success criteria are technology-agnostic (no implementation details)'));
    assert.match(qualityFailures(r), /^- Success criteria are technology-agnostic \(no implementation details\): SC-001 measures the system, not the user/m);
    assert.ok(!qualityFailures(r).includes('Needs review'), 'items a person must review are not given to the model as failures');
    assert.equal(qualityFailures(specQualityChecklist(input(GOOD))), '');
  });

  it('does not mistake ordinary words for technology names, and flags placeholders and empty specs', () => {
    const r = specQualityChecklist(input(GOOD.replace('restores it', 'reacts to the alert and restores it')));
    assert.ok(!r.failing.includes('No implementation details leak into specification'));
    const template = specQualityChecklist(input('# Feature Specification: [FEATURE NAME]\n\n**Created**: [DATE]\n'));
    assert.ok(template.failing.includes('All mandatory sections completed'));
    assert.match(template.text, /template placeholders left/);
    const empty = specQualityChecklist(input(''));
    assert.equal(empty.total, 16);
    assert.equal(parseChecklist(empty.text).total, 16);
  });

  it('revises only the checkbox characters that changed and summarizes', () => {
    const weak = GOOD.replace('daily.', 'daily [NEEDS CLARIFICATION: which?].');
    const before = specQualityChecklist(input(weak));
    // A person ticked a review item; the revision must keep that.
    const reviewed = before.text.replace('- [ ] Focused on user value', '- [x] Focused on user value').replace(/\n/g, '\r\n');
    const r = reviseQualityChecklist('\ufeff' + reviewed, input(GOOD));
    assert.equal(r.summary, `${before.passed + 1}/16 → 14/16 items passing`);
    assert.deepEqual(r.newlyPassing, ['No [NEEDS CLARIFICATION] markers remain']);
    assert.deepEqual(r.regressions, []);
    assert.equal(r.passed, 14);
    const expected = '\ufeff' + reviewed.replace('- [ ] No [NEEDS CLARIFICATION] markers remain', '- [x] No [NEEDS CLARIFICATION] markers remain');
    assert.equal(r.text, expected);
  });

  it('reports regressions and leaves unknown items alone', () => {
    const prev = specQualityChecklist(input(GOOD)).text + '\n## Extra\n\n- [x] Team sign-off\n';
    const r = reviseQualityChecklist(prev, input(GOOD.replace('- The backup disk is full.\n', '')));
    assert.deepEqual(r.regressions, ['Edge cases are identified']);
    assert.match(r.text, /- \[ \] Edge cases are identified/);
    assert.match(r.text, /- \[x\] Team sign-off/);
    assert.equal(r.total, 17);
    assert.equal(r.summary, '14/17 → 13/17 items passing');
  });

  it('writes a fresh checklist when the previous text has no items', () => {
    const r = reviseQualityChecklist('garbage', input(GOOD));
    assert.equal(r.total, 16);
    assert.equal(r.summary, '0/0 → 13/16 items passing');
  });
});
