/**
 * Constitution alignment, spec-kit's pass D: the plan's Constitution Check gates, and every MUST
 * principle addressed somewhere in the plan.
 */
import { type ConstitutionDoc, type Principle } from '../artifacts/constitution';
import { type PlanDoc } from '../artifacts/plan';
import { type AddFinding, type ArtifactPaths, lineOf } from './findings';
import { oneLine } from './modelJson';
import { contentTerms, sharedTerms } from './terms';

export function constitutionPass(constitution: ConstitutionDoc, plan: PlanDoc | undefined, p: ArtifactPaths, add: AddFinding): void {
  if (constitution.isPlaceholder) {
    add({
      category: 'Constitution',
      severity: 'LOW',
      location: { path: p.constitution, line: 1 },
      summary: 'The constitution is still the unfilled template; there are no principles to check the plan against.',
      recommendation: 'Write the principles with /speckit.constitution.',
    });
    return;
  }
  if (!plan) return;
  const check = plan.constitutionCheck;
  if (!check) {
    add({
      category: 'Constitution',
      severity: 'HIGH',
      location: { path: p.plan, line: 1 },
      summary: 'The plan has no Constitution Check section.',
      recommendation: 'Add the Constitution Check gate to plan.md (/speckit.plan writes it).',
    });
  } else {
    for (const item of check.items) {
      if (item.state === 'pass') continue;
      add({
        category: 'Constitution',
        severity: 'CRITICAL',
        location: { path: p.plan, line: lineOf(item.range) },
        summary: `Constitution Check item ${item.state === 'fail' ? 'fails' : 'is not checked'}: ${oneLine(item.text, 140)}`,
        recommendation: item.state === 'fail' ? 'Change the plan to comply, or justify it in Complexity Tracking and amend the constitution.' : 'Settle the gate before implementing.',
      });
    }
  }
  const planText = planCorpus(plan);
  const planTerms = new Set(contentTerms(planText));
  for (const principle of constitution.principles) {
    if (!isMandatory(principle)) continue;
    if (addressed(principle, planText, planTerms)) continue;
    add({
      category: 'Constitution',
      severity: 'CRITICAL',
      location: { path: p.constitution, line: lineOf(principle.nameRange) },
      summary: `MUST principle "${principle.name}" is not addressed anywhere in plan.md.`,
      recommendation: `State in the plan's Constitution Check how the design satisfies "${principle.name}".`,
    });
  }
}

function isMandatory(p: Principle): boolean {
  return /\bMUST\b|NON-NEGOTIABLE/.test(`${p.name} ${p.body}`);
}

function planCorpus(plan: PlanDoc): string {
  return [
    plan.title?.value,
    plan.summary?.value,
    ...plan.technicalContext.map((e) => `${e.key} ${e.value}`),
    ...(plan.constitutionCheck?.items.map((i) => i.text) ?? []),
    plan.structureDecision?.value,
    ...plan.complexity.map((c) => `${c.violation} ${c.whyNeeded} ${c.simplerAlternative}`),
    ...plan.phases.flatMap((ph) => [ph.title, ...ph.items.map((i) => i.value)]),
  ]
    .filter((x): x is string => typeof x === 'string')
    .join('\n');
}

const ROMAN = ['', 'I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII', 'XIII', 'XIV', 'XV', 'XVI', 'XVII', 'XVIII', 'XIX', 'XX'];

/** The plan names the principle, cites it by number, or uses at least half of its name's key terms. */
function addressed(p: Principle, planText: string, planTerms: ReadonlySet<string>): boolean {
  const name = p.name.replace(/\(.*?\)/g, '').trim();
  if (name && planText.toLowerCase().includes(name.toLowerCase())) return true;
  if (p.number !== undefined) {
    const refs = [String(p.number), ROMAN[p.number] ?? ''].filter(Boolean);
    const cite = new RegExp(`\\b(?:principle|article|constitution)\\s+(?:${refs.join('|')})\\b`, 'i');
    if (cite.test(planText)) return true;
  }
  const terms = contentTerms(name);
  if (terms.length === 0) return true; // a name of CJK characters or stop words cannot be judged by terms
  return sharedTerms(terms, planTerms).length * 2 >= terms.length;
}
