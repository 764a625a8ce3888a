// The export buttons of a staff list (web/js/export.js) in the opinions inbox: the admin filters
// the inbox to the open items, exports them to Excel and to CSV, sees the progress bar reach its
// end, and gets files holding exactly the rows of the list with those filters (the CSV's ids
// against GET /api/v1/opinions with the same query; the workbook is a real zip whose sheet holds
// as many rows).
// Env (set by ctest): LIAISON_BIN (the binary), LIAISON_WEB_DIR (web/).

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {inflateRawSync} from 'node:zlib';
import {startServer, launchBrowser, signInPage, assertNoProblems, closeAll, DEMO_ADMIN} from './lib/server.mjs';

let server, browser, page, admin;

before(async () => {
  server = await startServer({args: ['--rate-limits=off']});
  browser = await launchBrowser(server);
  admin = await server.signIn(DEMO_ADMIN);
});

after(async () => {
  await closeAll(browser, server);
});

async function listedIds(query) {
  const ids = [];
  let next = null;
  do {
    const page = await server.expect(admin, 'GET', `/api/v1/opinions?limit=100&${query}${next ? `&after=${next}` : ''}`);
    ids.push(...page.items.map((o) => o.id));
    next = page.next;
  } while (next);
  return ids;
}

// A member of a zip archive, through its central directory.
function zipMember(zip, name) {
  let end = zip.length - 22;
  while (end > 0 && zip.readUInt32LE(end) !== 0x06054b50)
    end--;
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < zip.readUInt16LE(end + 10); i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    if (zip.toString('utf8', at + 46, at + 46 + nameLength) === name) {
      const local = zip.readUInt32LE(at + 42);
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + zip.readUInt32LE(at + 20));
      return zip.readUInt16LE(at + 10) === 0 ? data : inflateRawSync(data);
    }
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  throw new Error(`${name} is not in the workbook`);
}

async function exportFrom(format) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator(`#inbox-browse button[data-format="${format}"]`).click()
  ]);
  const path = await download.path();
  await page.locator('.export-status', {hasText: '导出完成'}).waitFor();
  const bar = page.locator('#inbox-browse progress.export-progress');
  assert.equal(await bar.getAttribute('aria-valuenow'), '100');
  return {name: download.suggestedFilename(), bytes: readFileSync(path), path};
}

test('the open opinions export to Excel and CSV with the rows of the list', {timeout: 60000}, async () => {
  page = await browser.openPage();
  await signInPage(page, server.base, DEMO_ADMIN);
  await page.locator('#inbox-list li').first().waitFor();
  const expected = await listedIds('state=open');
  assert.ok(expected.length > 0);

  const xlsx = await exportFrom('xlsx');
  assert.match(xlsx.name, /^opinions-\d{12}\.xlsx$/);
  assert.equal(xlsx.bytes.subarray(0, 4).toString('binary'), 'PK\x03\x04');
  const sheet = zipMember(xlsx.bytes, 'xl/worksheets/sheet1.xml').toString('utf8');
  const ids = [...sheet.matchAll(/<c r="A(\d+)"[^>]*><v>(\d+)<\/v>/g)].filter((m) => m[1] !== '1').map((m) => Number(m[2]));
  assert.deepEqual(ids, expected);

  const csv = await exportFrom('csv');
  const lines = csv.bytes.toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.deepEqual(lines.slice(1).map((line) => Number(line.split(',')[0])), expected);
  assertNoProblems(page);
});
