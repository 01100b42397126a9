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
  // The first scan's worker thread (src/core/workspace/offThreadScan.ts starts it).
  builds.push({ ...common, entryPoints: { firstScanWorker: 'src/core/workspace/firstScanWorker.ts' }, outdir: 'dist', external: [] });
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
    external: [],
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
