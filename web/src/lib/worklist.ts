// The worklist as the API gives it (docs/worklist.md): ranked items, each
// with its reasons. The screen only groups and filters; it never re-ranks.

/**
 * A worklist snooze (docs/worklist.md): the item is hidden from every
 * worklist until `until`. `active` false: it ran out (or was woken or
 * replaced), or the item changed (`changed`), and the item is back.
 */
export interface WorklistSnooze {
  id: number;
  until: string;
  reason: string;
  snoozed_by: number | null;
  snoozed_by_name?: string | null;
  snoozed_at: string;
  active: boolean;
  /** The item changed since (a priority raised, a deadline passed): the snooze no longer hides it (`active` false). */
  changed: boolean;
  /** The snooze that replaced this one, when one did. */
  replaced_by?: number | null;
  /** The answers of POST /worklist/snoozes and of a wake. */
  item?: string;
  patient_id?: number | null;
  woken_at?: string | null;
  woken_by?: number | null;
}

export interface WorklistItem {
  /** "<kind>:<subject>:<id>" for snoozing; null for items that cannot be snoozed (crisis alerts). */
  key?: string | null;
  /**
   * Null, an active snooze (listed with include_snoozed=true only), one that
   * ran out (for as long as it lasted, 7 days at most) or one the item outgrew
   * (`changed`).
   */
  snooze?: WorklistSnooze | null;
  kind: string;
  score: number;
  reasons: string[];
  title: string;
  patient_id: number | null;
  case_id: number | null;
  task_id: number | null;
  alert_id: number | null;
  encounter_id: number | null;
  care_plan_id: number | null;
  goal_id: number | null;
  authorization_id?: number | null;
  appeal_id?: number | null;
  referral_id?: number | null;
  discharge_plan_id?: number | null;
  owner_user_id: number | null;
  /** The patient's name as the server gives it (kept in memory only). */
  patient_name?: string;
  at: string | null;
}

export type Category = 'alerts' | 'tasks' | 'hospital' | 'discharge' | 'referrals' | 'outreach' | 'care_plans' | 'insurance' | 'social' | 'other';

export const CATEGORY_LABELS: Record<Category, string> = {
  alerts: 'Alerts',
  tasks: 'Tasks',
  hospital: 'Admissions and discharges',
  discharge: 'Discharge plans',
  referrals: 'New referrals',
  outreach: 'Contact due',
  care_plans: 'Care plans',
  insurance: 'Insurance',
  social: 'Social needs',
  other: 'Other',
};

const KIND_CATEGORY: Record<string, Category> = {
  crisis_alert: 'alerts',
  high_alert: 'alerts',
  task_overdue: 'tasks',
  task_due_soon: 'tasks',
  discharged: 'hospital',
  admitted: 'hospital',
  discharge_plan_due: 'discharge',
  new_referral: 'referrals',
  no_recent_contact: 'outreach',
  care_plan_review_due: 'care_plans',
  goal_past_target: 'care_plans',
  authorization_decision_due: 'insurance',
  appeal_deadline: 'insurance',
  authorization_expiring: 'insurance',
  referral_unanswered: 'social',
};

export const KIND_LABELS: Record<string, string> = {
  crisis_alert: 'Crisis alert',
  high_alert: 'High alert',
  task_overdue: 'Overdue task',
  task_due_soon: 'Task due soon',
  discharged: 'Discharged',
  admitted: 'Admitted',
  discharge_plan_due: 'Discharge plan due',
  new_referral: 'New referral',
  no_recent_contact: 'No recent contact',
  care_plan_review_due: 'Care plan review due',
  goal_past_target: 'Goal past target date',
  authorization_decision_due: 'Payer decision due',
  appeal_deadline: 'Appeal deadline',
  authorization_expiring: 'Authorization ending',
  referral_unanswered: 'Referral unanswered',
};

export function categoryOf(kind: string): Category {
  return KIND_CATEGORY[kind] ?? 'other';
}

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind.replace(/_/g, ' ');
}

/** Visual urgency of an item: crisis, high, normal. */
export function urgencyOf(item: WorklistItem): 'crisis' | 'high' | 'normal' {
  if (item.kind === 'crisis_alert') return 'crisis';
  if (item.kind === 'high_alert' || item.kind === 'task_overdue') return 'high';
  return 'normal';
}

export interface WorklistFilter {
  categories: Set<Category>; // empty: all
  ownerUserId: number | null; // team view: one member, or null for all
  text: string; // matches the title, the reasons and the patient's name
}

export function emptyFilter(): WorklistFilter {
  return { categories: new Set(), ownerUserId: null, text: '' };
}

/** Items passing the filter, in the server's order. */
export function filterItems(
  items: WorklistItem[],
  f: WorklistFilter,
  nameOf: (patientId: number | null) => string = () => '',
): WorklistItem[] {
  const text = f.text.trim().toLowerCase();
  return items.filter((it) => {
    if (f.categories.size > 0 && !f.categories.has(categoryOf(it.kind))) return false;
    if (f.ownerUserId !== null && it.owner_user_id !== f.ownerUserId) return false;
    if (text) {
      const hay = `${it.title} ${it.reasons.join(' ')} ${nameOf(it.patient_id)}`.toLowerCase();
      if (!hay.includes(text)) return false;
    }
    return true;
  });
}

/** Counts per category of the unfiltered list (for the filter buttons). */
export function countByCategory(items: WorklistItem[]): Map<Category, number> {
  const m = new Map<Category, number>();
  for (const it of items) m.set(categoryOf(it.kind), (m.get(categoryOf(it.kind)) ?? 0) + 1);
  return m;
}

/** A stable key for an item (several kinds can point at the same case). */
export function itemKey(it: WorklistItem): string {
  return [it.kind, it.task_id, it.alert_id, it.encounter_id, it.goal_id, it.care_plan_id, it.authorization_id ?? '', it.appeal_id ?? '', it.referral_id ?? '', it.discharge_plan_id ?? '', it.case_id, it.patient_id].join(':');
}

/**
 * Where an item opens: the patient (and case); insurance items open the
 * Insurance tab at their authorization or appeal, an unanswered community
 * referral the Social needs tab at the referral, a discharge plan due and an
 * admission or discharge (a readmission among them) the Transitions tab at
 * the stay. Ids only, never names.
 */
export function itemHref(it: WorklistItem): string {
  const q = new URLSearchParams();
  if (it.case_id) q.set('case', String(it.case_id));
  if (it.authorization_id || it.appeal_id) {
    q.set('tab', 'insurance');
    if (it.authorization_id) q.set('auth', String(it.authorization_id));
    if (it.appeal_id) q.set('appeal', String(it.appeal_id));
  } else if (it.referral_id || it.kind === 'referral_unanswered') {
    q.set('tab', 'social');
    if (it.referral_id) q.set('referral', String(it.referral_id));
  } else if (it.kind === 'discharge_plan_due' || ((it.kind === 'admitted' || it.kind === 'discharged') && it.encounter_id)) {
    q.set('tab', 'transitions');
    if (it.encounter_id) q.set('stay', String(it.encounter_id));
  }
  const qs = q.toString();
  return `/patients/${it.patient_id}${qs ? `?${qs}` : ''}`;
}

/** j/k selection: the next index within [0, n), staying put at the ends. */
export function moveSelection(current: number, delta: number, n: number): number {
  if (n === 0) return -1;
  if (current < 0) return delta > 0 ? 0 : n - 1;
  return Math.min(n - 1, Math.max(0, current + delta));
}
