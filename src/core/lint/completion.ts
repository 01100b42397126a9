import { containsPosition, type Position, type Range } from '../text/range';
import { type AnalyzedDoc } from './analyzedDoc';
import { nextTaskId } from './quickFixes';

export interface CompletionCandidate {
  readonly label: string;
  readonly kind: 'id' | 'tag' | 'snippet';
  readonly detail: string;
  readonly documentation?: string;
  /** Text (or snippet, when `snippet`) replacing `range`. */
  readonly insertText: string;
  readonly snippet: boolean;
  readonly range: Range;
  readonly sortText: string;
  readonly preselect: boolean;
}

const AFTER_CHECKBOX = /^([ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\[[ xX]\][ \t]+)(T\d*)?$/;
const AFTER_ID = /^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\[[ xX]\][ \t]+T\d{3,}[a-z]?(?:[ \t]+\[[^\]\r\n]*\])*[ \t]+(\[[A-Za-z0-9-]*)?$/;
const EMPTY_ITEM = /^([ \t]*)([-*+][ \t]*)?$/;
/** An ID being typed: `US`, `T0`, `CHK`, `FR-` (a bare capital letter is just a word). */
const ID_WORD = /(?<![\w-])(?:US\d*|T\d*|CHK\d*|[A-Z]{1,5}-\d*)$/;

/**
 * Completions at a position: the next task ID after a checkbox, `[P]` and story tags after an ID,
 * the whole task line on an empty line of a tasks.md phase, and the feature's IDs where an ID is
 * being typed (`FR-`, `US`, `T0`, `CHK`).
 */
export function completions(doc: AnalyzedDoc, at: Position, docs: readonly AnalyzedDoc[]): CompletionCandidate[] {
  const index = doc.markdown.index;
  const prefix = index.lineText(at.line).slice(0, at.character);
  const spec = docs.find((d) => d.kind === 'spec');
  const stories = spec?.kind === 'spec' ? spec.model.stories : [];
  const out: CompletionCandidate[] = [];
  const range = (from: number): Range => ({ start: { line: at.line, character: from }, end: at });

  if (doc.kind === 'tasks') {
    // The phase the line is in, or just below (a new line after a phase's last task).
    const phase = [...doc.model.phases].reverse().find((p) => p.headingRange.start.line < at.line && (containsPosition(p.range, at) || p.range.end.line + 2 >= at.line));
    const next = nextTaskId(doc.model);
    const afterBox = AFTER_CHECKBOX.exec(prefix);
    if (afterBox) {
      out.push(candidate(next, 'id', 'next task ID', `${next} `, false, range(afterBox[1]!.length), '0', true));
      return out;
    }
    const afterId = AFTER_ID.exec(prefix);
    if (afterId) {
      const from = at.character - (afterId[1]?.length ?? 0);
      if (!/\[P\]/.test(prefix)) out.push(candidate('[P]', 'tag', 'can run in parallel (different files, no open dependencies)', '[P] ', false, range(from), '1', false));
      for (const s of stories) {
        const mine = phase?.story === s.id;
        out.push(candidate(`[${s.id}]`, 'tag', s.title, `[${s.id}] `, false, range(from), mine ? '0' : `2${String(s.number).padStart(4, '0')}`, mine));
      }
      return out;
    }
    const empty = EMPTY_ITEM.exec(prefix);
    if (empty && phase) {
      const story = phase.kind === 'story' && phase.story ? `[${phase.story}] ` : '';
      out.push(
        candidate(
          `- [ ] ${next} …`,
          'snippet',
          `task line${phase.story ? ` for ${phase.story}` : ''}: "- [ ] ${next} [P] ${story}Description with file path"`,
          `${empty[1]}- [ ] ${next} \${1:[P] }${story}\${2:Description} in \${3:path/to/file}`,
          true,
          range(0),
          '0',
          true,
        ),
      );
      return out;
    }
  }

  const word = ID_WORD.exec(prefix);
  if (!word || word[0].length === 0) return out;
  const from = at.character - word[0].length;
  const seen = new Set<string>();
  for (const d of docs) {
    for (const o of d.occurrences()) {
      if (!o.definition || seen.has(o.id)) continue;
      seen.add(o.id);
      out.push(candidate(o.id, 'id', describe(d, o.id), o.id, false, range(from), `${familyRank(o.family)}${o.id}`, false));
    }
  }
  return out;
}

function familyRank(f: string): string {
  return f === 'requirement' ? '1' : f === 'story' ? '2' : f === 'task' ? '3' : '4';
}

function describe(d: AnalyzedDoc, id: string): string {
  switch (d.kind) {
    case 'spec':
      return d.model.requirements.find((r) => r.id === id)?.text ?? d.model.stories.find((s) => s.id === id)?.title ?? '';
    case 'tasks':
      return d.model.tasks.find((t) => t.id === id)?.description ?? '';
    case 'checklist':
      return d.model.items.find((i) => i.id === id)?.text ?? '';
    default:
      return '';
  }
}

function candidate(
  label: string,
  kind: CompletionCandidate['kind'],
  detail: string,
  insertText: string,
  snippet: boolean,
  range: Range,
  sortText: string,
  preselect: boolean,
): CompletionCandidate {
  return { label, kind, detail, insertText, snippet, range, sortText, preselect };
}
