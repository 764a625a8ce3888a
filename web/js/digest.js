/* digest: 一周汇总 (digest.html?region=CODE&week=2026-W47) - a region office's week from GET
 * /api/v1/digest: the figures, new opinions by category and by region, groups of similar
 * opinions with a sample, and the overdue items; printable on A4 and as .xlsx. */

import {t} from './i18n.js';
import {$, h} from './dom.js';
import {beijingDate} from './suggestions_common.js';
import {startSheet, table, thisWeek} from './digest_sheet.js';

function render(d) {
  document.title = t('digest.page');
  $('sheet-title').textContent = t('digest.title', {region: d.region.name || d.region.code, week: d.week});
  $('sheet-meta').textContent = t('digest.meta', {from: d.from, to: d.to});
  const figure = (key, n) => h('p', null, h('strong', null, String(n)), t(key));
  const section = (key, content) => h('section', {class: 'digest-section'}, h('h2', null, t(key)), content);
  $('sheet-body').replaceChildren(
    h('div', {class: 'digest-figures'}, figure('digest.new', d.new), figure('digest.clusters', d.clusters.length),
      figure('digest.overdue', d.overdue.count)),
    section('digest.by_category', table(['digest.col.name', 'digest.col.count'],
      d.by_category.map((c) => [c.name || c.code, c.count]), 'digest.none')),
    section('digest.by_region', table(['digest.col.name', 'digest.col.count'],
      d.by_region.map((r) => [r.name || r.code, r.count]), 'digest.none')),
    section('digest.clusters', table(['digest.col.count', 'digest.col.code', 'digest.col.sample'],
      d.clusters.map((c) => [c.count, c.sample.tracking_code, c.sample.excerpt]), 'digest.none')),
    section('digest.overdue', table(['digest.col.code', 'digest.col.state', 'digest.col.due', 'digest.col.content'],
      d.overdue.items.map((o) => [o.tracking_code, o.state, o.due ? beijingDate(o.due) : '', o.excerpt]), 'digest.none')));
}

startSheet({param: 'week', input: 'digest-week', fallback: thisWeek, path: '/api/v1/digest', render});
