// Program evaluation (GET /api/v1/reports/program-evaluation) and the
// measure packs (GET /api/v1/reports/measure-packs/{pack}): the question as
// query parameters, ratios and their intervals in plain words, cohorts named,
// the chart's text alternative. No DOM: unit-tested in Node.
import { formatInterval, formatRate, intervalWords, isProportion } from './outcomes.js';

export interface EvaluationPeriod {
  events: number;
  rate: number | null;
  ci_low: number | null;
  ci_high: number | null;
  /** Proportions (the readmission rate). */
  denominator?: number;
  /** Rates per 1,000 patient-months. */
  patient_months?: number;
}

export interface Change {
  ratio: number | null;
  ci_low: number | null;
  ci_high: number | null;
  significant: boolean;
}

export interface EvaluatedMeasure {
  key: string;
  name: string;
  unit: string;
  before: EvaluationPeriod;
  after: EvaluationPeriod;
  change: Change;
}

export interface EvaluatedCohort {
  group: 'enrolled' | 'comparison' | string;
  patients: number;
  complete_follow_up: number;
  measures: EvaluatedMeasure[];
}

export interface ProgramEvaluation {
  program: string;
  from: string;
  to: string;
  months: number;
  comparison: 'utilizers' | 'all' | string;
  comparison_index_at: string | null;
  cohorts: EvaluatedCohort[];
  relative: (Change & { key: string })[];
}

export interface EvaluationQuery {
  program: string;
  from: string;
  to: string;
  months: string;
  comparison: string;
}

export const COMPARISONS: { value: string; label: string; hint: string }[] = [
  {
    value: 'utilizers',
    label: 'Patients not enrolled who used the hospital',
    hint: 'not enrolled, with a stay or an ED visit in the months before the median enrolment: the closest to who gets enrolled',
  },
  { value: 'all', label: 'All patients not enrolled', hint: 'every patient not enrolled, around the median enrolment' },
];

/** The query parameters (and the downloads'): trimmed; the server names what is missing or wrong. */
export function evaluationParams(q: EvaluationQuery): Record<string, string> {
  const p: Record<string, string> = { program: q.program, from: q.from.trim(), to: q.to.trim() };
  if (q.months.trim()) p.months = q.months.trim();
  if (q.comparison) p.comparison = q.comparison;
  return p;
}

export function cohortLabel(group: string): string {
  if (group === 'enrolled') return 'Enrolled';
  if (group === 'comparison') return 'Comparison (not enrolled)';
  return group;
}

function fixed2(v: number): string {
  return (Math.round(v * 100) / 100).toFixed(2);
}

/** An after/before ratio: "1.69"; "—" without one. */
export function formatRatio(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return fixed2(v);
}

/** The ratio's 95 % interval: "1.21–2.35"; "—" without one. */
export function formatRatioInterval(c: { ci_low: number | null; ci_high: number | null }): string {
  if (c.ci_low === null || c.ci_high === null || !Number.isFinite(c.ci_low) || !Number.isFinite(c.ci_high)) return '—';
  return `${fixed2(c.ci_low)}–${fixed2(c.ci_high)}`;
}

/** Whether the interval lies wholly below or above 1 (the server's `significant`, checked again). */
export function excludesOne(c: Change): boolean {
  return c.ci_low !== null && c.ci_high !== null && (c.ci_high < 1 || c.ci_low > 1);
}

/** The change as a percentage: 0.61 → "39 % fewer", 1.69 → "69 % more". */
export function percentChange(ratio: number): string {
  const p = Math.round(Math.abs(ratio - 1) * 100);
  if (p === 0) return 'no change';
  return ratio < 1 ? `${p} % fewer` : `${p} % more`;
}

/**
 * A ratio in plain words. `what` says what is compared ("after enrolment
 * than before", "than the comparison's change"); an interval that spans 1
 * is said not to be evidence.
 */
export function changeWords(c: Change, what = 'after enrolment than before'): string {
  if (c.ratio === null || !Number.isFinite(c.ratio)) return 'no ratio — one of the periods has nothing to count.';
  const head = `${formatRatio(c.ratio)} — ${percentChange(c.ratio)} ${what}`;
  if (c.ci_low === null || c.ci_high === null) return `${head}, with no interval.`;
  const range = `95 % interval ${fixed2(c.ci_low)} to ${fixed2(c.ci_high)}`;
  if (excludesOne(c)) return `${head} (${range}: the whole interval is ${c.ci_high < 1 ? 'below' : 'above'} 1).`;
  return `${head} (${range}: it spans 1, so this is not evidence of a change).`;
}

/** A period's figure with its count: "336.0 (125 in 372.0 patient-months)", "14.2 % (16 of 113)". */
export function periodText(p: EvaluationPeriod, unit: string): string {
  const rate = formatRate(p.rate, unit);
  if (isProportion(unit)) return p.denominator ? `${rate} (${p.events} of ${p.denominator})` : `${rate} (nothing to count)`;
  return p.patient_months ? `${rate} (${p.events} in ${p.patient_months} patient-months)` : `${rate} (no follow-up time)`;
}

/** One sentence for the before/after chart's accessible name. */
export function beforeAfterSummary(m: { name: string; unit: string }, cohorts: { group: string; before: EvaluationPeriod; after: EvaluationPeriod }[]): string {
  const part = (label: string, p: EvaluationPeriod) =>
    `${label} ${formatRate(p.rate, m.unit)}${p.rate === null ? '' : ` (${intervalWords(p.ci_low, p.ci_high, m.unit)})`}`;
  const unit = isProportion(m.unit) || /per 1,000/.test(m.name) ? '' : ' per 1,000 patient-months';
  return `${m.name}${unit}, before and after: ${cohorts.map((c) => `${cohortLabel(c.group)}: ${part('before', c.before)}, ${part('after', c.after)}`).join('; ')}.`;
}

/** For tables: a period's rate and its interval. */
export function periodCells(p: EvaluationPeriod, unit: string): [string, string] {
  return [formatRate(p.rate, unit), formatInterval(p.ci_low, p.ci_high, unit)];
}

// ---- measure packs ----

export interface PackMeasure {
  key: string;
  name: string;
  definition: string;
  numerator: number;
  denominator: number;
  pending: number;
  rate: number | null;
  ci_low: number | null;
  ci_high: number | null;
}

export interface PackReport {
  pack: string;
  title: string;
  from: string;
  to: string;
  measures: PackMeasure[];
  notes: string[];
}

/** The packs (the server's list), for the first render and if the list cannot be read. */
export const PACKS: { pack: string; title: string }[] = [
  { pack: 'ncqa_case_management', title: 'NCQA case management timeliness' },
  { pack: 'hedis_trc', title: 'HEDIS Transitions of Care (TRC)' },
  { pack: 'hedis_fmc', title: 'HEDIS-style follow-up after an ED visit (FMC)' },
  { pack: 'hedis_pcr', title: 'HEDIS Plan All-Cause Readmissions (PCR), observed' },
];
