// Intake and triage (docs/api.md, Patients and Cases): the new patient's
// record as the API takes it, the referral that opens a case, the coded
// values in plain words, the triage countdown, the referrals waiting for a
// case manager and the case managers to choose from with their load.
// No DOM: unit-tested in Node.

export interface Choice {
  value: string;
  label: string;
}

export const REFERRAL_SOURCES: Choice[] = [
  { value: 'hospital', label: 'Hospital' },
  { value: 'physician', label: 'Physician' },
  { value: 'insurer', label: 'Insurer' },
  { value: 'self', label: 'Self-referral' },
  { value: 'community_agency', label: 'Community agency' },
  { value: 'other', label: 'Other' },
];

/** Urgencies with the triage clock the server applies (docs/api.md, "Triage due"). */
export const URGENCIES: (Choice & { triage: string })[] = [
  { value: 'routine', label: 'Routine', triage: 'triage within 3 business days' },
  { value: 'urgent', label: 'Urgent', triage: 'triage within 1 business day' },
  { value: 'emergent', label: 'Emergent', triage: 'triage within 4 hours' },
];

export const SEXES: Choice[] = [
  { value: 'female', label: 'Female' },
  { value: 'male', label: 'Male' },
  { value: 'other', label: 'Other' },
  { value: 'unknown', label: 'Unknown' },
];

export const GENDER_IDENTITIES: Choice[] = [
  { value: 'female', label: 'Female' },
  { value: 'male', label: 'Male' },
  { value: 'transgender_female', label: 'Transgender female' },
  { value: 'transgender_male', label: 'Transgender male' },
  { value: 'non_binary', label: 'Non-binary' },
  { value: 'other', label: 'Other' },
  { value: 'declined', label: 'Declined to say' },
  { value: 'unknown', label: 'Unknown' },
];

export const RACES: Choice[] = [
  { value: 'american_indian_or_alaska_native', label: 'American Indian or Alaska Native' },
  { value: 'asian', label: 'Asian' },
  { value: 'black_or_african_american', label: 'Black or African American' },
  { value: 'native_hawaiian_or_other_pacific_islander', label: 'Native Hawaiian or other Pacific Islander' },
  { value: 'white', label: 'White' },
  { value: 'other', label: 'Other' },
  { value: 'declined', label: 'Declined to say' },
  { value: 'unknown', label: 'Unknown' },
];

export const ETHNICITIES: Choice[] = [
  { value: 'hispanic_or_latino', label: 'Hispanic or Latino' },
  { value: 'not_hispanic_or_latino', label: 'Not Hispanic or Latino' },
  { value: 'declined', label: 'Declined to say' },
  { value: 'unknown', label: 'Unknown' },
];

export const CONTACT_METHODS: Choice[] = [
  { value: 'phone', label: 'Phone' },
  { value: 'sms', label: 'Text message' },
  { value: 'email', label: 'Email' },
  { value: 'mail', label: 'Mail' },
  { value: 'portal', label: 'Patient portal' },
  { value: 'in_person', label: 'In person' },
];

export const PHONE_USES: Choice[] = [
  { value: 'mobile', label: 'Mobile' },
  { value: 'home', label: 'Home' },
  { value: 'work', label: 'Work' },
  { value: 'other', label: 'Other' },
];

export const IDENTIFIER_KINDS: Choice[] = [
  { value: 'MR', label: 'Medical record number' },
  { value: 'MB', label: 'Plan member id' },
  { value: 'other', label: 'Other' },
];

export function labelOf(list: Choice[], value: string | null | undefined): string {
  if (!value) return '';
  return list.find((c) => c.value === value)?.label ?? value.replace(/_/g, ' ');
}

/** The new patient form: every field a string (or list), as the inputs hold them. */
export interface PatientForm {
  given_name: string;
  middle_name: string;
  family_name: string;
  preferred_name: string;
  birth_date: string;
  administrative_sex: string;
  gender_identity: string;
  preferred_language: string;
  interpreter_needed: boolean;
  races: string[];
  ethnicity: string;
  phone: string;
  phone_use: string;
  email: string;
  preferred_contact_method: string;
  line1: string;
  line2: string;
  city: string;
  state: string;
  postal_code: string;
  identifier_system: string;
  identifier_value: string;
  identifier_kind: string;
}

export function emptyPatientForm(): PatientForm {
  return {
    given_name: '',
    middle_name: '',
    family_name: '',
    preferred_name: '',
    birth_date: '',
    administrative_sex: '',
    gender_identity: '',
    preferred_language: '',
    interpreter_needed: false,
    races: [],
    ethnicity: '',
    phone: '',
    phone_use: 'mobile',
    email: '',
    preferred_contact_method: '',
    line1: '',
    line2: '',
    city: '',
    state: '',
    postal_code: '',
    identifier_system: '',
    identifier_value: '',
    identifier_kind: 'MR',
  };
}

/**
 * The record POST /patients takes: trimmed, empty optional fields left out
 * (the server names what is missing or wrong), the address only when a part
 * of it is filled, one phone (preferred) and one identifier when given.
 * Required fields are always sent, even empty, so the server names them.
 */
export function patientBody(f: PatientForm): Record<string, unknown> {
  const t = (s: string) => s.trim();
  const body: Record<string, unknown> = {
    given_name: t(f.given_name),
    family_name: t(f.family_name),
    birth_date: t(f.birth_date),
    administrative_sex: f.administrative_sex,
  };
  const optional: (keyof PatientForm)[] = ['middle_name', 'preferred_name', 'gender_identity', 'preferred_language', 'ethnicity', 'email', 'preferred_contact_method'];
  for (const k of optional) {
    const v = t(f[k] as string);
    if (v) body[k] = v;
  }
  if (f.interpreter_needed) body.interpreter_needed = true;
  if (f.races.length) body.races = [...f.races];
  if (t(f.phone)) body.phones = [{ number: t(f.phone), use: f.phone_use || 'mobile', preferred: true }];
  const address = { line1: t(f.line1), line2: t(f.line2), city: t(f.city), state: t(f.state).toUpperCase(), postal_code: t(f.postal_code) };
  if (Object.values(address).some((v) => v)) {
    const a: Record<string, string> = {};
    for (const [k, v] of Object.entries(address)) if (v) a[k] = v;
    body.address = a;
  }
  if (t(f.identifier_value) || t(f.identifier_system)) {
    body.identifiers = [{ system: t(f.identifier_system), value: t(f.identifier_value), kind: f.identifier_kind || 'MR' }];
  }
  return body;
}

/** Which form field an error of POST /patients belongs to ("address.state" → "state", "phones" → "phone"). */
export function patientFieldOf(serverField: string | null): keyof PatientForm | null {
  if (!serverField) return null;
  const f = serverField.replace(/\[\d+\]/g, '');
  const map: Record<string, keyof PatientForm> = {
    phones: 'phone',
    'phones.number': 'phone',
    'phones.use': 'phone_use',
    'address.line1': 'line1',
    'address.line2': 'line2',
    'address.city': 'city',
    'address.state': 'state',
    'address.postal_code': 'postal_code',
    address: 'line1',
    identifiers: 'identifier_value',
    'identifiers.value': 'identifier_value',
    'identifiers.system': 'identifier_system',
    'identifiers.kind': 'identifier_kind',
  };
  if (map[f]) return map[f];
  const direct = emptyPatientForm();
  return f in direct ? (f as keyof PatientForm) : null;
}

export interface ReferralForm {
  program: string;
  referral_source: string;
  referral_reason: string;
  urgency: string;
}

export function emptyReferralForm(): ReferralForm {
  return { program: '', referral_source: '', referral_reason: '', urgency: 'routine' };
}

/** POST /patients/{id}/cases: the referral intake. The server sets `referred_at` (now) and computes the triage due time. */
export function referralBody(f: ReferralForm): Record<string, unknown> {
  return { program: f.program, referral_source: f.referral_source, referral_reason: f.referral_reason.trim(), urgency: f.urgency || 'routine' };
}

export interface TriageClock {
  /** "Triage due in 21 h", "⚠ Triage overdue by 2 d". */
  text: string;
  overdue: boolean;
  /** Within 4 hours. */
  soon: boolean;
}

function span(ms: number): string {
  const min = Math.round(ms / 60000);
  if (min < 60) return `${Math.max(min, 1)} min`;
  const h = Math.round(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} d`;
}

/** The countdown to a case's triage due time, in words (colour only repeats it). */
export function triageClock(dueIso: string | null | undefined, now: number = Date.now()): TriageClock | null {
  if (!dueIso) return null;
  const due = Date.parse(dueIso);
  if (Number.isNaN(due)) return null;
  const left = due - now;
  if (left < 0) return { text: `⚠ Triage overdue by ${span(-left)}`, overdue: true, soon: false };
  return { text: `Triage due in ${span(left)}`, overdue: false, soon: left <= 4 * 3600000 };
}

/** An urgency in words: "Urgent". */
export function urgencyLabel(urgency: string | null | undefined): string {
  return labelOf(URGENCIES, urgency || 'routine');
}

/** A referral waiting for a case manager, as GET /cases?unassigned=true lists it. */
export interface WaitingCase {
  id: number;
  patient_id: number;
  status: string;
  assigned_user_id: number | null;
  triage_due_at?: string | null;
}

/**
 * The referrals still waiting: without a case manager (one assigned
 * meanwhile drops out), once per case, in the server's order (the soonest
 * triage due first).
 */
export function waitingReferrals<T extends WaitingCase>(cases: T[]): T[] {
  const seen = new Set<number>();
  return cases.filter((c) => {
    if (c.assigned_user_id !== null || seen.has(c.id)) return false;
    seen.add(c.id);
    return true;
  });
}


export interface CaseloadLine {
  user_id: number;
  display_name: string;
  open_cases: number;
  acuity_weighted_load: number;
}

export interface Assignee {
  user_id: number;
  name: string;
  /** "37 open cases · acuity-weighted load 84". */
  load: string;
  current: boolean;
  /** The lightest acuity-weighted load of the team (a hint, not a rule). */
  lightest: boolean;
}

/** The team's case managers to assign to, lightest acuity-weighted load first, then by name. */
export function assignees(lines: CaseloadLine[], currentUserId: number | null): Assignee[] {
  const sorted = [...lines].sort((a, b) => a.acuity_weighted_load - b.acuity_weighted_load || a.open_cases - b.open_cases || a.display_name.localeCompare(b.display_name));
  const min = sorted.length ? (sorted[0] as CaseloadLine).acuity_weighted_load : 0;
  return sorted.map((l) => ({
    user_id: l.user_id,
    name: l.display_name,
    load: `${l.open_cases} open case${l.open_cases === 1 ? '' : 's'} · acuity-weighted load ${l.acuity_weighted_load}`,
    current: l.user_id === currentUserId,
    lightest: l.acuity_weighted_load === min,
  }));
}
