import { type Task, type TasksDoc } from '../artifacts/tasks';
import { type TextEdit } from '../artifacts/taskEdits';
import { issueAtLineEnd } from './issueLink';

/**
 * The edit that writes (or replaces) a task's issue URL at the end of its first line. Trailing
 * whitespace is folded into one space; nothing else on the line changes.
 */
export function setIssueLinkEdit(doc: TasksDoc, task: Task, url: string): TextEdit {
  const line = task.lineRange.start.line;
  const text = doc.markdown.index.lineText(line).replace(/\r$/, '');
  const existing = issueAtLineEnd(text);
  const keep = existing ? text.slice(0, existing.start).replace(/[ \t]+$/, '') : text.replace(/[ \t]+$/, '');
  return { range: { start: { line, character: keep.length }, end: { line, character: text.length } }, newText: ` ${url}` };
}
