import * as path from 'node:path/posix';
import type * as vscode from 'vscode';
import { appendChecklistItems, checklistFileName } from '../../../core/analysis/checklistAppend';
import { isoDate } from '../../../core/workspace/newFeature';
import { slash } from '../../../platform/chat';
import { type ChatTurn } from '../chatTurn';
import { featureContext } from './featureContext';

/** /speckit.checklist <domain>: CHK items that test the requirements' writing, appended with continuing IDs. */
export async function checklist(turn: ChatTurn<'checklist'>): Promise<vscode.ChatResult> {
  const [domainWord, ...rest] = turn.prompt.split(/\s+/).filter(Boolean);
  if (!domainWord) return turn.fail(`Name the checklist domain, e.g. \`${slash('checklist')} security\` or \`${slash('checklist')} ux\`.`);
  let fileName: string;
  try {
    fileName = checklistFileName(domainWord);
  } catch (e) {
    return turn.fail(`"${domainWord}" cannot name a checklist: ${e instanceof Error ? e.message : String(e)}.`);
  }
  const found = await turn.feature();
  if (!found) return turn.fail('There is no feature yet.');
  const { feature, project } = found;
  if (!feature.feature.files.spec) return turn.fail(`${feature.feature.name} has no spec.md yet.`, { featureDir: feature.feature.dir });
  const target = path.join(feature.feature.dir, 'checklists', fileName);
  const existing = await turn.readPath(target);
  turn.progress(`Writing the ${domainWord} checklist…`);
  const template = await turn.template('checklist', project);
  const reply = await turn.generate(
    turn.messages(template, { domain: domainWord, focus: rest.length ? `Focus on: ${rest.join(' ')}.` : '' }, await featureContext(turn, feature, ['spec', 'plan']), turn.prompt),
    `Write the ${domainWord} checklist`,
    'nothing',
  );
  if (!reply.ok) return turn.modelFailed(reply.failure, { featureDir: feature.feature.dir });
  const result = appendChecklistItems(existing, reply.files[0]?.content ?? reply.text, {
    domain: domainWord,
    featureName: feature.feature.name,
    specRelPath: path.relative(path.join(feature.feature.dir, 'checklists'), feature.feature.files.spec.path),
    today: isoDate(new Date()),
  });
  if (result.added === 0) return turn.fail('The model wrote no checklist items; nothing was changed.', { featureDir: feature.feature.dir });
  const outcome = await turn.write(feature.projectRoot, [{ path: target, content: result.text }], `Spec Kit: ${domainWord} checklist`);
  turn.markdown(`\n\n${result.created ? 'Created' : 'Appended to'} \`checklists/${fileName}\`: ${result.added} item${result.added === 1 ? '' : 's'} (${result.firstId}–${result.lastId}), all unchecked for review.`);
  return turn.result({ featureDir: feature.feature.dir, projectRoot: feature.projectRoot, written: outcome.written.map((u) => u.path) });
}
