import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES, SEVERITY_SETTINGS } from '../../../../src/core/lint/rules';
import { repoRoot } from '../../helpers/paths';

const manifest = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { properties?: Record<string, { enum: string[] }>; additionalProperties?: { enum: string[] } }> } };
};

describe('speckit.diagnostics.severity', () => {
  const setting = manifest.contributes.configuration.properties['speckit.diagnostics.severity'];

  it('lists every rule code of src/core/lint/rules.ts, and nothing else', () => {
    assert.ok(setting?.properties);
    assert.deepEqual(Object.keys(setting.properties).sort(), Object.keys(RULES).sort());
  });

  it('offers the same levels for each code as the server accepts', () => {
    for (const [code, p] of Object.entries(setting!.properties!)) assert.deepEqual(p.enum, [...SEVERITY_SETTINGS], code);
    assert.deepEqual(setting!.additionalProperties?.enum, [...SEVERITY_SETTINGS]);
  });

  it('documents every code in the README', () => {
    const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
    for (const code of Object.keys(RULES)) assert.ok(readme.includes(`\`${code}\``), code);
  });
});
