// Black-box test of casekeeper's MLLP listener (HL7 v2 ADT) driven by a
// third-party MLLP client: Medplum's @medplum/hl7 (Hl7Client: MLLP framing
// 0x0B ... 0x1C 0x0D out, ACK frames in) and @medplum/core (Hl7Message).
//
// Starts the real binary (CK_BINARY, default ../../build/casekeeper) on free
// loopback ports, sends admits, a duplicate, a discharge, refused messages,
// concurrent traffic and the shared sample files (../shared/data/hl7v2 from the
// repository root, or CK_HL7_DATA), then checks the record through the REST
// API and, after a graceful stop, the SQLite database with the sqlite3 CLI.
// All patient data written here is synthetic.
//
// Plain ESM, node:test + node:assert, Node >= 18.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// @medplum/hl7 3.3.0 (the last release that supports Node 18) ships an ESM
// build that imports named exports from the CommonJS iconv-lite, which Node
// refuses; its CommonJS build is the same code and loads fine.
const require = createRequire(import.meta.url);
const { Hl7Client } = require('@medplum/hl7');
const { Hl7Message, Hl7Segment, Hl7Field } = require('@medplum/core');

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const BINARY = path.resolve(process.env.CK_BINARY || path.join(REPO, 'build', 'casekeeper'));
const DATA = path.resolve(process.env.CK_HL7_DATA || path.join(REPO, '..', 'shared', 'data', 'hl7v2'));

const SENDER = 'CKNODE'; // MSH-3 of every synthetic message below
const FACILITY = 'RIVERSIDE';
const AUDITOR = { username: 'hl7.auditor', password: 'synthetic-auditor-password' };
const ACK_TIMEOUT_MS = 15000;

// ---------------------------------------------------------------- messages

// One segment from {field number: value}; empty fields in between.
function segment(name, fields) {
  const max = Math.max(0, ...Object.keys(fields).map(Number));
  const out = [name];
  for (let i = 1; i <= max; i++) out.push(fields[i] ?? '');
  return out.join('|');
}

function msh(type, control, { version = '2.5.1', at = '20261127080000', sender = SENDER } = {}) {
  return `MSH|^~\\&|${sender}|${FACILITY}|CASEKEEPER|ORG|${at}||${type}|${control}|P|${version}`;
}

function message(...segments) {
  return Hl7Message.parse(segments.join('\r') + '\r');
}

function pid(mrn, { birth = '19600101', name = 'Synthetic^Pat' } = {}) {
  return segment('PID', { 1: '1', 3: `${mrn}^^^${FACILITY}^MR`, 5: name, 7: birth, 8: 'F' });
}

function admit(control, mrn, visit, opts = {}) {
  return message(
    msh('ADT^A01^ADT_A01', control, opts),
    'EVN|A01|20261127075500',
    pid(mrn, opts),
    segment('PV1', { 1: '1', 2: 'I', 3: `4E^401^A^${FACILITY}`, 4: 'E', 19: visit, 44: '20261127075500' }),
  );
}

function discharge(control, mrn, visit) {
  return message(
    msh('ADT^A03^ADT_A03', control, { at: '20261130100000' }),
    'EVN|A03|20261130100000',
    pid(mrn),
    segment('PV1', {
      1: '1', 2: 'I', 3: `4E^401^A^${FACILITY}`, 19: visit, 36: '01',
      44: '20261127075500', 45: '20261130100000',
    }),
  );
}

// A message whose text goes out exactly as given (no parsing by the client),
// for inputs that are not valid HL7: one "segment" holding the whole text.
function rawMessage(text) {
  return new Hl7Message([new Hl7Segment([new Hl7Field([[text]])])]);
}

const field = (msg, seg, n) => msg.getSegment(seg)?.getField(n)?.toString() ?? '';
const component = (msg, seg, n, c) => msg.getSegment(seg)?.getField(n)?.getComponent(c) ?? '';
const controlId = (msg) => field(msg, 'MSH', 10);

// The HL7 error code of an ACK's ERR: ERR-3.1 (v2.5+), else ERR-1.4.1
// (segment^sequence^field^code&text in earlier versions).
function errCode(ack) {
  const err = ack.getSegment('ERR');
  if (!err) return '';
  const v25 = err.getField(3)?.getComponent(1) ?? '';
  if (v25) return v25;
  return err.getField(1)?.getComponent(4, 0) ?? '';
}

// ---------------------------------------------------------------- server

let server; // { child, dir, db, httpPort, mllpPort, out(), err() }
const sentControlIds = new Set(); // distinct CKNODE MSH-10s sent
const acksSeen = []; // { label, text } of every ACK, for the byte-level check

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
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-mllp-client-'));
  const db = path.join(dir, 'ck.db');
  // An auditor may read and search every patient: enough to check what the feed wrote.
  const add = spawnSync(
    BINARY,
    ['user', 'add', '--db', db, '--username', AUDITOR.username, '--role', 'auditor',
      '--display-name', 'Synthetic HL7 test auditor'],
    { input: AUDITOR.password + '\n', env: cleanEnv(), encoding: 'utf8', timeout: 60000 },
  );
  assert.equal(add.status, 0, `casekeeper user add failed: ${add.stderr}${add.stdout}`);

  const child = spawn(
    BINARY,
    ['serve', '--db', db, '--http', '127.0.0.1:0', '--mllp', '127.0.0.1:0'],
    { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => {
    err = (err + d).slice(-20000);
  });
  server = { child, dir, db, out: () => out, err: () => err };

  // The banner: "... listening on http://127.0.0.1:PORT" then "MLLP listening on 127.0.0.1:PORT"
  // (the same lines tests/server_process.cc parses).
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no banner within 60 s:\n${out}\n${err}`)), 60000);
    const onData = (d) => {
      out += d;
      const h = /listening on https?:\/\/[^ ]*:(\d+)/.exec(out);
      const m = /MLLP listening on [^ ]*:(\d+)/.exec(out);
      if (h && m) {
        server.httpPort = Number(h[1]);
        server.mllpPort = Number(m[1]);
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

async function stopServer(timeoutMs = 30000) {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.kill('SIGTERM');
  const timer = new Promise((resolve) => setTimeout(() => resolve(null), timeoutMs).unref());
  const result = await Promise.race([exited, timer]);
  if (result === null) {
    child.kill('SIGKILL');
    await exited;
    return { code: null, signal: 'SIGKILL', timedOut: true };
  }
  return result;
}

// ---------------------------------------------------------------- MLLP client

async function connect({ encoding } = {}) {
  const client = new Hl7Client({ host: '127.0.0.1', port: server.mllpPort, encoding });
  await client.connect();
  return client;
}

// client.sendAndWait() with a deadline, failing on close or client error
// (Hl7Client itself waits forever if the server closes instead of answering).
function exchange(client, msg, label, timeoutMs = ACK_TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`${label}: no ACK within ${timeoutMs} ms`)), timeoutMs);
    const onClose = () => done(new Error(`${label}: the server closed the connection instead of answering`));
    const onError = (e) => done(new Error(`${label}: client error: ${e.error?.message ?? e}`));
    let settled = false;
    function done(e, ack) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.removeEventListener('close', onClose);
      client.removeEventListener('error', onError);
      if (e) {
        reject(e);
        return;
      }
      acksSeen.push({ label, text: ack.toString() });
      resolve(ack);
    }
    client.addEventListener('close', onClose);
    client.addEventListener('error', onError);
    // Hl7Client keeps a connection the server has closed, and writes to it go nowhere.
    const socket = client.connection?.socket;
    if (socket && (socket.destroyed || !socket.writable)) {
      done(new Error(`${label}: the server had closed the connection`));
      return;
    }
    client.sendAndWait(msg).then((ack) => done(null, ack), (e) => done(e));
  });
}

async function send(client, msg, label = controlId(msg)) {
  if (field(msg, 'MSH', 3) === SENDER) sentControlIds.add(controlId(msg));
  return exchange(client, msg, label);
}

function assertAck(ack, want, control, label) {
  const text = JSON.stringify(ack.toString());
  assert.equal(component(ack, 'MSH', 9, 1), 'ACK', `${label}: not an ACK: ${text}`);
  assert.equal(field(ack, 'MSA', 1), want, `${label}: MSA-1; ACK ${text}`);
  assert.equal(field(ack, 'MSA', 2), control, `${label}: MSA-2 must echo MSH-10; ACK ${text}`);
  if (want === 'AA') assert.equal(ack.getSegment('ERR'), undefined, `${label}: AA with an ERR: ${text}`);
  else assert.ok(ack.getSegment('ERR'), `${label}: ${want} without an ERR segment: ${text}`);
}

// ---------------------------------------------------------------- HTTP

function request(method, target, { body, token } = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1', port: server.httpPort, method, path: target, timeout: 15000,
        headers: {
          ...(data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {}),
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => {
          let json;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode, body: text, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${target}: timed out`)));
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

// ---------------------------------------------------------------- sqlite3

function sqlite(db, sql) {
  const r = spawnSync('sqlite3', ['-readonly', '-batch', '-noheader', db, sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, `sqlite3 failed on ${sql}: ${r.stderr}`);
  return r.stdout.trim();
}
const hasSqlite3 = spawnSync('sqlite3', ['-version'], { encoding: 'utf8' }).status === 0;

// ---------------------------------------------------------------- sample files

function filesUnder(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile() && e.name !== 'SOURCE.md') out.push(p);
  }
  return out.sort();
}

// What casekeeper answers to each shared sample (docs/hl7_adt_mapping.md).
// fhir-converter/: as src/interop/hl7v2/inbox_test.cc (EverySharedSampleGetsTheRightKindOfAck).
function expectedAck(rel) {
  const name = path.basename(rel);
  if (rel.startsWith('fhir-converter/')) return name.startsWith('ADT-A40') ? 'AE' : 'AA'; // A40: MRG-1 never sent here
  const hapi = {
    'ADT_A01.txt': 'AE', // PV1-2 patient class outside I, B, E, O, R, P
    'adt_a03.txt': 'AA',
    'segmentfinder_a24.hl7': 'AR', // ADT^A24: event not handled (non-standard delimiters)
    'AbstractMessageTest_RAS_O17_v25_F_escape_Zsegs.hl7': 'AR', // RAS: type not handled
    'CustomModelClassTest_ADT_A01_v25_ZFA.hl7': 'AA',
    'EscapeTest_ORU_R01_v23_formatting_escapes.hl7': 'AR',
    'EscapeTest_ORU_R01_v24_highlight_escapes.hl7': 'AR',
    'IsEmptyTest_ADT_A08_v23_nulls.hl7': 'AA',
    'SuperStructureTest_ADT_A01_v23_twoPID_CRLF.hl7': 'AA',
    'messages_txt_BAR_P01_v24_subcomp_brace.hl7': 'AR', // BAR: type not handled
    'messages_txt_BAR_P01_v24_three_encoding_chars.hl7': 'AR',
  };
  return hapi[name] ?? null; // null: any of AA/AE/AR
}

// ---------------------------------------------------------------- tests

describe('casekeeper MLLP listener with a third-party client (@medplum/hl7)', () => {
  let client;
  let firstAdmitAck = '';

  before(async () => {
    await startServer();
    client = await connect();
  });

  after(async () => {
    client?.close();
    if (server) {
      await stopServer(10000);
      if (process.env.CK_KEEP_TMP) {
        fs.writeFileSync(path.join(server.dir, 'serve.stdout'), server.out());
        fs.writeFileSync(path.join(server.dir, 'serve.stderr'), server.err());
        console.log(`kept ${server.dir} (CK_KEEP_TMP)`);
      } else {
        fs.rmSync(server.dir, { recursive: true, force: true });
      }
    }
  });

  it('(a) acknowledges an ADT^A01 admit with AA and the sent MSH-10', async () => {
    const ack = await send(client, admit('CKN-A01-1', 'CKN-MRN-1', 'CKN-V-1'));
    assertAck(ack, 'AA', 'CKN-A01-1', 'admit');
    firstAdmitAck = ack.toString();
    // The ACK turns the header around (docs/hl7_adt_mapping.md).
    assert.equal(field(ack, 'MSH', 3), 'CASEKEEPER');
    assert.equal(field(ack, 'MSH', 5), SENDER);
    assert.equal(field(ack, 'MSH', 6), FACILITY);
    assert.equal(field(ack, 'MSH', 12), '2.5.1');
  });

  it('(b) answers the same message again (duplicate) with AA', async () => {
    const again = await send(client, admit('CKN-A01-1', 'CKN-MRN-1', 'CKN-V-1'), 'duplicate admit');
    assertAck(again, 'AA', 'CKN-A01-1', 'duplicate admit');
    assert.equal(again.toString(), firstAdmitAck, 'a duplicate gets the stored ACK, unchanged');
    // ... also on another connection
    const other = await connect();
    try {
      const third = await send(other, admit('CKN-A01-1', 'CKN-MRN-1', 'CKN-V-1'), 'duplicate admit, 2nd connection');
      assertAck(third, 'AA', 'CKN-A01-1', 'duplicate admit, 2nd connection');
      assert.equal(third.toString(), firstAdmitAck, 'a duplicate gets the stored ACK, unchanged');
    } finally {
      other.close();
    }
  });

  it('(c) acknowledges an ADT^A03 discharge of the same visit with AA', async () => {
    assertAck(await send(client, discharge('CKN-A03-1', 'CKN-MRN-1', 'CKN-V-1')), 'AA', 'CKN-A03-1', 'discharge');
  });

  it('(d) refuses what it cannot use: AR for types and events it does not handle, AE for bad values, with ERR', async () => {
    const oru = message(
      msh('ORU^R01^ORU_R01', 'CKN-ORU-1'),
      pid('CKN-MRN-1'),
      'OBR|1||CKN-ORD-1|2345-7^Glucose^LN',
      'OBX|1|NM|2345-7^Glucose^LN||99|mg/dL|||||F',
    );
    let ack = await send(client, oru);
    assertAck(ack, 'AR', 'CKN-ORU-1', 'ORU^R01');
    assert.equal(errCode(ack), '200', `ORU^R01: ERR-3 must be 200 (unsupported message type): ${ack}`);
    assert.equal(component(ack, 'ERR', 2, 1), 'MSH');
    assert.equal(component(ack, 'ERR', 2, 3), '9');

    const a24 = message(msh('ADT^A24^ADT_A24', 'CKN-A24-1'), 'EVN|A24|20261127080000', pid('CKN-MRN-1'), pid('CKN-MRN-2'));
    ack = await send(client, a24);
    assertAck(ack, 'AR', 'CKN-A24-1', 'ADT^A24');
    assert.equal(errCode(ack), '201', `ADT^A24: ERR-3 must be 201 (unsupported event): ${ack}`);

    ack = await send(client, admit('CKN-BAD-1', 'CKN-MRN-BAD', 'CKN-V-BAD', { birth: '19601399' }));
    assertAck(ack, 'AE', 'CKN-BAD-1', 'A01 with an impossible birth date');
    assert.equal(errCode(ack), '102', `bad PID-7: ERR-3 must be 102 (data type error): ${ack}`);
    assert.equal(component(ack, 'ERR', 2, 1), 'PID');
    assert.equal(component(ack, 'ERR', 2, 3), '7');

    // Before v2.5 the location and code go in ERR-1.
    ack = await send(client, admit('CKN-BAD-2', 'CKN-MRN-BAD', 'CKN-V-BAD', { birth: '19601399', version: '2.3' }));
    assertAck(ack, 'AE', 'CKN-BAD-2', 'v2.3 A01 with an impossible birth date');
    assert.equal(field(ack, 'MSH', 12), '2.3');
    assert.equal(component(ack, 'ERR', 1, 1), 'PID');
    assert.equal(errCode(ack), '102', `v2.3 bad PID-7: ERR-1.4 must be 102: ${ack}`);
  });

  it('(e) gives each of 50 messages over 5 concurrent connections its own AA', async () => {
    const connections = 5;
    const perConnection = 10;
    const clients = await Promise.all(Array.from({ length: connections }, () => connect()));
    try {
      const results = await Promise.all(clients.map(async (c, k) => {
        const acks = [];
        for (let i = 1; i <= perConnection; i++) {
          const id = `${k + 1}-${i}`;
          const msg = admit(`CKN-C${id}`, `CKN-MRN-C${id}`, `CKN-V-C${id}`);
          acks.push([`CKN-C${id}`, await send(c, msg)]);
        }
        return acks;
      }));
      const all = results.flat();
      assert.equal(all.length, connections * perConnection);
      for (const [control, ack] of all) assertAck(ack, 'AA', control, control);
      assert.equal(new Set(all.map(([, ack]) => field(ack, 'MSA', 2))).size, all.length);
    } finally {
      for (const c of clients) c.close();
    }
  });

  describe('(f) the shared sample messages', () => {
    const present = fs.existsSync(DATA);
    const files = present ? filesUnder(DATA).filter((f) => !path.relative(DATA, f).startsWith('malformed')) : [];

    it('are there', () => {
      assert.ok(present, `shared HL7 samples not found at ${DATA} (set CK_HL7_DATA)`);
      assert.ok(files.length >= 20, `only ${files.length} sample files under ${DATA}`);
    });

    it('each get an ACK echoing their MSH-10, of the expected kind', async () => {
      const c = await connect();
      try {
        for (const f of files) {
          const rel = path.relative(DATA, f).split(path.sep).join('/');
          // The client's parser splits segments on CR, LF or CRLF and sends them CR-terminated;
          // a leading UTF-8 BOM is not part of the message.
          const msg = Hl7Message.parse(fs.readFileSync(f, 'utf8').replace(/^\uFEFF/, ''));
          const ack = await send(c, msg, rel);
          const want = expectedAck(rel);
          const got = field(ack, 'MSA', 1);
          assert.ok(['AA', 'AE', 'AR'].includes(got), `${rel}: MSA-1 ${got}: ${ack}`);
          assertAck(ack, want ?? got, controlId(msg), rel);
          // The ACK is written with the sender's delimiters (segmentfinder_a24 uses '^' as field separator).
          assert.equal(ack.context.fieldSeparator, msg.context.fieldSeparator, `${rel}: ACK field separator`);
        }
      } finally {
        c.close();
      }
    });

    it('malformed/: every robustness input is refused with AR and an ERR, and the listener carries on', async () => {
      const bad = present ? filesUnder(path.join(DATA, 'malformed')) : [];
      assert.ok(bad.length > 0, 'no malformed samples');
      // Bytes as they are (latin1 maps each byte to one character and back).
      const c = await connect({ encoding: 'latin1' });
      try {
        for (const f of bad) {
          const rel = path.relative(DATA, f);
          const ack = await send(c, rawMessage(fs.readFileSync(f, 'latin1')), rel);
          assert.equal(field(ack, 'MSA', 1), 'AR', `${rel}: ${JSON.stringify(ack.toString())}`);
          assert.ok(ack.getSegment('ERR'), `${rel}: AR without ERR: ${JSON.stringify(ack.toString())}`);
        }
      } finally {
        c.close();
      }
      assertAck(await send(client, admit('CKN-A01-2', 'CKN-MRN-2', 'CKN-V-2')), 'AA', 'CKN-A01-2', 'admit after malformed');
    });
  });

  it('the REST API shows the admitted and discharged patient and every concurrent admit', async () => {
    const login = await request('POST', '/api/v1/auth/login', { body: AUDITOR });
    assert.equal(login.status, 200, login.body);
    const token = login.json.token;
    const find = async (mrn) => {
      const r = await request('GET', `/api/v1/patients?identifier=${encodeURIComponent(mrn)}&system=${encodeURIComponent(`urn:hl7v2:aa:${FACILITY}`)}`, { token });
      assert.equal(r.status, 200, r.body);
      return r.json.items;
    };

    const items = await find('CKN-MRN-1');
    assert.equal(items.length, 1, JSON.stringify(items));
    const id = items[0].id;
    const patient = await request('GET', `/api/v1/patients/${id}`, { token });
    assert.equal(patient.status, 200, patient.body);
    assert.equal(patient.json.family_name, 'Synthetic');
    assert.equal(patient.json.given_name, 'Pat');
    assert.equal(patient.json.birth_date, '1960-01-01');
    assert.equal(patient.json.administrative_sex, 'female');
    assert.ok(patient.json.identifiers.some((i) => i.value === 'CKN-MRN-1' && i.kind === 'MR'),
      JSON.stringify(patient.json.identifiers));

    const enc = await request('GET', `/api/v1/patients/${id}/encounters`, { token });
    assert.equal(enc.status, 200, enc.body);
    assert.equal(enc.json.items.length, 1, `one visit, the duplicate applied once: ${enc.body}`);
    const e = enc.json.items[0];
    assert.equal(e.visit_number, 'CKN-V-1');
    assert.equal(e.encounter_class, 'inpatient');
    assert.equal(e.admission_type, 'emergency');
    assert.equal(e.status, 'finished');
    assert.equal(e.discharge_disposition, 'home');
    assert.equal(e.admitted_at, '2026-11-27T07:55:00.000Z');
    assert.equal(e.discharged_at, '2026-11-30T10:00:00.000Z');

    assert.equal((await find('CKN-MRN-BAD')).length, 0, 'an AE message must not create the patient');
    for (let k = 1; k <= 5; k++) {
      for (let i = 1; i <= 10; i++) assert.equal((await find(`CKN-MRN-C${k}-${i}`)).length, 1, `CKN-MRN-C${k}-${i}`);
    }
  });

  it('every ACK is free of NUL and other control bytes (only CR ends segments)', () => {
    const offenders = acksSeen.filter((a) => /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(a.text)); // eslint-disable-line no-control-regex
    assert.deepEqual(offenders.map((a) => `${a.label}: ${JSON.stringify(a.text)}`), []);
  });

  it('stops cleanly on SIGTERM; the database holds each message once and the visit once', async (t) => {
    const { code, signal, timedOut } = await stopServer();
    assert.ok(!timedOut, `casekeeper did not stop within 30 s of SIGTERM; stderr:\n${server.err()}`);
    assert.equal(code, 0, `exit ${code ?? signal}; stderr:\n${server.err()}`);
    if (!hasSqlite3) {
      t.skip('sqlite3 CLI not installed');
      return;
    }
    const db = server.db;
    // Every distinct (MSH-3, MSH-4, MSH-10) is stored once, duplicates are not stored again.
    assert.equal(Number(sqlite(db, `SELECT COUNT(*) FROM hl7_messages WHERE sending_application = '${SENDER}'`)),
      sentControlIds.size);
    assert.equal(sqlite(db, "SELECT COUNT(*) FROM hl7_messages WHERE control_id = 'CKN-A01-1'"), '1');
    assert.equal(sqlite(db, `SELECT outcome FROM hl7_messages WHERE sending_application = '${SENDER}' AND control_id = 'CKN-ORU-1'`), 'AR');
    assert.equal(sqlite(db, `SELECT outcome FROM hl7_messages WHERE sending_application = '${SENDER}' AND control_id = 'CKN-BAD-1'`), 'AE');
    assert.equal(Number(sqlite(db, `SELECT COUNT(*) FROM hl7_messages WHERE sending_application = '${SENDER}' AND outcome = 'AA'`)),
      sentControlIds.size - 4); // ORU, A24 and the two bad birth dates are refused
    // The admitted patient, once, with one visit, admitted once and discharged once.
    const patient = `(SELECT patient_id FROM patient_identifiers WHERE value = 'CKN-MRN-1' AND system = 'urn:hl7v2:aa:${FACILITY}')`;
    assert.equal(sqlite(db, `SELECT COUNT(*) FROM patients WHERE id = ${patient}`), '1');
    assert.equal(sqlite(db, `SELECT status || ',' || visit_number FROM encounters WHERE patient_id = ${patient}`),
      'finished,CKN-V-1');
    assert.equal(sqlite(db, `SELECT group_concat(kind, ',') FROM (SELECT kind FROM domain_events WHERE patient_id = ${patient} ORDER BY id)`),
      'encounter.admitted,encounter.discharged');
    assert.equal(sqlite(db, "SELECT COUNT(*) FROM encounters WHERE visit_number LIKE 'CKN-V-C%'"), '50');
    assert.equal(sqlite(db, "SELECT COUNT(*) FROM patient_identifiers WHERE value = 'CKN-MRN-BAD'"), '0');
  });
});
