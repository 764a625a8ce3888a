// The whole opinion loop of one message, every step done in the page by the person who does it
// (issue 5, item 10): a constituent on a 360 px phone scans a station's QR code and writes a
// message; the station's clerk finds it in the inbox, triages it and refers it to a unit; the
// unit accepts and replies in its own inbox; the clerk answers; the constituent follows it with
// the tracking code, rates 不满意 and sees it reopened; the clerk answers again, the constituent
// rates 满意 and sees it closed; last, the clerk's 统计与台账 counts it among the station's
// figures and its 反馈群众意见和诉求情况记录簿 holds its final answer rated 满意.
//
// The message goes to the clerk's station, not to a deputy: a message to a deputy carries no
// station (POST /api/v1/opinions keeps station_id empty), and the workspace's figures and books
// are per station only (web/js/reports.js), so a deputy's message shows in no station's figures.
//
// One chromium with a context of its own per person (constituent, clerk, unit); the API is used
// only to look things up (the demo accounts' station and unit, a village of the township, the
// figures to compare with). A real `liaison serve` with a fresh demo database
// (tests/e2e/lib/server.mjs). The tests run in order and share the message; once one fails, the
// later ones are skipped.
//
// Env (set by ctest): LIAISON_BIN (the binary), LIAISON_WEB_DIR (web/).

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {chromium} from 'playwright-core';
import {startServer, openPage, until, assertNoProblems, scrollWidth, CHROMIUM, NARROW} from './lib/server.mjs';

const PASSWORD = 'liaison-demo';
const DESK = {width: 1280, height: 800};
const CODE = /^[ACDEFGHJKMNPQRTWXY34679]{8}$/; // the tracking code's alphabet (src/domain/opinion.h)

const CONTENT = '幸福小区北门外的下水道井盖松动，电动车压过去哐当响，晚上还差点绊倒老人，请尽快加固。';
const PLACE = '幸福小区北门外人行道';
const PHONE_NUMBER = '139 1234 5678'; // typed with spaces, as people do
const PHONE4 = '5678';
const REFER_NOTE = '请核实井盖产权单位并督促加固';
const UNIT_REPLY = '已通知养护单位，本周内更换井盖并加装防松垫圈。';
const ANSWER_1 = '经县住建局核实，北门外井盖已安排养护单位本周内更换。';
const COMPLAINT = '井盖换了还是响，晚上依旧吵。';
const ANSWER_2 = '养护单位复查后重新调平井座，井盖已不再松动，我们也会回访。';

let server;
let browser;              // one chromium; each person has a context of their own
const people = {constituent: null, staff: null, unit: null}; // browser contexts
const pages = {constituent: null, staff: null, unit: null};   // each person's page, kept between steps

const data = {
  staff: null,            // {cookie, csrf, user} of the demo's station clerk, for look-ups
  station: null,          // the clerk's station {id, name, region}
  village: null,          // a village (社区) of the station's township {code, name}
  unitName: null,         // the unit of the demo's unit account
  from: null,             // the first day of the period the workspace counts by default
  before: null,           // the station's figures before the message, for that period
  code: null,             // the message's tracking code, as the receipt shows it
  id: null                // its id, looked up
};

let failed = false;       // an earlier step failed: the later ones cannot run

async function lookup(path) {
  const res = await server.call(data.staff, 'GET', path);
  assert.equal(res.status, 200, `GET ${path} -> ${JSON.stringify(res.body)}`);
  return res.body;
}

function statsOf(from, to) {
  const q = new URLSearchParams({station: String(data.station.id), from});
  if (to)
    q.set('to', to);
  return lookup(`/api/v1/stats?${q}`);
}

async function staffView() {
  return lookup(`/api/v1/opinions/${data.id}`);
}

// Every opinion a list query of the API finds, all its pages.
async function listAll(path) {
  const out = [];
  let after = '';
  for (;;) {
    const body = await lookup(`${path}&limit=100${after}`);
    out.push(...body.items);
    if (!body.next)
      return out;
    after = `&after=${body.next}`;
  }
}

// A context per person: a locale, a time zone, cookies and storage of their own.
async function person(viewport) {
  const context = await browser.newContext({viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai'});
  context.setDefaultTimeout(10000);
  return context;
}

// Runs a step of the journey; once one has failed, the rest are skipped with the reason.
function step(name, fn) {
  test(name, {timeout: 45000}, async (t) => {
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
  server = await startServer();
  data.staff = await server.signIn({username: 'staff', password: PASSWORD});
  const unit = await server.signIn({username: 'unit', password: PASSWORD});
  assert.ok(data.staff.user.stations.length, 'the demo clerk has a station');
  assert.ok(unit.user.unit_id, 'the demo unit account belongs to a unit');
  data.station = await lookup(`/api/v1/stations/${data.staff.user.stations[0]}`);
  data.unitName = (await lookup(`/api/v1/units/${unit.user.unit_id}`)).name;
  const township = await lookup(`/api/v1/regions/${data.station.region}`);
  assert.ok(township.children.length, `${township.name} has villages`);
  data.village = township.children[township.children.length - 1];
  // the workspace counts from the first of January of this year, Beijing time
  data.from = `${new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear()}-01-01`;
  data.before = (await statsOf(data.from)).totals;

  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  browser = await chromium.launch({executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync']});
  people.constituent = await person(NARROW);
  people.staff = await person(DESK);
  people.unit = await person(DESK);
});

// a clean exit on SIGTERM: under ASan, no leak or memory error on the way
after(async () => {
  await browser?.close();
  const end = server && await server.close();
  assert.ok(!server || (end.code === 0 && end.signal === null),
    `the server ended with ${JSON.stringify(end)}\n${server?.log()}`);
});

/* ---- what each person does in the page ----------------------------------------------------- */

// Signs in at /staff/ (the clerk and the unit); the page stays signed in for the later steps.
async function signIn(who, viewport) {
  const page = await openPage(people[who], server.base, viewport);
  await page.goto(`${server.base}/staff/`);
  const form = page.locator('#login-form');
  await form.getByLabel('用户名').fill(who);
  await form.getByLabel('密码', {exact: true}).fill(PASSWORD);
  await form.getByRole('button', {name: '登录'}).click();
  await page.locator('#workspace').waitFor();
  return page;
}

// The clerk comes back to the workspace (a reload: what was listed may have moved meanwhile).
async function staffWorkspace(reload = true) {
  const page = pages.staff;
  if (reload) {
    await page.goto(`${server.base}/staff/`);
    await page.locator('#workspace').waitFor();
  }
  await until('the inbox listed', async () => {
    const count = await page.locator('#inbox-count').textContent();
    return count && !/正在加载/.test(count);
  });
  return page;
}

function inboxRow(page) {
  return page.locator('#inbox-list li').filter({hasText: data.code});
}

async function openInInbox(page) {
  await inboxRow(page).getByRole('button').click();
  await page.getByRole('heading', {name: `意见建议 ${data.code}`}).waitFor();
  await page.locator('#inbox-d-main dl').waitFor();
}

async function detailFact(page, label) {
  const item = page.locator('#inbox-d-main dl.details > div')
    .filter({has: page.locator('dt', {hasText: new RegExp(`^${label}$`)})});
  return (await item.locator('dd').textContent()).trim();
}

function notice(page) {
  return page.locator('#inbox-d-notice');
}

// The clerk answers the constituent in the detail view; answers what the form started from.
async function answerInDetail(page, text) {
  await page.getByRole('button', {name: '答复', exact: true}).click();
  const form = page.getByRole('form', {name: '答复'});
  const box = form.getByLabel('答复内容');
  const startedFrom = await box.inputValue();
  await box.fill(text);
  await form.getByRole('button', {name: '提交'}).click();
  await notice(page).getByText('已答复，当前状态：已答复。').waitFor();
  return startedFrom;
}

// The constituent looks the message up on the tracking page with the code and the phone digits.
async function track(page) {
  await page.goto(`${server.base}/track.html`);
  await page.getByRole('heading', {level: 1, name: '查询办理进度'}).waitFor();
  await page.getByLabel('查询码').fill(data.code);
  await page.getByLabel('电话号码后四位或查询密码').fill(PHONE4);
  await page.getByRole('button', {name: '查询', exact: true}).click();
  await page.getByRole('heading', {name: '办理进度', exact: true}).waitFor();
}

async function rate(page, rating, comment) {
  const form = page.getByRole('region', {name: '评价答复'});
  await form.getByRole('radio', {name: rating, exact: true}).check();
  if (comment)
    await form.getByLabel(/意见或说明/).fill(comment);
  await form.getByRole('button', {name: '提交评价'}).click();
}

function percent(rate) {
  return rate === null || rate === undefined ? '—' : `${Math.round(rate * 1000) / 10}%`;
}

/* ---- the journey --------------------------------------------------------------------------- */

step('constituent_scans_the_station_qr_code_on_a_phone_writes_a_message_and_gets_a_tracking_code', async () => {
  const page = await openPage(people.constituent, server.base, NARROW);
  pages.constituent = page;
  await page.goto(`${server.base}/station.html?id=${data.station.id}&via=qr`);
  await page.getByRole('heading', {level: 1, name: data.station.name}).waitFor();
  await page.getByRole('region', {name: '向联络站反映意见'}).getByRole('link', {name: '向联络站反映意见'}).click();
  await page.waitForURL(`${server.base}/write.html?station=${data.station.id}&via=qr`);
  await page.getByRole('heading', {level: 1, name: '向联络站反映意见'}).waitFor();
  await page.locator('#write-category option[value="urban"]').waitFor({state: 'attached'});
  assert.match(await page.locator('#write-to').textContent(), new RegExp(data.station.name));

  // the place starts at the station's township; the constituent adds the village and the spot
  assert.equal(await page.getByLabel('乡镇（街道）', {exact: true}).inputValue(), data.station.region);
  await page.getByLabel('村（社区）', {exact: true}).selectOption(data.village.code);
  await page.getByLabel(/^类别/).selectOption({label: '城建'});
  await page.getByLabel('具体地点').fill(PLACE);
  await page.getByLabel(/^留言内容/).fill(CONTENT);
  await page.getByLabel('电话号码', {exact: true}).fill(PHONE_NUMBER);
  assert.ok(await scrollWidth(page) <= NARROW.width, 'the form fits the phone');
  await page.getByRole('button', {name: '发送留言'}).click();

  await page.getByRole('heading', {name: '留言已发送'}).waitFor();
  const shown = await page.locator('#receipt-code').textContent();
  assert.match(shown, /^[A-Z0-9]{4} [A-Z0-9]{4}$/, 'the code in two groups of four');
  data.code = shown.replace(/ /g, '');
  assert.match(data.code, CODE);
  await page.getByText('查询时请输入查询码和您电话号码的后四位。').waitFor();
  assert.ok(await scrollWidth(page) <= NARROW.width, 'the receipt fits the phone');

  const listed = await listAll(`/api/v1/opinions?station=${data.station.id}`);
  const made = listed.find((o) => o.tracking_code === data.code);
  assert.ok(made, 'the message is among the station\'s opinions');
  data.id = made.id;
  const view = await staffView();
  assert.equal(view.channel, 'qr', 'counted as a QR scan');
  assert.equal(view.station_id, data.station.id);
  assert.equal(view.content, CONTENT);
  assert.equal(view.region, data.village.code);
  assert.equal(view.location, PLACE);
  assert.equal(view.has_phone, true);
  assertNoProblems(page);
});

step('clerk_finds_it_among_the_waiting_ones_triages_it_and_refers_it_to_the_unit', async () => {
  pages.staff = await signIn('staff', DESK);
  const page = await staffWorkspace(false);
  const filters = page.getByRole('search', {name: '筛选意见建议'});
  await filters.getByLabel('状态').selectOption({label: '待受理'});
  const listed = page.waitForResponse((res) => new URL(res.url()).pathname === '/api/v1/opinions');
  await filters.getByRole('button', {name: '筛选'}).click();
  await listed;
  await inboxRow(page).waitFor();
  assert.match(await inboxRow(page).textContent(), /待受理/);
  await openInInbox(page);
  assert.equal(await detailFact(page, '内容'), CONTENT);
  assert.match(await detailFact(page, '地点'), new RegExp(`${PLACE}$`));

  await page.getByRole('button', {name: '受理分办'}).click();
  const triage = page.getByRole('form', {name: '受理分办'});
  assert.equal(await triage.getByLabel('类别').inputValue(), 'urban', 'the category the constituent chose');
  await triage.getByLabel('分级办理').selectOption({label: '乡镇（街道）'});
  await triage.getByLabel('负责工作人员').selectOption({label: `我（${data.staff.user.display_name}）`});
  await triage.getByRole('button', {name: '提交'}).click();
  await notice(page).getByText('已受理分办，当前状态：已受理。').waitFor();

  await page.getByRole('button', {name: '转交单位'}).click();
  const refer = page.getByRole('form', {name: '转交单位'});
  await refer.getByLabel('承办单位').selectOption({label: data.unitName});
  await refer.getByLabel('交办意见').fill(REFER_NOTE);
  await refer.getByRole('button', {name: '提交'}).click();
  await notice(page).getByText('已转交单位，当前状态：办理中。').waitFor();
  assert.match(await page.locator('.referral').filter({hasText: data.unitName}).textContent(), /已交办/);

  const view = await staffView();
  assert.equal(view.state, 'in_progress');
  assert.equal(view.tier, 'township');
  assert.equal(view.owner_user_id, data.staff.user.id);
  assert.deepEqual(view.referrals.map((r) => [r.unit_name, r.state]), [[data.unitName, 'sent']]);
  assertNoProblems(page);
});

step('unit_accepts_and_replies_in_its_inbox_and_the_clerk_answers_the_constituent', async () => {
  const unitPage = await signIn('unit', DESK);
  pages.unit = unitPage;
  const card = unitPage.getByRole('region', {name: '交办件'}).locator('li.unit-card').filter({hasText: data.code});
  await card.waitFor();
  assert.match(await card.textContent(), new RegExp(CONTENT));
  await card.getByRole('button', {name: '签收'}).click();
  await card.getByText('已签收。').waitFor();
  await card.getByRole('button', {name: '答复'}).click();
  const reply = card.getByRole('form', {name: '答复'});
  await reply.getByLabel('答复内容').fill(UNIT_REPLY);
  await reply.getByRole('button', {name: '提交'}).click();
  await card.getByText('已答复。').waitFor();
  assert.equal(await card.locator('button[data-step]').count(), 0, 'nothing left for the unit');
  assertNoProblems(unitPage);

  const page = await staffWorkspace();
  await openInInbox(page);
  await page.locator('.referral').filter({hasText: data.unitName}).getByText(UNIT_REPLY).waitFor();
  assert.equal(await answerInDetail(page, ANSWER_1), UNIT_REPLY, 'the answer starts from the unit\'s reply');
  const view = await staffView();
  assert.equal(view.state, 'answered');
  assert.equal(view.answer, ANSWER_1);
  assert.equal(view.referrals[0].state, 'replied');
  assertNoProblems(page);
});

step('constituent_tracks_it_by_code_and_phone_digits_rates_not_satisfied_and_sees_it_reopened', async () => {
  const page = pages.constituent;
  await track(page);
  assert.match(await page.locator('#result-state').textContent(), /反馈（已答复，请您评价）/);
  await page.locator('#result .answer').getByText(ANSWER_1).waitFor();
  const shown = await page.locator('main').textContent();
  assert.ok(!shown.includes(REFER_NOTE), 'the clerk\'s note to the unit stays inside');

  await rate(page, '不满意', COMPLAINT);
  await page.locator('#result-notice').getByText('您的评价是“不满意”，此事项已重新办理。处理后会再次答复您。').waitFor();
  assert.match(await page.locator('#result-state').textContent(), /处理（您对答复不满意，正在重新办理）/);
  await page.getByRole('heading', {name: '此前的答复'}).waitFor();
  assert.equal(await page.getByRole('region', {name: '评价答复'}).isVisible(), false, 'nothing to rate now');
  assert.match(await page.locator('#result .pub-timeline li').last().textContent(), new RegExp(`评价不满意.*${COMPLAINT}`));

  const view = await staffView();
  assert.equal(view.state, 'in_progress');
  assert.equal(view.reopens, 1);
  assert.equal(view.rating, 'unsatisfied');
  assertNoProblems(page);
});

step('clerk_answers_again_and_the_constituent_rates_satisfied_and_sees_it_closed', async () => {
  const page = await staffWorkspace();
  assert.match(await inboxRow(page).textContent(), /办理中/, 'back among the open ones');
  await openInInbox(page);
  assert.equal(await detailFact(page, '重办'), '已重办 1 次');
  assert.match(await detailFact(page, '群众评价'), /不满意/);
  await answerInDetail(page, ANSWER_2);
  assertNoProblems(page);

  const mine = pages.constituent;
  await track(mine);
  assert.match(await mine.locator('#result-state').textContent(), /反馈（已答复，请您评价）/);
  await mine.locator('#result .answer').getByText(ANSWER_2).waitFor();
  await rate(mine, '满意');
  await mine.locator('#result-notice').getByText('感谢您的评价。').waitFor();
  assert.match(await mine.locator('#result-state').textContent(), /评议（已办结）/);
  assert.equal(await mine.locator('#result .rated').textContent(), '您的评价：满意');
  const steps = (await mine.locator('#result-steps li').allTextContents()).map((s) => s.replace(/\s+/g, ''));
  assert.deepEqual(steps, ['✓登记已完成', '✓梳理已完成', '✓处理已完成', '✓反馈已完成', '✓评议已完成']);
  assert.equal(await mine.getByRole('region', {name: '评价答复'}).isVisible(), false);
  assertNoProblems(mine);

  const view = await staffView();
  assert.equal(view.state, 'closed');
  assert.equal(view.rating, 'satisfied');
  assert.equal(view.answer, ANSWER_2);
});

step('the_stations_figures_count_it_and_its_feedback_book_holds_the_last_answer_rated_satisfied', async () => {
  const page = await staffWorkspace();
  const reports = page.getByRole('region', {name: '统计与台账'});
  const station = reports.getByLabel('联络站');
  await station.waitFor();
  assert.equal(await station.inputValue(), String(data.station.id), 'the clerk\'s station');
  assert.equal((await station.locator('option:checked').textContent()).trim(), data.station.name);
  const figures = reports.locator('.reports-figures');
  await figures.waitFor();
  const from = await reports.getByLabel('开始日期').inputValue();
  const to = await reports.getByLabel('结束日期').inputValue();
  assert.equal(from, data.from, 'the period the figures before the message were read for');

  // the page shows what the API counts for the same station and period
  const stats = await statsOf(from, to);
  const shown = async (label) => {
    const dt = page.locator('dt', {hasText: new RegExp(`^${label}$`)});
    return (await figures.locator('div').filter({has: dt}).locator('dd').textContent()).trim();
  };
  assert.deepEqual({
    collected: await shown('收集意见'), answered: await shown('已反馈'), feedback_rate: await shown('反馈率'),
    rated: await shown('已评价'), satisfaction_rate: await shown('满意率（含基本满意）'), overdue: await shown('超期未办')
  }, {
    collected: String(stats.totals.collected), answered: String(stats.totals.answered),
    feedback_rate: percent(stats.totals.feedback_rate), rated: String(stats.totals.rated),
    satisfaction_rate: percent(stats.totals.satisfaction_rate), overdue: String(stats.totals.overdue)
  });
  const urban = stats.by_category.find((c) => c.code === 'urban');
  const bar = reports.locator('.reports-bars tbody tr').filter({has: page.locator('th', {hasText: /^城建$/})});
  assert.equal((await bar.locator('td').textContent()).trim(), String(urban.collected));

  // ... and those figures count the message: one more collected, answered, rated and satisfied
  // than before it was sent, and it is in the lists they drill into
  const grown = ['collected', 'answered', 'rated', 'satisfied'].map((k) => [k, stats.totals[k] - data.before[k]]);
  assert.deepEqual(Object.fromEntries(grown), {collected: 1, answered: 1, rated: 1, satisfied: 1});
  for (const key of ['collected', 'answered', 'rated', 'satisfied'])
    assert.ok((await listAll(stats.lists[key])).some((o) => o.tracking_code === data.code), `it is in the ${key} list`);

  await reports.getByRole('link', {name: '反馈群众意见和诉求情况记录簿'}).click();
  await page.getByRole('heading', {level: 1, name: '反馈群众意见和诉求情况记录簿'}).waitFor();
  assert.match(await page.locator('#book-meta').textContent(), new RegExp(data.station.name));
  const table = page.locator('#book-table');
  const entry = table.locator('tbody tr').filter({hasText: data.code});
  await entry.waitFor();
  const headers = (await table.locator('thead th').allTextContents()).map((s) => s.trim());
  const cells = (await entry.locator('td').allTextContents()).map((s) => s.trim());
  const cell = (name) => {
    assert.ok(headers.includes(name), `the book has a column ${name}: ${headers.join(' ')}`);
    return cells[headers.indexOf(name)];
  };
  assert.equal(cell('编号'), data.code);
  assert.equal(cell('反映事项'), CONTENT);
  assert.equal(cell('答复内容'), ANSWER_2, 'the last answer');
  assert.equal(cell('群众评价'), '满意');
  assertNoProblems(page);
});
