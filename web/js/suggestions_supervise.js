/* suggestions_supervise: 督 - the supervision view of the office and of standing-committee
 * members: the region's open suggestions past their deadline (GET /api/v1/suggestions/overdue),
 * those near it (/near-deadline), the 回头看 list of B commitments whose date has passed and whose
 * result is not rated yet (/follow-up), and the league table of the lead units for a congress and
 * session (/league: 办结率, A类解决率, 满意率, 解决问题型占比), each rate written as a number beside
 * its bar. A member sees first the key suggestions (重点督办) naming them as supervisor
 * (/supervised), with state, lead unit, deadline and its flag. */

import {t} from './i18n.js';
import {api} from './api.js';
import {$, h} from './dom.js';
import {say, capitalize} from './forms.js';
import {loadAll, badge, flagBadge} from './inbox_common.js';
import {SESSIONS, control, sw, nameOf, numberText, beijingDate, percent, problemText, stateBadge}
  from './suggestions_common.js';

const LISTS = ['overdue', 'near-deadline', 'follow-up'];
const MINE = 'supervised'; /* members only: the key suggestions they supervise */
const DONE = ['replied', 'evaluated', 'closed'];
const RATES = [['completed', 'rate_completed'], ['a_count', 'rate_a'], ['satisfied', 'rate_satisfied'],
  ['solve_count', 'rate_solve']];

const state = {me: null, lost: () => false, lists: {}, league: null, congresses: []};

function dateOf(s, list) {
  if (list === 'follow-up')
    return s.commitment_date || (s.reply && s.reply.commitment_date) || '';
  return s.due ? beijingDate(s.due) : '';
}

/* The deadline flag of one's own key suggestion, as text even when all is well. */
function flagCell(s) {
  if (DONE.includes(s.state))
    return h('td', {class: 'muted'}, t('sg.sup.flag_done'));
  return h('td', null, flagBadge(s.flag) || h('span', {class: 'muted'}, t('sg.sup.flag_none')));
}

function listTable(list) {
  const items = state.lists[list];
  if (!items)
    return null;
  const mine = list === MINE;
  if (!items.length)
    return h('p', {class: 'muted'}, t(mine ? 'sg.sup.mine_none' : 'sg.sup.none'));
  const cols = mine ? ['sg.col.number', 'sg.col.title', 'sg.col.state', 'sg.col.lead_unit', 'sg.col.due', 'sg.col.flag']
    : ['sg.col.number', 'sg.col.title', 'sg.col.lead_unit', list === 'follow-up' ? 'sg.col.commitment' : 'sg.col.due'];
  return h('div', {class: 'table-scroll', role: 'region', tabindex: '0', 'aria-labelledby': `sgs-${list}-heading`},
    h('table', {class: 'sg-table'},
      h('thead', null, h('tr', null, cols.map((k) => h('th', {scope: 'col'}, t(k))))),
      h('tbody', null, items.map((s) => h('tr', {'data-id': String(s.id)},
        h('td', {class: 'nowrap'}, numberText(s)),
        h('td', null, s.title, s.key && !mine ? [' ', badge('urgent', t('sg.key'))] : null),
        mine ? h('td', null, stateBadge(s)) : null,
        h('td', null, nameOf(s.lead_unit)),
        h('td', {class: 'nowrap'}, dateOf(s, list)),
        mine ? flagCell(s) : null)))));
}

function rateCell(count, rate) {
  return h('td', {class: 'sg-rate'}, h('meter', {min: '0', max: '1', value: String(rate || 0), 'aria-hidden': 'true'}),
    ` ${percent(rate)}`, Number.isFinite(count) ? h('span', {class: 'muted'}, ` (${count})`) : null);
}

function leagueTable() {
  const L = state.league;
  if (!L)
    return null;
  if (!(L.units || []).length)
    return h('p', {class: 'muted'}, t('sg.league.none'));
  return h('div', {class: 'table-scroll', role: 'region', tabindex: '0', 'aria-labelledby': 'sgs-league-caption'},
    h('table', {class: 'sg-table sg-league'},
      h('caption', {id: 'sgs-league-caption'}, t('sg.league.caption')),
      h('thead', null, h('tr', null, ['sg.col.unit', 'sg.col.assigned', 'sg.col.completed', 'sg.col.rate_a',
        'sg.col.rate_satisfied', 'sg.col.rate_solve'].map((k) => h('th', {scope: 'col'}, t(k))))),
      h('tbody', null, L.units.map((u) => h('tr', null,
        h('th', {scope: 'row'}, u.unit_name),
        h('td', null, String(u.assigned)),
        RATES.map(([count, rate]) => rateCell(u[count], u[rate])))))));
}

function shownLists() {
  return state.me && state.me.role === 'member' ? [MINE, ...LISTS] : LISTS;
}

function render() {
  for (const list of shownLists()) {
    const slot = $(`sgs-${list}`);
    if (slot)
      slot.replaceChildren(...[listTable(list)].filter(Boolean));
  }
  const slot = $('sgs-league');
  if (slot)
    slot.replaceChildren(...[leagueTable()].filter(Boolean));
}

async function loadLists() {
  say('sgs-error', null);
  try {
    const lists = shownLists();
    const answers = await Promise.all(lists.map((l) => api('GET', `/api/v1/suggestions/${l}?limit=100`)));
    lists.forEach((l, i) => { state.lists[l] = (answers[i] && answers[i].items) || []; });
    render();
  } catch (err) {
    if (!state.lost(err))
      say('sgs-error', () => capitalize(problemText(err)));
  }
}

async function loadLeague(event) {
  if (event)
    event.preventDefault();
  const form = $('sgs-league-form');
  const congress = form.elements.namedItem('congress').value;
  if (!congress)
    return;
  say('sgs-league-status', () => t('inbox.loading'));
  try {
    const q = new URLSearchParams({congress, session: form.elements.namedItem('session').value});
    state.league = await api('GET', `/api/v1/suggestions/league?${q}`);
    say('sgs-league-status', null);
  } catch (err) {
    if (state.lost(err))
      return;
    state.league = null;
    say('sgs-league-status', () => capitalize(problemText(err)));
  }
  render();
}

function build() {
  const heads = {[MINE]: 'sg.sup.mine', 'overdue': 'sg.sup.overdue', 'near-deadline': 'sg.sup.near',
    'follow-up': 'sg.sup.follow_up'};
  const form = h('form', {id: 'sgs-league-form', class: 'book-form', 'aria-labelledby': 'sgs-league-heading'},
    control('sgs', 'congress', 'sg.field.congress', {type: 'select',
      options: state.congresses.map((c) => [String(c.id), c.name])}),
    control('sgs', 'session', 'sg.field.session', {type: 'select',
      options: SESSIONS.map((x) => [x, sw('session', x), `sg.session.${x}`]), value: 'recess'}),
    h('button', {type: 'submit', class: 'primary', 'data-i18n': 'sg.league.show'}, t('sg.league.show')));
  form.addEventListener('submit', loadLeague);
  $('supervise-root').replaceChildren(
    h('p', {id: 'sgs-error', class: 'form-error', role: 'alert'}),
    ...shownLists().map((l) => h('section', {'aria-labelledby': `sgs-${l}-heading`},
      h('h3', {id: `sgs-${l}-heading`, 'data-i18n': heads[l]}, t(heads[l])),
      h('div', {id: `sgs-${l}`}))),
    h('section', {'aria-labelledby': 'sgs-league-heading'},
      h('h3', {id: 'sgs-league-heading', 'data-i18n': 'sg.league.heading'}, t('sg.league.heading')),
      form,
      h('p', {id: 'sgs-league-status', class: 'muted', role: 'status'}),
      h('div', {id: 'sgs-league'})));
}

export async function show(me, lost) {
  state.me = me;
  state.lost = lost;
  state.lists = {};
  state.league = null;
  $('supervise-view').hidden = false;
  state.congresses = await loadAll('congresses', {region: me.region}).catch(() => []);
  build();
  await Promise.all([loadLists(), loadLeague()]);
}

export function hide() {
  state.me = null;
  const view = $('supervise-view');
  if (view) {
    view.hidden = true;
    $('supervise-root').replaceChildren();
  }
}

export {render};
