import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { intervalChart, niceAxis, niceStep } from '../src/lib/chart.js';
import {
  MEASURES,
  formatGap,
  formatInterval,
  formatRate,
  formatValue,
  groupLabel,
  payerChoices,
  outcomesParams,
  significanceText,
  stratifiedSummary,
  type OutcomeFigure,
  type OutcomeMeasure,
} from '../src/lib/outcomes.js';

const fig = (over: Partial<OutcomeFigure> = {}): OutcomeFigure => ({
  group: 'all',
  numerator: 5,
  denominator: 61,
  rate: 5 / 61,
  ci_low: 0.0355,
  ci_high: 0.1779,
  value: null,
  exposure: null,
  gap: null,
  p_value: null,
  significant: false,
  ...over,
});

describe('outcomesParams', () => {
  const base = { from: '2026-01-01', to: '2026-11-27', population: 'case_managed', program: '', payer: '', by: '', measures: MEASURES.map((m) => m.key) };
  it('sends only what was chosen: the default population and all measures are left out', () => {
    assert.deepEqual(outcomesParams(base), { from: '2026-01-01', to: '2026-11-27' });
  });
  it('sends filters, the stratification and a subset of measures in the server’s order', () => {
    assert.deepEqual(
      outcomesParams({ ...base, population: 'all', program: 'complex_care', payer: ' Acme Health Plan ', by: 'program', measures: ['referral_to_first_contact', 'readmission_30d'] }),
      { from: '2026-01-01', to: '2026-11-27', population: 'all', program: 'complex_care', payer: 'Acme Health Plan', by: 'program', measures: 'readmission_30d,referral_to_first_contact' },
    );
  });
  it('sends no measures when none is chosen (the server gives all)', () => {
    assert.equal(outcomesParams({ ...base, measures: [] }).measures, undefined);
  });
});

describe('figures in words', () => {
  it('shows proportions as percentages and per-1,000 rates as numbers; none as a dash', () => {
    assert.equal(formatRate(5 / 61, 'rate'), '8.2 %');
    assert.equal(formatRate(1, 'mean_change'), '100.0 %');
    assert.equal(formatRate(12.345, 'per_1000_patient_months'), '12.3');
    assert.equal(formatRate(null, 'rate'), '—');
  });
  it('shows the 95 % interval', () => {
    assert.equal(formatInterval(0.0355, 0.1779, 'rate'), '3.6–17.8 %');
    assert.equal(formatInterval(1.3877787807814457e-17, 0.138, 'rate'), '0.0–13.8 %');
    assert.equal(formatInterval(0, 19.315, 'per_1000_patient_months'), '0.0–19.3');
    assert.equal(formatInterval(null, null, 'rate'), '—');
  });
  it('signs the gap in percentage points', () => {
    assert.equal(formatGap(0.048467569493941556, 'rate'), '+4.8 points');
    assert.equal(formatGap(-0.5909, 'median_hours'), '−59.1 points');
    assert.equal(formatGap(0, 'rate'), '±0.0 points');
    assert.equal(formatGap(-0.00001, 'rate'), '±0.0 points');
    assert.equal(formatGap(3.14, 'per_1000_patient_months'), '+3.1');
    assert.equal(formatGap(null, 'rate'), '—');
  });
  it('says the extra figure of change and time measures', () => {
    assert.equal(formatValue({ unit: 'mean_change' }, fig({ value: -1.7999999999999992 })), 'mean change −1.8');
    assert.equal(formatValue({ unit: 'median_hours' }, fig({ value: 48 })), 'median 48 h');
    assert.equal(formatValue({ unit: 'per_1000_patient_months' }, fig({ value: null, exposure: 189.9 })), '');
    assert.equal(formatValue({ unit: 'rate' }, fig()), '');
  });
  it('says significance with its p-value, and when nothing was tested', () => {
    assert.equal(significanceText(fig({ significant: true, p_value: 6.59e-6 })), 'Significant (p < 0.001)');
    assert.equal(significanceText(fig({ significant: true, p_value: 0.0213 })), 'Significant (p = 0.021)');
    assert.equal(significanceText(fig({ p_value: 0.28 })), 'No');
    assert.equal(significanceText(fig()), 'Not tested');
  });
});

describe('payerChoices', () => {
  it('offers the payers on record, and keeps a chosen one that is gone', () => {
    assert.deepEqual(payerChoices(['Acme Health Plan', 'Buckeye Medicaid'], ''), ['Acme Health Plan', 'Buckeye Medicaid']);
    assert.deepEqual(payerChoices(['Acme Health Plan', 'Acme Health Plan'], 'Acme Health Plan'), ['Acme Health Plan']);
    assert.deepEqual(payerChoices(['Acme Health Plan'], 'Old Plan'), ['Acme Health Plan', 'Old Plan']);
  });
});

describe('groupLabel', () => {
  it('names groups as a person reads them', () => {
    const programs = [{ code: 'diabetes_behavioral_health', name: 'Diabetes with behavioral health' }];
    assert.equal(groupLabel('program', 'diabetes_behavioral_health', undefined, programs), 'Diabetes with behavioral health');
    assert.equal(groupLabel('program', 'new_program', undefined, programs), 'New program');
    assert.equal(groupLabel('age_band', '18-44'), '18–44 years');
    assert.equal(groupLabel('age_band', '75+'), '75 and over');
    assert.equal(groupLabel('race', 'black_or_african_american'), 'Black or African American');
    assert.equal(groupLabel('race', 'multiple'), 'More than one race');
    assert.equal(groupLabel('ethnicity', 'not_hispanic_or_latino'), 'Not Hispanic or Latino');
    assert.equal(groupLabel('language', 'ne'), 'Nepali (ne)');
    assert.equal(groupLabel('language', 'qqq'), 'qqq');
    assert.equal(groupLabel('payer', 'none'), 'No coverage');
    assert.equal(groupLabel('payer', 'Acme Health Plan'), 'Acme Health Plan');
    assert.equal(groupLabel('case_manager', 'cm.rivera', new Map([['cm.rivera', 'Maria Rivera, RN']])), 'Maria Rivera, RN');
    assert.equal(groupLabel('case_manager', 'cm.chen'), 'cm.chen');
    assert.equal(groupLabel('case_manager', 'unassigned'), 'No case manager');
    assert.equal(groupLabel('postal_code', 'unknown'), 'Not recorded');
    assert.equal(groupLabel('sex', 'all'), 'Overall');
  });

  it('puts every group’s figures in one sentence for the chart’s accessible name', () => {
    const m: OutcomeMeasure = {
      key: 'referral_to_first_contact',
      name: 'Referral to first contact',
      unit: 'median_hours',
      definition: '',
      overall: fig({ numerator: 78, denominator: 132, rate: 0.5909, ci_low: 0.5056, ci_high: 0.671 }),
      groups: [
        fig({ group: 'copd_transitions', numerator: 24, denominator: 24, rate: 1, ci_low: 0.862, ci_high: 1, significant: true, p_value: 1e-5 }),
        fig({ group: 'complex_care', numerator: 18, denominator: 36, rate: 0.5, ci_low: 0.3447, ci_high: 0.6553, p_value: 0.19 }),
      ],
    };
    assert.equal(
      stratifiedSummary(m, 'program', undefined, [
        { code: 'copd_transitions', name: 'COPD transitions' },
        { code: 'complex_care', name: 'Complex care' },
      ]),
      'Referral to first contact by program: Overall 59.1 %. COPD transitions 100.0 % (95 % interval 86.2 to 100.0 %; 24 of 24, significantly different); Complex care 50.0 % (95 % interval 34.5 to 65.5 %; 18 of 36).',
    );
  });
});

describe('interval chart geometry', () => {
  it('picks round axis ends', () => {
    assert.equal(niceStep(0.08), 0.1);
    assert.equal(niceStep(0.12), 0.2);
    assert.equal(niceStep(0.22), 0.25);
    assert.equal(niceStep(3), 5);
    assert.equal(niceStep(0), 1);
    assert.deepEqual(niceAxis(0.32, true), { max: 0.4, step: 0.1 });
    assert.deepEqual(niceAxis(0.9, true), { max: 1, step: 0.25 });
    assert.deepEqual(niceAxis(1, true), { max: 1, step: 0.25 });
    assert.deepEqual(niceAxis(145.5, false), { max: 150, step: 50 });
    assert.deepEqual(niceAxis(0, true), { max: 1, step: 0.25 });
  });

  it('draws bars from zero to the rate, whiskers over the interval and the overall line', () => {
    const g = intervalChart({
      rows: [
        { label: 'A', rate: 0.2, low: 0.1, high: 0.3 },
        { label: 'B', rate: 0.35, low: 0.25, high: 0.4 },
        { label: 'C', rate: null, low: null, high: null },
      ],
      overall: 0.25,
      proportion: true,
      width: 600,
      labelWidth: 100,
      valueWidth: 100,
      rowHeight: 30,
      top: 20,
      bottom: 20,
    });
    // Axis 0–0.4 over 400 px: 1,000 px per unit.
    assert.equal(g.max, 0.4);
    assert.equal(g.plotLeft, 100);
    assert.equal(g.plotRight, 500);
    assert.equal(g.rows[0]?.barWidth, 200);
    assert.deepEqual(g.rows[0]?.whisker, { x1: 200, x2: 400 });
    assert.equal(g.rows[0]?.y, 35);
    assert.equal(g.rows[0]?.barY, 26);
    assert.equal(g.rows[0]?.barHeight, 18);
    assert.equal(g.rows[0]?.textX, 406);
    assert.equal(g.rows[1]?.barWidth, 350);
    assert.equal(g.rows[1]?.textX, 506);
    assert.equal(g.rows[2]?.barWidth, null);
    assert.equal(g.rows[2]?.whisker, null);
    assert.equal(g.rows[2]?.textX, 106);
    assert.equal(g.overallX, 350);
    assert.equal(g.axisY, 110);
    assert.equal(g.height, 130);
    assert.deepEqual(
      g.ticks.map((t) => [t.value, t.x]),
      [
        [0, 100],
        [0.1, 200],
        [0.2, 300],
        [0.3, 400],
        [0.4, 500],
      ],
    );
  });

  it('keeps rates per 1,000 on their own scale and clamps to the plot', () => {
    const g = intervalChart({ rows: [{ label: 'A', rate: 0, low: 0, high: 145.5 }], overall: null, proportion: false, width: 400, labelWidth: 100, valueWidth: 100, rowHeight: 20 });
    assert.equal(g.max, 150);
    assert.equal(g.rows[0]?.barWidth, 0);
    assert.equal(g.rows[0]?.whisker?.x2, 294);
    assert.equal(g.overallX, null);
  });
});
