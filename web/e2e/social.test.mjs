// End-to-end: social needs (issue #10) in headless Chromium against the real
// server with a fresh demo database (a community directory around Columbus,
// OH; barriers opened by the demo's AHC screens). A case manager opens a
// patient's barrier from a screening, searches resources from the patient's
// home (language, distance), refers with the patient's verbal consent (the
// missing consent named first), copies the organisation's link shown once;
// the organisation opens it in a fresh browser with no session (the token
// leaves the address bar), accepts and records the service delivered; the
// case manager sees the outcome on the barrier and resolves it (the missing
// outcome named first). Another case manager's unanswered referral opens
// from My day at the referral; a decline is recorded by phone (the missing
// reason named first) through a stale-version conflict.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, assertNoPatientDataKept, screenshot, suite } from './harness.mjs';

const { server, newPage, signIn, timed } = suite('timings-social.json', { allowConsole: /401|Unauthorized|409|Conflict|400|Bad Request|404|Not Found/ });

const api = async (page, method, p, data) => {
  const r = await page.request.fetch(`${server.url}/api/v1${p}`, { method, data });
  assert.ok(r.ok(), `${method} ${p}: ${r.status()} ${await r.text()}`);
  return r.json();
};

const LANGUAGE_NAMES = { es: 'Spanish', en: 'English', so: 'Somali', ar: 'Arabic', ne: 'Nepali', vi: 'Vietnamese' };

describe('social needs: a barrier, resources, a referral and the organisation’s page', { concurrency: false }, () => {
  let ctx;
  let page;
  let problems;
  let pid;
  let patient;
  let barrier;
  let link;
  let organization;
  let referralId;

  before(async () => {
    ({ context: ctx, page, problems } = await newPage());
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await signIn(page, 'cm.rivera');
    // A caseload patient with an open food barrier opened by a demo AHC screen.
    const wl = await api(page, 'GET', '/worklist?limit=200');
    const pids = [...new Set(wl.items.map((i) => i.patient_id))].sort((a, b) => a - b);
    for (const id of pids) {
      const b = await api(page, 'GET', `/patients/${id}/barriers`);
      const food = b.items.find((x) => x.domain === 'food_insecurity' && x.source === 'screening' && x.status === 'identified');
      if (food) {
        pid = id;
        barrier = food;
        break;
      }
    }
    assert.ok(barrier, 'the demo has a caseload patient with a food barrier from a screening');
    patient = await api(page, 'GET', `/patients/${pid}`);
  });
  after(async () => {
    assert.deepEqual(problems, [], 'no page errors or CSP violations');
    await ctx?.close();
  });

  it('lists the case’s barriers from screening and finds resources from the patient’s home', async () => {
    await page.goto(`${server.url}/patients/${pid}?case=${barrier.case_id}`);
    await page.getByRole('tab', { name: 'Timeline', selected: true }).waitFor();
    await timed('patient_social', page, () => page.getByRole('tab', { name: 'Social needs' }).click(), page.getByRole('heading', { level: 2, name: 'Barriers to care' }));
    const card = page.locator(`article.barrier[data-barrier-id="${barrier.id}"]`);
    await card.getByRole('heading', { name: 'Not enough food' }).waitFor();
    assert.match(await card.textContent(), /High severity/);
    assert.match(await card.textContent(), /Identified/);
    assert.match(await card.textContent(), /From screening on \d{4}-\d{2}-\d{2}/);
    assert.ok(await card.getByRole('link', { name: /open the assessment/ }).count(), 'the screening links to its assessment');
    await assertAccessible(page, 'social needs tab');
    await assertNoPatientDataKept(page);

    await card.getByRole('link', { name: 'Find resources for Not enough food' }).click();
    assert.equal(new URL(page.url()).searchParams.get('barrier'), String(barrier.id));
    const finder = page.locator('section.finder');
    await finder.getByRole('heading', { name: 'Find resources: Not enough food' }).waitFor();
    const summary = finder.getByRole('status').filter({ hasText: /nearest first|No service matches/ });
    await summary.waitFor();
    assert.match(await summary.textContent(), /Distances from the patient's home ZIP \d{5}/);
    const lang = patient.preferred_language;
    const langName = LANGUAGE_NAMES[lang] ?? lang;
    if (lang) {
      const only = finder.getByLabel(new RegExp(`Only services in ${langName}`));
      assert.ok(await only.isChecked(), 'the language filter defaults to the patient’s language');
      for (const r of await finder.locator('li.resource').all()) assert.match(await r.textContent(), new RegExp(`${langName} \\(the patient's language\\)`));
      await only.uncheck();
    }
    await finder.getByLabel('Distance from home').selectOption('5');
    await finder.getByRole('button', { name: 'Search' }).click();
    await finder.getByRole('status').filter({ hasText: /nearest first/ }).waitFor();
    await page.waitForFunction(() => !document.querySelector('section.finder .loading'));
    const near = await finder.locator('li.resource .distance').allTextContents();
    assert.ok(near.length > 0, 'services within 5 miles');
    for (const d of near) assert.ok(Number(/([\d.]+) miles?/.exec(d)?.[1]) <= 5, `${d} is within 5 miles`);
    // Back to the patient's language, any distance.
    if (lang) await finder.getByLabel(new RegExp(`Only services in ${langName}`)).check();
    await finder.getByLabel('Distance from home').selectOption('');
    await finder.getByRole('button', { name: 'Search' }).click();
    await finder.locator('li.resource .badge.cap-open').first().waitFor();
    const first = finder.locator('li.resource').filter({ has: page.locator('.badge.cap-open') }).first();
    const text = await first.textContent();
    assert.match(text, /\d+(\.\d)? miles?/);
    assert.match(text, /Taking new clients/);
    assert.match(text, /Languages/);
    assert.match(text, /Hours/);
    assert.match(text, /Phone/);
    assert.match(text, /Eligibility/);
    organization = (await first.locator('h3').textContent()).split(':')[0];
    await screenshot(page, '30-social-resources');
    await assertAccessible(page, 'resource search');
    await assertNoPatientDataKept(page);
  });

  it('refers with the patient’s verbal consent (the missing consent named first) and shows the link once', async () => {
    const finder = page.locator('section.finder');
    await finder.getByRole('button', { name: new RegExp(`^Refer to ${organization}:`) }).click();
    const d = page.getByRole('dialog', { name: 'Refer to a community organisation' });
    await d.getByLabel('Note for the organisation').fill('Needs weekly groceries for a family of three; best reached after 4 pm.');
    await d.getByLabel(/Share the patient's street address/).check();
    await d.getByRole('button', { name: 'Send now' }).click();
    await d.getByRole('alert').filter({ hasText: `Patient's consent to share with ${organization}: the patient has not agreed` }).waitFor();
    const consent = d.getByRole('group', { name: `The patient's consent to share with ${organization}` });
    assert.equal(await consent.getAttribute('aria-invalid'), 'true');
    await consent.getByLabel('Agreed verbally').check();
    await assertAccessible(page, 'refer dialog');
    await d.getByRole('button', { name: 'Send now' }).click();
    const sent = page.getByRole('dialog', { name: 'Referral sent' });
    await sent.getByText('This link will not be shown again.').waitFor();
    const field = sent.getByLabel(`Link for ${organization}`);
    link = await field.inputValue();
    assert.match(link, new RegExp(`^${server.url.replace(/[.]/g, '\\.')}/partner#token=[A-Za-z0-9_-]{20,}$`));
    await sent.getByRole('button', { name: 'Copy link' }).click();
    await sent.getByRole('status').filter({ hasText: 'Link copied.' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link, 'the clipboard holds the link');
    await screenshot(page, '31-referral-link');
    await assertAccessible(page, 'referral link dialog');
    await sent.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('status').filter({ hasText: new RegExp(`^Referral #\\d+ sent to ${organization}`) }).waitFor();
    assert.equal(await page.getByText('This link will not be shown again.').count(), 0, 'the link is gone once the dialog closes');
    const card = page.locator('article.referral').filter({ hasText: organization }).first();
    referralId = Number(await card.getAttribute('data-referral-id'));
    assert.match(await card.textContent(), /Sent, waiting for an answer/);
    assert.match(await card.textContent(), /Answer due in \d+/);
    assert.match(await card.textContent(), /Yes, the street address/);
    // The barrier is being worked on now.
    assert.match(await page.locator(`article.barrier[data-barrier-id="${barrier.id}"]`).textContent(), /In progress/);
    await assertNoPatientDataKept(page);
  });

  it('the organisation opens the link with no session: the token leaves the address bar; it accepts and records the service', async () => {
    const { context, page: partner, problems: pp } = await newPage();
    try {
      await partner.goto(link);
      await partner.getByRole('heading', { level: 1, name: `Referral to ${organization}` }).waitFor();
      // The token is read from the fragment, then removed from the address bar and history.
      assert.equal(new URL(partner.url()).hash, '');
      assert.doesNotMatch(partner.url(), /token/);
      assert.equal(await partner.evaluate(() => window.location.hash), '');
      assert.equal(await partner.getByRole('navigation').count(), 0, 'no app navigation');
      assert.equal(await partner.getByRole('button', { name: 'Sign out' }).count(), 0);
      assert.equal((await context.cookies()).length, 0, 'no session cookie');
      const body = await partner.locator('main').textContent();
      assert.match(body, new RegExp(patient.family_name), 'the person’s name');
      assert.match(body, /Needs weekly groceries/, 'the case manager’s note');
      assert.match(body, new RegExp((patient.address?.line1 ?? 'Not shared').replace(/[.]/g, '\\.')), 'the street address, shared');
      assert.match(body, /Not enough food|food insecurity/);
      assert.equal(await partner.title(), 'Community referral — casekeeper');
      await assertAccessible(partner, 'partner page');
      await assertNoPatientDataKept(partner);
      await screenshot(partner, '32-partner-page');

      await partner.getByLabel('Accept the referral').check();
      await partner.getByLabel('Your name').fill('Sam Synthetic');
      await partner.getByRole('button', { name: 'Send answer' }).click();
      await partner.getByRole('status').filter({ hasText: 'the referral is now accepted' }).waitFor();
      await partner.getByLabel('Service was delivered').check();
      // The organisation's today by default (not this computer's date: between midnight UTC and
      // midnight in its zone they differ, and the server refuses a day after its today).
      const { today } = await api(page, 'GET', '/organisation');
      assert.equal(await partner.getByLabel('Date of the service').inputValue(), today);
      assert.equal(await partner.getByLabel('Date of the service').getAttribute('max'), today);
      await partner.getByLabel('Note for the case manager').fill('Picked up a week of groceries; enrolled for weekly visits.');
      await partner.getByLabel('Your capacity now').selectOption('waitlist');
      await partner.getByLabel('Capacity note').fill('About two weeks for new families');
      await partner.getByRole('button', { name: 'Send answer' }).click();
      await partner.getByRole('status').filter({ hasText: 'the referral is now service delivered; your capacity is waitlist' }).waitFor();
      assert.equal(await partner.getByRole('group', { name: 'What happened' }).count(), 0, 'nothing more to answer');
      await assertAccessible(partner, 'partner page after the answer');
      await screenshot(partner, '33-partner-delivered');

      // The token lived in memory only: a reload cannot open the referral again.
      await partner.reload();
      await partner.getByRole('heading', { level: 1, name: 'Open your referral link' }).waitFor();
      // A made-up link is refused in words.
      await partner.goto(`${server.url}/partner#token=${'A'.repeat(43)}`);
      await partner.getByRole('heading', { level: 1, name: 'This link cannot be used' }).waitFor();
      await partner.getByRole('alert').filter({ hasText: 'This link does not work.' }).waitFor();
      assert.doesNotMatch(partner.url(), /token/);
      await assertAccessible(partner, 'partner page, refused link');
      assert.deepEqual(pp, []);
    } finally {
      await context.close();
    }
  });

  it('back as the case manager: the outcome is on the barrier, which is resolved (the missing outcome named first)', async () => {
    await page.goto(`${server.url}/patients/${pid}?case=${barrier.case_id}&tab=social&barrier=${barrier.id}`);
    const card = page.locator(`article.barrier[data-barrier-id="${barrier.id}"]`);
    await card.getByText(/service delivered on \d{4}-\d{2}-\d{2} — Picked up a week of groceries/).waitFor();
    const ref = page.locator(`article.referral[data-referral-id="${referralId}"]`);
    assert.match(await ref.textContent(), /Service delivered/);
    await ref.getByText('History').click();
    assert.match(await ref.locator('ol.history').textContent(), /Accepted \(by the organisation\)/);
    assert.match(await ref.locator('ol.history').textContent(), /Capacity updated \(by the organisation\): Waitlist/);

    await card.getByRole('button', { name: 'Update Not enough food' }).click();
    const d = page.getByRole('dialog', { name: 'Update the barrier' });
    await d.getByRole('radio', { name: 'Resolved', exact: true }).check();
    await d.getByRole('button', { name: 'Save' }).click();
    await d.getByRole('alert').filter({ hasText: 'How it was resolved: ' }).waitFor();
    assert.equal(await d.getByLabel('How it was resolved').getAttribute('aria-invalid'), 'true');
    await d.getByRole('button', { name: 'Use this' }).click();
    assert.match(await d.getByLabel('How it was resolved').inputValue(), new RegExp(`from ${organization} delivered on`));
    await assertAccessible(page, 'update barrier dialog');
    await d.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Not enough food: Resolved' }).waitFor();
    assert.match(await card.textContent(), /Resolved/);
    assert.match(await card.locator('.barrier-outcome').textContent(), new RegExp(`from ${organization} delivered on`));
    await screenshot(page, '34-barrier-resolved');
    await assertAccessible(page, 'social needs tab, resolved');
    await assertNoPatientDataKept(page);
    // Tablet width: no sideways scrolling, the finder included.
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.goto(`${server.url}/patients/${pid}?case=${barrier.case_id}&tab=social&barrier=${barrier.id}`);
    await page.getByRole('heading', { name: 'Find resources: Not enough food' }).waitFor();
    await page.waitForFunction(() => !document.querySelector('.loading'));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the Social needs tab at 768px scrolls sideways by ${overflow}px`);
    await assertAccessible(page, 'social needs tab at 768px');
    await screenshot(page, '34-social-768');
  });
});

describe('social needs: an unanswered referral from My day', { concurrency: false }, () => {
  it('opens the tab at the referral, records a decline by phone (the missing reason named first) through a conflict', async () => {
    const { context, page, problems } = await newPage();
    try {
      await signIn(page, 'cm.johnson');
      const wl = await api(page, 'GET', '/worklist?limit=200');
      const item = wl.items.find((i) => i.kind === 'referral_unanswered');
      assert.ok(item, 'the demo has an unanswered referral on this caseload');
      await page.getByRole('button', { name: /^Social needs/ }).click();
      const row = page.locator('li.wl-item').filter({ hasText: item.title }).first();
      assert.match(await row.textContent(), /Referral unanswered/);
      await row.locator('.wl-open').click();
      await page.getByRole('tab', { name: 'Social needs', selected: true }).waitFor();
      const url = new URL(page.url());
      assert.equal(url.searchParams.get('tab'), 'social');
      assert.equal(url.searchParams.get('referral'), String(item.referral_id));
      const card = page.locator(`article.referral[data-referral-id="${item.referral_id}"]`);
      await card.waitFor();
      assert.match(await card.getAttribute('class'), /focused/);
      assert.match(await card.textContent(), /⚠ No answer — overdue by \d+/);
      await assertAccessible(page, 'social needs tab at a referral');

      await card.getByRole('button', { name: 'Record declined' }).click();
      const d = page.getByRole('dialog', { name: 'Record declined' });
      await d.getByRole('button', { name: 'Record declined' }).click();
      await d.getByRole('alert').filter({ hasText: 'Why the organisation declined: say why' }).waitFor();
      // Meanwhile someone sends it again (a new link, a new version).
      const before = await api(page, 'GET', `/resource-referrals/${item.referral_id}`);
      await api(page, 'POST', `/resource-referrals/${item.referral_id}/status`, { version: before.version, status: 'sent' });
      await d.getByLabel('Why the organisation declined').fill('No capacity this month; they suggested calling again in January.');
      await d.getByRole('button', { name: 'Record declined' }).click();
      await d.getByRole('alert').filter({ hasText: 'Someone else changed this referral after you opened it' }).waitFor();
      await d.getByRole('button', { name: 'Record declined' }).click();
      await page.getByRole('status').filter({ hasText: `Referral #${item.referral_id} to ` }).waitFor();
      assert.match(await card.textContent(), /Declined/);
      assert.match(await card.textContent(), /No capacity this month/);
      assert.doesNotMatch(await card.textContent(), /No answer/);
      await screenshot(page, '35-referral-declined');
      await assertNoPatientDataKept(page);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
