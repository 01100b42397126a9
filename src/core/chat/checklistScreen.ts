/**
 * Checklist items test the writing of requirements ("unit tests for English"), never the product.
 * spec-kit's prompt forbids implementation checks ("Verify the button clicks", "works properly",
 * render/load/click, QA procedures) and requires questions about the requirements; code enforces it
 * so a model that slips does not leave test steps in a reviewer's checklist.
 */

export interface ChecklistCategory {
  title: string;
  items: string[];
}

/** Why an item is not a requirements-quality question; undefined when it is one. */
export function checklistItemProblem(text: string): string | undefined {
  const t = text.trim();
  // Quoted phrases are the requirement's own words ("Is 'fast loading' quantified?"): not checked.
  const bare = t.replace(/"[^"]*"|'[^']*'|“[^”]*”|‘[^’]*’|`[^`]*`/g, '""');
  if (/^(?:verify|test|confirm|check|ensure|validate)\b/i.test(bare)) return 'starts with a test verb: it checks the product, not the requirement';
  if (/\b(?:works?|functions?|behaves?|displays?|renders?)\s+(?:properly|correctly|as expected|well)\b/i.test(bare)) return '"works properly" is a test of the product';
  if (/\b(?:click(?:s|ed|ing)?|render(?:s|ed|ing)?|(?:page|screen|app)\s+loads?|loads? (?:correctly|properly|successfully))\b/i.test(bare)) return 'describes clicking, rendering or loading: a QA step, not a question about the requirement';
  if (/\b(?:manually|run the (?:tests?|app)|open the (?:page|app)|step \d|test cases?)\b/i.test(bare)) return 'describes a QA procedure';
  // The required form: a question about the requirement, trace references after it.
  const withoutRefs = bare.replace(/(?:\s*\[[^\]]*\])+\s*$/, '').trim();
  if (!withoutRefs.endsWith('?')) return 'is not a question (write "Is/Are/Does … specified/quantified/defined …?")';
  return undefined;
}

/** Items flagged by `checklistItemProblem`, with where they are. */
export interface FlaggedItem {
  category: string;
  text: string;
  problem: string;
}

export function screenChecklist(categories: readonly ChecklistCategory[]): { kept: ChecklistCategory[]; flagged: FlaggedItem[] } {
  const flagged: FlaggedItem[] = [];
  const kept = categories.map((c) => ({
    title: c.title,
    items: c.items.filter((text) => {
      const problem = checklistItemProblem(text);
      if (problem) flagged.push({ category: c.title, text, problem });
      return !problem;
    }),
  }));
  return { kept: kept.filter((c) => c.items.length > 0), flagged };
}

/** Trace markers of items that name a risk rather than a covered section. */
const RISK = /\[(?:Gap|Conflict|Ambiguity)\b[^\]]*\]|\b(?:security|privacy|data loss|auth\w*|permission|failure|recovery|rollback)\b/i;

/**
 * At most `cap` items; over the cap the highest-risk ones stay (gaps, conflicts, ambiguities,
 * security and failure topics), the others in their order. Returns the categories and how many were cut.
 */
export function capChecklist(categories: readonly ChecklistCategory[], cap: number): { kept: ChecklistCategory[]; dropped: number } {
  const all = categories.flatMap((c, ci) => c.items.map((text, ii) => ({ ci, ii, text, risk: RISK.test(text) ? 0 : 1 })));
  if (all.length <= cap) return { kept: categories.map((c) => ({ title: c.title, items: [...c.items] })), dropped: 0 };
  const chosen = new Set([...all].sort((a, b) => a.risk - b.risk || a.ci - b.ci || a.ii - b.ii).slice(0, Math.max(0, cap)).map((x) => `${x.ci}:${x.ii}`));
  const kept = categories.map((c, ci) => ({ title: c.title, items: c.items.filter((_, ii) => chosen.has(`${ci}:${ii}`)) })).filter((c) => c.items.length > 0);
  return { kept, dropped: all.length - chosen.size };
}

/** Categories back to the markdown `appendChecklistItems` reads. */
export function checklistMarkdown(categories: readonly ChecklistCategory[]): string {
  return categories.map((c) => `## ${c.title}\n\n${c.items.map((i) => `- [ ] ${i}`).join('\n')}\n`).join('\n');
}
