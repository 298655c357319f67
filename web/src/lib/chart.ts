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
