/**
 * The read floor as a process (bench:scan): walk the folder given and read every file, doing nothing
 * with the bytes; prints how many were read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function readAll(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) bytes += readAll(p);
    else if (entry.isFile()) bytes += readFileSync(p).length;
  }
  return bytes;
}

process.stdout.write(`${JSON.stringify({ bytes: readAll(process.argv[2] ?? '.') })}\n`);
