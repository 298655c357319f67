// Worklist snoozes (docs/web.md, My day): an item of one's worklist can be
// hidden until a time, with a reason, where the server takes it (canSnooze).
// The times offered are the organisation's (its zone and its today, as GET
// /organisation gives them), never the browser's: "Tomorrow 9:00" is 9:00
// where the organisation is. No DOM: unit-tested in Node.
import { ApiError } from './errors.js';
import { dateTime } from './format.js';
import { addDays, dayIn, weekday, zoneTime } from './organisation.js';
import type { WorklistItem, WorklistSnooze } from './worklist.js';

/** The signed-in user as the snooze rules need them. */
export interface Snoozer {
  id: number;
  role: string;
}

/** Whether the user snoozes and wakes worklist items at all: case managers and supervisors (the server refuses others, 403). */
export function maySnooze(user: Pick<Snoozer, 'role'>): boolean {
  return user.role === 'case_manager' || user.role === 'supervisor';
}

/** Whether *Wake now* is offered on a snoozed item: to whoever may snooze. */
export const canWake = maySnooze;

/**
 * Whether the server would take a snooze of `item` from `user` (docs/worklist.md,
 * "Snoozing an item"): case managers and supervisors only; never a crisis
 * alert (no key), a task waiting in a queue (claim it first) or a new
 * referral nobody has (assign it); a task only by its owner or a supervisor.
 * The item is one of the user's worklist (a supervisor's: the team's), as
 * the list shows it.
 */
export function canSnooze(item: Pick<WorklistItem, 'key' | 'kind' | 'task_id' | 'owner_user_id'>, user: Snoozer): boolean {
  if (!maySnooze(user) || !item.key) return false;
  if (item.task_id !== null) {
    if (item.owner_user_id === null) return false; // in a queue
    return item.owner_user_id === user.id || user.role === 'supervisor';
  }
  if (item.kind === 'new_referral' && item.owner_user_id === null) return false;
  return true;
}

/** The hour the presets snooze until, on the organisation's clock. */
export const SNOOZE_TIME = '09:00';

export type PresetId = 'tomorrow' | 'next_monday' | 'in_3_days';

export interface SnoozePreset {
  id: PresetId;
  /** "Tomorrow 9:00" */
  label: string;
  /** The organisation's day (YYYY-MM-DD). */
  day: string;
  /** The API's time (ISO-8601 UTC). */
  until: string;
}

/** The day after `today` that is a Monday (a week on when today is one). */
export function nextMonday(today: string): string {
  const wd = weekday(today) ?? 1;
  return addDays(today, (8 - wd) % 7 || 7);
}

/**
 * The snooze presets at `now`: tomorrow, next Monday and in 3 days, each at
 * 9:00 in the organisation's zone, its day being `today` (the session's
 * organisation today; by default the zone's day at `now`). Two presets on
 * the same day are offered once (the first); one not in the future is left
 * out. Empty for an unknown zone.
 */
export function snoozePresets(timeZone: string, now: number, today: string | null = dayIn(timeZone, now)): SnoozePreset[] {
  if (!today) return [];
  const wanted: [PresetId, string, string][] = [
    ['tomorrow', 'Tomorrow 9:00', addDays(today, 1)],
    ['next_monday', 'Next Monday 9:00', nextMonday(today)],
    ['in_3_days', 'In 3 days 9:00', addDays(today, 3)],
  ];
  const out: SnoozePreset[] = [];
  for (const [id, label, day] of wanted) {
    const until = zoneTime(day, SNOOZE_TIME, timeZone);
    if (!until || Date.parse(until) <= now || out.some((p) => p.until === until)) continue;
    out.push({ id, label, day, until });
  }
  return out;
}

/** A date and time typed in the dialog (the organisation's clock) as the API's time; null when either is missing or not real. */
export function customUntil(date: string, time: string, timeZone: string): string | null {
  if (!date.trim() || !time.trim()) return null;
  return zoneTime(date.trim(), time.trim(), timeZone);
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function zoneFormat(timeZone: string): Intl.DateTimeFormat | null {
  if (!formatters.has(timeZone)) {
    let f: Intl.DateTimeFormat | null = null;
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
    } catch {
      f = null;
    }
    formatters.set(timeZone, f);
  }
  return formatters.get(timeZone) ?? null;
}

/**
 * A time on the organisation's clock: "Mon 30 Nov 09:00", with the year when
 * it is not the zone's year at `now` ("Fri 1 Jan 2027 09:00"). An unknown
 * zone falls back on this computer's clock ("2026-11-30 09:00").
 */
export function zoneDateTime(iso: string | null | undefined, timeZone: string, now: number = Date.now()): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const f = zoneFormat(timeZone);
  if (!f) return dateTime(iso);
  const parts = (at: number) => {
    const p: Record<string, string> = {};
    for (const x of f.formatToParts(new Date(at))) if (x.type !== 'literal') p[x.type] = x.value;
    return p;
  };
  const p = parts(t);
  const hour = p.hour === '24' ? '00' : p.hour;
  const year = p.year !== parts(now).year ? ` ${p.year}` : '';
  return `${p.weekday} ${p.day} ${p.month}${year} ${hour}:${p.minute}`;
}

/** Whether an active snooze hides the item (it is listed only when snoozed items are asked for). */
export function isSnoozed(it: Pick<WorklistItem, 'snooze'>): boolean {
  return it.snooze?.active === true;
}

/**
 * Whether the item is back from a snooze: one that ran out (said for as long
 * as it lasted, a week at most) or one its item outgrew (`changed`: a
 * priority raised, a deadline passed).
 */
export function isBackFromSnooze(it: Pick<WorklistItem, 'snooze'>): boolean {
  return !!it.snooze && it.snooze.active === false;
}

/** The server's reason for an item back from a snooze: "back from a snooze" or "back from a snooze: it changed". */
const BACK_REASON = /^back from (a )?snooze\b/i;

/**
 * The reasons to list as chips: the server's, without its "back from a
 * snooze" (or "…: it changed") when the item carries the snooze it is back
 * from (the item's "Back from snooze" note says it, with the reason, once).
 */
export function reasonsShown(it: Pick<WorklistItem, 'snooze' | 'reasons'>): string[] {
  if (!isBackFromSnooze(it)) return it.reasons;
  return it.reasons.filter((r) => !BACK_REASON.test(r.trim()));
}

/** Who snoozed it, by name when the server gives one. */
function snoozedBy(s: WorklistSnooze): string {
  if (s.snoozed_by_name) return s.snoozed_by_name;
  return s.snoozed_by ? `user #${s.snoozed_by}` : 'casekeeper';
}

/** "Snoozed until Mon 30 Nov 09:00 by Maria Rivera — waiting for the cardiology letter" */
export function snoozeNote(s: WorklistSnooze, timeZone: string, now: number = Date.now()): string {
  const reason = s.reason.trim();
  return `Snoozed until ${zoneDateTime(s.until, timeZone, now)} by ${snoozedBy(s)}${reason ? ` — ${reason}` : ''}`;
}

/**
 * "Back from snooze — waiting for the cardiology letter" when it ran out;
 * "Back from snooze (it changed) — …" when the item changed and the snooze
 * no longer hides it.
 */
export function backNote(s: WorklistSnooze): string {
  const reason = s.reason.trim();
  return `Back from snooze${s.changed ? ' (it changed)' : ''}${reason ? ` — ${reason}` : ''}`;
}

/** The status after snoozing: "Snoozed until Mon 30 Nov 09:00" (the organisation's clock). */
export function snoozedMessage(until: string, timeZone: string, now: number = Date.now()): string {
  return `Snoozed until ${zoneDateTime(until, timeZone, now)}`;
}

/** The list's line about what snoozes hide: "1 snoozed". */
export function snoozedCount(n: number): string {
  return `${n} snoozed`;
}

/** The fields of POST /worklist/snoozes as the dialog names them. */
export const SNOOZE_LABELS: Record<string, string> = { item: 'Item', until: 'Snooze until', reason: 'Reason' };

export interface SnoozeBody {
  item: string;
  until: string;
  reason: string;
  /** The id of the item's snooze in force, which this one replaces (required by the server when there is one). */
  replaces?: number;
}

/**
 * The body of POST /worklist/snoozes: the reason trimmed (a blank one is the
 * server's to name) and, when the item is snoozed now (`current` active), the
 * snooze it replaces. A snooze that ran out or that its item outgrew is not
 * in force: nothing to replace.
 */
export function snoozeBody(key: string, until: string, reason: string, current: WorklistSnooze | null = null): SnoozeBody {
  const body: SnoozeBody = { item: key, until, reason: reason.trim() };
  if (current?.active) body.replaces = current.id;
  return body;
}

/** The day as the dialog words it: "Sun 27 Dec", with the year when it is not `today`'s ("Mon 4 Jan 2027"). */
export function dayWords(day: string, today: string): string {
  const t = Date.parse(`${day}T12:00:00Z`);
  if (Number.isNaN(t)) return day;
  const p: Record<string, string> = {};
  for (const x of new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).formatToParts(new Date(t)))
    if (x.type !== 'literal') p[x.type] = x.value;
  return `${p.weekday} ${p.day} ${p.month}${day.slice(0, 4) !== today.slice(0, 4) ? ` ${p.year}` : ''}`;
}

/**
 * The snooze's latest time in words, for the dialog's hint: any time up to
 * the end of the organisation's day `maxDays` after its today, "by the end of
 * Sun 27 Dec (30 days from today)".
 */
export function snoozeLimit(today: string, maxDays: number): string {
  return `by the end of ${dayWords(addDays(today, maxDays), today)} (${maxDays} ${maxDays === 1 ? 'day' : 'days'} from today)`;
}

/** What a 409 on wake means, in words. */
export const WAKE_CONFLICT =
  'This snooze had already ended: someone woke it or snoozed the item again, or its time ran out, so there was nothing to wake. The list has been refreshed.';

/** The server's 409 naming `item` for an item snoozed meanwhile: "is snoozed until <time> by <name> (snooze <id>): …". */
const SNOOZED_MEANWHILE = /^is snoozed until (\S+) by (.+) \(snooze \d+\)/;

/**
 * A 409 on snoozing in one clear sentence, or null for any other error. On
 * `item`: someone snoozed it meanwhile (who, until when on the organisation's
 * clock, from the server's message), or the item is no longer one to snooze
 * (done, changed, in a queue); on `replaces`: the snooze it was to replace
 * ended meanwhile. Each says nothing was saved and that the list is read
 * again when the dialog closes.
 */
export function snoozeConflict(err: unknown, timeZone: string, now: number = Date.now()): string | null {
  if (!(err instanceof ApiError) || !err.isConflict) return null;
  const after = 'Close this to see the list as it is now.';
  if (err.field === 'item') {
    const m = SNOOZED_MEANWHILE.exec(err.message);
    if (m) {
      const until = zoneDateTime(m[1], timeZone, now) || m[1];
      return `${m[2]} snoozed this item meanwhile, until ${until}, so your snooze was not saved. ${after} To snooze it your way, replace their snooze from Show snoozed.`;
    }
    // "is not on your worklist now (…): reload" — reloading is what closing does.
    const why = err.message.replace(/^is /, 'the item is ').replace(/[.\s]+$/, '').replace(/:\s*reload$/, '');
    return `Not snoozed: ${why}. ${after}`;
  }
  if (err.field === 'replaces') {
    return `The snooze this one was to replace has ended meanwhile (someone woke it, its time ran out, or the item changed), so nothing was saved. ${after}`;
  }
  return null;
}
