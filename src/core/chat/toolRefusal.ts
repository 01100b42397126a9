/**
 * How a language-model tool says it did nothing: a result starting "Refused:". The tools' guards,
 * the tool loop and the script runner write it; the commands read it to warn the user. One place,
 * so the prefix a producer writes is the prefix a reader looks for.
 */
const PREFIX = 'Refused: ';

/** The result of a call a guard refused (bad input, a protected path, an untrusted workspace, a declined script). */
export function refusal(reason: unknown): string {
  return `${PREFIX}${reason instanceof Error ? reason.message : String(reason)}`;
}

export function isRefusal(result: string): boolean {
  return result.startsWith(PREFIX.trimEnd());
}

/** The warning shown for a refused call: the tool, the start of its input, and the refusal. */
export function refusedCallWarning(name: string, input: unknown, result: string): string {
  return `${name} ${JSON.stringify(input).slice(0, 120)}: ${result}`;
}
