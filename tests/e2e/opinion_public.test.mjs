// Browser journeys of a constituent through the opinion loop (web/write.html, web/track.html): a
// visitor on a 360 px phone opens a deputy's or station's page, writes a message, gets a tracking
// code to read aloud, follows it, and rates the answer that staff gave through the API. A real
// `liaison serve` with a fresh demo database (tests/e2e/lib/server.mjs), driven by chromium.
//
// Env (set by ctest): LIAISON_BIN (the binary), LIAISON_WEB_DIR (web/).
// Screenshots for a human to judge the layout, at 360x740: /tmp/opinion-write.png,
// /tmp/opinion-errors.png, /tmp/opinion-receipt.png, /tmp/opinion-track.png and, with the text at
// 200 %, /tmp/opinion-write-200.png and /tmp/opinion-track-200.png.

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {chromium} from 'playwright-core';
import {startServer, launchBrowser, openPage as openPageIn, until, assertNoProblems, scrollWidth, CHROMIUM,
  DEMO_ADMIN as ADMIN, NARROW} from './lib/server.mjs';

// the tracking code's alphabet (src/domain/opinion.h): no 0/O, 1/I/L, 2/Z, 5/S, 8/B
const CODE = /^[ACDEFGHJKMNPQRTWXY34679]{8}$/;
const TOKEN = /^[ACDEFGHJKMNPQRTWXY34679]{12}$/;

// Public messages one address may send a minute: more than the tests before the last one send
// together, which then uses up the rest.
const FORM_LIMIT = 30;

let server;       // the liaison server (lib/server.mjs)
let base;
let browser;

// What before() registers as the demo admin: a station and a deputy in a township of the
// admin's county that has villages, so the place has two levels to choose.
const data = {admin: null, county: null, township: null, villages: [], station: null, deputy: null};

async function create(plural, body) {
  const res = await server.call(data.admin, 'POST', `/api/v1/${plural}`, body);
  assert.equal(res.status, 201, `POST /api/v1/${plural} ${JSON.stringify(body)} -> ${JSON.stringify(res.body)}`);
  return res.body;
}

before(async () => {
  server = await startServer({args: ['--form-per-minute', String(FORM_LIMIT)]});
  base = server.base;
  data.admin = await server.signIn(ADMIN);
  const county = await server.call(null, 'GET', `/api/v1/regions/${data.admin.user.region}`);
  assert.equal(county.status, 200);
  data.county = county.body;
  for (const township of county.body.children) {
    const info = await server.call(null, 'GET', `/api/v1/regions/${township.code}`);
    if (info.body.children.length) {
      data.township = township;
      data.villages = info.body.children;
      break;
    }
  }
  assert.ok(data.township, `a township of ${county.body.name} with villages`);
  data.station = await create('stations', {name: '望海社区人大代表联络站', kind: 'hub', region: data.township.code,
    address: '望海路 6 号'});
  data.deputy = await create('deputies', {name: '顾晓岚', gender: 'female', region: data.township.code,
    occupation: '社区医生', stations: [data.station.id]});
  browser = await launchBrowser(server, NARROW);
});

after(async () => {
  if (browser)
    await browser.close();
  if (server)
    await server.close();
});

/* ---- helpers ----------------------------------------------------------------------------------- */

// Every opinion sent to the deputy or station (kind 'deputy' | 'station'), as staff list them.
async function opinionsOf(kind, id) {
  const out = [];
  let after = '';
  for (;;) {
    const res = await server.call(data.admin, 'GET', `/api/v1/opinions?region=${data.admin.user.region}&limit=100${after}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    out.push(...res.body.items.filter((o) => o[`${kind}_id`] === id));
    if (!res.body.next)
      return out;
    after = `&after=${res.body.next}`;
  }
}

async function staffView(id) {
  const res = await server.call(data.admin, 'GET', `/api/v1/opinions/${id}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

async function step(id, action, body) {
  const res = await server.call(data.admin, 'POST', `/api/v1/opinions/${id}/${action}`, body);
  assert.equal(res.status, 200, `${action} ${JSON.stringify(body)} -> ${JSON.stringify(res.body)}`);
  return res.body;
}

// An opinion sent as a visitor's phone would send it, through the public API: {tracking_code, ...}.
async function sendByApi(content, phone) {
  const res = await server.call(null, 'POST', '/api/v1/opinions', {deputy_id: data.deputy.id, category: 'urban',
    content, region: data.township.code, phone});
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const [item] = (await opinionsOf('deputy', data.deputy.id)).filter((o) => o.tracking_code === res.body.tracking_code);
  return {...res.body, id: item.id};
}

// Staff sort it, keep it for reference with a reason, and answer it.
async function answer(id, text) {
  await step(id, 'triage', {tier: 'township'});
  await step(id, 'keep', {text: '已列入明年道路改造计划'});
  await step(id, 'answer', {text});
}

function openPage(expectedFailures = []) {
  return browser.openPage(NARROW, expectedFailures);
}

function field(page, name) {
  return page.locator(`#write-form [data-field="${name}"]`);
}

// The accessible name, description and invalid state chromium computes for the element.
async function accessible(page, selector) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const {root} = await cdp.send('DOM.getDocument', {depth: 0});
    const {nodeId} = await cdp.send('DOM.querySelector', {nodeId: root.nodeId, selector});
    const {nodes} = await cdp.send('Accessibility.getPartialAXTree', {nodeId, fetchRelatives: false});
    const node = nodes[0];
    const prop = (name) => (node.properties || []).find((p) => p.name === name)?.value?.value;
    return {name: node.name?.value || '', description: node.description?.value || '', invalid: prop('invalid')};
  } finally {
    await cdp.detach();
  }
}

// Every form control of the page that has no label (a <label>, or a legend for a radio group).
function unlabelled(page) {
  return page.evaluate(() => [...document.querySelectorAll('main input, main select, main textarea')]
    .filter((el) => !(el.labels && el.labels.length && el.labels[0].textContent.trim()))
    .map((el) => el.id || el.name));
}

// What is wrong with the layout at this width: the page scrolls sideways, an element sticks out
// of the window, a box clips its text, or two blocks of text overlap.
async function layoutProblems(page) {
  const problems = await page.evaluate(() => {
    const out = [];
    const width = document.documentElement.clientWidth;
    const shown = (el) => el.getClientRects().length > 0 && !el.closest('.visually-hidden, [hidden]');
    const name = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${el.className} "${(el.textContent || '').trim().slice(0, 30)}"`;
    const all = [...document.querySelectorAll('main *')].filter(shown);
    for (const el of all) {
      const r = el.getBoundingClientRect();
      if (r.right > width + 0.5 || r.left < -0.5)
        out.push(`${name(el)} sticks out: ${Math.round(r.left)}..${Math.round(r.right)} of ${width}`);
      const style = getComputedStyle(el);
      const clips = ['hidden', 'clip', 'auto', 'scroll'].includes(style.overflowX);
      if (clips && !['TEXTAREA', 'SELECT', 'INPUT'].includes(el.tagName) && el.scrollWidth > el.clientWidth + 1)
        out.push(`${name(el)} clips its text: ${el.scrollWidth} > ${el.clientWidth}`);
    }
    const blocks = all.filter((el) => el.matches('p, label, legend, h1, h2, h3, li, dt, dd, button, a.button, select, input, textarea, .loop-step-name, .loop-step-status'));
    for (let i = 0; i < blocks.length; i++) {
      for (let j = i + 1; j < blocks.length; j++) {
        const a = blocks[i];
        const b = blocks[j];
        if (a.contains(b) || b.contains(a))
          continue;
        const ra = a.getBoundingClientRect();
        const rb = b.getBoundingClientRect();
        const x = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
        const y = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
        if (x > 1 && y > 1)
          out.push(`${name(a)} overlaps ${name(b)}`);
      }
    }
    return out;
  });
  const sw = await scrollWidth(page);
  if (sw > NARROW.width)
    problems.unshift(`the page is ${sw} px wide`);
  return problems;
}

// Large text: the browser's own default font size at 200 % (what a phone's text-size setting
// does), or, where chromium cannot set it, a root font size set from this script (the page's
// policy governs its own markup, not the test's CSSOM). Returns how it was done.
async function largeText(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Page.enable');
    await cdp.send('Page.setFontSizes', {fontSizes: {standard: 32, fixed: 26}});
  } catch {
    /* older chromium: below */
  } finally {
    await cdp.detach();
  }
  const root = () => page.evaluate(() => getComputedStyle(document.documentElement).fontSize);
  if (await root() === '32px')
    return 'default font size 32px';
  await page.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
  assert.equal(await root(), '32px', 'the text is at 200 %');
  return 'root font size 200%';
}

async function waitForForm(page) {
  await page.locator('#write-category option[value="traffic"]').waitFor({state: 'attached'});
  await page.locator('#compose').waitFor();
}

// Fills the form as a visitor would; the place is left as the page offers it.
async function fill(page, {category = '交通', content, phone, name}) {
  await page.getByLabel(/^类别/).selectOption({label: category});
  if (content !== undefined)
    await page.getByLabel(/^留言内容/).fill(content);
  if (name !== undefined)
    await page.getByLabel('姓名', {exact: true}).fill(name);
  if (phone !== undefined)
    await page.getByLabel('电话号码', {exact: true}).fill(phone);
}

// The code as the receipt shows it ("ACDE 4679"), and without its spaces.
async function receiptCode(page, id = '#receipt-code') {
  const shown = await page.locator(id).textContent();
  return {shown, code: shown.replace(/ /g, '')};
}

/* ---- writing ------------------------------------------------------------------------------------ */

test('visitor_writes_to_a_deputy_from_her_page_and_a_double_tap_sends_one_message', {timeout: 60000}, async (t) => {
  const page = await openPage();
  const posts = [];
  page.on('request', (req) => {
    if (req.method() === 'POST' && new URL(req.url()).pathname === '/api/v1/opinions')
      posts.push(req.postDataJSON());
  });
  await page.goto(`${base}/deputy.html?id=${data.deputy.id}`);
  const card = page.getByRole('region', {name: '给顾晓岚代表留言'});
  await card.getByRole('link', {name: '给代表留言'}).click();
  await page.waitForURL(`${base}/write.html?deputy=${data.deputy.id}`);
  await waitForForm(page);
  await page.getByRole('heading', {level: 1, name: '给代表留言'}).waitFor();
  assert.match(await page.locator('#write-to').textContent(), /顾晓岚 代表/);
  assert.equal(await page.title(), '给代表留言 - 人大代表联络站');

  // the place starts at the deputy's township, inside her county; the visitor adds the village
  const township = page.getByLabel('乡镇（街道）', {exact: true});
  assert.equal(await township.inputValue(), data.township.code);
  const village = data.villages[data.villages.length - 1];
  await page.getByLabel('村（社区）', {exact: true}).selectOption(village.code);
  const content = '望海路口的红绿灯时间太短，老人过马路走不到一半就变灯了。';
  await fill(page, {content, phone: '138 0013 8000', name: '顾先生'});
  await page.getByLabel('具体地点').fill('望海路与青园路交叉口');
  assert.equal(await page.locator('#write-content-count').textContent(), `已写 ${[...content].length} 字，最多 5000 字`);
  await page.getByLabel('同意公开我的留言和答复').check();
  assert.deepEqual(await unlabelled(page), [], 'every control of the form has a label');
  await page.screenshot({path: '/tmp/opinion-write.png', fullPage: true});

  await page.getByRole('button', {name: '发送留言'}).dblclick();
  const heading = page.getByRole('heading', {name: '留言已发送'});
  await heading.waitFor();
  assert.ok(await heading.evaluate((el) => el === document.activeElement), 'focus moves to the receipt');
  const {shown, code} = await receiptCode(page);
  assert.match(shown, /^[A-Z0-9]{4} [A-Z0-9]{4}$/, 'the code is shown in two groups of four');
  assert.match(code, CODE);
  assert.equal(await page.locator('#receipt-code-spoken').textContent(), [...code].join(' '), 'read out letter by letter');
  assert.equal(await page.locator('#receipt-token').isVisible(), false, 'a phone was given: no password');
  await page.getByText('查询时请输入查询码和您电话号码的后四位。').waitFor();
  await page.screenshot({path: '/tmp/opinion-receipt.png', fullPage: true});

  // however many requests the double tap made, they carried one key, and one message was made
  assert.ok(posts.length >= 1);
  assert.equal(new Set(posts.map((p) => p.idempotency_key)).size, 1, 'one idempotency key');
  t.diagnostic(`the double tap sent ${posts.length} request(s)`);
  const made = await opinionsOf('deputy', data.deputy.id);
  assert.equal(made.length, 1, `one opinion: ${JSON.stringify(made)}`);
  assert.equal(made[0].tracking_code, code);
  const view = await staffView(made[0].id);
  assert.equal(view.content, content);
  assert.equal(view.channel, 'online');
  assert.equal(view.region, village.code);
  assert.equal(view.location, '望海路与青园路交叉口');
  assert.equal(view.consent_publish, true);
  assert.equal(posts[0].phone, '13800138000', 'the phone is sent without the spaces people type');
  assert.equal(posts[0].deputy_id, data.deputy.id);

  // the receipt leads to the tracking page with the code filled in
  await page.getByRole('link', {name: '查询办理进度'}).click();
  await page.waitForURL(`${base}/track.html?code=${code}`);
  assert.equal(await page.getByLabel('查询码').inputValue(), shown);
  const key = page.getByLabel('电话号码后四位或查询密码');
  await until('focus on the phone digits', () => key.evaluate((el) => el === document.activeElement));
  await key.fill('8000');
  await page.getByRole('button', {name: '查询', exact: true}).click();
  await page.getByRole('heading', {name: '办理进度', exact: true}).waitFor();
  assert.match(await page.locator('#result-state').textContent(), /当前进度：\s*登记（已收到，等待梳理）/);
  assert.match(await page.locator('.loop-step[aria-current="step"]').textContent(), /登记.*进行中/);
  assert.equal(await page.locator('#result .pub-timeline li').count(), 1);
  assert.match(await page.locator('#result .pub-timeline li').textContent(), /收到留言，已登记/);
  assert.match(await page.locator('#result').textContent(), new RegExp(content));
  assertNoProblems(page);
  await page.close();
});

test('a_retry_after_a_lost_answer_sends_one_message_and_a_visitor_without_a_phone_gets_a_password', {timeout: 60000}, async () => {
  const page = await openPage();
  await page.goto(`${base}/station.html?id=${data.station.id}&via=qr`);
  const link = page.getByRole('region', {name: '向联络站反映意见'}).getByRole('link', {name: '向联络站反映意见'});
  assert.equal(await link.getAttribute('href'), `/write.html?station=${data.station.id}&via=qr`, 'a QR visit is passed on');
  await link.click();
  await waitForForm(page);
  await page.getByRole('heading', {level: 1, name: '向联络站反映意见'}).waitFor();
  await fill(page, {category: '环境', content: '望海社区垃圾站夏天气味很大，希望增加清运次数。'});

  // the first answer is lost on the way back: the server has the message, the phone does not know
  let lost = null;
  await page.route('**/api/v1/opinions', async (route) => {
    if (lost) {
      await route.continue();
      return;
    }
    const response = await route.fetch();
    lost = await response.json();
    await route.abort('connectionreset');
  });
  await page.getByRole('button', {name: '发送留言'}).click();
  const summary = page.locator('#write-errors');
  await summary.getByText(/无法连接服务器，留言可能还没有发出/).waitFor();
  assert.ok(await summary.evaluate((el) => el === document.activeElement), 'focus moves to the message');
  assert.match(lost.tracking_code, CODE);
  assert.match(lost.token, TOKEN);

  const replayed = page.waitForResponse((res) => new URL(res.url()).pathname === '/api/v1/opinions');
  await page.getByRole('button', {name: '发送留言'}).click();
  assert.equal((await replayed).headers()['idempotent-replayed'], 'true', 'the retry is the same message');
  await page.getByRole('heading', {name: '留言已发送'}).waitFor();
  assert.equal((await receiptCode(page)).code, lost.tracking_code, 'the code of the message the server kept');
  await page.unroute('**/api/v1/opinions');
  // messages to the station itself: one sent to a deputy of it is kept there too
  const made = (await opinionsOf('station', data.station.id)).filter((o) => o.deputy_id === null);
  assert.equal(made.length, 1, `one opinion: ${JSON.stringify(made)}`);
  assert.equal(made[0].channel, 'qr', 'opened from a QR code');

  // the password works as the receipt shows it, spaces and all, typed in lower case (on a second
  // page: the receipt stays open)
  const password = lost.token.replace(/(.{4})(?=.)/g, '$1 ');
  const tracker = await openPage();
  await tracker.goto(`${base}${await page.getByRole('link', {name: '查询办理进度'}).getAttribute('href')}`);
  await tracker.getByLabel('电话号码后四位或查询密码').fill(password.toLowerCase());
  await tracker.getByRole('button', {name: '查询', exact: true}).click();
  await tracker.getByRole('heading', {name: '办理进度', exact: true}).waitFor();
  assert.match(await tracker.locator('#result').textContent(), /望海社区垃圾站/);
  assert.match(await tracker.locator('#result').textContent(), /扫码留言/);
  assertNoProblems(tracker);
  await tracker.close();

  // the receipt of the retried message shows that password, with why it matters
  await page.getByText('请务必保存查询密码').waitFor();
  await page.getByText(/因为您没有留下电话号码/).waitFor();
  const token = await receiptCode(page, '#receipt-token-text');
  assert.equal(token.code, lost.token);
  assert.equal(token.shown, password);

  // the aborted request is the one failure this test provokes
  page.problems.splice(0, page.problems.length,
    ...page.problems.filter((p) => !/Failed to load resource: net::ERR_CONNECTION_RESET/.test(p)));
  assertNoProblems(page);
  await page.close();
});

test('empty_content_and_a_bad_phone_are_marked_on_their_fields_and_read_out_first', {timeout: 60000}, async () => {
  const page = await openPage(['422 /api/v1/opinions']);
  let posts = 0;
  page.on('request', (req) => {
    if (req.method() === 'POST' && new URL(req.url()).pathname === '/api/v1/opinions')
      posts++;
  });
  const before = (await opinionsOf('deputy', data.deputy.id)).length;
  await page.goto(`${base}/write.html?deputy=${data.deputy.id}`);
  await waitForForm(page);
  await fill(page, {content: '   ', phone: '1381234'});
  await page.getByRole('button', {name: '发送留言'}).click();

  const summary = page.locator('#write-errors');
  await summary.getByRole('heading', {name: '有 2 处需要修改'}).waitFor();
  assert.ok(await summary.evaluate((el) => el === document.activeElement), 'focus moves to the summary');
  assert.deepEqual(await summary.getByRole('link').allTextContents(), [
    '留言内容：请填写留言内容',
    '电话号码：电话号码格式不对：手机号码为 1 开头的 11 位数字，固定电话为 0 开头、带区号的号码'
  ]);
  assert.equal(posts, 0, 'nothing was sent');

  // each field is marked, and its message is part of what a screen reader says for it
  const content = await accessible(page, '#write-content');
  assert.equal(content.invalid, 'true');
  assert.match(content.name, /留言内容/);
  assert.match(content.description, /请填写留言内容/);
  assert.equal(await field(page, 'content').locator('.field-error').textContent(), '请填写留言内容');
  const phone = await accessible(page, '#write-phone');
  assert.equal(phone.invalid, 'true');
  assert.match(phone.description, /手机号码 11 位.*电话号码格式不对/);
  assert.equal(await page.locator('#write-category').getAttribute('aria-invalid'), null, 'the category was fine');
  await page.screenshot({path: '/tmp/opinion-errors.png', fullPage: true});

  // the summary's links lead to the fields; the language switch says it all again in English
  await summary.getByRole('link', {name: /^电话号码/}).click();
  assert.ok(await page.locator('#write-phone').evaluate((el) => el === document.activeElement));
  await page.getByRole('button', {name: 'English'}).click();
  await summary.getByRole('heading', {name: 'There are 2 problems'}).waitFor();
  await summary.getByRole('link', {name: 'Your message: Write your message'}).waitFor();
  assert.equal(await field(page, 'phone').locator('.field-error').textContent(),
    'Enter a mobile number (11 digits starting with 1) or a landline with its area code (starting with 0)');
  await page.getByRole('button', {name: '中文'}).click();

  // corrected, the marks go; a refusal only the server knows lands on the field it names
  await page.getByLabel(/^留言内容/).fill('小区门口路灯坏了两个月。');
  await page.getByLabel('电话号码', {exact: true}).fill('0513-84123456');
  await page.route('**/api/v1/opinions', (route) => route.continue({
    postData: JSON.stringify({...route.request().postDataJSON(), name: '长'.repeat(51)})
  }));
  await page.getByRole('button', {name: '发送留言'}).click();
  await summary.getByRole('heading', {name: '有 1 处需要修改'}).waitFor();
  assert.deepEqual(await summary.getByRole('link').allTextContents(), ['姓名：姓名不能超过 50 字']);
  assert.equal(await page.locator('#write-name').getAttribute('aria-invalid'), 'true');
  assert.match((await accessible(page, '#write-name')).description, /姓名不能超过 50 字/);
  assert.equal(await page.locator('#write-content').getAttribute('aria-invalid'), null);
  assert.equal(await page.locator('#write-phone').getAttribute('aria-invalid'), null);
  assert.equal((await opinionsOf('deputy', data.deputy.id)).length, before, 'no message was made');
  await page.unroute('**/api/v1/opinions');

  // sent as it is, it goes through with the same key
  await page.getByRole('button', {name: '发送留言'}).click();
  await page.getByRole('heading', {name: '留言已发送'}).waitFor();
  assert.equal((await opinionsOf('deputy', data.deputy.id)).length, before + 1);
  assertNoProblems(page);
  await page.close();
});

/* ---- tracking and rating -------------------------------------------------------------------------- */

// "2026年5月6日" and "14:05" of a Unix time in Beijing (UTC+8 all year).
function beijing(unix) {
  const d = new Date((unix + 8 * 3600) * 1000);
  const two = (n) => String(n).padStart(2, '0');
  return {date: `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`,
    time: `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`};
}

test('after_staff_answer_the_visitor_rates_not_satisfied_and_sees_it_reopened', {timeout: 60000}, async (t) => {
  const sent = await sendByApi('青园路人行道的地砖松动，下雨天踩上去会溅水。', '13912345566');
  await answer(sent.id, '经核实，该路段人行道将于明年三月前完成翻修。');
  const wrong = sent.tracking_code.replace(/^./, (c) => (c === 'A' ? 'C' : 'A'));
  // a phone set to another time zone still reads Beijing times: a browser of its own, since the
  // shared one keeps Asia/Shanghai and chromium takes one zone override per page
  const far = await chromium.launch({executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu']});
  t.after(() => far.close());
  const context = await far.newContext({viewport: NARROW, locale: 'zh-CN', timezoneId: 'America/New_York'});
  context.setDefaultTimeout(8000);
  const page = await openPageIn(context, base, NARROW,
    [`404 /api/v1/track/${sent.tracking_code}`, `404 /api/v1/track/${wrong}`]);

  await page.goto(`${base}/`);
  await page.getByRole('link', {name: '查询办理进度'}).click();
  await page.waitForURL(`${base}/track.html`);
  await page.getByRole('heading', {level: 1, name: '查询办理进度'}).waitFor();
  assert.equal(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone), 'America/New_York');
  assert.deepEqual(await unlabelled(page), [], 'every control of the page has a label');

  // a wrong phone and a wrong code get the same words, and say nothing of which was wrong
  const code = page.getByLabel('查询码');
  const key = page.getByLabel('电话号码后四位或查询密码');
  const summary = page.locator('#track-errors');
  await code.fill(sent.tracking_code.toLowerCase().replace(/^(.{4})/, '$1 '));
  await key.fill('1234');
  await page.getByRole('button', {name: '查询', exact: true}).click();
  await summary.getByText(/没有找到相符的留言/).waitFor();
  assert.ok(await summary.evaluate((el) => el === document.activeElement));
  const wrongPhone = await summary.textContent();
  await code.fill(wrong);
  await key.fill('5566');
  await page.getByRole('button', {name: '查询', exact: true}).click();
  await until('the second refusal', async () => (await summary.textContent()) === wrongPhone && await summary.isVisible());
  assert.equal(await page.locator('#result').isVisible(), false);

  await code.fill(sent.tracking_code);
  await page.getByRole('button', {name: '查询', exact: true}).click();
  await page.getByRole('heading', {name: '办理进度', exact: true}).waitFor();
  assert.equal(await summary.isVisible(), false);
  assert.match(await page.locator('#result-state').textContent(), /反馈（已答复，请您评价）/);
  const steps = page.locator('#result-steps li');
  assert.deepEqual((await steps.allTextContents()).map((s) => s.replace(/\s+/g, '')),
    ['✓登记已完成', '✓梳理已完成', '✓处理已完成', '4反馈进行中', '5评议未开始']);
  assert.equal(await steps.nth(3).getAttribute('aria-current'), 'step');
  await page.locator('#result').getByText('经核实，该路段人行道将于明年三月前完成翻修。').first().waitFor();

  // the public timeline, in Beijing time whatever the phone's zone
  const view = (await server.call(null, 'GET', `/api/v1/track/${sent.tracking_code}?phone4=5566`)).body;
  const items = page.locator('#result .pub-timeline li');
  assert.equal(await items.count(), view.timeline.length);
  assert.deepEqual(view.timeline.map((e) => e.action), ['register', 'triage', 'keep', 'answer']);
  const texts = await items.allTextContents();
  ['收到留言，已登记', '已梳理', '留作参考', '已答复'].forEach((words, i) => assert.match(texts[i], new RegExp(words)));
  for (const [i, e] of view.timeline.entries()) {
    const {date, time} = beijing(e.at);
    assert.ok(texts[i].includes(date) && texts[i].includes(time), `"${texts[i]}" is at ${date} ${time} Beijing time`);
    assert.match(await items.nth(i).locator('time').getAttribute('datetime'), /\+08:00$/);
  }
  assert.ok(!(await page.locator('main').textContent()).includes('已列入明年道路改造计划'), 'a staff reason stays inside');

  // the rating: a choice is needed; 不满意 reopens it
  const rating = page.getByRole('region', {name: '评价答复'});
  await rating.getByRole('button', {name: '提交评价'}).click();
  await page.locator('#rate-errors').getByText('您对答复满意吗？：请选择满意、基本满意或不满意').waitFor();
  assert.equal(await rating.getByRole('radio', {name: '不满意'}).getAttribute('aria-invalid'), 'true');
  await rating.getByRole('radio', {name: '不满意'}).check();
  await rating.getByLabel(/意见或说明/).fill('翻修太晚了，希望今年就修。');
  await page.screenshot({path: '/tmp/opinion-track.png', fullPage: true});
  await rating.getByRole('button', {name: '提交评价'}).click();

  await page.locator('#result-notice').getByText('您的评价是“不满意”，此事项已重新办理。处理后会再次答复您。').waitFor();
  assert.match(await page.locator('#result-state').textContent(), /处理（您对答复不满意，正在重新办理）/);
  assert.equal(await steps.nth(2).getAttribute('aria-current'), 'step');
  assert.equal(await rating.isVisible(), false, 'nothing left to rate');
  assert.match(await items.last().textContent(), /评价不满意，重新办理.*翻修太晚了，希望今年就修。/);
  await page.getByRole('heading', {name: '此前的答复'}).waitFor();

  const after = await staffView(sent.id);
  assert.equal(after.state, 'in_progress');
  assert.equal(after.reopens, 1);
  assert.equal(after.rating, 'unsatisfied');
  assert.equal(after.rating_comment, '翻修太晚了，希望今年就修。');
  assertNoProblems(page);
  await page.close();
});

/* ---- layout -------------------------------------------------------------------------------------- */

test('the_form_the_receipt_and_the_tracking_page_fit_360px_in_large_text_and_in_english', {timeout: 90000}, async (t) => {
  const sent = await sendByApi('南门菜场周边早上堵车严重，希望错峰卸货。', '13700001234');
  await answer(sent.id, '已协调市场管理方，卸货时间调整到早上六点以前。');
  const page = await openPage();
  const check = async (what) => {
    const problems = await layoutProblems(page);
    assert.deepEqual(problems, [], `${what}: ${problems.join('; ')}`);
  };

  await page.goto(`${base}/deputy.html?id=${data.deputy.id}`);
  await page.getByRole('link', {name: '给代表留言'}).waitFor();
  await check('the deputy page');
  await page.goto(`${base}/write.html?deputy=${data.deputy.id}`);
  await waitForForm(page);
  await check('the form');
  await page.getByRole('button', {name: '发送留言'}).click();
  await page.locator('#write-errors').getByRole('heading').waitFor();
  await check('the form with its errors');
  await page.getByRole('button', {name: 'English'}).click();
  await page.locator('#write-errors').getByRole('heading', {name: /problems/}).waitFor();
  await check('the form in English');
  await page.getByRole('button', {name: '中文'}).click();

  t.diagnostic(`large text: ${await largeText(page)}`);
  await check('the form with its errors at 200 %');
  await page.screenshot({path: '/tmp/opinion-write-200.png', fullPage: true});
  await page.getByRole('button', {name: 'English'}).click();
  await check('the form in English at 200 %');
  await page.getByRole('button', {name: '中文'}).click();
  await fill(page, {category: '治安', content: '夜里有人在河边烧垃圾。'});
  await page.getByRole('button', {name: '发送留言'}).click();
  await page.getByRole('heading', {name: '留言已发送'}).waitFor();
  await page.getByText('请务必保存查询密码').waitFor();
  assert.match(await page.locator('#receipt-token-text').textContent(), /^[A-Z0-9]{4} [A-Z0-9]{4} [A-Z0-9]{4}$/);
  await check('the receipt with a password at 200 %');

  await page.goto(`${base}/track.html?code=${sent.tracking_code}`);
  await largeText(page);
  await page.getByLabel('电话号码后四位或查询密码').fill('1234');
  await page.getByRole('button', {name: '查询', exact: true}).click();
  await page.getByRole('region', {name: '评价答复'}).waitFor();
  await check('the tracking page at 200 %');
  await page.screenshot({path: '/tmp/opinion-track-200.png', fullPage: true});
  await page.getByRole('button', {name: 'English'}).click();
  await page.getByRole('heading', {name: 'Rate the answer'}).waitFor();
  await check('the tracking page in English at 200 %');
  assertNoProblems(page);
  await page.close();
});

/* ---- too many ------------------------------------------------------------------------------------ */

test('too_many_messages_from_one_address_say_how_long_to_wait_and_keep_what_was_written', {timeout: 60000}, async () => {
  // this address uses up its messages for the minute (the limit is FORM_LIMIT), well inside the
  // window, so that the visitor's message below is the one too many
  await until('a full minute of messages from this address', async () => {
    const res = await fetch(`${base}/api/v1/opinions`, {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({deputy_id: data.deputy.id, category: 'other', content: '这一分钟里的又一条留言。',
        region: data.township.code})});
    return res.status === 429 && Number(res.headers.get('retry-after')) >= 10;
  }, 30000);

  const page = await openPage(['429 /api/v1/opinions']);
  await page.goto(`${base}/write.html?deputy=${data.deputy.id}`);
  await waitForForm(page);
  await fill(page, {category: '其他', content: '同一分钟里的又一条留言。'});
  await page.getByRole('button', {name: '发送留言'}).click();
  const summary = page.locator('#write-errors');
  await summary.getByText(/发送太频繁了，请在 \d+ 秒后再试。您填写的内容仍然保留。/).waitFor();
  assert.ok(await summary.evaluate((el) => el === document.activeElement));
  assert.equal(await page.getByLabel(/^留言内容/).inputValue(), '同一分钟里的又一条留言。');
  assert.equal(await page.locator('#receipt').isVisible(), false);
  assertNoProblems(page);
  await page.close();
});
