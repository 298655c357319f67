// API errors as the screen shows them. The server answers every error as
// {"error","field","code","request_id"} with an HTTP status (docs/api.md);
// these helpers turn that into one clear sentence naming the field.

export interface ApiErrorBody {
  error?: string;
  field?: string | null;
  code?: string;
  request_id?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly field: string | null;
  readonly code: string;
  readonly requestId: string | null;

  constructor(status: number, body: ApiErrorBody | null, fallback = 'request failed') {
    super(body?.error || fallback);
    this.name = 'ApiError';
    this.status = status;
    this.field = body?.field ?? null;
    this.code = body?.code ?? (status === 0 ? 'NetworkError' : 'Unknown');
    this.requestId = body?.request_id ?? null;
  }

  get isConflict(): boolean {
    return this.status === 409;
  }

  /** A 409 on `version`: someone changed the record since it was read. */
  get isStale(): boolean {
    return this.status === 409 && this.field === 'version';
  }
}

const FIELD_LABELS: Record<string, string> = {
  body: 'Request',
  reason: 'Reason',
  to: 'Status',
  version: 'Version',
  username: 'Username',
  password: 'Password',
  target_date: 'Target date',
  target_value: 'Target value',
  target_text: 'Target',
  baseline_value: 'Baseline',
  measured_at: 'Measured at',
  value: 'Value',
  value_text: 'Value',
  duration_minutes: 'Duration (minutes)',
  contact_at: 'Contact time',
  party_name: 'Name of the person contacted',
  minutes: 'Minutes',
  starts_at: 'Start',
  ends_at: 'End',
  coverage_id: 'Coverage',
  urgency: 'Urgency',
  requesting_provider: 'Requesting provider',
  servicing_provider: 'Servicing provider',
  diagnosis_codes: 'Diagnoses',
  services: 'Services',
  clinical_summary: 'Clinical summary',
  denial_reason: "The payer's reason",
  denial_code: 'Denial code',
  payer_reference: 'Payer reference',
  approved_from: 'Approved from',
  approved_to: 'Approved to',
  decided_at: 'Decided on',
  level: 'Appeal level',
  notice_date: 'Notice date',
  notice_received_on: 'Notice received on',
  late_reason: 'Reason for filing late',
  outcome: 'Outcome',
  evidence: 'Evidence',
  argument: 'Argument',
  result: 'Result',
  method: 'Method',
  delivered_to: 'Delivered to',
  recipient_name: "Caregiver's name",
  material_id: 'Material',
  note: 'Note',
  domain: 'Need',
  severity: 'Severity',
  description: 'Description',
  problem_id: 'Care plan problem',
  status: 'Status',
  resource_id: 'Service',
  share_address: 'Share address',
  consent_method: "Patient's consent",
  service_date: 'Date of the service',
  outcome_note: 'Outcome note',
  within_miles: 'Distance',
  capacity: 'Capacity',
  capacity_note: 'Capacity note',
  responder: 'Your name',
  token: 'Link',
  disposition: 'Disposition aimed for',
  expected_discharge_date: 'Expected discharge date',
  case_id: 'Case',
  not_applicable_reason: 'Why it does not apply',
  responsible_user_id: 'Responsible team member',
  responsible_name: 'Name',
  responsible_role: 'Role',
  item: 'Checklist item',
  discharge_medications: 'Discharge medications',
  source: 'Source',
  resolution: 'Resolution',
  resolved_with: 'Resolved with',
  discrepancies: 'Discrepancies',
  update_medication_list: 'Update the medication list',
  component: 'Component',
  occurred_at: 'When',
  performed_by: 'Who did it',
  checked_on: 'Checked on',
  medication: 'Medication',
  reconciliation_id: 'Reconciliation',
  planned: 'Planned',
  encounter_id: 'Stay',
  from: 'From',
  absent_user_id: 'Away',
  covering_user_id: 'Covered by',
  assignments: 'Reassignments',
  from_user_id: 'Case manager leaving',
  case_ids: 'Cases',
  exclude_user_ids: 'Not to',
  max_weighted_load: 'Maximum load',
  as_of: 'As of',
  user_id: 'Case manager',
  program: 'Program',
  months: 'Months before and after',
  comparison: 'Comparison',
  pack: 'Measure pack',
};

/** Items of list fields: "services[0].code" → "Service 1 code". */
const ITEM_LABELS: Record<string, string> = {
  services: 'Service',
  discharge_medications: 'Discharge medication',
  diagnosis_codes: 'Diagnosis',
  evidence: 'Evidence item',
  assignments: 'Reassignment',
  case_ids: 'Case',
};
const ITEM_FIELD_LABELS: Record<string, string> = {
  code: 'code',
  units: 'units',
  service_from: 'from date',
  service_to: 'to date',
  units_approved: 'units approved',
  user_id: 'case manager',
  case_id: 'case',
};

/**
 * A field name as a person reads it: "target_date" → "Target date",
 * "answers.items[8]" → "Answer to item 9", "answers.safety.insult" → "Answer
 * to safety insult".
 */
export function fieldLabel(field: string, labels?: Record<string, string>): string {
  const known = labels?.[field] ?? FIELD_LABELS[field];
  if (known) return known;
  const item = /^([a-z_]+)\[(\d+)\](?:\.([a-z_]+))?$/.exec(field);
  if (item && !field.startsWith('answers')) {
    const list = item[1] as string;
    const head = ITEM_LABELS[list] ?? fieldLabel(list).replace(/s$/, '');
    const sub = item[3] ? ` ${ITEM_FIELD_LABELS[item[3]] ?? item[3].replace(/_/g, ' ')}` : '';
    return `${head} ${Number(item[2]) + 1}${sub}`;
  }
  const answer = /^answers\.items\[(\d+)\]$/.exec(field);
  if (answer) return `Answer to item ${Number(answer[1]) + 1}`;
  if (field.startsWith('answers.')) {
    return `Answer to ${field.slice('answers.'.length).replace(/[._]+/g, ' ').replace(/\[(\d+)\]/g, (_, i) => ` ${Number(i) + 1}`)}`;
  }
  const words = field.replace(/[._]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The JSON pointer of an answer from a server field: "answers.items[8]" → "/items/8". */
export function answerPointer(field: string | null): string | null {
  if (!field || !field.startsWith('answers')) return null;
  const rest = field.slice('answers'.length);
  if (rest === '') return null;
  const parts = rest
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((p) => p !== '');
  return '/' + parts.join('/');
}

/** What to call the record in a conflict message. */
export type RecordKind = 'case' | 'task' | 'goal' | 'care plan' | 'assessment' | 'record' | 'appointment' | 'authorization' | 'appeal' | 'education record' | 'barrier' | 'referral' | 'discharge plan' | 'medication reconciliation';

/**
 * One sentence for any failure. `what` names the record for 409s; `labels`
 * name fields as the form shows them (the task's `reason` is its outcome).
 * Network failures, 401, 403, 404, 409 and 5xx each read differently;
 * field errors lead with the field.
 */
export function describeError(err: unknown, what: RecordKind = 'record', labels?: Record<string, string>): string {
  if (!(err instanceof ApiError)) {
    return err instanceof Error && err.message ? `Something went wrong: ${err.message}` : 'Something went wrong.';
  }
  switch (err.status) {
    case 0:
      return 'Cannot reach the casekeeper server. Check the connection and try again.';
    case 401:
      return err.field === null && /password|username|credentials|locked/i.test(err.message)
        ? err.message
        : 'Your session has ended. Sign in again to continue.';
    case 403:
      return `Not allowed: ${err.message}.`;
    case 404:
      return `Not found: ${err.message}.`;
    case 409:
      if (err.isStale) {
        return `Someone else changed this ${what} after you opened it, so your change was not saved. The latest version is shown now: check it and apply your change again.`;
      }
      return err.field ? `${fieldLabel(err.field, labels)}: ${err.message}.` : `Conflict: ${err.message}.`;
    case 413:
      return 'That is too large for the server to accept.';
    default:
      if (err.status >= 500) {
        return `The server failed (${err.status}). Try again; if it keeps failing, report reference ${err.requestId ?? 'unknown'}.`;
      }
      return err.field ? `${fieldLabel(err.field, labels)}: ${err.message}.` : `${err.message}.`;
  }
}
