import * as path from 'path';
import * as vscode from 'vscode';
import { followupsFor } from '../../core/chat/handoffs';
import { changeFollowups } from '../../core/openspec/openspecChat';
import { openspecChangeAt } from '../../core/workspace/openspecIndex';
import { CHAT_ASK, CHAT_PARTICIPANT_ID, ChatCommands, ChatSlashCommands, type ChatTurnKind } from '../../ids';
import { type ChatTranscript } from '../../platform/chat';
import { makeBranch } from '../../platform/featureCreation';
import { type SpeckitServices } from '../../platform/services';
import { type WorkspaceModel } from '../../platform/workspaceModel';
import { describeIncompleteWrite, PROPOSAL_SCHEME, ProposalStore, writeArtifacts } from './artifactWriter';
import { afterCommand, beforeCommand, runHookFromButton } from './chatHooks';
import { chatCommandOf, metadataOf } from './chatMetadata';
import { ChatTurn } from './chatTurn';
import { extensionCommandTurn, typedExtensionCommand } from './extensionCommand';
import { analyze } from './commands/analyze';
import { ask } from './commands/ask';
import { checklist } from './commands/checklist';
import { clarify, pendingSession } from './commands/clarify';
import { constitution } from './commands/constitution';
import { converge } from './commands/converge';
import { implement } from './commands/implement';
import { openspecRefusal } from './commands/openspecTarget';
import { plan } from './commands/plan';
import { specify } from './commands/specify';
import { status } from './commands/status';
import { tasks } from './commands/tasks';
import { taskstoissues } from './commands/taskstoissues';

type Handler<C extends ChatTurnKind> = (turn: ChatTurn<C>) => Promise<vscode.ChatResult>;

/** The handler of each command (the slash commands of `ChatSlashCommands`, and `ask` for a bare question). */
const HANDLERS: { readonly [C in ChatTurnKind]: Handler<C> } = {
  constitution,
  specify,
  clarify,
  plan,
  checklist,
  tasks,
  analyze,
  implement,
  converge,
  status,
  taskstoissues,
  [CHAT_ASK]: ask,
};

/** Runs a turn with its command's handler, between the command's extension hooks. */
async function run<C extends ChatTurnKind>(turn: ChatTurn<C>): Promise<vscode.ChatResult> {
  // Commands that write spec-kit files never run on an OpenSpec change: they say what OpenSpec users do instead.
  const refusal = await openspecRefusal(turn, turn.command);
  if (refusal) {
    turn.markdown(refusal);
    return turn.failed();
  }
  // `/speckit.<ext>.<command>` is no slash command of ours: another extension's command, run through the model.
  const typed = turn.command === CHAT_ASK ? typedExtensionCommand(turn.prompt) : undefined;
  if (typed) return extensionCommandTurn(turn, typed);
  const stopped = await beforeCommand(turn);
  if (stopped) return stopped;
  const handler: Handler<C> = HANDLERS[turn.command];
  const result = await handler(turn);
  await afterCommand(turn, result);
  return result;
}

/** The `@speckit` participant: spec-kit's commands in the chat view, streamed from the user's model. */
export function registerChat(services: SpeckitServices): void {
  const { log, context: extension, chatTranscripts } = services;
  const proposals = new ProposalStore();
  const participant = vscode.chat.createChatParticipant(CHAT_PARTICIPANT_ID, async (request, context, stream, token) => {
    const transcript: ChatTranscript = { command: request.command, prompt: request.prompt, parts: [], result: undefined };
    const shown = chatTranscripts ? recordingStream(stream, transcript) : stream;
    // A reply to an open clarification question needs no command.
    const command = !request.command ? (pendingSession(context) ? 'clarify' : CHAT_ASK) : chatCommandOf(request.command);
    const turn = new ChatTurn(services, command ?? CHAT_ASK, request, context, shown, token, proposals);
    const result = command ? await dispatch(turn) : turn.fail(`Unknown command /${request.command ?? ''}.`);
    if (chatTranscripts) {
      transcript.result = result;
      chatTranscripts.push(transcript);
    }
    return result;
  });
  const dispatch = async (turn: ChatTurn): Promise<vscode.ChatResult> => {
    try {
      return await run(turn);
    } catch (e) {
      log.error(`@speckit /${turn.request.command ?? ''} failed`, e instanceof Error ? e : String(e));
      return { errorDetails: { message: `Spec Kit could not finish: ${e instanceof Error ? e.message : String(e)}. Nothing half-written was left behind.` }, ...turn.failed() };
    }
  };
  participant.iconPath = vscode.Uri.joinPath(extension.extensionUri, 'media', 'speckit-participant.svg');
  participant.followupProvider = {
    provideFollowups: (result) => followups(services.model, result),
  };

  services.own(
    participant,
    vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, proposals),
    vscode.commands.registerCommand(ChatCommands.applyProposal, async (id: string) => {
      const proposal = proposals.get(id);
      if (!proposal) {
        void vscode.window.showWarningMessage('This proposal is no longer available; run the command again.');
        return false;
      }
      const outcome = await writeArtifacts(services.model, proposal.projectRoot, proposal.writes, proposal.label);
      const relative = (p: string): string => path.relative(proposal.projectRoot, p) || p;
      const stale = outcome.refused.filter((r) => r.stale);
      if (stale.length > 0 && stale.length === outcome.refused.length) {
        // Never over what the user has not seen: the same change against today's file, as a fresh diff to apply again.
        const fresh = await proposals.refresh(id, (p) => services.model.uriFor(p));
        const first = fresh?.writes.find((w) => w.path === stale[0]!.path);
        if (fresh && first) {
          await vscode.commands.executeCommand('vscode.diff', services.model.uriFor(first.path), proposals.uriFor(fresh, first), `${path.basename(first.path)} ↔ proposed (fresh)`);
        }
        void vscode.window.showWarningMessage(`Nothing was written: ${stale.map((r) => relative(r.path)).join(', ')} changed since the proposal was shown. Review the fresh diff, then apply again.`);
        return false;
      }
      const incomplete = describeIncompleteWrite(outcome, relative);
      if (incomplete) {
        void vscode.window.showWarningMessage(incomplete);
        if (outcome.unsaved.length > 0) proposals.delete(id);
        return false;
      }
      proposals.delete(id);
      await services.model.refreshNow(outcome.written.map((u) => u.path));
      void vscode.window.showInformationMessage(`Spec Kit wrote ${outcome.written.length} file${outcome.written.length === 1 ? '' : 's'} (undo with Ctrl+Z in each).`);
      return true;
    }),
    vscode.commands.registerCommand(ChatCommands.openProposal, async (uri: vscode.Uri) => {
      const doc = await vscode.workspace.openTextDocument({ content: proposals.provideTextDocumentContent(uri), language: 'markdown' });
      await vscode.window.showTextDocument(doc);
    }),
    vscode.commands.registerCommand(ChatCommands.createBranch, async (root: string, branch: string) => {
      const result = await makeBranch(services, root, branch);
      if (result.branch) void vscode.window.showInformationMessage(`Created and checked out branch ${result.branch}.`);
      else void vscode.window.showWarningMessage(`No branch created: ${result.branchProblem ?? 'unknown reason'}.`);
      return result.branch;
    }),
    vscode.commands.registerCommand(ChatCommands.runHook, async (root: string, command: string, event: string, input?: string) => {
      const outcome = await runHookFromButton(services, root, command, event, input ?? '');
      const detail = outcome.lines.length > 0 ? ` ${outcome.lines.join(' ')}` : '';
      if (outcome.ok) void vscode.window.showInformationMessage(`/${command}: ${outcome.summary}.${detail}`);
      else void vscode.window.showWarningMessage(`/${command} failed: ${outcome.summary}.${detail}`);
      return { ok: outcome.ok, summary: outcome.summary, lines: outcome.lines, branch: outcome.branch };
    }),
  );
}

/** Follow-ups ("handoffs") from the feature's real state after the command. */
function followups(model: WorkspaceModel, result: vscode.ChatResult): vscode.ChatFollowup[] {
  const meta = metadataOf(result);
  if (!meta || meta.failed) return [];
  if (meta.command === 'clarify' && meta.clarify && !meta.clarify.done && !meta.clarify.allAtOnce) {
    const state = meta.clarify;
    const command = ChatSlashCommands.clarify;
    const q = state.questions[state.next];
    const options: vscode.ChatFollowup[] = (q?.options ?? []).map((o) => ({ prompt: o.label, label: `${o.label}: ${o.description}`, command }));
    if (q?.recommended) options.unshift({ prompt: 'yes', label: `Accept the ${q.kind === 'choice' ? 'recommendation' : 'suggestion'} (${q.recommended})`, command });
    return [...options, { prompt: 'done', label: 'Done: stop asking', command }];
  }
  if (meta.command === 'implement' && meta.gateBlocked) {
    return [{ prompt: `${meta.scope ?? ''} proceed anyway`.trim(), label: 'Proceed anyway', command: ChatSlashCommands.implement }];
  }
  if (meta.command === 'taskstoissues') {
    // Once tasks have issues, the way back is the sync.
    return [{ prompt: 'sync', label: 'Sync task states from GitHub', command: ChatSlashCommands.taskstoissues }];
  }
  const change = meta.featureDir ? openspecChangeAt(model.index.openspecProjects, meta.featureDir)?.change : undefined;
  if (change) return changeFollowups(meta.command, change).map((f) => ({ prompt: f.prompt, label: f.label, command: ChatSlashCommands[f.command] }));
  const feature = meta.featureDir ? model.index.featureFor(meta.featureDir) : undefined;
  return followupsFor(meta.command, feature?.status).map((f) => ({ prompt: f.prompt, label: f.label, command: ChatSlashCommands[f.command] }));
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
