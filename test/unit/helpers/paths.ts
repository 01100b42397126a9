import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root: the nearest ancestor of this file with a package.json (works from out/ too). */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
}

/** ../shared/corpus beside the clone (as CI lays it out), or $SPECKIT_CORPUS. */
export function corpusDir(): string {
  const dir = process.env.SPECKIT_CORPUS ?? resolve(repoRoot(), '..', 'shared', 'corpus');
  if (!existsSync(dir)) throw new Error(`The spec-kit corpus is missing at ${dir}; set SPECKIT_CORPUS.`);
  return dir;
}

export function corpusFiles(suffix: string): string[] {
  return readdirSync(corpusDir())
    .filter((f) => f.endsWith(suffix))
    .sort();
}

export function fixture(...parts: string[]): string {
  return join(repoRoot(), 'test', 'fixtures', 'unit', ...parts);
}

/** Every `.md` file under `dir`, at any depth. */
export function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...markdownFiles(p));
    else if (name.endsWith('.md')) out.push(p);
  }
  return out;
}
