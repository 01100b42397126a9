/**
 * `.specify/extensions/git/git-config.yml` read the way spec-kit 1.0.1's git extension scripts read
 * it: not as YAML but line by line with grep and sed (create-new-feature-branch.sh
 * `read_git_config_value`, auto-commit.sh's `auto_commit` loop, initialize-repo.sh). Their quirks are
 * kept on purpose, so a config means here what it means to spec-kit: `enabled: true # on` is not
 * true, a message keeps a trailing comment, the last line is ignored without a final newline.
 */

/** Where the git extension keeps its configuration, relative to the project root. */
export const GIT_CONFIG_PATH = '.specify/extensions/git/git-config.yml';

/** POSIX `[[:space:]]`. */
const SPACE = '[ \\t\\n\\v\\f\\r]';

/**
 * `read_git_config_value`: the first line `<key>:` (any indent), its value without a trailing
 * ` # comment`, trimmed, one pair of surrounding quotes dropped. '' when absent.
 */
export function readGitConfigValue(text: string | undefined, key: string): string {
  if (text === undefined) return '';
  const keyRe = new RegExp(`^${SPACE}*${escapeRegExp(key)}:`);
  const line = grepLines(text).find((l) => keyRe.test(l));
  if (line === undefined) return '';
  return line
    .replace(new RegExp(`^${SPACE}*${escapeRegExp(key)}:${SPACE}*`), '')
    .replace(new RegExp(`${SPACE}+#.*$`), '')
    .replace(new RegExp(`^${SPACE}+|${SPACE}+$`, 'g'), '')
    .replace(/^"/, '')
    .replace(/"$/, '')
    .replace(/^'/, '')
    .replace(/'$/, '');
}

export type CommitStyle = 'fixed' | 'conventional';

export interface AutoCommitSettings {
  readonly enabled: boolean;
  /** The configured message ('' when none: the script then writes its default). */
  readonly message: string;
  readonly style: CommitStyle;
  /** What the script warns about (an unknown `commit_style`). */
  readonly warnings: readonly string[];
}

/**
 * auto-commit.sh's reading of `commit_style` and `auto_commit.<event>` (`enabled`, `message`), with
 * `auto_commit.default: true` applying only when the event is named nowhere in the file. Without a
 * config file auto-commit is off.
 */
export function autoCommitSettings(text: string | undefined, event: string): AutoCommitSettings {
  if (text === undefined) return { enabled: false, message: '', style: 'fixed', warnings: [] };
  const warnings: string[] = [];
  let style: CommitStyle = 'fixed';
  const styleLine = grepLines(text).find((l) => l.startsWith('commit_style:'));
  if (styleLine !== undefined) {
    const value = styleLine
      .replace(new RegExp(`^commit_style:${SPACE}*`), '')
      .replace(new RegExp(`${SPACE}{1,}#.*$`), '')
      .replace(new RegExp(`${SPACE}*$`), '')
      .replace(/^["']/, '')
      .replace(/["']*$/, '')
      .toLowerCase();
    if (value === 'fixed' || value === 'conventional') style = value;
    else if (value !== '') warnings.push(`unknown commit_style '${value}' in git-config.yml (expected 'fixed' or 'conventional'); defaulting to 'fixed'`);
  }

  let inSection = false;
  let inEvent = false;
  let defaultEnabled = false;
  let enabled = false;
  let message = '';
  const eventRe = new RegExp(`^${SPACE}+${event}:`);
  // `while IFS= read -r line` sees only newline-terminated lines.
  for (const line of readLines(text)) {
    if (/^auto_commit:/.test(line)) {
      inSection = true;
      inEvent = false;
      continue;
    }
    if (inSection && /^[a-z]/.test(line)) break;
    if (!inSection) continue;
    if (new RegExp(`^${SPACE}+default:${SPACE}`).test(line)) {
      if (afterColon(line).replace(new RegExp(SPACE, 'g'), '').toLowerCase() === 'true') defaultEnabled = true;
    }
    if (eventRe.test(line)) {
      inEvent = true;
      continue;
    }
    if (!inEvent) continue;
    if (new RegExp(`^${SPACE}{2}[a-z]`).test(line) && !new RegExp(`^${SPACE}{4}`).test(line)) {
      inEvent = false;
      continue;
    }
    if (new RegExp(`${SPACE}+enabled:`).test(line)) {
      const v = afterColon(line).replace(new RegExp(SPACE, 'g'), '').toLowerCase();
      if (v === 'true') enabled = true;
      if (v === 'false') enabled = false;
    }
    if (new RegExp(`${SPACE}+message:`).test(line)) {
      message = afterColon(line).replace(new RegExp(`${SPACE}*$`), '').replace(/^["']/, '').replace(/["']*$/, '');
    }
  }
  if (!enabled && defaultEnabled && !grepLines(text).some((l) => new RegExp(`^${SPACE}*${event}:`).test(l))) enabled = true;
  return { enabled, message, style, warnings };
}

/** initialize-repo.sh: `init_commit_message:` (every such line, as grep returns them), quotes dropped; else the default. */
export function initCommitMessage(text: string | undefined): string {
  const fallback = '[Spec Kit] Initial commit';
  if (text === undefined) return fallback;
  const lines = grepLines(text).filter((l) => l.startsWith('init_commit_message:'));
  if (lines.length === 0) return fallback;
  const value = lines
    .join('\n')
    .split('\n')
    .map((l) => l.replace(new RegExp(`^init_commit_message:${SPACE}*`), '').replace(/^["']/, '').replace(/["']*$/, ''))
    .join('\n');
  return value === '' ? fallback : value;
}

export type BranchNumbering = 'sequential' | 'timestamp';

/**
 * The numbering speckit.git.feature uses: `branch_numbering` in git-config.yml, else
 * `feature_numbering` in init-options.json, else its deprecated `branch_numbering`, else sequential.
 */
export function branchNumbering(gitConfigText: string | undefined, initOptions: { readonly feature_numbering?: unknown; readonly branch_numbering?: unknown } | undefined): BranchNumbering {
  const fromConfig = readGitConfigValue(gitConfigText, 'branch_numbering');
  const value =
    fromConfig !== ''
      ? fromConfig
      : typeof initOptions?.feature_numbering === 'string'
        ? initOptions.feature_numbering
        : typeof initOptions?.branch_numbering === 'string'
          ? initOptions.branch_numbering
          : '';
  return value.trim().toLowerCase() === 'timestamp' ? 'timestamp' : 'sequential';
}

/** Lines as grep sees them: a final line without a newline still counts. */
function grepLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Lines as `read -r` sees them: an unterminated last line is dropped. */
function readLines(text: string): string[] {
  const lines = text.split('\n');
  lines.pop();
  return lines;
}

/** The value after the first colon, leading blanks dropped (the scripts' sed). */
function afterColon(line: string): string {
  return line.replace(new RegExp(`^[^:]*:${SPACE}*`), '');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
