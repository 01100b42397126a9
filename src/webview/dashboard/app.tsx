import { useEffect, useRef, useState } from 'preact/hooks';
import { type DashboardTab, type DashboardUiState, type DashboardView, type FromWebview, type ToWebview } from '../../core/dashboard/protocol';
import { Board } from './board';
import { Progress } from './progress';
import { Requirements } from './requirements';
import { plural } from './text';
import { Workflow } from './workflow';

/** The part of the webview API the app uses (acquireVsCodeApi()). */
export interface Host {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: DashboardUiState): void;
}

export type Send = (message: FromWebview) => void;

const TABS: ReadonlyArray<{ id: DashboardTab; label: string }> = [
  { id: 'board', label: 'Tasks' },
  { id: 'requirements', label: 'Requirements' },
  { id: 'progress', label: 'Progress' },
];

function isMessage(data: unknown): data is ToWebview {
  const d = data as { type?: unknown } | null;
  return typeof d === 'object' && d !== null && (d.type === 'view' || d.type === 'missing');
}

export function App({ host }: { host: Host }) {
  const saved = (host.getState() ?? {}) as Partial<DashboardUiState>;
  const [view, setView] = useState<DashboardView | undefined>(undefined);
  const [missing, setMissing] = useState<string | undefined>(undefined);
  const [tab, setTab] = useState<DashboardTab>(saved.tab && TABS.some((t) => t.id === saved.tab) ? saved.tab : 'board');
  const [groupBy, setGroupBy] = useState<'phase' | 'story'>(saved.groupBy === 'story' ? 'story' : 'phase');
  const featureDir = view?.featureDir ?? (typeof saved.featureDir === 'string' ? saved.featureDir : '');
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});

  useEffect(() => {
    const onMessage = (e: MessageEvent<unknown>): void => {
      if (!isMessage(e.data)) return;
      if (e.data.type === 'view') {
        setView(e.data.view);
        setMissing(undefined);
      } else setMissing(e.data.message);
    };
    window.addEventListener('message', onMessage);
    host.postMessage({ type: 'ready' });
    return () => window.removeEventListener('message', onMessage);
  }, []);

  useEffect(() => {
    if (featureDir) host.setState({ featureDir, tab, groupBy });
  }, [featureDir, tab, groupBy]);

  const send: Send = (m) => host.postMessage(m);

  if (missing) return <main class="empty"><p role="alert">{missing}</p></main>;
  if (!view) return <main class="empty"><p class="loading">Loading the feature…</p></main>;

  const onTabKey = (e: KeyboardEvent, i: number): void => {
    const delta = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    const to = e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : delta ? (i + delta + TABS.length) % TABS.length : -1;
    if (to < 0) return;
    e.preventDefault();
    const next = TABS[to]!;
    setTab(next.id);
    tabRefs.current[next.id]?.focus();
  };

  return (
    <main class={view.readOnly ? 'read-only' : ''}>
      <header class="header">
        <div class="title-row">
          <h1>
            {view.name}
            {view.isCurrent && <span class="badge current" title="The current feature (.specify/feature.json)">current</span>}
          </h1>
          <p class="summary" data-testid="summary">
            <span class="phase">{view.phaseLabel}</span>
            {view.tasks.total > 0 && <span>{`${view.tasks.done}/${view.tasks.total} tasks done`}</span>}
            {view.markers > 0 && <span class="warn">{plural(view.markers, 'open question')}</span>}
            {view.checklists.total > 0 && <span>{`checklists ${view.checklists.passed}/${view.checklists.total}`}</span>}
          </p>
        </div>
        <nav class="artifacts" aria-label="Files of the feature">
          {view.artifacts.map((a) => (
            <button
              type="button"
              class="link"
              key={`${a.kind}:${a.name}`}
              onClick={() => send({ type: 'open', artifact: a.kind, name: a.name })}
              title={`Open ${a.kind === 'checklist' ? `checklists/${a.name}.md` : a.name}`}
            >
              {a.kind === 'checklist' ? `checklist ${a.name} ${a.passed ?? 0}/${a.total ?? 0}` : a.name}
            </button>
          ))}
        </nav>
        {view.readOnly && (
          <p class="notice" role="note">
            Read-only: this workspace is not trusted, so ticking tasks, builds and chat commands are off. Files still open.
          </p>
        )}
      </header>

      <Workflow view={view} send={send} />

      <div class="tabs" role="tablist" aria-label="Dashboard sections">
        {TABS.map((t, i) => (
          <button
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            key={t.id}
            ref={(el) => {
              tabRefs.current[t.id] = el;
            }}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
            onKeyDown={(e) => onTabKey(e, i)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <section role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} class="tabpanel">
        {tab === 'board' && <Board view={view} send={send} groupBy={groupBy} setGroupBy={setGroupBy} />}
        {tab === 'requirements' && <Requirements view={view} send={send} />}
        {tab === 'progress' && <Progress view={view} />}
      </section>
    </main>
  );
}
