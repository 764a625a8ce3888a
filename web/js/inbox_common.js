/* inbox_common: what the staff inbox (inbox.js, inbox_detail.js, inbox_intake.js) and the unit
 * inbox (unit_inbox.js) share - times in Beijing time, the words for states, channels, actions
 * and deadline flags (always as text: a badge never speaks by colour alone), the category list,
 * names of stations, deputies and units looked up once per page, and API errors in words.
 *
 * Every string lives in strings/opinions-staff.js under inbox.*, intake.* and unitbox.*. */

import './strings/opinions-staff.js';
import {t, has, getLang} from './i18n.js';
import {api} from './api.js';
import {h} from './dom.js';
import {learnNames} from './regions.js';
import {say, capitalize, errorText} from './forms.js';

export const STATES = ['registered', 'triaged', 'in_progress', 'answered', 'closed', 'merged', 'rejected'];
export const CHANNELS = ['online', 'qr', 'walk_in', 'visit', 'phone', 'letter'];
export const INTAKE_CHANNELS = ['walk_in', 'visit', 'phone', 'letter'];
export const URGENCIES = ['normal', 'urgent'];
export const TIERS = ['station', 'township', 'county', 'city'];
export const RATINGS = ['satisfied', 'basic', 'unsatisfied'];

const PAGE = 100;      /* records per request when gathering choices */
const MAX = 1000;      /* choices gathered at most */
const DAY = 86400;

/* ---- words ------------------------------------------------------------------------------ */

/* word('state', 'in_progress') -> '办理中'; an unknown code is shown as it came. */
export function word(group, code) {
  const key = `inbox.${group}.${code}`;
  return has(key) ? t(key) : String(code);
}

/* 'YYYY-MM-DD HH:mm' in Beijing time (deadlines end at 23:59 there), whatever the browser's zone. */
export function beijingTime(unix) {
  if (!Number.isFinite(unix) || unix <= 0)
    return '';
  const parts = {};
  try {
    for (const p of new Intl.DateTimeFormat('en-GB', {timeZone: 'Asia/Shanghai', hourCycle: 'h23', year: 'numeric',
      month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit'}).formatToParts(new Date(unix * 1000)))
      parts[p.type] = p.value;
  } catch {
    return new Date((unix + 8 * 3600) * 1000).toISOString().slice(0, 16).replace('T', ' ');
  }
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/* A flag the server did not compute (a referral's deadline, an opinion opened on its own):
 * overdue once the deadline has passed, warn when it ends by the end of tomorrow in Beijing -
 * calendar days, where the inbox list counts working days. */
export function flagOf(due, now = Date.now() / 1000) {
  if (!Number.isFinite(due) || due <= 0)
    return 'none';
  if (due < now)
    return 'overdue';
  const beijingMidnight = Math.floor((now + 8 * 3600) / DAY) * DAY - 8 * 3600;
  return due < beijingMidnight + 2 * DAY ? 'warn' : 'none';
}

export function badge(kind, text) {
  return h('span', {class: `badge ${kind}`}, text);
}

/* The deadline flag as a text badge (预警, 超期), or null when there is none. */
export function flagBadge(flag) {
  return flag === 'warn' || flag === 'overdue' ? badge(`flag-${flag}`, word('flag', flag)) : null;
}

export function stateBadge(state) {
  return badge('state', word('state', state));
}

/* ---- lookups ------------------------------------------------------------------------------ */

let categories = null;
let loaded = [];

/* The categories ({id, code, name, name_en, parent_id?}), fetched once, in the order of the
 * tree: each followed by its subcategories. */
export async function loadCategories() {
  if (!categories) {
    categories = api('GET', '/api/v1/categories').then((data) => {
      const all = (data && data.items) || [];
      const known = new Set(all.map((c) => c.id));
      const order = [];
      const walk = (parent, depth) => {
        for (const c of all.filter((x) => (x.parent_id && known.has(x.parent_id) ? x.parent_id : 0) === parent)) {
          order.push(c);
          if (depth < 8)
            walk(c.id, depth + 1);
        }
      };
      walk(0, 0);
      loaded = order;
      return loaded;
    });
    categories.catch(() => { categories = null; });
  }
  return categories;
}

function own(c) {
  return getLang() === 'en' && c.name_en ? c.name_en : c.name;
}

/* A category's name in the current language, after its parents' (城建 › 道路). */
export function categoryLabel(c) {
  const chain = [];
  for (let x = c; x && chain.length < 9; x = x.parent_id ? loaded.find((p) => p.id === x.parent_id) : null)
    chain.unshift(own(x));
  return chain.join(' › ');
}

const names = new Map(); /* 'stations/8' -> name (a promise) */

/* The name of a registry record (plural 'stations', 'deputies', 'units'), or '#id'. */
export function recordName(plural, id) {
  if (!id)
    return Promise.resolve('');
  const key = `${plural}/${id}`;
  if (!names.has(key)) {
    const pending = api('GET', `/api/v1/${plural}/${id}`).then((r) => r.name).catch(() => {
      names.delete(key);
      return `#${id}`;
    });
    names.set(key, pending);
  }
  return names.get(key);
}

/* The county code over region (its first six digits). */
export function countyOf(region) {
  return `${String(region).slice(0, 6)}000000`;
}

/* Every record of a list (GET /api/v1/<plural>?...) up to MAX, following "next". */
export async function loadAll(plural, params) {
  let items = [];
  let after = null;
  do {
    const query = new URLSearchParams({...params, limit: String(PAGE)});
    if (after)
      query.set('after', String(after));
    const data = await api('GET', `/api/v1/${plural}?${query}`);
    items = items.concat((data && data.items) || []);
    after = data && data.next;
  } while (after && items.length < MAX);
  return items;
}

/* ---- errors ------------------------------------------------------------------------------- */

/* The words for an error of the loop: a field the server refused (in this feature's words),
 * else what forms.js knows. */
export function reason(err) {
  if (err.code === 'invalid' && err.field && has(`inbox.err.${err.field}`))
    return t(`inbox.err.${err.field}`);
  if (err.code === 'illegal_transition') {
    const state = err.body && err.body.error ? err.body.error.state : '';
    return t('inbox.err.illegal_transition', {state: word(STATES.includes(state) ? 'state' : 'refstate', state)});
  }
  return null;
}

export function problemText(err) {
  return errorText(err, reason);
}

/* A fresh idempotency key: a form sent twice (a double tap, a retry after a lost answer) makes
 * one opinion, not two. */
export function idempotencyKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/* ---- small forms ------------------------------------------------------------------------ */

/* A labelled control in a box marked data-field=name, so forms.js puts the server's error about
 * that field under it. type: textarea (default), text, tel, days (a whole number) or select
 * (options [[value, text, i18nKey?]]); the id is `${prefix}-${name}`. */
export function field(prefix, name, labelKey, {type = 'textarea', required = false, hintKey = null, options = [],
  value = '', max = 5000} = {}) {
  const id = `${prefix}-${name}`;
  const hint = hintKey ? `${id}-hint` : null;
  let control;
  if (type === 'textarea') {
    control = h('textarea', {id, name, rows: 4, maxlength: max, required, 'aria-describedby': hint});
  } else if (type === 'select') {
    control = h('select', {id, name, required, 'aria-describedby': hint},
      options.map(([v, text, key]) => h('option', {value: v, 'data-i18n': key || null}, text)));
  } else {
    control = h('input', {id, name, type: type === 'tel' ? 'tel' : 'text', inputmode: type === 'days' ? 'numeric' : null,
      maxlength: type === 'days' ? 2 : max, required, autocomplete: 'off', 'aria-describedby': hint});
  }
  if (value)
    control.value = value;
  return h('div', {class: 'field', 'data-field': name},
    h('label', {for: id},
      h('span', {'data-field-label': true, 'data-i18n': labelKey}, t(labelKey)),
      required ? h('span', {class: 'required', 'data-i18n': 'inbox.required'}, t('inbox.required')) : null),
    control,
    hint ? h('p', {class: 'hint', id: hint, 'data-i18n': hintKey}, t(hintKey)) : null,
    h('p', {class: 'field-error', id: `${id}-error`}));
}

/* The trimmed text of the control called name, or undefined when it is empty (left out of a body). */
export function textOf(form, name) {
  const el = form.elements.namedItem(name);
  const v = el ? String(el.value).trim() : '';
  return v || undefined;
}

/* A number of working days typed in the field called name: {days} (undefined when empty), or
 * {error} for forms.js when it is not a whole number from 1 to max. */
export function daysOf(form, name, max) {
  const raw = textOf(form, name);
  if (raw === undefined)
    return {days: undefined};
  const n = /^[0-9]{1,2}$/.test(raw) ? Number(raw) : 0;
  return n >= 1 && n <= max ? {days: n} : {error: {code: 'invalid', field: name}};
}

/* A step's form: a heading (h4), the fields, a line for errors ({id}-error), submit and cancel.
 * onSubmit(form) runs on submit (the caller wraps it in once()). */
export function actionForm({id, headingKey, fields, submitKey, onSubmit, onCancel}) {
  const heading = `${id}-heading`;
  const form = h('form', {id, class: 'action-form', novalidate: true, 'aria-labelledby': heading},
    h('h4', {id: heading, tabindex: '-1', 'data-i18n': headingKey}, t(headingKey)),
    fields,
    h('p', {id: `${id}-error`, class: 'form-error', role: 'alert'}),
    h('div', {class: 'form-actions'},
      h('button', {type: 'submit', class: 'primary', 'data-i18n': submitKey}, t(submitKey)),
      h('button', {type: 'button', class: 'secondary', 'data-i18n': 'inbox.cancel', onclick: onCancel}, t('inbox.cancel'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onSubmit(form);
  });
  return form;
}

/* ---- paged lists ------------------------------------------------------------------------ */

/* A list read page by page with "next" (GET path?query&after=ID), newest first. options: path;
 * query() -> URLSearchParams (with limit); regionOf(item) -> the region a row names; render()
 * draws this.items; statusId and errorId: the live lines for the count and for a failure;
 * countText() -> the count's words; lost(err) -> true when err ended the session. */
export class PagedList {
  constructor(options) {
    Object.assign(this, options);
    this.items = [];
    this.next = null;
    this.generation = 0;  /* a newer request makes the answer to an older one stale */
  }

  reset() {
    this.items = [];
    this.next = null;
    this.generation++;
  }

  /* Reads the first page again, or (append) the next one after what is shown. */
  async load(append = false) {
    const generation = append ? this.generation : ++this.generation;
    say(this.errorId, null);
    say(this.statusId, () => t('inbox.loading'));
    const params = this.query();
    if (append && this.next)
      params.set('after', String(this.next));
    try {
      const data = await api('GET', `${this.path}?${params}`);
      if (generation !== this.generation)
        return;
      const page = (data && data.items) || [];
      /* a row changed meanwhile may come again on the next page: it is not listed twice */
      this.items = append ? this.items.concat(page.filter((x) => !this.items.some((y) => y.id === x.id))) : page;
      this.next = data && data.next ? data.next : null;
      await learnNames(this.items.map(this.regionOf));
      if (generation !== this.generation)
        return;
      this.render();
      say(this.statusId, () => this.countText());
    } catch (err) {
      if (this.lost(err))
        return;
      say(this.statusId, null);
      say(this.errorId, () => capitalize(problemText(err)));
    }
  }

  /* How many are shown, and whether there are more; emptyKey when there are none. */
  count(emptyKey) {
    const n = this.items.length;
    if (!n)
      return t(emptyKey);
    return t(this.next ? 'inbox.count.more' : 'inbox.count', {n});
  }
}
