import * as path from 'node:path/posix';
import type * as vscode from 'vscode';
import { analysisMarkdown } from '../../../core/analysis/analysisMarkdown';
import { analyzeFeature } from '../../../core/analysis/analyze';
import { parseModelFindings, withModelFindings } from '../../../core/analysis/modelFindings';
import { analyzeChange, changeNextActions } from '../../../core/openspec/changeAnalysis';
import { changeDocPaths } from '../../../core/openspec/openspecChat';
import { openspecValidation } from '../../../core/workspace/openspecIndex';
import { type ChatTurn, type ContextItem } from '../chatTurn';
import { featureContext } from './featureContext';
import { type ChangeTarget, openspecChange } from './openspecTarget';

/**
 * /speckit.analyze: read-only. Code finds coverage gaps, duplicates, unknown IDs, open markers,
 * vague words, placeholders, `[P]` conflicts and unaddressed constitution rules; the model adds
 * judgement; one findings table in a stable order. Without a model the code's findings still show.
 */
export async function analyze(turn: ChatTurn<'analyze'>): Promise<vscode.ChatResult> {
  const change = await openspecChange(turn, true);
  if (change) return analyzeOpenSpecChange(turn, change);
  const found = await turn.feature();
  if (!found) return turn.fail('There is no feature to analyze yet.');
  const { feature, project } = found;
  turn.progress(`Checking ${feature.feature.name}: coverage, IDs, markers, vague words, the constitution…`);
  const rel = (p: string | undefined): string | undefined => (p ? path.relative(project.project.root, p) : undefined);
  const files = feature.feature.files;
  const report = analyzeFeature({
    spec: feature.spec,
    plan: feature.plan,
    tasks: feature.tasks,
    constitution: project.constitution,
    checklists: feature.checklists.map((c) => c.doc),
    paths: { spec: rel(files.spec?.path), plan: rel(files.plan?.path), tasks: rel(files.tasks?.path), constitution: rel(project.project.constitutionPath) },
  });
  let final = report;
  let note = '';
  if ((await turn.languageModel()) && !/\b(no model|code only)\b/i.test(turn.prompt)) {
    turn.progress('Asking the model for what only judgement finds…');
    const template = await turn.template('analyze', project);
    // The model cites lines and its findings are de-duplicated against code's by line: number them as sent.
    const codeFindings = report.findings.map((f) => `- ${f.id} ${f.category} ${f.location.path}:${f.location.line} ${f.summary}`).join('\n') || '(none)';
    const reply = await turn.generate(turn.messages(template, { codeFindings }, (await featureContext(turn, feature, ['constitution', 'spec', 'plan', 'tasks'])).map((c) => ({ ...c, lineNumbers: true })), turn.prompt), `Analyze ${feature.feature.name}`, 'nothing');
    if (reply.ok) final = withModelFindings(report, parseModelFindings(reply.text, { spec: rel(files.spec?.path), plan: rel(files.plan?.path), tasks: rel(files.tasks?.path), constitution: rel(project.project.constitutionPath) }));
    else if (reply.failure.kind === 'cancelled') return turn.modelFailed(reply.failure, { featureDir: feature.feature.dir });
    else note = `\n\n_The model's review did not run (${reply.failure.kind}); these are the findings code is sure of._\n`;
  }
  const link = (p: string, line: number): string => `${turn.model.uriFor(path.join(project.project.root, p)).toString()}#L${line}`;
  turn.markdown(`## Specification analysis: ${feature.feature.name}\n\n${analysisMarkdown(final, link)}${note}`);
  turn.markdown('\n\nNothing was changed. Fix the findings in the files, or ask `@speckit` to propose edits for the top issues.');
  return turn.result({ featureDir: feature.feature.dir, projectRoot: project.project.root });
}

/**
 * /speckit.analyze on an OpenSpec change: its `openspec validate --strict` findings, scenarios OpenSpec
 * does not count and requirement↔task coverage from code, the model's judgement merged as for features.
 */
async function analyzeOpenSpecChange(turn: ChatTurn<'analyze'>, { project, change, rest }: ChangeTarget): Promise<vscode.ChatResult> {
  const root = project.project.root;
  turn.progress(`Checking ${change.id}: scenarios, deltas against the current specs, tasks against requirements…`);
  const rel = (p: string): string => path.relative(root, p);
  const validation = openspecValidation(project.project);
  const item = validation.items.find((i) => (change.archived ? i.type === 'archived-change' && i.id === change.folder : i.type === 'change' && i.id === change.id));
  const report = analyzeChange({ change, findings: item?.findings ?? [], rel, specs: project.project.specs });
  let final = report;
  let note = '';
  if ((await turn.languageModel()) && !/\b(no model|code only)\b/i.test(rest)) {
    turn.progress('Asking the model for what only judgement finds…');
    const template = await turn.template('analyze', undefined);
    const codeFindings = report.findings.map((f) => `- ${f.id} ${f.category} ${f.location.path}:${f.location.line} ${f.summary}`).join('\n') || '(none)';
    const context: ContextItem[] = [];
    for (const [kind, p] of [...changeDocPaths(change, project.project), ...(change.tasks ? [['tasks', change.tasks.path] as const] : [])]) {
      if (kind === 'conventions') continue;
      const text = await turn.readPath(p, root);
      if (text?.trim() && !text.includes('\u0000')) context.push({ label: `${kind === 'capability' ? 'Current spec' : kind === 'delta' ? 'Spec delta' : kind[0]!.toUpperCase() + kind.slice(1)} (line numbers added)`, path: rel(p), text, lineNumbers: true });
    }
    const request = `This is the OpenSpec change ${change.id}: proposal.md, tasks.md, design.md, its spec deltas (specs/<capability>/spec.md under the change) and the current capability specs they change, instead of spec, plan and tasks. Give each finding's path exactly as shown.${rest ? `\n\n${rest}` : ''}`;
    const reply = await turn.generate(turn.messages(template, { codeFindings }, context, request), `Analyze ${change.id}`, 'nothing');
    if (reply.ok) final = withModelFindings(report, parseModelFindings(reply.text, { tasks: change.tasks ? rel(change.tasks.path) : undefined }));
    else if (reply.failure.kind === 'cancelled') return turn.modelFailed(reply.failure, { featureDir: change.dir });
    else note = `\n\n_The model's review did not run (${reply.failure.kind}); these are the findings code is sure of._\n`;
  }
  const link = (p: string, line: number): string => `${turn.model.uriFor(path.join(root, p)).toString()}#L${line}`;
  turn.markdown(`## OpenSpec change analysis: ${change.id}\n\n${analysisMarkdown(final, link, (r) => changeNextActions(r, change.id))}${note}`);
  turn.markdown('\n\nNothing was changed. Fix the findings in the change\'s files; `openspec validate --strict` (and the Problems view) shows the rule findings as you edit.');
  return turn.result({ featureDir: change.dir });
}
