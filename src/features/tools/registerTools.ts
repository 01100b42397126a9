import * as path from 'node:path/posix';
import * as vscode from 'vscode';
import { analysisMarkdown } from '../../core/analysis/analysisMarkdown';
import { analyzeFeature } from '../../core/analysis/analyze';
import { isTaskId } from '../../core/artifacts/taskGrammar';
import { statusMarkdown } from '../../core/chat/statusTable';
import { refusal } from '../../core/chat/toolRefusal';
import { type IndexedFeature } from '../../core/workspace/workspaceIndex';
import { Tools } from '../../ids';
import { containPathIn } from '../../platform/containment';
import { type SpeckitServices } from '../../platform/services';
import { setTaskDone } from '../../platform/taskState';

interface FeatureInput {
  feature?: string;
}

const text = (value: string): vscode.LanguageModelToolResult => new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(value)]);
const MAX_ARTIFACT_CHARS = 60_000;
const SAFE_NAME = /^[\w.-]{1,120}$/;

/**
 * Language-model tools so Copilot's agent mode can use the same machinery as @speckit: list
 * features, read and analyze one, set a task's state and run its verification (both confirmed by
 * the user; verification only in a trusted workspace).
 */
/** For tests: the confirmation a tool would show (VS Code shows none for a tool invoked outside a chat). */
export interface ToolsHandle {
  prepareVerification(input: FeatureInput & { taskId?: string }): Promise<vscode.PreparedToolInvocation | null | undefined>;
  /** The invoke VS Code calls after the user confirmed (`vscode.lm.invokeTool` prepares again first). */
  invokeVerification(input: FeatureInput & { taskId?: string }): Promise<string>;
}

export function registerTools(services: SpeckitServices): ToolsHandle {
  const { model, nix } = services;
  /** A feature named by its folder name, number or path; the current one when omitted. */
  const resolve = async (input: FeatureInput): Promise<IndexedFeature> => {
    await model.whenIdle();
    const all = model.index.features;
    const name = input.feature?.trim();
    if (!name) {
      const current = model.index.projects.map((p) => model.index.currentFeature(p)).find((f) => f !== undefined);
      if (current) return current;
      throw new Error('No current feature; name one (see speckit_listFeatures).');
    }
    if (!SAFE_NAME.test(name.replace(/^specs\//, ''))) throw new Error(`"${name}" is not a feature name (letters, digits, dots, dashes).`);
    const found = all.find((f) => f.feature.name === name || f.feature.relDir === name || String(f.feature.number ?? '') === name.replace(/^0+/, '') || f.feature.name.startsWith(`${name}-`));
    if (!found) throw new Error(`No feature "${name}". Features: ${all.map((f) => f.feature.name).join(', ') || 'none'}.`);
    return found;
  };
  /** The command each runVerification confirmation showed, by feature and task. */
  const confirmed = new Map<string, string>();
  const plannedVerification = async (input: FeatureInput & { taskId?: string }) => {
    const feature = await resolve(input);
    const file = feature.feature.files.tasks;
    if (!file) throw new Error(`${feature.feature.name} has no tasks.md`);
    const uri = model.uriFor(file.path);
    const target = await nix.verification.target(uri, false);
    if (!target) throw new Error('no verification is configured: set speckit.verify.command, or choose a build with "Spec Kit: Choose Verification Build"');
    const taskId = typeof input.taskId === 'string' && isTaskId(input.taskId) ? input.taskId : 'feature';
    const command = nix.verification.commandLine(target);
    const key = `${file.path}#${taskId}`;
    return { verification: nix.verification, feature, uri, target, taskId, command, key };
  };
  const guard = <T>(run: (input: T, token: vscode.CancellationToken) => Promise<vscode.LanguageModelToolResult>): vscode.LanguageModelTool<T>['invoke'] =>
    async (options, token) => {
      try {
        return await run(options.input, token);
      } catch (e) {
        return text(refusal(e));
      }
    };

  // The confirmation shows the exact command; invoke runs only that command, or refuses.
  const verificationTool: vscode.LanguageModelTool<FeatureInput & { taskId?: string }> = {
    prepareInvocation: async (options) => {
      const planned = await plannedVerification(options.input).catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
      if (typeof planned !== 'string') confirmed.set(planned.key, planned.command);
      const message =
        typeof planned === 'string'
          ? new vscode.MarkdownString(`Nothing will run: ${planned}`)
          : new vscode.MarkdownString(`This runs, in a terminal, the verification of **${planned.feature.feature.name}**:\n\n~~~sh\n${planned.command}\n~~~`);
      return {
        invocationMessage: `Running the verification of ${options.input.taskId ?? 'the feature'}`,
        confirmationMessages: { title: 'Run the verification build?', message },
      };
    },
    invoke: guard(async (input, token) => {
      if (!vscode.workspace.isTrusted) throw new Error('the workspace is not trusted, so nothing is run');
      const planned = await plannedVerification(input);
      const shown = confirmed.get(planned.key);
      confirmed.delete(planned.key);
      // Settings changed between the confirmation and now: what would run is not what was shown.
      if (shown !== undefined && shown !== planned.command) throw new Error(`the verification command is not the one that was confirmed; it is now: ${planned.command}`);
      const v = await planned.verification.verify({ uri: planned.uri, taskId: planned.taskId }, token, planned.target);
      return text(`${v.ok ? 'Passed' : 'Failed'} (exit ${v.exitCode ?? '?'}, ${(v.durationMs / 1000).toFixed(1)} s).\n\n${v.output.split('\n').slice(-40).join('\n')}`);
    }),
  };

  services.own(
    vscode.lm.registerTool<FeatureInput>(Tools.listFeatures, {
      invoke: guard(async () => {
        await model.whenIdle();
        return text(statusMarkdown(model.index.projects, (root) => vscode.workspace.asRelativePath(model.uriFor(root)) || root));
      }),
    }),
    vscode.lm.registerTool<FeatureInput>(Tools.readFeature, {
      invoke: guard(async (input) => {
        const f = await resolve(input);
        const parts: string[] = [`# ${f.feature.name} (${f.status.label})`];
        let budget = MAX_ARTIFACT_CHARS;
        for (const file of [f.feature.files.spec, f.feature.files.plan, f.feature.files.tasks]) {
          if (!file || budget <= 0) continue;
          // The one containment rule: an artifact that is a link out of the project is not read.
          const checked = await containPathIn((p) => model.uriFor(p), f.projectRoot, file.path, 'read');
          if (!checked.ok || checked.kind !== 'file') {
            parts.push(`## ${path.basename(file.path)}\n\n(not read: ${checked.ok ? 'not a file' : checked.reason})`);
            continue;
          }
          const content = new TextDecoder().decode(await vscode.workspace.fs.readFile(model.uriFor(file.path))).slice(0, budget);
          budget -= content.length;
          parts.push(`## ${path.basename(file.path)}\n\n${content}`);
        }
        return text(parts.join('\n\n'));
      }),
      prepareInvocation: (options) => ({ invocationMessage: `Reading ${options.input.feature ?? 'the current feature'}` }),
    }),
    vscode.lm.registerTool<FeatureInput>(Tools.analyzeFeature, {
      invoke: guard(async (input) => {
        const f = await resolve(input);
        const project = model.withProject(f)?.project;
        if (!project) throw new Error(`${f.feature.name} is no longer in the workspace index`);
        const rel = (p: string | undefined): string | undefined => (p ? path.relative(project.project.root, p) : undefined);
        const report = analyzeFeature({
          spec: f.spec,
          plan: f.plan,
          tasks: f.tasks,
          constitution: project.constitution,
          paths: { spec: rel(f.feature.files.spec?.path), plan: rel(f.feature.files.plan?.path), tasks: rel(f.feature.files.tasks?.path), constitution: rel(project.project.constitutionPath) },
        });
        return text(analysisMarkdown(report, (p, line) => `${p}#L${line}`));
      }),
    }),
    vscode.lm.registerTool<FeatureInput & { taskId?: string; done?: boolean }>(Tools.setTaskState, {
      prepareInvocation: (options) => ({
        invocationMessage: `Marking ${options.input.taskId ?? 'a task'} ${options.input.done === false ? 'not done' : 'done'}`,
        confirmationMessages: { title: 'Change a task in tasks.md?', message: `Mark **${options.input.taskId ?? '?'}** of ${options.input.feature ?? 'the current feature'} as ${options.input.done === false ? 'not done' : 'done'}.` },
      }),
      invoke: guard(async (input) => {
        if (typeof input.taskId !== 'string' || !isTaskId(input.taskId)) throw new Error('taskId must look like T012 (or 1.2 in a numbered list)');
        const f = await resolve(input);
        const file = f.feature.files.tasks;
        if (!file) throw new Error(`${f.feature.name} has no tasks.md`);
        const result = await setTaskDone(model, model.uriFor(file.path), input.taskId, input.done !== false);
        if (result === 'missing') throw new Error(`${input.taskId} is not in ${f.feature.name}'s tasks.md`);
        if (result === 'failed') throw new Error(`${input.taskId} could not be changed in ${f.feature.name}'s tasks.md (the edit was refused or the save failed)`);
        return text(`${input.taskId} is ${input.done === false ? 'not done' : 'done'} (${result}).`);
      }),
    }),
    vscode.lm.registerTool<FeatureInput & { taskId?: string }>(Tools.runVerification, verificationTool),
  );
  return {
    prepareVerification: async (input) => {
      const source = new vscode.CancellationTokenSource();
      try {
        return await verificationTool.prepareInvocation?.({ input }, source.token);
      } finally {
        source.dispose();
      }
    },
    invokeVerification: async (input) => {
      const source = new vscode.CancellationTokenSource();
      try {
        const result = await verificationTool.invoke({ input, toolInvocationToken: undefined }, source.token);
        return (result?.content ?? []).map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
      } finally {
        source.dispose();
      }
    },
  };
}
