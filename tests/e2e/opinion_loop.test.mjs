// Browser journeys through the opinion loop in the staff workspace (web/js/inbox*.js and
// unit_inbox.js): a constituent's message comes in through the public API; in the browser the
// station's clerk finds it among the open ones, triages it beside its similar twin, refers it
// to the unit of the demo's unit account; the unit, signed in in a browser of its own, accepts
// it, asks for more time (granted by the clerk) and replies; the clerk answers; the constituent
// rates 不满意 through the public API, the item comes back, is answered again and rated 满意, and
// the clerk's timeline shows every step. Also: merging a duplicate, a step refused because
// someone else moved the item first, contact details behind a logged view, registering a phone
// call, the overdue filter (the deadline is moved into the past with the sqlite3 shell, the
// API having no way to age an item), a deputy's read-mostly view, and 360 px screens.
//
// A real `liaison serve` with a fresh demo database (tests/e2e/lib/server.mjs); rate limits off,
// as the constituent's steps come from one address.
// Env (set by ctest): LIAISON_BIN (the binary), LIAISON_WEB_DIR (web/).
// Screenshots for a human to judge at 360 px: /tmp/inbox-detail.png and /tmp/unit-inbox.png.

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {join} from 'node:path';
import {startServer, launchBrowser, until, assertNoProblems, scrollWidth, PHONE, NARROW} from './lib/server.mjs';

const PASSWORD = 'liaison-demo';
const PHONE_NUMBER = '13912345678';
const PHONE4 = PHONE_NUMBER.slice(-4);
const LAMP = '人民路东段的路灯坏了一个多星期，晚上行人看不清路，请尽快修复路灯';
const LAMP_AGAIN = '人民路东段路灯坏了，晚上看不清路，希望尽快修复路灯';
const PLACE = '人民路东段';
const REFER_NOTE = '请县住建局核实并修复';
const EXTENSION_REASON = '需要采购灯具';
const UNIT_REPLY = '已于本周更换人民路东段路灯 6 盏。';
const ANSWER_1 = '县住建局已更换人民路东段路灯。';
const ANSWER_2 = '县住建局复查后又更换了线路，路灯已全部点亮。';
const TIME = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/;

let server;
let base;
let staffBrowser;   // the clerk's chromium
let unitBrowser;    // the unit's, a profile of its own

const data = {
  staff: null,      // {cookie, csrf, user} of the demo's station clerk
  unit: null,       // ... of the demo's unit account
  station: null,    // the clerk's first station
  region: null,     // the clerk's region (a township)
  unitName: null,
  deputyName: null, // a deputy of the county, to own the item
  lamp: null,       // {id, code}: the opinion carried round the loop
  twin: null,       // {id, code}: its near-duplicate, merged into it
  t0: 0             // when the tests began (unix seconds), for the audit log
};

// A message as the public form sends it: to the clerk's station, with a phone.
async function constituentSends(content, extra = {}) {
  const res = await server.call(null, 'POST', '/api/v1/opinions', {station_id: data.station, category: 'urban', content,
    region: data.region, location: PLACE, name: '王大爷', phone: PHONE_NUMBER, ...extra});
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const list = await server.call(data.staff, 'GET', `/api/v1/opinions?state=open&limit=100`);
  const row = list.body.items.find((o) => o.tracking_code === res.body.tracking_code);
  assert.ok(row, 'the new opinion is in the clerk\'s open list');
  return {id: row.id, code: res.body.tracking_code};
}

async function staffView(id) {
  const res = await server.call(data.staff, 'GET', `/api/v1/opinions/${id}`);
  assert.equal(res.status, 200);
  return res.body;
}

before(async () => {
  data.t0 = Math.floor(Date.now() / 1000) - 1;
  server = await startServer({args: ['--rate-limits=off']});
  base = server.base;
  data.staff = await server.signIn({username: 'staff', password: PASSWORD});
  data.unit = await server.signIn({username: 'unit', password: PASSWORD});
  data.station = data.staff.user.stations[0];
  data.region = data.staff.user.region;
  assert.ok(data.station, 'the demo clerk has a station');
  assert.ok(data.unit.user.unit_id, 'the demo unit account belongs to a unit');
  data.unitName = (await server.call(null, 'GET', `/api/v1/units/${data.unit.user.unit_id}`)).body.name;
  const county = `${data.region.slice(0, 6)}000000`;
  data.deputyName = (await server.call(null, 'GET', `/api/v1/deputies?region=${county}&limit=1`)).body.items[0].name;
  data.lamp = await constituentSends(LAMP);
  data.twin = await constituentSends(LAMP_AGAIN, {phone: '13700001111'});
  staffBrowser = await launchBrowser(server);
  unitBrowser = await launchBrowser({...server, dir: join(server.dir, 'unit')});
});

after(async () => {
  for (const b of [staffBrowser, unitBrowser])
    if (b)
      await b.close();
  if (server) {
    const end = await server.close();
    assert.deepEqual(end, {code: 0, signal: null}, `the server ended badly\n${server.log()}`);
  }
});

/* ---- what a clerk does in the page ------------------------------------------------------------ */

async function signIn(page, username) {
  await page.goto(`${base}/staff/`);
  const form = page.locator('#login-form');
  await form.getByLabel('用户名').fill(username);
  await form.getByLabel('密码', {exact: true}).fill(PASSWORD);
  await form.getByRole('button', {name: '登录'}).click();
  await page.locator('#workspace').waitFor();
}

async function staffPage(viewport = PHONE, expectedFailures = []) {
  const page = await staffBrowser.openPage(viewport, expectedFailures);
  await signIn(page, 'staff');
  await until('the inbox listed', async () => {
    const count = await page.locator('#inbox-count').textContent();
    return count && !/正在加载/.test(count);
  });
  return page;
}

// Filters the inbox (labels as the clerk reads them) and waits for the list asked for.
async function filterInbox(page, {state = '未办结', flag = '全部'} = {}) {
  const filters = page.getByRole('search', {name: '筛选意见建议'});
  await filters.getByLabel('状态').selectOption({label: state});
  await filters.getByLabel('期限').selectOption({label: flag});
  const listed = page.waitForResponse((res) => new URL(res.url()).pathname === '/api/v1/opinions');
  await filters.getByRole('button', {name: '筛选'}).click();
  await listed;
  await until('the list shown', async () => !/正在加载/.test(await page.locator('#inbox-count').textContent()));
}

function row(page, code) {
  return page.locator('#inbox-list li').filter({hasText: code});
}

async function openOpinion(page, code) {
  await row(page, code).getByRole('button').click();
  await page.getByRole('heading', {name: `意见建议 ${code}`}).waitFor();
  await page.locator('#inbox-d-main dl').waitFor();
}

async function backAndReopen(page, code) {
  await page.getByRole('button', {name: '返回列表'}).click();
  await row(page, code).waitFor();
  await openOpinion(page, code);
}

function stepButtons(page) {
  return page.locator('#inbox-d-steps-buttons button').allTextContents();
}

function notice(page) {
  return page.locator('#inbox-d-notice');
}

async function detailFact(page, label) {
  const item = page.locator('#inbox-d-main dl.details > div').filter({has: page.locator('dt', {hasText: new RegExp(`^${label}$`)})});
  return (await item.locator('dd').textContent()).trim();
}

function stepForm(page, name) {
  return page.getByRole('form', {name});
}

/* ---- the loop ----------------------------------------------------------------------------------- */

test('clerk_finds_the_new_message_among_open_ones_and_triages_it_seeing_its_similar_twin', {timeout: 60000}, async () => {
  const page = await staffPage();
  await filterInbox(page);
  const count = (await page.locator('#inbox-count').textContent()).trim();
  const shown = await page.locator('#inbox-list li').count();
  const more = await page.getByRole('button', {name: '显示更多'}).isVisible();
  assert.equal(count, more ? `已显示 ${shown} 件，还有更多。` : `共显示 ${shown} 件。`, 'the count says how many are shown');
  const listed = row(page, data.lamp.code);
  assert.match(await listed.textContent(), /待受理/, 'the state in words');
  assert.match(await listed.textContent(), /城建 · 网上留言/, 'category and channel in words');

  await openOpinion(page, data.lamp.code);
  assert.equal(await detailFact(page, '内容'), LAMP);
  assert.match(await detailFact(page, '地点'), new RegExp(`${PLACE}$`));
  assert.equal(await detailFact(page, '渠道'), '网上留言');
  assert.match(await detailFact(page, '受理期限（北京时间）'), TIME);
  assert.match(await detailFact(page, '答复期限（北京时间）'), TIME);
  assert.deepEqual(await stepButtons(page), ['受理分办', '合并', '不予受理']);

  await page.getByRole('button', {name: '受理分办'}).click();
  const form = stepForm(page, '受理分办');
  const similar = form.getByRole('region', {name: '相似诉求'});
  await similar.getByText(data.twin.code, {exact: false}).waitFor();
  assert.match(await similar.textContent(), /相似度 \d+%/);
  await form.getByLabel('类别').selectOption({label: '城建'});
  await form.getByLabel('紧急程度').selectOption({label: '紧急'});
  await form.getByLabel('分级办理').selectOption({label: '县级'});
  await form.getByLabel('按姓名查找代表').fill(data.deputyName);
  await form.getByRole('button', {name: '查找'}).click();
  await form.getByText(/找到 \d+ 位代表/).waitFor();
  await form.getByLabel('负责代表').selectOption({label: data.deputyName});
  await form.getByLabel('负责工作人员').selectOption({label: `我（${data.staff.user.display_name}）`});
  await form.getByRole('button', {name: '提交'}).click();

  await notice(page).getByText('已受理分办，当前状态：已受理。').waitFor();
  assert.equal(await detailFact(page, '紧急程度'), '紧急');
  assert.equal(await detailFact(page, '负责代表'), data.deputyName);
  assert.deepEqual(await stepButtons(page), ['当场解决', '转交单位', '转为代表建议', '留作参考', '合并', '不予受理']);
  const saved = await staffView(data.lamp.id);
  assert.equal(saved.state, 'triaged');
  assert.equal(saved.urgency, 'urgent');
  assert.equal(saved.tier, 'county');
  assert.equal(saved.owner_user_id, data.staff.user.id);
  assertNoProblems(page);
  await page.close();
});

test('clerk_refers_it_to_the_unit_with_five_working_days', {timeout: 60000}, async () => {
  const page = await staffPage();
  await openOpinion(page, data.lamp.code);
  await page.getByRole('button', {name: '转交单位'}).click();
  const form = stepForm(page, '转交单位');
  await form.getByLabel('承办单位').selectOption({label: data.unitName});
  await form.getByLabel('办理期限（工作日）').fill('5');
  await form.getByLabel('交办意见').fill(REFER_NOTE);
  await form.getByRole('button', {name: '提交'}).click();

  await notice(page).getByText('已转交单位，当前状态：办理中。').waitFor();
  const referral = page.locator('.referral').filter({hasText: data.unitName});
  assert.match(await referral.textContent(), /已交办/);
  assert.match(await referral.textContent(), /办理期限：\d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）/);
  const saved = await staffView(data.lamp.id);
  assert.equal(saved.referrals.length, 1);
  assert.equal(saved.referrals[0].unit_id, data.unit.user.unit_id);
  assertNoProblems(page);
  await page.close();
});

test('clerk_merges_the_twin_into_it_picking_from_the_similar_list', {timeout: 60000}, async () => {
  const page = await staffPage();
  await openOpinion(page, data.twin.code);
  await page.getByRole('button', {name: '合并'}).click();
  const form = stepForm(page, '合并');
  await form.getByRole('radio', {name: new RegExp(data.lamp.code)}).check();
  await form.getByLabel('说明').fill('与人民路东段路灯一件重复');
  await form.getByRole('button', {name: '提交'}).click();
  await notice(page).getByText('已合并，当前状态：已合并。').waitFor();
  await page.getByText(`已并入编号 ${data.lamp.id} 的意见建议。`).waitFor();
  assert.equal((await staffView(data.twin.id)).master_id, data.lamp.id);

  // back in the open list, the twin is gone
  await page.getByRole('button', {name: '返回列表'}).click();
  await row(page, data.lamp.code).waitFor();
  await until('the twin gone from the open list', async () => await row(page, data.twin.code).count() === 0);
  assertNoProblems(page);
  await page.close();
});

test('unit_sees_the_referral_accepts_it_and_asks_for_three_more_days', {timeout: 60000}, async () => {
  const page = await unitBrowser.openPage(PHONE);
  await signIn(page, 'unit');
  const box = page.getByRole('region', {name: '交办件'});
  const card = box.locator('li.unit-card').filter({hasText: data.lamp.code});
  await card.waitFor();
  assert.equal(await page.getByRole('region', {name: '意见建议'}).count(), 0, 'a unit has no opinions inbox');
  assert.match(await card.textContent(), new RegExp(LAMP));
  assert.match(await card.textContent(), new RegExp(PLACE));
  assert.match(await card.textContent(), /办理期限（北京时间）\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);

  await card.getByRole('button', {name: '签收'}).click();
  await card.getByText('已签收。').waitFor();
  assert.match(await card.locator('.badges').textContent(), /已签收/);
  assert.equal(await card.getByRole('button', {name: '签收'}).count(), 0, 'accepted once');

  await card.getByRole('button', {name: '申请延期'}).click();
  const form = card.getByRole('form', {name: '申请延期'});
  await form.getByLabel('延期天数（工作日）').fill('3');
  await form.getByLabel('延期理由').fill(EXTENSION_REASON);
  await form.getByRole('button', {name: '提交'}).click();
  await card.getByText('已申请延期，等待联络站答复。').waitFor();
  assert.match(await card.locator('.badges').textContent(), /延期待批/);
  assertNoProblems(page);
  await page.close();
});

test('clerk_grants_the_extension_and_the_due_date_moves', {timeout: 60000}, async () => {
  const before = (await staffView(data.lamp.id)).referrals[0];
  assert.equal(before.extension_pending, true);
  const page = await staffPage();
  await openOpinion(page, data.lamp.code);
  const referral = page.locator('.referral').filter({hasText: data.unitName});
  await referral.getByText(`申请延期 3 个工作日，理由：${EXTENSION_REASON}`).waitFor();
  await referral.getByRole('button', {name: '同意延期'}).click();
  await notice(page).getByText('已同意延期，办理期限已顺延。').waitFor();
  assert.equal(await page.getByRole('button', {name: '同意延期'}).count(), 0);
  const after = (await staffView(data.lamp.id)).referrals[0];
  assert.equal(after.extension_pending, false);
  assert.ok(after.due > before.due, 'the deadline moved later');
  assertNoProblems(page);
  await page.close();
});

test('unit_replies_and_the_clerk_answers_with_the_reply_to_start_from', {timeout: 60000}, async () => {
  const unitPage = await unitBrowser.openPage(PHONE);
  await signIn(unitPage, 'unit');
  const card = unitPage.locator('li.unit-card').filter({hasText: data.lamp.code});
  await card.getByRole('button', {name: '答复'}).click();
  const form = card.getByRole('form', {name: '答复'});
  await form.getByLabel('答复内容').fill(UNIT_REPLY);
  await form.getByRole('button', {name: '提交'}).click();
  await card.getByText('已答复。').waitFor();
  assert.match(await card.textContent(), new RegExp(UNIT_REPLY));
  assert.equal(await card.locator('button[data-step]').count(), 0, 'nothing more to do');
  assertNoProblems(unitPage);
  await unitPage.close();

  const page = await staffPage();
  await openOpinion(page, data.lamp.code);
  await page.locator('.referral').getByText(UNIT_REPLY).waitFor();
  await page.getByRole('button', {name: '答复', exact: true}).click();
  const answer = stepForm(page, '答复');
  assert.equal(await answer.getByLabel('答复内容').inputValue(), UNIT_REPLY, 'the unit\'s reply to start from');
  await answer.getByLabel('答复内容').fill(ANSWER_1);
  await answer.getByRole('button', {name: '提交'}).click();
  await notice(page).getByText('已答复，当前状态：已答复。').waitFor();
  assert.deepEqual(await stepButtons(page), ['代为评价']);
  assertNoProblems(page);
  await page.close();
});

test('unsatisfied_rating_brings_it_back_in_progress_and_a_second_answer_is_rated_satisfied', {timeout: 60000}, async () => {
  const rated = await server.call(null, 'POST', `/api/v1/track/${data.lamp.code}/rating`,
    {phone4: PHONE4, rating: 'unsatisfied', comment: '路灯还是不亮'});
  assert.equal(rated.status, 200, JSON.stringify(rated.body));

  const page = await staffPage();
  await filterInbox(page);
  assert.match(await row(page, data.lamp.code).textContent(), /办理中/, 'back among the open ones');
  await openOpinion(page, data.lamp.code);
  assert.equal(await detailFact(page, '重办'), '已重办 1 次');
  assert.match(await detailFact(page, '群众评价'), /不满意/);
  await page.getByRole('button', {name: '答复', exact: true}).click();
  const answer = stepForm(page, '答复');
  await answer.getByLabel('答复内容').fill(ANSWER_2);
  await answer.getByRole('button', {name: '提交'}).click();
  await notice(page).getByText('已答复，当前状态：已答复。').waitFor();

  const again = await server.call(null, 'POST', `/api/v1/track/${data.lamp.code}/rating`, {phone4: PHONE4, rating: 'satisfied'});
  assert.equal(again.status, 200);
  assert.equal(again.body.state, 'closed');
  await page.getByRole('button', {name: '返回列表'}).click();
  await filterInbox(page, {state: '已办结'});
  await openOpinion(page, data.lamp.code);
  assert.match(await page.locator('#inbox-d-badges').textContent(), /已办结/);
  assert.deepEqual(await page.locator('.timeline-what').allTextContents(), [
    '登记', '受理分办', '转交单位办理', '承办单位签收', '承办单位申请延期', '同意延期', '承办单位答复',
    '答复群众', '评价：不满意', '答复群众', '评价：满意'
  ]);
  const timeline = await page.locator('.op-timeline').textContent();
  for (const words of [REFER_NOTE, EXTENSION_REASON, UNIT_REPLY, ANSWER_1, '路灯还是不亮', ANSWER_2])
    assert.ok(timeline.includes(words), `the timeline holds “${words}”`);
  assert.ok(timeline.includes('群众'), 'the constituent\'s steps are theirs');
  assert.ok(timeline.includes(data.unit.user.display_name), 'the unit\'s steps name its account');
  assert.match(timeline, /已答复 → 办理中/, 'the reopening shows');
  assert.deepEqual(await stepButtons(page), [], 'nothing to do once closed');
  await page.getByText('此件当前无需办理。').waitFor();
  assertNoProblems(page);
  await page.close();
});

test('the_stations_figures_and_its_feedback_book_show_the_closed_loop', {timeout: 60000}, async () => {
  const page = await staffPage();
  const reports = page.getByRole('region', {name: '统计与台账'});
  await reports.getByLabel('联络站').waitFor();
  const stats = (await server.call(data.staff, 'GET', `/api/v1/stats?station=${data.station}&from=${new Date().getFullYear()}-01-01`)).body;
  await until('the figures shown', async () => /\d/.test(await reports.locator('.reports-figures').textContent().catch(() => '')));
  const figure = async (label) => (await reports.locator('.reports-figures div').filter({hasText: label}).locator('dd').textContent()).trim();
  assert.equal(await figure('收集意见'), String(stats.totals.collected));
  assert.equal(await figure('已反馈'), String(stats.totals.answered));
  assert.ok(stats.totals.rated >= 1 && stats.totals.collected >= 2, 'the loop\'s opinions are counted');
  const urban = stats.by_category.find((c) => c.code === 'urban');
  assert.match(await reports.locator('.reports-bars').textContent(), new RegExp(`城建\\s*${urban.collected}`));

  await reports.getByRole('link', {name: '反馈群众意见和诉求情况记录簿'}).click();
  await page.getByRole('heading', {level: 1, name: '反馈群众意见和诉求情况记录簿'}).waitFor();
  const entry = page.locator('#book-table tbody tr').filter({hasText: data.lamp.code});
  await entry.waitFor();
  const text = await entry.textContent();
  assert.ok(text.includes(ANSWER_2), 'the last answer is in the book');
  assert.ok(text.includes('满意'), 'with its rating');
  assertNoProblems(page);
  await page.close();
});

/* ---- around the loop ------------------------------------------------------------------------------ */

test('contact_details_show_a_tel_link_and_the_view_is_in_the_audit_log', {timeout: 45000}, async () => {
  const page = await staffPage();
  await filterInbox(page, {state: '全部'});
  await openOpinion(page, data.lamp.code);
  assert.equal(await page.getByText(PHONE_NUMBER).count(), 0, 'not shown before it is asked for');
  await page.getByRole('button', {name: '查看联系方式'}).click();
  const link = page.getByRole('link', {name: PHONE_NUMBER});
  await link.waitFor();
  assert.equal(await link.getAttribute('href'), `tel:${PHONE_NUMBER}`);
  await page.locator('#inbox-contact').getByText('王大爷').waitFor();
  await page.getByText('本次查看已记入审计日志。').waitFor();

  const admin = await server.signIn({username: 'admin', password: PASSWORD});
  await until('personal.read in the audit log', async () => {
    const res = await server.call(admin, 'GET', `/api/v1/audit?since=${data.t0}&limit=1000`);
    return res.body.entries.some((e) => e.action === 'personal.read' && e.entity_id === String(data.lamp.id) &&
      e.actor === 'staff');
  });
  assertNoProblems(page);
  await page.close();
});

test('a_step_on_an_item_someone_else_just_moved_is_refused_and_the_item_is_shown_as_it_is_now', {timeout: 45000}, async () => {
  const item = await constituentSends('幸福路菜市场门口占道经营，早高峰堵车严重');
  const page = await staffPage(PHONE, [`409 /api/v1/opinions/${item.id}/triage`]);
  await filterInbox(page);
  await openOpinion(page, item.code);
  await page.getByRole('button', {name: '受理分办'}).click();
  const form = stepForm(page, '受理分办');
  await form.getByLabel('紧急程度').selectOption({label: '紧急'});

  // another clerk triages it first
  const other = await server.call(data.staff, 'POST', `/api/v1/opinions/${item.id}/triage`, {category: 'traffic'});
  assert.equal(other.status, 200);
  await form.getByRole('button', {name: '提交'}).click();

  await page.locator('#inbox-d-error').getByText('这件意见建议刚被其他人办理过，现在的状态是“已受理”。', {exact: false}).waitFor();
  assert.match(await page.locator('#inbox-d-badges').textContent(), /已受理/);
  assert.equal(await detailFact(page, '类别'), '交通', 'read again: the other clerk\'s category');
  assert.equal(await stepForm(page, '受理分办').count(), 0, 'the stale form is gone');
  assert.ok((await stepButtons(page)).includes('转交单位'), 'the steps of the state it is in now');
  assertNoProblems(page);
  await page.close();
});

test('clerk_registers_a_phone_call_and_finds_it_in_the_inbox', {timeout: 45000}, async () => {
  const page = await staffPage();
  const section = page.getByRole('region', {name: '登记来访/来电/来信'});
  await section.getByRole('button', {name: '登记新的意见建议'}).click();
  const form = section.locator('#intake-form');
  await form.getByLabel('渠道').selectOption({label: '来电'});
  assert.notEqual(await form.getByLabel('联络站').inputValue(), '', 'the clerk\'s own station is chosen');
  await form.getByLabel('群众姓名').fill('李阿姨');
  await form.getByLabel('联系电话').fill('0513-84123456');
  await form.getByLabel('类别').selectOption({label: '交通'});
  await form.getByLabel('反映的内容').fill('青园路公交站台顶棚破损，下雨天无法避雨');
  await form.getByRole('button', {name: '登记', exact: true}).click();

  const done = section.locator('#intake-done');
  await done.getByText(/已登记，查询码：[A-Z0-9]{8}/).waitFor();
  const code = /查询码：([A-Z0-9]{8})/.exec(await done.textContent())[1];
  const listed = row(page, code);
  await listed.waitFor();
  assert.match(await listed.textContent(), /交通 · 来电/);
  const id = (await server.call(data.staff, 'GET', '/api/v1/opinions?channel=phone')).body.items
    .find((o) => o.tracking_code === code).id;
  const saved = await staffView(id);
  assert.equal(saved.station_id, data.station);
  assert.equal(saved.has_phone, true);
  assert.equal(await form.getByLabel('反映的内容').inputValue(), '', 'the form is emptied for the next caller');
  assertNoProblems(page);
  await page.close();
});

test('overdue_filter_shows_an_item_whose_deadline_has_passed_with_a_text_badge', {timeout: 45000}, async () => {
  const late = await constituentSends('东风路窨井盖缺失，夜间有安全隐患');
  // The API cannot age an opinion: its triage deadline is moved an hour into the past in the database.
  execFileSync('sqlite3', ['-cmd', '.timeout 5000', server.db,
    `UPDATE opinions SET triage_due = CAST(strftime('%s','now') AS INTEGER) - 3600 WHERE id = ${late.id}`]);
  const page = await staffPage();
  await filterInbox(page, {flag: '超期'});
  const listed = row(page, late.code);
  await listed.waitFor();
  assert.match(await listed.locator('.badge.flag-overdue').textContent(), /超期/);
  assert.equal(await row(page, data.lamp.code).count(), 0, 'the one on time is not listed');
  // the demo's own late items are listed too: every row says 超期 in words
  const rows = page.locator('#inbox-list li');
  const badges = page.locator('#inbox-list li .badge.flag-overdue');
  assert.equal(await badges.count(), await rows.count(), 'each row listed is overdue');
  assert.deepEqual([...new Set(await badges.allTextContents())], ['超期']);
  await openOpinion(page, late.code);
  assert.match(await page.locator('#inbox-d-badges').textContent(), /超期/);
  assertNoProblems(page);
  await page.close();
});

test('deputy_reads_a_message_sent_to_them_but_gets_no_triage_and_no_contact_details', {timeout: 45000}, async () => {
  const deputy = await server.signIn({username: 'deputy', password: PASSWORD});
  const own = (await server.call(null, 'GET', `/api/v1/deputies/${deputy.user.deputy_id}`)).body;
  const res = await server.call(null, 'POST', '/api/v1/opinions', {deputy_id: own.id, category: 'education',
    content: '希望学校门口增设护学岗', region: own.region, phone: '13600002222'});
  assert.equal(res.status, 201);
  const page = await staffBrowser.openPage(PHONE);
  await signIn(page, 'deputy');
  await row(page, res.body.tracking_code).waitFor();
  assert.equal(await page.getByRole('region', {name: '登记来访/来电/来信'}).isVisible(), false);
  await openOpinion(page, res.body.tracking_code);
  assert.equal(await detailFact(page, '代表'), own.name);
  assert.deepEqual(await stepButtons(page), []);
  await page.getByText('此件当前无需办理。').waitFor();
  assert.equal(await page.getByRole('button', {name: '查看联系方式'}).count(), 0);
  assertNoProblems(page);
  await page.close();
});

test('inbox_shows_twenty_at_a_time_and_more_on_request_counting_what_is_shown', {timeout: 45000}, async () => {
  const all = async () => (await server.call(data.staff, 'GET', '/api/v1/opinions?limit=100')).body.items.length;
  for (let n = await all(); n <= 20; n++)
    await constituentSends(`第 ${n + 1} 件：公园健身器材需要维修`);
  const total = await all();
  const page = await staffPage();
  await filterInbox(page, {state: '全部'});
  assert.equal(await page.locator('#inbox-list li').count(), 20);
  assert.equal((await page.locator('#inbox-count').textContent()).trim(), '已显示 20 件，还有更多。');
  await page.getByRole('button', {name: '显示更多'}).click();
  await until('the next page', async () => (await page.locator('#inbox-list li').count()) > 20);
  const shown = Math.min(total, 40);
  assert.equal(await page.locator('#inbox-list li').count(), shown);
  await page.locator('#inbox-count').getByText(total >= 40 ? '已显示 40 件，还有更多。' : `共显示 ${total} 件。`).waitFor();
  const codes = await page.locator('#inbox-list .inbox-code').allTextContents();
  assert.equal(new Set(codes).size, codes.length, 'no row twice');
  assertNoProblems(page);
  await page.close();
});

test('inbox_detail_and_unit_referrals_fit_a_360px_screen_in_both_languages', {timeout: 60000}, async () => {
  const page = await staffPage(NARROW);
  const wide = async (what) => assert.ok(await scrollWidth(page) <= 360, `${what} is ${await scrollWidth(page)} px wide`);
  await wide('the inbox');
  await filterInbox(page, {state: '全部'});
  await openOpinion(page, data.lamp.code);
  await wide('the detail with its timeline');
  await page.screenshot({path: '/tmp/inbox-detail.png', fullPage: true});
  await page.getByRole('button', {name: 'English'}).click();
  await page.getByRole('heading', {name: `Opinion ${data.lamp.code}`}).waitFor();
  await page.locator('.timeline-what').getByText('Referred to a unit').waitFor();
  await wide('the detail in English');
  await page.getByRole('button', {name: '中文'}).click();

  // a triage form with its similar list, on a message still waiting for it
  await page.getByRole('button', {name: '返回列表'}).click();
  await filterInbox(page, {state: '待受理'});
  const first = page.locator('#inbox-list li button').first();
  await first.click();
  await page.getByRole('button', {name: '受理分办'}).click();
  await stepForm(page, '受理分办').getByRole('region', {name: '相似诉求'}).waitFor();
  await wide('the triage form');
  assertNoProblems(page);
  await page.close();

  const unitPage = await unitBrowser.openPage(NARROW);
  await signIn(unitPage, 'unit');
  const filter = unitPage.getByRole('search', {name: '筛选交办件'});
  await filter.getByLabel('状态').selectOption({label: '全部'});
  await filter.getByRole('button', {name: '筛选'}).click();
  await unitPage.locator('li.unit-card').filter({hasText: data.lamp.code}).waitFor();
  assert.ok(await scrollWidth(unitPage) <= 360, `the unit's referrals are ${await scrollWidth(unitPage)} px wide`);
  await unitPage.screenshot({path: '/tmp/unit-inbox.png', fullPage: true});
  assertNoProblems(unitPage);
  await unitPage.close();
});
