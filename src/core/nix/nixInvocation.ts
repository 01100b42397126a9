/**
 * The argument lists of the Nix commands the extension runs. Every value is one argv element:
 * nothing here is ever joined into a shell string.
 */
import { joinAttrPath } from './flakeOutputs';

/** Flakes and the new CLI are experimental in Nix 2.8 and off in Debian's and many users' nix.conf. */
export const EXPERIMENTAL_ARGS: readonly string[] = ['--extra-experimental-features', 'nix-command flakes'];

export type NixAction =
  | { readonly kind: 'build-host'; readonly host: string }
  | { readonly kind: 'build-vm'; readonly host: string }
  | { readonly kind: 'flake-check' }
  | { readonly kind: 'build'; readonly attrPath: readonly string[] };

export interface Invocation {
  readonly command: string;
  readonly args: readonly string[];
  /** Whether stderr is `--log-format internal-json`. */
  readonly jsonLog: boolean;
}

export interface InvocationOptions {
  /** The nix executable (a path or a name on PATH). */
  readonly nix: string;
  /** `nixos-rebuild` when it is installed; VMs are then built the way users know. */
  readonly nixosRebuild?: string;
  /** `speckit.nix.extraArgs`, appended to build and check commands. */
  readonly extraArgs: readonly string[];
}

export function hostAttrPath(host: string, output: 'toplevel' | 'vm'): string[] {
  return ['nixosConfigurations', host, 'config', 'system', 'build', output];
}

/** `.#nixosConfigurations."alpha".config…`: the flake in the working directory. */
export function installable(attrPath: readonly string[]): string {
  return `.#${joinAttrPath(attrPath)}`;
}

export function invocationFor(action: NixAction, opts: InvocationOptions): Invocation {
  const nix = (sub: string[], rest: string[]): Invocation => ({
    command: opts.nix,
    args: [...EXPERIMENTAL_ARGS, ...sub, '--log-format', 'internal-json', ...opts.extraArgs, ...rest],
    jsonLog: true,
  });
  switch (action.kind) {
    case 'build-host':
      return nix(['build'], ['--print-build-logs', installable(hostAttrPath(action.host, 'toplevel'))]);
    case 'build-vm':
      if (opts.nixosRebuild) {
        // nixos-rebuild takes the host without quotes; names are validated, so `#host` is literal.
        return { command: opts.nixosRebuild, args: ['build-vm', '--flake', `.#${action.host}`, ...opts.extraArgs], jsonLog: false };
      }
      return nix(['build'], ['--print-build-logs', installable(hostAttrPath(action.host, 'vm'))]);
    case 'flake-check':
      return nix(['flake', 'check'], ['--print-build-logs']);
    case 'build':
      return nix(['build'], ['--print-build-logs', installable(action.attrPath)]);
  }
}

/** A short human label: "build alpha", "VM alpha", "flake check", "build packages.x86_64-linux.hello". */
export function describeAction(action: NixAction): string {
  switch (action.kind) {
    case 'build-host':
      return `build ${action.host}`;
    case 'build-vm':
      return `build VM ${action.host}`;
    case 'flake-check':
      return 'flake check';
    case 'build':
      return `build ${joinAttrPath(action.attrPath)}`;
  }
}

/** The command line as a user would type it (display only; quoted for a POSIX shell). */
export function displayCommand(inv: Invocation): string {
  return [inv.command, ...inv.args].map(shellQuote).join(' ');
}

/** Quotes one word for a POSIX shell: only for display and for shell-integration command lines. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
