import * as vscode from 'vscode';
import { CHAT_PARTICIPANT_NAME } from '../ids';

/**
 * Sends `@speckit /speckit.<command> <args>` through the chat view, as if typed: the same path a
 * user takes, so the request gets the model picked in the chat and shows in its history.
 */
export async function sendToChat(command: string, args = ''): Promise<void> {
  const query = `@${CHAT_PARTICIPANT_NAME} /speckit.${command}${args ? ` ${args}` : ''}`;
  await vscode.commands.executeCommand('workbench.action.chat.open', { query });
}
