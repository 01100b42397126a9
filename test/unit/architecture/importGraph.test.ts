import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ESLint, Linter } from 'eslint';
import { repoRoot } from '../helpers/paths';

/** Every .ts file below a folder. */
function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : name.endsWith('.ts') ? [p] : [];
  });
}

/** The files of src/ a file imports (type-only imports too: a cycle of types is still a cycle). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s+['"](\.[^'"]+)['"]/gm)) {
    const base = resolve(dirname(file), m[1]!);
    const target = [`${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p));
    if (target) out.push(target);
  }
  return out;
}

/** One import cycle of the graph, as repository paths, or undefined. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    if (state.has(node)) continue;
    const found = visit(node);
    if (found) return found;
  }
  return undefined;
}

describe('architecture', () => {
  const root = repoRoot();
  const src = join(root, 'src');

  it('src has no import cycle (the composition root imports the features, never the reverse)', () => {
    const graph = new Map(tsFiles(src).map((f) => [f, importsOf(f)]));
    // The graph is real: the composition root reaches every feature folder.
    const features = readdirSync(join(src, 'features'));
    const fromApp = (graph.get(join(src, 'app.ts')) ?? []).map((f) => relative(src, f));
    for (const feature of features) assert.ok(fromApp.some((f) => f.startsWith(`features/${feature}/`)), `app.ts registers ${feature}`);
    const cycle = findCycle(graph);
    assert.equal(cycle?.map((f) => relative(root, f)).join(' → '), undefined);
  });

  it('finds a cycle when there is one (the check itself)', () => {
    assert.deepEqual(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])), ['a', 'b', 'c', 'a']);
    assert.equal(findCycle(new Map([['a', ['b']], ['b', []], ['c', ['a', 'b']]])), undefined);
  });

  describe('lint boundaries (eslint.config.mjs)', function () {
    this.timeout(60_000);
    const eslint = new ESLint({ cwd: root });

    /** Whether the project's lint config refuses `specifier` in `file`. */
    async function refused(file: string, specifier: string): Promise<boolean> {
      const config = (await eslint.calculateConfigForFile(join(root, file))) as { rules?: Record<string, Linter.RuleEntry> };
      const rule = config.rules?.['no-restricted-imports'];
      if (!rule) return false;
      const messages = new Linter().verify(`import { x } from '${specifier}';\nexport const y = x;\n`, { rules: { 'no-restricted-imports': rule } }, { filename: 'probe.js' });
      return messages.some((m) => m.ruleId === 'no-restricted-imports');
    }

    const cases: Array<[file: string, specifier: string, refusedExpected: boolean]> = [
      // A file at the top of a feature folder.
      ['src/features/chat/registerChat.ts', '../commands/createFeature', true],
      ['src/features/chat/registerChat.ts', '../../features/tools/registerTools', true],
      ['src/features/chat/registerChat.ts', '../../app', true],
      ['src/features/chat/registerChat.ts', './chatTurn', false],
      ['src/features/chat/registerChat.ts', '../../platform/services', false],
      ['src/features/chat/registerChat.ts', '../../core/chat/handoffs', false],
      ['src/features/chat/registerChat.ts', '../../ids', false],
      // One folder down inside a feature.
      ['src/features/chat/commands/plan.ts', '../../commands/createFeature', true],
      ['src/features/chat/commands/plan.ts', '../../../app', true],
      ['src/features/chat/commands/plan.ts', '../chatTurn', false],
      ['src/features/chat/commands/plan.ts', '../../../platform/chat', false],
      // platform and core serve the features.
      ['src/platform/services.ts', '../features/chat/chatTurn', true],
      ['src/platform/services.ts', '../app', true],
      ['src/platform/nix/nixServices.ts', '../../features/nixBuild/registerNixBuild', true],
      ['src/platform/services.ts', './workspaceModel', false],
      ['src/core/chat/handoffs.ts', '../../app', true],
      ['src/core/chat/handoffs.ts', '../../features/chat/chatTurn', true],
    ];
    for (const [file, specifier, expected] of cases) {
      it(`${expected ? 'refuses' : 'allows'} ${specifier} in ${file}`, async () => {
        assert.equal(await refused(file, specifier), expected);
      });
    }

    it('guards every feature file, however deep', async () => {
      for (const file of tsFiles(join(src, 'features'))) {
        const config = (await eslint.calculateConfigForFile(file)) as { rules?: Record<string, unknown> };
        assert.ok(config.rules?.['no-restricted-imports'], `${relative(root, file)} has no import boundary`);
      }
    });
  });
});
