/* replies: the public page of published replies to deputies' suggestions (replies.html) - those
 * whose deputy and unit both consented (GET /api/v1/suggestions/published), newest first, each
 * with its number, congress and session, deputy, unit, the reply's category and type, and text. */

import './strings/suggestions.js';
import {initI18n, t} from './i18n.js';
import {api} from './api.js';
import {$, h} from './dom.js';
import {badge} from './inbox_common.js';
import {sw, nameOf, beijingDate, problemText} from './suggestions_common.js';

const PAGE = 20;
let items = [];
let next = null;
let failure = null;

function card(s) {
  const r = s.reply || {};
  const id = `reply-${s.id}`;
  const deputy = s.deputy_name || nameOf(s.deputy);
  const unit = s.unit_name || nameOf(s.unit);
  return h('li', {class: 'card'}, h('article', {'aria-labelledby': id},
    h('h2', {id}, s.number_text ? `${s.number_text} ${s.title}` : s.title),
    h('p', {class: 'muted'}, [s.congress ? nameOf(s.congress) : '', sw('session', s.session)].filter(Boolean).join(' · ')),
    h('dl', {class: 'details'},
      h('div', null, h('dt', null, t('sg.field.deputy')), h('dd', null, deputy)),
      h('div', null, h('dt', null, t('sg.field.lead_unit')), h('dd', null, unit)),
      h('div', null, h('dt', null, t('sg.field.replied_at')), h('dd', null, beijingDate(r.replied_at)))),
    h('p', {class: 'badges'}, badge('state', sw('category', r.category)), ' ', badge('state', sw('type', r.type))),
    h('p', {class: 'prose quoted answer'}, r.text)));
}

function render() {
  $('replies').replaceChildren(...items.map(card));
  $('replies-more').hidden = !next;
  $('replies-status').textContent = failure ? failure() : (items.length ? t('sg.pub.count', {n: items.length})
    : t('sg.pub.none'));
}

async function load(append) {
  const q = new URLSearchParams({limit: String(PAGE)});
  if (append && next)
    q.set('after', String(next));
  try {
    const data = await api('GET', `/api/v1/suggestions/published?${q}`);
    const page = (data && data.items) || [];
    items = append ? items.concat(page) : page;
    next = data && data.next ? data.next : null;
    failure = null;
  } catch (err) {
    failure = () => problemText(err);
  }
  render();
}

initI18n();
document.addEventListener('langchange', render);
$('replies-more').addEventListener('click', () => load(true));
load(false);
