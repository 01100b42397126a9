/**
 * Feature short names ("slugs"), following spec-kit's script fallback (`generate_branch_name` and
 * `clean_branch_name` in scripts/bash/create-new-feature.sh and its Python twin) so a feature we
 * create gets the name `specify` would have given it.
 *
 * The bash and Python scripts disagree on non-ASCII text (recorded in
 * test/fixtures/speckit-parity/): bash's `tr` lower-cases ASCII only, so U+212A KELVIN SIGN stays a
 * separator (`temperature-elvin-units`) where Python's `lower()` makes it `k`; and bash's
 * `grep -w` (UTF-8 locale) counts accented letters as word characters when it looks for an
 * upper-case acronym (`Naïve ÉTÉ résumé` → `sum`, Python `t-sum`). {@link speckitSlug} follows the
 * variant the project was initialised with (`script` in init-options.json).
 */

/** What a description with nothing usable in it becomes. */
export const DEFAULT_SLUG = 'feature';

/** GitHub's limit on a branch name, which spec-kit also applies to feature directory names. */
export const MAX_NAME_BYTES = 244;

/** spec-kit's stop-word list, verbatim. */
const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'i a an the to for of in on at by with from is are was were be been being ' +
    'have has had do does did will would should could can may might must shall ' +
    'this that these those my your our their want need add get set'
  ).split(' '),
);

const SAFE_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Which of spec-kit's script variants a project runs (`script` in `.specify/init-options.json`). */
export type ScriptVariant = 'sh' | 'ps' | 'py';

/** `sh` unless init-options.json says `py` or `ps` (spec-kit's default is `sh` off Windows). */
export function scriptVariantOf(initOptions: { readonly script?: unknown } | undefined): ScriptVariant {
  const v = initOptions?.script;
  return v === 'py' || v === 'ps' ? v : 'sh';
}

/**
 * Exactly spec-kit's `clean_branch_name` for a variant: lower-case, every character outside
 * `[a-z0-9]` becomes `-`, runs collapse, ends are trimmed. May be '' (nothing ASCII in the name).
 */
export function speckitCleanName(name: string, variant: ScriptVariant = 'sh'): string {
  return lower(String(name ?? ''), variant)
    .replace(/[^a-z0-9]/gu, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * Exactly spec-kit's `generate_branch_name` for a variant (bash in a UTF-8 locale for `sh`):
 * stop-words and words under three characters go, except a short word the description spells as a
 * whole upper-case word; the first 3 words stay, or all 4 when exactly 4 remain; with none left,
 * the first three pieces of the cleaned description. May be '': spec-kit then names the folder
 * `001-`, which {@link featureSlug} does not.
 */
export function speckitSlug(description: string, variant: ScriptVariant = 'sh'): string {
  const text = String(description ?? '');
  const words = lower(text, variant).replace(/[^a-z0-9]/gu, ' ').split(' ').filter((w) => w.length > 0);
  const meaningful: string[] = [];
  for (const word of words) {
    if (STOP_WORDS.has(word)) continue;
    if (word.length >= 3 || hasWholeWord(text, word.toUpperCase(), variant === 'py' ? isWordChar : isUnicodeWordChar)) meaningful.push(word);
  }
  if (meaningful.length > 0) return meaningful.slice(0, meaningful.length === 4 ? 4 : 3).join('-');
  return speckitCleanName(text, variant).split('-').filter((p) => p.length > 0).slice(0, 3).join('-');
}

export interface FeatureSlug {
  /** The slug to use: spec-kit's, or ours where spec-kit's is unusable. */
  readonly slug: string;
  /** What spec-kit's script would use ('' when it would name the folder `NNN-`). */
  readonly speckit: string;
  /** Set when `slug` differs from spec-kit's: why, in words the chat can show. */
  readonly reason?: string;
}

/**
 * The slug for a new feature, as spec-kit's script picks it (`--short-name` first, else the
 * description). Where spec-kit's result is unusable — empty, so the folder would be `001-` — a
 * usable slug is taken from the description (else {@link DEFAULT_SLUG}) and `reason` says why.
 */
export function featureSlug(description: string, options: { readonly shortName?: string; readonly variant?: ScriptVariant } = {}): FeatureSlug {
  const variant = options.variant ?? 'sh';
  const short = options.shortName !== undefined && options.shortName.trim() !== '' ? options.shortName : undefined;
  const speckit = short !== undefined ? speckitCleanName(short, variant) : speckitSlug(description, variant);
  if (speckit !== '') return { slug: truncateSlug(speckit, MAX_NAME_BYTES), speckit };
  const fromDescription = short !== undefined ? speckitSlug(description, variant) : '';
  const slug = fromDescription !== '' ? truncateSlug(fromDescription, MAX_NAME_BYTES) : DEFAULT_SLUG;
  const what = short !== undefined ? `the short name ${JSON.stringify(short)}` : 'the description';
  return {
    slug,
    speckit,
    reason: `spec-kit's scripts would leave this folder without a name (\`NNN-\`): ${what} has no ASCII letters or digits. It is named \`${slug}\` instead.`,
  };
}

/**
 * spec-kit's `clean_branch_name`: lower-case, every character outside `[a-z0-9]` becomes `-`,
 * runs collapse, ends are trimmed. Used for a short name the user (or the model) supplied.
 */
export function cleanShortName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * A kebab-case short name for a feature description: stop-words and words under three characters
 * are dropped (a short word survives when the description spells it as an upper-case acronym, as in
 * "Use GO now" → `use-go-now`), then the first 3 words are kept, or all 4 when exactly 4 remain.
 * `maxWords` replaces that 3-or-4 rule. When no word survives, the first three words of the cleaned
 * description are used; when nothing survives at all, {@link DEFAULT_SLUG}.
 */
export function slugify(description: string, maxWords?: number): string {
  const text = String(description ?? '');
  const words = text.toLowerCase().replace(/[^a-z0-9]/g, ' ').split(' ').filter((w) => w.length > 0);
  const meaningful: string[] = [];
  for (const word of words) {
    if (STOP_WORDS.has(word)) continue;
    if (word.length >= 3 || isUpperCaseAcronym(text, word)) meaningful.push(word);
  }
  let slug: string;
  if (meaningful.length > 0) {
    const limit = wordLimit(meaningful.length, maxWords);
    slug = meaningful.slice(0, limit).join('-');
  } else {
    slug = cleanShortName(text)
      .split('-')
      .filter((p) => p.length > 0)
      .slice(0, wordLimit(3, maxWords, 3))
      .join('-');
  }
  slug = truncateSlug(slug, MAX_NAME_BYTES);
  return slug.length > 0 ? slug : DEFAULT_SLUG;
}

/** True for a non-empty kebab-case ASCII slug that fits the name limit: safe as a path segment and a ref name. */
export function isSafeSlug(slug: string): boolean {
  return typeof slug === 'string' && slug.length <= MAX_NAME_BYTES && SAFE_SLUG.test(slug);
}

/** Cuts a slug to at most `maxBytes`, never leaving a trailing `-`. Slugs are ASCII, so bytes = characters. */
export function truncateSlug(slug: string, maxBytes: number): string {
  if (slug.length <= maxBytes) return slug;
  return slug.slice(0, Math.max(0, maxBytes)).replace(/-+$/, '');
}

function wordLimit(available: number, maxWords: number | undefined, fallback?: number): number {
  if (maxWords !== undefined && Number.isInteger(maxWords) && maxWords > 0) return maxWords;
  if (fallback !== undefined) return fallback;
  return available === 4 ? 4 : 3;
}

/** The word, upper-cased, appears in the original as a whole word (spec-kit: `grep -qw`, case-sensitive). */
function isUpperCaseAcronym(original: string, word: string): boolean {
  const upper = word.toUpperCase();
  let from = 0;
  for (;;) {
    const at = original.indexOf(upper, from);
    if (at < 0) return false;
    const before = at > 0 ? original[at - 1]! : '';
    const after = original[at + upper.length] ?? '';
    if (!isWordChar(before) && !isWordChar(after)) return true;
    from = at + 1;
  }
}

function isWordChar(ch: string): boolean {
  return /^[0-9A-Za-z_]$/.test(ch);
}

/** A word character for GNU grep -w in a UTF-8 locale: any letter or digit, or `_`. */
function isUnicodeWordChar(ch: string): boolean {
  return /^[\p{L}\p{N}_]$/u.test(ch);
}

/** bash's `tr '[:upper:]' '[:lower:]'` is byte-wise: ASCII only. Python lower-cases everything. */
function lower(text: string, variant: ScriptVariant): string {
  return variant === 'sh' ? text.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : text.toLowerCase();
}

/** `word` (upper-case ASCII) occurs in `text` with no word character on either side. */
function hasWholeWord(text: string, word: string, wordChar: (ch: string) => boolean): boolean {
  // Code points, not UTF-16 units: a neighbour outside the BMP is one character.
  const chars = [...text];
  const target = [...word];
  outer: for (let i = 0; i + target.length <= chars.length; i++) {
    for (let j = 0; j < target.length; j++) if (chars[i + j] !== target[j]) continue outer;
    const before = i > 0 ? chars[i - 1]! : '';
    const after = chars[i + target.length] ?? '';
    if ((before === '' || !wordChar(before)) && (after === '' || !wordChar(after))) return true;
  }
  return false;
}
