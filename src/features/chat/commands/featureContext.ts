import * as path from 'node:path/posix';
import { containRelative } from '../../../core/security/containment';
import { type IndexedFeature } from '../../../core/workspace/workspaceIndex';
import { containmentFs } from '../../../platform/containment';
import { type ChatTurn, type ContextItem } from '../chatTurn';

import { type ContextArtifact } from '../../../core/chat/commandContext';

/** The feature's artifacts as prompt context: only the ones a command needs, each fenced as data later. */
export async function featureContext(turn: ChatTurn, feature: IndexedFeature, wanted: readonly ContextArtifact[]): Promise<ContextItem[]> {
  const files = feature.feature.files;
  const root = feature.projectRoot;
  const out: ContextItem[] = [];
  const add = async (label: string, p: string | undefined): Promise<void> => {
    const text = await turn.readPath(p, root);
    if (p && text !== undefined && text.trim()) out.push({ label, path: path.relative(root, p), text });
  };
  for (const w of wanted) {
    switch (w) {
      case 'constitution': {
        const project = turn.model.withProject(feature)?.project;
        if (project?.constitution && !project.constitution.isPlaceholder) await add('Constitution', project.project.constitutionPath);
        break;
      }
      case 'spec':
        await add('Spec', files.spec?.path);
        break;
      case 'plan':
        await add('Plan', files.plan?.path);
        break;
      case 'research':
        await add('Research', files.research?.path);
        break;
      case 'dataModel':
        await add('Data model', files.dataModel?.path);
        break;
      case 'quickstart':
        await add('Quickstart', files.quickstart?.path);
        break;
      case 'contracts':
        for (const c of files.contracts ?? []) await add(`Contract ${path.basename(c.path)}`, c.path);
        break;
      case 'tasks':
        await add('Tasks', files.tasks?.path);
        break;
      case 'checklists':
        for (const c of files.checklists) await add(`Checklist ${path.basename(c.path)}`, c.path);
        break;
    }
  }
  return out;
}

/**
 * Text files named by tasks (relative to the project root), as context within a character budget.
 * Task lines are repository text: a path that leaves the project (`../../.ssh/id_rsa`, a symlink
 * out) is not read, and the chat says so.
 */
export async function namedFilesContext(turn: ChatTurn, root: string, paths: readonly string[], label: string, budget: number): Promise<ContextItem[]> {
  const out: ContextItem[] = [];
  const refused: string[] = [];
  const fs = containmentFs((q) => turn.model.uriFor(q));
  for (const p of new Set(paths)) {
    if (budget <= 0 || p.endsWith('/')) continue;
    const checked = await containRelative(fs, root, p, 'read');
    if (!checked.ok) {
      refused.push(checked.reason);
      continue;
    }
    if (checked.kind !== 'file') continue;
    const text = await turn.readPath(checked.path, root);
    if (text === undefined || text.includes('\u0000')) continue;
    out.push({ label: `${label} ${p}`, path: p, text: text.slice(0, budget) });
    budget -= text.length;
  }
  if (refused.length > 0) turn.warn(`Not attached to the prompt (outside the project): ${refused.join('; ')}`);
  return out;
}
