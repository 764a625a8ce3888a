// The record books of a station (web/book.html): staff open the 反馈群众意见和诉求情况记录簿 of a
// station, read the answered opinion in it, switch to another book, download it as a real .xlsx
// and print it with nothing but the book on the paper. A real `liaison serve` with a fresh demo
// database (tests/e2e/lib/server.mjs), driven by Debian's chromium.

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {startServer, launchBrowser, assertNoProblems, scrollWidth, DEMO_ADMIN, NARROW} from './lib/server.mjs';

let server;
let browser;
const data = {admin: null, station: null, answered: null, open: null};

async function call(method, path, body, expected) {
  const res = await server.call(data.admin, method, path, body);
  assert.equal(res.status, expected, `${method} ${path} ${JSON.stringify(body)} -> ${JSON.stringify(res.body)}`);
  return res.body;
}

before(async () => {
  server = await startServer({args: ['--rate-limits=off']});
  data.admin = await server.signIn(DEMO_ADMIN);
  const region = data.admin.user.region;
  const stations = await call('GET', `/api/v1/stations?region=${region}&limit=1`, undefined, 200);
  data.station = stations.items[0];
  const send = (content, channel) => call('POST', '/api/v1/opinions', {
    station_id: data.station.id, category: 'traffic', content, region: data.station.region,
    name: '王小明', phone: '13912345678', channel
  }, 201);
  data.answered = await send('公交站台没有遮雨棚，下雨天老人等车淋雨。', 'walk_in');
  data.open = await send('希望在菜市场门口增设非机动车停车位。', 'phone');
  await call('POST', `/api/v1/opinions/${data.answered.id}/triage`, {}, 200);
  await call('POST', `/api/v1/opinions/${data.answered.id}/resolve`, {text: '已协调公交公司，本月内加装遮雨棚。'}, 200);
  browser = await launchBrowser(server, NARROW);
});

after(async () => {
  if (browser)
    await browser.close();
  if (server)
    await server.close();
});

async function signedInPage() {
  const page = await browser.openPage(NARROW);
  await page.goto(`${server.base}/staff/`);
  const form = page.locator('#login-form');
  await form.getByLabel('用户名').fill(DEMO_ADMIN.username);
  await form.getByLabel('密码', {exact: true}).fill(DEMO_ADMIN.password);
  await form.getByRole('button', {name: '登录'}).click();
  await page.getByRole('heading', {name: '我的账号'}).waitFor();
  return page;
}

test('staff_read_the_feedback_book_of_their_station_with_the_answer_given', {timeout: 30000}, async () => {
  const page = await signedInPage();
  await page.goto(`${server.base}/book.html?station=${data.station.id}&book=feedback`);
  await page.getByRole('heading', {level: 1, name: '反馈群众意见和诉求情况记录簿'}).waitFor();
  const table = page.locator('#book-table');
  await table.getByRole('cell', {name: '已协调公交公司，本月内加装遮雨棚。'}).waitFor();
  await table.getByRole('cell', {name: data.answered.tracking_code}).waitFor();
  assert.equal(await table.getByText('菜市场').count(), 0, 'an unanswered opinion is not in the feedback book');
  assert.match(await page.locator('#book-meta').textContent(), new RegExp(`${data.station.name}.*共 1 条记录`));
  assert.ok(await scrollWidth(page) <= NARROW.width, 'the page fits a 360 px phone (the table scrolls inside its box)');

  // the reception book holds the walk-in with the constituent's name masked, and not the phone call
  await page.getByLabel('记录簿', {exact: true}).selectOption('reception');
  await page.getByRole('button', {name: '查看'}).click();
  await page.getByRole('heading', {level: 1, name: '接待走访群众记录簿'}).waitFor();
  await table.getByRole('cell', {name: '王**'}).waitFor();
  assert.equal(await table.getByText('王小明').count(), 0, 'the full name is never printed');
  assert.equal(await table.getByText('菜市场').count(), 0, 'a phone call is not a reception');
  assertNoProblems(page);
  await page.close();
});

test('the_book_downloads_as_a_real_excel_workbook', {timeout: 30000}, async () => {
  const page = await signedInPage();
  await page.goto(`${server.base}/book.html?station=${data.station.id}&book=opinions`);
  await page.locator('#book-table').getByText('菜市场', {exact: false}).waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', {name: '下载 Excel'}).click()]);
  const bytes = readFileSync(await download.path());
  assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'an .xlsx is a zip archive');
  assert.match(download.suggestedFilename(), /^opinions-\d+-.*\.xlsx$/);
  assert.ok(bytes.includes(Buffer.from('xl/worksheets/sheet1.xml')), 'it holds a worksheet');
  assertNoProblems(page);
  await page.close();
});

test('a_printed_book_shows_only_the_book', {timeout: 30000}, async () => {
  const page = await signedInPage();
  await page.goto(`${server.base}/book.html?station=${data.station.id}&book=feedback`);
  await page.locator('#book-table').getByRole('cell', {name: data.answered.tracking_code}).waitFor();
  await page.emulateMedia({media: 'print'});
  assert.equal(await page.locator('.book-toolbar').isVisible(), false, 'the toolbar stays off the paper');
  assert.equal(await page.locator('.site-header').isVisible(), false, 'so does the site header');
  assert.ok(await page.locator('#book-table').isVisible());
  assertNoProblems(page);
  await page.close();
});
