import * as assert from 'node:assert/strict';
import { stripAnsi } from '../../../../src/core/nix/ansi';
import { parseNixOutput, summarize } from '../../../../src/core/nix/nixOutput';
import { readCaptured } from './nixFixtures';

const STORE = '/nix/store/5lx9l5fyz1l4jvpg66m07xyjyfg7687f-source';

describe('nix/nixOutput on real Nix 2.8 output (test/fixtures/nix/captured)', () => {
  it('reads an evaluation error (format B) with its store position', () => {
    const [d, ...rest] = parseNixOutput(readCaptured('eval-error-build').stderr);
    assert.equal(rest.length, 0);
    assert.equal(d!.kind, 'eval');
    assert.equal(d!.severity, 'error');
    assert.equal(d!.message, "undefined variable 'hostname'");
    assert.deepEqual(d!.position, { path: `${STORE}/hosts/broken/default.nix`, line: 5, column: 25 });
  });

  it('reads the same error from --log-format internal-json, colour codes stripped', () => {
    const captured = readCaptured('eval-error-build-json').stderr;
    assert.match(captured, /\\u001b\[/, 'fixture: Nix colours the JSON msg');
    const [d, ...rest] = parseNixOutput(captured);
    assert.equal(rest.length, 0);
    assert.equal(d!.message, "undefined variable 'hostname'");
    assert.deepEqual(d!.position, { path: `${STORE}/hosts/broken/default.nix`, line: 5, column: 25 });
    assert.ok(!d!.text.includes('\u001b'), 'no escape characters left');
  });

  it('keeps --show-trace frames apart from the message position', () => {
    const [d] = parseNixOutput(readCaptured('eval-error-build-trace').stderr);
    assert.equal(d!.position?.line, 5);
    assert.deepEqual(d!.trace.map((t) => `${t.path.slice(STORE.length)}:${t.line}:${t.column}`), ['/lib/default.nix:12:38', '/lib/default.nix:12:16']);
  });

  it('reads a syntax error, plain and JSON', () => {
    for (const name of ['syntax-error-build', 'syntax-error-build-json']) {
      const ds = parseNixOutput(readCaptured(name).stderr);
      assert.equal(ds.length, 1, name);
      assert.equal(ds[0]!.message, "syntax error, unexpected '=', expecting ';'");
      assert.match(ds[0]!.position!.path, /-source\/modules\/typo\.nix$/);
      assert.equal(ds[0]!.position!.line, 5);
      assert.equal(ds[0]!.position!.column, 23);
    }
  });

  it('reads a build failure with its derivation, exit code and log tail (plain)', () => {
    const ds = parseNixOutput(readCaptured('build-error-build').stderr);
    assert.equal(ds.length, 1);
    const d = ds[0]!;
    assert.equal(d.kind, 'build');
    assert.match(d.drvPath!, /^\/nix\/store\/[0-9a-z]{32}-nixos-system-failing\.drv$/);
    assert.equal(d.builderExitCode, 3);
    assert.deepEqual(d.logTail, ['checking the configuration', 'assertion failed: services.postgresql.enable requires a password file']);
    assert.equal(d.position, undefined);
    assert.match(summarize(d), /failed with exit code 3: assertion failed/);
  });

  it('reads a build failure from internal-json, taking the log from the build activity', () => {
    const ds = parseNixOutput(readCaptured('build-error-build-json').stderr);
    assert.equal(ds.length, 1);
    assert.equal(ds[0]!.kind, 'build');
    assert.equal(ds[0]!.builderExitCode, 3);
    assert.deepEqual(ds[0]!.logTail, ['checking the configuration', 'assertion failed: services.postgresql.enable requires a password file']);
  });

  it('recognises a missing attribute and a non-derivation', () => {
    const [missing] = parseNixOutput(readCaptured('hosts-missing-host').stderr);
    assert.equal(missing!.kind, 'missing-attribute');
    assert.match(missing!.attribute!, /nixosConfigurations\."nope"/);
    const [notDrv] = parseNixOutput(readCaptured('hosts-not-a-derivation').stderr);
    assert.equal(notDrv!.kind, 'not-derivation');
    assert.equal(notDrv!.attribute, 'nixosConfigurations.alpha');
  });

  it('reads nix flake check output (progress lines are not errors)', () => {
    const ds = parseNixOutput(readCaptured('eval-error-flake-check').stderr);
    assert.equal(ds.length, 1);
    assert.equal(ds[0]!.position?.line, 5);
  });
});

describe('nix/nixOutput on the other formats (reference §2.2 and §2.3)', () => {
  it('format A (Nix ≤ 2.3): the position is inline', () => {
    const [d] = parseNixOutput('error: value is an integer while a list was expected, at (string):1:12\n');
    assert.equal(d!.message, 'value is an integer while a list was expected');
    assert.deepEqual(d!.position, { path: '(string)', line: 1, column: 12 });
  });

  it('format C (Nix ≥ 2.16): bare error: header, frames first, message last', () => {
    const text = [
      'error:',
      "       … while calling the 'head' builtin",
      '         at /nix/store/2lagaaaaaaaaaaaaaaaaaaaaaaaaaaaa-source/lib/attrsets.nix:922:11:',
      '          921|',
      '       (stack trace truncated; use \'--show-trace\' to show the full trace)',
      '',
      "       error: undefined variable 'inputs'",
      '',
      '       at /nix/store/4cjs18pa10jginiv2kzh5fy8bcxsdf52-source/configuration.nix:122:5:',
      '',
      '          122|     inputs.nixos-conf-editor.packages.${system}.nixos-conf-editor',
      '             |     ^',
    ].join('\n');
    const [d] = parseNixOutput(text);
    assert.equal(d!.message, "undefined variable 'inputs'");
    assert.deepEqual(d!.position, { path: '/nix/store/4cjs18pa10jginiv2kzh5fy8bcxsdf52-source/configuration.nix', line: 122, column: 5 });
    assert.equal(d!.trace.length, 1);
  });

  it('format C without the blank line (Nix 2.21), coloured, with CRLF from a pseudo-terminal', () => {
    const text = "\u001b[31;1merror:\u001b[0m\r\n       … while evaluating\r\n         at /nix/store/2lagaaaaaaaaaaaaaaaaaaaaaaaaaaaa-source/a.nix:1:1:\r\n       error: attribute 'x' missing\r\n       \u001b[34;1mat \u001b[35;1m/nix/store/4cjs18pa10jginiv2kzh5fy8bcxsdf52-source/b.nix:3:7\u001b[0m:\r\n";
    const [d] = parseNixOutput(text);
    assert.equal(d!.message, "attribute 'x' missing");
    assert.equal(d!.position?.path, '/nix/store/4cjs18pa10jginiv2kzh5fy8bcxsdf52-source/b.nix');
    assert.equal(d!.position?.line, 3);
  });

  it('format D: locked flake references as positions', () => {
    const text = "error:\n       … while calling the 'seq' builtin\n         at «github:nixos/nixpkgs/9da7f1cf?narHash=sha256-x»/lib/modules.nix:361:18:\n       error: boom\n       at «git+file:///home/me/demo?ref=main»/hosts/a.nix:4:2:\n";
    const [d] = parseNixOutput(text);
    assert.equal(d!.position?.path, '«git+file:///home/me/demo?ref=main»/hosts/a.nix');
    assert.equal(d!.trace[0]!.path, '«github:nixos/nixpkgs/9da7f1cf?narHash=sha256-x»/lib/modules.nix');
  });

  it('module errors that name only a file', () => {
    const text = "error: The option `home-manager._type' does not exist. Definition values:\n       - In `/nix/store/k6amv4549h6slpjaqy265hpz3xilwqgv-source/boxes/desktop/configuration.nix': \"flake\"\n";
    const [d] = parseNixOutput(text);
    assert.equal(d!.file, '/nix/store/k6amv4549h6slpjaqy265hpz3xilwqgv-source/boxes/desktop/configuration.nix');
    assert.equal(d!.position, undefined);
  });

  it('untracked files, old and new wording', () => {
    const [old] = parseNixOutput("error: getting status of '/nix/store/b6qvaaaaaaaaaaaaaaaaaaaaaaaaaaaa-source/mod.nix': No such file or directory\n");
    assert.equal(old!.kind, 'untracked');
    assert.equal(old!.file, '/nix/store/b6qvaaaaaaaaaaaaaaaaaaaaaaaaaaaa-source/mod.nix');
    const [fresh] = parseNixOutput('error: Path \'flake.nix\' in the repository "/path/to/my/project" is not tracked by Git.\n\n       To make it visible to Nix, run:\n\n       git -C "/path/to/my/project" add -N "flake.nix"\n');
    assert.equal(fresh!.kind, 'untracked');
    assert.equal(fresh!.file, '/path/to/my/project/flake.nix');
  });

  it('new-style build failures (Cannot build … Reason: …)', () => {
    const text = "error: Cannot build '/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x.drv'.\n       Reason: builder failed with exit code 1.\n       Output paths:\n         /nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-x\n       Last 25 log lines:\n       > oops\n";
    const [d] = parseNixOutput(text);
    assert.equal(d!.kind, 'build');
    assert.equal(d!.builderExitCode, 1);
    assert.deepEqual(d!.logTail, ['oops']);
  });

  it('ignores progress lines and keeps warnings as warnings', () => {
    const ds = parseNixOutput("evaluating flake...\nwarning: Git tree '/x' is dirty\nrunning flake checks...\n");
    assert.deepEqual(ds.map((d) => [d.severity, d.message]), [['warning', "Git tree '/x' is dirty"]]);
  });

  it('stripAnsi removes SGR, OSC 633 shell-integration marks and carriage returns', () => {
    assert.equal(stripAnsi('\u001b]633;C\u0007\u001b[31;1merror:\u001b[0m x\r'), 'error: x');
  });
});
