// Shared by the end-to-end tests: the real casekeeper server on a free
// loopback port with a fresh demo database serving web/dist, and headless
// Chromium from Debian's `chromium` package driven by playwright-core.
//   CK_BINARY     casekeeper binary (default: build/casekeeper of the repository)
//   CK_CHROMIUM   browser binary (default: /usr/bin/chromium)
//   CK_WEB_DIST   the built app (default: web/dist)
// `suite()` gives a test file all of that in one call, with a page per
// browser context, signing in and the screens' render times.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const WEB = path.resolve(HERE, '..');
export const REPO = path.resolve(WEB, '..');
const BINARY = path.resolve(REPO, process.env.CK_BINARY || path.join('build', 'casekeeper'));
const CHROMIUM = process.env.CK_CHROMIUM || '/usr/bin/chromium';
const DIST = path.resolve(process.env.CK_WEB_DIST || path.join(WEB, 'dist'));
export const ARTIFACTS = path.join(HERE, 'artifacts');
export const PASSWORD = 'casekeeper-demo'; // the synthetic demo users' password

function cleanEnv(extra) {
  // The test decides the configuration, not the developer's shell.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CASEKEEPER_')));
  return { ...env, ...extra };
}

const running = new Set();
function killAll() {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill('SIGKILL');
      } catch {
        // gone
      }
    }
  }
}
process.on('exit', killAll);

/** Starts `casekeeper serve --demo` on 127.0.0.1:0; resolves to { url, stop(), log() }. */
export async function startServer(env = {}) {
  assert.ok(fs.existsSync(BINARY), `casekeeper binary not found at ${BINARY} (set CK_BINARY)`);
  assert.ok(fs.existsSync(path.join(DIST, 'index.html')), `no built web app in ${DIST} (npm run build)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-web-e2e-'));
  const db = path.join(dir, 'ck.db');
  const child = spawn(BINARY, ['serve', '--db', db, '--demo', '--http', '127.0.0.1:0'], {
    env: cleanEnv({ CASEKEEPER_WEB_ROOT: DIST, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    out = (out + d).slice(-50000);
  });
  child.stderr.on('data', (d) => {
    out = (out + d).slice(-50000);
  });
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 60 s:\n${out}`)), 60000);
    const check = () => {
      const m = /listening on http:\/\/[^ ]*:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout.off('data', check);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`casekeeper exited (${code ?? sig}) before listening:\n${out}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const index = await (await fetch(url + '/')).text();
  assert.match(index, /<div id="app">/, `the server did not serve the web app from ${DIST}:\n${out}`);
  return {
    url,
    log: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10000);
        await exited;
        clearTimeout(t);
      }
      running.delete(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  assert.ok(fs.existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CK_CHROMIUM)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Root in CI containers needs --no-sandbox; /dev/shm can be small there.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

/** Saves a full-page screenshot under e2e/artifacts/. */
export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

const AXE = fs.readFileSync(path.join(WEB, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/**
 * Runs axe-core on the page (WCAG 2.x A and AA rules) and returns the
 * serious and critical violations. The source goes in through evaluate(),
 * which the page's CSP does not govern (no inline script tag).
 */
export async function axeViolations(page) {
  const already = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!already) await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Asserts no serious or critical axe violation, listing them when there are. */
export async function assertAccessible(page, screen) {
  const v = await axeViolations(page);
  assert.deepEqual(v, [], `${screen}: axe-core found serious or critical violations:\n${JSON.stringify(v, null, 2)}`);
}

/** Patient data must stay out of URLs and browser storage. */
export async function assertNoPatientDataKept(page) {
  const url = new URL(page.url());
  assert.match(url.pathname, /^\/[a-z/0-9]*$/, `URL path has more than ids: ${url.pathname}`);
  for (const [k, v] of url.searchParams) assert.match(v, /^[a-z0-9_]+$/, `URL parameter ${k}=${v} is more than an id or a tab`);
  const storage = await page.evaluate(() => ({ local: window.localStorage.length, session: window.sessionStorage.length }));
  assert.deepEqual(storage, { local: 0, session: 0 }, 'the app wrote to browser storage');
}

/** Console errors every file tolerates: the requests the tests mean to fail. */
export const ALLOW_CONSOLE = /401|Unauthorized|409|Conflict|400|Bad Request/;

/**
 * A page in a context of its own (downloads accepted, a 10 s default
 * timeout) and the problems it meets: page errors and console errors, but
 * those `allowConsole` matches. Resolves to { context, page, problems }.
 */
export async function newPage(browser, { viewport = { width: 1366, height: 900 }, acceptDownloads = true, allowConsole = ALLOW_CONSOLE, timezoneId } = {}) {
  // timezoneId: the browser's own zone (default: this computer's), to check the organisation's clock is used instead.
  const context = await browser.newContext({ viewport, acceptDownloads, ...(timezoneId ? { timezoneId } : {}) });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // CSP violations and script errors show up here.
    if (m.type() === 'error' && !allowConsole.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return { context, page, problems };
}

/** Signs in as one of the demo users (`server` is the server or its URL) and waits for the shell. */
export async function signIn(page, server, username) {
  await page.goto((typeof server === 'string' ? server : server.url) + '/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/**
 * `timed(name, page, action, ready)` for a timings object: the time from the
 * action until `ready` is visible and nothing is loading, kept as
 * timings[name]. `ready` is a locator, or a level-1 heading's name (a string
 * or a RegExp).
 */
export function timer(timings) {
  return async function timed(name, page, action, ready) {
    const target = typeof ready === 'string' || ready instanceof RegExp ? page.getByRole('heading', { level: 1, name: ready }) : ready;
    const t0 = Date.now();
    await action();
    await target.waitFor();
    await page.waitForFunction(() => !document.querySelector('.loading'));
    timings[name] = Date.now() - t0;
  };
}

/** Writes the screens' render times to e2e/artifacts/<file> and prints them when there are any. */
export function writeTimings(file, timings) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS, file), JSON.stringify(timings, null, 2) + '\n');
  if (Object.keys(timings).length) console.log('# screen render times (ms):', JSON.stringify(timings));
}

/**
 * One test file's set-up, called at its top level: the server and the
 * browser start before its tests; after them both stop and the render times
 * go to e2e/artifacts/<timingsFile>. `pages` are newPage()'s options for the
 * file (its console-error allowances, whether it downloads). Returns
 *   server    { url, log() } of the running server
 *   browser   a getter for the browser
 *   timings   the render times, by screen
 *   newPage(viewport?, options?), signIn(page, username), timed(name, page, action, ready)
 */
export function suite(timingsFile, pages = {}) {
  let server;
  let browser;
  const timings = {};
  before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    writeTimings(timingsFile, timings);
  });
  const view = {
    get url() {
      return server.url;
    },
    log: () => server.log(),
  };
  return {
    server: view,
    get browser() {
      return browser;
    },
    timings,
    newPage: (viewport, options = {}) => newPage(browser, { ...pages, ...(viewport ? { viewport } : {}), ...options }),
    signIn: (page, username) => signIn(page, server, username),
    timed: timer(timings),
  };
}
