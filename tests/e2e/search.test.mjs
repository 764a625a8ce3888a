// 全文检索 in the workspace (issue 11, item 5): on a 360 px phone the station's clerk types two
// characters of an opinion sent moments before and finds it with the words marked, then three
// or more and finds it through the index, and opens it in the inbox from the hit. A query of
// 201 characters is refused before it is sent. A real `liaison serve` with a fresh demo
// database (tests/e2e/lib/server.mjs); the steps run in order.
//
// Env (set by ctest): LIAISON_BIN (the binary), LIAISON_WEB_DIR (web/).

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {startServer, launchBrowser, assertNoProblems, scrollWidth, signInPage, journey, closeAll, demoClerk,
  NARROW} from './lib/server.mjs';

const CONTENT = '幸福里小区北门外的鹦鹉雕塑底座松动，孩子们常在旁边玩耍，请尽快加固。';

let server;
let browser;
const step = journey(test);
const data = {staff: null, opinion: null, page: null};

before(async () => {
  server = await startServer({args: ['--rate-limits=off']});
  const clerk = await demoClerk(server);
  data.staff = clerk.staff;
  data.opinion = await server.expect(data.staff, 'POST', '/api/v1/opinions', {
    station_id: clerk.station.id, category: 'urban', content: CONTENT, region: data.staff.user.region
  }, 201);
  browser = await launchBrowser(server, NARROW);
});

after(() => closeAll(browser, server));

async function search(q) {
  const view = data.page.getByRole('region', {name: '全文检索'});
  await view.getByLabel('查找内容').fill(q);
  await view.getByRole('button', {name: '检索', exact: true}).click();
  await view.locator('#search-results[aria-busy="false"]').waitFor();
  return view;
}

step('the clerk signs in and finds the search box', async () => {
  data.page = await browser.openPage(NARROW);
  await signInPage(data.page, server.base, {username: 'staff', password: 'liaison-demo'});
  await data.page.getByRole('heading', {name: '全文检索'}).waitFor();
});

step('two characters find the opinion with the words marked', async () => {
  const view = await search('鹦鹉');
  const hit = view.locator(`li[data-kind="opinion"][data-id="${data.opinion.id}"]`);
  await hit.waitFor();
  assert.deepEqual(await hit.locator('mark').allTextContents(), ['鹦鹉']);
  assert.equal(await hit.locator('.search-snippet').first().textContent(), `内容 ${CONTENT}`);
});

step('a phrase found through the index opens the opinion in the inbox', async () => {
  const view = await search('雕塑底座');
  const hit = view.locator(`li[data-id="${data.opinion.id}"]`);
  assert.deepEqual(await hit.locator('mark').allTextContents(), ['雕塑底座']);
  await hit.getByRole('button', {name: data.opinion.tracking_code}).click();
  await data.page.locator('#inbox-detail').getByText(CONTENT).waitFor();
  assert.ok(await scrollWidth(data.page) <= NARROW.width, 'no sideways scrolling at 360 px');
});

step('a query of 201 characters is refused on the page', async () => {
  const view = data.page.getByRole('region', {name: '全文检索'});
  const input = view.getByLabel('查找内容');
  await input.evaluate((el) => el.removeAttribute('maxlength'));
  await input.fill('路'.repeat(201));
  await view.getByRole('button', {name: '检索', exact: true}).click();
  await view.getByRole('alert').getByText('查找内容最多 200 个字', {exact: true}).waitFor();
  assert.equal(await input.getAttribute('aria-invalid'), 'true');
  assertNoProblems(data.page);
});
