// Pure social-needs logic for the screens (the server's src/social rules):
// barrier domains in plain words, the moves a barrier's and a referral's
// status allow, answer-due countdowns, the patient's sharing consent, the
// resource search's query string, and the organisation's link token read
// from the URL fragment. No DOM, no Preact: unit-tested in Node.
import { deadline } from './insurance.js';

/** The 13 barrier domains (GET /api/v1/social/domains), in plain words. */
export const DOMAIN_LABELS: Record<string, string> = {
  housing_instability: 'Housing: at risk of losing it',
  housing_quality: 'Housing: unsafe or in poor repair',
  food_insecurity: 'Not enough food',
  transportation: 'Getting to appointments (transport)',
  utilities: 'Heat, power or water',
  interpersonal_safety: 'Safety at home',
  financial_strain: 'Money for basic needs',
  social_isolation: 'Loneliness and isolation',
  health_literacy: 'Understanding health information',
  language: 'Language and interpreting',
  caregiver_support: 'Support for a caregiver',
  behavioral_health: 'Mental health',
  substance_use: 'Alcohol or drug use',
};

export function domainLabel(domain: string): string {
  const known = DOMAIN_LABELS[domain];
  if (known) return known;
  const words = domain.replace(/_+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export type Severity = 'low' | 'moderate' | 'high' | 'urgent';
export const SEVERITIES: Severity[] = ['low', 'moderate', 'high', 'urgent'];

export const BARRIER_STATUS_LABELS: Record<string, string> = {
  identified: 'Identified',
  in_progress: 'In progress',
  resolved: 'Resolved',
  unable_to_resolve: 'Could not be resolved',
};

export function isBarrierOpen(status: string): boolean {
  return status === 'identified' || status === 'in_progress';
}

/**
 * The status moves a barrier allows (the server checks again): an open one
 * can be worked on (from identified), resolved or given up; a closed one can
 * only be reopened.
 */
export function barrierMoves(status: string): string[] {
  if (status === 'identified') return ['in_progress', 'resolved', 'unable_to_resolve'];
  if (status === 'in_progress') return ['resolved', 'unable_to_resolve'];
  if (status === 'resolved' || status === 'unable_to_resolve') return ['identified'];
  return [];
}

export const BARRIER_MOVE_LABELS: Record<string, string> = {
  in_progress: 'Working on it (in progress)',
  resolved: 'Resolved',
  unable_to_resolve: 'Could not be resolved',
  identified: 'Reopen',
};

/** Resolving, giving up and reopening need an outcome (why). */
export function outcomeRequired(to: string | null | undefined): boolean {
  return to === 'resolved' || to === 'unable_to_resolve' || to === 'identified';
}

export interface BarrierFields {
  severity: string;
  description: string | null;
  problem_id: number | null;
  status: string;
}

export interface BarrierForm {
  severity: string;
  description: string;
  problem_id: string; // '' for none
  status: string; // the current status for no move
  outcome: string;
}

/**
 * The PATCH body for what the form changed (absent fields stay): `problem_id:
 * null` unlinks; a closed barrier takes only a status move (reopen). Null when
 * nothing changed.
 */
export function barrierPatch(before: BarrierFields & { version: number }, f: BarrierForm): Record<string, unknown> | null {
  const body: Record<string, unknown> = { version: before.version };
  let changed = false;
  if (isBarrierOpen(before.status)) {
    if (f.severity !== before.severity) {
      body.severity = f.severity;
      changed = true;
    }
    const desc = f.description.trim();
    if (desc && desc !== (before.description ?? '')) {
      body.description = desc;
      changed = true;
    }
    const problem = f.problem_id === '' ? null : Number(f.problem_id);
    if (problem !== before.problem_id) {
      body.problem_id = problem;
      changed = true;
    }
  }
  if (f.status !== before.status) {
    body.status = f.status;
    changed = true;
  }
  // The outcome goes with a status move only (the server keeps it with the move).
  if (f.outcome.trim() && f.status !== before.status) body.outcome = f.outcome.trim();
  return changed ? body : null;
}

// Referrals -------------------------------------------------------------------

export const REFERRAL_STATUS_LABELS: Record<string, string> = {
  draft: 'Draft (not sent)',
  sent: 'Sent, waiting for an answer',
  accepted: 'Accepted',
  declined: 'Declined',
  service_delivered: 'Service delivered',
  no_show: 'Did not attend',
  closed: 'Closed',
};

export function referralStatusLabel(s: string): string {
  return REFERRAL_STATUS_LABELS[s] ?? s.replace(/_/g, ' ');
}

export type ReferralStepKind = 'sent' | 'accepted' | 'declined' | 'service_delivered' | 'no_show' | 'closed';

/** The steps staff may record on a referral in this status (mirrors the server). */
export function staffSteps(status: string): ReferralStepKind[] {
  switch (status) {
    case 'draft':
      return ['sent', 'closed'];
    case 'sent':
      return ['accepted', 'declined', 'sent', 'closed'];
    case 'accepted':
      return ['service_delivered', 'no_show', 'closed'];
    case 'no_show':
      return ['accepted', 'closed'];
    case 'declined':
    case 'service_delivered':
      return ['closed'];
    default:
      return [];
  }
}

/** A button's words for a step; sending again differs from the first send. */
export function stepLabel(step: ReferralStepKind, from: string): string {
  switch (step) {
    case 'sent':
      return from === 'sent' ? 'Send again (new link)' : 'Send';
    case 'accepted':
      return 'Record accepted';
    case 'declined':
      return 'Record declined';
    case 'service_delivered':
      return 'Record service delivered';
    case 'no_show':
      return 'Record no-show';
    case 'closed':
      return 'Close referral';
  }
}

/** What a step asks for: a reason (declined, closed), the service date (delivered). */
export function stepNeeds(step: string): { reason: boolean; serviceDate: boolean; outcomeNote: boolean } {
  return {
    reason: step === 'declined' || step === 'closed',
    serviceDate: step === 'service_delivered',
    outcomeNote: step === 'service_delivered' || step === 'no_show' || step === 'accepted',
  };
}

export interface ReferralClock {
  overdue: boolean;
  soon: boolean;
  /** "Answer due in 2 d 5 h", "No answer — overdue by 1 d" */
  text: string;
}

/** The organisation's answer countdown, while a referral waits for one. */
export function answerClock(r: { status: string; answer_due_at: string | null; overdue?: boolean }, now: number = Date.now()): ReferralClock | null {
  if (r.status !== 'sent') return null;
  const d = deadline(r.answer_due_at, now);
  if (!d) return null;
  if (d.overdue || r.overdue) {
    return { overdue: true, soon: false, text: d.overdue ? `No answer — ${d.text}` : 'No answer — overdue' };
  }
  return { overdue: false, soon: d.soon, text: `Answer ${d.text}` };
}

export interface ConsentLike {
  kind: string;
  party_name: string | null;
  active: boolean;
  granted_on: string;
  expires_on: string | null;
  revoked_at: string | null;
  method?: string;
}

/**
 * The patient's active information-sharing consent naming the organisation on
 * `today` (YYYY-MM-DD), as the server looks for it before sending.
 */
export function sharingConsent<T extends ConsentLike>(consents: T[], organization: string, today: string): T | null {
  const org = organization.trim().toLowerCase();
  for (const c of consents) {
    if (c.kind !== 'information_sharing' || !c.active || c.revoked_at) continue;
    if ((c.party_name ?? '').trim().toLowerCase() !== org) continue;
    if (c.granted_on > today) continue;
    if (c.expires_on && c.expires_on < today) continue;
    return c;
  }
  return null;
}

// Resources -------------------------------------------------------------------

export const CAPACITY_LABELS: Record<string, string> = {
  open: 'Taking new clients',
  waitlist: 'Waitlist',
  full: 'Full',
  unknown: 'Capacity not known',
};

export function capacityLabel(c: string): string {
  return CAPACITY_LABELS[c] ?? c;
}

const LANGUAGES: Record<string, string> = {
  en: 'English',
  es: 'Spanish',
  so: 'Somali',
  ar: 'Arabic',
  ne: 'Nepali',
  vi: 'Vietnamese',
  fr: 'French',
  zh: 'Chinese',
  ru: 'Russian',
  pt: 'Portuguese',
  sw: 'Swahili',
  ht: 'Haitian Creole',
  am: 'Amharic',
  ti: 'Tigrinya',
  uk: 'Ukrainian',
  ko: 'Korean',
  tl: 'Tagalog',
  hi: 'Hindi',
  bn: 'Bengali',
  ur: 'Urdu',
  fa: 'Persian',
  de: 'German',
  ja: 'Japanese',
  asl: 'American Sign Language',
};

/** "es" → "Spanish"; unknown tags as they are. */
export function languageName(tag: string | null | undefined): string {
  if (!tag) return '';
  const primary = tag.toLowerCase().split('-')[0] as string;
  return LANGUAGES[primary] ?? tag;
}

/** "3.8 miles", "0.5 miles", "1 mile"; unknown distances say so. */
export function milesText(d: number | null | undefined): string {
  if (d === null || d === undefined || !Number.isFinite(d)) return 'distance not known';
  const v = Math.round(d * 10) / 10;
  return `${v} ${v === 1 ? 'mile' : 'miles'}`;
}

export interface ResourceSearch {
  domain: string;
  text: string;
  /** the language to require, '' for any */
  language: string;
  /** '' for any distance */
  withinMiles: string;
  hideFull: boolean;
  limit?: number;
}

/** The query string of a resource search (GET .../resources?...): empty fields left out. */
export function resourceQuery(s: ResourceSearch): string {
  const q = new URLSearchParams();
  if (s.domain) q.set('domain', s.domain);
  if (s.text.trim()) q.set('q', s.text.trim());
  if (s.language) q.set('language', s.language);
  if (s.withinMiles.trim()) q.set('within_miles', s.withinMiles.trim());
  if (s.hideFull) q.set('include_full', 'false');
  q.set('limit', String(s.limit ?? 25));
  return q.toString();
}

/** The link as someone outside can open it: a relative partner_url gets this origin. */
export function absoluteLink(url: string, origin: string): string {
  if (/^https?:\/\//i.test(url)) return url;
  return origin.replace(/\/+$/, '') + (url.startsWith('/') ? url : `/${url}`);
}

// The organisation's page -----------------------------------------------------

/**
 * The token from the URL fragment ("#token=XYZ"): it is never sent to the
 * server with the page request, so it stays out of access logs. Null when
 * absent or malformed.
 */
export function tokenFromHash(hash: string): string | null {
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  for (const part of h.split('&')) {
    const [k, v] = part.split('=');
    if (k === 'token' && v) {
      let t: string;
      try {
        t = decodeURIComponent(v);
      } catch {
        return null;
      }
      return /^[A-Za-z0-9_-]{20,100}$/.test(t) ? t : null;
    }
  }
  return null;
}

export const PARTNER_STEP_LABELS: Record<string, string> = {
  accepted: 'Accept the referral',
  declined: 'Decline the referral',
  service_delivered: 'Service was delivered',
  no_show: 'The person did not come',
};

/** Why the organisation's link does not work, in words for someone outside. */
export function partnerLinkProblem(status: number, message: string): string {
  if (status === 404) {
    return 'This link does not work. It may have been replaced by a newer one, or copied incompletely. Ask the case manager who sent it for a new link.';
  }
  if (status === 409) {
    if (/expired/i.test(message)) return 'This link has expired. Ask the case manager who sent it for a new link.';
    if (/closed/i.test(message)) return 'This referral has been closed by the case manager. Nothing more needs doing here.';
    return `This step cannot be taken now: ${message}.`;
  }
  if (status === 0) return 'Cannot reach the server. Check the connection and try again.';
  if (status === 429) return 'Too many attempts. Wait a minute and try again.';
  if (status >= 500) return 'The server failed. Try again in a moment.';
  return `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;
}

// Histories -------------------------------------------------------------------

export interface SocialEvent {
  kind: string;
  detail: unknown;
  by_user_id: number | null;
  by_partner: boolean;
  at: string;
}

const obj = (d: unknown): Record<string, unknown> => (d && typeof d === 'object' ? (d as Record<string, unknown>) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));

/**
 * One history entry of a barrier or a referral in words. Steps taken through
 * the organisation's link are marked; on a barrier's history the server does
 * not mark them (no by_partner there), so a referral step with nobody
 * signed in is the organisation's.
 */
export function eventText(e: SocialEvent): string {
  const d = obj(e.detail);
  const partner = e.by_partner || (e.kind.startsWith('referral_') && e.kind !== 'referral_created' && e.by_user_id === null);
  const who = partner ? ' (by the organisation)' : '';
  switch (e.kind) {
    case 'identified':
      return d.source === 'screening' ? 'Identified by a screening' : 'Identified by hand';
    case 'screened_again':
      return 'Positive again on a later screening';
    case 'changed': {
      const parts: string[] = [];
      const sev = obj(d.severity);
      if (sev.to) parts.push(`severity ${str(sev.from)} → ${str(sev.to)}`);
      if (d.description) parts.push('description changed');
      if ('problem_id' in d) parts.push(d.problem_id === null ? 'care plan problem unlinked' : 'linked to a care plan problem');
      return `Changed: ${parts.join(', ') || 'details'}`;
    }
    case 'status': {
      const to = str(d.to);
      const label = REFERRAL_STATUS_LABELS[to] && !BARRIER_STATUS_LABELS[to] ? referralStatusLabel(to) : (BARRIER_STATUS_LABELS[to] ?? referralStatusLabel(to));
      const extra = [d.reason ? `reason: ${str(d.reason)}` : '', d.service_date ? `on ${str(d.service_date)}` : '', d.outcome ? str(d.outcome) : '', d.outcome_note ? str(d.outcome_note) : '']
        .filter(Boolean)
        .join('; ');
      return `${label}${who}${extra ? ` — ${extra}` : ''}`;
    }
    case 'resent':
      return 'Sent again with a new link (the old link stopped working)';
    case 'created':
      return 'Referral created';
    case 'link_opened':
      return 'The organisation opened the link';
    case 'capacity':
      return `Capacity updated${who || ' (by the organisation)'}: ${capacityLabel(str(d.capacity))}${d.note ? ` — ${str(d.note)}` : ''}`;
    case 'referral_created':
      return `Referred to ${str(d.organization)} (${str(d.service)})`;
    default:
      if (e.kind.startsWith('referral_')) {
        const to = e.kind.slice('referral_'.length);
        const extra = [d.reason ? `reason: ${str(d.reason)}` : '', d.service_date ? `on ${str(d.service_date)}` : '', d.outcome_note ? str(d.outcome_note) : '']
          .filter(Boolean)
          .join('; ');
        return `${str(d.organization)} (${str(d.service)}): ${referralStatusLabel(to).toLowerCase()}${who}${extra ? ` — ${extra}` : ''}`;
      }
      return e.kind.replace(/_/g, ' ');
  }
}

export interface ReferralLike {
  id: number;
  barrier_id: number;
  status: string;
  resource: { organization: string; service: string };
  decline_reason: string | null;
  outcome_note: string | null;
  service_date: string | null;
}

/** Where a barrier's referrals stand, one line each, for the barrier's card. */
export function referralOutcomeText(r: ReferralLike): string {
  const base = `${r.resource.organization} (${r.resource.service}): ${referralStatusLabel(r.status).toLowerCase()}`;
  if (r.status === 'service_delivered') return `${base}${r.service_date ? ` on ${r.service_date}` : ''}${r.outcome_note ? ` — ${r.outcome_note}` : ''}`;
  if (r.status === 'declined') return `${base}${r.decline_reason ? ` — ${r.decline_reason}` : ''}`;
  if (r.status === 'no_show' && r.outcome_note) return `${base} — ${r.outcome_note}`;
  return base;
}

/** A suggested outcome for resolving a barrier, from its delivered referrals. */
export function suggestedOutcome(referrals: ReferralLike[]): string {
  const done = referrals.filter((r) => r.status === 'service_delivered');
  return done.map((r) => `${r.resource.service} from ${r.resource.organization}${r.service_date ? ` delivered on ${r.service_date}` : ''}.`).join(' ');
}
