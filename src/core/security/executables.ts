/**
 * Which file runs when the extension starts `nix`, `git`, `sh` or `nixos-rebuild`. A bare name given
 * to spawn is looked up by the OS in PATH, and an empty or relative PATH entry means "the working
 * directory": a repository that ships an executable `nix` would then run when we probe for Nix with
 * the workspace as working directory. So every program is resolved here to an absolute path outside
 * the workspace folders, and only that path is run. A path the user configured may point into the
 * workspace only when the caller allows it (a trusted workspace).
 */
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';

export interface ExecutableFs {
  /** A regular file this process may execute. */
  isExecutableFile(p: string): boolean;
  /** Canonical path, or undefined when it does not exist. */
  realpath(p: string): string | undefined;
}

export interface ResolveRequest {
  /** The program's name, e.g. `nix`. */
  readonly name: string;
  /** A configured value (`speckit.nix.path`): a bare name (searched in PATH) or a path; empty = `name`. */
  readonly configured?: string | undefined;
  /** A configured path may lie inside a workspace folder (the user set it in a trusted workspace). */
  readonly allowWorkspacePath?: boolean;
  /** The PATH to search (process.env.PATH). */
  readonly pathEnv: string | undefined;
  /** Folders whose content is never run unless configured: the workspace folders. */
  readonly workspaceRoots: readonly string[];
  readonly fs?: ExecutableFs;
}

export type Resolution = { readonly ok: true; readonly path: string; readonly from: 'setting' | 'PATH' } | { readonly ok: false; readonly reason: string };

export function resolveExecutable(req: ResolveRequest): Resolution {
  const fs = req.fs ?? nodeExecutableFs;
  const roots = req.workspaceRoots.flatMap((r) => [path.resolve(r), fs.realpath(r)]).filter((r): r is string => !!r);
  const inWorkspace = (p: string): boolean => [p, fs.realpath(p)].some((q) => q !== undefined && roots.some((r) => q === r || q.startsWith(r.endsWith(path.sep) ? r : r + path.sep)));
  const configured = req.configured?.trim() || req.name;

  if (configured.includes('/') || configured.includes(path.sep)) {
    if (!path.isAbsolute(configured) && !req.allowWorkspacePath) return { ok: false, reason: `${configured} is a relative path; only an absolute path outside the workspace is run` };
    const full = path.isAbsolute(configured) ? path.normalize(configured) : path.resolve(req.workspaceRoots[0] ?? '/', configured);
    if (!req.allowWorkspacePath && inWorkspace(full)) return { ok: false, reason: `${full} is inside the workspace; programs shipped by a repository are not run` };
    if (!fs.isExecutableFile(full)) return { ok: false, reason: `${full} is not an executable file` };
    return { ok: true, path: full, from: 'setting' };
  }

  const skipped: string[] = [];
  for (const dir of (req.pathEnv ?? '').split(path.delimiter)) {
    // Empty and relative entries name the working directory: never searched.
    if (!dir || !path.isAbsolute(dir)) continue;
    if (inWorkspace(dir)) {
      skipped.push(dir);
      continue;
    }
    const candidate = path.join(dir, configured);
    if (!fs.isExecutableFile(candidate)) continue;
    if (inWorkspace(candidate)) {
      skipped.push(candidate);
      continue;
    }
    return { ok: true, path: candidate, from: 'PATH' };
  }
  const note = skipped.length ? ` (skipped inside the workspace: ${skipped.join(', ')})` : '';
  return { ok: false, reason: `${configured} was not found on PATH${note}` };
}

export const nodeExecutableFs: ExecutableFs = {
  isExecutableFile(p) {
    try {
      if (!statSync(p).isFile()) return false;
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  realpath(p) {
    try {
      return realpathSync(p);
    } catch {
      return undefined;
    }
  },
};
