/**
 * A flake's outputs as the extension needs them: host names and per-system attribute names,
 * read either from Nix's evaluation or, without Nix, statically from flake.nix.
 */

/** Outputs keyed by name (`nixosConfigurations.<name>`). */
export const NAMED_KINDS = ['nixosConfigurations', 'homeConfigurations'] as const;
/** Outputs keyed by system, then name (`packages.<system>.<name>`). */
export const PER_SYSTEM_KINDS = ['checks', 'packages', 'devShells'] as const;
export type NamedKind = (typeof NAMED_KINDS)[number];
export type PerSystemKind = (typeof PER_SYSTEM_KINDS)[number];
export type OutputKind = NamedKind | PerSystemKind;

export interface FlakeOutputs {
  readonly nixosConfigurations: readonly string[];
  readonly homeConfigurations: readonly string[];
  readonly checks: Readonly<Record<string, readonly string[]>>;
  readonly packages: Readonly<Record<string, readonly string[]>>;
  readonly devShells: Readonly<Record<string, readonly string[]>>;
}

export type DiscoverySource = 'evaluation' | 'static';

export function emptyOutputs(): FlakeOutputs {
  return { nixosConfigurations: [], homeConfigurations: [], checks: {}, packages: {}, devShells: {} };
}

/** An attribute name Nix prints without quotes. */
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_'-]*$/;
/** What we accept as one attribute name at all: no quotes, `$`, backslashes or control characters. */
const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@+'-]*$/;

export function isSafeAttrName(name: string): boolean {
  return SAFE_NAME.test(name) && name.length <= 200;
}

/** One attribute path segment, quoted when Nix would need it (`"me@alpha"`, `"host.example"`). */
export function quoteAttr(name: string): string {
  return PLAIN_NAME.test(name) ? name : `"${name}"`;
}

/** Every buildable attribute path of the outputs, each as its segments. */
export function attributePaths(outputs: FlakeOutputs): string[][] {
  const paths: string[][] = [];
  for (const h of outputs.nixosConfigurations) {
    paths.push(['nixosConfigurations', h, 'config', 'system', 'build', 'toplevel']);
    paths.push(['nixosConfigurations', h, 'config', 'system', 'build', 'vm']);
  }
  for (const h of outputs.homeConfigurations) paths.push(['homeConfigurations', h, 'activationPackage']);
  for (const kind of PER_SYSTEM_KINDS) {
    for (const [system, names] of Object.entries(outputs[kind])) for (const n of names) paths.push([kind, system, n]);
  }
  return paths;
}

/** `nixosConfigurations."me@x".config…`: the segments joined the way Nix parses them back. */
export function joinAttrPath(segments: readonly string[]): string {
  return segments.map(quoteAttr).join('.');
}

/** Splits `a."b.c".d` into its segments; undefined when it is not a plain attribute path. */
export function splitAttrPath(text: string): string[] | undefined {
  const out: string[] = [];
  const re = /(?:"([^"\\$]*)"|([^."]+))(\.|$)/y;
  let i = 0;
  while (i < text.length) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) return undefined;
    out.push(m[1] ?? m[2]!);
    i = re.lastIndex;
    if (m[3] === '' ) break;
    if (i === text.length) return undefined; // a trailing dot
  }
  return out.length > 0 && i === text.length ? out : undefined;
}

/**
 * Whether an attribute path may be built: every segment safe, and its first two (or three, for
 * per-system outputs) segments naming a discovered output. Returns the reason it may not, or undefined.
 */
export function checkAttrPath(segments: readonly string[], outputs: FlakeOutputs): string | undefined {
  if (segments.length === 0) return 'The attribute path is empty.';
  const bad = segments.find((s) => !isSafeAttrName(s));
  if (bad !== undefined) return `"${bad}" is not an attribute name this extension passes to Nix.`;
  const [kind, a, b] = segments;
  if (kind === 'nixosConfigurations' || kind === 'homeConfigurations') {
    if (a === undefined || !outputs[kind].includes(a)) return `The flake has no ${kind}.${a ?? ''}.`;
    return undefined;
  }
  if (kind === 'checks' || kind === 'packages' || kind === 'devShells') {
    if (a === undefined || b === undefined || !(outputs[kind][a] ?? []).includes(b)) return `The flake has no ${kind}.${a ?? ''}.${b ?? ''}.`;
    return undefined;
  }
  return `Only nixosConfigurations, homeConfigurations, checks, packages and devShells outputs are built from here, not "${kind}".`;
}

/** Reads `nix flake show --json` (nested object, leaves carry `type`). */
export function parseFlakeShow(json: unknown): FlakeOutputs {
  const obj = isRecord(json) ? json : {};
  const names = (v: unknown): string[] => (isRecord(v) ? Object.keys(v).filter(isSafeAttrName).sort() : []);
  const perSystem = (v: unknown): Record<string, string[]> => {
    const out: Record<string, string[]> = {};
    if (isRecord(v)) for (const [system, inner] of Object.entries(v)) if (isSafeAttrName(system)) out[system] = names(inner);
    return out;
  };
  const home = obj['homeConfigurations'];
  return {
    nixosConfigurations: names(obj['nixosConfigurations']),
    // flake show prints unknown outputs as a leaf {"type":"unknown"}: the names are not known then.
    homeConfigurations: isRecord(home) && typeof home['type'] === 'string' ? [] : names(home),
    checks: perSystem(obj['checks']),
    packages: perSystem(obj['packages']),
    devShells: perSystem(obj['devShells']),
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** A JSON list of names (`nix eval --json … --apply builtins.attrNames`). */
export function parseNameList(stdout: string): string[] {
  const v: unknown = JSON.parse(stdout);
  if (!Array.isArray(v)) throw new Error('expected a JSON list of attribute names');
  return v.filter((x): x is string => typeof x === 'string' && isSafeAttrName(x)).sort();
}

/** `{ "<system>": ["name", …] }` from `--apply 'builtins.mapAttrs (s: v: builtins.attrNames v)'`. */
export function parseSystemNames(stdout: string): Record<string, string[]> {
  const v: unknown = JSON.parse(stdout);
  if (!isRecord(v)) throw new Error('expected a JSON object of systems');
  const out: Record<string, string[]> = {};
  for (const [system, list] of Object.entries(v)) {
    if (isSafeAttrName(system) && Array.isArray(list)) out[system] = list.filter((x): x is string => typeof x === 'string' && isSafeAttrName(x)).sort();
  }
  return out;
}

export interface StaticOutputs {
  readonly outputs: FlakeOutputs;
  /** Kinds defined in a way a text scan cannot follow (a function call, an import). */
  readonly unresolved: readonly OutputKind[];
}

/**
 * Reads outputs from flake.nix without Nix: `kind = { a = …; "b" = …; }`, `kind.a = …`,
 * `kind.<system>.a = …` and `kind.<system> = { a = …; }`, with comments and strings skipped.
 * `${system}` segments are reported under the system bound by `system = "…";` if there is one.
 */
export function parseFlakeStatic(text: string): StaticOutputs {
  const tokens = tokenize(text);
  const systemVar = /\bsystem\s*=\s*"([\w-]+)"\s*;/.exec(stripComments(text))?.[1] ?? 'x86_64-linux';
  const named: Record<NamedKind, Set<string>> = { nixosConfigurations: new Set(), homeConfigurations: new Set() };
  const perSystem: Record<PerSystemKind, Map<string, Set<string>>> = { checks: new Map(), packages: new Map(), devShells: new Map() };
  const unresolved = new Set<OutputKind>();
  const kinds = new Set<string>([...NAMED_KINDS, ...PER_SYSTEM_KINDS]);

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type !== 'name' || !kinds.has(t.value)) continue;
    // An attribute definition starts the binding: previous token is `{`, `;` or `in`/`rec` keywords.
    const prev = tokens[i - 1];
    if (prev && !(prev.type === 'punct' && (prev.value === '{' || prev.value === ';')) && !(prev.type === 'name' && (prev.value === 'in' || prev.value === 'rec'))) continue;
    const kind = t.value as OutputKind;
    // Read `.seg.seg` then `=`.
    const segs: string[] = [];
    let j = i + 1;
    while (tokens[j]?.value === '.' && tokens[j]?.type === 'punct') {
      const seg = tokens[j + 1];
      if (!seg) break;
      if (seg.type === 'name' || seg.type === 'string') segs.push(seg.value);
      else if (seg.type === 'interp') segs.push(systemVar);
      else break;
      j += 2;
    }
    if (!(tokens[j]?.type === 'punct' && tokens[j]?.value === '=')) continue;
    const depthNeeded = (NAMED_KINDS as readonly string[]).includes(kind) ? 1 : 2;
    const body = tokens[j + 1];
    const add = (names: string[]): void => {
      const all = [...segs, ...names];
      if ((NAMED_KINDS as readonly string[]).includes(kind)) {
        if (all[0] !== undefined) named[kind as NamedKind].add(all[0]);
      } else if (all[0] !== undefined && all[1] !== undefined) {
        const m = perSystem[kind as PerSystemKind];
        if (!m.has(all[0])) m.set(all[0], new Set());
        m.get(all[0])!.add(all[1]);
      }
    };
    if (segs.length >= depthNeeded) add([]);
    else if (body?.type === 'punct' && body.value === '{') {
      const keys = attrSetKeys(tokens, j + 1, depthNeeded - segs.length, systemVar);
      if (keys.length === 0) unresolved.add(kind);
      for (const k of keys) add(k);
    } else unresolved.add(kind);
  }
  const toRecord = (m: Map<string, Set<string>>): Record<string, string[]> =>
    Object.fromEntries([...m].filter(([s]) => isSafeAttrName(s)).map(([s, n]) => [s, [...n].filter(isSafeAttrName).sort()]));
  return {
    outputs: {
      nixosConfigurations: [...named.nixosConfigurations].filter(isSafeAttrName).sort(),
      homeConfigurations: [...named.homeConfigurations].filter(isSafeAttrName).sort(),
      checks: toRecord(perSystem.checks),
      packages: toRecord(perSystem.packages),
      devShells: toRecord(perSystem.devShells),
    },
    unresolved: [...unresolved],
  };
}

type Token = { type: 'name' | 'string' | 'punct' | 'interp' | 'other'; value: string };

/** The keys (as segment lists, `depth` deep) an attribute set literal starting at `open` defines. */
function attrSetKeys(tokens: readonly Token[], open: number, depth: number, systemVar: string): string[][] {
  const keys: string[][] = [];
  let level = 0;
  let atStart = true;
  for (let k = open; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.type === 'punct' && (t.value === '{' || t.value === '[' || t.value === '(')) {
      level++;
      atStart = t.value === '{';
      continue;
    }
    if (t.type === 'punct' && (t.value === '}' || t.value === ']' || t.value === ')')) {
      level--;
      if (level === 0) break;
      atStart = false;
      continue;
    }
    if (level === 1 && t.type === 'punct' && t.value === ';') {
      atStart = true;
      continue;
    }
    if (level !== 1 || !atStart) continue;
    atStart = false;
    if (t.type === 'name' && t.value === 'inherit') {
      for (let m = k + 1; m < tokens.length && tokens[m]!.value !== ';'; m++) {
        if (tokens[m]!.type === 'punct' && tokens[m]!.value === '(') {
          while (m < tokens.length && tokens[m]!.value !== ')') m++;
        } else if (tokens[m]!.type === 'name' && depth === 1) keys.push([tokens[m]!.value]);
      }
      continue;
    }
    if (t.type !== 'name' && t.type !== 'string' && t.type !== 'interp') continue;
    const segs = [t.type === 'interp' ? systemVar : t.value];
    let m = k + 1;
    while (tokens[m]?.value === '.' && tokens[m + 1] && tokens[m + 1]!.type !== 'punct') {
      segs.push(tokens[m + 1]!.type === 'interp' ? systemVar : tokens[m + 1]!.value);
      m += 2;
    }
    if (tokens[m]?.value !== '=') continue;
    if (segs.length >= depth) keys.push(segs.slice(0, depth));
    else if (tokens[m + 1]?.value === '{') for (const inner of attrSetKeys(tokens, m + 1, depth - segs.length, systemVar)) keys.push([...segs, ...inner]);
  }
  return keys;
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/#.*$/gm, ' ');
}

/** A small Nix tokenizer: names, strings (interpolations skipped), punctuation; comments dropped. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === '"') {
      let j = i + 1;
      let value = '';
      let plain = true;
      while (j < n && text[j] !== '"') {
        if (text[j] === '\\') {
          value += text[j + 1] ?? '';
          j += 2;
        } else if (text[j] === '$' && text[j + 1] === '{') {
          plain = false;
          j = skipBraces(text, j + 1);
        } else value += text[j++];
      }
      tokens.push({ type: plain ? 'string' : 'other', value });
      i = j + 1;
    } else if (c === "'" && text[i + 1] === "'") {
      let j = i + 2;
      while (j < n && !(text[j] === "'" && text[j + 1] === "'" && text[j + 2] !== "'" && text[j + 2] !== '$' && text[j + 2] !== '\\')) {
        if (text[j] === '$' && text[j + 1] === '{') j = skipBraces(text, j + 1);
        else j++;
      }
      tokens.push({ type: 'other', value: '' });
      i = j + 2;
    } else if (c === '$' && text[i + 1] === '{') {
      const end = skipBraces(text, i + 1);
      tokens.push({ type: 'interp', value: text.slice(i + 2, end - 1).trim() });
      i = end;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_'-]/.test(text[j]!)) j++;
      tokens.push({ type: 'name', value: text.slice(i, j) });
      i = j;
    } else if ('{}[]();=.:,@'.includes(c)) {
      tokens.push({ type: 'punct', value: c });
      i++;
    } else {
      let j = i + 1;
      while (j < n && !/[\s{}[\]();=.:,@"#A-Za-z_]/.test(text[j]!)) j++;
      tokens.push({ type: 'other', value: text.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

/** Index just past the `}` matching the `{` at `open`, strings inside included. */
function skipBraces(text: string, open: number): number {
  let depth = 0;
  for (let j = open; j < text.length; j++) {
    const c = text[j];
    if (c === '"') {
      j++;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return j + 1;
  }
  return text.length;
}
