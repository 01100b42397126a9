import * as path from 'node:path/posix';
import { containRelative } from '../../../core/security/containment';
import { type IndexedFeature } from '../../../core/workspace/workspaceIndex';
import { containmentFs } from '../../../platform/containment';
import * as vscode from 'vscode';
import { pickRepositoryFiles, renderFileForPrompt } from '../../../core/chat/promptContext';
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

/** What `namedFilesContext` attached: the items, the files cut (with a marker), those left out (budget), and those that do not exist. */
export interface NamedFiles {
  items: ContextItem[];
  /** Paths sent, whole or cut. */
  sent: string[];
  cut: string[];
  notSent: string[];
  /** Named but not on disk (a task that creates them, or a gap). */
  absent: string[];
}

/**
 * Text files named by tasks (relative to the project root), as context within a character budget;
 * each whole or visibly cut (`… [truncated at N lines; …]`). Task lines are repository text: a path
 * that leaves the project (`../../.ssh/id_rsa`, a symlink out) is not read, and the chat says so.
 */
export async function namedFilesContext(turn: ChatTurn, root: string, paths: readonly string[], label: string, budget: number, options: { canRead?: boolean; lineNumbers?: boolean } = {}): Promise<NamedFiles> {
  const out: NamedFiles = { items: [], sent: [], cut: [], notSent: [], absent: [] };
  const refused: string[] = [];
  const fs = containmentFs((q) => turn.model.uriFor(q));
  for (const p of new Set(paths)) {
    if (p.endsWith('/')) continue;
    const checked = await containRelative(fs, root, p, 'read');
    if (!checked.ok) {
      refused.push(checked.reason);
      continue;
    }
    if (checked.kind === undefined) {
      out.absent.push(p);
      continue;
    }
    if (checked.kind !== 'file') continue;
    const text = await turn.readPath(checked.path, root);
    if (text === undefined || text.includes('\u0000')) continue;
    if (budget < 200) {
      out.notSent.push(p);
      continue;
    }
    const rendered = renderFileForPrompt(text, { maxChars: budget, canRead: options.canRead, lineNumbers: options.lineNumbers });
    out.items.push({ label: `${label} ${p}${options.lineNumbers ? ' (line numbers added)' : ''}`, path: p, text: rendered.text });
    out.sent.push(p);
    if (rendered.cut) out.cut.push(p);
    budget -= rendered.text.length;
  }
  if (refused.length > 0) turn.warn(`Not attached to the prompt (outside the project): ${refused.join('; ')}`);
  return out;
}

/**
 * The files that show a project's real gates (README, build manifests, CI workflows, top-level docs),
 * each whole or visibly cut, within `budget` characters: the constitution names checks the project runs.
 */
export async function repositoryContext(turn: ChatTurn, root: string, budget: number): Promise<ContextItem[]> {
  const listing: string[] = [];
  const list = async (rel: string): Promise<void> => {
    try {
      for (const [name, type] of await vscode.workspace.fs.readDirectory(turn.model.uriFor(rel ? path.join(root, rel) : root))) {
        if (type === vscode.FileType.File) listing.push(rel ? `${rel}/${name}` : name);
      }
    } catch {
      // A folder that is not there adds nothing.
    }
  };
  await list('');
  await list('docs');
  await list('.github/workflows');
  const out: ContextItem[] = [];
  for (const rel of pickRepositoryFiles(listing)) {
    if (budget < 200) break;
    const text = await turn.readPath(path.join(root, rel), root);
    if (text === undefined || text.includes('\u0000') || !text.trim()) continue;
    const rendered = renderFileForPrompt(text, { maxChars: Math.min(budget, 6_000) });
    out.push({ label: `Repository file ${rel}`, path: rel, text: rendered.text });
    budget -= rendered.text.length;
  }
  return out;
}
