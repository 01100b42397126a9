import * as path from 'node:path/posix';
import type * as vscode from 'vscode';
import { analysisMarkdown } from '../../../core/analysis/analysisMarkdown';
import { analyzeFeature } from '../../../core/analysis/analyze';
import { parseModelFindings, withModelFindings } from '../../../core/analysis/modelFindings';
import { type ChatTurn } from '../chatTurn';
import { featureContext } from './featureContext';

/**
 * /speckit.analyze: read-only. Code finds coverage gaps, duplicates, unknown IDs, open markers,
 * vague words, placeholders, `[P]` conflicts and unaddressed constitution rules; the model adds
 * judgement; one findings table in a stable order. Without a model the code's findings still show.
 */
export async function analyze(turn: ChatTurn<'analyze'>): Promise<vscode.ChatResult> {
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
