import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  authActions,
  availableLevels,
  barWidths,
  canAppeal,
  deadline,
  formatMetric,
  periodBounds,
} from '../src/lib/insurance.js';
import { fieldLabel } from '../src/lib/errors.js';
import { itemHref, kindLabel, categoryOf, type WorklistItem } from '../src/lib/worklist.js';

const NOW = Date.parse('2026-11-27T12:00:00Z');

describe('deadline countdowns', () => {
  it('says how long is left, and overdue in words', () => {
    assert.deepEqual(deadline('2026-11-29T17:00:00Z', NOW), { overdue: false, soon: false, text: 'due in 2 d 5 h' });
    assert.deepEqual(deadline('2026-11-28T11:00:00Z', NOW), { overdue: false, soon: true, text: 'due in 23 h' });
    assert.deepEqual(deadline('2026-11-27T14:30:00Z', NOW), { overdue: false, soon: true, text: 'due in 2 h 30 min' });
    assert.deepEqual(deadline('2026-11-27T09:00:00Z', NOW), { overdue: true, soon: false, text: 'overdue by 3 h' });
    assert.deepEqual(deadline('2026-11-20T12:00:00Z', NOW), { overdue: true, soon: false, text: 'overdue by 7 d' });
    assert.equal(deadline('2026-11-27T12:00:10Z', NOW)?.text, 'due now');
    assert.equal(deadline(null, NOW), null);
    assert.equal(deadline('nonsense', NOW), null);
  });
});

describe('authorization workflow', () => {
  it('offers the moves the status allows', () => {
    assert.deepEqual(authActions('draft', false), ['submit', 'withdraw']);
    assert.deepEqual(authActions('submitted', false), ['approve', 'partially_approve', 'deny', 'pend', 'extend', 'pause_clock', 'withdraw']);
    assert.deepEqual(authActions('submitted', true, true), ['approve', 'partially_approve', 'deny', 'pend', 'resume_clock', 'withdraw']);
    assert.ok(!authActions('submitted', true).includes('extend'), 'extended once only');
    assert.ok(authActions('pended', false).includes('submit'), 'information sent');
    assert.deepEqual(authActions('denied', false), []);
    assert.deepEqual(authActions('approved', false), []);
    assert.ok(canAppeal('denied') && canAppeal('partially_approved') && !canAppeal('approved'));
  });

  it('offers appeal levels once each, never below one used', () => {
    const ids = (l: { id: string }[]) => l.map((x) => x.id);
    assert.deepEqual(ids(availableLevels('medicaid_managed_care', [])), ['peer_to_peer', 'first_level_internal', 'state_fair_hearing']);
    assert.deepEqual(ids(availableLevels('medicaid_managed_care', [{ level: 'peer_to_peer', status: 'decided' }])), ['first_level_internal', 'state_fair_hearing']);
    assert.deepEqual(ids(availableLevels('commercial', [{ level: 'first_level_internal', status: 'decided' }])), ['second_level_internal', 'external_review']);
    assert.deepEqual(ids(availableLevels('commercial', [], true)), ['peer_to_peer'], 'a pended request: peer-to-peer only');
    assert.deepEqual(availableLevels('self_pay', []), []);
  });
});

describe('error labels for list fields', () => {
  it('names the item and its field', () => {
    assert.equal(fieldLabel('services[0].code'), 'Service 1 code');
    assert.equal(fieldLabel('services[2].service_from'), 'Service 3 from date');
    assert.equal(fieldLabel('diagnosis_codes[1]'), 'Diagnosis 2');
    assert.equal(fieldLabel('denial_reason'), "The payer's reason");
    assert.equal(fieldLabel('answers.items[8]'), 'Answer to item 9');
  });
});

describe('insurance worklist items', () => {
  const base: WorklistItem = {
    kind: 'appeal_deadline', score: 380, reasons: [], title: '', patient_id: 181, case_id: 181, task_id: null, alert_id: null,
    encounter_id: null, care_plan_id: null, goal_id: null, owner_user_id: 3, at: null,
  };
  it('open the Insurance tab at the authorization or appeal, ids only', () => {
    assert.equal(itemHref({ ...base, authorization_id: 7, appeal_id: 3 }), '/patients/181?case=181&tab=insurance&auth=7&appeal=3');
    assert.equal(itemHref({ ...base, case_id: null, authorization_id: 7 }), '/patients/181?tab=insurance&auth=7');
    assert.equal(itemHref({ ...base, kind: 'task_overdue', task_id: 5 }), '/patients/181?case=181');
    assert.equal(kindLabel('authorization_decision_due'), 'Payer decision due');
    assert.equal(categoryOf('authorization_expiring'), 'insurance');
  });
});

describe('the insurance report', () => {
  it('formats shares, hours and counts', () => {
    assert.equal(formatMetric(0.75, 'share'), '75 %');
    assert.equal(formatMetric(2 / 3, 'share'), '66.7 %');
    assert.equal(formatMetric(30.25, 'hours'), '30.3 h');
    assert.equal(formatMetric(null, 'hours'), '—');
    assert.equal(formatMetric(4, 'count'), '4');
  });
  it('turns local dates into the report period and scales bars', () => {
    // The organisation's midnights, the last day included (New York leaves daylight saving on 1 November).
    assert.deepEqual(periodBounds('2026-10-28', '2026-11-27', 'America/New_York'), { from: '2026-10-28T04:00:00.000Z', to: '2026-11-28T05:00:00.000Z' });
    assert.deepEqual(periodBounds('2026-11-27', '2026-11-27', 'UTC'), { from: '2026-11-27T00:00:00.000Z', to: '2026-11-28T00:00:00.000Z' });
    assert.equal(periodBounds('2026-11-30', '2026-11-01', 'America/New_York'), null);
    assert.equal(periodBounds('x', '2026-11-01', 'America/New_York'), null);
    assert.deepEqual(barWidths([0, 0.5, 1], 100), [0, 50, 100]);
    assert.deepEqual(barWidths([0, 0], 100), [0, 0]);
    assert.deepEqual(barWidths([3, 6], 60), [30, 60]);
  });
});
