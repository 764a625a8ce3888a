// Browser journeys through the registry's sheets (web/js/registry.js): an admin on a phone
// exports the stations sheet (its headers are the form's labels), and imports one made in Excel's
// Chinese default encoding (GB18030) - first with bad rows, reported line by line with nothing
// saved, then checked only, then for real, when the records it made are listed under the counts.
// A real `liaison serve` with a fresh demo database (tests/e2e/lib/server.mjs).
//
// Env (set by ctest): LIAISON_BIN (the binary), LIAISON_WEB_DIR (web/).
// Screenshot for a human to judge the error report at 390x844: /tmp/import-errors.png.

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {startServer, launchBrowser, until, assertNoProblems, DEMO_ADMIN, PHONE} from './lib/server.mjs';

const IMPORT = '/api/v1/stations/import';
const NAMES = ['导入测试甲站', '导入测试乙点', '导入测试丙站'];

let server;
let base;
let browser;

const data = {
  admin: null,     // {cookie, csrf, user}
  region: null,    // the admin's region, from the session
  hub: null,       // a station of the region a spoke can hang from
  unknown: null    // a well-formed region code in the admin's subtree that names no region
};

before(async () => {
  server = await startServer();
  base = server.base;
  data.admin = await server.signIn(DEMO_ADMIN);
  data.region = data.admin.user.region;

  const stations = await server.call(null, 'GET', `/api/v1/stations?region=${data.region}&limit=100`);
  data.hub = stations.body.items.find((s) => s.kind === 'hub' || s.kind === 'home');
  if (!data.hub) {
    const made = await server.call(data.admin, 'POST', '/api/v1/stations', {name: '导入测试总站', kind: 'hub', region: data.region});
    assert.equal(made.status, 201);
    data.hub = made.body;
  }
  // a township code under the admin's county that is not on the map
  const county = data.region.slice(0, 6);
  for (const n of [999, 998, 997, 996]) {
    const code = `${county}${n}000`;
    if ((await server.call(null, 'GET', `/api/v1/regions/${code}`)).status === 404) {
      data.unknown = code;
      break;
    }
  }
  assert.ok(data.unknown, 'an unknown region code to put in the sheet');
  browser = await launchBrowser(server);
});

after(async () => {
  if (browser)
    await browser.close();
  if (server) {
    const end = await server.close();
    // a clean exit on SIGTERM (under ASan: no leak or memory error on the way)
    assert.deepEqual(end, {code: 0, signal: null}, `the server ended badly\n${server.log()}`);
  }
});

function openPage(expectedFailures = []) {
  return browser.openPage(PHONE, expectedFailures);
}

async function signInAsAdmin(page) {
  await page.goto(`${base}/staff/`);
  const form = page.locator('#login-form');
  await form.getByLabel('用户名').fill(DEMO_ADMIN.username);
  await form.getByLabel('密码', {exact: true}).fill(DEMO_ADMIN.password);
  await form.getByRole('button', {name: '登录'}).click();
  await page.getByRole('heading', {name: '名册管理'}).waitFor();
  await page.locator('#registry-body tr').first().waitFor();
}

// A sheet as Excel on a Chinese Windows saves it: GB18030, CRLF line ends, Chinese headers.
function gb18030Sheet(name, rows) {
  const text = ['名称,类型,地区,所属联络站,地址,开放时间', ...rows.map((r) => r.join(','))].join('\r\n') + '\r\n';
  const bytes = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030'], {input: Buffer.from(text, 'utf8')});
  assert.ok(!bytes.equals(Buffer.from(text, 'utf8')), 'the sheet is not UTF-8 any more');
  const path = join(server.dir, name);
  writeFileSync(path, bytes);
  return path;
}

// Three new stations; bad = true breaks the second (a spoke with no hub) and the third (a region
// that does not exist).
function stationRows(bad) {
  return [
    [NAMES[0], 'hub', data.region, '', '导入路 1 号', '周一至周五 9:00-17:00'],
    [NAMES[1], 'spoke', data.region, bad ? '' : String(data.hub.id), '导入路 2 号', ''],
    [NAMES[2], 'home', bad ? data.unknown : data.region, '', '', '每月 15 日']
  ];
}

async function importedOnServer() {
  const res = await server.call(null, 'GET', `/api/v1/stations?region=${data.region}&q=${encodeURIComponent('导入测试')}&limit=100`);
  assert.equal(res.status, 200);
  return res.body.items.filter((s) => NAMES.includes(s.name));
}

function sheet(page) {
  return page.getByRole('region', {name: '表格导入导出'});
}

async function upload(page, path, {dryRun = false} = {}) {
  const box = sheet(page);
  await box.getByLabel('选择表格文件（CSV）').setInputFiles(path);
  await box.getByLabel('只检查（不保存）').setChecked(dryRun);
  await box.getByRole('button', {name: '导入表格'}).click();
}

test('admin_exports_the_stations_sheet_as_a_csv_with_a_bom_and_chinese_headers', {timeout: 30000}, async () => {
  const page = await openPage();
  await signInAsAdmin(page);
  const link = sheet(page).getByRole('link', {name: '导出表格'});
  assert.equal(await link.getAttribute('href'), '/api/v1/stations/export.csv');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.match(download.suggestedFilename(), /^stations-\d{12}\.csv$/);
  const bytes = readFileSync(await download.path());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 byte-order mark, for Excel');
  const text = bytes.subarray(3).toString('utf8');
  assert.match(text, /^编号,名称,类型,地区,/);
  assert.ok(text.includes(`\r\n${data.hub.id},${data.hub.name},`), 'the region\'s stations are in it');
  // every column is headed as the form labels its field
  const header = text.slice(0, text.indexOf('\r\n')).split(',');
  const form = await page.locator('#registry-form [data-field-label]').allTextContents();
  for (const label of ['名称', '类型', '地区', '所属联络站', '地址', '开放时间'])
    assert.ok(header.includes(label) && form.includes(label), `${label} heads a column and labels a field`);
  assert.ok(!header.includes('所属站点'), 'not the old header');
  assertNoProblems(page);
  await page.close();
});

test('gb18030_sheet_with_two_bad_rows_shows_both_errors_by_line_and_creates_nothing', {timeout: 30000}, async () => {
  const page = await openPage([`422 ${IMPORT}`]);
  await signInAsAdmin(page);
  const path = gb18030Sheet('bad.csv', stationRows(true));

  // while the sheet is on its way the button is busy and a progress bar shows
  let release;
  const held = new Promise((ok) => { release = ok; });
  let passed = null;
  await page.route(`**${IMPORT}*`, (route) => {
    passed = held.then(() => route.continue());
    return passed;
  });
  await upload(page, path);
  const box = sheet(page);
  const button = box.getByRole('button', {name: '正在导入…'});
  await button.waitFor();
  assert.equal(await button.getAttribute('aria-disabled'), 'true');
  assert.equal(await box.locator('progress').isVisible(), true, 'a progress bar while in flight');
  assert.ok(passed, 'the sheet was sent');
  release();
  await passed;
  await page.unroute(`**${IMPORT}*`);

  const report = page.locator('#registry-import-result');
  assert.equal(await report.getAttribute('aria-live'), 'polite');
  await report.getByText('表格中有 2 处问题，没有导入任何内容。请改正后重新上传。').waitFor();
  assert.equal(await box.locator('progress').isVisible(), false, 'the progress bar goes');
  assert.equal(await box.getByRole('button', {name: '导入表格'}).getAttribute('aria-disabled'), null);
  const table = report.getByRole('table', {name: '表格中的问题'});
  assert.deepEqual(await table.locator('thead th').allTextContents(), ['行', '列', '问题']);
  const rows = await table.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
  assert.deepEqual(rows, [
    ['3', '所属联络站', '代表联络室/联络点须选择所属的联络站'],
    ['4', '地区', `没有这个地区：${data.unknown}`]
  ]);
  assert.deepEqual(await importedOnServer(), [], 'nothing of the sheet was saved');
  await box.screenshot({path: '/tmp/import-errors.png'});

  // the report follows the language switch
  await page.getByRole('button', {name: 'English'}).click();
  await report.getByText('The sheet has 2 problems; nothing was imported.', {exact: false}).waitFor();
  await report.getByRole('table', {name: 'Problems in the sheet'}).getByText('a liaison point needs the station it belongs to').waitFor();
  await page.getByRole('button', {name: '中文'}).click();

  // and the list shows none of them either
  await page.getByRole('searchbox', {name: '按名称查找联络站'}).fill('导入测试');
  await page.getByRole('button', {name: '查找', exact: true}).click();
  await page.locator('#registry-list-status').getByText('没有找到含“导入测试”的记录。').waitFor();
  assertNoProblems(page);
  await page.close();
});

test('dry_run_of_the_fixed_sheet_shows_the_counts_and_creates_nothing', {timeout: 30000}, async () => {
  const page = await openPage();
  await signInAsAdmin(page);
  const sent = page.waitForRequest((req) => new URL(req.url()).pathname === IMPORT);
  await upload(page, gb18030Sheet('fixed.csv', stationRows(false)), {dryRun: true});
  const req = await sent;
  assert.equal(new URL(req.url()).search, '?dry_run=true');
  assert.equal(req.headers()['content-type'], 'text/csv');
  assert.ok(req.headers()['x-csrf-token'], 'the session\'s CSRF token goes with it');
  assert.ok(req.postDataBuffer().equals(readFileSync(join(server.dir, 'fixed.csv'))), 'the file\'s bytes, as they are');

  await page.locator('#registry-import-result')
    .getByText('检查通过，尚未保存：导入后将新增 3 条，更新 0 条（编码：GB18030）。').waitFor();
  assert.deepEqual(await importedOnServer(), [], 'a dry run saves nothing');
  assertNoProblems(page);
  await page.close();
});

test('fixed_sheet_adds_three_stations_that_then_appear_in_the_list', {timeout: 30000}, async () => {
  const page = await openPage();
  await signInAsAdmin(page);
  const answered = page.waitForResponse((res) => new URL(res.url()).pathname === IMPORT);
  await upload(page, gb18030Sheet('fixed.csv', stationRows(false)));
  const ids = (await (await answered).json()).ids;
  await page.locator('#registry-import-result').getByText('导入完成：新增 3 条，更新 0 条（编码：GB18030）。').waitFor();
  assert.equal(await sheet(page).getByLabel('选择表格文件（CSV）').inputValue(), '', 'the file is not offered twice');

  // the records the import made are listed under the counts, in the sheet's order
  const made = page.getByRole('list', {name: '本次导入的记录：'});
  await made.getByRole('listitem').nth(2).waitFor();
  assert.deepEqual(await made.getByRole('listitem').evaluateAll((items) => items.map((li) => li.dataset.id)),
    ids.map(String));
  assert.deepEqual((await made.getByRole('listitem').allTextContents()).map((x) => x.replace(/^\d+\s*/, '')), NAMES);

  await page.getByRole('searchbox', {name: '按名称查找联络站'}).fill('导入测试');
  await page.getByRole('button', {name: '查找', exact: true}).click();
  await until('the three stations listed', async () => {
    const names = await page.locator('#registry-body th[scope="row"]').allTextContents();
    return NAMES.every((n) => names.some((x) => x.includes(n)));
  });
  const saved = await importedOnServer();
  assert.deepEqual(saved.map((s) => s.name).sort(), [...NAMES].sort());
  const spoke = saved.find((s) => s.name === NAMES[1]);
  assert.equal(spoke.kind, 'spoke');
  assert.equal(spoke.hub_id, data.hub.id);
  assert.equal(saved.find((s) => s.name === NAMES[0]).address, '导入路 1 号', 'Chinese text survives GB18030');
  assertNoProblems(page);
  await page.close();
});

test('exported_sheet_checks_back_in_unchanged_as_updates_only', {timeout: 30000}, async () => {
  const page = await openPage();
  await signInAsAdmin(page);
  const [download] = await Promise.all([page.waitForEvent('download'),
    sheet(page).getByRole('link', {name: '导出表格'}).click()]);
  const path = await download.path();
  const records = readFileSync(path).toString('utf8').split('\r\n').filter(Boolean).length - 1;
  await upload(page, path, {dryRun: true});
  await page.locator('#registry-import-result')
    .getByText(`检查通过，尚未保存：导入后将新增 0 条，更新 ${records} 条（编码：UTF-8）。`).waitFor();
  assertNoProblems(page);
  await page.close();
});

test('a_spreadsheet_file_or_a_sheet_over_5_mib_is_refused_before_it_is_sent', {timeout: 30000}, async () => {
  const page = await openPage();
  await signInAsAdmin(page);
  const sent = [];
  page.on('request', (req) => {
    if (new URL(req.url()).pathname === IMPORT)
      sent.push(req.url());
  });
  const box = sheet(page);
  const file = box.getByLabel('选择表格文件（CSV）');

  await box.getByRole('button', {name: '导入表格'}).click();
  await page.locator('#registry-import-result').getByText('请先选择表格文件。').waitFor();
  assert.equal(await file.getAttribute('aria-invalid'), 'true');
  assert.ok(await file.evaluate((el) => el === document.activeElement), 'focus goes to the file input');

  await file.setInputFiles({name: '联络站.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: Buffer.from('PK\x03\x04 not a CSV sheet')});
  await box.getByRole('button', {name: '导入表格'}).click();
  await page.locator('#registry-import-result').getByText('只能导入 CSV 表格', {exact: false}).waitFor();

  const big = Buffer.alloc(5 * 1024 * 1024 + 1, 'a');
  await file.setInputFiles({name: 'big.csv', mimeType: 'text/csv', buffer: big});
  await box.getByRole('button', {name: '导入表格'}).click();
  await page.locator('#registry-import-result').getByText('表格超过 5 MiB，请分成几个文件分别导入。').waitFor();
  assert.deepEqual(sent, [], 'nothing was sent');
  assertNoProblems(page);
  await page.close();
});
