/**
 * The protocol by which a model returns files: prose plus `<file path="…">…</file>` blocks. Models
 * bend it (CRLF, odd quoting, a block inside a ```xml fence, a ```markdown fence around the content,
 * a missing `</file>` when the reply was cut off), so reading is tolerant. One line-based state
 * machine serves both the streaming display and the final parse, so what the user watched arrive is
 * exactly what gets written.
 */

export interface ModelFile {
  path: string;
  content: string;
  /** False when the closing `</file>` never came (a truncated reply). */
  complete: boolean;
  /** The content was wrapped in one ```markdown / ```md fence and it was removed. */
  unwrapped: boolean;
}

export type StreamEvent =
  | { kind: 'prose'; text: string }
  | { kind: 'fileStart'; path: string }
  | { kind: 'fileText'; path: string; text: string }
  | { kind: 'fileEnd'; path: string; complete: boolean };

const FENCE_LINE = /^[ \t]*(`{3,}|~{3,})([^\n]*)$/;
const MARKDOWN_INFO = /^(?:markdown|md)$/i;
const HEADING_LINE = /^[ \t]{0,3}#{1,6}(?:[ \t]|$)/;
const CLOSE_TAG = '</file>';

interface Fence {
  readonly char: string;
  readonly len: number;
  readonly info: string;
}

function fenceOf(line: string): Fence | undefined {
  const m = FENCE_LINE.exec(line);
  if (!m) return undefined;
  const info = m[2]!.trim();
  // A backtick fence's info string cannot contain backticks (CommonMark); "```a```" is inline code.
  if (m[1]![0] === '`' && info.includes('`')) return undefined;
  return { char: m[1]![0]!, len: m[1]!.length, info };
}

const isBlank = (line: string): boolean => /^[ \t]*$/.test(line);

/** Whether `fence` closes a block opened by `open`. */
const closes = (fence: Fence | undefined, open: Fence): boolean => fence !== undefined && fence.info === '' && fence.char === open.char && fence.len >= open.len;

/**
 * Removes one fence wrapping a file's content, line by line, holding back only lines whose meaning
 * depends on what follows: a bare fence at the start (a wrapper only if a `#` heading follows) and
 * a bare fence that may close the wrapper (it does only if nothing but blank lines follows).
 */
class Unwrapper {
  private state: 'start' | 'maybeBare' | 'plain' | 'body' | 'closing' = 'start';
  private held = '';
  private heldFence: Fence | undefined;
  private wrapper: Fence | undefined;
  private inner: Fence | undefined;

  constructor(private readonly out: (text: string) => void) {}

  get unwrapped(): boolean {
    return this.wrapper !== undefined;
  }

  /** The last non-blank line closed the wrapper (so far). */
  get closed(): boolean {
    return this.state === 'closing';
  }

  /** Lines of this kind may be emitted before they are complete: nothing is held and they cannot change state. */
  get streamsPartialLines(): boolean {
    return this.state === 'plain' || (this.state === 'body' && this.held === '');
  }

  /** One line and its line ending; `skip` characters of it were already emitted as a partial line. */
  feed(line: string, eol: string, skip = 0): void {
    const whole = line + eol;
    switch (this.state) {
      case 'start': {
        if (isBlank(line)) {
          this.held += whole;
          return;
        }
        const fence = fenceOf(line);
        if (fence && MARKDOWN_INFO.test(fence.info)) {
          this.held = '';
          this.wrapper = fence;
          this.state = 'body';
        } else if (fence && fence.info === '') {
          this.held += whole;
          this.heldFence = fence;
          this.state = 'maybeBare';
        } else {
          this.flush();
          this.state = 'plain';
          this.out(whole.slice(skip));
        }
        return;
      }
      case 'maybeBare': {
        if (isBlank(line)) {
          this.held += whole;
          return;
        }
        if (HEADING_LINE.test(line)) {
          this.held = '';
          this.wrapper = this.heldFence;
          this.state = 'body';
          this.out(whole.slice(skip));
        } else {
          this.flush();
          this.state = 'plain';
          this.out(whole.slice(skip));
        }
        return;
      }
      case 'plain':
        this.out(whole.slice(skip));
        return;
      case 'closing': {
        if (isBlank(line)) {
          this.held += whole;
          return;
        }
        // More content after the candidate: it opened a bare inner block rather than closing the wrapper.
        this.inner = this.heldFence;
        this.flush();
        this.state = 'body';
        this.feed(line, eol, skip);
        return;
      }
      case 'body': {
        const fence = fenceOf(line);
        if (this.inner) {
          if (closes(fence, this.inner)) this.inner = undefined;
        } else if (fence && fence.info !== '') {
          this.inner = fence;
        } else if (fence && closes(fence, this.wrapper!)) {
          this.held = whole;
          this.heldFence = fence;
          this.state = 'closing';
          return;
        } else if (fence) {
          this.inner = fence;
        }
        this.out(whole.slice(skip));
        return;
      }
    }
  }

  /** The content ended: a held wrapper closer (and the blank lines after it) is dropped, anything else kept. */
  end(): void {
    if (this.state !== 'closing') this.flush();
    this.held = '';
  }

  private flush(): void {
    if (this.held) this.out(this.held);
    this.held = '';
  }
}

/**
 * Removes one fence wrapping the whole text: ```markdown, ```md, or a bare ``` whose content starts
 * with a `#` heading. Inner fences stay intact; text whose wrapper is never closed is left alone.
 */
export function unwrapMarkdownFence(text: string): { text: string; unwrapped: boolean } {
  let out = '';
  const u = new Unwrapper((t) => (out += t));
  const parts = text.split(/(\r?\n)/);
  for (let i = 0; i < parts.length; i += 2) u.feed(parts[i]!, parts[i + 1] ?? '');
  const closed = u.closed;
  const unwrapped = u.unwrapped;
  u.end();
  return unwrapped && closed ? { text: out, unwrapped: true } : { text, unwrapped: false };
}

/** `<file path="x">` at a line's start: the path ('' when missing), self-closing, and what follows on the line. */
function parseOpenTag(line: string): { path: string; selfClosing: boolean; rest: string } | undefined {
  const m = /^[ \t]*<file(?=[\s/>])/i.exec(line);
  if (!m) return undefined;
  let i = m[0].length;
  const attrs = new Map<string, string>();
  for (;;) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length) return undefined;
    if (line[i] === '>') {
      i++;
      break;
    }
    if (line.startsWith('/>', i)) {
      i += 2;
      const path = attrs.get('path') ?? attrs.get('filename') ?? attrs.get('name') ?? '';
      return { path: path.trim(), selfClosing: true, rest: line.slice(i) };
    }
    const name = /^[A-Za-z_:][\w:.-]*/.exec(line.slice(i));
    if (!name) return undefined;
    i += name[0].length;
    while (i < line.length && /[ \t]/.test(line[i]!)) i++;
    let value = '';
    if (line[i] === '=') {
      i++;
      while (i < line.length && /[ \t]/.test(line[i]!)) i++;
      const q = line[i];
      if (q === '"' || q === "'") {
        const close = line.indexOf(q, i + 1);
        if (close === -1) return undefined;
        value = line.slice(i + 1, close);
        i = close + 1;
      } else {
        const v = /^[^\s>]+/.exec(line.slice(i));
        if (!v) return undefined;
        value = v[0];
        // `path=plan.md/>`: the slash belongs to the tag.
        if (value.endsWith('/') && line[i + value.length] === '>') value = value.slice(0, -1);
        i += value.length;
      }
    }
    const key = name[0].toLowerCase();
    if (!attrs.has(key)) attrs.set(key, value);
  }
  const path = attrs.get('path') ?? attrs.get('filename') ?? attrs.get('name') ?? '';
  return { path: path.trim(), selfClosing: false, rest: line.slice(i) };
}

/**
 * Where a line closes the file: `</file>` with only whitespace before it (the rest of the line is
 * prose again) or only whitespace after it (the text before it is the content's last line).
 */
function findClose(line: string): { at: number; rest: string } | undefined {
  const lower = line.toLowerCase();
  for (let at = lower.indexOf(CLOSE_TAG); at !== -1; at = lower.indexOf(CLOSE_TAG, at + 1)) {
    const before = line.slice(0, at);
    const after = line.slice(at + CLOSE_TAG.length);
    if (isBlank(before)) return { at, rest: after };
    if (isBlank(after)) return { at, rest: '' };
  }
  return undefined;
}

/**
 * How much of the not yet shown part of a content line can be shown now: up to where a closing tag
 * might begin. (What was shown stays right: appending text cannot make an earlier `<` a candidate.)
 */
function safePrefixLength(partial: string): number {
  for (let i = partial.indexOf('<'); i !== -1; i = partial.indexOf('<', i + 1)) {
    const tail = partial.slice(i, i + CLOSE_TAG.length + 1).toLowerCase();
    if (CLOSE_TAG.startsWith(tail)) return i;
    if (tail.startsWith(CLOSE_TAG) && isBlank(partial.slice(i + CLOSE_TAG.length))) return i;
  }
  return partial.length;
}

/**
 * Splits a streamed reply into prose and file events. Tags may be split across chunks at any
 * character; lines are held back only while their meaning is undecided, and the texts of all events
 * concatenate to what `parseFileEnvelopes` returns for the whole reply.
 */
export class FileStreamSplitter {
  /** Things the reader should know about the reply (unclosed files, stray tags…). */
  readonly problems: string[] = [];
  /**
   * The incomplete last line (line endings normalized): the parts already emitted, and the rest.
   * Kept apart so a huge line arriving in tiny chunks is never rescanned (that would be quadratic).
   */
  private lineDone: string[] = [];
  private lineRest = '';
  /** Characters of the incomplete line already emitted (the length of `lineDone`). */
  private emitted = 0;
  /** Whether the incomplete line can be neither a tag nor a fence; undefined while it is blank so far. */
  private lineOrdinary: boolean | undefined;
  private pendingCR = '';
  private events: StreamEvent[] = [];
  private file: { path: string; unwrapper: Unwrapper } | undefined;
  /** A prose fence that may wrap a file block, with the blank lines after it. */
  private heldProse = '';
  private heldFence: Fence | undefined;
  /** A fence open in the prose; `dropped` when its opening line wrapped a file block and was removed. */
  private proseFence: (Fence & { dropped: boolean }) | undefined;
  private ended = false;

  push(chunk: string): StreamEvent[] {
    if (this.ended) throw new Error('FileStreamSplitter: push() after end()');
    let text = this.pendingCR + chunk;
    this.pendingCR = '';
    // A chunk ending in "\r" may be half of "\r\n": keep it for the next chunk.
    if (text.endsWith('\r')) {
      this.pendingCR = '\r';
      text = text.slice(0, -1);
    }
    text = text.replace(/\r\n/g, '\n');
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const [line, skip] = this.takeLine(text.slice(start, nl));
      this.line(line, '\n', skip);
      start = nl + 1;
    }
    const rest = text.slice(start);
    if (rest !== '') {
      this.lineRest += rest;
      if (this.lineOrdinary === undefined) {
        const m = /[^ \t]/.exec(rest);
        if (m) this.lineOrdinary = !'<`~'.includes(m[0]);
      }
      this.partial();
    }
    return this.take();
  }

  end(): StreamEvent[] {
    if (this.ended) return [];
    this.ended = true;
    const [last, skip] = this.takeLine(this.pendingCR);
    this.pendingCR = '';
    if (last !== '') this.line(last, '', skip);
    if (this.file) this.closeFile(false, `The reply ended before </file> closed ${describePath(this.file.path)}; it may have been cut off.`);
    if (this.heldProse) this.prose(this.heldProse);
    this.heldProse = '';
    return this.take();
  }

  /** The whole incomplete line plus `tail`, and how much of it was emitted; starts a new line. */
  private takeLine(tail: string): [string, number] {
    const line = this.lineDone.join('') + this.lineRest + tail;
    const skip = this.emitted;
    this.lineDone = [];
    this.lineRest = '';
    this.emitted = 0;
    this.lineOrdinary = undefined;
    return [line, skip];
  }

  private take(): StreamEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  private emit(e: StreamEvent): void {
    const last = this.events[this.events.length - 1];
    if (e.kind === 'prose' && last?.kind === 'prose') last.text += e.text;
    else if (e.kind === 'fileText' && last?.kind === 'fileText' && last.path === e.path) last.text += e.text;
    else this.events.push(e);
  }

  private prose(text: string): void {
    if (text) this.emit({ kind: 'prose', text });
  }

  /** Shows what can be shown of the incomplete last line. */
  private partial(): void {
    if (!this.lineOrdinary) return;
    let n: number;
    if (this.file) {
      // The state of the unwrapper changes only at line ends, so a line streams from its start or not at all.
      if (!this.file.unwrapper.streamsPartialLines) return;
      n = safePrefixLength(this.lineRest);
      if (n > 0) this.emit({ kind: 'fileText', path: this.file.path, text: this.lineRest.slice(0, n) });
    } else {
      if (this.heldProse) return;
      n = this.lineRest.length;
      this.prose(this.lineRest);
    }
    if (n === 0) return;
    this.lineDone.push(this.lineRest.slice(0, n));
    this.lineRest = this.lineRest.slice(n);
    this.emitted += n;
  }

  private line(line: string, eol: string, skip: number): void {
    if (this.file) this.fileLine(line, eol, skip);
    else this.proseLine(line, eol, skip);
  }

  private fileLine(line: string, eol: string, skip: number): void {
    const file = this.file!;
    const open = parseOpenTag(line);
    if (open) {
      this.closeFile(false, `${describePath(file.path)} was not closed with </file> before the next file began.`);
      this.proseLine(line, eol, 0);
      return;
    }
    const close = findClose(line);
    if (close) {
      if (close.at > 0 && !isBlank(line.slice(0, close.at))) file.unwrapper.feed(line.slice(0, close.at), '', skip);
      this.closeFile(true);
      // The line break after the tag belongs to the tag; text after it on the line is prose again.
      if (!isBlank(close.rest)) this.proseLine(close.rest, eol, 0);
      return;
    }
    file.unwrapper.feed(line, eol, skip);
  }

  private proseLine(line: string, eol: string, skip: number): void {
    const whole = line + eol;
    if (this.heldProse) {
      if (isBlank(line)) {
        this.heldProse += whole;
        return;
      }
      if (parseOpenTag(line)) {
        // The fence wrapped a file block (models do that): drop it and remember to drop its closer.
        this.proseFence = { ...this.heldFence!, dropped: true };
        this.heldProse = '';
        this.openFile(line, eol);
        return;
      }
      this.proseFence = { ...this.heldFence!, dropped: false };
      this.prose(this.heldProse);
      this.heldProse = '';
    }
    if (parseOpenTag(line)) {
      this.openFile(line, eol);
      return;
    }
    const fence = fenceOf(line);
    if (this.proseFence) {
      if (closes(fence, this.proseFence)) {
        const dropped = this.proseFence.dropped;
        this.proseFence = undefined;
        if (dropped) return;
      }
    } else if (fence && skip === 0) {
      this.heldProse = whole;
      this.heldFence = fence;
      return;
    }
    if (findClose(line) && isBlank(line.slice(0, findClose(line)!.at))) this.problems.push('A </file> tag appeared outside any file block; it was kept as prose.');
    this.prose(whole.slice(skip));
  }

  private openFile(line: string, eol: string): void {
    const tag = parseOpenTag(line)!;
    const path = tag.path;
    if (path === '') this.problems.push('A <file> tag had no path attribute; its content was ignored.');
    this.emit({ kind: 'fileStart', path });
    const unwrapper = new Unwrapper((text) => {
      if (text) this.emit({ kind: 'fileText', path, text });
    });
    this.file = { path, unwrapper };
    if (tag.selfClosing) {
      this.closeFile(true);
      if (!isBlank(tag.rest)) this.proseLine(tag.rest, eol, 0);
      return;
    }
    // Text right after the tag on the same line is the content's first line.
    if (!isBlank(tag.rest)) this.fileLine(tag.rest, eol, 0);
  }

  private closeFile(complete: boolean, problem?: string): void {
    const file = this.file!;
    file.unwrapper.end();
    this.file = undefined;
    if (problem) this.problems.push(problem);
    this.emit({ kind: 'fileEnd', path: file.path, complete });
    this.unwrappedFiles.push(file.unwrapper.unwrapped);
  }

  /** Per ended file, in order: whether a wrapping ```markdown fence was removed from its content. */
  readonly unwrappedFiles: boolean[] = [];
}

function describePath(path: string): string {
  return path === '' ? 'a file without a path' : `"${path}"`;
}

/**
 * Reads a whole reply: its file blocks and the prose around them. Duplicate paths: the last block
 * wins and appears where it came in the reply. Files are in reply order. Never throws.
 */
export function parseFileEnvelopes(text: string): { files: ModelFile[]; prose: string; problems: string[] } {
  const splitter = new FileStreamSplitter();
  const events = [...splitter.push(text), ...splitter.end()];
  let prose = '';
  const files: ModelFile[] = [];
  let current: ModelFile | undefined;
  let closed = 0;
  for (const e of events) {
    if (e.kind === 'prose') prose += e.text;
    else if (e.kind === 'fileStart') current = { path: e.path, content: '', complete: false, unwrapped: false };
    else if (e.kind === 'fileText' && current) current.content += e.text;
    else if (e.kind === 'fileEnd' && current) {
      current.complete = e.complete;
      current.unwrapped = splitter.unwrappedFiles[closed++] ?? false;
      files.push(current);
      current = undefined;
    }
  }
  const problems = [...splitter.problems];
  const byKey = new Map<string, ModelFile>();
  for (const f of files) {
    if (f.path === '') continue;
    const key = f.path.replace(/^(?:\.\/)+/, '');
    if (byKey.has(key)) {
      problems.push(`"${f.path}" was returned more than once; the last version is used.`);
      byKey.delete(key);
    }
    byKey.set(key, f);
  }
  return { files: [...byKey.values()], prose: prose.trim(), problems };
}

/** The longest file or directory name most file systems accept, in UTF-8 bytes. */
const MAX_NAME_BYTES = 255;
const MAX_PATH_CHARS = 1024;
const WINDOWS_RESERVED = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?:\.[^.]*)?$/i;
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u200B\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/;

/**
 * Decides whether a path a model named may be written: relative, inside the target directory, no
 * tricks. Returns the normalized path (`./x` → `x`).
 */
export function checkRelativePath(path: string, allowed: readonly string[] | ((p: string) => boolean)): { ok: true; path: string } | { ok: false; reason: string } {
  const shown = JSON.stringify(path.length > 80 ? `${path.slice(0, 80)}…` : path);
  const no = (reason: string): { ok: false; reason: string } => ({ ok: false, reason: `${shown}: ${reason}` });
  if (typeof path !== 'string' || path.trim() === '') return { ok: false, reason: 'The file path is empty.' };
  if (path.length > MAX_PATH_CHARS) return no(`the path is longer than ${MAX_PATH_CHARS} characters.`);
  if (CONTROL.test(path)) return no('the path contains control or invisible characters.');
  if (path.includes('\\')) return no('the path contains a backslash; use forward slashes in a relative path.');
  if (path.startsWith('/')) return no('the path is absolute; only paths relative to the feature directory can be written.');
  if (/^[A-Za-z]:/.test(path)) return no('the path names a drive; only paths relative to the feature directory can be written.');
  if (path.startsWith('~')) return no('the path starts with "~"; only paths relative to the feature directory can be written.');
  if (/[:*?"<>|]/.test(path)) return no('the path contains a character that is not allowed in file names (: * ? " < > |).');
  const segments = path.split('/');
  while (segments[0] === '.') segments.shift();
  const kept: string[] = [];
  for (const s of segments) {
    if (s === '.') continue;
    if (s === '') return no('the path has an empty name (a doubled or trailing slash).');
    if (s === '..') return no('the path leaves the feature directory ("..").');
    if (/^\s|[\s.]$/.test(s)) return no(`the name "${s}" starts with a space or ends with a space or a dot.`);
    if (new TextEncoder().encode(s).length > MAX_NAME_BYTES) return no(`a name is longer than ${MAX_NAME_BYTES} bytes.`);
    if (WINDOWS_RESERVED.test(s)) return no(`"${s}" is a reserved device name on Windows.`);
    kept.push(s);
  }
  if (kept.length === 0) return no('the path names no file.');
  const normalized = kept.join('/');
  const ok = typeof allowed === 'function' ? allowed(normalized) : allowed.includes(normalized);
  if (!ok) return no(`this command does not write that file${typeof allowed === 'function' ? '' : ` (it writes ${allowed.join(', ')})`}.`);
  return { ok: true, path: normalized };
}

/** The files `/speckit.plan` writes besides plan.md. */
export const PLAN_OUTPUT_FILES: readonly string[] = ['plan.md', 'research.md', 'data-model.md', 'quickstart.md'];

/** `plan.md`, its companions, and `contracts/<name>.md|json|yaml|yml` (one level of subdirectories allowed). */
export function isPlanOutputPath(p: string): boolean {
  return PLAN_OUTPUT_FILES.includes(p) || /^contracts\/(?:[^/]+\/)?[^/]+\.(?:md|json|ya?ml)$/i.test(p);
}
