// 数据看板 (issue 11, items 1 and 7): the county's admin opens the dashboard, drills down to a
// township by its name in the table of regions below, clicks "overdue" and gets the list the
// figure counts - the same items as the API's overdue list - and exports that list to a real
// .xlsx with the same rows; the breadcrumb goes back up to the county. At 360 px and on a
// desktop, with the charts drawn by ECharts under the strict CSP (no console errors). A real
// `liaison serve` with a fresh demo database (tests/e2e/lib/server.mjs); the steps run in order.
//
// Env (set by ctest): LIAISON_BIN (the binary), LIAISON_WEB_DIR (web/).

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {startServer, launchBrowser, assertNoProblems, scrollWidth, signInPage, journey, closeAll, until,
  DEMO_ADMIN, NARROW} from './lib/server.mjs';

const DESKTOP = {width: 1280, height: 900};

let server;
let browser;
const step = journey(test);
const data = {admin: null, county: null, township: null, overdue: []};

// Every item of a list query, following "next".
async function listAll(session, query) {
  let items = [];
  let after = null;
  do {
    const page = await server.expect(session, 'GET', `${query}&limit=100${after ? `&after=${after}` : ''}`);
    items = items.concat(page.items);
    after = page.next;
  } while (after);
  return items;
}

before(async () => {
  server = await startServer({args: ['--rate-limits=off']});
  data.admin = await server.signIn(DEMO_ADMIN);
  data.county = await server.expect(data.admin, 'GET', '/api/v1/dashboard');
  // the township below the county with the most overdue items (the demo has some)
  data.township = [...data.county.children].sort((a, b) => b.overdue - a.overdue)[0];
  assert.ok(data.township && data.township.overdue > 0, 'a township of the demo county has overdue items');
  data.overdue = await listAll(data.admin, data.township.lists.overdue);
  assert.equal(data.overdue.length, data.township.overdue);
  browser = await launchBrowser(server, NARROW);
});

after(() => closeAll(browser, server));

// The workspace's dashboard at a size, signed in as the county's admin.
async function openDashboard(size) {
  const page = await browser.openPage(size);
  await signInPage(page, server.base, DEMO_ADMIN);
  const view = page.getByRole('region', {name: '数据看板'});
  await view.locator('.dash-figure-collected .dash-figure-value').waitFor();
  return {page, view};
}

async function figure(view, key) {
  return Number(await view.locator(`.dash-figure-${key} .dash-figure-value`).textContent());
}

async function journeyAt(size) {
  const {page, view} = await openDashboard(size);
  assert.equal(await figure(view, 'collected'), data.county.figures.collected.value);
  assert.equal(await figure(view, 'visitors'), data.county.figures.visitors.value);
  // the charts are drawn, and their figures are a table too
  await until('the trend chart', () => view.locator('#dash-trend-chart canvas').count());
  await until('the chart of the regions below', () => view.locator('#dash-children-chart canvas').count());
  const table = view.getByRole('table', {name: '下级地区数据表'});
  assert.equal(await table.locator('tbody tr').count(), data.county.children.length);

  // drill down to the township by its name
  await table.getByRole('link', {name: `查看${data.township.name}`}).click();
  await view.locator('h3', {hasText: data.township.name}).first().waitFor();
  const path = view.getByRole('navigation', {name: '所在地区'});
  await path.getByRole('link', {name: data.county.region.name}).waitFor();
  assert.equal(await path.locator('[aria-current="page"]').textContent(), data.township.name);
  assert.equal(await figure(view, 'overdue'), data.township.overdue);

  // "overdue" opens the list it counts: the API's overdue list of that township
  await view.locator('.dash-figure-overdue a').click();
  const list = view.getByRole('region', {name: '清单：超期'});
  await list.locator('#dash-list-items li').first().waitFor();
  const shown = await list.locator('#dash-list-items li .code').allTextContents();
  assert.deepEqual(shown, data.overdue.slice(0, 50).map((o) => o.tracking_code));
  assert.ok(await scrollWidth(page) <= size.width, `no sideways scrolling at ${size.width} px`);
  return {page, view, list};
}

// The .xlsx the list exports: a zip holding one sheet with a row per item and a heading row.
async function exportedRows(page, list) {
  const [download] = await Promise.all([page.waitForEvent('download'), list.getByRole('link', {name: '导出 Excel'}).click()]);
  const file = await download.path();
  const head = execFileSync('head', ['-c', '2', file]).toString('latin1');
  assert.equal(head, 'PK', 'an .xlsx is a zip archive');
  const sheet = execFileSync('unzip', ['-p', file, 'xl/worksheets/sheet1.xml']).toString('utf8');
  let strings = '';
  try {
    strings = execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml']).toString('utf8');
  } catch {
    /* inline strings only */
  }
  return {rows: (sheet.match(/<row[ >]/g) || []).length, text: sheet + strings};
}

step('at 360 px the admin drills down to a township and opens its overdue items', async () => {
  const {page, list} = await journeyAt(NARROW);
  data.narrow = {page, list};
  assertNoProblems(page);
});

step('the overdue list exports to a real .xlsx with the same rows', async () => {
  const {page, list} = data.narrow;
  const sheet = await exportedRows(page, list);
  assert.equal(sheet.rows, data.overdue.length + 1, 'a heading row and a row per overdue item');
  for (const o of data.overdue)
    assert.ok(sheet.text.includes(o.tracking_code), `the sheet holds ${o.tracking_code}`);
  assertNoProblems(page);
});

step('on a desktop the same journey works, and the breadcrumb goes back to the county', async () => {
  const {page, view} = await journeyAt(DESKTOP);
  await view.getByRole('navigation', {name: '所在地区'}).getByRole('link', {name: data.county.region.name}).click();
  await until('the county again', async () =>
    (await view.locator('#dash-path [aria-current="page"]').textContent()) === data.county.region.name);
  assert.equal(await figure(view, 'collected'), data.county.figures.collected.value);
  assertNoProblems(page);
});

step('the public statistics page gives the county\'s headline figures and a trend chart, naming no one', async () => {
  const page = await browser.openPage(NARROW);
  const county = data.county.figures;
  await page.goto(`${server.base}/stats.html?region=${data.county.region.code}`);
  await page.getByRole('heading', {name: `${data.county.region.name}意见办理情况`}).waitFor();
  await page.getByText(`${county.collected.value} 件意见已收集，${county.answered.value} 件已反馈。`).waitFor();
  await until('the trend chart', () => page.locator('#stats-chart canvas').count());
  const table = page.getByRole('table', {name: '下级地区数据表'});
  await table.getByRole('link', {name: data.township.name}).click();
  await page.getByRole('heading', {name: `${data.township.name}意见办理情况`}).waitFor();
  assert.ok(await scrollWidth(page) <= NARROW.width, 'no sideways scrolling at 360 px');
  assertNoProblems(page);
});
