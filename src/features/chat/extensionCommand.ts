/**
 * A command of a spec-kit extension other than git (`speckit.agent-context.update`), as a hook or
 * typed as `@speckit /speckit.<ext>.<command>`: run through the model with its command file
 * (resolved like every command: override → presets → extensions → core) as the instructions, the
 * current feature as context, and the bounded, checked tool loop implement uses — the same
 * workspace tools and write policy (protected paths held back as diffs, containment) — plus
 * `run_script` for the scripts the command file names, each confirmed by the user. Only in a
 * trusted workspace.
 */
import * as path from 'node:path/posix';
import * as vscode from 'vscode';
import { contextSummary } from '../../core/chat/promptContext';
import { isRefusal, refusedCallWarning } from '../../core/chat/toolRefusal';
import { parsePromptTemplate } from '../../core/chat/promptAssembly';
import { isNativeCommand } from '../../core/hooks/nativeCommands';
import { type IndexedProject } from '../../core/workspace/workspaceIndex';
import { ChatSlashCommands } from '../../ids';
import { runScriptTool } from './runScriptTool';
import { type ChatTurn, escapeMarkdown } from './chatTurn';
import { featureContext } from './commands/featureContext';
import { showHeldWrites, writePolicy } from './commands/implement';
import { callModelWithTools, failureMessage } from './modelCall';
import { type HeldWrite, workspaceTools } from './workspaceTools';

/** Tool rounds one extension command gets at most. */
export const MAX_EXTENSION_ROUNDS = 10;
/** `speckit.<extension>.<command>`: a command name that is not one of spec-kit's core commands. */
const EXTENSION_COMMAND = /^speckit\.([a-z0-9][a-z0-9-]*)\.([a-z0-9][a-z0-9.-]*)$/;
const CORE = new Set<string>(Object.values(ChatSlashCommands));

export interface ExtensionRun {
  readonly ok: boolean;
  readonly cancelled?: boolean;
  /** One sentence for the chat. */
  readonly summary: string;
  /** Project-relative paths written. */
  readonly written: readonly string[];
}

/** The extension of a command name (`agent-context`), or undefined when it is no extension command. */
export function extensionOf(command: string): string | undefined {
  if (CORE.has(command)) return undefined;
  return EXTENSION_COMMAND.exec(command)?.[1];
}

/** `/speckit.<ext>.<command> input` typed to @speckit without one of our slash commands. */
export function typedExtensionCommand(prompt: string): { command: string; input: string } | undefined {
  const m = /^\/(speckit\.[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9.-]*)(?:\s+([\s\S]*))?$/.exec(prompt.trim());
  if (!m || extensionOf(m[1]!) === undefined) return undefined;
  return { command: m[1]!, input: (m[2] ?? '').trim() };
}

/**
 * Runs `command` through the model in this turn's answer. `extension` is the hook's extension
 * (else the one the name implies): only its scripts may run.
 */
export async function runExtensionCommand(turn: ChatTurn, project: IndexedProject, command: string, input: string, extension?: string): Promise<ExtensionRun> {
  const fail = (summary: string): ExtensionRun => ({ ok: false, summary, written: [] });
  if (!vscode.workspace.isTrusted) return fail('this workspace is not trusted, so no extension command runs');
  const root = project.project.root;
  const ext = extension || extensionOf(command);
  if (!ext) return fail(`/${command} is not an extension command`);
  const resolved = await turn.services.templates.command(project.project, command);
  if (!resolved || resolved.source === 'bundled') return fail(`no command file provides /${command} (looked in .specify/templates/overrides, presets, extensions and .specify/templates/commands)`);
  for (const problem of resolved.problems) turn.services.log.warn(`Command ${command}: ${problem}`);
  // Contained like every read: a command file that links out of the project is not used.
  const fileText = await turn.readPath(resolved.path, root);
  if (fileText === undefined) return fail(`${path.relative(root, resolved.path)} could not be read inside the project`);
  const rel = path.relative(root, resolved.path);
  turn.markdown(`_Running \`/${command}\` with the model: instructions from \`${escapeMarkdown(rel)}\`._\n\n`);

  const feature = turn.model.index.currentFeature(project);
  const context = feature ? await featureContext(turn, feature, ['constitution', 'spec', 'plan', 'tasks']) : [];
  const summary = contextSummary(context.map((c) => c.path ?? c.label), [], [], true);
  const instructions = (resolved.frontMatter !== undefined ? `${resolved.frontMatter}\n${resolved.instructions}` : resolved.instructions).replace(/\$ARGUMENTS/g, input || '(none)');
  const template = parsePromptTemplate(command, preamble(command, ext, feature?.feature.name, summary) + parsePromptTemplate(command, instructions).body);
  const messages = turn.messages(template, {}, context, input, [], { canRead: true });

  const written: string[] = [];
  const held: HeldWrite[] = [];
  const scripts = runScriptTool({
    services: turn.services,
    root,
    extension: ext,
    commandText: fileText,
    onRun: (line, outcome) => turn.markdown(`\n\n_Script \`${line.replace(/`/g, "'")}\`: ${escapeMarkdown(outcome)}._\n\n`),
  });
  const tools = [
    ...workspaceTools(
      turn.model,
      root,
      (relPath) => {
        written.push(relPath);
        turn.progress(`/${command} · editing ${relPath}`);
      },
      writePolicy(turn, feature ?? { projectRoot: root }, held),
    ),
    scripts.loopTool,
  ];
  turn.progress(`/${command} · asking the model`);
  const result = await callModelWithTools(
    await turn.languageModel(),
    messages,
    tools,
    turn.token,
    (chunk) => turn.markdown(chunk),
    (name, callInput, outcome) => {
      if (isRefusal(outcome)) turn.warn(refusedCallWarning(name, callInput, outcome));
      else if (name === 'run_script') turn.progress(`/${command} · script done`);
    },
    `Run /${command}`,
    MAX_EXTENSION_ROUNDS,
  );
  const files = [...new Set(written)];
  turn.markdown('\n\n');
  if (files.length > 0) {
    turn.markdown(`**/${escapeMarkdown(command)} wrote** ${files.length} file${files.length === 1 ? '' : 's'} (undo with Ctrl+Z in each):\n\n${files.map((f) => `- [${escapeMarkdown(f)}](${turn.model.uriFor(path.join(root, f)).toString()})`).join('\n')}\n\n`);
  }
  if (held.length > 0) {
    const latest = [...new Map(held.map((w) => [w.path, w])).values()];
    turn.warn(`/${command} changed protected files (${latest.map((w) => w.relPath).join(', ')}). Nothing was written to them; review each change and apply it only if you want it.`);
    showHeldWrites(turn, root, `/${command}`, latest);
  }
  if (!result.ok) {
    if (result.failure.kind === 'cancelled') return { ok: false, cancelled: true, summary: `/${command} was cancelled${files.length ? ` after writing ${files.join(', ')}` : ''}`, written: files };
    return { ok: false, summary: `/${command} did not finish: ${failureMessage(result.failure).replace(/ Nothing was written\.$/, '')}`, written: files };
  }
  return { ok: true, summary: files.length ? `/${command} wrote ${files.join(', ')}` : `/${command} finished and wrote nothing`, written: files };
}

function preamble(command: string, extension: string, feature: string | undefined, context: string): string {
  return [
    `You run the spec-kit command /${command} of the project's "${extension}" extension, in VS Code. Its command file follows after the line of dashes: carry out its steps.`,
    `Work only through the tools: read_file and list_files to read, write_file and replace_in_file to change files (paths relative to the project root). Where the command file says to run one of its scripts, call run_script with the script's path and arguments: the user confirms the exact command line first, and you get its output (or learn that it was declined). Nothing else can run.`,
    feature ? `The current feature is ${feature}. ${context}` : 'There is no current feature.',
    'When you are done, say in two or three sentences what you did.',
    '',
    '----------------------------------------',
    '',
  ].join('\n');
}

/** `@speckit /speckit.<ext>.<command> input`: the command run in this answer (a hook's button asks this way). */
export async function extensionCommandTurn(turn: ChatTurn, typed: { command: string; input: string }): Promise<vscode.ChatResult> {
  if (!vscode.workspace.isTrusted) return turn.fail(`/${typed.command} was not run: this workspace is not trusted, so no extension command runs. Trust the workspace to run it.`);
  // The git extension's commands run natively, as hooks of the core commands and their buttons, never through the model.
  if (isNativeCommand(typed.command)) return turn.fail(`/${typed.command} runs as a hook of the core commands (and from their buttons), where its event and configuration apply; it is not run on its own here.`);
  const project = await turn.project();
  if (!project) return turn.noProject();
  const run = await runExtensionCommand(turn, project, typed.command, typed.input);
  if (run.ok) return turn.result();
  if (run.cancelled) {
    turn.markdown(`_${escapeMarkdown(run.summary)}._\n`);
    return turn.failed();
  }
  return turn.fail(run.summary);
}
