// Preset command overrides, resolved as spec-kit 1.0.1's PresetResolver resolves commands. The preset
// manifests are shaped like spec-kit's own presets (presets/lean/preset.yml: `type: "command"`,
// `name: "speckit.plan"`, `file: "commands/speckit.plan.md"`, `replaces`).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { NodeFileSystem } from '../../../../src/core/workspace/nodeFileSystem';
import { loadProject, type Project } from '../../../../src/core/workspace/projects';
import { resolveCommand } from '../../../../src/core/workspace/templates';
import { repoRoot } from '../../helpers/paths';
import { makeTempDir, type TempDir } from './helpers';

const host = new NodeFileSystem();
const BUNDLED = path.join(repoRoot(), 'prompts').split(path.sep).join('/');

const lean = (strategy?: string): string =>
  [
    'schema_version: "1.0"',
    'preset:',
    '  id: "lean"',
    '  name: "Lean Workflow"',
    '  version: "1.0.0"',
    'provides:',
    '  templates:',
    '    - type: "command"',
    '      name: "speckit.plan"',
    '      file: "commands/speckit.plan.md"',
    '      description: "Lean plan - create plan.md from the spec"',
    '      replaces: "speckit.plan"',
    ...(strategy ? [`      strategy: "${strategy}"`] : []),
    '',
  ].join('\n');

const registry = (presets: Record<string, unknown>): string => JSON.stringify({ schema_version: '1.0', presets });

describe('workspace/templates: command resolution (preset command overrides)', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = makeTempDir();
    tmp.write({ '.specify/templates/commands/plan.md': '---\ndescription: core plan\n---\nCORE PLAN\n' });
  });
  afterEach(() => tmp.dispose());

  async function project(): Promise<Project> {
    const p = await loadProject(host, tmp.root);
    assert.ok(p);
    return p;
  }

  it('core commands by stem; our bundled prompt when the project has none', async () => {
    const core = await resolveCommand(host, await project(), 'plan', BUNDLED);
    assert.equal(core?.source, 'core');
    assert.equal(core?.instructions, 'CORE PLAN\n');
    assert.equal(core?.frontMatter, '---\ndescription: core plan\n---');
    const bundled = await resolveCommand(host, await project(), 'speckit.tasks', BUNDLED);
    assert.equal(bundled?.source, 'bundled');
    assert.equal(bundled?.path, `${BUNDLED}/tasks.md`);
  });

  it('a registered preset replaces the command (manifest-declared file)', async () => {
    tmp.write({
      '.specify/presets/.registry': registry({ lean: { version: '1.0.0', priority: 10, enabled: true } }),
      '.specify/presets/lean/preset.yml': lean(),
      '.specify/presets/lean/commands/speckit.plan.md': '---\ndescription: Create a plan and store it in plan.md.\n---\n\nLEAN PLAN\n',
    });
    const r = await resolveCommand(host, await project(), 'speckit.plan', BUNDLED);
    assert.equal(r?.source, 'preset');
    assert.equal(r?.instructions, '\nLEAN PLAN\n');
    assert.match(r?.frontMatter ?? '', /Create a plan/);
  });

  it('the project override wins over presets', async () => {
    tmp.write({
      '.specify/presets/.registry': registry({ lean: { priority: 1 } }),
      '.specify/presets/lean/preset.yml': lean(),
      '.specify/presets/lean/commands/speckit.plan.md': 'LEAN\n',
      '.specify/templates/overrides/speckit.plan.md': 'MINE\n',
    });
    const r = await resolveCommand(host, await project(), 'plan', BUNDLED);
    assert.deepEqual([r?.source, r?.instructions], ['override', 'MINE\n']);
  });

  it('presets by priority (lower first); disabled and unregistered presets do not count', async () => {
    tmp.write({
      '.specify/presets/.registry': registry({ a: { priority: 20 }, b: { priority: 5 }, c: { priority: 1, enabled: false } }),
      '.specify/presets/a/commands/speckit.plan.md': 'A\n',
      '.specify/presets/b/commands/speckit.plan.md': 'B\n',
      '.specify/presets/c/commands/speckit.plan.md': 'C\n',
      '.specify/presets/d/commands/speckit.plan.md': 'D\n',
    });
    const r = await resolveCommand(host, await project(), 'plan', BUNDLED);
    assert.deepEqual([r?.source, r?.instructions], ['preset', 'B\n']);
  });

  it('composes: append and wrap over the core command, front matter from the top', async () => {
    tmp.write({
      '.specify/presets/.registry': registry({ wrapper: { priority: 1 }, appender: { priority: 2 } }),
      '.specify/presets/wrapper/preset.yml': lean('wrap').replace(/lean/g, 'wrapper'),
      '.specify/presets/wrapper/commands/speckit.plan.md': '---\ndescription: wrapped\n---\nBEFORE\n{CORE_TEMPLATE}\nAFTER\n',
      '.specify/presets/appender/commands/speckit.plan.md': '---\nstrategy: append\n---\nEXTRA\n',
    });
    const r = await resolveCommand(host, await project(), 'plan', BUNDLED);
    assert.equal(r?.instructions, 'BEFORE\nCORE PLAN\n\n\nEXTRA\n\nAFTER\n');
    assert.equal(r?.frontMatter, '---\ndescription: wrapped\n---');
    assert.deepEqual(r?.layers.map((l) => l.source), ['preset', 'preset', 'core']);
  });

  it('a declared but missing file skips the preset (the manifest is authoritative)', async () => {
    tmp.write({
      '.specify/presets/.registry': registry({ lean: {} }),
      '.specify/presets/lean/preset.yml': lean().replace('commands/speckit.plan.md', 'commands/typo.md'),
      '.specify/presets/lean/commands/speckit.plan.md': 'STRAY\n',
    });
    assert.equal((await resolveCommand(host, await project(), 'plan', BUNDLED))?.source, 'core');
  });

  it("an extension's command from its manifest (the git extension's speckit.git.commit)", async () => {
    tmp.write({
      '.specify/extensions/git/extension.yml': 'schema_version: "1.0"\nextension:\n  id: git\nprovides:\n  commands:\n    - name: speckit.git.commit\n      file: commands/speckit.git.commit.md\n',
      '.specify/extensions/git/commands/speckit.git.commit.md': '---\ndescription: "Auto-commit changes"\n---\nCOMMIT\n',
    });
    const r = await resolveCommand(host, await project(), 'speckit.git.commit', BUNDLED);
    assert.deepEqual([r?.source, r?.instructions], ['extension', 'COMMIT\n']);
  });

  it('refuses names that are not command names and paths that climb out', async () => {
    assert.equal(await resolveCommand(host, await project(), 'speckit.../etc', BUNDLED), undefined);
    tmp.write({
      '.specify/presets/.registry': registry({ lean: {} }),
      '.specify/presets/lean/preset.yml': lean().replace('commands/speckit.plan.md', '../../../outside.md'),
      'outside.md': 'OUTSIDE\n',
    });
    assert.equal((await resolveCommand(host, await project(), 'plan', BUNDLED))?.source, 'core');
  });
});
