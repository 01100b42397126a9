import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSpec } from '../../../../src/core/artifacts/spec';
import { parseTasks } from '../../../../src/core/artifacts/tasks';
import { analyzeDoc } from '../../../../src/core/lint/analyzedDoc';
import { lintDocument } from '../../../../src/core/lint/lintRules';
import { LintWorkspace } from '../../../../src/core/lint/lintWorkspace';
import { WorkspaceIndex } from '../../../../src/core/workspace/workspaceIndex';
import { CountingFs } from '../../helpers/countingFs';
import { corpusDir } from '../../helpers/paths';
import { tempWorkspace } from '../../helpers/tempWorkspace';

/** A real feature of the corpus (spec, plan, tasks) and a checklist, in a workspace of their own. */
function corpusFeature(): Record<string, string> {
  const from = (name: string): string => readFileSync(join(corpusDir(), `0h-n0__local-voice-assistant-claude__specs__002-stt-api__${name}`), 'utf8');
  return {
    'specs/002-stt-api/spec.md': from('spec.md'),
    'specs/002-stt-api/plan.md': from('plan.md'),
    'specs/002-stt-api/tasks.md': from('tasks.md'),
    'specs/002-stt-api/checklists/requirements.md': '# Checklist: STT\n\n- [x] CHK001 Requirements are testable\n- [ ] CHK002 [NEEDS CLARIFICATION: which model?]\n',
    '.specify/memory/constitution.md': '# STT Constitution\n\n## Core Principles\n\n### I. Local First\n\nNothing leaves the machine.\n\n**Version**: 1.0.0 | **Ratified**: 2026-01-01 | **Last Amended**: 2026-01-01\n',
  };
}

/** The corpus feature on disk, scanned by an index over a counting file system, with a linter on it; removed afterwards. */
async function withFeature(run: (w: { files: Record<string, string>; root: string; fs: CountingFs; index: WorkspaceIndex; lint: LintWorkspace }) => Promise<void>): Promise<void> {
  const files = corpusFeature();
  const ws = tempWorkspace(files);
  try {
    const fs = new CountingFs();
    const index = new WorkspaceIndex(fs);
    await index.addFolder(ws.root);
    await run({ files, root: ws.root, fs, index, lint: new LintWorkspace(index, fs) });
  } finally {
    ws.dispose();
  }
}

describe('LintWorkspace', () => {
  // Before, a spec, plan, checklist or constitution was parsed by the index and then read and parsed again for its tree.
  it('reads and parses each file once, and finds what a file analysed on its own gives', () =>
    withFeature(async ({ files, root, fs, lint }) => {
      const text = (rel: string): string => files[rel]!;
      const models = { spec: parseSpec(text('specs/002-stt-api/spec.md')), tasks: parseTasks(text('specs/002-stt-api/tasks.md')) };
      // The plan first: its cross-file rules read the spec before the spec's own turn.
      for (const rel of ['specs/002-stt-api/plan.md', 'specs/002-stt-api/spec.md', 'specs/002-stt-api/tasks.md', 'specs/002-stt-api/checklists/requirements.md', '.specify/memory/constitution.md']) {
        const p = join(root, rel);
        const result = await lint.lint(p);
        assert.ok(result, rel);
        assert.equal(result.doc.markdown.text, text(rel), rel);
        const alone = analyzeDoc(p, text(rel))!;
        assert.deepEqual(result.problems, lintDocument(alone, models), rel);
      }
      const all = [...fs.reads, ...fs.nowReads];
      for (const rel of Object.keys(files)) {
        const p = join(root, rel);
        // One read for the scan's summary, one for the parse (the scan keeps no text); none for a tree.
        assert.ok(all.filter((r) => r === p).length <= 2, `${rel}: ${all.filter((r) => r === p).length} reads`);
        assert.ok(fs.reads.filter((r) => r === p).length <= 1, `${rel} read again after the scan: ${fs.reads.join(', ')}`);
      }
    }));

  it('gives the tree with the index document only to the call that parsed it', () =>
    withFeature(async ({ files, root, index }) => {
      const spec = join(root, 'specs/002-stt-api/spec.md');
      const first = await index.load(spec, undefined, true);
      assert.equal(first.doc?.kind, 'spec');
      assert.equal(first.markdown?.text, files['specs/002-stt-api/spec.md']);
      const again = await index.load(spec, undefined, true);
      assert.equal(again.doc, first.doc);
      assert.equal(again.markdown, undefined);
      // Without asking, no tree; a tasks document holds its own.
      const plan = await index.load(join(root, 'specs/002-stt-api/plan.md'));
      assert.equal(plan.doc?.kind, 'plan');
      assert.equal(plan.markdown, undefined);
      const tasks = await index.load(join(root, 'specs/002-stt-api/tasks.md'), undefined, true);
      assert.equal(tasks.doc?.kind, 'tasks');
      assert.equal(tasks.markdown, undefined);
    }));

  it('reads unsaved editor text for both the document and its tree', () =>
    withFeature(async ({ files, root, lint }) => {
      const spec = join(root, 'specs/002-stt-api/spec.md');
      const edited = `${files['specs/002-stt-api/spec.md']}\n- **FR-999**: The system MUST [NEEDS CLARIFICATION: what?]\n`;
      lint.setText(spec, edited);
      try {
        const result = await lint.lint(spec);
        assert.equal(result?.doc.markdown.text, edited);
        assert.equal(result?.doc.model?.kind, 'spec');
        assert.deepEqual(result?.problems, lintDocument(analyzeDoc(spec, edited)!, { tasks: parseTasks(files['specs/002-stt-api/tasks.md']!) }));
      } finally {
        // The editor closes: its parse is no longer a base other tests' parses could splice into.
        lint.setText(spec, undefined);
      }
    }));
});
