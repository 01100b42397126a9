/**
 * Every id the extension contributes, in one table. A unit test checks this file against
 * package.json, so a command can neither be declared without a handler nor the reverse.
 */
export const EXTENSION_ID = 'speckit-vscode.speckit-vscode';

export const Commands = {
  refresh: 'speckit.refresh',
  showLog: 'speckit.showLog',
} as const;

export const Settings = {
  section: 'speckit',
  gitCreateBranch: 'speckit.git.createBranch',
} as const;

export const OUTPUT_CHANNEL = 'Spec Kit';

export type CommandId = (typeof Commands)[keyof typeof Commands];
