import * as vscode from 'vscode';
import { type SpeckitExtension } from '../../app';
import { Commands } from '../../ids';
import { createIssuesFlow, type FlowOutcome, type GitHubFlowDeps, type Reporter, syncTaskStatesFlow } from '../../platform/github/issueFlows';

/** What the commands are invoked on: a Spec Explorer node (feature, phase, task), a tasks.md URI, or nothing. */
type Target = { kind?: string; dir?: string; key?: string; taskId?: string } | vscode.Uri | undefined;

/**
 * GitHub issues both ways from the palette and the Spec Explorer: *Create GitHub Issues from Tasks*
 * (a feature, a phase or a task), *Sync Task States from GitHub*, and *Open GitHub Issue* (a task's
 * link, from the tree and the lenses). The chat's `/speckit.taskstoissues` runs the same flows.
 */
export function registerGithubIssues(app: SpeckitExtension): void {
  const deps: GitHubFlowDeps = { model: app.model, prompter: app.prompter, log: app.log, mode: app.context.extensionMode };

  const run = (title: string, flow: (report: Reporter, token: vscode.CancellationToken) => Promise<FlowOutcome>): Thenable<FlowOutcome> =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const lines: string[] = [];
      const report: Reporter = {
        progress: (message) => progress.report({ message }),
        line: (markdown) => {
          lines.push(markdown.trim());
          app.log.info(`${title}: ${markdown.trim()}`);
        },
        warn: (message) => {
          app.log.warn(`${title}: ${message}`);
          void vscode.window.showWarningMessage(message);
        },
      };
      const outcome = await flow(report, token);
      const summary = lines.filter((l) => !l.startsWith('**') || /^\*\*(Created|Changed)/.test(l)).pop();
      if (outcome.ok && summary) void vscode.window.showInformationMessage(plain(summary), 'Show Log').then((a) => a && app.log.show());
      return outcome;
    });

  app.own(
    vscode.commands.registerCommand(Commands.createGitHubIssues, async (target?: Target) => {
      await app.model.whenIdle();
      const feature = await app.picker.feature(dirOf(target), 'Create GitHub issues for which feature?');
      if (!feature) return undefined;
      const scope = scopeOf(target, feature.tasks?.phases ?? []);
      return run(`Create GitHub Issues: ${feature.feature.name}`, (report, token) => createIssuesFlow(deps, feature, scope, report, token));
    }),
    vscode.commands.registerCommand(Commands.syncTaskStates, async (target?: Target) => {
      await app.model.whenIdle();
      const feature = await app.picker.feature(dirOf(target), 'Sync task states of which feature?');
      if (!feature) return undefined;
      return run(`Sync Task States from GitHub: ${feature.feature.name}`, (report, token) => syncTaskStatesFlow(deps, feature, report, token));
    }),
    vscode.commands.registerCommand(Commands.openGitHubIssue, async (target?: Target | string) => {
      const url = typeof target === 'string' ? target : issueUrlOf(app, target);
      if (!url) {
        void vscode.window.showInformationMessage('This task has no GitHub issue yet. Create one with Create GitHub Issues from Tasks.');
        return false;
      }
      return vscode.env.openExternal(vscode.Uri.parse(url));
    }),
  );
}

function dirOf(target: Target): { dir?: string } | vscode.Uri | undefined {
  if (!target) return undefined;
  return target instanceof vscode.Uri ? target : { ...(target.dir ? { dir: target.dir } : {}) };
}

/** A phase node's scope is its task IDs (a phase without a number has no other name); a task node's, its ID. */
function scopeOf(target: Target, phases: ReadonlyArray<{ key: string; taskIds: readonly string[] }>): string {
  if (!target || target instanceof vscode.Uri) return '';
  if (target.kind === 'phase') return phases.find((p) => p.key === target.key)?.taskIds.join(' ') ?? '';
  if (target.kind === 'task' && target.taskId) return target.taskId;
  return '';
}

function issueUrlOf(app: SpeckitExtension, target: Target): string | undefined {
  if (!target || target instanceof vscode.Uri || target.kind !== 'task' || !target.dir) return undefined;
  return app.model.index.featureFor(target.dir)?.tasks?.tasks.find((t) => t.id === target.taskId)?.issue?.url;
}

function plain(markdown: string): string {
  return markdown.replace(/\*\*/g, '').replace(/\[([^\]]+)\]\([^)]+\)/g, '$1').replace(/\n+/g, ' ').trim();
}
