/**
 * Tolerant reading of JSON a language model returned: inside a ```json fence, raw, or embedded in prose.
 * Only `JSON.parse` is used (never eval); anything that does not parse yields undefined.
 */

const MAX_INPUT = 1_000_000;

/** The first JSON array or object found in a model reply, or undefined. */
export function extractJson(text: string): unknown {
  if (typeof text !== 'string' || text.length === 0) return undefined;
  const input = text.length > MAX_INPUT ? text.slice(0, MAX_INPUT) : text;
  const candidates: string[] = [];
  for (const m of input.matchAll(/(`{3,}|~{3,})[ \t]*([\w-]*)[^\n]*\n([\s\S]*?)\n[ \t]*\1/g)) {
    const lang = m[2]!.toLowerCase();
    if (lang === '' || lang === 'json' || lang === 'jsonc' || lang === 'json5') candidates.push(m[3]!);
  }
  candidates.push(input);
  for (const c of candidates) {
    const value = parseLoose(c);
    if (value !== undefined) return value;
  }
  return undefined;
}

function parseLoose(text: string): unknown {
  const direct = tryParse(text.trim());
  if (isContainer(direct)) return direct;
  // Prose around the JSON: take each balanced [...] or {...} in turn.
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch !== '[' && ch !== '{') continue;
    const end = balancedEnd(text, i);
    if (end < 0) continue;
    const slice = text.slice(i, end + 1);
    const value = tryParse(slice) ?? tryParse(withoutTrailingCommas(slice));
    if (isContainer(value)) return value;
  }
  return undefined;
}

function isContainer(v: unknown): boolean {
  return typeof v === 'object' && v !== null;
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Index of the bracket closing the one at `start`, respecting strings; -1 when unbalanced. */
function balancedEnd(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') stack.push(ch === '[' ? ']' : '}');
    else if (ch === ']' || ch === '}') {
      if (stack.pop() !== ch) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

/** Models often leave `,` before `]` or `}`; removed outside strings. */
function withoutTrailingCommas(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === '\\' && i + 1 < text.length) out += text[++i];
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    if (ch === ',' && /^\s*[\]}]/.test(text.slice(i + 1))) continue;
    out += ch;
  }
  return out;
}

/** The array of records in a reply: a top-level array, or the first array-valued property of an object. */
export function extractRecords(text: string, keys: readonly string[]): Record<string, unknown>[] {
  const value = extractJson(text);
  let list: unknown;
  if (Array.isArray(value)) list = value;
  else if (isRecord(value)) {
    const key = keys.find((k) => Array.isArray(value[k])) ?? Object.keys(value).find((k) => Array.isArray(value[k]));
    list = key !== undefined ? value[key] : [value];
  }
  return Array.isArray(list) ? list.filter(isRecord) : [];
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first string-ish value among `keys` (numbers are accepted and stringified), single-lined and bounded. */
export function stringField(record: Record<string, unknown>, keys: readonly string[], max = 500): string {
  for (const k of keys) {
    const v = record[k];
    if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) {
      const s = oneLine(String(v), max);
      if (s) return s;
    }
  }
  return '';
}

/** Collapses whitespace and control characters to single spaces and bounds the length. */
export function oneLine(text: string, max = 500): string {
  // eslint-disable-next-line no-control-regex
  const s = text.replace(/[\u0000-\u001f\u007f\u2028\u2029\s]+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1).trimEnd()}…` : s;
}
