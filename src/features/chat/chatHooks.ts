/**
 * spec-kit's extension hooks around every `@speckit` command (`.specify/extensions.yml`, read per
 * request with spec-kit's rules in core/hooks/extensionHooks): mandatory `before_` hooks run first
 * and the command waits (a failure stops it before anything is written); mandatory `after_` hooks run
 * after it wrote; optional hooks become buttons; disabled and conditional hooks are listed as skipped.
 * The git extension's commands run natively (core/hooks/nativeCommands); git runs only in a trusted
 * workspace on local files, and an untrusted workspace runs no hook at all.
 */
import * as path from 'node:path/posix';
import * as vscode from 'vscode';
import { type HookMoment, HOOK_COMMANDS, type HookPlan, parseHooksFile, planHooks, type Hook } from '../../core/hooks/extensionHooks';
import { isNativeCommand, type NativeRunResult, runNativeCommand } from '../../core/hooks/nativeCommands';
import { type IndexedProject } from '../../core/workspace/workspaceIndex';
import { ChatCommands, type ChatTurnKind } from '../../ids';
import { resolveProgram } from '../../platform/executables';
import { type SpeckitServices } from '../../platform/services';
import { type ChatTurn, escapeMarkdown } from './chatTurn';
import { metadataOf } from './chatMetadata';

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
    const all = [...plan.mandatory, ...plan.offered].map((h) => `\`/${h.command}\``).join(', ');
    turn.markdown(`_Hooks not run: this workspace is not trusted (${escapeMarkdown(plan.event)}: ${all})._\n\n`);
    return undefined;
  }
  for (const hook of plan.mandatory) {
    if (notRunHere(turn, hook)) continue;
    turn.progress(`Running hook /${hook.command}…`);
    const outcome = await runHook(turn.services, project.project.root, hook, turn.prompt);
    if (!outcome.ok) {
      turn.warn(`The mandatory hook /${hook.command} (${hook.extension || 'extension'}) failed, so ${turn.command} did not run. Nothing was written.`);
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
    turn.markdown(`\n\n_Hooks not run: this workspace is not trusted (${escapeMarkdown(plan.event)})._\n`);
    return;
  }
  for (const hook of plan.mandatory) {
    if (notRunHere(turn, hook)) continue;
    turn.progress(`Running hook /${hook.command}…`);
    const outcome = await runHook(turn.services, project.project.root, hook, turn.prompt);
    if (outcome.ok) turn.markdown(`\n\n_Hook \`/${hook.command}\`: ${summaryMarkdown(outcome.summary)}._\n`);
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

/**
 * Commands of extensions other than git need the model with their command file; until that runs
 * here, such a hook is named as not run rather than failing (and blocking) the command.
 */
function notRunHere(turn: ChatTurn, hook: Hook): boolean {
  if (isNativeCommand(hook.command)) return false;
  const what = hook.optional ? 'optional' : 'mandatory';
  turn.markdown(`\n\n_Hook not run: \`/${hook.command.replace(/[`\r\n]/g, '')}\` (${what}, extension ${escapeMarkdown(hook.extension || '?')}) — only the git extension's commands run from @speckit so far; run it with your agent if you need it._\n\n`);
  turn.services.log.info(`Hook ${hook.event} /${hook.command}: not run (not a git extension command)`);
  return true;
}

function listSkipped(turn: ChatTurn, plan: HookPlan): void {
  for (const s of plan.skipped) turn.markdown(`\n\n_Hook skipped: ${escapeMarkdown(s.detail)}_\n\n`);
}

function offer(turn: ChatTurn, project: IndexedProject, plan: HookPlan): void {
  for (const hook of plan.offered) {
    if (notRunHere(turn, hook)) continue;
    turn.stream.button({ command: ChatCommands.runHook, title: hook.label, arguments: [project.project.root, hook.command, hook.event, turn.prompt] });
  }
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
 * Runs one hook's command: the git extension's natively. Commands of other extensions are not run
 * here (they need the model), so they fail with the reason.
 */
export async function runHook(services: Pick<SpeckitServices, 'model' | 'log'>, projectRoot: string, hook: Pick<Hook, 'command' | 'event'>, input: string): Promise<HookOutcome> {
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
  });
  services.log.info(`Hook ${hook.event} /${hook.command}: ${result.ok ? 'ok' : 'failed'}${result.lines.length ? `\n  ${result.lines.join('\n  ')}` : ''}`);
  const created = result.ok && result.branch !== undefined && !result.lines.some((l) => l.includes('skipped branch creation'));
  return { ok: result.ok, lines: result.lines, summary: result.summary, ...(result.branch ? { branch: result.branch } : {}), created, native: result };
}
