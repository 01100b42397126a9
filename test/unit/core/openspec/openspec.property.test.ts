import * as assert from 'node:assert/strict';
import * as path from 'node:path/posix';
import * as fc from 'fast-check';
import { parseTasks } from '../../../../src/core/artifacts/tasks';
import { applyEdits } from '../../../../src/core/lint/quickFixes';
import { decodeText } from '../../../../src/core/markdown/markdownDoc';
import { LineIndex } from '../../../../src/core/text/lineIndex';
import { parseDesign, parseProposal } from '../../../../src/core/openspec/changeDocs';
import { parseDeltaSpec } from '../../../../src/core/openspec/deltaDoc';
import { openspecParseJson, openspecScanJson } from '../../../../src/core/openspec/openspecJson';
import { openspecFileKind } from '../../../../src/core/openspec/openspecPaths';
import { loadOpenSpecProject } from '../../../../src/core/openspec/project';
import { parseOpenSpecSpec } from '../../../../src/core/openspec/specDoc';
import { type OpenSpecFinding, toOpenSpecReport, validateCapability, validateDelta, validateOpenSpecProject, validateTasksFile } from '../../../../src/core/openspec/validate';
import { type EntryType, type FileStat, type FileSystemHost } from '../../../../src/core/workspace/fileSystem';
import { assertRangesInside } from '../artifacts/artifactTestUtil';

/** Pieces of OpenSpec markdown, so random documents reach the readers' branches, not just plain text. */
const FRAGMENTS = [
  '# auth Specification\n',
  '## Purpose\n',
  'Purpose text long enough to pass the brevity rule of OpenSpec, more or less.\n',
  'TBD - created by archiving change x. Update Purpose after archive.\n',
  'TODO: later\n',
  '## Requirements\n',
  '## ADDED Requirements\n',
  '## MODIFIED Requirements\n',
  '## REMOVED Requirements\n',
  '## RENAMED Requirements\n',
  '## added requirements\n',
  '## Notes\n',
  '### Requirement: Login\n',
  '### Requirement: login\n',
  '### Requirement:\n',
  '### Requirement: Login ###\n',
  '###Requirement: Tight\n',
  '### Other heading\n',
  '#### Scenario: Works\n',
  '#### Scenario:\n',
  '##### Scenario: Deep\n',
  '**Scenario: Bold**\n',
  '- **Scenario**: Bullet\n',
  '- **WHEN** a\n',
  '- **THEN** b\n',
  '- **AND** c\n',
  '  - nested\n',
  'The system SHALL work.\n',
  'The system MUST work.\n',
  '**ID**: REQ-1\n',
  '- `### Requirement: Login`\n',
  '- FROM: `### Requirement: Login`\n',
  '- TO: `### Requirement: Sign In`\n',
  'FROM: ### Requirement: A\n',
  '## 1. Group\n',
  '- [ ] 1.1 Task\n',
  '- [x] 1.2 Done\n',
  '- [X] 2.1 Elsewhere\n',
  '1. Plain item\n',
  '```markdown\n',
  '```\n',
  '~~~\n',
  '    indented code\n',
  '> ### Requirement: Quoted\n',
  '<!-- comment -->\n',
  '---\ntitle: x\n---\n',
  '## Why\n',
  '## What Changes\n',
  '- **auth:** Add login\n',
  '### New Capabilities\n',
  '- `auth`: sign-in\n',
  '\r\n',
  '\n',
  '\uFEFF',
  '\t',
  '😀',
  '\u0000',
];

const markdownish = fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 10 })), { maxLength: 40 }).map((parts) => parts.join(''));
const anyText = fc.oneof(markdownish, fc.string({ unit: 'binary', maxLength: 200 }));
const anyRaw: fc.Arbitrary<string | Uint8Array> = fc.oneof(anyText, fc.uint8Array({ maxLength: 200 }));

/** Every range inside the text, and every quick fix applicable without overlapping edits going outside it. */
function checkFindings(raw: string | Uint8Array, findings: readonly OpenSpecFinding[]): void {
  const { text } = decodeText(raw);
  const index = new LineIndex(text);
  for (const f of findings) {
    assertRangesInside(raw, { range: f.range });
    for (const fix of f.fixes) {
      assertRangesInside(raw, fix.edits);
      assert.equal(typeof applyEdits(text, fix.edits, (p) => index.offsetAt(p)), 'string');
    }
  }
}

/** An in-memory file system; `unreadable` paths throw on read, as a file without permission does. */
class MemoryFs implements FileSystemHost {
  constructor(
    private readonly files: ReadonlyMap<string, string | Uint8Array>,
    private readonly unreadable: ReadonlySet<string> = new Set(),
  ) {}

  readFile(p: string): Promise<Uint8Array> {
    const f = this.files.get(p);
    if (f === undefined || this.unreadable.has(p)) return Promise.reject(new Error(`EACCES: ${p}`));
    return Promise.resolve(typeof f === 'string' ? new TextEncoder().encode(f) : f);
  }

  readDirectory(dir: string): Promise<Array<[string, EntryType]>> {
    const out = new Map<string, EntryType>();
    for (const p of this.files.keys()) {
      if (!p.startsWith(dir + '/')) continue;
      const rest = p.slice(dir.length + 1).split('/');
      out.set(rest[0]!, rest.length === 1 ? 'file' : 'directory');
    }
    return Promise.resolve([...out]);
  }

  stat(p: string): Promise<FileStat | undefined> {
    if (this.files.has(p)) return Promise.resolve({ type: 'file', mtime: 0, size: 0 });
    for (const k of this.files.keys()) if (k.startsWith(p + '/')) return Promise.resolve({ type: 'directory', mtime: 0, size: 0 });
    return Promise.resolve(undefined);
  }
}

const SEGMENTS = ['specs', 'changes', 'archive', 'auth', 'platform', 'spec.md', 'tasks.md', 'proposal.md', 'design.md', '.openspec.yaml', 'config.yaml', 'project.md', '2025-01-02-x', 'add-x', '.hidden', 'notes.md', 'spec', '..', 'a b', '名前'];
const name = fc.constantFrom('auth', 'platform/api', 'a b', '名前', '.hidden', 'x');
const change = fc.constantFrom('add-x', 'fix-y', 'archive/2025-01-02-add-x', 'archive/not-dated', '.tmp');
/** Paths where OpenSpec files live, and arbitrary ones. */
const relPath = fc.oneof(
  name.map((c) => `specs/${c}/spec.md`),
  fc.tuple(change, fc.constantFrom('proposal.md', 'design.md', 'tasks.md', '.openspec.yaml', 'notes.md', 'spec.md')).map(([c, f]) => `changes/${c}/${f}`),
  fc.tuple(change, name).map(([c, n]) => `changes/${c}/specs/${n}/spec.md`),
  fc.tuple(change, name).map(([c, n]) => `changes/${c}/specs/${n}/delta.md`),
  change.map((c) => `changes/${c}/specs/spec.md`),
  fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 6 }).map((parts) => parts.join('/')),
);

describe('OpenSpec readers and checks (properties)', function () {
  this.timeout(180_000);

  it('parse any text or bytes without throwing, every range inside the document', () => {
    fc.assert(
      fc.property(anyRaw, (raw) => {
        for (const model of [parseOpenSpecSpec(raw), parseDeltaSpec(raw), parseProposal(raw), parseDesign(raw)]) {
          assertRangesInside(raw, { ...model, markdown: undefined });
        }
      }),
      { numRuns: 250 },
    );
  });

  it('check any spec, delta (against any current spec) and tasks file, with fixes that apply', () => {
    fc.assert(
      fc.property(anyRaw, anyRaw, anyRaw, (specRaw, deltaRaw, tasksRaw) => {
        const main = { id: 'auth', path: '/p/openspec/specs/auth/spec.md', doc: parseOpenSpecSpec(specRaw) };
        checkFindings(specRaw, validateCapability(main));
        const delta = { capability: 'auth', path: '/p/openspec/changes/x/specs/auth/spec.md', doc: parseDeltaSpec(deltaRaw) };
        checkFindings(deltaRaw, validateDelta(delta, main));
        checkFindings(deltaRaw, validateDelta(delta, undefined));
        checkFindings(tasksRaw, validateTasksFile('/p/openspec/changes/x/tasks.md', parseTasks(tasksRaw), true));
      }),
      { numRuns: 200 },
    );
  });

  it('load and check any tree of files under openspec/, unreadable files included, without throwing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(relPath, anyRaw, fc.boolean()), { maxLength: 14 }), async (entries) => {
        const files = new Map<string, string | Uint8Array>();
        const unreadable = new Set<string>();
        files.set('/r/openspec/project.md', '# Project');
        for (const [rel, raw, broken] of entries) {
          const p = path.join('/r/openspec', rel);
          if (!p.startsWith('/r/openspec/') || [...files.keys()].some((k) => k.startsWith(p + '/') || p.startsWith(k + '/'))) continue;
          files.set(p, raw);
          if (broken) unreadable.add(p);
        }
        const project = await loadOpenSpecProject(new MemoryFs(files, unreadable), '/r');
        assert.ok(project);
        const validation = validateOpenSpecProject(project);
        toOpenSpecReport(validation);
        toOpenSpecReport(validation, true);
        JSON.stringify(openspecScanJson(project, validation));
        for (const f of validation.findings) assert.ok(files.has(f.path) || f.path.startsWith('/r/openspec/changes/'), f.path);
        for (const [p, raw] of files) openspecParseJson(p, raw);
      }),
      { numRuns: 120 },
    );
  });

  it('classify any path without throwing', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), relPath.map((r) => `/x/openspec/${r}`)), (p) => {
        const info = openspecFileKind(p);
        if (info) assert.match(info.kind, /^openspec-/);
      }),
      { numRuns: 500 },
    );
  });
});
