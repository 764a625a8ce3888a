// A deputy's suggestion through 提→审→交→办→评 in the browser, each role in its own signed-in page
// (web/js/suggestions*.js): the demo deputy writes it with a co-signer of the same congress, an
// attachment and consent to publish, saves it as a draft and submits it; the co-signer (an account
// made here) confirms in its invitations; the office (admin) accepts it (第0001号) and assigns it
// to the demo unit as lead with a second unit as co-unit (an account made here), as a key
// suggestion supervised by the demo member; the co-unit sends its opinion; the lead unit reads
// it, starts, logs a contact, is told the date a B reply needs, and replies A; the deputy rates it
// 不满意, the unit replies again, the deputy rates it 满意 and then the result; the member's
// supervision view lists it first among the key suggestions they supervise and shows the unit's
// row in the league table; the public page shows the reply at 360 px; the office's 交办单 lists it
// with its .xlsx. Also: a unit contests an assignment and the office reassigns it.
//
// A real `liaison serve` with a fresh demo database (tests/e2e/lib/server.mjs).
// Env (set by ctest): LIAISON_BIN (the binary), LIAISON_WEB_DIR (web/).
// Screenshots for a human to judge at 360 px: /tmp/suggestion-editor.png, /tmp/suggestion-reply.png,
// /tmp/suggestion-league.png and /tmp/suggestion-replies.png.

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {startServer, launchBrowser, until, assertNoProblems, scrollWidth, NARROW} from './lib/server.mjs';

const PASSWORD = 'liaison-demo';
const TITLE = '关于在掘港街道增设公交站点的建议';
const CONTENT = '掘港街道青园北路一带居民较多，最近的公交站步行需要二十分钟，建议增设站点并调整线路。';
const CO_OPINION = '我局可配合调整线路，站台建设请住建局牵头。';
const CONTACT = '办前电话联系代表，了解站点位置的具体意见。';
const REPLY_1 = '已在青园北路设置临时站点。';
const REPLY_2 = '青园北路公交站已建成投用，9 路公交车调整线路经停。';
const UNSATISFIED = '临时站点没有候车亭，群众仍不方便。';
const SIGNER = '王局长';
// A 1x1 PNG, the attachment.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

let server;
let base;
let browser;

const data = {
  admin: null, deputy: null, unit: null, member: null,  // API sessions {cookie, csrf, user}
  county: null,
  congress: null,        // {id, name}: the demo deputy's seat used
  cosigner: null,        // {id, name}: a deputy of the same congress, with an account "cosigner"
  coUnit: null,          // {id, name}: the co-unit, with an account "co-unit"
  unitName: null,
  memberName: null,
  deputyName: null,
  id: null               // the suggestion carried through
};

function view(session, id = data.id) {
  return server.call(session, 'GET', `/api/v1/suggestions/${id}`);
}

async function must(res, status, what) {
  assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body)}`);
  return res.body;
}

before(async () => {
  server = await startServer({args: ['--rate-limits=off']});
  base = server.base;
  data.admin = await server.signIn({username: 'admin', password: PASSWORD});
  data.deputy = await server.signIn({username: 'deputy', password: PASSWORD});
  data.unit = await server.signIn({username: 'unit', password: PASSWORD});
  data.member = await server.signIn({username: 'member', password: PASSWORD});
  data.county = data.admin.user.region;
  data.memberName = data.member.user.display_name;
  data.unitName = (await server.call(null, 'GET', `/api/v1/units/${data.unit.user.unit_id}`)).body.name;

  const me = await must(await server.call(null, 'GET', `/api/v1/deputies/${data.deputy.user.deputy_id}`), 200, 'the deputy');
  const seat = me.seats.find((s) => s.level === 4) || me.seats[0];
  assert.ok(seat, 'the demo deputy sits in a congress');
  data.congress = {id: seat.congress_id, name: seat.congress};
  data.deputyName = me.name;
  const listed = await server.call(null, 'GET', `/api/v1/deputies?region=${data.county}&limit=100`);
  for (const d of listed.body.items) {
    if (d.id === me.id)
      continue;
    const full = (await server.call(null, 'GET', `/api/v1/deputies/${d.id}`)).body;
    if (full.seats.some((s) => s.congress_id === data.congress.id)) {
      data.cosigner = {id: d.id, name: d.name};
      break;
    }
  }
  assert.ok(data.cosigner, 'another deputy of the same congress');
  await must(await server.call(data.admin, 'POST', '/api/v1/users', {username: 'cosigner', display_name: data.cosigner.name,
    password: PASSWORD, role: 'deputy', region: data.county, deputy_id: data.cosigner.id}), 201, 'the co-signer account');

  const units = await server.call(null, 'GET', `/api/v1/units?region=${data.county}&limit=100`);
  const other = units.body.items.find((u) => u.id !== data.unit.user.unit_id);
  data.coUnit = {id: other.id, name: other.name};
  await must(await server.call(data.admin, 'POST', '/api/v1/users', {username: 'co-unit', display_name: '协办单位联络员',
    password: PASSWORD, role: 'unit', region: data.county, unit_id: other.id}), 201, 'the co-unit account');
  browser = await launchBrowser(server);
});

after(async () => {
  if (browser)
    await browser.close();
  if (server) {
    const end = await server.close();
    assert.deepEqual(end, {code: 0, signal: null}, `the server ended badly\n${server.log()}`);
  }
});

/* ---- what a user does in the page --------------------------------------------------------------- */

// The workspace signed in as username, its suggestions listed (prefix: sgd deputy, sgo office,
// sgu unit, sgm member).
async function workspace(username, prefix, viewport, expectedFailures) {
  const page = await browser.openPage(viewport, expectedFailures);
  await page.goto(`${base}/staff/`);
  const form = page.locator('#login-form');
  await form.getByLabel('用户名').fill(username);
  await form.getByLabel('密码', {exact: true}).fill(PASSWORD);
  await form.getByRole('button', {name: '登录'}).click();
  await page.locator('#workspace').waitFor();
  await until('the suggestions listed', async () => {
    const count = await page.locator(`#${prefix}-count`).textContent();
    return count && !/正在加载/.test(count);
  });
  return page;
}

async function tab(page, name) {
  const listed = page.waitForResponse((res) => new URL(res.url()).pathname === '/api/v1/suggestions');
  await page.getByRole('tablist', {name: '按状态查看'}).getByRole('tab', {name, exact: true}).click();
  await listed;
}

async function open(page, prefix, title = TITLE) {
  await page.locator(`#${prefix}-list li`).filter({hasText: title}).getByRole('button').click();
  await page.locator(`#${prefix}-heading`).waitFor();
  assert.match(await page.locator(`#${prefix}-heading`).textContent(), new RegExp(title));
}

async function stepButtons(page) {
  const group = page.getByRole('group', {name: '办理操作'});
  return (await group.count()) ? group.getByRole('button').allTextContents() : [];
}

async function step(page, name) {
  await page.getByRole('group', {name: '办理操作'}).getByRole('button', {name, exact: true}).click();
}

function stepForm(page, name) {
  return page.getByRole('form', {name});
}

async function fact(page, prefix, label) {
  const item = page.locator(`#${prefix}-detail dl.details > div`).filter({has: page.locator('dt', {hasText: new RegExp(`^${label}$`)})});
  return (await item.locator('dd').textContent()).trim();
}

async function said(page, prefix, text) {
  await page.locator(`#${prefix}-notice`).getByText(text).waitFor();
}

async function rate(page, stepName, rating, comment, consent) {
  await step(page, stepName);
  const form = stepForm(page, stepName);
  await form.getByRole('radio', {name: rating, exact: true}).check();
  if (comment)
    await form.getByLabel('意见').fill(comment);
  if (consent)
    await form.getByLabel('同意公开答复').check();
  await form.getByRole('button', {name: '提交'}).click();
}

/* ---- 提 ----------------------------------------------------------------------------------------- */

test('deputy_writes_a_suggestion_with_a_cosigner_and_an_attachment_saves_the_draft_and_submits_it', {timeout: 90000}, async () => {
  const page = await workspace('deputy', 'sgd', NARROW);
  await page.getByRole('button', {name: '写建议'}).click();
  const form = page.getByRole('form', {name: '新建议'});
  await form.getByLabel('标题').fill(TITLE);
  await form.getByLabel('建议内容').fill(CONTENT);
  await form.getByLabel('人民代表大会').selectOption({label: data.congress.name});
  await form.getByRole('radio', {name: '大会期间'}).check();
  await form.getByLabel('查找代表').fill(data.cosigner.name);
  await form.getByRole('button', {name: '查找', exact: true}).click();
  await form.getByRole('button', {name: `添加 ${data.cosigner.name}`}).click();
  await form.getByText('已选 1 位附议代表。').waitFor();
  await form.getByLabel('附件').setInputFiles({name: 'site.png', mimeType: 'image/png', buffer: PNG});
  await form.getByLabel('同意公开答复').check();
  assert.ok(await scrollWidth(page) <= NARROW.width, 'the editor fits 360 px');
  await page.screenshot({path: '/tmp/suggestion-editor.png', fullPage: true});
  await form.getByRole('button', {name: '保存草稿'}).click();

  await said(page, 'sgd', '草稿已保存。');
  assert.equal(await fact(page, 'sgd', '领衔代表'), data.deputyName);
  assert.match(await fact(page, 'sgd', '附议代表'), new RegExp(`${data.cosigner.name}（待确认）`));
  assert.match(await fact(page, 'sgd', '附件'), /site\.png/);
  assert.match(await fact(page, 'sgd', '人民代表大会'), new RegExp(`${data.congress.name} · 大会期间`));
  assert.deepEqual(await stepButtons(page), ['修改', '提交']);
  const draft = await must(await view(data.deputy, (await server.call(data.deputy, 'GET', '/api/v1/suggestions?state=draft')).body.items[0].id), 200, 'the draft');
  data.id = draft.id;
  assert.equal(draft.state, 'draft');
  assert.equal(draft.session, 'session');
  assert.equal(draft.attachments.length, 1);
  assert.equal(draft.consent_deputy, true);
  assert.equal((await view(data.admin)).status, 404, 'a draft is private to its deputy');

  await step(page, '提交');
  await said(page, 'sgd', '建议已提交，等待代表工委审查。');
  assert.match(await page.locator('#sgd-detail .badges').first().textContent(), /已提交/);
  assert.equal((await view(data.deputy)).body.state, 'submitted');
  assertNoProblems(page);
  await page.close();
});

test('cosigner_confirms_the_invitation_in_the_workspace', {timeout: 60000}, async () => {
  const cosigner = await server.signIn({username: 'cosigner', password: PASSWORD});
  const invited = await view(cosigner);
  assert.equal(invited.status, 200, `an invited co-signer reads the suggestion (contract: GET /api/v1/suggestions/:id, whoever may read it): ${JSON.stringify(invited.body)}`);
  const page = await workspace('cosigner', 'sgd');
  const invite = page.locator('#sgd-invites li').filter({hasText: TITLE});
  await invite.getByRole('button', {name: '同意附议'}).click();
  await page.locator('#sgd-invites-status').getByText('您已同意附议。').waitFor();
  await until('the invitation gone', async () => await page.locator('#sgd-invites li').count() === 0);
  const s = (await view(data.deputy)).body;
  assert.deepEqual(s.cosigners.map((c) => [c.deputy_id, c.state]), [[data.cosigner.id, 'confirmed']]);
  // the co-signer lists it, marked as co-signed
  assert.match(await page.locator('#sgd-list li').filter({hasText: TITLE}).textContent(), /附议/);
  assertNoProblems(page);
  await page.close();
});

/* ---- 审 and 交 ------------------------------------------------------------------------------------ */

test('office_accepts_it_with_a_number_and_assigns_a_lead_unit_and_a_co_unit_as_a_key_suggestion', {timeout: 60000}, async () => {
  const page = await workspace('admin', 'sgo');
  await open(page, 'sgo');
  assert.deepEqual(await stepButtons(page), ['立案', '退回修改', '转为来信']);
  await step(page, '立案');
  await said(page, 'sgo', /已立案，编号第\d{4}号。/);
  const accepted = (await view(data.admin)).body;
  assert.equal(accepted.state, 'accepted');
  assert.match(accepted.number_text, /^第\d{4}号$/);
  assert.match(await page.locator('#sgo-heading').textContent(), new RegExp(accepted.number_text));

  await step(page, '交办');
  const form = stepForm(page, '交办');
  await form.getByLabel('主办单位').selectOption({label: data.unitName});
  await form.getByRole('checkbox', {name: data.coUnit.name, exact: true}).check();
  await form.getByLabel('列为重点督办建议').check();
  await form.getByRole('button', {name: '提交'}).click();
  // a key suggestion without its supervising member is refused at that field
  await form.getByText('领衔督办：此项为必填项').waitFor();
  assert.equal(await form.getByLabel('领衔督办').getAttribute('aria-invalid'), 'true');
  await form.getByLabel('领衔督办').selectOption({label: data.memberName});
  await form.getByRole('button', {name: '提交'}).click();
  await said(page, 'sgo', '已交办。');

  const s = (await view(data.admin)).body;
  assert.equal(s.state, 'assigned');
  assert.equal(s.key, true);
  assert.deepEqual(s.supervisor, {id: data.member.user.id, display_name: data.memberName},
    `the view names the supervising member as supervisor:{id, display_name} (contract); got ${JSON.stringify({supervisor: s.supervisor, supervisor_user_id: s.supervisor_user_id})}`);
  assert.deepEqual(s.units.map((u) => [u.unit_id, u.role]).sort(), [[data.unit.user.unit_id, 'lead'], [data.coUnit.id, 'co']].sort());
  assert.ok(s.due > Date.now() / 1000, 'a deadline in the future');
  assert.match(await fact(page, 'sgo', '领衔督办'), new RegExp(data.memberName));
  assertNoProblems(page);
  await page.close();
});

/* ---- 办 --------------------------------------------------------------------------------------------- */

test('co_unit_sends_its_opinion_to_the_lead_unit', {timeout: 60000}, async () => {
  const page = await workspace('co-unit', 'sgu');
  await open(page, 'sgu');
  assert.ok(!(await stepButtons(page)).includes('开始办理'), 'only the lead unit starts');
  await step(page, '向主办单位提出协办意见');
  const form = stepForm(page, '向主办单位提出协办意见');
  await form.getByLabel('协办意见').fill(CO_OPINION);
  await form.getByRole('button', {name: '提交'}).click();
  await said(page, 'sgu', '协办意见已送主办单位。');
  const co = (await view(data.admin)).body.units.find((u) => u.unit_id === data.coUnit.id);
  assert.equal(co.opinion, CO_OPINION);
  assertNoProblems(page);
  await page.close();
});

test('lead_unit_reads_the_co_opinion_starts_logs_a_contact_and_replies_with_a_signed_category_a', {timeout: 90000}, async () => {
  const page = await workspace('unit', 'sgu', NARROW);
  await open(page, 'sgu');
  await page.locator('#sgu-detail .sg-units').getByText(CO_OPINION).waitFor();
  await step(page, '开始办理');
  await said(page, 'sgu', '已开始办理。');
  assert.equal((await view(data.unit)).body.state, 'handling');

  await step(page, '记录沟通');
  let form = stepForm(page, '记录沟通');
  await form.getByRole('radio', {name: '办前沟通'}).check();
  await form.getByLabel('沟通方式').selectOption({label: '电话'});
  await form.getByLabel('沟通情况').fill(CONTACT);
  await form.getByRole('button', {name: '提交'}).click();
  await said(page, 'sgu', '沟通记录已保存。');
  await page.locator('#sgu-detail .sg-contacts').getByText(CONTACT).waitFor();

  await step(page, '答复代表');
  form = stepForm(page, '答复代表');
  await form.getByRole('radio', {name: /^B类/}).check();
  await form.getByRole('radio', {name: '解决问题型'}).check();
  await form.getByLabel('答复内容').fill(REPLY_1);
  await form.getByLabel('签发人').fill(SIGNER);
  await form.getByRole('button', {name: '提交'}).click();
  // a B reply without its date: told at the date's field
  await form.getByText('承诺解决日期：此项为必填项').waitFor();
  assert.equal(await form.getByLabel('承诺解决日期').getAttribute('aria-invalid'), 'true');
  assert.ok(await scrollWidth(page) <= NARROW.width, 'the reply form fits 360 px');
  await page.screenshot({path: '/tmp/suggestion-reply.png', fullPage: true});
  await form.getByRole('radio', {name: /^A类/}).check();
  await form.getByLabel('同意公开本答复').check();
  await form.getByRole('button', {name: '提交'}).click();
  await said(page, 'sgu', '已答复代表。');

  const s = (await view(data.unit)).body;
  assert.equal(s.state, 'replied');
  assert.deepEqual([s.reply.category, s.reply.type, s.reply.text, s.reply.signed_by], ['A', 'solve', REPLY_1, SIGNER]);
  assert.equal(s.contacts.length, 1);
  assert.equal(s.contacts[0].stage, 'before');
  assertNoProblems(page);
  await page.close();
});

/* ---- 评 ------------------------------------------------------------------------------------------- */

test('deputy_rates_the_reply_unsatisfied_and_it_goes_back_for_one_more_round', {timeout: 60000}, async () => {
  const page = await workspace('deputy', 'sgd');
  await open(page, 'sgd');
  await page.locator('#sgd-detail .sg-reply').getByText(REPLY_1).waitFor();
  assert.match(await page.locator('#sgd-detail .sg-reply').textContent(), /A类.*解决问题型/s);
  await rate(page, '评价答复', '不满意', UNSATISFIED, false);
  await said(page, 'sgd', '评价已提交。');
  const s = (await view(data.deputy)).body;
  assert.equal(s.state, 'handling');
  assert.equal(s.reopens, 1);
  assert.match(await page.locator('#sgd-detail .badges').first().textContent(), /办理中.*重办/s);
  assertNoProblems(page);
  await page.close();
});

test('lead_unit_replies_again_after_the_unsatisfied_rating', {timeout: 60000}, async () => {
  const page = await workspace('unit', 'sgu');
  await open(page, 'sgu');
  await step(page, '答复代表');
  const form = stepForm(page, '答复代表');
  await form.getByRole('radio', {name: /^A类/}).check();
  await form.getByRole('radio', {name: '解决问题型'}).check();
  await form.getByLabel('答复内容').fill(REPLY_2);
  await form.getByLabel('签发人').fill(SIGNER);
  await form.getByLabel('同意公开本答复').check();
  await form.getByRole('button', {name: '提交'}).click();
  await said(page, 'sgu', '已答复代表。');
  assert.equal((await view(data.unit)).body.reply.text, REPLY_2);
  assertNoProblems(page);
  await page.close();
});

test('deputy_rates_the_second_reply_satisfied_and_then_the_result', {timeout: 60000}, async () => {
  const page = await workspace('deputy', 'sgd');
  await open(page, 'sgd');
  await rate(page, '评价答复', '满意', null, true);
  await said(page, 'sgd', '评价已提交。');
  assert.equal((await view(data.deputy)).body.state, 'evaluated');
  await rate(page, '评价办理结果（结果满意度）', '满意', null, false);
  await said(page, 'sgd', '办理结果评价已提交，建议已办结。');
  const s = (await view(data.deputy)).body;
  assert.equal(s.state, 'closed');
  assert.equal(s.rating, 'satisfied');
  assert.equal(s.result_rating, 'satisfied');
  assert.equal(s.published, true);
  assert.match(await fact(page, 'sgd', '结果满意度'), /满意/);
  assert.deepEqual(await stepButtons(page), []);
  assertNoProblems(page);
  await page.close();
});

/* ---- 督 and the public -------------------------------------------------------------------------------- */

test('member_sees_the_unit_in_the_league_table_with_all_its_rates', {timeout: 60000}, async () => {
  const page = await workspace('member', 'sgm', NARROW);
  const view = page.getByRole('region', {name: '建议督办'});
  // first the key suggestions the member supervises: ours, closed, with its lead unit and deadline
  await view.locator('#sgs-supervised').waitFor();
  assert.equal(await view.locator('h3').first().textContent(), '我督办的重点建议');
  const mine = view.locator(`#sgs-supervised tr[data-id="${data.id}"]`);
  await mine.waitFor();
  const cells = (await mine.locator('td').allTextContents()).map((s) => s.trim());
  assert.match(cells[1], new RegExp(TITLE));
  assert.equal(cells[2], '办结');
  assert.equal(cells[3], data.unitName);
  assert.match(cells[4], /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(cells[5], '已答复');
  await view.getByLabel('人民代表大会').selectOption({label: data.congress.name});
  await view.getByLabel('提出时间').selectOption({label: '大会期间'});
  await view.getByRole('button', {name: '统计'}).click();
  const unitRow = view.locator('.sg-league tbody tr').filter({hasText: data.unitName});
  await unitRow.waitFor();
  // the row says what the league route says (the demo's suggestions count too), our closed A reply among them
  const league = await must(await server.call(data.member, 'GET',
    `/api/v1/suggestions/league?congress=${data.congress.id}&session=session`), 200, 'the league table');
  const u = league.units.find((x) => x.unit_name === data.unitName);
  assert.ok(u && u.completed >= 1 && u.a_count >= 1, `the unit's row counts the journey: ${JSON.stringify(u)}`);
  const rate = (count, r) => `${Math.round(r * 1000) / 10}% (${count})`;
  assert.equal((await unitRow.locator('td').allTextContents()).map((s) => s.trim().replace(/\s+/g, ' ')).join(' | '),
    [u.assigned, rate(u.completed, u.rate_completed), rate(u.a_count, u.rate_a), rate(u.satisfied, u.rate_satisfied),
      rate(u.solve_count, u.rate_solve)].join(' | '));
  assert.equal(await view.locator('#sgs-overdue').textContent(), '没有。');
  await page.screenshot({path: '/tmp/suggestion-league.png', fullPage: true});
  assert.ok(await scrollWidth(page) <= NARROW.width, 'the workspace fits 360 px (the table scrolls in its box)');
  // in English, the board and the table follow
  await page.getByRole('button', {name: 'English'}).click();
  await page.getByRole('tablist', {name: 'By state'}).getByRole('tab', {name: 'All', exact: true}).waitFor();
  await page.getByRole('region', {name: 'Supervision of suggestions'}).getByRole('columnheader', {name: 'Solving replies'}).waitFor();
  assert.match(await page.locator('#sgm-list').textContent(), /Closed/);
  assertNoProblems(page);
  await page.close();
});

test('public_page_shows_the_published_reply_at_360_px', {timeout: 60000}, async () => {
  const page = await browser.openPage(NARROW);
  await page.goto(`${base}/replies.html`);
  const card = page.locator('#replies li').filter({hasText: TITLE});
  await card.waitFor();
  const text = await card.textContent();
  assert.match(text, /第\d{4}号/);
  assert.match(text, new RegExp(REPLY_2));
  assert.match(text, new RegExp(data.unitName));
  assert.match(text, /A类/);
  const published = await must(await server.call(null, 'GET', '/api/v1/suggestions/published?limit=100'), 200,
    'the published replies');
  assert.ok(published.items.some((x) => x.id === data.id), 'ours is published');
  assert.equal(await page.locator('#replies-status').textContent(), `共显示 ${published.items.length} 件。`);
  assert.ok(await scrollWidth(page) <= NARROW.width, 'the page fits 360 px');
  await page.screenshot({path: '/tmp/suggestion-replies.png', fullPage: true});
  await page.getByRole('button', {name: 'English'}).click();
  await card.getByText('A (solved or basically solved)').waitFor();
  assertNoProblems(page);
  await page.close();
});

test('office_prints_the_units_assignment_sheet_of_two_weeks_with_its_xlsx', {timeout: 60000}, async () => {
  const page = await workspace('admin', 'sgo');
  const form = page.getByRole('form', {name: '交办单'});
  await form.getByLabel('承办单位').selectOption({label: data.unitName});
  await form.getByRole('button', {name: '查看交办单'}).click();
  await page.waitForURL(/assignment-sheet\.html/);
  const row = page.locator('#sheet-table tbody tr').filter({hasText: TITLE});
  await row.waitFor();
  assert.match(await row.textContent(), /第\d{4}号.*主办.*重点督办/);
  assert.match(await row.textContent(), /\d{4}-\d{2}-\d{2}.*\d{4}-\d{2}-\d{2}/, 'the day of assignment and the deadline');
  assert.match(await page.locator('#sheet-meta').textContent(), new RegExp(data.unitName));
  assert.equal(await page.locator('#sheet-print').isEnabled(), true);
  const href = await page.locator('#sheet-xlsx').getAttribute('href');
  const xlsx = await page.request.get(`${base}${href}`);
  assert.equal(xlsx.status(), 200);
  assert.match(xlsx.headers()['content-type'], /spreadsheetml/);
  assert.equal((await xlsx.body()).subarray(0, 2).toString(), 'PK', 'an .xlsx is a zip');
  assertNoProblems(page);
  await page.close();
});

/* ---- a contested assignment ----------------------------------------------------------------------- */

test('unit_contests_a_wrong_assignment_and_the_office_reassigns_it', {timeout: 90000}, async () => {
  const title = '关于整治农贸市场周边占道经营的建议';
  const made = await must(await server.call(data.deputy, 'POST', '/api/v1/suggestions', {title, content: '农贸市场周边占道经营严重。',
    congress_id: data.congress.id, session: 'recess'}), 201, 'a second suggestion');
  await must(await server.call(data.deputy, 'POST', `/api/v1/suggestions/${made.id}/submit`, {}), 200, 'submit');
  await must(await server.call(data.admin, 'POST', `/api/v1/suggestions/${made.id}/accept`, {}), 200, 'accept');
  await must(await server.call(data.admin, 'POST', `/api/v1/suggestions/${made.id}/assign`,
    {lead_unit_id: data.unit.user.unit_id}), 200, 'assign');

  const unitPage = await workspace('unit', 'sgu');
  await open(unitPage, 'sgu', title);
  await step(unitPage, '申请调整');
  const form = stepForm(unitPage, '申请调整');
  await form.getByLabel('申请调整理由').fill('占道经营由城管部门负责。');
  await form.getByRole('button', {name: '提交'}).click();
  await said(unitPage, 'sgu', '已申请调整，等待代表工委重新交办。');
  assertNoProblems(unitPage);
  await unitPage.close();

  const page = await workspace('admin', 'sgo');
  await tab(page, '申请调整');
  await open(page, 'sgo', title);
  await page.locator('#sgo-detail .sg-units').getByText('占道经营由城管部门负责。').waitFor();
  await step(page, '重新交办');
  const again = stepForm(page, '重新交办');
  await again.getByLabel('主办单位').selectOption({label: data.coUnit.name});
  await again.getByRole('button', {name: '提交'}).click();
  await said(page, 'sgo', '已重新交办。');
  const s = (await view(data.admin, made.id)).body;
  assert.equal(s.state, 'assigned');
  const live = s.units.filter((u) => u.state !== 'replaced');
  assert.deepEqual(live.map((u) => [u.unit_id, u.role]), [[data.coUnit.id, 'lead']]);
  assertNoProblems(page);
  await page.close();
});
