import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { beforeAfterChart } from '../src/lib/chart.js';
import {
  beforeAfterSummary,
  changeWords,
  cohortLabel,
  evaluationParams,
  excludesOne,
  formatRatio,
  formatRatioInterval,
  percentChange,
  periodText,
} from '../src/lib/evaluation.js';

describe('program evaluation in words', () => {
  it('sends the question trimmed', () => {
    assert.deepEqual(evaluationParams({ program: 'complex_care', from: ' 2025-11-28', to: '2026-11-27 ', months: ' 6 ', comparison: 'utilizers' }), {
      program: 'complex_care',
      from: '2025-11-28',
      to: '2026-11-27',
      months: '6',
      comparison: 'utilizers',
    });
    assert.equal(evaluationParams({ program: '', from: 'a', to: 'b', months: '', comparison: '' }).months, undefined);
  });
  it('shows ratios and their intervals with two decimals', () => {
    assert.equal(formatRatio(1.6852282112918018), '1.69');
    assert.equal(formatRatio(null), '—');
    assert.equal(formatRatioInterval({ ci_low: 1.2081516657870526, ci_high: 2.3506933811026505 }), '1.21–2.35');
    assert.equal(formatRatioInterval({ ci_low: null, ci_high: null }), '—');
  });
  it('says the change as a percentage', () => {
    assert.equal(percentChange(0.6), '40 % fewer');
    assert.equal(percentChange(1.69), '69 % more');
    assert.equal(percentChange(1.001), 'no change');
  });
  it('says an interval that spans 1 is not evidence, and one that does not where it lies', () => {
    const up = { ratio: 1.6852, ci_low: 1.2082, ci_high: 2.3507, significant: true };
    assert.equal(changeWords(up), '1.69 — 69 % more after enrolment than before (95 % interval 1.21 to 2.35: the whole interval is above 1).');
    const down = { ratio: 0.1061, ci_low: 0.0261, ci_high: 0.4311, significant: true };
    assert.match(changeWords(down), /^0\.11 — 89 % fewer after enrolment than before \(.*the whole interval is below 1\)\.$/);
    const spans = { ratio: 1.0972, ci_low: 0.6723, ci_high: 1.7906, significant: false };
    assert.equal(changeWords(spans, 'than the comparison’s change'), '1.10 — 10 % more than the comparison’s change (95 % interval 0.67 to 1.79: it spans 1, so this is not evidence of a change).');
    assert.equal(changeWords({ ratio: null, ci_low: null, ci_high: null, significant: false }), 'no ratio — one of the periods has nothing to count.');
    assert.equal(excludesOne(spans), false);
    assert.equal(excludesOne(up), true);
  });
  it('says each period with its count', () => {
    assert.equal(periodText({ events: 125, patient_months: 372, rate: 336.0215, ci_low: 279.7, ci_high: 400.4 }, 'per_1000_patient_months'), '336.0 (125 in 372 patient-months)');
    assert.equal(periodText({ events: 16, denominator: 113, rate: 0.14159, ci_low: 0.089, ci_high: 0.218 }, 'rate'), '14.2 % (16 of 113)');
    assert.equal(periodText({ events: 0, denominator: 0, rate: null, ci_low: null, ci_high: null }, 'rate'), '— (nothing to count)');
  });
  it('names the cohorts and puts every figure in the chart’s name', () => {
    assert.equal(cohortLabel('enrolled'), 'Enrolled');
    assert.equal(cohortLabel('comparison'), 'Comparison (not enrolled)');
    const s = beforeAfterSummary({ name: 'ED visits per 1,000 patient-months', unit: 'per_1000_patient_months' }, [
      { group: 'enrolled', before: { events: 54, rate: 145.16, ci_low: 109.04, ci_high: 189.41 }, after: { events: 6, rate: 70.78, ci_low: 25.85, ci_high: 154.07 } },
      { group: 'comparison', before: { events: 1, rate: 1, ci_low: 0, ci_high: 5 }, after: { events: 0, rate: null, ci_low: null, ci_high: null } },
    ]);
    assert.equal(
      s,
      'ED visits per 1,000 patient-months, before and after: Enrolled: before 145.2 (95 % interval 109.0 to 189.4), after 70.8 (95 % interval 25.9 to 154.1); Comparison (not enrolled): before 1.0 (95 % interval 0.0 to 5.0), after —.',
    );
  });
});

describe('beforeAfterChart', () => {
  const input = {
    groups: [
      { label: 'Enrolled', before: { rate: 336, low: 280, high: 400 }, after: { rate: 566, low: 417, high: 751 } },
      { label: 'Comparison', before: { rate: 233, low: 192, high: 279 }, after: { rate: null, low: null, high: null } },
    ],
    proportion: false,
    width: 720,
    labelWidth: 120,
    valueWidth: 150,
    rowHeight: 24,
  };
  it('puts a before and an after row under each cohort, on one round axis from zero', () => {
    const g = beforeAfterChart(input);
    assert.equal(g.plotLeft, 120);
    assert.equal(g.plotRight, 570);
    assert.equal(g.max, 800);
    assert.deepEqual(
      g.ticks.map((t) => t.value),
      [0, 200, 400, 600, 800],
    );
    assert.equal(g.groups.length, 2);
    assert.deepEqual(
      g.groups.map((x) => x.rows.map((r) => r.period)),
      [
        ['before', 'after'],
        ['before', 'after'],
      ],
    );
    const [eb, ea] = g.groups[0]!.rows;
    assert.equal(eb!.barWidth, 189);
    assert.equal(ea!.whisker!.x2, 542.44);
    assert.ok(ea!.textX > ea!.whisker!.x2, 'the value text starts after the whisker');
    // Rows go down the chart, the cohort's name above its pair, the axis below the last.
    const ys = g.groups.flatMap((x) => [x.labelY, ...x.rows.map((r) => r.y)]);
    assert.deepEqual([...ys].sort((a, b) => a - b), ys);
    assert.ok(g.axisY > (g.groups[1]!.rows[1]!.y as number));
    assert.equal(g.height, g.axisY + 24);
  });
  it('draws nothing for a period without a rate, and caps proportions at 100 %', () => {
    const g = beforeAfterChart(input);
    const ca = g.groups[1]!.rows[1]!;
    assert.equal(ca.barWidth, null);
    assert.equal(ca.whisker, null);
    const p = beforeAfterChart({
      ...input,
      proportion: true,
      groups: [{ label: 'Enrolled', before: { rate: 0.14, low: 0.09, high: 0.22 }, after: { rate: 0.9, low: 0.7, high: 1.3 } }],
    });
    assert.equal(p.max, 1);
    assert.equal(p.groups[0]!.rows[1]!.whisker!.x2, p.plotRight);
  });
});
