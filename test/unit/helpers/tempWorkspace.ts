import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** A folder in the system temp dir with the given files (path → content), removed by `dispose`. */
export function tempWorkspace(files: Record<string, string | Uint8Array>): { root: string; write(rel: string, content: string | Uint8Array): string; dispose(): void } {
  const root = mkdtempSync(join(tmpdir(), 'speckit-test-'));
  const write = (rel: string, content: string | Uint8Array): string => {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
    return p;
  };
  for (const [rel, content] of Object.entries(files)) write(rel, content);
  return { root, write, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * Copies of `files` (absolute paths) in one new folder any user may read, removed by `dispose`: for a
 * test that runs them as `nobody`, whose checkout may sit under a folder only its owner can enter
 * (`mktemp -d` makes 0700 folders).
 */
export function readableCopies(files: readonly string[]): { dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'speckit-readable-'));
  chmodSync(dir, 0o755);
  for (const file of files) {
    const copy = join(dir, basename(file));
    copyFileSync(file, copy);
    chmodSync(copy, 0o644);
  }
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
