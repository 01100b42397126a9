import * as vscode from 'vscode';
import { type Project } from '../core/workspace/projects';
import { resolveCommand, type ResolvedCommand, resolveTemplate } from '../core/workspace/templates';
import { type FileSystemHost } from '../core/workspace/fileSystem';

/**
 * spec-kit's file templates (spec, plan, constitution, …): resolved for a project through its
 * layers (overrides, presets, extensions, core) down to the copies bundled with the extension.
 */
export class Templates {
  private readonly bundledDir: vscode.Uri;

  constructor(
    private readonly fs: FileSystemHost,
    extensionUri: vscode.Uri,
  ) {
    this.bundledDir = vscode.Uri.joinPath(extensionUri, 'prompts', 'templates');
  }

  /** The template's text for this project, or undefined when no layer has it. */
  async resolve(project: Project, name: string): Promise<string | undefined> {
    return (await resolveTemplate(this.fs, project, name, this.bundledDir.path))?.content;
  }

  /**
   * A command's instructions for this project (`plan` or `speckit.plan`): project override →
   * presets by priority → extensions → core command files → our bundled prompt (`prompts/<name>.md`).
   */
  async command(project: Project, name: string): Promise<ResolvedCommand | undefined> {
    return resolveCommand(this.fs, project, name, vscode.Uri.joinPath(this.bundledDir, '..').path);
  }

  /** The bundled copy of a template, as shipped (what `specify init` would write). */
  async bundled(name: string): Promise<string> {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.bundledDir, `${name}.md`)));
  }
}
