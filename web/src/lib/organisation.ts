// The organisation (GET /api/v1/organisation): its time zone, its day, its
// programs and the payers on record. Dates in requests are the
// organisation's days, so "today" is its today (not the browser's) and a day
// becomes a time at the organisation's midnight (or at a time of day there,
// e.g. a worklist snooze until 9:00). No DOM: unit-tested in Node.

export interface Program {
  code: string;
  name: string;
}

export interface Organisation {
  /** An IANA time zone ("America/New_York"). */
  time_zone: string;
  /** The organisation's day when it was read (YYYY-MM-DD). */
  today: string;
  programs: Program[];
  payers: string[];
  /** How far ahead a worklist item may be snoozed (`worklist.snooze_max_days`). */
  snooze_max_days: number;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const pad = (n: number) => n.toString().padStart(2, '0');

/** A YYYY-MM-DD day as days since 1970-01-01, or null when it is no real day. */
export function dayNumber(day: string): number | null {
  const m = DAY.exec(day.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return Math.round(t / 86400000);
}

function fromDayNumber(n: number): string {
  const d = new Date(n * 86400000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** The day `n` days after (before, when negative) a YYYY-MM-DD day; the day itself when it is not one. */
export function addDays(day: string, n: number): string {
  const k = dayNumber(day);
  return k === null ? day : fromDayNumber(k + n);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The formatter of a zone's wall clock; null for a zone this runtime does not know. */
function wallFormat(timeZone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      return null;
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock of a zone at an instant, as if it were UTC (ms), or null for an unknown zone. */
function wallClock(timeZone: string, at: number): number | null {
  const f = wallFormat(timeZone);
  if (!f) return null;
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(at))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const hour = parts.hour === 24 ? 0 : (parts.hour ?? 0);
  return Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, hour, parts.minute ?? 0, parts.second ?? 0);
}

/**
 * The zone's offset from UTC at an instant, in minutes (New York in winter:
 * −300); null for a zone this runtime does not know.
 */
export function zoneOffsetMinutes(timeZone: string, at: number): number | null {
  const wall = wallClock(timeZone, at);
  if (wall === null) return null;
  const whole = Math.floor(at / 1000) * 1000; // the wall clock has whole seconds
  return Math.round((wall - whole) / 60000);
}

/** The zone's day (YYYY-MM-DD) at an instant; null for an unknown zone. */
export function dayIn(timeZone: string, at: number): string | null {
  const wall = wallClock(timeZone, at);
  return wall === null ? null : fromDayNumber(Math.floor(wall / 86400000));
}

/**
 * When a day starts in a zone, as the API's time (ISO-8601 UTC): the first
 * instant whose wall date is that day (its midnight, or the end of a
 * daylight-saving gap that skips midnight). Null for no real day or an
 * unknown zone.
 */
export function zoneDayStart(day: string, timeZone: string): string | null {
  const n = dayNumber(day);
  if (n === null) return null;
  const naive = n * 86400000; // the day's midnight as if the zone were UTC
  const candidates = new Set<number>();
  for (const probe of [naive - 86400000, naive, naive + 86400000]) {
    const off = zoneOffsetMinutes(timeZone, probe);
    if (off === null) return null;
    candidates.add(naive - off * 60000);
  }
  let best: number | null = null;
  for (const c of candidates) {
    const wall = wallClock(timeZone, c);
    if (wall === null) return null;
    if (Math.floor(wall / 86400000) === n && (best === null || c < best)) best = c;
  }
  return best === null ? null : new Date(best).toISOString();
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * A time of day ("09:00", 24-hour) on a day in a zone, as the API's time
 * (ISO-8601 UTC). A time that happens twice (the hour repeated when the
 * clocks go back) is the first of the two; a time the clocks skip (the hour
 * lost when they go forward) moves on by the gap (02:30 → 03:30), as
 * calendars do. Null for no real day or time, or an unknown zone.
 */
export function zoneTime(day: string, time: string, timeZone: string): string | null {
  const n = dayNumber(day);
  const t = TIME.exec(time.trim());
  if (n === null || !t) return null;
  const naive = n * 86400000 + (Number(t[1]) * 60 + Number(t[2])) * 60000; // the wall clock as if the zone were UTC
  const offsets: number[] = [];
  for (const probe of [naive - 86400000, naive, naive + 86400000]) {
    const off = zoneOffsetMinutes(timeZone, probe);
    if (off === null) return null;
    offsets.push(off);
  }
  let best: number | null = null;
  for (const off of offsets) {
    const c = naive - off * 60000;
    if (wallClock(timeZone, c) === naive && (best === null || c < best)) best = c;
  }
  // In a gap no instant has that wall clock: the offset before the change puts it past the gap.
  if (best === null) best = naive - (offsets[0] as number) * 60000;
  return new Date(best).toISOString();
}

/**
 * The zone's wall clock at an instant as a `datetime-local` value
 * ("2026-11-27T22:30", to the minute): the default and the latest choice of
 * a form's "when" on the organisation's clock. Null for an unknown zone.
 */
export function zoneNowLocal(timeZone: string, now: number): string | null {
  const wall = wallClock(timeZone, now);
  if (wall === null) return null;
  const d = new Date(wall);
  return `${fromDayNumber(Math.floor(wall / 86400000))}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

const LOCAL = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::([0-5]\d)(?:\.\d{1,3})?)?$/;

/**
 * A `datetime-local` value typed on the organisation's clock
 * ("2026-11-27T22:30", seconds allowed) as the API's time (ISO-8601 UTC), as
 * `zoneTime` takes it: a time the clocks skip moves on by the gap, one they
 * repeat is the first. Null for no real date and time, or an unknown zone.
 */
export function zoneLocalToIso(value: string, timeZone: string): string | null {
  const m = LOCAL.exec(value.trim());
  if (!m) return null;
  const at = zoneTime(m[1] as string, m[2] as string, timeZone);
  if (at === null) return null;
  return m[3] ? new Date(Date.parse(at) + Number(m[3]) * 1000).toISOString() : at;
}

/**
 * A time of day on a day in a zone (`zoneTime`), or `now` when the day is
 * the zone's day at `now` and that time is still to come (measured today at
 * 10:00, "today at noon" would be in the future). A day after today keeps
 * its time, for the server to refuse. Null for no real day or time, or an
 * unknown zone.
 */
export function zoneTimeUpToNow(day: string, time: string, timeZone: string, now: number): string | null {
  const at = zoneTime(day, time, timeZone);
  if (at === null) return null;
  if (Date.parse(at) > now && dayIn(timeZone, now) === day.trim()) return new Date(now).toISOString();
  return at;
}

/** The day of the week of a YYYY-MM-DD day: 0 Sunday … 6 Saturday; null when it is no day. */
export function weekday(day: string): number | null {
  const n = dayNumber(day);
  return n === null ? null : (((n + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** The end of a day in a zone (the next day's start), so that a last day is inclusive. */
export function zoneDayEnd(day: string, timeZone: string): string | null {
  const n = dayNumber(day);
  if (n === null) return null;
  return zoneDayStart(fromDayNumber(n + 1), timeZone);
}

/**
 * The organisation's today now: the day it gave when read, moved on by the
 * days its zone has turned since (a session can pass midnight). The browser's
 * clock only measures the time elapsed, so a browser in another zone, or a
 * little off, still gets the organisation's day.
 */
export function organisationToday(org: Pick<Organisation, 'today' | 'time_zone'>, readAt: number, now: number): string {
  const then = dayIn(org.time_zone, readAt);
  const current = dayIn(org.time_zone, now);
  if (then === null || current === null) return org.today;
  const a = dayNumber(then);
  const b = dayNumber(current);
  if (a === null || b === null) return org.today;
  return addDays(org.today, b - a);
}

/** The browser's own zone, for when the organisation cannot be read. */
export function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** The server's default `worklist.snooze_max_days`, for when /organisation cannot be read. */
export const SNOOZE_MAX_DAYS_DEFAULT = 30;

/** What the app assumes when GET /organisation fails: this computer's zone and day, no programs or payers. */
export function fallbackOrganisation(now: number = Date.now()): Organisation {
  const zone = browserZone();
  const d = new Date(now);
  return { time_zone: zone, today: dayIn(zone, now) ?? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`, programs: [], payers: [], snooze_max_days: SNOOZE_MAX_DAYS_DEFAULT };
}

/** The programs as choices for a select, in the organisation's order. */
export function programChoices(programs: Program[]): { value: string; label: string }[] {
  return programs.map((p) => ({ value: p.code, label: p.name }));
}

/** A program's name from its code; an unknown code in words ("new_program" → "New program"). */
export function programName(programs: Program[], code: string | null | undefined): string {
  if (!code) return '';
  const known = programs.find((p) => p.code === code);
  if (known) return known.name;
  const words = code.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
