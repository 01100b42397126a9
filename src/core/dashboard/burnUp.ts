/**
 * Progress over time: done and total tasks per day, from the committed versions of tasks.md (the
 * last commit of each day), with today's point taken from the live index.
 */
import { parseTasks } from '../artifacts/tasks';
import { type BurnUpPoint } from './protocol';


/** One commit that touched the file: its day and the file's path in that commit. */
export interface FileCommit {
  readonly sha: string;
  /** `YYYY-MM-DD`, the committer's date. */
  readonly date: string;
  /** The file's path relative to the repository root at that commit (it may have been renamed since). */
  readonly path: string;
}

/** What the history needs of git; the Node implementation is `gitFileHistory` in workspace/git. */
export interface FileHistoryReader {
  /** Commits that changed the file, newest first. */
  log(): Promise<readonly FileCommit[]>;
  /** The file's text at a commit, or undefined when it cannot be read. */
  show(commit: FileCommit): Promise<string | undefined>;
}

/** Days of history read at most: a burn-up of a feature spans weeks, not years. */
export const MAX_HISTORY_DAYS = 120;

/** Done/total per day in date order, from the last commit of each day. Counts are memoised by commit. */
export async function tasksHistory(reader: FileHistoryReader, cache: Map<string, { done: number; total: number }> = new Map()): Promise<BurnUpPoint[]> {
  const commits = await reader.log();
  const lastOfDay = new Map<string, FileCommit>();
  for (const c of commits) if (!lastOfDay.has(c.date)) lastOfDay.set(c.date, c);
  const days = [...lastOfDay.values()].sort((a, b) => (a.date < b.date ? 1 : -1)).slice(0, MAX_HISTORY_DAYS);
  const points: BurnUpPoint[] = [];
  for (const c of days) {
    let counts = cache.get(`${c.sha}:${c.path}`);
    if (!counts) {
      const text = await reader.show(c);
      if (text === undefined) continue;
      const doc = parseTasks(text);
      counts = { done: doc.done, total: doc.total };
      cache.set(`${c.sha}:${c.path}`, counts);
    }
    points.push({ date: c.date, ...counts });
  }
  return points.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** The history with today's live point in place of (or after) today's committed one. */
export function burnUpPoints(history: readonly BurnUpPoint[] | undefined, today: BurnUpPoint): BurnUpPoint[] {
  const past = (history ?? []).filter((p) => p.date < today.date);
  return [...past, today];
}
