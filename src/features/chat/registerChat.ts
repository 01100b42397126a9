import * as vscode from 'vscode';
import { followupsFor } from '../../core/chat/handoffs';
import { type SpeckitExtension } from '../../app';
import { CHAT_PARTICIPANT_ID, ChatCommands } from '../../ids';
import { PROPOSAL_SCHEME, ProposalStore, writeArtifacts } from './artifactWriter';
import { ChatTurn, type SpeckitChatMetadata } from './chatTurn';
import { analyze } from './commands/analyze';
import { ask } from './commands/ask';
import { checklist } from './commands/checklist';
import { clarify, type ClarifyState, pendingSession } from './commands/clarify';
import { constitution } from './commands/constitution';
import { converge } from './commands/converge';
import { implement } from './commands/implement';
import { plan } from './commands/plan';
import { specify } from './commands/specify';
import { status } from './commands/status';
import { tasks } from './commands/tasks';
import { taskstoissues } from './commands/taskstoissues';
import { makeBranch } from '../commands/createFeature';

type Handler = (turn: ChatTurn) => Promise<vscode.ChatResult>;

/** Chat commands by name, as the user types them after `@speckit`. More are added by later features. */
export const CHAT_HANDLERS = new Map<string, Handler>([
  ['speckit.constitution', constitution],
  ['speckit.specify', specify],
  ['speckit.clarify', clarify],
  ['speckit.plan', plan],
  ['speckit.tasks', tasks],
  ['speckit.status', status],
  ['speckit.analyze', analyze],
  ['speckit.checklist', checklist],
  ['speckit.implement', implement],
  ['speckit.converge', converge],
  ['speckit.taskstoissues', taskstoissues],
]);

/** The `@speckit` participant: spec-kit's commands in the chat view, streamed from the user's model. */
export function registerChat(app: SpeckitExtension): void {
  const proposals = new ProposalStore();
  const recording = app.context.extensionMode === vscode.ExtensionMode.Test;
  const participant = vscode.chat.createChatParticipant(CHAT_PARTICIPANT_ID, async (request, context, stream, token) => {
    const transcript: ChatTranscript = { command: request.command, prompt: request.prompt, parts: [], result: undefined };
    const turn = new ChatTurn(app, request, context, recording ? recordingStream(stream, transcript) : stream, token, proposals);
    const result = await dispatch(turn);
    if (recording) {
      transcript.result = result;
      app.chatTranscripts.push(transcript);
    }
    return result;
  });
  const dispatch = async (turn: ChatTurn): Promise<vscode.ChatResult> => {
    const { request, context } = turn;
    // A reply to an open clarification question needs no command.
    const handler = request.command ? CHAT_HANDLERS.get(request.command) : pendingSession(context) ? clarify : ask;
    if (!handler) return turn.fail(`Unknown command /${request.command}.`, request.command ?? 'unknown');
    try {
      return await handler(turn);
    } catch (e) {
      app.log.error(`@speckit /${request.command ?? ''} failed`, e instanceof Error ? e : String(e));
      return { errorDetails: { message: `Spec Kit could not finish: ${e instanceof Error ? e.message : String(e)}. Nothing half-written was left behind.` }, metadata: { command: request.command ?? 'ask', failed: true } };
    }
  };
  participant.iconPath = vscode.Uri.joinPath(app.context.extensionUri, 'media', 'speckit-participant.svg');
  participant.followupProvider = {
    provideFollowups: (result) => followups(app, result),
  };

  app.own(
    participant,
    vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, proposals),
    vscode.commands.registerCommand(ChatCommands.applyProposal, async (id: string) => {
      const proposal = proposals.get(id);
      if (!proposal) {
        void vscode.window.showWarningMessage('This proposal is no longer available; run the command again.');
        return false;
      }
      const outcome = await writeArtifacts(app.model, proposal.projectRoot, proposal.writes, proposal.label);
      if (outcome.refused.length > 0) {
        void vscode.window.showWarningMessage(`Nothing was written: ${outcome.refused.map((r) => `${r.path}: ${r.reason}`).join('; ')}`);
        return false;
      }
      proposals.delete(id);
      await app.model.refreshNow(outcome.written.map((u) => u.path));
      void vscode.window.showInformationMessage(`Spec Kit wrote ${outcome.written.length} file${outcome.written.length === 1 ? '' : 's'} (undo with Ctrl+Z in each).`);
      return true;
    }),
    vscode.commands.registerCommand(ChatCommands.openProposal, async (uri: vscode.Uri) => {
      const doc = await vscode.workspace.openTextDocument({ content: proposals.provideTextDocumentContent(uri), language: 'markdown' });
      await vscode.window.showTextDocument(doc);
    }),
    vscode.commands.registerCommand(ChatCommands.createBranch, async (root: string, branch: string) => {
      const result = await makeBranch(app, root, branch);
      if (result.branch) void vscode.window.showInformationMessage(`Created and checked out branch ${result.branch}.`);
      else void vscode.window.showWarningMessage(`No branch created: ${result.branchProblem ?? 'unknown reason'}.`);
      return result.branch;
    }),
  );
}

/** Follow-ups ("handoffs") from the feature's real state after the command. */
function followups(app: SpeckitExtension, result: vscode.ChatResult): vscode.ChatFollowup[] {
  const meta = result.metadata as SpeckitChatMetadata | undefined;
  if (!meta || meta.failed) return [];
  const state = meta.clarify as ClarifyState | undefined;
  if (meta.command === 'clarify' && state && !state.done && !state.allAtOnce) {
    const q = state.questions[state.next];
    const options: vscode.ChatFollowup[] = (q?.options ?? []).map((o) => ({ prompt: o.label, label: `${o.label}: ${o.description}`, command: 'speckit.clarify' }));
    if (q?.recommended) options.unshift({ prompt: 'yes', label: `Accept the ${q.kind === 'choice' ? 'recommendation' : 'suggestion'} (${q.recommended})`, command: 'speckit.clarify' });
    return [...options, { prompt: 'done', label: 'Done: stop asking', command: 'speckit.clarify' }];
  }
  const gate = meta as SpeckitChatMetadata & { gateBlocked?: boolean; scope?: string };
  if (meta.command === 'implement' && gate.gateBlocked) {
    return [{ prompt: `${gate.scope ?? ''} proceed anyway`.trim(), label: 'Proceed anyway', command: 'speckit.implement' }];
  }
  if (meta.command === 'taskstoissues') {
    // Once tasks have issues, the way back is the sync.
    return [{ prompt: 'sync', label: 'Sync task states from GitHub', command: 'speckit.taskstoissues' }];
  }
  const feature = meta.featureDir ? app.model.index.featureFor(meta.featureDir) : undefined;
  const after = (['constitution', 'specify', 'clarify', 'plan', 'tasks', 'status', 'ask'] as const).find((c) => c === meta.command);
  if (!after) return [];
  return followupsFor(after, feature?.status).map((f) => ({ prompt: f.prompt, label: f.label, command: `speckit.${f.command}` }));
}

/** What a chat request showed, recorded in test mode so integration tests can read the response. */
export interface ChatTranscript {
  readonly command: string | undefined;
  readonly prompt: string;
  readonly parts: Array<{ kind: string; text: string }>;
  result: vscode.ChatResult | undefined;
}

function recordingStream(stream: vscode.ChatResponseStream, transcript: ChatTranscript): vscode.ChatResponseStream {
  // A plain wrapper, not a Proxy: the host's stream object is frozen.
  const note = (kind: string, text: string): void => {
    transcript.parts.push({ kind, text });
  };
  const wrapper: vscode.ChatResponseStream = {
    markdown(value) {
      note('markdown', typeof value === 'string' ? value : value.value);
      stream.markdown(value);
    },
    anchor(value, title) {
      note('anchor', title ?? (value instanceof vscode.Uri ? value.toString() : value.uri.toString()));
      stream.anchor(value, title);
    },
    button(command) {
      note('button', `${command.title} ${JSON.stringify(command.arguments ?? [])}`);
      stream.button(command);
    },
    filetree(value, baseUri) {
      note('filetree', JSON.stringify(value));
      stream.filetree(value, baseUri);
    },
    progress(value) {
      note('progress', value);
      stream.progress(value);
    },
    reference(value, iconPath) {
      note('reference', value instanceof vscode.Uri ? value.toString() : JSON.stringify(value));
      stream.reference(value, iconPath);
    },
    push(part) {
      note('push', part.constructor.name);
      stream.push(part);
    },
  };
  return wrapper;
}
