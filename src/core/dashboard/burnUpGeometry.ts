/**
 * The burn-up chart's geometry: a time axis by day and a task-count axis, as SVG path data and
 * tick positions. Pure, so it is unit-tested here and only drawn by the webview.
 */
import { addDays, daysBetween, shortDate } from './dates';
import { type BurnUpPoint } from './protocol';

export interface ChartBox {
  readonly width: number;
  readonly height: number;
  /** Space for the axis labels. */
  readonly left: number;
  readonly bottom: number;
  readonly top: number;
  readonly right: number;
}

export interface BurnUpGeometry {
  /** SVG path data (`M x y H x V y …`: steps, since a count holds until the next day's). */
  readonly done: string;
  readonly total: string;
  readonly dots: ReadonlyArray<{ readonly x: number; readonly y: number; readonly point: BurnUpPoint }>;
  readonly xTicks: ReadonlyArray<{ readonly x: number; readonly label: string }>;
  readonly yTicks: ReadonlyArray<{ readonly y: number; readonly label: string }>;
  readonly maxY: number;
  readonly days: number;
}

export const DEFAULT_BOX: ChartBox = { width: 640, height: 220, left: 36, bottom: 28, top: 12, right: 16 };

const round = (n: number): number => Math.round(n * 10) / 10;

/** A step that makes about four ticks: 1, 2, 5, 10, 20, 50… */
export function niceStep(max: number, ticks = 4): number {
  const raw = Math.max(1, max / ticks);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

export function burnUpGeometry(points: readonly BurnUpPoint[], box: ChartBox = DEFAULT_BOX): BurnUpGeometry {
  const sorted = [...points].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const first = sorted[0]?.date;
  const last = sorted[sorted.length - 1]?.date;
  const days = first && last ? Math.max(0, daysBetween(first, last)) : 0;
  const maxCount = Math.max(1, ...sorted.map((p) => Math.max(p.total, p.done)));
  const step = niceStep(maxCount);
  const maxY = Math.ceil(maxCount / step) * step;
  const plotW = box.width - box.left - box.right;
  const plotH = box.height - box.top - box.bottom;
  // One point alone sits in the middle of the time axis.
  const xOf = (date: string): number => round(box.left + (days === 0 ? plotW / 2 : (daysBetween(first!, date) / days) * plotW));
  const yOf = (n: number): number => round(box.top + plotH - (n / maxY) * plotH);
  const path = (value: (p: BurnUpPoint) => number): string => {
    if (sorted.length === 0) return '';
    const parts = [`M ${xOf(sorted[0]!.date)} ${yOf(value(sorted[0]!))}`];
    for (const p of sorted.slice(1)) parts.push(`H ${xOf(p.date)} V ${yOf(value(p))}`);
    return parts.join(' ');
  };
  const yTicks: Array<{ y: number; label: string }> = [];
  for (let v = 0; v <= maxY; v += step) yTicks.push({ y: yOf(v), label: String(v) });
  const xTicks: Array<{ x: number; label: string }> = [];
  if (first && last) {
    const every = Math.max(1, Math.ceil(days / 6));
    for (let d = 0; d <= days; d += every) xTicks.push({ x: round(box.left + (days === 0 ? plotW / 2 : (d / days) * plotW)), label: shortDate(addDays(first, d)) });
    if (days > 0 && (days % every) !== 0) xTicks.push({ x: xOf(last), label: shortDate(last) });
  }
  return {
    done: path((p) => p.done),
    total: path((p) => p.total),
    dots: sorted.map((p) => ({ x: xOf(p.date), y: yOf(p.done), point: p })),
    xTicks,
    yTicks,
    maxY,
    days,
  };
}
