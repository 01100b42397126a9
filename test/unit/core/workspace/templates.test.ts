import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodeFileSystem } from '../../../../src/core/workspace/nodeFileSystem';
import { loadProject, type Project } from '../../../../src/core/workspace/projects';
import { parsePresetManifest, rankedExtensions, rankedPresets, resolveTemplate } from '../../../../src/core/workspace/templates';
import { repoRoot } from '../../helpers/paths';
import { makeTempDir, type TempDir } from './helpers';

const host = new NodeFileSystem();
const BUNDLED = path.join(repoRoot(), 'prompts', 'templates').split(path.sep).join('/');

function manifest(entries: Array<{ name: string; file: string; strategy?: string; type?: string }>): string {
  const lines = ['schema_version: "1.0"', 'preset:', '  id: "x"', 'provides:', '  templates:'];
  for (const e of entries) {
    lines.push(`    - type: "${e.type ?? 'template'}"`, `      name: "${e.name}"`, `      file: "${e.file}"`);
    if (e.strategy) lines.push(`      strategy: "${e.strategy}"`);
  }
  return `${lines.join('\n')}\n`;
}

function registry(presets: Record<string, unknown>): string {
  return JSON.stringify({ schema_version: '1.0', presets }, null, 2);
}

describe('workspace/templates', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = makeTempDir();
    tmp.write({ '.specify/templates/spec-template.md': 'CORE\n' });
  });
  afterEach(() => tmp.dispose());

  async function project(): Promise<Project> {
    const p = await loadProject(host, tmp.root);
    assert.ok(p);
    return p;
  }

  it('core wins when nothing else provides the template', async () => {
    const r = await resolveTemplate(host, await project(), 'spec-template', BUNDLED);
    assert.ok(r);
    assert.equal(r.content, 'CORE\n');
    assert.equal(r.source, 'core');
    assert.equal(r.path, tmp.path('.specify/templates/spec-template.md'));
    assert.deepEqual(r.layers.map((l) => l.source), ['core']);
  });

  it('accepts the name with .md and refuses names that are not template names', async () => {
    const p = await project();
    assert.equal((await resolveTemplate(host, p, 'spec-template.md', BUNDLED))?.source, 'core');
    for (const bad of ['../spec-template', 'Spec-Template', 'a/b', '', 'x y']) {
      assert.equal(await resolveTemplate(host, p, bad, BUNDLED), undefined, bad);
    }
  });

  it('falls back to the bundled copy, and to nothing for an unknown name', async () => {
    const p = await project();
    const r = await resolveTemplate(host, p, 'plan-template', BUNDLED);
    assert.ok(r);
    assert.equal(r.source, 'bundled');
    assert.equal(r.path, `${BUNDLED}/plan-template.md`);
    assert.match(r.content, /^# Implementation Plan: \[FEATURE\]/);
    assert.equal(await resolveTemplate(host, p, 'no-such-template', BUNDLED), undefined);
  });

  it('an override always wins, even over a replacing preset', async () => {
    tmp.write({
      '.specify/templates/overrides/spec-template.md': 'OVERRIDE',
      '.specify/presets/.registry': registry({ p1: { priority: 1, enabled: true } }),
      '.specify/presets/p1/templates/spec-template.md': 'PRESET',
    });
    const r = await resolveTemplate(host, await project(), 'spec-template', BUNDLED);
    assert.ok(r);
    assert.equal(r.content, 'OVERRIDE');
    assert.equal(r.source, 'override');
    assert.equal(r.path, tmp.path('.specify/templates/overrides/spec-template.md'));
  });

  describe('presets', () => {
    it('replace (by convention path, no manifest)', async () => {
      tmp.write({
        '.specify/presets/.registry': registry({ lean: { priority: 10, enabled: true } }),
        '.specify/presets/lean/templates/spec-template.md': 'LEAN',
      });
      const r = await resolveTemplate(host, await project(), 'spec-template', BUNDLED);
      assert.ok(r);
      assert.equal(r.content, 'LEAN');
      assert.equal(r.source, 'preset');
      assert.deepEqual(r.layers.map((l) => [l.source, l.id, l.strategy]), [['preset', 'lean', 'replace']]);
    });

    it('prepend, append and wrap compose over core exactly as spec-kit joins them', async () => {
      const cases: Array<[string, string, string]> = [
        ['prepend', 'TOP\n', 'TOP\n\n\nCORE\n'],
        ['append', 'BOTTOM\n', 'CORE\n\n\nBOTTOM\n'],
        ['wrap', '<header>\n{CORE_TEMPLATE}</header>\n', '<header>\nCORE\n</header>\n'],
      ];
      for (const [strategy, layer, expected] of cases) {
        tmp.write({
          '.specify/presets/.registry': registry({ comp: { priority: 5 } }),
          '.specify/presets/comp/preset.yml': manifest([{ name: 'spec-template', file: 'parts/spec.md', strategy }]),
          '.specify/presets/comp/parts/spec.md': layer,
        });
        const r = await resolveTemplate(host, await project(), 'spec-template', BUNDLED);
        assert.ok(r, strategy);
        assert.equal(r.content, expected, strategy);
        assert.equal(r.source, 'preset', strategy);
        assert.deepEqual(r.layers.map((l) => [l.source, l.strategy]), [['preset', strategy], ['core', 'replace']], strategy);
      }
    });

    it('wrap replaces every {CORE_TEMPLATE}; strategies are case-insensitive', async () => {
      tmp.write({
        '.specify/presets/.registry': registry({ w: {} }),
        '.specify/presets/w/preset.yml': manifest([{ name: 'spec-template', file: 'w.md', strategy: 'WRAP' }]),
        '.specify/presets/w/w.md': '[{CORE_TEMPLATE}|{CORE_TEMPLATE}]',
      });
      const r = await resolveTemplate(host, await project(), 'spec-template', BUNDLED);
      assert.equal(r?.content, '[CORE\n|CORE\n]');
    });

    it('stacks presets by priority (lower first) down to the nearest replace', async () => {
      tmp.write({
        '.specify/presets/.registry': registry({
          'z-first': { priority: 1 },
          'b-second': { priority: 2 },
          'a-base': { priority: 3 },
          'c-below-base': { priority: 4 },
        }),
        '.specify/presets/z-first/preset.yml': manifest([{ name: 'spec-template', file: 't.md', strategy: 'append' }]),
        '.specify/presets/z-first/t.md': 'Z',
        '.specify/presets/b-second/preset.yml': manifest([{ name: 'spec-template', file: 't.md', strategy: 'prepend' }]),
        '.specify/presets/b-second/t.md': 'B',
        '.specify/presets/a-base/templates/spec-template.md': 'A',
        '.specify/presets/c-below-base/templates/spec-template.md': 'C',
      });
      const r = await resolveTemplate(host, await project(), 'spec-template', BUNDLED);
      assert.ok(r);
      // base A, then b-second prepends, then z-first appends
      assert.equal(r.content, 'B\n\nA\n\nZ');
      assert.deepEqual(r.layers.map((l) => l.id), ['z-first', 'b-second', 'a-base']);
      assert.equal(r.path, tmp.path('.specify/presets/z-first/t.md'));
    });

    it('skips disabled and unregistered presets when a registry exists', async () => {
      tmp.write({
        '.specify/presets/.registry': registry({ off: { enabled: false, priority: 1 }, zero: { enabled: 0 }, on: { priority: 9 } }),
        '.specify/presets/off/templates/spec-template.md': 'OFF',
        '.specify/presets/zero/templates/spec-template.md': 'ZERO',
        '.specify/presets/stray/templates/spec-template.md': 'STRAY',
        '.specify/presets/on/spec-template.md': 'ON',
      });
      const r = await resolveTemplate(host, await project(), 'spec-template', BUNDLED);
      assert.equal(r?.content, 'ON');
    });

    it('normalises odd priorities to 10 and breaks ties by id', async () => {
      tmp.write({
        '.specify/presets/.registry': registry({ b: { priority: 0 }, a: { priority: true }, c: { priority: '9' }, d: { priority: 'high' } }),
      });
      for (const id of ['a', 'b', 'c', 'd']) tmp.write({ [`.specify/presets/${id}/`]: '' });
      const ranked = await rankedPresets(host, tmp.path('.specify/presets'));
      assert.deepEqual(ranked.map((r) => [r.id, r.priority]), [['c', 9], ['a', 10], ['b', 10], ['d', 10]]);
    });

    it('without a readable registry, takes preset directories in name order', async () => {
      tmp.write({
        '.specify/presets/.registry': '{ not json',
        '.specify/presets/b/templates/spec-template.md': 'B',
        '.specify/presets/a/templates/spec-template.md': 'A',
        '.specify/presets/Bad_Id/templates/spec-template.md': 'BAD',
      });
      const r = await resolveTemplate(host, await project(), 'spec-template', BUNDLED);
      assert.ok(r);
      assert.equal(r.content, 'A');
      assert.match(r.problems.join('\n'), /not a valid registry/);
    });

    it('a declared template whose file is missing or escapes the preset is not used', async () => {
      tmp.write({
        '.specify/presets/.registry': registry({ p: {}, q: {} }),
        '.specify/presets/p/preset.yml': manifest([{ name: 'spec-template', file: 'missing.md' }]),
        '.specify/presets/p/templates/spec-template.md': 'P-CONVENTION-IGNORED',
        '.specify/presets/q/preset.yml': manifest([{ name: 'spec-template', file: '../../templates/spec-template.md' }]),
      });
      const r = await resolveTemplate(host, await project(), 'spec-template', BUNDLED);
      assert.equal(r?.source, 'core');
    });

    it('an invalid manifest skips the preset with a problem', async () => {
      tmp.write({
        '.specify/presets/.registry': registry({ broken: {} }),
        '.specify/presets/broken/preset.yml': 'provides: [unclosed',
        '.specify/presets/broken/templates/spec-template.md': 'BROKEN',
      });
      const r = await resolveTemplate(host, await project(), 'spec-template', BUNDLED);
      assert.ok(r);
      assert.equal(r.content, 'CORE\n');
      assert.match(r.problems.join('\n'), /preset broken/);
    });

    it('a wrap layer without {CORE_TEMPLATE} is skipped with a problem', async () => {
      tmp.write({
        '.specify/presets/.registry': registry({ w: {} }),
        '.specify/presets/w/preset.yml': manifest([{ name: 'spec-template', file: 'w.md', strategy: 'wrap' }]),
        '.specify/presets/w/w.md': 'no placeholder',
      });
      const r = await resolveTemplate(host, await project(), 'spec-template', BUNDLED);
      assert.ok(r);
      assert.equal(r.content, 'CORE\n');
      assert.match(r.problems.join('\n'), /CORE_TEMPLATE/);
    });

    it('a composing preset over a project without core composes over the bundled copy', async () => {
      fs.rmSync(tmp.path('.specify/templates'), { recursive: true });
      tmp.write({
        '.specify/presets/.registry': registry({ pre: {} }),
        '.specify/presets/pre/preset.yml': manifest([{ name: 'spec-template', file: 'p.md', strategy: 'prepend' }]),
        '.specify/presets/pre/p.md': '<!-- team header -->',
      });
      const r = await resolveTemplate(host, await project(), 'spec-template', BUNDLED);
      assert.ok(r);
      assert.deepEqual(r.layers.map((l) => l.source), ['preset', 'bundled']);
      assert.ok(r.content.startsWith('<!-- team header -->\n\n# Feature Specification: [FEATURE NAME]'));
    });
  });

  describe('parsePresetManifest', () => {
    it('finds the template entry and its strategy', () => {
      assert.deepEqual(parsePresetManifest(manifest([{ name: 'spec-template', file: 'a.md', strategy: 'Append' }]), 'spec-template'), {
        entry: { strategy: 'append', file: 'a.md' },
      });
      assert.deepEqual(parsePresetManifest(manifest([{ name: 'spec-template', file: 'a.md', type: 'command' }]), 'spec-template'), {});
    });
    it('rejects what spec-kit rejects', () => {
      for (const bad of [
        '',
        '- a list',
        'provides: {}',
        'provides:\n  templates: []',
        manifest([{ name: 'spec-template', file: 'a.md', strategy: 'merge' }]),
        manifest([{ name: 'spec-template', file: 'a.md', type: 'widget' }]),
        manifest([{ name: 'x', file: 'x.sh', type: 'script', strategy: 'append' }]),
      ]) {
        assert.ok('error' in parsePresetManifest(bad, 'spec-template'), bad);
      }
    });
  });

  describe('extensions', () => {
    it('an extension template replaces core; presets still win over extensions', async () => {
      tmp.write({ '.specify/extensions/bug/templates/spec-template.md': 'EXT' });
      const r = await resolveTemplate(host, await project(), 'spec-template', BUNDLED);
      assert.equal(r?.content, 'EXT');
      assert.equal(r?.source, 'extension');
      assert.equal(r?.layers[0]?.id, 'bug');

      tmp.write({ '.specify/presets/.registry': registry({ p: {} }), '.specify/presets/p/templates/spec-template.md': 'PRESET' });
      assert.equal((await resolveTemplate(host, await project(), 'spec-template', BUNDLED))?.content, 'PRESET');
    });

    it('a composing preset composes over the extension template', async () => {
      tmp.write({
        '.specify/extensions/ext/spec-template.md': 'EXT',
        '.specify/presets/.registry': registry({ p: {} }),
        '.specify/presets/p/preset.yml': manifest([{ name: 'spec-template', file: 'p.md', strategy: 'append' }]),
        '.specify/presets/p/p.md': 'MORE',
      });
      const r = await resolveTemplate(host, await project(), 'spec-template', BUNDLED);
      assert.equal(r?.content, 'EXT\n\nMORE');
      assert.deepEqual(r?.layers.map((l) => l.source), ['preset', 'extension']);
    });

    it('orders extensions by registry priority, unregistered ones at 10, disabled ones out', async () => {
      tmp.write({
        '.specify/extensions/.registry': JSON.stringify({ extensions: { late: { priority: 20 }, early: { priority: 2 }, off: { enabled: false } } }),
        '.specify/extensions/late/templates/spec-template.md': 'LATE',
        '.specify/extensions/early/templates/spec-template.md': 'EARLY',
        '.specify/extensions/off/templates/spec-template.md': 'OFF',
        '.specify/extensions/mid/templates/spec-template.md': 'MID',
      });
      const ranked = await rankedExtensions(host, tmp.path('.specify/extensions'));
      assert.deepEqual(ranked.map((r) => r.id), ['early', 'mid', 'late']);
      assert.equal((await resolveTemplate(host, await project(), 'spec-template', BUNDLED))?.content, 'EARLY');
    });
  });

  it('a legacy project resolves from its root templates/', async () => {
    fs.rmSync(tmp.path('.specify'), { recursive: true });
    tmp.write({ 'memory/constitution.md': '', 'specs/': '', 'templates/spec-template.md': 'LEGACY' });
    const p = await project();
    assert.equal(p.layout, 'legacy');
    const r = await resolveTemplate(host, p, 'spec-template', BUNDLED);
    assert.equal(r?.content, 'LEGACY');
    assert.equal(r?.source, 'core');
  });
});
