// End-to-end: intake, triage and assignment (issue #10) in headless Chromium
// against the real server with a fresh demo database. A case manager adds a
// new patient (a wrong field named first) and their referral, and a referral
// for a patient found by search; each opens the patient at the new case. A
// supervisor sees those referrals waiting on the team worklist with their
// triage countdowns, assigns one to a case manager chosen with the team's
// loads beside the names (the missing choice and reason named first), and
// reassigns it from the patient's header. Screenshots and
// timings-intake.json go to e2e/artifacts/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, assertNoPatientDataKept, screenshot, suite } from './harness.mjs';

const { server, newPage, signIn, timed } = suite('timings-intake.json');

const api = async (page, method, p, data) => {
  const r = await page.request.fetch(`${server.url}/api/v1${p}`, { method, data });
  assert.ok(r.ok(), `${method} ${p}: ${r.status()} ${await r.text()}`);
  return r.json();
};

async function noSidewaysScroll(page, what) {
  await page.waitForFunction(() => !document.querySelector('.loading'));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${what} scrolls sideways by ${overflow}px`);
}

// What the case manager creates, for the supervisor's part.
const family = `Okonkwo-Lindgren${Date.now() % 100000}`;
let patientId;
let firstCaseId;
let secondCaseId;

describe('intake as a case manager', { concurrency: false }, () => {
  let ctx;
  let page;
  let problems;
  before(async () => {
    ({ context: ctx, page, problems } = await newPage());
    await signIn(page, 'cm.rivera');
  });
  after(async () => {
    await ctx?.close();
  });

  it('adds a new patient: a wrong field is named beside it, then the referral opens the patient at the new case', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Patients' }).click();
    await page.getByRole('heading', { name: 'Patients', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'New patient' }).click();
    const d = page.getByRole('dialog', { name: 'New patient' });
    await d.waitFor();
    assert.equal(await page.evaluate(() => !!document.activeElement?.closest('dialog')), true, 'focus moves into the dialog');
    await assertAccessible(page, 'new patient dialog');
    // Nothing filled: the server names the first required field.
    await d.getByRole('button', { name: 'Create patient' }).click();
    await d.getByRole('alert').filter({ hasText: 'Given name: must not be empty' }).waitFor();
    assert.equal(await d.getByLabel('Given name').getAttribute('aria-invalid'), 'true');
    await d.getByLabel('Given name').fill('Adaeze');
    await d.getByLabel('Family name').fill(family);
    await d.getByLabel('Date of birth').fill('1948-05-17');
    await d.getByLabel('Sex', { exact: true }).selectOption('female');
    await d.getByLabel('Preferred language').fill('en');
    await d.getByRole('checkbox', { name: 'Black or African American' }).check();
    await d.getByLabel('Phone', { exact: true }).fill('614 555 0199');
    await d.getByLabel('Street address').fill('40 Cleveland Ave');
    await d.getByLabel('City', { exact: true }).fill('Columbus');
    await d.getByLabel('State', { exact: true }).fill('Ohio');
    await d.getByLabel('ZIP code').fill('43215');
    // A state the server does not take: its sentence lands under "State".
    await d.getByRole('button', { name: 'Create patient' }).click();
    await d.locator('#np-state-error').filter({ hasText: /^State: must be a two-letter US state code/ }).waitFor();
    assert.equal(await d.getByLabel('State', { exact: true }).getAttribute('aria-invalid'), 'true');
    await page.waitForFunction(() => document.activeElement?.id === 'np-state');
    await screenshot(page, '60-new-patient-error');
    await d.getByLabel('State', { exact: true }).fill('OH');
    await d.getByRole('button', { name: 'Create patient' }).click();

    // The referral comes next, for the patient just created.
    const r = page.getByRole('dialog', { name: 'New referral' });
    await r.waitFor();
    assert.match(await r.textContent(), new RegExp(`${family}, Adaeze`));
    await r.getByRole('status').filter({ hasText: 'Patient created' }).waitFor();
    await assertAccessible(page, 'new referral dialog');
    await r.getByRole('button', { name: 'Create referral' }).click();
    await r.getByRole('alert').filter({ hasText: 'Program: must not be empty' }).waitFor();
    assert.equal(await r.getByLabel('Program').getAttribute('aria-invalid'), 'true');
    // The programs are the organisation's, by their names.
    const org = await api(page, 'GET', '/organisation');
    const options = await r.getByLabel('Program').locator('option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
    assert.deepEqual(options, [['', 'Choose…'], ...org.programs.map((p) => [p.code, p.name])]);
    await r.getByLabel('Program').selectOption('complex_care');
    await r.getByLabel('Referral source').selectOption('physician');
    await r.getByLabel('Reason for referral').fill('PCP asks for help: two falls and eleven medications');
    await r.getByRole('radio', { name: 'Urgent' }).check();
    await r.getByText('Urgent: triage within 1 business day').waitFor();
    await screenshot(page, '61-new-referral');
    await timed('intake_patient', page, () => r.getByRole('button', { name: 'Create referral' }).click(), page.getByRole('heading', { level: 1, name: `${family}, Adaeze` }));

    const url = new URL(page.url());
    const m = /^\/patients\/(\d+)$/.exec(url.pathname);
    assert.ok(m, url.pathname);
    patientId = Number(m[1]);
    firstCaseId = Number(url.searchParams.get('case'));
    assert.ok(firstCaseId > 0, 'the URL names the new case');
    await page.locator('#case-select').waitFor();
    assert.equal(await page.locator('#case-select').inputValue(), String(firstCaseId));
    assert.match(await page.locator('#case-select option:checked').textContent(), /Complex care · Referred/);
    assert.equal(await page.getByTestId('case-manager').textContent(), 'No case manager yet');
    const k = await api(page, 'GET', `/cases/${firstCaseId}`);
    assert.equal(k.urgency, 'urgent');
    assert.equal(k.referral_source, 'physician');
    assert.ok(Date.parse(k.triage_due_at) > Date.parse(k.referred_at), 'the server computed the triage due time');
    // A creating case manager becomes the primary case manager.
    assert.match(await page.locator('.patient-head').textContent(), /Primary case manager/);
    await assertAccessible(page, 'new patient opened');
    await assertNoPatientDataKept(page);
    await screenshot(page, '62-new-patient-opened');
  });

  it('adds a referral for a patient found by search, opening the patient at that case', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Patients' }).click();
    await page.getByLabel('Name').fill(family);
    await page.getByRole('button', { name: 'Search' }).click();
    const row = page.locator('table.results tbody tr').filter({ hasText: family });
    await row.waitFor();
    await row.getByRole('button', { name: `New referral for ${family}, Adaeze` }).click();
    const r = page.getByRole('dialog', { name: 'New referral' });
    await r.getByLabel('Program').selectOption('heart_failure_transitions');
    await r.getByLabel('Referral source').selectOption('hospital');
    await r.getByLabel('Reason for referral').fill('Discharged after a heart failure stay');
    await r.getByRole('radio', { name: 'Emergent' }).check();
    await r.getByRole('button', { name: 'Create referral' }).click();
    await page.getByRole('heading', { level: 1, name: `${family}, Adaeze` }).waitFor();
    const url = new URL(page.url());
    assert.equal(url.pathname, `/patients/${patientId}`);
    secondCaseId = Number(url.searchParams.get('case'));
    assert.ok(secondCaseId > firstCaseId);
    await page.waitForFunction((id) => document.querySelector('#case-select')?.value === String(id), secondCaseId);
    assert.equal(await page.locator('#case-select option').count(), 2);
    assert.equal(new URL(page.url()).search.includes(family), false);
    await assertNoPatientDataKept(page);
    assert.deepEqual(problems, []);
  });

  it('lays out the intake forms at 768 pixels without sideways scrolling', async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Patients' }).click();
    await page.getByRole('button', { name: 'New patient' }).click();
    await page.getByRole('dialog', { name: 'New patient' }).waitFor();
    await noSidewaysScroll(page, 'New patient at 768px');
    await assertAccessible(page, 'new patient at 768px');
    await screenshot(page, '63-new-patient-768');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'New patient' }).waitFor({ state: 'detached' });
    // Escape closes, and the focus is back on the button that opened it.
    await page.waitForFunction(() => document.activeElement?.textContent === 'New patient');
  });
});

describe('triage and assignment as a supervisor', { concurrency: false }, () => {
  let ctx;
  let page;
  let problems;
  before(async () => {
    ({ context: ctx, page, problems } = await newPage());
    await signIn(page, 'sup.okafor');
  });
  after(async () => {
    await ctx?.close();
  });

  it('lists the unassigned referrals with their triage countdowns and assigns one with the loads beside the names', async () => {
    const triage = page.locator('section.triage');
    await timed('team_triage', page, () => page.getByRole('link', { name: 'Team worklist' }).click(), triage.locator('tbody tr').first());
    // A long list shows the soonest ten until asked for all.
    const more = triage.getByRole('button', { name: /^Show all \d+ referrals$/ });
    if (await more.count()) {
      assert.equal(await triage.locator('tbody tr').count(), 10);
      await more.click();
      assert.equal(await more.count(), 0);
    }
    const row = triage.locator(`tr[data-case-id="${firstCaseId}"]`);
    await row.waitFor();
    // The patient by name, the program, where the referral came from and why, the urgency.
    const patientName = new RegExp(`${family}, Adaeze|Adaeze ${family}`);
    assert.match(await row.textContent(), patientName);
    assert.match(await row.textContent(), /Complex care · from physician/);
    assert.match(await row.textContent(), /PCP asks for help: two falls and eleven medications/);
    assert.match(await row.textContent(), /Urgent/);
    assert.match(await row.locator('.deadline').textContent(), /^Triage due in \d+ (h|d|min)/);
    const emergent = triage.locator(`tr[data-case-id="${secondCaseId}"]`);
    assert.match(await emergent.textContent(), /Emergent/);
    // Overdue referrals say so in words, not only in colour.
    const overdue = triage.locator('tr.overdue-row .deadline');
    if (await overdue.count()) assert.match(await overdue.first().textContent(), /^⚠ Triage overdue by/);
    // Exactly the referrals waiting for a case manager, in the server's order (the soonest triage due first).
    const waiting = await api(page, 'GET', '/cases?unassigned=true&limit=200');
    const shown = await triage.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.caseId));
    assert.deepEqual(
      shown,
      waiting.items.map((c) => String(c.id)),
    );
    // The urgency is the case's, in words.
    const urgencies = await triage.locator('tbody tr td:nth-child(3)').allTextContents();
    assert.deepEqual(
      urgencies,
      waiting.items.map((c) => c.urgency.charAt(0).toUpperCase() + c.urgency.slice(1)),
    );
    await assertAccessible(page, 'team worklist with triage');
    await assertNoPatientDataKept(page);
    await screenshot(page, '64-team-triage');

    await row.getByRole('button', { name: /^Assign / }).click();
    const d = page.getByRole('dialog', { name: 'Assign case' });
    await d.getByRole('radio').first().waitFor();
    assert.match(await d.locator('.facts-list').textContent(), /Complex care/);
    assert.match(await d.locator('.facts-list').textContent(), /Triage due in/);
    // Each case manager with their load, the lightest first.
    const caseloads = (await api(page, 'GET', '/caseloads')).items;
    const labels = await d.locator('fieldset.assignees li').allTextContents();
    assert.equal(labels.length, caseloads.length);
    for (const c of caseloads) {
      assert.ok(
        labels.some((l) => l.includes(c.display_name) && l.includes(`${c.open_cases} open cases · acuity-weighted load ${c.acuity_weighted_load}`)),
        `${c.display_name} with the load: ${labels.join(' | ')}`,
      );
    }
    const loads = labels.map((l) => Number(/acuity-weighted load (\d+)/.exec(l)[1]));
    assert.deepEqual(loads, [...loads].sort((a, b) => a - b));
    await assertAccessible(page, 'assign dialog');
    // Nothing chosen, then no reason: each is named.
    await d.getByRole('button', { name: 'Assign', exact: true }).click();
    await d.getByRole('alert').filter({ hasText: 'Case manager: choose the case manager' }).waitFor();
    await d.getByRole('radio', { name: /^Maria Rivera, RN/ }).check();
    await d.getByRole('button', { name: 'Assign', exact: true }).click();
    await d.getByRole('alert').filter({ hasText: 'Reason: say why this case manager takes the case' }).waitFor();
    assert.equal(await d.getByLabel('Reason').getAttribute('aria-invalid'), 'true');
    await d.getByLabel('Reason').fill('Already her patient; speaks with the PCP weekly');
    await screenshot(page, '65-assign');
    await d.getByRole('button', { name: 'Assign', exact: true }).click();
    await page.getByRole('status').filter({ hasText: /assigned to Maria Rivera, RN\.$/ }).waitFor();
    assert.match(await page.getByRole('status').filter({ hasText: /assigned to Maria Rivera, RN\.$/ }).textContent(), patientName);
    await row.waitFor({ state: 'detached' });
    const k = await api(page, 'GET', `/cases/${firstCaseId}`);
    assert.equal(k.assigned_user_id, 3);
    assert.equal(k.assignments.at(-1).reason, 'Already her patient; speaks with the PCP weekly');
    assert.deepEqual(problems, []);
  });

  it('reassigns the case from the patient’s header', async () => {
    await timed('patient_assigned', page, () => page.goto(`${server.url}/patients/${patientId}?case=${firstCaseId}`), page.getByTestId('case-manager').filter({ hasText: 'Maria Rivera, RN' }));
    await page.getByRole('button', { name: 'Reassign case' }).click();
    const d = page.getByRole('dialog', { name: 'Reassign case' });
    const current = d.getByRole('radio', { name: /^Maria Rivera, RN/ });
    await current.waitFor();
    assert.equal(await current.isDisabled(), true, 'the case manager who has it cannot be chosen again');
    assert.match(await d.locator('li').filter({ hasText: 'Maria Rivera, RN' }).textContent(), /Has this case/);
    await d.getByRole('radio', { name: /^David Chen, MSW/ }).check();
    await d.getByLabel('Reason').fill('Balancing the team’s load while Maria is on leave');
    await assertAccessible(page, 'reassign dialog');
    // Meanwhile another supervisor's change: the case goes to Aisha Johnson.
    const before = await api(page, 'GET', `/cases/${firstCaseId}`);
    await api(page, 'POST', `/cases/${firstCaseId}/assignment`, { user_id: 5, reason: 'covering this week', version: before.version });
    await d.getByRole('button', { name: 'Reassign', exact: true }).click();
    // The dialog says so and shows the latest case: Aisha Johnson has it now.
    await d.getByRole('alert').filter({ hasText: 'Someone else changed this case after you opened it, so your change was not saved.' }).waitFor();
    await d.locator('.facts-list').filter({ hasText: 'Aisha Johnson, RN' }).waitFor();
    assert.equal(await d.getByRole('radio', { name: /^Aisha Johnson, RN/ }).isDisabled(), true);
    assert.equal(await d.getByRole('radio', { name: /^David Chen, MSW/ }).isChecked(), true, 'the choice is kept');
    assert.equal((await api(page, 'GET', `/cases/${firstCaseId}`)).assigned_user_id, 5, 'nothing was overwritten');
    await assertAccessible(page, 'reassign dialog after a conflict');
    await screenshot(page, '66-reassign-conflict');
    await d.getByRole('button', { name: 'Reassign', exact: true }).click();
    await page.getByTestId('case-manager').filter({ hasText: 'Case manager: David Chen, MSW' }).waitFor();
    await page.getByRole('status').filter({ hasText: `Case #${firstCaseId} assigned to David Chen, MSW.` }).waitFor();
    assert.equal((await api(page, 'GET', `/cases/${firstCaseId}`)).assigned_user_id, 4);
    await screenshot(page, '66-reassigned');
    assert.deepEqual(problems, []);
  });

  it('lays out the triage list at 768 pixels without sideways scrolling', async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.getByRole('link', { name: 'Team worklist' }).click();
    await page.locator('section.triage tbody tr').first().waitFor();
    await noSidewaysScroll(page, 'Team worklist at 768px');
    await assertAccessible(page, 'team worklist at 768px');
    await screenshot(page, '67-team-triage-768');
  });
});
