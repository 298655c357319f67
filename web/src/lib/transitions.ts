// Pure transitions-of-care logic for the screens (the server's
// src/transitions rules, docs/transitions.md): checklist items, statuses,
// dispositions, discrepancy kinds and resolutions in plain words; what a
// resolution does to the medication list; readmission badges; TRC windows in
// local days and when a record by hand can count; the stays of the tab (acute
// stays from /stays, observation and emergency encounters besides); only the
// changed fields of a checklist item; the discharge list as the API takes it.
// No DOM, no Preact: unit-tested in Node.

/** The eight checklist items, in the server's order. */
export const CHECKLIST_ITEMS = [
  'medication_reconciliation',
  'follow_up_within_7_days',
  'dme',
  'home_health',
  'transport_home',
  'education_teach_back',
  'caregiver_briefed',
  'discharge_summary_received',
] as const;

export const ITEM_LABELS: Record<string, string> = {
  medication_reconciliation: 'Medication reconciliation',
  follow_up_within_7_days: 'Follow-up visit within 7 days',
  dme: 'Medical equipment (DME)',
  home_health: 'Home health services',
  transport_home: 'Transport home',
  education_teach_back: 'Education with teach-back',
  caregiver_briefed: 'Caregiver briefed',
  discharge_summary_received: 'Discharge summary received',
};

export function itemLabel(item: string): string {
  return ITEM_LABELS[item] ?? words(item);
}

export const ITEM_STATUSES = ['pending', 'in_progress', 'done', 'not_applicable'] as const;
export const ITEM_STATUS_LABELS: Record<string, string> = {
  pending: 'Not started',
  in_progress: 'In progress',
  done: 'Done',
  not_applicable: 'Not applicable',
};

/** The dispositions a plan can aim for (transferred, expired, left AMA are outcomes). */
export const PLAN_DISPOSITIONS = ['home', 'home_health', 'skilled_nursing', 'inpatient_rehab', 'hospice', 'long_term_care_hospital', 'other'] as const;
export const DISPOSITION_LABELS: Record<string, string> = {
  home: 'Home',
  home_health: 'Home with home health',
  skilled_nursing: 'Skilled nursing facility',
  inpatient_rehab: 'Inpatient rehabilitation',
  hospice: 'Hospice',
  long_term_care_hospital: 'Long-term care hospital',
  other: 'Other',
  transferred: 'Transferred to another hospital',
  expired: 'Died in hospital',
  left_against_medical_advice: 'Left against medical advice',
};

export function dispositionLabel(d: string | null | undefined): string {
  if (!d) return '';
  return DISPOSITION_LABELS[d] ?? words(d);
}

export const DISCREPANCY_LABELS: Record<string, string> = {
  new: 'New: not taken before admission',
  stopped: 'Stopped: taken before admission, not on the discharge list',
  dose_changed: 'Dose changed',
  frequency_changed: 'How often changed',
  route_changed: 'How it is taken (route) changed',
  product_changed: 'Another product of the same medicine',
  duplicate_therapy: 'Duplicate therapy: two medicines of the same kind',
};

export function discrepancyLabel(kind: string): string {
  return DISCREPANCY_LABELS[kind] ?? words(kind);
}

export const RESOLUTIONS = ['kept', 'changed', 'stopped', 'clarified_with_prescriber', 'not_a_discrepancy'] as const;
export const RESOLUTION_LABELS: Record<string, string> = {
  kept: 'Kept',
  changed: 'Changed',
  stopped: 'Stopped',
  clarified_with_prescriber: 'Clarified with the prescriber',
  not_a_discrepancy: 'Not a discrepancy',
};

export const REC_SOURCES = ['discharge_summary', 'discharge_instructions', 'patient_report', 'pharmacy', 'other'] as const;
export const REC_SOURCE_LABELS: Record<string, string> = {
  discharge_summary: 'Discharge summary',
  discharge_instructions: 'Discharge instructions',
  patient_report: 'The patient or caregiver',
  pharmacy: 'Pharmacy',
  other: 'Other',
};

/**
 * What completing with "update the medication list" does with this
 * discrepancy as resolved (docs/transitions.md, "Updating the medication
 * list"): the discharge list is the result except for these cases.
 */
export function resolutionEffect(kind: string, resolution: string): string {
  if (kind === 'new') return resolution === 'stopped' ? 'It is not added to the medication list.' : 'It is added to the medication list.';
  if (kind === 'stopped') return resolution === 'kept' ? 'It stays on the medication list as before.' : 'It is marked stopped on the medication list.';
  if (kind === 'dose_changed' || kind === 'frequency_changed' || kind === 'route_changed' || kind === 'product_changed') {
    return resolution === 'kept' ? 'The medication list keeps it as it was before admission.' : 'The medication list takes it as on the discharge list.';
  }
  if (kind === 'duplicate_therapy') {
    return resolution === 'stopped' ? 'The second of the two is not taken: it is left off the medication list.' : 'Both stay on the medication list.';
  }
  return 'The medication list takes the discharge list.';
}

export const ADHERENCE_METHODS: Record<string, string> = {
  patient_reported: 'Reported by the patient',
  missed_refills: 'Missed refills',
  pill_count: 'Pill count',
};
export const ADHERENCE_RESULTS: Record<string, string> = {
  adherent: 'Taking as prescribed',
  partially_adherent: 'Partly as prescribed',
  non_adherent: 'Not as prescribed',
};

/** Partly or not adherent needs a note (the server says so too). */
export function adherenceNoteRequired(result: string): boolean {
  return result === 'partially_adherent' || result === 'non_adherent';
}

export const TRC_COMPONENTS = ['admission_notification', 'discharge_information', 'patient_engagement', 'medication_reconciliation'] as const;
export const TRC_COMPONENT_LABELS: Record<string, string> = {
  admission_notification: 'Notification of admission',
  discharge_information: 'Discharge information received',
  patient_engagement: 'Patient engagement after discharge',
  medication_reconciliation: 'Medication reconciliation after discharge',
};
export const TRC_WINDOWS: Record<string, string> = {
  admission_notification: 'day of admission through 2 days after',
  discharge_information: 'day of discharge through 2 days after',
  patient_engagement: '1 through 30 days after discharge',
  medication_reconciliation: 'day of discharge through 30 days after',
};
export const TRC_STATUS_LABELS: Record<string, string> = { met: 'Met', not_met: 'Not met', pending: 'Pending' };

export const TRC_SOURCE_LABELS: Record<string, string> = {
  hl7v2_a01: 'Hospital admission message (ADT)',
  hand_entry: 'Admission entered by hand',
  checklist: 'Discharge checklist',
  document: 'Discharge summary filed',
  contact: 'Contact with the patient',
  appointment: 'Completed appointment',
  reconciliation: 'Completed medication reconciliation',
  documented: 'Recorded by hand',
};

export function trcSourceLabel(source: string | null | undefined): string {
  if (!source) return '';
  return TRC_SOURCE_LABELS[source] ?? words(source);
}

export interface TrcComponentLike {
  component: string;
  status: string;
  window_from: string | null;
  due: string | null;
  at: string | null;
  source: string | null;
}

/** Whole local days from `today` to `date` (both YYYY-MM-DD); negative when past. */
export function daysBetween(today: string, date: string): number | null {
  const a = parseDate(today);
  const b = parseDate(date);
  if (a === null || b === null) return null;
  return Math.round((b - a) / 86400000);
}

/** "due today", "due in 3 days", "due tomorrow", "2 days ago" for a local date. */
export function dueWords(due: string, today: string): string {
  const n = daysBetween(today, due);
  if (n === null) return '';
  if (n === 0) return 'due today';
  if (n === 1) return 'due tomorrow';
  if (n > 1) return `due in ${n} days`;
  return `was due ${-n === 1 ? 'yesterday' : `${-n} days ago`}`;
}

/**
 * A TRC component's state in words: met on a date, not met (the window
 * passed), pending with its due date, or waiting for the discharge to open
 * its window.
 */
export function trcStateText(c: TrcComponentLike, today: string, dateOf: (iso: string) => string = (s) => s.slice(0, 10)): string {
  if (c.status === 'met') return c.at ? `Met on ${dateOf(c.at)}` : 'Met';
  if (c.status === 'not_met') return c.due ? `Not met: the window closed on ${c.due}` : 'Not met';
  if (!c.window_from || !c.due) return 'Pending: the window opens at discharge';
  const before = daysBetween(today, c.window_from);
  if (before !== null && before > 0) return `Pending: the window opens on ${c.window_from}, due by ${c.due}`;
  return `Pending: ${dueWords(c.due, today)} (${c.due})`;
}

/**
 * Whether "Record by hand" is offered: the component is not met yet and its
 * window has opened (a record before it would not count; after it closed,
 * neither). The server decides what counts.
 */
export function canRecordByHand(c: TrcComponentLike, today: string): boolean {
  if (c.status !== 'pending') return false;
  if (!c.window_from || !c.due) return false;
  const opened = daysBetween(today, c.window_from);
  return opened !== null && opened <= 0;
}

export interface StayReadmission {
  of_stay: number;
  days_after_discharge: number;
  counted: boolean;
  planned: boolean;
  planned_basis: string | null;
}

/** "Readmission — 12 days after discharge"; planned ones say they are not counted. */
export function readmissionText(r: StayReadmission | null | undefined): string | null {
  if (!r) return null;
  const d = r.days_after_discharge;
  const when = d === 0 ? 'the same day as the discharge' : `${d} day${d === 1 ? '' : 's'} after discharge`;
  if (r.planned || !r.counted) return `Planned readmission — ${when} (not counted)`;
  return `Readmission — ${when}`;
}

/** Why the server calls an admission planned ("elective admission type", or a person said so). */
export function plannedBasisText(basis: string | null | undefined): string {
  if (!basis) return '';
  if (basis === 'elective') return 'elective admission type';
  if (basis === 'flagged') return 'marked by a person';
  return words(basis);
}

export interface Readiness {
  done: number;
  not_applicable: number;
  total: number;
  complete: string;
  missing: string[];
  ready: boolean;
}

/** "6/8 ready" and the items missing by name. */
export function readinessText(r: Readiness): { short: string; missing: string } {
  const short = `${r.complete} ready`;
  if (r.ready) return { short, missing: 'Ready for discharge: every item is done or not applicable.' };
  return { short, missing: `Still missing: ${r.missing.map(itemLabel).join(', ')}.` };
}

export interface ItemLike {
  item: string;
  status: string;
  not_applicable_reason: string | null;
  note: string | null;
  responsible: { user_id: number | null; name: string | null; role: string | null };
}

export interface ItemForm {
  status: string;
  not_applicable_reason: string;
  note: string;
  /** 'none', 'user' or 'outside'. */
  who: string;
  user_id: string;
  name: string;
  role: string;
}

export function itemForm(i: ItemLike): ItemForm {
  const r = i.responsible;
  return {
    status: i.status,
    not_applicable_reason: i.not_applicable_reason ?? '',
    note: i.note ?? '',
    who: r.user_id ? 'user' : r.name ? 'outside' : 'none',
    user_id: r.user_id ? String(r.user_id) : '',
    name: r.name ?? '',
    role: r.role ?? '',
  };
}

/**
 * The PATCH body for a checklist item: only what changed (the plan's version
 * is added by the caller); null when nothing did. A new responsible person
 * replaces the old one: a user, or a named outside person with a role.
 */
export function itemPatch(i: ItemLike, f: ItemForm): Record<string, unknown> | null {
  const body: Record<string, unknown> = {};
  if (f.status !== i.status) body.status = f.status;
  const reason = f.not_applicable_reason.trim();
  // An empty reason is left out: the server names the missing one ("say why the item does not apply").
  if (f.status === 'not_applicable' && reason && (reason !== (i.not_applicable_reason ?? '') || body.status)) body.not_applicable_reason = reason;
  const note = f.note.trim();
  if (note !== (i.note ?? '') && note) body.note = note;
  const r = i.responsible;
  if (f.who === 'user') {
    const id = Number(f.user_id);
    if (f.user_id && id !== r.user_id) body.responsible_user_id = id;
  } else if (f.who === 'outside') {
    const name = f.name.trim();
    const role = f.role.trim();
    if (name !== (r.name ?? '') || role !== (r.role ?? '') || r.user_id) {
      body.responsible_name = name;
      if (role) body.responsible_role = role;
    }
  } else if (r.user_id || r.name) {
    body.responsible_user_id = null;
  }
  return Object.keys(body).length ? body : null;
}

/** "Pat Lee (hospital discharge planner)", a team member's name, or null. */
export function responsibleText(r: ItemLike['responsible'], nameOf: (id: number) => string | null): string | null {
  if (r.user_id) return nameOf(r.user_id) ?? `User #${r.user_id}`;
  if (r.name) return r.role ? `${r.name} (${r.role})` : r.name;
  return null;
}

export interface MedRow {
  name: string;
  dose: string;
  route: string;
  frequency: string;
  code: string;
}

export function emptyMedRow(): MedRow {
  return { name: '', dose: '', route: '', frequency: '', code: '' };
}

/** Rows as the API takes them: blank rows dropped, blank fields left out. */
export function medicationLines(rows: MedRow[]): Record<string, string>[] {
  return rows
    .filter((r) => r.name.trim() || r.dose.trim() || r.route.trim() || r.frequency.trim() || r.code.trim())
    .map((r) => {
      const o: Record<string, string> = { name: r.name.trim() };
      for (const k of ['dose', 'route', 'frequency', 'code'] as const) if (r[k].trim()) o[k] = r[k].trim();
      return o;
    });
}

/** A server field such as "discharge_medications" or a row of it, in words. */
export function medFieldLabel(field: string | null): string | null {
  if (!field) return null;
  const m = /^discharge_medications(?:\[(\d+)\](?:\.(\w+))?)?$/.exec(field);
  if (!m) return null;
  if (m[1] === undefined) return 'Discharge medications';
  return `Discharge medication ${Number(m[1]) + 1}${m[2] ? ` ${m[2]}` : ''}`;
}

export interface StayLike {
  first_encounter_id: number;
  last_encounter_id: number;
  admitted_at: string;
  discharged_at: string | null;
}

export interface EncounterLike {
  id: number;
  encounter_class: string;
  status: string;
  admitted_at: string;
  discharged_at: string | null;
}

/**
 * The stays of the tab, newest first: the acute inpatient stays from
 * /stays, then observation and emergency encounters (which have discharge
 * plans and reconciliations but no readmission or TRC), merged by admission.
 */
export function stayEntries<S extends StayLike, E extends EncounterLike>(
  stays: S[],
  encounters: E[],
): ({ kind: 'acute'; id: number; stay: S } | { kind: 'observation' | 'emergency'; id: number; encounter: E })[] {
  const out: ({ kind: 'acute'; id: number; stay: S; at: string } | { kind: 'observation' | 'emergency'; id: number; encounter: E; at: string })[] = [];
  for (const s of stays) out.push({ kind: 'acute', id: s.first_encounter_id, stay: s, at: s.admitted_at });
  for (const e of encounters) {
    if (e.encounter_class !== 'observation' && e.encounter_class !== 'emergency') continue;
    if (e.status === 'cancelled' || e.status === 'entered_in_error' || e.status === 'planned') continue;
    out.push({ kind: e.encounter_class, id: e.id, encounter: e, at: e.admitted_at });
  }
  out.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.id - a.id));
  return out.map(({ at: _at, ...rest }) => rest) as ReturnType<typeof stayEntries<S, E>>;
}

/** Whether an encounter id from the URL (or a worklist item) is this stay. */
export function isStay(entry: { id: number; stay?: StayLike }, encounterId: number): boolean {
  if (entry.id === encounterId) return true;
  return !!entry.stay && (entry.stay.first_encounter_id === encounterId || entry.stay.last_encounter_id === encounterId);
}

function parseDate(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

function words(code: string): string {
  const w = code.replace(/_+/g, ' ').trim();
  return w.charAt(0).toUpperCase() + w.slice(1);
}
