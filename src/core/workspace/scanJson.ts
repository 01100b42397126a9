import * as path from 'node:path/posix';
import { type WorkspaceIndex } from './workspaceIndex';

/** The index as plain JSON: what `speckit-vscode scan --json` prints and tests compare. */
export interface ScanJson {
  projects: Array<{
    root: string;
    constitution: { version: string | null; placeholder: boolean } | null;
    /** Current feature directory, relative to the root. */
    current: string | null;
    /** Where the current feature came from (`from .specify/feature.json`, `from the git branch`). */
    currentSource: string | null;
    /** What is wrong with the project's state, as spec-kit would stop on it, with the fix. */
    problems: Array<{ code: string; message: string; speckit: string | null; fix: string }>;
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
      currentSource: p.current?.label ?? null,
      problems: p.currentProblem ? [{ code: p.currentProblem.code, message: p.currentProblem.message, speckit: p.currentProblem.speckit ?? null, fix: p.currentProblem.fix }] : [],
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
