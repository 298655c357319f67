// End-to-end: the supervisor's screen and a case manager's own documentation
// (issue #10 on src/supervision) in headless Chromium against the real
// server with a fresh demo database. A supervisor reads the team (each
// figure as the API gives it, the leave the demo booked), opens a
// documentation finding at its patient and case and downloads the findings
// as CSV, gets a reassignment proposal for two chosen cases, edits a target,
// meets a server error on the right row (one case closed meanwhile through
// the API) and applies the other one alone; books a coverage and ends it
// early. A case manager sees their own checklist. Screenshots and
// timings-supervision.json go to e2e/artifacts/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, assertAccessible, assertNoPatientDataKept, screenshot, suite } from './harness.mjs';

const { server, newPage, signIn, timed } = suite('timings-supervision.json', { allowConsole: /401|Unauthorized|400|Bad Request|403|Forbidden|409|Conflict/ });

const api = async (page, method, p, data) => {
  const r = await page.request.fetch(`${server.url}/api/v1${p}`, { method, data });
  assert.ok(r.ok(), `${method} ${p}: ${r.status()} ${await r.text()}`);
  return r.json();
};

/**
 * Whether the server refuses a reassignment whose case changed since it was
 * read (`version` per assignment; older servers ignore it). Asked so that
 * nothing can move: a stale version on the first assignment, and a second
 * one the server refuses anyway (a closed case), so all-or-nothing keeps
 * both where they are.
 */
async function reassignmentChecksVersions(page, caseId, to, closedCaseId) {
  const k = await api(page, 'GET', `/cases/${caseId}`);
  const r = await page.request.fetch(`${server.url}/api/v1/supervision/reassignments`, {
    method: 'POST',
    data: {
      reason: 'probe of version checks',
      assignments: [
        { case_id: caseId, user_id: to, version: k.version + 1000 },
        { case_id: closedCaseId, user_id: to },
      ],
    },
  });
  assert.ok(!r.ok(), `the probe must move nothing: ${r.status()}`);
  const body = await r.json();
  return r.status() === 409 && body.field === 'assignments[0].version';
}

const pct = (v) => `${(Math.round(v * 1000) / 10).toFixed(1)} %`;

/** The day `days` after a YYYY-MM-DD day. */
function addDays(day, days) {
  const d = new Date(Date.parse(`${day}T00:00:00Z`) + days * 86400000);
  return d.toISOString().slice(0, 10);
}

/** A time's day and wall clock in a zone: ["2026-12-12", "00:00"]. */
function inZone(iso, timeZone) {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const p = Object.fromEntries(f.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return [`${p.year}-${p.month}-${p.day}`, `${p.hour}:${p.minute}`];
}

async function noSidewaysScroll(page, what) {
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.waitForFunction(() => !document.querySelector('.loading'));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${what} at 768px scrolls sideways by ${overflow}px`);
  await assertAccessible(page, `${what} at 768px`);
}

describe('supervision', { concurrency: false }, () => {
  let ctx;
  let page;
  let problems;
  const sub = (name) => page.getByRole('navigation', { name: 'Supervision' }).getByRole('link', { name, exact: true });
  before(async () => {
    ({ context: ctx, page, problems } = await newPage());
    await signIn(page, 'sup.okafor');
  });
  after(async () => {
    await ctx?.close();
  });

  it('shows the team: load, overdue tasks, contacts, compliance and leave', async () => {
    await timed('supervision_team', page, () => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Supervision' }).click(), page.locator('#team-table tbody tr').first());
    assert.equal(new URL(page.url()).pathname, '/supervision');
    const from = await page.getByLabel('From').inputValue();
    const to = await page.getByLabel('To (inclusive)').inputValue();
    // The last 30 days of the organisation's calendar, whatever the browser's zone.
    const org = await api(page, 'GET', '/organisation');
    assert.equal(to, org.today);
    assert.equal(from, addDays(org.today, -29));
    const team = await api(page, 'GET', `/supervision/team?from=${from}&to=${to}`);
    assert.ok(team.items.length >= 3);
    assert.equal(await page.locator('#team-table tbody tr').count(), team.items.length);
    for (const m of team.items) {
      const row = page.locator(`#team-table tr[data-user-id="${m.user_id}"]`);
      assert.equal(await row.locator('th').textContent(), m.display_name);
      const cells = await row.locator('td').allTextContents();
      assert.equal(cells[0], String(m.open_cases));
      assert.equal(cells[1], String(m.acuity_weighted_load));
      assert.equal(cells[2], String(m.overdue_tasks));
      assert.match(cells[3], new RegExp(`^${m.contacts} \\(\\d+\\.\\d\\)$`));
      assert.equal(cells[4], m.compliance_rate === null ? 'nothing to check' : `${pct(m.compliance_rate)} (${m.compliance_met} of ${m.compliance_checked})`);
    }
    // The demo books leave for cm.johnson, covered by cm.chen, in two weeks.
    const johnson = team.items.find((m) => m.username === 'cm.johnson');
    assert.match(await page.locator(`#team-table tr[data-user-id="${johnson.user_id}"] td`).last().textContent(), /^Leave booked \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d, covered by David Chen, MSW$/);
    const chen = team.items.find((m) => m.username === 'cm.chen');
    assert.match(await page.locator(`#team-table tr[data-user-id="${chen.user_id}"] td`).last().textContent(), /^Will cover Aisha Johnson, RN /);
    await assertAccessible(page, 'supervision team');
    await assertNoPatientDataKept(page);
    await screenshot(page, '80-supervision-team');
    // The team table as CSV (a row per case manager) and as XLSX, from the server.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV: team table' }).click()]);
    const file = path.join(ARTIFACTS, 'team.csv');
    await download.saveAs(file);
    assert.match(download.suggestedFilename(), /^team.*\.csv$/);
    const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim());
    assert.match(lines[0], /Display name/);
    assert.equal(lines.length - 1, team.items.length);
    for (const m of team.items) assert.ok(lines.some((l) => l.includes(m.username)), `${m.username} in the CSV`);
    await page.getByRole('status').filter({ hasText: /^team.*\.csv downloaded\.$/ }).waitFor();
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download XLSX: team table' }).click()]);
    const xfile = path.join(ARTIFACTS, 'team.xlsx');
    await xlsx.saveAs(xfile);
    assert.equal(fs.readFileSync(xfile).subarray(0, 2).toString(), 'PK');
    // A period that ends before it starts is named on its field.
    await page.getByLabel('To (inclusive)').fill('2020-01-01');
    await page.getByRole('button', { name: 'Show the team' }).click();
    await page.getByRole('alert').filter({ hasText: 'To (inclusive): must not be before from.' }).waitFor();
    assert.equal(await page.getByLabel('To (inclusive)').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('To (inclusive)').fill(to);
    await page.getByRole('button', { name: 'Show the team' }).click();
    await page.locator('#team-table tbody tr').first().waitFor();
  });

  it('opens a documentation finding at its patient and case, and downloads the findings as CSV', async () => {
    await timed('supervision_compliance', page, () => sub('Documentation').click(), page.locator('#comp-table tbody tr').first());
    const r = await api(page, 'GET', '/supervision/compliance');
    assert.equal(await page.locator('#comp-table tbody tr').count(), r.members.length);
    for (const m of r.members) {
      const row = page.locator(`#comp-table tr[data-user-id="${m.user_id}"]`);
      for (const t of m.rules) {
        const text = await row.locator(`td[data-rule="${t.rule}"]`).textContent();
        assert.equal(text, t.checked === 0 ? 'nothing to check' : `${pct(t.rate)} (${t.met} of ${t.checked})`, `${m.display_name} ${t.rule}`);
      }
      assert.equal(await row.locator('td').last().textContent(), String(m.findings.length));
    }
    assert.match(await page.getByTestId('compliance-summary').textContent(), new RegExp(`${r.met} of ${r.checked} met`));
    const member = r.members.find((m) => m.findings.some((f) => f.rule === 'note_signed'));
    const finding = member.findings.find((f) => f.rule === 'note_signed');
    const details = page.locator(`details.findings[data-user-id="${member.user_id}"]`);
    await details.locator('summary').click();
    const row = details.locator(`tr[data-rule="note_signed"][data-case-id="${finding.case_id}"]`).first();
    await row.waitFor();
    assert.equal(await row.locator('td').first().textContent(), 'Notes signed in time');
    assert.match(await row.textContent(), new RegExp(finding.detail.replace(/[()]/g, '.')));
    await assertAccessible(page, 'documentation checklist with findings');
    await screenshot(page, '81-supervision-compliance');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV: documentation findings' }).click()]);
    const file = path.join(ARTIFACTS, 'compliance-findings.csv');
    await download.saveAs(file);
    assert.equal(download.suggestedFilename(), 'compliance-findings.csv');
    const lines = fs.readFileSync(file, 'utf8').split('\r\n');
    assert.match(lines[0], /^Case manager,Detail,Due at,Patient name,Rule,/);
    assert.equal(lines.filter((l) => l.trim()).length - 1, r.members.reduce((n, m) => n + m.findings.length, 0));
    await page.getByRole('status').filter({ hasText: 'compliance-findings.csv downloaded.' }).waitFor();

    // The patient's name opens the patient at the case (ids only in the address).
    await row.getByRole('link', { name: finding.patient_name }).click();
    await page.waitForURL(`**/patients/${finding.patient_id}?case=${finding.case_id}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await assertNoPatientDataKept(page);
    await page.goBack();
    await page.locator('#comp-table tbody tr').first().waitFor();
  });

  it('proposes a reassignment, edits a target, shows a server error on its row and applies one case', async () => {
    await timed('supervision_reassign', page, () => sub('Reassignment').click(), page.getByRole('heading', { name: 'Reassign cases' }));
    // Nothing chosen: the server says what is missing.
    await page.getByRole('radio', { name: 'Cases I choose' }).check();
    await page.getByRole('button', { name: 'Propose reassignment' }).click();
    await page.getByRole('alert').filter({ hasText: 'name the case manager whose cases move, or the cases' }).waitFor();

    const rivera = (await api(page, 'GET', '/caseloads')).items.find((c) => c.username === 'cm.rivera');
    await page.getByLabel('Cases of', { exact: true }).selectOption(String(rivera.user_id));
    const boxes = page.locator('.case-choice input[type="checkbox"]');
    await boxes.first().waitFor();
    const cases = (await api(page, 'GET', `/cases?assigned_user_id=${rivera.user_id}&limit=200`)).items.filter((c) => c.status !== 'closed');
    assert.equal(await boxes.count(), cases.length);
    // Who has them now is not a target unless the supervisor says so.
    assert.equal(await page.getByRole('checkbox', { name: 'Maria Rivera, RN', exact: true }).isChecked(), true);
    const [keep, close] = cases.slice(-2);
    await boxes.nth(cases.length - 2).check();
    await boxes.nth(cases.length - 1).check();
    await timed('supervision_proposal', page, () => page.getByRole('button', { name: 'Propose reassignment' }).click(), page.getByTestId('proposal'));
    const rows = page.locator('#proposal-table tbody tr');
    assert.equal(await rows.count(), 2);
    const keepRow = page.locator(`#proposal-table tr[data-case-id="${keep.id}"]`);
    const target = await keepRow.locator('select').inputValue();
    assert.notEqual(target, String(rivera.user_id), 'not proposed back to who has it');
    assert.match(await keepRow.locator('td').last().textContent(), /load/);
    // Loads before and after: Rivera loses two cases.
    const riveraLoad = page.locator(`#loads-table tr[data-user-id="${rivera.user_id}"] td`);
    assert.equal(Number(await riveraLoad.nth(0).textContent()) - 2, Number(await riveraLoad.nth(1).textContent()));
    // Edit the target: the other colleague; the loads follow.
    const others = (await api(page, 'GET', '/caseloads')).items.filter((c) => c.user_id !== rivera.user_id && String(c.user_id) !== target);
    const other = others[0];
    const otherAfter = async () => Number(await page.locator(`#loads-table tr[data-user-id="${other.user_id}"] td`).nth(1).textContent());
    const before = await otherAfter();
    await keepRow.locator('select').selectOption(String(other.user_id));
    await keepRow.locator('td').last().filter({ hasText: 'Changed by you' }).waitFor();
    assert.equal(await otherAfter(), before + 1);
    await assertAccessible(page, 'reassignment proposal');
    await screenshot(page, '82-supervision-proposal');

    // Apply without a reason: named on its field.
    await page.getByRole('button', { name: 'Apply 2 reassignments' }).click();
    await page.getByRole('alert').filter({ hasText: /^Reason: / }).waitFor();
    assert.equal(await page.getByLabel('Reason').getAttribute('aria-invalid'), 'true');
    // One case is closed meanwhile (through the API): the error lands on its row, nothing moved.
    const fresh = await api(page, 'GET', `/cases/${close.id}`);
    await api(page, 'POST', `/cases/${close.id}/transitions`, { to: 'closed', closure_reason: 'goals_met', reason: 'end-to-end test', version: fresh.version });
    await page.getByLabel('Reason').fill('Rebalancing after a new referral wave');
    await page.getByRole('button', { name: 'Apply 2 reassignments' }).click();
    const closeRow = page.locator(`#proposal-table tr[data-case-id="${close.id}"]`);
    // (A server that checks versions may name the changed version rather than the closed case.)
    await closeRow.locator('.field-error').filter({ hasText: /the case is closed|someone else changed this case/ }).waitFor();
    assert.equal(await closeRow.getAttribute('class'), 'invalid-row');
    assert.equal(await closeRow.locator('select').getAttribute('aria-invalid'), 'true');
    await page.waitForFunction((id) => document.activeElement?.id === id, `move-to-${close.id}`);
    assert.equal(await keepRow.locator('.field-error').count(), 0);
    assert.equal((await api(page, 'GET', `/cases/${keep.id}`)).assigned_user_id, rivera.user_id, 'all or nothing: nothing moved');
    await assertAccessible(page, 'reassignment error on its row');
    // Leave the closed one where it is and apply the other alone.
    await closeRow.locator('select').selectOption('');
    if (await reassignmentChecksVersions(page, keep.id, other.user_id, close.id)) {
      // The kept case changes meanwhile (its acuity, through the API): applying
      // is refused on its row, the case read again, and applying again works.
      const k = await api(page, 'GET', `/cases/${keep.id}`);
      await api(page, 'PATCH', `/cases/${keep.id}`, { acuity: k.acuity === 'high' ? 'moderate' : 'high', version: k.version });
      await page.getByRole('button', { name: 'Apply 1 reassignment' }).click();
      await keepRow.locator('.field-error').filter({ hasText: 'someone else changed this case since the proposal was made' }).waitFor();
      assert.equal(await keepRow.getAttribute('class'), 'invalid-row');
      await page.waitForFunction((id) => document.activeElement?.id === id, `move-to-${keep.id}`);
      assert.equal((await api(page, 'GET', `/cases/${keep.id}`)).assigned_user_id, rivera.user_id, 'nothing moved');
      assert.equal(await keepRow.locator('select').inputValue(), String(other.user_id), 'the target is kept');
      await assertAccessible(page, 'reassignment conflict on its row');
    }
    await page.getByRole('button', { name: 'Apply 1 reassignment' }).click();
    await page.getByRole('status').filter({ hasText: '1 case reassigned.' }).waitFor();
    assert.equal(await page.getByTestId('proposal').count(), 0);
    const moved = await api(page, 'GET', `/cases/${keep.id}`);
    assert.equal(moved.assigned_user_id, other.user_id);
    assert.equal(moved.assignments.find((a) => a.ended_at === null)?.reason, 'Rebalancing after a new referral wave');
    await assertNoPatientDataKept(page);
  });

  it('books a coverage and ends it early', async () => {
    await timed('supervision_coverage', page, () => sub('Coverage').click(), page.locator('#coverage-table tbody tr').first());
    const demo = (await api(page, 'GET', '/supervision/coverages')).items;
    assert.equal(await page.locator('#coverage-table tbody tr').count(), demo.length);
    assert.match(await page.locator(`#coverage-table tr[data-coverage-id="${demo[0].id}"]`).textContent(), /Aisha Johnson, RN.*David Chen, MSW.*annual leave.*Scheduled/);
    await page.getByRole('button', { name: 'Book coverage' }).click();
    const dialog = page.getByRole('dialog', { name: 'Book coverage' });
    await dialog.waitFor();
    // Nothing chosen: the server names the first missing field.
    await dialog.getByRole('button', { name: 'Book coverage' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Away: is required.' }).waitFor();
    await dialog.getByLabel('Away', { exact: true }).selectOption({ label: 'Maria Rivera, RN' });
    await dialog.getByLabel('Covered by').selectOption({ label: 'Grace Okafor, RN (supervisor)' });
    const org = await api(page, 'GET', '/organisation');
    await dialog.getByText(`in the organisation's time zone (${org.time_zone})`).waitFor();
    await dialog.getByLabel('First day').fill(addDays(org.today, 40));
    await dialog.getByLabel('Last day').fill(addDays(org.today, 44));
    await dialog.getByLabel('Reason').fill('x');
    await dialog.getByRole('button', { name: 'Book coverage' }).click();
    await dialog.getByRole('alert').filter({ hasText: /^Reason: say why/ }).waitFor();
    assert.equal(await dialog.getByLabel('Reason').getAttribute('aria-invalid'), 'true');
    await assertAccessible(page, 'book coverage dialog');
    await dialog.getByLabel('Reason').fill('training course');
    await dialog.getByRole('button', { name: 'Book coverage' }).click();
    await page.getByRole('status').filter({ hasText: /^Coverage booked: Grace Okafor, RN \(supervisor\) covers Maria Rivera, RN/ }).waitFor();
    const booked = (await api(page, 'GET', '/supervision/coverages')).items.find((v) => v.reason === 'training course');
    assert.equal(booked.state, 'scheduled');
    // The days are the organisation's: from its midnight to the midnight after the last day.
    assert.deepEqual(inZone(booked.starts_at, org.time_zone), [addDays(org.today, 40), '00:00']);
    assert.deepEqual(inZone(booked.ends_at, org.time_zone), [addDays(org.today, 45), '00:00']);
    const row = page.locator(`#coverage-table tr[data-coverage-id="${booked.id}"]`);
    await row.waitFor();
    assert.match(await row.textContent(), /Maria Rivera, RN.*Grace Okafor, RN \(supervisor\).*training course.*Scheduled/);
    await screenshot(page, '83-supervision-coverage');

    await row.getByRole('button', { name: /^End early/ }).click();
    const end = page.getByRole('dialog', { name: 'End coverage early' });
    await end.getByLabel('Why it ends early').fill('course cancelled');
    await assertAccessible(page, 'end coverage dialog');
    await end.getByRole('button', { name: 'End coverage' }).click();
    await page.getByRole('status').filter({ hasText: "Coverage ended: Maria Rivera, RN's caseload is theirs again." }).waitFor();
    await row.waitFor({ state: 'detached' });
    await page.getByLabel('Show past coverages too').check();
    await row.waitFor();
    assert.match(await row.textContent(), /Ended .*: course cancelled/);
    const ended = (await api(page, 'GET', '/supervision/coverages?include_ended=true')).items.find((v) => v.id === booked.id);
    assert.equal(ended.state, 'ended');
    assert.equal(ended.end_reason, 'course cancelled');
    await noSidewaysScroll(page, 'coverage');
    await screenshot(page, '84-supervision-coverage-768');
    await sub('Reassignment').click();
    const johnson = (await api(page, 'GET', '/caseloads')).items.find((c) => c.username === 'cm.johnson');
    await page.getByLabel('Case manager leaving').selectOption(String(johnson.user_id));
    await page.getByRole('button', { name: 'Propose reassignment' }).click();
    await page.getByTestId('proposal').waitFor();
    await noSidewaysScroll(page, 'reassignment proposal');
    await screenshot(page, '85-supervision-proposal-768');
    await page.getByRole('button', { name: 'Discard proposal' }).click();
    await sub('Team').click();
    await page.locator('#team-table tbody tr').first().waitFor();
    await noSidewaysScroll(page, 'team');
    await page.setViewportSize({ width: 1366, height: 900 });
    assert.deepEqual(problems, []);
  });
});

describe('my documentation', () => {
  it('shows a case manager their own checklist and their coverage', async () => {
    const { context, page, problems } = await newPage();
    try {
      await signIn(page, 'cm.johnson');
      await timed('my_documentation', page, () => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My documentation' }).click(), page.locator('#comp-table tbody tr').first());
      const r = await api(page, 'GET', '/supervision/compliance');
      assert.equal(r.members.length, 1);
      assert.equal(await page.locator('#comp-table tbody tr').count(), 1);
      assert.equal(await page.getByLabel('Case manager', { exact: true }).count(), 0, 'a case manager sees their own only');
      // Their findings are open at once, each linking to the patient at the case.
      const f = r.members[0].findings[0];
      const link = page.locator(`details.findings[open] tr[data-case-id="${f.case_id}"]`).first().getByRole('link', { name: f.patient_name });
      assert.equal(await link.getAttribute('href'), `/patients/${f.patient_id}?case=${f.case_id}`);
      await page.locator('ul.my-coverages li').filter({ hasText: /You will be away; David Chen, MSW will cover your caseload/ }).waitFor();
      await assertAccessible(page, 'my documentation');
      await assertNoPatientDataKept(page);
      await screenshot(page, '86-my-documentation');
      await noSidewaysScroll(page, 'my documentation');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
