import * as path from 'node:path/posix';
import * as vscode from 'vscode';
import {
  allQuestionsMarkdown,
  parseClarifyQuestions,
  parseNumberedAnswers,
  questionMarkdown,
  recordClarification,
  resolveAnswer,
} from '../../../core/chat/clarify';
import { checkSpecOutput } from '../../../core/chat/outputChecks';
import { isoDate } from '../../../core/workspace/newFeature';
import { Settings } from '../../../ids';
import { slash } from '../../../platform/chat';
import { type FeatureInProject } from '../../../platform/workspaceModel';
import { type ClarifyState, metadataOf } from '../chatMetadata';
import { type ChatTurn } from '../chatTurn';
import { COMMAND_CONTEXT } from '../../../core/chat/commandContext';
import { featureContext } from './featureContext';

/** At most five questions a session, as spec-kit asks. */
export const MAX_QUESTIONS = 5;

/**
 * /speckit.clarify: the model picks up to five questions by impact; they are asked one at a time
 * (or all at once, per `speckit.clarify.askAllAtOnce`) with a recommended answer and the options as
 * follow-ups; each answer is recorded by code under `## Clarifications` / `### Session <date>`, and
 * the model then updates the sections it affects. "done" ends the session.
 */
export async function clarify(turn: ChatTurn<'clarify'>): Promise<vscode.ChatResult> {
  const pending = pendingSession(turn.context);
  if (pending && turn.prompt) return answer(turn, pending);
  if (pending && !turn.prompt) return present(turn, pending, 'Still open:');
  return start(turn);
}

/** The session the last answer of ours left open, if any. */
export function pendingSession(context: vscode.ChatContext): ClarifyState | undefined {
  for (let i = context.history.length - 1; i >= 0; i--) {
    const turn = context.history[i];
    if (!(turn instanceof vscode.ChatResponseTurn)) continue;
    const meta = metadataOf(turn.result);
    if (meta?.command !== 'clarify') return undefined;
    const state = meta.clarify;
    return state && !state.done ? state : undefined;
  }
  return undefined;
}

async function start(turn: ChatTurn<'clarify'>): Promise<vscode.ChatResult> {
  if (/^(done|stop|no more|proceed)$/i.test(turn.prompt)) {
    turn.markdown('There is no clarification session open.');
    return turn.result();
  }
  const found = await turn.feature();
  if (!found) return turn.fail(`There is no feature to clarify yet. Describe one with \`${slash('specify')}\`.`);
  const { feature, project } = found;
  if (!feature.feature.files.spec) return turn.fail(`${feature.feature.name} has no spec.md yet: run \`${slash('specify')}\` first.`, { featureDir: feature.feature.dir });
  turn.progress(`Looking for ambiguities in ${feature.feature.name}…`);
  const answeredCount = feature.spec?.clarifications.reduce((n, s) => n + s.entries.length, 0) ?? 0;
  const template = await turn.template('clarify', project);
  const focus = turn.prompt ? `Focus first on: ${turn.prompt}` : '';
  const messages = turn.messages(
    template,
    { specPath: path.relative(feature.projectRoot, feature.feature.files.spec.path), maxQuestions: String(MAX_QUESTIONS), answeredCount: String(answeredCount), focus },
    [...(await featureContext(turn, feature, COMMAND_CONTEXT[turn.command]!)), ...(await turn.references())],
    turn.prompt,
  );
  const reply = await turn.generate(messages, `Find open questions in ${feature.feature.name}`, 'nothing');
  if (!reply.ok) return turn.modelFailed(reply.failure, { featureDir: feature.feature.dir });
  const parsed = parseClarifyQuestions(reply.text);
  if (parsed.questions.length === 0) {
    if (parsed.problems.length > 0 && !/^\s*\[\s*\]\s*$/.test(reply.text.replace(/```(json)?/g, ''))) {
      return turn.fail(`The model's questions could not be read (${parsed.problems.slice(0, 3).join('; ')}). Nothing was changed; try again.`, { featureDir: feature.feature.dir });
    }
    turn.markdown(`No critical ambiguities detected worth formal clarification. Next: \`${slash('plan')}\`.`);
    return turn.result({ featureDir: feature.feature.dir, projectRoot: feature.projectRoot });
  }
  const allAtOnce = vscode.workspace.getConfiguration(undefined, turn.model.uriFor(feature.feature.dir)).get<boolean>(Settings.clarifyAskAllAtOnce, false);
  const state: ClarifyState = { featureDir: feature.feature.dir, questions: parsed.questions.slice(0, MAX_QUESTIONS), next: 0, answered: [], allAtOnce, done: false };
  return present(turn, state, `${state.questions.length} question${state.questions.length === 1 ? '' : 's'} would make **${feature.feature.name}** clearer.`);
}

function present(turn: ChatTurn<'clarify'>, state: ClarifyState, intro: string): vscode.ChatResult {
  turn.markdown(`${intro}\n\n`);
  if (state.allAtOnce) {
    turn.markdown(allQuestionsMarkdown(state.questions.slice(state.next)));
    turn.markdown('\n\nAnswer them together, numbered (`1. …`, `2. …`), or say **done**.');
  } else {
    const q = state.questions[state.next]!;
    turn.markdown(questionMarkdown(q, state.next + 1, state.questions.length));
    turn.markdown(`\n\nReply with ${q.kind === 'choice' ? 'an option letter, ' : ''}**yes** for the ${q.kind === 'choice' ? 'recommendation' : 'suggestion'}, your own short answer, or **done**.`);
  }
  return turn.result({ featureDir: state.featureDir, clarify: state });
}

async function answer(turn: ChatTurn<'clarify'>, state: ClarifyState): Promise<vscode.ChatResult> {
  const found = await turn.featureAt(state.featureDir);
  if (!found?.feature.feature.files.spec) return turn.fail('The feature of this clarification session is gone.');
  const { feature } = found;
  const remaining = state.questions.slice(state.next);
  const entries: Array<{ question: string; answer: string }> = [];
  let stop = false;
  if (state.allAtOnce) {
    const numbered = parseNumberedAnswers(turn.prompt, remaining.length);
    if (numbered.size === 0 && /^(done|stop|no more|proceed|good)\b/i.test(turn.prompt)) stop = true;
    else if (numbered.size === 0 && remaining.length === 1) numbered.set(1, turn.prompt);
    if (!stop && numbered.size === 0) return present(turn, state, 'Please number your answers like the questions (`1. …`, `2. …`).');
    for (const [n, text] of [...numbered].sort(([a], [b]) => a - b)) {
      const q = remaining[n - 1];
      if (!q) continue;
      const r = resolveAnswer(q, text);
      if ('answer' in r) entries.push({ question: q.question, answer: r.answer });
    }
  } else {
    const q = remaining[0]!;
    const r = resolveAnswer(q, turn.prompt);
    if ('stop' in r) stop = true;
    else if ('unclear' in r) return present(turn, state, `I could not read that as an answer (${r.unclear}).`);
    else entries.push({ question: q.question, answer: r.answer });
  }

  let next = state.allAtOnce ? state.questions.length : state.next + entries.length;
  if (entries.length > 0) {
    const applied = await record(turn, found, entries);
    if (!applied.ok) return { ...applied.result, ...turn.failed({ featureDir: state.featureDir, clarify: state }) };
  }
  if (stop) next = state.questions.length;
  const updated: ClarifyState = { ...state, next, answered: [...state.answered, ...entries], done: next >= state.questions.length };
  if (!updated.done) return present(turn, updated, entries.length ? `Recorded. Question ${next + 1} of ${state.questions.length}:` : 'Next:');

  const asked = updated.answered.length;
  turn.markdown(
    `\n\n**Clarification session done:** ${asked} question${asked === 1 ? '' : 's'} answered${state.questions.length > asked ? `, ${state.questions.length - asked} deferred` : ''}. Answers are under \`## Clarifications\` in spec.md.`,
  );
  return turn.result({ featureDir: state.featureDir, projectRoot: feature.projectRoot, clarify: updated });
}

/** Records answers in the spec (code), then has the model update the sections they affect. */
async function record(turn: ChatTurn<'clarify'>, { feature, project }: FeatureInProject, entries: Array<{ question: string; answer: string }>): Promise<{ ok: true } | { ok: false; result: vscode.ChatResult }> {
  const specPath = feature.feature.files.spec!.path;
  const before = await turn.readPath(specPath);
  if (before === undefined) return { ok: false, result: turn.fail('spec.md could not be read.') };
  const today = isoDate(new Date());
  const recorded = recordClarification(before, entries, today);
  turn.progress('Recording the answers in spec.md…');
  const first = await turn.write(feature.projectRoot, [{ path: specPath, content: recorded }], 'Spec Kit: record clarification', { quiet: true });
  if (first.written.length === 0) return { ok: false, result: turn.failed() };

  turn.progress('Updating the sections the answers affect…');
  const template = await turn.template('clarify-apply', project);
  const answers = entries.map((e, i) => `${i + 1}. Q: ${e.question} → A: ${e.answer}`).join('\n');
  const reply = await turn.generate(
    turn.messages(template, { specPath: path.relative(feature.projectRoot, specPath), answers }, [{ label: 'Spec', path: path.relative(feature.projectRoot, specPath), text: recorded }], answers),
    'Apply clarifications to the spec',
    'nothing',
  );
  if (!reply.ok) {
    turn.markdown(`\n\n_The answers are recorded; updating the other sections did not finish. Edit them by hand or run \`${slash('clarify')}\` again._\n`);
    return reply.failure.kind === 'cancelled' ? { ok: true } : { ok: false, result: turn.modelFailed(reply.failure) };
  }
  const file = reply.files.find((f) => path.basename(f.path) === 'spec.md') ?? (reply.files.length === 1 ? reply.files[0] : undefined);
  const check = checkSpecOutput(file?.content ?? reply.text);
  if (!check.ok || (file && !file.complete)) {
    turn.markdown(`\n\n_The answers are recorded; the model's updated spec was not usable (${check.problems.join('; ') || 'truncated'}), so the rest of the spec is unchanged._\n`);
    return { ok: true };
  }
  // The model must keep what code recorded; if it dropped an answer, record it again.
  const updated = recordClarification(check.text, entries, today);
  await turn.write(feature.projectRoot, [{ path: specPath, content: updated }], 'Spec Kit: apply clarification');
  return { ok: true };
}
