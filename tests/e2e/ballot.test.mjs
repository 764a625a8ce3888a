// A secret ballot (票决) in the browser (web/ballot.html, web/ballot-result.html, the workspace's
// 票决 section in web/js/ballots_staff.js): the office (admin) creates a ballot of four projects,
// "choose exactly 2", for four chosen deputies of the demo deputy's congress, and opens it; each
// of the four votes on a 360 px phone (the first from the workspace's link, the others signing in
// on the ballot page itself) and gets a receipt; a second vote and a deputy off the list are
// refused in words; the office closes the ballot, sees the count and publishes it; the public
// page shows each project's votes and rank, the chosen two and the turnout, and a receipt checks
// as counted while a made-up one does not.
//
// The deputies' accounts are made by the test on the server's database with the sqlite3 shell: a
// copy of the demo deputy's users row (so the same password) under another username and
// deputy_id - `liaison user add` cannot link an account to a deputy record.
//
// A real `liaison serve` with a fresh demo database (tests/e2e/lib/server.mjs).
// Env (set by ctest): LIAISON_BIN (the binary), LIAISON_WEB_DIR (web/).
// Screenshots for a human to judge at 360 px: /tmp/ballot-vote.png, /tmp/ballot-receipt.png,
// /tmp/ballot-result.png and /tmp/ballot-announcement.png (print media).

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {startServer, launchBrowser, signInPage, until, assertNoProblems, scrollWidth, closeAll, NARROW, journey}
  from './lib/server.mjs';

const PASSWORD = 'liaison-demo';
const WIDE = {width: 1100, height: 900};
const TITLE = '2026年民生实事项目票决';
const PROJECTS = [
  ['老旧小区加装电梯', '为掘港街道 12 个老旧小区加装电梯'],
  ['农村公路提档升级', '改造县乡道 40 公里'],
  ['社区食堂', '新建 8 个社区老年食堂'],
  ['中小学校园安全', '']
];
// What each voter ticks (indexes into PROJECTS): votes 3, 3, 2, 0 -> ranks 1, 1, 3, 4.
const CHOICES = [[0, 1], [0, 2], [0, 1], [1, 2]];
const EXPECTED = [
  {name: PROJECTS[0][0], votes: 3, rank: 1, chosen: true},
  {name: PROJECTS[1][0], votes: 3, rank: 1, chosen: true},
  {name: PROJECTS[2][0], votes: 2, rank: 3, chosen: false},
  {name: PROJECTS[3][0], votes: 0, rank: 4, chosen: false}
];
const RECEIPT = /^[ACDEFGHJKMNPQRTWXY34679]{4}-[ACDEFGHJKMNPQRTWXY34679]{4}-[ACDEFGHJKMNPQRTWXY34679]{4}$/;

let server;
let base;
let browser;
const step = journey(test, 90000);

const data = {
  admin: null,        // API session
  congress: null,     // {id, name}: the demo deputy's congress
  voters: [],         // [{username, id, name}]: the demo deputy and three more of the congress
  outsider: null,     // {username, id, name}: a deputy of the congress left off the list
  ballotId: null,
  receipts: []
};

// An account for deputy d, a copy of the demo deputy's users row (its password too).
function deputyAccount(username, d) {
  const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
  execFileSync('sqlite3', ['-cmd', '.timeout 5000', server.db,
    `INSERT INTO users (username, display_name, password_hash, role, region_code, unit_id, deputy_id, disabled,
       created_at, updated_at, password_changed_at)
     SELECT ${q(username)}, ${q(d.name)}, password_hash, role, region_code, NULL, ${Number(d.id)}, 0,
       created_at, updated_at, password_changed_at FROM users WHERE username = 'deputy';`]);
}

before(async () => {
  server = await startServer({args: ['--rate-limits=off']});
  base = server.base;
  data.admin = await server.signIn({username: 'admin', password: PASSWORD});
  const deputy = await server.signIn({username: 'deputy', password: PASSWORD});
  const me = await server.expect(null, 'GET', `/api/v1/deputies/${deputy.user.deputy_id}`);
  const seat = me.seats.find((s) => s.level === 4) || me.seats[0];
  assert.ok(seat, 'the demo deputy sits in a congress');
  data.congress = {id: seat.congress_id, name: seat.congress};
  data.voters.push({username: 'deputy', id: me.id, name: me.name});

  const county = data.admin.user.region;
  const listed = await server.expect(null, 'GET', `/api/v1/deputies?region=${county}&limit=100`);
  const others = [];
  for (const d of listed.items) {
    if (d.id === me.id || others.some((o) => o.name === d.name) || d.name === me.name)
      continue;
    const full = await server.expect(null, 'GET', `/api/v1/deputies/${d.id}`);
    if (full.seats.some((s) => s.congress_id === data.congress.id))
      others.push({id: d.id, name: d.name});
    if (others.length === 4)
      break;
  }
  assert.equal(others.length, 4, 'four more deputies of the same congress, with different names');
  others.slice(0, 3).forEach((d, i) => {
    deputyAccount(`voter${i + 1}`, d);
    data.voters.push({username: `voter${i + 1}`, ...d});
  });
  deputyAccount('outsider', others[3]);
  data.outsider = {username: 'outsider', ...others[3]};
  browser = await launchBrowser(server);
});

after(() => closeAll(browser, server));

/* ---- what a user does in the page --------------------------------------------------------------- */

async function workspace(username, viewport = WIDE) {
  const page = await browser.openPage(viewport);
  await signInPage(page, base, {username, password: PASSWORD});
  await page.locator('#ballots-view').waitFor();
  await until('the ballots listed', async () => !/正在加载/.test(await page.locator('#bl-count').textContent()));
  return page;
}

async function ballotStep(page, name, done) {
  await page.getByRole('group', {name: '票决操作'}).getByRole('button', {name, exact: true}).click();
  await page.getByRole('group', {name: '票决操作'}).getByRole('button', {name: '确定', exact: true}).click();
  await page.locator('#bl-detail-status').getByText(done).waitFor();
}

// The rows of a results table as {name, votes, rank, chosen}, in the order shown.
async function resultRows(page, table) {
  return page.locator(`${table} tbody tr`).evaluateAll((rows) => rows.map((tr) => ({
    name: tr.querySelector('th').firstChild.textContent.trim(),
    votes: Number(/(\d+)/.exec(tr.querySelector('.ballot-count').textContent)[1]),
    rank: Number(tr.querySelector('td.ballot-rank').textContent),
    chosen: /入选/.test(tr.querySelector('th').textContent)
  })));
}

// Ticks the voter's projects on ballot.html, checking the counter and the button as it goes,
// confirms, and answers the receipt shown.
async function vote(page, picks) {
  const counter = page.locator('#choose-count');
  const next = page.getByRole('button', {name: '下一步：确认选择'});
  await counter.getByText('已选 0/2，还需要选 2 项').waitFor();
  assert.equal(await next.isDisabled(), true, 'the next step waits for the rule');
  assert.equal(await page.getByRole('group', {name: /从 4 项中选出 2 项/}).count(), 1, 'the rule is the legend of the choices');
  await page.getByRole('checkbox', {name: PROJECTS[picks[0]][0]}).check();
  await counter.getByText('已选 1/2，还需要选 1 项').waitFor();
  assert.equal(await next.isDisabled(), true);
  // three ticked is one too many
  const extra = [0, 1, 2, 3].find((i) => !picks.includes(i));
  await page.getByRole('checkbox', {name: PROJECTS[extra][0]}).check();
  await page.getByRole('checkbox', {name: PROJECTS[picks[1]][0]}).check();
  await counter.getByText('已选 3/2，多选了 1 项，请去掉 1 项').waitFor();
  assert.equal(await next.isDisabled(), true);
  await page.getByRole('checkbox', {name: PROJECTS[extra][0]}).uncheck();
  await counter.getByText('已选 2/2，可以提交').waitFor();
  assert.equal(await counter.getAttribute('aria-live'), 'polite');
  assert.ok(await scrollWidth(page) <= NARROW.width, 'the ballot fits 360 px');
  await next.click();
  const confirm = page.locator('#confirm');
  await confirm.getByRole('heading', {name: '请确认您的选择'}).waitFor();
  assert.deepEqual(await confirm.locator('#confirm-list li').allTextContents(), [...picks].sort().map((i) => PROJECTS[i][0]));
  await confirm.getByRole('button', {name: '确认投票'}).click();
  await page.getByRole('heading', {name: '投票成功'}).waitFor();
  const receipt = (await page.locator('#done-code').textContent()).trim();
  assert.match(receipt, RECEIPT);
  return receipt;
}

/* ---- the journey -------------------------------------------------------------------------------- */

step('office_creates_a_ballot_of_four_projects_for_four_chosen_deputies_and_opens_it', async () => {
  const page = await workspace('admin');
  await page.getByRole('button', {name: '新建票决'}).click();
  const form = page.getByRole('form', {name: '新建票决'});
  await form.getByLabel('人民代表大会').selectOption(String(data.congress.id));
  await form.getByLabel('类别').selectOption('project');
  await form.getByLabel('标题').fill(TITLE);
  await form.getByLabel('说明').fill('从 4 个候选项目中票决产生 2 个年度民生实事项目。');
  await form.getByLabel('规则').selectOption('exactly');
  await form.getByLabel('应选项数 k').fill('2');
  await form.getByLabel('候选项').fill(PROJECTS.map(([n, d]) => (d ? `${n} | ${d}` : n)).join('\n'));
  // a closing time before the opening is refused at its field, before anything is sent
  const closes = await form.getByLabel('结束投票时间').inputValue();
  await form.getByLabel('结束投票时间').fill(await form.getByLabel('开始投票时间').inputValue());
  await form.getByRole('button', {name: '保存'}).click();
  assert.equal(await form.getByLabel('结束投票时间').getAttribute('aria-invalid'), 'true');
  await form.getByLabel('结束投票时间').fill(closes);

  await form.getByRole('radio', {name: '指定的代表'}).check();
  for (const v of data.voters) {
    await form.getByLabel('按姓名查找代表').fill(v.name);
    await form.getByRole('button', {name: '查找', exact: true}).click();
    await form.getByRole('button', {name: `加入 ${v.name}`}).click();
  }
  await form.getByText(`已指定 ${data.voters.length} 位代表`).waitFor();
  await form.getByRole('button', {name: '保存'}).click();

  await page.locator('#bl-detail-status').getByText(`已创建票决“${TITLE}”（草稿）。`).waitFor();
  const made = (await server.expect(data.admin, 'GET', '/api/v1/ballots')).items.find((b) => b.title === TITLE);
  assert.ok(made, 'the ballot is listed');
  data.ballotId = made.id;
  const full = await server.expect(data.admin, 'GET', `/api/v1/ballots/${made.id}`);
  assert.equal(full.state, 'draft');
  assert.equal(full.rule, 'exactly');
  assert.equal(full.choose, 2);
  assert.equal(full.kind, 'project');
  assert.deepEqual(full.candidates.map((c) => [c.name, c.description]), PROJECTS);
  // the office reads a draft's chosen voters as ids ("voters"), or at least their number
  assert.equal(Array.isArray(full.voters) ? full.voters.length : full.voters_count, data.voters.length);
  if (Array.isArray(full.voters))
    assert.deepEqual([...full.voters].sort((a, b) => a - b), data.voters.map((v) => v.id).sort((a, b) => a - b));
  assert.equal(full.results, undefined, 'no results before the close');

  await ballotStep(page, '开始投票', '已开始投票。');
  assert.match(await page.locator('#bl-detail .ballot-facts').textContent(), /投票中/);
  const opened = await server.expect(data.admin, 'GET', `/api/v1/ballots/${made.id}`);
  assert.equal(opened.state, 'open');
  assert.equal(opened.electorate, data.voters.length);
  assertNoProblems(page);
  await page.close();
});

step('first_deputy_follows_the_workspace_link_and_votes_on_a_360px_phone', async () => {
  const page = await workspace('deputy', NARROW);
  const row = page.locator('#bl-list li').filter({hasText: TITLE});
  await row.getByRole('link', {name: `为“${TITLE}”投票`}).click();
  await page.waitForURL(`**/ballot.html?id=${data.ballotId}`);
  await page.getByRole('heading', {name: TITLE, level: 1}).waitFor();
  await page.getByRole('checkbox', {name: PROJECTS[0][0]}).scrollIntoViewIfNeeded();
  await page.screenshot({path: '/tmp/ballot-vote.png'}); // the screen as the phone shows it, the counter at its foot
  data.receipts.push(await vote(page, CHOICES[0]));
  await page.screenshot({path: '/tmp/ballot-receipt.png', fullPage: true});
  // before the close the receipt cannot be checked yet, and the page says so
  await page.getByRole('link', {name: '核对我的回执'}).click();
  assert.equal(await page.getByLabel('回执码').inputValue(), data.receipts[0]);
  await page.getByRole('button', {name: '核对', exact: true}).click();
  await page.locator('#check-result').getByText('投票还没有结束，结束后才能核对回执。').waitFor();
  // the 409 of that check is the answer the page shows, not a problem
  page.problems.splice(0, page.problems.length, ...page.problems.filter((p) => !/status of 409 .*\/receipts\//.test(p)));
  assertNoProblems(page);
  await page.close();
});

step('three_more_deputies_sign_in_on_the_ballot_page_and_vote', async () => {
  for (const [i, v] of data.voters.slice(1).entries()) {
    const page = await browser.openPage(NARROW);
    await page.goto(`${base}/ballot.html?id=${data.ballotId}`);
    const signin = page.locator('#signin-form');
    await signin.getByLabel('用户名').fill(v.username);
    await signin.getByLabel('密码').fill(PASSWORD);
    await signin.getByRole('button', {name: '登录'}).click();
    data.receipts.push(await vote(page, CHOICES[i + 1]));
    assertNoProblems(page);
    await page.close();
  }
  assert.equal(new Set(data.receipts).size, 4, 'every receipt differs');
});

step('a_second_vote_and_a_deputy_off_the_list_are_told_why_they_cannot_vote', async () => {
  const again = await browser.openPage(NARROW);
  await signInPage(again, base, {username: 'voter1', password: PASSWORD});
  await again.locator('#workspace').waitFor();
  await again.goto(`${base}/ballot.html?id=${data.ballotId}`);
  await again.locator('#ballot-notice').getByText('您已经投过票了，谢谢。').waitFor();
  assert.equal(await again.locator('#choose').isHidden(), true);
  assertNoProblems(again);
  await again.close();

  const outsider = await browser.openPage(NARROW);
  await signInPage(outsider, base, {username: 'outsider', password: PASSWORD});
  await outsider.locator('#ballots-view').waitFor();
  await until('the outsider\'s ballots listed', async () => /共 \d+ 次票决|目前没有/.test(await outsider.locator('#bl-count').textContent()));
  assert.equal(await outsider.locator('#bl-list li').filter({hasText: TITLE}).count(), 0, 'a deputy off the list does not see the ballot');
  await outsider.goto(`${base}/ballot.html?id=${data.ballotId}`);
  const answered = await until('the outsider told', async () => {
    const notice = await outsider.locator('#ballot-notice').textContent();
    const status = await outsider.locator('#status').textContent();
    return /不在这次票决的投票人名单中/.test(notice) || /没有找到这次票决/.test(status) ? notice || status : null;
  });
  assert.ok(answered);
  assert.equal(await outsider.locator('#choose').isHidden(), true);
  await outsider.close();
});

step('office_closes_the_ballot_sees_the_count_and_publishes_it', async () => {
  const page = await workspace('admin');
  await page.locator('#bl-list li').filter({hasText: TITLE}).getByRole('button').click();
  await page.getByRole('heading', {name: TITLE, level: 3}).waitFor();
  await ballotStep(page, '结束投票并计票', '投票已结束，计票完成。');
  await page.locator('#bl-res-table').waitFor();
  assert.deepEqual(await resultRows(page, '#bl-res-table'), EXPECTED);
  assert.match(await page.locator('#bl-res-turnout').textContent(), /应参加投票代表 4 人，实际投票 4 人，投票率 100%/);
  await ballotStep(page, '公布结果', '结果已公布。');
  assert.equal(await page.getByRole('link', {name: '公开的结果页面'}).getAttribute('href'), `/ballot-result.html?id=${data.ballotId}`);
  assertNoProblems(page);
  await page.close();
});

step('public_page_shows_the_counts_ranks_chosen_two_and_turnout_at_360px', async () => {
  const page = await browser.openPage(NARROW);
  await page.goto(`${base}/ballot-result.html?id=${data.ballotId}`);
  await page.locator('#result-table').waitFor();
  assert.equal((await page.locator('#result-title').textContent()).trim(), TITLE);
  assert.deepEqual(await resultRows(page, '#result-table'), EXPECTED);
  assert.match(await page.locator('#result-turnout').textContent(), /应参加投票代表 4 人，实际投票 4 人，投票率 100%/);
  assert.ok(await scrollWidth(page) <= NARROW.width, 'the results fit 360 px');
  await page.screenshot({path: '/tmp/ballot-result.png', fullPage: true});
  await page.emulateMedia({media: 'print'});
  await page.screenshot({path: '/tmp/ballot-announcement.png', fullPage: true});
  assert.equal(await page.getByRole('button', {name: '打印公告'}).isHidden(), true, 'the print button stays off paper');
  assertNoProblems(page);
  await page.close();
});

step('a_receipt_checks_as_counted_and_a_made_up_one_does_not', async () => {
  const fake = 'ACDE-FGHJ-KMNP';
  const page = await browser.openPage(NARROW, [`404 /api/v1/ballots/${data.ballotId}/receipts/${fake.replace(/-/g, '')}`]);
  await page.goto(`${base}/ballot.html?id=${data.ballotId}#check`);
  const form = page.locator('#check-form');
  await form.getByLabel('回执码').fill(data.receipts[2].toLowerCase().replace(/-/g, ' '));
  await form.getByRole('button', {name: '核对'}).click();
  await page.locator('#check-result').getByText(`回执码 ${data.receipts[2]} 对应的选票已计入本次票决。`).waitFor();
  assert.ok(!data.receipts.includes(fake));
  await form.getByLabel('回执码').fill(fake);
  await form.getByRole('button', {name: '核对'}).click();
  await page.locator('#check-result').getByText('没有找到这个回执码对应的选票').waitFor();
  await form.getByLabel('回执码').fill('ABC');
  await form.getByRole('button', {name: '核对'}).click();
  assert.equal(await form.getByLabel('回执码').getAttribute('aria-invalid'), 'true');
  assertNoProblems(page);
  await page.close();
});
