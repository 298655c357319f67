// Pure insurance logic for the screens (docs/insurance.md): deadline
// countdowns, the actions an authorization's status allows, the appeal
// levels of each product type, and the insurance report's metrics for tables
// and charts. No DOM, no Preact: unit-tested in Node.
import { zoneDayEnd, zoneDayStart } from './organisation.js';

export interface Deadline {
  overdue: boolean;
  /** "due in 2 d 5 h", "overdue by 3 h", "due now" */
  text: string;
  /** "soon" within 48 hours, so the screen can say it in words too */
  soon: boolean;
}

function span(ms: number): string {
  const min = Math.round(Math.abs(ms) / 60000);
  if (min < 60) return `${Math.max(1, min)} min`;
  const h = Math.floor(min / 60);
  if (h < 48) {
    const m = min % 60;
    return m && h < 10 ? `${h} h ${m} min` : `${h} h`;
  }
  const d = Math.floor(h / 24);
  const rest = h % 24;
  return rest ? `${d} d ${rest} h` : `${d} d`;
}

/** A countdown to a deadline (an ISO time), in words that do not rely on colour. */
export function deadline(iso: string | null | undefined, now: number = Date.now()): Deadline | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return null;
  const ms = t - now;
  if (Math.abs(ms) < 30000) return { overdue: false, soon: true, text: 'due now' };
  if (ms < 0) return { overdue: true, soon: false, text: `overdue by ${span(ms)}` };
  return { overdue: false, soon: ms <= 48 * 3600 * 1000, text: `due in ${span(ms)}` };
}

export type AuthAction = 'submit' | 'pend' | 'approve' | 'partially_approve' | 'deny' | 'withdraw' | 'extend' | 'pause_clock' | 'resume_clock';

export const AUTH_ACTION_LABELS: Record<AuthAction, string> = {
  submit: 'Submit to the payer',
  pend: 'Record a pend',
  approve: 'Record approval',
  partially_approve: 'Record partial approval',
  deny: 'Record a denial',
  withdraw: 'Withdraw',
  extend: 'Record an extension',
  pause_clock: 'Pause the clock',
  resume_clock: 'Resume the clock',
};

/**
 * What a person may record for an authorization in this status (the server
 * checks again). A paused clock (tolled while the plan waits for what only the
 * member can send) can only be resumed, besides withdrawing.
 */
export function authActions(status: string, extended: boolean, clockPaused = false): AuthAction[] {
  const ext: AuthAction[] = extended ? [] : ['extend'];
  const clock: AuthAction[] = [clockPaused ? 'resume_clock' : 'pause_clock'];
  switch (status) {
    case 'draft':
      return ['submit', 'withdraw'];
    case 'submitted':
      return ['approve', 'partially_approve', 'deny', 'pend', ...ext, ...clock, 'withdraw'];
    case 'pended':
      return ['submit', 'approve', 'partially_approve', 'deny', ...ext, ...clock, 'withdraw'];
    default:
      return [];
  }
}

/** Whether an appeal can be opened: a denial or partial approval (a pend: peer-to-peer only). */
export function canAppeal(status: string): boolean {
  return status === 'denied' || status === 'partially_approved' || status === 'pended';
}

export interface AppealLevel {
  id: string;
  name: string;
}

/**
 * The appeal levels of each product type, as the server's default payer rules
 * have them (docs/insurance.md). The API has no route for the rules yet; a
 * level the server does not know is refused with the list of its levels.
 */
export const APPEAL_LEVELS: Record<string, AppealLevel[]> = {
  medicare_advantage: [
    { id: 'peer_to_peer', name: 'Peer-to-peer review' },
    { id: 'first_level_internal', name: 'Reconsideration' },
    { id: 'external_review', name: 'Independent review entity (forwarded by the plan)' },
  ],
  medicaid_managed_care: [
    { id: 'peer_to_peer', name: 'Peer-to-peer review' },
    { id: 'first_level_internal', name: 'Plan appeal' },
    { id: 'state_fair_hearing', name: 'State fair hearing' },
  ],
  medicaid_ffs: [{ id: 'state_fair_hearing', name: 'State fair hearing' }],
  commercial: [
    { id: 'peer_to_peer', name: 'Peer-to-peer review' },
    { id: 'first_level_internal', name: 'Internal appeal' },
    { id: 'second_level_internal', name: 'Second-level internal appeal' },
    { id: 'external_review', name: 'External review' },
  ],
  medicare_ffs: [
    { id: 'first_level_internal', name: 'Redetermination' },
    { id: 'second_level_internal', name: 'Reconsideration (QIC)' },
  ],
};

/** Generic names of the levels (the report names levels by id only). */
export const LEVEL_NAMES: Record<string, string> = {
  peer_to_peer: 'Peer-to-peer review',
  first_level_internal: 'First level (plan appeal, reconsideration, redetermination)',
  second_level_internal: 'Second level',
  external_review: 'External or independent review',
  state_fair_hearing: 'State fair hearing',
};

/** Levels still open to this request: each level once, never below one already decided. */
export function availableLevels(productType: string, used: { level: string; status: string }[], pended = false): AppealLevel[] {
  const levels = APPEAL_LEVELS[productType] ?? [];
  if (pended) return levels.filter((l) => l.id === 'peer_to_peer' && !used.some((u) => u.level === l.id));
  let highest = -1;
  for (const u of used) highest = Math.max(highest, levels.findIndex((l) => l.id === u.level));
  return levels.filter((l, i) => i > highest && !used.some((u) => u.level === l.id));
}

export function levelName(level: string): string {
  const known = LEVEL_NAMES[level];
  if (known) return known;
  const w = level.replace(/_/g, ' ');
  return w.charAt(0).toUpperCase() + w.slice(1);
}

// ---- the insurance report ----

export interface DecisionMetrics {
  decided: number;
  approved: number;
  partially_approved: number;
  denied: number;
  approved_after_appeal: number;
  extended: number;
  decided_within_time: number;
  approval_rate: number;
  denial_rate: number;
  extended_share: number;
  within_time_share: number;
  average_hours: number | null;
  median_hours: number | null;
}

export type AgeBuckets = Record<'under_3_days' | '3_to_7_days' | '7_to_14_days' | 'over_14_days' | 'overdue', number>;

export interface InsuranceReport {
  from: string;
  to: string;
  prior_authorizations: DecisionMetrics;
  cms_0057_f: { expedited: DecisionMetrics; standard: DecisionMetrics };
  by_payer: (DecisionMetrics & { payer: string })[];
  by_service: { code: string; decided: number; denied: number; denial_rate: number }[];
  appeals_by_level: { level: string; decided: number; overturned: number; partially_overturned: number; overturn_rate: number; decided_within_time: number }[];
  open_requests_by_age: AgeBuckets;
  open_appeals_by_age: AgeBuckets;
}

export const AGE_BUCKETS: { id: keyof AgeBuckets; label: string }[] = [
  { id: 'under_3_days', label: 'Under 3 days' },
  { id: '3_to_7_days', label: '3 to 7 days' },
  { id: '7_to_14_days', label: '7 to 14 days' },
  { id: 'over_14_days', label: 'Over 14 days' },
  { id: 'overdue', label: 'Overdue (of any age)' },
];

export type MetricKind = 'count' | 'share' | 'hours';

export const DECISION_METRICS: { id: keyof DecisionMetrics; label: string; kind: MetricKind }[] = [
  { id: 'decided', label: 'Decided', kind: 'count' },
  { id: 'approved', label: 'Approved', kind: 'count' },
  { id: 'partially_approved', label: 'Partially approved', kind: 'count' },
  { id: 'denied', label: 'Denied', kind: 'count' },
  { id: 'approved_after_appeal', label: 'Approved after appeal', kind: 'count' },
  { id: 'extended', label: 'Extended', kind: 'count' },
  { id: 'approval_rate', label: 'Approval rate', kind: 'share' },
  { id: 'denial_rate', label: 'Denial rate', kind: 'share' },
  { id: 'within_time_share', label: 'Decided within the regulatory time', kind: 'share' },
  { id: 'extended_share', label: 'Extended share', kind: 'share' },
  { id: 'average_hours', label: 'Average decision time (hours)', kind: 'hours' },
  { id: 'median_hours', label: 'Median decision time (hours)', kind: 'hours' },
];

/** "67 %", "12.5 h", "3"; an empty cell for no value. */
export function formatMetric(v: number | null | undefined, kind: MetricKind): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (kind === 'share') return `${Math.round(v * 1000) / 10} %`;
  if (kind === 'hours') return `${Math.round(v * 10) / 10} h`;
  return String(v);
}

/**
 * The organisation's days (YYYY-MM-DD) to the report's ISO bounds: from the
 * start of `from` to the end of `to`, at midnights in its time zone (the
 * report takes a bare date as a UTC midnight).
 */
export function periodBounds(from: string, to: string, timeZone: string): { from: string; to: string } | null {
  const start = zoneDayStart(from, timeZone);
  const end = zoneDayEnd(to, timeZone);
  if (!start || !end || Date.parse(end) <= Date.parse(start)) return null;
  return { from: start, to: end };
}

/** Bars scaled to the largest value (at least 1), for the report's SVG charts. */
export function barWidths(values: number[], width: number): number[] {
  const max = Math.max(1, ...values.map((v) => (Number.isFinite(v) ? v : 0)));
  return values.map((v) => (Number.isFinite(v) && v > 0 ? Math.max(2, Math.round((v / max) * width)) : 0));
}
