/** Zero-based line and UTF-16 character offset, as in VS Code and LSP. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/**
 * Something odd about a file, with the exact text it concerns. `code` is stable: settings,
 * quick fixes and the CLI key on it.
 */
export interface Problem {
  readonly code: string;
  readonly message: string;
  readonly severity: Severity;
  readonly range: Range;
}

/** A value together with the source text it was read from. */
export interface Located<T> {
  readonly value: T;
  readonly range: Range;
}

export function pos(line: number, character: number): Position {
  return { line, character };
}

export function range(startLine: number, startChar: number, endLine: number, endChar: number): Range {
  return { start: { line: startLine, character: startChar }, end: { line: endLine, character: endChar } };
}

/** The same range `lines` lines further down (columns kept): what a range becomes when lines are inserted above it. */
export function movedRange(r: Range, lines: number): Range {
  return { start: { line: r.start.line + lines, character: r.start.character }, end: { line: r.end.line + lines, character: r.end.character } };
}

export function containsPosition(r: Range, p: Position): boolean {
  if (p.line < r.start.line || p.line > r.end.line) return false;
  if (p.line === r.start.line && p.character < r.start.character) return false;
  if (p.line === r.end.line && p.character > r.end.character) return false;
  return true;
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}
