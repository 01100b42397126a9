// Runs the same integration suites in a desktop VS Code (Electron) through @vscode/test-cli +
// @vscode/test-electron (dev dependencies), on machines with network access (they download VS Code
// into .vscode-test/): `npm run test:desktop [-- --label nixos-flake]` (test/harness/desktop.mjs
// checks the network first, builds, then runs `vscode-test`).
// The offline harness (npm test → test/harness/run.mjs) is the one CI uses.
//
// Each sample workspace is copied to a fresh git-initialised temp folder first: the suites create,
// rename and delete files, and the fixtures must stay untouched. test-cli loads the bundled suites
// as a mocha spec file (index.ts then defines the suites for the current workspace at load).
// Desktop VS Code accepts several development paths, so the fake model is loaded as one.
import { defineConfig } from '@vscode/test-cli';
import { FAKE_LM, REPO_ROOT, copyWorkspace } from './test/harness/lib.mjs';

const WORKSPACES = ['nixos-flake', 'multi-root', 'monorepo', 'empty'];

export default defineConfig(
  WORKSPACES.map((name) => {
    const copy = copyWorkspace(name, { prefix: 'speckit-electron-' });
    return {
      label: name,
      files: 'out/test/integration/index.js',
      workspaceFolder: copy.workspaceFile ?? copy.folder,
      extensionDevelopmentPath: [REPO_ROOT, FAKE_LM],
      env: { SPECKIT_TEST_WORKSPACE: name },
      launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
      mocha: { ui: 'tdd', timeout: 30_000, color: true },
    };
  }),
);
