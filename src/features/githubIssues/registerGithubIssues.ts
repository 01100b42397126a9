import * as vscode from 'vscode';
import { Commands } from '../../ids';
import { setTestSignIn, type TestSignIn } from '../../platform/github/githubAccess';
import { createIssuesFlow, type FlowOutcome, type GitHubFlowDeps, type Reporter, syncTaskStatesFlow } from '../../platform/github/issueFlows';
import { type SpeckitServices } from '../../platform/services';
import { type WorkspaceModel } from '../../platform/workspaceModel';

/** What the commands are invoked on: a Spec Explorer node (feature, phase, task), a tasks.md URI, or nothing. */
type Target = { kind?: string; dir?: string; key?: string; taskId?: string } | vscode.Uri | undefined;

/** What integration tests get of this feature: the sign-in its flows use in ExtensionMode.Test. */
export interface GitHubIssuesTestHandle {
  setSignIn(signIn: TestSignIn | undefined): void;
}

/**
 * GitHub issues both ways from the palette and the Spec Explorer: *Create GitHub Issues from Tasks*
 * (a feature, a phase or a task), *Sync Task States from GitHub*, and *Open GitHub Issue* (a task's
 * link, from the tree and the lenses). The chat's `/speckit.taskstoissues` runs the same flows.
 */
export function registerGithubIssues(services: SpeckitServices): GitHubIssuesTestHandle {
  const { model, picker, log, context } = services;
  const deps: GitHubFlowDeps = { model, prompter: services.prompter, log, mode: context.extensionMode };

  const run = (title: string, flow: (report: Reporter, token: vscode.CancellationToken) => Promise<FlowOutcome>): Thenable<FlowOutcome> =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const lines: string[] = [];
      const report: Reporter = {
        progress: (message) => progress.report({ message }),
        line: (markdown) => {
          lines.push(markdown.trim());
          log.info(`${title}: ${markdown.trim()}`);
        },
        warn: (message) => {
          log.warn(`${title}: ${message}`);
          void vscode.window.showWarningMessage(message);
        },
      };
      const outcome = await flow(report, token);
      const summary = lines.filter((l) => !l.startsWith('**') || /^\*\*(Created|Changed)/.test(l)).pop();
      if (outcome.ok && summary) void vscode.window.showInformationMessage(plain(summary), 'Show Log').then((a) => a && log.show());
      return outcome;
    });

  services.own(
    vscode.commands.registerCommand(Commands.createGitHubIssues, async (target?: Target) => {
      await model.whenIdle();
      const feature = await picker.feature(dirOf(target), 'Create GitHub issues for which feature?');
      if (!feature) return undefined;
      const scope = scopeOf(target, feature.tasks?.phases ?? []);
      return run(`Create GitHub Issues: ${feature.feature.name}`, (report, token) => createIssuesFlow(deps, feature, scope, report, token));
    }),
    vscode.commands.registerCommand(Commands.syncTaskStates, async (target?: Target) => {
      await model.whenIdle();
      const feature = await picker.feature(dirOf(target), 'Sync task states of which feature?');
      if (!feature) return undefined;
      return run(`Sync Task States from GitHub: ${feature.feature.name}`, (report, token) => syncTaskStatesFlow(deps, feature, report, token));
    }),
    vscode.commands.registerCommand(Commands.openGitHubIssue, async (target?: Target | string) => {
      const url = typeof target === 'string' ? target : issueUrlOf(model, target);
      if (!url) {
        void vscode.window.showInformationMessage('This task has no GitHub issue yet. Create one with Create GitHub Issues from Tasks.');
        return false;
      }
      return vscode.env.openExternal(vscode.Uri.parse(url));
    }),
  );
  return { setSignIn: (signIn) => setTestSignIn(context.extensionMode, signIn) };
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

function issueUrlOf(model: WorkspaceModel, target: Target): string | undefined {
  if (!target || target instanceof vscode.Uri || target.kind !== 'task' || !target.dir) return undefined;
  return model.index.featureFor(target.dir)?.tasks?.tasks.find((t) => t.id === target.taskId)?.issue?.url;
}

function plain(markdown: string): string {
  return markdown.replace(/\*\*/g, '').replace(/\[([^\]]+)\]\([^)]+\)/g, '$1').replace(/\n+/g, ' ').trim();
}
