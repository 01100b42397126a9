/**
 * OpenSpec files and projects as plain JSON: what `speckit-vscode parse --json` and `scan --json`
 * print for them. Lines are one-based, paths as given (parse) or relative to the project root (scan).
 */
import * as path from 'node:path/posix';
import { parseTasks, type TasksDoc } from '../artifacts/tasks';
import { parseMarkdown } from '../markdown/markdownDoc';
import { type Problem } from '../text/range';
import { parseDesign, parseProposal } from './changeDocs';
import { type DeltaOperation, parseDeltaSpec } from './deltaDoc';
import { type OpenSpecKind, openspecFileKind } from './openspecPaths';
import { type ChangeStatus, checkboxProgress, type OpenSpecChange, type OpenSpecProject } from './project';
import { type Requirement } from './requirements';
import { parseOpenSpecSpec } from './specDoc';
import { type OpenSpecValidation, validateCapability, validateDelta, validateOpenSpecProject, validateTasksFile } from './validate';

export interface OpenSpecParsedJson {
  file: string;
  kind: OpenSpecKind;
  capability: string | null;
  /** The change folder name (with its date when archived). */
  change: string | null;
  archived: boolean;
  title: string | null;
  /** Requirements of a spec, or of a delta's ADDED and MODIFIED sections (with `operation`). */
  requirements: Array<{ name: string; line: number; operation: DeltaOperation | null; scenarios: number; normative: boolean }>;
  removed: Array<{ name: string; line: number }>;
  renamed: Array<{ from: string; to: string; line: number }>;
  /** Every checkbox of a tasks.md; `id` for numbered tasks the task parser recognises. */
  tasks: Array<{ id: string | null; text: string; checked: boolean; line: number }>;
  progress: { done: number; total: number } | null;
  sections: Array<{ title: string; line: number }>;
  capabilities: Array<{ capability: string; kind: string; line: number }>;
  problems: Array<{ message: string; line: number; severity: string; code: string }>;
}

/**
 * The JSON view of one OpenSpec file, or undefined when the path is not an OpenSpec file. Checks
 * that need the rest of the project (a delta against the current spec) are left to `check`.
 */
export function openspecParseJson(filePath: string, raw: string | Uint8Array, shown = filePath): OpenSpecParsedJson | undefined {
  const info = openspecFileKind(filePath);
  if (!info) return undefined;
  const out: OpenSpecParsedJson = {
    file: shown,
    kind: info.kind,
    capability: info.capability ?? null,
    change: info.changeFolder ?? null,
    archived: info.archived,
    title: null,
    requirements: [],
    removed: [],
    renamed: [],
    tasks: [],
    progress: null,
    sections: [],
    capabilities: [],
    problems: [],
  };
  const req = (r: Requirement, operation: DeltaOperation | null): OpenSpecParsedJson['requirements'][number] => ({
    name: r.name,
    line: r.headingRange.start.line + 1,
    operation,
    scenarios: r.scenarios.filter((s) => s.hasBody).length,
    normative: r.normative,
  });
  switch (info.kind) {
    case 'openspec-spec': {
      const doc = parseOpenSpecSpec(raw);
      out.title = doc.title?.value ?? null;
      out.requirements = doc.requirements.map((r) => req(r, null));
      out.sections = headingList(doc.purpose, doc.requirementsSection);
      out.problems = problems([...doc.problems, ...validateCapability({ id: info.capability!, path: filePath, doc })]);
      break;
    }
    case 'openspec-delta': {
      const doc = parseDeltaSpec(raw);
      out.requirements = [...doc.added.map((r) => req(r, 'ADDED')), ...doc.modified.map((r) => req(r, 'MODIFIED'))].sort((a, b) => a.line - b.line);
      out.removed = doc.removed.map((r) => ({ name: r.name, line: r.range.start.line + 1 }));
      out.renamed = doc.renamed.map((r) => ({ from: r.from, to: r.to, line: r.fromRange.start.line + 1 }));
      out.sections = doc.sections.map((s) => ({ title: s.title, line: s.headingRange.start.line + 1 }));
      const own = validateDelta({ capability: info.capability!, path: filePath, doc }, undefined).filter((f) => f.code !== 'openspec-delta-archive-conflict' && f.code !== 'openspec-delta-scenario-loss');
      out.problems = problems([...doc.problems, ...own]);
      break;
    }
    case 'openspec-tasks': {
      const doc = parseTasks(raw);
      out.tasks = taskList(doc);
      out.progress = checkboxProgress(doc);
      out.problems = problems([...doc.problems, ...validateTasksFile(filePath, doc, true)]);
      break;
    }
    case 'openspec-proposal': {
      const doc = parseProposal(raw);
      out.title = doc.title?.value ?? null;
      out.sections = doc.sections.map((s) => ({ title: s.title, line: s.headingRange.start.line + 1 }));
      out.capabilities = doc.capabilities.map((c) => ({ capability: c.capability, kind: c.kind, line: c.range.start.line + 1 }));
      out.problems = problems(doc.problems);
      break;
    }
    case 'openspec-design': {
      const doc = parseDesign(raw);
      out.title = doc.title?.value ?? null;
      out.sections = doc.sections.map((s) => ({ title: s.title, line: s.headingRange.start.line + 1 }));
      out.problems = problems(doc.problems);
      break;
    }
    case 'openspec-config':
      break;
    default:
      out.problems = problems(parseMarkdown(raw).problems);
  }
  return out;
}

function headingList(...sections: Array<{ title: string; line: number } | undefined>): OpenSpecParsedJson['sections'] {
  return sections.filter((s) => s !== undefined).map((s) => ({ title: s.title, line: s.line + 1 }));
}

function taskList(doc: TasksDoc): OpenSpecParsedJson['tasks'] {
  const out: OpenSpecParsedJson['tasks'] = [];
  for (const t of doc.tasks) {
    if (t.checkboxRange) out.push({ id: t.id, text: t.description, checked: t.checked, line: t.lineRange.start.line + 1 });
    for (const c of t.children) if (c.checkboxRange) out.push({ id: null, text: c.text, checked: c.checked === true, line: c.range.start.line + 1 });
    for (const a of t.acceptance) out.push({ id: null, text: a.text, checked: a.checked, line: a.range.start.line + 1 });
  }
  for (const u of doc.untracked) out.push({ id: null, text: u.text, checked: u.checked, line: u.range.start.line + 1 });
  return out.sort((a, b) => a.line - b.line);
}

function problems(list: readonly Problem[]): OpenSpecParsedJson['problems'] {
  return [...list]
    .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character)
    .map((p) => ({ message: p.message, line: p.range.start.line + 1, severity: p.severity, code: p.code }));
}

export interface OpenSpecScanJson {
  kind: 'openspec';
  root: string;
  /** `openspec`, relative to the root. */
  dir: string;
  specs: Array<{ id: string; file: string; requirements: number; scenarios: number; outsideRequirements: number }>;
  changes: Array<OpenSpecChangeJson>;
  archived: Array<OpenSpecChangeJson & { archivedOn: string | null }>;
  problems: { errors: number; warnings: number; infos: number };
}

export interface OpenSpecChangeJson {
  id: string;
  /** Relative to the root. */
  dir: string;
  status: ChangeStatus;
  tasks: { done: number; total: number };
  deltas: Array<{ capability: string; added: number; modified: number; removed: number; renamed: number }>;
  proposal: boolean;
  design: boolean;
}

/** The project as `scan --json` prints it (one entry beside the spec-kit projects). */
export function openspecScanJson(project: OpenSpecProject, validation: OpenSpecValidation = validateOpenSpecProject(project)): OpenSpecScanJson {
  const rel = (p: string): string => path.relative(project.root, p);
  const change = (c: OpenSpecChange): OpenSpecChangeJson => ({
    id: c.id,
    dir: rel(c.dir),
    status: c.status,
    tasks: { ...c.progress },
    deltas: c.deltas.map((d) => ({ capability: d.capability, added: d.doc.added.length, modified: d.doc.modified.length, removed: d.doc.removed.length, renamed: d.doc.renamed.length })),
    proposal: c.proposal !== undefined,
    design: c.design !== undefined,
  });
  const count = (severity: string): number => validation.findings.filter((f) => f.severity === severity).length;
  return {
    kind: 'openspec',
    root: project.root,
    dir: rel(project.dir),
    specs: project.specs.map((s) => ({
      id: s.id,
      file: rel(s.path),
      requirements: s.doc.requirements.length,
      scenarios: s.doc.requirements.reduce((n, r) => n + r.scenarios.filter((x) => x.hasBody).length, 0),
      outsideRequirements: s.doc.strayRequirements.length,
    })),
    changes: project.changes.map(change),
    archived: project.archived.map((c) => ({ ...change(c), archivedOn: c.archivedOn ?? null })),
    problems: { errors: count('error'), warnings: count('warning'), infos: count('info') },
  };
}
