import * as path from 'node:path/posix';
import type * as vscode from 'vscode';
import { appendChecklistItems, checklistFileName, parseGeneratedChecklist } from '../../../core/analysis/checklistAppend';
import { capChecklist, type ChecklistCategory, checklistMarkdown, screenChecklist } from '../../../core/chat/checklistScreen';
import { type IndexedProject } from '../../../core/workspace/workspaceIndex';
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
  const items = await screenItems(turn, project, parseGeneratedChecklist(reply.files[0]?.content ?? reply.text));
  if (items === 'cancelled') return turn.modelFailed({ kind: 'cancelled' }, { featureDir: feature.feature.dir });
  const result = appendChecklistItems(existing, checklistMarkdown(items), {
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

/** spec-kit's soft cap on the items of one checklist. */
const MAX_ITEMS = 40;

/**
 * Items that test the product instead of the requirements (banned patterns, not a question) go back
 * to the model once to be rewritten; those still wrong are dropped, and the chat says which.
 */
async function screenItems(turn: ChatTurn<'checklist'>, project: IndexedProject, categories: ChecklistCategory[]): Promise<ChecklistCategory[] | 'cancelled'> {
  const first = screenChecklist(categories);
  let kept = first.kept;
  const dropped: string[] = [];
  if (first.flagged.length > 0) {
    turn.progress(`Rewriting ${first.flagged.length} item${first.flagged.length === 1 ? '' : 's'} that test the product…`);
    const template = await turn.template('checklist-rewrite', project);
    const list = first.flagged.map((f) => `- (${f.category}) ${f.text} — ${f.problem}`).join('\n');
    const reply = await turn.generate(turn.messages(template, { items: list }, [], 'Rewrite these items.'), 'Rewrite checklist items', 'nothing');
    if (!reply.ok && reply.failure.kind === 'cancelled') return 'cancelled';
    const again = reply.ok ? screenChecklist(parseGeneratedChecklist(reply.files[0]?.content ?? reply.text)) : { kept: [], flagged: [] };
    for (const c of again.kept) {
      const same = kept.find((k) => k.title.toLowerCase() === c.title.toLowerCase());
      if (same) same.items.push(...c.items);
      else kept.push(c);
    }
    const rewritten = again.kept.reduce((n, c) => n + c.items.length, 0);
    dropped.push(...(rewritten === 0 ? first.flagged.map((f) => f.text) : again.flagged.map((f) => f.text)));
    if (rewritten > 0) turn.markdown(`_Rewrote ${rewritten} item${rewritten === 1 ? '' : 's'} that tested the product rather than the requirements._\n\n`);
  }
  if (dropped.length > 0) turn.markdown(`_Dropped ${dropped.length} item${dropped.length === 1 ? '' : 's'} that test the product rather than the requirements: ${dropped.map((d) => `"${d.slice(0, 80)}"`).join('; ')}._\n\n`);
  const capped = capChecklist(kept, MAX_ITEMS);
  if (capped.dropped > 0) turn.markdown(`_Kept the ${MAX_ITEMS} highest-risk items; ${capped.dropped} more were left out._\n\n`);
  kept = capped.kept;
  return kept;
}
