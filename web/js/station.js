/* station: the public page of one liaison station (station.html?id=N) - what it is, where and
 * when to find it, how to call it, its coming activities and reception days (who is on duty,
 * seats left, a link to book and to the month's 接待日公示表), the hub above it, the points under
 * it, its deputies, and its service-card QR code, with links to print its card and its deputies'
 * cards. */

import {t} from './i18n.js';
import {api} from './api.js';
import {$, h, label, degrees, telHref} from './dom.js';
import {beijingDay, beijingMonth, whenEl, when, titleOf, onDuty, seatsWords} from './activities.js';
import {recordPage, details, section, linkList, qrCard} from './record.js';
import {writeCard} from './opinion-public.js';

function position(s) {
  if (!Number.isFinite(s.latitude) || !Number.isFinite(s.longitude))
    return null;
  const lat = degrees(s.latitude);
  const lng = degrees(s.longitude);
  /* geo: opens the phone's own map app; no outside map service is involved */
  return [
    h('span', {class: 'coordinates'}, t('station.coordinates.plain', {lat, lng})), ' ',
    h('a', {class: 'locate', href: `geo:${lat},${lng}?q=${lat},${lng}(${encodeURIComponent(s.name)})`},
      t('station.locate'))
  ];
}

function phone(number) {
  if (!number)
    return null;
  const href = telHref(number);
  return href ? h('a', {href, class: 'tel'}, number) : number;
}

/* ---- the coming activities (GET /api/v1/activities?station=&from=today) ---------------------- */

const CALENDAR_LIMIT = 20;
const coming = {station: null, items: null, failed: false};

async function loadComing(s) {
  coming.station = s.id;
  const q = new URLSearchParams({station: String(s.id), from: beijingDay(), limit: String(CALENDAR_LIMIT)});
  try {
    const data = await api('GET', `/api/v1/activities?${q}`);
    coming.items = ((data && data.items) || []).filter((a) => a.state !== 'cancelled');
  } catch {
    coming.failed = true;
  }
  const old = $('calendar');
  if (old)
    old.replaceWith(calendarCard(s));
}

function comingItem(s, a) {
  const book = a.bookable
    ? h('a', {class: 'button primary', href: `/booking.html?station=${s.id}&activity=${a.id}`,
      'aria-label': t('calendar.book.label', {when: when(a), title: titleOf(a)})}, t('calendar.book'))
    : null;
  return h('li', {class: 'activity-item'},
    h('p', {class: 'activity-when'}, whenEl(a)),
    h('p', {class: 'activity-title'}, titleOf(a)),
    h('dl', {class: 'activity-facts'},
      a.place ? h('div', null, h('dt', null, t('activity.place')), h('dd', null, a.place)) : null,
      h('div', null, h('dt', null, t('activity.duty')), h('dd', null, onDuty(a))),
      h('div', null, h('dt', null, t('activity.seats')), h('dd', {class: a.bookable ? 'seats-open' : null}, seatsWords(a)))),
    book);
}

function calendarCard(s) {
  if (coming.station !== s.id)
    loadComing(s);
  const body = coming.failed ? h('p', {class: 'muted'}, t('calendar.error'))
    : !coming.items ? h('p', {class: 'muted', role: 'status'}, t('calendar.loading'))
      : coming.items.length ? h('ul', {class: 'activity-list'}, coming.items.map((a) => comingItem(s, a)))
        : h('p', {class: 'muted'}, t('calendar.empty'));
  return h('section', {class: 'card', id: 'calendar', 'aria-labelledby': 'calendar-heading'},
    h('h2', {id: 'calendar-heading'}, t('calendar.heading')),
    h('p', {class: 'muted'}, t('calendar.intro')),
    body,
    h('p', {class: 'calendar-links'},
      coming.items && coming.items.some((a) => a.bookable)
        ? h('a', {class: 'button secondary', href: `/booking.html?station=${s.id}`}, t('calendar.book.any')) : null,
      h('a', {href: `/schedule.html?station=${s.id}&month=${beijingMonth()}`}, t('calendar.schedule')),
      h('a', {href: `/booking.html?station=${s.id}#mine`}, t('calendar.mine'))));
}

function build(s) {
  const main = h('div', {class: 'card'},
    h('h1', {id: 'record-name'}, s.name),
    h('p', null, h('span', {class: 'badge', id: 'record-kind'}, label('kind', s.kind))),
    details([
      ['station.region', s.region_name || s.region],
      ['station.hub', s.hub ? h('a', {href: `/station.html?id=${s.hub.id}`}, s.hub.name) : null],
      ['station.address', s.address],
      ['station.hours', s.hours],
      ['station.contact_name', s.contact_name],
      ['station.contact_phone', phone(s.contact_phone)],
      ['station.location', position(s)]
    ]));
  const parts = [main, calendarCard(s)];
  if (s.description)
    parts.push(section('station.about', h('p', {class: 'prose'}, s.description)));
  if (s.spokes && s.spokes.length)
    parts.push(section('station.spokes', linkList(s.spokes, 'station')));
  const deputies = s.deputies || [];
  parts.push(section('station.deputies', deputies.length
    ? linkList(deputies, 'deputy')
    : h('p', {class: 'muted'}, t('station.deputies.empty'))));
  const prints = [['card.link.station', `/card.html?station=${s.id}`]];
  if (deputies.length)
    prints.push(['card.link.all', `/card.html?station=${s.id}&all=1`]);
  parts.push(writeCard('station', s));
  parts.push(qrCard('stations', s.id, t('station.qr.alt', {name: s.name}), prints));
  return parts;
}

recordPage({path: '/api/v1/stations', notFound: 'station.not_found', title: 'station.title', build});
