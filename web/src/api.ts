// The REST API (docs/api.md) as typed calls. Authentication is the HttpOnly
// `ck_session` cookie the server sets at sign-in (same origin): the token is
// never read or stored by the app, and nothing goes to local or session
// storage. Every answer resets the session's idle clock (see session.ts).
import { ApiError, type ApiErrorBody } from './lib/errors';
import type { InstrumentDefinition } from './lib/instrument';
import { filenameFromDisposition, isExpectedType, unexpectedTypeMessage, type ReportFormat } from './lib/download';
import { bareType, isDocumentType } from './lib/documents';
import type { InsuranceReport } from './lib/insurance';
import type { OutcomesReport } from './lib/outcomes';
import type { PackReport, ProgramEvaluation } from './lib/evaluation';
import type { Organisation } from './lib/organisation';
import type { ComplianceReport, CoverageRecord, Proposal, TeamView } from './lib/supervision';
import type { Readiness, StayReadmission } from './lib/transitions';
import type { SnoozeBody } from './lib/snooze';
import type { WorklistItem, WorklistSnooze } from './lib/worklist';

export type Role = 'case_manager' | 'supervisor' | 'auditor' | 'admin' | 'integration';

export interface User {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  team_id: number | null;
}

export interface Me extends User {
  expires_at: string;
  idle_timeout_seconds: number;
}

export interface LoginAnswer {
  user: User;
  expires_at: string;
  idle_timeout_seconds: number;
}

export interface PatientSummary {
  id: number;
  given_name: string;
  family_name: string;
  middle_name: string | null;
  preferred_name: string | null;
  birth_date: string;
  administrative_sex: string;
  preferred_language: string | null;
}

export interface Patient extends PatientSummary {
  version: number;
  gender_identity: string | null;
  interpreter_needed: boolean;
  phones: { number: string; use: string; preferred: boolean }[];
  identifiers: { id: number; system: string; value: string; kind: string }[];
  preferred_contact_method: string | null;
  merged_into_id: number | null;
  address?: { line1: string | null; line2: string | null; city: string | null; state: string | null; postal_code: string | null } | null;
}

export interface Case {
  id: number;
  patient_id: number;
  program: string;
  status: string;
  urgency: string;
  acuity: string | null;
  assigned_user_id: number | null;
  referral_reason: string;
  referral_source?: string;
  referred_at: string;
  /** When triage is due: emergent 4 hours after the referral, urgent 1 business day, routine 3. */
  triage_due_at?: string;
  risk_tier: number | null;
  risk_reasons: string[];
  closed_at: string | null;
  consecutive_unreached_attempts: number;
  version: number;
  /** On the triage list (`GET /cases?unassigned=true`) only: whom the referral is about. */
  patient_name?: string | null;
}

/** GET /cases/{id}: the case with its assignments (who, when, by whom, why). */
export interface CaseDetail extends Case {
  assignments: { user_id: number; assigned_at: string; assigned_by: number | null; ended_at: string | null; reason: string | null }[];
}

export interface Alert {
  id: number;
  kind: string;
  severity: 'crisis' | 'high' | 'routine';
  status: string;
  reason: string;
  raised_at: string;
  case_id: number | null;
  version: number;
}

export interface CareTeamMember {
  id: number;
  user_id: number;
  display_name: string;
  username: string;
  member_role: string;
}

export interface Allergy {
  id: number;
  substance: string;
  reaction: string | null;
  severity: string | null;
  status: string;
}

export interface Coverage {
  id: number;
  payer: string;
  plan: string | null;
  product_type: string;
  priority: string;
  status: string;
  effective_from: string;
  effective_to: string | null;
}

export interface Medication {
  id: number;
  name: string;
  dose: string | null;
  route: string | null;
  frequency: string | null;
  status: string;
  start_date: string | null;
}

export interface Condition {
  id: number;
  code: string;
  code_system: string;
  description: string | null;
  status: string;
  onset_date: string | null;
}

export interface Encounter {
  id: number;
  encounter_class: string;
  facility: string;
  admitted_at: string;
  discharged_at: string | null;
  status: string;
  discharge_disposition: string | null;
  /** Acute inpatient stays: `counted` or `planned` when this admission is a 30-day readmission. */
  readmission?: 'counted' | 'planned' | null;
  readmission_of?: number | null;
  readmission_days?: number | null;
}

export interface TimelineEvent {
  at: string;
  type: string;
  summary: string;
  case_id: number | null;
  ref: { kind: string; id: number };
}

export interface Task {
  id: number;
  case_id: number;
  patient_id: number;
  title: string;
  task_type: string;
  description: string | null;
  owner_user_id: number | null;
  queue_team_id: number | null;
  queue_role: string | null;
  due_at: string | null;
  priority: string;
  status: string;
  pause_reason: string | null;
  outcome: string | null;
  attempts: number;
  version: number;
  history?: TaskHistory[];
}

export interface TaskHistory {
  kind: string;
  from_status: string | null;
  to_status: string | null;
  detail: string | null;
  by_user_id: number | null;
  at: string;
}

export interface Appointment {
  id: number;
  kind: string;
  reason: string;
  provider: string | null;
  location: string | null;
  telehealth_url: string | null;
  starts_at: string;
  ends_at: string;
  status: string;
  transport_needed: boolean;
  transport_arranged: boolean;
}

export interface Contact {
  id: number;
  contact_at: string;
  method: string;
  direction: string;
  party: string;
  outcome: string;
  summary: string | null;
  duration_minutes: number | null;
}

export interface Goal {
  id: number;
  description: string;
  measure: string | null;
  baseline_value: number | null;
  target_value: number | null;
  target_text: string | null;
  direction: 'decrease' | 'increase' | null;
  target_date: string;
  status: string;
  origin: string;
  latest_value: number | null;
  target_met: boolean;
  progress: { measured_at: string; value: number | null; value_text: string | null; note: string | null }[];
  version: number;
}

export interface CarePlan {
  id: number;
  case_id: number;
  title: string;
  status: string;
  review_every_days: number;
  next_review_due: string | null;
  last_reviewed_at: string | null;
  agreement: { agreed_at: string | null; method: string | null; note: string | null };
  problems: { id: number; description: string; condition_id: number | null }[];
  goals: Goal[];
  interventions: { id: number; description: string; responsible: string; frequency: string | null; status: string }[];
  version: number;
}

export interface Assessment {
  id: number;
  instrument: string;
  instrument_version: string;
  status: string;
  score: number | null;
  band: string | null;
  completed_at: string | null;
  started_at: string;
  alert_ids: number[];
  result: {
    alerts?: { kind: string; reason: string; severity: string }[];
    bands?: Record<string, string>;
    flags?: Record<string, boolean>;
    scores?: Record<string, number>;
    positive_domains?: string[];
  } | null;
}

export interface Risk {
  stratified: { tier: number; reasons: string[]; computed_at: string } | null;
  current: { tier: number | null; reasons: string[] } | null;
}

export interface Caseload {
  user_id: number;
  username: string;
  display_name: string;
  open_cases: number;
  acuity_weighted_load: number;
}

export interface EligibilityCheck {
  id: number;
  coverage_id: number;
  result: string;
  method: string;
  reference: string | null;
  note: string | null;
  checked_at: string;
  verified_by: number | null;
}

export interface CoverageEligibility extends Coverage {
  member_id: string;
  version: number;
  latest_eligibility: EligibilityCheck | null;
  needs_verification: boolean;
}

export interface AuthService {
  id: number;
  code_system: string;
  code: string;
  description: string | null;
  units_requested: number;
  units_approved: number | null;
  service_from: string;
  service_to: string | null;
}

export interface HistoryEntry {
  at: string;
  by_user_id: number | null;
  kind: string;
  detail: unknown;
  from?: string | null;
  to?: string | null;
}

export interface AppealSummary {
  id: number;
  level: string;
  level_name: string;
  status: string;
  outcome: string | null;
  filing_deadline: string | null;
  decision_due_at: string | null;
}

export interface Authorization {
  id: number;
  patient_id: number;
  case_id: number | null;
  coverage_id: number;
  payer: string;
  product_type: string;
  urgency: string;
  status: string;
  requesting_provider: string;
  servicing_provider: string | null;
  diagnosis_codes: string[];
  clinical_summary: string | null;
  payer_reference: string | null;
  submitted_at: string | null;
  received_at: string | null;
  decision_due_at: string | null;
  decision_due_rule: string | null;
  extended: boolean;
  decided_at: string | null;
  decided_within_time: boolean | null;
  denial_reason: string | null;
  denial_code: string | null;
  approved_from: string | null;
  approved_to: string | null;
  approved_on_appeal: boolean;
  appeal_deadline: string | null;
  /** Set while the decision clock is paused (tolled). */
  clock_paused_at?: string | null;
  /** Supporting documents sent with the request. */
  documents?: { id: number; doc_type: string; title: string | null; added_at: string }[];
  services: AuthService[];
  units_requested: number;
  units_approved: number;
  units_used: number;
  history: HistoryEntry[];
  appeals: AppealSummary[];
  created_at: string;
  version: number;
}

export interface Evidence {
  kind: 'condition' | 'note' | 'assessment' | 'document';
  id: number;
}

export interface Appeal {
  id: number;
  patient_id: number;
  authorization_id: number | null;
  claim_id: number | null;
  product_type: string;
  level: string;
  level_name: string;
  kind: string;
  urgency: string;
  status: string;
  notice_date: string | null;
  notice_received_on: string | null;
  filing_deadline: string | null;
  filing_deadline_rule: string | null;
  filed_at: string | null;
  filed_late_reason: string | null;
  decision_due_at: string | null;
  decision_due_rule: string | null;
  decided_at: string | null;
  outcome: string | null;
  outcome_note: string | null;
  evidence: Evidence[];
  argument: string | null;
  history: HistoryEntry[];
  version: number;
}

export interface Claim {
  id: number;
  claim_number: string;
  payer: string;
  service_from: string;
  service_to: string | null;
  service_code: string | null;
  units: number | null;
  billed: number;
  allowed: number | null;
  paid: number | null;
  status: string;
  adjustment_codes: { code: string; description: string | null }[];
  authorization_id: number | null;
}

export interface Note {
  id: number;
  case_id: number;
  note_type: string;
  status: string;
  body: string;
  signed_at: string | null;
  created_at: string;
}

export interface DocumentInfo {
  id: number;
  doc_type: string;
  title: string | null;
  document_date: string | null;
  content_type: string;
  case_id: number | null;
  source: string | null;
  size_bytes: number;
  sha256: string;
  uploaded_by: number | null;
  uploaded_at: string;
  content_url: string;
}

export interface Material {
  id: number;
  code: string;
  language: string;
  title: string;
  topic: string;
  reading_level: number;
  format: string;
  url: string | null;
  summary: string | null;
  teach_back_points: string[];
}

export interface EducationSuggestion {
  material: Material;
  preferred_language: boolean;
  reasons: string[];
}

export interface EducationAssignment {
  id: number;
  patient_id: number;
  case_id: number | null;
  material: { id: number; code: string; title: string; language: string };
  status: string;
  reason: string | null;
  task_id: number | null;
  assigned_at: string;
  delivered_at: string | null;
  delivery_method: string | null;
  delivered_to: string | null;
  recipient_name: string | null;
  interpreter_used: boolean;
  teach_back_at: string | null;
  teach_back_result: string | null;
  teach_back_attempts: number;
  history: HistoryEntry[];
  version: number;
}

// Social needs (src/social): barriers, the community resource directory, referrals.
export interface SocialEvent {
  kind: string;
  detail: unknown;
  by_user_id: number | null;
  /** The organisation's own step, through its referral link. */
  by_partner: boolean;
  at: string;
}

export interface Barrier {
  id: number;
  patient_id: number;
  case_id: number;
  domain: string;
  severity: 'low' | 'moderate' | 'high' | 'urgent';
  status: 'identified' | 'in_progress' | 'resolved' | 'unable_to_resolve';
  source: 'screening' | 'manual';
  assessment_id: number | null;
  problem_id: number | null;
  description: string | null;
  outcome: string | null;
  identified_by: number | null;
  identified_at: string;
  closed_at: string | null;
  updated_at: string;
  version: number;
  history: SocialEvent[];
}

export interface CommunityResource {
  id: number;
  organization: string;
  service: string;
  domains: string[];
  description: string | null;
  eligibility: string | null;
  languages: string[];
  hours: string | null;
  phone: string | null;
  email: string | null;
  website: string | null;
  address_line: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  capacity: 'open' | 'waitlist' | 'full' | 'unknown';
  capacity_note: string | null;
  capacity_updated_at: string | null;
  active: boolean;
  version: number;
}

export interface ResourceHit extends CommunityResource {
  distance_miles: number | null;
}

export interface ResourceSearchAnswer {
  items: ResourceHit[];
  /** Where distances were measured from ("the patient's home ZIP 43211"), if anywhere. */
  origin: string | null;
}

export interface ResourceReferral {
  id: number;
  patient_id: number;
  case_id: number;
  barrier_id: number;
  barrier_domain: string;
  resource: { id: number; organization: string; service: string };
  status: 'draft' | 'sent' | 'accepted' | 'declined' | 'service_delivered' | 'no_show' | 'closed';
  note: string | null;
  share_address: boolean;
  decline_reason: string | null;
  outcome_note: string | null;
  service_date: string | null;
  consent_id: number | null;
  created_by: number | null;
  created_at: string;
  sent_at: string | null;
  answer_due_at: string | null;
  answered_at: string | null;
  closed_at: string | null;
  link_expires_at: string | null;
  overdue: boolean;
  updated_at: string;
  version: number;
  history: SocialEvent[];
}

/** The organisation's secure link: in the answer that sent the referral, and never again. */
export interface PartnerLink {
  url: string;
  expires_at: string;
}

export type ReferralWithLink = ResourceReferral & { link: PartnerLink | null };

export interface Consent {
  id: number;
  kind: string;
  relationship_id: number | null;
  party_name: string | null;
  scope: string | null;
  method: string;
  granted_on: string;
  expires_on: string | null;
  revoked_at: string | null;
  active: boolean;
}

/** What the organisation sees through its link: the minimum necessary. */
export interface PartnerView {
  referral_id: number;
  status: string;
  organization: string;
  service: string;
  /** The need in the server's words ("Food"); `need_domain` is its code (food_insecurity). */
  need: string;
  need_domain?: string;
  patient: { name: string; phone: string | null; preferred_language: string; address: string | null; city_zip: string | null };
  note: string | null;
  referred_by: string;
  sent_at: string;
  answer_due_at: string | null;
  link_expires_at: string;
  capacity: string;
  allowed: string[];
  /** The organisation's today (YYYY-MM-DD): the default and latest service date. */
  today: string;
}

// Transitions of care (src/transitions, docs/transitions.md).
export interface Responsible {
  user_id: number | null;
  name: string | null;
  role: string | null;
}

export interface ChecklistItem {
  item: string;
  status: 'pending' | 'in_progress' | 'done' | 'not_applicable';
  not_applicable_reason: string | null;
  defaulted: boolean;
  responsible: Responsible;
  note: string | null;
  completed_at: string | null;
  completed_by: number | null;
  updated_at: string;
}

export interface DischargePlan {
  id: number;
  encounter_id: number;
  patient_id: number;
  case_id: number | null;
  expected_discharge_date: string | null;
  disposition: string;
  note: string | null;
  encounter: { facility: string; status: string; admitted_at: string; discharged_at: string | null };
  items: ChecklistItem[];
  readiness: Readiness;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  version: number;
  history: { item: string | null; kind: string; detail: unknown; by_user_id: number | null; at: string }[];
}

export interface MedicationLine {
  position: number;
  medication_id: number | null;
  name: string;
  dose: string | null;
  route: string | null;
  frequency: string | null;
  code: string | null;
}

export interface Discrepancy {
  id: number;
  kind: string;
  medication: string;
  detail: string;
  before_position: number | null;
  discharge_position: number | null;
  other_position: number | null;
  resolution: string | null;
  resolved_with: string | null;
  resolution_note: string | null;
  resolved_by: number | null;
  resolved_at: string | null;
}

export interface Reconciliation {
  id: number;
  encounter_id: number;
  patient_id: number;
  status: 'in_progress' | 'completed' | string;
  source: string;
  note: string | null;
  before_admission: MedicationLine[];
  discharge_medications: MedicationLine[];
  discrepancies: Discrepancy[];
  unresolved: number;
  medication_list_updated: boolean;
  created_by: number | null;
  created_at: string;
  completed_at: string | null;
  completed_by: number | null;
  cancelled_at?: string | null;
  cancelled_by?: number | null;
  cancel_reason?: string | null;
  updated_at: string;
  version: number;
}

export interface AdherenceCheck {
  id: number;
  patient_id: number;
  reconciliation_id: number | null;
  method: string;
  checked_on: string;
  result: string;
  medication: string | null;
  note: string | null;
  recorded_by: number | null;
  recorded_at: string;
}

export interface Stay {
  first_encounter_id: number;
  last_encounter_id: number;
  encounter_count: number;
  facility: string;
  admitted_at: string;
  admission_date: string;
  discharged_at: string | null;
  discharge_date: string | null;
  discharge_disposition: string | null;
  index_discharge: boolean;
  planned: boolean;
  planned_basis: string | null;
  readmission: StayReadmission | null;
  readmitted_by: number | null;
}

export interface TrcComponent {
  component: string;
  status: 'met' | 'not_met' | 'pending';
  window_from: string | null;
  due: string | null;
  at: string | null;
  source: string | null;
  ref_id: number | null;
  by: string | null;
  outside_window_at: string | null;
}

export interface TransitionsOfCare {
  stay: Stay;
  status: 'met' | 'not_met' | 'pending';
  components: TrcComponent[];
  superseded_by: number | null;
}

export interface StayOverview extends TransitionsOfCare {
  discharge_plan_id: number | null;
  readiness: Readiness | null;
}

export interface ReadmissionReport {
  from: string;
  to: string;
  time_zone: string;
  index_discharges: number;
  readmissions: number;
  rate: number | null;
  planned_readmissions_excluded: number;
  window_open: number;
  definition: string;
}

export interface StaffMember {
  id: number;
  display_name: string;
  role: string;
  team_id: number | null;
}

/** A file the API sent (a report as CSV or XLSX, the case file), with the name it gave. */
export interface DownloadedFile {
  blob: Blob;
  filename: string;
  contentType: string;
}

type Listener = () => void;
let onActivity: Listener = () => {};
let onUnauthenticated: Listener = () => {};

/** The session layer listens: every answer is activity, a 401 ends the session. */
export function setApiListeners(activity: Listener, unauthenticated: Listener): void {
  onActivity = activity;
  onUnauthenticated = unauthenticated;
}

export async function request<T>(method: string, path: string, body?: unknown, opts: { anonymous?: boolean } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      // The organisation's page sends no cookie: it works by its link alone.
      credentials: opts.anonymous ? 'omit' : 'same-origin',
      cache: 'no-store',
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, null, 'network error');
  }
  const text = await res.text();
  let json: unknown = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!res.ok) {
    const err = new ApiError(res.status, (json as ApiErrorBody) ?? null, res.statusText || `HTTP ${res.status}`);
    if (opts.anonymous) throw err;
    if (res.status === 401 && path !== '/auth/login') onUnauthenticated();
    else onActivity();
    throw err;
  }
  if (!opts.anonymous) onActivity();
  return json as T;
}

/**
 * Downloads a file from the API with the session's cookie (same origin), as
 * every other call: errors are the API's (a field named, 401 ends the
 * session), and an answer of another type than asked for is refused rather
 * than saved under the wrong name.
 */
export async function downloadFile(path: string, format: ReportFormat | 'pdf', fallbackName: string): Promise<DownloadedFile> {
  return fetchFile(path, (type) => (isExpectedType(type, format) ? null : unexpectedTypeMessage(type, format)), fallbackName);
}

/** A file from the API with the session, refused (`refuse` says why) when its type is not what was asked for. */
async function fetchFile(path: string, refuse: (contentType: string) => string | null, fallbackName: string): Promise<DownloadedFile> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { method: 'GET', credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, null, 'network error');
  }
  if (!res.ok) {
    let body: ApiErrorBody | null = null;
    try {
      body = (await res.json()) as ApiErrorBody;
    } catch {
      body = null;
    }
    const err = new ApiError(res.status, body, res.statusText || `HTTP ${res.status}`);
    if (res.status === 401) onUnauthenticated();
    else onActivity();
    throw err;
  }
  onActivity();
  const contentType = res.headers.get('Content-Type') ?? '';
  const refused = refuse(contentType);
  if (refused) {
    await res.arrayBuffer().catch(() => null);
    throw new Error(refused);
  }
  const blob = await res.blob();
  return { blob, filename: filenameFromDisposition(res.headers.get('Content-Disposition'), fallbackName), contentType };
}

/**
 * Uploads a file as the request's body, typed by `contentType` (a patient's
 * document: its description in the query string), with the session as every
 * call; errors are the API's (the field named, 401 ends the session).
 */
export async function uploadFile<T>(path: string, file: Blob, contentType: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { Accept: 'application/json', 'Content-Type': contentType },
      body: file,
    });
  } catch {
    throw new ApiError(0, null, 'network error');
  }
  let json: unknown = null;
  try {
    json = JSON.parse(await res.text());
  } catch {
    json = null;
  }
  if (!res.ok) {
    const err = new ApiError(res.status, (json as ApiErrorBody) ?? null, res.statusText || `HTTP ${res.status}`);
    if (res.status === 401) onUnauthenticated();
    else onActivity();
    throw err;
  }
  onActivity();
  return json as T;
}

const get = <T>(path: string) => request<T>('GET', path);
const post = <T>(path: string, body: unknown = {}) => request<T>('POST', path, body);
const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, body);

interface Items<T> {
  items: T[];
}

/** GET /worklist and /team/worklist: `snoozed` (servers before snoozes leave it out) counts the items active snoozes hide. */
export interface WorklistAnswer {
  items: WorklistItem[];
  snoozed?: number;
}

export const api = {
  login: (username: string, password: string) => post<LoginAnswer>('/auth/login', { username, password }),
  logout: () => post<unknown>('/auth/logout'),
  me: () => get<Me>('/auth/me'),
  /** The organisation's time zone, today, programs and payers (any signed-in user). */
  organisation: () => get<Organisation>('/organisation'),

  /** The caller's ranked worklist; `snoozed` counts the items active snoozes hide (listed too with `includeSnoozed`). */
  worklist: (limit = 100, includeSnoozed = false) => get<WorklistAnswer>(`/worklist?limit=${limit}${includeSnoozed ? '&include_snoozed=true' : ''}`),
  teamWorklist: (limit = 200, includeSnoozed = false) => get<WorklistAnswer>(`/team/worklist?limit=${limit}${includeSnoozed ? '&include_snoozed=true' : ''}`),
  /** Hides a worklist item (its `key`) from every worklist until `until`; a snoozed item's snooze is replaced only when named in `replaces` (409 otherwise). */
  snooze: (body: SnoozeBody) => post<WorklistSnooze>('/worklist/snoozes', body),
  /** Ends a snooze now (no body): the item is back at once; 409 when it had already ended (woken, replaced or run out). */
  wakeSnooze: (id: number) => request<WorklistSnooze>('POST', `/worklist/snoozes/${id}/wake`),
  caseloads: () => get<Items<Caseload>>('/caseloads'),

  /** A new patient (POST /patients): a creating case manager becomes their primary case manager. */
  createPatient: (body: Record<string, unknown>) => post<Patient>('/patients', body),
  /** Referral intake: a new case for the patient; the server computes the triage due time. */
  createCase: (patientId: number, body: Record<string, unknown>) => post<Case>(`/patients/${patientId}/cases`, body),
  caseDetail: (caseId: number) => get<CaseDetail>(`/cases/${caseId}`),
  /** Supervisors: assign (or reassign) a case to a case manager of their team; with `version`, a 409 when the case changed since it was read. */
  assignCase: (caseId: number, body: { user_id: number; reason?: string; version?: number }) => post<Case>(`/cases/${caseId}/assignment`, body),
  /** Supervisors: referrals waiting for a case manager, the soonest triage due first. */
  unassignedCases: (limit = 200) => get<Items<Case>>(`/cases?unassigned=true&limit=${limit}`),
  patients: (after?: number) => get<{ items: PatientSummary[]; next_after: number | null }>(`/patients?limit=200${after ? `&after=${after}` : ''}`),
  searchPatients: (q: { name?: string; birth_date?: string; identifier?: string; phone?: string }) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v && v.trim()) params.set(k, v.trim());
    params.set('limit', '50');
    // The query travels in the request only (never in the page's URL or history).
    return get<{ items: PatientSummary[]; next_after: number | null }>(`/patients?${params.toString()}`);
  },
  patient: (id: number) => get<Patient>(`/patients/${id}`),
  patientCases: (id: number) => get<Items<Case>>(`/patients/${id}/cases`),
  alerts: (id: number) => get<Items<Alert>>(`/patients/${id}/alerts`),
  careTeam: (id: number) => get<Items<CareTeamMember>>(`/patients/${id}/care-team`),
  allergies: (id: number) => get<Items<Allergy>>(`/patients/${id}/allergies`),
  coverages: (id: number) => get<Items<Coverage>>(`/patients/${id}/coverages`),
  medications: (id: number) => get<Items<Medication>>(`/patients/${id}/medications`),
  conditions: (id: number) => get<Items<Condition>>(`/patients/${id}/conditions`),
  encounters: (id: number) => get<Items<Encounter>>(`/patients/${id}/encounters`),
  risk: (id: number) => get<Risk>(`/patients/${id}/risk`),
  timeline: (id: number, types = '') =>
    get<{ items: TimelineEvent[]; next_cursor: string | null }>(`/patients/${id}/timeline?limit=100${types ? `&types=${encodeURIComponent(types)}` : ''}`),
  appointments: (id: number) => get<Items<Appointment>>(`/patients/${id}/appointments`),
  patientAssessments: (id: number) => get<Items<Assessment>>(`/patients/${id}/assessments`),

  caseTasks: (caseId: number, includeClosed = false) => get<Items<Task>>(`/cases/${caseId}/tasks${includeClosed ? '?include_closed=true' : ''}`),
  task: (id: number) => get<Task>(`/tasks/${id}`),
  taskStatus: (id: number, body: { version: number; to: string; reason?: string; minutes?: number }) => post<Task>(`/tasks/${id}/status`, body),
  claimTask: (id: number, version: number) => post<Task>(`/tasks/${id}/claim`, { version }),

  contacts: (caseId: number) => get<Items<Contact>>(`/cases/${caseId}/contacts`),
  logContact: (caseId: number, body: Record<string, unknown>) => post<Contact>(`/cases/${caseId}/contacts`, body),

  instruments: () => get<Items<{ id: string; title: string; version: string; record?: boolean }>>('/instruments'),
  instrument: (id: string) => get<InstrumentDefinition>(`/instruments/${encodeURIComponent(id)}`),
  startAssessment: (caseId: number, body: { instrument: string; answers: unknown; complete: boolean }) =>
    post<Assessment>(`/cases/${caseId}/assessments`, body),

  carePlans: (caseId: number) => get<Items<CarePlan>>(`/cases/${caseId}/care-plans`),
  createCarePlan: (caseId: number, body: { title: string; review_every_days?: number }) => post<CarePlan>(`/cases/${caseId}/care-plans`, body),
  addGoal: (planId: number, body: Record<string, unknown>) => post<CarePlan>(`/care-plans/${planId}/goals`, body),
  setGoalStatus: (planId: number, goalId: number, body: { status: string; version: number }) =>
    patch<CarePlan>(`/care-plans/${planId}/goals/${goalId}`, body),
  addProgress: (planId: number, goalId: number, body: Record<string, unknown>) =>
    post<CarePlan>(`/care-plans/${planId}/goals/${goalId}/progress`, body),
  addProblem: (planId: number, body: { description: string }) => post<CarePlan>(`/care-plans/${planId}/problems`, body),
  recordAgreement: (planId: number, body: { method: string; note?: string }) => post<CarePlan>(`/care-plans/${planId}/agreement`, body),
  // Insurance (docs/insurance.md)
  eligibility: (id: number) => get<Items<CoverageEligibility>>(`/patients/${id}/coverages/eligibility`),
  recordEligibility: (id: number, body: Record<string, unknown>) => post<EligibilityCheck>(`/patients/${id}/eligibility-checks`, body),
  authorizations: (id: number) => get<Items<Authorization>>(`/patients/${id}/authorizations`),
  authorization: (id: number) => get<Authorization>(`/authorizations/${id}`),
  requestAuthorization: (id: number, body: Record<string, unknown>) => post<Authorization>(`/patients/${id}/authorizations`, body),
  authorizationAction: (id: number, body: Record<string, unknown>) => post<Authorization>(`/authorizations/${id}/actions`, body),
  openAppeal: (authId: number, body: Record<string, unknown>) => post<Appeal>(`/authorizations/${authId}/appeals`, body),
  appeal: (id: number) => get<Appeal>(`/appeals/${id}`),
  appealAction: (id: number, body: Record<string, unknown>) => post<Appeal>(`/appeals/${id}/actions`, body),
  packetUrl: (appealId: number) => `/api/v1/appeals/${appealId}/packet.pdf`,
  claims: (id: number) => get<Items<Claim>>(`/patients/${id}/claims`),
  caseNotes: (caseId: number) => get<Items<Note>>(`/cases/${caseId}/notes`),
  documents: (id: number) => get<Items<DocumentInfo>>(`/patients/${id}/documents`),
  /** A new document of the patient: `query` from lib/documents uploadQuery, the file as the body. */
  uploadDocument: (patientId: number, query: string, file: Blob, contentType: string) =>
    uploadFile<DocumentInfo>(`/patients/${patientId}/documents?${query}`, file, contentType),
  /** A document's bytes with the session (every view audited), refused unless of a type the server keeps. */
  documentContent: (documentId: number, fallbackName: string) =>
    fetchFile(`/documents/${documentId}/content`, (type) => (isDocumentType(type) ? null : `the server sent ${bareType(type) || 'no content type'} instead of the document, so nothing was saved`), fallbackName),
  insuranceReport: (from: string, to: string) =>
    get<InsuranceReport>(`/reports/insurance?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`),

  // Education (docs/education.md)
  educationSuggestions: (id: number) => get<Items<EducationSuggestion>>(`/patients/${id}/education/suggestions`),
  education: (id: number) => get<Items<EducationAssignment>>(`/patients/${id}/education`),
  assignEducation: (id: number, body: Record<string, unknown>) => post<EducationAssignment>(`/patients/${id}/education`, body),
  educationStep: (assignmentId: number, step: 'delivery' | 'teach-back' | 'status', body: Record<string, unknown>) =>
    post<EducationAssignment>(`/education/assignments/${assignmentId}/${step}`, body),

  // Social needs (src/social/routes.cc)
  socialDomains: () => get<Items<string>>('/social/domains'),
  barriers: (id: number, caseId?: number | null) => get<Items<Barrier>>(`/patients/${id}/barriers${caseId ? `?case_id=${caseId}` : ''}`),
  barrier: (id: number) => get<Barrier>(`/barriers/${id}`),
  addBarrier: (caseId: number, body: Record<string, unknown>) => post<Barrier>(`/cases/${caseId}/barriers`, body),
  changeBarrier: (id: number, body: Record<string, unknown>) => patch<Barrier>(`/barriers/${id}`, body),
  /** From the patient's home ZIP code; `query` from lib/social resourceQuery (travels in the request only). */
  patientResources: (id: number, query: string) => get<ResourceSearchAnswer>(`/patients/${id}/resources?${query}`),
  resources: (query: string) => get<ResourceSearchAnswer>(`/resources?${query}`),
  refer: (barrierId: number, body: Record<string, unknown>) => post<ReferralWithLink>(`/barriers/${barrierId}/referrals`, body),
  resourceReferrals: (id: number) => get<Items<ResourceReferral>>(`/patients/${id}/resource-referrals`),
  resourceReferral: (id: number) => get<ResourceReferral>(`/resource-referrals/${id}`),
  referralStep: (id: number, body: Record<string, unknown>) => post<ReferralWithLink>(`/resource-referrals/${id}/status`, body),
  consents: (id: number) => get<Items<Consent>>(`/patients/${id}/consents`),

  // Transitions of care (src/transitions/routes.cc)
  staff: () => get<Items<StaffMember>>('/staff'),
  stays: (id: number) => get<Items<StayOverview>>(`/patients/${id}/stays`),
  dischargePlan: (planId: number) => get<DischargePlan>(`/discharge-plans/${planId}`),
  encounterDischargePlan: (encounterId: number) => get<DischargePlan>(`/encounters/${encounterId}/discharge-plan`),
  createDischargePlan: (encounterId: number, body: Record<string, unknown>) => post<DischargePlan>(`/encounters/${encounterId}/discharge-plan`, body),
  changeDischargePlan: (planId: number, body: Record<string, unknown>) => patch<DischargePlan>(`/discharge-plans/${planId}`, body),
  changeChecklistItem: (planId: number, item: string, body: Record<string, unknown>) =>
    patch<DischargePlan>(`/discharge-plans/${planId}/items/${encodeURIComponent(item)}`, body),
  reconciliations: (encounterId: number) => get<Items<Reconciliation>>(`/encounters/${encounterId}/medication-reconciliations`),
  startReconciliation: (encounterId: number, body: Record<string, unknown>) => post<Reconciliation>(`/encounters/${encounterId}/medication-reconciliations`, body),
  changeReconciliation: (id: number, body: Record<string, unknown>) => patch<Reconciliation>(`/medication-reconciliations/${id}`, body),
  resolveDiscrepancy: (id: number, discrepancyId: number, body: Record<string, unknown>) =>
    post<Reconciliation>(`/medication-reconciliations/${id}/discrepancies/${discrepancyId}`, body),
  completeReconciliation: (id: number, body: { version: number; update_medication_list: boolean }) =>
    post<Reconciliation>(`/medication-reconciliations/${id}/complete`, body),
  cancelReconciliation: (id: number, body: { version: number; reason: string }) => post<Reconciliation>(`/medication-reconciliations/${id}/cancel`, body),
  adherenceChecks: (id: number) => get<Items<AdherenceCheck>>(`/patients/${id}/adherence-checks`),
  addAdherenceCheck: (id: number, body: Record<string, unknown>) => post<AdherenceCheck>(`/patients/${id}/adherence-checks`, body),
  transitionsOfCare: (encounterId: number) => get<TransitionsOfCare>(`/encounters/${encounterId}/transitions-of-care`),
  recordTrc: (encounterId: number, body: Record<string, unknown>) => post<TransitionsOfCare>(`/encounters/${encounterId}/transitions-of-care`, body),
  retractTrc: (documentationId: number, reason: string) => post<TransitionsOfCare>(`/trc-documentation/${documentationId}/retract`, { reason }),
  setPlannedAdmission: (encounterId: number, body: { planned: boolean; reason: string }) => post<Stay>(`/encounters/${encounterId}/planned-admission`, body),
  /** Outcome measures (docs/outcomes.md); `params` from lib/outcomes outcomesParams. */
  outcomesReport: (params: Record<string, string>) => get<OutcomesReport>(`/reports/outcomes?${new URLSearchParams(params).toString()}`),
  readmissionReport: (from: string, to: string) => get<ReadmissionReport>(`/reports/readmissions?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`),

  /** Program evaluation (before and after enrolment, against patients not enrolled); `params` from lib/evaluation. */
  programEvaluation: (params: Record<string, string>) => get<ProgramEvaluation>(`/reports/program-evaluation?${new URLSearchParams(params).toString()}`),
  measurePacks: () => get<Items<{ pack: string; title: string }>>('/reports/measure-packs'),
  measurePack: (pack: string, from: string, to: string) =>
    get<PackReport>(`/reports/measure-packs/${encodeURIComponent(pack)}?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`),

  // Supervision (src/supervision/routes.cc)
  supervisionTeam: (from: string, to: string) => get<TeamView>(`/supervision/team?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`),
  /** The documentation checklist: a case manager's own, a supervisor's team (or one member with `userId`). */
  compliance: (params: Record<string, string>) => get<ComplianceReport>(`/supervision/compliance?${new URLSearchParams(params).toString()}`),
  /** A case manager's open cases (supervisors: a team member's). */
  casesOf: (userId: number) => get<Items<Case> & { next_after: number | null }>(`/cases?assigned_user_id=${userId}&limit=200`),
  /** Balanced targets for cases to move; changes nothing. */
  reassignmentProposal: (body: { from_user_id?: number; case_ids?: number[]; exclude_user_ids?: number[]; max_weighted_load?: number }) =>
    post<Proposal>('/supervision/reassignment-proposal', body),
  /** Moves every case at once (one transaction): all or none. */
  reassign: (body: { reason: string; assignments: { case_id: number; user_id: number; version?: number }[] }) =>
    post<{ moved: number; items: { case_id: number; patient_id: number; assigned_user_id: number | null; version: number }[] }>('/supervision/reassignments', body),
  caseloadCoverages: (includeEnded = false) => get<Items<CoverageRecord>>(`/supervision/coverages${includeEnded ? '?include_ended=true' : ''}`),
  startCoverage: (body: Record<string, unknown>) => post<CoverageRecord>('/supervision/coverages', body),
  endCoverage: (id: number, reason?: string) => post<CoverageRecord>(`/supervision/coverages/${id}/end`, reason ? { reason } : {}),

  // Downloads: a report as CSV or XLSX (`path` from lib/download reportPath), the case file.
  downloadReport: (path: string, format: ReportFormat, fallbackName: string) => downloadFile(path, format, fallbackName),
  /** The confidential case file; the reason is required and kept in the audit record. */
  caseFile: (caseId: number, reason: string) => downloadFile(`/cases/${caseId}/file.pdf?reason=${encodeURIComponent(reason)}`, 'pdf', `case-${caseId}-file.pdf`),

  // The organisation's page: no session, the token in the body (never in a URL).
  partnerReferral: (token: string) => request<PartnerView>('POST', '/partner/referral', { token }, { anonymous: true }),
  partnerUpdate: (body: Record<string, unknown> & { token: string }) => request<PartnerView>('POST', '/partner/referral/update', body, { anonymous: true }),
};
