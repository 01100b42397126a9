import * as path from 'node:path/posix';

export type ArtifactKind = 'spec' | 'plan' | 'tasks' | 'checklist' | 'constitution' | 'research' | 'data-model' | 'quickstart' | 'contract' | 'unknown';

/**
 * The kind of a spec-kit file, from its path alone: `tasks.md` and names ending in `tasks.md` are
 * tasks files, markdown under a `checklists/` folder is a checklist.
 */
export function artifactKind(filePath: string): ArtifactKind {
  const normalized = filePath.replace(/\\/g, '/');
  const base = path.basename(normalized).toLowerCase();
  const parent = path.basename(path.dirname(normalized)).toLowerCase();
  if (!base.endsWith('.md')) return parent === 'contracts' ? 'contract' : 'unknown';
  if (parent === 'checklists') return 'checklist';
  if (parent === 'contracts') return 'contract';
  if (base === 'spec.md' || base.endsWith('-spec.md') || base.endsWith('.spec.md')) return 'spec';
  if (base === 'plan.md' || base.endsWith('-plan.md')) return 'plan';
  if (base.endsWith('tasks.md')) return 'tasks';
  if (base === 'constitution.md' || base.endsWith('-constitution.md')) return 'constitution';
  if (base === 'research.md') return 'research';
  if (base === 'data-model.md') return 'data-model';
  if (base === 'quickstart.md') return 'quickstart';
  return 'unknown';
}
