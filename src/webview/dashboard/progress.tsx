import { burnUpGeometry, DEFAULT_BOX } from '../../core/dashboard/burnUpGeometry';
import { shortDate } from '../../core/dashboard/dates';
import { type DashboardView } from '../../core/dashboard/protocol';
import { ago } from './text';

/** Done tasks per day (burn-up, drawn as SVG) and the last build or verification per task and per host. */
export function Progress({ view }: { view: DashboardView }) {
  const p = view.progress;
  const g = burnUpGeometry(p.points);
  const box = DEFAULT_BOX;
  const last = p.points[p.points.length - 1];
  const first = p.points[0];
  const summary =
    last && first
      ? `${last.done} of ${last.total} tasks done on ${shortDate(last.date)}${p.points.length > 1 ? `, from ${first.done} of ${first.total} on ${shortDate(first.date)}` : ''}.`
      : 'No tasks yet.';
  return (
    <div class="progress">
      <h3 id="burnup-heading">Done tasks per day</h3>
      <figure class="chart">
        <svg
          viewBox={`0 0 ${box.width} ${box.height}`}
          role="img"
          aria-labelledby="burnup-title burnup-desc"
          data-testid="burnup"
          data-points={p.points.length}
          preserveAspectRatio="xMinYMin meet"
        >
          <title id="burnup-title">Burn-up of {view.name}</title>
          <desc id="burnup-desc">{summary}</desc>
          {g.yTicks.map((t) => (
            <g key={`y${t.label}`} class="tick">
              <line x1={box.left} x2={box.width - box.right} y1={t.y} y2={t.y} class="grid" />
              <text x={box.left - 6} y={t.y + 4} text-anchor="end">
                {t.label}
              </text>
            </g>
          ))}
          {g.xTicks.map((t) => (
            <text key={`x${t.label}${t.x}`} x={t.x} y={box.height - 8} text-anchor="middle" class="tick">
              {t.label}
            </text>
          ))}
          <path d={g.total} class="line-total" fill="none" />
          <path d={g.done} class="line-done" fill="none" />
          {g.dots.map((d) => (
            <circle key={d.point.date} cx={d.x} cy={d.y} r={3.5} class="dot">
              <title>{`${shortDate(d.point.date)}: ${d.point.done} of ${d.point.total} done`}</title>
            </circle>
          ))}
        </svg>
        <figcaption>
          <span class="legend done">done</span> <span class="legend total">total tasks</span> · {summary}
          {p.note && <span class="muted"> {p.note}</span>}
        </figcaption>
      </figure>
      <details>
        <summary>Data by day</summary>
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Done</th>
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {p.points.map((x) => (
              <tr key={x.date}>
                <td>{x.date}</td>
                <td>{x.done}</td>
                <td>{x.total}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>

      <h3>Builds and verifications</h3>
      {p.builds.length === 0 && p.verifications.length === 0 ? (
        <p class="muted">No build or verification has run for this feature yet{view.canVerify ? ': use “Build & verify” on a task card.' : '.'}</p>
      ) : (
        <div class="build-tables">
          {p.builds.length > 0 && (
            <table class="data" aria-label="Last result per host or check">
              <caption>Last result per host</caption>
              <thead>
                <tr>
                  <th scope="col">What ran</th>
                  <th scope="col">Result</th>
                  <th scope="col">When</th>
                  <th scope="col">For</th>
                </tr>
              </thead>
              <tbody>
                {p.builds.map((b) => (
                  <tr key={b.label} class={b.ok ? 'ok' : 'failed'}>
                    <td>{b.label}</td>
                    <td>{b.ok ? '✓ passed' : `✗ failed (exit ${b.exitCode ?? '?'})`}</td>
                    <td>{ago(b.finishedAt)}</td>
                    <td>{b.taskId ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {p.verifications.length > 0 && (
            <table class="data" aria-label="Last verification per task">
              <caption>Last verification per task</caption>
              <thead>
                <tr>
                  <th scope="col">Task</th>
                  <th scope="col">What ran</th>
                  <th scope="col">Result</th>
                  <th scope="col">When</th>
                </tr>
              </thead>
              <tbody>
                {p.verifications.map((v) => (
                  <tr key={v.taskId} class={v.ok ? 'ok' : 'failed'} data-verification={v.taskId}>
                    <td>{v.taskId}</td>
                    <td>{v.label}</td>
                    <td>{v.ok ? `✓ passed in ${(v.durationMs / 1000).toFixed(1)} s` : `✗ failed (exit ${v.exitCode ?? '?'})`}</td>
                    <td>{ago(v.finishedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </div>
  );
}
