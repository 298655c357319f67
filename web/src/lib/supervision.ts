// Supervision (src/supervision/routes.cc): the team view, the documentation
// checklist, the reassignment proposal as editable rows with the loads it
// leads to, bulk reassignment's errors on their row, and coverage during
// leave (the organisation's days as the API's times). No DOM: unit-tested in Node.
import { zoneDayEnd, zoneDayStart } from './organisation.js';
import { formatRate } from './outcomes.js';

export interface TeamLine {
  user_id: number;
  username: string;
  display_name: string;
  open_cases: number;
  acuity_weighted_load: number;
  overdue_tasks: number;
  contacts: number;
  contacts_per_case_month: number | null;
  compliance_checked: number;
  compliance_met: number;
  compliance_rate: number | null;
  /** On leave now: the colleague covering (a name). */
  covered_by: string | null;
  /** Whose caseloads this person covers now (names). */
  covering_for: string[];
}

export interface TeamView {
  from: string;
  to: string;
  items: TeamLine[];
}

export interface RuleTally {
  rule: string;
  checked: number;
  met: number;
  rate: number | null;
}

export interface Finding {
  user_id: number;
  case_manager: string;
  rule: string;
  case_id: number;
  patient_id: number;
  patient_name: string;
  detail: string;
  due_at: string | null;
}

export interface MemberCompliance {
  user_id: number;
  display_name: string;
  checked: number;
  met: number;
  rate: number | null;
  rules: RuleTally[];
  findings: Finding[];
}

export interface Checklist {
  rules: { rule: string; description: string }[];
  note_sign_hours: number;
  lookback_days: number;
  assessments: { instrument: string; days: number }[];
  assessment_grace_days: number;
}

export interface ComplianceReport {
  as_of: string;
  checklist: Checklist;
  checked: number;
  met: number;
  rate: number | null;
  members: MemberCompliance[];
}

export interface ProposedMove {
  case_id: number;
  patient_id: number;
  acuity: string | null;
  weight: number;
  from_user_id: number | null;
  to_user_id: number;
  to_name: string;
  why: string;
}

export interface LoadChange {
  user_id: number;
  display_name: string;
  open_before: number;
  open_after: number;
  load_before: number;
  load_after: number;
}

/** A case the server could not place; older servers sent only `case_id` and `why`. */
export interface UnplacedCase {
  case_id: number;
  why: string;
  patient_id?: number;
  acuity?: string | null;
  weight?: number;
  from_user_id?: number | null;
}

export interface Proposal {
  moves: ProposedMove[];
  unplaced: UnplacedCase[];
  loads: LoadChange[];
}

export interface CoverageRecord {
  id: number;
  absent_user_id: number;
  absent_name: string;
  covering_user_id: number;
  covering_name: string;
  starts_at: string;
  ends_at: string;
  reason: string;
  created_by: number;
  created_at: string;
  ended_at: string | null;
  ended_by: number | null;
  end_reason: string | null;
  state: 'scheduled' | 'in_force' | 'ended' | string;
}

/** The checklist's rules in words (the server's keys, in its order). */
export const RULES: { rule: string; label: string }[] = [
  { rule: 'note_signed', label: 'Notes signed in time' },
  { rule: 'care_plan_review', label: 'Care plans reviewed' },
  { rule: 'consent_on_file', label: 'Consent on file' },
  { rule: 'assessments_current', label: 'Assessments current' },
];

export function ruleLabel(rule: string): string {
  return RULES.find((r) => r.rule === rule)?.label ?? rule.replace(/_/g, ' ');
}

const INSTRUMENT_NAMES: Record<string, string> = { phq9: 'PHQ-9', phq2: 'PHQ-2', gad7: 'GAD-7', ahc_hrsn: 'AHC HRSN', 'ahc-hrsn': 'AHC HRSN', morse: 'Morse fall scale' };

/** The checklist's settings in words, one sentence per rule. */
export function checklistWords(c: Checklist): string[] {
  const assessments = c.assessments.length
    ? c.assessments.map((a) => `${INSTRUMENT_NAMES[a.instrument] ?? a.instrument} at least every ${a.days} days`).join(', ')
    : 'none configured';
  return [
    `Notes signed in time: every reached contact of the last ${c.lookback_days} days has a note signed within ${c.note_sign_hours} hours.`,
    'Care plans reviewed: every active care plan reviewed by its review date.',
    'Consent on file: a current consent to case management once a case is past screening.',
    `Assessments current: ${assessments}; cases referred less than ${c.assessment_grace_days} days ago are not due yet.`,
  ];
}

/** "12 of 19 met (63.2 %)", or "nothing to check". */
export function tallyText(t: { met: number; checked: number; rate: number | null }): string {
  if (t.checked === 0) return 'nothing to check';
  return `${t.met} of ${t.checked} met (${formatRate(t.rate, 'rate')})`;
}

/** Contacts per case-month with one decimal; "—" without open cases. */
export function perCaseMonth(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  return (Math.round(v * 10) / 10).toFixed(1);
}

/** Leave and cover in words, now and booked: "On leave — covered by David Chen, MSW". */
export function leaveWords(line: TeamLine, coverages: CoverageRecord[] = [], fmt: (iso: string) => string = (s) => s.slice(0, 10)): string[] {
  const out: string[] = [];
  if (line.covered_by) out.push(`On leave — covered by ${line.covered_by}`);
  if (line.covering_for.length) out.push(`Covering for ${line.covering_for.join(', ')}`);
  for (const v of coverages) {
    if (v.state !== 'scheduled') continue;
    if (v.absent_user_id === line.user_id) out.push(`Leave booked ${fmt(v.starts_at)} to ${fmt(v.ends_at)}, covered by ${v.covering_name}`);
    if (v.covering_user_id === line.user_id) out.push(`Will cover ${v.absent_name} ${fmt(v.starts_at)} to ${fmt(v.ends_at)}`);
  }
  return out;
}

export const COVERAGE_STATES: Record<string, string> = { scheduled: 'Scheduled', in_force: 'In force', ended: 'Ended' };

export function coverageState(state: string): string {
  return COVERAGE_STATES[state] ?? state.replace(/_/g, ' ');
}

/** The acuity-weighted load's weight of a case (the server's: not assessed weighs 2). */
export function acuityWeight(acuity: string | null | undefined): number {
  switch (acuity) {
    case 'low':
      return 1;
    case 'moderate':
      return 2;
    case 'high':
      return 3;
    case 'very_high':
      return 4;
    default:
      return 2;
  }
}

export function acuityLabel(acuity: string | null | undefined): string {
  if (!acuity) return 'Not assessed';
  const w = acuity.replace(/_/g, ' ');
  return w.charAt(0).toUpperCase() + w.slice(1);
}

/** One case of a proposal as the screen edits it: the target may change or be left out. */
export interface MoveRow {
  case_id: number;
  patient_id: number | null;
  acuity: string | null;
  weight: number;
  from_user_id: number | null;
  /** The chosen case manager; null leaves the case where it is. */
  to_user_id: number | null;
  /** The server's reason for its choice, or why it placed nothing. */
  why: string;
  placed: boolean;
  /** The case's version as read (sent with the move, so a case changed since is refused); null when not read. */
  version: number | null;
}

/** A case as read for the request (GET /cases?assigned_user_id=). */
export interface KnownCase {
  patient_id: number;
  acuity: string | null;
  assigned_user_id: number | null;
  version?: number;
}

/**
 * The proposal as rows: the moves with the server's target and reason, then
 * the cases it could not place (no target until one is chosen) as the server
 * describes them. Each row carries the version of its case from `known` (the
 * cases read for the request), which also describes an unplaced case when an
 * older server leaves its patient, acuity and holder out.
 */
export function proposalRows(p: Proposal, known: Map<number, KnownCase> = new Map()): MoveRow[] {
  const version = (caseId: number) => known.get(caseId)?.version ?? null;
  const rows: MoveRow[] = p.moves.map((m) => ({
    case_id: m.case_id,
    patient_id: m.patient_id,
    acuity: m.acuity,
    weight: m.weight,
    from_user_id: m.from_user_id,
    to_user_id: m.to_user_id,
    why: m.why,
    placed: true,
    version: version(m.case_id),
  }));
  for (const u of p.unplaced) {
    const k = known.get(u.case_id);
    const acuity = u.acuity !== undefined ? u.acuity : (k?.acuity ?? null);
    rows.push({
      case_id: u.case_id,
      patient_id: u.patient_id ?? k?.patient_id ?? null,
      acuity,
      weight: u.weight ?? acuityWeight(acuity),
      from_user_id: u.from_user_id !== undefined ? u.from_user_id : (k?.assigned_user_id ?? null),
      to_user_id: null,
      why: u.why,
      placed: false,
      version: version(u.case_id),
    });
  }
  return rows;
}

/** Whether a row moves its case: a target that is not who has it now. */
export function moves(r: MoveRow): boolean {
  return r.to_user_id !== null && r.to_user_id !== r.from_user_id;
}

/**
 * Open cases and acuity-weighted loads after the rows as edited, from the
 * server's loads before: each moving case leaves its holder and joins its
 * target. Case managers the server did not list start at zero.
 */
export function loadsAfter(loads: LoadChange[], rows: MoveRow[], names: Map<number, string> = new Map()): LoadChange[] {
  const out = new Map<number, LoadChange>();
  for (const l of loads) out.set(l.user_id, { ...l, open_after: l.open_before, load_after: l.load_before });
  const line = (id: number): LoadChange => {
    let l = out.get(id);
    if (!l) {
      l = { user_id: id, display_name: names.get(id) ?? `User #${id}`, open_before: 0, open_after: 0, load_before: 0, load_after: 0 };
      out.set(id, l);
    }
    return l;
  };
  for (const r of rows) {
    if (!moves(r)) continue;
    if (r.from_user_id !== null) {
      const f = line(r.from_user_id);
      f.open_after -= 1;
      f.load_after -= r.weight;
    }
    const t = line(r.to_user_id as number);
    t.open_after += 1;
    t.load_after += r.weight;
  }
  return [...out.values()];
}

export interface ReassignmentBody {
  reason: string;
  assignments: { case_id: number; user_id: number; version?: number }[];
}

/** The body of POST /supervision/reassignments: the moving rows, in order, each with its case's version as read, and the reason. */
export function reassignmentBody(rows: MoveRow[], reason: string): ReassignmentBody {
  return {
    reason: reason.trim(),
    assignments: rows.filter(moves).map((r) => ({ case_id: r.case_id, user_id: r.to_user_id as number, ...(r.version !== null ? { version: r.version } : {}) })),
  };
}

/** The case an error of bulk reassignment is about: `assignments[2].user_id` → the third assignment's case. */
export function caseOfError(field: string | null | undefined, body: { assignments: { case_id: number }[] }): number | null {
  const m = /^assignments\[(\d+)\]/.exec(field ?? '');
  if (!m) return null;
  return body.assignments[Number(m[1])]?.case_id ?? null;
}

/** Whether an error of bulk reassignment is a stale version: the case changed since it was read. */
export function isStaleRow(field: string | null | undefined): boolean {
  return /^assignments\[\d+\]\.version$/.test(field ?? '');
}

/** What a row says when its case changed since the proposal was made. */
export const STALE_ROW =
  'someone else changed this case since the proposal was made (for example assigned it), so nothing moved. Who has it now is shown: choose again or leave it where it is, then apply';

export interface CoverageForm {
  absent_user_id: string;
  covering_user_id: string;
  from: string;
  to: string;
  reason: string;
}

/**
 * The body of POST /supervision/coverages: the ids, the first day's start
 * at the organisation's midnight (`timeZone`; left out when it is today or
 * earlier: the coverage starts now), the next midnight after the last day,
 * the reason. Empty choices are left out so the server names them.
 */
export function coverageBody(f: CoverageForm, timeZone: string, now: Date = new Date()): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (f.absent_user_id) body.absent_user_id = Number(f.absent_user_id);
  if (f.covering_user_id) body.covering_user_id = Number(f.covering_user_id);
  const starts = f.from ? zoneDayStart(f.from, timeZone) : null;
  if (starts && Date.parse(starts) > now.getTime()) body.starts_at = starts;
  else if (f.from && !starts) body.starts_at = f.from;
  const ends = f.to ? zoneDayEnd(f.to, timeZone) : null;
  if (ends) body.ends_at = ends;
  else if (f.to) body.ends_at = f.to;
  body.reason = f.reason.trim();
  return body;
}
