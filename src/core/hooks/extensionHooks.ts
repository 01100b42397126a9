/**
 * Extension hooks as spec-kit 1.0.1 defines them: `.specify/extensions.yml` `hooks.before_<command>`
 * / `hooks.after_<command>`, read with the rules of the core command templates ("Check for
 * extension hooks") and of the CLI's HookExecutor (src/specify_cli/extensions/__init__.py):
 *
 * - a file that is not valid YAML, or not a mapping, has no hooks (we say so for the log);
 * - an event that is not a list, and entries that are not mappings, are dropped;
 * - `enabled` falsy (missing means enabled) → skipped;
 * - a non-empty `condition` is not evaluated (the templates leave it to the HookExecutor) → skipped;
 * - `optional` missing means optional (HookExecutor's default); the rest run mandatorily;
 * - order by `priority` (an integer ≥ 1, else 10), stable.
 *
 * Pure: the caller reads the file. What to do with each hook (run it natively, through the model, or
 * offer it as a button) is the chat's decision.
 */
import { parse as parseYaml } from 'yaml';

export type HookMoment = 'before' | 'after';

/** The core commands whose templates read hooks. */
export const HOOK_COMMANDS = ['constitution', 'specify', 'clarify', 'plan', 'tasks', 'implement', 'checklist', 'analyze', 'converge', 'taskstoissues'] as const;

export interface Hook {
  /** `before_specify`. */
  readonly event: string;
  /** The extension that registered it (`git`). */
  readonly extension: string;
  /** The command id (`speckit.git.feature`). */
  readonly command: string;
  /** How a user types it: `/speckit.git.feature`. */
  readonly invocation: string;
  readonly description: string;
  /** The question an optional hook asks (`Commit outstanding changes before planning?`). */
  readonly prompt: string;
  readonly priority: number;
  readonly optional: boolean;
}

export interface OfferedHook extends Hook {
  /** The button's label: the hook's prompt, else its description, else `Run /<command>`. */
  readonly label: string;
}

export interface SkippedHook {
  readonly event: string;
  readonly extension: string;
  readonly command: string;
  readonly reason: 'disabled' | 'condition' | 'no-command';
  /** In words, for the log and the chat. */
  readonly detail: string;
}

export interface HookPlan {
  readonly event: string;
  /** Run before (or after) the command, which waits for them; a failure stops the command. */
  readonly mandatory: readonly Hook[];
  /** Offered as buttons. */
  readonly offered: readonly OfferedHook[];
  readonly skipped: readonly SkippedHook[];
  /** About the file itself (invalid YAML, an entry of the wrong shape), for the log. */
  readonly notes: readonly string[];
}

export interface HooksFile {
  /** Event → raw entries (mappings only). */
  readonly events: ReadonlyMap<string, ReadonlyArray<Readonly<Record<string, unknown>>>>;
  readonly notes: readonly string[];
}

const DEFAULT_PRIORITY = 10;
const EMPTY: HooksFile = { events: new Map(), notes: [] };

/**
 * `.specify/extensions.yml` text (undefined when there is none) as spec-kit reads it. YAML 1.1, as
 * PyYAML's safe_load: `enabled: no` is false.
 */
export function parseHooksFile(text: string | undefined, fileLabel = '.specify/extensions.yml'): HooksFile {
  if (text === undefined) return EMPTY;
  let data: unknown;
  try {
    data = parseYaml(text.replace(/^\uFEFF/, ''), { version: '1.1', maxAliasCount: 100 });
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0]! : 'unreadable';
    return { events: new Map(), notes: [`${fileLabel} is not valid YAML (${why}); its hooks were skipped, as spec-kit skips them.`] };
  }
  if (data === null || data === undefined) return EMPTY;
  if (!isMapping(data)) return { events: new Map(), notes: [`${fileLabel} is not a mapping; it has no hooks.`] };
  const hooks = data.hooks;
  if (hooks === undefined || hooks === null) return EMPTY;
  if (!isMapping(hooks)) return { events: new Map(), notes: [`${fileLabel}: "hooks" is not a mapping; ignored.`] };
  const events = new Map<string, Array<Record<string, unknown>>>();
  const notes: string[] = [];
  for (const [event, value] of Object.entries(hooks)) {
    if (!Array.isArray(value)) {
      notes.push(`${fileLabel}: hooks.${event} is not a list; ignored.`);
      continue;
    }
    const entries = (value as unknown[]).filter(isMapping);
    if (entries.length !== value.length) notes.push(`${fileLabel}: ${value.length - entries.length} entr${value.length - entries.length === 1 ? 'y' : 'ies'} of hooks.${event} are not mappings; ignored.`);
    events.set(event, entries);
  }
  return { events, notes };
}

/** The hooks around `command` (`specify`, or `speckit.specify`) at `moment`, sorted and sorted out. */
export function planHooks(file: HooksFile, command: string, moment: HookMoment): HookPlan {
  const name = command.replace(/^\/?speckit\./, '');
  const event = `${moment}_${name}`;
  const mandatory: Hook[] = [];
  const offered: OfferedHook[] = [];
  const skipped: SkippedHook[] = [];
  const entries = [...(file.events.get(event) ?? [])];
  const enabled = entries
    .map((raw, order) => ({ raw, order, priority: normalizePriority(raw.priority) }))
    .sort((a, b) => a.priority - b.priority || a.order - b.order);
  for (const { raw, priority } of enabled) {
    const extension = str(raw.extension);
    const cmd = str(raw.command).trim();
    if ('enabled' in raw && !pythonTruthy(raw.enabled)) {
      skipped.push({ event, extension, command: cmd, reason: 'disabled', detail: `${label(extension, cmd)} is disabled (enabled: ${String(raw.enabled)}).` });
      continue;
    }
    if (pythonTruthy(raw.condition)) {
      skipped.push({
        event,
        extension,
        command: cmd,
        reason: 'condition',
        detail: `${label(extension, cmd)} has a condition (${typeof raw.condition === 'string' ? raw.condition : JSON.stringify(raw.condition)}); spec-kit's commands leave conditions to its HookExecutor, so it was not run.`,
      });
      continue;
    }
    if (cmd === '') {
      skipped.push({ event, extension, command: cmd, reason: 'no-command', detail: `A hook of ${extension || 'an extension'} on ${event} names no command.` });
      continue;
    }
    const hook: Hook = {
      event,
      extension,
      command: cmd,
      invocation: `/${cmd}`,
      description: str(raw.description),
      prompt: str(raw.prompt),
      priority,
      optional: 'optional' in raw ? pythonTruthy(raw.optional) : true,
    };
    if (hook.optional) offered.push({ ...hook, label: hook.prompt || hook.description || `Run /${cmd}` });
    else mandatory.push(hook);
  }
  return { event, mandatory, offered, skipped, notes: file.notes };
}

/** spec-kit's `normalize_priority`: an integer ≥ 1, else 10 (booleans, junk, values below 1). */
export function normalizePriority(value: unknown): number {
  if (typeof value === 'boolean' || value === undefined || value === null) return DEFAULT_PRIORITY;
  let n: number;
  if (typeof value === 'number') n = Math.trunc(value);
  else if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) n = Number.parseInt(value, 10);
  else return DEFAULT_PRIORITY;
  return Number.isFinite(n) && n >= 1 ? n : DEFAULT_PRIORITY;
}

function label(extension: string, command: string): string {
  return `The hook ${command ? `/${command}` : '(no command)'}${extension ? ` of extension ${extension}` : ''}`;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** Python truthiness, which spec-kit applies to `enabled`, `optional` and `condition`. */
function pythonTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isMapping(value)) return Object.keys(value).length > 0;
  return true;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}
