import * as path from 'node:path/posix';

export interface InitFile {
  readonly path: string;
  readonly content: string;
  /** Something is already there. */
  readonly exists: boolean;
  /** Never replaced, even when asked (spec-kit never overwrites a constitution on re-init). */
  readonly protected: boolean;
}

/** The spec-kit version whose layout `Initialize Project` writes. */
export const SPECKIT_LAYOUT_VERSION = '1.0.1';

export const TEMPLATE_NAMES = ['spec-template', 'plan-template', 'tasks-template', 'checklist-template', 'constitution-template'] as const;

/**
 * The files `specify init --here` would leave for a VS Code user, without Python: the constitution
 * placeholder, the core templates, init-options.json and the managed .gitignore. Agent command
 * files are not written: `@speckit` serves the commands.
 */
export function planInit(root: string, templates: Readonly<Record<(typeof TEMPLATE_NAMES)[number], string>>, existing: ReadonlySet<string>): InitFile[] {
  const specify = path.join(root, '.specify');
  const files: Array<Omit<InitFile, 'exists'>> = [
    { path: path.join(specify, 'memory', 'constitution.md'), content: templates['constitution-template'], protected: true },
    ...TEMPLATE_NAMES.map((name) => ({ path: path.join(specify, 'templates', `${name}.md`), content: templates[name], protected: false })),
    {
      path: path.join(specify, 'init-options.json'),
      content: `${JSON.stringify({ ai: 'copilot', integration: 'copilot', here: true, feature_numbering: 'sequential', speckit_version: SPECKIT_LAYOUT_VERSION }, null, 2)}\n`,
      protected: false,
    },
    // spec-kit's managed ignore file: the current-feature pointer is per checkout.
    { path: path.join(specify, '.gitignore'), content: 'feature.json\nextensions/*/local-config.yml\n', protected: false },
  ];
  return files.map((f) => ({ ...f, exists: existing.has(f.path) }));
}
