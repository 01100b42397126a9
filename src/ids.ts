/**
 * Every id the extension contributes, in one table. A unit test checks this file against
 * package.json, so a command can neither be declared without a handler nor the reverse.
 */
export const EXTENSION_ID = 'speckit-vscode.speckit-vscode';

/** Nix builds and build-gated task verification (issue 8). */
export const NixCommands = {
  buildHost: 'speckit.nix.buildHost',
  buildVm: 'speckit.nix.buildVm',
  flakeCheck: 'speckit.nix.flakeCheck',
  buildOutput: 'speckit.nix.buildOutput',
  showOutputs: 'speckit.nix.showOutputs',
  refreshFlakes: 'speckit.nix.refresh',
  showBuildLog: 'speckit.nix.showBuildLog',
  menu: 'speckit.nix.menu',
  verifyTask: 'speckit.verifyTask',
  chooseVerification: 'speckit.chooseVerification',
} as const;

/** The task type of Nix builds (package.json `taskDefinitions`). */
export const NIX_TASK_TYPE = 'speckit-nix';

export const NixContextKeys = {
  /** true when a workspace folder holds a flake.nix. */
  hasFlake: 'speckit.nix.hasFlake',
} as const;

export const Commands = {
  refresh: 'speckit.refresh',
  showLog: 'speckit.showLog',
  ...NixCommands,
  // Explorer, status bar, CodeLens and the palette (issue 4).
  initProject: 'speckit.initProject',
  newFeature: 'speckit.newFeature',
  switchFeature: 'speckit.switchFeature',
  setCurrentFeature: 'speckit.setCurrentFeature',
  openConstitution: 'speckit.openConstitution',
  openNextArtifact: 'speckit.openNextArtifact',
  revealInExplorer: 'speckit.revealInExplorer',
  runNextStep: 'speckit.runNextStep',
  clarifyFeature: 'speckit.clarifyFeature',
  planFeature: 'speckit.planFeature',
  tasksFeature: 'speckit.tasksFeature',
  analyzeFeature: 'speckit.analyzeFeature',
  implementFeature: 'speckit.implementFeature',
  implementTask: 'speckit.implementTask',
  implementPhase: 'speckit.implementPhase',
  clarifyMarker: 'speckit.clarifyMarker',
  markTaskDone: 'speckit.markTaskDone',
  markTaskNotDone: 'speckit.markTaskNotDone',
  toggleAcceptance: 'speckit.toggleAcceptance',
  /** Ticks or unticks a plain checkbox of an OpenSpec tasks.md (an item with no task number). */
  toggleTaskItem: 'speckit.toggleTaskItem',
  toggleTaskAtCursor: 'speckit.toggleTaskAtCursor',
  // Language server (issue 7).
  restartLanguageServer: 'speckit.restartLanguageServer',
  // Feature dashboard (issue 16).
  openDashboard: 'speckit.openDashboard',
  // Built-in OpenAI-compatible model vendor (issue 14).
  manageModelEndpoints: 'speckit.manageModelEndpoints',
  // GitHub issues both ways (issue 18).
  createGitHubIssues: 'speckit.github.createIssues',
  syncTaskStates: 'speckit.github.syncTaskStates',
  openGitHubIssue: 'speckit.github.openIssue',
} as const;


/** The language-model vendor of OpenAI-compatible endpoints (package.json `languageModelChatProviders`). */
export const MODEL_VENDOR = 'speckit-openai';

export const Views = {
  container: 'speckit',
  specs: 'speckit.specs',
} as const;

/** Webview panel types (`onWebviewPanel:` activation events, serializers). */
export const WebviewPanels = {
  dashboard: 'speckit.dashboard',
} as const;

/** Context keys the manifest's `when` clauses read. */
export const ContextKeys = {
  /** 'loading' | 'noProject' | 'ready' */
  state: 'speckit.state',
} as const;

export const CHAT_PARTICIPANT_ID = 'speckit.chat';

/**
 * The @speckit slash commands (package.json `chatParticipants[0].commands`, in the order shown),
 * keyed by the short name the code, the metadata and the follow-ups use.
 */
export const ChatSlashCommands = {
  constitution: 'speckit.constitution',
  specify: 'speckit.specify',
  clarify: 'speckit.clarify',
  plan: 'speckit.plan',
  checklist: 'speckit.checklist',
  tasks: 'speckit.tasks',
  analyze: 'speckit.analyze',
  implement: 'speckit.implement',
  converge: 'speckit.converge',
  status: 'speckit.status',
  // GitHub issues (issue 18); `sync` as its argument reads the issues back.
  taskstoissues: 'speckit.taskstoissues',
} as const;
export type ChatCommand = keyof typeof ChatSlashCommands;
/** A request to @speckit with no slash command: a question about the current feature. */
export const CHAT_ASK = 'ask';
/** What a chat turn does: one of the slash commands, or answer a question. */
export type ChatTurnKind = ChatCommand | typeof CHAT_ASK;

/** Language-model tools for agent mode (package.json `languageModelTools`). */
export const Tools = {
  listFeatures: 'speckit_listFeatures',
  readFeature: 'speckit_readFeature',
  analyzeFeature: 'speckit_analyzeFeature',
  setTaskState: 'speckit_setTaskState',
  runVerification: 'speckit_runVerification',
} as const;

/** Commands behind the chat's buttons (not in the palette). */
export const ChatCommands = {
  applyProposal: 'speckit.chat.applyProposal',
  openProposal: 'speckit.chat.openProposal',
  createBranch: 'speckit.chat.createBranch',
  /** An extension hook offered as a button in a chat answer. */
  runHook: 'speckit.chat.runHook',
} as const;
export const CHAT_PARTICIPANT_NAME = 'speckit';

export const Settings = {
  section: 'speckit',
  gitCreateBranch: 'speckit.git.createBranch',
  // Language server (issue 7).
  languageServerEnabled: 'speckit.languageServer.enabled',
  languageServerTrace: 'speckit.languageServer.trace.server',
  diagnosticsSeverity: 'speckit.diagnostics.severity',
  // Nix builds and verification (issue 8).
  nixPath: 'speckit.nix.path',
  nixExtraArgs: 'speckit.nix.extraArgs',
  verifyCommand: 'speckit.verify.command',
  // Security (issue 12): user settings only.
  protectedPaths: 'speckit.protectedPaths',
  // Chat (issue 5).
  clarifyAskAllAtOnce: 'speckit.clarify.askAllAtOnce',
  // Model provider (issue 14).
  modelEndpoints: 'speckit.modelProvider.endpoints',
  model: 'speckit.model',
  // GitHub issues (issue 18).
  githubEnterpriseUri: 'speckit.github.enterpriseUri',
  githubCloseIssuesOnTick: 'speckit.github.closeIssuesOnTick',
} as const;

export const OUTPUT_CHANNEL = 'Spec Kit';

/** Status bar item ids (users hide them by id). */
export const StatusBarItems = {
  currentFeature: 'speckit.currentFeature',
  nix: 'speckit.nix',
} as const;

/** The language client's id (its trace setting is `<id>.trace.server`). */
export const LANGUAGE_CLIENT_ID = 'speckit.languageServer';

export type CommandId = (typeof Commands)[keyof typeof Commands];
