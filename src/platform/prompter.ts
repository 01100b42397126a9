import * as vscode from 'vscode';

/**
 * Questions the extension asks the user. In integration tests, answers can be queued through the
 * test API, so flows with pickers and confirmations run unattended in a real VS Code; the real
 * pickers are used whenever nothing is queued.
 */
export class Prompter {
  private readonly answers: unknown[] = [];
  /** Every question asked, for tests to assert on. */
  readonly asked: string[] = [];

  /** Test mode only: the next questions get these answers, in order (`undefined` = cancelled). */
  queue(...answers: unknown[]): void {
    this.answers.push(...answers);
  }

  async input(options: vscode.InputBoxOptions): Promise<string | undefined> {
    this.asked.push(options.prompt ?? options.title ?? 'input');
    if (this.answers.length > 0) return this.answers.shift() as string | undefined;
    return vscode.window.showInputBox(options);
  }

  async pick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T | undefined> {
    this.asked.push(options.title ?? options.placeHolder ?? 'pick');
    if (this.answers.length > 0) {
      const answer = this.answers.shift();
      if (answer === undefined) return undefined;
      // A queued answer names the item by its label (or a prefix of it), icons such as the current feature's `$(target)` aside.
      const plain = (label: string): string => label.replace(/^(?:\$\([\w~-]+\)\s*)+/, '');
      return items.find((i) => plain(i.label) === answer) ?? items.find((i) => typeof answer === 'string' && plain(i.label).startsWith(answer));
    }
    return vscode.window.showQuickPick(items, options);
  }

  /** A modal question; returns the chosen action's title, or undefined when dismissed. */
  async confirm(message: string, detail: string, ...actions: string[]): Promise<string | undefined> {
    this.asked.push(message);
    if (this.answers.length > 0) return this.answers.shift() as string | undefined;
    return vscode.window.showInformationMessage(message, { modal: true, detail }, ...actions);
  }
}
