// The outcomes report (GET /api/v1/reports/outcomes, docs/outcomes.md): the
// question as query parameters, figures in words (rates, 95 % intervals,
// gaps to the overall rate, significance), and groups named as a person reads
// them. No DOM: unit-tested in Node.
import { ETHNICITIES, RACES, SEXES, labelOf } from './intake.js';
import { programName, type Program } from './organisation.js';

export interface OutcomeFigure {
  group: string;
  numerator: number;
  denominator: number;
  rate: number | null;
  ci_low: number | null;
  ci_high: number | null;
  value: number | null;
  exposure: number | null;
  gap: number | null;
  p_value: number | null;
  significant: boolean;
}

export type OutcomeUnit = 'rate' | 'per_1000_patient_months' | 'mean_change' | 'median_hours';

export interface OutcomeMeasure {
  key: string;
  name: string;
  unit: OutcomeUnit | string;
  definition: string;
  overall: OutcomeFigure;
  groups: OutcomeFigure[];
}

export interface OutcomesReport {
  from: string;
  to: string;
  population: string;
  by: string | null;
  filters: Record<string, string>;
  measures: OutcomeMeasure[];
}

/** The measures (docs/outcomes.md), in the server's order, for choosing before the first run. */
export const MEASURES: { key: string; name: string }[] = [
  { key: 'readmission_30d', name: '30-day all-cause readmission rate' },
  { key: 'ed_visits', name: 'ED visits per 1,000 patient-months' },
  { key: 'follow_up_2_business_days', name: 'Post-discharge follow-up within 2 business days' },
  { key: 'follow_up_7_days', name: 'Post-discharge follow-up within 7 days' },
  { key: 'ed_follow_up_7_days', name: 'Follow-up within 7 days after an ED visit' },
  { key: 'medication_reconciliation_30d', name: 'Medication reconciliation within 30 days' },
  { key: 'goal_attainment', name: 'Goal attainment' },
  { key: 'barriers_resolved', name: 'Barriers resolved' },
  { key: 'referrals_closed_loop', name: 'Community referrals with their loop closed' },
  { key: 'phq9_change', name: 'PHQ-9 change, first to latest' },
  { key: 'hba1c_change', name: 'HbA1c change, first to latest' },
  { key: 'authorization_timeliness', name: 'Prior authorization decisions on time' },
  { key: 'appeal_filing_timeliness', name: 'Appeals filed on time' },
  { key: 'referral_to_first_contact', name: 'Referral to first contact' },
];

/** Stratification dimensions (`by`). */
export const DIMENSIONS: { value: string; label: string }[] = [
  { value: 'age_band', label: 'Age band' },
  { value: 'sex', label: 'Sex' },
  { value: 'race', label: 'Race' },
  { value: 'ethnicity', label: 'Ethnicity' },
  { value: 'language', label: 'Preferred language' },
  { value: 'postal_code', label: 'ZIP code' },
  { value: 'program', label: 'Program' },
  { value: 'case_manager', label: 'Case manager' },
  { value: 'payer', label: 'Payer' },
];

export const POPULATIONS: { value: string; label: string; hint: string }[] = [
  { value: 'case_managed', label: 'Case-managed patients', hint: 'patients with a case open at any time in the period' },
  { value: 'all', label: 'All patients of the organisation', hint: 'every patient, case-managed or not' },
];

export interface OutcomesQuery {
  from: string;
  to: string;
  population: string;
  program: string;
  payer: string;
  by: string;
  /** Chosen measure keys; all of them (or none chosen) sends no `measures`. */
  measures: string[];
}

/** The query parameters of the report (and of its downloads): only what was chosen, trimmed. */
export function outcomesParams(q: OutcomesQuery): Record<string, string> {
  const p: Record<string, string> = { from: q.from.trim(), to: q.to.trim() };
  if (q.population && q.population !== 'case_managed') p.population = q.population;
  if (q.program) p.program = q.program;
  if (q.payer.trim()) p.payer = q.payer.trim();
  if (q.by) p.by = q.by;
  const keys = MEASURES.map((m) => m.key).filter((k) => q.measures.includes(k));
  if (keys.length > 0 && keys.length < MEASURES.length) p.measures = keys.join(',');
  return p;
}

/** Whether a measure's rate is a proportion (0–1, shown as a percentage) or a rate per 1,000 patient-months. */
export function isProportion(unit: string): boolean {
  return unit !== 'per_1000_patient_months';
}

function fixed1(v: number): string {
  const r = Math.round(v * 10) / 10;
  return (Object.is(r, -0) ? 0 : r).toFixed(1);
}

/** A rate as shown: "8.2 %" for proportions, "12.3" per 1,000 patient-months; "—" when there is none. */
export function formatRate(rate: number | null | undefined, unit: string): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return '—';
  return isProportion(unit) ? `${fixed1(rate * 100)} %` : fixed1(rate);
}

/** The 95 % interval: "3.6–17.8 %", "0.0–19.3"; "—" without one. */
export function formatInterval(low: number | null | undefined, high: number | null | undefined, unit: string): string {
  if (low === null || low === undefined || high === null || high === undefined) return '—';
  return isProportion(unit) ? `${fixed1(low * 100)}–${fixed1(high * 100)} %` : `${fixed1(low)}–${fixed1(high)}`;
}

/** The interval in words, for screen readers: "95 % interval 3.6 to 17.8 %". */
export function intervalWords(low: number | null | undefined, high: number | null | undefined, unit: string): string {
  if (low === null || low === undefined || high === null || high === undefined) return 'no interval';
  return isProportion(unit) ? `95 % interval ${fixed1(low * 100)} to ${fixed1(high * 100)} %` : `95 % interval ${fixed1(low)} to ${fixed1(high)}`;
}

/** A gap to the overall rate: "+4.8 points", "−8.2 points" (percentage points), "+3.1" per 1,000; "—" without one. */
export function formatGap(gap: number | null | undefined, unit: string): string {
  if (gap === null || gap === undefined || Number.isNaN(gap)) return '—';
  const v = isProportion(unit) ? gap * 100 : gap;
  const s = fixed1(Math.abs(v));
  const sign = s === '0.0' ? '±' : v > 0 ? '+' : '−';
  return isProportion(unit) ? `${sign}${s} points` : `${sign}${s}`;
}

/** What the rate column means for the measure's unit. */
export function rateHeading(unit: string): string {
  switch (unit) {
    case 'per_1000_patient_months':
      return 'Per 1,000 patient-months';
    default:
      return 'Rate';
  }
}

/** The measure's extra figure (`value`) in words: the mean change, the median hours; '' when none. */
export function formatValue(m: { unit: string }, f: OutcomeFigure): string {
  if (f.value === null || f.value === undefined) return '';
  if (m.unit === 'mean_change') return `mean change ${f.value > 0 ? '+' : f.value < 0 ? '−' : ''}${Math.abs(Math.round(f.value * 10) / 10)}`;
  if (m.unit === 'median_hours') return `median ${Math.round(f.value * 10) / 10} h`;
  if (m.unit === 'per_1000_patient_months' && f.exposure !== null) return `${f.exposure} patient-months`;
  return '';
}

/** "significant" in words for a group: why the report flags it, or why it says nothing. */
export function significanceText(f: OutcomeFigure): string {
  if (f.significant) return f.p_value !== null ? `Significant (p ${f.p_value < 0.001 ? '< 0.001' : `= ${f.p_value.toFixed(3)}`})` : 'Significant';
  if (f.p_value === null) return 'Not tested';
  return 'No';
}

let languageNames: Intl.DisplayNames | null | undefined;
function languageName(tag: string): string | null {
  if (languageNames === undefined) {
    try {
      languageNames = new Intl.DisplayNames(['en'], { type: 'language' });
    } catch {
      languageNames = null;
    }
  }
  try {
    const n = languageNames?.of(tag);
    return n && n.toLowerCase() !== tag.toLowerCase() ? n : null;
  } catch {
    return null;
  }
}

/**
 * A group's name as a person reads it, for the dimension it belongs to:
 * programs and coded values in words, languages by name with their tag
 * ("Nepali (ne)"), case managers by name (from `names`: username → name),
 * programs by the organisation's names (`programs`), "unknown" as "Not recorded".
 */
export function groupLabel(by: string | null, group: string, names?: Map<string, string>, programs: Program[] = []): string {
  if (group === 'all') return 'Overall';
  if (group === 'unknown') return 'Not recorded';
  switch (by) {
    case 'age_band':
      return group.endsWith('+') ? `${group.slice(0, -1)} and over` : `${group.replace('-', '–')} years`;
    case 'sex':
      return labelOf(SEXES, group);
    case 'race':
      return group === 'multiple' ? 'More than one race' : labelOf(RACES, group);
    case 'ethnicity':
      return labelOf(ETHNICITIES, group);
    case 'language': {
      const n = languageName(group);
      return n ? `${n} (${group})` : group;
    }
    case 'program':
      return programName(programs, group);
    case 'case_manager':
      return group === 'unassigned' ? 'No case manager' : (names?.get(group) ?? group);
    case 'payer':
      return group === 'none' ? 'No coverage' : group;
    default:
      return group;
  }
}

export function dimensionLabel(by: string | null): string {
  return DIMENSIONS.find((d) => d.value === by)?.label ?? (by ?? '');
}

/** One sentence describing a stratified measure, for the chart's accessible name. */
export function stratifiedSummary(m: OutcomeMeasure, by: string | null, names?: Map<string, string>, programs: Program[] = []): string {
  const overall = `Overall ${formatRate(m.overall.rate, m.unit)}`;
  const parts = m.groups.map((g) => {
    const flag = g.significant ? ', significantly different' : '';
    return `${groupLabel(by, g.group, names, programs)} ${formatRate(g.rate, m.unit)} (${intervalWords(g.ci_low, g.ci_high, m.unit)}; ${g.numerator} of ${g.denominator}${flag})`;
  });
  return `${m.name} by ${dimensionLabel(by).toLowerCase()}: ${overall}. ${parts.join('; ')}.`;
}

/** The payers to offer: those on record, in the organisation's order, and the one chosen if it is no longer among them. */
export function payerChoices(payers: string[], chosen: string): string[] {
  const out = [...new Set(payers)];
  if (chosen && !out.includes(chosen)) out.push(chosen);
  return out;
}
