/**
 * Converge judges code it was shown. A finding about a file the model never saw ("X is missing
 * from src/y.ts" when src/y.ts was not sent) is a guess, and an appended task lives on in tasks.md,
 * so code drops such findings, and orders the rest most severe first, constitution violations first.
 */
import { type ConvergeFinding } from '../analysis/converge';

const SEVERITY_RANK: Record<string, number> = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3 };

export interface ConvergeScope {
  /** Files sent to the model (whole or cut), relative to the project root. */
  seen: readonly string[];
  /** Files tasks name that do not exist: a finding that they are missing is something the model knows. */
  absent: readonly string[];
  /** Feature artifacts (spec.md, plan.md, tasks.md, constitution…): always "seen". */
  artifacts: readonly string[];
}

/** File paths a finding names: `src/a.ts`, `./lib/x.py`, `README.md` (with an extension or a folder). */
export function pathsNamed(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/(?:^|[\s`'"([])((?:\.\/)?(?:[\w.@-]+\/)*[\w@-][\w.@-]*\.[A-Za-z][\w]{0,7})(?=$|[\s`'"),\]:;]|\.(?:\s|$))/g)) {
    const p = m[1]!.replace(/^\.\//, '');
    // Version numbers and abbreviations ("v1.2", "e.g") are not files.
    if (/^v?\d+(?:\.\d+)+$/.test(p) || /^(?:e\.g|i\.e|etc)$/i.test(p)) continue;
    out.add(p);
  }
  return [...out];
}

function known(p: string, scope: ConvergeScope): boolean {
  const all = [...scope.seen, ...scope.absent, ...scope.artifacts];
  // A bare name ("schema.sql") matches a seen path that ends with it.
  return all.some((s) => s === p || s.endsWith(`/${p}`) || p.endsWith(`/${s}`));
}

export interface ScopedFindings {
  kept: ConvergeFinding[];
  /** Dropped findings, each with the file(s) the model did not see. */
  dropped: Array<{ finding: ConvergeFinding; unseen: string[] }>;
}

/**
 * Keeps findings whose named files were all sent to the model (or are named by tasks and absent, or
 * are feature artifacts); findings that name no file are kept (they are about the spec's intent).
 * The kept ones are sorted most severe first, constitution findings first within a severity.
 */
export function scopeConvergeFindings(findings: readonly ConvergeFinding[], scope: ConvergeScope): ScopedFindings {
  const kept: ConvergeFinding[] = [];
  const dropped: ScopedFindings['dropped'] = [];
  for (const f of findings) {
    const unseen = pathsNamed(`${f.text} ${f.evidence}`).filter((p) => !known(p, scope));
    if (unseen.length > 0) dropped.push({ finding: f, unseen });
    else kept.push(f);
  }
  const constitution = (f: ConvergeFinding): number => (/^constitution\b/i.test(f.sourceRef) ? 0 : 1);
  kept.sort((a, b) => (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9) || constitution(a) - constitution(b));
  return { kept, dropped };
}
