/* dashboard: 数据看板 in the workspace - the figures of a region subtree, a station and a period
 * (GET /api/v1/dashboard), each a link to the list it counts, which opens below it; the trend by
 * month and the regions below, each drawn with ECharts and given as a table too (the table is
 * the text alternative, and the way in for keyboard and screen-reader users). Clicking a region -
 * its bar or its name - shows that region; the breadcrumb goes back up.
 *
 * ECharts is loaded on first use (charts.js); if it does not load, the tables stand alone. */

import './strings/dashboard.js';
import {t} from './i18n.js';
import {api} from './api.js';
import {$, h} from './dom.js';
import {beijingTime, flagBadge, loadAll} from './inbox_common.js';
import {BASE, loadECharts, percent, trendChart, trendTable} from './charts.js';

const FIGURES = ['visitors', 'collected', 'answered', 'rated', 'satisfied', 'warn', 'overdue', 'help'];
const RATES = ['feedback_rate', 'satisfaction_rate'];
const TREND = ['collected', 'answered', 'visitors'];
const CHILD_COLUMNS = ['collected', 'answered', 'overdue', 'visitors'];
const LIST_PAGE = 50;

const state = {
  me: null,
  onSessionLost: () => {},
  openOpinion: null,
  region: null,   /* the code shown */
  data: null,     /* the last answer */
  list: null,     /* {key, path, items, next} of the list shown under the figures */
  charts: [],
  seq: 0
};

const figureLabel = (k) => t(`dash.fig.${k}`);

function lost(err) {
  if (err && err.status === 401) {
    state.onSessionLost();
    return true;
  }
  return false;
}

/* ---- the form and the breadcrumb ---------------------------------------------------------- */

function build() {
  const form = h('form', {id: 'dash-form', class: 'dash-form', novalidate: true},
    h('div', {class: 'field'},
      h('label', {for: 'dash-from', 'data-i18n': 'dash.from'}, t('dash.from')),
      h('input', {id: 'dash-from', name: 'from', type: 'date'})),
    h('div', {class: 'field'},
      h('label', {for: 'dash-to', 'data-i18n': 'dash.to'}, t('dash.to')),
      h('input', {id: 'dash-to', name: 'to', type: 'date'})),
    h('div', {class: 'field'},
      h('label', {for: 'dash-station', 'data-i18n': 'dash.station'}, t('dash.station')),
      h('select', {id: 'dash-station', name: 'station'})),
    h('button', {type: 'submit', 'data-i18n': 'dash.show'}, t('dash.show')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  $('dashboard-root').replaceChildren(
    h('nav', {id: 'dash-path', class: 'dash-path', 'aria-label': t('dash.path')}),
    form,
    h('p', {id: 'dash-status', class: 'muted', role: 'status'}),
    h('p', {id: 'dash-error', class: 'form-error', role: 'alert'}),
    h('div', {id: 'dash-body'}),
    h('section', {id: 'dash-list', class: 'dash-list', 'aria-labelledby': 'dash-list-heading', hidden: true}));
}

/* The regions from the account's own down to the one shown, each but the last a way back up. */
function renderPath() {
  const region = state.data.region;
  const own = state.me.region;
  const chain = region.path.filter((p) => p.code !== own && p.code.startsWith(prefixOf(own)));
  const steps = region.code === own ? [] : [{code: own, name: state.ownName || own}, ...chain];
  const items = steps.map((p) => h('li', null, h('a', {href: '#dashboard-heading', 'data-region': p.code,
    onclick: onDrill}, p.name)));
  items.push(h('li', {'aria-current': 'page'}, region.name));
  $('dash-path').replaceChildren(h('ol', null, items));
}

/* The significant prefix of a region code (320623000000 -> 320623). */
function prefixOf(code) {
  for (const len of [2, 4, 6, 9])
    if (/^0+$/.test(code.slice(len)))
      return code.slice(0, len);
  return code;
}

function onDrill(event) {
  event.preventDefault();
  drill(event.currentTarget.dataset.region);
}

async function drill(code) {
  state.region = code;
  $('dash-station').value = '';
  await fillStations();
  await load();
  $('dashboard-heading').focus();
}

async function fillStations() {
  const select = $('dash-station');
  const keep = select.value;
  const stations = await loadAll('stations', {region: state.region}).catch(() => []);
  select.replaceChildren(h('option', {value: '', 'data-i18n': 'dash.station.all'}, t('dash.station.all')),
    ...stations.map((s) => h('option', {value: String(s.id)}, s.name)));
  select.value = stations.some((s) => String(s.id) === keep) ? keep : '';
}

/* ---- figures ------------------------------------------------------------------------------ */

function figureCard(key, figure) {
  return h('li', {class: `dash-figure dash-figure-${key}`},
    h('a', {href: '#dash-list', class: 'dash-figure-link', 'data-key': key, onclick: onFigure},
      h('span', {class: 'dash-figure-value'}, String(figure.value)),
      h('span', {class: 'dash-figure-label'}, t(`dash.fig.${key}`))));
}

function onFigure(event) {
  event.preventDefault();
  const key = event.currentTarget.dataset.key;
  openList(key, state.data.figures[key].list);
}

function scoresBlock(scores) {
  const average = scores.average === null ? t('dash.no_rate') : String(Math.round(scores.average * 10) / 10);
  return h('section', {class: 'dash-scores', 'aria-labelledby': 'dash-scores-heading'},
    h('h3', {id: 'dash-scores-heading'}, t('dash.scores', {year: scores.year})),
    h('p', null, t('dash.scores.average', {count: scores.value, average})),
    scores.top.length ? h('table', {class: 'dash-table'},
      h('thead', null, h('tr', null, ['rank', 'deputy', 'score'].map((c) =>
        h('th', {scope: 'col'}, t(`dash.scores.${c}`))))),
      h('tbody', null, scores.top.map((s) => h('tr', null, h('td', null, String(s.rank)),
        h('th', {scope: 'row'}, s.deputy.name), h('td', null, String(s.score)))))) : null,
    h('p', null, h('a', {href: '#dash-list', 'data-key': 'scores', onclick: (event) => {
      event.preventDefault();
      openList('scores', scores.list);
    }}, t('dash.scores.list'))));
}

/* 履职义务 not met, per rule; the list of who is behind opens below like the other lists. */
function obligationsBlock(figure) {
  return h('section', {class: 'dash-scores', 'aria-labelledby': 'dash-obligations-heading'},
    h('h3', {id: 'dash-obligations-heading'}, t('dash.obligations', {year: figure.year})),
    h('ul', {class: 'dash-figures'}, figureCard('obligations', figure)),
    figure.by_rule.length ? h('table', {class: 'dash-table'},
      h('thead', null, h('tr', null, h('th', {scope: 'col'}, t('dash.obligations.rule')),
        h('th', {scope: 'col'}, t('dash.obligations.behind')))),
      h('tbody', null, figure.by_rule.map((r) => h('tr', null, h('th', {scope: 'row'}, r.name),
        h('td', null, String(r.count)))))) : null);
}

/* Suggestions handled per lead unit, a table per kind of session. */
function suggestionsBlock(figure) {
  const sessions = ['session', 'recess'].filter((k) => figure[k] && figure[k].units.length);
  if (!sessions.length)
    return null;
  return h('section', {class: 'dash-scores', 'aria-labelledby': 'dash-suggestions-heading'},
    h('h3', {id: 'dash-suggestions-heading'}, t('dash.suggestions')),
    sessions.map((k) => h('table', {class: 'dash-table'},
      h('caption', null, t(`dash.suggestions.${k}`)),
      h('thead', null, h('tr', null, ['unit', 'assigned', 'completed'].map((c) =>
        h('th', {scope: 'col'}, t(`dash.suggestions.${c}`))))),
      h('tbody', null, figure[k].units.map((u) => h('tr', null, h('th', {scope: 'row'}, u.name),
        h('td', null, String(u.assigned)), h('td', null, String(u.completed))))))));
}

/* ---- charts and their tables ----------------------------------------------------------------- */

function childrenTable(children) {
  return h('table', {id: 'dash-children-table', class: 'dash-table'},
    h('caption', null, t('dash.children.table')),
    h('thead', null, h('tr', null, h('th', {scope: 'col'}, t('dash.region')),
      CHILD_COLUMNS.map((k) => h('th', {scope: 'col'}, t(`dash.fig.${k}`))),
      h('th', {scope: 'col'}, t('dash.fig.feedback_rate')))),
    h('tbody', null, children.map((c) => h('tr', null,
      h('th', {scope: 'row'}, h('a', {href: '#dashboard-heading', 'data-region': c.code, onclick: onDrill,
        'aria-label': t('dash.drill', {name: c.name})}, c.name)),
      CHILD_COLUMNS.map((k) => h('td', null, String(c[k]))),
      h('td', null, percent(c.feedback_rate))))));
}

function disposeCharts() {
  for (const chart of state.charts)
    chart.dispose();
  state.charts = [];
}

/* Draws both charts once ECharts is there; the bars of the regions below drill down. */
async function drawCharts(seq) {
  const echarts = await loadECharts();
  if (seq !== state.seq || !state.data)
    return;
  const trendBox = $('dash-trend-chart');
  const childBox = $('dash-children-chart');
  if (!echarts) {
    trendBox.replaceChildren(h('p', {class: 'muted'}, t('dash.chart.missing')));
    return;
  }
  disposeCharts();
  state.charts.push(trendChart(echarts, trendBox, state.data.trends, TREND, figureLabel));
  const children = state.data.children;
  if (childBox && children.length) {
    const bars = echarts.init(childBox, null, {renderer: 'canvas'});
    bars.setOption({...BASE, grid: {left: 40, right: 16, top: 40, bottom: 60},
      xAxis: {type: 'category', data: children.map((c) => c.name), axisLabel: {rotate: 30, interval: 0}},
      yAxis: {type: 'value', minInterval: 1},
      series: ['collected', 'answered'].map((k) => ({name: t(`dash.fig.${k}`), type: 'bar',
        data: children.map((c) => c[k])}))});
    bars.on('click', (params) => {
      const child = children[params.dataIndex];
      if (child)
        drill(child.code);
    });
    state.charts.push(bars);
  }
}

function render() {
  const body = $('dash-body');
  if (!body)
    return;
  disposeCharts();
  const d = state.data;
  if (!d) {
    body.replaceChildren();
    return;
  }
  renderPath();
  const figures = d.figures;
  body.replaceChildren(
    h('h3', null, d.station ? `${d.region.name} · ${d.station.name}` : d.region.name),
    h('ul', {class: 'dash-figures', 'aria-label': t('dash.figures')},
      FIGURES.map((k) => figureCard(k, figures[k])),
      RATES.map((k) => h('li', {class: 'dash-figure dash-rate'},
        h('span', {class: 'dash-figure-value'}, percent(figures[k])),
        h('span', {class: 'dash-figure-label'}, t(`dash.fig.${k}`))))),
    scoresBlock(figures.scores),
    obligationsBlock(figures.obligations),
    suggestionsBlock(figures.suggestions),
    h('section', {class: 'dash-chart-block', 'aria-labelledby': 'dash-trend-heading'},
      h('h3', {id: 'dash-trend-heading'}, t('dash.trend')),
      h('div', {id: 'dash-trend-chart', class: 'dash-chart', 'aria-hidden': 'true'}),
      h('details', null, h('summary', null, t('dash.trend.table')),
        trendTable(d.trends, TREND, figureLabel, t('dash.trend.table')))),
    d.children.length ? h('section', {class: 'dash-chart-block', 'aria-labelledby': 'dash-children-heading'},
      h('h3', {id: 'dash-children-heading'}, t('dash.children')),
      h('div', {id: 'dash-children-chart', class: 'dash-chart', 'aria-hidden': 'true'}),
      childrenTable(d.children)) : null);
  renderList();
  drawCharts(state.seq);
}

async function load() {
  const seq = ++state.seq;
  const q = new URLSearchParams({region: state.region});
  for (const name of ['from', 'to', 'station'])
    if ($(`dash-${name}`).value)
      q.set(name, $(`dash-${name}`).value);
  $('dash-status').textContent = t('dash.loading');
  $('dash-error').textContent = '';
  try {
    const data = await api('GET', `/api/v1/dashboard?${q}`);
    if (seq !== state.seq)
      return;
    state.data = data;
    state.list = null;
    $('dash-status').textContent = '';
  } catch (err) {
    if (lost(err) || seq !== state.seq)
      return;
    state.data = null;
    $('dash-status').textContent = '';
    $('dash-error').textContent = t('dash.error', {message: err.message});
  }
  render();
}

/* ---- the list a figure counts ------------------------------------------------------------------ */

function itemView(key, item) {
  if (key === 'scores')
    return [`${item.rank}. ${item.deputy.name}`, ` · ${item.score}`];
  if (key === 'visitors')
    return [item.topic, ` · ${beijingTime(item.created_at)}`];
  if (key === 'help')
    return [item.title, ` · ${item.happened_on}`];
  if (key === 'obligations')
    return [item.name, ` · ${item.rule}`, ` · ${item.done}/${item.required}`];
  const open = state.openOpinion ? h('button', {type: 'button', class: 'link', onclick: () => state.openOpinion(item.id)},
    t('dash.list.open')) : null;
  return [h('span', {class: 'code'}, item.tracking_code), ' ', flagBadge(item.flag), ' ', item.excerpt, ' ', open];
}

/* The export of an opinion list: the same query, as a spreadsheet. */
function exportHref(path) {
  const [base, query] = path.split('?');
  return base === '/api/v1/opinions' ? `${base}/export.xlsx?${query}` : null;
}

function renderList() {
  const box = $('dash-list');
  const list = state.list;
  box.hidden = !list;
  if (!list) {
    box.replaceChildren();
    return;
  }
  const name = t(list.key === 'scores' ? 'dash.scores.list' : `dash.fig.${list.key}`, {year: ''});
  const more = h('button', {type: 'button', class: 'secondary', hidden: !list.next, onclick: () => fetchList(true)},
    t('dash.list.more'));
  const exportLink = exportHref(list.path);
  box.replaceChildren(
    h('h3', {id: 'dash-list-heading', tabindex: '-1'}, t('dash.list', {name})),
    h('p', {class: 'muted', role: 'status'}, list.items.length ? t('dash.list.count', {count: list.items.length})
      : t('dash.list.empty')),
    exportLink ? h('p', null, h('a', {href: exportLink, download: '', class: 'dash-export'}, t('dash.list.export')))
      : null,
    h('ul', {id: 'dash-list-items', class: 'dash-list-items'},
      list.items.map((item) => h('li', null, itemView(list.key, item)))),
    more,
    h('button', {type: 'button', class: 'secondary', onclick: () => {
      state.list = null;
      renderList();
      $('dash-body').querySelector(`[data-key="${list.key}"]`)?.focus();
    }}, t('dash.list.close')));
}

async function fetchList(append) {
  const list = state.list;
  const q = `${list.path}&limit=${LIST_PAGE}${append && list.next ? `&after=${list.next}` : ''}`;
  try {
    let data = await api('GET', q);
    if (state.list !== list)
      return;
    if (list.key === 'obligations') /* who is behind, rule by rule */
      data = {items: data.rules.flatMap((r) => r.behind.items.map((x) => ({...x, rule: r.rule.name}))), next: null};
    list.items = append ? list.items.concat(data.items) : data.items;
    list.next = data.next || null;
  } catch (err) {
    if (lost(err))
      return;
    $('dash-error').textContent = t('dash.error', {message: err.message});
  }
  renderList();
  if (!append)
    $('dash-list-heading').focus();
}

function openList(key, path) {
  state.list = {key, path, items: [], next: null};
  fetchList(false);
}

/* ---- entry points (staff.js) --------------------------------------------------------------------- */

export async function show(me, {onSessionLost, openOpinion} = {}) {
  state.me = me;
  state.onSessionLost = onSessionLost || (() => {});
  state.openOpinion = openOpinion || null;
  state.region = me.region;
  state.data = null;
  $('dashboard-view').hidden = false;
  build();
  await fillStations();
  await load();
  state.ownName = state.data ? state.data.region.name : me.region;
  if (state.data)
    renderPath();
}

export function hide() {
  state.me = null;
  state.data = null;
  state.list = null;
  state.seq++;
  disposeCharts();
  const view = $('dashboard-view');
  if (view) {
    view.hidden = true;
    $('dashboard-root').replaceChildren();
  }
}

/* Redraws in the current language. */
export function rerender() {
  if (state.me)
    render();
}
