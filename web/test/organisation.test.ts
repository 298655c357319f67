import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  addDays,
  dayIn,
  dayNumber,
  fallbackOrganisation,
  organisationToday,
  programChoices,
  programName,
  weekday,
  zoneDayEnd,
  zoneDayStart,
  zoneLocalToIso,
  zoneNowLocal,
  zoneOffsetMinutes,
  zoneTime,
  zoneTimeUpToNow,
} from '../src/lib/organisation.js';

describe('organisation days', () => {
  it('counts and moves days, refusing what is no day', () => {
    assert.equal(dayNumber('1970-01-02'), 1);
    assert.equal(dayNumber('2026-02-30'), null);
    assert.equal(dayNumber('tomorrow'), null);
    assert.equal(addDays('2026-11-27', 1), '2026-11-28');
    assert.equal(addDays('2026-03-01', -1), '2026-02-28');
    assert.equal(addDays('2024-03-01', -1), '2024-02-29');
    assert.equal(addDays('2026-11-27', -365), '2025-11-27');
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
    assert.equal(addDays('nonsense', 3), 'nonsense');
  });

  it('finds a zone offset with Intl, daylight saving included', () => {
    assert.equal(zoneOffsetMinutes('America/New_York', Date.parse('2026-01-15T12:00:00Z')), -300);
    assert.equal(zoneOffsetMinutes('America/New_York', Date.parse('2026-07-15T12:00:00Z')), -240);
    assert.equal(zoneOffsetMinutes('Asia/Kolkata', Date.parse('2026-07-15T12:00:00Z')), 330);
    assert.equal(zoneOffsetMinutes('UTC', Date.parse('2026-07-15T12:34:56.789Z')), 0);
    assert.equal(zoneOffsetMinutes('Not/AZone', Date.now()), null);
  });

  it("gives the zone's day at an instant, not the computer's", () => {
    // 00:44 UTC on the 28th is still the 27th in New York.
    assert.equal(dayIn('America/New_York', Date.parse('2026-11-28T00:44:00Z')), '2026-11-27');
    assert.equal(dayIn('America/New_York', Date.parse('2026-11-28T05:00:00Z')), '2026-11-28');
    assert.equal(dayIn('Pacific/Auckland', Date.parse('2026-11-27T12:00:00Z')), '2026-11-28');
    assert.equal(dayIn('Bad/Zone', Date.now()), null);
  });

  it("turns a day into the zone's midnight, and the last day into the next midnight", () => {
    assert.equal(zoneDayStart('2026-12-12', 'America/New_York'), '2026-12-12T05:00:00.000Z');
    assert.equal(zoneDayStart('2026-07-04', 'America/New_York'), '2026-07-04T04:00:00.000Z');
    assert.equal(zoneDayEnd('2026-12-31', 'America/New_York'), '2027-01-01T05:00:00.000Z');
    assert.equal(zoneDayStart('2026-12-12', 'UTC'), '2026-12-12T00:00:00.000Z');
    assert.equal(zoneDayStart('2026-12-12', 'Asia/Kolkata'), '2026-12-11T18:30:00.000Z');
    assert.equal(zoneDayStart('2026-02-30', 'America/New_York'), null);
    assert.equal(zoneDayStart('2026-12-12', 'Bad/Zone'), null);
  });

  it('crosses daylight saving: the days around a change are 23 and 25 hours long', () => {
    // New York springs forward on 2026-03-08 and falls back on 2026-11-01 (at 02:00).
    const len = (day: string) => (Date.parse(zoneDayEnd(day, 'America/New_York') as string) - Date.parse(zoneDayStart(day, 'America/New_York') as string)) / 3600000;
    assert.equal(len('2026-03-08'), 23);
    assert.equal(len('2026-11-01'), 25);
    assert.equal(len('2026-11-02'), 24);
    assert.equal(zoneDayStart('2026-03-09', 'America/New_York'), '2026-03-09T04:00:00.000Z');
    assert.equal(zoneDayStart('2026-11-02', 'America/New_York'), '2026-11-02T05:00:00.000Z');
  });

  it('starts a day whose midnight does not exist where the clock jumps', () => {
    // Santiago skips from 00:00 to 01:00 on 2026-09-06: the day starts at 01:00 local (04:00 UTC).
    const start = zoneDayStart('2026-09-06', 'America/Santiago') as string;
    assert.equal(dayIn('America/Santiago', Date.parse(start)), '2026-09-06');
    assert.equal(dayIn('America/Santiago', Date.parse(start) - 1000), '2026-09-05');
  });

  it("keeps the organisation's today as the session passes midnight there", () => {
    const org = { time_zone: 'America/New_York', today: '2026-11-27' };
    const readAt = Date.parse('2026-11-28T00:44:00Z'); // 19:44 in New York
    assert.equal(organisationToday(org, readAt, readAt), '2026-11-27');
    // Past UTC midnight nothing changes; past New York's midnight it is the 28th.
    assert.equal(organisationToday(org, readAt, Date.parse('2026-11-28T04:59:00Z')), '2026-11-27');
    assert.equal(organisationToday(org, readAt, Date.parse('2026-11-28T05:01:00Z')), '2026-11-28');
    // The day the server gave wins over the computer's clock (here a day off).
    assert.equal(organisationToday({ ...org, today: '2026-11-26' }, readAt, readAt), '2026-11-26');
    assert.equal(organisationToday({ time_zone: 'Bad/Zone', today: '2026-11-27' }, readAt, readAt + 86400000), '2026-11-27');
  });

  it("turns a time of day into the zone's instant, daylight saving included", () => {
    assert.equal(zoneTime('2026-11-30', '09:00', 'America/New_York'), '2026-11-30T14:00:00.000Z');
    assert.equal(zoneTime('2026-07-06', '09:00', 'America/New_York'), '2026-07-06T13:00:00.000Z');
    assert.equal(zoneTime('2026-11-30', '09:00', 'Asia/Kolkata'), '2026-11-30T03:30:00.000Z');
    assert.equal(zoneTime('2026-11-29', '09:00', 'Pacific/Auckland'), '2026-11-28T20:00:00.000Z');
    assert.equal(zoneTime('2026-12-01', ' 23:59 ', 'UTC'), '2026-12-01T23:59:00.000Z');
    // The days of the changes: 9:00 after the clocks moved in the night.
    assert.equal(zoneTime('2026-03-08', '09:00', 'America/New_York'), '2026-03-08T13:00:00.000Z');
    assert.equal(zoneTime('2026-11-01', '09:00', 'America/New_York'), '2026-11-01T14:00:00.000Z');
    // 02:30 does not exist on 2026-03-08 in New York: it moves on by the hour lost (03:30 EDT).
    assert.equal(zoneTime('2026-03-08', '02:30', 'America/New_York'), '2026-03-08T07:30:00.000Z');
    // 01:30 happens twice on 2026-11-01: the first (EDT).
    assert.equal(zoneTime('2026-11-01', '01:30', 'America/New_York'), '2026-11-01T05:30:00.000Z');
    // Santiago's midnight that does not exist.
    assert.equal(zoneTime('2026-09-06', '00:00', 'America/Santiago'), zoneDayStart('2026-09-06', 'America/Santiago'));
    assert.equal(zoneTime('2026-02-30', '09:00', 'America/New_York'), null);
    assert.equal(zoneTime('2026-11-30', '24:00', 'America/New_York'), null);
    assert.equal(zoneTime('2026-11-30', '9am', 'America/New_York'), null);
    assert.equal(zoneTime('2026-11-30', '09:00', 'Bad/Zone'), null);
  });

  it("gives now on the zone's clock for a datetime-local field", () => {
    // 03:30 UTC is still the evening before in New York (EST, UTC−5).
    assert.equal(zoneNowLocal('America/New_York', Date.parse('2026-11-28T03:30:00Z')), '2026-11-27T22:30');
    // Summer time (EDT, UTC−4); seconds are left off, not rounded.
    assert.equal(zoneNowLocal('America/New_York', Date.parse('2026-07-06T13:05:59.900Z')), '2026-07-06T09:05');
    assert.equal(zoneNowLocal('Asia/Kolkata', Date.parse('2026-11-27T20:00:00Z')), '2026-11-28T01:30');
    assert.equal(zoneNowLocal('UTC', Date.parse('2026-12-31T23:59:00Z')), '2026-12-31T23:59');
    // Either side of the spring-forward gap: 01:59 EST, then 03:00 EDT.
    assert.equal(zoneNowLocal('America/New_York', Date.parse('2026-03-08T06:59:00Z')), '2026-03-08T01:59');
    assert.equal(zoneNowLocal('America/New_York', Date.parse('2026-03-08T07:00:00Z')), '2026-03-08T03:00');
    assert.equal(zoneNowLocal('Bad/Zone', Date.parse('2026-11-28T03:30:00Z')), null);
  });

  it("reads a datetime-local value on the zone's clock", () => {
    // 22:30 on the 27th in New York is 03:30 UTC on the 28th, whatever the browser's zone.
    assert.equal(zoneLocalToIso('2026-11-27T22:30', 'America/New_York'), '2026-11-28T03:30:00.000Z');
    assert.equal(zoneLocalToIso(' 2026-07-06T09:05 ', 'America/New_York'), '2026-07-06T13:05:00.000Z');
    assert.equal(zoneLocalToIso('2026-11-28T01:30', 'Asia/Kolkata'), '2026-11-27T20:00:00.000Z');
    // Seconds, when the browser gives them.
    assert.equal(zoneLocalToIso('2026-11-27T22:30:15', 'America/New_York'), '2026-11-28T03:30:15.000Z');
    assert.equal(zoneLocalToIso('2026-11-27T22:30:15.250', 'America/New_York'), '2026-11-28T03:30:15.000Z');
    // The spring-forward gap: 02:30 does not exist on 2026-03-08 and moves on by the hour (03:30 EDT).
    assert.equal(zoneLocalToIso('2026-03-08T02:30', 'America/New_York'), '2026-03-08T07:30:00.000Z');
    assert.equal(zoneLocalToIso('2026-03-08T03:30', 'America/New_York'), '2026-03-08T07:30:00.000Z');
    // The repeated hour when the clocks go back: the first 01:30 (EDT).
    assert.equal(zoneLocalToIso('2026-11-01T01:30', 'America/New_York'), '2026-11-01T05:30:00.000Z');
    // What the field gives back is what it was given.
    const now = Date.parse('2026-11-28T03:30:00Z');
    assert.equal(zoneLocalToIso(zoneNowLocal('America/New_York', now) ?? '', 'America/New_York'), new Date(now).toISOString());
    for (const bad of ['', '2026-11-27', '2026-11-27 22:30', '2026-11-27T24:00', '2026-02-30T09:00', '2026-11-27T9:00', '2026-11-27T22:30Z', 'now']) {
      assert.equal(zoneLocalToIso(bad, 'America/New_York'), null, bad);
    }
    assert.equal(zoneLocalToIso('2026-11-27T22:30', 'Bad/Zone'), null);
  });

  it('takes a time of day on a day, but never later than now on today', () => {
    const now = Date.parse('2026-11-27T15:00:00Z'); // 10:00 in New York
    // Noon today is still to come: now.
    assert.equal(zoneTimeUpToNow('2026-11-27', '12:00', 'America/New_York', now), '2026-11-27T15:00:00.000Z');
    // At 03:30 UTC New York's today is still the 27th: its noon has passed.
    assert.equal(zoneTimeUpToNow('2026-11-27', '12:00', 'America/New_York', Date.parse('2026-11-28T03:30:00Z')), '2026-11-27T17:00:00.000Z');
    assert.equal(zoneTimeUpToNow('2026-11-26', '12:00', 'America/New_York', now), '2026-11-26T17:00:00.000Z');
    // A day ahead keeps its time (the server refuses it).
    assert.equal(zoneTimeUpToNow('2026-11-28', '12:00', 'America/New_York', now), '2026-11-28T17:00:00.000Z');
    assert.equal(zoneTimeUpToNow('2026-02-30', '12:00', 'America/New_York', now), null);
    assert.equal(zoneTimeUpToNow('2026-11-27', '12:00', 'Bad/Zone', now), null);
  });

  it('names the day of the week', () => {
    assert.equal(weekday('1970-01-01'), 4);
    assert.equal(weekday('2026-11-27'), 5);
    assert.equal(weekday('2026-11-29'), 0);
    assert.equal(weekday('2026-11-30'), 1);
    assert.equal(weekday('1969-12-28'), 0);
    assert.equal(weekday('no day'), null);
  });

  it('falls back on the computer when the organisation cannot be read', () => {
    const f = fallbackOrganisation(Date.parse('2026-11-27T12:00:00Z'));
    assert.match(f.today, /^2026-11-2[678]$/);
    assert.deepEqual(f.programs, []);
    assert.deepEqual(f.payers, []);
  });

  it("names programs as the organisation does", () => {
    const programs = [
      { code: 'copd_transitions', name: 'COPD transitions' },
      { code: 'complex_care', name: 'Complex care' },
    ];
    assert.deepEqual(programChoices(programs), [
      { value: 'copd_transitions', label: 'COPD transitions' },
      { value: 'complex_care', label: 'Complex care' },
    ]);
    assert.equal(programName(programs, 'copd_transitions'), 'COPD transitions');
    assert.equal(programName(programs, 'new_program'), 'New program');
    assert.equal(programName(programs, null), '');
  });
});
