/** What an OpenSpec file is, from its path alone (so surfaces can pick a parser without reading it). */
export type OpenSpecKind =
  | 'openspec-project'
  | 'openspec-agents'
  | 'openspec-config'
  | 'openspec-spec'
  | 'openspec-proposal'
  | 'openspec-design'
  | 'openspec-tasks'
  | 'openspec-delta'
  | 'openspec-change-file';

export interface OpenSpecPathInfo {
  readonly kind: OpenSpecKind;
  /** The folder holding `openspec/`. */
  readonly root: string;
  /** Capability id (`auth`, `platform/api`) of a spec or delta. */
  readonly capability: string | undefined;
  /** Change folder name (with the date for archived changes). */
  readonly changeFolder: string | undefined;
  readonly archived: boolean;
}

const CHANGE_FILES: Readonly<Record<string, OpenSpecKind>> = { 'proposal.md': 'openspec-proposal', 'design.md': 'openspec-design', 'tasks.md': 'openspec-tasks' };

/**
 * The OpenSpec kind of a file (POSIX or Windows path), or undefined when it is not an OpenSpec
 * file. The nearest enclosing `openspec/` folder decides, so a project nested in a monorepo works.
 */
export function openspecFileKind(filePath: string): OpenSpecPathInfo | undefined {
  const parts = filePath.replace(/\\/g, '/').split('/');
  for (let i = parts.length - 2; i >= 0; i--) {
    if (parts[i] !== 'openspec') continue;
    const info = classify(parts.slice(0, i).join('/') || '/', parts.slice(i + 1));
    if (info) return info;
  }
  return undefined;
}

function classify(root: string, rest: string[]): OpenSpecPathInfo | undefined {
  const base = { root, capability: undefined, changeFolder: undefined, archived: false };
  if (rest.length === 1) {
    const kind = rest[0] === 'project.md' ? 'openspec-project' : rest[0] === 'AGENTS.md' ? 'openspec-agents' : /^config\.ya?ml$/.test(rest[0]!) ? 'openspec-config' : undefined;
    return kind ? { ...base, kind } : undefined;
  }
  if (rest[0] === 'specs') {
    // specs/<capability…>/spec.md
    if (rest.length >= 3 && rest[rest.length - 1] === 'spec.md' && !rest.some((p) => p.startsWith('.'))) return { ...base, kind: 'openspec-spec', capability: rest.slice(1, -1).join('/') };
    return undefined;
  }
  if (rest[0] !== 'changes' || rest.length < 3) return undefined;
  const archived = rest[1] === 'archive';
  const change = archived ? rest.slice(2) : rest.slice(1);
  if (change.length < 2 || change.some((p) => p.startsWith('.'))) return undefined;
  const folder = change[0]!;
  const inside = change.slice(1);
  const at = { ...base, changeFolder: folder, archived };
  if (inside.length === 1) {
    const kind = CHANGE_FILES[inside[0]!];
    if (kind) return { ...at, kind };
    return inside[0]!.toLowerCase().endsWith('.md') ? { ...at, kind: 'openspec-change-file' } : undefined;
  }
  if (inside[0] === 'specs' && inside.length >= 3 && inside[inside.length - 1] === 'spec.md') return { ...at, kind: 'openspec-delta', capability: inside.slice(1, -1).join('/') };
  return inside[inside.length - 1]!.toLowerCase().endsWith('.md') ? { ...at, kind: 'openspec-change-file' } : undefined;
}
