import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ageOn, countdown, countdownWords, dateOnly, humanize, num, patientName, relativeTime } from '../src/lib/format.js';

const NOW = Date.parse('2026-11-27T12:00:00Z');

test('relativeTime says how far and which way', () => {
  assert.equal(relativeTime('2026-11-27T12:00:20Z', NOW), 'now');
  assert.equal(relativeTime('2026-11-27T12:45:00Z', NOW), 'in 45 min');
  assert.equal(relativeTime('2026-11-27T07:00:00Z', NOW), '5 h ago');
  assert.equal(relativeTime('2026-11-30T12:00:00Z', NOW), 'in 3 d');
  assert.equal(relativeTime(null, NOW), '');
  assert.equal(relativeTime('not a time', NOW), '');
});

test('countdown is m:ss and never negative; words for screen readers', () => {
  assert.equal(countdown(125), '2:05');
  assert.equal(countdown(59.2), '1:00');
  assert.equal(countdown(0), '0:00');
  assert.equal(countdown(-4), '0:00');
  assert.equal(countdownWords(61), '1 minute 1 second');
  assert.equal(countdownWords(120), '2 minutes');
  assert.equal(countdownWords(0), '0 seconds');
});

test('ageOn counts whole years up to the birthday', () => {
  assert.equal(ageOn('1974-12-26', new Date(2026, 10, 27)), 51);
  assert.equal(ageOn('1974-11-27', new Date(2026, 10, 27)), 52);
  assert.equal(ageOn('garbage'), null);
});

test('names, codes and numbers as people read them', () => {
  assert.equal(patientName({ given_name: 'María José', family_name: 'García-López', preferred_name: 'Majo' }), 'García-López, María José (Majo)');
  assert.equal(patientName({ given_name: 'Lionel', family_name: 'Albright', preferred_name: null }), 'Albright, Lionel');
  assert.equal(humanize('heart_failure_transitions'), 'Heart failure transitions');
  assert.equal(humanize(null), '');
  assert.equal(num(85), '85');
  assert.equal(num(7.256), '7.26');
  assert.equal(num(null), '');
  assert.equal(dateOnly('2027-01-31'), '2027-01-31');
});
