import assert from 'node:assert/strict';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { type ReadFileOptions } from '../../../../src/core/workspace/fileSystem';
import { NodeFileSystem } from '../../../../src/core/workspace/nodeFileSystem';
import { isInside } from '../../../../src/core/workspace/projects';
import { type IndexedFeature, type IndexedProject, WorkspaceIndex } from '../../../../src/core/workspace/workspaceIndex';
import { makeTempDir, type TempDir } from './helpers';

const TASKS = '# Tasks\n\n## Phase 1: Setup\n\n- [x] T001 Create src/a.ts\n- [ ] T002 Create src/b.ts\n';

/** Hands the parser something it cannot decode for one path: a parser exception on demand, whatever the parsers become. */
class JunkFileSystem extends NodeFileSystem {
  junkReads = 0;
  constructor(private readonly junk: string) {
    super();
  }
  override readFile(p: string, options?: ReadFileOptions): Promise<Uint8Array> {
    if (p !== this.junk) return super.readFile(p, options);
    this.junkReads++;
    return Promise.resolve({} as unknown as Uint8Array);
  }
  override readFileNow(p: string, options?: ReadFileOptions): Uint8Array {
    if (p !== this.junk) return super.readFileNow(p, options);
    this.junkReads++;
    return {} as unknown as Uint8Array;
  }
}

/** The lookups as they were: a scan of every project, then of its features. The maps must agree with it. */
function linearProjectFor(index: WorkspaceIndex, p: string): IndexedProject | undefined {
  let best: IndexedProject | undefined;
  for (const project of index.projects) {
    if (isInside(project.project.root, p, true) && (!best || project.project.root.length > best.project.root.length)) best = project;
  }
  return best;
}

function linearFeatureFor(index: WorkspaceIndex, p: string): IndexedFeature | undefined {
  return linearProjectFor(index, p)?.features.find((f) => isInside(f.feature.dir, p, true));
}

describe('WorkspaceIndex containment and lookups', function () {
  this.timeout(60_000);
  let ws: TempDir;
  beforeEach(() => {
    ws = makeTempDir();
  });
  afterEach(() => ws.dispose());

  it('a parser exception in one file is a problem of that file; its siblings are indexed, and the failure is cached', async () => {
    ws.write({
      '.specify/memory/constitution.md': '# C Constitution\n',
      'specs/001-a/spec.md': '# Feature Specification: A\n',
      'specs/001-a/tasks.md': TASKS,
      'specs/002-b/tasks.md': TASKS,
    });
    const broken = ws.path('specs', '001-a', 'tasks.md');
    const fs = new JunkFileSystem(broken);
    const index = new WorkspaceIndex(fs);
    await index.addFolder(ws.root);
    const [a, b] = index.features;
    assert.equal(a!.tasks, undefined);
    assert.notEqual(a!.spec, undefined, 'the same feature’s other files are still read');
    assert.deepEqual(a!.problems.map((p) => [p.path, p.code, p.severity]), [[broken, 'analysis-failed', 'error']]);
    assert.match(a!.problems[0]!.message, /^This file could not be analysed \(.+\); it was left out, and the rest of the workspace was indexed\.$/);
    assert.deepEqual(b!.status.tasks, { done: 1, total: 2 });
    assert.equal(index.problemFor(broken)?.code, 'analysis-failed');
    assert.equal(await index.document(broken), undefined);

    await index.addFolder(ws.root);
    await index.refresh([broken]);
    assert.equal(fs.junkReads, 1, 'an unchanged file that broke the parser is not parsed again');
    utimesSync(broken, new Date(), new Date(Date.now() + 5_000));
    await index.refresh([broken]);
    assert.equal(fs.junkReads, 2, 'a changed one is');
  });

  it('issue #12 probe 5: 10,000 nested quote markers in tasks.md never stop the index', async () => {
    ws.write({
      '.specify/': '',
      'specs/001-quotes/tasks.md': `${'> '.repeat(10_000)}- [ ] T001 deep\n`,
      'specs/002-healthy/tasks.md': TASKS,
    });
    const index = new WorkspaceIndex(new NodeFileSystem());
    await index.addFolder(ws.root);
    assert.deepEqual(index.features.map((f) => f.feature.name), ['001-quotes', '002-healthy']);
    assert.deepEqual(index.features[1]!.status.tasks, { done: 1, total: 2 });
    // Whether the parser copes with the depth or throws, the file is accounted for: parsed, or reported.
    const loaded = await index.load(ws.path('specs', '001-quotes', 'tasks.md'));
    assert.ok(loaded.doc !== undefined || loaded.problem?.code === 'analysis-failed');
  });

  it('projectFor and featureFor answer exactly as a scan of every project and feature would, through changes', async () => {
    const files: Record<string, string> = {
      '.specify/memory/constitution.md': '# C Constitution\n',
      '.specify/specs/010-hidden/spec.md': '# Feature Specification: H\n',
      'packages/api/.specify/': '',
      'packages/api/specs/001-x/tasks.md': TASKS,
      'packages/api/specs/001-x/checklists/ux.md': '- [ ] CHK001 x\n',
      'legacy/memory/constitution.md': '# L Constitution\n',
      'legacy/specs/001-l/spec.md': '# Feature Specification: L\n',
      'specs/.archive/000-old/spec.md': '# Feature Specification: Old\n',
      'src/app.ts': '',
    };
    for (let n = 1; n <= 40; n++) files[`specs/${String(n).padStart(3, '0')}-f${n}/spec.md`] = `# Feature Specification: F${n}\n`;
    ws.write(files);
    const index = new WorkspaceIndex(new NodeFileSystem());
    await index.addFolder(ws.root);
    // A second workspace folder inside the first lists its project twice, as multi-root allows.
    await index.addFolder(ws.path('packages', 'api'));

    const probes = (): string[] => {
      const out = new Set<string>(['/', ws.root, `${ws.root}/`, `${ws.root}-sibling/specs/001-f1`, ws.path('nowhere', 'deep', 'er')]);
      for (const rel of Object.keys(files)) {
        const parts = rel.split('/').filter((x) => x !== '');
        for (let i = 1; i <= parts.length; i++) out.add(ws.path(...parts.slice(0, i)));
        out.add(`${ws.path(...parts)}/`);
        out.add(ws.path(...parts, 'not', 'there.md'));
        out.add(ws.path(...parts, '..', 'x.md'));
      }
      return [...out];
    };
    const agree = (when: string): void => {
      let features = 0;
      for (const p of probes()) {
        assert.equal(index.projectFor(p), linearProjectFor(index, p), `projectFor(${p}) ${when}`);
        const f = index.featureFor(p);
        assert.equal(f, linearFeatureFor(index, p), `featureFor(${p}) ${when}`);
        if (f) features++;
      }
      assert.ok(features > 40, `the probes reach features (${features}) ${when}`);
    };
    agree('after the scan');
    assert.equal(index.featureFor(ws.path('specs', '.archive', '000-old', 'spec.md')), undefined, 'archives are no feature');
    assert.equal(index.projectFor(ws.path('packages', 'api', 'specs', '001-x'))?.project.root, ws.path('packages', 'api'));

    rmSync(ws.path('specs', '007-f7'), { recursive: true });
    mkdirSync(ws.path('specs', '041-new'));
    writeFileSync(ws.path('specs', '041-new', 'spec.md'), '# Feature Specification: New\n');
    await index.refresh([ws.path('specs', '007-f7'), ws.path('specs', '041-new')]);
    assert.equal(index.featureFor(ws.path('specs', '007-f7', 'spec.md')), undefined);
    assert.equal(index.featureFor(ws.path('specs', '041-new', 'spec.md'))?.feature.name, '041-new');
    agree('after a refresh');

    writeFileSync(ws.path('specs', '002-f2', 'tasks.md'), TASKS);
    await index.refresh([ws.path('specs', '002-f2', 'tasks.md')]);
    assert.deepEqual(index.featureFor(ws.path('specs', '002-f2', 'tasks.md'))?.status.tasks, { done: 1, total: 2 });
    agree('after a feature changed');

    index.removeFolder(ws.path('packages', 'api'));
    agree('after a folder was removed');
    const current = index.projects[0]!;
    assert.equal(index.currentFeature(current), current.features.find((f) => f.feature.dir === current.current?.dir));
  });
  it('issue #12 probe 8: a lookup costs the same among 40 or 4,000 features (a scan of them would cost 100×)', async () => {
    /** A project whose features are empty numbered folders: cheap to make, and each one a feature. */
    const indexed = async (count: number): Promise<[WorkspaceIndex, string[]]> => {
      const files: Record<string, string> = { [`${count}/.specify/`]: '' };
      for (let n = 1; n <= count; n++) files[`${count}/specs/${String(n).padStart(4, '0')}-f/`] = '';
      ws.write(files);
      const index = new WorkspaceIndex(new NodeFileSystem());
      await index.addFolder(ws.path(String(count)));
      // Paths of one shape and depth in both trees, spread over every feature.
      const probes = Array.from({ length: 4000 }, (_, i) => ws.path(String(count), 'specs', `${String((i % count) + 1).padStart(4, '0')}-f`, 'spec.md'));
      return [index, probes];
    };
    const [small, smallProbes] = await indexed(40);
    const [big, bigProbes] = await indexed(4000);
    assert.equal(big.features.length, 4000);
    assert.equal(big.featureFor(bigProbes[3999]!)?.feature.name, '4000-f');
    /**
     * The fastest of several rounds (a busy machine slows some rounds, never the best of them much);
     * a round that passes `limit` ms stops there, so a linear lookup fails in seconds, not minutes.
     */
    const cost = (index: WorkspaceIndex, probes: readonly string[], limit = Infinity): number => {
      let best = Infinity;
      for (let round = 0; round < 7; round++) {
        const start = performance.now();
        let elapsed = 0;
        for (let k = 0; k < 5 && elapsed <= limit; k++) {
          for (let i = 0; i < probes.length && elapsed <= limit; i++) {
            const p = probes[i]!;
            if (!index.featureFor(p) || !index.projectFor(p)) throw new Error(`no feature for ${p}`);
            if (i % 100 === 99) elapsed = performance.now() - start;
          }
          elapsed = performance.now() - start;
        }
        best = Math.min(best, elapsed);
      }
      return best;
    };
    cost(small, smallProbes); // warm up the JIT on the small tree first, so it is not charged to it below
    const base = cost(small, smallProbes);
    const ratio = cost(big, bigProbes, 10 * base) / base;
    // 100 times the features; with the lookup a map probe per path segment the cost stays flat. 10× headroom.
    assert.ok(ratio < 10, `a lookup among 4,000 features cost ${ratio.toFixed(1)}× one among 40`);
  });
});
