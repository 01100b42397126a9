/**
 * The one containment rule for every file the chat, the language-model tools and the context
 * helpers read or write on the model's behalf: the path stays inside the project, lexically (no
 * `..`, not absolute) and physically (the deepest existing part of it, symlinks resolved, is inside
 * the project's own real path). Paths are POSIX (URI paths); the file system is injected so the
 * same rule runs over node:fs, VS Code's file system and unit tests with real symlinks.
 */
import { lstat, realpath } from 'node:fs/promises';
import * as path from 'node:path/posix';

/** What a path is on disk, without following a final symlink. */
export type EntryKind = 'file' | 'directory' | 'symlink' | 'other';

export interface ContainmentFs {
  /** The entry's kind, not following a final symlink; undefined when nothing is there. */
  lstat(p: string): Promise<EntryKind | undefined>;
  /** The canonical path (every symlink resolved); undefined when it cannot be resolved (dangling). */
  realpath(p: string): Promise<string | undefined>;
}

export type Access = 'read' | 'write';

export interface Contained {
  readonly ok: true;
  /** Absolute, normalized path as named (the project root joined with the relative path). */
  readonly path: string;
  /** The path relative to the project root, as named. */
  readonly relPath: string;
  /** The path relative to the project's real root after resolving symlinks (differs when an in-project symlink is on the way). */
  readonly realRelPath: string;
  /** What is there now (undefined: nothing yet; a write creates it). */
  readonly kind: Exclude<EntryKind, 'symlink'> | undefined;
}

export interface Refused {
  readonly ok: false;
  readonly reason: string;
}

export type Containment = Contained | Refused;

const MAX_PATH_CHARS = 1024;
// C0/C1 controls, DEL, and invisible or direction-changing characters a reader would not see.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

/**
 * Resolves a path a model or a task line named, relative to `root`, and checks it stays inside.
 * Neither access accepts a device, a FIFO or a socket; `'write'` also refuses a folder. A path that
 * does not exist yet is contained when its deepest existing folder is (`kind` undefined).
 */
export async function containRelative(fs: ContainmentFs, root: string, raw: unknown, access: Access): Promise<Containment> {
  const lexical = checkLexical(raw);
  if (!lexical.ok) return lexical;
  return containAbsolute(fs, root, lexical.rel === '' ? root : path.join(root, lexical.rel), access, String(raw));
}

/** The same rule for a path that is already absolute (an artifact found by the index, a planned write). */
export async function containAbsolute(fs: ContainmentFs, root: string, target: string, access: Access, shown: string = target): Promise<Containment> {
  const name = JSON.stringify(shown.length > 80 ? `${shown.slice(0, 80)}…` : shown);
  const no = (why: string): Refused => ({ ok: false, reason: `${name} ${why}` });
  if (root.length > 1 && root.endsWith('/')) root = root.slice(0, -1);
  if (!path.isAbsolute(root) || path.normalize(root) !== root) return no(`cannot be checked: the project root ${root} is not a plain absolute path`);
  if (!path.isAbsolute(target) || path.normalize(target) !== target) return no('is not a plain absolute path');
  const relPath = path.relative(root, target);
  if (relPath.startsWith('..') || path.isAbsolute(relPath)) return no(`is outside the project ${root}`);

  const realRoot = await fs.realpath(root);
  if (!realRoot) return no(`cannot be checked: the project root ${root} does not exist`);

  // The deepest part of the path that exists decides where the rest will land.
  let existing = target;
  let kind = await fs.lstat(existing);
  while (kind === undefined && existing !== root && existing !== '/') {
    existing = path.dirname(existing);
    kind = await fs.lstat(existing);
  }
  if (kind === undefined) return no(`cannot be checked: the project root ${root} does not exist`);
  const real = await fs.realpath(existing);
  if (!real) return no(`goes through a symbolic link to something that does not exist (${path.relative(root, existing) || '.'})`);
  if (!isInsideOrSame(realRoot, real)) return no(`goes through a symbolic link out of the project (${path.relative(root, existing) || '.'} → ${real})`);
  const realRelPath = path.join(path.relative(realRoot, real), path.relative(existing, target)) || '.';

  // realpath resolved every link, so what it names is never a symlink itself.
  const here = existing === target ? (kind === 'symlink' ? await fs.lstat(real) : kind) : undefined;
  if (here === 'other' || here === 'symlink') return no('is not a regular file (a device, FIFO or socket)');
  if (access === 'write' && here === 'directory') return no('is a folder');
  if (existing !== target && kind !== 'directory' && !(kind === 'symlink' && (await fs.lstat(real)) === 'directory')) {
    return no(`cannot be created: ${path.relative(root, existing)} is not a folder`);
  }
  return { ok: true, path: target, relPath: relPath || '.', realRelPath, kind: here };
}

/** The lexical half of the rule: a relative path with no `..`, no absolute or home prefix, nothing invisible. */
export function checkLexical(raw: unknown): { ok: true; rel: string } | Refused {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, reason: 'A relative file path is required.' };
  const name = JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw);
  const no = (why: string): Refused => ({ ok: false, reason: `${name} ${why}` });
  if (raw.length > MAX_PATH_CHARS) return no(`is longer than ${MAX_PATH_CHARS} characters`);
  if (INVISIBLE.test(raw)) return no('contains control or invisible characters');
  if (raw.includes('\\')) return no('contains a backslash; use forward slashes in a path relative to the project root');
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) return no('is absolute; only paths relative to the project root are allowed');
  if (raw.startsWith('~')) return no('starts with "~"; only paths relative to the project root are allowed');
  const segments = raw.split('/');
  if (segments.includes('..')) return no('leaves the project root ("..")');
  const kept = segments.filter((s, i) => s !== '.' && !(s === '' && i === segments.length - 1));
  if (kept.includes('')) return no('has an empty name (a doubled slash)');
  return { ok: true, rel: kept.join('/') };
}

export function isInsideOrSame(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** node:fs for local files (the CLI, unit tests, and `file:` workspace folders). */
export const nodeContainmentFs: ContainmentFs = {
  async lstat(p) {
    try {
      const s = await lstat(p);
      return s.isSymbolicLink() ? 'symlink' : s.isFile() ? 'file' : s.isDirectory() ? 'directory' : 'other';
    } catch {
      return undefined;
    }
  },
  async realpath(p) {
    try {
      return await realpath(p);
    } catch {
      return undefined;
    }
  },
};
