/* charts: what the dashboard (dashboard.js) and the public statistics (stats.js) draw alike -
 * ECharts, served as the npm package's own file under /vendor/echarts/ and loaded on first use
 * (null when it cannot be), a trend by month as a line chart, and the same figures as a table,
 * the chart's text alternative. Tooltips are drawn in the canvas (richText): the CSP allows no
 * inline styles, which ECharts' HTML tooltips would need. */

import {t} from './i18n.js';
import {h} from './dom.js';

let loading = null;

export function loadECharts() {
  if (!loading)
    loading = import('/vendor/echarts/echarts.esm.min.js').catch(() => null);
  return loading;
}

export const BASE = {
  tooltip: {trigger: 'axis', renderMode: 'richText'},
  grid: {left: 40, right: 16, top: 40, bottom: 30},
  legend: {top: 0},
  animation: false
};

/* A rate 0..1 as a percentage with one decimal, or a dash when there is none. */
export function percent(rate) {
  return rate === null || rate === undefined ? '—' : `${Math.round(rate * 1000) / 10}%`;
}

/* The line chart of trends ({months, <key>: [values]}) for keys, in box; the chart. */
export function trendChart(echarts, box, trends, keys, labelOf) {
  const chart = echarts.init(box, null, {renderer: 'canvas'});
  chart.setOption({...BASE, xAxis: {type: 'category', data: trends.months},
    yAxis: {type: 'value', minInterval: 1},
    series: keys.map((k) => ({name: labelOf(k), type: 'line', data: trends[k]}))});
  return chart;
}

/* The same figures as a table: a row per month, a column per key. */
export function trendTable(trends, keys, labelOf, caption) {
  return h('table', {class: 'dash-table'},
    h('caption', null, caption),
    h('thead', null, h('tr', null, h('th', {scope: 'col'}, t('dash.month')),
      keys.map((k) => h('th', {scope: 'col'}, labelOf(k))))),
    h('tbody', null, trends.months.map((m, i) => h('tr', null, h('th', {scope: 'row'}, m),
      keys.map((k) => h('td', null, String(trends[k][i])))))));
}
