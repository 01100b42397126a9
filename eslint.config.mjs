// typescript-eslint flat config. src/core and src/server must never import 'vscode'; a feature
// never imports another feature or the composition root; platform never imports features.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const CROSS_FEATURE = 'A feature never imports another feature: move what they share to src/platform or src/core, or pass it through the services (src/platform/services.ts).';
const APP = 'Features get the services as an argument; only src/extension.ts imports the composition root.';

/**
 * `src/features/<name>/…` at `depth` folders below the feature's own: climbing exactly to
 * `src/features/` reaches another feature; one more level reaches `src/`, where `features/` and
 * `app` are off limits too. Relative specifiers are all we have, so the rule is written per depth.
 */
function featureBoundary(depth) {
  return {
    files: [`src/features/*/${'*/'.repeat(depth - 1)}*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: `^(\\.\\./){${depth}}(?!\\.\\./)`, message: CROSS_FEATURE },
            { regex: `^(\\.\\./){${depth + 1}}features/`, message: CROSS_FEATURE },
            { regex: `^(\\.\\./){${depth + 1}}app$`, message: APP },
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test/fixtures/**', '**/*.mjs', '**/*.js'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'No barrel files: import from the defining module.' },
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/server/**/*.ts', 'src/cli.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/core, src/server and the CLI are editor-free: no vscode imports.' }],
          patterns: [{ group: ['**/platform/**', '**/features/**', '**/app'], message: 'core must not depend on editor layers.' }],
        },
      ],
    },
  },
  {
    files: ['src/platform/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/features/**', '**/app'], message: 'platform serves the features; it never imports them or the composition root.' }] }],
    },
  },
  ...[1, 2, 3, 4].map(featureBoundary),
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
