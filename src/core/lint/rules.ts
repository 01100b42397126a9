import { OPENSPEC_RULES } from '../openspec/validate';
import { type Problem } from '../text/range';
import { type RuleInfo } from './ruleInfo';

/**
 * Every diagnostic code, with its default severity. The parsers' own problems are listed too, so a
 * user can turn any of them up, down or off (`speckit.diagnostics.severity`).
 */
export const RULES = {
  'task-missing-checkbox': { severity: 'warning', description: 'A task line has an ID but no `- [ ]` checkbox.' },
  'task-missing-id': { severity: 'warning', description: 'A checkbox item inside a tasks.md phase has no task ID.' },
  'task-duplicate-id': { severity: 'error', description: 'Two tasks have the same ID.' },
  'task-out-of-order': { severity: 'warning', description: 'A task ID is lower than the one before it.' },
  'task-story-in-non-story-phase': { severity: 'warning', description: 'A `[USn]` tag in a Setup, Foundational or Polish phase.' },
  'task-missing-story': { severity: 'info', description: 'A task in a user-story phase has no `[USn]` tag.' },
  'task-story-mismatch': { severity: 'info', description: "A task's `[USn]` tag names another story than its phase." },
  'unknown-story': { severity: 'warning', description: 'A `[USn]` tag or story phase names a user story the spec does not have.' },
  'unknown-task-reference': { severity: 'warning', description: 'A task ID is mentioned that no task in tasks.md defines.' },
  'unknown-requirement-reference': { severity: 'warning', description: 'A requirement or success-criterion ID is mentioned that the spec does not define.' },
  'requirement-no-task': { severity: 'info', description: 'A requirement or success criterion that no task names (checked per ID family once tasks name IDs of that family).' },
  'parallel-same-file': { severity: 'warning', description: 'Two `[P]` tasks of one phase touch the same file.' },
  'needs-clarification': { severity: 'warning', description: 'An unresolved `[NEEDS CLARIFICATION: …]` marker.' },
  'too-many-clarifications': { severity: 'warning', description: 'A spec with more than three `[NEEDS CLARIFICATION]` markers.' },
  'plan-needs-clarification': { severity: 'warning', description: 'A plan Technical Context value that says NEEDS CLARIFICATION.' },
  placeholder: { severity: 'warning', description: 'An unfilled template placeholder such as `[FEATURE NAME]` or `[PROJECT_NAME]`.' },
  'template-guidance': { severity: 'info', description: 'A leftover template guidance comment (`<!-- ACTION REQUIRED … -->`).' },
  'version-mismatch': { severity: 'warning', description: "The constitution's version footer and its Sync Impact Report disagree." },
  'fenced-checkbox': { severity: 'warning', description: 'A checkbox line inside fenced code in tasks.md: it is not a task.' },
  'wrapped-in-fence': { severity: 'warning', description: 'The whole file is wrapped in a ```markdown fence.' },
  'duplicate-requirement-id': { severity: 'warning', description: 'A requirement ID defined twice in the spec.' },
  'duplicate-checklist-id': { severity: 'warning', description: 'A CHK ID used twice in a checklist.' },
  'missing-checklist-id': { severity: 'info', description: 'A checklist item without a CHK ID where others have one.' },
  'frontmatter-invalid': { severity: 'warning', description: 'The YAML front matter does not parse.' },
  'binary-file': { severity: 'error', description: 'The file is not text.' },
  'file-too-large': { severity: 'warning', description: 'The file is too large to analyse.' },
  'file-too-complex': { severity: 'warning', description: 'The file nests too deep, or has too many lines, table cells or inline marks, to analyse in bounded time.' },
  'parse-failed': { severity: 'error', description: 'The markdown could not be parsed.' },
  'internal-error': { severity: 'error', description: 'The file could not be analysed (a bug in Spec Kit).' },
  // OpenSpec's `validate --strict` rules, for files under `openspec/` (src/core/openspec/validate.ts).
  ...OPENSPEC_RULES,
} as const satisfies Record<string, RuleInfo>;

export type RuleCode = keyof typeof RULES;

/** The levels a user can give a code in settings; `off` hides it. */
export type SeveritySetting = 'error' | 'warning' | 'information' | 'hint' | 'off';

export const SEVERITY_SETTINGS: readonly SeveritySetting[] = ['error', 'warning', 'information', 'hint', 'off'];

/** code → level, as read from `speckit.diagnostics.severity` (unknown values are ignored). */
export type SeverityOverrides = Readonly<Record<string, SeveritySetting>>;

/** Validates a settings object into overrides; anything else than a known level is dropped. */
export function readSeverityOverrides(value: unknown): SeverityOverrides {
  const out: Record<string, SeveritySetting> = {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [code, level] of Object.entries(value as Record<string, unknown>)) {
    if (typeof level === 'string' && (SEVERITY_SETTINGS as readonly string[]).includes(level)) out[code] = level as SeveritySetting;
  }
  return out;
}

/** Applies the user's levels: problems set to `off` are dropped, others get the chosen severity. */
export function applySeverities(problems: readonly Problem[], overrides: SeverityOverrides): Problem[] {
  const out: Problem[] = [];
  for (const p of problems) {
    const level = overrides[p.code];
    if (level === 'off') continue;
    out.push(level ? { ...p, severity: level === 'information' ? 'info' : level } : p);
  }
  return out;
}
