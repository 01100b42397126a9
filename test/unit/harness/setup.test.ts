// The README's commands set up a bare machine themselves (test/harness/install.mjs); these check the
// parts that decide whether that works for everyone: under npm, as a normal user, offline.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/paths';
import { readableCopies } from '../helpers/tempWorkspace';

interface InstallModule {
  cleanEnv: (extra?: Record<string, string>) => Record<string, string>;
  debianPackages: (purpose?: string) => string[];
}

async function installModule(): Promise<InstallModule> {
  return (await import(pathToFileURL(join(repoRoot(), 'test', 'harness', 'install.mjs')).href)) as InstallModule;
}

function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(vars)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('set-up (test/harness/install.mjs)', function () {
  this.timeout(60_000);

  it('hands install steps an environment without npm’s own variables', async () => {
    const { cleanEnv } = await installModule();
    const env = withEnv(
      {
        npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
        npm_config_nodedir: '/usr',
        npm_lifecycle_event: 'test',
        npm_node_execpath: '/usr/bin/node',
        INIT_CWD: '/work/main',
        SPECKIT_KEEP_ME: 'yes',
        PATH: `/work/main/node_modules/.bin:/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin:/usr/local/bin:/usr/bin`,
      },
      () => cleanEnv({ EXTRA: '1' }),
    );
    assert.deepEqual(Object.keys(env).filter((k) => /^npm_/i.test(k)), []);
    assert.equal(env.INIT_CWD, undefined);
    assert.equal(env.SPECKIT_KEEP_ME, 'yes');
    assert.equal(env.EXTRA, '1');
    assert.equal(env.PATH, '/usr/local/bin:/usr/bin');
  });

  it('asks for Nix and the native-build headers for both commands, Chromium only for the tests', async () => {
    const { debianPackages } = await installModule();
    assert.ok(debianPackages('test').includes('chromium'));
    assert.ok(!debianPackages('start').includes('chromium'));
    for (const p of ['nix-bin', 'nix-setup-systemd', 'libsecret-1-dev', 'libxkbfile-dev']) {
      assert.ok(debianPackages('test').includes(p), p);
      assert.ok(debianPackages('start').includes(p), p);
    }
  });

  it('as a normal user with something missing, stops at once with the one command to run as root', function () {
    if (process.getuid?.() !== 0) this.skip(); // needs root to become another user; CI runs as root
    const cache = mkdtempSync(join(tmpdir(), 'speckit-setup-'));
    // The script alone (it imports only node:), where `nobody` can read it whatever folder holds the checkout.
    const script = readableCopies([join(repoRoot(), 'test', 'harness', 'install.mjs')]);
    try {
      const started = Date.now();
      const r = spawnSync(
        'runuser',
        ['-u', 'nobody', '--', process.execPath, join(script.dir, 'install.mjs'), '--for=start'],
        {
          encoding: 'utf8',
          timeout: 60_000,
          env: { PATH: process.env.PATH ?? '', SPECKIT_CACHE: cache, SPECKIT_SETUP_EXTRA_PACKAGES: 'speckit-test-no-such-package', HOME: cache },
        },
      );
      assert.equal(r.status, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /needs root once for: .*speckit-test-no-such-package/);
      assert.match(r.stderr, /\n\s+sudo \S+node \S+install\.mjs --system --for=start --user=nobody\n/);
      assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);
      assert.doesNotMatch(r.stdout, /installing/i, 'nothing was installed');
    } finally {
      script.dispose();
      rmSync(cache, { recursive: true, force: true });
    }
  });
});

describe('npm run test:desktop (test/harness/desktop.mjs)', function () {
  this.timeout(60_000);

  it('without network, stops at once with one line saying so', () => {
    const started = Date.now();
    const r = spawnSync(process.execPath, [join(repoRoot(), 'test', 'harness', 'desktop.mjs')], {
      encoding: 'utf8',
      timeout: 30_000,
      // A port nothing listens on: the probe fails the way it does on a machine without network.
      env: { ...process.env, SPECKIT_DESKTOP_PROBE_URL: 'https://127.0.0.1:9/api/releases/stable' },
    });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^test:desktop needs network access to download VS Code \(127\.0\.0\.1:9 is unreachable\); run npm test/);
    assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
  });
});
