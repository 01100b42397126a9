/**
 * npm run bench:prompts — for the sample feature (test/fixtures/workspaces/nixos-flake, feature
 * 001-postgresql-database), the tokens each @speckit command sends to the model (o200k_base, the
 * tokenizer of current GPT models) beside spec-kit 1.0.1's prompt for the same command, and the time
 * spent assembling its context. Not a test.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getEncoding } from 'js-tiktoken';
import { COMMAND_CONTEXT, type ContextArtifact } from '../src/core/chat/commandContext';
import { parseTasks } from '../src/core/artifacts/tasks';
import { assemblePrompt, parsePromptTemplate } from '../src/core/chat/promptAssembly';
import { contextSummary, type DesignDoc, markdownSection, pickRepositoryFiles, renderFileForPrompt, selectDesignDocs } from '../src/core/chat/promptContext';
import { median } from './median';

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

/** spec-kit 1.0.1's fixed instructions per command (command file + the template it loads), o200k_base; /work/shared/reference/speckit.md. */
const SPECKIT_FIXED: Record<string, number> = { constitution: 2626, specify: 5071, clarify: 4087, plan: 2688, tasks: 4798, analyze: 2481, checklist: 5317, implement: 3140, converge: 2943 };

/** Which spec-kit command each of our prompts stands beside (follow-up passes count with their command). */
const SPECKIT_COMMAND: Record<string, string> = {
  'constitution-review': 'constitution',
  constitution: 'constitution',
  specify: 'specify',
  'specify-revise': 'specify',
  clarify: 'clarify',
  'clarify-apply': 'clarify',
  plan: 'plan',
  tasks: 'tasks',
  analyze: 'analyze',
  checklist: 'checklist',
  'checklist-rewrite': 'checklist',
  implement: 'implement',
  converge: 'converge',
  ask: '',
};

interface Item {
  label: string;
  path?: string;
  text: string;
  lineNumbers?: boolean;
}

const TASKS_TEXT = readFileSync(join(FEATURE, 'tasks.md'), 'utf8');
const TASKS = parseTasks(TASKS_TEXT);

function artifacts(list: readonly ContextArtifact[]): Item[] {
  const out: Item[] = [];
  for (const artifact of list) {
    for (const file of ARTIFACT_FILES[artifact]) {
      const text = read(file);
      if (text) out.push({ label: artifact, path: file.slice(WORKSPACE.length + 1), text });
    }
  }
  return out;
}

/** Files tasks name, as implement and converge attach them: whole or visibly cut within a budget. */
function named(paths: readonly string[], budget: number, canRead: boolean): Item[] {
  const out: Item[] = [];
  for (const p of new Set(paths)) {
    const full = join(WORKSPACE, p);
    if (p.endsWith('/') || !existsSync(full) || !statSync(full).isFile() || budget < 200) continue;
    const r = renderFileForPrompt(readFileSync(full, 'utf8'), { maxChars: budget, canRead });
    out.push({ label: `File ${p}`, path: p, text: r.text });
    budget -= r.text.length;
  }
  return out;
}

function designDocs(): DesignDoc[] {
  const docs: DesignDoc[] = [];
  const add = (kind: DesignDoc['kind'], file: string): void => {
    const text = read(file);
    if (text) docs.push({ kind, path: file.slice(WORKSPACE.length + 1), text });
  };
  add('spec', join(FEATURE, 'spec.md'));
  add('dataModel', join(FEATURE, 'data-model.md'));
  add('research', join(FEATURE, 'research.md'));
  add('quickstart', join(FEATURE, 'quickstart.md'));
  return docs;
}

/**
 * One prompt as the chat handler assembles it: `fixed` are the instructions and templates (what
 * spec-kit's figures count), `context` the feature's artifacts and code.
 */
function assemble(command: string, taskIndex = 0): { fixed: string; all: string; items: number } {
  const template = parsePromptTemplate(command, readFileSync(join(ROOT, 'prompts', `${command}.md`), 'utf8'));
  const fixedItems: Item[] = [];
  let context: Item[] = artifacts(COMMAND_CONTEXT[command] ?? []);
  const input = command === 'specify' ? 'Add PostgreSQL 15 with automatic daily encrypted backups, SSL and monitoring' : 'Use NixOS modules';
  const vars: Record<string, string> = { specPath: 'specs/001-postgresql-database/spec.md', tasksPath: 'specs/001-postgresql-database/tasks.md', userInput: input, featureTitle: 'PostgreSQL', branch: '002-postgresql', today: '2026-11-26', maxQuestions: '5', answeredCount: '0', focus: '', answers: '1. Q: Retention? → A: 7 days', feature: '001-postgresql-database', constitutionPath: '.specify/memory/constitution.md', work: '001-postgresql-database', domain: 'security', codeFindings: '(none)' };
  if (command === 'specify') fixedItems.push({ label: 'Spec template', text: readFileSync(join(ROOT, 'prompts', 'templates', 'spec-template.md'), 'utf8') });
  if (command === 'plan') {
    fixedItems.push({ label: 'Plan template', text: readFileSync(join(ROOT, 'prompts', 'templates', 'plan-template.md'), 'utf8') });
    context.push({ label: 'Repository layout', text: tree(WORKSPACE).join('\n') });
  }
  if (command === 'tasks') {
    const guidance = markdownSection(readFileSync(join(ROOT, 'prompts', 'templates', 'tasks-template.md'), 'utf8'), /^Dependencies\b/i);
    if (guidance) fixedItems.push({ label: 'Tasks template: dependencies and execution order', text: guidance });
  }
  if (command === 'constitution') {
    context = [{ label: 'Current constitution', text: readFileSync(ARTIFACT_FILES.constitution[0]!, 'utf8') }];
    const listing = readdirSync(WORKSPACE).filter((n) => statSync(join(WORKSPACE, n)).isFile());
    let budget = 16_000;
    for (const rel of pickRepositoryFiles(listing)) {
      const r = renderFileForPrompt(readFileSync(join(WORKSPACE, rel), 'utf8'), { maxChars: Math.min(budget, 6_000) });
      context.push({ label: `Repository file ${rel}`, path: rel, text: r.text });
      budget -= r.text.length;
    }
  }
  if (command === 'specify-revise') {
    context = artifacts(['spec']);
    vars.failures = '- Success criteria are technology-agnostic (no implementation details): SC-001 measures the system, not the user (API, latency, database…)';
  }
  if (command === 'checklist-rewrite') {
    context = [];
    vars.items = '- (Requirement Clarity) Verify the backup works properly — "works properly" is a test of the product';
  }
  if (command === 'analyze') context = artifacts(['constitution', 'spec', 'plan', 'tasks']).map((c) => ({ ...c, lineNumbers: true }));
  if (command === 'checklist') context = artifacts(['spec', 'plan']);
  if (command === 'converge') {
    const intent = artifacts(['constitution', 'spec', 'plan', 'tasks']);
    const code = named(TASKS.tasks.flatMap((t) => t.paths), 60_000, false);
    context = [...intent, ...code];
    vars.context = contextSummary(context.map((c) => c.path ?? c.label), [], [], false);
  }
  if (command === 'implement') {
    const task = TASKS.tasks[taskIndex]!;
    const taskLine = TASKS_TEXT.split(/\r?\n/).find((l) => new RegExp(`\\b${task.id}\\b`).test(l))?.trim() ?? task.id;
    const design = selectDesignDocs(taskLine, designDocs(), 40_000, 16_000);
    context = [...artifacts(['constitution', 'plan']), ...design.sent.map((d) => ({ label: d.kind, path: d.path, text: d.rendered.text })), ...named(task.paths, 40_000, true)];
    vars.taskLine = taskLine;
    vars.phase = 'its phase';
    vars.context = contextSummary(context.map((c) => c.path ?? c.label), [], design.notSent.map((d) => d.path), true);
  }
  const fixed = assemblePrompt({ template, vars, context: fixedItems, userInput: input });
  const all = assemblePrompt({ template, vars, context: [...fixedItems, ...context], userInput: input, maxContextChars: 120_000 });
  return { fixed: fixed.messages.map((m) => m.text).join('\n'), all: all.messages.map((m) => m.text).join('\n'), items: fixedItems.length + context.length };
}

function main(): void {
  const enc = getEncoding('o200k_base');
  const commands = ['constitution-review', 'constitution', 'specify', 'specify-revise', 'clarify', 'clarify-apply', 'plan', 'tasks', 'analyze', 'checklist', 'checklist-rewrite', 'implement', 'converge', 'ask'];
  const rows = commands.map((command) => {
    const runs = command === 'implement' ? TASKS.tasks.map((_, i) => assemble(command, i)) : [assemble(command)];
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      assemble(command);
      times.push(performance.now() - t);
    }
    const fixed = runs.map((r) => enc.encode(r.fixed).length);
    const all = runs.map((r) => enc.encode(r.all).length);
    return { command, items: runs[0]!.items, fixed: median(fixed), tokens: median(all), max: Math.max(...all), perTask: runs.length > 1 ? runs.length : 0, ms: median(times) };
  });
  process.stdout.write(`Prompt size per command for ${FEATURE.slice(ROOT.length + 1)} (tokens: o200k_base; assembly: median of ${RUNS}, reading files included)\n`);
  process.stdout.write('fixed = instructions + the templates sent (what spec-kit 1.0.1\'s figures count); with context = the whole prompt with the feature\'s artifacts and code.\n\n');
  process.stdout.write(`${'command'.padEnd(20)} ${'context'.padStart(7)} ${'fixed'.padStart(7)} ${'spec-kit'.padStart(9)} ${'ratio'.padStart(6)} ${'with context'.padStart(13)} ${'assembly'.padStart(10)}\n`);
  for (const r of rows) {
    const sk = SPECKIT_COMMAND[r.command] ? SPECKIT_FIXED[SPECKIT_COMMAND[r.command]!] : undefined;
    const ratio = sk ? `${Math.round((r.fixed / sk) * 100)}%` : '–';
    const withContext = r.perTask ? `${r.tokens} (max ${r.max}, ${r.perTask} tasks)` : String(r.tokens);
    process.stdout.write(`${r.command.padEnd(20)} ${String(r.items).padStart(7)} ${String(r.fixed).padStart(7)} ${(sk ? String(sk) : '–').padStart(9)} ${ratio.padStart(6)} ${withContext.padStart(13)} ${`${r.ms.toFixed(2)} ms`.padStart(10)}\n`);
  }
  // Per spec-kit command: our fixed tokens for the command and its follow-up pass, against half of spec-kit's.
  process.stdout.write('\nper spec-kit command (ours: the largest of its prompts; budget: half of spec-kit\'s):\n');
  for (const [name, sk] of Object.entries(SPECKIT_FIXED)) {
    const ours = Math.max(...rows.filter((r) => SPECKIT_COMMAND[r.command] === name).map((r) => r.fixed));
    process.stdout.write(`  ${name.padEnd(13)} ${String(ours).padStart(5)} / ${sk} = ${String(Math.round((ours / sk) * 100)).padStart(3)}%  ${ours * 2 < sk ? 'under half' : 'OVER HALF'}\n`);
  }
  const total = rows.reduce((n, r) => n + r.tokens, 0);
  process.stdout.write(`\nall commands: ${total} tokens with context; largest: ${rows.reduce((a, b) => (a.tokens > b.tokens ? a : b)).command}\n`);
}

main();
