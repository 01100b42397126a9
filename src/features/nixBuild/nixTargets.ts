import * as path from 'node:path';
import * as vscode from 'vscode';
import { type FlakeInfo } from '../../core/nix/flakeDiscovery';
import { attributePaths, checkAttrPath, joinAttrPath, splitAttrPath } from '../../core/nix/flakeOutputs';
import { type FlakeRegistry } from '../../platform/nix/flakeRegistry';
import { NixRefusal } from '../../platform/nix/nixRunner';
import { type Prompter } from '../../platform/prompter';

/** Arguments the commands accept from menus, lenses and tests; names are checked against discovery. */
export interface HostArg {
  readonly flake?: string;
  readonly host?: string;
  /** build VM: wait until the VM script exits (tests); the palette returns once it started. */
  readonly wait?: boolean;
}

/**
 * What a Nix command acts on: a flake, a host or an output, as named by the caller (checked against
 * discovery, refused when unknown), the only one there is, or one the user picks.
 */
export class NixTargets {
  constructor(
    private readonly registry: FlakeRegistry,
    private readonly prompter: Prompter,
  ) {}

  /** The flake to act on: the one named, the only one, or one the user picks. */
  async flake(dirArg: string | undefined): Promise<FlakeInfo | undefined> {
    const flakes = await this.registry.all();
    const dir = resolveDir(dirArg);
    if (dir) {
      const f = flakes.find((x) => x.dir === dir);
      if (!f) throw new NixRefusal(`There is no flake.nix in ${dir}.`);
      return f;
    }
    if (flakes.length === 0) {
      void vscode.window.showInformationMessage('Spec Kit found no flake.nix in this workspace.');
      return undefined;
    }
    if (flakes.length === 1) return flakes[0];
    const picked = await this.prompter.pick(flakes.map((f) => ({ label: vscode.workspace.asRelativePath(f.dir) || f.dir, flake: f })), { title: 'Which flake?' });
    return picked?.flake;
  }

  /** The NixOS host to act on, with its flake. */
  async host(arg: HostArg | undefined, title: string): Promise<{ flake: FlakeInfo; host: string } | undefined> {
    const flakes = await this.registry.all();
    const dir = resolveDir(arg?.flake);
    const candidates = flakes.filter((f) => !dir || f.dir === dir).flatMap((flake) => flake.outputs.nixosConfigurations.map((host) => ({ flake, host })));
    if (arg?.host !== undefined) {
      const found = candidates.find((c) => c.host === arg.host);
      if (!found) throw new NixRefusal(`The flake defines no host "${arg.host}" (hosts: ${candidates.map((c) => c.host).join(', ') || 'none'}).`);
      return found;
    }
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage('Spec Kit found no nixosConfigurations in the workspace flakes.');
      return undefined;
    }
    if (candidates.length === 1) return candidates[0];
    const picked = await this.prompter.pick(
      candidates.map((c) => ({ label: c.host, description: `${vscode.workspace.asRelativePath(c.flake.dir)}${c.flake.source === 'static' ? ' (read from flake.nix)' : ''}`, ...c })),
      { title, placeHolder: 'NixOS host (nixosConfigurations)' },
    );
    return picked && { flake: picked.flake, host: picked.host };
  }

  /** The attribute path of an output of `flake`: the one named, one of its outputs, or one typed in. */
  async attribute(flake: FlakeInfo, named: string | undefined): Promise<string[] | undefined> {
    if (named !== undefined) {
      const attrPath = splitAttrPath(named);
      if (!attrPath) throw new NixRefusal(`"${named}" is not an attribute path.`);
      return attrPath;
    }
    const OTHER = 'Other attribute path…';
    const items = [...attributePaths(flake.outputs).map((p) => ({ label: joinAttrPath(p), path: p })), { label: OTHER, path: undefined }];
    const picked = await this.prompter.pick(items, { title: 'nix build', placeHolder: 'Flake output to build' });
    if (!picked) return undefined;
    if (picked.path) return picked.path;
    const typed = await this.prompter.input({
      prompt: 'Attribute path (for example packages.x86_64-linux.hello)',
      validateInput: (v) => {
        const segs = splitAttrPath(v.trim());
        return segs ? checkAttrPath(segs, flake.outputs) : 'Not an attribute path';
      },
    });
    return typed === undefined ? undefined : splitAttrPath(typed.trim());
  }
}

/** A flake named relative to the first workspace folder, as menus and tests pass it. */
function resolveDir(flake: string | undefined): string | undefined {
  if (!flake) return undefined;
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '/';
  return path.resolve(base, flake);
}
