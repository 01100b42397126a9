import * as path from 'node:path/posix';
import { openspecScanJson, type OpenSpecScanJson } from '../openspec/openspecJson';
import { openspecValidation } from './openspecIndex';
import { type WorkspaceIndex } from './workspaceIndex';
import { type WorkspaceProblem } from './workspaceProblem';

/**
 * Something wrong with a project: its current-feature state as spec-kit would stop on it, or a file
 * that is there but could not be read or analysed.
 */
export interface ScanProblemJson {
  /** Relative to the project root (absolute outside every project); null for the current-feature state. */
  file: string | null;
  code: string;
  /** Unreadable files are errors; the current-feature state is a warning (a fresh clone has no pointer). */
  severity: 'error' | 'warning';
  message: string;
  /** spec-kit's own error, verbatim, where its scripts stop on this state. */
  speckit: string | null;
  /** The fix to offer (`switchFeature`). */
  fix: string | null;
}

/** The index as plain JSON: what `speckit-vscode scan --json` prints and tests compare. */
export interface ScanJson {
  projects: Array<{
    root: string;
    constitution: { version: string | null; placeholder: boolean } | null;
    /** Current feature directory, relative to the root. */
    current: string | null;
    /** Where the current feature came from (`from .specify/feature.json`, `from the git branch`). */
    currentSource: string | null;
    /** The current-feature state as spec-kit would stop on it (with the fix), then unreadable files, by file. */
    problems: ScanProblemJson[];
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
  /** OpenSpec projects (an `openspec/` folder): capabilities, changes with progress and status, check counts. */
  openspec: OpenSpecScanJson[];
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
    speckit: null,
    fix: null,
  });
  return {
    projects: index.projects.map((p) => ({
      root: p.project.root,
      // The summary, not the document: a warm scan answers from the store without parsing the constitution.
      constitution: p.constitutionSummary ? { version: filled(p.constitutionSummary.version ?? undefined), placeholder: p.constitutionSummary.placeholder } : null,
      current: p.current ? path.relative(p.project.root, p.current.dir) : null,
      currentSource: p.current?.label ?? null,
      problems: [
        ...(p.currentProblem
          ? [{ file: null, code: p.currentProblem.code, severity: 'warning' as const, message: p.currentProblem.message, speckit: p.currentProblem.speckit ?? null, fix: p.currentProblem.fix }]
          : []),
        ...[...p.problems, ...p.features.flatMap((f) => f.problems), ...(byProject.get(p.project.root) ?? [])].map((x) => json(p.project.root, x)),
      ],
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
    openspec: index.openspecProjects.map((o) => openspecScanJson(o.project, openspecValidation(o.project))),
    problems: [...outside, ...index.openspecProjects.flatMap((o) => o.problems)].map((x) => json(undefined, x)),
  };
}

/** A template token such as `[CONSTITUTION_VERSION]` is no version. */
function filled(value: string | undefined): string | null {
  return value === undefined || /^\[[A-Z0-9_]+\]$/.test(value) ? null : value;
}
