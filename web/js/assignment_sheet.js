/* assignment_sheet: 交办单 (assignment-sheet.html?unit=N&from=YYYY-MM-DD) - the suggestions assigned
 * to one unit in the two weeks from a day (GET /api/v1/suggestions/sheet), as a table to read,
 * print (css/book.css: A4 landscape, with a line to sign for receipt) or download as .xlsx from
 * the same API. The office picks any unit of its region; a unit's account sees its own. */

import './strings/suggestions.js';
import {initI18n, t} from './i18n.js';
import {api} from './api.js';
import {$, h, idParam} from './dom.js';
import {loadAll} from './inbox_common.js';
import {sw, beijingDate, problemText} from './suggestions_common.js';

const COLUMNS = ['sg.col.number', 'sg.col.title', 'sg.col.deputy', 'sg.col.role', 'sg.col.key', 'sg.col.assigned_at',
  'sg.col.due'];

let last = null; /* the sheet shown, to redraw on a language switch */

function monday() {
  const now = new Date(Date.now() + 8 * 3600 * 1000);
  return new Date(now.getTime() - ((now.getUTCDay() + 6) % 7) * 86400 * 1000).toISOString().slice(0, 10);
}

/* A day as the sheet gives it: 'YYYY-MM-DD', or UTC seconds shown as the Beijing day. */
function day(v) {
  return typeof v === 'number' ? beijingDate(v) : String(v || '');
}

function query() {
  return new URLSearchParams({unit: $('sheet-unit').value, from: $('sheet-from').value || monday()});
}

function render() {
  if (!last)
    return;
  $('sheet-meta').textContent = t('sg.sheet.meta', {unit: last.unit ? last.unit.name : '', from: last.from, to: last.to,
    n: last.items.length});
  $('sheet-table').tHead.replaceChildren(h('tr', null, COLUMNS.map((k) => h('th', {scope: 'col'}, t(k)))));
  const rows = last.items.map((s) => h('tr', null,
    h('td', {class: 'nowrap'}, s.number_text || ''),
    h('td', null, s.title),
    h('td', null, typeof s.deputy === 'string' ? s.deputy : (s.deputy && s.deputy.name) || ''),
    h('td', null, sw('role', s.role)),
    h('td', null, s.key ? t('sg.key') : ''),
    h('td', {class: 'nowrap'}, day(s.assigned_at ?? s.assigned)),
    h('td', {class: 'nowrap'}, day(s.due))));
  $('sheet-table').tBodies[0].replaceChildren(...(rows.length ? rows
    : [h('tr', null, h('td', {colspan: String(COLUMNS.length)}, t('sg.sheet.empty')))]));
}

async function show() {
  $('sheet-print').disabled = true;
  if (!$('sheet-unit').value)
    return;
  $('sheet-status').textContent = t('inbox.loading');
  $('sheet-xlsx').href = `/api/v1/suggestions/sheet.xlsx?${query()}`;
  try {
    last = await api('GET', `/api/v1/suggestions/sheet?${query()}`);
    $('sheet-status').textContent = '';
    render();
    $('sheet-print').disabled = false;
  } catch (err) {
    last = null;
    $('sheet-status').textContent = problemText(err);
  }
}

async function start() {
  initI18n();
  const params = new URLSearchParams(window.location.search);
  $('sheet-from').value = /^\d{4}-\d{2}-\d{2}$/.test(params.get('from') || '') ? params.get('from') : monday();
  document.addEventListener('langchange', render);
  $('sheet-print').addEventListener('click', () => window.print());
  $('sheet-form').addEventListener('submit', (event) => {
    event.preventDefault();
    show();
  });
  let me = null;
  try {
    me = (await api('GET', '/api/v1/session')).user;
  } catch (err) {
    $('sheet-status').textContent = problemText(err);
    return;
  }
  if (!me) {
    $('sheet-status').textContent = t('error.unauthenticated');
    return;
  }
  const select = $('sheet-unit');
  if (me.role === 'unit') {
    select.replaceChildren(h('option', {value: String(me.unit_id)}, String(me.unit_id)));
    $('sheet-unit-box').hidden = true;
  } else {
    const units = await loadAll('units', {region: me.region}).catch(() => []);
    select.replaceChildren(...units.map((u) => h('option', {value: String(u.id)}, u.name)));
    const wanted = idParam('unit');
    if (wanted && units.some((u) => String(u.id) === wanted))
      select.value = wanted;
  }
  show();
}

start();
