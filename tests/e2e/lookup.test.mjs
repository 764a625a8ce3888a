// Browser journeys through the public lookup (a constituent on a phone finds their area, its
// liaison stations and deputies) and the staff registry (an admin keeps them): a real
// `liaison serve` with a fresh demo database, driven by Debian's chromium through playwright-core.
//
// Env (set by ctest): LIAISON_BIN (the binary), LIAISON_WEB_DIR (web/).
// Screenshots for a human to judge the layout, at 390x844: /tmp/home.png, /tmp/station.png,
// /tmp/deputy.png and /tmp/registry.png.

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {startServer, launchBrowser, until, assertNoProblems, scrollWidth, DEMO_ADMIN as ADMIN, PHONE, NARROW}
  from './lib/server.mjs';

// the label of the region select for each level (web/js/i18n.js, region.level.N)
const LEVEL_LABEL = {1: '省份', 2: '城市', 3: '区县', 4: '乡镇（街道）', 5: '村（社区）'};

let server;       // the liaison server (lib/server.mjs)
let base;         // http://127.0.0.1:PORT
let browser;      // chromium on a fresh profile

// What before() registers through the API as the demo admin, in the admin's own region.
const data = {
  admin: null,    // {cookie, csrf, user}
  county: [],     // [{code, name, level}] from the province down to the admin's region
  area: [],       // the same down to the township that holds the test's records
  hub: null, spoke: null, congress: null, pearl: null, dragon: null
};

/* ---- the API, as the admin's own tools would use it ---------------------------------------- */

function call(session, method, path, body) {
  return server.call(session, method, path, body);
}

async function create(plural, body) {
  const res = await call(data.admin, 'POST', `/api/v1/${plural}`, body);
  assert.equal(res.status, 201, `POST /api/v1/${plural} ${JSON.stringify(body)} -> ${JSON.stringify(res.body)}`);
  return res.body;
}

before(async () => {
  server = await startServer();
  base = server.base;

  // The registry of the demo admin's region (read from the session, not assumed): a hub
  // station, a spoke under it, and two deputies placed in them, with a seat in the county's
  // congress. They go in the township of that region with the fewest records, so that they
  // show on the first page of its lists as the demo grows; without townships, in the region.
  data.admin = await server.signIn(ADMIN);
  const home = data.admin.user.region;
  const county = await call(null, 'GET', `/api/v1/regions/${home}`);
  assert.equal(county.status, 200, `the admin's region ${home} is a known region`);
  data.county = [...county.body.path, {code: county.body.code, name: county.body.name, level: county.body.level}];
  let place = county.body;
  let fewest = Infinity;
  for (const township of county.body.children.slice(0, 30)) {
    const [stations, deputies] = await Promise.all(['stations', 'deputies'].map((p) =>
      call(null, 'GET', `/api/v1/${p}?region=${township.code}&limit=100`)));
    const n = Math.max(stations.body.items.length, deputies.body.items.length);
    if (n < fewest) {
      fewest = n;
      place = township;
    }
  }
  data.area = place === county.body ? data.county : [...data.county, {code: place.code, name: place.name, level: place.level}];
  const region = place.code;

  data.hub = await create('stations', {
    name: '星光街道人大代表联络站', kind: 'hub', region, address: '星光路 18 号社区服务中心二楼',
    hours: '周一至周五 9:00-17:00', contact_name: '吴站长', contact_phone: '0858-8123456',
    latitude: 26.5912, longitude: 104.8306, description: '每月 15 日为代表接待日。'
  });
  data.spoke = await create('stations', {name: '翠柳社区代表联络点', kind: 'spoke', region, hub_id: data.hub.id});
  // the county's congress: the demo may have it already
  const congresses = await call(null, 'GET', `/api/v1/congresses?region=${home}&limit=100`);
  data.congress = congresses.body.items.find((c) => c.region === home && c.level === county.body.level + 1) ||
    await create('congresses', {level: county.body.level + 1, region: home, term: 18, name: `${county.body.name}第十八届人民代表大会`});
  data.pearl = await create('deputies', {
    name: '欧阳明珠', gender: 'female', ethnicity: '苗族', region, occupation: '小学教师', sector: '教育界',
    biography: '长期关注农村学校的营养餐和校车安全。', contact_preference: 'phone', photo: '/favicon.svg',
    phone: '13912345678', phone_public: true,
    stations: [data.hub.id], seats: [{congress_id: data.congress.id, district: '第3选区'}]
  });
  data.dragon = await create('deputies', {
    name: '龙建国', gender: 'male', region, occupation: '个体工商户', contact_preference: 'station',
    photo: 'http://photos.example.com/long.jpg', // another site: the page's policy would block it
    phone: '13900000000', phone_public: false, stations: [data.spoke.id, data.hub.id]
  });

  // more than one page of deputies in the county (the demo has hundreds; an older one had none)
  const some = await call(null, 'GET', `/api/v1/deputies?region=${home}&limit=21`);
  for (let i = some.body.items.length; i < 21; i++)
    await create('deputies', {name: `试点代表${i}`, gender: i % 2 ? 'male' : 'female', region: home});

  browser = await launchBrowser(server);
});

after(async () => {
  if (browser)
    await browser.close();
  if (server)
    await server.close();
});

// A page on a clean origin (no cookies, no stored language or region) that records every
// console error; see lib/server.mjs.
function openPage(viewport = PHONE, expectedFailures = []) {
  return browser.openPage(viewport, expectedFailures);
}

// Picks the admin's area on the home page level by level, as a visitor taps it; a level the
// page already chose (a level with a single region, such as the only province) costs no tap. Returns
// the number of taps.
async function pickArea(page, area = data.area) {
  let taps = 0;
  for (const region of area) {
    const select = page.getByLabel(LEVEL_LABEL[region.level], {exact: true});
    await select.waitFor();
    if (await select.inputValue() !== region.code) {
      await select.selectOption(region.code);
      taps++;
    }
  }
  return taps;
}

function stationLinks(page) {
  return page.locator('#stations-list').getByRole('link');
}

function deputyLinks(page) {
  return page.locator('#deputies-list').getByRole('link');
}

// The QR endpoints may still be missing from a build: the image is then hidden by the page,
// and only checked where the server can draw it.
async function checkQr(t, page, path, alt) {
  const res = await fetch(`${base}${path}`);
  if (res.status !== 200) {
    t.diagnostic(`${path} answered ${res.status}: the QR code was not checked`);
    return;
  }
  assert.match(res.headers.get('content-type') || '', /image\/svg\+xml/);
  const img = page.getByRole('img', {name: alt});
  await img.waitFor();
  assert.equal(await img.getAttribute('src'), path);
  await until(`${path} drawn`, () => img.evaluate((el) => el.complete && el.naturalWidth > 0));
}

/* ---- the public lookup ------------------------------------------------------------------- */

test('visitor_reaches_the_stations_and_deputies_of_their_area_in_at_most_four_taps', {timeout: 30000}, async (t) => {
  const page = await openPage(PHONE);
  await page.goto(`${base}/`);
  await page.getByRole('heading', {name: '查找联络站和人大代表'}).waitFor();

  const taps = await pickArea(page);
  assert.ok(taps <= 4, `${taps} taps to reach the station list`);
  t.diagnostic(`${taps} taps from the home page to the list of ${data.area.map((r) => r.name).join(' > ')}`);
  const area = data.area[data.area.length - 1].name;
  await page.getByRole('heading', {name: `${area}的联络站`}).waitFor();
  await stationLinks(page).filter({hasText: '星光街道人大代表联络站'}).waitFor();
  await stationLinks(page).filter({hasText: '翠柳社区代表联络点'}).waitFor();
  // each entry says what kind of station it is and where
  assert.match(await stationLinks(page).filter({hasText: '星光街道'}).textContent(), /代表联络站.*星光路 18 号/);
  assert.match(await stationLinks(page).filter({hasText: '翠柳社区'}).textContent(), /代表联络室\/联络点/);
  await page.getByRole('heading', {name: `${area}的人大代表`}).waitFor();
  await deputyLinks(page).filter({hasText: '欧阳明珠'}).waitFor();
  await deputyLinks(page).filter({hasText: '龙建国'}).waitFor();
  assert.match(await deputyLinks(page).filter({hasText: '欧阳明珠'}).textContent(), /小学教师 · 教育界/);

  await page.screenshot({path: '/tmp/home.png', fullPage: true});
  assertNoProblems(page);
  await page.close();
});

test('visitor_opens_a_station_sees_its_deputies_and_opens_a_deputys_page', {timeout: 30000}, async (t) => {
  const page = await openPage(PHONE);
  await page.goto(`${base}/`);
  await pickArea(page);
  await stationLinks(page).filter({hasText: '星光街道人大代表联络站'}).click();

  await page.waitForURL(`${base}/station.html?id=${data.hub.id}`);
  await page.getByRole('heading', {level: 1, name: '星光街道人大代表联络站'}).waitFor();
  assert.equal(await page.title(), '星光街道人大代表联络站 - 人大代表联络站');
  assert.equal(await page.locator('#record-kind').textContent(), '代表联络站');
  const facts = page.locator('.details');
  assert.match(await facts.textContent(), /地址星光路 18 号社区服务中心二楼/);
  assert.match(await facts.textContent(), /开放时间周一至周五 9:00-17:00/);
  assert.match(await facts.textContent(), new RegExp(`所在地区${data.area[data.area.length - 1].name}`));
  const phone = page.getByRole('link', {name: '0858-8123456'});
  assert.equal(await phone.getAttribute('href'), 'tel:08588123456');
  // coordinates as text, and a link to the phone's own map app (no outside map service)
  assert.match(await facts.textContent(), /纬度 26\.5912，经度 104\.8306/);
  assert.match(await page.getByRole('link', {name: '在地图中查看位置'}).getAttribute('href'), /^geo:26\.5912,104\.8306/);
  await page.getByRole('region', {name: '下设联络点'}).getByRole('link', {name: '翠柳社区代表联络点'}).waitFor();
  const deputies = page.getByRole('region', {name: '进站代表'});
  await deputies.getByRole('link', {name: '欧阳明珠'}).waitFor();
  await deputies.getByRole('link', {name: '龙建国'}).waitFor();
  await checkQr(t, page, `/api/v1/stations/${data.hub.id}/qr.svg`, '星光街道人大代表联络站的联络站服务卡（二维码）');
  await page.screenshot({path: '/tmp/station.png', fullPage: true});

  await deputies.getByRole('link', {name: '欧阳明珠'}).click();
  await page.waitForURL(`${base}/deputy.html?id=${data.pearl.id}`);
  await page.getByRole('heading', {level: 1, name: '欧阳明珠'}).waitFor();
  const about = await page.locator('.details').textContent();
  for (const fact of ['性别女', '民族苗族', '职业小学教师', '界别教育界', '联系方式电话联系'])
    assert.ok(about.includes(fact), `"${fact}" in ${about}`);
  // she chose to publish her phone
  assert.equal(await page.getByRole('link', {name: '13912345678'}).getAttribute('href'), 'tel:13912345678');
  await page.getByRole('region', {name: '代表资格'}).getByText(`${data.congress.name}（第3选区）`).waitFor();
  await page.getByRole('region', {name: '所在联络站'}).getByRole('link', {name: '星光街道人大代表联络站'}).waitFor();
  await page.getByRole('region', {name: '简介'}).getByText('长期关注农村学校的营养餐和校车安全。').waitFor();
  const photo = page.getByRole('img', {name: '欧阳明珠的照片'});
  assert.equal(await photo.getAttribute('src'), `${base}/favicon.svg`);
  await until('her photo drawn', () => photo.evaluate((el) => el.complete && el.naturalWidth > 0));
  await checkQr(t, page, `/api/v1/deputies/${data.pearl.id}/qr.svg`, '欧阳明珠的代表连心卡（二维码）');
  await page.screenshot({path: '/tmp/deputy.png', fullPage: true});
  assertNoProblems(page);
  await page.close();
});

// A liaison point (kind "spoke") that `liaison demo` placed in a village of the admin's county,
// found through the public API: a village is a 12-digit code whose last three digits are not all
// zero. Returns {spoke, area: [{code, name, level}] from the province down to the village}.
async function demoVillageSpoke() {
  const county = data.county[data.county.length - 1];
  const list = await call(null, 'GET', `/api/v1/stations?region=${county.code}&limit=100`);
  assert.equal(list.status, 200);
  const spoke = list.body.items.find((s) => s.kind === 'spoke' && /^[0-9]{9}(?!000)[0-9]{3}$/.test(s.region));
  assert.ok(spoke, `a demo liaison point in a village of ${county.name} among ` +
    list.body.items.map((s) => `${s.kind} ${s.region}`).join(', '));
  const village = await call(null, 'GET', `/api/v1/regions/${spoke.region}`);
  assert.equal(village.status, 200, `the spoke's region ${spoke.region} is a known region`);
  assert.equal(village.body.level, 5, `${spoke.region} ${village.body.name} is a village`);
  const area = [...village.body.path, {code: village.body.code, name: village.body.name, level: village.body.level}];
  return {spoke, area};
}

test('visitor_taps_down_to_a_village_liaison_point_and_opens_a_deputys_page_with_its_qr_code', {timeout: 30000}, async (t) => {
  const {spoke, area} = await demoVillageSpoke();
  const village = area[area.length - 1];
  // the spoke's own deputies, else those of the hub it belongs to (one more tap)
  const spokeRecord = (await call(null, 'GET', `/api/v1/stations/${spoke.id}`)).body;
  const viaHub = spokeRecord.deputies.length === 0;
  assert.ok(!viaHub || spokeRecord.hub, `liaison point ${spoke.id} has no deputies and no hub`);

  const page = await openPage(PHONE);
  await page.goto(`${base}/`);
  await page.getByRole('heading', {name: '查找联络站和人大代表'}).waitFor();
  const listTaps = await pickArea(page, area);
  const selects = await page.locator('#region-levels label').allTextContents();
  t.diagnostic(`${listTaps} taps to ${area.map((r) => r.name).join(' > ')} through the selects ${selects.join(', ')}`);
  assert.ok(listTaps <= 3, `${listTaps} taps to reach the stations of village ${village.name} (selects: ${selects.join(', ')})`);

  await page.getByRole('heading', {name: `${village.name}的联络站`}).waitFor();
  const entry = stationLinks(page).filter({hasText: spoke.name});
  assert.match(await entry.textContent(), /代表联络室\/联络点/);
  await entry.click();
  let taps = listTaps + 1;

  await page.waitForURL(`${base}/station.html?id=${spoke.id}`);
  await page.getByRole('heading', {level: 1, name: spoke.name}).waitFor();
  assert.ok(taps <= 4, `${taps} taps from the home page to the page of ${spoke.name}`);
  assert.equal(await page.locator('#record-kind').textContent(), '代表联络室/联络点');
  assert.match(await page.locator('.details').textContent(), new RegExp(`所在地区${village.name}`));
  let station = spokeRecord;
  if (viaHub) {
    await page.getByRole('region', {name: '进站代表'}).getByText('暂无登记的进站代表。').waitFor();
    await page.locator('.details').getByRole('link', {name: spokeRecord.hub.name}).click();
    taps++;
    await page.waitForURL(`${base}/station.html?id=${spokeRecord.hub.id}`);
    await page.getByRole('heading', {level: 1, name: spokeRecord.hub.name}).waitFor();
    await page.getByRole('region', {name: '下设联络点'}).getByRole('link', {name: spoke.name}).waitFor();
    station = (await call(null, 'GET', `/api/v1/stations/${spokeRecord.hub.id}`)).body;
  }
  assert.ok(station.deputies.length > 0, `station ${station.id} ${station.name} lists deputies`);

  const deputies = page.getByRole('region', {name: '进站代表'}).getByRole('link');
  await deputies.first().waitFor();
  assert.equal(await deputies.count(), station.deputies.length, 'every deputy of the station is listed');
  const deputy = station.deputies[0];
  const link = deputies.and(page.locator(`a[href="/deputy.html?id=${deputy.id}"]`));
  assert.equal(await link.textContent(), deputy.name);
  await link.click();
  taps++;

  await page.waitForURL(`${base}/deputy.html?id=${deputy.id}`);
  await page.getByRole('heading', {level: 1, name: deputy.name}).waitFor();
  const qr = page.getByRole('img', {name: `${deputy.name}的代表连心卡（二维码）`});
  await qr.waitFor();
  assert.equal(await qr.getAttribute('src'), `/api/v1/deputies/${deputy.id}/qr.svg`);
  await until(`the QR code of ${deputy.name} drawn`, () => qr.evaluate((img) => img.complete && img.naturalWidth > 0));
  const card = page.getByRole('link', {name: '打印连心卡'});
  await card.waitFor();
  assert.equal(await card.getAttribute('href'), `/card.html?deputy=${deputy.id}`);
  t.diagnostic(`${taps} taps from the home page to ${deputy.name}'s page` +
    (viaHub ? ` (the liaison point has no deputies: through its hub ${spokeRecord.hub.name})` : ''));
  assertNoProblems(page);
  await page.close();
});

test('spoke_page_links_its_hub_and_a_private_phone_is_never_shown', {timeout: 20000}, async () => {
  const page = await openPage(PHONE);
  await page.goto(`${base}/station.html?id=${data.spoke.id}`);
  await page.getByRole('heading', {level: 1, name: '翠柳社区代表联络点'}).waitFor();
  assert.equal(await page.locator('#record-kind').textContent(), '代表联络室/联络点');
  const hub = page.locator('.details').getByRole('link', {name: '星光街道人大代表联络站'});
  assert.equal(await hub.getAttribute('href'), `/station.html?id=${data.hub.id}`);
  assert.equal(await page.getByRole('link', {name: '在地图中查看位置'}).count(), 0, 'no coordinates, no map link');

  await page.getByRole('region', {name: '进站代表'}).getByRole('link', {name: '龙建国'}).click();
  await page.getByRole('heading', {level: 1, name: '龙建国'}).waitFor();
  assert.match(await page.locator('.details').textContent(), /联系方式到联络站当面联系/);
  assert.equal(await page.locator('a[href^="tel:"]').count(), 0);
  assert.equal(await page.getByRole('img', {name: '龙建国的照片'}).count(), 0, 'a photo from another site is not shown');
  assert.ok(!(await page.locator('main').textContent()).includes('13900000000'), 'the unpublished phone stays hidden');
  assertNoProblems(page);
  await page.close();
});

test('the_chosen_area_is_still_chosen_after_a_reload', {timeout: 30000}, async () => {
  const page = await openPage(PHONE);
  await page.goto(`${base}/`);
  await pickArea(page);
  await stationLinks(page).filter({hasText: '星光街道'}).waitFor();
  const area = data.area[data.area.length - 1];
  assert.equal(await page.evaluate(() => localStorage.getItem('liaison.region')), area.code);

  await page.reload();
  for (const region of data.area)
    assert.equal(await page.getByLabel(LEVEL_LABEL[region.level], {exact: true}).inputValue(), region.code);
  await stationLinks(page).filter({hasText: '星光街道'}).waitFor();
  await deputyLinks(page).filter({hasText: '龙建国'}).waitFor();

  // and in English the same choice is offered, with translated labels
  await page.getByRole('button', {name: 'English'}).click();
  await page.getByRole('heading', {name: `Liaison stations in ${area.name}`}).waitFor();
  const levelLabel = {1: 'Province', 2: 'City', 3: 'County or district', 4: 'Township or street', 5: 'Village or community'};
  assert.equal(await page.getByLabel(levelLabel[area.level], {exact: true}).inputValue(), area.code);
  assert.match(await stationLinks(page).filter({hasText: '星光街道'}).textContent(), /Liaison station/);
  await page.getByRole('button', {name: '中文'}).click();
  assertNoProblems(page);
  await page.close();
});

test('search_finds_a_deputy_by_two_chinese_characters_of_her_name', {timeout: 30000}, async () => {
  const page = await openPage(PHONE);
  await page.goto(`${base}/`);
  await pickArea(page);
  await deputyLinks(page).filter({hasText: '龙建国'}).waitFor();

  await page.getByRole('searchbox', {name: '在所选地区搜索联络站或代表'}).fill('明珠');
  await page.getByRole('button', {name: '搜索', exact: true}).click();
  await page.getByText('“明珠”的搜索结果').waitFor();
  await until('only 欧阳明珠 listed', async () => {
    const names = await deputyLinks(page).allTextContents();
    return names.length === 1 && names[0].includes('欧阳明珠');
  });
  await page.locator('#stations-status').getByText('没有找到名称含“明珠”的联络站。').waitFor();
  assert.equal(await stationLinks(page).count(), 0);

  // a station by part of its name
  await page.getByRole('searchbox').fill('翠柳');
  await page.getByRole('button', {name: '搜索', exact: true}).click();
  await until('only 翠柳社区 listed', async () => {
    const names = await stationLinks(page).allTextContents();
    return names.length === 1 && names[0].includes('翠柳社区代表联络点');
  });

  await page.getByRole('button', {name: '清除搜索'}).click();
  await deputyLinks(page).filter({hasText: '龙建国'}).waitFor();
  await stationLinks(page).filter({hasText: '星光街道'}).waitFor();
  assertNoProblems(page);
  await page.close();
});

test('show_more_adds_the_next_page_of_the_countys_deputies_and_moves_focus_to_it', {timeout: 30000}, async () => {
  const page = await openPage(PHONE);
  await page.goto(`${base}/`);
  await pickArea(page, data.county);
  const county = data.county[data.county.length - 1].name;
  await page.getByRole('heading', {name: `${county}的人大代表`}).waitFor();
  await deputyLinks(page).nth(19).waitFor();
  assert.equal(await deputyLinks(page).count(), 20, 'the first page holds 20');

  await page.getByRole('button', {name: '显示更多代表'}).click();
  await deputyLinks(page).nth(20).waitFor();
  const hrefs = await deputyLinks(page).evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  assert.ok(hrefs.length > 20 && hrefs.length <= 40, `${hrefs.length} deputies after one more page`);
  assert.equal(new Set(hrefs).size, hrefs.length, 'no deputy is listed twice');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), hrefs[20],
    'focus moves to the first deputy of the new page');
  assertNoProblems(page);
  await page.close();
});

test('home_station_and_deputy_pages_fit_a_360px_phone_without_sideways_scrolling', {timeout: 30000}, async () => {
  const page = await openPage(NARROW);
  const pages = [
    ['home', `${base}/`, async () => { await pickArea(page); await stationLinks(page).first().waitFor(); }],
    ['station', `${base}/station.html?id=${data.hub.id}`, () => page.locator('#record-kind').waitFor()],
    ['deputy', `${base}/deputy.html?id=${data.pearl.id}`, () => page.getByRole('heading', {level: 1}).waitFor()]
  ];
  for (const [name, url, ready] of pages) {
    await page.goto(url);
    await ready();
    assert.ok(await scrollWidth(page) <= 360, `${name} (zh-CN) is ${await scrollWidth(page)} px wide`);
    await page.getByRole('button', {name: 'English'}).click();
    assert.ok(await scrollWidth(page) <= 360, `${name} (en) is ${await scrollWidth(page)} px wide`);
    await page.getByRole('button', {name: '中文'}).click();
  }
  assertNoProblems(page);
  await page.close();
});

test('a_station_that_does_not_exist_says_so', {timeout: 20000}, async () => {
  const page = await openPage(PHONE, ['404 /api/v1/stations/999999']);
  await page.goto(`${base}/station.html?id=999999`);
  await page.getByRole('status').getByText('找不到这个联络站，它可能已被撤销。').waitFor();
  assert.equal(await page.locator('#record').isVisible(), false);
  await page.goto(`${base}/deputy.html`);
  await page.getByRole('status').getByText('链接不完整：缺少编号。请从首页查找。').waitFor();
  assertNoProblems(page);
  await page.close();
});

/* ---- the staff registry ------------------------------------------------------------------ */

async function signInAsAdmin(page) {
  await page.goto(`${base}/staff/`);
  const form = page.locator('#login-form');
  await form.getByLabel('用户名').fill(ADMIN.username);
  await form.getByLabel('密码', {exact: true}).fill(ADMIN.password);
  await form.getByRole('button', {name: '登录'}).click();
  await page.getByRole('heading', {name: '名册管理'}).waitFor();
}

function registryRow(page, name) {
  return page.locator('#registry-body tr').filter({has: page.getByRole('rowheader', {name})});
}

test('admin_creates_a_station_through_the_registry_form_and_sees_it_listed', {timeout: 30000}, async () => {
  const page = await openPage(PHONE);
  await signInAsAdmin(page);
  assert.equal(await page.getByRole('tab', {name: '联络站'}).getAttribute('aria-selected'), 'true');
  await page.locator('#registry-body tr').first().waitFor();

  const form = page.locator('#registry-form');
  await form.getByLabel('名称').fill('红岩村代表之家');
  await form.getByLabel('类型').selectOption({label: '代表之家'});
  await form.getByLabel('地址').fill('红岩村村委会一楼');
  await form.getByLabel('开放时间').fill('每周三 14:00-17:00');
  await form.getByLabel('纬度').fill('26.6');
  await form.getByLabel('经度').fill('104.9');
  await form.getByRole('button', {name: '保存'}).click();

  await page.locator('#registry-form-status').getByText('已添加“红岩村代表之家”。').waitFor();
  const row = registryRow(page, '红岩村代表之家');
  await row.waitFor();
  assert.match(await row.textContent(), /代表之家/);
  assert.equal(await form.getByLabel('名称').inputValue(), '', 'the form is emptied for the next station');

  // it is there for the public, in the admin's region, and can now be chosen as a hub
  const list = await call(null, 'GET', `/api/v1/stations?region=${data.admin.user.region}&q=${encodeURIComponent('红岩村')}`);
  assert.equal(list.body.items.length, 1);
  assert.equal(list.body.items[0].region, data.admin.user.region);
  assert.equal(list.body.items[0].address, '红岩村村委会一楼');
  await form.getByLabel('所属联络站').locator('option', {hasText: '红岩村代表之家'}).waitFor({state: 'attached'});

  await page.locator('#registry-view').screenshot({path: '/tmp/registry.png'});
  assertNoProblems(page);
  await page.close();
});

test('spoke_without_a_hub_shows_the_hub_error_next_to_that_field', {timeout: 30000}, async () => {
  const page = await openPage(PHONE, ['422 /api/v1/stations']);
  await signInAsAdmin(page);
  const form = page.locator('#registry-form');
  await form.getByLabel('名称').fill('没有上级的联络点');
  await form.getByLabel('类型').selectOption({label: '代表联络室/联络点'});
  await form.getByRole('button', {name: '保存'}).click();

  const field = form.locator('[data-field="hub_id"]');
  await field.locator('.field-error').getByText('代表联络室/联络点须选择所属的联络站').waitFor();
  const hub = form.getByLabel('所属联络站');
  assert.equal(await hub.getAttribute('aria-invalid'), 'true');
  assert.ok(await hub.evaluate((el) => el === document.activeElement), 'focus moves to the field at fault');
  const describedBy = (await hub.getAttribute('aria-describedby')).split(' ');
  assert.ok(describedBy.includes(await field.locator('.field-error').getAttribute('id')), 'the error describes the field');
  await page.locator('#registry-form-error').getByText('所属联络站：代表联络室/联络点须选择所属的联络站').waitFor();
  assert.equal(await registryRow(page, '没有上级的联络点').count(), 0);

  // in English the same error, in English
  await page.getByRole('button', {name: 'English'}).click();
  await field.locator('.field-error').getByText('a liaison point needs the station it belongs to').waitFor();

  // choosing the hub fixes it
  await page.getByRole('button', {name: '中文'}).click();
  await hub.selectOption({label: '星光街道人大代表联络站'});
  await form.getByRole('button', {name: '保存'}).click();
  await registryRow(page, '没有上级的联络点').waitFor();
  assert.equal(await field.locator('.field-error').textContent(), '');
  assertNoProblems(page);
  await page.close();
});

test('admin_edits_a_deputys_stations_and_deletes_a_station_after_confirming', {timeout: 30000}, async () => {
  const page = await openPage(PHONE);
  await signInAsAdmin(page);
  await page.getByRole('tab', {name: '代表', exact: true}).click();
  await page.getByRole('searchbox', {name: '按姓名查找代表'}).fill('龙建国');
  await page.getByRole('button', {name: '查找', exact: true}).click();
  const row = registryRow(page, '龙建国');
  await row.getByRole('button', {name: /编辑/}).click();
  await page.getByRole('heading', {name: '修改“龙建国”'}).waitFor();
  const form = page.locator('#registry-form');
  assert.equal(await form.getByLabel('姓名').inputValue(), '龙建国');
  assert.equal(await form.getByLabel('手机号码', {exact: true}).inputValue(), '', 'the stored phone is never shown back');
  const stations = form.getByRole('group', {name: '所在联络站'});
  assert.equal(await stations.getByLabel('翠柳社区代表联络点').isChecked(), true);
  assert.equal(await stations.getByLabel('星光街道人大代表联络站').isChecked(), true);
  await stations.getByLabel('翠柳社区代表联络点').uncheck();
  await form.getByLabel('职业').fill('农民专业合作社理事长');
  await form.getByRole('button', {name: '保存修改'}).click();
  await page.locator('#registry-form-status').getByText('已保存“龙建国”。').waitFor();
  await row.getByText('农民专业合作社理事长').waitFor();

  const dragon = await call(null, 'GET', `/api/v1/deputies/${data.dragon.id}`);
  assert.deepEqual(dragon.body.stations.map((s) => s.id), [data.hub.id]);
  assert.equal(dragon.body.phone, undefined, 'the private phone stays private after the edit');

  // delete asks first: dismissed, nothing happens; accepted, the station goes
  await page.getByRole('tab', {name: '联络站'}).click();
  await page.getByRole('searchbox', {name: '按名称查找联络站'}).fill('红岩村');
  await page.getByRole('button', {name: '查找', exact: true}).click();
  const doomed = registryRow(page, '红岩村代表之家');
  await doomed.waitFor();
  page.once('dialog', (dialog) => dialog.dismiss());
  await doomed.getByRole('button', {name: /删除/}).click();
  await until('the dismissed dialog', async () => (await doomed.count()) === 1);
  page.once('dialog', (dialog) => {
    assert.match(dialog.message(), /确定删除“红岩村代表之家”吗/);
    dialog.accept();
  });
  await doomed.getByRole('button', {name: /删除/}).click();
  await page.locator('#registry-notice').getByText('已删除“红岩村代表之家”。').waitFor();
  assert.equal(await doomed.count(), 0);
  const gone = await call(null, 'GET', `/api/v1/stations?region=${data.admin.user.region}&q=${encodeURIComponent('红岩村')}`);
  assert.equal(gone.body.items.length, 0);
  assertNoProblems(page);
  await page.close();
});

test('registry_fits_a_360px_phone_and_only_admins_see_it', {timeout: 30000}, async () => {
  const page = await openPage(NARROW);
  await signInAsAdmin(page);
  await page.locator('#registry-body tr').first().waitFor();
  for (const tab of ['联络站', '代表', '承办单位', '代表小组', '人代会']) {
    await page.getByRole('tab', {name: tab, exact: true}).click();
    await page.locator('#registry-form').waitFor();
    assert.ok(await scrollWidth(page) <= 360, `registry tab ${tab} is ${await scrollWidth(page)} px wide`);
  }
  await page.getByRole('button', {name: '退出登录'}).click();
  await page.locator('#login-view').waitFor();

  const form = page.locator('#login-form');
  await form.getByLabel('用户名').fill('staff');
  await form.getByLabel('密码', {exact: true}).fill('liaison-demo');
  await form.getByRole('button', {name: '登录'}).click();
  await page.locator('#me-name').getByText('李联络员').waitFor();
  assert.equal(await page.locator('#registry-view').isVisible(), false);
  assertNoProblems(page);
  await page.close();
});
