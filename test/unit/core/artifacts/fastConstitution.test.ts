import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { constitutionSummary, footerFields, parseConstitution, principleSections } from '../../../../src/core/artifacts/constitution';
import { metadataFieldSpans } from '../../../../src/core/artifacts/docScan';
import { fastConstitutionSummary } from '../../../../src/core/artifacts/fastConstitution';
import { corpusDir, corpusFiles, markdownFiles, repoRoot } from '../../helpers/paths';

/** Asserts the fast summary is the full parse's; true when it answered (did not defer to the parse). */
function agrees(raw: string | Uint8Array, label: string): boolean {
  const fast = fastConstitutionSummary(raw);
  if (fast === undefined) return false;
  assert.deepEqual(fast, constitutionSummary(parseConstitution(raw)), label);
  return true;
}

/** Constitution pieces: the template's slots, filled headings and footers, footers in lists, quotes, tables, code and comments, markup in headings. */
const PIECES = [
  '# [PROJECT_NAME] Constitution\n',
  '# Acme Constitution\n',
  '# Acme Project Constitution\n',
  '# Constitution\n',
  '# `acme` Constitution\n',
  '# *Acme* Constitution\n',
  '# Acme [link](https://x) Constitution\n',
  '# Acme &amp; Co Constitution\n',
  '# Acme 憲法\n',
  '## Core Principles\n',
  '## Principles\n',
  '## Articles\n',
  '## **Core** Principles\n',
  '## Governance\n',
  '## [SECTION_2_NAME]\n',
  '### [PRINCIPLE_1_NAME]\n',
  '### [PRINCIPLE_2_NAME]\n',
  '### I. Library-First\n',
  '### II. CLI Interface\n',
  '### 3. Test-First (NON-NEGOTIABLE)\n',
  '### Article IV: Simplicity\n',
  '### 第5条 品質\n',
  '### V. `code` First\n',
  '### VI. **Bold** principle\n',
  '### Plain principle\n',
  '#### Detail\n',
  '[PRINCIPLE_1_DESCRIPTION]\n',
  'Some text with a [link](https://example.com).\n',
  '[ref]: https://example.com\n',
  '**Version**: 1.0.0 | **Ratified**: 2025-01-01 | **Last Amended**: 2025-02-02\n',
  '**Version**: [CONSTITUTION_VERSION] | **Ratified**: [RATIFICATION_DATE] | **Last Amended**: [LAST_AMENDED_DATE]\n',
  '**Version:** 2.1.0\n',
  'Version: 3.0.0\n',
  '**Version**:\n',
  '**Version**: `4.0.0`\n',
  '- **Version**: 5.0.0\n',
  '- [x] **Version**: 5.1.0\n',
  '  **Last Amended**: 2025-03-03\n',
  '> **Version**: 6.0.0\n',
  '> more quoted\n',
  '| **Version**: 7.0.0 | b |\n',
  '| --- | --- |\n',
  '```\n',
  '**Version**: 8.0.0\n',
  '```\n',
  '<!-- **Version**: 9.0.0 -->\n',
  '<!--\nSync Impact Report\n- Version change: 1.0.0 → 1.1.0\n-->\n',
  '<!-- Example: I. Library-First -->\n',
  '<div>\n',
  '---\n',
  '\n',
  '\n',
  '\n',
  'Plain paragraph text.\n',
  '1. numbered item\n',
  '    indented\n',
  'Setext\n===\n',
  '# Acme Constitution #\n',
  '## Principles ##\n',
  '### I. snake_case_name\n',
  '### _Emph_ principle\n',
  '### II. a_b_\n',
  '### III. __init__ rule\n',
  '# [A_B](x) Constitution\n',
  '# [A]\n',
  '### [X][y]\n',
  '### IV. Tab\tinside\n',
  '### V. No\u00a0break\n',
  '- ## Heading in a list\n',
  '## Article II\n',
  '**Constitution Version**: 10.0.0\n',
  'バージョン: 11.0.0\n',
]

const generated = fc
  .array(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...PIECES) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }), { maxLength: 30 })
  .map((parts) => parts.join(''));

describe('fastConstitutionSummary: the constitution summary without a full parse', () => {
  it('equals the full parse on every constitution of the real corpus, and answers for most of them', () => {
    const names = corpusFiles('.md').filter((n) => n.toLowerCase().endsWith('constitution.md'));
    assert.ok(names.length >= 5, `corpus has ${names.length} constitutions`);
    let answered = 0;
    for (const name of names) if (agrees(readFileSync(join(corpusDir(), name)), name)) answered++;
    assert.ok(answered * 2 >= names.length, `answered for ${answered} of ${names.length} corpus constitutions`);
  });

  it('equals the full parse on every markdown file of the corpus read as a constitution', () => {
    let answered = 0;
    const names = corpusFiles('.md');
    for (const name of names) {
      const raw = readFileSync(join(corpusDir(), name));
      if (agrees(raw, name)) answered++;
      if (agrees(raw.toString('utf8').replace(/\r?\n/g, '\r\n'), `${name} (CRLF)`)) answered++;
    }
    assert.ok(answered >= names.length / 2, `answered for ${answered} of ${names.length * 2}`);
  });

  it('equals the full parse on the test fixtures and the bundled templates, and answers for every fixture constitution', () => {
    const files = [...markdownFiles(join(repoRoot(), 'test', 'fixtures')), ...markdownFiles(join(repoRoot(), 'prompts')), ...markdownFiles(join(repoRoot(), 'media'))];
    const constitutions = files.filter((p) => /(?:memory|analysis)[\\/]constitution\.md$|constitution-template\.md$/i.test(p));
    assert.ok(constitutions.length >= 8, `${constitutions.length} constitutions`);
    for (const p of files) agrees(readFileSync(p), p);
    // The template (`# [PROJECT_NAME] Constitution`, `### [PRINCIPLE_1_NAME]`) and the filled ones alike.
    for (const p of constitutions) assert.ok(fastConstitutionSummary(readFileSync(p)), `no fast answer for ${p}`);
  });

  it('reads the template as unfilled and a filled one as filled, as the full parse does', () => {
    const template = '# [PROJECT_NAME] Constitution\n\n## Core Principles\n\n### [PRINCIPLE_1_NAME]\n\n[PRINCIPLE_1_DESCRIPTION]\n\n**Version**: [CONSTITUTION_VERSION] | **Ratified**: [RATIFICATION_DATE]\n';
    assert.deepEqual(fastConstitutionSummary(template), { kind: 'constitution', version: '[CONSTITUTION_VERSION]', placeholder: true, name: '[PROJECT_NAME]', principles: 1 });
    const filled = '<!-- Sync Impact Report: Version change: 1.0.0 → 1.1.0 -->\n# Acme Constitution\r\n\r\n## Core Principles\r\n\r\n### I. One\r\n\r\n### II. `Two`\r\n\r\n- **Version**: 1.1.0\r\n  **Ratified**: 2025-01-01\r\n';
    assert.deepEqual(fastConstitutionSummary(filled), { kind: 'constitution', version: '1.1.0', placeholder: false, name: 'Acme', principles: 2 });
    assert.deepEqual(fastConstitutionSummary(filled), constitutionSummary(parseConstitution(filled)));
  });

  it('leaves to the full parse what it cannot be sure of', () => {
    for (const text of [
      '---\ntitle: x\n---\n# Acme Constitution\n', // front matter
      '# *Acme* Constitution\n', // markup in the H1 the name comes from
      '# Acme\n\n## **Core** Principles\n\n### I. One\n', // markup in an H2 that may name principles
      '# Acme\n\n[x]: https://e\n\n# [x] Constitution\n', // a bracket that may be a reference link
      '# Acme\n\n<div>\n**Version**: 1.0.0\n</div>\n', // an HTML block
    ]) {
      assert.equal(fastConstitutionSummary(text), undefined, JSON.stringify(text));
    }
    // Markup in a heading the rules do not need: answered.
    assert.ok(fastConstitutionSummary('# Acme\n\n## Core Principles\n\n### I. One\n\n#### *Detail*\n'));
  });

  it('equals the full parse or says nothing on generated constitutions (LF, CRLF, CR), and answers for a good share', () => {
    let answered = 0;
    const runs = 2000;
    fc.assert(
      fc.property(generated, fc.constantFrom('\n', '\r\n', '\r'), (text, br) => {
        const t = text.replace(/\n/g, br);
        if (agrees(t, JSON.stringify(t))) answered++;
      }),
      { numRuns: runs },
    );
    // Measured: 1,004–1,067 of 2,000 answer (5 runs); under a third of that is the floor, so chance never fails it.
    assert.ok(answered >= runs / 6, `answered ${answered} of ${runs}`);
  });

  it('the summary rules are the full parse\'s own functions, over the fast reader\'s sections and paragraphs', () => {
    // Sections by order: an H2 principles section's H3s, not the H3s after the next H2.
    const sections = [
      { depth: 1, title: 'Acme', start: 0, end: 4 },
      { depth: 2, title: 'Core Principles', start: 1, end: 3 },
      { depth: 3, title: 'I. One', start: 2, end: 2 },
      { depth: 3, title: 'II. Two', start: 3, end: 3 },
      { depth: 2, title: 'Governance', start: 4, end: 5 },
      { depth: 3, title: 'III. Not one', start: 5, end: 5 },
    ];
    assert.deepEqual(
      principleSections(sections).map((s) => s.title),
      ['I. One', 'II. Two'],
    );
    // An empty version is a version (the full parse's field is there): a later one does not replace it.
    const src = '**Version**: | **Version**: 2.0.0';
    assert.equal(footerFields(metadataFieldSpans(src, true).map((f) => ({ label: f.label, value: src.slice(f.valueStart, f.valueEnd) }))).version, '');
    assert.deepEqual(constitutionSummary(parseConstitution(`# A\n\n${src}\n`)).version, '');
  });
});
