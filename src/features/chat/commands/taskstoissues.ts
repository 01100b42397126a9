import type * as vscode from 'vscode';
import { createIssuesFlow, type GitHubFlowDeps, type Reporter, syncTaskStatesFlow } from '../../../platform/github/issueFlows';
import { type ChatTurn } from '../chatTurn';

/**
 * `/speckit.taskstoissues [scope]`: one GitHub issue per open task (scope as implement's), and
 * `/speckit.taskstoissues sync`: tick tasks from their issues. No model is needed: the issues are
 * written from the tasks, the feature's spec and the repository, by code.
 */
export async function taskstoissues(turn: ChatTurn<'taskstoissues'>): Promise<vscode.ChatResult> {
  const feature = (await turn.feature())?.feature;
  if (!feature) return turn.model.index.projects.length === 0 ? turn.noProject() : turn.fail('Pick a feature to create issues for.');
  const { services } = turn;
  const deps: GitHubFlowDeps = { model: services.model, prompter: services.prompter, log: services.log, mode: services.context.extensionMode };
  const report: Reporter = {
    progress: (m) => turn.progress(m),
    line: (m) => turn.markdown(`${m}\n`),
    warn: (m) => turn.warn(m),
  };
  const sync = /^\s*sync\b/i.test(turn.prompt);
  const outcome = sync
    ? await syncTaskStatesFlow(deps, feature, report, turn.token)
    : await createIssuesFlow(deps, feature, turn.prompt, report, turn.token);
  return turn.result({ featureDir: feature.feature.dir, projectRoot: feature.projectRoot, ...(outcome.ok ? {} : { failed: true }) });
}
