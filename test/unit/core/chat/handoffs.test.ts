import * as assert from 'node:assert/strict';
import { artifactsOf, followupsFor, type HandoffSource } from '../../../../src/core/chat/handoffs';
import { parsePlan } from '../../../../src/core/artifacts/plan';
import { parseSpec } from '../../../../src/core/artifacts/spec';
import { parseTasks } from '../../../../src/core/artifacts/tasks';
import { type ArtifactFacts, featureStatus, type FeatureStatus } from '../../../../src/core/status/featureStatus';
import { type IndexedFeature } from '../../../../src/core/workspace/workspaceIndex';
import { CHAT_ASK, type ChatCommand, ChatSlashCommands } from '../../../../src/ids';

const T = 1_700_000_000_000;
const spec = (markers = 0, sessions = 0): NonNullable<ArtifactFacts['spec']> => ({ mtime: T, markers, placeholders: 0, clarificationSessions: sessions });
const plan = { mtime: T, markers: 0, placeholders: 0 };
const status = (facts: Partial<ArtifactFacts>): FeatureStatus => featureStatus({ checklists: [], ...facts });

const NO_SPEC = status({});
const DRAFT = status({ spec: spec(2) });
const SPECIFIED = status({ spec: spec() });
const CLARIFIED = status({ spec: spec(0, 1) });
const PLANNED = status({ spec: spec(), plan });
const PLAN_ONLY = status({ plan });
const TASKS_READY = status({ spec: spec(), plan, tasks: { mtime: T, done: 0, total: 5 } });
const IMPLEMENTING = status({ spec: spec(), plan, tasks: { mtime: T, done: 2, total: 5 } });
const DONE = status({ spec: spec(), plan, tasks: { mtime: T, done: 5, total: 5 } });
const EMPTY_TASKS = status({ spec: spec(), plan, tasks: { mtime: T, done: 0, total: 0 } });

const commands = (after: HandoffSource, s: FeatureStatus | undefined): string[] => followupsFor(after, s).map((f) => f.command);

describe('handoffs', () => {
  it('after constitution offers a spec', () => {
    assert.deepEqual(commands('constitution', undefined), ['specify']);
    assert.deepEqual(commands('constitution', PLANNED), ['specify']);
  });

  it('after specify offers clarify first when the spec has open questions, then plan', () => {
    assert.deepEqual(commands('specify', DRAFT), ['clarify', 'plan']);
    assert.deepEqual(commands('specify', SPECIFIED), ['plan', 'clarify']);
  });

  it('after a failed specify (no spec) offers nothing', () => {
    assert.deepEqual(commands('specify', undefined), []);
    assert.deepEqual(commands('specify', NO_SPEC), []);
  });

  it('after clarify offers plan, and clarify again while questions remain', () => {
    assert.deepEqual(commands('clarify', CLARIFIED), ['plan']);
    const again = followupsFor('clarify', DRAFT);
    assert.deepEqual(again.map((f) => f.command), ['clarify', 'plan']);
    assert.equal(again[0]!.label, 'Continue Clarifying');
  });

  it('after plan offers tasks and checklist only when a plan exists', () => {
    assert.deepEqual(commands('plan', PLANNED), ['tasks', 'checklist']);
    assert.deepEqual(commands('plan', SPECIFIED), []);
    // A plan without a spec cannot be broken into tasks.
    assert.deepEqual(commands('plan', PLAN_ONLY), []);
  });

  it('after tasks offers analyze and implement only when there are tasks', () => {
    assert.deepEqual(commands('tasks', TASKS_READY), ['analyze', 'implement']);
    assert.deepEqual(commands('tasks', EMPTY_TASKS), []);
    assert.deepEqual(commands('tasks', PLANNED), []);
  });

  it('after status or ask offers the next step of the feature', () => {
    assert.deepEqual(commands('status', undefined), ['specify']);
    assert.deepEqual(commands('status', NO_SPEC), ['specify']);
    assert.deepEqual(commands('ask', DRAFT), ['clarify']);
    assert.deepEqual(commands('status', SPECIFIED), ['plan']);
    assert.deepEqual(commands('status', PLANNED), ['tasks']);
    assert.deepEqual(commands('status', PLAN_ONLY), ['specify']);
    assert.deepEqual(commands('status', IMPLEMENTING), ['implement']);
    assert.deepEqual(commands('ask', DONE), ['converge']);
  });

  it('after the commands that end on their own report, gate or loop offers nothing', () => {
    for (const after of ['checklist', 'analyze', 'implement', 'converge', 'taskstoissues'] as const) {
      for (const s of [undefined, DRAFT, PLANNED, TASKS_READY, IMPLEMENTING, DONE]) assert.deepEqual(commands(after, s), [], `${after} after ${s?.phase ?? 'no feature'}`);
    }
  });

  it('every follow-up names one of the slash commands of ids.ts', () => {
    const sources = [...(Object.keys(ChatSlashCommands) as ChatCommand[]), CHAT_ASK] as const;
    for (const after of sources) {
      for (const s of [undefined, NO_SPEC, DRAFT, SPECIFIED, PLANNED, TASKS_READY, IMPLEMENTING, DONE]) {
        for (const f of followupsFor(after, s)) assert.ok(Object.hasOwn(ChatSlashCommands, f.command), `${after}: ${f.command}`);
      }
    }
  });

  it('uses the artifacts given over what the phase implies', () => {
    assert.deepEqual(followupsFor('tasks', TASKS_READY, { spec: true, plan: false, tasks: true }).map((f) => f.command), ['implement']);
    assert.deepEqual(followupsFor('plan', PLANNED, { spec: true, plan: false, tasks: false }), []);
  });

  it('labels and prompts are short texts, commands have no prefix', () => {
    const all = (['constitution', 'specify', 'clarify', 'plan', 'tasks', 'status', 'ask'] as const).flatMap((a) =>
      [undefined, NO_SPEC, DRAFT, SPECIFIED, CLARIFIED, PLANNED, TASKS_READY, IMPLEMENTING, DONE].flatMap((s) => followupsFor(a, s)),
    );
    assert.ok(all.length > 10);
    for (const f of all) {
      assert.ok(f.label.length > 0 && f.label.length < 40, f.label);
      assert.ok(!f.command.startsWith('speckit.'));
      assert.match(f.command, /^[a-z]+$/);
      assert.ok(f.prompt.length < 100);
      assert.ok(!f.prompt.includes('…') && !f.prompt.endsWith('...'), 'prompts are sent as they are: no trailing ellipsis');
    }
    assert.equal(followupsFor('specify', SPECIFIED)[0]!.prompt, 'Create a plan for the spec.');
  });

  it('returns fresh objects each time', () => {
    const a = followupsFor('plan', PLANNED);
    a[0]!.label = 'changed';
    assert.equal(followupsFor('plan', PLANNED)[0]!.label, 'Create Tasks');
  });

  it('artifactsOf reads presence from the parsed files', () => {
    const base = { feature: {}, projectRoot: '/p', status: PLANNED, checklists: [] } as unknown as IndexedFeature;
    assert.deepEqual(artifactsOf({ ...base, spec: undefined, plan: undefined, tasks: undefined }), { spec: false, plan: false, tasks: false });
    assert.deepEqual(
      artifactsOf({ ...base, spec: parseSpec('# S\n'), plan: parsePlan('# P\n'), tasks: parseTasks('# Tasks\n\n## Phase 1: Setup\n\n- [ ] T001 Do x\n') }),
      { spec: true, plan: true, tasks: true },
    );
    assert.equal(artifactsOf({ ...base, spec: undefined, plan: undefined, tasks: parseTasks('# Tasks\n') }).tasks, false);
  });
});
