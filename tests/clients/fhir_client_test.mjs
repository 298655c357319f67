// Black-box test of casekeeper's FHIR R4 API (/fhir/R4) driven by a
// third-party FHIR client: Vermonster's fhir-kit-client (capabilityStatement,
// transaction, batch, read, search, nextPage, resolve; errors surface as
// { response: { status, data } } with the OperationOutcome as data).
//
// Starts the real binary (CK_BINARY, default ../../build/casekeeper) on a free
// loopback port with three synthetic users (integration, auditor, case
// manager), imports Synthea transaction Bundles (../shared/data/synthea/
// smart-generated-sample-data-r4 from the repository root, or CK_SYNTHEA_DATA),
// imports one again, then reads, searches and pages what it imported and
// checks errors, access control and the audit trail. All data is synthetic.
//
// Plain ESM, node:test + node:assert, Node >= 18.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// fhir-kit-client 1.9.2 (the last release that supports Node 18) is CommonJS;
// its module.exports (the Client class) is the default export here.
import Client from 'fhir-kit-client';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const BINARY = path.resolve(process.env.CK_BINARY || path.join(REPO, 'build', 'casekeeper'));
const DATA = path.resolve(process.env.CK_SYNTHEA_DATA
  || path.join(REPO, '..', 'shared', 'data', 'synthea', 'smart-generated-sample-data-r4'));

// Small Synthea patients: Luigi is the one most checks look at.
const LUIGI = 'Luigi_Wiegand_e27d88b0-c5e5-4042-ad49-184f6a900ee3.json';
const OTHERS = [
  'Desmond_Gutmann_d49945ce-9f8c-4974-80e3-0b38054dd45d.json',
  'Clarence_Mills_0753ad6c-5935-4faa-9cfe-b7269e963d77.json',
];
const LOINC = 'http://loinc.org';
const BODY_HEIGHT = '8302-2';

const PASSWORD = 'Synthetic-Passw0rd!';
const USERS = {
  ehr: { username: 'fhir.ehr', role: 'integration' }, // data.import: posts the Bundles
  auditor: { username: 'fhir.auditor', role: 'auditor' }, // reads everything, and the audit trail
  manager: { username: 'fhir.manager', role: 'case_manager' }, // on nobody's care team
};

// ---------------------------------------------------------------- data

const readBundle = (name) => JSON.parse(fs.readFileSync(path.join(DATA, name), 'utf8'));
const resourcesOf = (bundle, type) => bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === type);
const hasCode = (r, system, code) => (r.code?.coding ?? []).some((c) => c.code === code && (!system || c.system === system));
const ids = (searchset) => (searchset.entry ?? []).map((e) => e.resource.id);
const DAY_MS = 24 * 3600 * 1000;
const dayStart = (d) => Date.parse(`${d}T00:00:00Z`);

// ---------------------------------------------------------------- server

let server; // { child, dir, db, httpPort, out(), err() }

function killServer() {
  if (server?.child && server.child.exitCode === null && server.child.signalCode === null) {
    try {
      server.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}
// Never leave the server behind, whatever happens to this process.
process.on('exit', killServer);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    killServer();
    process.exit(130);
  });
}

function cleanEnv() {
  // The test decides the configuration, not the developer's shell.
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CASEKEEPER_')));
}

async function startServer() {
  assert.ok(fs.existsSync(BINARY), `casekeeper binary not found at ${BINARY} (set CK_BINARY)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-fhir-client-'));
  const db = path.join(dir, 'ck.db');
  for (const { username, role } of Object.values(USERS)) {
    const add = spawnSync(
      BINARY,
      ['user', 'add', '--db', db, '--username', username, '--role', role, '--display-name', `Synthetic FHIR test ${role}`],
      { input: PASSWORD + '\n', env: cleanEnv(), encoding: 'utf8', timeout: 60000 },
    );
    assert.equal(add.status, 0, `casekeeper user add ${username} failed: ${add.stderr}${add.stdout}`);
  }

  const child = spawn(BINARY, ['serve', '--db', db, '--http', '127.0.0.1:0'],
    { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => {
    err = (err + d).slice(-20000);
  });
  server = { child, dir, db, out: () => out, err: () => err };

  // The banner: "casekeeper X listening on http://127.0.0.1:PORT" (as tests/server_process.cc).
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no banner within 60 s:\n${out}\n${err}`)), 60000);
    const onData = (d) => {
      out += d;
      const h = /listening on https?:\/\/[^ ]*:(\d+)/.exec(out);
      if (h) {
        server.httpPort = Number(h[1]);
        finish();
      }
    };
    const onExit = (code, sig) => finish(new Error(`casekeeper exited (${code ?? sig}) before listening:\n${out}\n${err}`));
    function finish(e) {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      child.stdout.on('data', (d) => {
        out += d;
      });
      if (e) reject(e);
      else resolve();
    }
    child.stdout.on('data', onData);
    child.on('exit', onExit);
  });
}

async function stopServer(timeoutMs = 10000) {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = new Promise((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
  if ((await Promise.race([exited, timer])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

// Signing in is casekeeper's own REST API (POST /api/v1/auth/login), not part
// of FHIR, so it is the one call made without the FHIR client.
function login({ username }) {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify({ username, password: PASSWORD });
    const req = http.request(
      {
        host: '127.0.0.1', port: server.httpPort, method: 'POST', path: '/api/v1/auth/login', timeout: 15000,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => {
          if (res.statusCode !== 200) {
            reject(new Error(`login ${username}: ${res.statusCode} ${text}`));
            return;
          }
          resolve(JSON.parse(text).token);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`login ${username}: timed out`)));
    req.on('error', reject);
    req.end(data);
  });
}

// ---------------------------------------------------------------- FHIR client helpers

const baseUrl = () => `http://127.0.0.1:${server.httpPort}/fhir/R4`;
const fhirClient = (bearerToken) => new Client({ baseUrl: baseUrl(), ...(bearerToken ? { bearerToken } : {}) });

// Checks the HTTP status and FHIR JSON content type of a client result.
function assertHttp(result, status, label) {
  const { response } = Client.httpFor(result);
  assert.equal(response.status, status, label);
  assert.match(response.headers.get('content-type') ?? '', /^application\/fhir\+json(;|$)/, label);
}

// fhir-kit-client rejects a non-2xx answer with { response: { status, data }, config: { method, url, headers } }
// (headers: the response's). Checks that it is an OperationOutcome error of that status and returns its first issue.
async function rejectsWithOutcome(promise, status, label) {
  let error;
  await assert.rejects(promise, (e) => {
    error = e;
    return true;
  }, `${label}: expected HTTP ${status}`);
  assert.ok(error.response, `${label}: not an HTTP error from the client: ${error?.stack ?? error}`);
  const { data } = error.response;
  assert.equal(error.response.status, status, `${label}: ${JSON.stringify(data)}`);
  assert.equal(data?.resourceType, 'OperationOutcome', `${label}: ${JSON.stringify(data)}`);
  assert.ok(Array.isArray(data.issue) && data.issue.length > 0, `${label}: ${JSON.stringify(data)}`);
  assert.equal(data.issue[0].severity, 'error', `${label}: ${JSON.stringify(data)}`);
  assert.match(error.config.headers.get('content-type') ?? '', /^application\/fhir\+json(;|$)/, label);
  return data.issue[0];
}

function assertSearchset(bundle, type, label) {
  assertHttp(bundle, 200, label);
  assert.equal(bundle.resourceType, 'Bundle', label);
  assert.equal(bundle.type, 'searchset', label);
  assert.ok(bundle.link.some((l) => l.relation === 'self' && l.url.startsWith(`${baseUrl()}/${type}`)),
    `${label}: self link: ${JSON.stringify(bundle.link)}`);
  for (const e of bundle.entry ?? []) {
    assert.equal(e.resource.resourceType, type, label);
    assert.equal(e.fullUrl, `${baseUrl()}/${type}/${e.resource.id}`, label);
    assert.equal(e.search?.mode, 'match', label);
  }
}

// Every page of a search, following the client's nextPage() until it has none.
async function allPages(client, first, maxPages = 100) {
  const pages = [first];
  for (let page = await client.nextPage({ bundle: first }); page; page = await client.nextPage({ bundle: page })) {
    pages.push(page);
    assert.ok(pages.length <= maxPages, `more than ${maxPages} pages: is the next link moving on? ${JSON.stringify(page.link)}`);
  }
  return pages;
}

// ---------------------------------------------------------------- tests

describe('casekeeper FHIR R4 API with a third-party client (fhir-kit-client)', { timeout: 300000 }, () => {
  const luigi = fs.existsSync(path.join(DATA, LUIGI)) ? readBundle(LUIGI) : null;
  const patient = luigi?.entry[0].resource; // Patient 1ae0605d-e5b8-4d6d-a96d-c93dcbd57e06
  const observations = luigi ? resourcesOf(luigi, 'Observation') : [];
  const encounters = luigi ? resourcesOf(luigi, 'Encounter') : [];
  let anonymous;
  let ehr;
  let auditor;
  let manager;
  let keptTypes; // the resource types the CapabilityStatement lists
  let firstLocations; // Luigi's first import: entry response locations
  const seen = new Set(); // Type/id created so far (Synthea patients may share an Organization)

  before(async () => {
    assert.ok(luigi, `Synthea sample ${LUIGI} not found under ${DATA} (set CK_SYNTHEA_DATA)`);
    assert.equal(patient.resourceType, 'Patient');
    await startServer();
    anonymous = fhirClient();
    ehr = fhirClient(await login(USERS.ehr));
    auditor = fhirClient(await login(USERS.auditor));
    manager = fhirClient(await login(USERS.manager));
  });

  after(async () => {
    if (!server) return;
    await stopServer();
    if (process.env.CK_KEEP_TMP) {
      fs.writeFileSync(path.join(server.dir, 'serve.stdout'), server.out());
      fs.writeFileSync(path.join(server.dir, 'serve.stderr'), server.err());
      console.log(`kept ${server.dir} (CK_KEEP_TMP)`);
    } else {
      fs.rmSync(server.dir, { recursive: true, force: true });
    }
  });

  it('serves a public R4 CapabilityStatement listing read and search-type with search parameters', async () => {
    const cs = await anonymous.capabilityStatement(); // GET metadata, no token
    assertHttp(cs, 200, 'metadata');
    assert.equal(cs.resourceType, 'CapabilityStatement');
    assert.equal(cs.fhirVersion, '4.0.1');
    assert.equal(cs.kind, 'instance');
    assert.ok(cs.format.includes('application/fhir+json'), JSON.stringify(cs.format));
    const rest = cs.rest.find((r) => r.mode === 'server');
    assert.ok(rest, JSON.stringify(cs.rest));
    const interactions = (rest.interaction ?? []).map((i) => i.code);
    assert.ok(interactions.includes('transaction') && interactions.includes('batch'), JSON.stringify(interactions));
    const byType = Object.fromEntries(rest.resource.map((r) => [r.type, r]));
    for (const r of rest.resource) {
      assert.deepEqual(r.interaction.map((i) => i.code).sort(), ['read', 'search-type'], r.type);
      assert.ok(r.searchParam.some((p) => p.name === '_id'), `${r.type} lacks _id`);
    }
    const params = (type) => byType[type].searchParam.map((p) => p.name);
    for (const p of ['identifier', 'name', 'family', 'given', 'birthdate', 'gender']) assert.ok(params('Patient').includes(p), p);
    for (const p of ['patient', 'subject', 'code', 'category', 'date']) assert.ok(params('Observation').includes(p), p);
    for (const p of ['patient', 'identifier', 'status', 'class', 'date']) assert.ok(params('Encounter').includes(p), p);
    assert.equal(byType.Observation.searchParam.find((p) => p.name === 'date').type, 'date');
    for (const t of ['Practitioner', 'Organization', 'Condition', 'Procedure', 'CarePlan', 'AuditEvent']) assert.ok(byType[t], t);
    for (const t of ['Claim', 'Immunization', 'ExplanationOfBenefit']) assert.ok(!byType[t], t);
    keptTypes = new Set(Object.keys(byType));
  });

  describe('import', () => {
    // Each response entry answers the request entry at the same index: the kept
    // types are created at Type/<the Synthea id>, the rest passed over with 422.
    function checkResponse(request, response, label, { again = false } = {}) {
      assert.equal(response.resourceType, 'Bundle', label);
      assert.equal(response.type, 'transaction-response', label);
      assert.equal(response.entry.length, request.entry.length, `${label}: one response entry per request entry`);
      const counts = {};
      response.entry.forEach((e, i) => {
        const r = request.entry[i].resource;
        const where = `${label} entry[${i}] ${r.resourceType}/${r.id}`;
        const key = `${r.resourceType}/${r.id}`;
        if (keptTypes.has(r.resourceType)) {
          const want = again || seen.has(key) ? '200 OK' : '201 Created';
          assert.equal(e.response.status, want, `${where}: ${JSON.stringify(e.response)}`);
          assert.equal(e.response.location, key, where);
          seen.add(key);
        } else {
          assert.equal(e.response.status, '422 Unprocessable Entity', `${where}: ${JSON.stringify(e.response)}`);
          assert.equal(e.response.location, undefined, where);
          const issue = e.response.outcome?.issue?.[0];
          assert.equal(e.response.outcome?.resourceType, 'OperationOutcome', where);
          assert.equal(issue?.severity, 'warning', `${where}: ${JSON.stringify(issue)}`);
          assert.deepEqual(issue.expression, [`Bundle.entry[${i}]`], where);
        }
        counts[e.response.status] = (counts[e.response.status] ?? 0) + 1;
      });
      return counts;
    }

    it('creates what three Synthea transaction Bundles hold and passes over Claim, Immunization, ...', async () => {
      for (const name of [LUIGI, ...OTHERS]) {
        const bundle = readBundle(name);
        assert.equal(bundle.type, 'transaction', name);
        const response = await ehr.transaction({ body: bundle });
        assertHttp(response, 200, name);
        const counts = checkResponse(bundle, response, name);
        assert.ok(counts['201 Created'] > 0 && counts['422 Unprocessable Entity'] > 0, `${name}: ${JSON.stringify(counts)}`);
        if (name === LUIGI) firstLocations = response.entry.map((e) => e.response.location);
      }
    });

    it('creates nothing new when a Bundle comes again: 200 OK at the same locations', async () => {
      const response = await ehr.transaction({ body: luigi });
      checkResponse(luigi, response, 'again', { again: true });
      assert.deepEqual(response.entry.map((e) => e.response.location), firstLocations);
      // The searches and paging below count Luigi's observations and encounters exactly.
    });

    it('answers a batch with a batch-response (a Claim: 422 with a warning)', async () => {
      const response = await ehr.batch({
        body: {
          resourceType: 'Bundle',
          type: 'batch',
          entry: [{
            fullUrl: 'urn:uuid:0c0c0c0c-0000-4000-8000-000000000001',
            resource: { resourceType: 'Claim', id: '0c0c0c0c-0000-4000-8000-000000000001', status: 'active' },
            request: { method: 'POST', url: 'Claim' },
          }],
        },
      });
      assert.equal(response.type, 'batch-response');
      assert.equal(response.entry.length, 1);
      assert.equal(response.entry[0].response.status, '422 Unprocessable Entity');
      assert.equal(response.entry[0].response.outcome.issue[0].severity, 'warning');
    });

    it('refuses a Bundle from a user without data.import (403) and a bare resource (400)', async () => {
      const issue = await rejectsWithOutcome(auditor.transaction({ body: luigi }), 403, 'auditor import');
      assert.equal(issue.code, 'forbidden');
      const bad = await rejectsWithOutcome(ehr.transaction({ body: { resourceType: 'Patient' } }), 400, 'Patient as Bundle');
      assert.deepEqual(bad.expression, ['resourceType']);
    });
  });

  describe('read and search', () => {
    it('reads the Patient by id', async () => {
      const p = await ehr.read({ resourceType: 'Patient', id: patient.id });
      assertHttp(p, 200, 'Patient read');
      assert.equal(p.resourceType, 'Patient');
      assert.equal(p.id, patient.id);
      assert.equal(p.birthDate, patient.birthDate);
      assert.equal(p.gender, patient.gender);
      assert.equal(p.name[0].family, patient.name[0].family);
      assert.deepEqual(p.name[0].given, patient.name[0].given);
      const mr = patient.identifier.find((i) => i.type?.coding?.[0]?.code === 'MR');
      assert.ok(p.identifier.some((i) => i.system === mr.system && i.value === mr.value), JSON.stringify(p.identifier));
      assert.ok(p.meta?.lastUpdated, JSON.stringify(p.meta));
    });

    it('searches Patient by family, family + birthdate, identifier and _id', async () => {
      const { family } = patient.name[0];
      const mr = patient.identifier.find((i) => i.type?.coding?.[0]?.code === 'MR');
      const searches = [
        { family },
        { family: family.slice(0, 4).toLowerCase() }, // a prefix, any case
        { family, birthdate: patient.birthDate },
        { identifier: `${mr.system}|${mr.value}` },
        { identifier: mr.value },
        { _id: patient.id },
      ];
      for (const searchParams of searches) {
        const label = `Patient?${JSON.stringify(searchParams)}`;
        const found = await auditor.search({ resourceType: 'Patient', searchParams });
        assertSearchset(found, 'Patient', label);
        assert.deepEqual(ids(found), [patient.id], label);
      }
      const otherDay = new Date(dayStart(patient.birthDate) + DAY_MS).toISOString().slice(0, 10);
      const none = await auditor.search({ resourceType: 'Patient', searchParams: { family, birthdate: otherDay } });
      assert.deepEqual(ids(none), [], `birthdate=${otherDay}`);
    });

    it(`searches Observation by patient + code (LOINC ${BODY_HEIGHT} body height)`, async () => {
      const want = observations.filter((o) => hasCode(o, LOINC, BODY_HEIGHT)).map((o) => o.id).sort();
      assert.ok(want.length > 0);
      for (const searchParams of [
        { patient: patient.id, code: `${LOINC}|${BODY_HEIGHT}` },
        { patient: `Patient/${patient.id}`, code: BODY_HEIGHT },
        { subject: `Patient/${patient.id}`, code: `${LOINC}|${BODY_HEIGHT}` },
      ]) {
        const label = `Observation?${JSON.stringify(searchParams)}`;
        const found = await auditor.search({ resourceType: 'Observation', searchParams });
        assertSearchset(found, 'Observation', label);
        assert.deepEqual(ids(found).sort(), want, label);
        for (const e of found.entry) {
          assert.ok(hasCode(e.resource, LOINC, BODY_HEIGHT), label);
          assert.equal(e.resource.subject.reference, `Patient/${patient.id}`, label);
          assert.ok(e.resource.valueQuantity?.value > 0, `${label}: ${JSON.stringify(e.resource.valueQuantity)}`);
        }
      }
    });

    // Luigi's observations fall on four days (all at 19:19:03Z).
    const effective = (o) => Date.parse(o.effectiveDateTime);
    const obsWhere = (pred) => observations.filter((o) => pred(effective(o))).map((o) => o.id).sort();

    it('searches Observation by date with eq, ge, gt, le and lt', async () => {
      const days = [...new Set(observations.map((o) => o.effectiveDateTime.slice(0, 10)))].sort();
      assert.ok(days.length >= 3, JSON.stringify(days));
      const d = days[1];
      const start = dayStart(d);
      const cases = [
        [d, (t) => t >= start && t < start + DAY_MS],
        [`eq${d}`, (t) => t >= start && t < start + DAY_MS],
        [`ge${d}`, (t) => t >= start],
        [`gt${d}`, (t) => t >= start + DAY_MS], // after the whole day
        [`le${d}`, (t) => t < start + DAY_MS],
        [`lt${d}`, (t) => t < start],
        [`ge${observations[0].effectiveDateTime}`, (t) => t >= effective(observations[0])],
      ];
      for (const [date, pred] of cases) {
        const found = await auditor.search({ resourceType: 'Observation', searchParams: { patient: patient.id, date, _count: 500 } });
        assertSearchset(found, 'Observation', `date=${date}`);
        assert.deepEqual(ids(found).sort(), obsWhere(pred), `date=${date}`);
      }
    });

    // KNOWN SERVER BUG (reported): a repeated search parameter only uses its first value,
    // so a range date=geA&date=leB is searched as date=geA (the same for birthdate).
    it('searches Observation by a date range (date=geA&date=leB)', async () => {
      const days = [...new Set(observations.map((o) => o.effectiveDateTime.slice(0, 10)))].sort();
      const [from, to] = [days[1], days[days.length - 2]];
      const found = await auditor.search({
        resourceType: 'Observation',
        searchParams: { patient: patient.id, date: [`ge${from}`, `le${to}`], _count: 500 }, // sent as date=ge..&date=le..
      });
      assert.deepEqual(ids(found).sort(), obsWhere((t) => t >= dayStart(from) && t < dayStart(to) + DAY_MS),
        `date=ge${from}&date=le${to}`);
    });

    it('pages through all observations with nextPage()', async () => {
      const first = await auditor.search({ resourceType: 'Observation', searchParams: { patient: `Patient/${patient.id}`, _count: 7 } });
      const pages = await allPages(auditor, first);
      assert.equal(pages.length, Math.ceil(observations.length / 7), `${pages.length} pages`);
      pages.forEach((page, i) => {
        assertSearchset(page, 'Observation', `page ${i + 1}`);
        assert.equal(page.entry.length, Math.min(7, observations.length - 7 * i), `page ${i + 1}`);
        assert.equal(page.link.some((l) => l.relation === 'next'), i < pages.length - 1, `page ${i + 1} next link`);
      });
      const got = pages.flatMap(ids);
      assert.equal(got.length, observations.length, 'total over all pages');
      assert.equal(new Set(got).size, got.length, 'an observation on two pages');
      assert.deepEqual(got.sort(), observations.map((o) => o.id).sort());
    });

    // KNOWN SERVER BUG (reported): _count=0 answers with a next link to the same
    // page (_count=0&_offset=0), so a client following next never stops.
    it('ends paging for _count=0', async () => {
      const first = await auditor.search({ resourceType: 'Observation', searchParams: { patient: patient.id, _count: 0 } });
      assert.deepEqual(ids(first), []);
      assert.equal(first.link.find((l) => l.relation === 'next'), undefined, JSON.stringify(first.link));
    });

    it('reads an Encounter found by search, and resolves an Observation\'s encounter reference', async () => {
      const amb = encounters.filter((e) => e.class?.code === 'AMB');
      const found = await auditor.search({ resourceType: 'Encounter', searchParams: { patient: patient.id, class: 'AMB' } });
      assertSearchset(found, 'Encounter', 'Encounter?class=AMB');
      assert.deepEqual(ids(found).sort(), amb.map((e) => e.id).sort());

      const want = encounters.find((e) => e.id === ids(found)[0]);
      const enc = await auditor.read({ resourceType: 'Encounter', id: want.id });
      assert.equal(enc.resourceType, 'Encounter');
      assert.equal(enc.id, want.id);
      assert.equal(enc.status, want.status);
      assert.equal(enc.class.code, 'AMB');
      assert.equal(enc.subject.reference, `Patient/${patient.id}`);
      assert.equal(Date.parse(enc.period.start), Date.parse(want.period.start));
      assert.equal(Date.parse(enc.period.end), Date.parse(want.period.end));

      // The imported urn:uuid reference comes back as Encounter/<id>, which the client resolves.
      const [obs] = (await auditor.search({ resourceType: 'Observation', searchParams: { patient: patient.id, _count: 1 } })).entry;
      const source = observations.find((o) => o.id === obs.resource.id);
      assert.equal(obs.resource.encounter.reference, `Encounter/${source.encounter.reference.replace('urn:uuid:', '')}`);
      const resolved = await auditor.resolve({ reference: obs.resource.encounter.reference });
      assert.equal(`Encounter/${resolved.id}`, obs.resource.encounter.reference);
    });
  });

  describe('errors come back as OperationOutcome', () => {
    it('an unknown search parameter: 400 naming it', async () => {
      const issue = await rejectsWithOutcome(
        auditor.search({ resourceType: 'Observation', searchParams: { patient: patient.id, colour: 'red' } }), 400, 'colour=');
      assert.equal(issue.code, 'invalid');
      assert.deepEqual(issue.expression, ['colour']);
      const onPatient = await rejectsWithOutcome(auditor.search({ resourceType: 'Patient', searchParams: { code: BODY_HEIGHT } }), 400, 'Patient?code=');
      assert.deepEqual(onPatient.expression, ['code']);
    });

    it('a patient-scoped search without patient=: 400 naming patient', async () => {
      for (const resourceType of ['Observation', 'Encounter', 'Condition']) {
        const issue = await rejectsWithOutcome(auditor.search({ resourceType, searchParams: { code: BODY_HEIGHT } }), 400, resourceType);
        assert.deepEqual(issue.expression, ['patient'], resourceType);
      }
    });

    it('an unknown id: 404 not-found; no token: 401', async () => {
      const issue = await rejectsWithOutcome(auditor.read({ resourceType: 'Patient', id: 'no-such-patient' }), 404, 'unknown id');
      assert.equal(issue.code, 'not-found');
      const anon = await rejectsWithOutcome(anonymous.read({ resourceType: 'Patient', id: patient.id }), 401, 'no token');
      assert.equal(anon.code, 'login');
    });
  });

  describe('access control and audit', () => {
    it('a case manager not on the care team gets 403, and finds nobody', async () => {
      const issue = await rejectsWithOutcome(manager.read({ resourceType: 'Patient', id: patient.id }), 403, 'case manager read');
      assert.equal(issue.code, 'forbidden');
      await rejectsWithOutcome(manager.search({ resourceType: 'Observation', searchParams: { patient: patient.id } }), 403, 'case manager search');
      const found = await manager.search({ resourceType: 'Patient', searchParams: { family: patient.name[0].family } });
      assert.deepEqual(ids(found), [], 'a Patient search shows only the care team\'s patients');
      await rejectsWithOutcome(manager.search({ resourceType: 'AuditEvent', searchParams: { patient: patient.id } }), 403, 'case manager AuditEvent');
      await rejectsWithOutcome(ehr.search({ resourceType: 'AuditEvent', searchParams: { patient: patient.id } }), 403, 'integration AuditEvent');
    });

    it('the auditor finds the import, the reads and the refused read in AuditEvent for the patient', async () => {
      const first = await auditor.search({ resourceType: 'AuditEvent', searchParams: { patient: patient.id, _count: 20 } });
      const events = (await allPages(auditor, first)).flatMap((p) => {
        assertSearchset(p, 'AuditEvent', 'AuditEvent');
        return p.entry.map((e) => e.resource);
      });
      const about = (ev) => (ev.entity ?? []).some((x) => x.what?.reference === `Patient/${patient.id}`);
      const action = (ev) => ev.subtype?.[0]?.code;
      const who = (ev) => ev.agent?.find((a) => a.requestor)?.who?.display;
      for (const ev of events) {
        assert.ok(about(ev), `an event not about the patient: ${JSON.stringify(ev)}`);
        assert.ok(ev.recorded && ev.type?.code && ev.agent?.length, JSON.stringify(ev));
      }
      const has = (pred, what) => assert.ok(events.some(pred), `no ${what} among ${JSON.stringify(events.map((e) => [action(e), who(e), e.outcome]))}`);
      has((e) => action(e) === 'patient.import' && who(e) === USERS.ehr.username, 'import by the integration user');
      has((e) => action(e) === 'fhir.read' && who(e) === USERS.ehr.username && e.outcome === '0', 'Patient read by the integration user');
      has((e) => action(e) === 'fhir.read' && who(e) === USERS.auditor.username, 'Encounter read by the auditor');
      has((e) => action(e) === 'fhir.search' && who(e) === USERS.auditor.username, 'searches by the auditor');
      has((e) => who(e) === USERS.manager.username && e.outcome !== '0', 'refused read by the case manager');
      const reads = events.filter((e) => action(e) === 'fhir.read').map((e) => (e.entity ?? []).map((x) => x.what?.display ?? '').join(' '));
      assert.ok(reads.some((r) => r.includes(`Patient ${patient.id}`)), JSON.stringify(reads));
      assert.ok(reads.some((r) => r.includes('Encounter ')), JSON.stringify(reads));
    });
  });
});
