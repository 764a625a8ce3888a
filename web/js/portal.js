/* portal: the public home page. A constituent (usually on a phone, after scanning a QR code)
 * picks their area level by level, and sees its liaison stations and deputies, paged, with a
 * search over both. The area is remembered in localStorage ("liaison.region") and restored on
 * the next visit. Also the running version in the footer. */

import {initI18n, t} from './i18n.js';
import {api} from './api.js';
import {$, h, label} from './dom.js';
import {RegionCascade} from './regions.js';

const STORAGE_KEY = 'liaison.region';
const PAGE = 20;

let version = null;

const state = {
  q: '',
  regionStatus: null, /* null, 'portal.choose_first' or 'portal.regions.error' */
  lists: {
    stations: {items: [], next: null, generation: 0, status: null},
    deputies: {items: [], next: null, generation: 0, status: null}
  }
};

const cascade = new RegionCascade({
  container: $('region-levels'),
  idPrefix: 'region',
  blank: (parentName) => (parentName ? t('region.any', {name: parentName}) : t('region.choose')),
  autoSingle: true,
  onChange: (code) => {
    storeRegion(code);
    showResults();
  }
});

/* ---- the remembered area ------------------------------------------------------------ */

function storedRegion() {
  try {
    const code = window.localStorage.getItem(STORAGE_KEY);
    return code && /^[0-9]{12}$/.test(code) ? code : null;
  } catch {
    return null; /* storage switched off: start from the top each time */
  }
}

function storeRegion(code) {
  try {
    if (code)
      window.localStorage.setItem(STORAGE_KEY, code);
    else
      window.localStorage.removeItem(STORAGE_KEY);
  } catch {
    /* not remembered, but the page still works */
  }
}

/* ---- lists ---------------------------------------------------------------------------- */

function areaName() {
  const chosen = cascade.chosen();
  return chosen.length ? chosen[chosen.length - 1].name : null;
}

function joinMeta(parts) {
  return parts.filter((p) => p && String(p).trim()).join(' · ');
}

function stationItem(s) {
  return h('li', null, h('a', {class: 'item-link', href: `/station.html?id=${s.id}`},
    h('span', {class: 'item-title'}, s.name),
    h('span', {class: 'item-meta'}, joinMeta([label('kind', s.kind), s.address]))));
}

function deputyItem(d) {
  return h('li', null, h('a', {class: 'item-link', href: `/deputy.html?id=${d.id}`},
    h('span', {class: 'item-title'}, d.name),
    h('span', {class: 'item-meta'}, joinMeta([d.occupation, d.sector]))));
}

const render = {stations: stationItem, deputies: deputyItem};

function statusText(kind) {
  const list = state.lists[kind];
  switch (list.status) {
  case 'loading': return t('portal.loading');
  case 'empty': return state.q ? t(`portal.${kind}.none_found`, {q: state.q}) : t(`portal.${kind}.empty`);
  case 'error': return list.error;
  default: return '';
  }
}

function renderHeadings() {
  const name = areaName();
  for (const kind of ['stations', 'deputies'])
    $(`${kind}-heading`).textContent = name ? t(`portal.${kind}.heading`, {name}) : t(`portal.${kind}.heading.all`);
  $('search-summary').hidden = !state.q;
  $('search-for').textContent = state.q ? t('portal.search.for', {q: state.q}) : '';
}

function renderList(kind, from = 0) {
  const list = state.lists[kind];
  const ul = $(`${kind}-list`);
  if (from === 0)
    ul.replaceChildren(...list.items.map(render[kind]));
  else
    ul.append(...list.items.slice(from).map(render[kind]));
  ul.hidden = list.items.length === 0;
  $(`${kind}-more`).hidden = !list.next || list.status === 'loading';
  $(`${kind}-status`).textContent = statusText(kind);
}

function errorWords(err) {
  if (err.code === 'network')
    return t('error.network');
  return t('error.unknown', {status: err.status});
}

/* Loads the first page of a list (append: the next page). An answer for an older choice of
 * area or search is dropped. */
async function loadList(kind, append = false) {
  const list = state.lists[kind];
  const generation = append ? list.generation : ++list.generation;
  const params = new URLSearchParams({limit: String(PAGE)});
  const region = cascade.value();
  if (region)
    params.set('region', region);
  if (state.q)
    params.set('q', state.q);
  if (append && list.next)
    params.set('after', String(list.next));
  const from = append ? list.items.length : 0;
  if (!append) {
    list.items = [];
    list.next = null;
  }
  list.status = 'loading';
  renderList(kind, append ? from : 0);
  try {
    const data = await api('GET', `/api/v1/${kind}?${params}`);
    if (generation !== list.generation)
      return;
    list.items = list.items.concat((data && data.items) || []);
    list.next = data && data.next ? data.next : null;
    list.status = list.items.length ? null : 'empty';
  } catch (err) {
    if (generation !== list.generation)
      return;
    list.status = 'error';
    list.error = errorWords(err);
  }
  renderList(kind, from);
  if (append) {
    /* keyboard and screen-reader users continue at the first new entry */
    const first = $(`${kind}-list`).children[from];
    if (first)
      first.querySelector('a').focus();
  }
}

function showResults() {
  const region = cascade.value();
  renderHeadings();
  const show = Boolean(region || state.q);
  $('results').hidden = !show;
  state.regionStatus = show ? null : 'portal.choose_first';
  renderRegionStatus();
  if (!show)
    return;
  loadList('stations');
  loadList('deputies');
}

function renderRegionStatus() {
  $('region-status').textContent = state.regionStatus ? t(state.regionStatus) : '';
}

/* ---- search --------------------------------------------------------------------------- */

function onSearch(event) {
  event.preventDefault();
  state.q = $('search-q').value.trim().slice(0, 50);
  showResults();
}

function onClearSearch() {
  $('search-q').value = '';
  state.q = '';
  showResults();
  $('search-q').focus();
}

/* ---- start ---------------------------------------------------------------------------- */

function renderVersion() {
  $('version').textContent = version ? '· ' + t('footer.version', {version}) : '';
}

async function loadVersion() {
  try {
    const meta = await api('GET', '/api/v1/meta');
    version = meta && typeof meta.version === 'string' ? meta.version : null;
  } catch {
    version = null; /* the footer simply goes without it */
  }
  renderVersion();
}

async function restoreRegion() {
  const stored = storedRegion();
  try {
    await cascade.setValue(stored);
  } catch {
    /* the remembered area is gone (or the list failed): start again from the top */
    storeRegion(null);
    try {
      await cascade.setValue(null);
    } catch {
      state.regionStatus = 'portal.regions.error';
      renderRegionStatus();
      return;
    }
  }
  if (!stored && cascade.autoChoose())
    return; /* the only province was chosen for the visitor; onChange shows the results */
  showResults();
}

function start() {
  initI18n();
  document.addEventListener('langchange', () => {
    renderVersion();
    cascade.render();
    renderHeadings();
    for (const kind of ['stations', 'deputies'])
      renderList(kind);
    renderRegionStatus();
  });
  $('search-form').addEventListener('submit', onSearch);
  $('search-q').addEventListener('search', () => {
    if (!$('search-q').value && state.q)
      onClearSearch();
  });
  $('search-clear').addEventListener('click', onClearSearch);
  $('stations-more').addEventListener('click', () => loadList('stations', true));
  $('deputies-more').addEventListener('click', () => loadList('deputies', true));
  loadVersion();
  restoreRegion();
}

start();
