// Builds the extension bundles (dist/), and the unit/integration tests and benchmarks (out/).
// Usage: node esbuild.mjs [--production] [--watch] [--tests] [--bench]
import * as esbuild from 'esbuild';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');

/** Every .ts file below a folder, recursively. */
function tsFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...tsFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  // Mark unified's optional browser-only dependency paths as Node.
  mainFields: ['module', 'main'],
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = [];

/**
 * The markdown and YAML parsers: most of the CLI's bytes, and a scan that reads files with
 * fastSummary (or from --cache) never calls them. The CLI bundle gets a stand-in for each that loads
 * dist/cliParsers.js (built below, alongside) on the first use of any of its exports, so a process
 * that never parses in full neither compiles nor runs them.
 */
const LAZY_PARSERS = [
  'yaml',
  'unified',
  'remark-parse',
  'remark-frontmatter',
  'micromark-extension-gfm-strikethrough',
  'micromark-extension-gfm-table',
  'micromark-extension-gfm-task-list-item',
  'mdast-util-gfm-strikethrough',
  'mdast-util-gfm-table',
  'mdast-util-gfm-task-list-item',
  'unist-util-visit',
];

/**
 * YAML has a file of its own, dist/cliYaml.js: it is about as big as the markdown parsers together, and
 * only front matter needs it, so a full parse without front matter (a constitution's, on a cold scan)
 * does not compile it. The rest are dist/cliParsers.js.
 */
const REMARK_PARSERS = LAZY_PARSERS.filter((p) => p !== 'yaml');

/**
 * The plugin that puts the stand-ins in a bundle: the CLI's, which builds dist/cliParsers.js too
 * (`emit`), and the first scan's worker's, which summarizes with the fast reader and loads the same
 * file only for a file it leaves to the full parse.
 */
async function lazyParsers({ emit = true } = {}) {
  // Each stand-in lists its package's exports (read here) as getters: an import binding is read
  // where it is used (esbuild's CJS interop), so nothing loads until then.
  const exportsOf = Object.fromEntries(await Promise.all(LAZY_PARSERS.map(async (p) => [p, Object.keys(await import(p))])));
  // Each package of dist/cliParsers.js runs when first asked for: a full parse of a constitution needs remark, not yaml.
  const entry = `exports.parsers = { ${REMARK_PARSERS.map((p) => `get ${JSON.stringify(p)}() { return require(${JSON.stringify(p)}); }`).join(', ')} };\n`;
  return {
    name: 'lazy-parsers',
    setup(build) {
      const filter = new RegExp(`^(?:${LAZY_PARSERS.map((p) => p.replace(/[-/]/g, '\\$&')).join('|')})$`);
      build.onResolve({ filter }, (a) => ({ path: a.path, namespace: 'lazy-parser' }));
      build.onLoad({ filter: /.*/, namespace: 'lazy-parser' }, (a) => ({
        loader: 'js',
        contents: [
          'let real;',
          a.path === 'yaml' ? "const load = () => (real ??= require('./cliYaml.js'));" : `const load = () => (real ??= require('./cliParsers.js').parsers[${JSON.stringify(a.path)}]);`,
          "Object.defineProperty(exports, '__esModule', { value: true });",
          `for (const key of ${JSON.stringify(exportsOf[a.path])}) Object.defineProperty(exports, key, { enumerable: true, get: () => load()[key] });`,
        ].join('\n'),
      }));
      build.onEnd(async (result) => {
        if (!emit || result.errors.length > 0) return;
        await Promise.all([
          esbuild.build({ ...common, stdin: { contents: entry, resolveDir: process.cwd(), loader: 'js' }, outfile: 'dist/cliParsers.js', external: [] }),
          esbuild.build({ ...common, stdin: { contents: "module.exports = require('yaml');\n", resolveDir: process.cwd(), loader: 'js' }, outfile: 'dist/cliYaml.js', external: [] }),
        ]);
      });
    },
  };
}

if (args.has('--tests')) {
  // Unit tests: transpile one file per module (no bundle) so mocha can load each suite;
  // ESM-only dependencies load through Node's require(esm).
  builds.push({
    entryPoints: [...tsFiles('src'), ...tsFiles('test/unit')],
    outdir: 'out',
    outbase: '.',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  // Integration suites run inside VS Code's extension host: one bundle, vscode and mocha external.
  if (existsSync('test/integration/index.ts')) {
    builds.push({
      ...common,
      sourcemap: 'inline',
      entryPoints: ['test/integration/index.ts'],
      outfile: 'out/test/integration/index.js',
      external: ['vscode', 'mocha'],
    });
  }
} else if (args.has('--bench')) {
  builds.push({
    ...common,
    entryPoints: tsFiles('bench'),
    outdir: 'out/bench',
    external: [],
  });
} else {
  builds.push({
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    external: ['vscode'],
  });
  // The first scan's worker thread (src/core/workspace/offThreadScan.ts starts it); the parsers load from
  // dist/cliParsers.js (the CLI's build below writes it) only when a file needs a full parse.
  builds.push({
    ...common,
    entryPoints: { firstScanWorker: 'src/core/workspace/firstScanWorker.ts' },
    outdir: 'dist',
    external: ['./cliParsers.js', './cliYaml.js'],
    plugins: [await lazyParsers({ emit: false })],
  });
  if (existsSync('src/server/server.ts')) {
    builds.push({ ...common, entryPoints: { server: 'src/server/server.ts' }, outdir: 'dist', external: [] });
  }
  // The feature dashboard's webview: a browser bundle (Preact, the app, its CSS) in dist/webview.
  builds.push({
    entryPoints: { dashboard: 'src/webview/dashboard/main.tsx' },
    outdir: 'dist/webview',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: production,
    sourcemap: production ? false : 'inline',
    legalComments: 'none',
    logLevel: 'warning',
  });
  builds.push({
    ...common,
    entryPoints: { cli: 'src/cli.ts' },
    outdir: 'dist',
    external: ['./cliParsers.js', './cliYaml.js'],
    plugins: [await lazyParsers()],
    banner: { js: '#!/usr/bin/env node' },
    // This bundle is the command (other bundles import runCli without running it); --version from package.json.
    define: { __CLI_MAIN__: 'true', __VERSION__: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
  });
}

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[esbuild] watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
