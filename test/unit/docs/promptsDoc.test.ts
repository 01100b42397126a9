// docs/PROMPTS.md maps spec-kit's guidance to where we handle it; this keeps every reference true.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', '..');
const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

interface Row {
  command: string;
  guidance: string;
  refs: string[];
}

function rows(): Row[] {
  const text = readFileSync(join(ROOT, 'docs', 'PROMPTS.md'), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| Command |'))
    .map((l) => {
      // Cells are split on " | " so that a `|` inside a quoted prompt line (none today) would show up as a broken row.
      const cells = l.slice(2, -2).split(' | ');
      assert.equal(cells.length, 3, `a row has three cells: ${l}`);
      return { command: cells[0]!.trim(), guidance: cells[1]!.trim(), refs: cells[2]!.split(' · ').map((r) => r.trim()) };
    });
}

describe('docs/PROMPTS.md', () => {
  const all = rows();

  it('covers every command spec-kit has a prompt for', () => {
    for (const c of ['constitution', 'specify', 'clarify', 'plan', 'tasks', 'analyze', 'checklist', 'implement', 'converge']) {
      assert.ok(all.filter((r) => r.command === c).length >= 3, `${c} has rows`);
    }
  });

  for (const row of all) {
    it(`${row.command}: ${row.guidance}`, () => {
      for (const ref of row.refs) {
        const code = /^code: (\S+)#(\w+)$/.exec(ref);
        const prompt = /^prompt: (\S+) "(.+)"$/.exec(ref);
        if (code) {
          const file = join(ROOT, code[1]!);
          assert.ok(existsSync(file), `${code[1]} exists`);
          const source = readFileSync(file, 'utf8');
          assert.match(source, new RegExp(`^export (?:async )?(?:function|const|class|interface|type) ${code[2]}\\b`, 'm'), `${code[2]} is exported from ${code[1]}`);
        } else if (prompt) {
          const file = join(ROOT, prompt[1]!);
          assert.ok(existsSync(file), `${prompt[1]} exists`);
          assert.ok(squash(readFileSync(file, 'utf8')).includes(squash(prompt[2]!)), `"${prompt[2]}" is in ${prompt[1]}`);
        } else {
          assert.match(ref, /^n\/a: \S.{10,}$/, `a reference is code:, prompt: or n/a: with a reason — ${ref}`);
        }
      }
    });
  }
});
