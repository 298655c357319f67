import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  acuityWeight,
  caseOfError,
  checklistWords,
  coverageBody,
  coverageState,
  leaveWords,
  loadsAfter,
  isStaleRow,
  moves,
  perCaseMonth,
  proposalRows,
  reassignmentBody,
  ruleLabel,
  tallyText,
  type CoverageRecord,
  type Proposal,
  type TeamLine,
} from '../src/lib/supervision.js';
import { fallbackFilename, reportPath } from '../src/lib/download.js';

const line = (over: Partial<TeamLine> = {}): TeamLine => ({
  user_id: 5,
  username: 'cm.johnson',
  display_name: 'Aisha Johnson, RN',
  open_cases: 38,
  acuity_weighted_load: 86,
  overdue_tasks: 6,
  contacts: 43,
  contacts_per_case_month: 1.148,
  compliance_checked: 77,
  compliance_met: 66,
  compliance_rate: 66 / 77,
  covered_by: null,
  covering_for: [],
  ...over,
});

const coverage = (over: Partial<CoverageRecord> = {}): CoverageRecord => ({
  id: 1,
  absent_user_id: 5,
  absent_name: 'Aisha Johnson, RN',
  covering_user_id: 4,
  covering_name: 'David Chen, MSW',
  starts_at: '2026-12-12T00:14:26.354Z',
  ends_at: '2026-12-19T00:14:26.354Z',
  reason: 'annual leave',
  created_by: 2,
  created_at: '2026-11-28T00:14:26.354Z',
  ended_at: null,
  ended_by: null,
  end_reason: null,
  state: 'scheduled',
  ...over,
});

const proposal: Proposal = {
  moves: [
    { case_id: 3, patient_id: 3, acuity: 'low', weight: 1, from_user_id: 5, to_user_id: 3, to_name: 'Maria Rivera, RN', why: 'lowest acuity-weighted load (load 84 → 85)' },
    { case_id: 8, patient_id: 8, acuity: null, weight: 2, from_user_id: 5, to_user_id: 4, to_name: 'David Chen, MSW', why: "already on the patient's care team" },
  ],
  unplaced: [{ case_id: 13, why: 'every available case manager would pass the maximum load of 90' }],
  loads: [
    { user_id: 3, display_name: 'Maria Rivera, RN', open_before: 37, open_after: 38, load_before: 84, load_after: 85 },
    { user_id: 4, display_name: 'David Chen, MSW', open_before: 37, open_after: 38, load_before: 84, load_after: 86 },
    { user_id: 5, display_name: 'Aisha Johnson, RN', open_before: 38, open_after: 35, load_before: 86, load_after: 80 },
  ],
};

describe('the checklist in words', () => {
  it('names the rules and says unknown ones in words', () => {
    assert.equal(ruleLabel('note_signed'), 'Notes signed in time');
    assert.equal(ruleLabel('consent_on_file'), 'Consent on file');
    assert.equal(ruleLabel('new_rule_x'), 'new rule x');
  });
  it('says the settings', () => {
    const w = checklistWords({ rules: [], note_sign_hours: 24, lookback_days: 30, assessments: [{ instrument: 'phq9', days: 365 }], assessment_grace_days: 30 });
    assert.match(w[0] as string, /last 30 days has a note signed within 24 hours/);
    assert.match(w[3] as string, /PHQ-9 at least every 365 days; cases referred less than 30 days ago are not due yet/);
  });
  it('tallies met of checked, with nothing to check said', () => {
    assert.equal(tallyText({ met: 11, checked: 19, rate: 11 / 19 }), '11 of 19 met (57.9 %)');
    assert.equal(tallyText({ met: 0, checked: 0, rate: null }), 'nothing to check');
  });
  it('shows contacts per case-month with one decimal', () => {
    assert.equal(perCaseMonth(1.148), '1.1');
    assert.equal(perCaseMonth(0.96), '1.0');
    assert.equal(perCaseMonth(null), '—');
  });
});

describe('leave and cover', () => {
  it('says who is away now, whom one covers, and the leave booked', () => {
    assert.deepEqual(leaveWords(line({ covered_by: 'David Chen, MSW' })), ['On leave — covered by David Chen, MSW']);
    assert.deepEqual(leaveWords(line({ user_id: 4, covering_for: ['Aisha Johnson, RN'] })), ['Covering for Aisha Johnson, RN']);
    assert.deepEqual(leaveWords(line(), [coverage()]), ['Leave booked 2026-12-12 to 2026-12-19, covered by David Chen, MSW']);
    assert.deepEqual(leaveWords(line({ user_id: 4 }), [coverage()]), ['Will cover Aisha Johnson, RN 2026-12-12 to 2026-12-19']);
    assert.deepEqual(leaveWords(line(), [coverage({ state: 'ended' })]), []);
  });
  it('names the states', () => {
    assert.equal(coverageState('in_force'), 'In force');
    assert.equal(coverageState('scheduled'), 'Scheduled');
  });
  it("builds the booking in the organisation's zone: a future first day at its midnight, today or before starts now, empty choices left out", () => {
    // 00:44 UTC on the 28th: still the 27th in New York.
    const now = new Date('2026-11-28T00:44:00Z');
    const zone = 'America/New_York';
    const b = coverageBody({ absent_user_id: '5', covering_user_id: '2', from: '2026-12-01', to: '2026-12-05', reason: ' annual leave ' }, zone, now);
    assert.deepEqual(Object.keys(b).sort(), ['absent_user_id', 'covering_user_id', 'ends_at', 'reason', 'starts_at']);
    assert.equal(b.absent_user_id, 5);
    assert.equal(b.reason, 'annual leave');
    assert.equal(b.starts_at, '2026-12-01T05:00:00.000Z');
    assert.equal(b.ends_at, '2026-12-06T05:00:00.000Z');
    // The 28th starts later in New York than now, whatever this computer's zone.
    assert.equal(coverageBody({ absent_user_id: '5', covering_user_id: '2', from: '2026-11-28', to: '2026-11-28', reason: 'x' }, zone, now).starts_at, '2026-11-28T05:00:00.000Z');
    const today = coverageBody({ absent_user_id: '5', covering_user_id: '2', from: '2026-11-27', to: '2026-11-28', reason: 'sick' }, zone, now);
    assert.equal(today.starts_at, undefined);
    assert.equal(today.ends_at, '2026-11-29T05:00:00.000Z');
    // In another zone the same days are other times.
    assert.equal(coverageBody({ absent_user_id: '5', covering_user_id: '2', from: '2026-12-01', to: '2026-12-05', reason: 'x' }, 'Europe/Berlin', now).starts_at, '2026-11-30T23:00:00.000Z');
    assert.deepEqual(coverageBody({ absent_user_id: '', covering_user_id: '', from: '', to: '', reason: '' }, zone, now), { reason: '' });
    assert.equal(coverageBody({ absent_user_id: '', covering_user_id: '', from: '2026-02-30', to: '', reason: '' }, zone, now).starts_at, '2026-02-30');
  });
});

describe('reassignment', () => {
  it('weighs acuity as the server does', () => {
    assert.deepEqual(['low', 'moderate', 'high', 'very_high', null].map(acuityWeight), [1, 2, 3, 4, 2]);
  });
  it('makes rows of the moves and of the cases not placed, described from the cases read (older servers)', () => {
    const rows = proposalRows(proposal, new Map([[13, { patient_id: 13, acuity: 'high', assigned_user_id: 5 }]]));
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[2], {
      case_id: 13,
      patient_id: 13,
      acuity: 'high',
      weight: 3,
      from_user_id: 5,
      to_user_id: null,
      why: 'every available case manager would pass the maximum load of 90',
      placed: false,
      version: null,
    });
    assert.equal(rows.filter(moves).length, 2);
  });
  it("takes an unplaced case as the server describes it, and each case's version as read", () => {
    const described: Proposal = {
      ...proposal,
      unplaced: [{ case_id: 13, why: 'too heavy', patient_id: 31, acuity: null, weight: 2, from_user_id: 4 }],
    };
    const known = new Map([
      [13, { patient_id: 13, acuity: 'high', assigned_user_id: 5, version: 7 }],
      [8, { patient_id: 8, acuity: 'low', assigned_user_id: 5, version: 3 }],
    ]);
    const rows = proposalRows(described, known);
    assert.deepEqual(rows[2], { case_id: 13, patient_id: 31, acuity: null, weight: 2, from_user_id: 4, to_user_id: null, why: 'too heavy', placed: false, version: 7 });
    assert.equal(rows.find((r) => r.case_id === 8)?.version, 3);
    assert.equal(rows.find((r) => r.case_id === 3)?.version, null);
    // Versions go with the moves that have one.
    const body = reassignmentBody(
      rows.map((r) => (r.case_id === 13 ? { ...r, to_user_id: 3 } : r)),
      'rebalancing',
    );
    assert.deepEqual(body.assignments, [
      { case_id: 3, user_id: 3 },
      { case_id: 8, user_id: 4, version: 3 },
      { case_id: 13, user_id: 3, version: 7 },
    ]);
    assert.equal(caseOfError('assignments[2].version', body), 13);
    assert.equal(isStaleRow('assignments[2].version'), true);
    assert.equal(isStaleRow('assignments[2].user_id'), false);
    assert.equal(isStaleRow('version'), false);
  });
  it('recomputes the loads after the targets as edited', () => {
    const rows = proposalRows(proposal, new Map([[13, { patient_id: 13, acuity: 'high', assigned_user_id: 5 }]]));
    // As proposed: from the loads before, not the server's after (which counted case 13 nowhere).
    const asProposed = loadsAfter(proposal.loads, rows);
    assert.deepEqual(
      asProposed.map((l) => [l.user_id, l.open_after, l.load_after]),
      [
        [3, 38, 85],
        [4, 38, 86],
        [5, 36, 83],
      ],
    );
    // Case 8 to Rivera instead, case 13 placed with Chen, case 3 left where it is.
    const edited = rows.map((r) => (r.case_id === 8 ? { ...r, to_user_id: 3 } : r.case_id === 13 ? { ...r, to_user_id: 4 } : r.case_id === 3 ? { ...r, to_user_id: null } : r));
    assert.deepEqual(
      loadsAfter(proposal.loads, edited).map((l) => [l.user_id, l.open_after, l.load_after]),
      [
        [3, 38, 86],
        [4, 38, 87],
        [5, 36, 81],
      ],
    );
    // Back to who has it now is no move.
    assert.equal(moves({ ...(rows[0] as (typeof rows)[number]), to_user_id: 5 }), false);
    // Someone the server did not list starts at zero.
    const other = loadsAfter(proposal.loads, [{ ...(rows[0] as (typeof rows)[number]), to_user_id: 2 }], new Map([[2, 'Grace Okafor']]));
    assert.deepEqual(other.find((l) => l.user_id === 2), { user_id: 2, display_name: 'Grace Okafor', open_before: 0, open_after: 1, load_before: 0, load_after: 1 });
  });
  it('sends the moving rows with the reason and finds the row of an error', () => {
    const rows = proposalRows(proposal).map((r) => (r.case_id === 3 ? { ...r, to_user_id: null } : r));
    const body = reassignmentBody(rows, ' leaving the team ');
    assert.deepEqual(body, { reason: 'leaving the team', assignments: [{ case_id: 8, user_id: 4 }] });
    assert.equal(caseOfError('assignments[0].user_id', body), 8);
    assert.equal(caseOfError('assignments[3].user_id', body), null);
    assert.equal(caseOfError('reason', body), null);
    assert.equal(caseOfError(null, body), null);
  });
});

describe('downloads of other API paths', () => {
  it('keeps a path of its own and names the file from its last segment', () => {
    assert.equal(reportPath('/supervision/compliance', { as_of: '2026-11-27' }, 'csv', 'findings'), '/supervision/compliance?as_of=2026-11-27&format=csv&table=findings');
    assert.equal(reportPath('measure-packs/hedis_trc', { from: 'a', to: 'b' }, 'xlsx'), '/reports/measure-packs/hedis_trc?from=a&to=b&format=xlsx');
    assert.equal(fallbackFilename('/supervision/compliance', 'csv', 'findings'), 'compliance-findings.csv');
    assert.equal(fallbackFilename('measure-packs/hedis_trc', 'xlsx', 'x'), 'hedis_trc.xlsx');
    assert.equal(fallbackFilename('insurance', 'csv'), 'insurance.csv');
  });
});
