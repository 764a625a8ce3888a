/* dom: building elements without innerHTML (so no text from the server is ever parsed as
 * markup), and the small pieces the public pages share. */

import {t, has} from './i18n.js';

export const $ = (id) => document.getElementById(id);

/* h('a', {href: '/x', class: 'y', 'data-i18n': 'k'}, 'text', child, [more]) -> the element.
 * Attributes set to null, undefined or false are left out; true gives an empty attribute;
 * "text" sets textContent; functions under on* become event listeners. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false)
      continue;
    if (key === 'class')
      el.className = value;
    else if (key === 'text')
      el.textContent = value;
    else if (key.startsWith('on') && typeof value === 'function')
      el.addEventListener(key.slice(2), value);
    else
      el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false)
      continue;
    if (Array.isArray(child))
      append(el, child);
    else
      el.append(child instanceof Node ? child : String(child));
  }
}

/* A translated label for a code from the API: label('kind', 'hub') -> '代表联络站'; an unknown
 * code is shown as it came. */
export function label(group, code) {
  const key = `${group}.${code}`;
  return has(key) ? t(key) : String(code);
}

/* The query parameter id (or another, such as deputy) as a positive whole number, or null. */
export function idParam(name = 'id') {
  const raw = new URLSearchParams(window.location.search).get(name);
  return raw && /^[1-9][0-9]{0,15}$/.test(raw) ? raw : null;
}

/* Coordinates in degrees, to six places (about 10 cm): enough for a map, without the binary
 * noise of a stored double (26.579999999999998). */
export function degrees(value) {
  return Number.isFinite(value) ? String(Number(value.toFixed(6))) : '';
}

/* A phone number as a tel: address: digits and a leading +, nothing else. */
export function telHref(phone) {
  const digits = String(phone).replace(/[^0-9+]/g, '').replace(/(?!^)\+/g, '');
  return digits ? `tel:${digits}` : null;
}
