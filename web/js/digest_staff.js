/* digest_staff: the 一周汇总 / 半月交办 entry of the workspace's 统计与台账 - a region, a week and a
 * half month, and links to digest.html and batch-referral.html with them (the pages print and
 * download the Excel). */

import './strings/digest.js';
import {$, h} from './dom.js';
import {t} from './i18n.js';
import {thisWeek, thisHalfMonth} from './digest_sheet.js';

function field(id, key, attrs) {
  return h('div', {class: 'field'}, h('label', {for: id, 'data-i18n': key}, t(key)), h('input', {id, ...attrs}));
}

function links() {
  const region = $('digest-entry-region').value;
  $('digest-entry-week-link').href = `/digest.html?${new URLSearchParams({region, week: $('digest-entry-week').value})}`;
  $('digest-entry-period-link').href =
    `/batch-referral.html?${new URLSearchParams({region, period: $('digest-entry-period').value})}`;
}

/* Fills the entry for me (an admin or staff account) once; later calls only refresh the links. */
export function show(me) {
  const root = $('digest-entry-root');
  if (!root || !me || (me.role !== 'admin' && me.role !== 'staff'))
    return;
  if (!root.firstChild) {
    root.append(
      h('p', {class: 'muted', 'data-i18n': 'digest.entry.intro'}, t('digest.entry.intro')),
      h('form', {class: 'book-form', oninput: links, onsubmit: (event) => event.preventDefault()},
        field('digest-entry-region', 'digest.region', {type: 'text', inputmode: 'numeric', maxlength: '12',
          value: me.region}),
        field('digest-entry-week', 'digest.week', {type: 'text', value: thisWeek()}),
        field('digest-entry-period', 'batch.period', {type: 'text', value: thisHalfMonth()})),
      h('p', {class: 'book-actions'},
        h('a', {id: 'digest-entry-week-link', class: 'button', href: '#', 'data-i18n': 'digest.entry.open'},
          t('digest.entry.open')),
        h('a', {id: 'digest-entry-period-link', class: 'button', href: '#', 'data-i18n': 'batch.entry.open'},
          t('batch.entry.open'))));
  }
  links();
}
