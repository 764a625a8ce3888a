/* card: printable A6 cards (card.html) - the 代表连心卡 of one deputy (?deputy=N), the 联络站服务卡
 * of one station (?station=N), or a station's card followed by the cards of every deputy
 * stationed there (?station=N&all=1). css/card.css prints each card on a page of its own and
 * leaves the site's header, footer and buttons off the paper. The print button opens the
 * browser's own print dialog, once every QR code on the page has loaded. */

import {initI18n, applyTranslations, t} from './i18n.js';
import {api} from './api.js';
import {$, h, label} from './dom.js';

const FETCHES = 4; /* deputies fetched at a time for a station's cards */

const state = {
  station: null,        /* the station, for ?station=N */
  deputies: [],         /* the deputies whose cards are shown */
  all: false,           /* the station's card and its deputies' */
  missing: 0,           /* deputies of the station that could not be read */
  status: () => t('card.loading'),
  done: false,          /* loading is over (found or not) */
  generation: 0
};

function idOf(params, name) {
  const raw = params.get(name);
  return raw && /^[1-9][0-9]{0,15}$/.test(raw) ? raw : null;
}

/* ---- the cards ------------------------------------------------------------------------ */

let serial = 0;

/* rows: [[labelKey, value]]; a value that is empty leaves its row out; an array is one line each. */
function details(rows) {
  const items = rows
    .filter(([, value]) => value !== null && value !== undefined && value !== '' && !(Array.isArray(value) && !value.length))
    .map(([key, value]) => h('div', null, h('dt', null, t(key)),
      Array.isArray(value) ? value.map((line) => h('dd', null, line)) : h('dd', null, value)));
  return items.length ? h('dl', {class: 'pc-details'}, items) : null;
}

/* The record's QR code (it opens the record's public page); left off if it cannot be had. */
function qr(plural, id, alt, caption) {
  const img = h('img', {class: 'pc-qr-img', alt, width: '160', height: '160'});
  const figure = h('figure', {class: 'pc-qr'}, img, h('figcaption', null, caption));
  img.addEventListener('error', () => figure.remove());
  img.src = `/api/v1/${plural}/${id}/qr.svg`;
  return figure;
}

function card(kind, name, place, body, figure) {
  const id = `card-${++serial}`;
  return h('article', {class: `print-card ${kind}-card`, 'aria-labelledby': id},
    h('header', {class: 'pc-head'},
      h('p', {class: 'pc-kind'}, t(`card.${kind}`)),
      place ? h('p', {class: 'pc-place'}, place) : null),
    h('div', {class: 'pc-body'}, h('h2', {id, class: 'pc-name'}, name), body),
    figure,
    h('p', {class: 'pc-foot'}, t('app.name')));
}

function seatText(seat) {
  const congress = seat.congress || label('level', seat.level);
  return seat.district ? t('card.seat.district', {congress, district: seat.district}) : t('card.seat', {congress});
}

function deputyCard(d) {
  return card('deputy', d.name, d.region_name || null,
    details([
      ['deputy.seats', (d.seats || []).map(seatText)],
      ['deputy.stations', (d.stations || []).map((s) => s.name)],
      ['deputy.contact_preference', d.contact_preference ? label('contact', d.contact_preference) : null],
      /* only a phone the deputy chose to publish comes from the API at all */
      ['deputy.phone', d.phone ? h('span', {class: 'pc-phone'}, d.phone) : null]
    ]),
    qr('deputies', d.id, t('deputy.qr.alt', {name: d.name}), t('card.deputy.qr')));
}

function stationCard(s) {
  return card('station', s.name, s.region_name || null,
    [
      h('p', {class: 'pc-badge'}, label('kind', s.kind)),
      details([
        ['station.address', s.address],
        ['station.hours', s.hours],
        ['station.contact_name', s.contact_name],
        ['station.contact_phone', s.contact_phone ? h('span', {class: 'pc-phone'}, s.contact_phone) : null]
      ])
    ],
    qr('stations', s.id, t('station.qr.alt', {name: s.name}), t('card.station.qr')));
}

/* ---- the page ------------------------------------------------------------------------- */

function heading() {
  const s = state.station;
  if (s && state.all)
    return t('card.all', {name: s.name});
  if (s)
    return t('card.heading.one', {kind: t('card.station'), name: s.name});
  const d = state.deputies[0];
  if (d)
    return t('card.heading.one', {kind: t('card.deputy'), name: d.name});
  return t('card.heading');
}

/* Resolves once every image under root has loaded or failed. */
function settled(root) {
  return Promise.all([...root.querySelectorAll('img')].map((img) => (img.complete ? null : new Promise((ok) => {
    img.addEventListener('load', ok, {once: true});
    img.addEventListener('error', ok, {once: true});
  }))));
}

async function render() {
  const generation = ++state.generation;
  const cards = $('cards');
  const list = [];
  if (state.station)
    list.push(stationCard(state.station));
  for (const d of state.deputies)
    list.push(deputyCard(d));
  cards.setAttribute('aria-busy', 'true');
  cards.removeAttribute('data-ready');
  $('card-print').disabled = true;
  cards.replaceChildren(...list);

  const title = heading();
  $('card-heading').textContent = title;
  document.title = t('card.title', {title});
  $('status').textContent = state.status();
  $('card-warning').textContent = state.missing ? t('card.some_missing', {n: state.missing}) : '';
  if (!list.length) {
    cards.setAttribute('aria-busy', String(!state.done));
    return;
  }
  await settled(cards);
  if (generation !== state.generation)
    return;
  cards.setAttribute('aria-busy', 'false');
  cards.dataset.ready = 'true';
  $('card-print').disabled = false;
}

function countText() {
  const n = (state.station ? 1 : 0) + state.deputies.length;
  return n === 1 ? t('card.count.one') : t('card.count', {n});
}

function failure(err, notFound) {
  if (err.status === 404)
    return () => t(notFound);
  if (err.code === 'network')
    return () => t('error.network');
  return () => t('error.unknown', {status: err.status});
}

/* Runs fn over items, at most `width` at a time; a failure gives null in its place. */
async function mapLimited(items, width, fn) {
  const out = new Array(items.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]);
      } catch {
        out[i] = null;
      }
    }
  };
  await Promise.all(Array.from({length: Math.min(width, items.length)}, worker));
  return out;
}

async function load() {
  const params = new URLSearchParams(window.location.search);
  const stationId = idOf(params, 'station');
  const deputyId = stationId ? null : idOf(params, 'deputy');
  state.all = Boolean(stationId) && params.get('all') === '1';
  const back = $('card-back');

  if (stationId) {
    back.href = `/station.html?id=${stationId}`;
    back.dataset.i18n = 'card.back.station';
    try {
      state.station = await api('GET', `/api/v1/stations/${stationId}`);
    } catch (err) {
      state.status = failure(err, 'station.not_found');
      return;
    }
    if (state.all) {
      const found = await mapLimited(state.station.deputies || [], FETCHES,
        (d) => api('GET', `/api/v1/deputies/${d.id}`));
      state.deputies = found.filter(Boolean);
      state.missing = found.length - state.deputies.length;
    }
  } else if (deputyId) {
    back.href = `/deputy.html?id=${deputyId}`;
    back.dataset.i18n = 'card.back.deputy';
    try {
      state.deputies = [await api('GET', `/api/v1/deputies/${deputyId}`)];
    } catch (err) {
      state.status = failure(err, 'deputy.not_found');
      return;
    }
  } else {
    state.status = () => t('card.missing_id');
    return;
  }
  state.status = countText;
}

async function main() {
  initI18n();
  $('card-print').addEventListener('click', () => window.print());
  document.addEventListener('langchange', () => render());
  render();
  await load();
  state.done = true;
  applyTranslations(); /* the back link's words may have changed */
  render();
}

main();
