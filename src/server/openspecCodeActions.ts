import { type CodeAction, CodeActionKind, type CodeActionParams } from 'vscode-languageserver';
import { type LintWorkspace } from '../core/lint/lintWorkspace';

/**
 * Quick fixes for OpenSpec diagnostics: the fixes the checks computed with each finding, offered for
 * the diagnostics of the request. Undefined when the file is no OpenSpec file (spec-kit's path then).
 */
export async function openspecCodeActions(ws: LintWorkspace, path: string | undefined, p: CodeActionParams): Promise<CodeAction[] | undefined> {
  if (!path) return undefined;
  const findings = await ws.openspecLint(path);
  if (!findings) return undefined;
  const actions: CodeAction[] = [];
  const seen = new Set<string>();
  for (const d of p.context.diagnostics) {
    if (d.source !== 'speckit' || typeof d.code !== 'string') continue;
    const finding = findings.find((f) => f.code === d.code && f.range.start.line === d.range.start.line && f.range.start.character === d.range.start.character);
    for (const fix of finding?.fixes ?? []) {
      const key = `${fix.title}@${d.range.start.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: fix.preferred, edit: { changes: { [p.textDocument.uri]: fix.edits } } });
    }
  }
  return actions;
}
