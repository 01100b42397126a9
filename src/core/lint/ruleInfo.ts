import { type Severity } from '../text/range';

/** A rule the language server and `speckit-vscode check` report, by its stable code. Its own module so rule tables anywhere (OpenSpec's too) can name it without importing the table of all rules. */
export interface RuleInfo {
  readonly severity: Severity;
  readonly description: string;
}
