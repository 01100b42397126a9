import * as path from 'node:path/posix';
import * as vscode from 'vscode';
import { nextStepLine, statusMarkdown } from '../../../core/chat/statusTable';
import { openspecStatusSection } from '../../../core/openspec/openspecChat';
import { openspecValidation } from '../../../core/workspace/openspecIndex';
import { type CHAT_ASK, Commands } from '../../../ids';
import { slash } from '../../../platform/chat';
import { type ChatTurn } from '../chatTurn';

/** /speckit.status (and an empty request): every feature, its phase, progress and next step; every OpenSpec change too. No model. */
export async function status(turn: ChatTurn<'status' | typeof CHAT_ASK>): Promise<vscode.ChatResult> {
  await turn.model.whenIdle();
  const projects = turn.model.index.projects;
  const openspec = turn.model.index.openspecProjects;
  const label = (root: string): string => vscode.workspace.asRelativePath(turn.model.uriFor(root)) || path.basename(root);
  const openspecMarkdown = (): string =>
    openspec
      .map((o) => {
        const errors = openspecValidation(o.project).findings.filter((f) => f.severity === 'error').length;
        const changeLink = (c: { dir: string; proposal?: { path: string } | undefined; tasks?: { path: string } | undefined }): string => turn.model.uriFor(c.proposal?.path ?? c.tasks?.path ?? c.dir).toString();
        const folder = vscode.workspace.getWorkspaceFolder(turn.model.uriFor(o.project.root));
        const rel = folder ? path.relative(folder.uri.path, o.project.root) : '';
        // Named as the Spec Explorer names it: the workspace folder, and the path below it.
        const heading = folder ? (rel ? `${folder.name}/${rel}` : folder.name) : label(o.project.root);
        return openspecStatusSection(o.project, heading, changeLink, errors).join('\n');
      })
      .join('\n\n') + '\n';
  if (projects.length === 0 && openspec.length > 0) {
    turn.markdown(openspecMarkdown());
    turn.markdown(`\n\nOn a change: \`${slash('implement')} <change-id> [1.2 | group 1]\`, \`${slash('analyze')} <change-id>\` (or open the change's tasks.md and use its lenses).\n`);
    return turn.result();
  }
  if (projects.length === 0) {
    turn.markdown(`No spec-kit project in this workspace yet. Initialize one, then describe a feature with \`${slash('specify')}\`.`);
    turn.stream.button({ command: Commands.initProject, title: 'Initialize Project' });
    return turn.result();
  }
  turn.markdown(statusMarkdown(projects, label, (f) => turn.model.uriFor(f.feature.files.spec?.path ?? f.feature.dir).toString()));
  if (openspec.length > 0) turn.markdown(`\n${openspecMarkdown()}`);
  const current = projects.map((p) => turn.model.index.currentFeature(p)).find((f) => f !== undefined);
  turn.markdown(`\n\n${nextStepLine(current)}\n`);
  if (current) turn.stream.button({ command: Commands.openDashboard, title: `Open the dashboard of ${current.feature.name}`, arguments: [current.feature.dir] });
  return turn.result({ featureDir: current?.feature.dir, projectRoot: current?.projectRoot });
}
