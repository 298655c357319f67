// End-to-end: worklist snoozes (docs/web.md, My day) in headless Chromium
// against the real server with a fresh demo database. A case manager snoozes
// the top item that can be snoozed (a missing reason named first, the preset
// at 9:00 on the organisation's clock): it leaves the list and "1 snoozed"
// appears; *Show snoozed* lists it marked, *Wake now* brings it back; `z`
// opens the dialog from the keyboard and Escape returns the focus; a time too
// far ahead is named on its field; a wake after the snooze has ended (409)
// is explained and the list read again; an item back from a snooze says so
// once. A supervisor sees what snoozes hide
// on the team worklist. Screenshots and timings-snooze.json go to
// e2e/artifacts/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, assertNoPatientDataKept, screenshot, suite } from './harness.mjs';

const { server, newPage, signIn, timed } = suite('timings-snooze.json');

const call = async (page, method, p, data) => {
  const r = await page.request.fetch(`${server.url}/api/v1${p}`, { method, data });
  const text = await r.text();
  return { status: r.status(), body: text ? JSON.parse(text) : null };
};
const api = async (page, method, p, data) => {
  const r = await call(page, method, p, data);
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

/** The day `days` after a YYYY-MM-DD day. */
function addDays(day, days) {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86400000).toISOString().slice(0, 10);
}

/** A time's day and wall clock in a zone: ["2026-11-28", "09:00"]. */
function inZone(iso, timeZone) {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const p = Object.fromEntries(f.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return [`${p.year}-${p.month}-${p.day}`, `${p.hour}:${p.minute}`];
}

/** A day at 9:00 as the screen words it: "Sat 28 Nov 09:00". */
function nineOn(day) {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' });
  const p = Object.fromEntries(f.formatToParts(new Date(`${day}T12:00:00Z`)).map((x) => [x.type, x.value]));
  return `${p.weekday} ${p.day} ${p.month} 09:00`;
}

const row = (page, key) => page.locator(`li.wl-item[data-key="${key}"]`);
const focusedOpenLink = (page) => page.evaluate(() => document.activeElement?.classList.contains('wl-open') ?? false);

let snoozedForTeam; // the item a supervisor then finds snoozed

describe('case manager', { concurrency: false }, () => {
  let ctx;
  let page;
  let problems;
  let org;
  let before0; // what snoozes hid before the tests
  let key;
  let title;

  before(async () => {
    ({ context: ctx, page, problems } = await newPage());
    await signIn(page, 'cm.rivera');
    await page.getByRole('heading', { name: 'My day', level: 1 }).waitFor();
    await page.locator('li.wl-item').first().waitFor();
    org = await api(page, 'GET', '/organisation');
  });
  after(async () => {
    await ctx?.close();
  });

  it('snoozes the top item with a reason: it leaves the list and "1 snoozed" appears', async () => {
    const wl = await api(page, 'GET', '/worklist?limit=100');
    assert.ok(wl.items.every((it) => 'key' in it && 'snooze' in it), 'every item has its key and snooze');
    assert.ok(wl.items.filter((it) => it.kind === 'crisis_alert').every((it) => it.key === null), 'a crisis alert cannot be snoozed');
    before0 = wl.snoozed;
    assert.equal(typeof before0, 'number');
    // A crisis alert has no Snooze button; the first item that can be snoozed has one.
    assert.equal(await page.locator('li.wl-item[data-kind="crisis_alert"]').getByRole('button', { name: /^Snooze/ }).count(), 0);
    const top = page.locator('li.wl-item[data-key]').first();
    key = await top.getAttribute('data-key');
    title = await top.locator('.wl-title').textContent();
    assert.equal(key, wl.items.find((it) => it.key)?.key, 'the top item that can be snoozed, in the server’s order');

    await top.getByRole('button', { name: /^Snooze:/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Snooze' });
    await dialog.waitFor();
    assert.match(await dialog.locator('.dialog-subject').textContent(), new RegExp(title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    // The presets are 9:00 on the organisation's clock, from its today (not this computer's).
    const tomorrow = nineOn(addDays(org.today, 1));
    const preset = dialog.getByLabel(/^Tomorrow 9:00/);
    assert.ok(await preset.isChecked(), 'tomorrow 9:00 is chosen first');
    assert.match(await preset.locator('xpath=..').textContent(), new RegExp(tomorrow));
    assert.match(await dialog.locator('#snooze-until-hint').textContent(), new RegExp(org.time_zone.replace('/', '\\/')));
    await dialog.getByLabel(/^Next Monday 9:00/).waitFor();

    // The reason is required: the server's error is named on its field.
    await dialog.getByRole('button', { name: 'Snooze', exact: true }).click();
    await dialog.getByRole('alert').filter({ hasText: /^Reason: / }).waitFor();
    const reason = dialog.getByLabel('Reason');
    assert.equal(await reason.getAttribute('aria-invalid'), 'true');
    assert.match(await dialog.locator('#snooze-reason-error').textContent(), /^Reason: /);
    assert.equal(await row(page, key).count(), 1, 'nothing snoozed yet');
    await assertAccessible(page, 'snooze dialog');
    await screenshot(page, '50-snooze-dialog');

    await reason.fill('Waiting for the cardiology letter');
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/worklist/snoozes') && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: 'Snooze', exact: true }).click();
    const r = await answer;
    assert.equal(r.status(), 201);
    const snooze = await r.json();
    assert.equal(snooze.active, true);
    assert.deepEqual(inZone(snooze.until, org.time_zone), [addDays(org.today, 1), '09:00']);
    await page.getByRole('status').filter({ hasText: `Snoozed until ${tomorrow}` }).waitFor();
    await dialog.waitFor({ state: 'detached' });
    await row(page, key).waitFor({ state: 'detached' });
    await page.locator('#wl-snoozed-count').filter({ hasText: `${before0 + 1} snoozed` }).waitFor();
    // The focus is not lost with the item: it is on the item now in its place.
    await page.waitForFunction(() => document.activeElement?.classList.contains('wl-open'));
    await assertNoPatientDataKept(page);
  });

  it('shows the snoozed items marked, and wakes one', async () => {
    const toggle = page.getByRole('button', { name: 'Show snoozed' });
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    await timed('my_day_show_snoozed', page, () => toggle.click(), row(page, key));
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    const it_ = row(page, key);
    assert.match(await it_.getAttribute('class'), /\bsnoozed\b/);
    const note = await it_.locator('.snooze-note').textContent();
    assert.match(note, new RegExp(`^Snoozed until ${nineOn(addDays(org.today, 1))} by Maria Rivera.* — Waiting for the cardiology letter$`));
    // The count says what snoozes hide, listed or not.
    assert.equal(await page.locator('#wl-snoozed-count').textContent(), `${before0 + 1} snoozed`);
    await assertAccessible(page, 'my day with snoozed items');
    await screenshot(page, '51-snoozed-shown');
    // At tablet width the marked items and their buttons fit.
    await page.setViewportSize({ width: 768, height: 1024 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `My day with snoozed items at 768px scrolls sideways by ${overflow}px`);
    await screenshot(page, '52-snoozed-768');
    await page.setViewportSize({ width: 1366, height: 900 });

    await it_.getByRole('button', { name: /^Wake now/ }).click();
    await page.getByRole('status').filter({ hasText: /^Woken: / }).waitFor();
    await it_.locator('.snooze-note').waitFor({ state: 'detached' });
    assert.doesNotMatch(await it_.getAttribute('class'), /\bsnoozed\b/);
    assert.equal(await it_.getByRole('button', { name: /^Wake now/ }).count(), 0);
    await page.locator('#wl-snoozed-count').filter({ hasText: `${before0} snoozed` }).waitFor();
    await page.waitForFunction(() => document.activeElement?.closest('li.wl-item')?.querySelector('.wl-open') === document.activeElement);
    assert.equal(await page.evaluate(() => document.activeElement?.closest('li.wl-item')?.dataset.key), key, 'the focus is on the woken item');
    // Back in the list without asking for the snoozed ones.
    // (With nothing snoozed any more, the toggle goes once turned off.)
    const read = page.waitForResponse((r) => /\/api\/v1\/worklist\?limit=\d+$/.test(r.url()));
    await toggle.click();
    await read;
    await row(page, key).waitFor();
    assert.equal(await row(page, key).locator('.snooze-note').count(), 0);
  });

  it('z snoozes the focused item from the keyboard, listed among the shortcuts; Escape returns the focus', async () => {
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    assert.match(await page.locator('#wl-help').textContent(), /zsnooze the item/);
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    const keys = await page.locator('li.wl-item').evaluateAll((els) => els.map((e) => e.dataset.key ?? null));
    const index = keys.findIndex((k) => k);
    // From the first item, j down to it.
    await page.locator('li.wl-item .wl-open').first().focus();
    for (let i = 0; i < index; i++) await page.keyboard.press('j');
    await page.waitForFunction((i) => [...document.querySelectorAll('li.wl-item .wl-open')].indexOf(document.activeElement) === i, index);
    await page.keyboard.press('z');
    const dialog = page.getByRole('dialog', { name: 'Snooze' });
    await dialog.waitFor();
    const subject = await dialog.locator('.dialog-subject').textContent();
    assert.ok(subject.endsWith(await page.locator('li.wl-item').nth(index).locator('.wl-title').textContent()));
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.waitForFunction((i) => [...document.querySelectorAll('li.wl-item .wl-open')].indexOf(document.activeElement) === i, index);
    assert.ok(await focusedOpenLink(page));
    // A crisis alert has no key: z does nothing on it.
    const crisis = keys.findIndex((k) => !k);
    if (crisis >= 0) {
      await page.locator('li.wl-item .wl-open').nth(crisis).focus();
      await page.keyboard.press('z');
      await page.waitForTimeout(200);
      assert.equal(await dialog.count(), 0);
    }
  });

  it('names a time too far ahead on its field (another date and time)', async () => {
    const top = page.locator('li.wl-item[data-key]').first();
    await top.getByRole('button', { name: /^Snooze:/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Snooze' });
    await dialog.getByLabel('Another date and time').check();
    await dialog.getByLabel('Date', { exact: true }).fill(addDays(org.today, 45));
    await dialog.getByLabel('Time', { exact: true }).fill('10:30');
    await dialog.getByLabel('Reason').fill('Back after the long leave');
    await dialog.getByRole('button', { name: 'Snooze', exact: true }).click();
    await dialog.getByRole('alert').filter({ hasText: /^Snooze until: / }).waitFor();
    assert.match(await dialog.locator('#snooze-until-error').textContent(), /^Snooze until: /);
    assert.equal(await dialog.getByLabel('Date', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.equal(await dialog.locator('fieldset.snooze-until.invalid').count(), 1);
    await assertAccessible(page, 'snooze dialog with an error');
    await screenshot(page, '53-snooze-until-error');
    // Within the limit, 10:30 on the organisation's clock.
    const day = addDays(org.today, 2);
    await dialog.getByLabel('Date', { exact: true }).fill(day);
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/worklist/snoozes') && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: 'Snooze', exact: true }).click();
    const r = await answer;
    assert.equal(r.status(), 201);
    const s = await r.json();
    assert.deepEqual(inZone(s.until, org.time_zone), [day, '10:30']);
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: /^Snoozed until / }).waitFor();
    snoozedForTeam = s.item;
    await row(page, s.item).waitFor({ state: 'detached' });
  });

  it('explains a wake that comes after the snooze ended (409) and reads the list again', async () => {
    const wl = await api(page, 'GET', '/worklist?limit=100');
    const item = wl.items.find((it) => it.key && it.key !== key);
    const until = new Date(Date.now() + 2 * 86400000).toISOString();
    const s = await api(page, 'POST', '/worklist/snoozes', { item: item.key, until, reason: 'Checked through the API' });
    const toggle = page.getByRole('button', { name: 'Show snoozed' });
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    const it_ = row(page, item.key);
    await it_.locator('.snooze-note').waitFor();
    // Meanwhile someone wakes it.
    const woken = await api(page, 'POST', `/worklist/snoozes/${s.id}/wake`);
    assert.equal(woken.active, false);
    const again = await call(page, 'POST', `/worklist/snoozes/${s.id}/wake`);
    assert.equal(again.status, 409);
    await it_.getByRole('button', { name: /^Wake now/ }).click();
    await page.getByRole('alert').filter({ hasText: 'This snooze had already ended' }).waitFor();
    await it_.locator('.snooze-note').waitFor({ state: 'detached' });
    await screenshot(page, '54-wake-conflict');
    await toggle.click();
  });

  it('says once that an item is back from its snooze', async () => {
    const wl = await api(page, 'GET', '/worklist?limit=100');
    const item = wl.items.find((it) => it.key && it.kind !== 'crisis_alert' && !it.snooze);
    // A snooze of a few seconds (the server takes any time in the future), then the list again.
    await api(page, 'POST', '/worklist/snoozes', { item: item.key, until: new Date(Date.now() + 2500).toISOString(), reason: 'Left a voicemail, calling back' });
    await page.waitForTimeout(3500);
    const read = page.waitForResponse((r) => /\/api\/v1\/worklist\?limit=\d+$/.test(r.url()));
    await page.reload();
    await read;
    const it_ = row(page, item.key);
    await it_.locator('.back-note').waitFor();
    assert.equal(await it_.locator('.back-note').textContent(), 'Back from snooze — Left a voicemail, calling back');
    const back = (await api(page, 'GET', '/worklist?limit=100')).items.find((x) => x.key === item.key);
    assert.equal(back.snooze?.active, false);
    assert.ok(back.reasons.some((r) => /^back from a snooze/.test(r)), 'the server gives it as a reason too');
    // Not twice: the reason chips leave it to the note.
    const chips = await it_.locator('.reasons li').allTextContents();
    assert.ok(chips.length >= 1 && chips.every((c) => !/snooze/i.test(c)), chips.join(' | '));
    assert.equal(await it_.getByRole('button', { name: /^Wake now/ }).count(), 0);
    await assertAccessible(page, 'my day with an item back from a snooze');
    assert.deepEqual(problems, []);
  });
});

describe('supervisor', { concurrency: false }, () => {
  it('sees what snoozes hide on the team worklist, and who snoozed them', async () => {
    assert.ok(snoozedForTeam, 'the case manager snoozed an item');
    const { context, page, problems } = await newPage();
    try {
      await signIn(page, 'sup.okafor');
      await timed('team_worklist_snoozes', page, () => page.getByRole('link', { name: 'Team worklist' }).click(), page.locator('#wl-snoozed-count'));
      const team = await api(page, 'GET', '/team/worklist?limit=200');
      assert.ok(team.snoozed >= 1, `the team worklist counts the snoozed item: ${team.snoozed}`);
      assert.equal(team.items.some((it) => it.key === snoozedForTeam), false, 'hidden from the team worklist too');
      assert.equal(await page.locator('#wl-snoozed-count').textContent(), `${team.snoozed} snoozed`);
      assert.equal(await row(page, snoozedForTeam).count(), 0);
      await page.getByRole('button', { name: 'Show snoozed' }).click();
      const it_ = row(page, snoozedForTeam);
      await it_.locator('.snooze-note').waitFor();
      assert.match(await it_.locator('.snooze-note').textContent(), /^Snoozed until .* by Maria Rivera.* — Back after the long leave$/);
      await assertAccessible(page, 'team worklist with snoozed items');
      await assertNoPatientDataKept(page);
      await screenshot(page, '55-team-snoozed');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
