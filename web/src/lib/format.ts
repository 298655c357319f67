// Pure formatting helpers: no DOM, no Preact, so the unit tests run them in
// Node. Times from the API are ISO-8601 UTC; the screen shows local time.

/** "overdue" words from a signed minute difference: "in 3 h", "2 d ago". */
export function relativeTime(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const diffMin = Math.round((t - now) / 60000);
  const abs = Math.abs(diffMin);
  let amount: string;
  if (abs < 1) return 'now';
  if (abs < 60) amount = `${abs} min`;
  else if (abs < 48 * 60) amount = `${Math.round(abs / 60)} h`;
  else amount = `${Math.round(abs / 1440)} d`;
  return diffMin > 0 ? `in ${amount}` : `${amount} ago`;
}

/** mm:ss for a countdown of whole seconds (never negative). */
export function countdown(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const m = Math.floor(s / 60);
  const rest = s % 60;
  return `${m}:${rest.toString().padStart(2, '0')}`;
}

/** A spoken form for screen readers: "1 minute 5 seconds". */
export function countdownWords(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const m = Math.floor(s / 60);
  const rest = s % 60;
  const parts: string[] = [];
  if (m > 0) parts.push(`${m} minute${m === 1 ? '' : 's'}`);
  if (rest > 0 || m === 0) parts.push(`${rest} second${rest === 1 ? '' : 's'}`);
  return parts.join(' ');
}

const pad = (n: number) => n.toString().padStart(2, '0');

/** "2026-11-27 09:05" in local time. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "2026-11-27" from a time or a date. */
export function dateOnly(iso: string | null | undefined): string {
  if (!iso) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  return dateTime(iso).slice(0, 10);
}

/** Age in whole years on `today` from a YYYY-MM-DD birth date. */
export function ageOn(birthDate: string, today: Date = new Date()): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let age = today.getFullYear() - y;
  const before = today.getMonth() + 1 < mo || (today.getMonth() + 1 === mo && today.getDate() < d);
  if (before) age -= 1;
  return age;
}

/** "heart_failure_transitions" → "Heart failure transitions". */
export function humanize(code: string | null | undefined): string {
  if (!code) return '';
  const words = code.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export interface NameParts {
  given_name: string;
  family_name: string;
  middle_name?: string | null;
  preferred_name?: string | null;
}

/** "Albright, Lionel" (with "(Majo)" when a preferred name differs). */
export function patientName(p: NameParts): string {
  const pref = p.preferred_name && p.preferred_name !== p.given_name ? ` (${p.preferred_name})` : '';
  return `${p.family_name}, ${p.given_name}${pref}`;
}

/** A number without a trailing ".0": 85 → "85", 7.25 → "7.25". */
export function num(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '';
  return Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100);
}

/** Today as YYYY-MM-DD in local time. */
export function todayIso(now: Date = new Date()): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
