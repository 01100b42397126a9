import * as vscode from 'vscode';
import { appendConvergencePhase, convergeFindingsMarkdown, parseConvergeFindings } from '../../../core/analysis/converge';
import { scopeConvergeFindings } from '../../../core/chat/convergeScope';
import { contextSummary } from '../../../core/chat/promptContext';
import { slash } from '../../../platform/chat';
import { type ChatTurn } from '../chatTurn';
import { featureContext, namedFilesContext } from './featureContext';

const MAX_CODE_CHARS = 60_000;

/** /speckit.converge: gaps between intent and code become a `## Phase N: Convergence`; existing tasks are never touched. */
export async function converge(turn: ChatTurn<'converge'>): Promise<vscode.ChatResult> {
  // The same gate as implement: converge reads the code the tasks name and writes tasks.md from a model's answer.
  if (!vscode.workspace.isTrusted) {
    return turn.fail('Converging reads the project’s code into the prompt and appends tasks from the model’s answer, which a restricted (untrusted) workspace does not allow. Trust the workspace to converge.');
  }
  const found = await turn.feature();
  if (!found) return turn.fail('There is no feature yet.');
  const { feature, project } = found;
  const tasksPath = feature.feature.files.tasks?.path;
  if (!tasksPath || !feature.tasks) return turn.fail(`${feature.feature.name} has no tasks.md yet: run \`${slash('tasks')}\` first.`, { featureDir: feature.feature.dir });
  turn.progress('Reading the code the tasks name…');
  const root = project.project.root;
  const code = await namedFilesContext(turn, root, feature.tasks.tasks.flatMap((t) => t.paths), 'Code', MAX_CODE_CHARS);
  const intent = await featureContext(turn, feature, ['constitution', 'spec', 'plan', 'tasks']);
  const absent = code.absent.length ? ` Named by tasks but not on disk: ${code.absent.join(', ')}.` : '';
  const summary = `${contextSummary([...intent.map((c) => c.path ?? c.label), ...code.sent], code.cut, code.notSent, false)}${absent}`;
  const template = await turn.template('converge', project);
  const reply = await turn.generate(turn.messages(template, { context: summary }, [...intent, ...code.items], turn.prompt), `Converge ${feature.feature.name}`, 'nothing');
  if (!reply.ok) return turn.modelFailed(reply.failure, { featureDir: feature.feature.dir });
  const scoped = scopeConvergeFindings(parseConvergeFindings(reply.text), {
    seen: code.sent,
    absent: code.absent,
    artifacts: intent.map((c) => c.path ?? '').filter(Boolean),
  });
  if (scoped.dropped.length > 0) {
    const lines = scoped.dropped.map((d) => `- ${d.finding.text} — about ${d.unseen.map((u) => `\`${u}\``).join(', ')}, which the model was not shown`);
    turn.markdown(`_Dropped ${scoped.dropped.length} finding${scoped.dropped.length === 1 ? '' : 's'} about files the model did not see (name the file in a task to have it checked):_\n\n${lines.join('\n')}\n\n`);
  }
  const findings = scoped.kept;
  if (findings.length === 0) {
    turn.markdown(`✅ Converged — the code does what the spec and plan of ${feature.feature.name} ask. tasks.md is unchanged.`);
    return turn.result({ featureDir: feature.feature.dir });
  }
  const before = await turn.readPath(tasksPath);
  if (before === undefined) return turn.fail('tasks.md could not be read.');
  const appended = appendConvergencePhase(before, findings);
  turn.markdown(`## Convergence findings\n\n${convergeFindingsMarkdown(findings)}\n`);
  const outcome = await turn.write(root, [{ path: tasksPath, content: appended.text }], 'Spec Kit: convergence tasks');
  if (outcome.written.length) turn.markdown(`\n\nAppended **Phase ${appended.phaseNumber}: Convergence** with ${appended.added.join(', ')}. Run \`${slash('implement')}\` to close the gaps.`);
  return turn.result({ featureDir: feature.feature.dir, written: outcome.written.map((u) => u.path) });
}
