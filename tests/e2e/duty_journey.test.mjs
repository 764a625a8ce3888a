// A deputy's duty record from the phone to the annual report (issue 8): on a 360 px page the demo
// deputy opens 我的履职, taps "记一笔", picks 走访群众, gives a title and a text, keeps today's date,
// adds a photo (made in the page by a canvas) and saves; the record is listed as waiting with its
// thumbnail. The station's clerk (staff) finds it in 履职审核 with the thumbnail and confirms it;
// the deputy's score of the year, as the page shows it, rises by exactly the points of the visit
// rule (read from GET /api/v1/duty-rules), and the explanation lists the record under that rule.
// The deputy then makes the year's annual report draft in 述职报告: it names the visit. Published,
// the report is listed on the deputy's public page, and its public page takes one rating.
//
// A real `liaison serve` with a fresh demo database (tests/e2e/lib/server.mjs); the steps run in
// order and once one fails the later ones are skipped. Screenshots for a human to judge at 360 px:
// /tmp/duty-form.png, /tmp/duty-review.png, /tmp/duty-report.png.
//
// Env (set by ctest): LIAISON_BIN (the binary), LIAISON_WEB_DIR (web/).

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {startServer, launchBrowser, assertNoProblems, scrollWidth, until, signInPage, journey, closeAll,
  NARROW} from './lib/server.mjs';

const PASSWORD = 'liaison-demo';
const TITLE = '走访东方社区独居老人（履职测试）';
const BODY = '入户走访三户独居老人，了解到楼道照明不足、助餐点偏远，已记录并向社区反映。';
const PHONE = '13912345678';

let server;
let browser;
const step = journey(test);

const data = {
  deputy: null,     // API session of the demo deputy
  staff: null,      // API session of the demo clerk
  name: null,       // the deputy's name
  rule: null,       // the visit rule, as GET /api/v1/duty-rules says
  year: null,       // this year in Beijing
  record: null,     // the record made on the page
  before: null,     // the score shown before the confirmation
  report: null,     // the annual report made
  page: null        // the deputy's page, signed in again after the confirmation
};

const beijingDay = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);

before(async () => {
  server = await startServer({args: ['--rate-limits=off']});
  data.deputy = await server.signIn({username: 'deputy', password: PASSWORD});
  data.staff = await server.signIn({username: 'staff', password: PASSWORD});
  assert.ok(data.deputy.user.deputy_id, 'the demo deputy account is linked to a deputy');
  data.name = (await server.expect(null, 'GET', `/api/v1/deputies/${data.deputy.user.deputy_id}`)).name;
  const rules = await server.expect(data.deputy, 'GET', '/api/v1/duty-rules');
  data.rule = rules.items.find((r) => r.kind === 'visit');
  assert.ok(data.rule && data.rule.points > 0, `a visit rule with points: ${JSON.stringify(rules.items)}`);
  data.year = Number(beijingDay().slice(0, 4));
  // the visit must be able to earn its points: the year's visits stay under the cap
  const score = await server.expect(data.deputy, 'GET', `/api/v1/deputies/${data.deputy.user.deputy_id}/score?year=${data.year}`);
  const visits = score.items.find((i) => i.rule.kind === 'visit');
  assert.ok(data.rule.cap === null || (visits ? visits.points : 0) + data.rule.points <= data.rule.cap,
    `the demo deputy has room under the visit cap: ${JSON.stringify(visits)}`);
  browser = await launchBrowser(server, NARROW);
});

after(() => closeAll(browser, server));

// The score the page shows in 我的履职 ("12 分"), as a number, once it has loaded.
async function shownScore(page) {
  const value = page.locator('#duty-score-value');
  await value.waitFor();
  return Number(/([0-9]+)/.exec(await value.textContent())[1]);
}

// A small photo as a phone would give it: a PNG drawn on a canvas in the page.
async function photo(page) {
  return Buffer.from(await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 160;
    canvas.height = 120;
    const g = canvas.getContext('2d');
    g.fillStyle = '#2a6f97';
    g.fillRect(0, 0, 160, 120);
    g.fillStyle = '#f6c945';
    g.fillRect(40, 30, 80, 60);
    return canvas.toDataURL('image/png').split(',')[1];
  }), 'base64');
}

async function signInDeputy() {
  const page = await browser.openPage(NARROW);
  await signInPage(page, server.base, {username: 'deputy', password: PASSWORD});
  return page;
}

/* ---- the steps -------------------------------------------------------------------------------- */

step('deputy_on_a_360px_phone_records_a_home_visit_with_a_photo_and_sees_it_waiting', async () => {
  const page = await signInDeputy();
  const section = page.getByRole('region', {name: '我的履职'});
  data.before = await shownScore(page);
  const api = await server.expect(data.deputy, 'GET', `/api/v1/deputies/${data.deputy.user.deputy_id}/score?year=${data.year}`);
  assert.equal(data.before, api.score, 'the page shows the score the API gives');

  await section.getByRole('button', {name: '记一笔'}).click();
  const form = section.locator('#duty-f');
  await form.getByRole('radio', {name: '走访群众'}).check();
  await form.getByText(`本类每次计 ${data.rule.points} 分`).waitFor();
  await form.getByLabel(/^标题/).fill(TITLE);
  assert.equal(await form.getByLabel(/^日期/).inputValue(), beijingDay(), 'the date is today unless changed');
  await form.getByLabel(/^情况说明/).fill(BODY);
  await form.getByLabel(/^照片/).setInputFiles({name: 'visit.png', mimeType: 'image/png', buffer: await photo(page)});
  assert.ok(await scrollWidth(page) <= NARROW.width, 'the form fits the phone');
  await page.screenshot({path: '/tmp/duty-form.png', fullPage: true});
  await form.getByRole('button', {name: '保存'}).click();
  await section.getByText(`已记录“${TITLE}”，等待工作人员确认。`).waitFor();

  const listed = await server.expect(data.deputy, 'GET', `/api/v1/duty-records?year=${data.year}&kind=visit`);
  data.record = listed.items.find((r) => r.title === TITLE);
  assert.ok(data.record, 'the record is saved');
  assert.equal(data.record.state, 'pending');
  assert.equal(data.record.body, BODY);
  assert.equal(data.record.happened_on, beijingDay());
  assert.equal(data.record.photos.length, 1, 'with its photo');

  const item = section.locator(`#duty-list li[data-record="${data.record.id}"]`);
  assert.match(await item.textContent(), /待确认/);
  const thumb = item.locator('.duty-thumbs img');
  await thumb.scrollIntoViewIfNeeded();
  await until('the thumbnail shown', () => thumb.evaluate((img) => img.complete && img.naturalWidth > 0));
  assert.ok(await scrollWidth(page) <= NARROW.width, 'the list fits the phone');
  assertNoProblems(page);
  await page.close();
});

step('staff_confirm_it_in_the_queue_and_the_deputys_score_rises_by_the_visit_rules_points', async () => {
  const page = await browser.openPage(NARROW);
  await signInPage(page, server.base, {username: 'staff', password: PASSWORD});
  const queue = page.getByRole('region', {name: '履职审核'});
  const item = queue.locator(`li[data-record="${data.record.id}"]`);
  await item.waitFor();
  assert.match(await item.textContent(), new RegExp(data.name));
  assert.match(await item.textContent(), /走访群众/);
  const thumb = item.locator('.duty-thumbs img');
  await thumb.scrollIntoViewIfNeeded(); // thumbnails load lazily, once in sight
  await until('the thumbnail shown in the queue', () => thumb.evaluate((img) => img.complete && img.naturalWidth > 0));
  assert.ok(await scrollWidth(page) <= NARROW.width, 'the queue fits the phone');
  await page.screenshot({path: '/tmp/duty-review.png'});
  await item.getByRole('button', {name: `确认${data.name}的“${TITLE}”`}).click();
  await queue.getByText(`已确认${data.name}的“${TITLE}”。`).waitFor();
  assert.equal(await item.count(), 0, 'it leaves the queue');
  const record = await server.expect(data.staff, 'GET', `/api/v1/duty-records/${data.record.id}`);
  assert.equal(record.state, 'confirmed');
  assertNoProblems(page);
  await page.close();

  const mine = await signInDeputy();
  const after = await shownScore(mine);
  assert.equal(after - data.before, data.rule.points, `the score rises by the visit rule's ${data.rule.points} points`);
  const section = mine.getByRole('region', {name: '我的履职'});
  assert.match(await section.locator(`#duty-list li[data-record="${data.record.id}"]`).textContent(), /已确认/);
  await section.getByText('积分是怎么算的').click();
  const earned = section.locator(`.duty-explain li[data-record="${data.record.id}"]`);
  assert.match(await earned.textContent(), new RegExp(`${TITLE}.*\\+${data.rule.points} 分`));
  assert.match(await earned.locator('xpath=ancestor::li[contains(@class,"duty-rule")]').locator('h4').textContent(),
    /^走访群众：/);
  assertNoProblems(mine);
  data.page = mine;
});

step('deputy_makes_the_years_annual_report_draft_and_it_names_the_visit', async () => {
  const page = data.page;
  page.on('dialog', (dialog) => dialog.accept());
  const section = page.getByRole('region', {name: '述职报告'});
  await section.getByRole('button', {name: `生成 ${data.year} 年报告草稿`}).click();
  const body = section.getByLabel(/^报告正文/);
  await body.waitFor();
  assert.ok((await body.inputValue()).includes(TITLE), 'the draft names the visit');
  assert.match(await section.getByLabel(/^标题/).inputValue(), new RegExp(`${data.name} ${data.year} 年度履职报告`));
  assert.ok(await scrollWidth(page) <= NARROW.width, 'the editor fits the phone');
  await section.scrollIntoViewIfNeeded();
  await page.screenshot({path: '/tmp/duty-report.png'});

  await section.getByRole('button', {name: '公布报告'}).click();
  await section.getByText('报告已公布。').waitFor();
  const link = section.getByRole('link', {name: '查看公开页面'});
  data.report = Number(new URL(await link.getAttribute('href'), server.base).searchParams.get('id'));
  assert.ok(data.report > 0, 'the public page is linked');
  assertNoProblems(page);
});

step('the_published_report_is_listed_on_the_deputys_page_and_its_public_page_takes_one_rating', async () => {
  const page = await browser.openPage(NARROW);
  await page.goto(`${server.base}/deputy.html?id=${data.deputy.user.deputy_id}`);
  const list = page.getByRole('region', {name: '述职报告'});
  await list.getByRole('link', {name: new RegExp(`^${data.year} 年`)}).click();
  await page.getByRole('heading', {level: 1, name: `${data.name} ${data.year} 年度履职报告`}).waitFor();
  assert.ok((await page.locator('#report-body').textContent()).includes(TITLE));

  const form = page.locator('#rate-form');
  await form.getByLabel('手机号码').fill(PHONE);
  await form.getByRole('radio', {name: '满意', exact: true}).check();
  await form.getByRole('button', {name: '提交评价'}).click();
  await page.getByText('谢谢您的评价！').waitFor();
  await until('the rating counted', async () => /满意 1/.test(await page.locator('#rate-counts').textContent()));
  assert.ok(await scrollWidth(page) <= NARROW.width, 'the page fits the phone');

  const again = await server.call(null, 'POST', `/api/v1/annual-reports/${data.report}/ratings`, {phone: PHONE, rating: 'basic'});
  assert.equal(again.status, 409, 'one rating per phone');
  assertNoProblems(page);
});

step('staff_record_a_training_on_the_deputys_behalf_and_it_waits_in_their_own_queue', async () => {
  const title = '参加代表履职培训班（代为登记）';
  const page = await browser.openPage(NARROW);
  await signInPage(page, server.base, {username: 'staff', password: PASSWORD});
  const section = page.getByRole('region', {name: '代为登记履职'});
  await section.getByLabel('代表').selectOption({label: data.name});
  await section.getByRole('button', {name: '记一笔'}).click();
  const form = section.locator('#duty-f');
  await form.getByRole('radio', {name: '学习培训'}).check();
  await form.getByLabel(/^标题/).fill(title);
  await form.getByLabel(/^情况说明/).fill('县人大常委会举办的代表履职学习培训，全天参加。');
  await form.getByRole('button', {name: '保存'}).click();
  await section.locator('#duty-notice').filter({hasText: title}).waitFor();

  const listed = await server.expect(data.deputy, 'GET', `/api/v1/duty-records?year=${data.year}&kind=training`);
  const record = listed.items.find((r) => r.title === title);
  assert.ok(record, "the record is the deputy's");
  assert.equal(record.state, 'pending', 'it still waits for confirmation');
  const queue = page.getByRole('region', {name: '履职审核'});
  await page.reload();
  await queue.locator(`li[data-record="${record.id}"]`).waitFor();
  assert.ok(await scrollWidth(page) <= NARROW.width, 'the form and queue fit the phone');
  assertNoProblems(page);
  await page.close();
});
