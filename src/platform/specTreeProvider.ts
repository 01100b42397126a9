import * as path from 'node:path/posix';
import * as vscode from 'vscode';
import { type Task, type TaskPhase } from '../core/artifacts/tasks';
import { constitutionDescription, constitutionTooltip, featureDescription, featureTooltip, phaseDescription, phaseLabel } from '../core/status/presentation';
import { type OpenSpecChange } from '../core/openspec/project';
import { type IndexedOpenSpec } from '../core/workspace/openspecIndex';
import { type IndexChange, type IndexedFeature, type IndexedProject } from '../core/workspace/workspaceIndex';
import { changeArtifacts, openspecItem } from './openspecTreeItems';
import { Commands } from '../ids';
import { type WorkspaceModel } from './workspaceModel';
import { type SpecNode } from './specNode';

/** What the tree needs of the Nix feature: the workspace's flakes and their hosts. */
export interface FlakeSource {
  all(): Promise<ReadonlyArray<{ readonly dir: string; readonly source: string; readonly outputs: { readonly nixosConfigurations: readonly string[] } }>>;
  readonly onDidChange: vscode.Event<unknown>;
}

/**
 * The Spec Explorer: project → constitution → features (phase, progress, open questions, checklists,
 * staleness) → artifacts → tasks grouped by phase. Nodes are plain ids resolved against the live
 * index at render time, and kept by id, so a change refreshes just the feature it touched.
 */
export class SpecTreeProvider implements vscode.TreeDataProvider<SpecNode> {
  private readonly changed = new vscode.EventEmitter<SpecNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly nodes = new Map<string, SpecNode>();
  private ready = false;

  constructor(
    private readonly model: WorkspaceModel,
    private readonly flakes?: FlakeSource,
  ) {}

  /**
   * Flake hosts inside a project root (the nearest project owns a nested flake). An OpenSpec project
   * owns the flakes under its root that no spec-kit project holds.
   */
  private async hostsOf(root: string, openspec = false): Promise<Array<{ flake: string; host: string; source: string }>> {
    if (!this.flakes) return [];
    const flakes = await this.flakes.all().catch(() => []);
    const owns = (dir: string): boolean => (openspec ? this.model.index.projectFor(dir) === undefined : this.model.index.projectFor(dir)?.project.root === root);
    return flakes
      .filter((f) => (f.dir === root || f.dir.startsWith(`${root}/`)) && owns(f.dir))
      .flatMap((f) => f.outputs.nixosConfigurations.map((host) => ({ flake: f.dir, host, source: f.source })));
  }

  /** Called when the flakes changed: their nodes hang under the projects. */
  refreshAll(): void {
    this.changed.fire(undefined);
  }

  markReady(): void {
    this.ready = true;
    this.changed.fire(undefined);
  }

  /** Refreshes the nodes a change touched: a feature's subtree, or everything when structure changed. */
  update(change: IndexChange): void {
    if (change.structure || change.projects.length > 0) {
      this.changed.fire(undefined);
      return;
    }
    for (const dir of change.features) {
      const node = this.nodes.get(`feature:${dir}`);
      this.changed.fire(node);
    }
  }

  getTreeItem(node: SpecNode): vscode.TreeItem {
    switch (node.kind) {
      case 'project':
        return this.projectItem(node);
      case 'constitution':
        return this.constitutionItem(node);
      case 'noFeatures': {
        const item = new vscode.TreeItem('No features yet: create one', vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('add');
        item.command = { command: Commands.newFeature, title: 'New Feature', arguments: [node.root] };
        return item;
      }
      case 'currentProblem':
        return this.currentProblemItem(node);
      case 'feature':
        return this.featureItem(node);
      case 'artifact':
        return this.artifactItem(node);
      case 'phase':
        return this.phaseItem(node);
      case 'task':
        return this.taskItem(node);
      case 'nixHosts': {
        const item = new vscode.TreeItem('NixOS hosts', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('server-environment');
        item.tooltip = 'The nixosConfigurations of the flake: build a host or its VM from the context menu.';
        item.contextValue = 'speckit.nixHosts';
        return item;
      }
      case 'osProject':
      case 'osCapabilities':
      case 'osCapability':
      case 'osChange':
      case 'osArchive':
        return openspecItem(this.model, node);
      case 'nixHost': {
        const item = new vscode.TreeItem(node.host, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('vm');
        const rel = path.relative(node.root, node.flake);
        item.description = `${rel ? `${rel} · ` : ''}${node.source === 'evaluation' ? 'evaluated' : 'from flake.nix'}`;
        item.tooltip = `nix build .#nixosConfigurations.${node.host}.config.system.build.toplevel`;
        item.contextValue = 'speckit.nixHost';
        return item;
      }
    }
  }

  async getChildren(node?: SpecNode): Promise<SpecNode[]> {
    if (!this.ready) return [];
    if (!node) {
      return [
        ...this.model.index.projects.map((p) => this.node({ kind: 'project', id: `project:${p.project.root}`, root: p.project.root })),
        ...this.model.index.openspecProjects.map((o) => this.node({ kind: 'osProject', id: `osProject:${o.project.root}`, root: o.project.root })),
      ];
    }
    switch (node.kind) {
      case 'project': {
        const project = this.project(node.root);
        if (!project) return [];
        const children: SpecNode[] = [];
        // A project without features has its own "create one" node; the problem matters once there are features.
        if (project.currentProblem && project.features.length > 0) children.push(this.node({ kind: 'currentProblem', id: `currentProblem:${node.root}`, root: node.root }));
        children.push(this.node({ kind: 'constitution', id: `constitution:${node.root}`, root: node.root }));
        if ((await this.hostsOf(node.root)).length > 0) children.push(this.node({ kind: 'nixHosts', id: `nixHosts:${node.root}`, root: node.root }));
        if (project.features.length === 0) children.push(this.node({ kind: 'noFeatures', id: `noFeatures:${node.root}`, root: node.root }));
        for (const f of project.features) children.push(this.node({ kind: 'feature', id: `feature:${f.feature.dir}`, dir: f.feature.dir }));
        return children;
      }
      case 'feature': {
        const f = this.feature(node.dir);
        return f ? artifactsOf(f).map((a) => this.node({ kind: 'artifact', id: `artifact:${a.path}`, dir: node.dir, ...a })) : [];
      }
      case 'osProject': {
        const o = this.openspec(node.root);
        if (!o) return [];
        const children: SpecNode[] = [this.node({ kind: 'osCapabilities', id: `osCapabilities:${node.root}`, root: node.root })];
        if ((await this.hostsOf(node.root, true)).length > 0) children.push(this.node({ kind: 'nixHosts', id: `nixHosts:${node.root}`, root: node.root }));
        for (const c of o.project.changes) children.push(this.node({ kind: 'osChange', id: `osChange:${c.dir}`, root: node.root, dir: c.dir }));
        if (o.project.archived.length > 0) children.push(this.node({ kind: 'osArchive', id: `osArchive:${node.root}`, root: node.root }));
        return children;
      }
      case 'osCapabilities':
        return (this.openspec(node.root)?.project.specs ?? []).map((s) => this.node({ kind: 'osCapability', id: `osCapability:${s.path}`, root: node.root, path: s.path }));
      case 'osArchive':
        // Newest first: the archive is read backwards in time.
        return [...(this.openspec(node.root)?.project.archived ?? [])].reverse().map((c) => this.node({ kind: 'osChange', id: `osChange:${c.dir}`, root: node.root, dir: c.dir }));
      case 'osChange': {
        const change = this.change(node.dir);
        return change ? changeArtifacts(change).map((a) => this.node({ kind: 'artifact', id: `artifact:${a.path}`, dir: node.dir, ...a })) : [];
      }
      case 'artifact': {
        if (!node.tasks) return [];
        const doc = this.model.index.tasksOf(node.dir)?.doc;
        if (!doc) return [];
        const loose = doc.tasks.filter((t) => !t.phase && !t.parent);
        return [
          ...doc.phases.filter((p) => p.total > 0).map((p) => this.node({ kind: 'phase', id: `phase:${node.dir}#${p.key}`, dir: node.dir, key: p.key })),
          ...loose.map((t) => this.taskNode(node.dir, t)),
        ];
      }
      case 'phase': {
        const doc = this.model.index.tasksOf(node.dir)?.doc;
        return doc ? doc.tasks.filter((t) => t.phase === node.key && !t.parent).map((t) => this.taskNode(node.dir, t)) : [];
      }
      case 'nixHosts':
        return (await this.hostsOf(node.root, this.openspec(node.root) !== undefined && !this.project(node.root))).map((h) => this.node({ kind: 'nixHost', id: `nixHost:${h.flake}#${h.host}`, root: node.root, ...h }));
      default:
        return [];
    }
  }

  getParent(node: SpecNode): SpecNode | undefined {
    switch (node.kind) {
      case 'project':
        return undefined;
      case 'constitution':
      case 'currentProblem':
      case 'noFeatures':
      case 'nixHosts':
        return this.nodes.get(`project:${node.root}`) ?? this.nodes.get(`osProject:${node.root}`);
      case 'nixHost':
        return this.nodes.get(`nixHosts:${node.root}`);
      case 'osProject':
        return undefined;
      case 'osCapabilities':
      case 'osArchive':
        return this.nodes.get(`osProject:${node.root}`);
      case 'osCapability':
        return this.nodes.get(`osCapabilities:${node.root}`);
      case 'osChange':
        return this.change(node.dir)?.archived ? this.nodes.get(`osArchive:${node.root}`) : this.nodes.get(`osProject:${node.root}`);
      case 'feature': {
        const root = this.model.index.projectFor(node.dir)?.project.root;
        return root ? this.node({ kind: 'project', id: `project:${root}`, root }) : undefined;
      }
      case 'artifact': {
        const os = this.model.index.openspecFor(node.dir);
        if (os) return this.nodes.get(`osChange:${node.dir}`);
        return this.node({ kind: 'feature', id: `feature:${node.dir}`, dir: node.dir });
      }
      case 'phase': {
        const tasksPath = this.model.index.tasksOf(node.dir)?.path;
        return tasksPath ? this.nodes.get(`artifact:${tasksPath}`) : undefined;
      }
      case 'task': {
        const tasks = this.model.index.tasksOf(node.dir);
        const task = tasks?.doc.tasks.find((t) => t.id === node.taskId);
        if (task?.phase) return this.nodes.get(`phase:${node.dir}#${task.phase}`);
        return tasks ? this.nodes.get(`artifact:${tasks.path}`) : undefined;
      }
    }
  }

  /** The tree node for a feature, once the tree has shown it (for reveal). */
  featureNode(dir: string): SpecNode {
    return this.node({ kind: 'feature', id: `feature:${dir}`, dir });
  }

  /** The tree node for an OpenSpec change folder (for reveal). */
  changeNode(root: string, dir: string): SpecNode {
    return this.node({ kind: 'osChange', id: `osChange:${dir}`, root, dir });
  }

  taskNodeFor(dir: string, taskId: string): SpecNode {
    return this.node({ kind: 'task', id: `task:${dir}#${taskId}`, dir, taskId });
  }

  private taskNode(dir: string, t: Task): SpecNode {
    return this.taskNodeFor(dir, t.id);
  }

  private node<T extends SpecNode>(n: T): T {
    const existing = this.nodes.get(n.id) as T | undefined;
    if (existing && JSON.stringify(existing) === JSON.stringify(n)) return existing;
    this.nodes.set(n.id, n);
    return n;
  }

  private project(root: string): IndexedProject | undefined {
    return this.model.index.projects.find((p) => p.project.root === root);
  }

  private openspec(root: string): IndexedOpenSpec | undefined {
    return this.model.index.openspecProjects.find((o) => o.project.root === root);
  }

  private change(dir: string): OpenSpecChange | undefined {
    const project = this.model.index.openspecFor(dir)?.project;
    return project && [...project.changes, ...project.archived].find((c) => c.dir === dir);
  }

  private feature(dir: string): IndexedFeature | undefined {
    return this.model.index.projectFor(dir)?.features.find((f) => f.feature.dir === dir);
  }

  private projectItem(node: Extract<SpecNode, { kind: 'project' }>): vscode.TreeItem {
    const project = this.project(node.root);
    const folder = vscode.workspace.getWorkspaceFolder(this.model.uriFor(node.root));
    const rel = folder ? path.relative(folder.uri.path, node.root) : '';
    const label = folder ? (rel ? `${folder.name}/${rel}` : folder.name) : path.basename(node.root);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = node.id;
    item.iconPath = new vscode.ThemeIcon('root-folder');
    const n = project?.features.length ?? 0;
    item.description = `${n} feature${n === 1 ? '' : 's'}`;
    item.tooltip = `${node.root}\n${project?.project.layout === 'legacy' ? 'Legacy spec-kit layout (memory/ at the root)' : 'spec-kit project (.specify/)'}`;
    item.contextValue = 'speckit.project';
    item.resourceUri = this.model.uriFor(node.root);
    return item;
  }

  private constitutionItem(node: Extract<SpecNode, { kind: 'constitution' }>): vscode.TreeItem {
    const project = this.project(node.root);
    const item = new vscode.TreeItem('Constitution', vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    // The summary, not the document: a second start shows the tree without parsing any markdown.
    const summary = project?.constitutionSummary;
    item.description = constitutionDescription(summary);
    item.iconPath = new vscode.ThemeIcon(summary && !summary.placeholder ? 'law' : 'warning');
    const pathOf = project?.project.constitutionPath;
    item.tooltip = constitutionTooltip(summary, pathOf !== undefined);
    item.contextValue = 'speckit.constitution';
    if (pathOf) item.command = { command: 'vscode.open', title: 'Open Constitution', arguments: [this.model.uriFor(pathOf)] };
    else item.command = { command: Commands.openConstitution, title: 'Open Constitution', arguments: [node.root] };
    return item;
  }

  private currentProblemItem(node: Extract<SpecNode, { kind: 'currentProblem' }>): vscode.TreeItem {
    const problem = this.project(node.root)?.currentProblem;
    const item = new vscode.TreeItem(problem?.message ?? 'No current feature', vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    item.description = 'Switch Feature…';
    const tooltip = new vscode.MarkdownString(`$(warning) ${problem?.message ?? ''}`, true);
    if (problem?.speckit) tooltip.appendMarkdown('\n\nspec-kit stops here with:\n').appendCodeblock(problem.speckit, 'text');
    tooltip.appendMarkdown('\n\nClick to pick the feature you are working on.');
    item.tooltip = tooltip;
    item.command = { command: Commands.switchFeature, title: 'Switch Feature' };
    item.contextValue = 'speckit.currentProblem';
    return item;
  }

  private featureItem(node: Extract<SpecNode, { kind: 'feature' }>): vscode.TreeItem {
    const f = this.feature(node.dir);
    const item = new vscode.TreeItem(f?.feature.name ?? path.basename(node.dir), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = node.id;
    if (!f) return item;
    const project = this.model.index.projectFor(node.dir);
    const current = project?.current?.dir === node.dir;
    if (f.pending) {
      // Listed, its files not summarized yet: no phase or counts to show that could be wrong.
      item.description = `scanning…${current ? ' · current' : ''}`;
      item.tooltip = `${f.feature.name}: counting tasks and markers (the first scan of this workspace is running).`;
      item.iconPath = new vscode.ThemeIcon('loading~spin');
      item.contextValue = `speckit.feature${current ? '.current' : ''}`;
      item.resourceUri = this.model.uriFor(node.dir);
      return item;
    }
    item.description = featureDescription(f.status) + (current ? ' · current' : '');
    item.tooltip = new vscode.MarkdownString(featureTooltip(f.feature.name, f.status, current));
    item.iconPath = new vscode.ThemeIcon(current ? 'target' : phaseIcon(f.status.phase), f.status.stale.length > 0 ? new vscode.ThemeColor('list.warningForeground') : undefined);
    item.contextValue = `speckit.feature${current ? '.current' : ''}${f.status.next ? `.next-${f.status.next}` : ''}`;
    item.resourceUri = this.model.uriFor(node.dir);
    return item;
  }

  private artifactItem(node: Extract<SpecNode, { kind: 'artifact' }>): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, node.tasks ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.resourceUri = this.model.uriFor(node.path);
    item.command = { command: 'vscode.open', title: 'Open', arguments: [item.resourceUri] };
    item.contextValue = `speckit.artifact${node.tasks ? '.tasks' : ''}`;
    if (node.tasks) {
      const doc = this.model.index.tasksOf(node.dir)?.doc;
      if (doc) item.description = `${doc.done}/${doc.total}`;
    }
    return item;
  }

  private phaseItem(node: Extract<SpecNode, { kind: 'phase' }>): vscode.TreeItem {
    const phase = this.model.index.tasksOf(node.dir)?.doc.phases.find((p) => p.key === node.key);
    const item = new vscode.TreeItem(phase ? phaseLabel(phase) : node.key, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = node.id;
    if (!phase) return item;
    item.description = phaseDescription(phase);
    item.iconPath = new vscode.ThemeIcon(phase.done === phase.total ? 'pass-filled' : phase.done > 0 ? 'circle-large' : 'circle-large-outline');
    item.tooltip = phaseTooltip(phase);
    item.contextValue = 'speckit.phase';
    return item;
  }

  private taskItem(node: Extract<SpecNode, { kind: 'task' }>): vscode.TreeItem {
    const tasks = this.model.index.tasksOf(node.dir);
    const task = tasks?.doc.tasks.find((t) => t.id === node.taskId);
    const item = new vscode.TreeItem(task ? `${task.id} ${task.description}` : node.taskId, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    if (!task || !tasks) return item;
    const tags = [task.parallel ? '[P]' : '', task.story ?? '', task.issue ? `#${task.issue.number}` : ''].filter(Boolean).join(' ');
    item.description = tags || undefined;
    item.checkboxState = task.checked ? vscode.TreeItemCheckboxState.Checked : vscode.TreeItemCheckboxState.Unchecked;
    item.tooltip = `${task.id}${task.checked ? ' (done)' : ''}: ${task.description}${task.dependsOn.length ? `\nDepends on ${task.dependsOn.join(', ')}` : ''}${task.issue ? `\nGitHub issue: ${task.issue.url}` : ''}`;
    // `.issue` when the task links to a GitHub issue (the context menu's Open GitHub Issue).
    item.contextValue = `speckit.task.${task.checked ? 'done' : 'open'}${task.issue ? '.issue' : ''}`;
    const uri = this.model.uriFor(tasks.path);
    item.command = {
      command: 'vscode.open',
      title: 'Open Task',
      arguments: [uri, { selection: new vscode.Range(task.lineRange.start.line, 0, task.lineRange.start.line, 0) } satisfies vscode.TextDocumentShowOptions],
    };
    return item;
  }
}

function artifactsOf(f: IndexedFeature): Array<{ path: string; label: string; tasks: boolean }> {
  const files = f.feature.files;
  const out: Array<{ path: string; label: string; tasks: boolean }> = [];
  const add = (info: { path: string } | undefined, tasks = false): void => {
    if (info) out.push({ path: info.path, label: path.relative(f.feature.dir, info.path), tasks });
  };
  add(files.spec);
  add(files.plan);
  add(files.research);
  add(files.dataModel);
  add(files.quickstart);
  for (const c of files.contracts ?? []) add(c);
  for (const c of files.checklists) add(c);
  add(files.tasks, true);
  return out;
}

function phaseIcon(phase: string): string {
  switch (phase) {
    case 'no-spec':
      return 'circle-large-outline';
    case 'draft':
      return 'edit';
    case 'specified':
    case 'clarified':
      return 'note';
    case 'planned':
      return 'map';
    case 'tasks-ready':
      return 'checklist';
    case 'implementing':
      return 'tools';
    default:
      return 'pass-filled';
  }
}

function phaseTooltip(phase: TaskPhase): string {
  const lines = [`${phaseLabel(phase)}`, `${phase.done} of ${phase.total} tasks done`];
  if (phase.story) lines.push(`User story ${phase.story.slice(2)}${phase.priority ? ` (${phase.priority})` : ''}`);
  if (phase.mvp) lines.push('MVP: ship this first');
  return lines.join('\n');
}
