import * as vscode from 'vscode';
import { type SpecDoc } from '../../core/artifacts/spec';
import { setItemCheckedEdit, taskAtLine } from '../../core/artifacts/taskEdits';
import { type TasksDoc } from '../../core/artifacts/tasks';
import { openspecFileKind } from '../../core/openspec/openspecPaths';
import { openspecChangeAt } from '../../core/workspace/openspecIndex';
import { phaseLabel } from '../../core/status/presentation';
import { CHAT_PARTICIPANT_NAME, Commands } from '../../ids';
import { sendToChat, slash } from '../../platform/chat';
import { type SpeckitServices } from '../../platform/services';
import { type SpecNode } from '../../platform/specNode';
import { type WorkspaceModel } from '../../platform/workspaceModel';
import { setBoxEdit, setParsedTaskDone, setTaskDone } from '../../platform/taskState';

const TASKS_SELECTOR: vscode.DocumentSelector = [{ language: 'markdown', pattern: '**/*tasks.md' }];
const SPEC_SELECTOR: vscode.DocumentSelector = [{ language: 'markdown', pattern: '**/spec.md' }];

/** CodeLens on tasks files (implement, tick, phase progress) and on specs (clarify each open marker). */
export function registerTaskLens(services: SpeckitServices): void {
  const { model, nix } = services;
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    provideCodeLenses: async (document) => {
      const doc = await model.parsed(document);
      if (doc?.kind === 'tasks') return tasksLenses(document.uri, doc, vscode.workspace.isTrusted ? nix.verification : undefined);
      if (doc?.kind === 'spec') return specLenses(document.uri, doc);
      return [];
    },
  };

  const withTasks = async (uri: vscode.Uri | undefined): Promise<{ uri: vscode.Uri; doc: TasksDoc } | undefined> => {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (!target) return undefined;
    const doc = await model.parsed(await vscode.workspace.openTextDocument(target));
    return doc?.kind === 'tasks' ? { uri: target, doc } : undefined;
  };

  const setDone = async (uri: vscode.Uri, taskId: string, done: boolean): Promise<boolean> => {
    const result = await setTaskDone(model, uri, taskId, done);
    if (result === 'missing') void vscode.window.showWarningMessage(`${taskId} is not in ${vscode.workspace.asRelativePath(uri)} any more.`);
    return result === 'changed' || result === 'unchanged';
  };

  services.own(
    changed,
    vscode.languages.registerCodeLensProvider(TASKS_SELECTOR, provider),
    vscode.languages.registerCodeLensProvider(SPEC_SELECTOR, provider),
    model.onDidChange(() => changed.fire()),
    // Verification results change lens titles.
    nix.verification.onDidChangeResult(() => changed.fire()),
    vscode.commands.registerCommand(Commands.markTaskDone, (uri: vscode.Uri, taskId: string) => setDone(uri, taskId, true)),
    vscode.commands.registerCommand(Commands.markTaskNotDone, (uri: vscode.Uri, taskId: string) => setDone(uri, taskId, false)),
    vscode.commands.registerCommand(Commands.toggleAcceptance, async (uri: vscode.Uri, taskId: string, index: number) => {
      const found = await withTasks(uri);
      const item = found?.doc.tasks.find((t) => t.id === taskId)?.acceptance[index];
      if (!found || !item) return false;
      const edit = setItemCheckedEdit(item, !item.checked);
      return edit ? setBoxEdit(uri, edit, `Toggle acceptance of ${taskId}`) : true;
    }),
    vscode.commands.registerCommand(Commands.toggleTaskItem, async (uri: vscode.Uri, line: number) => {
      const found = await withTasks(uri);
      const item = found?.doc.untracked.find((u) => u.range.start.line === line);
      if (!found || !item) return false;
      const edit = setItemCheckedEdit(item, !item.checked);
      return edit ? setBoxEdit(uri, edit, item.checked ? 'Mark item not done' : 'Mark item done') : true;
    }),
    vscode.commands.registerCommand(Commands.toggleTaskAtCursor, async () => {
      const editor = vscode.window.activeTextEditor;
      const found = editor ? await withTasks(editor.document.uri) : undefined;
      if (!editor || !found) {
        void vscode.window.showInformationMessage('Put the cursor on a task in a tasks.md file to toggle it.');
        return false;
      }
      const line = editor.selection.active.line;
      const task = taskAtLine(found.doc, line);
      if (!task) {
        void vscode.window.showInformationMessage('There is no task on this line.');
        return false;
      }
      // On one of a `### Task N` section's acceptance boxes, toggle just that box.
      const box = task.acceptance.find((a) => a.range.start.line === line);
      if (box) {
        const edit = setItemCheckedEdit(box, !box.checked);
        return edit ? setBoxEdit(found.uri, edit, `Toggle acceptance of ${task.id}`) : true;
      }
      return (await setParsedTaskDone(found.uri, found.doc, task, !task.checked)) !== 'failed';
    }),
    vscode.commands.registerCommand(Commands.implementTask, (target: vscode.Uri | SpecNode, taskId?: unknown) => sendToChat('implement', implementScope(model, target, taskId))),
    vscode.commands.registerCommand(Commands.implementPhase, (target: vscode.Uri | SpecNode, phase?: unknown) => sendToChat('implement', implementScope(model, target, phase))),
    vscode.commands.registerCommand(Commands.clarifyMarker, (_uri: vscode.Uri, question: string) => sendToChat('clarify', question)),
  );
}

/**
 * The `/speckit.implement` argument of a lens (a tasks.md URI and a task ID or phase scope) or of a
 * Spec Explorer task or phase node (which arrives alone). On an OpenSpec change's tasks.md it starts
 * with the change id, so the request names its change wherever the focus is when it runs.
 */
export function implementScope(model: WorkspaceModel, target: vscode.Uri | SpecNode, scope: unknown): string {
  let tasksPath: string | undefined;
  let text = typeof scope === 'string' ? scope : '';
  if (target instanceof vscode.Uri) tasksPath = target.path;
  else if (target && (target.kind === 'task' || target.kind === 'phase')) {
    const tasks = model.index.tasksOf(target.dir);
    tasksPath = tasks?.path;
    if (target.kind === 'task') text = target.taskId;
    else {
      const phase = tasks?.doc.phases.find((p) => p.key === target.key);
      text = phase ? (phase.number !== undefined ? `Phase ${phase.number}` : phase.title) : '';
    }
  }
  const change = tasksPath && openspecFileKind(tasksPath)?.kind === 'openspec-tasks' ? openspecChangeAt(model.index.openspecProjects, tasksPath)?.change : undefined;
  return change ? `${change.id} ${text}`.trim() : text;
}

/** What the lenses need of build-gated verification: the last result of a task. */
interface Verifier {
  describe(ref: { uri: vscode.Uri; taskId: string }): string | undefined;
  readonly onDidChangeResult: vscode.Event<unknown>;
}

export function tasksLenses(uri: vscode.Uri, doc: TasksDoc, verifier?: Verifier): vscode.CodeLens[] {
  const lenses: vscode.CodeLens[] = [];
  const at = (line: number): vscode.Range => new vscode.Range(line, 0, line, 0);
  for (const phase of doc.phases) {
    if (phase.total === 0) continue;
    const range = at(phase.headingRange.start.line);
    lenses.push(new vscode.CodeLens(range, { title: `$(pulse) ${phase.done}/${phase.total} done`, command: '', tooltip: `${phaseLabel(phase)}: ${phase.done} of ${phase.total} tasks done` }));
    if (phase.done < phase.total) {
      const scope = phase.number !== undefined ? `Phase ${phase.number}` : phase.title;
      lenses.push(new vscode.CodeLens(range, { title: '$(run-all) Implement phase', command: Commands.implementPhase, arguments: [uri, scope], tooltip: `@${CHAT_PARTICIPANT_NAME} ${slash('implement')} ${scope}` }));
    }
  }
  for (const task of doc.tasks) {
    const range = at(task.lineRange.start.line);
    if (!task.checked) {
      lenses.push(new vscode.CodeLens(range, { title: '$(play) Implement', command: Commands.implementTask, arguments: [uri, task.id], tooltip: `@${CHAT_PARTICIPANT_NAME} ${slash('implement')} ${task.id}` }));
    }
    lenses.push(
      task.checked
        ? new vscode.CodeLens(range, { title: '$(discard) Mark not done', command: Commands.markTaskNotDone, arguments: [uri, task.id] })
        : new vscode.CodeLens(range, { title: '$(check) Mark done', command: Commands.markTaskDone, arguments: [uri, task.id] }),
    );
    if (task.issue) {
      // The task's GitHub issue (its URL ends the line), as a link.
      lenses.push(new vscode.CodeLens(range, { title: `$(github) #${task.issue.number}`, command: Commands.openGitHubIssue, arguments: [task.issue.url], tooltip: task.issue.url }));
    }
    if (verifier) {
      const last = verifier.describe({ uri, taskId: task.id });
      lenses.push(
        new vscode.CodeLens(range, {
          title: last ? `$(beaker) ${last}` : '$(beaker) Build & verify',
          command: Commands.verifyTask,
          arguments: [{ uri, taskId: task.id }],
          tooltip: task.checked ? 'Run the verification again' : 'Run the verification; the task is ticked only when it passes',
        }),
      );
    }
    task.acceptance.forEach((box, index) => {
      lenses.push(
        new vscode.CodeLens(at(box.range.start.line), {
          title: box.checked ? '$(discard) Mark not done' : '$(check) Mark done',
          command: Commands.toggleAcceptance,
          arguments: [uri, task.id, index],
        }),
      );
    });
  }
  // OpenSpec counts every checkbox of tasks.md as a task, numbered or not: plain items tick too.
  if (openspecFileKind(uri.path)?.kind === 'openspec-tasks') {
    for (const item of doc.untracked) {
      lenses.push(
        new vscode.CodeLens(at(item.range.start.line), {
          title: item.checked ? '$(discard) Mark not done' : '$(check) Mark done',
          command: Commands.toggleTaskItem,
          arguments: [uri, item.range.start.line],
        }),
      );
    }
  }
  return lenses;
}

export function specLenses(uri: vscode.Uri, doc: SpecDoc): vscode.CodeLens[] {
  return doc.markers.map((m) => {
    const range = new vscode.Range(m.range.start.line, m.range.start.character, m.range.end.line, m.range.end.character);
    return new vscode.CodeLens(range, { title: '$(question) Clarify', command: Commands.clarifyMarker, arguments: [uri, m.text], tooltip: `@${CHAT_PARTICIPANT_NAME} ${slash('clarify')} ${m.text}` });
  });
}
