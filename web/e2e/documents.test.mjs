// End-to-end: the patient's Documents tab (issue #10) in headless Chromium
// against the real server with a fresh demo database. A case manager opens a
// caseload patient with an appeal, uploads a synthetic PDF (nothing chosen,
// an HTML file and a file over the size limit refused first, each on the
// file field), sees it listed with its type, date, source, size and who
// added it, downloads it with the session and gets the same bytes; the
// tab's appeal packet link answers a PDF and its *Case file (PDF)* opens the
// header's dialog (the missing reason named) and downloads the case file.
// An auditor sees the list read-only and downloads too.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, assertAccessible, assertNoPatientDataKept, screenshot, suite } from './harness.mjs';

// The signed-out start (401) and the refused uploads (400, 413) are meant.
const { server, timings, newPage, signIn } = suite('timings-documents.json', {
  allowConsole: /401|Unauthorized|400|Bad Request|413|Payload Too Large|Content Too Large|ERR_CONNECTION|net::/,
});

const api = async (page, method, p, data) => {
  const r = await page.request.fetch(`${server.url}/api/v1${p}`, { method, data });
  assert.ok(r.ok(), `${method} ${p}: ${r.status()} ${await r.text()}`);
  return r.json();
};

/** Opens the patient, then the Documents tab (timed until the list is shown). */
async function openDocuments(page, pid, name) {
  await page.goto(`${server.url}/patients/${pid}`);
  await page.getByRole('tab', { name: 'Documents' }).waitFor();
  const t0 = Date.now();
  await page.getByRole('tab', { name: 'Documents' }).click();
  await page.getByRole('tabpanel').getByRole('heading', { level: 2, name: 'Documents' }).waitFor();
  await page.waitForFunction(() => !document.querySelector('.loading'));
  timings[name] = Date.now() - t0;
  assert.equal(new URL(page.url()).searchParams.get('tab'), 'documents');
}

// A small synthetic PDF (no patient data): what the server checks is its signature.
const PDF = Buffer.from('%PDF-1.4\n% casekeeper e2e synthetic document\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1');
const TITLE = 'Synthetic discharge summary (e2e)';

describe('documents: list, upload, download, case file and appeal packets', { concurrency: false }, () => {
  let ctx;
  let page;
  let problems;
  let pid;
  let appealIds = [];
  let docId;

  before(async () => {
    ({ context: ctx, page, problems } = await newPage());
    await signIn(page, 'cm.rivera');
    // A caseload patient with an appeal (the demo's insurance work), else the first caseload patient.
    const wl = await api(page, 'GET', '/worklist?limit=200');
    const pids = [...new Set(wl.items.map((i) => i.patient_id))].sort((a, b) => a - b);
    assert.ok(pids.length, 'cm.rivera has a caseload');
    for (const id of pids) {
      const auths = await api(page, 'GET', `/patients/${id}/authorizations`);
      const ids = auths.items.flatMap((a) => a.appeals.map((x) => x.id));
      if (ids.length) {
        pid = id;
        appealIds = ids;
        break;
      }
    }
    pid ??= pids[0];
  });

  after(async () => {
    assert.deepEqual(problems, [], 'no page or console errors');
    await ctx?.close();
  });

  it('opens the Documents tab with the documents the API lists', async () => {
    const existing = await api(page, 'GET', `/patients/${pid}/documents`);
    await openDocuments(page, pid, 'patient_documents');
    const panel = page.getByRole('tabpanel');
    if (existing.items.length === 0) await panel.getByText('No documents yet.').waitFor();
    else assert.equal(await panel.locator('table.documents-table tbody tr').count(), existing.items.length);
    await assertAccessible(page, 'documents tab');
    await assertNoPatientDataKept(page);
  });

  it('names what is wrong with the file on its field, then uploads a PDF and lists it', async () => {
    const panel = page.getByRole('tabpanel');
    await panel.getByRole('button', { name: 'Upload a document' }).click();
    const d = page.getByRole('dialog', { name: 'Upload a document' });
    await d.waitFor();
    const file = d.getByLabel('File', { exact: true });

    // Nothing chosen: said before asking the server.
    await d.getByRole('button', { name: 'Upload' }).click();
    await d.getByRole('alert').filter({ hasText: 'File: choose the file to upload' }).waitFor();
    assert.equal(await file.getAttribute('aria-invalid'), 'true');

    // An HTML page: the server refuses its type, on the file.
    await file.setInputFiles({ name: 'page.html', mimeType: 'text/html', buffer: Buffer.from('<p>not a document</p>') });
    assert.equal(await d.getByLabel('Title').inputValue(), 'page', 'the title is filled from the file name');
    await d.getByLabel('Document type').selectOption({ label: 'Letter' });
    await d.getByRole('button', { name: 'Upload' }).click();
    await d.locator('#doc-file-error').filter({ hasText: /^File: must be application\/pdf, image\/png, image\/jpeg or text\/plain\.$/ }).waitFor();
    assert.equal(await file.getAttribute('aria-invalid'), 'true');
    assert.match(await file.getAttribute('aria-describedby'), /doc-file-error/);

    // Over the server's body limit (1 MiB by default): refused on the file as well.
    const big = Buffer.concat([PDF, Buffer.alloc(1024 * 1024 + 1024, 0x20)]);
    await file.setInputFiles({ name: 'big-scan.pdf', mimeType: 'application/pdf', buffer: big });
    await d.getByRole('button', { name: 'Upload' }).click();
    await d.locator('#doc-file-error').filter({ hasText: /^File: larger than the server accepts \(1\.0 MB at most\)\.$/ }).waitFor();
    assert.equal(await file.getAttribute('aria-invalid'), 'true');

    // The synthetic PDF, described.
    await file.setInputFiles({ name: 'discharge-summary.pdf', mimeType: 'application/pdf', buffer: PDF });
    await d.getByLabel('Document type').selectOption({ label: 'Discharge summary' });
    await d.getByLabel('Title').fill(TITLE);
    await d.getByLabel('Date of the document').fill('2026-11-20');
    await d.getByLabel('Source').fill('Riverside General Hospital');
    await screenshot(page, '95-documents-upload');
    await assertAccessible(page, 'upload dialog');
    await d.getByRole('button', { name: 'Upload' }).click();
    await d.waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: `Uploaded ${TITLE} (${PDF.length} bytes).` }).waitFor();

    const listed = (await api(page, 'GET', `/patients/${pid}/documents`)).items.find((x) => x.title === TITLE);
    assert.ok(listed, 'the API lists the upload');
    docId = listed.id;
    assert.equal(listed.doc_type, 'discharge_summary');
    assert.equal(listed.content_type, 'application/pdf');
    assert.equal(listed.size_bytes, PDF.length);
    assert.equal(listed.sha256, crypto.createHash('sha256').update(PDF).digest('hex'));
    assert.ok(listed.case_id, 'filed under the open case by default');

    const row = page.locator(`table.documents-table tr[data-document-id="${docId}"]`);
    await row.waitFor();
    const text = await row.textContent();
    for (const want of [TITLE, 'Discharge summary', '2026-11-20', 'Riverside General Hospital', `PDF, ${PDF.length} bytes`, 'by Maria Rivera']) {
      assert.ok(text.includes(want), `the row says "${want}": ${text}`);
    }
    assert.equal(await page.locator('table.documents-table tbody tr').first().getAttribute('data-document-id'), String(docId), 'the latest added comes first');
    await assertNoPatientDataKept(page);
  });

  it('downloads the document with the session and gets the same bytes', async () => {
    const row = page.locator(`table.documents-table tr[data-document-id="${docId}"]`);
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: `Download ${TITLE}` }).click()]);
    assert.equal(download.suggestedFilename(), `document-${docId}.pdf`);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const saved = path.join(ARTIFACTS, 'document-download.pdf');
    await download.saveAs(saved);
    assert.deepEqual(fs.readFileSync(saved), PDF, 'the downloaded bytes are the uploaded ones');
    // Fetched, not navigated to: no token or id of the file in the page's address.
    assert.equal(new URL(page.url()).pathname, `/patients/${pid}`);
    await page.getByRole('status').filter({ hasText: `Downloaded ${TITLE} as document-${docId}.pdf.` }).waitFor();
  });

  it('links each appeal’s packet and the case file', async () => {
    const panel = page.getByRole('tabpanel');
    if (appealIds.length) {
      for (const id of appealIds) {
        const link = panel.getByRole('link', { name: `Appeal packet (PDF) of appeal #${id}` });
        assert.equal(await link.getAttribute('href'), `/api/v1/appeals/${id}/packet.pdf`);
      }
      const first = appealIds[0];
      const r = await page.request.get(`${server.url}/api/v1/appeals/${first}/packet.pdf`);
      assert.equal(r.status(), 200);
      assert.match(r.headers()['content-type'], /^application\/pdf/);
      assert.equal((await r.body()).subarray(0, 5).toString('latin1'), '%PDF-');
    } else {
      console.log(`# patient ${pid} has no appeal in the demo: only the empty packet list is checked`);
      await panel.getByText(/^No appeals: /).waitFor();
    }

    await panel.getByRole('button', { name: 'Case file (PDF)' }).click();
    const d = page.getByRole('dialog', { name: 'Case file (PDF)' });
    await d.getByRole('button', { name: 'Download case file' }).click();
    await d.getByRole('alert').filter({ hasText: 'Reason' }).waitFor();
    await d.getByLabel('Reason').fill('End-to-end test of the Documents tab');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30000 }), d.getByRole('button', { name: 'Download case file' }).click()]);
    assert.match(download.suggestedFilename(), /^case-\d+-file\.pdf$/);
    const file = path.join(ARTIFACTS, 'documents-case-file.pdf');
    await download.saveAs(file);
    assert.equal(fs.readFileSync(file).subarray(0, 5).toString('latin1'), '%PDF-');
    await d.waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: /^Case file downloaded: case-\d+-file\.pdf\.$/ }).waitFor();
    await screenshot(page, '96-documents');
    await assertAccessible(page, 'documents tab with an upload');
  });

  it('fits a 768-pixel tablet', async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.getByRole('tabpanel').getByRole('heading', { level: 2, name: 'Documents' }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the Documents tab at 768px scrolls sideways by ${overflow}px`);
    await assertAccessible(page, 'documents tab at 768px');
    await screenshot(page, '97-documents-768');
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  it('shows an auditor the list read-only, downloads included', async () => {
    const { context, page: p, problems: pr } = await newPage();
    try {
      await signIn(p, 'auditor.patel');
      await openDocuments(p, pid, 'patient_documents_auditor');
      const panel = p.getByRole('tabpanel');
      assert.equal(await panel.getByRole('button', { name: 'Upload a document' }).count(), 0, 'no upload for an auditor');
      const row = p.locator(`table.documents-table tr[data-document-id="${docId}"]`);
      const [download] = await Promise.all([p.waitForEvent('download'), row.getByRole('button', { name: `Download ${TITLE}` }).click()]);
      const saved = path.join(ARTIFACTS, 'document-download-auditor.pdf');
      await download.saveAs(saved);
      assert.deepEqual(fs.readFileSync(saved), PDF);
      await assertAccessible(p, 'documents tab, auditor');
      await assertNoPatientDataKept(p);
      assert.deepEqual(pr, [], 'no page or console errors');
    } finally {
      await context.close();
    }
  });
});
