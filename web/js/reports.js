/* reports: 统计与台账 in the workspace - for a station and a period, the figures of its opinions
 * (GET /api/v1/stats?station=: collected, answered, feedback rate, satisfaction, overdue) with a
 * bar per category, and links to its three record books (book.html). Staff see their own
 * stations, admins every station of their region. */

import './strings/reports.js';
import {t, getLang} from './i18n.js';
import {api} from './api.js';
import {$, h} from './dom.js';
import {loadAll} from './inbox_common.js';
import * as compliance from './compliance.js';

const BOOKS = ['reception', 'opinions', 'feedback'];
const FIGURES = ['collected', 'answered', 'feedback_rate', 'rated', 'satisfaction_rate', 'overdue'];

const state = {me: null, stations: [], stats: null, onSessionLost: () => {}};

function percent(rate) {
  return rate === null || rate === undefined ? t('reports.no_rate') : `${Math.round(rate * 1000) / 10}%`;
}

function period() {
  const q = {};
  for (const name of ['from', 'to'])
    if ($(`reports-${name}`).value)
      q[name] = $(`reports-${name}`).value;
  return q;
}

function bookLinks(station) {
  const q = new URLSearchParams({station: String(station), ...period()});
  return h('ul', {class: 'reports-books'}, BOOKS.map((book) => {
    q.set('book', book);
    return h('li', null, h('a', {href: `/book.html?${q}`}, t(`reports.book.${book}`)));
  }));
}

/* A bar per category, its length the share of the largest; the number is always written. */
function categoryBars(items) {
  const max = Math.max(1, ...items.map((c) => c.collected));
  const en = getLang() === 'en';
  return h('table', {class: 'reports-bars'},
    h('caption', null, t('reports.by_category')),
    h('thead', null, h('tr', null, h('th', {scope: 'col'}, t('reports.category')), h('th', {scope: 'col'}, t('reports.count')))),
    h('tbody', null, items.map((c) => h('tr', null,
      h('th', {scope: 'row'}, en && c.name_en ? c.name_en : c.name),
      h('td', null, h('span', {class: 'bar', 'data-share': String(Math.round((c.collected / max) * 10))}), ` ${c.collected}`)))));
}

function render() {
  compliance.render();
  const root = $('reports-result');
  if (!state.stats) {
    root.replaceChildren();
    return;
  }
  const totals = state.stats.totals;
  const rows = FIGURES.map((key) => h('div', null, h('dt', null, t(`reports.${key}`)),
    h('dd', null, key.endsWith('_rate') ? percent(totals[key]) : String(totals[key]))));
  root.replaceChildren(
    h('h3', null, t('reports.figures')),
    h('dl', {class: 'reports-figures'}, rows),
    state.stats.by_category.length ? categoryBars(state.stats.by_category) : null,
    h('h3', null, t('reports.books')),
    bookLinks(state.stats.station_id));
}

async function count() {
  const station = $('reports-station').value;
  if (!station)
    return;
  $('reports-status').textContent = t('reports.loading');
  try {
    const q = new URLSearchParams({station, ...period()});
    state.stats = await api('GET', `/api/v1/stats?${q}`);
    $('reports-status').textContent = '';
  } catch (err) {
    if (err.status === 401)
      return state.onSessionLost();
    state.stats = null;
    $('reports-status').textContent = t('reports.error', {message: err.message});
  }
  render();
}

async function loadStations(me) {
  if (me.role === 'admin')
    return loadAll('stations', {region: me.region});
  const own = await Promise.all((me.stations || []).map((id) => api('GET', `/api/v1/stations/${id}`).catch(() => null)));
  return own.filter(Boolean);
}

export async function show(me, {onSessionLost}) {
  state.me = me;
  state.onSessionLost = onSessionLost;
  $('reports-view').hidden = false;
  compliance.show(me, {onSessionLost});
  const year = new Date().getFullYear();
  $('reports-from').value = `${year}-01-01`;
  state.stations = await loadStations(me).catch(() => []);
  const select = $('reports-station');
  select.replaceChildren(...state.stations.map((s) => h('option', {value: String(s.id)}, s.name)));
  $('reports-form').hidden = state.stations.length === 0;
  $('reports-status').textContent = state.stations.length ? '' : t('reports.none');
  if (state.stations.length)
    count();
}

export function hide() {
  $('reports-view').hidden = true;
  compliance.hide();
  state.stats = null;
  render();
}

export function init() {
  $('reports-form').addEventListener('submit', (event) => {
    event.preventDefault();
    count();
  });
}

export {render};
