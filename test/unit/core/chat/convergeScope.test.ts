import * as assert from 'node:assert/strict';
import { type ConvergeFinding } from '../../../../src/core/analysis/converge';
import { pathsNamed, scopeConvergeFindings } from '../../../../src/core/chat/convergeScope';

const finding = (text: string, extra: Partial<ConvergeFinding> = {}): ConvergeFinding => ({ text, sourceRef: 'FR-001', gap: 'missing', severity: 'MEDIUM', evidence: '', ...extra });

describe('convergeScope', () => {
  it('finds file paths a finding names, not versions or abbreviations', () => {
    assert.deepEqual(pathsNamed('Add retries to `src/net/client.ts` (see ./lib/util.py), e.g. like README.md.'), ['src/net/client.ts', 'lib/util.py', 'README.md']);
    assert.deepEqual(pathsNamed('Upgrade to v1.2.3, i.e. the latest'), []);
  });

  it('drops findings about files the model was not shown, keeps the rest', () => {
    const r = scopeConvergeFindings(
      [
        finding('Add rate limiting in src/server.ts'),
        finding('Create src/b.txt', { evidence: 'no file' }),
        finding('Handle the empty list in src/a.ts', { evidence: 'a.ts:12 returns early' }),
        finding('Document the backup schedule'),
      ],
      { seen: ['src/a.ts'], absent: ['src/b.txt'], artifacts: ['specs/1/spec.md'] },
    );
    assert.deepEqual(
      r.kept.map((f) => f.text),
      ['Create src/b.txt', 'Handle the empty list in src/a.ts', 'Document the backup schedule'],
    );
    assert.deepEqual(r.dropped, [{ finding: finding('Add rate limiting in src/server.ts'), unseen: ['src/server.ts'] }]);
  });

  it('orders the kept findings most severe first, constitution violations first', () => {
    const r = scopeConvergeFindings(
      [finding('low', { severity: 'LOW' }), finding('high', { severity: 'HIGH' }), finding('crit spec', { severity: 'CRITICAL' }), finding('crit constitution', { severity: 'CRITICAL', sourceRef: 'Constitution II' })],
      { seen: [], absent: [], artifacts: [] },
    );
    assert.deepEqual(
      r.kept.map((f) => f.text),
      ['crit constitution', 'crit spec', 'high', 'low'],
    );
  });
});
