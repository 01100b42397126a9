import assert from 'node:assert/strict';
import * as path from 'node:path/posix';
import fc from 'fast-check';
import { artifactKindOf } from '../../../../src/core/workspace/workspaceIndex';

/** The rule as path's own functions state it: the file's name, and its folder's for checklists. */
function byPathModule(p: string): string | undefined {
  const base = path.basename(p).toLowerCase();
  const parent = path.basename(path.dirname(p)).toLowerCase();
  if (parent === 'checklists' && base.endsWith('.md')) return 'checklist';
  return { 'spec.md': 'spec', 'plan.md': 'plan', 'tasks.md': 'tasks', 'constitution.md': 'constitution' }[base];
}

describe('artifactKindOf: which artifact a file path is', () => {
  it('answers as path.basename and path.dirname would, for the paths files have', () => {
    const names = ['spec.md', 'Spec.MD', 'plan.md', 'tasks.md', 'TASKS.md', 'constitution.md', 'checklists', 'Checklists', 'ux.md', 'a.MD', 'md', '.md', 'specs', '001-x', 'spec.md.bak', 'é', ' '];
    const name = fc.oneof(fc.constantFrom(...names), fc.string({ unit: fc.constantFrom('a', '.', 'm', 'd', 'C', 's', '\\'), minLength: 1, maxLength: 6 }));
    // A file's path: names joined by '/', absolute or not (never ending in '/': a file's path does not).
    const filePath = fc.tuple(fc.boolean(), fc.array(name, { minLength: 1, maxLength: 5 })).map(([abs, parts]) => (abs ? '/' : '') + parts.join('/'));
    let kinds = 0;
    fc.assert(
      fc.property(filePath, (p) => {
        const kind = artifactKindOf(p);
        if (kind) kinds++;
        assert.equal(kind, byPathModule(p), p);
      }),
      { numRuns: 3000 },
    );
    assert.ok(kinds > 300, `only ${kinds} of 3000 paths named an artifact`);
  });

  it('knows the real layouts', () => {
    assert.equal(artifactKindOf('/w/specs/001-a/checklists/requirements.md'), 'checklist');
    assert.equal(artifactKindOf('/w/specs/001-a/checklists/spec.md'), 'checklist');
    assert.equal(artifactKindOf('/w/specs/001-a/spec.md'), 'spec');
    assert.equal(artifactKindOf('/w/.specify/memory/constitution.md'), 'constitution');
    assert.equal(artifactKindOf('/w/specs/001-a/research.md'), undefined);
    assert.equal(artifactKindOf('checklists/a.md'), 'checklist');
  });
});
