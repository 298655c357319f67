import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  adherenceNoteRequired,
  canRecordByHand,
  daysBetween,
  discrepancyLabel,
  dueWords,
  isStay,
  itemForm,
  itemLabel,
  itemPatch,
  medFieldLabel,
  medicationLines,
  readinessText,
  readmissionText,
  resolutionEffect,
  responsibleText,
  stayEntries,
  trcStateText,
  type ItemLike,
} from '../src/lib/transitions.js';
import { filenameFromDisposition, isExpectedType, reportPath, unexpectedTypeMessage } from '../src/lib/download.js';
import { categoryOf, itemHref, itemKey, kindLabel, type WorklistItem } from '../src/lib/worklist.js';
import { describeError, ApiError } from '../src/lib/errors.js';

describe('readmission badges', () => {
  it('say how many days after the discharge, planned ones not counted', () => {
    assert.equal(readmissionText({ of_stay: 103, days_after_discharge: 12, counted: true, planned: false, planned_basis: null }), 'Readmission — 12 days after discharge');
    assert.equal(readmissionText({ of_stay: 103, days_after_discharge: 1, counted: true, planned: false, planned_basis: null }), 'Readmission — 1 day after discharge');
    assert.equal(readmissionText({ of_stay: 103, days_after_discharge: 0, counted: true, planned: false, planned_basis: null }), 'Readmission — the same day as the discharge');
    assert.equal(
      readmissionText({ of_stay: 103, days_after_discharge: 30, counted: false, planned: true, planned_basis: 'elective' }),
      'Planned readmission — 30 days after discharge (not counted)',
    );
    assert.equal(readmissionText(null), null);
  });
});

describe('discharge plan readiness', () => {
  it('reads "6/8 ready" and names what is missing in checklist words', () => {
    const r = { done: 5, not_applicable: 1, total: 8, complete: '6/8', missing: ['transport_home', 'discharge_summary_received'], ready: false };
    assert.deepEqual(readinessText(r), { short: '6/8 ready', missing: 'Still missing: Transport home, Discharge summary received.' });
    const ready = { ...r, done: 7, missing: [], complete: '8/8', ready: true };
    assert.match(readinessText(ready).missing, /^Ready for discharge/);
    assert.equal(itemLabel('follow_up_within_7_days'), 'Follow-up visit within 7 days');
    assert.equal(itemLabel('something_new'), 'Something new');
  });
});

describe('checklist item changes', () => {
  const item: ItemLike = {
    item: 'dme',
    status: 'in_progress',
    not_applicable_reason: null,
    note: 'Shower chair and scale ordered',
    responsible: { user_id: null, name: 'Pat Lee', role: 'hospital discharge planner' },
  };
  it('sends only what changed', () => {
    const f = itemForm(item);
    assert.equal(f.who, 'outside');
    assert.equal(itemPatch(item, f), null);
    assert.deepEqual(itemPatch(item, { ...f, status: 'done' }), { status: 'done' });
    assert.deepEqual(itemPatch(item, { ...f, status: 'not_applicable', not_applicable_reason: ' Daughter has both ' }), {
      status: 'not_applicable',
      not_applicable_reason: 'Daughter has both',
    });
    // Not applicable without a reason goes to the server, which names the missing field.
    assert.deepEqual(itemPatch(item, { ...f, status: 'not_applicable' }), { status: 'not_applicable' });
  });
  it('replaces the responsible person: a team member, someone outside, or nobody', () => {
    const f = itemForm(item);
    assert.deepEqual(itemPatch(item, { ...f, who: 'user', user_id: '5' }), { responsible_user_id: 5 });
    assert.deepEqual(itemPatch(item, { ...f, role: 'case manager at the hospital' }), { responsible_name: 'Pat Lee', responsible_role: 'case manager at the hospital' });
    assert.deepEqual(itemPatch(item, { ...f, who: 'none' }), { responsible_user_id: null });
    assert.equal(responsibleText(item.responsible, () => null), 'Pat Lee (hospital discharge planner)');
    assert.equal(responsibleText({ user_id: 5, name: null, role: null }, (id) => (id === 5 ? 'Aisha Johnson, RN' : null)), 'Aisha Johnson, RN');
    assert.equal(responsibleText({ user_id: null, name: null, role: null }, () => null), null);
  });
});

describe('medication reconciliation', () => {
  it('names discrepancy kinds in plain words', () => {
    assert.equal(discrepancyLabel('dose_changed'), 'Dose changed');
    assert.match(discrepancyLabel('duplicate_therapy'), /^Duplicate therapy/);
    assert.match(discrepancyLabel('new'), /not taken before admission/);
  });
  it('says what a resolution does to the medication list', () => {
    assert.match(resolutionEffect('new', 'stopped'), /not added/);
    assert.match(resolutionEffect('new', 'kept'), /is added/);
    assert.match(resolutionEffect('stopped', 'kept'), /stays on the medication list/);
    assert.match(resolutionEffect('stopped', 'stopped'), /marked stopped/);
    assert.match(resolutionEffect('dose_changed', 'kept'), /as it was before admission/);
    assert.match(resolutionEffect('dose_changed', 'changed'), /as on the discharge list/);
    assert.match(resolutionEffect('duplicate_therapy', 'stopped'), /second of the two/);
  });
  it('sends the discharge list without blank rows or fields, and names row errors', () => {
    assert.deepEqual(
      medicationLines([
        { name: ' Furosemide ', dose: '40 mg', route: '', frequency: 'daily', code: '' },
        { name: '', dose: '', route: '', frequency: '', code: '' },
        { name: 'Amlodipine', dose: '10 mg', route: 'oral', frequency: 'daily', code: '197361' },
      ]),
      [
        { name: 'Furosemide', dose: '40 mg', frequency: 'daily' },
        { name: 'Amlodipine', dose: '10 mg', route: 'oral', frequency: 'daily', code: '197361' },
      ],
    );
    assert.equal(medFieldLabel('discharge_medications[1].name'), 'Discharge medication 2 name');
    assert.equal(medFieldLabel('discharge_medications'), 'Discharge medications');
    assert.equal(medFieldLabel('note'), null);
  });
  it('asks a note for partial or no adherence', () => {
    assert.equal(adherenceNoteRequired('adherent'), false);
    assert.equal(adherenceNoteRequired('partially_adherent'), true);
    assert.equal(adherenceNoteRequired('non_adherent'), true);
  });
});

describe('TRC components', () => {
  const today = '2026-11-27';
  it('count local days and say what is due', () => {
    assert.equal(daysBetween('2026-11-27', '2026-12-22'), 25);
    assert.equal(daysBetween('2026-03-07', '2026-03-09'), 2, 'a daylight-saving change is still two days');
    assert.equal(dueWords('2026-11-27', today), 'due today');
    assert.equal(dueWords('2026-11-28', today), 'due tomorrow');
    assert.equal(dueWords('2026-11-25', today), 'was due 2 days ago');
  });
  it('describe met, not met and pending components', () => {
    const pending = { component: 'patient_engagement', status: 'pending', window_from: '2026-11-23', due: '2026-12-22', at: null, source: null };
    assert.equal(trcStateText(pending, today), 'Pending: due in 25 days (2026-12-22)');
    assert.equal(trcStateText({ ...pending, window_from: null, due: null }, today), 'Pending: the window opens at discharge');
    assert.equal(trcStateText({ ...pending, window_from: '2026-11-28' }, today), 'Pending: the window opens on 2026-11-28, due by 2026-12-22');
    assert.equal(trcStateText({ ...pending, status: 'met', at: '2026-11-24T15:00:00Z' }, today), 'Met on 2026-11-24');
    assert.equal(trcStateText({ ...pending, status: 'not_met', due: '2026-11-20' }, today), 'Not met: the window closed on 2026-11-20');
  });
  it('offer a record by hand only for a pending component whose window has opened', () => {
    const c = { component: 'patient_engagement', status: 'pending', window_from: '2026-11-23', due: '2026-12-22', at: null, source: null };
    assert.equal(canRecordByHand(c, today), true);
    assert.equal(canRecordByHand({ ...c, window_from: '2026-11-28' }, today), false);
    assert.equal(canRecordByHand({ ...c, window_from: null, due: null }, today), false);
    assert.equal(canRecordByHand({ ...c, status: 'met' }, today), false);
    assert.equal(canRecordByHand({ ...c, status: 'not_met' }, today), false);
  });
});

describe('the stays of the tab', () => {
  it('list acute stays with observation and emergency encounters, newest first, matched by any encounter of the stay', () => {
    const stays = [
      { first_encounter_id: 104, last_encounter_id: 104, admitted_at: '2026-11-04T21:00:00Z', discharged_at: '2026-11-08T21:00:00Z' },
      { first_encounter_id: 100, last_encounter_id: 102, admitted_at: '2026-10-18T21:00:00Z', discharged_at: '2026-10-23T21:00:00Z' },
    ];
    const encounters = [
      { id: 104, encounter_class: 'inpatient', status: 'finished', admitted_at: '2026-11-04T21:00:00Z', discharged_at: null },
      { id: 110, encounter_class: 'observation', status: 'in_progress', admitted_at: '2026-11-20T10:00:00Z', discharged_at: null },
      { id: 111, encounter_class: 'emergency', status: 'cancelled', admitted_at: '2026-11-21T10:00:00Z', discharged_at: null },
      { id: 112, encounter_class: 'outpatient', status: 'finished', admitted_at: '2026-11-22T10:00:00Z', discharged_at: null },
    ];
    const list = stayEntries(stays, encounters);
    assert.deepEqual(
      list.map((e) => `${e.kind}:${e.id}`),
      ['observation:110', 'acute:104', 'acute:100'],
    );
    const merged = list[2];
    assert.ok(merged && isStay(merged, 102), 'the transfer’s last encounter finds the stay');
    assert.equal(merged && isStay(merged, 101), false, 'only the ends of a merged stay are known');
  });
});

describe('downloads', () => {
  it('build report paths with the format', () => {
    assert.equal(reportPath('readmissions', { from: '2026-10-01', to: '2026-10-31' }, 'csv'), '/reports/readmissions?from=2026-10-01&to=2026-10-31&format=csv');
    assert.equal(reportPath('insurance', { from: 'a' }, 'csv', 'by_payer'), '/reports/insurance?from=a&format=csv&table=by_payer');
    assert.equal(reportPath('insurance', { from: 'a' }, 'xlsx', 'by_payer'), '/reports/insurance?from=a&format=xlsx');
  });
  it('name files from Content-Disposition, safely', () => {
    assert.equal(filenameFromDisposition('attachment; filename="insurance.csv"', 'x.csv'), 'insurance.csv');
    assert.equal(filenameFromDisposition('attachment; filename=case-3-file.pdf', 'x.pdf'), 'case-3-file.pdf');
    assert.equal(filenameFromDisposition("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.xlsx; filename=\"resume.xlsx\"", 'x'), 'résumé.xlsx');
    assert.equal(filenameFromDisposition('attachment; filename="../../etc/passwd"', 'x'), 'passwd');
    assert.equal(filenameFromDisposition('attachment; filename="..."', 'fallback.csv'), 'fallback.csv');
    assert.equal(filenameFromDisposition(null, 'fallback.csv'), 'fallback.csv');
    assert.equal(filenameFromDisposition('inline', 'fallback.csv'), 'fallback.csv');
  });
  it('refuse an answer of another type than asked for', () => {
    assert.equal(isExpectedType('text/csv; charset=utf-8', 'csv'), true);
    assert.equal(isExpectedType('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xlsx'), true);
    assert.equal(isExpectedType('application/pdf', 'pdf'), true);
    assert.equal(isExpectedType('application/json', 'csv'), false);
    assert.equal(isExpectedType(null, 'pdf'), false);
    assert.match(unexpectedTypeMessage('application/json', 'csv'), /^the server sent the report as JSON instead of a CSV file, so nothing was saved/);
  });
  it('name the case file’s missing reason', () => {
    assert.equal(describeError(new ApiError(400, { error: 'say why the case file is produced', field: 'reason' })), 'Reason: say why the case file is produced.');
  });
});

describe('transitions worklist items', () => {
  const base: WorklistItem = {
    kind: 'discharge_plan_due', score: 480, reasons: ['discharge expected tomorrow'], title: 'Discharge plan not ready: Riverside General Hospital',
    patient_id: 3, case_id: 3, task_id: null, alert_id: null, encounter_id: 101, care_plan_id: null, goal_id: null, discharge_plan_id: 1, owner_user_id: null, at: null,
  };
  it('open the Transitions tab at the stay, ids only, with their own filter', () => {
    assert.equal(itemHref(base), '/patients/3?case=3&tab=transitions&stay=101');
    assert.equal(categoryOf('discharge_plan_due'), 'discharge');
    assert.equal(kindLabel('discharge_plan_due'), 'Discharge plan due');
    assert.match(itemKey(base), /:1:3:3$/);
    assert.equal(itemHref({ ...base, kind: 'admitted', discharge_plan_id: null, encounter_id: 104 }), '/patients/3?case=3&tab=transitions&stay=104');
    assert.equal(itemHref({ ...base, kind: 'admitted', discharge_plan_id: null, encounter_id: null }), '/patients/3?case=3');
    assert.equal(itemHref({ ...base, kind: 'task_overdue', discharge_plan_id: null, encounter_id: null }), '/patients/3?case=3');
  });
});
