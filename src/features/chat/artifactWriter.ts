import * as vscode from 'vscode';
import { containPathIn } from '../../platform/containment';
import { unsavedAfterSave } from '../../platform/edits';
import { type WorkspaceModel } from '../../platform/workspaceModel';

export interface PlannedWrite {
  /** Absolute POSIX path (a URI's path). */
  readonly path: string;
  readonly content: string;
  /**
   * The file's text when the user was shown this change (`null`: it did not exist). A file that
   * differs now is refused as stale, so a proposal never overwrites what the user has not seen.
   */
  readonly expected?: string | null;
}

export interface WriteOutcome {
  /** Written and saved. */
  readonly written: vscode.Uri[];
  readonly refused: Array<{ path: string; reason: string; stale?: boolean }>;
  /** Applied (one undoable edit) but their save failed: the change is in the editor, unsaved. */
  readonly unsaved: vscode.Uri[];
}

/** The text a write would replace: the open editor's, else the disk's; `null` when absent. */
export async function currentText(uri: vscode.Uri): Promise<string | null> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return null;
  }
}

/** One sentence for a write that did not fully happen; undefined when it did. */
export function describeIncompleteWrite(outcome: WriteOutcome, relative: (p: string) => string): string | undefined {
  if (outcome.refused.length > 0) return `Nothing was written: ${outcome.refused.map((r) => `${relative(r.path)}: ${r.reason}`).join('; ')}.`;
  if (outcome.unsaved.length > 0) {
    const saved = outcome.written.length > 0 ? ` ${outcome.written.map((u) => relative(u.path)).join(', ')} ${outcome.written.length === 1 ? 'was' : 'were'} saved.` : '';
    return `The change was applied but ${outcome.unsaved.map((u) => relative(u.path)).join(', ')} could not be saved: it is in the editor, unsaved. Save it (Ctrl+S) or undo the change (Ctrl+Z).${saved}`;
  }
  return undefined;
}

/**
 * Writes generated artifacts only when it is safe: inside the project, never through a symlink
 * that leads out, never over an editor with unsaved changes, all in one WorkspaceEdit (one undo),
 * then saved. If any file is refused, nothing at all is written.
 */
export async function writeArtifacts(model: WorkspaceModel, projectRoot: string, writes: readonly PlannedWrite[], label: string): Promise<WriteOutcome> {
  const refused: WriteOutcome['refused'] = [];
  const plan: Array<{ uri: vscode.Uri; content: string; existing: vscode.TextDocument | undefined; exists: boolean }> = [];
  for (const w of writes) {
    const reason = await unsafeReason(model, projectRoot, w.path);
    if (reason) {
      refused.push({ path: w.path, reason });
      continue;
    }
    const uri = model.uriFor(w.path);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open?.isDirty) {
      refused.push({ path: w.path, reason: 'it is open with unsaved changes; save or revert them first' });
      continue;
    }
    if (w.expected !== undefined && (await currentText(uri)) !== w.expected) {
      refused.push({ path: w.path, reason: 'it changed since the proposal was shown', stale: true });
      continue;
    }
    const exists = await vscode.workspace.fs.stat(uri).then(
      () => true,
      () => false,
    );
    plan.push({ uri, content: w.content, existing: open, exists });
  }
  if (refused.length > 0) return { written: [], refused, unsaved: [] };

  const edit = new vscode.WorkspaceEdit();
  for (const p of plan) {
    if (p.exists) {
      const doc = p.existing ?? (await vscode.workspace.openTextDocument(p.uri));
      const last = doc.lineAt(doc.lineCount - 1);
      edit.replace(p.uri, new vscode.Range(0, 0, last.lineNumber, last.range.end.character), p.content, { label, needsConfirmation: false });
    } else {
      edit.createFile(p.uri, { contents: new TextEncoder().encode(p.content), ignoreIfExists: false }, { label, needsConfirmation: false });
    }
  }
  if (!(await vscode.workspace.applyEdit(edit))) return { written: [], refused: plan.map((p) => ({ path: p.uri.path, reason: 'VS Code did not apply the edit' })), unsaved: [] };
  // Created files are on disk already; a failed save leaves the rest applied in the editor, and says so.
  const unsaved = await unsavedAfterSave(plan.map((p) => p.uri));
  const notSaved = new Set(unsaved.map((u) => u.toString()));
  return { written: plan.map((p) => p.uri).filter((u) => !notSaved.has(u.toString())), refused: [], unsaved };
}

/** Why a path may not be written (the one containment rule), or undefined when it may. */
async function unsafeReason(model: WorkspaceModel, projectRoot: string, target: string): Promise<string | undefined> {
  const checked = await containPathIn((p) => model.uriFor(p), projectRoot, target, 'write');
  return checked.ok ? undefined : checked.reason;
}

/** Generated files held back until the user has looked at the change (plan and tasks never overwrite unseen). */
export interface Proposal {
  readonly id: string;
  readonly projectRoot: string;
  readonly writes: readonly PlannedWrite[];
  readonly label: string;
}

export const PROPOSAL_SCHEME = 'speckit-proposal';

/** Keeps proposals for this window and serves their text to the diff editor. */
export class ProposalStore implements vscode.TextDocumentContentProvider {
  private readonly proposals = new Map<string, Proposal>();
  private counter = 0;

  add(projectRoot: string, writes: readonly PlannedWrite[], label: string): Proposal {
    const proposal = { id: `${Date.now().toString(36)}-${++this.counter}`, projectRoot, writes, label };
    this.proposals.set(proposal.id, proposal);
    return proposal;
  }

  get(id: string): Proposal | undefined {
    return this.proposals.get(id);
  }

  delete(id: string): void {
    this.proposals.delete(id);
  }

  /** The same change against the files as they are now: shown again as a fresh diff before it may apply. */
  async refresh(id: string, uriFor: (path: string) => vscode.Uri): Promise<Proposal | undefined> {
    const old = this.proposals.get(id);
    if (!old) return undefined;
    const writes = await Promise.all(old.writes.map(async (w) => ({ path: w.path, content: w.content, expected: await currentText(uriFor(w.path)) })));
    const fresh = { ...old, writes };
    this.proposals.set(id, fresh);
    return fresh;
  }

  uriFor(proposal: Proposal, write: PlannedWrite): vscode.Uri {
    return vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: write.path, query: proposal.id });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.proposals.get(uri.query)?.writes.find((w) => w.path === uri.path)?.content ?? '(This proposal is no longer available: run the command again.)';
  }
}
