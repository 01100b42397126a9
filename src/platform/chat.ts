import * as vscode from 'vscode';
import { CHAT_PARTICIPANT_NAME, type ChatCommand, ChatSlashCommands } from '../ids';

/**
 * Sends `@speckit /speckit.<command> <args>` through the chat view, as if typed: the same path a
 * user takes, so the request gets the model picked in the chat and shows in its history.
 */
export async function sendToChat(command: ChatCommand, args = ''): Promise<void> {
  const query = `@${CHAT_PARTICIPANT_NAME} /${ChatSlashCommands[command]}${args ? ` ${args}` : ''}`;
  await vscode.commands.executeCommand('workbench.action.chat.open', { query });
}

/** What a chat request showed, recorded in test mode so integration tests can read the response. */
export interface ChatTranscript {
  readonly command: string | undefined;
  readonly prompt: string;
  readonly parts: Array<{ kind: string; text: string }>;
  result: vscode.ChatResult | undefined;
}

/** How a slash command is written in messages: `/speckit.plan`. */
export function slash(command: ChatCommand): string {
  return `/${ChatSlashCommands[command]}`;
}
