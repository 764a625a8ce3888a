// Browser journeys through the staff workspace and the portal: a real `liaison serve` with a
// fresh demo database, driven by Debian's chromium through playwright-core.
//
// Env (set by ctest): LIAISON_BIN (the binary), LIAISON_WEB_DIR (web/).
// Screenshots for a human to judge the layout: /tmp/staff.png and /tmp/portal.png.

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {startServer, launchBrowser, assertNoProblems, scrollWidth, exited, PHONE, NARROW} from './lib/server.mjs';

const ADMIN = {username: 'admin', password: 'liaison-demo', name: '王主任（如东县人大常委会代表工委）', region: '320623000000'};

let server;       // the liaison server (lib/server.mjs)
let base;         // http://127.0.0.1:PORT
let browser;      // chromium on a fresh profile

before(async () => {
  server = await startServer();
  base = server.base;
  browser = await launchBrowser(server);
});

after(async () => {
  if (browser)
    await browser.close();
  if (server)
    await server.close(); // SIGTERM, unless the shutdown test got to stop it
});

// A page on a clean origin that records console errors; see lib/server.mjs.
function openPage(viewport = PHONE, expectedFailures = []) {
  return browser.openPage(viewport, expectedFailures);
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
  const child = server.child;
  assert.equal(child.exitCode, null, `the server died during the tests\n${server.log()}`);
  const done = exited(child);
  child.kill('SIGTERM');
  let timer;
  const deadline = new Promise((_, fail) => {
    timer = setTimeout(() => fail(new Error(`no exit 10 s after SIGTERM\n${server.log()}`)), 10000);
  });
  const {code, signal} = await Promise.race([done, deadline]).finally(() => clearTimeout(timer));
  assert.equal(signal, null, `killed by ${signal}`);
  assert.equal(code, 0, `exit status ${code}\n${server.log()}`);
});
