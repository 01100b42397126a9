import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeText } from '../../../../src/core/markdown/markdownDoc';
import { LineIndex } from '../../../../src/core/text/lineIndex';
import { type Range } from '../../../../src/core/text/range';
import { corpusDir, fixture as fixturePath } from '../../helpers/paths';

/** A fixture under test/fixtures/unit, as text. */
export function fixture(relative: string): string {
  return readFileSync(fixturePath(...relative.split('/')), 'utf8');
}

export function corpusFile(name: string): Buffer {
  return readFileSync(path.join(corpusDir(), name));
}

function isRange(v: unknown): v is Range {
  if (!v || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  return typeof r.start === 'object' && typeof r.end === 'object' && r.start !== null && r.end !== null && 'line' in r.start && 'line' in r.end;
}

/** Every value under a key that names a range (`range`, `idRange`, `checkboxRange`…), with its path. */
export function collectRanges(model: unknown, at = '$'): { path: string; range: Range; owner: Record<string, unknown> }[] {
  const out: { path: string; range: Range; owner: Record<string, unknown> }[] = [];
  if (Array.isArray(model)) model.forEach((v, i) => out.push(...collectRanges(v, `${at}[${i}]`)));
  else if (model && typeof model === 'object') {
    for (const [k, v] of Object.entries(model as Record<string, unknown>)) {
      if (/range$/i.test(k) && isRange(v)) out.push({ path: `${at}.${k}`, range: v, owner: model as Record<string, unknown> });
      else out.push(...collectRanges(v, `${at}.${k}`));
    }
  }
  return out;
}

/** Asserts that every range of a model lies inside the document and is not reversed. */
export function assertRangesInside(raw: string | Uint8Array, model: unknown): void {
  const { text } = decodeText(raw);
  const index = new LineIndex(text);
  for (const { path: p, range } of collectRanges(model)) {
    for (const end of [range.start, range.end]) {
      assert.ok(Number.isInteger(end.line) && end.line >= 0 && end.line < index.lineCount, `${p}: line ${end.line} outside 0..${index.lineCount - 1}`);
      const length = index.lineEnd(end.line) - index.lineStart(end.line);
      assert.ok(Number.isInteger(end.character) && end.character >= 0 && end.character <= length, `${p}: character ${end.character} outside line ${end.line} (length ${length})`);
    }
    assert.ok(range.start.line < range.end.line || (range.start.line === range.end.line && range.start.character <= range.end.character), `${p}: reversed range`);
  }
}

/** The exact source text a range covers. */
export function textAt(raw: string | Uint8Array, range: Range): string {
  const { text } = decodeText(raw);
  return new LineIndex(text).textOf(range);
}

/** Asserts that each non-derived element with an `idRange` names exactly its `id`. */
export function assertIdRanges(raw: string | Uint8Array, model: unknown): number {
  let checked = 0;
  for (const { owner, range, path: p } of collectRanges(model)) {
    if (!p.endsWith('.idRange') || owner.derived === true) continue;
    assert.equal(textAt(raw, range), owner.id, `${p} should cover ${String(owner.id)}`);
    checked++;
  }
  return checked;
}
