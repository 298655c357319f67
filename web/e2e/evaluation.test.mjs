// End-to-end: program evaluation and the measure packs (issue #10 on
// src/outcomes) in headless Chromium against the real server with a fresh
// demo database. An auditor evaluates a program over the last year (each
// cohort's before and after with intervals and ratios as the API gives them,
// the relative change, the caveat in plain words, the before/after chart
// with its text alternative) and downloads it as CSV; a missing program is
// named on its field. A supervisor reads a measure pack (numerator,
// denominator, pending, rate and interval, the notes) and downloads it as CSV
// and XLSX. Screenshots and timings-evaluation.json go to e2e/artifacts/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, assertAccessible, assertNoPatientDataKept, screenshot, suite } from './harness.mjs';

const { server, newPage, signIn, timed } = suite('timings-evaluation.json', { allowConsole: /401|Unauthorized|400|Bad Request|403|Forbidden/ });

const api = async (page, p) => {
  const r = await page.request.get(`${server.url}/api/v1${p}`);
  assert.ok(r.ok(), `GET ${p}: ${r.status()} ${await r.text()}`);
  return r.json();
};

const fixed1 = (v) => (Math.round(v * 10) / 10).toFixed(1);
const pct = (v) => `${fixed1(v * 100)} %`;
const ratio = (v) => (v === null ? '—' : (Math.round(v * 100) / 100).toFixed(2));
const rate = (v, unit) => (v === null ? '—' : unit === 'rate' ? pct(v) : fixed1(v));

async function save(page, button, name) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button, exact: true }).click()]);
  const file = path.join(ARTIFACTS, name);
  await download.saveAs(file);
  return { name: download.suggestedFilename(), bytes: fs.readFileSync(file) };
}

async function openReport(page, link, name, ready) {
  await timed(
    name,
    page,
    async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
      await page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: link }).click();
    },
    ready,
  );
}

describe('program evaluation', { concurrency: false }, () => {
  let ctx;
  let page;
  let problems;
  before(async () => {
    ({ context: ctx, page, problems } = await newPage());
    await signIn(page, 'auditor.patel');
  });
  after(async () => {
    await ctx?.close();
  });

  it('names a missing program on its field', async () => {
    await openReport(page, 'Program evaluation', 'reports_evaluation_form', page.getByRole('heading', { name: 'The question' }));
    assert.equal(new URL(page.url()).search, '?view=evaluation');
    await page.getByRole('button', { name: 'Show evaluation' }).click();
    await page.getByRole('alert').filter({ hasText: 'Program: is required.' }).waitFor();
    assert.equal(await page.getByLabel('Program').getAttribute('aria-invalid'), 'true');
    // The organisation's programs by name, and its last 365 days.
    const org = await api(page, '/organisation');
    const options = await page.getByLabel('Program').locator('option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
    assert.deepEqual(options, [['', 'Choose…'], ...org.programs.map((p) => [p.code, p.name])]);
    assert.equal(await page.getByLabel('Enrolled to (inclusive)').inputValue(), org.today);
    await assertAccessible(page, 'program evaluation error');
  });

  it('shows both cohorts before and after with intervals, ratios and the relative change', async () => {
    await page.getByLabel('Program').selectOption('heart_failure_transitions');
    await page.getByRole('radio', { name: /^Patients not enrolled who used the hospital/ }).check();
    await timed('reports_evaluation', page, () => page.getByRole('button', { name: 'Show evaluation' }).click(), page.getByTestId('evaluation-report'));
    const from = await page.getByLabel('Enrolled from').inputValue();
    const to = await page.getByLabel('Enrolled to (inclusive)').inputValue();
    const r = await api(page, `/reports/program-evaluation?program=heart_failure_transitions&from=${from}&to=${to}&months=6&comparison=utilizers`);
    const [enrolled, comparison] = r.cohorts;
    assert.ok(enrolled.patients > 0 && comparison.patients > 0, 'the demo has both cohorts');
    assert.match(await page.getByTestId('evaluation-question').textContent(), new RegExp(`^${enrolled.patients} patients enrolled from ${from} to ${to}, each followed 6 months before and 6 months after`));
    assert.match(await page.getByTestId('evaluation-question').textContent(), new RegExp(`Compared with ${comparison.patients} patients not enrolled who used the hospital`));
    assert.match(await page.getByTestId('evaluation-caveat').textContent(), /A ratio whose 95 % interval spans 1 is not evidence of a change/);
    for (const m of enrolled.measures) {
      const section = page.locator(`section.evaluation-measure[data-measure="${m.key}"]`);
      await section.getByRole('heading', { name: m.name }).waitFor();
      for (const c of r.cohorts) {
        const f = c.measures.find((x) => x.key === m.key);
        const cells = await section.locator(`tbody tr[data-group="${c.group}"] td`).allTextContents();
        assert.equal(cells[0], String(c.patients));
        assert.equal(cells[1], rate(f.before.rate, m.unit), `${c.group} ${m.key} before`);
        assert.equal(cells[3], rate(f.after.rate, m.unit), `${c.group} ${m.key} after`);
        assert.equal(cells[5], ratio(f.change.ratio), `${c.group} ${m.key} ratio`);
        if (f.change.ci_low !== null) assert.equal(cells[6], `${ratio(f.change.ci_low)}–${ratio(f.change.ci_high)}`);
      }
      const rel = r.relative.find((x) => x.key === m.key);
      const foot = await section.locator('tfoot tr td').allTextContents();
      assert.equal(foot[0], ratio(rel?.ratio ?? null));
      const words = await section.locator('li[data-group="relative"]').textContent();
      if (rel && rel.ratio !== null) {
        const spans = rel.ci_low <= 1 && rel.ci_high >= 1;
        assert.equal(/it spans 1, so this is not evidence of a change/.test(words), spans, words);
      } else {
        assert.match(words, /no ratio/);
      }
      // The chart: a bar and a whisker per period with a rate, every figure in its name.
      const svg = section.locator('svg[role="img"]');
      const withRate = r.cohorts.flatMap((c) => {
        const f = c.measures.find((x) => x.key === m.key);
        return [f.before, f.after].filter((p) => p.rate !== null);
      });
      assert.equal(await svg.locator('rect.bar').count(), withRate.length);
      assert.equal(await svg.locator('g.whisker').count(), withRate.filter((p) => p.ci_low !== null).length);
      assert.match(await svg.getAttribute('aria-label'), new RegExp(`^${m.name.replace(/[()]/g, '.')}.*before and after: Enrolled: before `));
    }
    // The demo's heart failure enrolment: admissions rose for both cohorts; relative to the comparison the interval spans 1.
    const adm = page.locator('section.evaluation-measure[data-measure="acute_admissions"] li[data-group="relative"]');
    assert.match(await adm.textContent(), /95 % interval/);
    await assertAccessible(page, 'program evaluation');
    await assertNoPatientDataKept(page);
    await screenshot(page, '90-program-evaluation');

    const csv = await save(page, 'Download CSV: program evaluation', 'program-evaluation.csv');
    assert.equal(csv.name, 'program-evaluation-heart_failure_transitions.csv');
    const lines = csv.bytes.toString('utf8').split('\r\n');
    assert.match(lines[0], /^Group,Measure,Unit,/);
    assert.ok(lines.some((l) => l.startsWith('enrolled,Acute inpatient admissions per 1,000 patient-months') || l.startsWith('enrolled,"Acute inpatient admissions')), lines.slice(0, 3).join('\n'));
    await page.getByRole('status').filter({ hasText: 'program-evaluation-heart_failure_transitions.csv downloaded.' }).waitFor();

    await page.setViewportSize({ width: 768, height: 1024 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `program evaluation at 768px scrolls sideways by ${overflow}px`);
    await assertAccessible(page, 'program evaluation at 768px');
    await screenshot(page, '91-program-evaluation-768');
    await page.setViewportSize({ width: 1366, height: 900 });
    assert.deepEqual(problems, []);
  });
});

describe('measure packs', () => {
  it('reads HEDIS TRC with pending counts and notes, and downloads it as CSV and XLSX', async () => {
    const { context, page, problems } = await newPage();
    try {
      await signIn(page, 'sup.okafor');
      await openReport(page, 'Measure packs', 'reports_packs', page.getByTestId('pack-report'));
      const from = await page.getByLabel('From').inputValue();
      const to = await page.getByLabel('To (inclusive)').inputValue();
      const packs = (await api(page, '/reports/measure-packs')).items;
      assert.deepEqual(await page.getByLabel('Measure pack', { exact: true }).locator('option').allTextContents(), packs.map((p) => p.title));
      await page.getByLabel('Measure pack', { exact: true }).selectOption('hedis_trc');
      await timed('reports_pack_trc', page, () => page.getByRole('button', { name: 'Show measures' }).click(), page.locator('[data-testid="pack-report"][data-pack="hedis_trc"]'));
      const r = await api(page, `/reports/measure-packs/hedis_trc?from=${from}&to=${to}`);
      assert.equal(await page.getByRole('heading', { name: r.title, level: 2 }).count(), 1);
      assert.equal(await page.locator('#pack-table tbody tr').count(), r.measures.length);
      assert.ok(r.measures.some((m) => m.pending > 0), 'the demo has TRC windows still open');
      for (const m of r.measures) {
        const cells = await page.locator(`#pack-table tr[data-measure="${m.key}"] td`).allTextContents();
        assert.deepEqual(cells.slice(0, 3), [String(m.numerator), String(m.denominator), String(m.pending)], m.key);
        assert.equal(cells[3], m.denominator === 0 ? '— nothing to count' : pct(m.rate), m.key);
        if (m.ci_low !== null) assert.equal(cells[4], `${fixed1(m.ci_low * 100)}–${pct(m.ci_high)}`, m.key);
      }
      assert.deepEqual(await page.getByTestId('pack-notes').locator('li').allTextContents(), r.notes);
      await page.getByText('How each measure is counted').click();
      await assertAccessible(page, 'measure pack');
      await assertNoPatientDataKept(page);
      await screenshot(page, '92-measure-pack-trc');

      const csv = await save(page, 'Download CSV: HEDIS Transitions of Care (TRC)', 'measure-pack-hedis_trc.csv');
      assert.equal(csv.name, 'measure-pack-hedis_trc.csv');
      const lines = csv.bytes.toString('utf8').split('\r\n');
      assert.match(lines[0], /^Definition,Key,Name,.*Pending/);
      assert.equal(lines.filter((l) => l.trim()).length - 1, r.measures.length);
      const xlsx = await save(page, 'Download XLSX: HEDIS Transitions of Care (TRC)', 'measure-pack-hedis_trc.xlsx');
      assert.equal(xlsx.bytes.subarray(0, 2).toString('latin1'), 'PK', 'an XLSX workbook is a zip');

      await page.setViewportSize({ width: 768, height: 1024 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `measure pack at 768px scrolls sideways by ${overflow}px`);
      await assertAccessible(page, 'measure pack at 768px');
      await screenshot(page, '93-measure-pack-768');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
