import type * as vscode from 'vscode';
import { createIssuesFlow, type GitHubFlowDeps, type Reporter, syncTaskStatesFlow } from '../../../platform/github/issueFlows';
import { type ChatTurn, type SpeckitChatMetadata } from '../chatTurn';

/**
 * `/speckit.taskstoissues [scope]`: one GitHub issue per open task (scope as implement's), and
 * `/speckit.taskstoissues sync`: tick tasks from their issues. No model is needed: the issues are
 * written from the tasks, the feature's spec and the repository, by code.
 */
export async function taskstoissues(turn: ChatTurn): Promise<vscode.ChatResult> {
  const feature = await turn.feature();
  if (!feature) return turn.app.model.index.projects.length === 0 ? turn.noProject('taskstoissues') : turn.fail('Pick a feature to create issues for.', 'taskstoissues');
  const deps: GitHubFlowDeps = { model: turn.app.model, prompter: turn.app.prompter, log: turn.app.log, mode: turn.app.context.extensionMode };
  const report: Reporter = {
    progress: (m) => turn.progress(m),
    line: (m) => turn.markdown(`${m}\n`),
    warn: (m) => turn.warn(m),
  };
  const sync = /^\s*sync\b/i.test(turn.prompt);
  const outcome = sync
    ? await syncTaskStatesFlow(deps, feature, report, turn.token)
    : await createIssuesFlow(deps, feature, turn.prompt, report, turn.token);
  return {
    metadata: {
      command: 'taskstoissues',
      featureDir: feature.feature.dir,
      projectRoot: feature.projectRoot,
      ...(outcome.ok ? {} : { failed: true }),
    } satisfies SpeckitChatMetadata,
  };
}
