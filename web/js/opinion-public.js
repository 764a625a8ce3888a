/* opinion-public: what the constituent's two opinion pages share (write.html sends a message,
 * track.html follows it) - the error summary that lists a form's problems and ties each to its
 * field, codes written to be read aloud, Beijing times, and the category list.
 *
 * A field is a container marked data-field="NAME" holding its control, a [data-field-label]
 * text and a .field-error line with an id. Every message is a function of the language, so a
 * switch re-renders it. */

import './strings/opinions-public.js';
import {t, getLang} from './i18n.js';
import {api} from './api.js';
import {h} from './dom.js';
import {say} from './forms.js';

/* ---- the error summary ------------------------------------------------------------------ */

function fieldBox(form, name) {
  return name ? form.querySelector(`[data-field="${CSS.escape(name)}"]`) : null;
}

function controlOf(box) {
  return box ? box.querySelector('input:not([type="hidden"]), select, textarea') : null;
}

function labelOf(box, name) {
  const label = box && box.querySelector('[data-field-label]');
  return label ? label.textContent.trim() : name;
}

/* The summary above a form (box: an empty element with tabindex="-1") that lists its problems,
 * each a link to its field; every field at fault is marked aria-invalid and described by the
 * line under it that says what is wrong. */
export class ErrorSummary {
  constructor(form, box) {
    this.form = form;
    this.box = box;
    this.errors = [];   /* [{field: name | null, text: () => string}] */
    this.titleId = `${box.id}-title`;
    box.setAttribute('aria-labelledby', this.titleId);
  }

  clear() {
    for (const el of this.form.querySelectorAll('[aria-invalid]'))
      el.removeAttribute('aria-invalid');
    for (const note of this.form.querySelectorAll('.field-error[id]'))
      say(note.id, null);
    this.errors = [];
    this.box.replaceChildren();
    this.box.hidden = true;
  }

  /* errors: [{field, text}] (field null for a problem of the whole form); moves focus to the
   * summary so that it is read out first. */
  show(errors) {
    this.clear();
    this.errors = errors;
    for (const {field, text} of errors) {
      const box = fieldBox(this.form, field);
      const control = controlOf(box);
      const note = box && box.querySelector('.field-error[id]');
      if (!control)
        continue;
      /* every button of a radio group, which is one field */
      const controls = control.type === 'radio' ? box.querySelectorAll(`input[name="${CSS.escape(control.name)}"]`) : [control];
      for (const el of controls) {
        el.setAttribute('aria-invalid', 'true');
        const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
        if (note && !ids.includes(note.id))
          el.setAttribute('aria-describedby', [...ids, note.id].join(' '));
      }
      if (note)
        say(note.id, text);
    }
    this.render();
    this.box.hidden = false;
    this.box.focus();
  }

  render() {
    if (!this.errors.length)
      return;
    const n = this.errors.length;
    const items = this.errors.map(({field, text}) => {
      const box = fieldBox(this.form, field);
      const control = controlOf(box);
      if (!control)
        return h('li', null, text());
      const words = `${labelOf(box, field)}${t('field.separator')}${text()}`;
      return h('li', null, h('a', {href: `#${control.id}`, onclick: (ev) => {
        ev.preventDefault();
        control.focus();
        (box.querySelector('label, legend') || control).scrollIntoView({block: 'start'});
      }}, words));
    });
    /* role=alert as well as focus: a screen reader that does not read a focused box reads this */
    this.box.replaceChildren(h('div', {role: 'alert'},
      h('h2', {id: this.titleId}, n === 1 ? t('pub.errors.one') : t('pub.errors.many', {n})),
      h('ul', null, items)));
  }
}

/* ---- codes read aloud -------------------------------------------------------------------- */

/* 'ACDE4679' -> 'ACDE 4679': groups of four, easy to read out over the phone. */
export function spaced(code) {
  return String(code).replace(/(.{4})(?=.)/g, '$1 ');
}

/* 'AC4' -> 'A C 4': a screen reader says each character rather than guessing a word. */
export function spelled(code) {
  return [...String(code)].join(' ');
}

/* A code as typed (lower case, with spaces or dashes) as the server stores it. */
export function normalizeCode(typed) {
  return String(typed).replace(/[\s-]+/g, '').toUpperCase();
}

/* ---- Beijing time ------------------------------------------------------------------------- */

const ZONE = 'Asia/Shanghai';
const BEIJING_OFFSET_S = 8 * 3600; /* China keeps no summer time */

function locale() {
  return getLang() === 'en' ? 'en-GB' : 'zh-CN';
}

/* Unix seconds as a date and time in Beijing, in the page's language, whatever the device's zone. */
export function beijingTime(unix) {
  return new Intl.DateTimeFormat(locale(), {
    timeZone: ZONE, year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'
  }).format(new Date(unix * 1000));
}

export function beijingDate(unix) {
  return new Intl.DateTimeFormat(locale(), {timeZone: ZONE, year: 'numeric', month: 'long', day: 'numeric'})
    .format(new Date(unix * 1000));
}

/* For <time datetime>: 2026-05-06T14:05:00+08:00. */
export function beijingIso(unix) {
  return `${new Date((unix + BEIJING_OFFSET_S) * 1000).toISOString().slice(0, 19)}+08:00`;
}

export function timeEl(unix, withTime = true) {
  return h('time', {datetime: beijingIso(unix)}, withTime ? beijingTime(unix) : beijingDate(unix));
}

/* ---- categories ---------------------------------------------------------------------------- */

/* The category tree offered for a place (region: its code; the national set and its region's
 * own) as a list in display order, each with its depth: [{id, code, name, name_en, depth}]; a
 * child follows its parent. */
export async function loadCategories(region) {
  const {items} = await api('GET', `/api/v1/categories${region ? `?region=${encodeURIComponent(region)}` : ''}`);
  const children = new Map();
  for (const c of items)
    children.set(c.parent_id || 0, [...(children.get(c.parent_id || 0) || []), c]);
  const out = [];
  const walk = (parent, depth) => {
    for (const c of children.get(parent) || []) {
      out.push({...c, depth});
      if (depth < 8)
        walk(c.id, depth + 1);
    }
  };
  walk(0, 0);
  return out;
}

export function categoryName(c) {
  return getLang() === 'en' && c.name_en ? c.name_en : c.name;
}

/* The words for a failed request that names no field: no connection, too many, or the status. */
export function requestProblem(err, tooMany) {
  if (err.code === 'network')
    return () => t('pub.error.network');
  if (err.status === 429)
    return err.retryAfter ? () => t(`${tooMany}.wait`, {seconds: err.retryAfter}) : () => t(tooMany);
  return () => t('error.unknown', {status: err.status});
}

/* ---- the way in ------------------------------------------------------------------------------ */

/* The card on a deputy's or station's page that opens the form (kind 'deputy' or 'station');
 * a page opened from a QR code (&via=qr) passes that on, so the message counts as a QR scan. */
export function writeCard(kind, record) {
  const via = new URLSearchParams(window.location.search).get('via') === 'qr' ? '&via=qr' : '';
  const id = `write-card-${kind}`;
  const heading = kind === 'deputy' ? t('write.card.heading.deputy', {name: record.name}) : t('write.card.heading.station');
  return h('section', {class: 'card write-card', 'aria-labelledby': id},
    h('h2', {id}, heading),
    h('p', null, t(`write.card.text.${kind}`)),
    h('p', {class: 'write-card-links'},
      h('a', {class: 'button primary', href: `/write.html?${kind}=${record.id}${via}`}, t(`write.heading.${kind}`)),
      h('a', {class: 'track-link', href: '/track.html'}, t('write.card.track'))));
}
