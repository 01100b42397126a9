import * as vscode from 'vscode';
import { changeNamedIn, openspecRedirect } from '../../../core/openspec/openspecChat';
import { type OpenSpecChange } from '../../../core/openspec/project';
import { type IndexedOpenSpec, openspecChangeAt } from '../../../core/workspace/openspecIndex';
import { type ChatTurnKind } from '../../../ids';
import { type ChatTurn } from '../chatTurn';

/** An OpenSpec change a request is about, and the request without the change id (its scope). */
export interface ChangeTarget {
  readonly project: IndexedOpenSpec;
  readonly change: OpenSpecChange;
  readonly rest: string;
}

function activePath(): string | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  return uri?.scheme === 'file' ? uri.path : undefined;
}

/**
 * The OpenSpec change a command works on: the one the request names by id (what the Spec Explorer's
 * menu sends), else the active editor's, else, in a workspace with OpenSpec projects and no spec-kit
 * project, the only active change or the one the user picks. Undefined: the spec-kit way applies.
 */
export async function openspecChange(turn: ChatTurn, pickWhenOnlyOpenSpec: boolean): Promise<ChangeTarget | undefined> {
  await turn.model.whenIdle();
  const index = turn.model.index;
  const projects = index.openspecProjects;
  if (projects.length === 0) return undefined;
  const named = changeNamedIn(turn.prompt, projects);
  if (named) return named;
  const active = activePath();
  if (active) {
    const at = openspecChangeAt(projects, active);
    if (at) return { ...at, rest: turn.prompt };
    if (index.featureFor(active)) return undefined;
  }
  if (!pickWhenOnlyOpenSpec || index.projects.length > 0) return undefined;
  const changes = projects.flatMap((project) => project.project.changes.map((change) => ({ project, change })));
  if (changes.length === 0) return undefined;
  if (changes.length === 1) return { ...changes[0]!, rest: turn.prompt };
  // Open work first: the change a user implements or analyzes is rarely a complete one.
  const order = { 'in-progress': 0, proposed: 1, complete: 2, archived: 3 } as const;
  const sorted = [...changes].sort((a, b) => order[a.change.status] - order[b.change.status] || a.change.id.localeCompare(b.change.id));
  const picked = await turn.services.prompter.pick(
    sorted.map((c) => ({ label: c.change.id, description: `${c.change.progress.done}/${c.change.progress.total} · ${c.change.status}`, detail: c.change.proposal?.doc.title?.value, target: c })),
    { title: 'Which OpenSpec change?', placeHolder: 'Change (tasks done · status)', matchOnDescription: true },
  );
  return picked ? { ...picked.target, rest: turn.prompt } : undefined;
}

/**
 * The answer of a spec-kit command that writes spec-kit files (specify, plan, tasks, clarify, …) when
 * the request is about an OpenSpec change or project: named in the request, the active editor's, or
 * a workspace with OpenSpec projects only. Undefined when the command should run as usual.
 */
export async function openspecRefusal(turn: ChatTurn, command: ChatTurnKind): Promise<string | undefined> {
  if (!openspecRedirect(command, undefined)) return undefined;
  await turn.model.whenIdle();
  const index = turn.model.index;
  const projects = index.openspecProjects;
  if (projects.length === 0) return undefined;
  const named = changeNamedIn(turn.prompt, projects);
  if (named) return openspecRedirect(command, named.change.id);
  const active = activePath();
  if (active) {
    const at = openspecChangeAt(projects, active);
    if (at) return openspecRedirect(command, at.change.id);
    if (index.openspecFor(active)) return openspecRedirect(command, undefined);
    if (index.projectFor(active)) return undefined;
  }
  return index.projects.length === 0 ? openspecRedirect(command, undefined) : undefined;
}
