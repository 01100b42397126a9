import * as path from 'node:path/posix';
import { type WorkspaceIndex } from './workspaceIndex';

/** The index as plain JSON: what `speckit-vscode scan --json` prints and tests compare. */
export interface ScanJson {
  projects: Array<{
    root: string;
    constitution: { version: string | null; placeholder: boolean } | null;
    /** Current feature directory, relative to the root. */
    current: string | null;
    features: Array<{
      /** Relative to the project root (`specs/001-x`). */
      dir: string;
      number: number | null;
      name: string;
      phase: string;
      label: string;
      tasks: { done: number; total: number };
      markers: number;
      checklists: { passed: number; total: number };
      stale: boolean;
      next: string | null;
    }>;
  }>;
}

export function toScanJson(index: WorkspaceIndex): ScanJson {
  return {
    projects: index.projects.map((p) => ({
      root: p.project.root,
      constitution: p.constitution ? { version: filled(p.constitution.version?.value), placeholder: p.constitution.isPlaceholder } : null,
      current: p.current ? path.relative(p.project.root, p.current.dir) : null,
      features: p.features.map((f) => ({
        dir: f.feature.relDir,
        number: f.feature.number ?? null,
        name: f.feature.name,
        phase: f.status.phase,
        label: f.status.label,
        tasks: { ...f.status.tasks },
        markers: f.status.markers,
        checklists: { ...f.status.checklists },
        stale: f.status.stale.length > 0,
        next: f.status.next ? `/speckit.${f.status.next}` : null,
      })),
    })),
  };
}

/** A template token such as `[CONSTITUTION_VERSION]` is no version. */
function filled(value: string | undefined): string | null {
  return value === undefined || /^\[[A-Z0-9_]+\]$/.test(value) ? null : value;
}
