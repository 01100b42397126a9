import * as vscode from 'vscode';
import { type DashboardUiState, type VerificationFact } from '../../core/dashboard/protocol';
import { Commands, WebviewPanels } from '../../ids';
import { type Target } from '../../platform/featurePicker';
import { type SpeckitServices } from '../../platform/services';
import { type DashboardDeps, DashboardPanel } from './dashboardPanel';

/** What the rest of the extension (and the integration tests) may do with dashboards. */
export interface DashboardApi {
  /** The open panels. */
  panels(): readonly DashboardPanel[];
  /** Opens (or reveals) the dashboard of a feature directory. */
  open(featureDir: string): DashboardPanel;
  /** What the serializer does when VS Code restores a panel after a reload. */
  restore(panel: vscode.WebviewPanel, state: unknown): Promise<DashboardPanel>;
}

/** Host builds remembered for the dashboard's build table (the runner keeps only the last one). */
const MAX_BUILDS = 50;
/** How long a restored panel waits for the first index before it shows what it has. */
const RESTORE_WAIT_MS = 10_000;

/** The feature dashboard: the command, the panels, and their serializer for window reloads; returns its handle for tests. */
export function registerDashboard(services: SpeckitServices): DashboardApi {
  const { model, context, nix } = services;
  const builds: VerificationFact[] = [];
  const deps: DashboardDeps = {
    model,
    extensionUri: context.extensionUri,
    log: services.log,
    verification: () => nix.verification,
    builds: () => builds,
    isTrusted: () => nix.trust.isTrusted(),
  };
  const panels = new Set<DashboardPanel>();

  const adopt = (webviewPanel: vscode.WebviewPanel, featureDir: string): DashboardPanel => {
    const panel = new DashboardPanel(webviewPanel, featureDir, deps);
    panels.add(panel);
    panel.onDidDispose(() => panels.delete(panel));
    return panel;
  };

  const api: DashboardApi = {
    panels: () => [...panels],
    open: (featureDir) => {
      const existing = [...panels].find((p) => p.featureDir === featureDir);
      if (existing) {
        existing.show(featureDir);
        return existing;
      }
      const webviewPanel = vscode.window.createWebviewPanel(
        WebviewPanels.dashboard,
        'Feature Dashboard',
        { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
        { enableScripts: true, enableFindWidget: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview')] },
      );
      return adopt(webviewPanel, featureDir);
    },
    restore: async (webviewPanel, state) => {
      if (!model.started) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            clearTimeout(timer);
            sub.dispose();
            resolve();
          };
          const sub = model.onDidStart(done);
          const timer = setTimeout(done, RESTORE_WAIT_MS);
        });
      }
      const saved = typeof state === 'object' && state !== null ? (state as Partial<DashboardUiState>).featureDir : undefined;
      const fallback = model.index.projects.map((p) => model.index.currentFeature(p)).find((f) => f !== undefined)?.feature.dir;
      return adopt(webviewPanel, typeof saved === 'string' && saved !== '' ? saved : (fallback ?? ''));
    },
  };
  services.own(
    vscode.commands.registerCommand(Commands.openDashboard, async (target?: Target) => {
      const feature = await services.picker.feature(target, 'Open the dashboard of');
      if (!feature) return undefined;
      api.open(feature.feature.dir);
      return feature.feature.dir;
    }),
    vscode.window.registerWebviewPanelSerializer(WebviewPanels.dashboard, {
      deserializeWebviewPanel: async (webviewPanel, state: unknown) => {
        await api.restore(webviewPanel, state);
      },
    }),
    nix.runner.onDidFinish((r) => {
      if (r.cancelled) return;
      builds.unshift({ ok: r.ok, exitCode: r.exitCode, label: r.label, finishedAt: Date.now(), durationMs: r.durationMs });
      builds.splice(MAX_BUILDS);
      for (const p of panels) void p.update();
    }),
    new vscode.Disposable(() => {
      for (const p of [...panels]) p.dispose();
    }),
  );
  return api;
}
