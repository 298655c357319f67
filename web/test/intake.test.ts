import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  URGENCIES,
  assignees,
  emptyPatientForm,
  emptyReferralForm,
  labelOf,
  patientBody,
  patientFieldOf,
  REFERRAL_SOURCES,
  referralBody,
  triageClock,
  urgencyLabel,
  waitingReferrals,
} from '../src/lib/intake.js';
describe('patientBody', () => {
  it('sends the required fields even empty (the server names them) and leaves empty optional ones out', () => {
    assert.deepEqual(patientBody(emptyPatientForm()), { given_name: '', family_name: '', birth_date: '', administrative_sex: '' });
  });

  it('trims, builds one preferred phone, the address only from its filled parts, and one identifier', () => {
    const f = {
      ...emptyPatientForm(),
      given_name: ' María José ',
      family_name: 'García-López',
      birth_date: '1950-02-03',
      administrative_sex: 'female',
      preferred_language: 'es',
      interpreter_needed: true,
      races: ['white'],
      phone: '(614) 555-0142',
      phone_use: 'home',
      city: 'Columbus',
      state: 'oh',
      postal_code: '43210',
      identifier_system: 'urn:mrn:riverside',
      identifier_value: 'R-1001 ',
    };
    assert.deepEqual(patientBody(f), {
      given_name: 'María José',
      family_name: 'García-López',
      birth_date: '1950-02-03',
      administrative_sex: 'female',
      preferred_language: 'es',
      interpreter_needed: true,
      races: ['white'],
      phones: [{ number: '(614) 555-0142', use: 'home', preferred: true }],
      address: { city: 'Columbus', state: 'OH', postal_code: '43210' },
      identifiers: [{ system: 'urn:mrn:riverside', value: 'R-1001', kind: 'MR' }],
    });
  });

  it('maps the server’s fields to the form’s', () => {
    assert.equal(patientFieldOf('address.state'), 'state');
    assert.equal(patientFieldOf('address.postal_code'), 'postal_code');
    assert.equal(patientFieldOf('phones'), 'phone');
    assert.equal(patientFieldOf('phones[0].number'), 'phone');
    assert.equal(patientFieldOf('identifiers'), 'identifier_value');
    assert.equal(patientFieldOf('birth_date'), 'birth_date');
    assert.equal(patientFieldOf('body'), null);
    assert.equal(patientFieldOf(null), null);
  });
});

describe('referrals', () => {
  it('sends the referral with routine as the default urgency and the reason trimmed', () => {
    assert.deepEqual(referralBody({ ...emptyReferralForm(), program: 'complex_care', referral_source: 'physician', referral_reason: ' Nine medications ' }), {
      program: 'complex_care',
      referral_source: 'physician',
      referral_reason: 'Nine medications',
      urgency: 'routine',
    });
    assert.equal(referralBody({ ...emptyReferralForm(), urgency: '' }).urgency, 'routine');
  });

  it('names coded values and says each urgency’s triage clock', () => {
    assert.equal(labelOf(REFERRAL_SOURCES, 'community_agency'), 'Community agency');
    assert.equal(labelOf(REFERRAL_SOURCES, 'new_source'), 'new source');
    assert.equal(urgencyLabel('emergent'), 'Emergent');
    assert.equal(urgencyLabel(null), 'Routine');
    assert.match(URGENCIES.find((u) => u.value === 'emergent')?.triage ?? '', /4 hours/);
  });
});

describe('triageClock', () => {
  const now = Date.parse('2026-11-27T12:00:00Z');
  it('counts down in hours, then days; soon within 4 hours', () => {
    assert.deepEqual(triageClock('2026-11-28T09:00:00Z', now), { text: 'Triage due in 21 h', overdue: false, soon: false });
    assert.deepEqual(triageClock('2026-11-27T15:00:00Z', now), { text: 'Triage due in 3 h', overdue: false, soon: true });
    assert.deepEqual(triageClock('2026-11-27T12:20:00Z', now), { text: 'Triage due in 20 min', overdue: false, soon: true });
    assert.equal(triageClock('2026-11-30T12:00:00Z', now)?.text, 'Triage due in 3 d');
  });
  it('says overdue in words', () => {
    assert.deepEqual(triageClock('2026-11-25T12:00:00Z', now), { text: '⚠ Triage overdue by 2 d', overdue: true, soon: false });
    assert.equal(triageClock('2026-11-27T11:00:00Z', now)?.text, '⚠ Triage overdue by 1 h');
  });
  it('gives nothing without a due time', () => {
    assert.equal(triageClock(null, now), null);
    assert.equal(triageClock('not a date', now), null);
  });
});

describe('referrals waiting for a case manager', () => {
  const kase = (id: number, over: Partial<{ status: string; assigned_user_id: number | null; triage_due_at: string }> = {}) => ({
    id,
    patient_id: id * 10,
    status: 'referred',
    assigned_user_id: null as number | null,
    triage_due_at: '2026-11-28T21:00:00.000Z',
    ...over,
  });
  it("keeps the server's order (soonest triage first), once per case, dropping any assigned meanwhile", () => {
    const cases = [kase(8), kase(4), kase(7, { assigned_user_id: 3 }), kase(5), kase(4), kase(6, { status: 'screening' })];
    assert.deepEqual(
      waitingReferrals(cases).map((c) => c.id),
      [8, 4, 5, 6],
    );
  });
});

describe('assignees', () => {
  it('lists the lightest acuity-weighted load first, with the load in words and the current one marked', () => {
    const list = assignees(
      [
        { user_id: 4, display_name: 'David Chen, MSW', open_cases: 37, acuity_weighted_load: 84 },
        { user_id: 5, display_name: 'Aisha Johnson, RN', open_cases: 38, acuity_weighted_load: 86 },
        { user_id: 3, display_name: 'Maria Rivera, RN', open_cases: 36, acuity_weighted_load: 84 },
        { user_id: 6, display_name: 'New Hire', open_cases: 1, acuity_weighted_load: 90 },
      ],
      5,
    );
    assert.deepEqual(
      list.map((a) => [a.user_id, a.current, a.lightest]),
      [
        [3, false, true],
        [4, false, true],
        [5, true, false],
        [6, false, false],
      ],
    );
    assert.equal(list[0]?.load, '36 open cases · acuity-weighted load 84');
    assert.equal(assignees([{ user_id: 1, display_name: 'A', open_cases: 1, acuity_weighted_load: 2 }], null)[0]?.load, '1 open case · acuity-weighted load 2');
  });
});
