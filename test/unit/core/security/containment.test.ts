import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkLexical, containAbsolute, containRelative, nodeContainmentFs } from '../../../../src/core/security/containment';

/**
 * A project on disk with the links a hostile repository can ship: a folder link out, a file link
 * out, a link to a missing target, an in-project link, a FIFO; and a secret beside the project.
 */
function makeProject(): { base: string; root: string; dispose(): void } {
  // realpath: on some systems the temporary folder itself sits behind a symlink.
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'speckit-contain-')));
  const root = path.join(base, 'project');
  mkdirSync(path.join(root, 'src'), { recursive: true });
  mkdirSync(path.join(root, '.git', 'hooks'), { recursive: true });
  mkdirSync(path.join(base, 'home', '.ssh'), { recursive: true });
  writeFileSync(path.join(base, 'home', '.ssh', 'id_rsa'), 'SECRET KEY');
  writeFileSync(path.join(root, 'src', 'main.ts'), 'export {};\n');
  writeFileSync(path.join(root, 'README.md'), '# p\n');
  symlinkSync(path.join(base, 'home'), path.join(root, 'linked-home'));
  symlinkSync(path.join(base, 'home', '.ssh', 'id_rsa'), path.join(root, 'key.txt'));
  symlinkSync(path.join(base, 'nowhere', 'file'), path.join(root, 'dangling.txt'));
  symlinkSync(path.join(root, 'src'), path.join(root, 'src-alias'));
  symlinkSync('../.git/hooks', path.join(root, 'src', 'hooks-alias'));
  execFileSync('mkfifo', [path.join(root, 'pipe')]);
  return { base, root, dispose: () => rmSync(base, { recursive: true, force: true }) };
}

describe('security/containment (real files and symlinks)', () => {
  let p: ReturnType<typeof makeProject>;
  before(() => {
    p = makeProject();
  });
  after(() => p.dispose());

  // [path as named, access, expected: 'ok' | a fragment of the refusal]
  const table: ReadonlyArray<readonly [unknown, 'read' | 'write', string]> = [
    ['src/main.ts', 'read', 'ok'],
    ['./src/main.ts', 'read', 'ok'],
    ['src/new-file.ts', 'write', 'ok'],
    ['src/deeper/new/file.ts', 'write', 'ok'],
    ['src/new-file.ts', 'read', 'ok'],
    ['.', 'read', 'ok'],
    ['src-alias/main.ts', 'read', 'ok'],
    // The probes: task lines and tool calls that reach outside.
    ['../../.ssh/id_rsa', 'read', '".."'],
    ['../home/.ssh/id_rsa', 'read', '".."'],
    ['src/../../home/.ssh/id_rsa', 'read', '".."'],
    ['/etc/passwd', 'read', 'absolute'],
    ['~/.ssh/id_rsa', 'read', '"~"'],
    ['C:/Windows/win.ini', 'read', 'absolute'],
    ['src\\..\\..\\x', 'read', 'backslash'],
    ['src/\u202emain.ts', 'read', 'invisible'],
    ['src//main.ts', 'read', 'doubled slash'],
    ['', 'read', 'required'],
    [42, 'read', 'required'],
    // Symlinks that lead out, whichever part of the path they are.
    ['linked-home/.ssh/id_rsa', 'read', 'symbolic link'],
    ['linked-home/.ssh/new-key', 'write', 'symbolic link'],
    ['key.txt', 'read', 'symbolic link'],
    ['key.txt', 'write', 'symbolic link'],
    ['dangling.txt', 'write', 'does not exist'],
    ['dangling.txt', 'read', 'does not exist'],
    // Special files and folders.
    ['pipe', 'read', 'not a regular file'],
    ['pipe', 'write', 'not a regular file'],
    ['src', 'write', 'is a folder'],
    ['README.md/child.txt', 'write', 'not a folder'],
  ];
  for (const [raw, access, expected] of table) {
    it(`${access} ${JSON.stringify(raw)} → ${expected}`, async () => {
      const r = await containRelative(nodeContainmentFs, p.root, raw, access);
      if (expected === 'ok') {
        assert.ok(r.ok, r.ok ? '' : r.reason);
      } else {
        assert.equal(r.ok, false, `expected a refusal for ${JSON.stringify(raw)}`);
        if (!r.ok) assert.ok(r.reason.includes(expected), `"${r.reason}" should mention ${expected}`);
      }
    });
  }

  it('says what is there: a file, a folder, or nothing yet', async () => {
    const kinds = await Promise.all(['src/main.ts', 'src', 'src/new.ts'].map((r) => containRelative(nodeContainmentFs, p.root, r, 'read')));
    assert.deepEqual(kinds.map((k) => (k.ok ? k.kind : k.reason)), ['file', 'directory', undefined]);
  });

  it('reports where an in-project symlink really leads, so policies see the real path', async () => {
    const r = await containRelative(nodeContainmentFs, p.root, 'src/hooks-alias/pre-commit', 'write');
    assert.ok(r.ok);
    assert.equal(r.relPath, 'src/hooks-alias/pre-commit');
    assert.equal(r.realRelPath, '.git/hooks/pre-commit');
  });

  it('checks absolute paths the index found (an artifact that is a link out is refused)', async () => {
    assert.ok((await containAbsolute(nodeContainmentFs, p.root, path.join(p.root, 'README.md'), 'read')).ok);
    const out = await containAbsolute(nodeContainmentFs, p.root, path.join(p.root, 'key.txt'), 'read');
    assert.equal(out.ok, false);
    const beside = await containAbsolute(nodeContainmentFs, p.root, path.join(p.base, 'home', '.ssh', 'id_rsa'), 'read');
    assert.ok(!beside.ok && beside.reason.includes('outside the project'));
    const unnormal = await containAbsolute(nodeContainmentFs, p.root, `${p.root}/src/../../home/.ssh/id_rsa`, 'read');
    assert.ok(!unnormal.ok && unnormal.reason.includes('plain absolute path'));
  });

  it('accepts a project root reached through a symlink (the real root is compared)', async () => {
    const alias = path.join(p.base, 'project-alias');
    symlinkSync(p.root, alias);
    assert.ok((await containRelative(nodeContainmentFs, alias, 'src/main.ts', 'read')).ok);
    assert.equal((await containRelative(nodeContainmentFs, alias, 'key.txt', 'read')).ok, false);
  });

  it('refuses everything when the project root does not exist', async () => {
    const r = await containRelative(nodeContainmentFs, path.join(p.base, 'gone'), 'a.txt', 'write');
    assert.ok(!r.ok && r.reason.includes('does not exist'));
  });

  it('checkLexical normalises ./ and a trailing slash', () => {
    assert.deepEqual(checkLexical('./a/./b/'), { ok: true, rel: 'a/b' });
  });
});
