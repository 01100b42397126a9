import * as assert from 'node:assert/strict';
import { contextSummary, type DesignDoc, markdownSection, pickRepositoryFiles, renderFileForPrompt, selectDesignDocs, taskTouches, truncationMarker } from '../../../../src/core/chat/promptContext';

describe('promptContext', () => {
  describe('renderFileForPrompt', () => {
    it('keeps a file that fits whole, without a marker', () => {
      const r = renderFileForPrompt('a\nb\n', { maxChars: 100 });
      assert.deepEqual(r, { text: 'a\nb\n', cut: false, totalLines: 2, keptLines: 2 });
    });

    it('cuts at a line break and says where, pointing at read_file only when the model has it', () => {
      const text = Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n');
      const withTool = renderFileForPrompt(text, { maxChars: 20, canRead: true });
      assert.equal(withTool.cut, true);
      assert.equal(withTool.keptLines, 2);
      assert.equal(withTool.text, 'line 1\nline 2\n… [truncated at 2 lines; use read_file for the rest]\n');
      const without = renderFileForPrompt(text, { maxChars: 20 });
      assert.match(without.text, /… \[truncated at 2 of 10 lines; the rest was not sent\]\n$/);
      assert.ok(!without.text.includes('read_file'), 'no tool is promised that the model does not have');
    });

    it('numbers lines as in the file, CRLF or not, padded to the widest number', () => {
      const text = Array.from({ length: 12 }, (_, i) => `L${i + 1}`).join('\r\n');
      const r = renderFileForPrompt(text, { lineNumbers: true });
      const lines = r.text.split('\n');
      assert.equal(lines[0], ' 1| L1');
      assert.equal(lines[11], '12| L12');
      assert.equal(r.cut, false);
    });

    it('handles an empty file and a first line longer than the budget', () => {
      assert.deepEqual(renderFileForPrompt(''), { text: '', cut: false, totalLines: 0, keptLines: 0 });
      const r = renderFileForPrompt('x'.repeat(500), { maxChars: 10 });
      assert.equal(r.text, `${truncationMarker(0, 1, false)}\n`);
    });
  });

  describe('design documents for implement', () => {
    const docs: DesignDoc[] = [
      { kind: 'quickstart', path: 'specs/1/quickstart.md', text: '# Quickstart\n\nRun it.\n' },
      { kind: 'research', path: 'specs/1/research.md', text: '# Research\n\n## Backup tool\n\nDecision: restic.\n' },
      { kind: 'dataModel', path: 'specs/1/data-model.md', text: '# Data Model\n\n## Entity: BackupJob\n\nfields\n' },
      { kind: 'contract', path: 'specs/1/contracts/api.yaml', text: 'openapi: 3.0.0\n' },
      { kind: 'spec', path: 'specs/1/spec.md', text: '# Spec\n\n- FR-001 x\n' },
    ];

    it('always sends the spec; other documents when the task touches them', () => {
      assert.equal(taskTouches('- [ ] T001 Create src/a.txt', docs[4]!), true);
      assert.equal(taskTouches('- [ ] T002 Add the BackupJob class in src/job.ts', docs[2]!), true, 'an entity named in the data model');
      assert.equal(taskTouches('- [ ] T003 Add the database schema in db/schema.sql', docs[2]!), true, 'a word of the kind');
      assert.equal(taskTouches('- [ ] T004 Write README.md', docs[2]!), false);
      assert.equal(taskTouches('- [ ] T005 Implement POST /jobs per contracts/api.yaml', docs[3]!), true);
      assert.equal(taskTouches('- [ ] T006 Configure the backup tool in nix/backup.nix', docs[1]!), true);
    });

    it('sends them in spec-kit’s priority and names the rest as not sent', () => {
      const s = selectDesignDocs('- [ ] T002 Add the BackupJob entity in src/job.ts', docs, 10_000, 5_000);
      assert.deepEqual(
        s.sent.map((d) => d.kind),
        ['spec', 'dataModel'],
      );
      assert.deepEqual(
        s.notSent.map((d) => `${d.path}:${d.why}`),
        ['specs/1/contracts/api.yaml:untouched', 'specs/1/research.md:untouched', 'specs/1/quickstart.md:untouched'],
      );
    });

    it('keeps within the budget: later documents are cut visibly or named as not sent', () => {
      const big: DesignDoc[] = [
        { kind: 'spec', path: 'spec.md', text: 'spec line\n'.repeat(100) },
        { kind: 'dataModel', path: 'data-model.md', text: 'model line\n'.repeat(100) },
        { kind: 'contract', path: 'contracts/a.md', text: 'api\n' },
      ];
      const s = selectDesignDocs('T001 Add the model and the API', big, 1_200, 800);
      assert.equal(s.sent[0]!.rendered.cut, true);
      assert.match(s.sent[0]!.rendered.text, /truncated at \d+ lines; use read_file for the rest/);
      assert.ok(s.sent.reduce((n, d) => n + d.rendered.text.length, 0) <= 1_200 + 200);
      assert.ok(s.notSent.some((d) => d.path === 'contracts/a.md' && d.why === 'budget'));
    });
  });

  it('contextSummary names only what was given and says what was not', () => {
    assert.equal(contextSummary(['plan.md', 'spec.md'], ['spec.md'], ['research.md'], true), 'Given as data: plan.md, spec.md. Cut to fit (marked where): spec.md. Not sent: research.md — read them with read_file if the task needs them.');
    assert.equal(contextSummary([], [], [], false), 'No files are given as data.');
  });
});

describe('pickRepositoryFiles', () => {
  it('picks the README, build manifests, CI workflows and docs, most telling first, bounded', () => {
    const listing = ['src/index.ts', 'docs/guide.md', '.github/workflows/ci.yml', 'package.json', 'README.md', 'docs/deep/x.md', 'flake.nix', 'LICENSE'];
    assert.deepEqual(pickRepositoryFiles(listing), ['README.md', 'flake.nix', 'package.json', '.github/workflows/ci.yml', 'docs/guide.md']);
    assert.deepEqual(pickRepositoryFiles(listing, 2), ['README.md', 'flake.nix']);
    assert.deepEqual(pickRepositoryFiles([]), []);
  });
});

describe('markdownSection', () => {
  it('takes one section with its subsections, ignoring headings in fences', () => {
    const text = '# T\n\n## Phase 1\n\nx\n\n## Dependencies & Execution Order\n\n### Within Each User Story\n\n- Models before services\n\n```\n## not a heading\n```\n\n## Notes\n\nn\n';
    assert.equal(markdownSection(text, /^Dependencies/), '## Dependencies & Execution Order\n\n### Within Each User Story\n\n- Models before services\n\n```\n## not a heading\n```\n');
    assert.equal(markdownSection(text, /^Missing/), undefined);
    assert.equal(markdownSection('## Notes\n\nlast\n', /^Notes/), '## Notes\n\nlast\n');
  });
});
