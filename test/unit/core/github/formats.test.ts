// The pure parts of the GitHub issues feature: the issue-URL format on task lines (and the parser
// reading it), remotes, rate limits, issue drafts and the sync plan.
import assert from 'node:assert/strict';
import { applyEdits } from '../../../../src/core/artifacts/taskEdits';
import { parseSpec } from '../../../../src/core/artifacts/spec';
import { parseTasks } from '../../../../src/core/artifacts/tasks';
import { issueAtLineEnd, issueUrl, parseIssueUrl } from '../../../../src/core/github/issueLink';
import { setIssueLinkEdit } from '../../../../src/core/github/issueLinkEdits';
import { issueDraft, labelsFor, readTaskMarker, taskMarker } from '../../../../src/core/github/issueDraft';
import { describeReset, rateLimitDecision, rateLimitOf } from '../../../../src/core/github/rateLimit';
import { githubTarget, parseRemoteUrl } from '../../../../src/core/github/remote';
import { describePlan, needsHistory, planSync } from '../../../../src/core/github/syncPlan';

const TASKS = `# Tasks: Backups

## Phase 1: Setup

- [ ] T001 Create modules/backup/default.nix https://github.com/acme/infra/issues/7
- [X] T002 [P] Add the options in modules/backup/options.nix

## Phase 3: User Story 1 - Daily backups (Priority: P1) 🎯 MVP

- [ ] T010 [P] [US1] Write the timer per FR-001 in modules/backup/timer.nix (depends on T001)   
- [ ] T011 [US1] Mention https://github.com/acme/infra/issues/9 in the middle, not at the end
`;

describe('GitHub issue links on task lines', () => {
  it('reads an issue URL at the end of a line, and nothing else', () => {
    const found = issueAtLineEnd('- [ ] T001 Do it https://github.com/acme/infra/issues/7  ');
    assert.equal(found?.url, 'https://github.com/acme/infra/issues/7');
    assert.equal(found?.number, 7);
    assert.equal(found?.owner, 'acme');
    assert.equal(found?.webBase, 'https://github.com');
    assert.equal(issueAtLineEnd('- [ ] T001 see https://github.com/acme/infra/issues/7 later'), undefined);
    assert.equal(issueAtLineEnd('- [ ] T001 https://github.com/acme/infra/pull/7'), undefined);
    assert.equal(issueAtLineEnd('- [ ] T001 xhttps://github.com/acme/infra/issues/7'), undefined);
    // Enterprise Server under a path prefix.
    const ghes = parseIssueUrl('https://ghe.example.com/git/acme/infra/issues/12');
    assert.deepEqual(ghes && { base: ghes.webBase, owner: ghes.owner, repo: ghes.repo, n: ghes.number }, { base: 'https://ghe.example.com/git', owner: 'acme', repo: 'infra', n: 12 });
    assert.equal(issueUrl('https://github.com/', 'acme', 'infra', 3), 'https://github.com/acme/infra/issues/3');
  });

  it('the tasks parser links the task and keeps the URL out of its description', () => {
    const doc = parseTasks(TASKS);
    const t1 = doc.tasks.find((t) => t.id === 'T001')!;
    assert.equal(t1.description, 'Create modules/backup/default.nix');
    assert.equal(t1.issue?.number, 7);
    assert.deepEqual(t1.issueRange, { start: { line: 4, character: 45 }, end: { line: 4, character: 83 } });
    assert.deepEqual(t1.paths, ['modules/backup/default.nix']);
    assert.equal(doc.tasks.find((t) => t.id === 'T002')!.issue, undefined);
    const t11 = doc.tasks.find((t) => t.id === 'T011')!;
    assert.equal(t11.issue, undefined, 'a URL in the middle of the line is text');
    assert.match(t11.description, /issues\/9 in the middle/);
  });

  it('reads links in CRLF files and on the seed dialect\'s task headings', () => {
    const crlf = parseTasks(TASKS.replace(/\n/g, '\r\n'));
    assert.equal(crlf.tasks[0]!.issue?.url, 'https://github.com/acme/infra/issues/7');
    assert.equal(crlf.tasks[0]!.description, 'Create modules/backup/default.nix');
    const seed = parseTasks('# Plan\n\n### Task 1: Set up the flake https://github.com/acme/infra/issues/4\n\n**Acceptance**:\n- [ ] builds\n');
    assert.equal(seed.tasks[0]!.issue?.number, 4);
    assert.equal(seed.tasks[0]!.description, 'Set up the flake');
  });

  it('writes a link at the end of the first line, replacing an old one and folding trailing spaces', () => {
    const doc = parseTasks(TASKS);
    const offsetAt = (p: { line: number; character: number }): number => doc.markdown.index.offsetAt(p);
    const edits = [
      setIssueLinkEdit(doc, doc.tasks.find((t) => t.id === 'T010')!, 'https://github.com/acme/infra/issues/20'),
      setIssueLinkEdit(doc, doc.tasks.find((t) => t.id === 'T001')!, 'https://github.com/acme/infra/issues/21'),
    ];
    const out = applyEdits(TASKS, edits, offsetAt);
    assert.match(out, /^- \[ \] T010 \[P\] \[US1\] Write the timer per FR-001 in modules\/backup\/timer.nix \(depends on T001\) https:\/\/github.com\/acme\/infra\/issues\/20$/m);
    assert.match(out, /^- \[ \] T001 Create modules\/backup\/default.nix https:\/\/github.com\/acme\/infra\/issues\/21$/m);
    const again = parseTasks(out);
    assert.equal(again.tasks.find((t) => t.id === 'T010')!.issue?.number, 20);
    assert.equal(again.tasks.find((t) => t.id === 'T010')!.description, 'Write the timer per FR-001 in modules/backup/timer.nix (depends on T001)');
    assert.deepEqual(again.tasks.find((t) => t.id === 'T010')!.dependsOn, ['T001']);
    assert.equal(again.problems.length, parseTasks(TASKS).problems.length, 'links add no problems');
  });
});

describe('GitHub remotes', () => {
  it('parses https, scp-like and ssh remotes', () => {
    for (const url of ['https://github.com/acme/infra.git', 'https://user:secret@github.com/acme/infra', 'git@github.com:acme/infra.git', 'ssh://git@github.com:22/acme/infra.git', 'git://github.com/acme/infra']) {
      assert.deepEqual(parseRemoteUrl(url), { host: 'github.com', owner: 'acme', repo: 'infra' }, url);
    }
    assert.equal(parseRemoteUrl('/srv/git/infra.git')?.host, undefined);
    assert.equal(parseRemoteUrl('not a url'), undefined);
  });

  it('finds github.com, *.ghe.com and the configured Enterprise Server, and refuses other hosts', () => {
    const gh = githubTarget('git@github.com:acme/infra.git');
    assert.ok(gh.ok);
    assert.equal(gh.target.apiUrl, 'https://api.github.com');
    assert.equal(gh.target.authProvider, 'github');
    const ghec = githubTarget('https://octo.ghe.com/acme/infra');
    assert.ok(ghec.ok && ghec.target.apiUrl === 'https://api.octo.ghe.com');
    const ghes = githubTarget('git@ghe.example.com:acme/infra.git', 'https://ghe.example.com/');
    assert.ok(ghes.ok);
    assert.equal(ghes.target.apiUrl, 'https://ghe.example.com/api/v3');
    assert.equal(ghes.target.webUrl, 'https://ghe.example.com');
    assert.equal(ghes.target.authProvider, 'github-enterprise');
    const gitlab = githubTarget('https://gitlab.com/acme/infra.git');
    assert.ok(!gitlab.ok);
    assert.match(gitlab.reason, /gitlab\.com, which is not GitHub/);
    assert.match(gitlab.reason, /speckit\.github\.enterpriseUri/);
    const none = githubTarget(undefined);
    assert.ok(!none.ok && /no `origin` remote/.test(none.reason));
    const secret = githubTarget('https://user:hunter2@example.org/weird');
    assert.ok(!secret.ok && !secret.reason.includes('hunter2'));
  });
});

describe('GitHub rate limits', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  it('reads a primary limit from x-ratelimit-* headers', () => {
    const reset = now.getTime() / 1000 + 90;
    const limit = rateLimitOf(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }, 'API rate limit exceeded', now)!;
    assert.equal(limit.kind, 'primary');
    assert.equal(limit.waitMs, 90_000);
    assert.equal(rateLimitDecision(limit, 60_000), 'stop');
    assert.equal(rateLimitDecision(limit, 120_000), 'wait');
    assert.match(describeReset(limit, now), /in 2 minutes/);
  });
  it('reads a secondary limit from retry-after, or a minute without it', () => {
    assert.equal(rateLimitOf(429, { 'retry-after': '5' }, '', now)?.waitMs, 5000);
    assert.equal(rateLimitOf(403, {}, 'You have exceeded a secondary rate limit', now)?.waitMs, 60_000);
  });
  it('is not fooled by a plain 403 or other statuses', () => {
    assert.equal(rateLimitOf(403, { 'x-ratelimit-remaining': '4999' }, 'Resource not accessible by integration', now), undefined);
    assert.equal(rateLimitOf(500, { 'retry-after': '5' }, '', now), undefined);
  });
});

describe('GitHub issue drafts', () => {
  const spec = parseSpec('# Feature Specification: Backups\n\n## User Scenarios & Testing\n\n### User Story 1 - Daily backups (Priority: P1)\n\nAs an admin…\n\n## Requirements\n\n- **FR-001**: System MUST run a backup every day at <02:00>.\n');
  const doc = parseTasks(TASKS);
  const ctx = {
    featurePath: 'specs/001-backups',
    featureName: '001-backups',
    tasksPath: 'specs/001-backups/tasks.md',
    tasksWebUrl: 'https://github.com/acme/infra/blob/main/specs/001-backups/tasks.md',
    phases: doc.phases,
    stories: spec.stories,
    requirements: spec.requirements,
    issueOf: (id: string) => (id === 'T001' ? 'https://github.com/acme/infra/issues/7' : undefined),
  };
  it('titles the issue like spec-kit and tells the task\'s story, requirements, phase, [P] and line', () => {
    const draft = issueDraft(doc.tasks.find((t) => t.id === 'T010')!, ctx);
    assert.equal(draft.title, 'T010: Write the timer per FR-001 in modules/backup/timer.nix (depends on T001)');
    assert.deepEqual(draft.labels, ['speckit', 'phase 3', 'story US1']);
    assert.match(draft.body, /\*\*Phase\*\*: 3: User Story 1 - Daily backups/);
    assert.match(draft.body, /\*\*User story\*\*: US1 — Daily backups \(P1\)/);
    assert.match(draft.body, /\*\*Parallel\*\*: yes/);
    assert.match(draft.body, /\*\*FR-001\*\*: System MUST run a backup every day at &lt;02:00>/);
    assert.match(draft.body, /- T001 https:\/\/github.com\/acme\/infra\/issues\/7/);
    assert.match(draft.body, /\(https:\/\/github.com\/acme\/infra\/blob\/main\/specs\/001-backups\/tasks.md#L10\)/);
    assert.deepEqual(readTaskMarker(draft.body), { featurePath: 'specs/001-backups', taskId: 'T010' });
  });
  it('labels a setup task with its phase only, and keeps mentions inert', () => {
    const t2 = doc.tasks.find((t) => t.id === 'T002')!;
    assert.deepEqual(labelsFor(t2, ctx).map((l) => l.name), ['speckit', 'phase 1']);
    const mention = parseTasks('## Phase 1: Setup\n\n- [ ] T001 Ask @octocat about it\n').tasks[0]!;
    assert.doesNotMatch(issueDraft(mention, ctx).body, /@octocat/);
    assert.equal(readTaskMarker('An issue someone wrote by hand: speckit-task specs/x#T004'), undefined);
    assert.deepEqual(readTaskMarker(taskMarker('specs/x', 'T004a')), { featurePath: 'specs/x', taskId: 'T004a' });
    assert.deepEqual(readTaskMarker(taskMarker('specs/x', 'T004')), { featurePath: 'specs/x', taskId: 'T004' });
  });
});

describe('GitHub sync plan', () => {
  const doc = parseTasks('## Phase 1: Setup\n\n- [ ] T001 a https://github.com/o/r/issues/1\n- [X] T002 b https://github.com/o/r/issues/2\n- [X] T003 c https://github.com/o/r/issues/3\n- [ ] T004 d https://github.com/o/r/issues/4\n- [ ] T005 e https://github.com/o/r/issues/5\n- [X] T006 f https://github.com/o/r/issues/6\n- [ ] T007 g https://github.com/o/r/issues/7\n');
  const t = (id: string) => doc.tasks.find((x) => x.id === id)!;
  const found = (number: number, state: 'open' | 'closed', stateReason: string | null) => ({ kind: 'found' as const, issue: { number, state, stateReason } });
  it('ticks closed-as-completed, unticks reopened, offers to close ticked ones, reports the rest', () => {
    const plan = planSync([
      { task: t('T001'), lookup: found(1, 'closed', 'completed') },
      { task: t('T002'), lookup: found(2, 'open', 'reopened'), reopened: true },
      { task: t('T003'), lookup: found(3, 'open', null), reopened: false },
      { task: t('T004'), lookup: found(4, 'closed', 'not_planned') },
      { task: t('T005'), lookup: { kind: 'missing', status: 410 } },
      { task: t('T006'), lookup: found(6, 'closed', 'completed') },
      { task: t('T007'), lookup: found(7, 'open', null) },
    ]);
    assert.deepEqual(plan.tick.map((x) => x.id), ['T001']);
    assert.deepEqual(plan.untick.map((x) => x.id), ['T002']);
    assert.deepEqual(plan.close.map((x) => x.id), ['T003']);
    assert.deepEqual(plan.notCompleted.map((x) => [x.task.id, x.reason]), [['T004', 'not planned']]);
    assert.deepEqual(plan.missing.map((x) => x.task.id), ['T005']);
    assert.deepEqual(plan.inStep.map((x) => x.id), ['T006', 'T007']);
    const lines = describePlan(plan);
    assert.ok(lines.some((l) => /T005: #5 was deleted/.test(l)));
    assert.equal(needsHistory(t('T003'), found(3, 'open', null)), true);
    assert.equal(needsHistory(t('T001'), found(1, 'open', null)), false);
  });
});
