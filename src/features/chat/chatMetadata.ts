import type * as vscode from 'vscode';
import { type ClarifyQuestion } from '../../core/chat/clarify';
import { CHAT_ASK, type ChatCommand, ChatSlashCommands, type ChatTurnKind } from '../../ids';

/** The state of a clarify session, kept in the chat result's metadata (the history is the store). */
export interface ClarifyState {
  readonly featureDir: string;
  readonly questions: readonly ClarifyQuestion[];
  /** Index of the question awaiting an answer. */
  readonly next: number;
  readonly answered: ReadonlyArray<{ question: string; answer: string }>;
  readonly allAtOnce: boolean;
  readonly done: boolean;
}

/** What any command's result may say: where it worked, what it wrote, whether it failed. */
export interface ChatMetadataCommon {
  readonly featureDir?: string;
  readonly projectRoot?: string;
  readonly written?: readonly string[];
  readonly failed?: boolean;
}

/** What a command keeps beyond the common fields, for the follow-ups and the next turn. */
interface ChatMetadataExtras {
  /** Clarify sessions keep their state here: the chat history is the only session store. */
  clarify: { readonly clarify?: ClarifyState };
  /** The checklist gate stopped the run; "Proceed anyway" repeats the scope. */
  implement: { readonly gateBlocked?: boolean; readonly scope?: string };
}
type ExtrasOf<C extends ChatTurnKind> = C extends keyof ChatMetadataExtras ? ChatMetadataExtras[C] : Record<never, never>;

/** The fields a handler of command `C` fills in; the command itself comes from the turn. */
export type ChatMetadataFields<C extends ChatTurnKind> = ChatMetadataCommon & ExtrasOf<C>;

/** The metadata of a result of command `C`. */
export type ChatMetadataOf<C extends ChatTurnKind> = { readonly command: C } & ChatMetadataFields<C>;

/** What a command handler returns as the chat result's metadata: one shape per command. */
export type SpeckitChatMetadata = { [C in ChatTurnKind]: ChatMetadataOf<C> }[ChatTurnKind];

const SLASH_TO_COMMAND = new Map<string, ChatCommand>(Object.entries(ChatSlashCommands).map(([name, slash]) => [slash, name as ChatCommand]));

/** The command of a request's slash command (`speckit.plan` → `plan`), or undefined when it is not ours. */
export function chatCommandOf(slash: string): ChatCommand | undefined {
  return SLASH_TO_COMMAND.get(slash);
}

export function isChatCommand(name: string): name is ChatCommand {
  return Object.hasOwn(ChatSlashCommands, name);
}

function isTurnKind(name: unknown): name is ChatTurnKind {
  return typeof name === 'string' && (name === CHAT_ASK || isChatCommand(name));
}

/** The metadata of one of our results (history or follow-ups), or undefined for anything else. */
export function metadataOf(result: vscode.ChatResult): SpeckitChatMetadata | undefined {
  const meta: unknown = result.metadata;
  // We wrote it ourselves; the command is checked so another participant's result never passes.
  return typeof meta === 'object' && meta !== null && isTurnKind((meta as { command?: unknown }).command) ? (meta as SpeckitChatMetadata) : undefined;
}
