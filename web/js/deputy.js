/* deputy: the public page of one people's deputy (deputy.html?id=N) - who they are, where they
 * sit, the stations where constituents meet them, how they prefer to be reached (the phone only
 * when they chose to publish it), and their contact-card QR code with a link to print the card. */

import {t} from './i18n.js';
import {h, label, telHref} from './dom.js';
import {recordPage, details, section, linkList, qrCard, safeImage} from './record.js';
import {writeCard} from './opinion-public.js';
import {publishedReports} from './duty_common.js';

/* A photo is shown only from this site: the page's policy allows no other image source, and a
 * blocked image would only be an error. */
function photo(d) {
  if (!d.photo)
    return null;
  let url;
  try {
    url = new URL(d.photo, window.location.origin);
  } catch {
    return null;
  }
  if (url.origin !== window.location.origin)
    return null;
  return safeImage(url.href, t('deputy.photo.alt', {name: d.name}), 'photo');
}

function seatText(seat) {
  const congress = seat.congress || label('level', seat.level);
  return seat.district ? t('deputy.seat.district', {congress, district: seat.district}) : congress;
}

function build(d) {
  const phoneHref = d.phone ? telHref(d.phone) : null;
  const head = h('div', {class: 'record-head'},
    h('div', null,
      h('h1', {id: 'record-name'}, d.name),
      details([
        ['deputy.gender', d.gender ? label('gender', d.gender) : null],
        ['deputy.ethnicity', d.ethnicity],
        ['deputy.occupation', d.occupation],
        ['deputy.sector', d.sector],
        ['deputy.region', d.region_name || d.region],
        ['deputy.contact_preference', d.contact_preference ? label('contact', d.contact_preference) : null],
        ['deputy.phone', d.phone ? (phoneHref ? h('a', {href: phoneHref, class: 'tel'}, d.phone) : d.phone) : null]
      ])),
    photo(d));
  const parts = [h('div', {class: 'card'}, head)];
  const seats = d.seats || [];
  if (seats.length)
    parts.push(section('deputy.seats', h('ul', {class: 'plain-list'}, seats.map((s) => h('li', null, seatText(s))))));
  const stations = d.stations || [];
  parts.push(section('deputy.stations', stations.length
    ? linkList(stations, 'station')
    : h('p', {class: 'muted'}, t('deputy.stations.empty'))));
  if (d.biography)
    parts.push(section('deputy.biography', h('p', {class: 'prose'}, d.biography)));
  parts.push(publishedReports(d));
  parts.push(writeCard('deputy', d));
  parts.push(qrCard('deputies', d.id, t('deputy.qr.alt', {name: d.name}), [['card.link.deputy', `/card.html?deputy=${d.id}`]]));
  return parts;
}

recordPage({path: '/api/v1/deputies', notFound: 'deputy.not_found', title: 'deputy.title', build});
