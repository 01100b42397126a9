import * as path from 'node:path/posix';
import type * as vscode from 'vscode';
import { finalizeConstitution, reviewFacts } from '../../../core/chat/constitution';
import { checkConstitutionOutput } from '../../../core/chat/outputChecks';
import { isoDate } from '../../../core/workspace/newFeature';
import { slash } from '../../../platform/chat';
import { type ChatTurn } from '../chatTurn';
import { featureContext, repositoryContext } from './featureContext';

/** README, build and CI files sent with a constitution request, in characters. */
const MAX_REPO_CONTEXT = 16_000;

/**
 * /speckit.constitution: with no arguments, a review of the principles and gates that apply to the
 * work at hand (nothing written); with arguments, the model fills or amends the constitution and
 * code checks the version bump, dates and placeholders and writes the Sync Impact Report.
 */
export async function constitution(turn: ChatTurn<'constitution'>): Promise<vscode.ChatResult> {
  const project = await turn.project();
  if (!project) return turn.noProject();
  const root = project.project.root;
  const target = project.project.constitutionPath ?? path.join(project.project.specifyDir ?? path.join(root, '.specify'), 'memory', 'constitution.md');
  const current = await turn.readPath(project.project.constitutionPath);

  if (!turn.prompt) {
    if (!current || project.constitution?.isPlaceholder) {
      turn.markdown(
        `The constitution is not written yet. Tell me the principles, for example:\n\n\`${slash('constitution')} Declarative NixOS modules; security by default; every change builds with nix build .#nixosConfigurations.<host>.config.system.build.toplevel\``,
      );
      return turn.result({ projectRoot: root });
    }
    const facts = project.constitution ? reviewFacts(project.constitution) : undefined;
    turn.markdown(`Reviewing the **${facts?.name ?? 'project'}** constitution${facts?.version ? ` (v${facts.version})` : ''}…\n\n`);
    const feature = project.features.find((f) => f.feature.dir === project.current?.dir);
    const work = feature ? `${feature.feature.name}: ${feature.spec?.title?.value ?? ''} (${feature.status.label})` : 'the next feature of this project';
    const context = [{ label: 'Constitution', path: path.relative(root, target), text: current }, ...(feature ? await featureContext(turn, feature, ['spec']) : []), ...(await turn.references())];
    const template = await turn.template('constitution-review', project);
    const reply = await turn.generate(turn.messages(template, { work }, context, work), 'Review the constitution', 'prose');
    if (!reply.ok) return turn.modelFailed(reply.failure);
    return turn.result({ projectRoot: root, featureDir: feature?.feature.dir });
  }

  let base = current;
  base ||= (await turn.services.templates.resolve(project.project, 'constitution-template')) ?? '';
  const today = isoDate(new Date());
  const template = await turn.template('constitution', project);
  const messages = turn.messages(template, { constitutionPath: path.relative(root, target), userInput: turn.prompt, today }, [{ label: 'Current constitution', path: path.relative(root, target), text: base }, ...(await repositoryContext(turn, root, MAX_REPO_CONTEXT)), ...(await turn.references())], turn.prompt);
  const reply = await turn.generate(messages, 'Write the constitution');
  if (!reply.ok) return turn.modelFailed(reply.failure);
  const file = reply.files.find((f) => path.basename(f.path) === 'constitution.md') ?? (reply.files.length === 1 ? reply.files[0] : undefined);
  if (file && !file.complete) return turn.fail('The model stopped before the end of the constitution, so nothing was written. Try again.');
  const check = checkConstitutionOutput(file?.content ?? reply.text);
  if (!check.ok) return turn.fail(`The model's answer is not a usable constitution (${check.problems.join('; ')}). Nothing was written.`);

  turn.progress('Checking the version bump, dates and placeholders…');
  const final = finalizeConstitution({ previous: current, proposed: check.text, today });
  const outcome = await turn.write(root, [{ path: target, content: final.text }], 'Spec Kit: constitution');
  if (outcome.written.length === 0) return turn.failed();

  const lines = ['', `**Version ${final.previousVersion ? `${final.previousVersion} → ` : ''}${final.version}** (${final.bump}).`];
  if (final.versionFixed) lines.push(`- The version was set by the rules of semantic versioning${final.modelVersion ? ` (the model wrote ${final.modelVersion})` : ''}.`);
  if (final.added.length) lines.push(`- Added: ${final.added.join(', ')}.`);
  if (final.removed.length) lines.push(`- Removed: ${final.removed.join(', ')}.`);
  for (const r of final.renamed) lines.push(`- Renamed: ${r.from} → ${r.to}.`);
  if (final.placeholders.length) lines.push(`- Still to fill: ${final.placeholders.map((p) => `\`[${p}]\``).join(', ')}.`);
  lines.push(`- Ratified ${final.ratified}, last amended ${final.lastAmended}; the Sync Impact Report is at the top of the file.`);
  lines.push('', `Suggested commit message: \`docs: ${final.bump === 'INITIAL' ? 'add' : 'amend'} constitution to v${final.version}\``);
  turn.markdown(lines.join('\n') + '\n');
  return turn.result({ projectRoot: root, written: [target] });
}
