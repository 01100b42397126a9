import * as path from 'node:path/posix';
import type * as vscode from 'vscode';
import { checkSpecOutput } from '../../../core/chat/outputChecks';
import { type QualityChecklist, qualityFailures, specQualityChecklist } from '../../../core/chat/qualityChecklist';
import { type SpecDoc } from '../../../core/artifacts/spec';
import { type IndexedProject } from '../../../core/workspace/workspaceIndex';
import { isoDate, titleFor } from '../../../core/workspace/newFeature';
import { ChatCommands } from '../../../ids';
import { slash } from '../../../platform/chat';
import { finishFeature, prepareFeature } from '../../../platform/featureCreation';
import { type ChatTurn, type ContextItem } from '../chatTurn';

/**
 * /speckit.specify <description>: code picks number and slug, the model writes the spec, code
 * checks it, writes spec.md and the quality checklist, points feature.json at it and handles the
 * branch. Nothing is written until the spec is complete and passes the checks.
 */
export async function specify(turn: ChatTurn<'specify'>): Promise<vscode.ChatResult> {
  const description = turn.prompt;
  if (!description) {
    return turn.fail(`No feature description provided. Describe what to build and why, e.g. \`${slash('specify')} Add PostgreSQL 15 with daily encrypted backups\`.`);
  }
  const project = await turn.project();
  if (!project) return turn.noProject();
  turn.progress('Choosing the feature number and folder…');
  let prepared;
  try {
    prepared = await prepareFeature(turn.services, project, description);
  } catch (e) {
    return turn.fail(e instanceof Error ? e.message : String(e));
  }
  const { plan } = prepared;
  const specRel = path.relative(project.project.root, plan.specPath);
  turn.markdown(`Writing **${plan.name}** (\`${specRel}\`).\n\n`);

  const context: ContextItem[] = [{ label: 'Spec template', text: prepared.template }];
  const constitution = await turn.readPath(project.project.constitutionPath);
  if (constitution && !project.constitution?.isPlaceholder) context.unshift({ label: 'Constitution', path: path.relative(project.project.root, project.project.constitutionPath!), text: constitution });
  context.push(...(await turn.references()));
  const template = await turn.template('specify', project);
  const today = isoDate(new Date());
  const messages = turn.messages(template, { specPath: specRel, userInput: description, featureTitle: titleFor(description), branch: plan.name, today }, context, description);

  const reply = await turn.generate(messages, `Write ${specRel}`);
  if (!reply.ok) return turn.modelFailed(reply.failure);
  const file = reply.files.find((f) => path.basename(f.path) === 'spec.md') ?? (reply.files.length === 1 ? reply.files[0] : undefined);
  const content = file?.content ?? reply.text;
  if (file && !file.complete) return turn.fail('The model stopped before the end of spec.md, so nothing was written. Try again, perhaps with a shorter description.');
  const check = checkSpecOutput(content);
  if (!check.ok || !check.doc) return turn.fail(`The model's answer is not a usable spec (${check.problems.join('; ')}). Nothing was written; try again.`);
  const repaired = [...(file?.unwrapped ? ['removed the ```markdown fence around the spec'] : []), ...check.repaired];
  if (repaired.length > 0) turn.markdown(`\n\n_Repaired: ${repaired.join('; ')}._\n`);

  turn.progress('Checking the spec against the quality checklist…');
  const quality = (doc: SpecDoc, text: string): QualityChecklist => specQualityChecklist({ spec: doc, specText: text, featureName: plan.name, specRelPath: 'spec.md', today });
  let specText = check.text;
  let specDoc = check.doc;
  let checklist = quality(specDoc, specText);
  // spec-kit validates and revises; we give the failed checks back to the model once, then report what is open.
  const failures = qualityFailures(checklist);
  let revision = '';
  if (failures) {
    turn.progress('Revising the spec for the failed checks…');
    const revised = await revise(turn, project, specRel, specText, failures);
    if (revised.kind === 'cancelled') return turn.modelFailed({ kind: 'cancelled' });
    if (revised.kind === 'ok') {
      const again = quality(revised.doc, revised.text);
      if ((again.failed?.length ?? 0) < (checklist.failed?.length ?? 0)) {
        const fixed = (checklist.failed ?? []).filter((f) => !(again.failed ?? []).some((g) => g.text === f.text)).map((f) => f.text);
        revision = `- Revised once for the failed checks: fixed ${fixed.join('; ')}.`;
        specText = revised.text;
        specDoc = revised.doc;
        checklist = again;
      } else revision = '- A revision pass for the failed checks did not fix them; the first version is kept.';
    } else revision = `- The revision pass for the failed checks did not give a usable spec (${revised.why}); the first version is kept.`;
  }
  const outcome = await turn.write(project.project.root, [
    { path: plan.specPath, content: specText },
    { path: path.join(plan.dir, 'checklists', 'requirements.md'), content: checklist.text },
  ], `Spec Kit: specify ${plan.name}`);
  if (outcome.written.length === 0) return turn.failed();
  const finished = await finishFeature(turn.services, project, prepared, 'button', turn.hooks.branch);

  const markers = specDoc.markers.length;
  const lines = [
    '',
    finished.pointerProblem ? `**${plan.name}** is written, but it is not the current feature: ${finished.pointerProblem}.` : `**${plan.name}** is now the current feature.`,
    ...(revision ? [revision] : []),
    `- Quality checklist: ${checklist.passed}/${checklist.total} items pass${checklist.failing.length ? ` (still open: ${checklist.failing.slice(0, 4).join('; ')}${checklist.failing.length > 4 ? '; …' : ''})` : ''}.`,
    markers > 0
      ? `- ${markers} open question${markers === 1 ? '' : 's'} (\`[NEEDS CLARIFICATION]\`)${markers > 3 ? ' — more than the three spec-kit allows; clarify before planning' : ''}: run \`${slash('clarify')}\`.`
      : `- No open questions: ready for \`${slash('plan')}\`.`,
  ];
  if (finished.branch) lines.push(`- Branch \`${finished.branch}\` created and checked out.`);
  if (finished.branchProblem) lines.push(`- No branch: ${finished.branchProblem}.`);
  turn.markdown(lines.join('\n') + '\n');
  if (finished.branchOffered) turn.stream.button({ command: ChatCommands.createBranch, title: `Create branch ${plan.branch}`, arguments: [project.project.root, plan.branch] });
  return turn.result({ featureDir: plan.dir, projectRoot: project.project.root, written: outcome.written.map((u) => u.path) });
}

/** One revision pass: the spec and its failed checks go back to the model; the answer must still be a usable spec. */
async function revise(turn: ChatTurn<'specify'>, project: IndexedProject, specRel: string, specText: string, failures: string): Promise<{ kind: 'ok'; text: string; doc: SpecDoc } | { kind: 'failed'; why: string } | { kind: 'cancelled' }> {
  const template = await turn.template('specify-revise', project);
  const reply = await turn.generate(turn.messages(template, { specPath: specRel, failures }, [{ label: 'Spec', path: specRel, text: specText }], 'Revise the spec for the failed checks.'), `Revise ${specRel}`, 'nothing');
  if (!reply.ok) return reply.failure.kind === 'cancelled' ? { kind: 'cancelled' } : { kind: 'failed', why: reply.failure.kind };
  const file = reply.files.find((f) => path.basename(f.path) === 'spec.md') ?? (reply.files.length === 1 ? reply.files[0] : undefined);
  if (file && !file.complete) return { kind: 'failed', why: 'the reply stopped before the end of spec.md' };
  const check = checkSpecOutput(file?.content ?? reply.text);
  if (!check.ok || !check.doc) return { kind: 'failed', why: check.problems.join('; ') || 'not a spec' };
  return { kind: 'ok', text: check.text, doc: check.doc };
}
