import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { parseSpec } from '../../../../src/core/artifacts/spec';
import {
  allQuestionsMarkdown,
  type ClarifyQuestion,
  parseClarifyQuestions,
  parseNumberedAnswers,
  questionMarkdown,
  recordClarification,
  replaceMarker,
  resolveAnswer,
} from '../../../../src/core/chat/clarify';

const CHOICE: ClarifyQuestion = {
  question: 'How long should backups be kept?',
  why: 'Retention decides disk use.',
  kind: 'choice',
  options: [
    { label: 'A', description: '7 days' },
    { label: 'B', description: '30 days' },
    { label: 'C', description: '90 days' },
  ],
  recommended: 'A',
  recommendedReason: 'enough for a week of restores',
};
const SHORT: ClarifyQuestion = { question: 'Which port serves metrics?', why: 'Firewall rules need it.', kind: 'short', options: [], recommended: '9187' };

const SPEC = `# Feature Specification: Backups

**Feature Branch**: \`002-backups\`
**Created**: 2025-01-01

## User Scenarios & Testing *(mandatory)*

### User Story 1 - Restore (Priority: P1)

Text.

## Requirements *(mandatory)*

- **FR-001**: System MUST keep backups for [NEEDS CLARIFICATION: retention period?]
`;

describe('core/chat/clarify', () => {
  describe('parseClarifyQuestions', () => {
    it('reads a fenced JSON array with prose around it', () => {
      const text = `Here are the questions:\n\n\`\`\`json\n[{"question": "How long are backups kept", "why": "disk", "kind": "choice", "options": ["7 days", "30 days"], "recommended": "A"}]\n\`\`\`\nThanks.`;
      const { questions, problems } = parseClarifyQuestions(text);
      assert.deepEqual(problems, []);
      assert.equal(questions.length, 1);
      assert.equal(questions[0]!.question, 'How long are backups kept?');
      assert.deepEqual(questions[0]!.options, [
        { label: 'A', description: '7 days' },
        { label: 'B', description: '30 days' },
      ]);
      assert.equal(questions[0]!.recommended, 'A');
    });

    it('drops a topic label or a requirement ID posing as a question', () => {
      const text = JSON.stringify([
        { question: 'Data retention', kind: 'short', options: [], recommended: '7 days' },
        { question: 'FR-004', kind: 'short', options: [], recommended: 'yes' },
        { question: 'Which roles may restore a backup?', kind: 'short', options: [], recommended: 'Admins only' },
      ]);
      const { questions, problems } = parseClarifyQuestions(text);
      assert.deepEqual(
        questions.map((q) => q.question),
        ['Which roles may restore a backup?'],
      );
      assert.equal(problems.filter((p) => /is a topic, not a question/.test(p)).length, 2);
    });

    it('tolerates single quotes, trailing commas, unquoted keys and comments, and never evaluates', () => {
      const text = `[ { question: 'Port?', why: 'firewall', kind: 'short', recommended: '9187', }, // note\n ]`;
      const { questions } = parseClarifyQuestions(text);
      assert.equal(questions.length, 1);
      assert.equal(questions[0]!.kind, 'short');
      assert.equal(questions[0]!.recommended, '9187');
      const hostile = parseClarifyQuestions('[{"question": (function(){ throw new Error("x") })()}]');
      assert.equal(hostile.questions.length, 0);
      assert.ok(hostile.problems.length > 0);
    });

    it('treats [] as no questions without problems', () => {
      assert.deepEqual(parseClarifyQuestions('```json\n[]\n```'), { questions: [], problems: [] });
    });

    it('keeps at most five questions and reports the rest', () => {
      const qs = Array.from({ length: 7 }, (_, i) => ({ question: `Q${i}?`, why: 'w', kind: 'short' }));
      const { questions, problems } = parseClarifyQuestions(JSON.stringify(qs));
      assert.equal(questions.length, 5);
      assert.equal(problems.length, 2);
    });

    it('drops malformed entries with a problem each', () => {
      const text = JSON.stringify([
        'not an object',
        { why: 'no question' },
        { question: 'One option?', kind: 'choice', options: ['only'] },
        { question: 'Fine?', options: [{ label: 'A', description: 'x' }, { label: 'B', description: 'y' }], recommended: 'Option B - simpler' },
      ]);
      const { questions, problems } = parseClarifyQuestions(text);
      assert.equal(questions.length, 1);
      assert.equal(problems.length, 3);
      assert.equal(questions[0]!.recommended, 'B');
      assert.equal(questions[0]!.recommendedReason, 'simpler');
    });

    it('caps options at five and reports a recommendation naming no option', () => {
      const text = JSON.stringify([{ question: 'Pick?', options: ['a', 'b', 'c', 'd', 'e', 'f'], recommended: 'Z' }]);
      const { questions, problems } = parseClarifyQuestions(text);
      assert.equal(questions[0]!.options.length, 5);
      assert.equal(questions[0]!.recommended, undefined);
      assert.equal(problems.length, 2);
    });

    it('reports text with no array, and survives deeply nested input', () => {
      assert.equal(parseClarifyQuestions('I have no questions.').questions.length, 0);
      assert.ok(parseClarifyQuestions('I have no questions.').problems.length > 0);
      const deep = '['.repeat(10000) + ']'.repeat(10000);
      assert.doesNotThrow(() => parseClarifyQuestions(deep));
    });

    it('does not let a __proto__ key reach the prototype', () => {
      const { questions } = parseClarifyQuestions('[{"__proto__": {"polluted": 1}, "question": "Q?"}]');
      assert.equal(questions.length, 1);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });

    it('never throws on arbitrary text (property)', () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 300 }), (s) => {
          const r = parseClarifyQuestions(s);
          assert.ok(r.questions.length <= 5);
          for (const q of r.questions) assert.match(q.question, /[?？](?:\s\([^()]*\))?$/);
        }),
      );
    });
  });

  describe('presentation', () => {
    it('shows a choice question as spec-kit does', () => {
      const md = questionMarkdown(CHOICE, 2, 5);
      assert.match(md, /^\*\*Question 2 of 5:\*\* How long should backups be kept\?/);
      assert.match(md, /\| Option \| Description \|/);
      assert.match(md, /\| B \| 30 days \|/);
      assert.match(md, /\*\*Recommended:\*\* Option A — enough for a week of restores/);
    });

    it('shows a short question with its suggestion and the word limit', () => {
      const md = questionMarkdown(SHORT, 1, 1);
      assert.match(md, /\*\*Suggested:\*\* 9187/);
      assert.match(md, /answer in ≤5 words/);
      assert.doesNotMatch(md, /\| Option \|/);
    });

    it('escapes pipes in option cells', () => {
      const md = questionMarkdown({ ...CHOICE, options: [{ label: 'A', description: 'a|b' }, { label: 'B', description: 'c' }] }, 1, 1);
      assert.match(md, /\| A \| a\\\|b \|/);
    });

    it('numbers all questions 1., 2., …', () => {
      const md = allQuestionsMarkdown([{ ...CHOICE, section: 'Backup' }, SHORT]);
      assert.match(md, /^1\. \*\*Backup:\*\* How long should backups be kept\?/m);
      assert.match(md, /^2\. Which port serves metrics\?/m);
      assert.match(md, /\*\*A\*\*: 7 days \*\(recommended\)\*/);
    });
  });

  describe('resolveAnswer', () => {
    it('maps letters and "Option C" to the option', () => {
      assert.deepEqual(resolveAnswer(CHOICE, 'b'), { answer: '30 days', option: 'B' });
      assert.deepEqual(resolveAnswer(CHOICE, 'Option C'), { answer: '90 days', option: 'C' });
      assert.deepEqual(resolveAnswer(CHOICE, ' A) '), { answer: '7 days', option: 'A' });
      assert.deepEqual(resolveAnswer(CHOICE, 'B - the auditors want a month'), { answer: '30 days', option: 'B' });
      assert.deepEqual(resolveAnswer(CHOICE, '30 Days'), { answer: '30 days', option: 'B' });
      assert.deepEqual(resolveAnswer(CHOICE, 'optional backups only'), { answer: 'optional backups only' });
    });

    it('accepts the recommendation or suggestion', () => {
      assert.deepEqual(resolveAnswer(CHOICE, 'yes'), { answer: '7 days', option: 'A' });
      assert.deepEqual(resolveAnswer(CHOICE, 'Recommended'), { answer: '7 days', option: 'A' });
      assert.deepEqual(resolveAnswer(SHORT, 'ok'), { answer: '9187' });
      assert.ok('unclear' in resolveAnswer({ ...SHORT, recommended: undefined }, 'yes'));
    });

    it('stops on done/stop/no more/proceed/good', () => {
      for (const w of ['done', 'Stop', 'no more', 'proceed.', 'good']) assert.deepEqual(resolveAnswer(CHOICE, w), { stop: true }, w);
    });

    it('takes free text as the answer on one line; empty is unclear; unknown letters are unclear', () => {
      assert.deepEqual(resolveAnswer(CHOICE, '  14 days,\n rotated weekly '), { answer: '14 days, rotated weekly' });
      assert.deepEqual(resolveAnswer(CHOICE, 'A cron job decides'), { answer: 'A cron job decides' });
      assert.ok('unclear' in resolveAnswer(CHOICE, '   '));
      assert.ok('unclear' in resolveAnswer(CHOICE, 'E'));
    });
  });

  describe('parseNumberedAnswers', () => {
    it("reads the seed's numbered reply", () => {
      const reply = `1. Backup: 7 days retention, compressed with gzip, encrypted with age
2. Users: Admin user via OpNix secrets (when available), passwords via secrets management
3. Performance: Max 100 connections, enable slow query logging (>1s), 256MB shared_buffers
4. HA: Not needed for initial implementation, document as future enhancement
5. Monitoring: Log to journald, expose metrics on port 9187, no Datadog integration yet`;
      const m = parseNumberedAnswers(reply, 5);
      assert.equal(m.size, 5);
      assert.equal(m.get(1), 'Backup: 7 days retention, compressed with gzip, encrypted with age');
      assert.equal(m.get(5), 'Monitoring: Log to journald, expose metrics on port 9187, no Datadog integration yet');
    });

    it('accepts 1), Q1:, Q1 - and multi-line answers', () => {
      const m = parseNumberedAnswers('Here you go:\r\nQ1: yes\r\n  more detail\r\n   - bullet one\r\nQ2 - B\r\n3) free text', 3);
      assert.equal(m.get(1), 'yes more detail; bullet one');
      assert.equal(m.get(2), 'B');
      assert.equal(m.get(3), 'free text');
    });

    it("reads spec-kit's one-line form", () => {
      const m = parseNumberedAnswers('Q1: A, Q2: Custom - keep 14 days, Q3: B', 3);
      assert.deepEqual([...m], [
        [1, 'A'],
        [2, 'Custom - keep 14 days'],
        [3, 'B'],
      ]);
    });

    it('is empty for a reply that is not numbered, and ignores numbers beyond the count', () => {
      assert.equal(parseNumberedAnswers('A', 3).size, 0);
      assert.equal(parseNumberedAnswers('yes, all recommended', 3).size, 0);
      assert.deepEqual([...parseNumberedAnswers('1. a\n9. b', 2)], [[1, 'a 9. b']]);
    });
  });

  describe('recordClarification', () => {
    it('creates the section before the first ## after the title block and round-trips through parseSpec', () => {
      const out = recordClarification(SPEC, [{ question: 'How long are backups kept?', answer: '7 days' }], '2025-02-03');
      assert.match(out, /\*\*Created\*\*: 2025-01-01\n\n## Clarifications\n\n### Session 2025-02-03\n\n- Q: How long are backups kept\? → A: 7 days\n\n## User Scenarios/);
      const spec = parseSpec(out);
      assert.deepEqual(spec.clarifications.map((s) => [s.date, s.entries.map((e) => [e.question, e.answer])]), [['2025-02-03', [['How long are backups kept?', '7 days']]]]);
      assert.equal(spec.stories.length, 1);
      assert.equal(spec.requirements.length, 1);
    });

    it("puts it after the seed's Overview section", () => {
      const seed = '# PostgreSQL Database Server\n\n## Overview\nAdd PostgreSQL 15.\n\n## User Stories\n- As a developer, I want x\n';
      const out = recordClarification(seed, [{ question: 'Backup?', answer: '7 days' }], '2025-02-03');
      assert.equal(out, '# PostgreSQL Database Server\n\n## Overview\nAdd PostgreSQL 15.\n\n## Clarifications\n\n### Session 2025-02-03\n\n- Q: Backup? → A: 7 days\n\n## User Stories\n- As a developer, I want x\n');
    });

    it("reuses today's session, appends a new session after older ones, and never duplicates", () => {
      const once = recordClarification(SPEC, [{ question: 'Q1?', answer: 'a' }], '2025-02-03');
      const twice = recordClarification(once, [{ question: 'Q2?', answer: 'b' }, { question: 'Q1?', answer: 'a' }], '2025-02-03');
      assert.match(twice, /### Session 2025-02-03\n\n- Q: Q1\? → A: a\n- Q: Q2\? → A: b\n\n## User/);
      assert.equal(recordClarification(twice, [{ question: 'Q1?', answer: 'a' }], '2025-02-03'), twice);
      const later = recordClarification(twice, [{ question: 'Q3?', answer: 'c' }], '2025-02-04');
      assert.match(later, /- Q: Q2\? → A: b\n\n### Session 2025-02-04\n\n- Q: Q3\? → A: c\n\n## User/);
      assert.deepEqual(
        parseSpec(later).clarifications.map((s) => s.date),
        ['2025-02-03', '2025-02-04'],
      );
    });

    it('keeps an existing Clarifications section where it is (at the end)', () => {
      const text = SPEC + '\n## Clarifications\n\n### Session 2025-01-01\n\n- Q: Old? → A: yes\n';
      const out = recordClarification(text, [{ question: 'New?', answer: 'no' }], '2025-01-01');
      assert.equal(out, text.replace('- Q: Old? → A: yes\n', '- Q: Old? → A: yes\n- Q: New? → A: no\n'));
    });

    it('keeps CRLF and the BOM, and changes nothing else', () => {
      const crlf = '\ufeff' + SPEC.replace(/\n/g, '\r\n');
      const out = recordClarification(crlf, [{ question: 'Q?', answer: 'A' }], '2025-02-03');
      assert.ok(out.startsWith('\ufeff# Feature'));
      assert.doesNotMatch(out.replace(/\r\n/g, ''), /\n/);
      assert.equal(out.replace(/## Clarifications\r\n\r\n### Session 2025-02-03\r\n\r\n- Q: Q\? → A: A\r\n\r\n/, ''), crlf);
    });

    it('neutralizes an arrow in the question so the entry reads back the same', () => {
      const out = recordClarification(SPEC, [{ question: 'Is x → A: y meant?', answer: 'multi\nline' }], '2025-02-03');
      const e = parseSpec(out).clarifications[0]!.entries[0]!;
      assert.equal(e.answer, 'multi line');
      assert.match(e.question, /^Is x/);
    });

    it('appends at the end of a file with no ## heading', () => {
      assert.equal(recordClarification('# T\n\ntext\n', [{ question: 'Q?', answer: 'a' }], '2025-02-03'), '# T\n\ntext\n\n## Clarifications\n\n### Session 2025-02-03\n\n- Q: Q? → A: a\n');
      assert.equal(recordClarification('', [{ question: 'Q?', answer: 'a' }], '2025-02-03'), '## Clarifications\n\n### Session 2025-02-03\n\n- Q: Q? → A: a\n');
    });

    it('round-trips arbitrary plain entries (property)', function () {
      // Each run parses the spec several times; keep the run count modest.
      this.timeout(20000);
      const word = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ,?()'-]{0,30}[A-Za-z0-9?)]$/);
      fc.assert(
        fc.property(fc.array(fc.record({ question: word, answer: word }), { minLength: 1, maxLength: 4 }), fc.boolean(), (entries, crlf) => {
          const base = crlf ? SPEC.replace(/\n/g, '\r\n') : SPEC;
          const out = recordClarification(base, entries, '2025-03-04');
          const got = parseSpec(out).clarifications.flatMap((s) => s.entries.map((e) => `${e.question}|${e.answer}`));
          const want = [...new Set(entries.map((e) => `${e.question.replace(/\s+/g, ' ').trim()}|${e.answer.replace(/\s+/g, ' ').trim()}`.toLowerCase()))];
          assert.deepEqual([...new Set(got.map((g) => g.toLowerCase()))], want);
          assert.equal(recordClarification(out, entries, '2025-03-04'), out);
        }),
        { numRuns: 50 },
      );
    });
  });

  describe('replaceMarker', () => {
    it('replaces exactly the marker', () => {
      const out = replaceMarker(SPEC, 'retention period?', '7 days');
      assert.equal(out, SPEC.replace('[NEEDS CLARIFICATION: retention period?]', '7 days'));
      assert.equal(parseSpec(out).markers.length, 0);
    });

    it('leaves the text alone when the marker is absent or only in code', () => {
      assert.equal(replaceMarker(SPEC, 'other', 'x'), SPEC);
      const fenced = '# T\n\n```\n[NEEDS CLARIFICATION: q]\n```\n';
      assert.equal(replaceMarker(fenced, 'q', 'x'), fenced);
    });

    it('keeps BOM and CRLF', () => {
      const crlf = '\ufeff' + SPEC.replace(/\n/g, '\r\n');
      assert.equal(replaceMarker(crlf, 'retention period?', 'a\nb'), crlf.replace('[NEEDS CLARIFICATION: retention period?]', 'a b'));
    });
  });
});
