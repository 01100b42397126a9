/**
 * spec-kit's extension hooks around every `@speckit` command (`.specify/extensions.yml`, read per
 * request with spec-kit's rules in core/hooks/extensionHooks): mandatory `before_` hooks run first
 * and the command waits (a failure stops it before anything is written); mandatory `after_` hooks run
 * after it wrote; optional hooks become buttons; disabled and conditional hooks are listed as skipped.
 * The git extension's commands run natively (core/hooks/nativeCommands); other extensions' commands
 * run through the model with their command file (extensionCommand.ts). Git and scripts run only in a
 * trusted workspace on local files, and an untrusted workspace runs no hook at all (said once).
 */
import * as path from 'node:path/posix';
import * as vscode from 'vscode';
import { type HookMoment, HOOK_COMMANDS, type HookPlan, parseHooksFile, planHooks, type Hook } from '../../core/hooks/extensionHooks';
import { type SubjectGenerator } from '../../core/gitExtension/repoCommands';
import { conventionalPrompt } from '../../core/gitExtension/conventionalCommit';
import { isNativeCommand, type NativeRunResult, runNativeCommand } from '../../core/hooks/nativeCommands';
import { type IndexedProject } from '../../core/workspace/workspaceIndex';
import { CHAT_PARTICIPANT_NAME, ChatCommands, type ChatTurnKind } from '../../ids';
import { resolveProgram } from '../../platform/executables';
import { chooseModel } from '../../platform/modelChoice';
import { type SpeckitServices } from '../../platform/services';
import { type ChatTurn, escapeMarkdown, type TurnHooks } from './chatTurn';
import { metadataOf } from './chatMetadata';
import { runExtensionCommand } from './extensionCommand';
import { callModel } from './modelCall';

type HookCommand = (typeof HOOK_COMMANDS)[number];

export function hasHooks(command: ChatTurnKind): command is ChatTurnKind & HookCommand {
  return (HOOK_COMMANDS as readonly string[]).includes(command);
}

/** Where `extensions.yml` lives for a project. */
function hooksFileOf(project: IndexedProject): string {
  return path.join(project.project.specifyDir ?? path.join(project.project.root, '.specify'), 'extensions.yml');
}

/** The plan of `moment` hooks for the turn's command, with notes logged and said once in the answer. */
async function planFor(turn: ChatTurn, project: IndexedProject, moment: HookMoment): Promise<HookPlan> {
  const file = hooksFileOf(project);
  const text = await turn.readPath(file, project.project.root);
  const parsed = parseHooksFile(text, path.relative(project.project.root, file));
  const plan = planHooks(parsed, turn.command, moment);
  if (moment === 'before') {
    for (const note of plan.notes) {
      turn.services.log.warn(note);
      turn.markdown(`_${escapeMarkdown(note)}_\n\n`);
    }
  }
  return plan;
}

/**
 * Before the command: runs its mandatory `before_` hooks and offers the optional ones. Returns the
 * result that ends the turn when a mandatory hook failed; undefined to go on.
 */
export async function beforeCommand(turn: ChatTurn): Promise<vscode.ChatResult | undefined> {
  if (!hasHooks(turn.command)) return undefined;
  const project = await turn.project();
  if (!project) return undefined;
  const plan = await planFor(turn, project, 'before');
  listSkipped(turn, plan);
  if (plan.mandatory.length + plan.offered.length === 0) return undefined;
  if (!vscode.workspace.isTrusted) {
    untrusted(turn, plan);
    return undefined;
  }
  for (const hook of plan.mandatory) {
    turn.progress(`Running hook /${hook.command}…`);
    const outcome = await runInTurn(turn, project, hook);
    if (!outcome.ok) {
      if (outcome.cancelled) {
        turn.markdown(`\n\n_Cancelled during the mandatory hook \`/${hook.command}\`, so ${turn.command} did not run._\n`);
        return turn.failed();
      }
      turn.warn(`The mandatory hook /${hook.command} (${hook.extension || 'extension'}) failed, so ${turn.command} did not run.${outcome.wroteNothing ? ' Nothing was written.' : ''}`);
      if (!outcome.wroteNothing || outcome.lines.length === 0) turn.markdown(`\n\n${summaryMarkdown(outcome.summary)}\n`);
      if (outcome.lines.length > 0) turn.markdown(`\n~~~text\n${outcome.lines.join('\n').replace(/^~~~/gm, '~ ~~')}\n~~~\n`);
      return turn.failed();
    }
    if (outcome.branch && hook.command === 'speckit.git.feature' && outcome.created) turn.hooks.branch = outcome.branch;
    turn.markdown(`_Hook \`/${hook.command}\`: ${summaryMarkdown(outcome.summary)}._\n\n`);
  }
  offer(turn, project, plan);
  return undefined;
}

/** After the command: when it did its work, its mandatory `after_` hooks run and the optional ones are offered. */
export async function afterCommand(turn: ChatTurn, result: vscode.ChatResult): Promise<void> {
  if (!hasHooks(turn.command)) return;
  const meta = metadataOf(result);
  if (!meta || meta.failed || result.errorDetails) return;
  const project = await turn.project();
  if (!project) return;
  const plan = await planFor(turn, project, 'after');
  listSkipped(turn, plan);
  if (plan.mandatory.length + plan.offered.length === 0) return;
  if (!vscode.workspace.isTrusted) {
    untrusted(turn, plan);
    return;
  }
  for (const hook of plan.mandatory) {
    if (turn.token.isCancellationRequested) return;
    turn.progress(`Running hook /${hook.command}…`);
    const outcome = await runInTurn(turn, project, hook);
    if (outcome.ok) turn.markdown(`\n\n_Hook \`/${hook.command}\`: ${summaryMarkdown(outcome.summary)}._\n`);
    else if (outcome.cancelled) turn.markdown(`\n\n_Cancelled during the mandatory hook \`/${hook.command}\`._\n`);
    else {
      turn.warn(`The mandatory hook /${hook.command} failed after ${turn.command} (its files are written).`);
      if (outcome.lines.length > 0) turn.markdown(`\n~~~text\n${outcome.lines.join('\n').replace(/^~~~/gm, '~ ~~')}\n~~~\n`);
    }
  }
  offer(turn, project, plan);
}

/** A hook's summary: escaped, but its code spans (branch names) kept. */
function summaryMarkdown(summary: string): string {
  return escapeMarkdown(summary).replace(/\\`/g, '`');
}

/** Requests already told that the workspace is untrusted: said once per answer, before or after. */
const untrustedSaid = new WeakSet<TurnHooks>();

function untrusted(turn: ChatTurn, plan: HookPlan): void {
  if (untrustedSaid.has(turn.hooks)) return;
  untrustedSaid.add(turn.hooks);
  const all = [...plan.mandatory, ...plan.offered].map((h) => `\`/${h.command.replace(/[`\r\n]/g, '')}\``).join(', ');
  turn.markdown(`\n\n_Hooks not run: this workspace is not trusted, so no extension hook runs (${escapeMarkdown(plan.event)}: ${all}). Trust the workspace to run them._\n\n`);
}

interface TurnOutcome extends HookOutcome {
  readonly cancelled?: boolean;
  /** The hook changed no file (a model-run command may have written some before failing). */
  readonly wroteNothing: boolean;
}

/** One hook inside the answer: the git extension's natively, any other through the model with progress here. */
async function runInTurn(turn: ChatTurn, project: IndexedProject, hook: Hook): Promise<TurnOutcome> {
  if (isNativeCommand(hook.command)) {
    const outcome = await runHook(turn.services, project.project.root, hook, turn.prompt, subjectFromModel(() => turn.languageModel(), turn.token));
    if (outcome.native?.fallback) turn.markdown(`\n\n_${escapeMarkdown(outcome.native.fallback)}._\n\n`);
    return { ...outcome, wroteNothing: true };
  }
  turn.services.log.info(`Hook ${hook.event} /${hook.command}: through the model`);
  const run = await runExtensionCommand(turn, project, hook.command, turn.prompt, hook.extension);
  turn.services.log.info(`Hook ${hook.event} /${hook.command}: ${run.summary}`);
  return { ok: run.ok, lines: [], summary: run.summary, wroteNothing: run.written.length === 0, ...(run.cancelled ? { cancelled: true } : {}) };
}

/**
 * `commit_style: conventional`: the subject asked of the model (the chat's, or for a button the
 * configured one); no model, a failed call or a cancel leave the fixed message.
 */
export function subjectFromModel(model: () => Promise<vscode.LanguageModelChat | undefined>, token: vscode.CancellationToken): SubjectGenerator {
  return async (summary) => {
    const chosen = await model();
    if (!chosen) return { unavailable: 'no language model is available' };
    const r = await callModel(chosen, [{ role: 'user', text: conventionalPrompt('auto-commit', summary) }], token, () => undefined, 'Write a commit message');
    return r.ok ? { text: r.text } : { unavailable: `the model did not answer (${r.failure.kind})` };
  };
}

function listSkipped(turn: ChatTurn, plan: HookPlan): void {
  for (const s of plan.skipped) turn.markdown(`\n\n_Hook skipped: ${escapeMarkdown(s.detail)}_\n\n`);
}

function offer(turn: ChatTurn, project: IndexedProject, plan: HookPlan): void {
  for (const hook of plan.offered) {
    turn.stream.button({ command: ChatCommands.runHook, title: hook.label, arguments: [project.project.root, hook.command, hook.event, turn.prompt, hook.extension] });
  }
}

/** The chat request that runs another extension's command through the model, with its progress in the chat. */
export function extensionCommandQuery(command: string, input: string): string {
  return `@${CHAT_PARTICIPANT_NAME} /${command}${input.trim() ? ` ${input.trim()}` : ''}`;
}

export interface HookOutcome {
  readonly ok: boolean;
  readonly lines: readonly string[];
  readonly summary: string;
  readonly branch?: string;
  /** speckit.git.feature made (or switched to) a branch in a git repository. */
  readonly created?: boolean;
  readonly native?: NativeRunResult;
}

/**
 * Runs one of the git extension's commands natively. Other extensions' commands need the model and
 * the chat (runInTurn, or a button that asks @speckit), so they fail here with the reason.
 */
export async function runHook(services: Pick<SpeckitServices, 'model' | 'log'>, projectRoot: string, hook: Pick<Hook, 'command' | 'event'>, input: string, generateSubject?: SubjectGenerator): Promise<HookOutcome> {
  if (!vscode.workspace.isTrusted) return { ok: false, lines: [], summary: 'this workspace is not trusted, so no hook runs' };
  const rootUri = services.model.uriFor(projectRoot);
  if (rootUri.scheme !== 'file') return { ok: false, lines: [], summary: 'hooks run git only on local files' };
  if (!isNativeCommand(hook.command)) {
    return { ok: false, lines: [`/${hook.command} is not a git extension command; run it in the chat with its command file.`], summary: `/${hook.command} cannot run here` };
  }
  const git = resolveProgram({ name: 'git', trusted: true });
  const result = await runNativeCommand(hook.command, {
    root: rootUri.fsPath,
    event: hook.event,
    description: input,
    ...(git.ok ? { git: { gitPath: git.path } } : {}),
    ...(generateSubject ? { generateSubject } : {}),
  });
  services.log.info(`Hook ${hook.event} /${hook.command}: ${result.ok ? 'ok' : 'failed'}${result.lines.length ? `\n  ${result.lines.join('\n  ')}` : ''}`);
  const created = result.ok && result.branch !== undefined && !result.lines.some((l) => l.includes('skipped branch creation'));
  return { ok: result.ok, lines: result.lines, summary: result.summary, ...(result.branch ? { branch: result.branch } : {}), created, native: result };
}

/**
 * A hook's button (or the command run by hand): the git extension's commands run natively here,
 * with the configured model for a conventional commit message; any other extension's command is
 * asked of @speckit in the chat, where it runs with its progress, cancel and report.
 */
export async function runHookFromButton(services: Pick<SpeckitServices, 'model' | 'log'>, projectRoot: string, command: string, event: string, input: string): Promise<HookOutcome> {
  if (!isNativeCommand(command)) {
    if (!vscode.workspace.isTrusted) return { ok: false, lines: [], summary: 'this workspace is not trusted, so no hook runs' };
    await vscode.commands.executeCommand('workbench.action.chat.open', { query: extensionCommandQuery(command, input) });
    return { ok: true, lines: [], summary: `asked @${CHAT_PARTICIPANT_NAME} to run /${command} in the chat` };
  }
  const source = new vscode.CancellationTokenSource();
  try {
    return await runHook(services, projectRoot, { command, event }, input, subjectFromModel(async () => (await chooseModel(undefined)).model, source.token));
  } finally {
    source.dispose();
  }
}
