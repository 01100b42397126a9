import { type FileReadError } from './fileSystem';

/**
 * Something the index could not read or analyse. A file that is there but unreadable is reported,
 * never taken for absent: `check` must not call a tree clean because it could not look at it.
 */
export type WorkspaceProblemCode =
  /** Permission denied, an I/O error, a folder that cannot be listed. */
  | 'unreadable-file'
  /** A FIFO, socket, device or (where links are not followed) a symbolic link. */
  | 'not-a-regular-file'
  /** Bigger than anything of its kind should be; not read. */
  | 'file-too-large'
  /** The parser threw: the file is left out, its siblings are indexed. */
  | 'analysis-failed';

export interface WorkspaceProblem {
  /** Absolute POSIX path of the file (or folder) concerned. */
  readonly path: string;
  readonly code: WorkspaceProblemCode;
  readonly severity: 'error' | 'warning';
  /** One sentence, without the path. */
  readonly message: string;
}

/**
 * A failed read as a problem; `what` names the file's role ("The current-feature pointer"). Too
 * large is a warning, as the parser's own size limit is; anything else is an error.
 */
export function readProblem(error: FileReadError, what = 'This file'): WorkspaceProblem {
  const message = `${what} was not read: ${error.message}.`;
  if (error.reason === 'too-large') return { path: error.path, code: 'file-too-large', severity: 'warning', message };
  const code = error.reason === 'not-regular' || error.reason === 'symlink' ? 'not-a-regular-file' : 'unreadable-file';
  return { path: error.path, code, severity: 'error', message };
}
