import { findMarkers, maskedText } from '../artifacts/docScan';
import { type SpecDoc } from '../artifacts/spec';
import { type Task, type TasksDoc } from '../artifacts/tasks';
import { NON_STORY_KINDS, STORY_TAG } from '../artifacts/taskGrammar';
import { type Problem, type Range, comparePositions, containsPosition } from '../text/range';
import { type MarkdownDoc } from '../markdown/markdownDoc';
import { type AnalyzedDoc } from './analyzedDoc';

/** What a file's rules need of its feature's other files. */
export interface FeatureModels {
  readonly spec?: SpecDoc | undefined;
  readonly tasks?: TasksDoc | undefined;
}

/**
 * Every problem of one file: the parser's own, plus the rules that need the text (markers, story tags,
 * references) or the feature's other files (the spec's stories and requirements, the tasks).
 * The file's own parse wins over `feature` for its own kind (an unsaved tasks.md checks against itself).
 */
export function lintDocument(doc: AnalyzedDoc, feature: FeatureModels = {}): Problem[] {
  const spec = doc.kind === 'spec' ? doc.model : feature.spec;
  const tasks = doc.kind === 'tasks' ? doc.model : feature.tasks;
  const out: Problem[] = [...(doc.model ? doc.model.problems : doc.markdown.problems)];
  switch (doc.kind) {
    case 'tasks':
      out.push(...taskRules(doc.model, doc, spec));
      out.push(...markerProblems(textMarkers(doc.markdown)));
      break;
    case 'spec':
      out.push(...markerProblems(doc.model.markers));
      out.push(...coverageProblems(doc.model, tasks));
      break;
    case 'plan': {
      const context = doc.model.technicalContext.filter((e) => e.needsClarification && !/\[\s*NEEDS\s+CLARIFICATION/i.test(e.value));
      for (const e of context) {
        out.push({
          code: 'plan-needs-clarification',
          message: `Technical Context: ${e.key} is still NEEDS CLARIFICATION; settle it in research.md (Phase 0) before the design.`,
          severity: 'warning',
          range: e.valueRange,
        });
      }
      const contextRanges = new Set(context.map((e) => rangeKey(e.valueRange)));
      out.push(...markerProblems(doc.model.markers.filter((m) => !contextRanges.has(rangeKey(m.range)))));
      break;
    }
    case 'checklist':
    case 'constitution':
      break;
    default:
      out.push(...markerProblems(textMarkers(doc.markdown)));
  }
  out.push(...referenceProblems(doc, spec, tasks));
  return out.sort((a, b) => comparePositions(a.range.start, b.range.start));
}

/**
 * The markers outside code. Masking only blanks characters, so a text without the word has no
 * marker, and is not masked and walked to find that out (a keystroke in a long tasks.md).
 */
function textMarkers(markdown: MarkdownDoc): ReturnType<typeof findMarkers> {
  return /CLARIFICATION/i.test(markdown.text) ? findMarkers(markdown, maskedText(markdown)) : [];
}

function markerProblems(markers: readonly { text: string; range: Range }[]): Problem[] {
  return markers.map((m) => ({
    code: 'needs-clarification',
    message: m.text ? `Open question: ${m.text} (answer it with /speckit.clarify).` : 'Unresolved [NEEDS CLARIFICATION] marker (answer it with /speckit.clarify).',
    severity: 'warning',
    range: m.range,
  }));
}

const PARALLEL_TAG = /\[P\]/;

function taskRules(model: TasksDoc, doc: AnalyzedDoc, spec: SpecDoc | undefined): Problem[] {
  const index = doc.markdown.index;
  const out: Problem[] = [];
  const phases = new Map(model.phases.map((p) => [p.key, p]));
  const stories = spec && spec.stories.length > 0 ? new Set(spec.stories.map((s) => s.id)) : undefined;
  const tagRange = (t: Task, re: RegExp): Range => {
    const line = index.textOf(t.lineRange);
    const from = index.offsetAt(t.idRange.end) - index.offsetAt(t.lineRange.start);
    const m = re.exec(line.slice(Math.max(0, from)));
    if (!m) return t.idRange;
    const at = index.offsetAt(t.lineRange.start) + Math.max(0, from) + m.index;
    return index.rangeOf(at, at + m[0].length);
  };

  for (const t of model.tasks) {
    if (t.derived) continue;
    const phase = t.phase ? phases.get(t.phase) : undefined;
    if (t.story && phase && NON_STORY_KINDS.has(phase.kind)) {
      out.push({
        code: 'task-story-in-non-story-phase',
        message: `${t.id} is tagged [${t.story}] but sits in "${phase.title}", a ${phase.kind} phase; story tags belong only in user-story phases.`,
        severity: 'warning',
        range: tagRange(t, STORY_TAG),
      });
    } else if (t.story && phase?.kind === 'story' && phase.story && phase.story !== t.story) {
      out.push({
        code: 'task-story-mismatch',
        message: `${t.id} is tagged [${t.story}] but sits in the phase of ${phase.story}.`,
        severity: 'info',
        range: tagRange(t, STORY_TAG),
      });
    } else if (!t.story && phase?.kind === 'story' && !t.parent) {
      out.push({
        code: 'task-missing-story',
        message: `${t.id} is in a user-story phase${phase.story ? ` (${phase.story})` : ''} but has no [USn] tag.`,
        severity: 'info',
        range: t.idRange,
      });
    }
    if (t.story && stories && !stories.has(t.story)) {
      out.push({
        code: 'unknown-story',
        message: `${t.id} is tagged [${t.story}], but the spec has no ${t.story} (it has ${[...stories].join(', ')}).`,
        severity: 'warning',
        range: tagRange(t, STORY_TAG),
      });
    }
  }

  if (stories) {
    for (const o of doc.occurrences()) {
      if (o.family !== 'story' || o.definition || o.form !== 'number' || stories.has(o.id)) continue;
      out.push({
        code: 'unknown-story',
        message: `This phase is for ${o.id}, but the spec has no such user story (it has ${[...stories].join(', ')}).`,
        severity: 'warning',
        range: o.range,
      });
    }
  }

  // Checkbox items without an ID inside a phase: meant as tasks, but nothing can refer to them.
  for (const item of model.untracked) {
    if (!model.phases.some((p) => p.kind !== 'other' && containsPosition(p.range, item.range.start))) continue;
    out.push({
      code: 'task-missing-id',
      message: `This checkbox item has no task ID; spec-kit writes tasks as "- [ ] T001 …".`,
      severity: 'warning',
      range: item.checkboxRange,
    });
  }

  // [P] tasks of one phase that name the same file cannot run in parallel.
  const byPhase = new Map<string, Map<string, Task>>();
  for (const t of model.tasks) {
    if (!t.parallel || t.derived) continue;
    const files = byPhase.get(t.phase ?? '') ?? new Map<string, Task>();
    byPhase.set(t.phase ?? '', files);
    for (const p of t.paths) {
      if (p.endsWith('/') || !/\.[^/]+$/.test(p)) continue;
      const first = files.get(p);
      if (!first) {
        files.set(p, t);
      } else if (first !== t) {
        out.push({
          code: 'parallel-same-file',
          message: `${t.id} and ${first.id} are both marked [P] in this phase but both change ${p}; they cannot run in parallel.`,
          severity: 'warning',
          range: tagRange(t, PARALLEL_TAG),
        });
        break;
      }
    }
  }

  for (const f of model.fencedCheckboxes) {
    out.push({
      code: 'fenced-checkbox',
      message: 'This checkbox line is inside fenced code, so it is not a task: it is not tracked and no command ticks it.',
      severity: 'warning',
      range: f.range,
    });
  }
  return out;
}

/** IDs are traced per family: once tasks name some FR-…, every FR-… should be named by a task. */
function coverageProblems(spec: SpecDoc, tasks: TasksDoc | undefined): Problem[] {
  if (!tasks || tasks.tasks.length === 0) return [];
  const named = new Set(tasks.tasks.flatMap((t) => t.requirements));
  const families = new Set([...named].map((id) => id.slice(0, id.indexOf('-'))));
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const r of spec.requirements) {
    if (seen.has(r.id) || !families.has(r.family) || named.has(r.id)) continue;
    seen.add(r.id);
    out.push({
      code: 'requirement-no-task',
      message: `No task in tasks.md names ${r.id}; add one that implements it, or name it in the task that does.`,
      severity: 'info',
      range: r.idRange,
    });
  }
  return out;
}

function referenceProblems(doc: AnalyzedDoc, spec: SpecDoc | undefined, tasks: TasksDoc | undefined): Problem[] {
  const taskIds = tasks ? new Set(tasks.tasks.map((t) => t.id)) : undefined;
  const requirementIds = spec ? new Set(spec.requirements.map((r) => r.id)) : undefined;
  const families = spec ? new Set(spec.requirements.map((r) => r.family)) : undefined;
  const out: Problem[] = [];
  for (const o of doc.occurrences()) {
    if (o.definition) continue;
    if (o.family === 'task' && taskIds && taskIds.size > 0 && !taskIds.has(o.id)) {
      out.push({
        code: 'unknown-task-reference',
        message: `No task ${o.id} in tasks.md.`,
        severity: 'warning',
        range: o.range,
      });
    } else if (o.family === 'requirement' && requirementIds && families!.has(o.id.slice(0, o.id.indexOf('-'))) && !requirementIds.has(o.id)) {
      out.push({
        code: 'unknown-requirement-reference',
        message: `The spec defines no ${o.id}.`,
        severity: 'warning',
        range: o.range,
      });
    }
  }
  return out;
}

function rangeKey(r: Range): string {
  return `${r.start.line}:${r.start.character}:${r.end.line}:${r.end.character}`;
}
