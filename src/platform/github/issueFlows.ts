/**
 * The two GitHub flows, shared by the chat (`/speckit.taskstoissues`), the palette and the Spec
 * Explorer: create issues for tasks, and sync task states back from their issues. Each reports
 * through a Reporter (the chat stream, or a notification with progress), refuses clearly
 * (untrusted workspace, remote not on GitHub, not signed in), asks before changing anything on
 * GitHub, and writes tasks.md in one undoable edit with exactly what happened on GitHub.
 */
import * as vscode from 'vscode';
import { parseImplementScope } from '../../core/analysis/implementScope';
import { setTaskDoneEdits, type TextEdit } from '../../core/artifacts/taskEdits';
import { type Task, type TasksDoc } from '../../core/artifacts/tasks';
import { runCreate } from '../../core/github/createRun';
import { type GitHubError } from '../../core/github/githubClient';
import { issueDraft, labelsFor } from '../../core/github/issueDraft';
import { setIssueLinkEdit } from '../../core/github/issueLinkEdits';
import { describePlan, type IssueLookup, needsHistory, planSync, type SyncInput } from '../../core/github/syncPlan';
import { type IndexedFeature } from '../../core/workspace/workspaceIndex';
import { Settings } from '../../ids';
import { applyTextEdits, editRefusal } from '../edits';
import { type Prompter } from '../prompter';
import { type WorkspaceModel } from '../workspaceModel';
import { clientFor, gitHubSession, repoContext, repoRelative } from './githubAccess';

export interface GitHubFlowDeps {
  readonly model: WorkspaceModel;
  readonly prompter: Prompter;
  readonly log: vscode.LogOutputChannel;
  readonly mode: vscode.ExtensionMode;
}

/** Where a flow tells the user what it does: markdown lines, progress, warnings. */
export interface Reporter {
  progress(message: string): void;
  line(markdown: string): void;
  warn(message: string): void;
}

export interface FlowOutcome {
  readonly ok: boolean;
  readonly created?: number;
  readonly changed?: number;
}

const CREATE = 'Create Issues';

/** `/speckit.taskstoissues [scope]`: one issue per open task in scope, in dependency order. */
export async function createIssuesFlow(deps: GitHubFlowDeps, feature: IndexedFeature, scopeText: string, report: Reporter, token: vscode.CancellationToken): Promise<FlowOutcome> {
  const loaded = await loadTasks(deps, feature, report);
  if (!loaded) return { ok: false };
  const { uri, doc } = loaded;
  const scope = parseImplementScope(scopeText, doc);
  if (scope.unknown.length > 0) report.warn(`Not in tasks.md: ${scope.unknown.join(', ')}.`);
  const linked = scope.tasks.filter((t) => t.issue);
  const open = scope.tasks.filter((t) => !t.issue);
  if (scope.tasks.length === 0) {
    report.line(scope.unknown.length > 0 ? 'Nothing was selected, so nothing was created.' : 'Every task in scope is done: there is nothing to create issues for.');
    return { ok: scope.unknown.length === 0 };
  }
  report.progress('Reading the repository\'s GitHub remote…');
  const found = await repoContext(deps.model.uriFor(feature.projectRoot));
  if (!found.ok) {
    report.warn(found.reason);
    return { ok: false };
  }
  const { repo } = found;
  const where = `${repo.target.owner}/${repo.target.repo}`;
  if (open.length === 0) {
    report.line(`All ${linked.length} task${linked.length === 1 ? '' : 's'} in scope already link${linked.length === 1 ? 's' : ''} to an issue; nothing new to create.`);
  } else {
    report.line(`**${open.length} issue${open.length === 1 ? '' : 's'} to create in ${where}** (${scope.description}), in this order:\n\n${open.map((t) => `- ${t.id}: ${escape(t.description)}`).join('\n')}\n${linked.length > 0 ? `\n${linked.length} task${linked.length === 1 ? ' already has its' : 's already have their'} issue and ${linked.length === 1 ? 'is' : 'are'} skipped.\n` : ''}`);
  }
  const milestoneTitle = feature.feature.name;
  let milestone = false;
  if (open.length > 0) {
    const withMilestone = `Create with Milestone "${milestoneTitle}"`;
    const answer = await deps.prompter.confirm(
      `Create ${open.length} GitHub issue${open.length === 1 ? '' : 's'} in ${where}?`,
      `${open.map((t) => t.id).join(', ')}. Each issue's URL is written at the end of its task line in tasks.md (one undoable edit).`,
      CREATE,
      withMilestone,
    );
    if (answer !== CREATE && answer !== withMilestone) {
      report.line('Nothing was created.');
      return { ok: false };
    }
    milestone = answer === withMilestone;
  }
  const session = await gitHubSession(repo.target, deps.mode, true);
  if (!session) {
    report.warn(`Not signed in to GitHub${repo.target.authProvider === 'github-enterprise' ? ' Enterprise' : ''}: nothing was created. Sign in from the Accounts menu (or accept the sign-in prompt), then run the command again.`);
    return { ok: false };
  }
  const { client, signal, dispose } = clientFor(repo, session, token, (m) => report.progress(m));
  try {
    const featurePath = repoRelative(repo, feature.feature.dir);
    const tasksPath = repoRelative(repo, uri.path);
    const ctx = {
      featurePath,
      featureName: feature.feature.name,
      tasksPath,
      tasksWebUrl: `${repo.target.webUrl}/${repo.target.owner}/${repo.target.repo}/blob/${encodeURIComponent(repo.ref).replace(/%2F/g, '/')}/${tasksPath.split('/').map(encodeURIComponent).join('/')}`,
      phases: doc.phases,
      stories: feature.spec?.stories ?? [],
      requirements: feature.spec?.requirements ?? [],
    };
    const labels = [...new Map(open.flatMap((t) => labelsFor(t, ctx)).map((l) => [l.name, l])).values()];
    const result = await runCreate({
      client,
      items: open.map((t) => ({ taskId: t.id, draft: (issueOf) => issueDraft(t, { ...ctx, issueOf: (id) => issueOf(id) ?? doc.tasks.find((x) => x.id === id)?.issue?.url }) })),
      featurePath,
      labels,
      ...(milestone ? { milestoneTitle } : {}),
      linked: linked.map((t) => ({ taskId: t.id, number: t.issue!.number, url: t.issue!.url })),
      signal,
      progress: (m) => report.progress(m),
    });
    // Whatever GitHub has now is written to tasks.md, also after a cancel or an error.
    const links = [...result.relinked, ...result.created];
    const written = links.length > 0 ? await writeLinks(deps, uri, links) : true;
    if (result.created.length > 0) report.line(`\n**Created ${result.created.length} issue${result.created.length === 1 ? '' : 's'}** in ${where}${result.milestone ? ` (milestone "${result.milestone.title}")` : ''}:\n\n${result.created.map((c) => `- ${c.taskId}: [#${c.number}](${c.url})`).join('\n')}\n`);
    if (result.relinked.length > 0) report.line(`\nLinked again (created by an earlier run, not duplicated): ${result.relinked.map((c) => `${c.taskId} [#${c.number}](${c.url})`).join(', ')}.\n`);
    for (const m of result.missing) report.warn(`${m.taskId}'s issue #${m.number} ${m.status === 410 ? 'was deleted' : 'no longer exists or cannot be seen'} (HTTP ${m.status}). It was not recreated: remove the URL from its task line to create a new one.`);
    if (!written) report.warn('The issue links could not be written to tasks.md (the edit was refused). The issues exist on GitHub; the next run links them again instead of creating duplicates.');
    if (result.stopped) {
      report.warn(stoppedMessage(result.stopped, result.created.length));
      return { ok: false, created: result.created.length };
    }
    if (links.length > 0) report.line(`\nThe issue URLs are at the end of the task lines in \`${tasksPath}\` (undo with Ctrl+Z).\n`);
    return { ok: true, created: result.created.length };
  } finally {
    dispose();
  }
}

/** *Spec Kit: Sync Task States from GitHub*: tick closed, untick reopened (after asking), close ticked (when chosen). */
export async function syncTaskStatesFlow(deps: GitHubFlowDeps, feature: IndexedFeature, report: Reporter, token: vscode.CancellationToken): Promise<FlowOutcome> {
  const loaded = await loadTasks(deps, feature, report);
  if (!loaded) return { ok: false };
  const { uri, doc } = loaded;
  const linked = doc.tasks.filter((t) => t.issue);
  if (linked.length === 0) {
    report.line('No task in this feature links to a GitHub issue yet. Create them with `@speckit /speckit.taskstoissues`.');
    return { ok: true, changed: 0 };
  }
  const found = await repoContext(deps.model.uriFor(feature.projectRoot));
  if (!found.ok) {
    report.warn(found.reason);
    return { ok: false };
  }
  const { repo } = found;
  const elsewhere = linked.filter((t) => t.issue!.owner.toLowerCase() !== repo.target.owner.toLowerCase() || t.issue!.repo.toLowerCase() !== repo.target.repo.toLowerCase());
  if (elsewhere.length > 0) report.warn(`Skipped ${elsewhere.map((t) => t.id).join(', ')}: ${elsewhere.length === 1 ? 'its issue is' : 'their issues are'} not in ${repo.target.owner}/${repo.target.repo}.`);
  const mine = linked.filter((t) => !elsewhere.includes(t));
  const session = (await gitHubSession(repo.target, deps.mode, false)) ?? (await askSignIn(deps, repo.target.owner, repo.target.repo, mine.length) ? await gitHubSession(repo.target, deps.mode, true) : undefined);
  if (!session) {
    report.warn('Not signed in to GitHub: no task state was read or changed.');
    return { ok: false };
  }
  const { client, dispose } = clientFor(repo, session, token, (m) => report.progress(m));
  try {
    const inputs: SyncInput[] = [];
    try {
      for (const [i, task] of mine.entries()) {
        report.progress(`Reading issue ${i + 1} of ${mine.length} (#${task.issue!.number})…`);
        const lookup: IssueLookup = await client.issue(task.issue!.number);
        inputs.push({ task, lookup, ...(needsHistory(task, lookup) ? { reopened: await client.wasReopened(task.issue!.number) } : {}) });
      }
    } catch (e) {
      // Nothing is changed from a partial read: a cancel or an error leaves tasks.md as it was.
      report.warn(stoppedMessage(e as GitHubError, 0, 'read'));
      return { ok: false };
    }
    const plan = planSync(inputs);
    let untick = plan.untick;
    if (untick.length > 0) {
      const answer = await deps.prompter.confirm(
        `Un-tick ${untick.length} task${untick.length === 1 ? '' : 's'} whose issue${untick.length === 1 ? ' was' : 's were'} reopened?`,
        untick.map((t) => `${t.id} (#${t.issue!.number})`).join(', '),
        'Un-tick',
      );
      if (answer !== 'Un-tick') untick = [];
    }
    const fresh = await deps.model.parsed(await vscode.workspace.openTextDocument(uri));
    const now = fresh?.kind === 'tasks' ? fresh : doc;
    const edits: TextEdit[] = [];
    const byId = (t: Task): Task => now.tasks.find((x) => x.id === t.id) ?? t;
    for (const t of plan.tick) edits.push(...setTaskDoneEdits(now, byId(t), true));
    for (const t of untick) edits.push(...setTaskDoneEdits(now, byId(t), false));
    const applied = edits.length === 0 || (await applyTextEdits(uri, edits, 'Sync task states from GitHub'));
    if (!applied) {
      report.warn('tasks.md could not be edited (the edit was refused); nothing was changed.');
      return { ok: false };
    }
    const changes = [...plan.tick.map((t) => `- Ticked ${t.id}: [#${t.issue!.number}](${t.issue!.url}) was closed as completed`), ...untick.map((t) => `- Un-ticked ${t.id}: [#${t.issue!.number}](${t.issue!.url}) was reopened`)];
    report.line(changes.length > 0 ? `**Changed ${changes.length} task${changes.length === 1 ? '' : 's'}** (one undoable edit):\n\n${changes.join('\n')}\n` : `All ${plan.inStep.length + plan.close.length + plan.untick.length} linked tasks checked: none needed a change.\n`);
    const others = describePlan({ ...plan, tick: [], untick: plan.untick.filter((t) => !untick.includes(t)), close: [] });
    if (others.length > 0) report.line(`\n${others.map((l) => `- ${l}`).join('\n')}\n`);
    let closed = 0;
    if (plan.close.length > 0) {
      if (vscode.workspace.getConfiguration().get<boolean>(Settings.githubCloseIssuesOnTick, false)) {
        try {
          for (const t of plan.close) {
            report.progress(`Closing #${t.issue!.number} (${t.id} is done)…`);
            await client.closeIssue(t.issue!.number, `${t.id} was marked done in \`${repoRelative(repo, uri.path)}\`; closed by Spec Kit.`);
            closed++;
          }
        } catch (e) {
          report.warn(stoppedMessage(e as GitHubError, closed, 'close'));
        }
        if (closed > 0) report.line(`\nClosed ${closed} issue${closed === 1 ? '' : 's'} whose tasks are done: ${plan.close.slice(0, closed).map((t) => `${t.id} [#${t.issue!.number}](${t.issue!.url})`).join(', ')}.\n`);
      } else {
        report.line(`\n${plan.close.map((t) => t.id).join(', ')} ${plan.close.length === 1 ? 'is' : 'are'} done here but ${plan.close.length === 1 ? 'its issue is' : 'their issues are'} open. Turn on \`${Settings.githubCloseIssuesOnTick}\` to close them with a comment when syncing.\n`);
      }
    }
    return { ok: true, changed: changes.length + closed };
  } finally {
    dispose();
  }
}

async function askSignIn(deps: GitHubFlowDeps, owner: string, repo: string, count: number): Promise<boolean> {
  const answer = await deps.prompter.confirm(`Sign in to GitHub to read ${count} issue${count === 1 ? '' : 's'} of ${owner}/${repo}?`, 'Spec Kit uses VS Code\'s GitHub sign-in (the repo scope).', 'Sign In');
  return answer === 'Sign In';
}

async function loadTasks(deps: GitHubFlowDeps, feature: IndexedFeature, report: Reporter): Promise<{ uri: vscode.Uri; doc: TasksDoc } | undefined> {
  const file = feature.feature.files.tasks;
  if (!file) {
    report.warn(`${feature.feature.name} has no tasks.md yet. Create the tasks with \`@speckit /speckit.tasks\` first.`);
    return undefined;
  }
  const uri = deps.model.uriFor(file.path);
  // A tasks.md that leads out of the workspace is neither sent to GitHub nor written (as for ticks).
  const refused = await editRefusal(uri);
  if (refused) {
    report.warn(`${vscode.workspace.asRelativePath(uri)}: ${refused}. Nothing was sent to GitHub or changed.`);
    return undefined;
  }
  // The open editor's text (saved or not) is what the user sees.
  const doc = await deps.model.parsed(await vscode.workspace.openTextDocument(uri));
  if (doc?.kind !== 'tasks') {
    report.warn(`${vscode.workspace.asRelativePath(uri)} could not be read as a tasks file.`);
    return undefined;
  }
  return { uri, doc };
}

/** One undoable edit that writes each task's issue URL, against the document as it is now. */
async function writeLinks(deps: GitHubFlowDeps, uri: vscode.Uri, links: ReadonlyArray<{ taskId: string; url: string }>): Promise<boolean> {
  const doc = await deps.model.parsed(await vscode.workspace.openTextDocument(uri));
  if (doc?.kind !== 'tasks') return false;
  const edits: TextEdit[] = [];
  for (const l of links) {
    const task = doc.tasks.find((t) => t.id === l.taskId);
    if (task && task.issue?.url !== l.url) edits.push(setIssueLinkEdit(doc, task, l.url));
  }
  const ok = await applyTextEdits(uri, edits, `Link ${links.length} task${links.length === 1 ? '' : 's'} to GitHub issues`);
  if (ok) await deps.model.refreshNow([uri.path]);
  return ok;
}

function stoppedMessage(e: GitHubError | Error, done: number, what: 'create' | 'read' | 'close' = 'create'): string {
  const kind = (e as GitHubError).kind;
  const head = kind === 'cancelled' ? 'Cancelled' : 'Stopped';
  if (what === 'read') return `${head} while reading the issues${kind === 'cancelled' ? '' : `: ${e.message}`}. No task was changed.`;
  if (what === 'close') return `${head} after closing ${done} issue${done === 1 ? '' : 's'}${kind === 'cancelled' ? '' : `: ${e.message}`}.`;
  return `${head} after creating ${done} issue${done === 1 ? '' : 's'}${kind === 'cancelled' ? '' : `: ${e.message}`}. tasks.md links exactly the issues that exist; run the command again to create the rest.`;
}

function escape(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);
}
