import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveExecutable } from '../../../../src/core/security/executables';

describe('security/executables (real files)', () => {
  let base: string;
  let ws: string;
  let sysBin: string;
  const exe = (p: string): void => {
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, '#!/bin/sh\nexit 0\n');
    chmodSync(p, 0o755);
  };
  before(() => {
    base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'speckit-exe-')));
    ws = path.join(base, 'repo');
    sysBin = path.join(base, 'usr', 'bin');
    exe(path.join(ws, 'nix'));
    exe(path.join(ws, 'bin', 'nix'));
    exe(path.join(ws, 'bin', 'git'));
    exe(path.join(sysBin, 'nix'));
    exe(path.join(sysBin, 'git'));
    writeFileSync(path.join(sysBin, 'not-executable'), 'x');
    // A PATH entry outside that is a link into the workspace, and a program linked into it.
    symlinkSync(path.join(ws, 'bin'), path.join(base, 'sneaky-bin'));
    mkdirSync(path.join(base, 'other-bin'));
    symlinkSync(path.join(ws, 'nix'), path.join(base, 'other-bin', 'nix'));
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  const resolve = (pathEnv: string, extra: { configured?: string; allowWorkspacePath?: boolean; name?: string } = {}): ReturnType<typeof resolveExecutable> =>
    resolveExecutable({ name: extra.name ?? 'nix', pathEnv, workspaceRoots: [ws], ...extra });

  it('skips an empty PATH entry (the working directory) and finds the system program', () => {
    const r = resolve(['', sysBin].join(path.delimiter));
    assert.deepEqual(r, { ok: true, path: path.join(sysBin, 'nix'), from: 'PATH' });
  });

  it('skips relative entries, entries inside the workspace and entries linked into it', () => {
    const r = resolve(['.', 'bin', path.join(ws, 'bin'), path.join(base, 'sneaky-bin'), path.join(base, 'other-bin'), sysBin].join(path.delimiter));
    assert.ok(r.ok);
    assert.equal(r.path, path.join(sysBin, 'nix'));
  });

  it('says what it skipped when only the workspace has the program', () => {
    const r = resolve(['', path.join(ws, 'bin')].join(path.delimiter));
    assert.ok(!r.ok);
    assert.match(r.reason, /not found on PATH \(skipped inside the workspace: .*repo\/bin\)/);
  });

  it('ignores files that are not executable', () => {
    assert.equal(resolve(sysBin, { name: 'not-executable' }).ok, false);
  });

  it('takes an absolute configured path outside the workspace', () => {
    assert.deepEqual(resolve('', { configured: path.join(sysBin, 'nix') }), { ok: true, path: path.join(sysBin, 'nix'), from: 'setting' });
  });

  it('refuses a configured path inside the workspace unless allowed (a trusted workspace)', () => {
    const inside = path.join(ws, 'bin', 'nix');
    const refused = resolve('', { configured: inside });
    assert.ok(!refused.ok && /inside the workspace/.test(refused.reason));
    assert.equal(resolve('', { configured: './nix' }).ok, false);
    assert.deepEqual(resolve('', { configured: inside, allowWorkspacePath: true }), { ok: true, path: inside, from: 'setting' });
    assert.deepEqual(resolve('', { configured: './bin/nix', allowWorkspacePath: true }), { ok: true, path: inside, from: 'setting' });
  });

  it('searches PATH for a configured bare name', () => {
    const r = resolve(['', sysBin].join(path.delimiter), { name: 'nix', configured: 'git' });
    assert.ok(r.ok && r.path === path.join(sysBin, 'git'));
  });

  it('reports a missing configured file', () => {
    const r = resolve('', { configured: path.join(sysBin, 'missing') });
    assert.ok(!r.ok && /not an executable file/.test(r.reason));
  });
});
