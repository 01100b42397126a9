import * as path from 'node:path/posix';
import * as vscode from 'vscode';
import { nextStepLine, statusMarkdown } from '../../../core/chat/statusTable';
import { type CHAT_ASK, Commands } from '../../../ids';
import { slash } from '../../../platform/chat';
import { type ChatTurn } from '../chatTurn';

/** /speckit.status (and an empty request): every feature, its phase, progress and next step. No model. */
export async function status(turn: ChatTurn<'status' | typeof CHAT_ASK>): Promise<vscode.ChatResult> {
  await turn.model.whenIdle();
  const projects = turn.model.index.projects;
  if (projects.length === 0) {
    turn.markdown(`No spec-kit project in this workspace yet. Initialize one, then describe a feature with \`${slash('specify')}\`.`);
    turn.stream.button({ command: Commands.initProject, title: 'Initialize Project' });
    return turn.result();
  }
  turn.markdown(
    statusMarkdown(
      projects,
      (root) => vscode.workspace.asRelativePath(turn.model.uriFor(root)) || path.basename(root),
      (f) => turn.model.uriFor(f.feature.files.spec?.path ?? f.feature.dir).toString(),
    ),
  );
  const current = projects.map((p) => turn.model.index.currentFeature(p)).find((f) => f !== undefined);
  turn.markdown(`\n\n${nextStepLine(current)}\n`);
  if (current) turn.stream.button({ command: Commands.openDashboard, title: `Open the dashboard of ${current.feature.name}`, arguments: [current.feature.dir] });
  return turn.result({ featureDir: current?.feature.dir, projectRoot: current?.projectRoot });
}
