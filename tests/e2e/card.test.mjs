// Browser journeys to the printable cards (web/card.html): the 联络站服务卡 of a station, the
// 代表连心卡 of a deputy, and all the cards of a station, each on an A6 page of its own. A real
// `liaison serve` with a fresh demo database (tests/e2e/lib/server.mjs), driven by chromium.
//
// Env (set by ctest): LIAISON_BIN (the binary), LIAISON_WEB_DIR (web/).
// Screenshots for a human to judge the layout: /tmp/card-screen.png (a phone, 390x844),
// /tmp/card-print.png (the first card as printed) and /tmp/cards.pdf (all cards of a station).

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {writeFileSync} from 'node:fs';
import {startServer, launchBrowser, assertNoProblems, scrollWidth, DEMO_ADMIN, PHONE, NARROW}
  from './lib/server.mjs';

const MM = 96 / 25.4; // CSS pixels per millimetre
const A6 = {width: 105 * MM, height: 148 * MM};

let server;
let base;
let browser;

// What before() registers through the API as the demo admin, in the admin's own region: a
// station with two deputies, one who publishes her phone and one who does not.
const data = {admin: null, hub: null, pearl: null, dragon: null, congress: null};

async function create(plural, body) {
  const res = await server.call(data.admin, 'POST', `/api/v1/${plural}`, body);
  assert.equal(res.status, 201, `POST /api/v1/${plural} ${JSON.stringify(body)} -> ${JSON.stringify(res.body)}`);
  return res.body;
}

before(async () => {
  server = await startServer();
  base = server.base;
  data.admin = await server.signIn(DEMO_ADMIN);
  const region = data.admin.user.region;
  const county = await server.call(null, 'GET', `/api/v1/regions/${region}`);
  assert.equal(county.status, 200);
  const congresses = await server.call(null, 'GET', `/api/v1/congresses?region=${region}&limit=100`);
  data.congress = congresses.body.items.find((c) => c.region === region && c.level === county.body.level + 1) ||
    await create('congresses', {level: county.body.level + 1, region, term: 18, name: `${county.body.name}第十八届人民代表大会`});

  data.hub = await create('stations', {
    name: '印卡测试人大代表联络站', kind: 'hub', region, address: '印卡路 8 号便民服务中心二楼',
    hours: '周一至周五 8:30-17:00', contact_name: '陈站长', contact_phone: '0513-84561234'
  });
  data.pearl = await create('deputies', {
    name: '印明珠', gender: 'female', region, occupation: '乡村医生', contact_preference: 'phone',
    phone: '13912345678', phone_public: true,
    stations: [data.hub.id], seats: [{congress_id: data.congress.id, district: '第7选区'}]
  });
  data.dragon = await create('deputies', {
    name: '印建国', gender: 'male', region, contact_preference: 'station',
    phone: '13900000000', phone_public: false, stations: [data.hub.id]
  });
  browser = await launchBrowser(server);
});

after(async () => {
  if (browser)
    await browser.close();
  if (server) {
    const end = await server.close();
    // a clean exit on SIGTERM (under ASan: no leak or memory error on the way)
    assert.deepEqual(end, {code: 0, signal: null}, `the server ended badly\n${server.log()}`);
  }
});

function openPage(viewport = PHONE, expectedFailures = []) {
  return browser.openPage(viewport, expectedFailures);
}

// The cards of the page, once every QR code has loaded (the page then lets the print button go).
async function readyCards(page) {
  await page.locator('#cards[data-ready="true"]').waitFor();
  return page.locator('#cards article.print-card');
}

// Replaces the browser's print dialog with a counter: headless chromium has no dialog to show.
async function stubPrint(page) {
  await page.evaluate(() => {
    window.printed = 0;
    window.print = () => { window.printed += 1; };
  });
}

function pdfPages(pdf) {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![A-Za-z])/g) || []).length;
}

test('station_page_links_to_its_service_card_with_address_hours_phone_and_qr', {timeout: 30000}, async () => {
  const page = await openPage(PHONE);
  await page.goto(`${base}/station.html?id=${data.hub.id}`);
  await page.getByRole('heading', {level: 1, name: data.hub.name}).waitFor();
  const all = page.getByRole('link', {name: '打印本站全部卡片'});
  assert.equal(await all.getAttribute('href'), `/card.html?station=${data.hub.id}&all=1`);
  await page.getByRole('link', {name: '打印服务卡'}).click();

  await page.waitForURL(`${base}/card.html?station=${data.hub.id}`);
  const cards = await readyCards(page);
  assert.equal(await cards.count(), 1, 'the station alone');
  const card = cards.first();
  await page.getByRole('heading', {level: 1, name: `联络站服务卡：${data.hub.name}`}).waitFor();
  assert.equal(await page.title(), `联络站服务卡：${data.hub.name} - 人大代表联络站`);
  assert.equal((await card.locator('.pc-kind').textContent()).trim(), '联络站服务卡');
  assert.equal((await card.getByRole('heading', {level: 2}).textContent()).trim(), data.hub.name);
  const text = await card.textContent();
  for (const want of ['代表联络站', '印卡路 8 号便民服务中心二楼', '周一至周五 8:30-17:00', '陈站长', '0513-84561234', '扫码找到联络站'])
    assert.ok(text.includes(want), `the card says ${want}: ${text}`);
  const qr = card.getByRole('img', {name: `${data.hub.name}的联络站服务卡（二维码）`});
  assert.equal(await qr.getAttribute('src'), `/api/v1/stations/${data.hub.id}/qr.svg`);
  assert.ok(await qr.evaluate((img) => img.complete && img.naturalWidth > 0), 'the QR code is drawn');
  await page.locator('#status').getByText('共 1 张卡片。').waitFor();
  assert.equal(await page.getByRole('link', {name: '返回联络站页面'}).getAttribute('href'), `/station.html?id=${data.hub.id}`);

  // the print button opens the browser's print dialog
  await stubPrint(page);
  await page.getByRole('button', {name: '打印', exact: true}).click();
  assert.equal(await page.evaluate(() => window.printed), 1);
  assertNoProblems(page);
  await page.close();
});

test('deputy_contact_card_shows_seat_station_and_only_a_published_phone', {timeout: 30000}, async () => {
  const page = await openPage(PHONE);
  await page.goto(`${base}/deputy.html?id=${data.pearl.id}`);
  await page.getByRole('heading', {level: 1, name: data.pearl.name}).waitFor();
  await page.getByRole('link', {name: '打印连心卡'}).click();
  await page.waitForURL(`${base}/card.html?deputy=${data.pearl.id}`);
  const card = (await readyCards(page)).first();
  assert.equal((await card.locator('.pc-kind').textContent()).trim(), '代表连心卡');
  assert.equal((await card.getByRole('heading', {level: 2}).textContent()).trim(), '印明珠');
  const text = await card.textContent();
  for (const want of [`${data.congress.name}代表（第7选区）`, data.hub.name, '电话联系', '13912345678', '扫码联系代表'])
    assert.ok(text.includes(want), `the card says ${want}: ${text}`);
  const qr = card.getByRole('img', {name: '印明珠的代表连心卡（二维码）'});
  assert.equal(await qr.getAttribute('src'), `/api/v1/deputies/${data.pearl.id}/qr.svg`);
  await page.screenshot({path: '/tmp/card-screen.png', fullPage: true});

  // in English, the same card in English words
  await page.getByRole('button', {name: 'English'}).click();
  await card.locator('.pc-kind').getByText('Deputy contact card').waitFor();
  assert.ok((await card.textContent()).includes('Scan to contact this deputy'));
  await readyCards(page);
  await page.getByRole('button', {name: '中文'}).click();

  // a deputy who keeps the phone private: no phone on the card, nor anywhere on the page
  await page.goto(`${base}/card.html?deputy=${data.dragon.id}`);
  const other = (await readyCards(page)).first();
  assert.equal((await other.getByRole('heading', {level: 2}).textContent()).trim(), '印建国');
  assert.ok((await other.textContent()).includes('到联络站当面联系'));
  assert.equal(await other.getByText('电话', {exact: true}).count(), 0, 'no phone row');
  assert.ok(!(await page.content()).includes('13900000000'), 'the unpublished phone stays hidden');
  assertNoProblems(page);
  await page.close();
});

test('all_cards_of_a_station_print_one_a6_page_each_without_the_site_around_them', {timeout: 60000}, async () => {
  const page = await openPage(PHONE);
  await page.goto(`${base}/card.html?station=${data.hub.id}&all=1`);
  const cards = await readyCards(page);
  assert.equal(await cards.count(), 3, 'the station and its two deputies');
  await page.getByRole('heading', {level: 1, name: `${data.hub.name}全部卡片`}).waitFor();
  assert.deepEqual((await cards.locator('.pc-kind').allTextContents()).map((s) => s.trim()),
    ['联络站服务卡', '代表连心卡', '代表连心卡']);
  assert.deepEqual((await cards.getByRole('heading', {level: 2}).allTextContents()).map((s) => s.trim()).slice(1).sort(),
    ['印建国', '印明珠'].sort());

  await page.emulateMedia({media: 'print'});
  // no site chrome on paper
  for (const selector of ['.site-header', '.site-footer', '.card-toolbar'])
    assert.equal(await page.locator(selector).evaluate((el) => getComputedStyle(el).display), 'none', `${selector} is not printed`);
  // each card is one A6 page: a page break after every card but the last, none inside
  const boxes = await cards.evaluateAll((list) => list.map((el) => {
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return {after: s.breakAfter, inside: s.breakInside, width: r.width, height: r.height};
  }));
  boxes.forEach((box, i) => {
    assert.equal(box.after, i < boxes.length - 1 ? 'page' : 'auto', `card ${i + 1} breaks the page after it`);
    assert.equal(box.inside, 'avoid', `card ${i + 1} is not split`);
    assert.ok(Math.abs(box.width - A6.width) < 1, `card ${i + 1} is ${box.width} px wide, A6 is ${A6.width}`);
    assert.ok(box.height <= A6.height + 0.5, `card ${i + 1} is ${box.height} px high, A6 is ${A6.height}`);
  });
  await page.setViewportSize({width: Math.round(A6.width), height: Math.round(A6.height)});
  await cards.first().screenshot({path: '/tmp/card-print.png'});

  const pdf = await page.pdf({format: 'A6', printBackground: true});
  writeFileSync('/tmp/cards.pdf', pdf);
  assert.equal(pdfPages(pdf), 3, 'one page per card');
  assertNoProblems(page);
  await page.close();
});

test('a_busy_demo_station_still_prints_exactly_one_page_per_card', {timeout: 60000}, async () => {
  // the demo's station with the most deputies among its first hubs: long lists must not spill
  const list = await server.call(null, 'GET', `/api/v1/stations?region=${data.admin.user.region}&limit=100`);
  let busiest = null;
  for (const s of list.body.items.filter((x) => x.kind === 'hub').slice(0, 10)) {
    const full = await server.call(null, 'GET', `/api/v1/stations/${s.id}`);
    if (!busiest || full.body.deputies.length > busiest.deputies.length)
      busiest = full.body;
  }
  assert.ok(busiest && busiest.deputies.length > 2, 'the demo has a hub with deputies');
  const page = await openPage(PHONE);
  await page.goto(`${base}/card.html?station=${busiest.id}&all=1`);
  const cards = await readyCards(page);
  assert.equal(await cards.count(), busiest.deputies.length + 1);
  await page.locator('#status').getByText(`共 ${busiest.deputies.length + 1} 张卡片。`).waitFor();
  await page.emulateMedia({media: 'print'});
  const pdf = await page.pdf({format: 'A6', printBackground: true});
  assert.equal(pdfPages(pdf), busiest.deputies.length + 1, 'one page per card');
  assertNoProblems(page);
  await page.close();
});

test('cards_fit_a_360px_phone_and_a_missing_station_says_so', {timeout: 30000}, async () => {
  const page = await openPage(NARROW, ['404 /api/v1/stations/999999']);
  await page.goto(`${base}/card.html?station=${data.hub.id}&all=1`);
  await readyCards(page);
  assert.ok(await scrollWidth(page) <= 360, `cards (zh-CN) are ${await scrollWidth(page)} px wide`);
  await page.getByRole('button', {name: 'English'}).click();
  await page.getByRole('heading', {level: 1, name: `All cards of ${data.hub.name}`}).waitFor();
  assert.ok(await scrollWidth(page) <= 360, `cards (en) are ${await scrollWidth(page)} px wide`);
  await page.getByRole('button', {name: '中文'}).click();

  await page.goto(`${base}/card.html?station=999999`);
  await page.getByRole('status').getByText('找不到这个联络站，它可能已被撤销。').waitFor();
  assert.equal(await page.locator('#cards article').count(), 0);
  assert.equal(await page.getByRole('button', {name: '打印', exact: true}).isDisabled(), true, 'nothing to print');
  await page.goto(`${base}/card.html`);
  await page.getByRole('status').getByText('链接不完整：请从联络站或代表的页面打开卡片。').waitFor();
  assert.equal(await page.locator('#cards').getAttribute('aria-busy'), 'false', 'the page is not left busy');
  assertNoProblems(page);
  await page.close();
});
