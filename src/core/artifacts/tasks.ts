import { type Heading, type List, type ListItem, type Nodes, type RootContent } from 'mdast';
import { type MarkdownDoc, nodeEnd, nodeRange, nodeStart, parseMarkdown, plainText, walk } from '../markdown/markdownDoc';
import { splitLines } from '../text/lineIndex';
import { type Located, movedRange, type Problem, type Range } from '../text/range';
import { issueAtLineEnd, type IssueRef } from '../github/issueLink';
import { firstParagraph } from './docScan';
import { requirementRefs } from './ids';
import { internalError } from './spec';
import { continuesIdList, leadingTags, leadingTaskId, type PhaseHeading, phaseHeading, phaseKind, type PhaseKind, priorityInTitle, seedTaskHeading, storyInTitle } from './taskGrammar';


export interface TaskPhase {
  /** Stable key within the file: `phase-3`, `phase-3.1`, or `section-<line>` for unnumbered ones. */
  readonly key: string;
  /** As written: `3`, `3.1`, `0`. */
  readonly number: string | undefined;
  readonly title: string;
  readonly kind: PhaseKind;
  /** `US1` when the phase is a user story's. */
  readonly story: string | undefined;
  readonly priority: string | undefined;
  readonly mvp: boolean;
  readonly headingRange: Range;
  /** From the heading to the end of the phase's content. */
  readonly range: Range;
  readonly taskIds: string[];
  readonly done: number;
  readonly total: number;
}

export interface CheckItem {
  readonly text: string;
  readonly checked: boolean;
  readonly range: Range;
  /** The `[ ]` / `[x]` characters. */
  readonly checkboxRange: Range;
}

/** How a task is written; the CodeLens and quick fixes act according to it. */
export type TaskStyle = 'checkbox' | 'no-checkbox' | 'heading';

export interface Task {
  /** `T001`; `1.1` in a numbered list without T-IDs; the seed's `### Task 3: …` sections get `T3`. */
  readonly id: string;
  readonly number: number;
  readonly derived: boolean;
  readonly checked: boolean;
  readonly parallel: boolean;
  /** `US1` when tagged `[US1]` (or `[US-1]`). */
  readonly story: string | undefined;
  readonly description: string;
  /** File paths the task names. */
  readonly paths: string[];
  /** Task IDs it says it depends on. */
  readonly dependsOn: string[];
  /** Requirement IDs it names (FR-001, SC-002 …). */
  readonly requirements: string[];
  /** Key of the enclosing phase. */
  readonly phase: string | undefined;
  readonly style: TaskStyle;
  /** Whole list item (or heading line for `heading` style). */
  readonly range: Range;
  /** First line of the task, where lenses go. */
  readonly lineRange: Range;
  readonly idRange: Range;
  readonly checkboxRange: Range | undefined;
  /** ID of the task this one is nested under. */
  readonly parent: string | undefined;
  /** Nested list items without an ID of their own. */
  readonly children: SubItem[];
  /** The seed dialect's **Acceptance** boxes; the task is done when all are ticked. */
  readonly acceptance: CheckItem[];
  readonly priority: string | undefined;
  readonly estimate: string | undefined;
  /**
   * The GitHub issue linked to the task: its URL at the end of the task's first line
   * (`- [ ] T012 … https://github.com/o/r/issues/34`, see core/github/issueLink.ts). Not part of the description.
   */
  readonly issue: IssueRef | undefined;
  /** Where that URL is written on the line. */
  readonly issueRange: Range | undefined;
}

export interface SubItem {
  readonly text: string;
  readonly checked: boolean | undefined;
  readonly range: Range;
  readonly checkboxRange: Range | undefined;
}

export interface TasksDoc {
  readonly kind: 'tasks';
  readonly title: Located<string> | undefined;
  readonly dialect: 'speckit' | 'seed';
  readonly phases: TaskPhase[];
  /** Every task in document order. */
  readonly tasks: Task[];
  /** Checkbox items with no task ID (outside the seed's acceptance lists). */
  readonly untracked: CheckItem[];
  /** Lines inside fenced code that look like tasks; they are not tasks. */
  readonly fencedCheckboxes: Located<string>[];
  readonly done: number;
  readonly total: number;
  readonly problems: Problem[];
  readonly markdown: MarkdownDoc;
}

const DEPENDENCY_CLAUSE = /\b(?:depends\s+on|dependency|dependencies|requires|after|blocked\s+by|needs)\b[^.;\r\n]*/gi;
const TASK_REF = /\bT\d{3,}[a-z]?\b/g;
const PATH_EXT = 'nix|ts|tsx|js|jsx|mjs|cjs|json|jsonc|py|rs|go|java|kt|kts|swift|rb|php|c|h|cc|cpp|hpp|cs|fs|lua|sh|bash|zsh|ps1|md|yml|yaml|toml|ini|cfg|conf|sql|html|css|scss|vue|svelte|xml|gradle|txt|lock|proto|graphql|tf|dockerfile|env';
const PATH_TOKEN = new RegExp(
  String.raw`(?<![\w@/.:-])((?:~|\.{1,2})?\/?(?:[\w.@+-]+\/)+[\w.@+-]*|[\w.@+-]+\.(?:${PATH_EXT}))(?![\w/-])`,
  'gi',
);

/** Parses a tasks file (spec-kit's task-line grammar, its variants in the wild, and the seed's `### Task N` dialect). */
export function parseTasks(raw: string | Uint8Array): TasksDoc {
  const doc = parseMarkdown(raw);
  try {
    return new TasksParser(doc).run();
  } catch (e) {
    // A parser bug must not take the explorer, the index or the language server down with it.
    return {
      kind: 'tasks',
      title: undefined,
      dialect: 'speckit',
      phases: [],
      tasks: [],
      untracked: [],
      fencedCheckboxes: [],
      done: 0,
      total: 0,
      problems: [...doc.problems, internalError(doc, e)],
      markdown: doc,
    };
  }
}

interface PhaseDraft {
  key: string;
  number: string | undefined;
  title: string;
  kind: PhaseKind;
  story: string | undefined;
  priority: string | undefined;
  mvp: boolean;
  heading: Heading;
  form: PhaseHeading['form'];
  depth: number;
  end: number;
  taskIds: string[];
}

class TasksParser {
  readonly tasks: Task[] = [];
  private readonly ids = new Set<string>();
  private readonly derivedIds: string[] = [];
  private readonly phases: PhaseDraft[] = [];
  readonly untracked: CheckItem[] = [];
  readonly fenced: Located<string>[] = [];
  private readonly problems: Problem[];
  private current: PhaseDraft | undefined;
  private title: Located<string> | undefined;
  private seedTasks = 0;
  /** Set when reading an item depended on the tasks before it (see topItem). */
  private readsEarlierTasks = false;

  constructor(private readonly doc: MarkdownDoc) {
    this.problems = [...doc.problems];
  }

  run(): TasksDoc {
    const children = this.doc.root.children;
    for (let i = 0; i < children.length; i++) {
      const node = children[i]!;
      if (node.type === 'heading') {
        const seed = this.seedTask(children, i);
        if (seed > i) {
          i = seed - 1;
          continue;
        }
        this.heading(node);
      } else if (node.type === 'list') {
        for (const item of node.children) this.topItem(item);
      } else {
        this.scanCode(node);
      }
      if (this.current) this.current.end = nodeEnd(node);
    }
    this.checkOrder();
    const byPhase = new Map<string, Task[]>();
    for (const t of this.tasks) {
      if (t.phase === undefined) continue;
      const list = byPhase.get(t.phase);
      if (list) list.push(t);
      else byPhase.set(t.phase, [t]);
    }
    const phases = this.phases.map((p) => this.finishPhase(p, byPhase.get(p.key) ?? []));
    const done = this.tasks.filter((t) => t.checked).length;
    return {
      kind: 'tasks',
      title: this.title,
      dialect: this.seedTasks > 0 && this.seedTasks >= this.tasks.length / 2 ? 'seed' : 'speckit',
      phases,
      tasks: this.tasks,
      untracked: this.untracked,
      fencedCheckboxes: this.fenced,
      done,
      total: this.tasks.length,
      problems: this.problems,
      markdown: this.doc,
    };
  }

  private heading(node: Heading): void {
    const text = plainText(node);
    if (node.depth === 1 && !this.title) this.title = { value: text.replace(/^[^:：]*[:：]\s*/, '') || text, range: nodeRange(this.doc.index, node) };
    const m = phaseHeading(text);
    // A numbered group heading (`## 1. Group`) nested inside a `Phase N` is a section of it, not a phase.
    const nestedGroup = m?.form === 'group' && this.current?.form === 'phase' && node.depth > this.current.depth;
    if (m && !nestedGroup) {
      this.current = this.newPhase(node, m);
      this.phases.push(this.current);
      return;
    }
    // A heading at or above the phase's level ends it ("## Dependencies", "## Notes").
    if (this.current && node.depth <= this.current.depth) this.current = undefined;
  }

  private newPhase(node: Heading, heading: PhaseHeading): PhaseDraft {
    const title = heading.title.trim() || plainText(node);
    return {
      key: `phase-${heading.number}`,
      number: heading.number,
      title,
      kind: phaseKind(title),
      story: storyInTitle(title)?.id,
      priority: priorityInTitle(title),
      mvp: /🎯|\bMVP\b/.test(title),
      heading: node,
      form: heading.form,
      depth: node.depth,
      end: nodeEnd(node),
      taskIds: [],
    };
  }

  private finishPhase(p: PhaseDraft, tasks: readonly Task[]): TaskPhase {
    return {
      key: p.key,
      number: p.number,
      title: p.title,
      kind: p.kind,
      story: p.story,
      priority: p.priority,
      mvp: p.mvp,
      headingRange: nodeRange(this.doc.index, p.heading),
      range: this.doc.index.rangeOf(nodeStart(p.heading), p.end),
      taskIds: p.taskIds,
      done: tasks.filter((t) => t.checked).length,
      total: tasks.length,
    };
  }

  /** The seed's `### Task N: Title` section; returns the index after it, or `i` when node i is not one. */
  private seedTask(children: RootContent[], i: number): number {
    const node = children[i] as Heading;
    const m = seedTaskHeading(plainText(node));
    if (!m) return i;
    let j = i + 1;
    const content: RootContent[] = [];
    for (; j < children.length; j++) {
      const next = children[j]!;
      if (next.type === 'heading' && next.depth <= node.depth) break;
      content.push(next);
    }
    const index = this.doc.index;
    const acceptance: CheckItem[] = [];
    const children2: SubItem[] = [];
    let priority: string | undefined;
    let estimate: string | undefined;
    let dependencies = '';
    let inAcceptance = false;
    for (const c of content) {
      if (c.type === 'paragraph') {
        const src = this.doc.text.slice(nodeStart(c), nodeEnd(c));
        priority ??= field(src, 'priority');
        estimate ??= field(src, 'estimated time') ?? field(src, 'estimate');
        dependencies ||= field(src, 'dependencies') ?? field(src, 'depends on') ?? '';
        inAcceptance = /^\s*(?:\*\*|__)?\s*(acceptance|acceptance criteria|done when)\s*:?\s*(?:\*\*|__)?\s*:?\s*$/i.test(splitLines(src).pop() ?? '');
      } else if (c.type === 'list') {
        for (const item of c.children) {
          const box = this.checkbox(item);
          const text = plainText(firstParagraph(item) ?? item);
          if (inAcceptance && box) acceptance.push({ text, checked: item.checked === true, range: nodeRange(index, item), checkboxRange: box });
          else children2.push({ text, checked: item.checked ?? undefined, range: nodeRange(index, item), checkboxRange: box });
        }
      } else if (c.type !== 'thematicBreak') {
        this.scanCode(c);
      }
    }
    const number = Number(m[1]);
    const headingRange = nodeRange(index, node);
    const link = this.issueOn(headingRange.start.line);
    const last = content.length > 0 ? content[content.length - 1]! : node;
    this.seedTasks++;
    this.addTask({
      id: `T${number}`,
      number,
      derived: true,
      checked: acceptance.length > 0 && acceptance.every((a) => a.checked),
      parallel: false,
      story: undefined,
      description: link ? m[2]!.trim().slice(0, m[2]!.trim().length - link.issue.url.length).trim() : m[2]!.trim(),
      paths: [...new Set(content.flatMap((c) => textsOf(c as Nodes).flatMap(pathsIn)))],
      dependsOn: /\ball\s+(?:previous|prior|other)\b/i.test(dependencies)
        ? this.derivedIds.slice()
        : seedDependencies(dependencies),
      requirements: requirementRefs(content.map((c) => plainText(c as Nodes)).join(' ')),
      phase: this.current?.key,
      style: 'heading',
      range: index.rangeOf(nodeStart(node), nodeEnd(last)),
      lineRange: headingRange,
      idRange: headingRange,
      checkboxRange: undefined,
      parent: undefined,
      children: children2,
      acceptance,
      priority,
      estimate,
      issue: link?.issue,
      issueRange: link?.range,
    });
    if (this.current) this.current.end = nodeEnd(last);
    return j;
  }

  /**
   * An item of a top-level list. What it adds to the model depends on its own text and the phase it
   * is in, so an item the incremental parse kept (core/markdown/incrementalParse keeps the nodes after
   * an edit, moved) gives what it gave in the previous parse, its ranges moved by the lines the item
   * moved; only the items an edit touched are read.
   */
  private topItem(item: ListItem): void {
    const phase = this.current?.key;
    const record = itemRecords.get(item);
    const line = item.position!.start.line;
    const lines = record ? line - record.line : 0;
    const t0 = this.tasks.length;
    const u0 = this.untracked.length;
    const f0 = this.fenced.length;
    if (record && record.phase === phase) {
      const from = record.parser;
      for (let i = record.t0; i < record.t1; i++) this.addTask(lines === 0 ? from.tasks[i]! : movedTask(from.tasks[i]!, lines));
      for (let i = record.u0; i < record.u1; i++) this.untracked.push(lines === 0 ? from.untracked[i]! : movedItem(from.untracked[i]!, lines));
      for (let i = record.f0; i < record.f1; i++) this.fenced.push(lines === 0 ? from.fenced[i]! : movedLocated(from.fenced[i]!, lines));
      tasksReuse.reused++;
      if (lines !== 0) tasksReuse.moved++;
    } else {
      const p0 = this.problems.length;
      this.readsEarlierTasks = false;
      this.listItem(item, undefined);
      tasksReuse.read++;
      // An item whose reading looked at earlier tasks, or that has problems of its own, is read again each time.
      if (this.readsEarlierTasks || this.problems.length !== p0) return;
    }
    itemRecords.set(item, { phase, line, parser: this, t0, t1: this.tasks.length, u0, u1: this.untracked.length, f0, f1: this.fenced.length });
  }

  private list(list: List, parent: Task | undefined): void {
    for (const item of list.children) this.listItem(item, parent);
  }

  private listItem(item: ListItem, parent: Task | undefined): void {
    const index = this.doc.index;
    const para = firstParagraph(item);
    const box = this.checkbox(item);
    const paraStart = Math.max(para ? nodeStart(para) : nodeStart(item), box ? this.doc.index.offsetAt(box.end) : 0);
    const firstLineEnd = index.lineEnd(index.positionAt(paraStart).line);
    const rawLead = para ? this.doc.text.slice(paraStart, Math.min(nodeEnd(para), firstLineEnd)) : '';
    const lead = rawLead.replace(/^[ \t]+/, '');
    const leadStart = paraStart + rawLead.length - lead.length;
    const found = leadingTaskId(lead);
    // A numbered ID (`1.1`) names a task only with a checkbox, and not under a T-ID task (whose
    // numbered sub-items are its steps).
    const idMatch = found && (found.scheme === 'T' || (box && (!parent || isNumberedId(parent.id)))) ? found : undefined;
    let task: Task | undefined;
    if (idMatch && !box && !this.isTaskWithoutCheckbox(idMatch.id, lead.slice(idMatch.end))) {
      // "- T004, T005 can run in parallel", or an item outside any phase: a reference, not a task.
    } else if (idMatch) {
      const id = idMatch.id;
      const idStart = leadStart + idMatch.start;
      let parallel = false;
      let story: string | undefined;
      const tagged = leadingTags(lead.slice(idMatch.end));
      for (const tag of tagged.tags) {
        if (tag.kind === 'parallel') parallel = true;
        else story ??= tag.id;
      }
      // Closing emphasis around the ID (`**T001**`) and separators before the text.
      const rest = tagged.rest.replace(/^\s*(?:\*\*|__)?\s*[:：—–-]?\s*/, '');
      const link = this.issueOn(index.positionAt(paraStart).line);
      const fullText = para ? plainText(para) : '';
      const described = describe(rest, fullText, id);
      const description = link ? withoutIssue(described, link.issue.url) : described;
      const itemText = this.doc.text.slice(nodeStart(item), nodeEnd(item));
      if (!box) {
        this.problems.push({
          code: 'task-missing-checkbox',
          message: `${id} has no checkbox; spec-kit writes tasks as "- [ ] ${id} …", and its progress cannot be tracked.`,
          severity: 'warning',
          range: index.rangeOf(idStart, idStart + id.length),
        });
      }
      task = {
        id,
        number: idMatch.number,
        derived: false,
        checked: item.checked === true,
        parallel,
        story,
        description,
        paths: pathsIn(itemCodeAndText(item, description)),
        dependsOn: dependencies(itemText, id),
        requirements: requirementRefs(itemText),
        phase: this.current?.key,
        style: box ? 'checkbox' : 'no-checkbox',
        range: nodeRange(index, item),
        lineRange: index.rangeOf(nodeStart(item), firstLineEnd),
        idRange: index.rangeOf(idStart, idStart + id.length),
        checkboxRange: box,
        parent: parent?.id,
        children: [],
        acceptance: [],
        priority: undefined,
        estimate: undefined,
        issue: link?.issue,
        issueRange: link?.range,
      };
      this.addTask(task);
    } else if (box) {
      const text = para ? plainText(para) : '';
      const sub = { text, checked: item.checked === true, range: nodeRange(index, item), checkboxRange: box };
      if (parent) parent.children.push(sub);
      else this.untracked.push(sub);
    } else if (parent && para) {
      parent.children.push({ text: plainText(para), checked: undefined, range: nodeRange(index, item), checkboxRange: undefined });
    }
    for (const child of item.children) {
      if (child.type === 'list') this.list(child, task ?? parent);
      else if (child !== para) this.scanCode(child);
    }
  }

  /**
   * Items that start with an ID but have no checkbox are tasks (a hand-revised format) only inside
   * a phase, when not already defined, and when the ID is not the head of a list of IDs.
   */
  private isTaskWithoutCheckbox(id: string, rest: string): boolean {
    this.readsEarlierTasks = true;
    if (!this.current) return false;
    if (this.ids.has(id)) return false;
    return !continuesIdList(rest);
  }

  /** The issue URL ending a task's first line, if any. */
  private issueOn(line: number): { issue: IssueRef; range: Range } | undefined {
    const found = issueAtLineEnd(this.doc.index.lineText(line));
    if (!found) return undefined;
    const { start, end, ...issue } = found;
    return { issue, range: { start: { line, character: start }, end: { line, character: end } } };
  }

  private addTask(task: Task): void {
    this.tasks.push(task);
    this.ids.add(task.id);
    if (task.derived) this.derivedIds.push(task.id);
    this.current?.taskIds.push(task.id);
  }

  /** The exact `[ ]`/`[x]` characters of a GFM task item, when it is one. */
  private checkbox(item: ListItem): Range | undefined {
    if (item.checked === null || item.checked === undefined) return undefined;
    // Read from the item's first line: when the text starts with emphasis, micromark starts the
    // paragraph at the checkbox, so the paragraph's position cannot bound the search.
    const start = nodeStart(item);
    const head = this.doc.text.slice(start, this.doc.index.lineEnd(this.doc.index.positionAt(start).line));
    const m = /^(?:[-*+]|\d{1,9}[.)])[ \t]+(\[[ xX]\])/.exec(head);
    if (!m) return undefined;
    const at = start + m[0].length - 3;
    return this.doc.index.rangeOf(at, at + 3);
  }

  /** Checkbox lines inside fenced code are remembered so the language server can say they are not tasks. */
  private scanCode(root: Nodes): void {
    walk(root, (node) => {
      if (node.type !== 'code') return undefined;
      const start = this.doc.index.positionAt(nodeStart(node)).line;
      const end = this.doc.index.positionAt(nodeEnd(node)).line;
      for (let line = start + 1; line < end; line++) {
        const text = this.doc.index.lineText(line);
        if (/^\s*[-*+]\s+\[[ xX]\]\s+/.test(text)) {
          const from = text.search(/\S/);
          this.fenced.push({ value: text.trim(), range: { start: { line, character: from }, end: { line, character: text.length } } });
        }
      }
      return 'skip';
    });
  }

  private checkOrder(): void {
    const seen = new Map<string, Task>();
    let previous: Task | undefined;
    for (const t of this.tasks) {
      const first = seen.get(t.id);
      if (first) {
        this.problems.push({
          code: 'task-duplicate-id',
          message: `${t.id} is used twice (first at line ${first.idRange.start.line + 1}); task IDs must be unique.`,
          severity: 'error',
          range: t.idRange,
        });
      } else {
        seen.set(t.id, t);
      }
      if (previous && !t.derived && !previous.derived && comesBefore(t, previous) && !first) {
        this.problems.push({
          code: 'task-out-of-order',
          message: `${t.id} comes after ${previous.id}; spec-kit numbers tasks in execution order.`,
          severity: 'warning',
          range: t.idRange,
        });
      }
      previous = t;
    }
  }
}

/** What one top-level list item added to a parse: index ranges in that parser's arrays. */
interface ItemRecord {
  readonly phase: string | undefined;
  /** The line the item started on then: its ranges move with it. */
  readonly line: number;
  readonly parser: TasksParser;
  readonly t0: number;
  readonly t1: number;
  readonly u0: number;
  readonly u1: number;
  readonly f0: number;
  readonly f1: number;
}

/**
 * By list item node: the tree keeps its records alive exactly as long as it may be an edit's base.
 * A splice moves the nodes after an edit in place, so a record outlives the parse that made it.
 */
const itemRecords = new WeakMap<ListItem, ItemRecord>();

/** Top-level list items read, reused, and reused moved by lines since the process started (tests check that reuse happens). */
export const tasksReuse = { read: 0, reused: 0, moved: 0 };

function movedItem<T extends { readonly range: Range; readonly checkboxRange: Range | undefined }>(x: T, lines: number): T {
  return { ...x, range: movedRange(x.range, lines), checkboxRange: x.checkboxRange && movedRange(x.checkboxRange, lines) };
}

function movedLocated(x: Located<string>, lines: number): Located<string> {
  return { ...x, range: movedRange(x.range, lines) };
}

function movedTask(t: Task, lines: number): Task {
  return {
    ...t,
    range: movedRange(t.range, lines),
    lineRange: movedRange(t.lineRange, lines),
    idRange: movedRange(t.idRange, lines),
    checkboxRange: t.checkboxRange && movedRange(t.checkboxRange, lines),
    children: t.children.map((c) => movedItem(c, lines)),
    acceptance: t.acceptance.map((c) => movedItem(c, lines)),
    issueRange: t.issueRange && movedRange(t.issueRange, lines),
  };
}

function isNumberedId(id: string): boolean {
  const c = id.charCodeAt(0);
  return c >= 48 && c <= 57;
}

/** Whether task `a`'s ID orders before `b`'s (T012 < T013; 1.9 < 1.10); IDs of different schemes do not compare. */
function comesBefore(ta: Task, tb: Task): boolean {
  const [a, b] = [ta.id, tb.id];
  const numbered = isNumberedId(a);
  if (numbered !== isNumberedId(b)) return false;
  // A T-ID's number is its digits (leadingTaskId), read once when the task was.
  if (!numbered) return ta.number < tb.number;
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]!;
  return x.length < y.length;
}

/** `**Priority:** High` → `High`, from a paragraph's source. */
function field(src: string, name: string): string | undefined {
  const re = new RegExp(String.raw`(?:^|[\r\n])\s*(?:\*\*|__)?${name.replace(/ /g, '\\s+')}\s*:?\s*(?:\*\*|__)?\s*:?\s*(.+)`, 'i');
  const m = re.exec(src);
  return m ? m[1]!.replace(/\s+$/, '').trim() || undefined : undefined;
}

/** The seed's "Task 1", "Tasks 1-5", "All previous tasks", "None". */
function seedDependencies(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(\d+)\s*(?:-|–|to)\s*(\d+)|(\d+)/g)) {
    if (m[3]) out.push(`T${Number(m[3])}`);
    else for (let n = Number(m[1]); n <= Number(m[2]) && n - Number(m[1]) < 1000; n++) out.push(`T${n}`);
  }
  return [...new Set(out)];
}

/** Task IDs named in a dependency clause ("depends on T012, T013", "after T005"). */
function dependencies(text: string, own: string): string[] {
  const out = new Set<string>();
  for (const clause of text.matchAll(DEPENDENCY_CLAUSE)) {
    for (const ref of clause[0].matchAll(TASK_REF)) if (ref[0] !== own) out.add(ref[0]);
  }
  return [...out];
}

/** The description without the issue URL that ends the line (plain text may have kept it, or a part after a wrap). */
function withoutIssue(description: string, url: string): string {
  const at = description.lastIndexOf(url);
  return (at >= 0 ? description.slice(0, at) : description).trim();
}

/** Description as a reader sees it: the first line's remainder, rendered as plain text. */
function describe(restSource: string, fullText: string, id: string): string {
  const afterId = fullText.slice(fullText.indexOf(id) + id.length);
  const cleaned = leadingTags(afterId.replace(/^\s*\]?\s*/, '')).rest.replace(/^\s*[:：—–-]\s*/, '').trim();
  return cleaned || restSource.trim();
}

/** Paragraph and heading texts and inline code values, each on its own (joining them would glue words). */
function textsOf(root: Nodes): string[] {
  const out: string[] = [];
  walk(root, (node) => {
    if (node.type === 'code' || node.type === 'html') return 'skip';
    if (node.type !== 'paragraph' && node.type !== 'heading') return undefined;
    out.push(plainText(node), ...inlineCodes(node));
    return 'skip';
  });
  return out;
}

function inlineCodes(root: Nodes): string[] {
  const codes: string[] = [];
  walk(root, (n) => {
    if (n.type === 'inlineCode') codes.push(n.value);
  });
  return codes;
}

/** Text of the item's first paragraph plus its inline code (paths are often in backticks). */
function itemCodeAndText(item: ListItem, description: string): string {
  const para = firstParagraph(item);
  return [description, ...(para ? inlineCodes(para) : [])].join(' ');
}

/** File paths named in a text: tokens with a slash, or a file name with a known extension; no URLs. */
export function pathsIn(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(PATH_TOKEN)) {
    let p = m[1]!.replace(/[.,;:)]+$/, '');
    if (p.includes('://') || /^\/?$/.test(p)) continue;
    // "GET/POST", "and/or", "CI/CD" are not paths: require a dot or a trailing slash or several segments.
    const segments = p.split('/').filter(Boolean);
    if (!p.includes('.') && !p.endsWith('/') && segments.length < 3) continue;
    if (/^[\d./]+$/.test(p)) continue; // versions, dates, CIDR ranges
    if (/^[A-Z]+\/[A-Z]+$/.test(p)) continue;
    p = p.replace(/^\.\//, '');
    if (p) out.add(p);
  }
  return [...out];
}
