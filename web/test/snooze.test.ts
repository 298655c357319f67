import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../src/lib/errors.js';
import {
  WAKE_CONFLICT,
  backNote,
  canSnooze,
  canWake,
  customUntil,
  dayWords,
  isBackFromSnooze,
  isSnoozed,
  nextMonday,
  reasonsShown,
  snoozeBody,
  snoozeConflict,
  snoozeLimit,
  snoozeNote,
  snoozePresets,
  snoozedCount,
  snoozedMessage,
  zoneDateTime,
} from '../src/lib/snooze.js';
import type { WorklistItem, WorklistSnooze } from '../src/lib/worklist.js';

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
    changed: false,
  };

  it('describes a snoozed item and one back from a snooze', () => {
    assert.equal(snoozeNote(snooze, NY, now), 'Snoozed until Mon 30 Nov 09:00 by Maria Rivera — waiting for the cardiology letter');
    assert.equal(snoozeNote({ ...snooze, snoozed_by_name: null }, NY, now), 'Snoozed until Mon 30 Nov 09:00 by user #3 — waiting for the cardiology letter');
    assert.equal(snoozeNote({ ...snooze, reason: '' }, NY, now), 'Snoozed until Mon 30 Nov 09:00 by Maria Rivera');
    assert.equal(backNote({ ...snooze, active: false }), 'Back from snooze — waiting for the cardiology letter');
    assert.equal(backNote({ ...snooze, active: false, changed: true }), 'Back from snooze (it changed) — waiting for the cardiology letter');
    assert.equal(backNote({ ...snooze, active: false, changed: true, reason: ' ' }), 'Back from snooze (it changed)');
    assert.equal(snoozedMessage('2026-11-30T14:00:00.000Z', NY, now), 'Snoozed until Mon 30 Nov 09:00');
    assert.equal(snoozedCount(1), '1 snoozed');
    assert.match(WAKE_CONFLICT, /already ended/);
    // The latest time the dialog offers: the end of the organisation's day snooze_max_days on.
    assert.equal(snoozeLimit('2026-11-27', 30), 'by the end of Sun 27 Dec (30 days from today)');
    assert.equal(snoozeLimit('2026-12-10', 30), 'by the end of Sat 9 Jan 2027 (30 days from today)');
    assert.equal(snoozeLimit('2026-11-27', 1), 'by the end of Sat 28 Nov (1 day from today)');
    assert.equal(dayWords('2026-11-30', '2026-11-27'), 'Mon 30 Nov');
    assert.equal(dayWords('not a day', '2026-11-27'), 'not a day');
  });

  it('shows the back-from-a-snooze reason once, in the note', () => {
    // Ran out: "back from a snooze"; the item changed: "back from a snooze: it changed".
    const back = { snooze: { ...snooze, active: false }, reasons: ['overdue by 2 h', 'risk tier 1', 'back from a snooze'] };
    assert.ok(isBackFromSnooze(back));
    assert.ok(!isSnoozed(back));
    assert.deepEqual(reasonsShown(back), ['overdue by 2 h', 'risk tier 1']);
    const changed = { snooze: { ...snooze, active: false, changed: true }, reasons: ['overdue by 2 h', 'back from a snooze: it changed', 'priority urgent'] };
    assert.ok(isBackFromSnooze(changed) && !isSnoozed(changed));
    assert.deepEqual(reasonsShown(changed), ['overdue by 2 h', 'priority urgent']);
    // Older servers' wording too.
    assert.deepEqual(reasonsShown({ ...back, reasons: ['back from a snooze: waiting for the cardiology letter', 'risk tier 1'] }), ['risk tier 1']);
    // Asleep, or never snoozed: every reason as the server words it.
    const asleep = { snooze, reasons: ['overdue by 2 h'] };
    assert.ok(isSnoozed(asleep) && !isBackFromSnooze(asleep));
    assert.deepEqual(reasonsShown(asleep), ['overdue by 2 h']);
    assert.deepEqual(reasonsShown({ snooze: null, reasons: ['back from a snooze: x'] }), ['back from a snooze: x']);
    assert.ok(!isSnoozed({}) && !isBackFromSnooze({}));
  });

  it('sends the key, the time and the reason trimmed, and the snooze in force it replaces', () => {
    const body = { item: 'task_overdue:task:12', until: '2026-11-30T14:00:00.000Z', reason: 'letter' };
    assert.deepEqual(snoozeBody('task_overdue:task:12', '2026-11-30T14:00:00.000Z', '  letter  '), body);
    assert.deepEqual(snoozeBody(body.item, body.until, 'letter', null), body);
    // Snoozed now (listed with Show snoozed): replaces it, by its id.
    assert.deepEqual(snoozeBody(body.item, body.until, 'letter', snooze), { ...body, replaces: 5 });
    // Ran out, or outgrown by its item: no longer in force, nothing to replace.
    assert.deepEqual(snoozeBody(body.item, body.until, 'letter', { ...snooze, active: false }), body);
    assert.deepEqual(snoozeBody(body.item, body.until, 'letter', { ...snooze, active: false, changed: true }), body);
  });

  it('says a 409 in one sentence: who snoozed it meanwhile, until when on the organisation’s clock', () => {
    const c = (field: string | null, error: string, status = 409) => snoozeConflict(new ApiError(status, { error, field }), NY, now);
    assert.equal(
      c('item', 'is snoozed until 2026-11-30T14:00:00.000Z by Grace Okafor, RN (supervisor) (snooze 3): name it in replaces to snooze it again'),
      'Grace Okafor, RN (supervisor) snoozed this item meanwhile, until Mon 30 Nov 09:00, so your snooze was not saved. Close this to see the list as it is now. To snooze it your way, replace their snooze from Show snoozed.',
    );
    assert.equal(
      c('item', 'is not on your worklist now (done, or changed meanwhile): reload'),
      'Not snoozed: the item is not on your worklist now (done, or changed meanwhile). Close this to see the list as it is now.',
    );
    assert.equal(c('item', 'the task waits in a queue: claim it first'), 'Not snoozed: the task waits in a queue: claim it first. Close this to see the list as it is now.');
    assert.match(c('replaces', 'snooze 3 is no longer in force: reload') ?? '', /^The snooze this one was to replace has ended meanwhile .* nothing was saved\. Close this/);
    // Not a conflict of snoozing: the usual sentence.
    assert.equal(c('until', 'must be in the future', 400), null);
    assert.equal(c(null, 'the task is someone else’s', 403), null);
    assert.equal(c('version', 'stale'), null);
    assert.equal(snoozeConflict(new Error('x'), NY, now), null);
  });
});

describe('who may snooze what (as the server takes it)', () => {
  const rivera = { id: 3, role: 'case_manager' };
  const okafor = { id: 2, role: 'supervisor' };
  const item = (over: Partial<WorklistItem>): Pick<WorklistItem, 'key' | 'kind' | 'task_id' | 'owner_user_id'> => ({
    key: 'no_recent_contact:patient:56',
    kind: 'no_recent_contact',
    task_id: null,
    owner_user_id: null,
    ...over,
  });
  const own = item({ key: 'task_overdue:task:41', kind: 'task_overdue', task_id: 41, owner_user_id: 3 });
  const colleagues = item({ key: 'task_due_soon:task:9', kind: 'task_due_soon', task_id: 9, owner_user_id: 4 });
  const queued = item({ key: 'task_overdue:task:722', kind: 'task_overdue', task_id: 722, owner_user_id: null });
  const referral = item({ key: 'new_referral:case:141', kind: 'new_referral', owner_user_id: 3 });
  const unassigned = item({ key: 'new_referral:case:7', kind: 'new_referral', owner_user_id: null });
  const crisis = item({ key: null, kind: 'crisis_alert' });

  it('lets a case manager snooze her own tasks and the items that are no task', () => {
    assert.ok(canSnooze(own, rivera));
    assert.ok(canSnooze(item({}), rivera));
    assert.ok(canSnooze(item({ key: 'appeal_deadline:authorization:11', kind: 'appeal_deadline' }), rivera));
    assert.ok(canSnooze(referral, rivera));
    // Someone else's task (a covered colleague's): its owner or a supervisor.
    assert.ok(!canSnooze(colleagues, rivera));
  });

  it('lets a supervisor snooze the team’s tasks, whoever owns them', () => {
    assert.ok(canSnooze(colleagues, okafor));
    assert.ok(canSnooze(own, okafor));
    assert.ok(canSnooze(referral, okafor));
  });

  it('never offers a crisis alert, a task in a queue or a referral nobody has', () => {
    for (const u of [rivera, okafor]) {
      assert.ok(!canSnooze(crisis, u));
      assert.ok(!canSnooze(queued, u));
      assert.ok(!canSnooze(unassigned, u));
    }
  });

  it('only to case managers and supervisors, who alone wake', () => {
    for (const role of ['auditor', 'admin', 'integration']) {
      assert.ok(!canSnooze(item({}), { id: 3, role }));
      assert.ok(!canSnooze(own, { id: 3, role }));
      assert.ok(!canWake({ role }));
    }
    assert.ok(canWake(rivera) && canWake(okafor));
  });
});
