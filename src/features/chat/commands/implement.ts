import * as path from 'node:path/posix';
import * as vscode from 'vscode';
import { checklistGate, checklistGateMarkdown } from '../../../core/analysis/checklistGate';
import { parseImplementScope } from '../../../core/analysis/implementScope';
import { type Task, type TasksDoc } from '../../../core/artifacts/tasks';
import { contextSummary, type DesignDoc, type DesignDocKind, selectDesignDocs } from '../../../core/chat/promptContext';
import { isRefusal, refusedCallWarning } from '../../../core/chat/toolRefusal';
import { changeDocPaths, changeOwnFiles } from '../../../core/openspec/openspecChat';
import { type IndexedFeature, type IndexedProject } from '../../../core/workspace/workspaceIndex';
import { ChatCommands, Settings } from '../../../ids';
import { slash } from '../../../platform/chat';
import { setTaskDone } from '../../../platform/taskState';
import { type FeatureInProject } from '../../../platform/workspaceModel';
import { metadataOf } from '../chatMetadata';
import { type ChatTurn, type ContextItem } from '../chatTurn';
import { callModelWithTools } from '../modelCall';
import { type HeldWrite, type WritePolicy, workspaceTools } from '../workspaceTools';
import { featureContext, namedFilesContext } from './featureContext';
import { type ChangeTarget, openspecChange } from './openspecTarget';
import { plan } from './plan';
import { tasks as tasksCommand } from './tasks';

const PROCEED = /\b(proceed anyway|yes,? proceed|ignore the checklists?)\b/i;
const MAX_FILE_CONTEXT = 40_000;
/** The spec and design documents one task gets at most, in all and each. */
const MAX_DESIGN_CONTEXT = 40_000;
const MAX_DESIGN_DOC = 16_000;
const DESIGN_LABEL: Record<DesignDocKind, string> = {
  spec: 'Spec',
  dataModel: 'Data model',
  contract: 'Contract',
  research: 'Research',
  quickstart: 'Quickstart',
  proposal: 'Proposal',
  delta: 'Spec delta',
  design: 'Design',
  capability: 'Current spec',
  conventions: 'Project conventions',
};

/** The spec-kit feature's spec and design documents. */
function featureDocs(feature: IndexedFeature): Array<[DesignDocKind, string | undefined]> {
  const files = feature.feature.files;
  return [
    ['spec', files.spec?.path],
    ['dataModel', files.dataModel?.path],
    ...(files.contracts ?? []).map((c): [DesignDocKind, string] => ['contract', c.path]),
    ['research', files.research?.path],
    ['quickstart', files.quickstart?.path],
  ];
}

/** Design documents read (contained) from disk, relative to the project root. */
async function designDocs(turn: ChatTurn, root: string, wanted: ReadonlyArray<readonly [DesignDocKind, string | undefined]>): Promise<DesignDoc[]> {
  const out: DesignDoc[] = [];
  for (const [kind, p] of wanted) {
    const text = await turn.readPath(p, root);
    if (p && text !== undefined && text.trim() && !text.includes('\u0000')) out.push({ kind, path: path.relative(root, p), text });
  }
  return out;
}

/** What the task loop works on: a spec-kit feature, or an OpenSpec change. */
interface ImplementUnit {
  readonly dir: string;
  readonly root: string;
  readonly name: string;
  /** The spec-kit project (its prompt overrides); undefined for an OpenSpec change. */
  readonly project: IndexedProject | undefined;
  /** Absolute paths the run itself owns (held back when the model rewrites them). */
  readonly ownFiles: readonly string[];
  /** Context every task gets (constitution, plan). */
  base(): Promise<ContextItem[]>;
  /** Documents a task gets when it touches them, in priority order. */
  docs(): Promise<DesignDoc[]>;
  /** The state after the run, for its last line. */
  state(): string;
}

function featureUnit(turn: ChatTurn, { feature, project }: FeatureInProject): ImplementUnit {
  const files = feature.feature.files;
  return {
    dir: feature.feature.dir,
    root: feature.projectRoot,
    name: feature.feature.name,
    project,
    ownFiles: [files.tasks?.path, files.spec?.path].filter((p): p is string => !!p),
    base: () => featureContext(turn, feature, ['constitution', 'plan']),
    docs: () => designDocs(turn, feature.projectRoot, featureDocs(feature)),
    state: () => turn.model.index.featureFor(feature.feature.dir)?.status.label ?? '',
  };
}

function changeUnit(turn: ChatTurn, { project, change }: ChangeTarget): ImplementUnit {
  const root = project.project.root;
  return {
    dir: change.dir,
    root,
    name: change.id,
    project: undefined,
    ownFiles: changeOwnFiles(change, project.project),
    base: () => Promise.resolve([]),
    docs: () => designDocs(turn, root, changeDocPaths(change, project.project)),
    state: () => {
      const now = turn.model.index.openspecFor(change.dir)?.project.changes.find((c) => c.dir === change.dir);
      return now ? `${now.progress.done}/${now.progress.total} · ${now.status}` : '';
    },
  };
}

/**
 * /speckit.implement on an OpenSpec change: its tasks.md through the same task loop, with the
 * proposal, delta specs, design and the capability specs they change as each task's context.
 */
async function implementChange(turn: ChatTurn<'implement'>, target: ChangeTarget): Promise<vscode.ChatResult> {
  const { change } = target;
  const dir = change.dir;
  if (change.archived) return turn.fail(`${change.id} is archived (${change.archivedOn ?? 'applied'}): its tasks are history. Implement an active change.`, { featureDir: dir });
  if (!change.tasks || change.progress.total === 0) {
    return turn.fail(`${change.id} has no tasks yet: write them in openspec/changes/${change.folder}/tasks.md (\`## 1. Group\` + \`- [ ] 1.1 Task\`), then run \`${slash('implement')}\` again.`, { featureDir: dir });
  }
  const tasksUri = turn.model.uriFor(change.tasks.path);
  const doc = (await turn.model.parsed(await vscode.workspace.openTextDocument(tasksUri))) as TasksDoc;
  turn.markdown(`OpenSpec change **${change.id}**${change.proposal?.doc.title ? ` — ${change.proposal.doc.title.value}` : ''}.\n\n`);
  return runTasks(turn, changeUnit(turn, target), doc, target.rest, tasksUri);
}

/**
 * /speckit.implement [scope]: task by task, each with a fresh, bounded context (the task, its
 * phase, the plan, the files it names) and tools to read and edit the workspace; a task is ticked
 * only after its edits are applied and its verification passed. A failure stops the run; running
 * again resumes at the first open task; a cancel stops between steps.
 */
export async function implement(turn: ChatTurn<'implement'>): Promise<vscode.ChatResult> {
  if (!vscode.workspace.isTrusted) {
    return turn.fail('Implementing runs verification builds, which a restricted (untrusted) workspace does not allow. Trust the workspace to implement tasks.');
  }
  const change = await openspecChange(turn, true);
  if (change) return implementChange(turn, change);
  let found = await turn.feature();
  if (!found) return turn.fail(`There is no feature to implement yet. Describe one with \`${slash('specify')}\`.`);
  let { feature } = found;
  const dir = feature.feature.dir;

  // The seed's quick workflow: "the spec looks good, go ahead and implement it".
  if (!feature.tasks || feature.tasks.total === 0) {
    if (!feature.feature.files.spec) return turn.fail(`${feature.feature.name} has no spec yet: run \`${slash('specify')}\` first.`, { featureDir: dir });
    turn.markdown(`**${feature.feature.name}** has no tasks yet: planning and breaking it down first.\n\n`);
    if (!feature.feature.files.plan) {
      const planned = await plan(turn.as('plan', ''));
      if (metadataOf(planned)?.failed || planned.errorDetails) return planned;
    }
    const broken = await tasksCommand(turn.as('tasks', ''));
    if (metadataOf(broken)?.failed || broken.errorDetails) return broken;
    found = await turn.featureAt(dir);
    if (!found?.feature.tasks?.total) return turn.fail('No tasks were written, so there is nothing to implement.', { featureDir: dir });
    feature = found.feature;
    turn.markdown('\n\n---\n\n');
  }

  const gate = checklistGate(feature.checklists.map((c) => ({ name: c.name, doc: c.doc })));
  const proceed = PROCEED.test(turn.prompt);
  if (!gate.pass && !proceed) {
    turn.markdown(`Some checklists have open items:\n\n${checklistGateMarkdown(gate)}\n\nReview them first, or proceed anyway.`);
    return turn.result({ featureDir: dir, gateBlocked: true, scope: turn.prompt });
  }

  const tasksPath = feature.feature.files.tasks!.path;
  const tasksUri = turn.model.uriFor(tasksPath);
  const doc = (await turn.model.parsed(await vscode.workspace.openTextDocument(tasksUri))) as TasksDoc;
  return runTasks(turn, featureUnit(turn, found), doc, turn.prompt.replace(PROCEED, ' '), tasksUri);
}

/** The task loop: scope, verification approved once, each task implemented, verified and ticked; stops at a failure or a cancel. */
async function runTasks(turn: ChatTurn<'implement'>, unit: ImplementUnit, doc: TasksDoc, scopeText: string, tasksUri: vscode.Uri): Promise<vscode.ChatResult> {
  const dir = unit.dir;
  const scope = parseImplementScope(scopeText, doc);
  if (scope.unknown.length > 0) turn.markdown(`_Not found in tasks.md: ${scope.unknown.join(', ')}._\n\n`);
  if (scope.tasks.length === 0) {
    turn.markdown(scope.unknown.length ? 'Nothing to implement.' : `Nothing to implement: every task in scope is done (${doc.done}/${doc.total}).`);
    return turn.result({ featureDir: dir });
  }
  turn.markdown(`Implementing ${scope.description}.\n\n`);

  // Read once before the loop: a command that changes during the run is not run without asking again.
  const verification = turn.services.nix.verification;
  const initial = await verification.target(tasksUri, false);
  const run: RunState = { approvedCommand: initial ? verification.commandLine(initial) : undefined };
  if (run.approvedCommand) turn.markdown(`Each task is ticked only after this verification passes:\n\n~~~sh\n${run.approvedCommand}\n~~~\n\n`);

  const done: string[] = [];
  const total = scope.tasks.length;
  for (const [i, task] of scope.tasks.entries()) {
    if (turn.token.isCancellationRequested) break;
    const step = `${task.id} ${i + 1}/${total}`;
    const result = await implementOne(turn, unit, doc, task, step, tasksUri, run);
    if (result === 'cancelled') break;
    if (result !== 'done') {
      turn.markdown(`\n\n${done.length} task${done.length === 1 ? '' : 's'} done before this one. Fix the problem, then run \`${slash('implement')}\` again: it resumes at ${task.id}.`);
      return turn.failed({ featureDir: dir });
    }
    done.push(task.id);
  }
  if (turn.token.isCancellationRequested) {
    turn.markdown(`\n\n_Stopped. tasks.md shows what was done (${done.length ? done.join(', ') : 'nothing'}); run \`${slash('implement')}\` to resume._`);
    return turn.failed({ featureDir: dir });
  }
  await turn.model.whenIdle();
  turn.markdown(`\n\n**${done.length}/${total} tasks done** (${unit.state()}).`);
  return turn.result({ featureDir: dir });
}

/** What one implement run carries from task to task. */
interface RunState {
  /** The verification command as shown to the user (in full); undefined when none is configured. */
  approvedCommand: string | undefined;
}

/**
 * The write policy of an implement run: protected paths (core/security/protectedPaths) are held
 * back for review. Also used by model runs of extension commands (extensionCommand.ts), with the
 * project root alone when there is no current feature; an OpenSpec change names its own files.
 */
export function writePolicy(turn: ChatTurn, feature: IndexedFeature | { readonly projectRoot: string; readonly ownFiles?: readonly string[] }, held: HeldWrite[]): WritePolicy {
  const root = feature.projectRoot;
  const files = 'feature' in feature ? feature.feature.files : undefined;
  const ownFiles = 'ownFiles' in feature ? (feature.ownFiles ?? []) : [files?.tasks?.path, files?.spec?.path];
  const own = ownFiles.filter((p): p is string => !!p).map((p) => path.relative(root, p));
  // User settings only: a workspace cannot shorten or change the list.
  const user = vscode.workspace.getConfiguration().inspect<unknown>(Settings.protectedPaths)?.globalValue;
  const userPatterns = Array.isArray(user) ? user.filter((p): p is string => typeof p === 'string') : [];
  return { context: { runFiles: own, userPatterns }, hold: (w) => held.push(w) };
}

/** Shows held-back changes to protected files as diffs with one Apply button; nothing of them is written until the user applies. */
function offerHeld(turn: ChatTurn, root: string, task: Task, held: readonly HeldWrite[]): void {
  const latest = [...new Map(held.map((w) => [w.path, w])).values()];
  turn.warn(`${task.id} stays open: the model changed protected files (${latest.map((w) => w.relPath).join(', ')}). Nothing was written to them. Review each change; apply it only if you want it, then run /speckit.implement again.`);
  showHeldWrites(turn, root, task.id, latest);
}

/** Held-back writes as a list, a diff button each and one Apply button; nothing is written until the user applies. */
export function showHeldWrites(turn: ChatTurn, root: string, label: string, latest: readonly HeldWrite[]): void {
  turn.markdown(`\n\n${latest.map((w) => `- \`${w.relPath}\`: ${w.why}`).join('\n')}\n\n`);
  const proposal = turn.proposals.add(root, latest.map((w) => ({ path: w.path, content: w.content })), `Spec Kit: ${label} protected files`);
  for (const w of latest) {
    const left = turn.model.uriFor(w.path);
    turn.stream.button({ command: 'vscode.diff', title: `Compare ${w.relPath}`, arguments: [left, turn.proposals.uriFor(proposal, w), `${w.relPath} ↔ proposed by the model`] });
  }
  turn.stream.button({ command: ChatCommands.applyProposal, title: `Apply ${latest.length} protected change${latest.length === 1 ? '' : 's'}`, arguments: [proposal.id] });
}

/** One task: the model edits with tools, then verification, then the tick. */
async function implementOne(turn: ChatTurn<'implement'>, unit: ImplementUnit, doc: TasksDoc, task: Task, step: string, tasksUri: vscode.Uri, run: RunState): Promise<'done' | 'failed' | 'cancelled'> {
  const root = unit.root;
  turn.progress(`${step} · reading`);
  const phase = doc.phases.find((p) => p.key === task.phase);
  const taskLine = doc.markdown.index.textOf(task.lineRange).trim();
  const base = await unit.base();
  // spec-kit's implement loads the spec and the design documents; each task gets those it touches, bounded.
  const design = selectDesignDocs(taskLine, await unit.docs(), MAX_DESIGN_CONTEXT, MAX_DESIGN_DOC);
  const designItems: ContextItem[] = design.sent.map((d) => ({ label: DESIGN_LABEL[d.kind], path: d.path, text: d.rendered.text }));
  const named = await namedFilesContext(turn, root, task.paths, 'File', MAX_FILE_CONTEXT, { canRead: true });
  const context = [...base, ...designItems, ...named.items];
  const summary = contextSummary(
    context.map((c) => c.path ?? c.label),
    [...design.sent.filter((d) => d.rendered.cut).map((d) => d.path), ...named.cut],
    [...design.notSent.map((d) => d.path), ...named.notSent],
    true,
  );
  const template = await turn.template('implement', unit.project);
  const messages = turn.messages(template, { feature: unit.name, taskLine, phase: phase ? `phase "${phase.title}"` : 'no phase', context: summary }, context, `Implement ${task.id}.`, [], { canRead: true });
  const edited: string[] = [];
  let refused = 0;
  turn.markdown(`**${task.id}** ${task.description}\n\n`);
  const held: HeldWrite[] = [];
  const tools = workspaceTools(
    turn.model,
    root,
    (rel) => {
      edited.push(rel);
      turn.progress(`${step} · editing ${rel}`);
    },
    writePolicy(turn, { projectRoot: unit.root, ownFiles: unit.ownFiles }, held),
  );
  const result = await callModelWithTools(
    await turn.languageModel(),
    messages,
    tools,
    turn.token,
    (chunk) => turn.markdown(chunk),
    (name, input, outcome) => {
      if (isRefusal(outcome)) {
        refused++;
        turn.warn(refusedCallWarning(name, input, outcome));
      }
    },
    `Implement ${task.id}`,
  );
  if (!result.ok) {
    if (result.failure.kind === 'cancelled') return 'cancelled';
    turn.stream.markdown(`\n\n`);
    turn.warn(`${task.id} stays open: the model did not finish (${result.failure.kind}${'message' in result.failure ? `: ${result.failure.message}` : ''}).`);
    return 'failed';
  }
  if (turn.token.isCancellationRequested) return 'cancelled';
  if (held.length > 0) {
    offerHeld(turn, root, task, held);
    return 'failed';
  }
  if (refused > 0 && edited.length === 0) {
    turn.warn(`${task.id} stays open: every change the model tried was refused.`);
    return 'failed';
  }

  const verification = turn.services.nix.verification;
  const target = await verification.target(tasksUri, false);
  const command = target ? verification.commandLine(target) : undefined;
  if (command !== run.approvedCommand) {
    // Settings changed during the run (by the model or anyone else): ask before running anything new.
    const now = command ?? '(none: the task would be ticked without verification)';
    const answer = await turn.services.prompter.confirm(
      'The verification changed during /speckit.implement. Run the new one?',
      `Now:\n${now}\n\nWhen the run started:\n${run.approvedCommand ?? '(none)'}`,
      command ? 'Run It' : 'Tick Without Verification',
    );
    if (!answer) {
      turn.warn(`${task.id} stays open: the verification changed during the run and was not confirmed. Now: ${now}`);
      return 'failed';
    }
    run.approvedCommand = command;
  }
  if (edited.length === 0) {
    // Nothing changed is no evidence the task is done, verified or not; the model's reply above says why.
    turn.warn(`${task.id} stays open: the model changed no file. If the task needs no change, tick it in tasks.md yourself; otherwise see the reason above, fix what blocks it and run /speckit.implement again.`);
    return 'failed';
  }

  let verified = 'no verification configured (set `speckit.verify.command`)';
  if (target) {
    turn.progress(`${step} · verifying`);
    const v = await verification.verify({ uri: tasksUri, taskId: task.id }, turn.token, target);
    if (turn.token.isCancellationRequested) return 'cancelled';
    if (!v.ok) {
      const tail = v.output.split('\n').slice(-30).join('\n');
      turn.markdown(`\n\n**${task.id} failed verification** (exit ${v.exitCode ?? '?'}, ${(v.durationMs / 1000).toFixed(1)} s); it stays open.\n\n~~~~text\n${tail}\n~~~~\n`);
      return 'failed';
    }
    verified = `verified in ${(v.durationMs / 1000).toFixed(1)} s`;
  }
  const ticked = await setTaskDone(turn.model, tasksUri, task.id, true);
  if (ticked === 'failed' || ticked === 'missing') {
    turn.warn(`${task.id} was done but could not be ticked in tasks.md (${ticked}).`);
    return 'failed';
  }
  turn.markdown(`\n\n✓ **${task.id}** — edited ${[...new Set(edited)].map((e) => `\`${e}\``).join(', ')}; ${verified}.\n\n`);
  return 'done';
}
