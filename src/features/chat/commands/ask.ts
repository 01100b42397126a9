import type * as vscode from 'vscode';
import { type CHAT_ASK } from '../../../ids';
import { slash } from '../../../platform/chat';
import { type ChatTurn } from '../chatTurn';
import { COMMAND_CONTEXT } from '../../../core/chat/commandContext';
import { featureContext } from './featureContext';
import { status } from './status';

/**
 * `@speckit <question>` with no command: an answer grounded in the current feature's artifacts
 * (the seed's "show me the planned backup script before you implement it"). Writes nothing.
 * An empty request shows the status and the next step.
 */
export async function ask(turn: ChatTurn<typeof CHAT_ASK>): Promise<vscode.ChatResult> {
  if (!turn.prompt && turn.request.references.length === 0) return status(turn);
  const found = await turn.feature();
  if (!found) return turn.fail(`There is no feature to answer from yet. Create one with \`${slash('specify')}\`.`);
  const { feature, project } = found;
  turn.progress(`Reading ${feature.feature.name}…`);
  const context = [
    ...(await featureContext(turn, feature, COMMAND_CONTEXT[turn.command]!)),
    ...(await turn.references()),
  ];
  const template = await turn.template('ask', project);
  const reply = await turn.generate(turn.messages(template, { feature: feature.feature.name, userInput: turn.prompt }, context, turn.prompt), `Answer a question about ${feature.feature.name}`, 'prose');
  if (!reply.ok) return turn.modelFailed(reply.failure, { featureDir: feature.feature.dir });
  return turn.result({ featureDir: feature.feature.dir, projectRoot: feature.projectRoot });
}
