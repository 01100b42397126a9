import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { escapeMarkdownCell, nextStepLine, statusMarkdown } from '../../../../src/core/chat/statusTable';
import { type ArtifactFacts, featureStatus } from '../../../../src/core/status/featureStatus';
import { type IndexedFeature, type IndexedProject } from '../../../../src/core/workspace/workspaceIndex';

const T = 1_700_000_000_000;

function feature(name: string, facts: Partial<ArtifactFacts>, root = '/w'): IndexedFeature {
  return {
    feature: { name, dir: `${root}/specs/${name}`, relDir: `specs/${name}` },
    projectRoot: root,
    status: featureStatus({ checklists: [], ...facts }),
    spec: undefined,
    plan: undefined,
    tasks: undefined,
    checklists: [],
  } as unknown as IndexedFeature;
}

function project(root: string, features: IndexedFeature[], current?: string, archived = 0): IndexedProject {
  return {
    project: { root },
    folder: root,
    constitution: undefined,
    features,
    archived: new Array(archived).fill({}),
    current: current ? { dir: `${root}/specs/${current}`, source: 'feature-json' } : undefined,
  } as unknown as IndexedProject;
}

const spec = { mtime: T, markers: 0, placeholders: 0, clarificationSessions: 0 };
const A = feature('001-albums', { spec: { ...spec, markers: 2 } });
const B = feature('002-search', {
  spec: { ...spec, mtime: T + 10_000 },
  plan: { mtime: T, markers: 0, placeholders: 0 },
  tasks: { mtime: T, done: 3, total: 8 },
  checklists: [{ name: 'ux', passed: 4, total: 5 }],
});
const C = feature('003-done', { spec, tasks: { mtime: T, done: 2, total: 2 } });

/** The cells of a table row, honouring escaped pipes. */
function cells(line: string): string[] {
  return line
    .replace(/^\| | \|$/g, '')
    .split(/(?<!\\) \| /);
}

describe('statusTable', () => {
  it('renders a heading, a table with every feature, the current one marked, and a summary', () => {
    const md = statusMarkdown([project('/w', [A, B, C], '002-search', 1)], () => 'my-app');
    const lines = md.split('\n');
    assert.equal(lines[0], '### my-app');
    assert.deepEqual(cells(lines[2]!), ['Feature', 'Phase', 'Tasks', 'Open questions', 'Checklists', 'Stale', 'Next']);
    const rows = lines.filter((l) => l.startsWith('| ') && !l.startsWith('| Feature') && !l.startsWith('| ---'));
    assert.equal(rows.length, 3);
    assert.deepEqual(cells(rows[0]!), ['001-albums', 'Draft', '—', '2', '—', '—', '`/speckit.clarify`']);
    assert.deepEqual(cells(rows[1]!), ['**002-search** (current)', 'Implementing 3/8', '3/8', '—', '4/5', 'plan (spec changed)', '`/speckit.implement`']);
    assert.deepEqual(cells(rows[2]!), ['003-done', 'Done 2/2', '2/2', '—', '—', '—', '`/speckit.converge`']);
    assert.match(md, /3 features: 1 done, 2 in progress · 2 open questions · 1 stale · 1 archived\n$/);
    // Every row has as many cells as the header.
    for (const l of lines.filter((x) => x.startsWith('|'))) assert.equal(cells(l).length, 7, l);
  });

  it('links feature names when asked', () => {
    const md = statusMarkdown([project('/w', [A])], (r) => r, (f) => `command:speckit.open?${encodeURIComponent(f.feature.name)}`);
    assert.match(md, /\| \[001-albums\]\(<command:speckit\.open\?001-albums>\) \|/);
  });

  it('says how to start when a project has no features, or there is no project', () => {
    assert.match(statusMarkdown([project('/w', [])], () => 'w'), /### w\n\nNo features yet — run `\/speckit\.specify`/);
    assert.match(statusMarkdown([], () => 'w'), /No Spec Kit project/);
  });

  it('renders several projects in order', () => {
    const md = statusMarkdown([project('/a', [A]), project('/b', [C])], (r) => r.slice(1));
    assert.ok(md.indexOf('### a') < md.indexOf('### b'));
    assert.equal(md.match(/^\| Feature/gm)?.length, 2);
  });

  it('escapes pipes, newlines and markdown in names and labels', () => {
    const hostile = feature('004-a|b\nc*d_[x](y)<script>', { spec });
    const md = statusMarkdown([project('/w', [hostile])], () => 'root | with\nnewline');
    assert.ok(md.startsWith('### root \\| with newline\n'));
    const row = md.split('\n').find((l) => l.startsWith('| 004'))!;
    assert.equal(cells(row).length, 7);
    assert.ok(row.includes('004-a\\|b c\\*d\\_\\[x\\](y)\\<script\\>'));
  });

  it('escapeMarkdownCell keeps every row at seven cells whatever the name (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (name) => {
        const esc = escapeMarkdownCell(name);
        assert.ok(!/[\r\n]/.test(esc));
        assert.ok(!/(?<!\\)\|/.test(esc.replace(/\\\\/g, '')));
      }),
      { numRuns: 300 },
    );
  });

  it('nextStepLine says what to run next and why', () => {
    const planned = feature('001-x', { spec });
    assert.equal(nextStepLine(planned), 'Next: `/speckit.plan` — plan the implementation of 001-x');
    assert.equal(nextStepLine(A), 'Next: `/speckit.clarify` — clarify the open questions in the spec of 001-albums');
    assert.equal(nextStepLine(C), 'Next: `/speckit.converge` — check the code of 003-done against its spec');
    assert.match(nextStepLine(undefined), /^Next: `\/speckit\.specify`/);
    const noNext = { ...A, status: { ...A.status, next: undefined } } as IndexedFeature;
    assert.equal(nextStepLine(noNext), 'Nothing to do next for 001-albums');
  });
});
