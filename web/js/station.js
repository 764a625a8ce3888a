/* station: the public page of one liaison station (station.html?id=N) - what it is, where and
 * when to find it, how to call it, the hub above it, the points under it, its deputies, and its
 * service-card QR code, with links to print its card and its deputies' cards. */

import {t} from './i18n.js';
import {h, label, degrees, telHref} from './dom.js';
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
  const parts = [main];
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
