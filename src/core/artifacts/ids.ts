/**
 * The ID families of spec-kit documents. Requirement-like IDs are `XX-000` (FR-001, SC-002, NFR-003,
 * CR-004…); the seed's dialect derives `FR-1`, `NFR-1` from numbered lists.
 */
export const REQUIREMENT_ID = /\b([A-Z]{1,5})-(\d{1,4}[a-z]?)\b/g;
export const TASK_ID = /\bT(\d{3,})[a-z]?\b/g;
export const STORY_ID = /\bUS-?(\d+)\b/g;
export const CHECKLIST_ID = /\bCHK(\d{3,})\b/g;

/** Families that are not requirements although they look like `XX-000`. */
const NOT_REQUIREMENTS = new Set(['US', 'UTF', 'ISO', 'RFC', 'SHA', 'TLS', 'SSL', 'HTTP', 'CVE', 'GPL', 'MIT', 'ES', 'PEP', 'X']);

export function isRequirementFamily(family: string): boolean {
  return !NOT_REQUIREMENTS.has(family);
}

/** Every requirement-like ID named in a text, in order, without duplicates. */
export function requirementRefs(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(REQUIREMENT_ID)) if (isRequirementFamily(m[1]!)) out.add(m[0]);
  return [...out];
}

/** Every task ID named in a text (T001…), in order, without duplicates. */
export function taskRefs(text: string): string[] {
  return [...new Set([...text.matchAll(TASK_ID)].map((m) => m[0]))];
}

/** `US3`, `US-3` → `US3`. */
export function normalizeStoryId(raw: string): string | undefined {
  const m = /^US-?(\d+)$/i.exec(raw.trim());
  return m ? `US${Number(m[1])}` : undefined;
}

/** `T7` → `T007`: task IDs have at least three digits. */
export function formatTaskId(n: number): string {
  return `T${String(n).padStart(3, '0')}`;
}
