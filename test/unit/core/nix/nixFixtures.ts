// Real Nix for the unit tests: fixture flakes copied into a temporary git repository (flakes see
// only tracked files), and the commands whose output is captured in test/fixtures/nix/captured.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPERIMENTAL_ARGS } from '../../../../src/core/nix/nixInvocation';
import { repoRoot } from '../../helpers/paths';

export type FixtureFlake = 'hosts' | 'eval-error' | 'syntax-error' | 'build-error';

export function nixFixtureDir(...parts: string[]): string {
  return join(repoRoot(), 'test', 'fixtures', 'nix', ...parts);
}

let isolated: string | undefined;

/**
 * Makes every Nix process this test process starts independent of other programs using Nix on the
 * machine. A run once failed after a long wait while other Nix commands ran: another process held
 * a lock this test's `nix build` waited on (the fixture flakes are the same in every clone, so two
 * runs share their derivations' output locks and their flake's evaluation cache), and the test's
 * timeout then sent SIGTERM, which Nix answers with exit code 1 and "interrupted by the user" — a
 * result indistinguishable from a failed build. Now, as root, each test process builds in its own
 * store (`NIX_REMOTE` = a chroot store: own database, locks and GC lock; /bin and /usr are visible to
 * the fixture builders, which use /bin/sh) with its own evaluation and fetcher caches
 * (`XDG_CACHE_HOME`), and every Nix call has a timeout that kills and says what it waited for.
 */
export function isolateNix(): string {
  if (isolated) return isolated;
  isolated = mkdtempSync(join(tmpdir(), 'speckit-nix-store-'));
  process.env.XDG_CACHE_HOME = join(isolated, 'cache');
  if (process.getuid?.() === 0) {
    process.env.NIX_REMOTE = `local?root=${join(isolated, 'root')}`;
    process.env.NIX_CONFIG = [process.env.NIX_CONFIG, 'extra-sandbox-paths = /bin /lib /lib64 /usr'].filter(Boolean).join('\n');
  }
  const dir = isolated;
  process.once('exit', () => {
    // The chroot store's files are read-only, as in /nix/store.
    spawnSync('chmod', ['-R', 'u+w', dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** What a Nix call that was killed by its timeout waited for, in words a failing test can show. */
export function nixTimeoutMessage(command: string, timeoutMs: number, stderr: string): string {
  const last = stderr.trim().split('\n').slice(-3).join(' | ') || 'nothing';
  return `\`${command}\` did not finish within ${Math.round(timeoutMs / 1000)} s and was killed; ` +
    `it printed: ${last}. It may be waiting for a lock (a store path, the database, the garbage collector) held by another Nix process.`;
}

/**
 * Fails with a clear message when nix is missing: npm test installs it, so a skip would hide a
 * broken setup. Also isolates this process's Nix use (see isolateNix).
 */
export function requireNix(): string {
  isolateNix();
  const r = spawnSync('nix', ['--version'], { encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' });
  if (r.status !== 0) {
    throw new Error(`These tests need real Nix: \`nix --version\` failed (${r.error?.message ?? r.stderr}). \`npm test\` installs it (node test/harness/install.mjs; Debian: apt-get install -y nix-bin nix-setup-systemd).`);
  }
  return r.stdout.trim();
}

/** A git-initialised copy of a fixture flake; remove it with `dispose()`. */
export function copyFlake(name: FixtureFlake): { dir: string; dispose(): void } {
  const tmp = mkdtempSync(join(tmpdir(), 'speckit-nix-'));
  const dir = join(tmp, name);
  cpSync(nixFixtureDir(name), dir, { recursive: true });
  const git = (...args: string[]): void => {
    const r = spawnSync('git', ['-c', 'user.name=speckit', '-c', 'user.email=speckit@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  };
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', `fixture ${name}`);
  return { dir, dispose: () => rmSync(tmp, { recursive: true, force: true }) };
}

export interface CaptureCase {
  readonly name: string;
  readonly flake: FixtureFlake;
  /** Arguments after `nix <experimental features>`. */
  readonly args: readonly string[];
}

const OFFLINE = ['--option', 'substitute', 'false'];
const host = (h: string, out = 'toplevel'): string => `.#nixosConfigurations."${h}".config.system.build.${out}`;

export const CAPTURE_CASES: readonly CaptureCase[] = [
  { name: 'hosts-eval-nixosConfigurations', flake: 'hosts', args: ['eval', '--json', '.#nixosConfigurations', '--apply', 'builtins.attrNames'] },
  { name: 'hosts-eval-homeConfigurations', flake: 'hosts', args: ['eval', '--json', '.#homeConfigurations', '--apply', 'builtins.attrNames'] },
  { name: 'hosts-eval-packages', flake: 'hosts', args: ['eval', '--json', '.#packages', '--apply', 'builtins.mapAttrs (system: v: builtins.attrNames v)'] },
  { name: 'hosts-eval-missing-apps', flake: 'hosts', args: ['eval', '--json', '.#apps', '--apply', 'builtins.attrNames'] },
  { name: 'hosts-flake-show', flake: 'hosts', args: ['flake', 'show', '--json'] },
  { name: 'hosts-build-json', flake: 'hosts', args: ['build', ...OFFLINE, '--json', '--no-link', host('alpha')] },
  { name: 'hosts-not-a-derivation', flake: 'hosts', args: ['build', ...OFFLINE, '--no-link', '.#nixosConfigurations.alpha'] },
  { name: 'hosts-missing-host', flake: 'hosts', args: ['build', ...OFFLINE, '--no-link', host('nope')] },
  { name: 'eval-error-build', flake: 'eval-error', args: ['build', ...OFFLINE, '--no-link', host('broken')] },
  { name: 'eval-error-build-json', flake: 'eval-error', args: ['build', ...OFFLINE, '--no-link', '--log-format', 'internal-json', host('broken')] },
  { name: 'eval-error-build-trace', flake: 'eval-error', args: ['build', ...OFFLINE, '--no-link', '--show-trace', host('broken')] },
  { name: 'eval-error-flake-check', flake: 'eval-error', args: ['flake', 'check', ...OFFLINE] },
  { name: 'syntax-error-build', flake: 'syntax-error', args: ['build', ...OFFLINE, '--no-link', host('typo')] },
  { name: 'syntax-error-build-json', flake: 'syntax-error', args: ['build', ...OFFLINE, '--no-link', '--log-format', 'internal-json', host('typo')] },
  { name: 'build-error-build', flake: 'build-error', args: ['build', ...OFFLINE, '--no-link', host('failing')] },
  { name: 'build-error-build-json', flake: 'build-error', args: ['build', ...OFFLINE, '--no-link', '--print-build-logs', '--log-format', 'internal-json', host('failing')] },
];

export interface Captured {
  readonly command: string;
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one case in `dir` (a copy of its flake); the copy's path is replaced with `<flake>`. */
export function runCase(c: CaptureCase, dir: string, timeoutMs = 120_000): Captured {
  // SIGKILL: a Nix that is told to stop while it waits exits 1 like a failed build, hiding the wait.
  const r = spawnSync('nix', [...EXPERIMENTAL_ARGS, ...c.args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: timeoutMs, killSignal: 'SIGKILL' });
  if (r.error && !/ETIMEDOUT/.test(r.error.message)) throw r.error;
  if (r.signal !== null || r.error) {
    throw new Error(nixTimeoutMessage(`nix ${c.args.join(' ')}`, timeoutMs, r.stderr ?? ''));
  }
  // A chroot store names its files by their real place; the machine's store prints them as /nix/store.
  const root = isolated && process.env.NIX_REMOTE?.startsWith('local?root=') ? join(isolated, 'root') : undefined;
  const clean = (s: string): string => (root ? s.split(root + '/nix/store/').join('/nix/store/') : s).split(dir).join('<flake>');
  return { command: `nix ${c.args.join(' ')}`, exitCode: r.status, stdout: clean(r.stdout ?? ''), stderr: clean(r.stderr ?? '') };
}

export function capturedPath(name: string): string {
  return nixFixtureDir('captured', `${name}.json`);
}

export function readCaptured(name: string): Captured {
  return JSON.parse(readFileSync(capturedPath(name), 'utf8')) as Captured;
}

/** Regenerates test/fixtures/nix/captured/*.json: `node out/test/unit/core/nix/nixFixtures.js --write`. */
function main(): void {
  requireNix();
  const copies = new Map<FixtureFlake, { dir: string; dispose(): void }>();
  try {
    for (const c of CAPTURE_CASES) {
      if (!copies.has(c.flake)) copies.set(c.flake, copyFlake(c.flake));
      const result = runCase(c, copies.get(c.flake)!.dir);
      writeFileSync(capturedPath(c.name), JSON.stringify(result, null, 2) + '\n');
      console.log(`${c.name}: exit ${String(result.exitCode)}`);
    }
  } finally {
    for (const c of copies.values()) c.dispose();
  }
}

if (require.main === module && process.argv.includes('--write')) main();
