import { refusal } from '../../../core/chat/toolRefusal';
import { Tools } from '../../../ids';

/**
 * The `speckit_*` tools a question may use: the ones that only read. Setting a task's state and
 * running the verification change the workspace, so `@speckit <question>` never offers them (they
 * stay available to agent mode, where VS Code asks before each one).
 */
export const READ_ONLY_TOOLS: ReadonlySet<string> = new Set<string>([Tools.listFeatures, Tools.readFeature, Tools.analyzeFeature]);

export function isReadOnlyTool(name: string): boolean {
  return READ_ONLY_TOOLS.has(name);
}

/** The feature a tool call names, for the progress line (the model's input is untrusted: one short line). */
function featureNamed(input: unknown): string | undefined {
  const raw = typeof input === 'object' && input !== null ? (input as { feature?: unknown }).feature : undefined;
  if (typeof raw !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex -- a progress line must stay one line
  const name = raw.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029`*_[\]<>|\\]+/g, ' ').trim();
  return name ? name.slice(0, 80) : undefined;
}

/** What the chat shows while a tool the model called runs. */
export function toolProgress(name: string, input: unknown): string {
  const feature = featureNamed(input) ?? 'the current feature';
  switch (name) {
    case Tools.listFeatures:
      return 'Listing the features…';
    case Tools.readFeature:
      return `Reading ${feature}…`;
    case Tools.analyzeFeature:
      return `Analyzing ${feature}…`;
    default:
      return `Calling ${name.slice(0, 80)}…`;
  }
}

/** The tool result the model gets when it calls a tool it was not offered: nothing was run. */
export function refusedToolResult(name: string): string {
  return refusal(`${name} is not available when answering a question; nothing was run. @speckit questions only read (${[...READ_ONLY_TOOLS].join(', ')}). Answer from what you have, and tell the user which command makes the change (for example /speckit.implement).`);
}

/** Said to the model with the instructions: which tools it has and that it writes nothing. */
export const TOOLS_NOTE = `You may call the read-only Spec Kit tools (${[...READ_ONLY_TOOLS].join(', ')}) to list the workspace's features, read another feature's spec, plan and tasks, or run the deterministic analysis. You cannot change any file.`;

/**
 * The instructions sent with the question, from the `ask` template's assembled messages (the
 * command's text, then the feature's artifacts fenced as data, then the user input last), then the
 * tools note. The user-input message is left out: the chat library sends the question itself,
 * after the history and the attached references.
 */
export function askInstructions(messages: ReadonlyArray<{ readonly role: 'user' | 'assistant'; readonly text: string }>): string {
  return [...messages.slice(0, -1).filter((m) => m.role === 'user').map((m) => m.text), TOOLS_NOTE].join('\n\n');
}
