import { type Position, type Range } from './range';

/**
 * Maps offsets in a text to line/character positions and back. A line ends at `\r\n`, `\n` or a lone
 * `\r`, as in VS Code and LSP, so a file saved with any line endings (or a mix) has the same lines
 * and columns; the line break itself belongs to no line.
 */
export class LineIndex {
  /** Offset at which each line starts. */
  private readonly starts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= clamped) lo = mid;
      else hi = mid - 1;
    }
    // An offset inside a CRLF line break is the end of the line: VS Code has no position there.
    return { line: lo, character: Math.min(clamped, this.lineEnd(lo)) - this.starts[lo]! };
  }

  offsetAt(p: Position): number {
    if (p.line < 0) return 0;
    if (p.line >= this.starts.length) return this.text.length;
    return Math.min(this.starts[p.line]! + Math.max(0, p.character), this.lineEnd(p.line));
  }

  rangeOf(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** Offset just past the line's last character, before its line break. */
  lineEnd(line: number): number {
    if (line < 0 || line >= this.starts.length) return line < 0 ? 0 : this.text.length;
    if (line + 1 >= this.starts.length) return this.text.length;
    const start = this.starts[line]!;
    // The next line starts right after the break: `\n`, a lone `\r`, or `\r\n`.
    const last = this.starts[line + 1]! - 1;
    return this.text.charCodeAt(last) === 10 && last > start && this.text.charCodeAt(last - 1) === 13 ? last - 1 : last;
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))]!;
  }

  lineText(line: number): string {
    if (line < 0 || line >= this.starts.length) return '';
    return this.text.slice(this.starts[line], this.lineEnd(line));
  }

  lineRange(line: number): Range {
    return this.rangeOf(this.lineStart(line), this.lineEnd(line));
  }

  textOf(r: Range): string {
    return this.text.slice(this.offsetAt(r.start), this.offsetAt(r.end));
  }
}

/** The text's lines without their line breaks, for any mix of `\r\n`, `\n` and `\r`. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}
