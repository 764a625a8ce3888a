/* inbox: the 意见建议 section of the staff workspace, for staff, admins and deputies (who read
 * their own items and may answer them): the opinions of the account's region from GET
 * /api/v1/opinions, newest first, filtered by state (未办结 = open, the default), category,
 * region, deadline flag and channel, paged with "next", with a count of what is shown.
 *
 * Opening a row shows the opinion in place of the list (inbox_detail.js); back returns to the
 * list, read again if anything was done meanwhile. Staff and admins also get the form for
 * walk-ins, visits, calls and letters (inbox_intake.js). */

import {t} from './i18n.js';
import {api} from './api.js';
import {$, h} from './dom.js';
import {RegionCascade, regionInfo, regionName} from './regions.js';
import {STATES, CHANNELS, word, beijingTime, flagBadge, stateBadge, badge, loadCategories, categoryLabel, PagedList}
  from './inbox_common.js';
import * as detail from './inbox_detail.js';
import * as intake from './inbox_intake.js';
import {exportButtons} from './export.js';

const PAGE = 20; /* rows per request */

const state = {
  me: null,
  root: null,             /* {code, name}: the account's region */
  onSessionLost: () => {},
  filters: {state: 'open'},
  list: null,             /* the rows shown (PagedList) */
  cascade: null,
  categories: [],
  opened: null            /* the id shown in detail, or null while the list shows */
};

function sessionLost(err) {
  if (err && err.status === 401) {
    state.onSessionLost();
    return true;
  }
  return false;
}

/* ---- filters ---------------------------------------------------------------------------- */

/* A labelled select; options are [value, key], their words following the language (data-i18n). */
function selectField(id, name, labelKey, options) {
  return h('div', {class: 'field'},
    h('label', {for: id, 'data-i18n': labelKey}, t(labelKey)),
    h('select', {id, name}, options.map(([value, key]) => h('option', {value, 'data-i18n': key}, t(key)))));
}

function fillCategories() {
  const select = $('inbox-category');
  if (!select)
    return;
  const keep = select.value;
  select.replaceChildren(h('option', {value: '', 'data-i18n': 'inbox.any'}, t('inbox.any')),
    ...state.categories.map((c) => h('option', {value: c.code}, categoryLabel(c))));
  select.value = keep;
}

/* The list's query: the filters on screen and a page's length (an export drops the paging). */
function listQuery() {
  const params = new URLSearchParams({limit: String(PAGE)});
  for (const [key, value] of Object.entries(state.filters))
    if (value)
      params.set(key, value);
  return params;
}

function build() {
  const deputy = state.me.role === 'deputy';
  const filters = h('form', {id: 'inbox-filters', class: 'inbox-filters', role: 'search', novalidate: true,
    'aria-label': t('inbox.filters'), 'data-i18n-aria-label': 'inbox.filters'},
  selectField('inbox-state', 'state', 'inbox.filter.state', [['', 'inbox.any'], ['open', 'inbox.state.open'],
    ...STATES.map((s) => [s, `inbox.state.${s}`])]),
  selectField('inbox-category', 'category', 'inbox.filter.category', [['', 'inbox.any']]),
  selectField('inbox-flag', 'flag', 'inbox.filter.flag', [['', 'inbox.any'], ['warn', 'inbox.flag.warn'],
    ['overdue', 'inbox.flag.overdue']]),
  selectField('inbox-channel', 'channel', 'inbox.filter.channel', [['', 'inbox.any'],
    ...CHANNELS.map((c) => [c, `inbox.channel.${c}`])]),
  /* a deputy's inbox holds what was sent or given to them, wherever it is from */
  deputy ? null : h('fieldset', {class: 'field inbox-region'},
    h('legend', {'data-i18n': 'inbox.filter.region'}, t('inbox.filter.region')),
    h('div', {class: 'region-levels', id: 'inbox-region-levels'})),
  h('div', {class: 'form-actions'},
    h('button', {type: 'submit', class: 'primary', 'data-i18n': 'inbox.filter.apply'}, t('inbox.filter.apply'))));
  filters.elements.namedItem('state').value = state.filters.state || '';
  filters.addEventListener('submit', onFilter);

  const list = h('ul', {id: 'inbox-list', class: 'inbox-list'});
  list.addEventListener('click', onOpen);
  $('inbox-root').replaceChildren(
    h('div', {id: 'inbox-browse'},
      filters,
      exportButtons({path: '/api/v1/opinions', query: listQuery, onSessionLost: sessionLost}),
      h('p', {id: 'inbox-count', class: 'inbox-count', role: 'status'}),
      h('p', {id: 'inbox-error', class: 'form-error', role: 'alert'}),
      list,
      h('button', {id: 'inbox-more', type: 'button', class: 'secondary', 'data-i18n': 'inbox.more', hidden: true},
        t('inbox.more'))),
    h('div', {id: 'inbox-detail', class: 'inbox-detail', hidden: true}));
  $('inbox-more').addEventListener('click', () => state.list.load(true));
  state.list = new PagedList({
    path: '/api/v1/opinions',
    query: listQuery,
    regionOf: (o) => o.region,
    render: renderList,
    statusId: 'inbox-count',
    errorId: 'inbox-error',
    countText: () => state.list.count('inbox.empty'),
    lost: sessionLost
  });

  state.cascade = deputy ? null : new RegionCascade({
    container: $('inbox-region-levels'),
    idPrefix: 'inbox-region',
    root: state.root,
    blank: (parentName) => t('region.any', {name: parentName || ''})
  });
}

function onFilter(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const v = (name) => form.elements.namedItem(name).value;
  state.filters = {state: v('state'), category: v('category'), flag: v('flag'), channel: v('channel')};
  const region = state.cascade ? state.cascade.value() : null;
  if (region && region !== state.root.code)
    state.filters.region = region;
  state.list.load();
}

/* ---- the list ---------------------------------------------------------------------------- */

function row(item) {
  const category = state.categories.find((c) => c.id === item.category_id);
  const meta = [
    categoryLabel(category),
    word('channel', item.channel),
    regionName(item.region) || item.region,
    item.due ? t('inbox.due_at', {time: beijingTime(item.due)}) : ''
  ].filter(Boolean).join(' · ');
  return h('li', {class: 'inbox-row'},
    h('button', {type: 'button', class: 'inbox-open', 'data-id': item.id},
      h('span', {class: 'inbox-row-head'},
        h('span', {class: 'inbox-code'}, item.tracking_code),
        stateBadge(item.state),
        flagBadge(item.flag),
        item.urgency === 'urgent' ? badge('urgent', word('urgency', 'urgent')) : null),
      h('span', {class: 'inbox-excerpt'}, item.excerpt),
      h('span', {class: 'item-meta'}, meta)));
}

function renderList() {
  const list = $('inbox-list');
  if (!list || !state.list)
    return;
  list.replaceChildren(...state.list.items.map(row));
  $('inbox-more').hidden = !state.list.next;
}

/* ---- one opinion -------------------------------------------------------------------------- */

function openOne(id, listed) {
  state.opened = id;
  $('inbox-browse').hidden = true;
  const box = $('inbox-detail');
  box.hidden = false;
  detail.open(box, id, {
    me: state.me,
    listed,
    onSessionLost: sessionLost,
    open: (other) => openOne(other, null),
    back: closeOne
  });
}

/* Back to the list: read again when something was done, focus on the row that was open. */
async function closeOne(changed) {
  const id = state.opened;
  state.opened = null;
  detail.close();
  $('inbox-detail').hidden = true;
  $('inbox-browse').hidden = false;
  if (changed)
    await state.list.load();
  const button = $('inbox-list').querySelector(`button[data-id="${id}"]`);
  (button || $('inbox-heading')).focus();
}

/* Opens one opinion from elsewhere in the workspace (a search hit), moving there. */
export function openById(id) {
  if (!state.me)
    return;
  openOne(id, null);
  $('inbox-heading').scrollIntoView();
  $('inbox-heading').focus();
}

function onOpen(event) {
  const button = event.target.closest('button.inbox-open');
  if (!button)
    return;
  const id = Number(button.dataset.id);
  const item = state.list.items.find((o) => o.id === id);
  openOne(id, item ? {flag: item.flag, due: item.due} : null);
}

/* ---- entry points (staff.js) -------------------------------------------------------------- */

/* Shows the inbox to staff, admins and deputies; options.onSessionLost runs on a 401. */
export async function show(me, options = {}) {
  state.me = me;
  state.onSessionLost = options.onSessionLost || (() => {});
  state.filters = {state: 'open'};
  state.opened = null;
  state.root = {code: me.region, name: me.region};
  $('inbox-view').hidden = false;
  try {
    const info = await regionInfo(me.region);
    state.root = {code: info.code, name: info.name};
  } catch {
    /* the name is missing; the code stands in for it */
  }
  if (state.me !== me)
    return;
  build();
  if (me.role === 'staff' || me.role === 'admin')
    intake.show(me, {onSessionLost: sessionLost, root: state.root, onRegistered: () => state.list.load()});
  else
    intake.hide();
  loadCategories().then((list) => {
    state.categories = list;
    fillCategories();
    renderList();
  }).catch((err) => sessionLost(err));
  if (state.cascade)
    state.cascade.setValue(state.root.code).catch(() => null);
  await state.list.load();
}

export function hide() {
  state.me = null;
  state.opened = null;
  if (state.list)
    state.list.reset();
  detail.close();
  intake.hide();
  const view = $('inbox-view');
  if (view) {
    view.hidden = true;
    $('inbox-root').replaceChildren();
  }
}

/* Re-renders what was built with words of the current language (the rest follows data-i18n). */
export function render() {
  if (!state.me || !$('inbox-list'))
    return;
  fillCategories();
  renderList();
  if (state.cascade)
    state.cascade.render();
  detail.render();
  intake.render();
}
