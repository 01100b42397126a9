import * as assert from 'node:assert/strict';
import { parseProposal } from '../../../../src/core/openspec/changeDocs';
import { parseDeltaSpec } from '../../../../src/core/openspec/deltaDoc';
import { parseOpenSpecSpec } from '../../../../src/core/openspec/specDoc';

describe('OpenSpec readers', () => {
  it('read a CRLF delta with a BOM, ranges on the exact text', () => {
    const raw = '\uFEFF## ADDED Requirements\r\n\r\n### Requirement: Export ###\r\n\r\nThe system SHALL export.\r\n\r\n#### Scenario: Month\r\n\r\n- **WHEN** asked\r\n- **THEN** done\r\n';
    const d = parseDeltaSpec(raw);
    assert.equal(d.added.length, 1);
    const r = d.added[0]!;
    assert.equal(r.name, 'Export');
    const text = d.markdown.text;
    assert.equal(d.markdown.index.textOf(r.nameRange), 'Export');
    assert.equal(d.markdown.index.textOf(r.textRange!), 'The system SHALL export.');
    assert.equal(r.scenarios[0]!.name, 'Month');
    assert.deepEqual(r.scenarios[0]!.steps.map((s) => [s.keyword, s.text]), [['WHEN', 'asked'], ['THEN', 'done']]);
    assert.ok(!text.includes('\uFEFF'));
  });

  it('ignore requirements and scenarios shown in fenced code', () => {
    const d = parseDeltaSpec('## ADDED Requirements\n\n### Requirement: Real\n\nThe system SHALL be real.\n\n```markdown\n#### Scenario: Fenced\n- **WHEN** a\n### Requirement: Fenced\n```\n');
    assert.deepEqual(d.added.map((r) => r.name), ['Real']);
    assert.equal(d.added[0]!.scenarios.length, 0);
  });

  it('read REMOVED as headings and as bullets of any marker, and pair RENAMED lines in order', () => {
    const d = parseDeltaSpec(
      '## REMOVED Requirements\n\n### Requirement: A\n\n- `### Requirement: B`\n* ### Requirement: C\n+ `### Requirement: D`\n\n## RENAMED Requirements\n\n- TO: `### Requirement: Orphan`\n- FROM: `### Requirement: E`\n- TO: `### Requirement: F`\n- FROM: `### Requirement: G`\n',
    );
    assert.deepEqual(d.removed.map((r) => [r.name, r.form]), [['A', 'heading'], ['B', 'bullet'], ['C', 'bullet'], ['D', 'bullet']]);
    assert.deepEqual(d.renamed.map((r) => [r.from, r.to]), [['E', 'F']]);
    assert.deepEqual(d.unpairedRenames.map((u) => [u.side, u.name]), [['TO', 'Orphan'], ['FROM', 'G']]);
  });

  it('count a scenario only when steps are written under it, and keywords only when marked', () => {
    const s = parseOpenSpecSpec(
      '## Purpose\n\nLong enough purpose text for the capability under test here.\n\n## Requirements\n\n### Requirement: R\n\nThe system SHALL r.\n\n#### Scenario: Empty\n\n#### Scenario: Mixed\n\n- **When** bold in mixed case\n- when plain lower case\n- THEN capitals\n',
    );
    const r = s.requirements[0]!;
    assert.deepEqual(r.scenarios.map((x) => [x.name, x.hasBody]), [['Empty', false], ['Mixed', true]]);
    assert.deepEqual(r.scenarios[1]!.steps.map((x) => x.keyword), ['WHEN', undefined, 'THEN']);
  });

  it('read a requirement body made of metadata lines only as its statement', () => {
    const s = parseOpenSpecSpec('## Purpose\n\nx\n\n## Requirements\n\n### Requirement: R\n\n**Constraint**: The system MUST r.\n\n#### Scenario: S\n\n- **WHEN** a\n');
    assert.equal(s.requirementBlocks[0]!.text, '**Constraint**: The system MUST r.');
    assert.equal(s.requirementBlocks[0]!.normative, true);
  });

  it('read empty, binary and unstructured input as empty models with the file\'s problem', () => {
    for (const raw of ['', 'just prose', new Uint8Array([0, 1, 2, 0, 255])]) {
      const s = parseOpenSpecSpec(raw);
      const d = parseDeltaSpec(raw);
      assert.equal(s.requirements.length + s.strayRequirements.length, 0);
      assert.equal(d.sections.length + d.added.length, 0);
    }
    assert.deepEqual(parseOpenSpecSpec(new Uint8Array([0, 1, 2, 0])).problems.map((p) => p.code), ['binary-file']);
  });

  it('read the capabilities a proposal lists under New and Modified Capabilities', () => {
    const p = parseProposal('# Proposal\n\n## Why\n\nw\n\n## Capabilities\n\n### New Capabilities\n- `user-auth`: sign-in\n- `<capability-path>`: template line\n\n### Modified Capabilities\n- `billing`: invoices change\n');
    assert.deepEqual(p.capabilities.map((c) => [c.capability, c.kind]), [['user-auth', 'new'], ['billing', 'modified']]);
    assert.equal(p.title?.value, 'Proposal');
  });
});
