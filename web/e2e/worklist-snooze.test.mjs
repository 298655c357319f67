// End-to-end: worklist snoozes (docs/web.md, My day) in headless Chromium
// against the real server with a fresh demo database. *Snooze* shows only
// where the server takes it (not a crisis alert, a task in a queue, a
// referral nobody has, a colleague's task unless a supervisor). A case
// manager snoozes the first item she may (a missing reason named first, the
// preset at 9:00 on the organisation's clock): it leaves the list and "1
// snoozed" appears; *Show snoozed* lists it marked, *Wake now* brings it
// back; `z` opens the dialog from the keyboard and Escape returns the focus;
// a time too far ahead is named on its field, the last day's evening is
// taken; a wake after the snooze has ended (409) is explained and the list
// read again; snoozing a snoozed item replaces its snooze (`replaces`); a
// snooze by someone else meanwhile, or the end of the snooze to replace, is
// explained (409) and the list read again on closing; an item back from a
// snooze (run out, or changed) says so once. A supervisor sees what snoozes
// hide on the team worklist. The demo's snoozes: Luis Garcia's snoozed item,
// Linh Nguyen's back from a snooze. Screenshots and timings-snooze.json go to
// e2e/artifacts/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD, assertAccessible, assertNoPatientDataKept, screenshot, suite } from './harness.mjs';

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

/**
 * Whether the server takes a snooze of the item from `me` (docs/worklist.md):
 * case managers and supervisors; not a crisis alert (no key), a task in a
 * queue or a referral nobody has; a task by its owner or a supervisor.
 */
function allows(it, me) {
  if (me.role !== 'case_manager' && me.role !== 'supervisor') return false;
  if (!it.key) return false;
  if (it.task_id !== null) return it.owner_user_id !== null && (it.owner_user_id === me.id || me.role === 'supervisor');
  return !(it.kind === 'new_referral' && it.owner_user_id === null);
}

const row = (page, key) => page.locator(`li.wl-item[data-key="${key}"]`);
const snoozeButton = (page) => page.getByRole('button', { name: /^Snooze:/ });
/** The keys of the rows that offer *Snooze*, in the list's order. */
const snoozable = (page) => page.locator('li.wl-item').filter({ has: snoozeButton(page) }).evaluateAll((els) => els.map((e) => e.dataset.key));
/** Signs `context` in through the API as a demo user (another person, as far as the server knows). */
const apiSignIn = async (context, username) => {
  const r = await context.request.post(`${server.url}/api/v1/auth/login`, { data: { username, password: PASSWORD } });
  assert.equal(r.status(), 200, `sign in as ${username}`);
};
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
  let me;
  let tomorrowNine; // the API's time of the first snooze: tomorrow 9:00 on the organisation's clock

  before(async () => {
    ({ context: ctx, page, problems } = await newPage());
    await signIn(page, 'cm.rivera');
    await page.getByRole('heading', { name: 'My day', level: 1 }).waitFor();
    await page.locator('li.wl-item').first().waitFor();
    org = await api(page, 'GET', '/organisation');
    me = await api(page, 'GET', '/auth/me');
  });
  after(async () => {
    await ctx?.close();
  });

  it('offers Snooze only where the server takes it', async () => {
    const wl = await api(page, 'GET', '/worklist?limit=100');
    assert.ok(wl.items.every((it) => 'key' in it && 'snooze' in it), 'every item has its key and snooze');
    assert.ok(wl.items.filter((it) => it.kind === 'crisis_alert').every((it) => it.key === null), 'a crisis alert cannot be snoozed');
    before0 = wl.snoozed;
    assert.equal(typeof before0, 'number');
    // The demo's list has what may not be snoozed: a crisis alert and tasks waiting in a queue.
    const queued = wl.items.filter((it) => it.task_id !== null && it.owner_user_id === null);
    assert.ok(queued.length > 0 && queued.every((it) => it.key), 'queued tasks have keys but wait to be claimed');
    assert.equal(await page.locator('li.wl-item[data-kind="crisis_alert"]').getByRole('button', { name: /^Snooze/ }).count(), 0);
    assert.equal(await row(page, queued[0].key).getByRole('button', { name: /^Snooze/ }).count(), 0, 'a queued task: claim it first');
    assert.equal(await row(page, queued[0].key).getByRole('button', { name: 'Claim' }).count(), 1);
    // Row by row, the buttons are the rule's.
    assert.deepEqual(await snoozable(page), wl.items.filter((it) => allows(it, me)).map((it) => it.key));
  });

  it('snoozes the first item it may with a reason: it leaves the list and "1 snoozed" appears', async () => {
    const wl = await api(page, 'GET', '/worklist?limit=100');
    const top = page.locator('li.wl-item').filter({ has: snoozeButton(page) }).first();
    key = await top.getAttribute('data-key');
    title = await top.locator('.wl-title').textContent();
    assert.equal(key, wl.items.find((it) => allows(it, me))?.key, 'the first item the rule allows, in the server’s order');

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
    assert.equal(snooze.changed, false);
    assert.equal(r.request().postDataJSON().replaces, undefined, 'nothing to replace');
    tomorrowNine = snooze.until;
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
    const offered = new Set(await snoozable(page));
    const index = keys.findIndex((k) => offered.has(k));
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
    // A crisis alert has no key, a queued task is to be claimed first: z does nothing on them.
    const crisis = keys.findIndex((k) => !k);
    const queued = keys.findIndex((k) => k && !offered.has(k));
    assert.ok(queued >= 0, 'the demo lists a task waiting in a queue');
    for (const i of [crisis, queued].filter((i) => i >= 0)) {
      await page.locator('li.wl-item .wl-open').nth(i).focus();
      await page.keyboard.press('z');
      await page.waitForTimeout(200);
      assert.equal(await dialog.count(), 0);
    }
  });

  it('names a time too far ahead on its field, and takes the last day up to its end (another date and time)', async () => {
    const top = page.locator('li.wl-item').filter({ has: snoozeButton(page) }).first();
    await top.getByRole('button', { name: /^Snooze:/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Snooze' });
    // The hint names the last day: the organisation's today + snooze_max_days, to its end.
    const last = addDays(org.today, org.snooze_max_days);
    const lastWords = nineOn(last).replace(/ 09:00$/, '');
    assert.match(await dialog.locator('#snooze-until-hint').textContent(), new RegExp(`by the end of ${lastWords}(?: \\d{4})? \\(${org.snooze_max_days} days from today\\) at the latest`));
    await dialog.getByLabel('Another date and time').check();
    assert.equal(await dialog.getByLabel('Date', { exact: true }).getAttribute('max'), last);
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
    // The last day, late in its evening: taken (the end of that day on the organisation's clock).
    await dialog.getByLabel('Date', { exact: true }).fill(last);
    await dialog.getByLabel('Time', { exact: true }).fill('23:30');
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/worklist/snoozes') && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: 'Snooze', exact: true }).click();
    const r = await answer;
    assert.equal(r.status(), 201, await r.text());
    const s = await r.json();
    assert.deepEqual(inZone(s.until, org.time_zone), [last, '23:30']);
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: /^Snoozed until / }).waitFor();
    snoozedForTeam = s.item;
    await row(page, s.item).waitFor({ state: 'detached' });
  });

  it('explains a wake that comes after the snooze ended (409) and reads the list again', async () => {
    const wl = await api(page, 'GET', '/worklist?limit=100');
    const item = wl.items.find((it) => allows(it, me) && it.key !== key);
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

  it('snoozes a snoozed item again from Show snoozed: the new snooze replaces it', async () => {
    const wl = await api(page, 'GET', '/worklist?limit=100');
    const item = wl.items.find((it) => allows(it, me) && it.task_id === null && it.key !== key);
    const first = await api(page, 'POST', '/worklist/snoozes', { item: item.key, until: tomorrowNine, reason: 'Waiting for the daughter’s call' });
    // Without naming it, the server keeps the snooze in force.
    const unnamed = await call(page, 'POST', '/worklist/snoozes', { item: item.key, until: tomorrowNine, reason: 'Overwrite' });
    assert.equal(unnamed.status, 409);
    assert.equal(unnamed.body.field, 'item');
    const toggle = page.getByRole('button', { name: 'Show snoozed' });
    await toggle.click();
    const it_ = row(page, item.key);
    await it_.locator('.snooze-note').filter({ hasText: /Waiting for the daughter’s call$/ }).waitFor();
    const count = await page.locator('#wl-snoozed-count').textContent();
    await it_.getByRole('button', { name: /^Snooze:/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Snooze' });
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /It is snoozed now \(Snoozed until .* by Maria Rivera.* — Waiting for the daughter’s call\); a new snooze replaces that one\./);
    await dialog.getByLabel('Reason').fill('The daughter calls on Monday instead');
    await dialog.getByLabel(/^Next Monday 9:00/).check();
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/worklist/snoozes') && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: 'Snooze', exact: true }).click();
    const r = await answer;
    assert.equal(r.status(), 201, await r.text());
    assert.equal(r.request().postDataJSON().replaces, first.id, 'the request names the snooze it replaces');
    const second = await r.json();
    await dialog.waitFor({ state: 'detached' });
    await it_.locator('.snooze-note').filter({ hasText: /The daughter calls on Monday instead$/ }).waitFor();
    assert.equal(await page.locator('#wl-snoozed-count').textContent(), count, 'still one snooze for the item');
    // The first one is kept, replaced: there is nothing left of it to wake.
    const wake = await call(page, 'POST', `/worklist/snoozes/${first.id}/wake`);
    assert.equal(wake.status, 409);
    assert.match(wake.body.error, new RegExp(`replaced by snooze ${second.id}`));

    // The snooze to replace ends meanwhile (woken elsewhere): said, and the list read again on closing.
    await it_.getByRole('button', { name: /^Snooze:/ }).click();
    await dialog.waitFor();
    await api(page, 'POST', `/worklist/snoozes/${second.id}/wake`);
    await dialog.getByLabel('Reason').fill('One more day');
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/v1/worklist/snoozes') && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: 'Snooze', exact: true }).click();
    assert.equal((await refused).status(), 409);
    await dialog.getByRole('alert').filter({ hasText: /^The snooze this one was to replace has ended meanwhile/ }).waitFor();
    const read = page.waitForResponse((r) => /\/api\/v1\/worklist\?limit=\d+&include_snoozed=true$/.test(r.url()));
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await read;
    await it_.locator('.snooze-note').waitFor({ state: 'detached' });
    await it_.waitFor();
    await toggle.click();
  });

  it('explains a snooze someone else made meanwhile (409) and reads the list again on closing', async () => {
    const wl = await api(page, 'GET', '/worklist?limit=100');
    // One of her own tasks, which her supervisor may snooze too.
    const item = wl.items.find((it) => allows(it, me) && it.task_id !== null && it.owner_user_id === me.id && it.key !== key);
    const it_ = row(page, item.key);
    await it_.getByRole('button', { name: /^Snooze:/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Snooze' });
    await dialog.waitFor();
    await dialog.getByLabel('Reason').fill('Waiting for the pharmacy');
    // Meanwhile her supervisor snoozes it.
    const { context: other } = await newPage();
    try {
      await apiSignIn(other, 'sup.okafor');
      const r = await other.request.post(`${server.url}/api/v1/worklist/snoozes`, { data: { item: item.key, until: tomorrowNine, reason: 'Discussed at the huddle' } });
      assert.equal(r.status(), 201, await r.text());
    } finally {
      await other.close();
    }
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/worklist/snoozes') && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: 'Snooze', exact: true }).click();
    const r = await answer;
    assert.equal(r.status(), 409);
    assert.equal((await r.json()).field, 'item');
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    assert.equal(
      await alert.textContent(),
      `Grace Okafor, RN (supervisor) snoozed this item meanwhile, until ${nineOn(addDays(org.today, 1))}, so your snooze was not saved. Close this to see the list as it is now. To snooze it your way, replace their snooze from Show snoozed.`,
    );
    assert.equal(await dialog.locator('#snooze-item-error').count(), 0, 'said once');
    await assertAccessible(page, 'snooze dialog with a conflict');
    await screenshot(page, '56-snooze-conflict');
    const count = await page.locator('#wl-snoozed-count').textContent();
    const read = page.waitForResponse((r) => /\/api\/v1\/worklist\?limit=\d+$/.test(r.url()));
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await read;
    // Snoozed by her supervisor: it has left the list, the count says so, the focus is on the item in its place.
    await it_.waitFor({ state: 'detached' });
    await page.locator('#wl-snoozed-count').filter({ hasText: `${Number.parseInt(count, 10) + 1} snoozed` }).waitFor();
    await page.waitForFunction(() => document.activeElement?.classList.contains('wl-open'));
  });

  it('says once that an item is back from its snooze', async () => {
    const wl = await api(page, 'GET', '/worklist?limit=100');
    const item = wl.items.find((it) => allows(it, me) && !it.snooze);
    // A snooze of a few seconds (the server takes any time in the future); once it has run
    // out, the item says so for as long as the snooze lasted (5 s here).
    const s = await api(page, 'POST', '/worklist/snoozes', { item: item.key, until: new Date(Date.now() + 5000).toISOString(), reason: 'Left a voicemail, calling back' });
    await page.waitForTimeout(Math.max(0, Date.parse(s.until) - Date.now()) + 300);
    const read = page.waitForResponse((r) => /\/api\/v1\/worklist\?limit=\d+$/.test(r.url()));
    await page.reload();
    await read;
    const it_ = row(page, item.key);
    await it_.locator('.back-note').waitFor();
    assert.equal(await it_.locator('.back-note').textContent(), 'Back from snooze — Left a voicemail, calling back');
    // Not twice: the reason chips leave it to the note.
    const chips = await it_.locator('.reasons li').allTextContents();
    assert.ok(chips.length >= 1 && chips.every((c) => !/snooze/i.test(c)), chips.join(' | '));
    assert.equal(await it_.getByRole('button', { name: /^Wake now/ }).count(), 0);
    const back = (await api(page, 'GET', '/worklist?limit=100')).items.find((x) => x.key === item.key);
    assert.equal(back.snooze?.active, false);
    assert.equal(back.snooze?.changed, false);
    assert.ok(back.reasons.includes('back from a snooze'), `the server gives it as a reason too: ${back.reasons.join(' | ')}`);
    assert.ok(back.reasons.every((r) => !r.includes('voicemail')), 'the reason’s text is only in snooze.reason');
    await assertAccessible(page, 'my day with an item back from a snooze');
  });

  it('says once that an item changed back out of its snooze', async () => {
    const wl = await api(page, 'GET', '/worklist?limit=100');
    // One of her tasks, not urgent: raising its priority is a change a snooze does not hide.
    const item = wl.items.find((it) => allows(it, me) && it.task_id !== null && it.owner_user_id === me.id && !it.snooze && !it.reasons.includes('priority urgent'));
    await api(page, 'POST', '/worklist/snoozes', { item: item.key, until: tomorrowNine, reason: 'The lab opens tomorrow' });
    const task = await api(page, 'GET', `/tasks/${item.task_id}`);
    await api(page, 'PATCH', `/tasks/${item.task_id}`, { version: task.version, priority: 'urgent' });
    const read = page.waitForResponse((r) => /\/api\/v1\/worklist\?limit=\d+$/.test(r.url()));
    await page.reload();
    await read;
    const it_ = row(page, item.key);
    await it_.locator('.back-note').waitFor();
    assert.equal(await it_.locator('.back-note').textContent(), 'Back from snooze (it changed) — The lab opens tomorrow');
    assert.doesNotMatch(await it_.getAttribute('class'), /\bsnoozed\b/);
    const chips = await it_.locator('.reasons li').allTextContents();
    assert.ok(chips.includes('priority urgent') && chips.every((c) => !/snooze/i.test(c)), chips.join(' | '));
    const back = (await api(page, 'GET', '/worklist?limit=100')).items.find((x) => x.key === item.key);
    assert.deepEqual([back.snooze?.active, back.snooze?.changed], [false, true]);
    assert.ok(back.reasons.includes('back from a snooze: it changed'), back.reasons.join(' | '));
    // Snoozed again, nothing to replace: the changed snooze is not in force.
    await it_.getByRole('button', { name: /^Snooze:/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Snooze' });
    await dialog.getByLabel('Reason').fill('Urgent, but the lab opens tomorrow');
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/worklist/snoozes') && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: 'Snooze', exact: true }).click();
    const r = await answer;
    assert.equal(r.status(), 201, await r.text());
    assert.equal(r.request().postDataJSON().replaces, undefined);
    await it_.waitFor({ state: 'detached' });
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
      // A supervisor snoozes the team's tasks, whoever has them; not a queued task or a referral nobody has.
      const me = await api(page, 'GET', '/auth/me');
      assert.ok(team.items.some((it) => it.task_id !== null && it.owner_user_id !== null && it.owner_user_id !== me.id), 'the team list has case managers’ tasks');
      assert.ok(team.items.some((it) => it.kind === 'new_referral' && it.owner_user_id === null), 'and referrals nobody has');
      assert.deepEqual(await snoozable(page), team.items.filter((it) => allows(it, me)).map((it) => it.key));
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

describe('the demo’s snoozes', { concurrency: false }, () => {
  it('shows Luis Garcia’s snoozed item and Linh Nguyen’s item back from a snooze', async () => {
    const { context, page, problems } = await newPage();
    try {
      await signIn(page, 'cm.garcia');
      await page.locator('#wl-snoozed-count').waitFor();
      const garcia = await api(page, 'GET', '/worklist?limit=100&include_snoozed=true');
      const asleep = garcia.items.find((it) => it.snooze?.active);
      assert.ok(asleep, 'the demo snoozed one of Luis Garcia’s items');
      assert.equal(await page.locator('#wl-snoozed-count').textContent(), `${garcia.snoozed} snoozed`);
      await page.getByRole('button', { name: 'Show snoozed' }).click();
      const it_ = row(page, asleep.key);
      await it_.locator('.snooze-note').waitFor();
      assert.equal(await it_.locator('.snooze-note').textContent(), `Snoozed until ${nineOn(addDays((await api(page, 'GET', '/organisation')).today, 1))} by Luis Garcia, RN — ${asleep.snooze.reason}`);
      await it_.getByRole('button', { name: /^Wake now/ }).waitFor();
      await it_.getByRole('button', { name: /^Snooze:/ }).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();

      await signIn(page, 'cm.nguyen');
      await page.locator('li.wl-item').first().waitFor();
      const nguyen = await api(page, 'GET', '/worklist?limit=100');
      const back = nguyen.items.find((it) => it.snooze && !it.snooze.active);
      assert.ok(back, 'the demo has one of Linh Nguyen’s items back from a snooze');
      assert.ok(back.reasons.includes('back from a snooze'), back.reasons.join(' | '));
      const b = row(page, back.key);
      await b.locator('.back-note').waitFor();
      assert.equal(await b.locator('.back-note').textContent(), `Back from snooze — ${back.snooze.reason}`);
      assert.ok((await b.locator('.reasons li').allTextContents()).every((c) => !/snooze/i.test(c)));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
