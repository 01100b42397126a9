import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConstitution } from '../../../../src/core/artifacts/constitution';
import { finalizeConstitution, reviewFacts } from '../../../../src/core/chat/constitution';
import { repoRoot } from '../../helpers/paths';

function constitution(opts: { principles: Array<[string, string]>; sections?: Array<[string, string]>; footer?: string }): string {
  const parts = ['# pantherOS Constitution', '', '## Core Principles', ''];
  opts.principles.forEach(([name, body], i) => parts.push(`### ${['I', 'II', 'III', 'IV', 'V', 'VI'][i]}. ${name}`, '', body, ''));
  for (const [name, body] of opts.sections ?? [['Governance', 'Amendments need a PR and review.']]) parts.push(`## ${name}`, '', body, '');
  if (opts.footer !== undefined) parts.push(opts.footer, '');
  return parts.join('\n');
}

const P1: [string, string] = ['Declarative Configuration', 'All configuration MUST be declared in Nix. Build with `nix build .#nixosConfigurations.panther.config.system.build.toplevel`.'];
const P2: [string, string] = ['Reproducible Builds', 'Every host MUST build from the flake lock alone.'];
const P3: [string, string] = ['Secrets Stay Out of Git', 'Secrets SHALL live in OpNix, never in the repository.'];

const PREVIOUS = constitution({ principles: [P1, P2], footer: '**Version**: 1.2.0 | **Ratified**: 2024-05-01 | **Last Amended**: 2024-06-01' });

describe('core/chat/constitution', () => {
  describe('finalizeConstitution', () => {
    it('gives a first constitution 1.0.0 with today as both dates and an initial report', () => {
      const r = finalizeConstitution({ proposed: constitution({ principles: [P1, P2], footer: '**Version**: 1.0.0 | **Ratified**: 2020-01-01 | **Last Amended**: 2020-01-01' }), today: '2025-03-01' });
      assert.equal(r.bump, 'INITIAL');
      assert.equal(r.version, '1.0.0');
      assert.equal(r.versionFixed, false);
      assert.equal(r.ratified, '2025-03-01');
      assert.equal(r.lastAmended, '2025-03-01');
      assert.match(r.text, /^<!--\nSync Impact Report\nVersion change: N\/A \(initial\) → 1\.0\.0/);
      assert.match(r.text, /\*\*Version\*\*: 1\.0\.0 \| \*\*Ratified\*\*: 2025-03-01 \| \*\*Last Amended\*\*: 2025-03-01\n$/);
      const doc = parseConstitution(r.text);
      assert.equal(doc.syncImpactReport?.versionTo, '1.0.0');
      assert.deepEqual(doc.problems.filter((p) => p.code === 'version-mismatch'), []);
    });

    it('treats the unfilled template as no previous constitution', () => {
      const template = readFileSync(join(repoRoot(), 'prompts', 'templates', 'constitution-template.md'), 'utf8');
      const r = finalizeConstitution({ previous: template, proposed: constitution({ principles: [P1] }), today: '2025-03-01' });
      assert.equal(r.bump, 'INITIAL');
      assert.equal(r.previousVersion, undefined);
      assert.equal(r.version, '1.0.0');
      assert.equal(r.versionFixed, true, 'the footer was missing');
    });

    it('requires MINOR for an added principle and fixes a too-low model version', () => {
      const proposed = constitution({ principles: [P1, P2, P3], footer: '**Version**: 1.2.1 | **Ratified**: 2024-05-01 | **Last Amended**: 2025-03-01' });
      const r = finalizeConstitution({ previous: PREVIOUS, proposed, today: '2025-03-01' });
      assert.equal(r.bump, 'MINOR');
      assert.equal(r.version, '1.3.0');
      assert.equal(r.previousVersion, '1.2.0');
      assert.equal(r.modelVersion, '1.2.1');
      assert.equal(r.versionFixed, true);
      assert.deepEqual(r.added, ['III. Secrets Stay Out of Git']);
      assert.equal(r.ratified, '2024-05-01');
      assert.match(r.report, /Version change: 1\.2\.0 → 1\.3\.0 \(MINOR: added III\. Secrets Stay Out of Git\)/);
    });

    it('requires MAJOR for a removed principle and reports it', () => {
      const proposed = constitution({ principles: [P1], footer: '**Version**: 1.3.0 | **Ratified**: 2024-05-01 | **Last Amended**: 2025-03-01' });
      const r = finalizeConstitution({ previous: PREVIOUS, proposed, today: '2025-03-01' });
      assert.equal(r.bump, 'MAJOR');
      assert.equal(r.version, '2.0.0');
      assert.deepEqual(r.removed, ['II. Reproducible Builds']);
      assert.match(r.report, /Removed sections:\n {2}- II\. Reproducible Builds/);
    });

    it('detects a renamed principle (same number) as MAJOR', () => {
      const proposed = constitution({ principles: [P1, ['Hermetic Builds', P2[1]]], footer: '**Version**: 2.0.0 | **Ratified**: 2024-05-01 | **Last Amended**: 2025-03-01' });
      const r = finalizeConstitution({ previous: PREVIOUS, proposed, today: '2025-03-01' });
      assert.deepEqual(r.renamed, [{ from: 'II. Reproducible Builds', to: 'II. Hermetic Builds' }]);
      assert.equal(r.bump, 'MAJOR');
      assert.equal(r.versionFixed, false);
      assert.match(r.report, /II\. Reproducible Builds → II\. Hermetic Builds/);
    });

    it('requires only PATCH for wording and accepts a model MINOR as its judgement', () => {
      const reworded = constitution({ principles: [P1, [P2[0], 'Every host MUST build from the flake lock alone, offline.']], footer: '**Version**: 1.2.1 | **Ratified**: x | **Last Amended**: y' });
      const r = finalizeConstitution({ previous: PREVIOUS, proposed: reworded, today: '2025-03-01' });
      assert.equal(r.bump, 'PATCH');
      assert.equal(r.version, '1.2.1');
      assert.equal(r.versionFixed, false);
      assert.match(r.report, /II\. Reproducible Builds \(text revised\)/);
      const minor = finalizeConstitution({ previous: PREVIOUS, proposed: reworded.replace('1.2.1', '1.3.0'), today: '2025-03-01' });
      assert.equal(minor.bump, 'MINOR');
      assert.equal(minor.version, '1.3.0');
      const absurd = finalizeConstitution({ previous: PREVIOUS, proposed: reworded.replace('1.2.1', '7.4.2'), today: '2025-03-01' });
      assert.equal(absurd.version, '1.2.1');
      assert.equal(absurd.versionFixed, true);
    });

    it('detects added and removed ## sections', () => {
      const proposed = constitution({ principles: [P1, P2], sections: [['Governance', 'Amendments need a PR and review.'], ['Security Requirements', 'Nothing listens on 0.0.0.0.']], footer: '**Version**: 1.3.0' });
      const r = finalizeConstitution({ previous: PREVIOUS, proposed, today: '2025-03-01' });
      assert.deepEqual(r.added, ['Security Requirements']);
      assert.equal(r.bump, 'MINOR');
      const without = constitution({ principles: [P1, P2], sections: [], footer: '**Version**: 2.0.0' });
      const r2 = finalizeConstitution({ previous: PREVIOUS, proposed: without, today: '2025-03-01' });
      assert.deepEqual(r2.removed, ['Governance']);
      assert.equal(r2.bump, 'MAJOR');
    });

    it("replaces the model's Sync Impact Report, appends a missing footer and lists placeholders and TODOs", () => {
      const proposed = '<!--\nSync Impact Report\nVersion change: 9.9.9 → 10.0.0\n-->\n' + constitution({ principles: [P1, ['[PRINCIPLE_2_NAME]', 'TODO(OWNER): name the owner']] });
      const r = finalizeConstitution({ previous: PREVIOUS, proposed, today: '2025-03-01' });
      assert.equal((r.text.match(/Sync Impact Report/g) ?? []).length, 1);
      assert.doesNotMatch(r.text, /9\.9\.9/);
      assert.match(r.text, /\*\*Version\*\*: 2\.0\.0 \| \*\*Ratified\*\*: 2024-05-01 \| \*\*Last Amended\*\*: 2025-03-01\n$/);
      assert.deepEqual(r.placeholders, ['PRINCIPLE_2_NAME']);
      assert.match(r.report, /TODO\(OWNER\): name the owner/);
      assert.ok(r.problems.some((p) => /PRINCIPLE_2_NAME/.test(p)));
    });

    it('keeps CRLF and the BOM of the previous file and unwraps a ```markdown fence', () => {
      const prev = '\ufeff' + PREVIOUS.replace(/\n/g, '\r\n');
      const proposed = '```markdown\n' + constitution({ principles: [P1, P2], footer: '**Version**: 1.2.1' }) + '```\n';
      const r = finalizeConstitution({ previous: prev, proposed, today: '2025-03-01' });
      assert.ok(r.text.startsWith('\ufeff<!--'));
      assert.doesNotMatch(r.text.replace(/\r\n/g, ''), /\n/);
      assert.doesNotMatch(r.text, /```/);
      assert.equal(r.version, '1.2.1');
    });

    it('keeps hostile names from closing the report comment early', () => {
      const proposed = constitution({ principles: [P1, P2, ['Evil --> <script>', 'x']], footer: '**Version**: 1.3.0' });
      const r = finalizeConstitution({ previous: PREVIOUS, proposed, today: '2025-03-01' });
      assert.equal((r.report.match(/-->/g) ?? []).length, 1);
    });
  });

  describe('reviewFacts', () => {
    it('extracts principles and their gates', () => {
      const doc = parseConstitution(PREVIOUS.replace('Every host', '- Run `nix flake check` before merging.\n\nEvery host'));
      const facts = reviewFacts(doc);
      assert.equal(facts.name, 'pantherOS');
      assert.equal(facts.version, '1.2.0');
      assert.equal(facts.placeholder, false);
      assert.deepEqual(facts.principles.map((p) => p.name), ['I. Declarative Configuration', 'II. Reproducible Builds']);
      assert.ok(facts.principles[0]!.gates.some((g) => /MUST be declared in Nix/.test(g)));
      assert.ok(facts.principles[0]!.gates.includes('nix build .#nixosConfigurations.panther.config.system.build.toplevel'));
      assert.ok(facts.principles[1]!.gates.includes('nix flake check'));
      assert.ok(facts.principles[1]!.gates.some((g) => /MUST build from the flake lock/.test(g)));
    });

    it('says when the constitution is still the template', () => {
      const template = readFileSync(join(repoRoot(), 'prompts', 'templates', 'constitution-template.md'), 'utf8');
      const facts = reviewFacts(parseConstitution(template));
      assert.equal(facts.placeholder, true);
      assert.ok(facts.principles.every((p) => p.gates.length === 0));
    });
  });
});
