import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

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
