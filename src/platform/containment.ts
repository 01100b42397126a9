import * as path from 'node:path/posix';
import * as vscode from 'vscode';
import { type Access, type Containment, type ContainmentFs, type EntryKind, containAbsolute, containRelative, nodeContainmentFs } from '../core/security/containment';

/**
 * The containment rule over the workspace's file systems: node:fs for local folders (real
 * symlink resolution), VS Code's file system elsewhere, where a symlink anywhere on the way is
 * refused because it cannot be resolved.
 */
export function containmentFs(uriFor: (p: string) => vscode.Uri): ContainmentFs {
  const kindOf = async (p: string): Promise<EntryKind | undefined> => {
    try {
      const s = await vscode.workspace.fs.stat(uriFor(p));
      if (s.type & vscode.FileType.SymbolicLink) return 'symlink';
      return s.type & vscode.FileType.Directory ? 'directory' : s.type & vscode.FileType.File ? 'file' : 'other';
    } catch {
      return undefined;
    }
  };
  return {
    lstat: (p) => (uriFor(p).scheme === 'file' ? nodeContainmentFs.lstat(p) : kindOf(p)),
    async realpath(p) {
      if (uriFor(p).scheme === 'file') return nodeContainmentFs.realpath(p);
      for (let q = p; ; q = path.dirname(q)) {
        const kind = await kindOf(q);
        if (kind === 'symlink') return undefined;
        if (q === path.dirname(q)) return p;
      }
    },
  };
}

export function containIn(uriFor: (p: string) => vscode.Uri, root: string, raw: unknown, access: Access): Promise<Containment> {
  return containRelative(containmentFs(uriFor), root, raw, access);
}

export function containPathIn(uriFor: (p: string) => vscode.Uri, root: string, target: string, access: Access): Promise<Containment> {
  return containAbsolute(containmentFs(uriFor), root, target, access);
}
