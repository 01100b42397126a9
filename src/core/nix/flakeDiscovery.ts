/**
 * Finding the workspace's flakes and their outputs: by evaluation when Nix is available (one
 * cheap `nix eval … --apply` per output kind, which evaluates names only), otherwise by reading
 * flake.nix. The result says which was used.
 */
import * as path from 'node:path/posix';
import { type FileSystemHost } from '../workspace/fileSystem';
import { SKIPPED_DIRECTORIES } from '../workspace/projects';
import {
  type DiscoverySource,
  type FlakeOutputs,
  type NamedKind,
  NAMED_KINDS,
  type PerSystemKind,
  PER_SYSTEM_KINDS,
  emptyOutputs,
  parseFlakeStatic,
  parseNameList,
  parseSystemNames,
} from './flakeOutputs';
import { EXPERIMENTAL_ARGS } from './nixInvocation';
import { parseNixOutput } from './nixOutput';

export interface ProcessResult {
  /** null when the process was killed by a signal or could not start. */
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when the executable could not be started at all (ENOENT). */
  readonly spawnError?: string;
}

/** Runs a program with an argument array (never a shell). */
export interface ProcessRunner {
  run(command: string, args: readonly string[], opts: { cwd: string; timeoutMs?: number }): Promise<ProcessResult>;
}

export interface NixProbe {
  readonly available: boolean;
  readonly version?: string;
  readonly error?: string;
}

export async function probeNix(runner: ProcessRunner, nix: string, cwd: string): Promise<NixProbe> {
  const r = await runner.run(nix, ['--version'], { cwd, timeoutMs: 15_000 });
  if (r.exitCode !== 0) return { available: false, error: r.spawnError ?? (r.stderr.trim() || `exit code ${String(r.exitCode)}`) };
  return { available: true, version: /(\d+\.\d+(?:\.\d+)?)/.exec(r.stdout)?.[1] ?? r.stdout.trim() };
}

export interface FlakeInfo {
  /** The directory holding flake.nix. */
  readonly dir: string;
  readonly source: DiscoverySource;
  readonly outputs: FlakeOutputs;
  /** Why evaluation did not give everything (the static reading then filled in), or what static reading could not follow. */
  readonly notes: readonly string[];
}

const MAX_DEPTH = 4;

/** Directories holding a flake.nix under `folder` (itself included), nearest first. */
export async function findFlakes(fs: FileSystemHost, folder: string): Promise<string[]> {
  const found: string[] = [];
  let level = [folder.replace(/\/+$/, '') || '/'];
  for (let depth = 0; depth <= MAX_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      const entries = await fs.readDirectory(dir);
      if (entries.some(([name, type]) => name === 'flake.nix' && type === 'file')) found.push(dir);
      for (const [name, type] of entries) {
        if (type === 'directory' && !name.startsWith('.') && !SKIPPED_DIRECTORIES.has(name) && !name.startsWith('result')) next.push(path.join(dir, name));
      }
    }
    level = next.sort();
  }
  return found;
}

/** Reads the outputs of the flake in `dir` statically. */
export async function discoverStatically(fs: FileSystemHost, dir: string, why?: string): Promise<FlakeInfo> {
  const text = new TextDecoder().decode(await fs.readFile(path.join(dir, 'flake.nix')));
  const { outputs, unresolved } = parseFlakeStatic(text);
  const notes = why ? [why] : [];
  if (unresolved.length > 0) notes.push(`flake.nix defines ${unresolved.join(', ')} in a way that only evaluation can list`);
  // A host list built by a function call: the hosts/ folders are the best guess there is.
  if (unresolved.includes('nixosConfigurations') && outputs.nixosConfigurations.length === 0) {
    const hosts = (await fs.readDirectory(path.join(dir, 'hosts'))).filter(([, t]) => t === 'directory').map(([n]) => n);
    if (hosts.length > 0) {
      notes.push('host names guessed from the hosts/ folders');
      return { dir, source: 'static', outputs: { ...outputs, nixosConfigurations: hosts.sort() }, notes };
    }
  }
  return { dir, source: 'static', outputs, notes };
}

const APPLY_NAMES = 'builtins.attrNames';
const APPLY_SYSTEM_NAMES = 'builtins.mapAttrs (system: v: builtins.attrNames v)';

/**
 * Evaluates the output names of the flake in `dir`. A kind the flake does not define is empty;
 * if evaluation fails altogether (a syntax error in flake.nix, inputs that cannot be fetched), the
 * static reading is returned with the reason.
 */
export async function discoverByEvaluation(fs: FileSystemHost, runner: ProcessRunner, nix: string, dir: string): Promise<FlakeInfo> {
  const evalKind = (kind: string, apply: string): Promise<ProcessResult> =>
    // No eval cache: these evaluations run side by side, and Nix 2.8's shared cache then reports
    // attributes "unexpectedly missing" (seen in CI).
    runner.run(nix, [...EXPERIMENTAL_ARGS, '--option', 'eval-cache', 'false', 'eval', '--json', `.#${kind}`, '--apply', apply], { cwd: dir, timeoutMs: 120_000 });
  const kinds = [...NAMED_KINDS, ...PER_SYSTEM_KINDS];
  const results = await Promise.all(kinds.map((k) => evalKind(k, (NAMED_KINDS as readonly string[]).includes(k) ? APPLY_NAMES : APPLY_SYSTEM_NAMES)));
  const outputs = { ...emptyOutputs() } as { -readonly [K in keyof FlakeOutputs]: FlakeOutputs[K] };
  const failures: string[] = [];
  results.forEach((r, i) => {
    const kind = kinds[i]!;
    if (r.exitCode === 0) {
      try {
        if ((NAMED_KINDS as readonly string[]).includes(kind)) outputs[kind as NamedKind] = parseNameList(r.stdout);
        else outputs[kind as PerSystemKind] = parseSystemNames(r.stdout);
      } catch (e) {
        failures.push(`${kind}: ${e instanceof Error ? e.message : String(e)}`);
      }
      return;
    }
    const diags = parseNixOutput(r.stderr);
    // An output the flake does not define is simply absent.
    if (diags.some((d) => d.kind === 'missing-attribute')) return;
    failures.push(`${kind}: ${diags.find((d) => d.severity === 'error')?.message ?? r.spawnError ?? (r.stderr.trim().split('\n')[0] || `exit code ${String(r.exitCode)}`)}`);
  });
  if (failures.length === kinds.length) {
    return discoverStatically(fs, dir, `evaluation failed (${failures[0]}), read flake.nix instead`);
  }
  if (failures.length > 0) {
    // Fill the kinds that failed from the static reading, and say so.
    const fallback = await discoverStatically(fs, dir).catch(() => undefined);
    for (const f of failures) {
      const kind = f.slice(0, f.indexOf(':')) as NamedKind | PerSystemKind;
      if (fallback) (outputs as Record<string, unknown>)[kind] = fallback.outputs[kind];
    }
    return { dir, source: 'evaluation', outputs, notes: failures.map((f) => `evaluating ${f}; read from flake.nix instead`) };
  }
  return { dir, source: 'evaluation', outputs, notes: [] };
}
