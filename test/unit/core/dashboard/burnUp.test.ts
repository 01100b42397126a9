import assert from 'node:assert/strict';
import { renameSync } from 'node:fs';
import * as os from 'node:os';
import { burnUpPoints, tasksHistory } from '../../../../src/core/dashboard/burnUp';
import { burnUpGeometry, niceStep } from '../../../../src/core/dashboard/burnUpGeometry';
import { daysBetween, localDate, shortDate } from '../../../../src/core/dashboard/dates';
import { fileAtCommit, fileCommits } from '../../../../src/core/workspace/git';
import { git, makeTempDir, type TempDir } from '../workspace/helpers';

const tasks = (done: number, open: number): string =>
  `# Tasks\n\n## Phase 1: Setup\n\n${[...Array(done).keys()].map((i) => `- [x] T00${i + 1} Done task ${i + 1}\n`).join('')}${[...Array(open).keys()].map((i) => `- [ ] T0${i + 50} Open task ${i + 1}\n`).join('')}`;

/** Commits the current tree with a committer date (the burn-up reads `%cs`). */
function commitOn(cwd: string, date: string, message: string): void {
  const saved = { a: process.env.GIT_COMMITTER_DATE, b: process.env.GIT_AUTHOR_DATE };
  process.env.GIT_COMMITTER_DATE = `${date}T12:00:00+00:00`;
  process.env.GIT_AUTHOR_DATE = `${date}T12:00:00+00:00`;
  try {
    git(cwd, 'add', '-A');
    git(cwd, 'commit', '--quiet', '-m', message);
  } finally {
    if (saved.a === undefined) delete process.env.GIT_COMMITTER_DATE;
    else process.env.GIT_COMMITTER_DATE = saved.a;
    if (saved.b === undefined) delete process.env.GIT_AUTHOR_DATE;
    else process.env.GIT_AUTHOR_DATE = saved.b;
  }
}

describe('dashboard burn-up (real git)', () => {
  let tmp: TempDir;
  let savedCeiling: string | undefined;
  before(() => {
    savedCeiling = process.env.GIT_CEILING_DIRECTORIES;
    process.env.GIT_CEILING_DIRECTORIES = os.tmpdir();
  });
  after(() => {
    if (savedCeiling === undefined) delete process.env.GIT_CEILING_DIRECTORIES;
    else process.env.GIT_CEILING_DIRECTORIES = savedCeiling;
  });
  beforeEach(() => {
    tmp = makeTempDir('speckit-burnup-');
  });
  afterEach(() => tmp.dispose());

  const reader = (file: string) => ({
    log: async () => {
      const r = await fileCommits(file);
      assert.ok(r.ok, !r.ok ? r.message : '');
      return r.value;
    },
    show: async (c: { sha: string; path: string }) => {
      const r = await fileAtCommit(tmp.root, c.sha, c.path);
      return r.ok ? r.value : undefined;
    },
  });

  it('counts done and total tasks per day from the last commit of each day, across a rename', async () => {
    git(tmp.root, 'init', '--quiet', '--initial-branch=main');
    tmp.write({ 'specs/001-x/tasks.md': tasks(0, 4) });
    commitOn(tmp.root, '2026-02-01', 'tasks');
    tmp.write({ 'specs/001-x/tasks.md': tasks(1, 3) });
    commitOn(tmp.root, '2026-02-03', 'T001');
    tmp.write({ 'specs/001-x/tasks.md': tasks(2, 3) });
    commitOn(tmp.root, '2026-02-03', 'T002 and a new task');
    tmp.write({ 'README.md': 'unrelated\n' });
    commitOn(tmp.root, '2026-02-04', 'unrelated');
    // The feature folder is renamed: --follow keeps the history.
    renameSync(tmp.path('specs/001-x'), tmp.path('specs/001-y'));
    commitOn(tmp.root, '2026-02-05', 'rename');
    tmp.write({ 'specs/001-y/tasks.md': tasks(4, 1) });
    commitOn(tmp.root, '2026-02-07', 'T003 T004');

    const log = await fileCommits(tmp.path('specs/001-y/tasks.md'));
    assert.ok(log.ok);
    assert.deepEqual(log.value.map((c) => [c.date, c.path]), [
      ['2026-02-07', 'specs/001-y/tasks.md'],
      ['2026-02-05', 'specs/001-y/tasks.md'],
      ['2026-02-03', 'specs/001-x/tasks.md'],
      ['2026-02-03', 'specs/001-x/tasks.md'],
      ['2026-02-01', 'specs/001-x/tasks.md'],
    ]);
    const cache = new Map<string, { done: number; total: number }>();
    const points = await tasksHistory(reader(tmp.path('specs/001-y/tasks.md')), cache);
    assert.deepEqual(points, [
      { date: '2026-02-01', done: 0, total: 4 },
      { date: '2026-02-03', done: 2, total: 5 },
      { date: '2026-02-05', done: 2, total: 5 },
      { date: '2026-02-07', done: 4, total: 5 },
    ]);
    assert.equal(cache.size, 4);
    // A second run shows nothing again: every count comes from the cache.
    let shows = 0;
    const counting = reader(tmp.path('specs/001-y/tasks.md'));
    await tasksHistory({ log: counting.log, show: (c) => (shows++, counting.show(c)) }, cache);
    assert.equal(shows, 0);
  });

  it('has no history for an uncommitted file, and fails softly outside a repository', async () => {
    git(tmp.root, 'init', '--quiet', '--initial-branch=main');
    tmp.write({ 'tasks.md': tasks(1, 1) });
    const none = await fileCommits(tmp.path('tasks.md'));
    assert.deepEqual(none, { ok: true, value: [] });
    const outside = makeTempDir('speckit-nogit-');
    try {
      outside.write({ 'tasks.md': tasks(1, 1) });
      const r = await fileCommits(outside.path('tasks.md'));
      assert.equal(!r.ok && r.reason, 'not-a-repository');
    } finally {
      outside.dispose();
    }
  });

  it('refuses a revision or path that git would read as an option', async () => {
    const r = await fileAtCommit(tmp.root, '--output=/tmp/x', 'tasks.md');
    assert.equal(r.ok, false);
    const p = await fileAtCommit(tmp.root, 'a'.repeat(40), '--help');
    assert.equal(p.ok, false);
  });
});

describe('dashboard burn-up points and geometry', () => {
  it('replaces today’s committed point with the live count', () => {
    const history = [
      { date: '2026-02-01', done: 0, total: 4 },
      { date: '2026-02-03', done: 2, total: 5 },
    ];
    assert.deepEqual(burnUpPoints(history, { date: '2026-02-03', done: 3, total: 5 }), [
      { date: '2026-02-01', done: 0, total: 4 },
      { date: '2026-02-03', done: 3, total: 5 },
    ]);
    assert.deepEqual(burnUpPoints(undefined, { date: '2026-02-03', done: 3, total: 5 }), [{ date: '2026-02-03', done: 3, total: 5 }]);
  });

  it('draws steps on a day axis scaled to the largest count', () => {
    const g = burnUpGeometry(
      [
        { date: '2026-02-01', done: 0, total: 4 },
        { date: '2026-02-03', done: 2, total: 5 },
        { date: '2026-02-11', done: 5, total: 5 },
      ],
      { width: 110, height: 70, left: 10, right: 0, top: 10, bottom: 10 },
    );
    assert.equal(g.days, 10);
    assert.equal(g.maxY, 6);
    // x: 10 + day/10*100; y: 60 − n/6*50.
    assert.equal(g.done, 'M 10 60 H 30 V 43.3 H 110 V 18.3');
    assert.equal(g.total, 'M 10 26.7 H 30 V 18.3 H 110 V 18.3');
    assert.deepEqual(g.yTicks.map((t) => t.label), ['0', '2', '4', '6']);
    assert.deepEqual(g.xTicks.map((t) => t.label), ['Feb 1', 'Feb 3', 'Feb 5', 'Feb 7', 'Feb 9', 'Feb 11']);
  });

  it('puts a single point in the middle and copes with no points', () => {
    const one = burnUpGeometry([{ date: '2026-02-01', done: 0, total: 0 }], { width: 100, height: 50, left: 0, right: 0, top: 0, bottom: 0 });
    assert.equal(one.done, 'M 50 50');
    assert.equal(one.dots.length, 1);
    const none = burnUpGeometry([]);
    assert.equal(none.done, '');
    assert.deepEqual(none.xTicks, []);
  });

  it('picks readable steps and formats days', () => {
    assert.deepEqual([1, 4, 7, 12, 40, 130, 999].map((n) => niceStep(n)), [1, 1, 2, 5, 10, 50, 500]);
    assert.equal(daysBetween('2026-02-27', '2026-03-02'), 3);
    assert.equal(shortDate('2026-11-03'), 'Nov 3');
    assert.equal(shortDate('garbage'), 'garbage');
    assert.equal(localDate(new Date(2026, 0, 9, 23, 59)), '2026-01-09');
  });
});
