import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, answerPointer, describeError, fieldLabel } from '../src/lib/errors.js';

const err = (status: number, error: string, field: string | null = null, code = 'InvalidArgument') =>
  new ApiError(status, { error, field, code, request_id: 'abc123' });

test('a field error leads with the field as a person names it', () => {
  assert.equal(describeError(err(400, 'must be a date YYYY-MM-DD', 'target_date')), 'Target date: must be a date YYYY-MM-DD.');
  assert.equal(describeError(err(400, 'must be between 0 and 3', 'answers.items[8]')), 'Answer to item 9: must be between 0 and 3.');
  // A form can name the field its own way (a task's `reason` is its outcome).
  assert.equal(describeError(err(400, 'must not be empty', 'reason'), 'task', { reason: 'Outcome' }), 'Outcome: must not be empty.');
});

test('a stale version is explained as someone else changing the record', () => {
  const e = err(409, 'the task changed since version 9; reload and apply again', 'version', 'Conflict');
  assert.ok(e.isStale && e.isConflict);
  assert.match(describeError(e, 'task'), /^Someone else changed this task after you opened it/);
  const other = err(409, 'a live appointment overlaps', 'starts_at', 'Conflict');
  assert.ok(!other.isStale);
  assert.equal(describeError(other), 'Start: a live appointment overlaps.');
});

test('statuses without a field read differently', () => {
  assert.equal(describeError(new ApiError(0, null)), 'Cannot reach the casekeeper server. Check the connection and try again.');
  assert.equal(describeError(err(401, 'invalid username or password', null, 'Unauthenticated')), 'invalid username or password');
  assert.equal(describeError(err(401, 'session is not valid; sign in again', null, 'Unauthenticated')), 'Your session has ended. Sign in again to continue.');
  assert.equal(describeError(err(403, 'the auditor role may not scores.calculate', null, 'PermissionDenied')), 'Not allowed: the auditor role may not scores.calculate.');
  assert.match(describeError(err(500, 'internal error', null, 'Internal')), /report reference abc123/);
  assert.equal(describeError(new Error('boom')), 'Something went wrong: boom');
});

test('answer fields map to JSON pointers and labels', () => {
  assert.equal(answerPointer('answers.items[8]'), '/items/8');
  assert.equal(answerPointer('answers.safety.insult'), '/safety/insult');
  assert.equal(answerPointer('answers'), null);
  assert.equal(answerPointer('target_date'), null);
  assert.equal(fieldLabel('answers.safety.insult'), 'Answer to safety insult');
  assert.equal(fieldLabel('review_every_days'), 'Review every days');
});
