import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { corpusDir } from '../helpers/paths';

/**
 * Every corpus feature (SOURCES.tsv) as a feature folder of one spec-kit project at `root`: files
 * the fast reader and the full parse both read. With `constitution` (the default) the project has
 * one, which the index parses in full. Returns the number of features.
 */
export function corpusProject(root: string, options: { constitution?: boolean } = {}): number {
  const rows = readFileSync(join(corpusDir(), 'SOURCES.tsv'), 'utf8').split('\n').slice(1);
  // repo/feature → its folder here
  const features = new Map<string, string>();
  for (const row of rows) {
    const [repo, file] = row.split('\t');
    const m = file && /^(?:.*\/)?specs\/([^/]+)\/(spec\.md|plan\.md|tasks\.md|checklists\/[^/]+\.md)$/.exec(file);
    const flat = m ? join(corpusDir(), `${repo!.replace('/', '__')}__${file.split('/').join('__')}`) : '';
    if (!m || !existsSync(flat)) continue;
    const key = `${repo}/${m[1]}`;
    if (!features.has(key)) features.set(key, `${String(features.size + 1).padStart(3, '0')}-${m[1]!.replace(/^\d+-/, '')}`);
    const target = join(root, 'specs', features.get(key)!, m[2]!);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(flat, target);
  }
  mkdirSync(join(root, '.specify', 'memory'), { recursive: true });
  if (options.constitution !== false) writeFileSync(join(root, '.specify', 'memory', 'constitution.md'), '# Constitution\n');
  return features.size;
}
