import * as path from 'node:path/posix';
import * as vscode from 'vscode';
import { type Contained } from '../../core/security/containment';
import { type ProtectionContext, protectionOf } from '../../core/security/protectedPaths';
import { containIn } from '../../platform/containment';
import { type WorkspaceModel } from '../../platform/workspaceModel';
import { type PlannedWrite, writeArtifacts } from './artifactWriter';
import { type LoopTool } from './modelCall';

/** Writes larger than this are refused: a model does not need to write a 200 kB file in one go. */
export const MAX_WRITE_CHARS = 200_000;
const MAX_READ_CHARS = 60_000;
/** Characters a file path of ours never needs; their presence suggests an injection attempt. */
const SHELL_META = /[;&|`$<>*?!"'\n\r\\]/;

/** A path a tool call named, checked by the one containment rule (inside the project, realpath checked). */
export async function safePath(model: WorkspaceModel, root: string, raw: unknown, access: 'read' | 'write' = 'read'): Promise<Contained> {
  if (typeof raw === 'string' && SHELL_META.test(raw)) throw new Error(`"${raw}" contains characters a file path here may not contain`);
  const checked = await containIn((p) => model.uriFor(p), root, raw, access);
  if (!checked.ok) throw new Error(checked.reason);
  return checked;
}

/** A write to a protected path, held back for the user to review instead of being applied. */
export interface HeldWrite extends PlannedWrite {
  readonly relPath: string;
  readonly why: string;
}

/** What the implement loop protects this run (see core/security/protectedPaths). */
export interface WritePolicy {
  readonly context: ProtectionContext;
  /** Called instead of writing when a write is protected. */
  hold(write: HeldWrite): void;
}

/** Files the implement loop may read and edit, all inside `root`; every edit is undoable. */
export function workspaceTools(model: WorkspaceModel, root: string, onEdit: (relPath: string) => void, policy?: WritePolicy): LoopTool[] {
  const rel = (p: string): string => path.relative(root, p);
  /** Applies a write, or holds it back when the path is protected (never silently). */
  const write = async (target: Contained, content: string): Promise<void> => {
    const protection = policy && protectionOf([target.relPath, target.realRelPath], policy.context);
    if (policy && protection) {
      policy.hold({ path: target.path, content, relPath: target.relPath, why: protection.why });
      throw new Error(`${target.relPath} is protected (${protection.why}). The change was set aside for the user to review and apply; do not try to make it another way, and continue with the rest of the task.`);
    }
    const outcome = await writeArtifacts(model, root, [{ path: target.path, content }], 'Spec Kit: implement');
    if (outcome.refused.length > 0) throw new Error(outcome.refused.map((r) => r.reason).join('; '));
    if (outcome.unsaved.length > 0) throw new Error('the change was applied but could not be saved; it is in the editor, unsaved');
    onEdit(target.relPath);
  };
  return [
    {
      definition: {
        name: 'read_file',
        description: 'Read a text file of the workspace. Paths are relative to the project root.',
        inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
      },
      async run(input) {
        const target = await safePath(model, root, (input as { path?: unknown }).path);
        if (target.kind === undefined) return `${target.relPath} does not exist.`;
        if (target.kind !== 'file') return `${target.relPath} is a folder; use list_files.`;
        const p = target.path;
        const bytes = await vscode.workspace.fs.readFile(model.uriFor(p)).then(
          (b) => b,
          () => undefined,
        );
        if (!bytes) return `${rel(p)} does not exist.`;
        const text = new TextDecoder().decode(bytes);
        if (text.includes('\u0000')) return `${rel(p)} is not a text file.`;
        return text.length > MAX_READ_CHARS ? `${text.slice(0, MAX_READ_CHARS)}\n[truncated: ${text.length - MAX_READ_CHARS} more characters]` : text;
      },
    },
    {
      definition: {
        name: 'list_files',
        description: 'List a folder of the workspace (relative to the project root; "." for the root).',
        inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
      },
      async run(input) {
        const raw = (input as { path?: unknown }).path;
        const p = (await safePath(model, root, raw === '' ? '.' : raw)).path;
        const entries = await vscode.workspace.fs.readDirectory(model.uriFor(p)).then(
          (e) => e,
          () => undefined,
        );
        if (!entries) return `${rel(p) || '.'} is not a folder.`;
        return entries.map(([n, t]) => `${n}${t & vscode.FileType.Directory ? '/' : ''}`).sort().join('\n') || '(empty)';
      },
    },
    {
      definition: {
        name: 'write_file',
        description: 'Create or replace a text file of the workspace with the given content (relative path). Prefer replace_in_file for small changes.',
        inputSchema: { type: 'object', properties: { path: { type: 'string' }, content: { type: 'string' } }, required: ['path', 'content'] },
      },
      async run(input) {
        const { content } = input as { content?: unknown };
        const target = await safePath(model, root, (input as { path?: unknown }).path, 'write');
        if (typeof content !== 'string') throw new Error('content must be text');
        if (content.length > MAX_WRITE_CHARS) throw new Error(`the content has ${content.length} characters; at most ${MAX_WRITE_CHARS} may be written at once`);
        await write(target, content);
        return `Wrote ${target.relPath} (${content.length} characters).`;
      },
    },
    {
      definition: {
        name: 'replace_in_file',
        description: 'Replace one exact occurrence of a text in a workspace file (relative path).',
        inputSchema: { type: 'object', properties: { path: { type: 'string' }, find: { type: 'string' }, replace: { type: 'string' } }, required: ['path', 'find', 'replace'] },
      },
      async run(input) {
        const { find, replace } = input as { find?: unknown; replace?: unknown };
        const target = await safePath(model, root, (input as { path?: unknown }).path, 'write');
        const p = target.path;
        if (target.kind !== 'file') throw new Error(`${target.relPath} does not exist; use write_file to create it`);
        if (typeof find !== 'string' || typeof replace !== 'string' || find === '') throw new Error('find and replace must be text, find not empty');
        const doc = await vscode.workspace.openTextDocument(model.uriFor(p));
        const text = doc.getText();
        const at = text.indexOf(find);
        if (at === -1) throw new Error(`the text to replace is not in ${rel(p)}`);
        if (text.indexOf(find, at + 1) !== -1) throw new Error(`the text to replace occurs more than once in ${rel(p)}; include more context`);
        const next = text.slice(0, at) + replace + text.slice(at + find.length);
        if (next.length > MAX_WRITE_CHARS * 2) throw new Error('the file would be too large');
        await write(target, next);
        return `Edited ${target.relPath}.`;
      },
    },
  ];
}
