// Legislative consultation (立法征求意见): the office publishes a draft, a constituent on a
// 360 px phone comments on one of its articles from the public page, the office marks the
// comment adopted in the workspace, and the printable feedback report shows it. Also: the
// office pastes a draft in the workspace, previews its articles and publishes it. A real
// `liaison serve` with a fresh demo database (tests/e2e/lib/server.mjs), driven by chromium.

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {startServer, launchBrowser, assertNoProblems, scrollWidth, DEMO_ADMIN, NARROW} from './lib/server.mjs';

let server;
let browser;
const data = {admin: null, draft: null};

const TEXT = '如东县文明养犬条例（草案）\n第一章 总则\n第一条 为了规范养犬行为，制定本条例。\n' +
  '第二条 本条例适用于本县行政区域内的养犬管理。\n第二章 登记管理\n第三条 养犬人应当为犬只办理登记。\n';

function deadline(days) {
  return new Date(Date.now() + 8 * 3600 * 1000 + days * 86400 * 1000).toISOString().slice(0, 10);
}

async function call(method, path, body, expected) {
  const res = await server.call(data.admin, method, path, body);
  assert.equal(res.status, expected, `${method} ${path} -> ${JSON.stringify(res.body)}`);
  return res.body;
}

before(async () => {
  server = await startServer({args: ['--rate-limits=off']});
  data.admin = await server.signIn(DEMO_ADMIN);
  data.draft = await call('POST', '/api/v1/drafts', {title: '如东县文明养犬条例（草案）', summary: '现公开征求意见。',
    region: data.admin.user.region, deadline: deadline(30), text: TEXT}, 201);
  await call('POST', `/api/v1/drafts/${data.draft.id}/publish`, {}, 200);
  browser = await launchBrowser(server, NARROW);
});

after(async () => {
  if (browser)
    await browser.close();
  if (server)
    await server.close();
});

async function signedInPage() {
  const page = await browser.openPage(NARROW);
  await page.goto(`${server.base}/staff/`);
  const form = page.locator('#login-form');
  await form.getByLabel('用户名').fill(DEMO_ADMIN.username);
  await form.getByLabel('密码', {exact: true}).fill(DEMO_ADMIN.password);
  await form.getByRole('button', {name: '登录'}).click();
  await page.getByRole('heading', {name: '我的账号'}).waitFor();
  return page;
}

test('a_constituent_comments_on_an_article_from_a_phone_and_the_report_shows_it_adopted', {timeout: 60000}, async () => {
  // the constituent, on a 360 px phone: the list of open drafts, then the draft
  const phone = await browser.openPage(NARROW);
  await phone.goto(`${server.base}/draft.html`);
  await phone.getByRole('link', {name: '如东县文明养犬条例（草案）'}).click();
  await phone.getByRole('heading', {level: 1, name: '如东县文明养犬条例（草案）'}).waitFor();
  const article = phone.locator('#article-2');
  await article.getByRole('heading', {name: '第二条'}).waitFor();
  await article.getByText('专题：总则').waitFor();
  await article.getByText('对本条发表意见').click();
  await article.getByLabel('您的意见').fill('建议把农村地区的散养犬也写进适用范围。');
  await article.getByLabel(/姓名/).fill('张三');
  await article.getByLabel(/电话/).fill('13912345678');
  await article.getByRole('button', {name: '提交意见'}).click();
  await article.getByText('已收到您对第二条的意见，谢谢！').waitFor();
  await article.getByText('已有 1 条意见').waitFor();
  assert.ok(await scrollWidth(phone) <= NARROW.width, 'the page fits a 360 px phone');
  assertNoProblems(phone);
  await phone.close();

  // the office, in the workspace: the comment, adopted with a note
  const page = await signedInPage();
  const section = page.locator('#consultation-view');
  await section.getByRole('heading', {name: '立法征求意见'}).waitFor();
  const item = section.locator(`li[data-draft="${data.draft.id}"]`);
  await item.getByRole('button', {name: '查看意见'}).click();
  const comment = section.locator('.consult-comment', {hasText: '散养犬'});
  await comment.getByText('张*').waitFor();
  assert.equal(await section.getByText('张三').count(), 0, 'the full name is never shown');
  await comment.getByLabel('采纳', {exact: true}).check();
  await comment.getByLabel('采纳说明').fill('已在第二条增加农村地区的规定。');
  await comment.getByRole('button', {name: '保存'}).click();
  await comment.getByText('已保存。').waitFor();
  assertNoProblems(page);

  // the report: counted, adopted, with the note; only the report on paper
  await page.goto(`${server.base}/draft-report.html?id=${data.draft.id}`);
  await page.getByText('共收到意见 1 条（网上 1 条，代表 0 条，座谈会 0 条），采纳 1 条。').waitFor();
  const row = page.locator('#report-a2').locator('..').getByRole('row', {name: /散养犬/});
  await row.getByRole('cell', {name: '采纳', exact: true}).waitFor();
  await row.getByRole('cell', {name: '已在第二条增加农村地区的规定。'}).waitFor();
  assert.match(await page.getByRole('link', {name: '下载 Excel'}).getAttribute('href'), /report\.xlsx$/);
  await page.emulateMedia({media: 'print'});
  assert.equal(await page.locator('.report-toolbar').isVisible(), false, 'the toolbar stays off the paper');
  assert.ok(await page.locator('#report-articles').isVisible());
  assertNoProblems(page);
  await page.close();

  const report = await call('GET', `/api/v1/drafts/${data.draft.id}/report`, undefined, 200);
  assert.equal(report.totals.adopted, 1);
});

test('the_office_pastes_a_draft_previews_its_articles_and_publishes_it', {timeout: 60000}, async () => {
  const page = await signedInPage();
  const form = page.locator('#consult-create');
  await form.getByLabel('草案名称').fill('如东县物业管理条例（草案）');
  await form.getByLabel('草案全文').fill(TEXT.replace('文明养犬', '物业管理'));
  await form.getByRole('button', {name: '预览分条'}).click();
  await form.getByText('共分为 3 条，专题：总则、登记管理').waitFor();
  await form.getByRole('button', {name: '保存草案'}).click();
  await form.getByText('已保存草案“如东县物业管理条例（草案）”，发布后公众即可发表意见。').waitFor();
  const item = page.locator('#consult-list li', {hasText: '如东县物业管理条例（草案）'});
  await item.getByText(/未发布/).waitFor();
  await item.getByRole('button', {name: '发布'}).click();
  await page.locator('#consult-list li', {hasText: '如东县物业管理条例（草案）'}).getByText(/征求意见中/).waitFor();
  assert.ok(await scrollWidth(page) <= NARROW.width, 'the workspace fits a 360 px phone');
  assertNoProblems(page);
  await page.close();
});
