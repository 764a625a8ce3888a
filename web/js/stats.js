/* stats: the public statistics page (stats.html) - for a region the visitor picks (or ?region=,
 * or the area the portal remembers), the headline figures of the opinions sent there ("7144
 * collected, 5880 answered"), the trend by month as a chart and a table, and the regions below,
 * each a link to its own figures. Counts only: GET /api/v1/public/stats never names anyone. */

import './strings/dashboard.js';
import {initI18n, t} from './i18n.js';
import {api} from './api.js';
import {$, h} from './dom.js';
import {RegionCascade} from './regions.js';
import {loadECharts, percent, trendChart, trendTable} from './charts.js';

const STORAGE_KEY = 'liaison.region'; /* the area the portal remembers */
const TREND = ['collected', 'answered', 'visitors'];
const FIGURES = ['collected', 'answered', 'feedback_rate', 'satisfaction_rate', 'visitors'];

const label = (k) => t(`dash.fig.${k}`);
const state = {data: null, failed: false, seq: 0, chart: null};

function startRegion() {
  const asked = new URLSearchParams(window.location.search).get('region');
  if (asked && /^[0-9]{12}$/.test(asked))
    return asked;
  try {
    const kept = window.localStorage.getItem(STORAGE_KEY);
    return kept && /^[0-9]{12}$/.test(kept) ? kept : null;
  } catch {
    return null;
  }
}

function render() {
  state.chart?.dispose();
  state.chart = null;
  const d = state.data;
  $('stats-status').textContent = state.failed ? t('stats.none') : '';
  if (!d) {
    $('stats-root').replaceChildren();
    return;
  }
  const value = (k) => (k.endsWith('_rate') ? percent(d[k]) : String(d[k]));
  $('stats-root').replaceChildren(
    h('h2', {id: 'stats-heading'}, t('stats.heading', {name: d.region.name})),
    h('p', {class: 'stats-lead'}, t('stats.lead', {collected: d.collected, answered: d.answered})),
    h('ul', {class: 'stats-figures', 'aria-labelledby': 'stats-heading'}, FIGURES.map((k) => h('li', null,
      h('span', {class: 'dash-figure-value'}, value(k)), h('span', {class: 'muted'}, label(k))))),
    h('section', {'aria-labelledby': 'stats-trend'},
      h('h2', {id: 'stats-trend'}, t('dash.trend')),
      h('div', {id: 'stats-chart', class: 'dash-chart', 'aria-hidden': 'true'}),
      trendTable(d.trends, TREND, label, t('dash.trend.table'))),
    d.children.length ? h('section', {'aria-labelledby': 'stats-children'},
      h('h2', {id: 'stats-children'}, t('dash.children')),
      h('table', {class: 'dash-table'},
        h('caption', null, t('dash.children.table')),
        h('thead', null, h('tr', null, h('th', {scope: 'col'}, t('dash.region')),
          ['collected', 'answered', 'feedback_rate'].map((k) => h('th', {scope: 'col'}, label(k))))),
        h('tbody', null, d.children.map((c) => h('tr', null,
          h('th', {scope: 'row'}, h('a', {href: `/stats.html?region=${c.code}`}, c.name)),
          h('td', null, String(c.collected)), h('td', null, String(c.answered)),
          h('td', null, percent(c.feedback_rate))))))) : null);
  const seq = state.seq;
  loadECharts().then((echarts) => {
    if (echarts && seq === state.seq && $('stats-chart'))
      state.chart = trendChart(echarts, $('stats-chart'), d.trends, TREND, label);
  });
}

async function show(code) {
  const seq = ++state.seq;
  state.failed = false;
  if (!code) {
    state.data = null;
    render();
    return;
  }
  $('stats-status').textContent = t('dash.loading');
  try {
    const data = await api('GET', `/api/v1/public/stats?region=${encodeURIComponent(code)}`);
    if (seq !== state.seq)
      return;
    state.data = data;
  } catch {
    if (seq !== state.seq)
      return;
    state.data = null;
    state.failed = true;
  }
  render();
}

function start() {
  initI18n();
  const cascade = new RegionCascade({
    container: $('stats-levels'),
    idPrefix: 'stats-region',
    blank: (parentName) => (parentName ? t('region.any', {name: parentName}) : t('region.choose')),
    autoSingle: true,
    onChange: (code) => show(code)
  });
  document.addEventListener('langchange', () => {
    cascade.render();
    render();
  });
  const code = startRegion();
  cascade.setValue(code).then(() => code || cascade.autoChoose()).catch(() => null);
  show(code);
}

start();
