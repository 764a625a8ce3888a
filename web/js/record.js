/* record: what the public station and deputy pages share - read ?id=N, fetch the record,
 * say so when it is missing, and build it again in the other language on a switch. Also the
 * pieces both pages are made of: a list of details, a titled section, a list of links, and the
 * QR code (hidden if the image cannot be had). */

import {initI18n, t} from './i18n.js';
import {api} from './api.js';
import {$, h, idParam} from './dom.js';

/* path: '/api/v1/stations'; notFound and title: translation keys; build(record) -> the nodes
 * of the page's <article>. */
export async function recordPage({path, notFound, title, build}) {
  initI18n();
  let record = null;
  let status = () => t('record.loading');

  const render = () => {
    if (record) {
      $('record').replaceChildren(...build(record));
      $('record').hidden = false;
      document.title = t(title, {name: record.name});
      $('status').textContent = '';
    } else {
      $('status').textContent = status();
    }
  };
  document.addEventListener('langchange', render);

  const id = idParam();
  if (!id) {
    status = () => t('record.missing_id');
    render();
    return;
  }
  try {
    record = await api('GET', `${path}/${id}`);
  } catch (err) {
    if (err.status === 404)
      status = () => t(notFound);
    else if (err.code === 'network')
      status = () => t('error.network');
    else
      status = () => t('error.unknown', {status: err.status});
  }
  render();
}

/* rows: [[labelKey, value]]; a value that is empty (or null) leaves its row out. */
export function details(rows) {
  const items = rows.filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([key, value]) => h('div', null, h('dt', null, t(key)), h('dd', null, value)));
  return items.length ? h('dl', {class: 'details'}, items) : null;
}

let sections = 0;

/* A card with a heading (h2) and its content. */
export function section(headingKey, ...content) {
  const id = `section-${++sections}`;
  return h('section', {class: 'card', 'aria-labelledby': id}, h('h2', {id}, t(headingKey)), content);
}

/* [{id, name}] as a list of links to page?id=N. */
export function linkList(items, page) {
  return h('ul', {class: 'link-list'}, items.map((item) =>
    h('li', null, h('a', {class: 'item-link', href: `/${page}.html?id=${item.id}`},
      h('span', {class: 'item-title'}, item.name)))));
}

/* An image that removes itself (and its figure) if it cannot be loaded; the handler is set
 * before the address so no error is missed. */
export function safeImage(src, alt, cls, removeWith) {
  const img = h('img', {alt, class: cls, decoding: 'async'});
  img.addEventListener('error', () => (removeWith ? removeWith() : img.remove()));
  img.src = src;
  return img;
}

/* The QR code card of a record: /api/v1/<plural>/N/qr.svg, and under it the links to its
 * printable cards (card.html), given as [[translation key, href]]. Without the image the links
 * stay. */
export function qrCard(plural, id, alt, prints = []) {
  const figure = h('figure', {class: 'qr'});
  const links = prints.length
    ? h('ul', {class: 'print-links', 'aria-label': t('card.links')},
      prints.map(([key, href]) => h('li', null, h('a', {class: 'button secondary', href}, t(key)))))
    : null;
  const card = h('section', {class: 'card qr-card'}, figure, links);
  figure.append(safeImage(`/api/v1/${plural}/${id}/qr.svg`, alt, null, () => (links ? figure.remove() : card.remove())),
    h('figcaption', null, t('record.qr.caption')));
  return card;
}
