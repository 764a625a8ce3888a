/* book: a station's record book (book.html?station=N&book=feedback&from=&to=) as a table to read,
 * print (css/book.css: A4 landscape) or download as Excel or CSV from the same API. */

import './strings/book.js';
import {initI18n, t, getLang} from './i18n.js';
import {api} from './api.js';
import {$, h, idParam} from './dom.js';

const params = new URLSearchParams(window.location.search);
const station = idParam('station');
let last = null; /* the book shown, to redraw on a language switch */

function query(format) {
  const q = new URLSearchParams();
  for (const name of ['from', 'to'])
    if ($(`book-${name}`).value)
      q.set(name, $(`book-${name}`).value);
  if (format)
    q.set('format', format);
  if (getLang() === 'en')
    q.set('lang', 'en');
  return `/api/v1/stations/${station}/books/${$('book-kind').value}?${q}`;
}

function render() {
  if (!last)
    return;
  const english = getLang() === 'en';
  $('book-title').textContent = english ? last.title_en : last.title;
  const period = last.period === '~' ? t('book.all_time') : last.period;
  $('book-meta').textContent = `${t('book.meta', {station: last.station.name, period})} · ${t('book.count', {n: last.rows.length})}`;
  const head = $('book-table').tHead;
  head.replaceChildren(h('tr', null, last.columns.map((c) => h('th', {scope: 'col'}, c.label))));
  const body = $('book-table').tBodies[0];
  body.replaceChildren(...(last.rows.length ? last.rows.map((row) => h('tr', null, row.map((v) => h('td', null, v))))
    : [h('tr', null, h('td', {colspan: String(last.columns.length)}, t('book.empty')))]));
}

async function show() {
  $('book-print').disabled = true;
  $('book-status').textContent = t('book.loading');
  for (const format of ['xlsx', 'csv'])
    $(`book-${format}`).href = query(format);
  try {
    last = await api('GET', query(null));
    $('book-status').textContent = '';
    render();
    $('book-print').disabled = false;
  } catch (err) {
    last = null;
    $('book-status').textContent = t('book.error', {message: err.message});
  }
}

function start() {
  initI18n();
  for (const name of ['book', 'from', 'to']) {
    const v = params.get(name);
    if (v)
      $(name === 'book' ? 'book-kind' : `book-${name}`).value = v;
  }
  document.addEventListener('langchange', () => (station ? show() : null));
  $('book-print').addEventListener('click', () => window.print());
  $('book-form').addEventListener('submit', (event) => {
    event.preventDefault();
    show();
  });
  if (!station) {
    $('book-status').textContent = t('book.no_station');
    return;
  }
  show();
}

start();
