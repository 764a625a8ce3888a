// The record of a reception day and what it does to the month's 履职合规 (issue 6): on a 360 px
// phone the station's clerk finds a month in which the station held no reception listed as such,
// files the record of a reception day of that month in 接待与活动 (visitors, summary, one of the
// two deputies on duty ticked as present, a photo), sees the activity shown as held with its
// record, and finds that the month's compliance view now lists the other deputy with one
// absence and no longer lists the station.
//
// The activity is made through the API (two deputies of the clerk's station on duty) and then
// moved into the past behind the API, with the sqlite3 CLI on the server's database, since the
// API makes activities in the future only. The month is the latest before this one in which the
// compliance API lists the station and neither deputy (the demo holds a reception day 30 days
// back). A real `liaison serve` with a fresh demo database (tests/e2e/lib/server.mjs). The steps
// run in order; once one fails, the later ones are skipped.
//
// Env (set by ctest): LIAISON_BIN (the binary), LIAISON_WEB_DIR (web/).

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {startServer, launchBrowser, assertNoProblems, scrollWidth, until, signInPage, journey, closeAll, demoClerk,
  NARROW} from './lib/server.mjs';

const PASSWORD = 'liaison-demo';
const DAY_MS = 86400 * 1000;
const BEIJING_MS = 8 * 3600 * 1000;
const MONTHS_BACK = 4; // how far back a month without the station's reception is looked for

const PLACE = '联络站二楼会议室（记录测试）';
const SUMMARY = '群众反映学校门口早晚高峰拥堵、缺少护学岗，已登记并转交交警大队。';
const VISITORS = 12;
// a 1x1 PNG: what a phone's photo is, to the server (it checks the bytes, not the name)
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64');

let server;
let browser;
const step = journey(test);

const data = {
  staff: null,     // {cookie, csrf, user} of the demo's station clerk
  station: null,   // the clerk's station
  present: null,   // the deputy ticked as present
  absent: null,    // the deputy left unticked
  month: null,     // 'YYYY-MM' of the activity
  day: null,       // its day, 'YYYY-MM-DD' in Beijing
  activity: null,  // the activity, as made
  page: null
};

const call = (method, path, body, expected) => server.expect(data.staff, method, path, body, expected);

const beijingDay = (ms) => new Date(ms + BEIJING_MS).toISOString().slice(0, 10);

function addMonths(month, n) {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1 + n, 1)).toISOString().slice(0, 7);
}

function lastDayOf(month) {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

function mondayOf(day) {
  const d = new Date(`${day}T00:00:00Z`);
  return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY_MS).toISOString().slice(0, 10);
}

// '2026年10月31日', as the pages write a day
function dayName(day) {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

function monthName(month) {
  const [y, m] = month.split('-').map(Number);
  return `${y}年${m}月`;
}

const unix = (day, time) => Date.parse(`${day}T${time}:00+08:00`) / 1000;

async function compliance(month) {
  return call('GET', `/api/v1/compliance?${new URLSearchParams({region: data.staff.user.region, month})}`);
}

// The latest month before this one in which the compliance API lists the station and neither
// deputy: there the record is what changes both lists.
async function quietMonth() {
  const now = beijingDay(Date.now()).slice(0, 7);
  for (let back = 1; back <= MONTHS_BACK; back++) {
    const month = addMonths(now, -back);
    const c = await compliance(month);
    const absentIds = c.absent_deputies.items.map((d) => d.id);
    if (c.stations_without_reception.items.some((s) => s.id === data.station.id) &&
        !absentIds.includes(data.present.id) && !absentIds.includes(data.absent.id))
      return month;
  }
  throw new Error(`no month of the last ${MONTHS_BACK} lists station ${data.station.id} without a reception`);
}

before(async () => {
  server = await startServer({args: ['--rate-limits=off']});
  const clerk = await demoClerk(server);
  ({staff: data.staff, station: data.station} = clerk);
  assert.ok(clerk.deputies.length >= 2, 'the station has two deputies');
  [data.present, data.absent] = clerk.deputies;

  // made for tomorrow evening (the API takes no past start), then moved to the month's last day
  const tomorrow = beijingDay(Date.now() + DAY_MS);
  const made = await call('POST', '/api/v1/activities', {
    station_id: data.station.id, kind: 'reception', title: '接待日', place: PLACE,
    starts_at: `${tomorrow}T19:00`, ends_at: `${tomorrow}T20:30`, capacity: 0,
    deputies: [data.present.id, data.absent.id]
  }, 201);
  data.month = await quietMonth();
  data.day = lastDayOf(data.month);
  execFileSync('sqlite3', ['-cmd', '.timeout 5000', server.db,
    `UPDATE activities SET starts_at = ${unix(data.day, '09:00')}, ends_at = ${unix(data.day, '11:30')} WHERE id = ${made.id}`]);
  data.activity = await call('GET', `/api/v1/activities/${made.id}`);
  assert.equal(beijingDay(data.activity.starts_at * 1000), data.day, 'the activity moved into the past');
  assert.equal(data.activity.state, 'announced');
  browser = await launchBrowser(server, NARROW);
});

after(() => closeAll(browser, server));

// Shows the month in the compliance view and waits for its answer (the result is busy from the
// click until it is drawn again).
async function showMonth(page, month) {
  const view = page.getByRole('region', {name: '履职合规'});
  await view.getByLabel('月份').fill(month);
  await view.getByRole('button', {name: '查看'}).click();
  await view.locator('#compliance-result[aria-busy="false"] .compliance-scope').filter({hasText: monthName(month)}).waitFor();
  return view;
}

// The two counts shown large, as numbers.
async function shownCounts(view) {
  return (await view.locator('.compliance-counts dd').allTextContents()).map(Number);
}

/* ---- the steps -------------------------------------------------------------------------------- */

step('clerk_on_a_360px_phone_sees_the_month_list_the_station_without_a_reception_and_no_absent_deputy', async () => {
  const page = await browser.openPage(NARROW);
  data.page = page;
  await signInPage(page, server.base, {username: 'staff', password: PASSWORD});

  // this month, in Beijing, unless another is picked
  const view = page.getByRole('region', {name: '履职合规'});
  assert.equal(await view.getByLabel('月份').inputValue(), beijingDay(Date.now()).slice(0, 7));
  await view.locator('.compliance-scope').waitFor();

  const before = await compliance(data.month);
  await showMonth(page, data.month);
  assert.deepEqual(await shownCounts(view), [before.stations_without_reception.count, before.absent_deputies.count]);
  const station = view.locator(`#compliance-stations li[data-station="${data.station.id}"]`);
  assert.equal(await station.getByRole('link', {name: data.station.name}).getAttribute('href'),
    `/station.html?id=${data.station.id}`);
  assert.equal(before.absent_deputies.count, 0, 'the month has no absence before the record');
  assert.equal(await view.locator('#compliance-deputies').textContent(),
    `${monthName(data.month)}的活动记录中没有值班未到的代表。`, 'an empty list says so');
  assert.ok(await scrollWidth(page) <= NARROW.width, 'the view fits the phone');
  assertNoProblems(page);
});

step('clerk_files_the_record_with_one_deputy_present_and_a_photo_and_the_activity_shows_as_held', async () => {
  const page = data.page;
  const section = page.getByRole('region', {name: '接待与活动'});
  const label = section.locator('#rc-week-label');
  await label.filter({hasText: /本周/}).waitFor();
  // back, week by week, to the activity's week (each week's list loaded before the next click)
  for (let monday = mondayOf(beijingDay(Date.now())); monday > mondayOf(data.day);) {
    monday = new Date(Date.parse(`${monday}T00:00:00Z`) - 7 * DAY_MS).toISOString().slice(0, 10);
    await section.getByRole('button', {name: '上一周'}).click();
    await label.filter({hasText: new RegExp(`^${dayName(monday)} 至 .*本周`)}).waitFor();
  }
  const row = section.locator(`[data-activity="${data.activity.id}"]`);
  assert.match(await row.textContent(), new RegExp(PLACE.replace(/[()（）]/g, '.')));
  assert.match(await row.textContent(), /已预告/);
  await row.getByRole('button', {name: '记录活动'}).click();

  await section.getByRole('heading', {name: /^活动记录：/}).waitFor();
  const form = section.locator('#rc-record');
  await form.getByLabel(/^到场群众人数/).fill(String(VISITORS));
  await form.getByLabel(/^活动情况和群众反映的问题/).fill(SUMMARY);
  await form.getByRole('checkbox', {name: data.present.name, exact: true}).check();
  await form.getByRole('checkbox', {name: data.absent.name, exact: true}).uncheck();
  await form.getByLabel(/^活动照片/).setInputFiles({name: 'reception.png', mimeType: 'image/png', buffer: PNG});
  await form.getByRole('button', {name: '保存记录'}).click();
  await section.getByText('活动记录和照片已保存。').waitFor();
  const photo = section.locator('.photo-list img');
  await photo.waitFor();
  await until('the photo shown', () => photo.evaluate((img) => img.complete && img.naturalWidth === 1));
  assert.equal(await photo.getAttribute('alt'), '活动照片 1');

  await section.getByRole('button', {name: '返回活动列表'}).click();
  await until('the activity shown as held', async () => /已举行/.test(await row.textContent()));
  assert.match(await row.textContent(), new RegExp(`已记录：到场群众 ${VISITORS} 人`));

  const held = await call('GET', `/api/v1/activities/${data.activity.id}`);
  assert.equal(held.state, 'held');
  assert.equal(held.record.visitors, VISITORS);
  assert.equal(held.record.summary, SUMMARY);
  const attended = Object.fromEntries(held.deputies.map((d) => [d.id, d.attended]));
  assert.deepEqual(attended, {[data.present.id]: true, [data.absent.id]: false});
  assert.equal(held.photos.length, 1, 'one photo');
  const res = await fetch(`${server.base}/api/v1/activities/${held.id}/photos/${held.photos[0]}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG, 'the photo as uploaded');
  assertNoProblems(page);
});

step('a_camera_sized_photo_is_made_smaller_on_the_phone_and_kept_as_a_jpeg', async () => {
  const page = data.page;
  const section = page.getByRole('region', {name: '接待与活动'});
  const row = section.locator(`[data-activity="${data.activity.id}"]`);
  await row.getByRole('button', {name: '记录活动'}).click();
  const form = section.locator('#rc-record');
  // a picture of noise, as large as a phone camera's and as hard to compress
  const big = Buffer.from(await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 1400;
    const g = canvas.getContext('2d');
    const pixels = g.createImageData(1400, 1400);
    for (let i = 0; i < pixels.data.length; i++)
      pixels.data[i] = i % 4 === 3 ? 255 : Math.floor(Math.random() * 256);
    g.putImageData(pixels, 0, 0);
    return canvas.toDataURL('image/png').split(',')[1];
  }), 'base64');
  assert.ok(big.length > 1024 * 1024, `the photo is over the server's 1 MiB (${big.length} bytes)`);
  await form.getByLabel(/^活动照片/).setInputFiles({name: 'camera.png', mimeType: 'image/png', buffer: big});
  await form.getByRole('button', {name: '保存记录'}).click();
  await section.getByText('活动记录和照片已保存。').waitFor();
  const held = await call('GET', `/api/v1/activities/${data.activity.id}`);
  assert.equal(held.photos.length, 2, 'the second photo is kept');
  const res = await fetch(`${server.base}/api/v1/activities/${held.id}/photos/${held.photos[1]}`);
  assert.equal(res.headers.get('content-type'), 'image/jpeg');
  assert.ok((await res.arrayBuffer()).byteLength <= 1024 * 1024, 'made smaller than the limit');
  await section.getByRole('button', {name: '返回活动列表'}).click();
  assertNoProblems(page);
});

step('the_months_compliance_lists_the_absent_deputy_with_one_absence_and_no_longer_the_station', async () => {
  const page = data.page;
  const after = await compliance(data.month);
  assert.ok(!after.stations_without_reception.items.some((s) => s.id === data.station.id), 'a reception was held');
  const absent = after.absent_deputies.items.find((d) => d.id === data.absent.id);
  assert.ok(absent, `the absent deputy is listed: ${JSON.stringify(after.absent_deputies)}`);
  assert.equal(absent.absences, 1);
  assert.deepEqual(absent.activities, [data.activity.id]);
  assert.ok(!after.absent_deputies.items.some((d) => d.id === data.present.id), 'the deputy present is not');

  const view = await showMonth(page, data.month);
  assert.deepEqual(await shownCounts(view), [after.stations_without_reception.count, after.absent_deputies.count]);
  assert.equal(await view.locator(`#compliance-stations [data-station="${data.station.id}"]`).count(), 0);
  const deputy = view.locator(`#compliance-deputies li[data-deputy="${data.absent.id}"]`);
  assert.equal(await deputy.getByRole('link', {name: data.absent.name}).getAttribute('href'), `/deputy.html?id=${data.absent.id}`);
  assert.match(await deputy.textContent(), /缺席 1 次/);
  const missed = deputy.getByRole('list', {name: `${data.absent.name}缺席的活动`}).getByRole('listitem');
  assert.deepEqual(await missed.allTextContents(), [`${dayName(data.day)} 接待日 · ${data.station.name}`]);
  assert.equal(await view.locator(`[data-deputy="${data.present.id}"]`).count(), 0);
  assert.ok(await scrollWidth(page) <= NARROW.width, 'the view fits the phone');

  await page.getByRole('button', {name: 'English'}).click();
  const english = page.getByRole('region', {name: 'Compliance'});
  await english.getByRole('heading', {name: 'Deputies on duty who did not turn up'}).waitFor();
  assert.match(await english.locator(`[data-deputy="${data.absent.id}"]`).textContent(), /absent once/);
  assertNoProblems(page);
});
