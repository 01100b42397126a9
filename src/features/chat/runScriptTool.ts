/**
 * `run_script`: the one tool that runs a program, offered only to a model run of another
 * extension's command (features/chat/extensionCommand). Shaped as a LanguageModelTool like
 * speckit_runVerification — prepareInvocation renders the exact command line for the confirmation,
 * invoke runs only that — but not registered with vscode.lm, so agent mode never sees it; our loop
 * asks the user with the confirmation and invokes only after a yes. Only in a trusted workspace, on
 * local files, a script of that extension named by its command file (core/hooks/extensionScript),
 * no shell, bounded time and output.
 */
import * as vscode from 'vscode';
import { refusal } from '../../core/chat/toolRefusal';
import { boundOutput, type PlannedScript, planScript } from '../../core/hooks/extensionScript';
import { runProcess } from '../../core/nix/processRunner';
import { containIn } from '../../platform/containment';
import { resolveProgram } from '../../platform/executables';
import { type SpeckitServices } from '../../platform/services';
import { type LoopTool } from './modelCall';

export interface ScriptInput {
  script?: string;
  args?: string[];
}

export interface ScriptToolContext {
  readonly services: Pick<SpeckitServices, 'model' | 'prompter' | 'log'>;
  /** The project root (a workspace model path). */
  readonly root: string;
  /** The extension whose command runs (`agent-context`): only its scripts run. */
  readonly extension: string;
  /** The command file's text: only the scripts it names run. */
  readonly commandText: string;
  /** Each script run, for the chat's progress and report. */
  readonly onRun?: (commandLine: string, outcome: string) => void;
}

const TIMEOUT_MS = 120_000;
/** A script printing more than this is stopped: the model gets a bounded part anyway. */
const MAX_CAPTURE_CHARS = 2_000_000;
const DECLINE_ACTION = 'Run';

const text = (value: string): vscode.LanguageModelToolResult => new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(value)]);

/** The script a request names, checked against the rules and on disk; a reason when it may not run. */
async function planned(ctx: ScriptToolContext, input: ScriptInput): Promise<PlannedScript & { cwd: string }> {
  const plan = planScript(ctx.extension, ctx.commandText, input.script, input.args);
  if (!plan.ok) throw new Error(plan.reason);
  const rootUri = ctx.services.model.uriFor(ctx.root);
  if (rootUri.scheme !== 'file') throw new Error('scripts run only on local files');
  // The one containment rule: inside the project, no link out, a regular file.
  const checked = await containIn((p) => ctx.services.model.uriFor(p), ctx.root, plan.relPath, 'read');
  if (!checked.ok) throw new Error(checked.reason);
  if (checked.kind !== 'file') throw new Error(`${plan.relPath} does not exist`);
  return { ...plan, cwd: rootUri.fsPath };
}

/** The tool for one extension-command run, and how our loop calls it (confirmation first). */
export function runScriptTool(ctx: ScriptToolContext): { tool: vscode.LanguageModelTool<ScriptInput>; loopTool: LoopTool } {
  /** The command line each confirmation showed: invoke runs that, or refuses. */
  const confirmed = new Set<string>();
  const tool: vscode.LanguageModelTool<ScriptInput> = {
    prepareInvocation: async (options) => {
      const plan = await planned(ctx, options.input).catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
      if (typeof plan === 'string') return { invocationMessage: `Not running a script: ${plan}` };
      return {
        invocationMessage: `Running ${plan.relPath}`,
        confirmationMessages: {
          title: `Run "${plan.commandLine}"?`,
          message: new vscode.MarkdownString(`The ${ctx.extension} extension's command asks to run, in the project folder:\n\n~~~sh\n${plan.commandLine}\n~~~`),
        },
      };
    },
    invoke: async (options, token) => {
      try {
        if (!vscode.workspace.isTrusted) throw new Error('the workspace is not trusted, so nothing is run');
        const plan = await planned(ctx, options.input);
        if (!confirmed.delete(plan.commandLine)) throw new Error(`${plan.commandLine} was not confirmed by the user`);
        return text(await execute(ctx, plan, token));
      } catch (e) {
        return text(refusal(e));
      }
    },
  };
  const loopTool: LoopTool = {
    definition: {
      name: 'run_script',
      description: `Run one script of the ${ctx.extension} extension that the command file names (path under .specify/extensions/${ctx.extension}/scripts/, relative to the project root), with plain arguments. The user confirms the exact command line first; you get its exit code and output.`,
      inputSchema: { type: 'object', properties: { script: { type: 'string' }, args: { type: 'array', items: { type: 'string' } } }, required: ['script'] },
    },
    async run(input, token) {
      const request = (typeof input === 'object' && input !== null ? input : {}) as ScriptInput;
      // Refusals need no question: nothing would run.
      const plan = await planned(ctx, request);
      const answer = await ctx.services.prompter.confirm(`Run "${plan.commandLine}"?`, `The ${ctx.extension} extension's command asks to run this script in ${plan.cwd}. Run it only if you trust the extension.`, DECLINE_ACTION);
      if (answer !== DECLINE_ACTION) {
        ctx.onRun?.(plan.commandLine, 'declined');
        return `Declined: the user did not allow "${plan.commandLine}", so it was not run. Do not try to run it another way; finish what you can without it and say what is left to do.`;
      }
      confirmed.add(plan.commandLine);
      const result = await tool.invoke({ input: request, toolInvocationToken: undefined }, token);
      return (result?.content ?? []).map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
    },
  };
  return { tool, loopTool };
}

async function execute(ctx: ScriptToolContext, plan: PlannedScript & { cwd: string }, token: vscode.CancellationToken): Promise<string> {
  const program = resolveProgram({ name: plan.interpreter, trusted: vscode.workspace.isTrusted });
  if (!program.ok) throw new Error(`${plan.interpreter} cannot run: ${program.reason}`);
  const abort = new AbortController();
  const cancel = token.onCancellationRequested(() => abort.abort());
  let captured = 0;
  let overflow = false;
  const count = (chunk: string): void => {
    captured += chunk.length;
    if (captured > MAX_CAPTURE_CHARS && !overflow) {
      overflow = true;
      abort.abort();
    }
  };
  const started = Date.now();
  try {
    ctx.services.log.info(`run_script: ${plan.commandLine} (in ${plan.cwd})`);
    const r = await runProcess(program.path, [plan.relPath, ...plan.args], { cwd: plan.cwd, env: process.env, timeoutMs: TIMEOUT_MS, signal: abort.signal, onStdout: count, onStderr: count });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const why = token.isCancellationRequested ? ' (cancelled)' : overflow ? ` (stopped: more than ${MAX_CAPTURE_CHARS} characters of output)` : r.exitCode === null ? ` (stopped after ${TIMEOUT_MS / 1000} s or killed)` : '';
    const status = `exit ${r.exitCode ?? '?'}${why}, ${seconds} s`;
    ctx.onRun?.(plan.commandLine, status);
    ctx.services.log.info(`run_script: ${plan.commandLine}: ${status}`);
    const output = `${r.stdout}${r.stderr ? `${r.stdout ? '\n' : ''}[stderr]\n${r.stderr}` : ''}`;
    return `${plan.commandLine}: ${status}.\n\n${boundOutput(output) || '(no output)'}`;
  } finally {
    cancel.dispose();
  }
}
