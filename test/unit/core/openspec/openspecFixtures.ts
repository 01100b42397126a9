import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeFileSystem } from '../../../../src/core/workspace/nodeFileSystem';
import { loadOpenSpecProject, type OpenSpecProject } from '../../../../src/core/openspec/project';
import { repoRoot } from '../../helpers/paths';

/** The real OpenSpec folders under test/fixtures/openspec (see SOURCES.tsv there). */
export const OPENSPEC_FIXTURES = ['pantherOS', 'OpenSpec', 'ccman', 'rules'] as const;

export function openspecFixtureRoot(name: string): string {
  return join(repoRoot(), 'test', 'fixtures', 'openspec', name);
}

const loaded = new Map<string, Promise<OpenSpecProject>>();

/** Loads a fixture once per test run (the models are read-only). */
export function loadFixture(name: string): Promise<OpenSpecProject> {
  let p = loaded.get(name);
  if (!p) {
    p = loadOpenSpecProject(new NodeFileSystem(), openspecFixtureRoot(name)).then((project) => {
      if (!project) throw new Error(`no OpenSpec project in fixture ${name}`);
      return project;
    });
    loaded.set(name, p);
  }
  return p;
}

export interface RecordedIssue {
  level: 'ERROR' | 'WARNING' | 'INFO';
  path: string;
  line?: number;
  message: string;
}

export interface RecordedItem {
  id: string;
  type: 'spec' | 'change';
  valid: boolean;
  issues: RecordedIssue[];
}

/** What OpenSpec 1.13.2 printed for the fixture, recorded once (test/fixtures/openspec/<name>.openspec-1.13.2.json). */
export function recorded(name: string): {
  validate: RecordedItem[];
  archived: RecordedItem[];
  list: { name: string; completedTasks: number; totalTasks: number; status: string }[];
  specs: { id: string; requirementCount: number }[];
} {
  const rec = JSON.parse(readFileSync(join(repoRoot(), 'test', 'fixtures', 'openspec', `${name}.openspec-1.13.2.json`), 'utf8'));
  return {
    validate: rec.commands['validate --all --strict --json'].items,
    archived: rec.commands['validate --archived --json'].items,
    list: rec.commands['list --json'].changes,
    specs: rec.commands['list --specs --json'].specs,
  };
}
