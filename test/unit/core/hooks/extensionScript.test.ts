import * as assert from 'node:assert/strict';
import { boundOutput, MAX_SCRIPT_ARGS, planScript, shellQuote } from '../../../../src/core/hooks/extensionScript';

const COMMAND = '---\nscripts:\n  sh: scripts/bash/list-technologies.sh\n---\nRun `scripts/bash/list-technologies.sh --json`. Also `.specify/extensions/agent-context/scripts/python/sync.py`.\n';

describe('hooks/extensionScript: what run_script may run', () => {
  it('plans a script the command file names, in the extension\'s scripts folder, with the exact command line', () => {
    const r = planScript('agent-context', COMMAND, 'scripts/bash/list-technologies.sh', ['--json', "it's"]);
    assert.deepEqual(r, {
      ok: true,
      relPath: '.specify/extensions/agent-context/scripts/bash/list-technologies.sh',
      interpreter: 'bash',
      args: ['--json', "it's"],
      commandLine: `bash .specify/extensions/agent-context/scripts/bash/list-technologies.sh --json 'it'\\''s'`,
    });
    const full = planScript('agent-context', COMMAND, './.specify/extensions/agent-context/scripts/python/sync.py', undefined);
    assert.ok(full.ok && full.interpreter === 'python3' && full.commandLine === 'python3 .specify/extensions/agent-context/scripts/python/sync.py');
  });

  it('refuses paths outside the extension\'s scripts, unnamed scripts, unknown kinds and bad arguments', () => {
    const refused: Array<[string, unknown, unknown, RegExp]> = [
      ['agent-context', '../git/scripts/bash/x.sh', [], /not a relative path/],
      ['agent-context', '/bin/sh', [], /not a relative path/],
      ['agent-context', 'C:/x.sh', [], /not a relative path/],
      ['agent-context', '.specify/extensions/git/scripts/bash/auto-commit.sh', [], /not a script of the agent-context extension/],
      ['agent-context', 'commands/speckit.agent-context.update.md', [], /not a script of the agent-context extension/],
      ['agent-context', 'scripts/bash/other.sh', [], /does not name scripts\/bash\/other\.sh/],
      ['agent-context', 'scripts/bash/list-technologies.exe', [], /only \.sh, \.bash, \.py and \.ps1/],
      ['agent-context', 42, [], /must name a script/],
      ['agent-context', 'scripts/bash/list-technologies.sh', 'oops', /list of strings/],
      ['agent-context', 'scripts/bash/list-technologies.sh', [1], /list of strings/],
      ['agent-context', 'scripts/bash/list-technologies.sh', ['a\nrm -rf /'], /line break/],
      ['agent-context', 'scripts/bash/list-technologies.sh', Array(MAX_SCRIPT_ARGS + 1).fill('x'), /at most 16 arguments/],
      ['../evil', 'scripts/bash/list-technologies.sh', [], /not an extension id/],
    ];
    for (const [ext, script, args, reason] of refused) {
      const r = planScript(ext, COMMAND, script, args);
      assert.equal(r.ok, false, JSON.stringify(script));
      if (!r.ok) assert.match(r.reason, reason, JSON.stringify(script));
    }
  });

  it('a path that normalises out of scripts/ is refused', () => {
    const r = planScript('agent-context', `${COMMAND} scripts/./bash/list-technologies.sh`, 'scripts/./bash/list-technologies.sh', []);
    assert.ok(r.ok && r.relPath === '.specify/extensions/agent-context/scripts/bash/list-technologies.sh');
    assert.equal(planScript('agent-context', COMMAND, 'scripts/../commands/x.sh', []).ok, false);
  });

  it('quotes for the shell only where needed', () => {
    assert.deepEqual(['--json', 'a b', '', '$(id)', 'x;y'].map(shellQuote), ['--json', "'a b'", "''", "'$(id)'", "'x;y'"]);
  });

  it('bounds the output, keeping its head and tail', () => {
    assert.equal(boundOutput('short', 100), 'short');
    const long = `HEAD${'x'.repeat(1000)}TAIL`;
    const b = boundOutput(long, 90);
    assert.ok(b.startsWith('HEAD') && b.endsWith('TAIL'), b);
    assert.match(b, /\[… 918 characters left out …\]/);
  });
});
