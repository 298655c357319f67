// End-to-end: insurance, education and reports (issue #10) in headless
// Chromium against the real server with a fresh demo database. A case
// manager records an eligibility check, requests an authorization (the
// server's error named at the service's code), records the payer's denial,
// opens a peer-to-peer review and then a first-level appeal with evidence,
// files it, downloads the appeal packet, records the overturn and sees the
// request approved on appeal; an insurance worklist item opens the Insurance
// tab at its authorization; education is assigned, delivered and taught back.
// A supervisor reads the insurance report and downloads its CSV (from the server).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, assertAccessible, assertNoPatientDataKept, screenshot, suite } from './harness.mjs';

const { server, newPage, signIn, timed } = suite('timings-insurance.json');

const api = async (page, method, p, data) => {
  const r = await page.request.fetch(`${server.url}/api/v1${p}`, { method, data });
  assert.ok(r.ok(), `${method} ${p}: ${r.status()} ${await r.text()}`);
  return r.json();
};

/** A time on a zone's clock as a datetime-local value: "2026-11-27T22:30". */
function inZone(at, timeZone) {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const p = Object.fromEntries(f.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

const APPEALABLE = ['medicaid_managed_care', 'commercial', 'medicare_advantage'];

describe('case manager: insurance and education', { concurrency: false }, () => {
  let ctx;
  let page;
  let problems;
  let pid;
  let coverage;
  let authId;

  before(async () => {
    ({ context: ctx, page, problems } = await newPage());
    await signIn(page, 'cm.rivera');
    // A patient of the caseload with an appealable coverage; one is added
    // through the API (as this case manager) when the demo has none.
    const wl = await api(page, 'GET', '/worklist?limit=100');
    pid = wl.items.find((i) => i.kind === 'crisis_alert')?.patient_id ?? wl.items[0].patient_id;
    const el = await api(page, 'GET', `/patients/${pid}/coverages/eligibility`);
    coverage = el.items.find((c) => c.status === 'active' && APPEALABLE.includes(c.product_type));
    if (!coverage) {
      coverage = await api(page, 'POST', `/patients/${pid}/coverages`, {
        payer: 'Synthetic Health Plan', plan: 'Community Choice', product_type: 'commercial', member_id: 'SYN00042',
        effective_from: '2026-01-01', priority: 'primary', status: 'active',
      });
    }
  });
  after(async () => {
    await ctx?.close();
  });

  it('shows coverage with its eligibility and records a check', async () => {
    await page.goto(`${server.url}/patients/${pid}`);
    await page.getByRole('tab', { name: 'Timeline', selected: true }).waitFor();
    await timed('patient_insurance', page, () => page.getByRole('tab', { name: 'Insurance' }).click(), /,/);
    const card = page.locator(`li.coverage[data-coverage-id="${coverage.id}"]`);
    await card.waitFor();
    if (await card.getByText('Needs verification').count()) assert.match(await card.textContent(), /never checked|Last check/);
    await card.getByRole('button', { name: /^Record eligibility check/ }).click();
    const d = page.getByRole('dialog', { name: 'Record an eligibility check' });
    await d.getByLabel('Result').selectOption('eligible');
    await d.getByLabel('Checked by').selectOption('phone');
    await d.getByLabel('Reference').fill('ELIG-7731');
    await d.getByRole('button', { name: 'Save check' }).click();
    await page.getByRole('status').filter({ hasText: 'Eligibility check recorded.' }).waitFor();
    await card.getByText(/Last check: Eligible on \d{4}-\d{2}-\d{2} \(Phone/).waitFor();
    assert.equal(await card.getByText('Needs verification').count(), 0);
    await card.getByText('Verified').waitFor();
  });

  it('requests an authorization: the server names the bad service code, then it is submitted with its decision clock', async () => {
    await page.getByRole('button', { name: 'New authorization request' }).click();
    const d = page.getByRole('dialog', { name: 'New authorization request' });
    await d.getByLabel('Coverage').selectOption(String(coverage.id));
    await d.getByLabel('Requesting provider').fill('Dr. Alana Synthetic, Cardiology');
    await d.getByLabel('Diagnoses (ICD-10-CM)').fill('I50.9, I10');
    const svc = d.getByRole('group', { name: 'Service 1' });
    await svc.getByLabel('CPT or HCPCS code').fill('9928');
    await svc.getByLabel('Units').fill('12');
    await svc.getByLabel('To').fill('2027-02-28');
    await svc.getByLabel('Description').fill('Cardiac rehabilitation sessions');
    await d.getByLabel('Clinical summary').fill('NYHA class III after admission for decompensated heart failure; rehab reduces readmission.');
    await d.getByRole('button', { name: 'Submit to the payer' }).click();
    await d.getByRole('alert').filter({ hasText: "Service 1 code: '9928' is not a CPT" }).waitFor();
    const code = svc.getByLabel('CPT or HCPCS code');
    assert.equal(await code.getAttribute('aria-invalid'), 'true');
    assert.match(await svc.locator('.field-error').textContent(), /^Service 1 code: /);
    await code.fill('93798');
    await screenshot(page, '20-authorization-request');
    await assertAccessible(page, 'new authorization dialog');
    await d.getByRole('button', { name: 'Submit to the payer' }).click();
    await page.getByRole('status').filter({ hasText: /^Authorization #\d+ submitted to / }).waitFor();
    authId = Number(new URL(page.url()).searchParams.get('auth'));
    assert.ok(authId > 0, 'the URL names the authorization by id');
    const detail = page.locator('article.auth-detail');
    await detail.getByRole('heading', { name: `Authorization #${authId} · ${coverage.payer}` }).waitFor();
    assert.match(await detail.locator('.deadline').first().textContent(), /Payer decision: .*due in \d+ d/);
    const row = page.locator(`table.auths tr[data-auth-id="${authId}"]`);
    assert.match(await row.textContent(), /Submitted/);
    assert.match(await row.textContent(), /12 \/ 0 \/ 0/);
    await assertNoPatientDataKept(page);
  });

  it('pauses and resumes the decision clock, and attaches a supporting document', async () => {
    const detail = page.locator('article.auth-detail');
    await detail.getByRole('button', { name: 'Pause the clock' }).click();
    const d = page.getByRole('dialog', { name: 'Pause the clock' });
    await d.getByRole('button', { name: 'Pause the clock' }).click();
    await d.getByRole('alert').filter({ hasText: 'Why the clock stops: say why the clock stops' }).waitFor();
    await d.getByLabel('Why the clock stops').fill('Waiting for the member to sign the consent form');
    await d.getByRole('button', { name: 'Pause the clock' }).click();
    await d.waitFor({ state: 'detached' });
    await page.locator(`table.auths tr[data-auth-id="${authId}"]`).getByText(/Decision clock: paused since/).waitFor();
    await detail.getByRole('button', { name: 'Resume the clock' }).click();
    await page.getByRole('dialog', { name: 'Resume the clock' }).getByRole('button', { name: 'Resume the clock' }).click();
    await page.locator(`table.auths tr[data-auth-id="${authId}"]`).getByText(/Decision due:.*due in/).waitFor();
    assert.match(await detail.locator('ol.history').textContent(), /Pause clock.*Waiting for the member.*Resume clock/s);

    // A letter in the patient's documents (uploaded through the API), attached to the request.
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1');
    const up = await page.request.post(`${server.url}/api/v1/patients/${pid}/documents?doc_type=letter&title=${encodeURIComponent('Cardiology letter of medical necessity')}`, {
      headers: { 'Content-Type': 'application/pdf' },
      data: pdf,
    });
    assert.equal(up.status(), 201, await up.text());
    await detail.getByRole('button', { name: 'Attach a document' }).click();
    const at = page.getByRole('dialog', { name: 'Attach a supporting document' });
    await at.getByLabel('Document').selectOption({ label: 'Cardiology letter of medical necessity (Letter)' });
    await at.getByRole('button', { name: 'Attach' }).click();
    await page.getByRole('status').filter({ hasText: 'Document attached to the request.' }).waitFor();
    await detail.getByText(/Cardiology letter of medical necessity · Letter, attached/).waitFor();
  });

  it('records the denial with the payer’s specific reason', async () => {
    const detail = page.locator('article.auth-detail');
    await detail.getByRole('button', { name: 'Record a denial' }).click();
    const d = page.getByRole('dialog', { name: 'Record a denial' });
    await d.getByLabel("The payer's reason").fill('Not needed');
    await d.getByRole('button', { name: 'Record a denial' }).click();
    await d.getByRole('alert').filter({ hasText: "The payer's reason: the payer's specific reason (at least 20 characters)" }).waitFor();
    await d.getByLabel("The payer's reason").fill('Cardiac rehabilitation not medically necessary: ejection fraction above the plan threshold.');
    await d.getByLabel('Denial code').fill('CO-50');
    await d.getByRole('button', { name: 'Record a denial' }).click();
    await page.getByRole('status').filter({ hasText: `Authorization #${authId}: Denied.` }).waitFor();
    await detail.locator('.badge', { hasText: 'Denied' }).waitFor();
    assert.match(await detail.textContent(), /ejection fraction above the plan threshold\. \(CO-50\)/);
    assert.match(await page.locator(`table.auths tr[data-auth-id="${authId}"]`).textContent(), /Appeal filing:.*due in \d+ d/);
    assert.equal(await detail.locator('ol.history li').count(), 5, 'created, paused, resumed, attached, denied');
  });

  it('opens a peer-to-peer review, files it and records it upheld', async () => {
    const detail = page.locator('article.auth-detail');
    await detail.getByRole('button', { name: 'Open an appeal' }).click();
    const d = page.getByRole('dialog', { name: 'Open an appeal' });
    await d.getByLabel('Level').selectOption('peer_to_peer');
    await d.getByRole('button', { name: 'Open appeal' }).click();
    await page.getByRole('status').filter({ hasText: /^Peer-to-peer review opened as a draft/ }).waitFor();
    const p2p = detail.locator('section.appeal').filter({ hasText: 'Peer-to-peer review' });
    await p2p.getByText(/Filing deadline:.*due in/).waitFor();
    assert.ok(new URL(page.url()).searchParams.get('appeal'), 'the URL names the appeal by id');
    await p2p.getByRole('button', { name: 'File appeal' }).click();
    await page.getByRole('dialog', { name: 'File the appeal' }).getByRole('button', { name: 'File appeal' }).click();
    await p2p.getByText(/Payer decision due:.*due in/).waitFor();
    await p2p.getByRole('button', { name: 'Record decision' }).click();
    const dec = page.getByRole('dialog', { name: "Record the payer's decision" });
    await dec.getByRole('radio', { name: 'Upheld' }).check();
    await dec.getByLabel('Note').fill('Medical director upheld the denial on the call.');
    await dec.getByRole('button', { name: 'Save decision' }).click();
    await p2p.locator('.badge', { hasText: 'Upheld' }).waitFor();
  });

  it('opens a first-level appeal, chooses evidence, files it and downloads the packet', async () => {
    const detail = page.locator('article.auth-detail');
    await detail.getByRole('button', { name: 'Open an appeal' }).click();
    const d = page.getByRole('dialog', { name: 'Open an appeal' });
    const levels = await d.getByLabel('Level').locator('option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(!levels.includes('peer_to_peer'), 'a level is used once');
    await d.getByLabel('Level').selectOption('first_level_internal');
    // The organisation's today (the browser's is a day ahead of the server's after midnight UTC).
    const iso = (await api(page, 'GET', '/organisation')).today;
    await d.getByLabel('Notice date').fill(iso);
    await d.getByLabel('Notice received on').fill(iso);
    await d.getByRole('button', { name: 'Open appeal' }).click();
    await page.getByRole('status').filter({ hasText: /opened as a draft; file it by/ }).waitFor();
    const appealId = Number(new URL(page.url()).searchParams.get('appeal'));
    const card = detail.locator(`section.appeal[data-appeal-id="${appealId}"]`);
    await card.getByText(/Filing deadline:.*due in \d+ d/).waitFor();

    await card.getByRole('button', { name: 'Choose evidence' }).click();
    const ev = page.getByRole('dialog', { name: 'Choose evidence' });
    await ev.getByRole('group', { name: 'Documents' }).waitFor();
    const pick = async (legend) => {
      const box = ev.getByRole('group', { name: legend }).getByRole('checkbox');
      if (await box.count()) {
        await box.first().check();
        return 1;
      }
      return 0;
    };
    let chosen = 0;
    for (const g of ['Conditions', 'Signed notes', 'Assessments', 'Documents']) chosen += await pick(g);
    assert.ok(chosen >= 2, `the demo patient has conditions and notes or assessments: ${await ev.textContent()}`);
    await ev.getByLabel('Argument').fill('Rehabilitation is the standard of care after a heart failure admission; see the attached assessment and notes.');
    await assertAccessible(page, 'evidence dialog');
    await screenshot(page, '21-appeal-evidence');
    await ev.getByRole('button', { name: 'Save evidence' }).click();
    await page.getByRole('status').filter({ hasText: `Evidence saved: ${chosen} items.` }).waitFor();
    await card.locator('ul.evidence li').nth(chosen - 1).waitFor();
    assert.doesNotMatch(await card.locator('ul.evidence').textContent(), /#\d+/, 'evidence is named, not numbered');

    await card.getByRole('button', { name: 'File appeal' }).click();
    await page.getByRole('dialog', { name: 'File the appeal' }).getByRole('button', { name: 'File appeal' }).click();
    await page.getByRole('status').filter({ hasText: `Appeal #${appealId} filed; decision due` }).waitFor();
    await card.getByText(/Payer decision due:.*due in \d+ d/).waitFor();

    // The packet: a download of a real PDF.
    const link = card.getByRole('link', { name: 'Download appeal packet (PDF)' });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const file = path.join(ARTIFACTS, 'appeal-packet.pdf');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await download.saveAs(file);
    assert.equal(fs.readFileSync(file).subarray(0, 5).toString('latin1'), '%PDF-');
    const r = await page.request.get(server.url + (await link.getAttribute('href')));
    assert.equal(r.status(), 200);
    assert.match(r.headers()['content-type'], /^application\/pdf/);
    assert.equal((await r.body()).subarray(0, 5).toString('latin1'), '%PDF-');
    await assertAccessible(page, 'insurance tab with appeals');
    await screenshot(page, '22-appeal-filed');

    await card.getByRole('button', { name: 'Record decision' }).click();
    const dec = page.getByRole('dialog', { name: "Record the payer's decision" });
    await dec.getByRole('radio', { name: 'Overturned', exact: true }).check();
    await dec.getByRole('button', { name: 'Save decision' }).click();
    await page.getByRole('status').filter({ hasText: `Appeal #${appealId}: Overturned.` }).waitFor();
    await detail.locator('.badge', { hasText: 'Approved on appeal' }).waitFor();
    await detail.locator('.badge.status-approved').waitFor();
    assert.match(await page.locator(`table.auths tr[data-auth-id="${authId}"]`).textContent(), /Approved.*on appeal.*12 \/ 12 \/ 0/s);
    assert.match(await detail.locator('ol.history').first().textContent(), /Approved on appeal/);
    await screenshot(page, '23-approved-on-appeal');
  });

  it('opens the Insurance tab at the authorization from its worklist item', async () => {
    // An expedited request received 30 hours ago: its decision is due within 48 hours.
    const received = new Date(Date.now() - 30 * 3600 * 1000).toISOString();
    const a = await api(page, 'POST', `/patients/${pid}/authorizations`, {
      coverage_id: coverage.id, urgency: 'expedited', requesting_provider: 'Dr. Synthetic', diagnosis_codes: ['I50.9'],
      services: [{ code: 'G0299', units: 4, service_from: '2026-12-01', service_to: '2026-12-10' }], submit: true, received_at: received,
    });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My day' }).click();
    await page.getByRole('heading', { name: 'My day', level: 1 }).waitFor();
    await page.getByRole('button', { name: /^Insurance/ }).click();
    const item = page.locator('li.wl-item[data-kind="authorization_decision_due"]').filter({ hasText: `authorization ${a.id}` });
    await item.waitFor();
    assert.match(await item.locator('.reasons').textContent(), /payer decision due in \d+ h/);
    await item.locator('.wl-open').click();
    await page.locator('article.auth-detail').getByRole('heading', { name: new RegExp(`^Authorization #${a.id} `) }).waitFor();
    const u = new URL(page.url());
    assert.equal(u.searchParams.get('tab'), 'insurance');
    assert.equal(u.searchParams.get('auth'), String(a.id));
    await page.getByRole('tab', { name: 'Insurance', selected: true }).waitFor();
    await assertNoPatientDataKept(page);
    assert.match(await page.locator('article.auth-detail .deadline').first().textContent(), /Soon/, 'due within 48 hours says so in words');

    // Approving while someone else records a pend: the conflict is explained, the latest
    // version loaded, and approving again works (pended requests can be approved).
    const detail = page.locator('article.auth-detail');
    await detail.getByRole('button', { name: 'Record approval' }).click();
    const d = page.getByRole('dialog', { name: 'Record approval' });
    assert.equal(await d.getByLabel('Units approved for G0299').inputValue(), '4', 'all requested units by default');
    // Recorded after the fact: decided an hour ago, by the payer's notice, typed on the
    // organisation's clock (its zone named), whatever the browser's zone.
    const org = await api(page, 'GET', '/organisation');
    await d.locator('#act-decided-hint').filter({ hasText: `on the organisation's clock (${org.time_zone})` }).waitFor();
    const decidedAt = Math.floor((Date.now() - 3600 * 1000) / 60000) * 60000;
    await d.getByLabel('Decided at').fill(inZone(decidedAt, org.time_zone));
    // The screen shows times on the browser's clock.
    const decided = await page.evaluate((at) => {
      const t = new Date(at);
      const p = (n) => String(n).padStart(2, '0');
      return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())} ${p(t.getHours())}:${p(t.getMinutes())}`;
    }, decidedAt);
    await api(page, 'POST', `/authorizations/${a.id}/actions`, { action: 'pend', version: a.version, reason: 'Payer asked for the latest echocardiogram' });
    await d.getByRole('button', { name: 'Record approval' }).click();
    await d.getByRole('alert').filter({ hasText: 'Someone else changed this authorization after you opened it' }).waitFor();
    await detail.locator('.badge', { hasText: 'Pended' }).waitFor();
    await d.getByRole('button', { name: 'Record approval' }).click();
    await page.getByRole('status').filter({ hasText: `Authorization #${a.id}: Approved.` }).waitFor();
    await detail.locator('.badge.status-approved').waitFor();
    assert.match(await detail.locator('table.services').textContent(), /G0299.*4\s*4/s);
    assert.match(await detail.locator('dl.facts-list').textContent(), new RegExp(`Decided${decided} · within the required time`));
    assert.equal((await api(page, 'GET', `/authorizations/${a.id}`)).decided_at, new Date(decidedAt).toISOString(), 'the time typed on the organisation’s clock');
    assert.match(await detail.locator('ol.history').first().textContent(), /Pend.*Payer asked for the latest echocardiogram.*Approve/s);
  });

  it('assigns education in the patient’s language, records delivery and a teach-back', async () => {
    await timed('patient_education', page, () => page.getByRole('tab', { name: 'Education' }).click(), /,/);
    const suggestions = page.locator('li.suggestion');
    await suggestions.first().waitFor();
    // The patient's language first, each with its reasons.
    const badges = await suggestions.locator('.badge').allTextContents();
    const firstOther = badges.findIndex((b) => /not the patient/.test(b));
    if (firstOther >= 0) assert.ok(badges.slice(firstOther).every((b) => /not the patient/.test(b)), badges.join('|'));
    assert.ok((await suggestions.first().locator('.reasons li').count()) >= 1);
    const title = await suggestions.first().locator('h3').textContent();
    await suggestions.first().getByRole('button', { name: /^Assign/ }).click();
    await page.getByRole('status').filter({ hasText: `Assigned “${title}”` }).waitFor();
    const card = page.locator('article.assignment').filter({ hasText: title });
    await card.locator('.badge', { hasText: 'Assigned' }).waitFor();

    await card.getByRole('button', { name: 'Record delivery' }).click();
    const d = page.getByRole('dialog', { name: 'Record delivery' });
    await d.getByLabel('Method').selectOption('in_person');
    await d.getByLabel('Delivered to').selectOption('patient_and_caregiver');
    await d.getByLabel('An interpreter was used').check();
    await d.getByLabel('Minutes').fill('20');
    await d.getByRole('button', { name: 'Save' }).click();
    await d.getByRole('alert').filter({ hasText: "Caregiver's name: name the caregiver who received it" }).waitFor();
    await d.getByLabel("Caregiver's name").fill('Ana (daughter)');
    await d.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Delivery of' }).waitFor();
    await card.locator('.badge', { hasText: 'Delivered' }).waitFor();
    assert.match(await card.textContent(), /in person to the patient and caregiver \(Ana \(daughter\)\), with an interpreter/);

    await card.getByRole('button', { name: 'Record teach-back' }).click();
    const t = page.getByRole('dialog', { name: 'Record teach-back' });
    await t.getByRole('radio', { name: 'Partly' }).check();
    await t.getByRole('button', { name: 'Save' }).click();
    await t.getByRole('alert').filter({ hasText: 'What was not understood: say what was not understood' }).waitFor();
    await t.getByLabel('What was not understood').fill('Could not say when to call about weight gain.');
    await t.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Teach-back recorded: Partial.' }).waitFor();
    await card.locator('.badge', { hasText: 'Needs reinforcement' }).waitFor();
    assert.match(await card.textContent(), /teach-back: Partial \(attempt 1/);
    await card.getByText(/^History/).click();
    assert.match(await card.locator('ol.history').textContent(), /Teach back.*Could not say when to call/s);
    await assertAccessible(page, 'education');
    await assertNoPatientDataKept(page);
    await screenshot(page, '24-education');

    // Tablet width: no sideways scrolling, still accessible.
    await page.setViewportSize({ width: 768, height: 1024 });
    for (const tab of ['Education', 'Insurance']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.waitForFunction(() => !document.querySelector('.loading'));
      await page.locator('.card').last().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${tab} at 768px scrolls sideways by ${overflow}px`);
      await assertAccessible(page, `${tab} at 768px`);
    }
    await screenshot(page, '24-insurance-768');
    await page.setViewportSize({ width: 1366, height: 900 });
    assert.deepEqual(problems, []);
  });
});

describe('supervisor: reports', { concurrency: false }, () => {
  it('reads the insurance report with its charts and downloads the CSV', async () => {
    const { context, page, problems } = await newPage();
    try {
      await signIn(page, 'sup.okafor');
      await timed('reports', page, () => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click(), 'Reports');
      const report = page.getByTestId('insurance-report');
      await report.waitFor();
      assert.ok(Number(await page.getByTestId('decided-total').textContent()) >= 1, 'the case manager’s denial is counted');
      const denied = page.locator('#rep-cms tr[data-metric="denied"] td');
      assert.ok(Number(await denied.nth(2).textContent()) >= 1);
      await page.locator('#rep-appeals tr[data-level="peer_to_peer"]').waitFor();
      const overturned = page.locator('#rep-appeals tr[data-level="first_level_internal"] td').nth(1);
      assert.ok(Number(await overturned.textContent()) >= 1, 'the overturned appeal is counted');
      assert.ok((await page.locator('svg.bars[role="img"]').count()) >= 3);
      assert.match(await report.locator('svg.bars').first().getAttribute('aria-label'), /Decided within the regulatory time: Expedited/);
      await assertAccessible(page, 'reports');
      await assertNoPatientDataKept(page);
      await screenshot(page, '25-reports');
      await page.setViewportSize({ width: 768, height: 1024 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `reports at 768px scroll sideways by ${overflow}px`);
      await assertAccessible(page, 'reports at 768px');
      await screenshot(page, '25-reports-768');
      await page.setViewportSize({ width: 1366, height: 900 });

      // The CSV comes from the server (?format=csv), fetched with the session and named as it names it.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV: insurance report' }).click()]);
      assert.equal(download.suggestedFilename(), 'insurance.csv');
      const file = path.join(ARTIFACTS, 'insurance-report.csv');
      await download.saveAs(file);
      const csv = fs.readFileSync(file, 'utf8');
      assert.equal(csv.split('\r\n')[0], 'Measure,Value');
      assert.match(csv, /\r\nPrior authorizations decided,[1-9]\d*\r\n/);
      await page.getByRole('status').filter({ hasText: 'insurance.csv downloaded.' }).waitFor();

      // A period that ends before it starts is refused before asking the server.
      await page.getByLabel('From').fill('2026-12-31');
      await page.getByLabel('To (inclusive)').fill('2026-01-01');
      await page.getByRole('button', { name: 'Show report' }).click();
      await page.getByRole('alert').filter({ hasText: 'end is not before its start' }).waitFor();
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
