/* digest_sheet: what the digest page (digest.js) and the batch referral page (batch_referral.js)
 * share - the form of region and week or half month (taken from and kept in the address), the
 * session check, the fetch from the API, the Excel link to the same query and printing. */

import './strings/book.js';
import './strings/digest.js';
import {initI18n, t} from './i18n.js';
import {api} from './api.js';
import {$, h} from './dom.js';
import {problemText} from './suggestions_common.js';

/* A table of headers (i18n keys) and rows of cells (text). */
export function table(headers, rows, emptyKey) {
  return h('div', {class: 'table-scroll', role: 'region', tabindex: '0'},
    h('table', null,
      h('thead', null, h('tr', null, headers.map((k) => h('th', {scope: 'col'}, t(k))))),
      h('tbody', null, rows.length ? rows.map((cells) => h('tr', null, cells.map((c) => h('td', null, String(c ?? '')))))
        : h('tr', null, h('td', {colspan: String(headers.length)}, t(emptyKey))))));
}

/* Runs a sheet page: param is 'week' or 'period', fallback() its default, path the API route
 * (its .xlsx beside it), render(data) draws #sheet-body and #sheet-meta. */
export function startSheet({param, input, fallback, path, render}) {
  let last = null;
  const query = () => new URLSearchParams({region: $('digest-region').value, [param]: $(input).value || fallback()});
  const draw = () => {
    if (last)
      render(last);
  };
  async function show() {
    $('sheet-print').disabled = true;
    $('sheet-status').textContent = t('digest.loading');
    const q = query();
    $('sheet-xlsx').href = `${path}.xlsx?${q}`;
    window.history.replaceState(null, '', `?${q}`);
    try {
      last = await api('GET', `${path}?${q}`);
      $('sheet-status').textContent = '';
      draw();
      $('sheet-print').disabled = false;
    } catch (err) {
      last = null;
      $('sheet-body').replaceChildren();
      $('sheet-meta').textContent = '';
      $('sheet-status').textContent = problemText(err);
    }
  }
  async function start() {
    initI18n();
    const params = new URLSearchParams(window.location.search);
    $(input).value = params.get(param) || fallback();
    document.addEventListener('langchange', draw);
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
    $('digest-region').value = /^\d{12}$/.test(params.get('region') || '') ? params.get('region') : me.region;
    show();
  }
  start();
}

/* This week as ISO 2026-W47 and this half month as 2026-11-1, in Beijing time. */
export function thisWeek() {
  const now = new Date(Date.now() + 8 * 3600 * 1000);
  const day = (now.getUTCDay() + 6) % 7;
  const thursday = new Date(now.getTime() + (3 - day) * 86400 * 1000);
  const jan1 = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / (7 * 86400 * 1000)) + 1;
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

export function thisHalfMonth() {
  const now = new Date(Date.now() + 8 * 3600 * 1000);
  return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}-${now.getUTCDate() <= 15 ? 1 : 2}`;
}
