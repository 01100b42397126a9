/**
 * Feature short names ("slugs"), following spec-kit's script fallback (`generate_branch_name` and
 * `clean_branch_name` in scripts/bash/create-new-feature.sh and its Python twin) so a feature we
 * create gets the name `specify` would have given it.
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
