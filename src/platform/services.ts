import type * as vscode from 'vscode';
import { type ChatTranscript } from './chat';
import { type FeaturePicker } from './featurePicker';
import { type NixServices } from './nix/nixServices';
import { type Prompter } from './prompter';
import { type SpecTreeProvider } from './specTreeProvider';
import { type Templates } from './templates';
import { type WorkspaceModel } from './workspaceModel';

/**
 * Everything features share, built by the composition root (`src/app.ts`) before any feature
 * registers, and handed to each `register…(services)`. A feature reads what it needs here and
 * never sets anything (the object is frozen): features never find each other through fields or
 * registration order. A new shared service gets a field here and is constructed in `app.ts`.
 */
export interface SpeckitServices {
  /** The extension's context: extensionUri, extensionMode, workspaceState, secrets. */
  readonly context: vscode.ExtensionContext;
  /** The "Spec Kit" output channel. */
  readonly log: vscode.LogOutputChannel;
  /** The one model of the workspace (index, watcher, unsaved edits), shared by every surface. */
  readonly model: WorkspaceModel;
  /** Quick picks, input boxes and confirmations (answerable from tests). */
  readonly prompter: Prompter;
  /** Resolves which project or feature a command is about. */
  readonly picker: FeaturePicker;
  /** spec-kit's file templates, resolved per project. */
  readonly templates: Templates;
  /** The Spec Explorer's tree data (shown by the explorer view; read by tests). */
  readonly tree: SpecTreeProvider;
  /** Flakes, Nix builds and build-gated task verification. */
  readonly nix: NixServices;
  /** Test mode only: every chat request's response, as shown; undefined otherwise. */
  readonly chatTranscripts: ChatTranscript[] | undefined;
  /** Keeps disposables until the extension deactivates; returns the first. */
  own<T extends vscode.Disposable>(...items: [T, ...vscode.Disposable[]]): T;
}

/**
 * What each feature folder exports: one function that registers its surface with the services.
 * It returns nothing, or a handle the composition root shows to integration tests (never to
 * another feature).
 */
export type RegisterFeature<Handle = void> = (services: SpeckitServices) => Handle;
