import * as path from 'node:path/posix';
import * as vscode from 'vscode';
import { parsePlan } from '../../../core/artifacts/plan';
import { checkRelativePath } from '../../../core/chat/fileEnvelope';
import { checkMarkdownOutput, checkPlanOutput } from '../../../core/chat/outputChecks';
import { isoDate } from '../../../core/workspace/newFeature';
import { slash } from '../../../platform/chat';
import { type PlannedWrite } from '../artifactWriter';
import { type ChatTurn } from '../chatTurn';
import { COMMAND_CONTEXT } from '../../../core/chat/commandContext';
import { featureContext } from './featureContext';

const PLAN_FILES = ['plan.md', 'research.md', 'data-model.md', 'quickstart.md'];
const CONTRACT = /^contracts\/[\w.-]+\.(md|json|ya?ml|graphql|proto|txt)$/;

/**
 * /speckit.plan: the model writes plan.md and its design documents; code checks each, reports the
 * constitution check as a gate, and never overwrites an existing plan without showing the change.
 */
export async function plan(turn: ChatTurn<'plan'>): Promise<vscode.ChatResult> {
  const found = await turn.feature();
  if (!found) return turn.fail(`There is no feature to plan yet. Describe one with \`${slash('specify')}\`.`);
  const { feature, project } = found;
  if (!feature.feature.files.spec) return turn.fail(`${feature.feature.name} has no spec.md yet: run \`${slash('specify')}\` first.`, { featureDir: feature.feature.dir });
  const dir = feature.feature.dir;
  if (feature.status.markers > 0) {
    turn.markdown(`> ${feature.status.markers} open \`[NEEDS CLARIFICATION]\` marker${feature.status.markers === 1 ? '' : 's'} remain in the spec; planning now risks rework (\`${slash('clarify')}\` first).\n\n`);
  }
  turn.progress(`Planning ${feature.feature.name}…`);
  const planTemplate = (await turn.services.templates.resolve(project.project, 'plan-template')) ?? '';
  const context = [
    ...(await featureContext(turn, feature, COMMAND_CONTEXT[turn.command]!)),
    { label: 'Plan template', text: planTemplate },
    { label: 'Repository layout', text: await repositoryTree(turn, project.project.root) },
    ...(await turn.references()),
  ];
  const template = await turn.template('plan', project);
  const specRel = path.relative(project.project.root, feature.feature.files.spec.path);
  const reply = await turn.generate(turn.messages(template, { specPath: specRel, userInput: turn.prompt || '(nothing more)', today: isoDate(new Date()) }, context, turn.prompt), `Plan ${feature.feature.name}`);
  if (!reply.ok) return turn.modelFailed(reply.failure, { featureDir: dir });

  const writes: PlannedWrite[] = [];
  const problems: string[] = [];
  for (const file of reply.files) {
    const checked = checkRelativePath(file.path, (p) => PLAN_FILES.includes(p) || CONTRACT.test(p));
    if (!checked.ok) {
      problems.push(`${file.path}: ${checked.reason}`);
      continue;
    }
    if (!file.complete) {
      problems.push(`${checked.path}: the reply stopped before its end`);
      continue;
    }
    const check = checked.path === 'plan.md' ? checkPlanOutput(file.content) : checked.path.endsWith('.md') ? checkMarkdownOutput(file.content) : { ok: file.content.trim().length > 0, text: file.content, problems: ['empty'] };
    if (!check.ok) problems.push(`${checked.path}: ${check.problems.join('; ')}`);
    else writes.push({ path: path.join(dir, checked.path), content: check.text });
  }
  if (!writes.some((w) => path.basename(w.path) === 'plan.md')) {
    return turn.fail(`No usable plan.md in the model's answer${problems.length ? ` (${problems.join('; ')})` : ''}. Nothing was written.`, { featureDir: dir });
  }
  if (problems.length > 0) turn.markdown(`\n\n_Left out: ${problems.join('; ')}._\n`);

  const planText = writes.find((w) => path.basename(w.path) === 'plan.md')!.content;
  const gate = gateLine(planText);
  const outcome = await turn.write(project.project.root, writes, `Spec Kit: plan ${feature.feature.name}`, { propose: true });
  turn.markdown(`\n\n${gate}\n`);
  return turn.result({ featureDir: dir, projectRoot: project.project.root, written: outcome.written.map((u) => u.path), failed: outcome.refused });
}

/** The constitution check as a gate line, read by our plan parser. */
function gateLine(planText: string): string {
  // Parsed here, not read from the index: the plan is not on disk yet.
  const check = parsePlan(planText).constitutionCheck;
  if (!check) return `**Constitution check:** not found in the plan — add one before \`${slash('tasks')}\`.`;
  const open = check.items.filter((i) => !i.checked).map((i) => i.text);
  switch (check.state) {
    case 'pass':
      return `**Constitution check: ✅ passed** (${check.items.length} item${check.items.length === 1 ? '' : 's'}).`;
    case 'fail':
      return `**Constitution check: ❌ failed** — ${open.length ? open.join('; ') : 'see the plan'}. Justify it under Complexity Tracking or change the plan before \`${slash('tasks')}\`.`;
    default:
      return `**Constitution check: ⚠️ pending** — ${open.length ? `open: ${open.join('; ')}` : 'not decided'}.`;
  }
}

/** A few levels of the repository's folders, so the plan uses real paths. */
async function repositoryTree(turn: ChatTurn<'plan'>, root: string, depth = 3): Promise<string> {
  const lines: string[] = [];
  const skip = new Set(['.git', 'node_modules', 'dist', 'out', 'result', '.direnv', 'target', 'build', '.venv']);
  const walk = async (dir: string, prefix: string, level: number): Promise<void> => {
    if (level > depth || lines.length > 200) return;
    const entries = await vscode.workspace.fs.readDirectory(turn.model.uriFor(dir)).then(
      (e) => e,
      () => undefined,
    );
    if (!entries) return;
    entries.sort(([a], [b]) => a.localeCompare(b));
    for (const [name, type] of entries) {
      if (skip.has(name) || (name.startsWith('.') && name !== '.specify')) continue;
      const isDir = (type & vscode.FileType.Directory) !== 0;
      lines.push(`${prefix}${name}${isDir ? '/' : ''}`);
      if (isDir && name !== 'specs') await walk(path.join(dir, name), `${prefix}  `, level + 1);
    }
  };
  await walk(root, '', 1);
  return lines.join('\n');
}
