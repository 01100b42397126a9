// Real Nix builds by another program, at the same time as the suite's own: the suite neither waits on
// them nor reads their output, and a Nix call that does wait is killed in bounded time with a message
// that says so (see isolateNix in nixFixtures.ts for what happened once and why).
import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNixOutput } from '../../../../src/core/nix/nixOutput';
import { EXPERIMENTAL_ARGS } from '../../../../src/core/nix/nixInvocation';
import { tempWorkspace } from '../../helpers/tempWorkspace';
import { CAPTURE_CASES, copyFlake, isolateNix, nixTimeoutMessage, readCaptured, requireNix, runCase } from './nixFixtures';

/** The environment of a program that knows nothing of the suite: the machine's own store and caches. */
function machineEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NIX_REMOTE;
  delete env.NIX_CONFIG;
  delete env.XDG_CACHE_HOME;
  return env;
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** A flake whose one package builds for `seconds` (coreutils' sleep from the host). */
function slowFlake(seconds: number): { dir: string; dispose(): void } {
  const ws = tempWorkspace({
    'flake.nix': `{
  outputs = { self }: {
    packages.x86_64-linux.slow = builtins.derivation {
      name = "speckit-slow-${process.pid}-${Date.now()}";
      system = "x86_64-linux";
      builder = "/bin/sh";
      args = [ "-c" "sleep ${seconds}; echo done > $out" ];
      PATH = "/usr/bin:/bin";
    };
  };
}
`,
  });
  return { dir: ws.root, dispose: () => ws.dispose() };
}

/** Takes the write lock on each file named, as Nix does on an output it builds, then says so and waits. */
const HOLD_LOCKS = [
  'import fcntl, sys, time',
  'held = [open(p, "a") for p in sys.argv[1:]]',
  'for f in held: fcntl.flock(f, fcntl.LOCK_EX)',
  'print("held", flush=True)',
  'time.sleep(600)',
].join('\n');

/** The output path of an installable as the machine's Nix computes it. */
function machineOutPath(dir: string, installable: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('nix', [...EXPERIMENTAL_ARGS, 'eval', '--raw', `${installable}.outPath`], { cwd: dir, env: machineEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.once('exit', (code) => (code === 0 && out.startsWith('/nix/store/') ? resolve(out) : reject(new Error(`nix eval ${installable}: ${err}`))));
  });
}

function git(dir: string, ...args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: 'ignore' });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`git ${args.join(' ')} exited ${code}`))));
  });
}

describe('Nix tests alongside other Nix use on the machine', function () {
  this.timeout(300_000);
  before(() => requireNix());

  it('the captured cases give their recorded results while another program builds the same flakes', async () => {
    // The other program: a loop of real builds and evaluations of identical copies of the fixture
    // flakes in the machine's store, with the machine's caches: what a second clone running this
    // suite, or a user's own builds, would do.
    const theirs = [copyFlake('build-error'), copyFlake('hosts')];
    const script = [
      'while :; do',
      `  (cd ${theirs[0]!.dir} && nix ${EXPERIMENTAL_ARGS.join(' ')} build --option substitute false --no-link '.#nixosConfigurations."failing".config.system.build.toplevel')`,
      `  (cd ${theirs[1]!.dir} && nix ${EXPERIMENTAL_ARGS.join(' ')} build --option substitute false --no-link '.#nixosConfigurations."alpha".config.system.build.toplevel' && nix ${EXPERIMENTAL_ARGS.join(' ')} flake show --json >/dev/null)`,
      'done',
    ].join('\n');
    const other = spawn('sh', ['-c', script], { env: machineEnv(), stdio: 'ignore', detached: false });
    // And, as a build of the same derivation does (Nix's output path lock, a flock(2) on
    // `<output>.lock`), it holds the outputs these cases build in the machine's store for as long as
    // the test runs: without the suite's own store the cases would wait on it.
    const outputs = [
      await machineOutPath(theirs[0]!.dir, '.#nixosConfigurations."failing".config.system.build.toplevel'),
      await machineOutPath(theirs[1]!.dir, '.#nixosConfigurations."alpha".config.system.build.toplevel'),
    ];
    const holder = spawn('python3', ['-c', HOLD_LOCKS, ...outputs.map((o) => `${o}.lock`)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const mine = new Map<string, { dir: string; dispose(): void }>();
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.once('data', () => resolve());
        holder.once('exit', (code) => reject(new Error(`the lock holder exited with ${code}`)));
      });
      // Let the other program get going first.
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(other.exitCode, null, 'the other program is running');
      for (const name of ['build-error-build-json', 'build-error-build', 'hosts-build-json', 'hosts-flake-show', 'hosts-eval-nixosConfigurations']) {
        const c = CAPTURE_CASES.find((x) => x.name === name)!;
        if (!mine.has(c.flake)) mine.set(c.flake, copyFlake(c.flake));
        const started = Date.now();
        const fresh = runCase(c, mine.get(c.flake)!.dir, 30_000);
        const stored = readCaptured(c.name);
        assert.equal(fresh.exitCode, stored.exitCode, `${name}: ${fresh.stderr}`);
        assert.equal(fresh.stdout, stored.stdout, name);
        const strip = (s: string): unknown => parseNixOutput(s).map((d) => ({ ...d, text: undefined }));
        assert.deepEqual(strip(fresh.stderr), strip(stored.stderr), name);
        assert.doesNotMatch(fresh.stderr, /is busy|waiting for lock|interrupted/, name);
        assert.ok(Date.now() - started < 30_000, `${name} took ${Date.now() - started} ms`);
      }
      assert.equal(other.exitCode, null, 'the other program was still running at the end');
    } finally {
      await stop(other);
      await stop(holder);
      for (const c of [...theirs, ...mine.values()]) c.dispose();
    }
  });

  it('a Nix call that waits on another build is killed at its timeout with a message that says so', async () => {
    const store = isolateNix();
    const flake = slowFlake(60);
    const marker = join(store, 'waited');
    mkdirSync(marker, { recursive: true });
    await git(flake.dir, 'init', '-q', '-b', 'main');
    await git(flake.dir, 'add', '-A');
    await git(flake.dir, 'commit', '-q', '-m', 'slow');
    // First builder: holds the output's lock for a minute (in the suite's own store, so the wait is real).
    const first = spawn('nix', [...EXPERIMENTAL_ARGS, 'build', '--option', 'substitute', 'false', '--no-link', '.#slow'], { cwd: flake.dir, stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal(first.exitCode, null, 'the first build is running');
      const started = Date.now();
      assert.throws(
        () => runCase({ name: 'second-build', flake: 'hosts', args: ['build', '--option', 'substitute', 'false', '--no-link', '.#slow'] }, flake.dir, 4000),
        (err: Error) => {
          writeFileSync(join(marker, 'message'), err.message);
          return /did not finish within 4 s and was killed/.test(err.message) && /lock/.test(err.message) && err.message.includes('nix build');
        },
      );
      // Killed, not left waiting for the first build's minute.
      assert.ok(Date.now() - started < 20_000, `the timed-out call returned after ${Date.now() - started} ms`);
    } finally {
      await stop(first);
      flake.dispose();
    }
  });

  it('says what a killed Nix call printed last', () => {
    const text = nixTimeoutMessage('nix build .#x', 120_000, "building '/nix/store/abc-x.drv'...\nwaiting for lock on '/nix/store/abc-x'\n");
    assert.match(text, /`nix build \.#x` did not finish within 120 s/);
    assert.match(text, /waiting for lock on '\/nix\/store\/abc-x'/);
  });
});
