// Browser journeys through the staff workspace and the portal: a real `liaison serve` with a
// fresh demo database, driven by Debian's chromium through playwright-core.
//
// Env (set by ctest): LIAISON_BIN (the binary), LIAISON_WEB_DIR (web/).
// Screenshots for a human to judge the layout: /tmp/staff.png and /tmp/portal.png.

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {chromium} from 'playwright-core';

const BIN = process.env.LIAISON_BIN || resolve('build/liaison');
const WEB = process.env.LIAISON_WEB_DIR || resolve('web');
const CHROMIUM = '/usr/bin/chromium';

const ADMIN = {username: 'admin', password: 'liaison-demo', name: '王主任（如东县人大常委会代表工委）', region: '320623000000'};
const PHONE = {width: 390, height: 844};
const NARROW = {width: 360, height: 740};

let dir;          // temporary directory: database, key, browser profile
let server;       // the liaison child process
let serverLog = '';
let base;         // http://127.0.0.1:PORT
let context;      // the browser (a persistent context on a fresh profile)

function freePort() {
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
async function until(what, check, ms = 15000) {
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
      throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}\n${serverLog}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function exited(child) {
  return new Promise((ok) => {
    if (child.exitCode !== null || child.signalCode !== null)
      ok({code: child.exitCode, signal: child.signalCode});
    else
      child.once('exit', (code, signal) => ok({code, signal}));
  });
}

before(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  dir = mkdtempSync(join(tmpdir(), 'liaison-e2e-'));
  const db = join(dir, 'liaison.db');
  const data = join(dir, 'data');
  execFileSync(BIN, ['init', '--db', db, '--data-dir', data], {stdio: 'pipe'});
  execFileSync(BIN, ['demo', '--db', db], {stdio: 'pipe'});

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(BIN, ['serve', '--db', db, '--data-dir', data, '--web-dir', WEB,
    '--listen', `127.0.0.1:${port}`, '--threads', '2'], {stdio: ['ignore', 'pipe', 'pipe']});
  for (const stream of [server.stdout, server.stderr])
    stream.on('data', (chunk) => { serverLog = (serverLog + chunk).slice(-8000); });
  await until('GET /healthz', async () => {
    if (server.exitCode !== null)
      throw new Error(`liaison serve exited with ${server.exitCode}`);
    const res = await fetch(`${base}/healthz`);
    return res.ok;
  });

  // a persistent context is how Playwright takes a --user-data-dir: a fresh one per run
  context = await chromium.launchPersistentContext(join(dir, 'chromium'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: PHONE,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai'
  });
  context.setDefaultTimeout(8000); // a missing element fails with its name, well inside the test's time
});

after(async () => {
  if (context)
    await context.close();
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill('SIGKILL'); // only when the shutdown test did not get to stop it
    await exited(server);
  }
  if (dir)
    rmSync(dir, {recursive: true, force: true});
});

// A page on a clean origin (no cookies, no stored language) that records every console
// error and page error. Chromium also reports each 4xx answer as a console error "Failed to
// load resource"; only the answers a test provokes on purpose are let through, given as
// 'STATUS PATH'. Loading the workspace signed out asks GET /api/v1/session, which answers
// 200 {"user":null,...}: a signed-out page load logs no error at all.
async function openPage(viewport = PHONE, expectedFailures = []) {
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

function assertNoProblems(page) {
  assert.deepEqual(page.problems, [], 'the page logged errors');
}

async function signIn(page, username, password) {
  const form = page.locator('#login-form');
  await form.getByLabel('用户名').fill(username);
  await form.getByLabel('密码', {exact: true}).fill(password);
  await form.getByRole('button', {name: '登录'}).click();
}

async function signInAsAdmin(page) {
  await page.goto(`${base}/staff/`);
  await signIn(page, ADMIN.username, ADMIN.password);
  await page.locator('#me-name').getByText(ADMIN.name).waitFor();
}

function scrollWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

test('signed_out_staff_page_learns_nobody_is_signed_in_and_logs_no_error', {timeout: 20000}, async () => {
  const page = await openPage(PHONE);
  const asked = page.waitForResponse((res) =>
    new URL(res.url()).pathname === '/api/v1/session' && res.request().method() === 'GET');
  await page.goto(`${base}/staff/`);
  const res = await asked;
  assert.equal(res.status(), 200);
  assert.deepEqual(await res.json(), {user: null, csrf_token: null});

  await page.locator('#login-form').waitFor();
  assert.equal(await page.locator('#login-view').isVisible(), true);
  assert.equal(await page.locator('#workspace').isVisible(), false);
  assert.equal(await page.locator('#loading').isVisible(), false);
  assert.equal((await page.locator('#login-error').textContent()).trim(), '', 'no error is shown to the visitor');
  assertNoProblems(page);
  await page.close();
});

test('admin_signs_in_through_the_form_and_sees_their_display_name_and_role', {timeout: 20000}, async () => {
  const page = await openPage(PHONE);
  await page.goto(`${base}/staff/`);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  await signIn(page, ADMIN.username, ADMIN.password);

  await page.locator('#me-name').getByText(ADMIN.name).waitFor();
  assert.equal(await page.locator('#me-role').textContent(), '管理员（代表工委）');
  assert.equal(await page.locator('#me-region').textContent(), ADMIN.region);
  assert.ok(await page.getByRole('button', {name: '退出登录'}).isVisible());
  // the admin's accounts table is filled from GET /api/v1/users
  await page.locator('#users-body tr').filter({hasText: '李联络员'}).waitFor();

  await page.screenshot({path: '/tmp/staff.png', fullPage: true});
  assertNoProblems(page);
  await page.close();
});

test('english_chosen_on_the_staff_page_is_still_english_after_a_reload', {timeout: 20000}, async () => {
  const page = await openPage(PHONE);
  await page.goto(`${base}/staff/`);
  const submit = page.locator('#login-submit');
  await submit.waitFor();
  assert.equal((await submit.textContent()).trim(), '登录');

  await page.getByRole('button', {name: 'English'}).click();
  assert.equal((await submit.textContent()).trim(), 'Sign in');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');

  await page.reload();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await page.locator('#login-view').waitFor();
  assert.equal((await submit.textContent()).trim(), 'Sign in');
  assert.equal((await page.locator('label[for="login-username"]').textContent()).trim(), 'Username');
  assert.equal(await page.getByRole('button', {name: 'English'}).getAttribute('aria-pressed'), 'true');
  assert.equal(await page.evaluate(() => localStorage.getItem('liaison.lang')), 'en');

  // and back: Chinese is stored the same way
  await page.getByRole('button', {name: '中文'}).click();
  assert.equal((await submit.textContent()).trim(), '登录');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  assertNoProblems(page);
  await page.close();
});

test('staff_page_and_portal_fit_a_360px_phone_without_sideways_scrolling', {timeout: 25000}, async () => {
  const page = await openPage(NARROW);

  await page.goto(`${base}/`);
  await page.getByRole('heading', {level: 1}).waitFor();
  assert.ok(await scrollWidth(page) <= 360, `portal (zh-CN) is ${await scrollWidth(page)} px wide`);
  assert.ok(await page.getByRole('link', {name: '进入工作台'}).isVisible());
  await page.getByRole('button', {name: 'English'}).click();
  assert.ok(await scrollWidth(page) <= 360, `portal (en) is ${await scrollWidth(page)} px wide`);
  await page.getByRole('button', {name: '中文'}).click();

  await page.goto(`${base}/staff/`);
  await page.locator('#login-view').waitFor();
  assert.ok(await scrollWidth(page) <= 360, `sign-in page is ${await scrollWidth(page)} px wide`);

  await signIn(page, ADMIN.username, ADMIN.password);
  await page.locator('#users-body tr').first().waitFor();
  assert.ok(await scrollWidth(page) <= 360, `workspace (zh-CN) is ${await scrollWidth(page)} px wide`);
  // the accounts table is wider than the phone: it scrolls inside its own box
  const box = await page.locator('#users-view .table-scroll').evaluate((el) => ({scroll: el.scrollWidth, client: el.clientWidth}));
  assert.ok(box.client <= 360, `table box is ${box.client} px wide`);
  await page.getByRole('button', {name: 'English'}).click();
  assert.ok(await scrollWidth(page) <= 360, `workspace (en) is ${await scrollWidth(page)} px wide`);

  // the portal as a phone sees it, for a human to look at
  await page.getByRole('button', {name: '中文'}).click();
  await page.setViewportSize(PHONE);
  await page.goto(`${base}/`);
  await page.getByRole('heading', {level: 1}).waitFor();
  await page.screenshot({path: '/tmp/portal.png', fullPage: true});
  assertNoProblems(page);
  await page.close();
});

test('wrong_password_is_announced_in_an_alert_in_the_chosen_language', {timeout: 20000}, async () => {
  const page = await openPage(PHONE, ['401 /api/v1/session']); // the wrong password, sent on purpose
  await page.goto(`${base}/staff/`);
  await signIn(page, ADMIN.username, 'not-the-password');

  const alert = page.locator('#login-form [role="alert"]');
  await alert.getByText('用户名或密码错误').waitFor();
  assert.equal(await page.locator('#login-view').isVisible(), true);
  assert.equal(await page.locator('#workspace').isVisible(), false);

  // the message follows the language switch, and never shows the server's English words in Chinese
  await page.getByRole('button', {name: 'English'}).click();
  assert.equal((await alert.textContent()).trim(), 'Wrong username or password');

  // an empty field is named before anything is sent
  const password = page.locator('#login-form').getByLabel('Password', {exact: true});
  await password.fill('');
  await page.getByRole('button', {name: 'Sign in'}).click();
  await alert.getByText('Password: this field is required').waitFor();
  assert.equal(await password.getAttribute('aria-invalid'), 'true');
  assertNoProblems(page);
  await page.close();
});

test('admin_creates_an_account_through_the_form_and_sees_it_in_the_accounts_table', {timeout: 20000}, async () => {
  const page = await openPage(PHONE, ['409 /api/v1/users', '403 /api/v1/users']);
  await signInAsAdmin(page);

  const form = page.locator('#create-form');
  assert.equal(await form.getByLabel('所属地区代码').inputValue(), ADMIN.region, 'region defaults to the admin\'s own');
  await form.getByLabel('用户名').fill('e2e-clerk');
  await form.getByLabel('姓名').fill('周联络员');
  await form.getByLabel('初始密码').fill('clerk-pass-1');
  await form.getByLabel('角色').selectOption('deputy');
  await form.getByRole('button', {name: '创建账号'}).click();

  const row = page.locator('#users-body tr').filter({hasText: 'e2e-clerk'});
  await row.waitFor();
  assert.match(await row.textContent(), /周联络员/);
  assert.match(await row.textContent(), /人大代表/);
  assert.match(await row.textContent(), /320623000000/);
  await page.locator('#users-status').getByText('已创建账号“e2e-clerk”。').waitFor();
  assert.equal(await form.getByLabel('用户名').inputValue(), '', 'the form is emptied for the next account');

  // the same username again: the error names the field
  await form.getByLabel('用户名').fill('e2e-clerk');
  await form.getByLabel('姓名').fill('另一个人');
  await form.getByLabel('初始密码').fill('clerk-pass-2');
  await form.getByRole('button', {name: '创建账号'}).click();
  await page.locator('#create-error').getByText('用户名：已被使用，请换一个').waitFor();
  assert.equal(await page.locator('#create-error').getAttribute('role'), 'alert');

  // a region outside the admin's county is refused and translated
  await form.getByLabel('用户名').fill('e2e-elsewhere');
  await form.getByLabel('所属地区代码').fill('320682000000');
  await form.getByRole('button', {name: '创建账号'}).click();
  await page.locator('#create-error').getByText('超出了您的管辖范围').waitFor();
  assert.equal(await page.locator('#users-body tr').filter({hasText: 'e2e-elsewhere'}).count(), 0);
  assertNoProblems(page);
  await page.close();
});

test('new_account_changes_its_password_signs_out_and_signs_in_with_the_new_one', {timeout: 20000}, async () => {
  const page = await openPage(PHONE, ['403 /api/v1/session/password']);
  await page.goto(`${base}/staff/`);
  await signIn(page, 'e2e-clerk', 'clerk-pass-1');
  await page.locator('#me-name').getByText('周联络员').waitFor();
  assert.equal(await page.locator('#me-role').textContent(), '人大代表');
  assert.equal(await page.locator('#users-view').isVisible(), false, 'only admins see the accounts');

  const form = page.locator('#password-form');
  await form.getByLabel('当前密码').fill('wrong-pass-1');
  await form.getByLabel('新密码', {exact: true}).fill('clerk-pass-9');
  await form.getByLabel('再次输入新密码').fill('clerk-pass-9');
  await form.getByRole('button', {name: '修改密码'}).click();
  await page.locator('#password-error').getByText('当前密码：输入的密码不正确').waitFor();

  await form.getByLabel('当前密码').fill('clerk-pass-1');
  await form.getByRole('button', {name: '修改密码'}).click();
  await page.locator('#password-status').getByText('密码已修改。').waitFor();

  await page.getByRole('button', {name: '退出登录'}).click();
  await page.locator('#notice').getByText('您已退出登录。').waitFor();
  await page.reload();
  await page.locator('#login-view').waitFor(); // the session is gone on the server too

  await signIn(page, 'e2e-clerk', 'clerk-pass-9');
  await page.locator('#me-name').getByText('周联络员').waitFor();
  assertNoProblems(page);
  await page.close();
});

test('server_stops_cleanly_with_exit_status_0_on_sigterm', {timeout: 15000}, async () => {
  assert.equal(server.exitCode, null, `the server died during the tests\n${serverLog}`);
  const done = exited(server);
  server.kill('SIGTERM');
  let timer;
  const deadline = new Promise((_, fail) => {
    timer = setTimeout(() => fail(new Error(`no exit 10 s after SIGTERM\n${serverLog}`)), 10000);
  });
  const {code, signal} = await Promise.race([done, deadline]).finally(() => clearTimeout(timer));
  assert.equal(signal, null, `killed by ${signal}`);
  assert.equal(code, 0, `exit status ${code}\n${serverLog}`);
});
