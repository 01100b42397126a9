/**
 * The git extension's commands run natively (src/core/gitExtension, proven identical to spec-kit
 * 1.0.1's scripts) when a hook or a button names them: `speckit.git.feature`, `.commit`,
 * `.initialize`, `.validate`, `.remote`, with the extension's configuration read from the project
 * (git-config.yml, init-options.json) and the environment the scripts read (`GIT_BRANCH_NAME`,
 * `USER`, `SPECIFY_FEATURE`). Free of vscode: the caller decides whether git may run at all (trust).
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { runFeatureBranch } from '../gitExtension/featureBranch';
import { branchNumbering, GIT_CONFIG_PATH } from '../gitExtension/gitConfig';
import { type GitRun, gitRunner, type GitRunOptions } from '../gitExtension/gitProcess';
import { runAutoCommit, runInitialize, runRemote, runValidate, type SubjectGenerator } from '../gitExtension/repoCommands';

export const NATIVE_COMMANDS = ['speckit.git.feature', 'speckit.git.commit', 'speckit.git.initialize', 'speckit.git.validate', 'speckit.git.remote'] as const;
export type NativeCommand = (typeof NATIVE_COMMANDS)[number];

export function isNativeCommand(command: string): command is NativeCommand {
  return (NATIVE_COMMANDS as readonly string[]).includes(command);
}

export interface NativeRunInput {
  /** The spec-kit project root on disk (the folder holding `.specify/`). */
  readonly root: string;
  /** The hook event that runs it (`before_plan`): auto-commit's per-event setting. */
  readonly event: string;
  /** The command's input: the feature description for speckit.git.feature. */
  readonly description?: string;
  /** The environment the scripts read (GIT_BRANCH_NAME, USER, SPECIFY_FEATURE); default this process's. */
  readonly env?: NodeJS.ProcessEnv;
  readonly git?: GitRunOptions;
  /** Replaces the git runner (tests of failure paths). */
  readonly gitRun?: GitRun;
  /** speckit.git.commit with `commit_style: conventional`: asks the model for the subject. */
  readonly generateSubject?: SubjectGenerator;
}

export interface NativeRunResult {
  readonly command: NativeCommand;
  readonly ok: boolean;
  /** What the script prints (stderr), line by line. */
  readonly lines: readonly string[];
  /** One sentence for the chat. */
  readonly summary: string;
  /** speckit.git.feature: the branch created (or switched to). */
  readonly branch?: string;
  readonly featureNum?: string;
  /** speckit.git.commit / initialize: the commit message used. */
  readonly committed?: string;
  /** speckit.git.commit: why the conventional message was not used (the fixed one was). */
  readonly fallback?: string;
}

export async function runNativeCommand(command: NativeCommand, input: NativeRunInput): Promise<NativeRunResult> {
  const env = input.env ?? process.env;
  const git = input.gitRun ?? gitRunner(input.root, { ...input.git, env: input.git?.env ?? env });
  switch (command) {
    case 'speckit.git.feature': {
      const config = await readOptional(path.join(input.root, GIT_CONFIG_PATH));
      const initOptions = parseJsonObject(await readOptional(path.join(input.root, '.specify', 'init-options.json')));
      const gitBranchName = env['GIT_BRANCH_NAME'];
      const user = env['USER'];
      const r = await runFeatureBranch(git, {
        root: input.root,
        description: input.description ?? '',
        timestamp: branchNumbering(config, initOptions) === 'timestamp',
        ...(gitBranchName ? { gitBranchName } : {}),
        ...(user ? { user } : {}),
      });
      if (r.exitCode !== 0 || !r.json) return { command, ok: false, lines: r.messages, summary: `${command} failed.` };
      const created = !r.messages.some((m) => m.includes('skipped branch creation'));
      return {
        command,
        ok: true,
        lines: r.messages,
        branch: r.json.BRANCH_NAME,
        featureNum: r.json.FEATURE_NUM,
        summary: created ? `branch \`${r.json.BRANCH_NAME}\` created and checked out` : `no git repository, so no branch (it would be \`${r.json.BRANCH_NAME}\`)`,
      };
    }
    case 'speckit.git.commit': {
      const r = await runAutoCommit(git, input.root, input.event, undefined, input.generateSubject);
      const summary = r.committed ? `committed "${r.committed}"` : r.exitCode === 0 ? (r.messages.at(-1) ?? `auto-commit is off for ${input.event} in ${GIT_CONFIG_PATH}`) : `${command} failed`;
      return { command, ok: r.exitCode === 0, lines: r.messages, summary, ...(r.committed ? { committed: r.committed } : {}), ...(r.fallback ? { fallback: r.fallback } : {}) };
    }
    case 'speckit.git.initialize': {
      const r = await runInitialize(git, input.root);
      return { command, ok: r.exitCode === 0, lines: r.messages, summary: r.messages.at(-1) ?? command, ...(r.committed ? { committed: r.committed } : {}) };
    }
    case 'speckit.git.validate': {
      const r = await runValidate(git, input.root, env['SPECIFY_FEATURE']);
      return { command, ok: r.exitCode === 0, lines: r.messages, summary: r.messages[0] ?? command, ...(r.branch ? { branch: r.branch } : {}) };
    }
    case 'speckit.git.remote': {
      const r = await runRemote(git);
      const summary = r.remote ? `origin is ${r.remote.url}${r.remote.isGitHub ? ` (GitHub ${r.remote.owner}/${r.remote.repo})` : ' (not GitHub)'}` : 'no origin remote';
      return { command, ok: r.exitCode === 0, lines: r.messages, summary };
    }
  }
}

async function readOptional(p: string): Promise<string | undefined> {
  try {
    return await readFile(p, 'utf8');
  } catch {
    return undefined;
  }
}

function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
