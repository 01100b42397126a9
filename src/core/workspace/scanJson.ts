import * as path from 'node:path/posix';
import { type WorkspaceIndex } from './workspaceIndex';
import { type WorkspaceProblem } from './workspaceProblem';

/** A file that is there but could not be read or analysed. */
export interface ScanProblemJson {
  /** Relative to the project root; absolute for a problem outside every project. */
  file: string;
  code: string;
  severity: 'error' | 'warning';
  message: string;
}

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
    /** The project's and its features' problems, by file. */
    problems: ScanProblemJson[];
  }>;
  /** Problems outside every project (a folder that could not be listed). */
  problems: ScanProblemJson[];
}

/**
 * `extra`: problems the caller found beside the index (folders its file system could not list); each
 * goes to the project it lies in, or to the top-level list.
 */
export function toScanJson(index: WorkspaceIndex, extra: readonly WorkspaceProblem[] = []): ScanJson {
  const byProject = new Map<string, WorkspaceProblem[]>();
  const outside: WorkspaceProblem[] = [];
  for (const x of extra) {
    const root = index.projectFor(x.path)?.project.root;
    if (root === undefined) outside.push(x);
    else byProject.set(root, [...(byProject.get(root) ?? []), x]);
  }
  const json = (root: string | undefined, x: WorkspaceProblem): ScanProblemJson => ({
    file: root === undefined ? x.path : path.relative(root, x.path) || '.',
    code: x.code,
    severity: x.severity,
    message: x.message,
  });
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
      problems: [...p.problems, ...p.features.flatMap((f) => f.problems), ...(byProject.get(p.project.root) ?? [])].map((x) => json(p.project.root, x)),
    })),
    problems: outside.map((x) => json(undefined, x)),
  };
}

/** A template token such as `[CONSTITUTION_VERSION]` is no version. */
function filled(value: string | undefined): string | null {
  return value === undefined || /^\[[A-Z0-9_]+\]$/.test(value) ? null : value;
}
