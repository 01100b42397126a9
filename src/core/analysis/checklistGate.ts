import { type ChecklistDoc } from '../artifacts/checklist';
import { cell } from './analysisMarkdown';

export interface ChecklistGateRow {
  readonly name: string;
  readonly total: number;
  readonly checked: number;
  readonly unchecked: number;
  readonly pass: boolean;
}

export interface ChecklistGate {
  readonly rows: ChecklistGateRow[];
  /** True when no checklist has an unchecked item (also when there are no checklists). */
  readonly pass: boolean;
  readonly open: Array<{ name: string; text: string; id?: string }>;
}

/** spec-kit's implement gate: every `- [ ]` item of every checklist counts against it. Rows by name. */
export function checklistGate(checklists: Array<{ name: string; doc: ChecklistDoc }>): ChecklistGate {
  const sorted = [...checklists].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const rows = sorted.map(({ name, doc }) => {
    const checked = doc.items.filter((i) => i.checked).length;
    const total = doc.items.length;
    return { name, total, checked, unchecked: total - checked, pass: checked === total };
  });
  const open = sorted.flatMap(({ name, doc }) => doc.items.filter((i) => !i.checked).map((i) => (i.id !== undefined ? { name, text: i.text, id: i.id } : { name, text: i.text })));
  return { rows, pass: rows.every((r) => r.pass), open };
}

export function checklistGateMarkdown(gate: ChecklistGate): string {
  if (gate.rows.length === 0) return 'No checklists in `checklists/`: nothing to gate.\n';
  const lines = ['| Checklist | Total | Checked | Unchecked | Status |', '|-----------|-------|---------|-----------|--------|'];
  for (const r of gate.rows) lines.push(`| ${cell(r.name)} | ${r.total} | ${r.checked} | ${r.unchecked} | ${r.pass ? '✓ PASS' : '✗ FAIL'} |`);
  lines.push('');
  if (gate.pass) lines.push('**Overall: ✓ PASS** — all checklists are complete.');
  else {
    const failing = gate.rows.filter((r) => !r.pass).length;
    lines.push(`**Overall: ✗ FAIL** — ${gate.open.length} unchecked item${gate.open.length === 1 ? '' : 's'} in ${failing} checklist${failing === 1 ? '' : 's'}.`);
  }
  return lines.join('\n') + '\n';
}
