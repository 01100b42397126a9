import * as path from 'node:path/posix';
import type * as vscode from 'vscode';
import { checkTasksOutput } from '../../../core/chat/outputChecks';
import { markdownSection } from '../../../core/chat/promptContext';
import { repairTasks } from '../../../core/chat/tasksRepair';
import { slash } from '../../../platform/chat';
import { type ChatTurn } from '../chatTurn';
import { COMMAND_CONTEXT } from '../../../core/chat/commandContext';
import { featureContext } from './featureContext';

/**
 * /speckit.tasks: the model writes tasks.md; code enforces the task-line grammar, numbers the
 * tasks in order, checks story tags against the spec and requirement coverage, and says what it fixed.
 */
export async function tasks(turn: ChatTurn<'tasks'>): Promise<vscode.ChatResult> {
  const found = await turn.feature();
  if (!found) return turn.fail(`There is no feature yet. Describe one with \`${slash('specify')}\`.`);
  const { feature, project } = found;
  const dir = feature.feature.dir;
  if (!feature.feature.files.spec || !feature.feature.files.plan) {
    return turn.fail(`${feature.feature.name} needs ${feature.feature.files.spec ? 'a plan' : 'a spec and a plan'} before tasks: run \`${slash(feature.feature.files.spec ? 'plan' : 'specify')}\` first.`, { featureDir: dir });
  }
  turn.progress(`Breaking ${feature.feature.name} into tasks…`);
  // The template's ordering and dependency guidance (not the whole template: the prompt gives the structure).
  const tasksTemplate = (await turn.services.templates.resolve(project.project, 'tasks-template')) ?? '';
  const guidance = markdownSection(tasksTemplate, /^Dependencies\b/i);
  const context = [
    ...(await featureContext(turn, feature, COMMAND_CONTEXT[turn.command]!)),
    ...(guidance ? [{ label: 'Tasks template: dependencies and execution order', text: guidance }] : []),
    ...(await turn.references()),
  ];
  const template = await turn.template('tasks', project);
  const tasksPath = path.join(dir, 'tasks.md');
  const reply = await turn.generate(turn.messages(template, { tasksPath: path.relative(project.project.root, tasksPath), userInput: turn.prompt || '(nothing more)' }, context, turn.prompt), `Write tasks for ${feature.feature.name}`);
  if (!reply.ok) return turn.modelFailed(reply.failure, { featureDir: dir });
  const file = reply.files.find((f) => path.basename(f.path) === 'tasks.md') ?? (reply.files.length === 1 ? reply.files[0] : undefined);
  if (file && !file.complete) return turn.fail('The model stopped before the end of tasks.md, so nothing was written. Try again.', { featureDir: dir });
  const check = checkTasksOutput(file?.content ?? reply.text);
  if (!check.ok) return turn.fail(`The model's answer is not a usable task list (${check.problems.join('; ')}). Nothing was written.`, { featureDir: dir });

  turn.progress('Checking the task lines, numbering, stories and coverage…');
  const repaired = repairTasks(check.text, feature.spec);
  const outcome = await turn.write(project.project.root, [{ path: tasksPath, content: repaired.text }], `Spec Kit: tasks for ${feature.feature.name}`, { propose: true });

  const lines = ['', `**${repaired.taskCount} tasks.**`];
  for (const fix of [...(file?.unwrapped ? ['removed the ```markdown fence around the file'] : []), ...check.repaired, ...repaired.fixes]) lines.push(`- Fixed: ${fix}`);
  if (repaired.unknownStories.length) lines.push(`- Story tags the spec does not have: ${repaired.unknownStories.join(', ')}.`);
  if (repaired.uncovered.length) lines.push(`- Requirements no task names: ${repaired.uncovered.join(', ')} — add tasks or run \`${slash('analyze')}\`.`);
  else if (repaired.coverage.length) lines.push(`- Every requirement has a task (${repaired.coverage.length} covered).`);
  turn.markdown(lines.join('\n') + '\n');
  return turn.result({ featureDir: dir, projectRoot: project.project.root, written: outcome.written.map((u) => u.path), failed: outcome.refused });
}
