/**
 * Which artifacts each chat command sends to the model: only what the command needs, since every
 * token of context costs the user time and quota (spec-kit's prompts load ~18k tokens; #1401).
 */
export type ContextArtifact = 'constitution' | 'spec' | 'plan' | 'research' | 'dataModel' | 'quickstart' | 'contracts' | 'tasks' | 'checklists';

export const COMMAND_CONTEXT: Readonly<Record<string, readonly ContextArtifact[]>> = {
  specify: ['constitution'],
  clarify: ['spec', 'constitution'],
  'clarify-apply': ['spec'],
  plan: ['constitution', 'spec'],
  tasks: ['constitution', 'spec', 'plan', 'dataModel', 'contracts', 'research', 'quickstart'],
  ask: ['constitution', 'spec', 'plan', 'research', 'dataModel', 'contracts', 'quickstart', 'tasks'],
  'constitution-review': ['constitution', 'spec'],
};
