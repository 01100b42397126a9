// `npm run test:desktop`: the same integration suites in a desktop VS Code (Electron), through
// @vscode/test-cli and @vscode/test-electron, which download VS Code into .vscode-test/. That needs
// network access: without it this stops at once with one line saying so. The offline harness
// (npm test → test/harness/run.mjs) is the one CI uses.
// Usage: npm run test:desktop [-- --label nixos-flake]   (labels: the sample workspaces, .vscode-test.mjs)
import { spawnSync } from 'node:child_process';
import { request } from 'node:https';
import { REPO_ROOT } from './lib.mjs';

// Overridable so a test can show the offline stop without depending on this machine's network.
const DOWNLOAD_HOST = process.env.SPECKIT_DESKTOP_PROBE_URL || 'https://update.code.visualstudio.com/api/releases/stable';

/** Resolves true when VS Code's download service answers within a few seconds. */
function reachable(url, timeoutMs = 5000) {
  return new Promise((resolve) => {
    const req = request(url, { method: 'HEAD', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 0) > 0 && (res.statusCode ?? 500) < 500);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!(await reachable(DOWNLOAD_HOST))) {
  console.error(`test:desktop needs network access to download VS Code (${new URL(DOWNLOAD_HOST).host} is unreachable); run npm test for the offline harness.`);
  process.exit(1);
}
run('npm', ['run', 'build']);
run('node', ['esbuild.mjs', '--tests']);
run('npx', ['vscode-test', ...process.argv.slice(2)]);
