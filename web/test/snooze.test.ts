import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  WAKE_CONFLICT,
  backNote,
  customUntil,
  isBackFromSnooze,
  isSnoozed,
  nextMonday,
  reasonsShown,
  snoozeBody,
  snoozeNote,
  snoozePresets,
  snoozedCount,
  snoozedMessage,
  zoneDateTime,
} from '../src/lib/snooze.js';
import type { WorklistSnooze } from '../src/lib/worklist.js';

const NY = 'America/New_York';
const at = (iso: string) => Date.parse(iso);
const brief = (timeZone: string, now: number, today?: string) =>
  snoozePresets(timeZone, now, today).map((p) => [p.id, p.day, p.until, zoneDateTime(p.until, timeZone, now)]);

describe('snooze presets, on the organisation’s clock', () => {
  it('counts from the New York day while UTC is already on the next one (00:00–05:00 UTC)', () => {
    // 03:09 UTC on Saturday the 28th is 22:09 on Friday the 27th in New York.
    const now = at('2026-11-28T03:09:00Z');
    assert.deepEqual(brief(NY, now), [
      ['tomorrow', '2026-11-28', '2026-11-28T14:00:00.000Z', 'Sat 28 Nov 09:00'],
      // In 3 days is next Monday too: offered once.
      ['next_monday', '2026-11-30', '2026-11-30T14:00:00.000Z', 'Mon 30 Nov 09:00'],
    ]);
    // The session's organisation today gives the same.
    assert.deepEqual(brief(NY, now, '2026-11-27'), brief(NY, now));
    // Not the UTC date's tomorrow (the 29th).
    assert.ok(snoozePresets(NY, now).every((p) => p.day !== '2026-11-29' || p.id !== 'tomorrow'));
    // Just after New York's midnight the day has moved on.
    assert.equal(snoozePresets(NY, at('2026-11-28T05:01:00Z'))[0]?.until, '2026-11-29T14:00:00.000Z');
  });

  it('keeps 9:00 on the wall clock across the autumn change (a 25-hour day)', () => {
    // Saturday 31 October, 11:00 EDT; the clocks go back at 02:00 on Sunday.
    const now = at('2026-10-31T15:00:00Z');
    assert.deepEqual(brief(NY, now), [
      ['tomorrow', '2026-11-01', '2026-11-01T14:00:00.000Z', 'Sun 1 Nov 09:00'],
      ['next_monday', '2026-11-02', '2026-11-02T14:00:00.000Z', 'Mon 2 Nov 09:00'],
      ['in_3_days', '2026-11-03', '2026-11-03T14:00:00.000Z', 'Tue 3 Nov 09:00'],
    ]);
    // 23 hours ahead: 22 on the wall clock (11:00 → 9:00) and the hour repeated at 01:00.
    assert.equal((Date.parse(snoozePresets(NY, now)[0]!.until) - now) / 3600000, 23);
  });

  it('keeps 9:00 on the wall clock across the spring change (a 23-hour day)', () => {
    // Saturday 7 March, 12:00 EST; the clocks go forward at 02:00 on Sunday.
    const now = at('2026-03-07T17:00:00Z');
    assert.deepEqual(brief(NY, now), [
      ['tomorrow', '2026-03-08', '2026-03-08T13:00:00.000Z', 'Sun 8 Mar 09:00'],
      ['next_monday', '2026-03-09', '2026-03-09T13:00:00.000Z', 'Mon 9 Mar 09:00'],
      ['in_3_days', '2026-03-10', '2026-03-10T13:00:00.000Z', 'Tue 10 Mar 09:00'],
    ]);
  });

  it('uses the organisation’s zone, whatever it is', () => {
    // 12:00 UTC on the 27th is already 01:00 on the 28th in Auckland (NZDT, +13).
    const now = at('2026-11-27T12:00:00Z');
    assert.deepEqual(brief('Pacific/Auckland', now)[0], ['tomorrow', '2026-11-29', '2026-11-28T20:00:00.000Z', 'Sun 29 Nov 09:00']);
    assert.deepEqual(brief('Asia/Kolkata', now)[0], ['tomorrow', '2026-11-28', '2026-11-28T03:30:00.000Z', 'Sat 28 Nov 09:00']);
    assert.deepEqual(snoozePresets('Bad/Zone', now), []);
  });

  it('takes next Monday as the Monday after today, a week on from a Monday', () => {
    assert.equal(nextMonday('2026-11-27'), '2026-11-30'); // Friday
    assert.equal(nextMonday('2026-11-29'), '2026-11-30'); // Sunday
    assert.equal(nextMonday('2026-11-30'), '2026-12-07'); // Monday
    assert.equal(nextMonday('2026-12-01'), '2026-12-07'); // Tuesday
    assert.equal(nextMonday('2026-12-28'), '2027-01-04'); // across the year
    // On a Sunday tomorrow is next Monday: offered once.
    assert.deepEqual(
      snoozePresets(NY, at('2026-11-29T15:00:00Z')).map((p) => p.label),
      ['Tomorrow 9:00', 'In 3 days 9:00'],
    );
  });

  it('leaves out a preset that is not in the future', () => {
    // A stale today (the session's, two days behind) makes tomorrow the past.
    const now = at('2026-11-28T16:00:00Z');
    assert.deepEqual(
      snoozePresets(NY, now, '2026-11-26').map((p) => p.id),
      ['next_monday', 'in_3_days'],
    );
  });
});

describe('a date and time typed in the dialog', () => {
  it('is the organisation’s wall clock', () => {
    assert.equal(customUntil('2026-12-01', '14:30', NY), '2026-12-01T19:30:00.000Z');
    assert.equal(customUntil('2026-07-01', '14:30', NY), '2026-07-01T18:30:00.000Z');
    assert.equal(customUntil('2026-03-08', '02:30', NY), '2026-03-08T07:30:00.000Z'); // skipped: 03:30 EDT
    assert.equal(customUntil('', '09:00', NY), null);
    assert.equal(customUntil('2026-12-01', '', NY), null);
    assert.equal(customUntil('2026-02-30', '09:00', NY), null);
  });
});

describe('snooze formatting', () => {
  const now = at('2026-11-28T03:09:00Z');
  it('says times on the organisation’s clock, with the year only when it is another', () => {
    assert.equal(zoneDateTime('2026-11-30T14:00:00.000Z', NY, now), 'Mon 30 Nov 09:00');
    assert.equal(zoneDateTime('2026-11-28T03:00:00Z', NY, now), 'Fri 27 Nov 22:00');
    assert.equal(zoneDateTime('2026-11-28T05:00:00Z', NY, now), 'Sat 28 Nov 00:00');
    assert.equal(zoneDateTime('2026-11-30T14:00:00.000Z', 'Asia/Kolkata', now), 'Mon 30 Nov 19:30');
    assert.equal(zoneDateTime('2027-01-04T14:00:00Z', NY, now), 'Mon 4 Jan 2027 09:00');
    assert.match(zoneDateTime('2026-11-30T14:00:00Z', 'Bad/Zone', now), /^2026-1[12]-\d\d \d\d:\d\d$/); // this computer's clock
    assert.equal(zoneDateTime(null, NY, now), '');
    assert.equal(zoneDateTime('not a time', NY, now), '');
  });

  const snooze: WorklistSnooze = {
    id: 5,
    until: '2026-11-30T14:00:00.000Z',
    reason: '  waiting for the cardiology letter ',
    snoozed_by: 3,
    snoozed_by_name: 'Maria Rivera',
    snoozed_at: '2026-11-28T03:00:00.000Z',
    active: true,
  };

  it('describes a snoozed item and one back from a snooze', () => {
    assert.equal(snoozeNote(snooze, NY, now), 'Snoozed until Mon 30 Nov 09:00 by Maria Rivera — waiting for the cardiology letter');
    assert.equal(snoozeNote({ ...snooze, snoozed_by_name: null }, NY, now), 'Snoozed until Mon 30 Nov 09:00 by user #3 — waiting for the cardiology letter');
    assert.equal(snoozeNote({ ...snooze, reason: '' }, NY, now), 'Snoozed until Mon 30 Nov 09:00 by Maria Rivera');
    assert.equal(backNote({ ...snooze, active: false }), 'Back from snooze — waiting for the cardiology letter');
    assert.equal(snoozedMessage('2026-11-30T14:00:00.000Z', NY, now), 'Snoozed until Mon 30 Nov 09:00');
    assert.equal(snoozedCount(1), '1 snoozed');
    assert.match(WAKE_CONFLICT, /already ended/);
  });

  it('shows the back-from-a-snooze reason once, in the note', () => {
    const back = { snooze: { ...snooze, active: false }, reasons: ['overdue by 2 h', 'risk tier 1', 'back from a snooze: waiting for the cardiology letter'] };
    assert.ok(isBackFromSnooze(back));
    assert.ok(!isSnoozed(back));
    assert.deepEqual(reasonsShown(back), ['overdue by 2 h', 'risk tier 1']);
    // Asleep, or never snoozed: every reason as the server words it.
    const asleep = { snooze, reasons: ['overdue by 2 h'] };
    assert.ok(isSnoozed(asleep) && !isBackFromSnooze(asleep));
    assert.deepEqual(reasonsShown(asleep), ['overdue by 2 h']);
    assert.deepEqual(reasonsShown({ snooze: null, reasons: ['back from a snooze: x'] }), ['back from a snooze: x']);
    assert.ok(!isSnoozed({}) && !isBackFromSnooze({}));
  });

  it('sends the key, the time and the reason trimmed', () => {
    assert.deepEqual(snoozeBody('task_overdue:task:12', '2026-11-30T14:00:00.000Z', '  letter  '), {
      item: 'task_overdue:task:12',
      until: '2026-11-30T14:00:00.000Z',
      reason: 'letter',
    });
  });
});
