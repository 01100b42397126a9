import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseTasks } from '../../../../src/core/artifacts/tasks';
import { appendConvergencePhase, type ConvergenceItem, convergeFindingsMarkdown, GAP_TYPES, parseConvergeFindings } from '../../../../src/core/analysis/converge';
import { corpusDir, corpusFiles, fixture } from '../../helpers/paths';

const TASKS = '# Tasks\n\n## Phase 1: Setup\n\n- [x] T001 Init in package.json\n\n## Phase 2: User Story 1 - Albums (Priority: P1)\n\n- [ ] T002 [US1] Album model in src/album.ts\n\n## Notes\n\nDone.\n';
const ITEMS: ConvergenceItem[] = [
  { text: 'Add ZIP export to the album service', sourceRef: 'FR-003', gap: 'missing' },
  { text: 'Remove the unused admin page', sourceRef: 'plan: scope', gap: 'unrequested' },
];

describe('appendConvergencePhase', () => {
  it('appends a numbered Convergence phase after everything else', () => {
    const r = appendConvergencePhase(TASKS, ITEMS);
    assert.equal(r.phaseNumber, 3);
    assert.deepEqual(r.added, ['T003', 'T004']);
    assert.equal(
      r.text,
      `${TASKS}\n## Phase 3: Convergence\n\n- [ ] T003 Add ZIP export to the album service per FR-003 (missing)\n- [ ] T004 Remove the unused admin page per plan: scope (unrequested)\n`,
    );
    const doc = parseTasks(r.text);
    assert.deepEqual(doc.tasks.map((t) => t.id), ['T001', 'T002', 'T003', 'T004']);
    assert.equal(doc.phases.at(-1)!.kind, 'convergence');
    assert.equal(doc.problems.length, 0);
  });

  it('returns the text unchanged byte for byte when there is nothing to add', () => {
    for (const text of [TASKS, '', 'no newline at end', '# T\r\n\r\n- [ ] T001 x\r\n']) {
      const r = appendConvergencePhase(text, []);
      assert.equal(r.text, text);
      assert.deepEqual(r.added, []);
    }
  });

  it('adds one newline to a file without one, and writes CRLF into a CRLF file', () => {
    const noEol = '# Tasks\n\n## Phase 1: Setup\n\n- [ ] T001 Init';
    assert.equal(appendConvergencePhase(noEol, ITEMS.slice(0, 1)).text, `${noEol}\n\n## Phase 2: Convergence\n\n- [ ] T002 Add ZIP export to the album service per FR-003 (missing)\n`);
    const crlf = TASKS.replace(/\n/g, '\r\n');
    const r = appendConvergencePhase(crlf, ITEMS);
    assert.ok(r.text.startsWith(crlf));
    assert.equal(r.text.slice(crlf.length), '\r\n## Phase 3: Convergence\r\n\r\n- [ ] T003 Add ZIP export to the album service per FR-003 (missing)\r\n- [ ] T004 Remove the unused admin page per plan: scope (unrequested)\r\n');
  });

  it('continues past T999, after fenced task lines, and cleans up model text', () => {
    const big = '# Tasks\n\n## Phase 7: Polish\n\n- [ ] T998 a in a.ts\n- [ ] T999 b in b.ts\n';
    assert.deepEqual(appendConvergencePhase(big, ITEMS).added, ['T1000', 'T1001']);
    const fenced = '# Tasks\n\n## Phase 1: Setup\n\n- [ ] T001 a\n\n```\n- [ ] T050 example\n```\n';
    assert.deepEqual(appendConvergencePhase(fenced, ITEMS.slice(0, 1)).added, ['T051']);
    const messy = appendConvergencePhase(TASKS, [{ text: '- [ ] T777 Fix\nthe   thing', sourceRef: 'SC-002\n', gap: 'partial' }]);
    assert.ok(messy.text.endsWith('- [ ] T003 Fix the thing per SC-002 (partial)\n'));
  });

  it('follows a converge phase already present, and works on the seed dialect', () => {
    const once = appendConvergencePhase(TASKS, ITEMS.slice(0, 1)).text;
    const twice = appendConvergencePhase(once, ITEMS.slice(1));
    assert.equal(twice.phaseNumber, 4);
    assert.deepEqual(twice.added, ['T004']);
    const seed = readFileSync(fixture('seed', 'postgresql-tasks.md'), 'utf8');
    const r = appendConvergencePhase(seed, ITEMS);
    assert.deepEqual(r.added, ['T009', 'T010']);
    assert.ok(r.text.startsWith(seed));
  });

  it('keeps every corpus tasks.md as a byte-exact prefix and parses the new tasks', function () {
    this.timeout(30000);
    for (const f of corpusFiles('__tasks.md')) {
      const text = readFileSync(join(corpusDir(), f), 'utf8');
      const before = parseTasks(text);
      const r = appendConvergencePhase(text, ITEMS);
      assert.ok(r.text.startsWith(text), f);
      const after = parseTasks(r.text);
      assert.deepEqual(after.tasks.slice(-2).map((t) => t.id), r.added, f);
      assert.equal(new Set(after.tasks.map((t) => t.id)).size, new Set(before.tasks.map((t) => t.id)).size + 2, f);
    }
  });

  it('keeps the original as a prefix for any text and items (property)', function () {
    this.timeout(20000); // each run parses a tasks file
    const item = fc.record({ text: fc.string({ maxLength: 40 }), sourceRef: fc.string({ maxLength: 12 }), gap: fc.constantFrom(...GAP_TYPES) });
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.array(item, { maxLength: 4 }), (text, items) => {
        const r = appendConvergencePhase(text, items);
        if (items.length === 0) return assert.equal(r.text, text);
        const prefix = text.length === 0 || text.endsWith('\n') ? text : null;
        if (prefix !== null) assert.ok(r.text.startsWith(prefix));
        else assert.ok(r.text.startsWith(text) && /^\r?\n/.test(r.text.slice(text.length)));
        assert.equal(r.added.length, items.length);
        for (const id of r.added) assert.equal((r.text.match(new RegExp(`- \\[ \\] ${id} `, 'g')) ?? []).length, 1);
      }),
      { numRuns: 200 },
    );
  });
});

describe('parseConvergeFindings', () => {
  it('reads a fenced array with aliases and drops unusable entries', () => {
    const text = 'Findings:\n```json\n[{"task":"Add rate limiting to POST /api/rsvp","sourceRef":"FR-007","gap":"missing","severity":"high","evidence":"src/api/rsvp.ts has none"},{"text":"Align storage","source":"plan: storage decision","gapType":"Contradicts"},{"task":"","gap":"missing"},{"task":"x","gap":"weird"}]\n```';
    assert.deepEqual(parseConvergeFindings(text), [
      { text: 'Add rate limiting to POST /api/rsvp', sourceRef: 'FR-007', gap: 'missing', severity: 'HIGH', evidence: 'src/api/rsvp.ts has none' },
      { text: 'Align storage', sourceRef: 'plan: storage decision', gap: 'contradicts', severity: 'MEDIUM', evidence: '' },
    ]);
    assert.deepEqual(parseConvergeFindings('{"findings": []}'), []);
    assert.deepEqual(parseConvergeFindings('✅ Converged'), []);
  });

  it('renders the findings table, or the converged message', () => {
    const md = convergeFindingsMarkdown(parseConvergeFindings('[{"task":"Fix | pipe","sourceRef":"SC-1","gap":"partial","severity":"LOW"},{"task":"B","sourceRef":"FR-1","gap":"missing","severity":"CRITICAL"}]'));
    assert.match(md, /\| 1 \| CRITICAL \| missing \| FR-1 \| — \| B \|\n\| 2 \| LOW \| partial \| SC-1 \| — \| Fix \\\| pipe \|/);
    assert.match(convergeFindingsMarkdown([]), /^✅ Converged/);
  });

  it('never throws and returns valid gap types for any text (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        for (const f of parseConvergeFindings(s)) assert.ok(GAP_TYPES.includes(f.gap) && f.text.length > 0);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips generated findings through JSON with prose around it (property)', () => {
    const word = fc.stringMatching(/^[A-Za-z][\w ,.:/"{}[\]-]{0,30}[A-Za-z]$/);
    const finding = fc.record({ task: word, sourceRef: word, gap: fc.constantFrom(...GAP_TYPES), severity: fc.constantFrom('CRITICAL', 'HIGH', 'MEDIUM', 'LOW') });
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 8 }), fc.boolean(), (list, fenced) => {
        const json = JSON.stringify(list);
        const parsed = parseConvergeFindings(fenced ? `Here:\n\`\`\`json\n${json}\n\`\`\`\nThanks` : json);
        assert.deepEqual(
          parsed.map((p) => [p.text, p.sourceRef, p.gap, p.severity]),
          list.map((f) => [f.task.replace(/\s+/g, ' '), f.sourceRef.replace(/\s+/g, ' '), f.gap, f.severity]),
        );
      }),
      { numRuns: 200 },
    );
  });
});
