import * as path from 'node:path/posix';
import * as vscode from 'vscode';
import { type ChangeStatus, type OpenSpecChange } from '../core/openspec/project';
import { openspecValidation } from '../core/workspace/openspecIndex';
import { type SpecNode } from './specNode';
import { type WorkspaceModel } from './workspaceModel';

type OpenSpecNode = Extract<SpecNode, { kind: 'osProject' | 'osCapabilities' | 'osCapability' | 'osChange' | 'osArchive' }>;

const STATUS_LABEL: Readonly<Record<ChangeStatus, string>> = { proposed: 'proposed', 'in-progress': 'in progress', complete: 'complete', archived: 'archived' };
const STATUS_ICON: Readonly<Record<ChangeStatus, string>> = { proposed: 'lightbulb', 'in-progress': 'tools', complete: 'pass-filled', archived: 'archive' };

/** The tree items of OpenSpec nodes, read from the live index at render time. */
export function openspecItem(model: WorkspaceModel, node: OpenSpecNode): vscode.TreeItem {
  const indexed = model.index.openspecProjects.find((o) => o.project.root === node.root);
  const project = indexed?.project;
  switch (node.kind) {
    case 'osProject': {
      const folder = vscode.workspace.getWorkspaceFolder(model.uriFor(node.root));
      const rel = folder ? path.relative(folder.uri.path, node.root) : '';
      const label = folder ? (rel ? `${folder.name}/${rel}` : folder.name) : path.basename(node.root);
      const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = node.id;
      item.iconPath = new vscode.ThemeIcon('root-folder');
      const changes = project?.changes.length ?? 0;
      item.description = `OpenSpec · ${count(project?.specs.length ?? 0, 'capability', 'capabilities')} · ${count(changes, 'active change', 'active changes')}`;
      const errors = project ? openspecValidation(project).findings.filter((f) => f.severity === 'error').length : 0;
      item.tooltip = `${node.root}\nOpenSpec project (openspec/)${errors > 0 ? `\n${count(errors, 'error', 'errors')} from openspec validate --strict (see Problems)` : ''}${indexed?.problems[0] ? `\n${indexed.problems[0].message}` : ''}`;
      item.contextValue = 'speckit.openspecProject';
      item.resourceUri = model.uriFor(node.root);
      return item;
    }
    case 'osCapabilities': {
      const n = project?.specs.length ?? 0;
      const item = new vscode.TreeItem('Capabilities', n > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = node.id;
      item.iconPath = new vscode.ThemeIcon('symbol-class');
      item.description = String(n);
      item.tooltip = 'openspec/specs: what the system does today, one spec per capability';
      item.contextValue = 'speckit.openspecCapabilities';
      return item;
    }
    case 'osCapability': {
      const spec = project?.specs.find((s) => s.path === node.path);
      const item = new vscode.TreeItem(spec?.id ?? path.basename(path.dirname(node.path)), vscode.TreeItemCollapsibleState.None);
      item.id = node.id;
      item.resourceUri = model.uriFor(node.path);
      item.iconPath = new vscode.ThemeIcon('symbol-interface');
      item.command = { command: 'vscode.open', title: 'Open', arguments: [item.resourceUri] };
      item.contextValue = 'speckit.artifact';
      if (spec) {
        const requirements = spec.doc.requirements.length;
        const scenarios = spec.doc.requirements.reduce((n, r) => n + r.scenarios.length, 0);
        item.description = count(requirements, 'requirement', 'requirements');
        item.tooltip = `${spec.doc.title?.value ?? spec.id}\n${count(requirements, 'requirement', 'requirements')}, ${count(scenarios, 'scenario', 'scenarios')}${spec.doc.purpose?.text.trim() ? `\n\n${spec.doc.purpose.text.trim().slice(0, 300)}` : ''}`;
      }
      return item;
    }
    case 'osArchive': {
      const n = project?.archived.length ?? 0;
      const item = new vscode.TreeItem('Archived changes', vscode.TreeItemCollapsibleState.Collapsed);
      item.id = node.id;
      item.iconPath = new vscode.ThemeIcon('archive');
      item.description = String(n);
      item.tooltip = 'openspec/changes/archive: changes applied to the specs';
      item.contextValue = 'speckit.openspecArchive';
      return item;
    }
    case 'osChange': {
      const change = project && [...project.changes, ...project.archived].find((c) => c.dir === node.dir);
      const item = new vscode.TreeItem(change?.id ?? path.basename(node.dir), vscode.TreeItemCollapsibleState.Collapsed);
      item.id = node.id;
      if (!change) return item;
      item.description = changeDescription(change);
      item.iconPath = new vscode.ThemeIcon(STATUS_ICON[change.status]);
      item.tooltip = new vscode.MarkdownString(changeTooltip(change));
      item.contextValue = `speckit.openspecChange.${change.status}`;
      item.resourceUri = model.uriFor(node.dir);
      return item;
    }
  }
}

/** `3/10 · in progress`, `archived 2025-12-03`. */
export function changeDescription(change: OpenSpecChange): string {
  if (change.archived) return `archived${change.archivedOn ? ` ${change.archivedOn}` : ''}`;
  const tasks = change.progress.total > 0 ? `${change.progress.done}/${change.progress.total} · ` : change.tasks ? '' : 'no tasks · ';
  return `${tasks}${STATUS_LABEL[change.status]}`;
}

function changeTooltip(change: OpenSpecChange): string {
  const lines = [`**${change.proposal?.doc.title?.value ?? change.id}**`, '', `Status: ${STATUS_LABEL[change.status]}${change.archivedOn ? ` (${change.archivedOn})` : ''}`];
  if (change.progress.total > 0) lines.push(`Tasks: ${change.progress.done} of ${change.progress.total} done`);
  if (change.deltas.length > 0) lines.push(`Capabilities: ${change.deltas.map((d) => d.capability).join(', ')}`);
  return lines.join('\n\n');
}

/** The files of a change as artifact nodes: proposal, design, tasks, then each delta spec. */
export function changeArtifacts(change: OpenSpecChange): Array<{ path: string; label: string; tasks: boolean }> {
  const out: Array<{ path: string; label: string; tasks: boolean }> = [];
  const add = (p: string | undefined, tasks = false): void => {
    if (p) out.push({ path: p, label: path.relative(change.dir, p), tasks });
  };
  add(change.proposal?.path);
  add(change.design?.path);
  add(change.tasks?.path, true);
  for (const d of change.deltas) add(d.path);
  return out;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
