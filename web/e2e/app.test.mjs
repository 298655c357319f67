// End-to-end: the built web app in headless Chromium against the real
// casekeeper server with a fresh synthetic demo database. A case manager
// works the day (worklist reasons, complete a task, log a contact, open a
// patient, PHQ-9 with the server's score and alert, a goal with progress, a
// conflict explained), a supervisor sees the team's worklist, the session
// warns before it times out, and every main screen passes axe-core with no
// serious or critical violation at desktop and tablet widths. Screenshots go
// to e2e/artifacts/ with timings.json (time to render each main screen).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD, assertAccessible, assertNoPatientDataKept, screenshot, suite } from './harness.mjs';

const { server, newPage, signIn, timed } = suite('timings.json');

describe('case manager', { concurrency: false }, () => {
  let ctx;
  let page;
  let problems;
  let patientPath;

  before(async () => {
    ({ context: ctx, page, problems } = await newPage());
  });
  after(async () => {
    await ctx?.close();
  });

  it('refuses a wrong password with a clear message', async () => {
    await page.goto(server.url + '/');
    await page.getByRole('heading', { name: 'Sign in to casekeeper' }).waitFor();
    await assertAccessible(page, 'sign-in');
    await page.getByLabel('Username').fill('cm.rivera');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'invalid username or password' }).waitFor();
    await screenshot(page, '01-sign-in-error');
  });

  it('signs in and shows my day: ranked items, each with its reasons', async () => {
    await page.getByLabel('Password').fill(PASSWORD);
    await timed('my_day', page, () => page.getByRole('button', { name: 'Sign in' }).click(), 'My day');
    const nav = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    assert.deepEqual(nav, ['My day', 'Patients', 'My documentation'], 'a case manager has no team worklist');
    const items = page.locator('li.wl-item');
    assert.ok((await items.count()) >= 10, 'the demo day has items');
    // Every item shows the server's reasons, and a patient's name (not an id).
    for (const it of (await items.all()).slice(0, 10)) {
      assert.ok((await it.locator('.reasons li').count()) >= 1);
      assert.doesNotMatch(await it.locator('.wl-patient').textContent(), /^Patient #/);
    }
    assert.match(await items.first().locator('.reasons').textContent(), /risk tier|overdue|crisis/);
    await assertAccessible(page, 'my day');
    await assertNoPatientDataKept(page);
    await screenshot(page, '02-my-day');
  });

  it('filters the worklist and moves with j and k', async () => {
    const all = await page.locator('li.wl-item').count();
    await page.getByRole('button', { name: /^Tasks/ }).click();
    const kinds = await page.locator('li.wl-item').evaluateAll((els) => els.map((e) => e.dataset.kind));
    assert.ok(kinds.length > 0 && kinds.length < all);
    assert.ok(kinds.every((k) => k === 'task_overdue' || k === 'task_due_soon'), kinds.join());
    await page.getByRole('button', { name: /^Tasks/ }).click();
    assert.equal(await page.locator('li.wl-item').count(), all);

    await page.locator('h1').click();
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    assert.equal(await page.evaluate(() => [...document.querySelectorAll('li.wl-item .wl-open')].indexOf(document.activeElement)), 1);
    await page.keyboard.press('k');
    assert.equal(await page.evaluate(() => [...document.querySelectorAll('li.wl-item .wl-open')].indexOf(document.activeElement)), 0);
    await page.waitForFunction(() => document.querySelector('li.wl-item')?.classList.contains('selected'));
    assert.equal(await page.locator('li.wl-item.selected').count(), 1);
  });

  it('completes a task from the worklist', async () => {
    const overdue = page.locator('li.wl-item[data-kind="task_overdue"]');
    assert.ok((await overdue.count()) > 0, 'the demo has overdue tasks');
    const taskId = await overdue.first().getAttribute('data-task-id');
    await overdue.first().getByRole('button', { name: /^Complete task/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Complete task' });
    await dialog.waitFor();
    // The outcome is required: the server's error names the field.
    await dialog.getByRole('button', { name: 'Complete task' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Outcome: must not be empty' }).waitFor();
    assert.equal(await dialog.getByLabel('Outcome').getAttribute('aria-invalid'), 'true');
    await dialog.getByLabel('Outcome').fill('Reconciled with the pharmacy list; no changes.');
    await dialog.getByLabel('Minutes spent').fill('15');
    await screenshot(page, '03-complete-task');
    await dialog.getByRole('button', { name: 'Complete task' }).click();
    await page.getByRole('status').filter({ hasText: /^Completed/ }).waitFor();
    // That task leaves the list (others may come in: the list shows the top items only).
    await page.waitForFunction((id) => !document.querySelector(`li.wl-item[data-task-id="${id}"]`), taskId);
  });

  it('logs a contact from the worklist', async () => {
    const item = page.locator('li.wl-item[data-kind="no_recent_contact"]').first();
    await item.getByRole('button', { name: /^Log contact/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Log a contact' });
    await dialog.getByLabel('Outcome').selectOption('voicemail');
    await dialog.getByLabel('Duration (minutes)').fill('3');
    await dialog.getByLabel('Summary').fill('Left a message with the callback number.');
    await dialog.getByRole('button', { name: 'Save contact' }).click();
    await page.getByRole('status').filter({ hasText: /^Contact logged/ }).waitFor();
    assert.equal(await dialog.count(), 0);
  });

  it('opens a patient: identity, risk tier, alerts and care team', async () => {
    await page.locator('h1').click();
    const crisis = page.locator('li.wl-item[data-kind="crisis_alert"] .wl-open').first();
    await crisis.focus();
    await timed('patient', page, () => page.keyboard.press('Enter'), /,/);
    patientPath = new URL(page.url()).pathname;
    assert.match(patientPath, /^\/patients\/\d+$/);
    const head = page.locator('.patient-head');
    await head.getByText(/Risk tier \d/).waitFor();
    assert.match(await head.locator('#hd-alerts + ul').textContent(), /Crisis:/);
    assert.match(await head.textContent(), /Primary case manager/);
    await page.getByRole('tab', { name: 'Timeline', selected: true }).waitFor();
    await page.locator('ul.timeline li').first().waitFor();
    await assertAccessible(page, 'patient timeline');
    await assertNoPatientDataKept(page);
    // No name in the title (titles go into the browser's history).
    assert.match(await page.title(), /^Patient #\d+/);
    await screenshot(page, '04-patient-timeline');
  });

  it('fills a PHQ-9 and shows the score and the crisis alert from the server', async () => {
    await page.getByRole('tab', { name: 'Assessments' }).click();
    await page.getByLabel('Instrument').selectOption('phq9');
    await page.getByRole('button', { name: 'Start' }).click();
    const form = page.locator('form.assessment-form');
    await form.getByRole('heading', { name: 'PHQ-9 depression screen' }).waitFor();
    const questions = form.locator('fieldset.question');
    assert.equal(await questions.count(), 9);
    // Missing answers are named before anything is sent.
    await form.getByRole('button', { name: 'Complete and score' }).click();
    await form.getByRole('alert').filter({ hasText: '9 questions are not answered yet' }).waitFor();
    const answers = [2, 2, 2, 2, 2, 2, 2, 2, 1];
    for (let i = 0; i < 9; i++) await questions.nth(i).getByRole('radio', { name: String(answers[i]), exact: true }).check();
    await assertAccessible(page, 'PHQ-9 form');
    await screenshot(page, '05-phq9-form');
    await form.getByRole('button', { name: 'Complete and score' }).click();
    const result = page.getByTestId('assessment-result');
    await result.waitFor();
    assert.equal(await result.locator('.score').textContent(), '17');
    assert.equal(await result.locator('.band').textContent(), 'Moderately severe');
    await result.getByRole('alert').filter({ hasText: 'Crisis alert raised' }).waitFor();
    await page.locator('table.results tbody tr').first().filter({ hasText: 'PHQ9' }).waitFor();
    await assertAccessible(page, 'assessment result');
    await screenshot(page, '06-phq9-result');
  });

  it('adds a goal and a progress entry and charts it against the target', async () => {
    await page.getByRole('tab', { name: 'Care plan' }).click();
    const create = page.getByRole('button', { name: 'Create care plan' });
    await page.waitForFunction(() => !document.querySelector('.loading'));
    if (await create.count()) {
      await page.getByLabel('Title').fill('Heart failure self-management');
      await create.click();
    }
    await page.getByRole('button', { name: 'Add goal' }).first().click();
    const g = page.getByRole('dialog', { name: 'Add a goal' });
    await g.getByLabel('Goal', { exact: true }).fill('Lose weight to ease breathing');
    await g.getByLabel('Measure', { exact: true }).fill('weight kg');
    await g.getByLabel('Baseline').fill('92');
    await g.getByLabel('Target value').fill('85');
    // No target date: the server's error names the field, shown beside it.
    await g.getByRole('button', { name: 'Add goal' }).click();
    await g.getByRole('alert').filter({ hasText: 'Target date: is required' }).waitFor();
    assert.equal(await g.getByLabel('Target date').getAttribute('aria-invalid'), 'true');
    await g.getByLabel('Target date').fill('2027-01-31');
    await g.getByRole('button', { name: 'Add goal' }).click();
    await page.getByRole('status').filter({ hasText: 'Goal added.' }).waitFor();
    const goal = page.locator('.goal').filter({ hasText: 'Lose weight to ease breathing' });
    for (const [value, note] of [
      ['90.5', 'clinic scale'],
      ['88', 'home scale'],
    ]) {
      await goal.getByRole('button', { name: 'Add progress' }).click();
      const d = page.getByRole('dialog', { name: 'Add progress' });
      await d.getByLabel(/^Value/).fill(value);
      await d.getByLabel('Note').fill(note);
      await d.getByRole('button', { name: 'Save progress' }).click();
      await d.waitFor({ state: 'detached' });
    }
    await goal.locator('table.progress tbody tr').nth(1).waitFor();
    assert.equal(await goal.locator('svg.goal-chart circle.point').count(), 2);
    assert.equal(await goal.locator('svg.goal-chart line.target').count(), 1);
    assert.match(await goal.textContent(), /Target not met yet/);
    await assertAccessible(page, 'care plan');
    await screenshot(page, '07-care-plan');
  });

  it('logs a contact from the patient and sees it on the timeline', async () => {
    await page.locator('.case-bar').getByRole('button', { name: 'Log contact' }).click();
    const d = page.getByRole('dialog', { name: 'Log a contact' });
    await d.getByLabel('Method').selectOption('video');
    await d.getByLabel('Summary').fill('Reviewed the weight log together.');
    await d.getByRole('button', { name: 'Save contact' }).click();
    await page.getByRole('status').filter({ hasText: 'Contact logged.' }).waitFor();
    await page.getByRole('tab', { name: 'Timeline' }).click();
    await page.locator('ul.timeline li').filter({ hasText: 'video with patient: reached' }).first().waitFor();
  });

  it('shows medications and conditions, tasks and appointments', async () => {
    await timed('patient_medications', page, () => page.getByRole('tab', { name: 'Medications and conditions' }).click(), /,/);
    await page.getByRole('heading', { name: 'Conditions' }).waitFor();
    await assertAccessible(page, 'medications');
    await screenshot(page, '08-medications');
    await timed('patient_tasks', page, () => page.getByRole('tab', { name: 'Tasks and appointments' }).click(), /,/);
    await page.getByRole('heading', { name: 'Appointments' }).waitFor();
    await assertAccessible(page, 'tasks');
    await screenshot(page, '09-tasks');
  });

  it('explains a conflict: someone changed the task since it was opened', async () => {
    // A task whose title no other open task of the case shares (demo titles repeat), so that
    // the task changed through the API is the one open in the dialog.
    const tasks = await (await page.request.get(`${server.url}/api/v1/cases/${new URL(page.url()).searchParams.get('case')}/tasks`)).json();
    const open = tasks.items.filter((t) => !['done', 'cancelled'].includes(t.status));
    const task = open.find((t) => t.owner_user_id && open.filter((o) => o.title === t.title).length === 1);
    assert.ok(task, 'the demo case has an open task with a title of its own');
    await page.getByRole('button', { name: `Complete task: ${task.title}`, exact: true }).first().click();
    const d = page.getByRole('dialog', { name: 'Complete task' });
    await d.getByLabel('Outcome').waitFor();
    // Meanwhile, the same task is paused elsewhere (the API, with this session's cookie).
    const r = await page.request.post(`${server.url}/api/v1/tasks/${task.id}/status`, { data: { version: task.version, to: 'paused', reason: 'waiting for the pharmacy' } });
    assert.equal(r.status(), 200);
    await d.getByLabel('Outcome').fill('Called the patient.');
    await d.getByRole('button', { name: 'Complete task' }).click();
    const alert = d.getByRole('alert').filter({ hasText: 'Someone else changed this task' });
    await alert.waitFor();
    assert.match(await alert.textContent(), /Latest change: Open → Paused \(“waiting for the pharmacy”\) by you/);
    await screenshot(page, '10-conflict');
    // With the latest version loaded, applying again works.
    await d.getByRole('button', { name: 'Complete task' }).click();
    await d.waitFor({ state: 'detached' });
  });

  it('searches patients without putting the search in the URL', async () => {
    const family = (await (await page.request.get(`${server.url}/api/v1${patientPath}`)).json()).family_name;
    await timed('patients', page, () => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Patients' }).click(), 'Patients');
    await page.getByLabel('Name').fill(family.slice(0, 4));
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('table.results tbody tr').first().waitFor();
    assert.match(await page.locator('table.results').textContent(), new RegExp(family));
    assert.equal(new URL(page.url()).search, '');
    await assertNoPatientDataKept(page);
    await assertAccessible(page, 'patient search');
    await screenshot(page, '11-patient-search');
  });

  it('lays out at tablet widths (1024 and 768) without horizontal scrolling', async () => {
    for (const width of [1024, 768]) {
      await page.setViewportSize({ width, height: 1024 });
      for (const [name, go] of [
        ['my-day', () => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My day' }).click()],
        ['patient', () => page.goto(`${server.url}${patientPath}?tab=careplan`)],
      ]) {
        await go();
        await page.waitForFunction(() => document.querySelector('main h1') && !document.querySelector('.loading'));
        await page.locator('li.wl-item, .goal').first().waitFor();
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `${name} at ${width}px scrolls sideways by ${overflow}px`);
        await assertAccessible(page, `${name} at ${width}px`);
        await screenshot(page, `12-${name}-${width}`);
      }
    }
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to casekeeper' }).waitFor();
    await page.getByText('You have signed out.').waitFor();
    const me = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
    assert.equal(me, 401);
    await assertNoPatientDataKept(page);
    assert.deepEqual(problems, []);
  });
});

describe('supervisor', { concurrency: false }, () => {
  it('sees the team worklist with owners and caseloads, then signs out', async () => {
    const { context, page, problems } = await newPage();
    try {
      await signIn(page, 'sup.okafor');
      const nav = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
      assert.deepEqual(nav, ['My day', 'Team worklist', 'Supervision', 'Patients', 'Reports']);
      await timed('team_worklist', page, () => page.getByRole('link', { name: 'Team worklist' }).click(), 'Team worklist');
      await page.locator('table.caseloads tbody tr').first().waitFor();
      assert.ok((await page.locator('table.caseloads tbody tr').count()) >= 2);
      const items = page.locator('li.wl-item');
      assert.ok((await items.count()) > 10);
      const owners = await page.locator('li.wl-item .owner').allTextContents();
      assert.ok(owners.some((o) => /RN|MSW/.test(o)), `owners by name: ${owners.slice(0, 5)}`);
      const all = await items.count();
      await page.getByLabel('Owner').selectOption({ label: 'Maria Rivera, RN' });
      const mine = await page.locator('li.wl-item .owner').allTextContents();
      assert.ok(mine.length > 0 && mine.length < all && mine.every((o) => o === 'Maria Rivera, RN'));
      await page.getByLabel('Owner').selectOption('');
      await assertAccessible(page, 'team worklist');
      await assertNoPatientDataKept(page);
      await screenshot(page, '13-team-worklist');
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in to casekeeper' }).waitFor();
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('an auditor gets patients and reports, read-only', async () => {
    const { context, page } = await newPage();
    try {
      await signIn(page, 'auditor.patel');
      await page.getByRole('heading', { name: 'Patients', level: 1 }).waitFor();
      const nav = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
      assert.deepEqual(nav, ['Patients', 'Reports']);
    } finally {
      await context.close();
    }
  });
});

describe('session timeout', { concurrency: false }, () => {
  it('warns before the idle timeout, stays signed in on request, then signs out when idle', async () => {
    const { context, page } = await newPage();
    try {
      await page.clock.install();
      await signIn(page, 'cm.rivera');
      await page.getByRole('heading', { name: 'My day', level: 1 }).waitFor();
      // Every API answer resets the idle clock: let the screen's calls finish first
      // (the worklist, then the caseload's names).
      await page.waitForFunction(() => {
        const names = [...document.querySelectorAll('li.wl-item .wl-patient')];
        return names.length > 0 && !names[0].textContent.startsWith('Patient #');
      });
      await page.waitForLoadState('networkidle');
      // The demo's idle timeout is 15 minutes; the warning comes 2 minutes before.
      await page.clock.fastForward('12:30');
      await page.clock.runFor(1000);
      assert.equal(await page.getByRole('dialog', { name: 'Your session is about to end' }).count(), 0);
      await page.clock.fastForward('01:00');
      await page.clock.runFor(1000);
      const warning = page.getByRole('dialog', { name: 'Your session is about to end' });
      await warning.waitFor();
      assert.match(await warning.getByRole('timer').textContent(), /^1:[0-5]\d$/);
      await screenshot(page, '14-session-warning');
      await warning.getByRole('button', { name: 'Stay signed in' }).click();
      await page.clock.runFor(1000);
      await warning.waitFor({ state: 'detached' });
      await page.clock.fastForward('15:00');
      await page.clock.runFor(2000);
      await page.getByRole('heading', { name: 'Sign in to casekeeper' }).waitFor();
      await page.getByText('You were signed out after 15 minutes without activity').waitFor();
    } finally {
      await context.close();
    }
  });
});
