/**
 * Content words of a requirement or task, for the keyword half of spec-kit's "task → requirement
 * mapping (by ID or keyword)". Latin-script words only: CJK text has no word breaks to split on, so a
 * Japanese requirement is matched through its identifiers (`/api/stt/transcribe`, `WAV`) instead.
 */

const STOP = new Set(
  (
    'the and for with from into onto that this these those then than when where which while what who whom whose ' +
    'are was were been being have has had does did will would should could shall must may might can cannot ' +
    'not nor but any all each every some such other only also more most less least very just both either neither ' +
    'its their them they there here our your you his her she him our out over under about above below after before ' +
    'between during within without through across per via using use used uses based including include includes ' +
    'system systems able allow allows allowed provide provides provided support supports supported ensure ensures ' +
    'user users feature features data value values new existing etc e.g i.e given when then shall ' +
    'implement implements implementation create creates add adds update updates handle handles make makes ' +
    'task tasks test tests testing unit integration contract verify validate check run runs file files ' +
    'src lib app apps backend frontend tests spec specs docs doc readme main index module modules component components ' +
    'py ts tsx js jsx rs go md json yaml yml toml nix sh kt java swift rb php css html ' +
    'api http https www com org one two three first second third require requir need needs'
  ).split(/\s+/),
);

/**
 * Light English stemming, enough to make "creates", "created", "creating" and "create" one term;
 * "validated"/"validation" is not attempted.
 */
export function stem(word: string): string {
  let w = word;
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3).replace(/([b-df-hj-np-tv-z])\1$/, (m, c: string) => (/[lsz]/.test(c) ? m : c));
  else if (w.length > 4 && (w.endsWith('ies') || w.endsWith('ied'))) w = `${w.slice(0, -3)}y`;
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 3 && /(?:ss|sh|ch|x)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us')) w = w.slice(0, -1);
  return w.length > 4 && w.endsWith('e') ? w.slice(0, -1) : w;
}

/** Stop words compared after stemming, so "creating" is as generic as "create". */
const STOP_STEMS = new Set([...STOP].map(stem));

/** Distinct content terms of a text, stemmed, in first-seen order; amounts with units (`100mb`, `16khz`) count. */
export function contentTerms(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.toLowerCase().matchAll(/\b\d+(?:\.\d+)?\s?(?:[kmgt]b|k?hz|ms|fps|rps|px)\b/g)) out.add(m[0].replace(/\s/g, ''));
  for (const m of text.toLowerCase().matchAll(/[a-z][a-z0-9]*(?:[-'][a-z0-9]+)*/g)) {
    for (const part of m[0].replace(/'s$/, '').split(/[-']/)) {
      if (part.length < 3 || STOP.has(part) || /^\d/.test(part)) continue;
      const s = stem(part);
      if (s.length >= 3 && !STOP_STEMS.has(s)) out.add(s);
    }
  }
  return [...out];
}

/** Terms shared by two term lists, in the order of the first. */
export function sharedTerms(a: readonly string[], b: ReadonlySet<string>): string[] {
  return a.filter((t) => b.has(t));
}

/** Generic two-character words of Chinese and Japanese specs ("system", "must", "user", "function"…). */
const CJK_STOP = new Set(
  '系統 系统 必須 必须 使用 用者 使用者 功能 提供 允許 允许 能夠 能够 可以 進行 进行 包含 所有 資料 数据 數據 相關 相关 管理 理員 管理員 システ ステム する こと できる ければ なけ ならな らない しなけ 実装 現行 行実 において ます れる される 驗證 验证 是否 確認'.split(
    ' ',
  ),
);

/** Distinct CJK character pairs of a text (its only usable "words"), minus generic ones. */
export function cjkBigrams(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]+/gu)) {
    const run = m[0];
    for (let i = 0; i + 1 < run.length; i++) {
      const pair = run.slice(i, i + 2);
      // Pairs of kana only are mostly grammar (する, ない); keep those with a kanji or katakana.
      if (/^[\p{Script=Hiragana}]+$/u.test(pair) || CJK_STOP.has(pair)) continue;
      out.add(pair);
    }
  }
  return [...out];
}
