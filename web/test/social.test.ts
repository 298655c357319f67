import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  absoluteLink,
  answerClock,
  barrierMoves,
  barrierPatch,
  capacityLabel,
  domainLabel,
  eventText,
  languageName,
  milesText,
  outcomeRequired,
  partnerLinkProblem,
  referralOutcomeText,
  resourceQuery,
  sharingConsent,
  staffSteps,
  stepLabel,
  stepNeeds,
  suggestedOutcome,
  tokenFromHash,
} from '../src/lib/social.js';
import { categoryOf, itemHref, itemKey, kindLabel, type WorklistItem } from '../src/lib/worklist.js';
import { describeError, ApiError } from '../src/lib/errors.js';

const NOW = Date.parse('2026-11-27T12:00:00Z');

describe('barriers', () => {
  it('names the domains in plain words, unknown ones readable', () => {
    assert.equal(domainLabel('food_insecurity'), 'Not enough food');
    assert.equal(domainLabel('interpersonal_safety'), 'Safety at home');
    assert.equal(domainLabel('something_new'), 'Something new');
  });

  it('offers the status moves the server allows, an outcome where it closes or reopens', () => {
    assert.deepEqual(barrierMoves('identified'), ['in_progress', 'resolved', 'unable_to_resolve']);
    assert.deepEqual(barrierMoves('in_progress'), ['resolved', 'unable_to_resolve']);
    assert.deepEqual(barrierMoves('resolved'), ['identified']);
    assert.deepEqual(barrierMoves('unable_to_resolve'), ['identified']);
    assert.ok(outcomeRequired('resolved') && outcomeRequired('unable_to_resolve') && outcomeRequired('identified'));
    assert.ok(!outcomeRequired('in_progress'));
  });

  it('patches only what changed; null unlinks the problem; a closed barrier only reopens', () => {
    const b = { severity: 'high', description: null, problem_id: 7, status: 'in_progress', version: 4 };
    const same = { severity: 'high', description: '', problem_id: '7', status: 'in_progress', outcome: '' };
    assert.equal(barrierPatch(b, same), null);
    assert.deepEqual(barrierPatch(b, { ...same, severity: 'urgent' }), { version: 4, severity: 'urgent' });
    assert.deepEqual(barrierPatch(b, { ...same, problem_id: '' }), { version: 4, problem_id: null });
    assert.deepEqual(barrierPatch(b, { ...same, status: 'resolved', outcome: ' Housed ' }), { version: 4, status: 'resolved', outcome: 'Housed' });
    // An outcome without a move is not sent (the server keeps it with a move only).
    assert.equal(barrierPatch(b, { ...same, outcome: 'x' }), null);
    const closed = { ...b, status: 'resolved' };
    assert.deepEqual(barrierPatch(closed, { ...same, severity: 'low', status: 'identified', outcome: 'Lost the flat again' }), {
      version: 4,
      status: 'identified',
      outcome: 'Lost the flat again',
    });
  });
});

describe('referrals', () => {
  it('offers the staff steps of each status, sending again on a sent one', () => {
    assert.deepEqual(staffSteps('draft'), ['sent', 'closed']);
    assert.deepEqual(staffSteps('sent'), ['accepted', 'declined', 'sent', 'closed']);
    assert.deepEqual(staffSteps('accepted'), ['service_delivered', 'no_show', 'closed']);
    assert.deepEqual(staffSteps('no_show'), ['accepted', 'closed']);
    assert.deepEqual(staffSteps('declined'), ['closed']);
    assert.deepEqual(staffSteps('closed'), []);
    assert.equal(stepLabel('sent', 'draft'), 'Send');
    assert.equal(stepLabel('sent', 'sent'), 'Send again (new link)');
    assert.deepEqual(stepNeeds('declined'), { reason: true, serviceDate: false, outcomeNote: false });
    assert.deepEqual(stepNeeds('service_delivered'), { reason: false, serviceDate: true, outcomeNote: true });
    assert.equal(stepNeeds('closed').reason, true);
  });

  it('counts down to the answer, and says overdue in words', () => {
    assert.deepEqual(answerClock({ status: 'sent', answer_due_at: '2026-11-30T12:00:00Z', overdue: false }, NOW), { overdue: false, soon: false, text: 'Answer due in 3 d' });
    assert.deepEqual(answerClock({ status: 'sent', answer_due_at: '2026-11-28T02:00:00Z', overdue: false }, NOW), { overdue: false, soon: true, text: 'Answer due in 14 h' });
    assert.deepEqual(answerClock({ status: 'sent', answer_due_at: '2026-11-25T12:00:00Z', overdue: true }, NOW), { overdue: true, soon: false, text: 'No answer — overdue by 2 d' });
    assert.equal(answerClock({ status: 'accepted', answer_due_at: '2026-11-25T12:00:00Z' }, NOW), null);
    assert.equal(answerClock({ status: 'sent', answer_due_at: null }, NOW), null);
  });

  it('finds the patient’s active sharing consent naming the organisation', () => {
    const base = { kind: 'information_sharing', party_name: 'Mid-Ohio Neighbour Pantry', active: true, granted_on: '2026-11-01', expires_on: null, revoked_at: null };
    assert.ok(sharingConsent([base], 'mid-ohio neighbour pantry ', '2026-11-27'));
    assert.equal(sharingConsent([base], 'Eastside Rides', '2026-11-27'), null);
    assert.equal(sharingConsent([{ ...base, active: false, revoked_at: '2026-11-20T00:00:00Z' }], 'Mid-Ohio Neighbour Pantry', '2026-11-27'), null);
    assert.equal(sharingConsent([{ ...base, expires_on: '2026-11-26' }], 'Mid-Ohio Neighbour Pantry', '2026-11-27'), null);
    assert.equal(sharingConsent([{ ...base, granted_on: '2026-12-01' }], 'Mid-Ohio Neighbour Pantry', '2026-11-27'), null);
    assert.equal(sharingConsent([{ ...base, kind: 'treatment' }], 'Mid-Ohio Neighbour Pantry', '2026-11-27'), null);
  });

  it('sums up where a barrier’s referrals stand and suggests the outcome', () => {
    const r = {
      id: 4, barrier_id: 2, status: 'service_delivered', resource: { organization: 'Pantry', service: 'Groceries' },
      decline_reason: null, outcome_note: 'A week of food', service_date: '2026-11-27',
    };
    assert.equal(referralOutcomeText(r), 'Pantry (Groceries): service delivered on 2026-11-27 — A week of food');
    assert.equal(referralOutcomeText({ ...r, status: 'declined', decline_reason: 'Full', service_date: null }), 'Pantry (Groceries): declined — Full');
    assert.equal(referralOutcomeText({ ...r, status: 'sent' }), 'Pantry (Groceries): sent, waiting for an answer');
    assert.equal(suggestedOutcome([r, { ...r, id: 5, status: 'declined' }]), 'Groceries from Pantry delivered on 2026-11-27.');
    assert.equal(suggestedOutcome([]), '');
  });

  it('words history entries and marks the organisation’s steps', () => {
    const at = '2026-11-27T12:00:00Z';
    assert.equal(eventText({ kind: 'identified', detail: { source: 'screening', assessment_id: 3 }, by_user_id: 3, by_partner: false, at }), 'Identified by a screening');
    assert.equal(
      eventText({ kind: 'status', detail: { from: 'sent', to: 'accepted', outcome_note: '(recorded by Sam)' }, by_user_id: null, by_partner: true, at }),
      'Accepted (by the organisation) — (recorded by Sam)',
    );
    assert.equal(eventText({ kind: 'status', detail: { from: 'identified', to: 'in_progress' }, by_user_id: 3, by_partner: false, at }), 'In progress');
    // On a barrier's history the server does not mark the organisation: nobody signed in did it.
    assert.equal(
      eventText({ kind: 'referral_service_delivered', detail: { organization: 'Pantry', service: 'Groceries', service_date: '2026-11-27' }, by_user_id: null, by_partner: false, at }),
      'Pantry (Groceries): service delivered (by the organisation) — on 2026-11-27',
    );
    assert.equal(eventText({ kind: 'referral_declined', detail: { organization: 'P', service: 'S', reason: 'Full' }, by_user_id: 3, by_partner: false, at }), 'P (S): declined — reason: Full');
    assert.equal(eventText({ kind: 'capacity', detail: { capacity: 'waitlist', note: '' }, by_user_id: null, by_partner: true, at }), 'Capacity updated (by the organisation): Waitlist');
    assert.equal(eventText({ kind: 'changed', detail: { severity: { from: 'high', to: 'urgent' }, problem_id: null }, by_user_id: 3, by_partner: false, at }), 'Changed: severity high → urgent, care plan problem unlinked');
  });
});

describe('resources', () => {
  it('builds the search query, leaving empty fields out', () => {
    assert.equal(
      resourceQuery({ domain: 'food_insecurity', text: ' pantry ', language: 'es', withinMiles: '5', hideFull: true }),
      'domain=food_insecurity&q=pantry&language=es&within_miles=5&include_full=false&limit=25',
    );
    assert.equal(resourceQuery({ domain: '', text: '', language: '', withinMiles: '', hideFull: false, limit: 10 }), 'limit=10');
    assert.equal(resourceQuery({ domain: 'x', text: 'a&b=c', language: '', withinMiles: '', hideFull: false }), 'domain=x&q=a%26b%3Dc&limit=25');
  });
  it('words distances, capacity and languages', () => {
    assert.equal(milesText(3.84), '3.8 miles');
    assert.equal(milesText(1), '1 mile');
    assert.equal(milesText(0), '0 miles');
    assert.equal(milesText(null), 'distance not known');
    assert.equal(capacityLabel('open'), 'Taking new clients');
    assert.equal(capacityLabel('full'), 'Full');
    assert.equal(languageName('es'), 'Spanish');
    assert.equal(languageName('so-SO'), 'Somali');
    assert.equal(languageName('xx'), 'xx');
  });
  it('makes the organisation’s link absolute when the server gives a path', () => {
    assert.equal(absoluteLink('/partner#token=abc', 'https://ck.example.org/'), 'https://ck.example.org/partner#token=abc');
    assert.equal(absoluteLink('https://ck.example.org/partner#token=abc', 'http://127.0.0.1:8080'), 'https://ck.example.org/partner#token=abc');
  });
});

describe('the organisation’s page', () => {
  it('reads the token from the fragment only when well-formed', () => {
    const t = 'oc1cihqKHInJiQ1wVid6a3WG8pUzxDtyd4cwxEycc3M';
    assert.equal(tokenFromHash(`#token=${t}`), t);
    assert.equal(tokenFromHash(`token=${t}`), t);
    assert.equal(tokenFromHash(`#x=1&token=${t}`), t);
    assert.equal(tokenFromHash('#token=short'), null);
    assert.equal(tokenFromHash('#token=<script>alert(1)</script>aaaaaaaaaaaa'), null);
    assert.equal(tokenFromHash('#token=%E0%A4%A'), null);
    assert.equal(tokenFromHash(''), null);
  });
  it('explains a refused link in words for someone outside', () => {
    assert.match(partnerLinkProblem(404, 'this link is not valid'), /^This link does not work\..*new link/);
    assert.match(partnerLinkProblem(409, 'this link has expired; ask the case manager for a new one'), /^This link has expired\./);
    assert.match(partnerLinkProblem(409, 'this referral is closed'), /closed by the case manager/);
    assert.equal(partnerLinkProblem(409, 'a referral that is sent cannot become no_show here'), 'This step cannot be taken now: a referral that is sent cannot become no_show here.');
    assert.equal(partnerLinkProblem(400, 'say why'), 'Say why.');
  });
});

describe('social needs on the worklist and in errors', () => {
  const item: WorklistItem = {
    kind: 'referral_unanswered', score: 240, reasons: [], title: 'No answer from Pantry (Groceries)', patient_id: 18, case_id: 18, task_id: null,
    alert_id: null, encounter_id: null, care_plan_id: null, goal_id: null, owner_user_id: null, at: null, referral_id: 9,
  };
  it('an unanswered referral opens the Social needs tab at the referral, ids only', () => {
    assert.equal(itemHref(item), '/patients/18?case=18&tab=social&referral=9');
    assert.equal(kindLabel('referral_unanswered'), 'Referral unanswered');
    assert.equal(categoryOf('referral_unanswered'), 'social');
    assert.notEqual(itemKey(item), itemKey({ ...item, referral_id: 3 }));
  });
  it('names the social fields and the records in conflicts', () => {
    assert.equal(describeError(new ApiError(400, { error: 'give the date the service was delivered', field: 'service_date' })), 'Date of the service: give the date the service was delivered.');
    assert.match(describeError(new ApiError(409, { error: 'changed', field: 'version' }), 'referral'), /^Someone else changed this referral after you opened it/);
    assert.equal(describeError(new ApiError(400, { error: 'must be verbal, written or electronic', field: 'consent_method' })), "Patient's consent: must be verbal, written or electronic.");
  });
});
