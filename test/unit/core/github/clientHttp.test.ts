// The GitHub client and the creation run against the test GitHub REST server over real HTTP
// (node:http on loopback): creation, a second run, re-linking by marker, deleted issues, sync
// calls, 401, 403 with rate-limit headers, 404, 422 (label exists), a cut connection, cancel, pages.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseTasks } from '../../../../src/core/artifacts/tasks';
import { runCreate, type CreateItem } from '../../../../src/core/github/createRun';
import { GitHubClient, type GitHubClientOptions, type GitHubError } from '../../../../src/core/github/githubClient';
import { issueDraft, labelsFor, SPECKIT_LABEL } from '../../../../src/core/github/issueDraft';
import { repoRoot } from '../../helpers/paths';

interface FakeIssue { number: number; title: string; body: string | null; labels: string[]; milestone?: number; state: string; state_reason: string | null }
interface FakeGitHub {
  origin: string;
  state: { issues: FakeIssue[]; labels: Array<{ name: string }>; milestones: Array<{ number: number; title: string }>; comments: Array<{ issue: number; body: string }>; requests: Array<{ method: string; path: string; query: string; authorization: string | null }>; perPage: number; token: string };
  reset(): void;
  fault(...faults: object[]): void;
  setIssue(change: object): void;
  close(): Promise<void>;
}

const TASKS = `# Tasks

## Phase 1: Setup

- [ ] T001 Create the flake module in modules/backup/default.nix
- [ ] T002 [P] Add options in modules/backup/options.nix

## Phase 3: User Story 1 - Daily backups (Priority: P1)

- [ ] T010 [US1] Timer in modules/backup/timer.nix (depends on T001)
- [ ] T011 [P] [US1] Restore script in scripts/restore.sh
`;

describe('GitHub client against the test REST server', function () {
  this.timeout(20_000);
  let gh: FakeGitHub;
  const doc = parseTasks(TASKS);
  const ctx = {
    featurePath: 'specs/001-backups',
    featureName: '001-backups',
    tasksPath: 'specs/001-backups/tasks.md',
    tasksWebUrl: 'https://example/blob/main/specs/001-backups/tasks.md',
    phases: doc.phases,
    stories: [],
    requirements: [],
  };
  const items = (ids: string[] = doc.tasks.map((t) => t.id)): CreateItem[] =>
    ids.map((id) => ({ taskId: id, draft: (issueOf) => issueDraft(doc.tasks.find((t) => t.id === id)!, { ...ctx, issueOf }) }));
  const labels = [...new Map(doc.tasks.flatMap((t) => labelsFor(t, ctx)).map((l) => [l.name, l])).values()];
  const client = (extra: Partial<GitHubClientOptions> = {}): GitHubClient =>
    new GitHubClient({ apiUrl: `${gh.origin}/api/v3`, token: 'test-token', owner: 'acme', repo: 'infra', ...extra });

  before(async () => {
    const mod = (await import(pathToFileURL(join(repoRoot(), 'test', 'fixtures', 'github-server', 'server.mjs')).href)) as { startGitHubServer(o?: object): Promise<FakeGitHub> };
    gh = await mod.startGitHubServer();
  });
  after(() => gh.close());
  beforeEach(() => {
    gh.reset();
    gh.state.perPage = 100;
  });

  it('creates labels, a milestone and one issue per task, in order, with the token', async () => {
    const result = await runCreate({ client: client(), items: items(), featurePath: ctx.featurePath, labels, milestoneTitle: '001-backups', linked: [] });
    assert.equal(result.stopped, undefined);
    assert.deepEqual(result.created.map((c) => [c.taskId, c.number]), [['T001', 1], ['T002', 2], ['T010', 3], ['T011', 4]]);
    assert.equal(result.created[0]!.url, `${gh.origin}/acme/infra/issues/1`);
    assert.deepEqual(result.labelsCreated.sort(), ['phase 1', 'phase 3', 'speckit', 'story US1']);
    assert.deepEqual(result.milestone, { number: 1, title: '001-backups', created: true });
    const t010 = gh.state.issues.find((i) => i.number === 3)!;
    assert.equal(t010.title, 'T010: Timer in modules/backup/timer.nix (depends on T001)');
    assert.deepEqual(t010.labels, ['speckit', 'phase 3', 'story US1']);
    assert.equal(t010.milestone, 1);
    assert.match(t010.body!, new RegExp(`- T001 ${gh.origin}/acme/infra/issues/1`), 'links the dependency created earlier in the run');
    assert.ok(gh.state.requests.every((r) => r.authorization === 'token test-token'));
  });

  it('a second run re-links issues an earlier run created (by marker) instead of duplicating them', async () => {
    await runCreate({ client: client(), items: items(['T001', 'T002']), featurePath: ctx.featurePath, labels, linked: [] });
    // The URLs never reached tasks.md: the next run finds the issues by their marker.
    const second = await runCreate({ client: client(), items: items(), featurePath: ctx.featurePath, labels, linked: [] });
    assert.deepEqual(second.relinked.map((r) => [r.taskId, r.number]), [['T001', 1], ['T002', 2]]);
    assert.deepEqual(second.created.map((c) => c.taskId), ['T010', 'T011']);
    assert.equal(gh.state.issues.length, 4);
    // Another feature's marker does not count.
    const other = await runCreate({ client: client(), items: items(['T001']), featurePath: 'specs/002-other', labels, linked: [] });
    assert.deepEqual(other.created.map((c) => c.number), [5]);
  });

  it('reports a linked issue that was deleted (410) or is gone (404), and creates nothing for it', async () => {
    await runCreate({ client: client(), items: items(['T001', 'T002']), featurePath: ctx.featurePath, labels, linked: [] });
    gh.setIssue({ number: 1, deleted: true });
    const run = await runCreate({
      client: client(),
      items: items(['T010']),
      featurePath: ctx.featurePath,
      labels,
      linked: [{ taskId: 'T001', number: 1, url: `${gh.origin}/acme/infra/issues/1` }, { taskId: 'T002', number: 2, url: '' }, { taskId: 'T009', number: 99, url: '' }],
    });
    assert.deepEqual(run.missing, [{ taskId: 'T001', number: 1, status: 410 }, { taskId: 'T009', number: 99, status: 404 }]);
    assert.deepEqual(run.created.map((c) => c.taskId), ['T010']);
  });

  it('follows Link-header pagination when listing labels, milestones and issues', async () => {
    gh.state.perPage = 2;
    await runCreate({ client: client(), items: items(), featurePath: ctx.featurePath, labels, milestoneTitle: 'm', linked: [] });
    const again = await runCreate({ client: client(), items: items(), featurePath: ctx.featurePath, labels, milestoneTitle: 'm', linked: [] });
    assert.equal(again.relinked.length, 4, 'all four found across two pages');
    const listed = gh.state.requests.filter((r) => r.method === 'GET' && r.path === '/repos/acme/infra/issues');
    assert.ok(listed.some((r) => /page=2/.test(r.query)), 'asked for the second page');
  });

  it('a label created meanwhile (422 already_exists) is not an error', async () => {
    // The label appears between the listing and the creation: the server then answers 422.
    gh.fault({ method: 'GET', path: '/labels$', status: 200, body: [] });
    gh.state.labels.push({ name: 'speckit' });
    const created = await client().ensureLabels([SPECKIT_LABEL]);
    assert.deepEqual(created, []);
    const posts = gh.state.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/labels'));
    assert.equal(posts.length, 1, 'it did try, and GitHub said the label exists');
  });

  it('401: says the sign-in was not accepted', async () => {
    await assert.rejects(client({ token: 'wrong' }).repository(), (e: GitHubError) => e.kind === 'auth' && /did not accept the sign-in \(401: Bad credentials\)/.test(e.message));
  });

  it('404: names the repository that cannot be seen', async () => {
    const c = new GitHubClient({ apiUrl: gh.origin, token: 'test-token', owner: 'missing-owner', repo: 'infra' });
    await assert.rejects(c.repository(), (e: GitHubError) => e.kind === 'notFound' && /no missing-owner\/infra/.test(e.message));
  });

  it('403 with rate-limit headers: waits a short reset out, saying so, then goes on', async () => {
    const reset = Math.floor(Date.now() / 1000) + 30;
    gh.fault({ path: '/issues$', method: 'POST', status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }, body: { message: 'API rate limit exceeded for user ID 1.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' } });
    const waits: Array<[number, string]> = [];
    const slept: number[] = [];
    const result = await runCreate({
      client: client({ onWait: (l, m) => waits.push([l.waitMs, m]), sleep: (ms) => { slept.push(ms); return Promise.resolve(); }, maxWaitMs: 60_000 }),
      items: items(['T001']),
      featurePath: ctx.featurePath,
      labels,
      linked: [],
    });
    assert.equal(result.stopped, undefined);
    assert.equal(result.created.length, 1);
    assert.equal(waits.length, 1);
    assert.ok(slept[0]! > 25_000 && slept[0]! <= 30_000, `waited ${slept[0]} ms`);
    assert.match(waits[0]![1], /rate limit was reached: waiting \d+ s/);
  });

  it('403 with a far reset: stops with the reset time and keeps what was created', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    gh.fault({ path: '/issues$', method: 'POST', status: 403, times: 1, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }, body: { message: 'API rate limit exceeded' } });
    const result = await runCreate({ client: client({ sleep: () => Promise.reject(new Error('must not wait an hour')) }), items: items(['T001', 'T002']), featurePath: ctx.featurePath, labels, linked: [] });
    assert.equal(result.stopped?.kind, 'rateLimit');
    assert.match(result.stopped.message, /resets at \d\d:\d\d \(in 60 minutes\)/);
    assert.equal(result.created.length, 0);
    assert.equal(gh.state.issues.length, 0);
  });

  it('429 secondary limit with retry-after: waits that long', async () => {
    gh.fault({ path: '/repos/acme/infra$', status: 429, headers: { 'retry-after': '2' }, body: { message: 'You have exceeded a secondary rate limit' } });
    const slept: number[] = [];
    const info = await client({ sleep: (ms) => { slept.push(ms); return Promise.resolve(); } }).repository();
    assert.equal(info.fullName, 'acme/infra');
    assert.deepEqual(slept, [2000]);
  });

  it('a connection cut in the middle stops the run after the issues already created', async () => {
    // The third POST /issues is cut: two issues exist, the run reports them and the network error.
    let posts = 0;
    const cutting: typeof fetch = async (input, init) => {
      if (init?.method === 'POST' && (typeof input === 'string' ? input : input instanceof URL ? input.href : input.url).endsWith('/issues') && ++posts === 3) gh.fault({ path: '/issues$', method: 'POST', cut: true });
      return fetch(input, init);
    };
    const result = await runCreate({ client: client({ fetch: cutting }), items: items(), featurePath: ctx.featurePath, labels, linked: [] });
    assert.equal(result.stopped?.kind, 'network');
    assert.match(result.stopped.message, /Could not reach GitHub at 127\.0\.0\.1:\d+/);
    assert.deepEqual(result.created.map((c) => c.taskId), ['T001', 'T002']);
    assert.equal(gh.state.issues.length, 2);
  });

  it('cancel between issues: stops before the next one and reports those created', async () => {
    const controller = new AbortController();
    const c = client({ signal: controller.signal });
    const result = await runCreate({
      client: c,
      items: items(),
      featurePath: ctx.featurePath,
      labels,
      linked: [],
      signal: controller.signal,
      progress: (m) => {
        if (/Creating issue 3 of 4/.test(m)) controller.abort();
      },
    });
    assert.equal(result.stopped?.kind, 'cancelled');
    assert.deepEqual(result.created.map((x) => x.taskId), ['T001', 'T002']);
    assert.equal(gh.state.issues.length, 2);
  });

  it('sync calls: reads state, history and closes with a comment', async () => {
    await runCreate({ client: client(), items: items(['T001', 'T002']), featurePath: ctx.featurePath, labels, linked: [] });
    gh.setIssue({ number: 1, state: 'closed', state_reason: 'completed' });
    gh.setIssue({ number: 1, state: 'open' });
    const one = await client().issue(1);
    assert.ok(one.kind === 'found' && one.issue.state === 'open');
    assert.equal(await client().wasReopened(1), true);
    assert.equal(await client().wasReopened(2), false);
    await client().closeIssue(2, 'Done in tasks.md');
    const two = gh.state.issues.find((i) => i.number === 2)!;
    assert.equal(two.state, 'closed');
    assert.equal(two.state_reason, 'completed');
    assert.deepEqual(gh.state.comments.map((x) => [x.issue, x.body]), [[2, 'Done in tasks.md']]);
    const listed = await client().issuesWithLabel('speckit');
    assert.deepEqual(listed.map((i) => [i.number, i.state]), [[2, 'closed'], [1, 'open']]);
  });
});
