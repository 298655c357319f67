// Geometry of a goal's progress chart (an inline SVG, no chart library):
// progress values over time against the target, with the baseline.

export interface ProgressPoint {
  measured_at: string;
  value: number | null;
}

export interface ChartInput {
  progress: ProgressPoint[];
  target: number;
  baseline: number | null;
  width: number;
  height: number;
  pad?: number;
}

export interface ChartGeometry {
  points: { x: number; y: number; value: number; at: string }[];
  path: string; // the polyline through the points
  targetY: number;
  baselineY: number | null;
  yMin: number;
  yMax: number;
  ticks: { y: number; value: number }[];
}

export function goalChart(c: ChartInput): ChartGeometry {
  const pad = c.pad ?? 28;
  const values = c.progress.filter((p) => p.value !== null && !Number.isNaN(Date.parse(p.measured_at)));
  const ys = [c.target, ...values.map((p) => p.value as number)];
  if (c.baseline !== null) ys.push(c.baseline);
  let yMin = Math.min(...ys);
  let yMax = Math.max(...ys);
  if (yMin === yMax) {
    yMin -= 1;
    yMax += 1;
  }
  const margin = (yMax - yMin) * 0.1;
  yMin -= margin;
  yMax += margin;
  const times = values.map((p) => Date.parse(p.measured_at));
  const tMin = Math.min(...times);
  const tMax = Math.max(...times);
  const innerW = c.width - 2 * pad;
  const innerH = c.height - 2 * pad;
  const xOf = (t: number) => (times.length <= 1 || tMax === tMin ? pad + innerW / 2 : pad + ((t - tMin) / (tMax - tMin)) * innerW);
  const yOf = (v: number) => pad + (1 - (v - yMin) / (yMax - yMin)) * innerH;
  const points = values
    .map((p) => ({ t: Date.parse(p.measured_at), value: p.value as number, at: p.measured_at }))
    .sort((a, b) => a.t - b.t)
    .map((p) => ({ x: round(xOf(p.t)), y: round(yOf(p.value)), value: p.value, at: p.at }));
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ');
  const ticks = [yMin + margin, (yMin + yMax) / 2, yMax - margin].map((v) => ({ y: round(yOf(v)), value: round(v) }));
  return {
    points,
    path,
    targetY: round(yOf(c.target)),
    baselineY: c.baseline === null ? null : round(yOf(c.baseline)),
    yMin: round(yMin),
    yMax: round(yMax),
    ticks,
  };
}

const round = (v: number) => Math.round(v * 100) / 100;

// Geometry of an interval chart (the outcomes report's groups): one
// horizontal bar per group from zero to its rate, the 95 % interval as a
// whisker across the bar's end, and the overall rate as a vertical reference
// line. Proportions (0–1) and rates per 1,000 share it; the axis ends at a
// round number just above the largest figure.

export interface IntervalRow {
  label: string;
  rate: number | null;
  low: number | null;
  high: number | null;
}

export interface IntervalChartInput {
  rows: IntervalRow[];
  overall: number | null;
  /** Proportions never run past 1 (100 %). */
  proportion: boolean;
  width: number;
  labelWidth: number;
  valueWidth: number;
  rowHeight: number;
  /** Room above the rows for the reference line's label. */
  top?: number;
  /** Room below the rows for the axis ticks. */
  bottom?: number;
}

export interface IntervalRowGeometry {
  label: string;
  /** The row's vertical centre (labels and whiskers sit on it). */
  y: number;
  barY: number;
  barHeight: number;
  /** The bar's width from `plotLeft`; null when the group has no rate. */
  barWidth: number | null;
  whisker: { x1: number; x2: number } | null;
  /** Where the value text starts: after the bar or the whisker, whichever reaches further. */
  textX: number;
}

export interface IntervalChartGeometry {
  width: number;
  height: number;
  plotLeft: number;
  plotRight: number;
  /** The axis end (the value at plotRight). */
  max: number;
  rows: IntervalRowGeometry[];
  overallX: number | null;
  ticks: { x: number; value: number }[];
  /** The axis line's y (below the last row). */
  axisY: number;
}

/** A round step (1, 2, 2.5 or 5 times a power of ten) at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw * (1 - 1e-9)) return m * p;
  return 10 * p;
}

/** The axis for values up to `top`: about four round steps from zero (proportions capped at 1). */
export function niceAxis(top: number, proportion: boolean): { max: number; step: number } {
  if (!(top > 0) || !Number.isFinite(top)) return proportion ? { max: 1, step: 0.25 } : { max: 1, step: 0.25 };
  const step = niceStep(top / 4);
  let max = step * Math.ceil(top / step - 1e-9);
  if (proportion && max > 1) return { max: 1, step: 0.25 };
  max = Math.round(max * 1e9) / 1e9;
  return { max, step };
}

export function intervalChart(c: IntervalChartInput): IntervalChartGeometry {
  const top = c.top ?? 22;
  const bottom = c.bottom ?? 24;
  const plotLeft = c.labelWidth;
  const plotRight = c.width - c.valueWidth;
  const figures: number[] = [];
  for (const r of c.rows) for (const v of [r.rate, r.high]) if (v !== null && Number.isFinite(v)) figures.push(v);
  if (c.overall !== null && Number.isFinite(c.overall)) figures.push(c.overall);
  const { max, step } = niceAxis(figures.length ? Math.max(...figures) : 0, c.proportion);
  const span = plotRight - plotLeft;
  const xOf = (v: number) => round(plotLeft + (Math.min(Math.max(v, 0), max) / max) * span);
  const barHeight = Math.max(4, c.rowHeight - 12);
  const rows = c.rows.map((r, i) => {
    const y0 = top + i * c.rowHeight;
    const y = round(y0 + c.rowHeight / 2);
    const barWidth = r.rate === null ? null : round(xOf(r.rate) - plotLeft);
    const whisker = r.low === null || r.high === null ? null : { x1: xOf(r.low), x2: xOf(r.high) };
    const reach = Math.max(plotLeft + (barWidth ?? 0), whisker?.x2 ?? plotLeft);
    return { label: r.label, y, barY: round(y - barHeight / 2), barHeight, barWidth, whisker, textX: round(reach + 6) };
  });
  const axisY = top + c.rows.length * c.rowHeight;
  const ticks: { x: number; value: number }[] = [];
  for (let v = 0; v <= max + step / 1e6; v += step) ticks.push({ x: xOf(v), value: Math.round(v * 1e9) / 1e9 });
  return {
    width: c.width,
    height: axisY + bottom,
    plotLeft,
    plotRight,
    max,
    rows,
    overallX: c.overall === null ? null : xOf(c.overall),
    ticks,
    axisY,
  };
}

// Geometry of a before/after chart (the program evaluation): for each cohort,
// two horizontal bars — the rate before enrolment and after — each with its
// 95 % interval as a whisker, on one axis from zero; a gap between cohorts
// and the cohort's name above its pair.

export interface BeforeAfterGroup {
  label: string;
  before: { rate: number | null; low: number | null; high: number | null };
  after: { rate: number | null; low: number | null; high: number | null };
}

export interface BeforeAfterInput {
  groups: BeforeAfterGroup[];
  proportion: boolean;
  width: number;
  labelWidth: number;
  valueWidth: number;
  rowHeight: number;
  /** Room above each cohort's pair for its name. */
  groupHead?: number;
  bottom?: number;
}

export interface BeforeAfterGeometry {
  width: number;
  height: number;
  plotLeft: number;
  plotRight: number;
  max: number;
  groups: { label: string; labelY: number; rows: (IntervalRowGeometry & { period: 'before' | 'after' })[] }[];
  ticks: { x: number; value: number }[];
  axisY: number;
}

export function beforeAfterChart(c: BeforeAfterInput): BeforeAfterGeometry {
  const head = c.groupHead ?? 20;
  const bottom = c.bottom ?? 24;
  const plotLeft = c.labelWidth;
  const plotRight = c.width - c.valueWidth;
  const figures: number[] = [];
  for (const g of c.groups) for (const p of [g.before, g.after]) for (const v of [p.rate, p.high]) if (v !== null && Number.isFinite(v)) figures.push(v);
  const { max, step } = niceAxis(figures.length ? Math.max(...figures) : 0, c.proportion);
  const span = plotRight - plotLeft;
  const xOf = (v: number) => round(plotLeft + (Math.min(Math.max(v, 0), max) / max) * span);
  const barHeight = Math.max(4, c.rowHeight - 10);
  let y0 = 6;
  const groups = c.groups.map((g) => {
    const labelY = y0 + head - 6;
    y0 += head;
    const rows = (['before', 'after'] as const).map((period) => {
      const p = g[period];
      const y = round(y0 + c.rowHeight / 2);
      y0 += c.rowHeight;
      const barWidth = p.rate === null ? null : round(xOf(p.rate) - plotLeft);
      const whisker = p.low === null || p.high === null ? null : { x1: xOf(p.low), x2: xOf(p.high) };
      const reach = Math.max(plotLeft + (barWidth ?? 0), whisker?.x2 ?? plotLeft);
      return { period, label: period === 'before' ? 'Before' : 'After', y, barY: round(y - barHeight / 2), barHeight, barWidth, whisker, textX: round(reach + 6) };
    });
    y0 += 6;
    return { label: g.label, labelY, rows };
  });
  const axisY = y0;
  const ticks: { x: number; value: number }[] = [];
  for (let v = 0; v <= max + step / 1e6; v += step) ticks.push({ x: xOf(v), value: Math.round(v * 1e9) / 1e9 });
  return { width: c.width, height: axisY + bottom, plotLeft, plotRight, max, groups, ticks, axisY };
}
