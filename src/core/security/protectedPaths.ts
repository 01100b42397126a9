/**
 * Paths the model may not write on its own during /speckit.implement: files that run code or
 * change how the editor, git, CI, direnv or Spec Kit itself behave. Ordinary source files (`*.nix`
 * included) stay the model's normal work. A write to a protected path is never applied silently:
 * the implement loop holds it back and shows it to the user as a diff to apply or discard.
 */
import { minimatch } from 'minimatch';

export interface ProtectedRule {
  readonly pattern: string;
  /** Why it is protected, for the message the user and the model see. */
  readonly why: string;
}

/** Always protected (case-insensitive; `**` also matches nested copies, which behave the same). */
export const BUILTIN_PROTECTED: readonly ProtectedRule[] = [
  { pattern: '**/.vscode/**', why: 'editor settings, tasks and launch configurations can run commands (speckit.verify.command among them)' },
  { pattern: '**/*.code-workspace', why: 'workspace settings can run commands' },
  { pattern: '**/.git/**', why: 'git configuration and hooks run code (core.fsmonitor, hooks/*)' },
  { pattern: '**/.gitmodules', why: 'submodule URLs and commands are fetched and run by git' },
  { pattern: '.github/workflows/**', why: 'CI workflows run code with the repository’s secrets' },
  { pattern: '**/.envrc', why: 'direnv runs it on entering the folder' },
  { pattern: '**/.direnv/**', why: 'direnv’s cache is sourced into shells' },
  { pattern: '**/.specify/**', why: 'spec-kit’s configuration, templates and prompt overrides steer every command' },
];

export interface ProtectionContext {
  /** Project-relative paths protected for this run: the feature's own tasks.md and spec.md during implement. */
  readonly runFiles?: readonly string[];
  /** `speckit.protectedPaths`: more glob patterns, relative to the project root. */
  readonly userPatterns?: readonly string[];
}

export interface Protection {
  readonly pattern: string;
  readonly why: string;
}

/**
 * Whether a project-relative path is protected, and by which rule. Pass every name a write has
 * (as named, and where symlinks really lead): any one matching protects it.
 */
export function protectionOf(relPaths: readonly string[], ctx: ProtectionContext = {}): Protection | undefined {
  const names = [...new Set(relPaths.map((p) => p.replace(/^\.\//, '')))];
  for (const name of names) {
    const run = ctx.runFiles?.find((f) => f.toLowerCase() === name.toLowerCase());
    if (run) return { pattern: run, why: 'task state changes only through Spec Kit’s tick after verification, and the spec only through its commands' };
    for (const rule of BUILTIN_PROTECTED) if (matches(name, rule.pattern)) return rule;
    for (const pattern of ctx.userPatterns ?? []) {
      if (typeof pattern === 'string' && pattern.trim() && matches(name, pattern.trim())) return { pattern, why: 'it matches speckit.protectedPaths' };
    }
  }
  return undefined;
}

function matches(relPath: string, pattern: string): boolean {
  // A bare folder pattern ("secrets/") protects everything under it.
  const glob = pattern.endsWith('/') ? `${pattern}**` : pattern;
  return minimatch(relPath, glob, { dot: true, nocase: true, matchBase: !glob.includes('/') });
}
