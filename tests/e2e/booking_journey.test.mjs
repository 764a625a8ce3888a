// A reception day from booking to the inbox (issue 6, items 1 and 7), each step done in the page by
// the person who does it: on a 360 px phone a constituent finds the reception day on the station's
// page, books a seat in three steps and gets a code; cancels it with the code and the phone's
// last four digits, books again, and is told when the same phone books twice; the month's
// 接待日公示表 lists the day with the deputy on duty and prints as a clean sheet; the station's
// clerk opens the check-in desk on a tablet, checks the visitor in by the booking's 签到 button,
// sees the reception record appear, records what the visitor raised, and finds that opinion in
// the inbox.
//
// The activity is made through the API by the clerk before the browser is driven (two days
// ahead, so it can still be booked and cancelled). A real `liaison serve` with a fresh demo
// database (tests/e2e/lib/server.mjs). The steps run in order and share the booking; once one
// fails, the later ones are skipped.
//
// Env (set by ctest): LIAISON_BIN (the binary), LIAISON_WEB_DIR (web/).

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {startServer, launchBrowser, assertNoProblems, scrollWidth, until, NARROW} from './lib/server.mjs';

const PASSWORD = 'liaison-demo';
const TABLET = {width: 1024, height: 768};
const CODE = /^[ACDEFGHJKMNPQRTWXY34679]{8}$/; // the booking code's alphabet (src/domain/opinion.h)
const DAY_MS = 86400 * 1000;
const BEIJING_MS = 8 * 3600 * 1000;

const PLACE = '掘港街道联络站一楼接待室';
const TOPIC = '小区电梯经常停运，想当面反映加装和维修的事';
const PHONE_NUMBER = '138 0513 2468'; // typed with spaces, as people do
const PHONE4 = '2468';
const OPINION = '幸福小区 3 号楼电梯一个月停运四次，老人上下楼困难，希望督促物业尽快大修。';

let server;
let browser;
let failed = false; // an earlier step failed: the later ones cannot run

const data = {
  staff: null,        // {cookie, csrf, user} of the demo's station clerk
  station: null,      // the clerk's station
  deputy: null,       // a deputy of the station, on duty at the activity (or null)
  day: null,          // the activity's day, 'YYYY-MM-DD' in Beijing
  activity: null,     // the activity made for the journey
  first: null,        // the code of the booking that is cancelled
  code: null,         // the code of the booking that is checked in
  visit: null,        // the reception record made at check-in
  tracking: null,     // the tracking code of the opinion raised
  pages: {phone: null, desk: null}
};

async function call(method, path, body, expected = 200) {
  const res = await server.call(data.staff, method, path, body);
  assert.equal(res.status, expected, `${method} ${path} ${JSON.stringify(body ?? '')} -> ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

function beijingDay(ms) {
  return new Date(ms + BEIJING_MS).toISOString().slice(0, 10);
}

function mondayOf(day) {
  const d = new Date(`${day}T00:00:00Z`);
  const back = (d.getUTCDay() + 6) % 7;
  return new Date(d.getTime() - back * DAY_MS).toISOString().slice(0, 10);
}

function step(name, fn) {
  test(name, {timeout: 60000}, async (t) => {
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

before(async () => {
  server = await startServer({args: ['--rate-limits=off']});
  data.staff = await server.signIn({username: 'staff', password: PASSWORD});
  assert.ok(data.staff.user.stations.length, 'the demo clerk has a station');
  data.station = await call('GET', `/api/v1/stations/${data.staff.user.stations[0]}`);
  const deputies = await call('GET', `/api/v1/deputies?station=${data.station.id}&limit=5`);
  data.deputy = deputies.items[0] || null;
  data.day = beijingDay(Date.now() + 2 * DAY_MS);
  data.activity = await call('POST', '/api/v1/activities', {
    station_id: data.station.id, kind: 'reception', title: '接待日', place: PLACE,
    starts_at: `${data.day}T14:00`, ends_at: `${data.day}T16:30`, capacity: 5,
    deputies: data.deputy ? [data.deputy.id] : []
  }, 201);
  assert.equal(data.activity.bookable, true, 'the activity can be booked');
  assert.equal(data.activity.seats_left, 5);
  browser = await launchBrowser(server, NARROW);
});

// a clean exit on SIGTERM: under ASan, no leak or memory error on the way
after(async () => {
  await browser?.close();
  const end = server && await server.close();
  assert.ok(!server || (end.code === 0 && end.signal === null), `the server ended with ${JSON.stringify(end)}\n${server?.log()}`);
});

async function seatsLeft() {
  return (await call('GET', `/api/v1/activities/${data.activity.id}`)).seats_left;
}

// Fills step 2 and sends it; the page is on step 2.
async function fillAndBook(page) {
  await page.getByRole('heading', {name: '第 2 步，共 3 步：填写事由和电话'}).waitFor();
  const form = page.locator('#details-form');
  await form.getByLabel(/^想反映的事情/).fill(TOPIC);
  await form.getByLabel(/^电话号码/).fill(PHONE_NUMBER);
  await form.getByRole('button', {name: '确认预约'}).click();
}

async function bookedCode(page) {
  const heading = page.getByRole('heading', {name: '预约成功'});
  await heading.waitFor();
  await until('focus on the result', () => heading.evaluate((el) => el === document.activeElement));
  const shown = await page.locator('#done-code').textContent();
  assert.match(shown, /^[A-Z0-9]{4} [A-Z0-9]{4}$/, 'the code in two groups of four');
  const code = shown.replace(/ /g, '');
  assert.match(code, CODE);
  return code;
}

/* ---- the journey --------------------------------------------------------------------------- */

step('constituent_on_a_360px_phone_finds_the_reception_day_and_books_a_seat_in_three_steps', async () => {
  const page = await browser.openPage(NARROW);
  data.pages.phone = page;
  await page.goto(`${server.base}/station.html?id=${data.station.id}`);
  const calendar = page.getByRole('region', {name: '近期活动与接待日'});
  const item = calendar.locator('li.activity-item').filter({hasText: PLACE});
  await item.waitFor();
  assert.match(await item.textContent(), /可预约，余 5 位/);
  assert.match(await item.textContent(), /14:00–16:30/);
  if (data.deputy)
    assert.match(await item.textContent(), new RegExp(data.deputy.name));
  assert.ok(await scrollWidth(page) <= NARROW.width, 'the station page fits the phone');

  await calendar.getByRole('link', {name: '预约接待'}).click();
  await page.waitForURL(`${server.base}/booking.html?station=${data.station.id}`);
  await page.getByRole('heading', {name: '第 1 步，共 3 步：选择时间'}).waitFor();
  await page.getByRole('radio', {name: new RegExp(PLACE)}).check();
  await page.getByRole('button', {name: '下一步'}).click();

  // nothing typed: both problems are listed and tied to their fields
  await page.getByRole('heading', {name: '第 2 步，共 3 步：填写事由和电话'}).waitFor();
  await page.getByRole('button', {name: '确认预约'}).click();
  await page.getByRole('heading', {name: '有 2 处需要修改'}).waitFor();
  const topic = page.getByLabel(/^想反映的事情/);
  assert.equal(await topic.getAttribute('aria-invalid'), 'true');
  assert.match(await topic.getAttribute('aria-describedby'), /booking-topic-error/);
  assert.equal(await page.locator('#booking-topic-error').textContent(), '请写明想反映的事情，不超过 200 字');
  assert.equal(await page.locator('#booking-phone-error').textContent(), '请填写电话号码');

  await fillAndBook(page);
  data.first = await bookedCode(page);
  assert.match(await page.locator('#done-activity').textContent(), new RegExp(PLACE));
  await page.getByText('身份证或其他有效证件').waitFor();
  assert.ok(await scrollWidth(page) <= NARROW.width, 'the confirmation fits the phone');

  const mine = await server.call(null, 'GET', `/api/v1/bookings/${data.first}?phone4=${PHONE4}`);
  assert.equal(mine.status, 200, JSON.stringify(mine.body));
  assert.equal(mine.body.state, 'confirmed');
  assert.equal(mine.body.topic, TOPIC);
  assert.equal(await seatsLeft(), 4, 'one seat taken');
  assertNoProblems(page);
});

step('constituent_cancels_with_the_code_and_phone_digits_then_books_again_and_cannot_book_twice', async () => {
  const page = data.pages.phone;
  await page.getByRole('link', {name: '查看或取消预约'}).click();
  const mine = page.getByRole('region', {name: '我的预约'});
  assert.equal((await mine.getByLabel('预约码').inputValue()).replace(/ /g, ''), data.first);
  assert.equal(await mine.getByLabel('电话号码后四位').inputValue(), PHONE4);
  await mine.getByRole('button', {name: '查看预约'}).click();
  await mine.getByRole('heading', {name: '预约详情'}).waitFor();
  assert.match(await page.locator('#mine-body').textContent(), /已预约/);
  await mine.getByRole('button', {name: '取消这次预约'}).click();
  await mine.getByRole('button', {name: '确定取消'}).click();
  await mine.getByText('预约已取消。如需再来，可以重新预约。').waitFor();
  assert.match(await page.locator('#mine-body').textContent(), /已取消/);
  assert.equal(await mine.getByRole('button', {name: '取消这次预约'}).count(), 0, 'nothing left to cancel');
  const cancelled = await server.call(null, 'GET', `/api/v1/bookings/${data.first}?phone4=${PHONE4}`);
  assert.equal(cancelled.body.state, 'cancelled');
  assert.equal(await seatsLeft(), 5, 'the seat is free again');

  // again, from the reception day's own link on the station's page: straight to step 2
  await page.goto(`${server.base}/station.html?id=${data.station.id}`);
  const item = page.locator('#calendar li.activity-item').filter({hasText: PLACE});
  await item.getByRole('link', {name: /^预约/}).click();
  await fillAndBook(page);
  data.code = await bookedCode(page);
  assert.notEqual(data.code, data.first, 'a new code');
  assert.equal(await seatsLeft(), 4);
  assertNoProblems(page);

  // the same phone once more: told so, on the phone field, and nothing is booked
  const again = await browser.openPage(NARROW, [`409 /api/v1/activities/${data.activity.id}/bookings`]);
  await again.goto(`${server.base}/booking.html?station=${data.station.id}&activity=${data.activity.id}`);
  await fillAndBook(again);
  await again.getByText('这个电话号码已经预约了这个时间', {exact: false}).first().waitFor();
  assert.equal(await again.locator('#details-form').getByLabel(/^电话号码/).getAttribute('aria-invalid'), 'true');
  assert.equal(await seatsLeft(), 4, 'no second seat');
  assertNoProblems(again);
  await again.close();
});

step('the_months_schedule_lists_the_reception_day_with_who_is_on_duty_and_prints_as_a_clean_sheet', async () => {
  const page = await browser.openPage(NARROW);
  const month = data.day.slice(0, 7);
  await page.goto(`${server.base}/schedule.html?station=${data.station.id}&month=${month}`);
  await page.getByRole('heading', {level: 1, name: data.station.name}).waitFor();
  const row = page.locator('#schedule-table tbody tr').filter({hasText: '14:00–16:30'});
  await row.waitFor();
  assert.match(await row.textContent(), new RegExp(PLACE));
  if (data.deputy)
    assert.match(await row.textContent(), new RegExp(data.deputy.name));
  assert.equal(await page.getByRole('link', {name: '下载 Excel'}).getAttribute('href'),
    `/api/v1/stations/${data.station.id}/schedule.xlsx?month=${month}`);
  assert.ok(await scrollWidth(page) <= NARROW.width, 'the page fits the phone (the table scrolls in its box)');
  await page.emulateMedia({media: 'print'});
  assert.equal(await page.locator('.schedule-toolbar').isVisible(), false, 'no toolbar on paper');
  assert.equal(await page.locator('.site-header').isVisible(), false, 'no site header on paper');
  assert.equal(await page.locator('#schedule-title').isVisible(), true, 'the station\'s name is the title');
  assertNoProblems(page);
  await page.close();
});

step('clerk_checks_the_visitor_in_at_the_desk_on_a_tablet_and_a_reception_record_appears', async () => {
  const page = await browser.openPage(TABLET);
  data.pages.desk = page;
  await page.goto(`${server.base}/staff/`);
  const login = page.locator('#login-form');
  await login.getByLabel('用户名').fill('staff');
  await login.getByLabel('密码', {exact: true}).fill(PASSWORD);
  await login.getByRole('button', {name: '登录'}).click();
  const section = page.getByRole('region', {name: '接待与活动'});
  await section.locator('#rc-week-label').filter({hasText: /本周/}).waitFor();
  if (mondayOf(data.day) !== mondayOf(beijingDay(Date.now())))
    await section.getByRole('button', {name: '下一周'}).click();
  const row = section.locator(`[data-activity="${data.activity.id}"]`);
  await row.waitFor();
  assert.match(await row.textContent(), /已预约 1\/5/);
  await row.getByRole('button', {name: '签到台'}).click();

  const heading = section.getByRole('heading', {name: /^签到台：/});
  await heading.waitFor();
  const booking = section.locator('#desk-bookings li').filter({hasText: data.code});
  await booking.waitFor();
  assert.match(await booking.textContent(), new RegExp(`尾号 ${PHONE4}`));
  assert.match(await booking.textContent(), new RegExp(TOPIC));
  const button = booking.getByRole('button', {name: `${data.code} 签到`});
  const box = await button.boundingBox();
  assert.ok(box.height >= 48, `a big button for a finger on a tablet (${box.height} px)`);
  await button.click();
  await section.getByText(`${data.code} 已签到，已生成接待记录。`).waitFor();
  assert.match(await booking.textContent(), /已签到/);
  const record = section.locator('#desk-visits li').filter({hasText: TOPIC});
  await record.waitFor();

  const listed = await call('GET', `/api/v1/activities/${data.activity.id}/bookings`);
  const mine = listed.items.find((b) => b.code === data.code);
  assert.equal(mine.state, 'checked_in');
  assert.ok(mine.visit_id, 'the check-in made a reception record');
  data.visit = await call('GET', `/api/v1/visits/${mine.visit_id}`);
  assert.equal(data.visit.activity_id, data.activity.id);
  assert.equal(data.visit.topic, TOPIC);
  assert.equal(data.visit.phone4, PHONE4);
  assertNoProblems(page);
});

step('clerk_records_the_opinion_the_visitor_raised_and_it_appears_in_the_inbox', async () => {
  const page = data.pages.desk;
  const section = page.getByRole('region', {name: '接待与活动'});
  const record = section.locator('#desk-visits li').filter({hasText: TOPIC});
  await record.getByRole('button', {name: /^记录.*所提意见$/}).click();
  const form = section.getByRole('form', {name: '记录所提意见'});
  await form.getByLabel(/^类别/).selectOption({label: '城建'});
  await form.getByLabel(/^意见内容/).fill(OPINION);
  await form.getByRole('button', {name: '登记意见'}).click();
  const done = section.getByText(/^意见已登记，查询码 [A-Z0-9]{8}，已进入意见建议待办。$/);
  await done.waitFor();
  data.tracking = /查询码 ([A-Z0-9]{8})/.exec(await done.textContent())[1];
  await section.locator('#desk-visits li').filter({hasText: data.tracking}).waitFor();

  const visit = await call('GET', `/api/v1/visits/${data.visit.id}`);
  assert.deepEqual(visit.opinions.map((o) => o.tracking_code), [data.tracking], 'the opinion is linked to the visit');
  const listed = await call('GET', `/api/v1/opinions?station=${data.station.id}&limit=50`);
  const made = listed.items.find((o) => o.tracking_code === data.tracking);
  assert.ok(made, 'the opinion is among the station\'s');
  assert.equal(made.channel, 'walk_in');
  assert.equal((await call('GET', `/api/v1/opinions/${made.id}`)).content, OPINION);

  await page.goto(`${server.base}/staff/`);
  const inbox = page.getByRole('region', {name: '意见建议'});
  await inbox.locator('#inbox-list li').filter({hasText: data.tracking}).waitFor();
  assert.match(await inbox.locator('#inbox-list li').filter({hasText: data.tracking}).textContent(), /现场接待|来访|待受理/);
  assertNoProblems(page);
});
