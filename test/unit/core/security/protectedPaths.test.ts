import * as assert from 'node:assert/strict';
import { protectionOf } from '../../../../src/core/security/protectedPaths';

describe('security/protectedPaths', () => {
  const run = { runFiles: ['specs/001-db/tasks.md', 'specs/001-db/spec.md'] };
  // [path, protected?] — the list, nested and case variants, and the ordinary work that must stay free.
  const table: ReadonlyArray<readonly [string, boolean]> = [
    ['.vscode/settings.json', true],
    ['.vscode/tasks.json', true],
    ['.VSCode/Settings.json', true],
    ['sub/project/.vscode/settings.json', true],
    ['pantheros.code-workspace', true],
    ['.git/config', true],
    ['.git/hooks/pre-commit', true],
    ['vendor/lib/.git/config', true],
    ['.gitmodules', true],
    ['.github/workflows/ci.yml', true],
    ['.envrc', true],
    ['hosts/ovh/.envrc', true],
    ['.direnv/flake-profile', true],
    ['.specify/templates/overrides/speckit.implement.md', true],
    ['.specify/memory/constitution.md', true],
    ['.specify/feature.json', true],
    ['specs/001-db/tasks.md', true],
    ['specs/001-db/spec.md', true],
    ['./specs/001-db/tasks.md', true],
    // The normal work.
    ['modules/postgresql.nix', false],
    ['flake.nix', false],
    ['hosts/ovh/configuration.nix', false],
    ['src/main.ts', false],
    ['.github/CODEOWNERS', false],
    ['.gitignore', false],
    ['specs/001-db/plan.md', false],
    ['specs/002-other/notes.md', false],
    ['docs/vscode-tips.md', false],
  ];
  for (const [p, expected] of table) {
    it(`${p} ${expected ? 'is' : 'is not'} protected`, () => {
      assert.equal(protectionOf([p], run) !== undefined, expected);
    });
  }

  it('protects a write whose real path (through an in-project symlink) is protected', () => {
    assert.equal(protectionOf(['src/hooks-alias/pre-commit']), undefined);
    assert.equal(protectionOf(['src/hooks-alias/pre-commit', '.git/hooks/pre-commit'])?.pattern, '**/.git/**');
  });

  it('adds the user’s patterns (globs, bare names anywhere, folders with a trailing slash)', () => {
    const ctx = { userPatterns: ['secrets/', '*.pem', 'deploy/**/*.sh', '', '   '] };
    assert.ok(protectionOf(['secrets/prod.env'], ctx));
    assert.ok(protectionOf(['certs/server.pem'], ctx));
    assert.ok(protectionOf(['deploy/a/b/run.sh'], ctx));
    assert.equal(protectionOf(['deploy/readme.md'], ctx), undefined);
    assert.equal(protectionOf(['src/secrets.ts'], ctx), undefined);
    assert.match(protectionOf(['secrets/x'], ctx)!.why, /speckit\.protectedPaths/);
  });

  it('says why, so the user and the model can tell', () => {
    assert.match(protectionOf(['.vscode/settings.json'])!.why, /run commands/);
    assert.match(protectionOf(['specs/001-db/tasks.md'], run)!.why, /tick/);
  });
});
