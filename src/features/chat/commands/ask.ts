import type * as vscode from 'vscode';
import { type CHAT_ASK } from '../../../ids';
import { slash } from '../../../platform/chat';
import { type ChatTurn } from '../chatTurn';
import { COMMAND_CONTEXT } from '../../../core/chat/commandContext';
import { askInstructions } from './askTools';
import { answerWithTools } from './askWithTools';
import { featureContext } from './featureContext';
import { status } from './status';

/**
 * `@speckit <question>` with no command: an answer grounded in the current feature's artifacts
 * (the seed's "show me the planned backup script before you implement it"), the chat history and
 * the attached references; the model may call the read-only `speckit_*` tools to look further.
 * Writes nothing. An empty request shows the status and the next step.
 */
export async function ask(turn: ChatTurn<typeof CHAT_ASK>): Promise<vscode.ChatResult> {
  if (!turn.prompt && turn.request.references.length === 0) return status(turn);
  const found = await turn.feature();
  if (!found) return turn.fail(`There is no feature to answer from yet. Create one with \`${slash('specify')}\`.`);
  const { feature, project } = found;
  const fields = { featureDir: feature.feature.dir, projectRoot: feature.projectRoot };
  turn.progress(`Reading ${feature.feature.name}…`);
  const context = await featureContext(turn, feature, COMMAND_CONTEXT[turn.command]!);
  const template = await turn.template('ask', project);
  const instructions = askInstructions(turn.messages(template, { feature: feature.feature.name, userInput: turn.prompt }, context, turn.prompt));
  const model = await turn.languageModel();
  if (!model) return turn.modelFailed({ kind: 'no-model' }, fields);
  const reply = await answerWithTools(turn, model, instructions, `Answer a question about ${feature.feature.name}`);
  if (!reply.ok) return turn.modelFailed(reply.failure, fields);
  return turn.result(fields);
}
