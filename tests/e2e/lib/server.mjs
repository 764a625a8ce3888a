// What the browser journeys (tests/e2e/*.test.mjs) share: a real `liaison serve` on a fresh
// demo database and a free port, Debian's chromium through playwright-core, pages that record
// every console error, and the API as an admin's own tools would call it. Not a test itself:
// the e2e glob takes *.test.mjs only.
//
// Env (set by ctest): LIAISON_BIN (the binary), LIAISON_WEB_DIR (web/).

import assert from 'node:assert/strict';
import {spawn, execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {chromium} from 'playwright-core';

export const BIN = process.env.LIAISON_BIN || resolve('build/liaison');
export const WEB = process.env.LIAISON_WEB_DIR || resolve('web');
export const CHROMIUM = '/usr/bin/chromium';

export const PHONE = {width: 390, height: 844};
export const NARROW = {width: 360, height: 740};

// The demo's admin of its county (`liaison demo`); the region comes from the session.
export const DEMO_ADMIN = {username: 'admin', password: 'liaison-demo'};

const running = new Set(); // servers of this process, whose logs a timeout message shows

function logs() {
  return [...running].map((s) => s.log()).filter(Boolean).join('\n');
}

export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const {port} = s.address();
      s.close(() => ok(port));
    });
  });
}

// Polls check() until it returns a truthy value or the deadline passes.
export async function until(what, check, ms = 15000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const v = await check();
      if (v)
        return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}\n${logs()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function exited(child) {
  return new Promise((ok) => {
    if (child.exitCode !== null || child.signalCode !== null)
      ok({code: child.exitCode, signal: child.signalCode});
    else
      child.once('exit', (code, signal) => ok({code, signal}));
  });
}

// `liaison init` and `liaison demo` in a new temporary directory, then `liaison serve` on a free
// port, ready once GET /healthz answers. The returned server:
//   base ('http://127.0.0.1:PORT'), dir (the temporary directory), child (the process), log()
//   (its last 8000 characters of output), call(session, method, path, body) -> {status, body},
//   signIn({username, password}) -> {cookie, csrf, user}, and close(): SIGTERM (SIGKILL if it
//   is still there 10 s later), then the directory is removed; it answers how the server ended,
//   {code, signal}, or null if it had ended before.
export async function startServer({threads = 2, args = []} = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'liaison-e2e-'));
  const db = join(dir, 'liaison.db');
  const dataDir = join(dir, 'data');
  let log = '';
  const server = {dir, db, dataDir, base: null, child: null, log: () => log};
  running.add(server);

  server.close = async () => {
    running.delete(server);
    const child = server.child;
    let end = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const done = exited(child);
      child.kill('SIGTERM');
      let timer;
      const late = new Promise((ok) => { timer = setTimeout(ok, 10000, 'late'); });
      if (await Promise.race([done, late]) === 'late') {
        child.kill('SIGKILL');
        await done;
      }
      clearTimeout(timer);
      end = await done;
    }
    rmSync(dir, {recursive: true, force: true});
    return end;
  };

  server.call = async (session, method, path, body) => {
    const headers = {Accept: 'application/json'};
    if (session) {
      headers.Cookie = session.cookie;
      if (method !== 'GET')
        headers['X-CSRF-Token'] = session.csrf;
    }
    if (body !== undefined)
      headers['Content-Type'] = 'application/json';
    const res = await fetch(`${server.base}${path}`, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return {status: res.status, body: json};
  };

  // call() that asserts the status (200 unless given) and answers the body
  server.expect = async (session, method, path, body, expected = 200) => {
    const res = await server.call(session, method, path, body);
    assert.equal(res.status, expected, `${method} ${path} ${JSON.stringify(body ?? '')} -> ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  server.signIn = async ({username, password}) => {
    const res = await fetch(`${server.base}/api/v1/session`, {
      method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({username, password})
    });
    assert.equal(res.status, 200, `sign-in as ${username}`);
    const cookie = (res.headers.get('set-cookie') || '').split(';')[0];
    const body = await res.json();
    return {cookie, csrf: body.csrf_token, user: body.user};
  };

  try {
    execFileSync(BIN, ['init', '--db', db, '--data-dir', dataDir], {stdio: 'pipe'});
    execFileSync(BIN, ['demo', '--db', db, '--data-dir', dataDir], {stdio: 'pipe'});
    const port = await freePort();
    server.base = `http://127.0.0.1:${port}`;
    const child = spawn(BIN, ['serve', '--db', db, '--data-dir', dataDir, '--web-dir', WEB,
      '--listen', `127.0.0.1:${port}`, '--threads', String(threads), ...args], {stdio: ['ignore', 'pipe', 'pipe']});
    server.child = child;
    for (const stream of [child.stdout, child.stderr])
      stream.on('data', (chunk) => { log = (log + chunk).slice(-8000); });
    await until('GET /healthz', async () => {
      if (child.exitCode !== null)
        throw new Error(`liaison serve exited with ${child.exitCode}`);
      const res = await fetch(`${server.base}/healthz`);
      return res.ok;
    });
  } catch (err) {
    await server.close();
    throw err;
  }
  return server;
}

// Chromium on a fresh profile inside the server's directory (a persistent context is how
// Playwright takes a --user-data-dir). The returned browser: context, openPage(viewport,
// expectedFailures) and close().
export async function launchBrowser(server, viewport = PHONE) {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const context = await chromium.launchPersistentContext(join(server.dir, 'chromium'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true
  });
  context.setDefaultTimeout(8000); // a missing element fails with its name, well inside the test's time
  return {
    context,
    openPage: (size, expectedFailures) => openPage(context, server.base, size, expectedFailures),
    close: () => context.close()
  };
}

// A page on a clean origin (no cookies, no stored language or region) that records every
// console error and page error. Chromium also reports each 4xx answer as a console error
// "Failed to load resource"; only the answers a test provokes on purpose are let through,
// given as 'STATUS PATH'. Loading the workspace signed out asks GET /api/v1/session, which
// answers 200 {"user":null,...}: a signed-out page load logs no error at all.
export async function openPage(context, base, viewport = PHONE, expectedFailures = []) {
  const expected = new Set(expectedFailures);
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.clearDataForOrigin', {origin: base, storageTypes: 'all'});
  await cdp.detach();
  await context.clearCookies();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error')
      return;
    const where = msg.location().url || '';
    const failed = /^Failed to load resource: the server responded with a status of (\d+)/.exec(msg.text());
    if (failed && where && expected.has(`${failed[1]} ${new URL(where, base).pathname}`))
      return;
    problems.push(`console error: ${msg.text()} (${where})`);
  });
  page.problems = problems;
  return page;
}

export function assertNoProblems(page) {
  assert.deepEqual(page.problems, [], 'the page logged errors');
}

export function scrollWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

// The demo's station clerk (account staff) signed in through the API, their first station and
// up to five of its deputies: {staff: {cookie, csrf, user}, station, deputies}.
export async function demoClerk(server) {
  const staff = await server.signIn({username: 'staff', password: 'liaison-demo'});
  assert.ok(staff.user.stations.length, 'the demo clerk has a station');
  const station = await server.expect(staff, 'GET', `/api/v1/stations/${staff.user.stations[0]}`);
  const deputies = await server.expect(staff, 'GET', `/api/v1/deputies?station=${station.id}&limit=5`);
  return {staff, station, deputies: deputies.items};
}

// Signs in on the workspace's form (/staff/), as a person would.
export async function signInPage(page, base, {username, password}) {
  await page.goto(`${base}/staff/`);
  const login = page.locator('#login-form');
  await login.getByLabel('用户名').fill(username);
  await login.getByLabel('密码', {exact: true}).fill(password);
  await login.getByRole('button', {name: '登录'}).click();
}

// The steps of a journey, run in order by node:test's test(): step(name, fn) registers one that
// is skipped once an earlier one has failed (it would only fail for the same reason).
export function journey(test, timeout = 60000) {
  let failed = false;
  return (name, fn) => test(name, {timeout}, async (t) => {
    if (failed) {
      t.skip('an earlier step of the journey failed');
      return;
    }
    try {
      await fn(t);
    } catch (err) {
      failed = true;
      throw err;
    }
  });
}

// Closes the browser, then the server, and asserts the server's clean exit on SIGTERM: under
// ASan, no leak or memory error on the way.
export async function closeAll(browser, server) {
  await browser?.close();
  const end = server && await server.close();
  assert.ok(!server || (end.code === 0 && end.signal === null), `the server ended with ${JSON.stringify(end)}\n${server?.log()}`);
}
