// `npm start`: opens a fresh copy of the nixos-flake sample with the extension loaded, in a
// desktop `code` when there is one, otherwise in the offline VS Code server (open the printed
// URL in a browser). Ctrl+C stops the server.
// Usage: node test/harness/start.mjs [--server] [--fake-lm] [--port=N] [--workspace=nixos-flake] [--keep]
//   --server     use the offline server even when `code` is on PATH
//   --fake-lm    also load the test model (vendor speckit-test), handy without Copilot
//   --keep       keep the temporary copy when stopping
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureInstalled } from './install.mjs';
import { FAKE_LM, REPO_ROOT, copyWorkspace, installSignalHandlers, isStopping, log, onCleanup, startServer, workbenchUrl } from './lib.mjs';

function parseArgs(argv) {
  const opts = { server: false, fakeLm: false, port: undefined, workspace: 'nixos-flake', keep: false };
  for (const arg of argv) {
    if (arg === '--server') opts.server = true;
    else if (arg === '--fake-lm') opts.fakeLm = true;
    else if (arg === '--keep') opts.keep = true;
    else if (arg.startsWith('--port=')) opts.port = Number(arg.slice(7));
    else if (arg.startsWith('--workspace=')) opts.workspace = arg.slice(12);
    else throw new Error(`unknown argument ${arg}`);
  }
  return opts;
}

const OLLAMA = 'http://127.0.0.1:11434/v1';

/**
 * Issue 14: when Ollama answers on its default port, the sample copy's settings point the built-in
 * "Spec Kit (OpenAI-compatible)" vendor at it; otherwise one line says how to get a model.
 */
async function preconfigureLocalModel(copy) {
  let models;
  try {
    const res = await fetch(`${OLLAMA}/models`, { signal: AbortSignal.timeout(1500) });
    const body = res.ok ? await res.json() : undefined;
    models = Array.isArray(body?.data) ? body.data.map((m) => m.id) : undefined;
  } catch {
    models = undefined;
  }
  if (!models) {
    log(`no model server answers at ${OLLAMA}: start Ollama (ollama serve; ollama pull qwen2.5-coder:7b) and run npm start again, or run npm start -- --fake-lm for the scripted test model`);
    return;
  }
  const endpoint = { name: 'Ollama', baseUrl: OLLAMA };
  if (copy.workspaceFile) {
    const ws = JSON.parse(readFileSync(copy.workspaceFile, 'utf8'));
    ws.settings = { ...ws.settings, 'speckit.modelProvider.endpoints': [endpoint] };
    writeFileSync(copy.workspaceFile, JSON.stringify(ws, null, 2));
  } else {
    const file = join(copy.folder, '.vscode', 'settings.json');
    const settings = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
    mkdirSync(join(copy.folder, '.vscode'), { recursive: true });
    writeFileSync(file, JSON.stringify({ ...settings, 'speckit.modelProvider.endpoints': [endpoint] }, null, 2));
  }
  log(`Ollama answers at ${OLLAMA} (${models.length ? models.join(', ') : 'no models pulled yet: ollama pull qwen2.5-coder:7b'}): the sample uses it through Spec Kit (OpenAI-compatible)`);
}

function desktopCode() {
  const r = spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

async function main() {
  installSignalHandlers();
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(join(REPO_ROOT, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run npm run build first');
  const copy = copyWorkspace(opts.workspace, { prefix: 'speckit-start-' });
  const target = copy.workspaceFile ?? copy.folder;
  if (!opts.fakeLm) await preconfigureLocalModel(copy);

  const code = opts.server ? undefined : desktopCode();
  if (code) {
    // Desktop VS Code accepts several development paths; it keeps running on its own.
    const args = [`--extensionDevelopmentPath=${REPO_ROOT}`];
    if (opts.fakeLm) args.push(`--extensionDevelopmentPath=${FAKE_LM}`);
    args.push(target);
    log(`opening ${target} in ${code}`);
    const r = spawnSync(code, args, { stdio: 'inherit' });
    log(`the sample copy stays at ${copy.folder} (a temporary folder)`);
    process.exit(r.status ?? 0);
  }

  const install = await ensureInstalled({ purpose: 'start' });
  if (!opts.keep) onCleanup(() => rmSync(copy.tmp, { recursive: true, force: true }));
  const server = await startServer(install, {
    dataDir: join(copy.tmp, 'vscode-data'),
    logFile: join(copy.tmp, 'server.log'),
    installed: opts.fakeLm ? [FAKE_LM] : [],
    port: opts.port,
  });
  const url = workbenchUrl(server.port, { folder: copy.folder, workspaceFile: copy.workspaceFile, extensionPaths: [REPO_ROOT] });
  log(`VS Code server running (pid ${server.child.pid}); workspace ${target}`);
  log(`server log: ${server.logFile}`);
  console.log(`\nOpen this URL in a browser (Ctrl+C to stop):\n\n  ${url}\n`);
  log('after rebuilding (npm run build), reload the browser window to load the new extension');
  const exitCode = await new Promise((resolve) => server.child.once('exit', (c) => resolve(c ?? 1)));
  if (isStopping()) return; // the signal handler cleans up and exits
  log(`server exited with code ${exitCode}`);
  process.exit(exitCode === 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(`[start] ${err.stack ?? err}`);
  process.exit(1);
});
