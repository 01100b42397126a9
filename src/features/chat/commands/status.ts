import * as path from 'node:path/posix';
import * as vscode from 'vscode';
import { nextStepLine, statusMarkdown } from '../../../core/chat/statusTable';
import { Commands } from '../../../ids';
import { type ChatTurn, type SpeckitChatMetadata } from '../chatTurn';

/** /speckit.status (and an empty request): every feature, its phase, progress and next step. No model. */
export async function status(turn: ChatTurn, command = 'status'): Promise<vscode.ChatResult> {
  await turn.app.model.whenIdle();
  const projects = turn.app.model.index.projects;
  if (projects.length === 0) {
    turn.markdown('No spec-kit project in this workspace yet. Initialize one, then describe a feature with `/speckit.specify`.');
    turn.stream.button({ command: 'speckit.initProject', title: 'Initialize Project' });
    return { metadata: { command } satisfies SpeckitChatMetadata };
  }
  turn.markdown(
    statusMarkdown(
      projects,
      (root) => vscode.workspace.asRelativePath(turn.app.model.uriFor(root)) || path.basename(root),
      (f) => turn.app.model.uriFor(f.feature.files.spec?.path ?? f.feature.dir).toString(),
    ),
  );
  const current = projects.map((p) => turn.app.model.index.currentFeature(p)).find((f) => f !== undefined);
  turn.markdown(`\n\n${nextStepLine(current)}\n`);
  if (current) turn.stream.button({ command: Commands.openDashboard, title: `Open the dashboard of ${current.feature.name}`, arguments: [current.feature.dir] });
  return { metadata: { command, featureDir: current?.feature.dir, projectRoot: current?.projectRoot } satisfies SpeckitChatMetadata };
}
