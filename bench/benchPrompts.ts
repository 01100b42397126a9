/**
 * npm run bench:prompts — for the sample feature (test/fixtures/workspaces/nixos-flake, feature
 * 001-postgresql-database), the tokens each @speckit command sends to the model (o200k_base, the
 * tokenizer of current GPT models) and the time spent assembling its context. Not a test.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getEncoding } from 'js-tiktoken';
import { COMMAND_CONTEXT, type ContextArtifact } from '../src/core/chat/commandContext';
import { assemblePrompt, parsePromptTemplate } from '../src/core/chat/promptAssembly';

const ROOT = join(__dirname, '..', '..');
const WORKSPACE = join(ROOT, 'test', 'fixtures', 'workspaces', 'nixos-flake');
const FEATURE = join(WORKSPACE, 'specs', '001-postgresql-database');
const RUNS = 25;

const ARTIFACT_FILES: Record<ContextArtifact, string[]> = {
  constitution: [join(WORKSPACE, '.specify', 'memory', 'constitution.md')],
  spec: [join(FEATURE, 'spec.md')],
  plan: [join(FEATURE, 'plan.md')],
  research: [join(FEATURE, 'research.md')],
  dataModel: [join(FEATURE, 'data-model.md')],
  quickstart: [join(FEATURE, 'quickstart.md')],
  contracts: [],
  tasks: [join(FEATURE, 'tasks.md')],
  checklists: [join(FEATURE, 'checklists', 'requirements.md')],
};

function read(p: string): string | undefined {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

function tree(dir: string, prefix = '', depth = 3): string[] {
  if (depth === 0) return [];
  return readdirSync(dir)
    .filter((n) => !n.startsWith('.') && n !== 'specs')
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      const isDir = statSync(p).isDirectory();
      return [`${prefix}${n}${isDir ? '/' : ''}`, ...(isDir ? tree(p, `${prefix}  `, depth - 1) : [])];
    });
}

/** The command's prompt, assembled as the chat handler does (same template, context and order). */
function assemble(command: string): { messages: Array<{ role: string; text: string }>; items: number } {
  const template = parsePromptTemplate(command, readFileSync(join(ROOT, 'prompts', `${command}.md`), 'utf8'));
  const context: Array<{ label: string; path?: string; text: string }> = [];
  for (const artifact of COMMAND_CONTEXT[command] ?? []) {
    for (const file of ARTIFACT_FILES[artifact]) {
      const text = read(file);
      if (text) context.push({ label: artifact, path: file.slice(WORKSPACE.length + 1), text });
    }
  }
  if (command === 'specify') context.push({ label: 'Spec template', text: readFileSync(join(ROOT, 'prompts', 'templates', 'spec-template.md'), 'utf8') });
  if (command === 'plan') {
    context.push({ label: 'Plan template', text: readFileSync(join(ROOT, 'prompts', 'templates', 'plan-template.md'), 'utf8') });
    context.push({ label: 'Repository layout', text: tree(WORKSPACE).join('\n') });
  }
  if (command === 'constitution') context.push({ label: 'Current constitution', text: readFileSync(ARTIFACT_FILES.constitution[0]!, 'utf8') });
  const input = command === 'specify' ? 'Add PostgreSQL 15 with automatic daily encrypted backups, SSL and monitoring' : 'Use NixOS modules';
  const vars: Record<string, string> = { specPath: 'specs/001-postgresql-database/spec.md', tasksPath: 'specs/001-postgresql-database/tasks.md', userInput: input, featureTitle: 'PostgreSQL', branch: '002-postgresql', today: '2026-11-26', maxQuestions: '5', answeredCount: '0', focus: '', answers: '1. Q: Retention? → A: 7 days', feature: '001-postgresql-database', constitutionPath: '.specify/memory/constitution.md', work: '001-postgresql-database' };
  const { messages } = assemblePrompt({ template, vars, context, userInput: input, maxContextChars: 120_000 });
  return { messages, items: context.length };
}

function main(): void {
  const enc = getEncoding('o200k_base');
  const commands = ['constitution-review', 'constitution', 'specify', 'clarify', 'clarify-apply', 'plan', 'tasks', 'ask'];
  const rows = commands.map((command) => {
    const times: number[] = [];
    let last = assemble(command);
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      last = assemble(command);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const text = last.messages.map((m) => m.text).join('\n');
    return { command, items: last.items, chars: text.length, tokens: enc.encode(text).length, ms: times[Math.floor(times.length / 2)]! };
  });
  process.stdout.write(`Prompt size per command for ${FEATURE.slice(ROOT.length + 1)} (tokens: o200k_base; assembly: median of ${RUNS}, reading files included)\n\n`);
  process.stdout.write(`${'command'.padEnd(20)} ${'context'.padStart(7)} ${'chars'.padStart(8)} ${'tokens'.padStart(7)} ${'assembly'.padStart(10)}\n`);
  for (const r of rows) process.stdout.write(`${r.command.padEnd(20)} ${String(r.items).padStart(7)} ${String(r.chars).padStart(8)} ${String(r.tokens).padStart(7)} ${`${r.ms.toFixed(2)} ms`.padStart(10)}\n`);
  const total = rows.reduce((n, r) => n + r.tokens, 0);
  process.stdout.write(`\nall commands: ${total} tokens; largest: ${rows.reduce((a, b) => (a.tokens > b.tokens ? a : b)).command}\n`);
}

main();
