import * as vscode from 'vscode';
import { type Resolution, resolveExecutable } from '../core/security/executables';

export interface ProgramRequest {
  /** `nix`, `git`, `nixos-rebuild`, `sh`. */
  readonly name: string;
  /** The setting naming the program (`speckit.nix.path`), if there is one. */
  readonly setting?: string;
  readonly scope?: vscode.Uri;
  /** Whether the workspace is trusted (the Nix trust gate, or vscode.workspace.isTrusted). */
  readonly trusted: boolean;
  /** A fixed path to check instead of a setting (`/bin/sh`). */
  readonly fixed?: string;
}

/**
 * The absolute path of a program outside the workspace folders, or why there is none. Nothing is
 * resolved for running in a restricted workspace; a configured path may point into the workspace
 * only in a trusted one (the user chose it).
 */
export function resolveProgram(req: ProgramRequest): Resolution {
  if (!req.trusted) return { ok: false, reason: 'the workspace is not trusted, so nothing is run' };
  const configured = req.fixed ?? (req.setting ? vscode.workspace.getConfiguration(undefined, req.scope).get<string>(req.setting)?.trim() : undefined);
  const roots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  return resolveExecutable({
    name: req.name,
    configured,
    allowWorkspacePath: req.fixed === undefined && !!configured && configured !== req.name,
    pathEnv: process.env['PATH'],
    workspaceRoots: roots,
  });
}
