// End-to-end: the outcomes report (issue #10 on docs/outcomes.md) in
// headless Chromium against the real server with a fresh demo database. A
// supervisor reads every measure over the last year with its 95 % interval,
// stratifies one by program (groups, gaps and the significant flags as the
// server computed them, the interval chart with its text alternative),
// downloads the figures as CSV and XLSX from the server, and reads a wrong
// period's error on its field; an auditor reads the whole organisation's.
// Screenshots and timings-outcomes.json go to e2e/artifacts/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, assertAccessible, assertNoPatientDataKept, screenshot, suite } from './harness.mjs';

const { server, newPage, signIn, timed } = suite('timings-outcomes.json', { allowConsole: /401|Unauthorized|400|Bad Request|403|Forbidden/ });

const api = async (page, p) => {
  const r = await page.request.get(`${server.url}/api/v1${p}`);
  assert.ok(r.ok(), `GET ${p}: ${r.status()} ${await r.text()}`);
  return r.json();
};

const pct = (v) => `${(Math.round(v * 1000) / 10).toFixed(1)} %`;

// Timed from the navigation to the outcomes screen itself (its link on the
// Reports screen) to its table: the Reports screen's own time is recorded apart.
async function openOutcomes(page, name) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
  const link = page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: 'Outcomes and equity' });
  await link.waitFor();
  await page.waitForFunction(() => !document.querySelector('.loading'));
  await timed(name, page, () => link.click(), page.getByTestId('outcomes-report'));
}

describe('outcomes report', { concurrency: false }, () => {
  let ctx;
  let page;
  let problems;
  let from;
  let to;
  let programs;
  before(async () => {
    ({ context: ctx, page, problems } = await newPage());
    await signIn(page, 'sup.okafor');
  });
  after(async () => {
    await ctx?.close();
  });

  it('shows every measure over the last year with numerator, denominator, rate and 95 % interval', async () => {
    await openOutcomes(page, 'reports_outcomes');
    assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, '/reports?view=outcomes');
    from = await page.getByLabel('From').inputValue();
    to = await page.getByLabel('To (inclusive)').inputValue();
    // The organisation's last 365 days; its programs and the payers on record to choose from.
    const org = await api(page, '/organisation');
    assert.equal(to, org.today);
    assert.equal(from, new Date(Date.parse(`${org.today}T00:00:00Z`) - 365 * 86400000).toISOString().slice(0, 10));
    const options = (label) => page.getByLabel(label, { exact: true }).locator('option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
    assert.deepEqual(await options('Program'), [['', 'Every program'], ...org.programs.map((p) => [p.code, p.name])]);
    assert.deepEqual(await options('Payer'), [['', 'Every payer'], ...org.payers.map((p) => [p, p])]);
    programs = org.programs;
    const r = await api(page, `/reports/outcomes?from=${from}&to=${to}`);
    const rows = page.locator('#out-measures tbody tr');
    assert.equal(await rows.count(), r.measures.length);
    assert.equal(r.measures.length, 14);
    for (const m of r.measures) {
      const cells = await page.locator(`#out-measures tr[data-measure="${m.key}"] td`).allTextContents();
      assert.equal(cells[0], String(m.overall.numerator), m.key);
      assert.equal(cells[1], String(m.overall.denominator), m.key);
      if (m.overall.rate === null) {
        assert.equal(cells[2], '—', `${m.key}: no rate without a denominator`);
        assert.match(cells[4], /nothing to count/);
      } else if (m.unit === 'per_1000_patient_months') {
        assert.match(cells[2], /^\d+\.\d per 1,000 patient-months$/);
      } else {
        assert.equal(cells[2], pct(m.overall.rate), m.key);
        assert.equal(cells[3], `${pct(m.overall.ci_low).replace(' %', '')}–${pct(m.overall.ci_high)}`, m.key);
      }
    }
    assert.match(await page.getByTestId('outcomes-question').textContent(), new RegExp(`^Case-managed patients, ${from} to ${to}\\. Aggregates only`));
    await page.getByText('How each measure is counted').click();
    await page.locator('details.definitions dd').first().waitFor();
    await assertAccessible(page, 'outcomes report');
    await assertNoPatientDataKept(page);
    await screenshot(page, '70-outcomes');
  });

  it('names a wrong period on its field', async () => {
    await page.getByLabel('To (inclusive)').fill('2020-01-01');
    await page.getByRole('button', { name: 'Show outcomes' }).click();
    await page.getByRole('alert').filter({ hasText: 'To (inclusive): must not be before from.' }).waitFor();
    assert.equal(await page.getByLabel('To (inclusive)').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#out-to-error').textContent(), /must not be before from/);
    await assertAccessible(page, 'outcomes error');
    await page.getByLabel('To (inclusive)').fill(to);
  });

  it('stratifies a measure by program: gaps, significant groups and the interval chart', async () => {
    await page.getByLabel('Stratify by').selectOption('program');
    await page.getByRole('button', { name: 'Clear all' }).click();
    await page.getByRole('checkbox', { name: 'Referral to first contact' }).check();
    await page.getByRole('checkbox', { name: 'Post-discharge follow-up within 7 days' }).check();
    await timed('reports_outcomes_stratified', page, () => page.getByRole('button', { name: 'Show outcomes' }).click(), page.locator('section.outcome-measure[data-measure="referral_to_first_contact"]'));
    const r = await api(page, `/reports/outcomes?from=${from}&to=${to}&by=program&measures=follow_up_7_days,referral_to_first_contact`);
    assert.equal(await page.locator('#out-measures tbody tr').count(), 2);
    const m = r.measures.find((x) => x.key === 'referral_to_first_contact');
    const section = page.locator('section.outcome-measure[data-measure="referral_to_first_contact"]');
    await section.getByRole('heading', { name: 'Referral to first contact by program' }).waitFor();
    const rows = section.locator('tbody tr');
    assert.equal(await rows.count(), m.groups.length);
    assert.ok(m.groups.some((g) => g.significant), 'the demo has a program that differs significantly');
    for (const g of m.groups) {
      const row = section.locator(`tbody tr[data-group="${g.group}"]`);
      const cells = await row.locator('td').allTextContents();
      assert.equal(cells[0], String(g.numerator));
      assert.equal(cells[1], String(g.denominator));
      assert.equal(cells[2], g.rate === null ? '—' : pct(g.rate));
      const gap = Math.round(Math.abs(g.gap) * 1000) / 10;
      assert.equal(cells[4], gap === 0 ? '±0.0 points' : `${g.gap > 0 ? '+' : '−'}${gap.toFixed(1)} points`, g.group);
      assert.equal(/^Significant/.test(cells[5]), g.significant, `${g.group}: ${cells[5]}`);
    }
    assert.match(await section.locator('tfoot').textContent(), new RegExp(`Overall${m.overall.numerator}${m.overall.denominator}${pct(m.overall.rate).replace('.', '\\.')}`));
    // The chart: a bar and a whisker per group with a rate, the overall line, every figure in its name.
    const svg = section.locator('svg[role="img"]');
    assert.equal(await svg.locator('rect.bar').count(), m.groups.filter((g) => g.rate !== null).length);
    assert.equal(await svg.locator('g.whisker').count(), m.groups.filter((g) => g.ci_low !== null).length);
    assert.equal(await svg.locator('line.reference').count(), 1);
    assert.equal(await svg.locator('g.row.significant').count(), m.groups.filter((g) => g.significant).length);
    assert.match(await svg.locator('text.reference-label').textContent(), new RegExp(`^Overall ${pct(m.overall.rate).replace('.', '\\.')}$`));
    const name = await svg.getAttribute('aria-label');
    assert.match(name, /^Referral to first contact by program: Overall \d+\.\d %\./);
    // Programs by the organisation's names.
    const diabetes = programs.find((p) => p.code === 'diabetes_behavioral_health').name;
    assert.ok(name.includes(`${diabetes} `), `${diabetes} in ${name}`);
    assert.match(name.slice(name.indexOf(diabetes)), /^[^;]* \d+\.\d % \(95 % interval/);
    assert.match(name, /significantly different/);
    assert.match(await section.locator('figcaption').textContent(), /whiskers its 95 % interval/);
    assert.match(await page.getByTestId('outcomes-question').textContent(), /stratified by program/);
    await assertAccessible(page, 'outcomes stratified');
    await screenshot(page, '71-outcomes-by-program');
  });

  it('downloads the figures as CSV and XLSX from the server', async () => {
    const save = async (button, name) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button, exact: true }).click()]);
      const file = path.join(ARTIFACTS, name);
      await download.saveAs(file);
      return { name: download.suggestedFilename(), bytes: fs.readFileSync(file) };
    };
    const csv = await save('Download CSV: outcomes report', 'outcomes-figures.csv');
    assert.equal(csv.name, 'outcomes-figures.csv');
    const lines = csv.bytes.toString('utf8').split('\r\n');
    assert.match(lines[0], /^Group,Measure,Significant,Unit,/);
    assert.ok(lines.some((l) => l.startsWith('diabetes_behavioral_health,Referral to first contact,yes,')), lines.slice(0, 4).join('\n'));
    await page.getByRole('status').filter({ hasText: 'outcomes-figures.csv downloaded.' }).waitFor();
    const xlsx = await save('Download XLSX: outcomes report', 'outcomes.xlsx');
    assert.equal(xlsx.name, 'outcomes.xlsx');
    assert.equal(xlsx.bytes.subarray(0, 2).toString('latin1'), 'PK', 'an XLSX workbook is a zip');
  });

  it('lays out at 768 pixels without sideways scrolling', async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.waitForFunction(() => !document.querySelector('.loading'));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `outcomes at 768px scrolls sideways by ${overflow}px`);
    await assertAccessible(page, 'outcomes at 768px');
    await screenshot(page, '72-outcomes-768');
    await page.setViewportSize({ width: 1366, height: 900 });
    assert.deepEqual(problems, []);
  });
});

describe('outcomes for an auditor', () => {
  it('reads the whole organisation’s figures, stratified by age band', async () => {
    const { context, page, problems } = await newPage();
    try {
      await signIn(page, 'auditor.patel');
      await openOutcomes(page, 'reports_outcomes_auditor');
      await page.getByLabel('Population', { exact: true }).selectOption('all');
      await page.getByLabel('Stratify by').selectOption('age_band');
      await page.getByRole('button', { name: 'Show outcomes' }).click();
      await page.getByTestId('outcomes-question').filter({ hasText: /^All patients of the organisation, .*stratified by age band/ }).waitFor();
      const section = page.locator('section.outcome-measure[data-measure="readmission_30d"]');
      await section.locator('tbody tr[data-group="75+"] th').filter({ hasText: '75 and over' }).waitFor();
      await assertAccessible(page, 'outcomes for an auditor');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
