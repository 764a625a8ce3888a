/* batch_referral: 半月一交办 (batch-referral.html?region=CODE&period=2026-11-1) - from GET
 * /api/v1/batch-referrals, one 交办单 per unit of the opinions referred to it in the half month
 * and still open, each printed on a page of its own with a line to sign; .xlsx a sheet per unit. */

import {t} from './i18n.js';
import {$, h} from './dom.js';
import {startSheet, table, thisHalfMonth} from './digest_sheet.js';

const COLUMNS = ['batch.col.seq', 'digest.col.code', 'batch.col.category', 'batch.col.content', 'batch.col.location',
  'batch.col.sent', 'batch.col.due'];

function render(b) {
  document.title = t('batch.page');
  $('sheet-meta').textContent = `${b.region.name || b.region.code} · ${b.from} — ${b.to}`;
  $('sheet-body').replaceChildren(...(b.units.length ? b.units.map((u) => h('section', {class: 'unit-sheet'},
    h('h2', null, `${t('batch.title')} · ${u.unit_name}`),
    h('p', {class: 'book-meta'}, t('batch.meta', {unit: u.unit_name, from: b.from, to: b.to, n: u.count})),
    table(COLUMNS, u.items.map((x, i) => [i + 1, x.tracking_code, x.category, x.content, x.location, x.sent, x.due]),
      'batch.empty'),
    h('p', {class: 'sg-sign'}, t('batch.sign'))))
    : [h('p', {class: 'muted'}, t('batch.empty'))]));
}

startSheet({param: 'period', input: 'digest-period', fallback: thisHalfMonth, path: '/api/v1/batch-referrals', render});
