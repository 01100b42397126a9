/**
 * Maps the paths Nix prints back to workspace files. Nix evaluates a flake from its copy in the
 * store, so errors name `/nix/store/<hash>-source/<rel>` (NixOS/nix#5425); newer versions print
 * `«git+file:///repo?…»/rel`. Inputs such as nixpkgs have the same shape but are not in the
 * workspace: those stay unmapped.
 */
import * as path from 'node:path/posix';
import { type FileSystemHost } from '../workspace/fileSystem';
import { type NixDiagnostic, type NixPosition } from './nixOutput';

const STORE_SOURCE = /^\/nix\/store\/[0-9a-df-np-sv-z]{32}-source(?:\/(.*))?$/;
const LOCKED_REF = /^«(git\+file|path):(?:\/\/)?([^?»]+)(?:\?[^»]*)?»(?:\/(.*))?$/;

export interface PathMapContext {
  /** The directory holding flake.nix. */
  readonly flakeDir: string;
  /** The git work tree holding it; the store copy of a flake in a subfolder is the whole tree. */
  readonly repoRoot?: string;
  readonly fs: FileSystemHost;
}

/** The workspace file a printed path stands for, or undefined when it is outside (an input, the store). */
export async function mapNixPath(printed: string, ctx: PathMapContext): Promise<string | undefined> {
  const candidates: string[] = [];
  const store = STORE_SOURCE.exec(printed);
  const locked = LOCKED_REF.exec(printed);
  if (store) {
    const rel = store[1] ?? 'flake.nix';
    if (ctx.repoRoot) candidates.push(path.join(ctx.repoRoot, rel));
    candidates.push(path.join(ctx.flakeDir, rel));
  } else if (locked) {
    candidates.push(path.join(locked[2]!, locked[3] ?? ''));
  } else if (printed.startsWith('/') && !printed.startsWith('/nix/store/')) {
    candidates.push(path.normalize(printed));
  }
  for (const c of candidates) {
    const roots = [ctx.flakeDir, ctx.repoRoot].filter((r): r is string => !!r);
    if (!roots.some((r) => c === r || c.startsWith(r.endsWith('/') ? r : r + '/'))) continue;
    const st = await ctx.fs.stat(c);
    if (st?.type === 'file') return c;
  }
  return undefined;
}

/** Where a diagnostic belongs in the workspace: a file and a 1-based line and column. */
export interface MappedLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** false when Nix named no workspace position and the diagnostic was put on flake.nix. */
  readonly exact: boolean;
}

/**
 * The message's own position if it maps into the workspace; else the last trace frame that does
 * (the workspace code that led into an input); else the named file at line 1; else flake.nix.
 */
export async function locateDiagnostic(d: NixDiagnostic, ctx: PathMapContext): Promise<MappedLocation> {
  const at = async (p: NixPosition | undefined): Promise<MappedLocation | undefined> => {
    if (!p) return undefined;
    const file = await mapNixPath(p.path, ctx);
    return file ? { file, line: p.line, column: p.column, exact: true } : undefined;
  };
  const own = await at(d.position);
  if (own) return own;
  for (let i = d.trace.length - 1; i >= 0; i--) {
    const frame = await at(d.trace[i]);
    if (frame) return frame;
  }
  if (d.file) {
    const file = await mapNixPath(d.file, ctx);
    if (file) return { file, line: 1, column: 1, exact: true };
  }
  return { file: path.join(ctx.flakeDir, 'flake.nix'), line: 1, column: 1, exact: false };
}
