/* compliance: 履职合规 in the workspace's 统计与台账, for staff and admins - for a month (this one,
 * in Beijing, unless another is picked) the stations of the account's region that held no
 * reception and the deputies on duty who did not turn up (GET /api/v1/compliance), each count
 * shown large above its list. A station links to its page, a deputy to theirs, and each activity
 * a deputy missed is named by its day and title (GET /api/v1/activities/:id, once a page).
 *
 * The one idea: the result is drawn from state.data alone, so a language switch redraws it. */

import './strings/compliance.js';
import {t, has} from './i18n.js';
import {api} from './api.js';
import {$, h} from './dom.js';
import {say, capitalize, errorText} from './forms.js';
import {beijingDay, beijingMonth, dayName, monthName, titleOf} from './activities.js';
import {regionInfo, regionName} from './regions.js';

const MONTH = /^[0-9]{4}-(0[1-9]|1[0-2])$/;
const DETAILS_MAX = 60; /* missed activities named by day and title; past this, by number */

const state = {
  me: null,
  onSessionLost: () => {},
  data: null,            /* the last answer of GET /api/v1/compliance */
  activities: new Map(), /* id -> activity, or null when it could not be read */
  seq: 0                 /* the newest request; older answers are dropped */
};

function build() {
  const input = h('input', {id: 'compliance-month', name: 'month', type: 'month', required: true,
    pattern: '[0-9]{4}-[0-9]{2}', value: beijingMonth(), 'aria-describedby': 'compliance-month-hint compliance-error'});
  const form = h('form', {id: 'compliance-form', class: 'compliance-form', novalidate: true,
    'aria-labelledby': 'compliance-heading'},
  h('div', {class: 'field'},
    h('label', {for: 'compliance-month', 'data-i18n': 'compliance.month'}, t('compliance.month')),
    h('p', {id: 'compliance-month-hint', class: 'hint', 'data-i18n': 'compliance.month.hint'}, t('compliance.month.hint')),
    input),
  h('button', {type: 'submit', class: 'secondary', 'data-i18n': 'compliance.show'}, t('compliance.show')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  $('compliance-root').replaceChildren(
    h('p', {class: 'muted', 'data-i18n': 'compliance.intro'}, t('compliance.intro')),
    form,
    h('p', {id: 'compliance-error', class: 'form-error', role: 'alert'}),
    h('p', {id: 'compliance-status', class: 'muted', role: 'status'}),
    h('div', {id: 'compliance-result'}));
}

/* Reads the activities the absent deputies missed that this page has not seen yet. */
async function readActivities(data) {
  const ids = [...new Set(data.absent_deputies.items.flatMap((d) => d.activities))]
    .filter((id) => !state.activities.has(id)).slice(0, DETAILS_MAX);
  await Promise.all(ids.map(async (id) => {
    state.activities.set(id, await api('GET', `/api/v1/activities/${id}`).catch(() => null));
  }));
}

async function load() {
  const input = $('compliance-month');
  const month = input.value.trim();
  const bad = !MONTH.test(month);
  input.setAttribute('aria-invalid', String(bad));
  say('compliance-error', bad ? () => t('compliance.err.month') : null);
  if (bad) {
    input.focus();
    return;
  }
  const seq = ++state.seq;
  status(() => t('compliance.loading'));
  $('compliance-result').setAttribute('aria-busy', 'true');
  try {
    const q = new URLSearchParams({region: state.me.region, month});
    const data = await api('GET', `/api/v1/compliance?${q}`);
    await Promise.all([regionInfo(data.region).catch(() => null), readActivities(data)]);
    if (seq !== state.seq)
      return;
    state.data = data;
    status(() => t('compliance.summary', {month: monthName(data.month), stations: data.stations_without_reception.count,
      deputies: data.absent_deputies.count}), true);
  } catch (err) {
    if (seq !== state.seq)
      return;
    if (err.status === 401)
      return state.onSessionLost();
    state.data = null;
    status(() => t('compliance.error', {message: capitalize(errorText(err))}));
  }
  $('compliance-result').setAttribute('aria-busy', 'false');
  render();
}

/* What the status line says: while loading or on an error, shown; the counts once loaded, for
 * screen readers only (the page shows them large below). */
function status(words, quiet = false) {
  $('compliance-status').classList.toggle('visually-hidden', quiet);
  say('compliance-status', words);
}

/* A count shown large, a link down to its list when there is one. */
function count(key, n, list) {
  return h('div', {class: n ? 'attention' : null},
    h('dt', {id: `${list}-count`}, t(key)),
    h('dd', null, n ? h('a', {href: `#${list}`, 'aria-describedby': `${list}-count`}, String(n)) : String(n)));
}

function missed(id) {
  const a = state.activities.get(id);
  if (!a)
    return h('li', null, t('compliance.activity', {id}));
  const day = beijingDay(a.starts_at);
  return h('li', {'data-activity': String(id)},
    h('time', {datetime: day}, dayName(day)), ' ', titleOf(a), a.station ? ` · ${a.station.name}` : '');
}

function absences(n) {
  return t(n === 1 && has('compliance.absences.one') ? 'compliance.absences.one' : 'compliance.absences', {n});
}

function deputyItem(d) {
  return h('li', {'data-deputy': String(d.id)},
    h('p', null, h('a', {href: `/deputy.html?id=${d.id}`}, d.name), ' ',
      h('span', {class: 'badge flag-overdue'}, absences(d.absences))),
    h('ul', {class: 'compliance-missed', 'aria-label': t('compliance.missed', {name: d.name})},
      d.activities.map(missed)));
}

/* A list under its heading, or the words for an empty one. */
function list(id, key, items, item, month) {
  return [
    h('h4', {id: `${id}-heading`, tabindex: '-1'}, t(key)),
    items.length
      ? h('ul', {id, class: 'compliance-list'}, items.map(item))
      : h('p', {id, class: 'muted'}, t(`${key}.empty`, {month}))
  ];
}

export function render() {
  const box = $('compliance-result');
  if (!box)
    return;
  const d = state.data;
  if (!d) {
    box.replaceChildren();
    return;
  }
  const stations = d.stations_without_reception;
  const deputies = d.absent_deputies;
  const month = monthName(d.month);
  box.replaceChildren(...[
    h('p', {class: 'compliance-scope'}, t('compliance.scope', {region: regionName(d.region) || d.region, month})),
    stations.count + deputies.count === 0 ? h('p', {class: 'notice'}, t('compliance.all_clear', {month})) : null,
    h('dl', {class: 'compliance-counts'},
      count('compliance.stations', stations.count, 'compliance-stations'),
      count('compliance.deputies', deputies.count, 'compliance-deputies')),
    list('compliance-stations', 'compliance.stations', stations.items,
      (s) => h('li', {'data-station': String(s.id)}, h('a', {href: `/station.html?id=${s.id}`}, s.name)), month),
    list('compliance-deputies', 'compliance.deputies', deputies.items, deputyItem, month)
  ].flat().filter(Boolean));
}

/* Shows the view to staff and admins (inside 统计与台账), with this month's lists. */
export function show(me, {onSessionLost}) {
  state.me = me;
  state.onSessionLost = onSessionLost;
  state.data = null;
  $('compliance-view').hidden = false;
  build();
  load();
}

export function hide() {
  state.me = null;
  state.data = null;
  state.seq++;
  const view = $('compliance-view');
  if (view) {
    view.hidden = true;
    $('compliance-root').replaceChildren();
  }
}
