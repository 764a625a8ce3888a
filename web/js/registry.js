/* registry: the admin's registry in the staff workspace - stations, deputies, units, groups and
 * congresses of their region, one tab each: a paged list (GET /api/v1/<plural>?region=...),
 * and one form that creates a record or edits the one picked from the list, plus delete with
 * confirmation. Each tab also exports and imports its list as a CSV sheet (sheet.js).
 *
 * Each form is generated from ENTITIES below: the fields' names are the API's, so an error that
 * names a field is shown under that field. Links to other records (a spoke's hub, a deputy's
 * stations) are offered as choices among the records of the admin's region. */

import {t, has} from './i18n.js';
import {api} from './api.js';
import {$, h, label, degrees} from './dom.js';
import {RegionCascade, regionInfo, regionName, learnNames} from './regions.js';
import {say, capitalize, errorText, clearFormError, showFormError, missingField, once} from './forms.js';
import * as sheet from './sheet.js';

const PAGE = 20;        /* rows per page of the list */
const REF_PAGE = 100;   /* records per request when gathering choices */
const REF_MAX = 1000;   /* choices gathered at most per entity */

const KINDS = ['home', 'hub', 'spoke', 'legislative', 'budget', 'overseas', 'economic', 'professional', 'online'];

/* One entry per tab. A field: name (the API's), type (text, textarea, tel, number, int, choice,
 * ref, multi, bool, region), required, min/max (characters, or the range of a number), choices
 * and the translation group of their labels, ref (the plural it points at) with an optional
 * filter, hint (a translation key), wide (takes a whole row on wide screens), writeOnly (never
 * shown back: the deputy's phone). Columns: [field, how to show it]. */
const ENTITIES = {
  stations: {
    one: 'station',
    page: 'station',
    fields: [
      {name: 'name', type: 'text', required: true, min: 2, max: 60},
      {name: 'kind', type: 'choice', required: true, choices: KINDS, labels: 'kind'},
      {name: 'region', type: 'region', required: true, wide: true},
      {name: 'hub_id', type: 'ref', ref: 'stations', hint: 'registry.hint.hub_id', wide: true,
        filter: (s, editing) => (s.kind === 'hub' || s.kind === 'home') && s.id !== editing},
      {name: 'address', type: 'text', max: 120, wide: true},
      {name: 'hours', type: 'text', max: 120},
      {name: 'contact_name', type: 'text', max: 30},
      {name: 'contact_phone', type: 'tel', max: 30},
      {name: 'latitude', type: 'number', min: -90, max: 90, hint: 'registry.hint.latitude'},
      {name: 'longitude', type: 'number', min: -180, max: 180, hint: 'registry.hint.longitude'},
      {name: 'description', type: 'textarea', max: 2000, wide: true}
    ],
    columns: [['name', 'link'], ['kind', 'choice'], ['region', 'region']]
  },
  deputies: {
    one: 'deputy',
    page: 'deputy',
    fields: [
      {name: 'name', type: 'text', required: true, min: 2, max: 30},
      {name: 'gender', type: 'choice', required: true, choices: ['male', 'female'], labels: 'gender'},
      {name: 'ethnicity', type: 'text', max: 20},
      {name: 'region', type: 'region', required: true, wide: true},
      {name: 'stations', type: 'multi', ref: 'stations', hint: 'registry.hint.stations', wide: true},
      {name: 'occupation', type: 'text', max: 60},
      {name: 'sector', type: 'text', max: 30},
      {name: 'contact_preference', type: 'choice', choices: ['station', 'online', 'phone'], labels: 'contact'},
      {name: 'group_id', type: 'ref', ref: 'groups'},
      {name: 'phone', type: 'tel', max: 20, writeOnly: true, hint: 'registry.hint.phone'},
      {name: 'phone_public', type: 'bool'},
      {name: 'photo', type: 'text', max: 200, hint: 'registry.hint.photo', wide: true},
      {name: 'biography', type: 'textarea', max: 2000, wide: true}
    ],
    columns: [['name', 'link'], ['gender', 'choice'], ['occupation', 'text'], ['region', 'region']]
  },
  units: {
    one: 'unit',
    fields: [
      {name: 'name', type: 'text', required: true, min: 2, max: 60},
      {name: 'parent_government', type: 'text', max: 60},
      {name: 'region', type: 'region', required: true, wide: true},
      {name: 'contact_name', type: 'text', max: 30},
      {name: 'contact_phone', type: 'tel', max: 30}
    ],
    columns: [['name', 'text'], ['parent_government', 'text'], ['contact_name', 'text'], ['contact_phone', 'text']]
  },
  groups: {
    one: 'group',
    fields: [
      {name: 'name', type: 'text', required: true, min: 2, max: 60},
      {name: 'region', type: 'region', required: true, wide: true},
      {name: 'leader_id', type: 'ref', ref: 'deputies'},
      {name: 'station_id', type: 'ref', ref: 'stations'}
    ],
    columns: [['name', 'text'], ['leader_id', 'ref'], ['station_id', 'ref'], ['region', 'region']]
  },
  congresses: {
    one: 'congress',
    fields: [
      {name: 'name', type: 'text', required: true, min: 2, max: 60, wide: true},
      {name: 'level', type: 'choice', required: true, choices: ['1', '2', '3', '4', '5'], labels: 'level'},
      {name: 'term', type: 'int', required: true, min: 1, max: 99},
      {name: 'region', type: 'region', wide: true}
    ],
    columns: [['name', 'text'], ['level', 'choice'], ['term', 'text'], ['region', 'region']]
  }
};

const TABS = Object.keys(ENTITIES);

const state = {
  me: null,
  root: null,           /* {code, name}: the admin's region */
  onSessionLost: () => {},
  tab: 'stations',
  rows: [],
  next: null,
  q: '',                /* the list's search */
  listGeneration: 0,
  refs: {},             /* plural -> [records] of the admin's region, for choices */
  editing: null,        /* the record being edited, or null when creating */
  cascade: null,
  wired: false
};

/* ---- helpers ---------------------------------------------------------------------------- */

function entity() {
  return ENTITIES[state.tab];
}

function fieldKey(e, name) {
  const own = `field.${e.one}.${name}`;
  return has(own) ? own : `field.${name}`;
}

function inputId(name) {
  return `reg-${state.tab}-${name}`;
}

/* The significant digits of a region code: a region's subtree is every code starting so. */
function prefixOf(code) {
  if (/^\d{2}0{10}$/.test(code))
    return code.slice(0, 2);
  if (/^\d{4}0{8}$/.test(code))
    return code.slice(0, 4);
  if (/^\d{6}0{6}$/.test(code))
    return code.slice(0, 6);
  if (/^\d{9}000$/.test(code))
    return code.slice(0, 9);
  return code;
}

function within(region, code) {
  return Boolean(code) && code.startsWith(prefixOf(region));
}

function sessionLost(err) {
  if (err && err.status === 401) {
    state.onSessionLost();
    return true;
  }
  return false;
}

/* The words for a registry error: the server says several things with code "invalid"; the
 * message tells which, and the field's limits fill in the numbers. */
function reasonFor(e) {
  return (err) => {
    if (err.code !== 'invalid' || !err.message)
      return null;
    const m = err.message;
    const f = e.fields.find((x) => x.name === err.field);
    if (/needs hub_id|\(spoke\) needs/.test(m))
      return t('reason.hub_required');
    if (/must name a liaison station/.test(m))
      return t('reason.hub_kind');
    if (/another county/.test(m))
      return t('reason.other_county');
    if (/outside the deputy's region/.test(m))
      return t('reason.station_outside');
    if (/level does not match/.test(m))
      return t('reason.congress_level');
    if (/national congress has no region/.test(m))
      return t('reason.national_region');
    if (/local congress needs its region/.test(m))
      return t('reason.congress_region');
    if (/names no such region/.test(m))
      return t('reason.no_region');
    if (/names no such/.test(m))
      return t('reason.no_record');
    if (/too few or too many characters/.test(m) && f)
      return f.min ? t('reason.length', {min: f.min, max: f.max}) : t('reason.length.max', {max: f.max});
    if (/must be a number|whole number|out of range/.test(m) && f && f.max !== undefined)
      return t('reason.number', {min: f.min, max: f.max});
    if (/is required|cannot be emptied/.test(m))
      return t('error.required');
    if (/not one of the allowed values/.test(m))
      return t('reason.choice');
    if (/invalid character/.test(m))
      return t('reason.characters');
    return null;
  };
}

/* ---- choices among other records ------------------------------------------------------- */

async function loadAll(plural) {
  let items = [];
  let after = null;
  do {
    const params = new URLSearchParams({region: state.me.region, limit: String(REF_PAGE)});
    if (after)
      params.set('after', String(after));
    const data = await api('GET', `/api/v1/${plural}?${params}`);
    items = items.concat((data && data.items) || []);
    after = data && data.next;
  } while (after && items.length < REF_MAX);
  return items;
}

/* Gathers the records the current tab's form (and list) point at. */
async function loadRefs() {
  const wanted = [...new Set(entity().fields.filter((f) => f.ref).map((f) => f.ref))];
  const lists = await Promise.all(wanted.map((p) => loadAll(p)));
  wanted.forEach((p, i) => { state.refs[p] = lists[i]; });
}

function refName(plural, id) {
  const r = (state.refs[plural] || []).find((x) => x.id === id);
  return r ? r.name : (id ? `#${id}` : '');
}

/* ---- the list --------------------------------------------------------------------------- */

function cellValue(row, [name, how]) {
  const v = row[name];
  switch (how) {
  case 'link': {
    const e = entity();
    return e.page ? h('a', {href: `/${e.page}.html?id=${row.id}`}, v) : v;
  }
  case 'choice': {
    const f = entity().fields.find((x) => x.name === name);
    return v === null || v === undefined ? '' : label(f.labels, v);
  }
  case 'region':
    return v ? (regionName(v) || v) : '';
  case 'ref': {
    const f = entity().fields.find((x) => x.name === name);
    return v ? refName(f.ref, v) : '';
  }
  default:
    return v === null || v === undefined ? '' : String(v);
  }
}

function renderTable() {
  const e = entity();
  const head = $('registry-head');
  if (!head)
    return;
  /* the actions come right after the name, where a phone shows them without scrolling */
  const [first, ...rest] = e.columns;
  head.replaceChildren(h('tr', null,
    h('th', {scope: 'col'}, t(fieldKey(e, first[0]))),
    h('th', {scope: 'col'}, t('registry.col.actions')),
    rest.map(([name]) => h('th', {scope: 'col'}, t(fieldKey(e, name))))));
  $('registry-caption').textContent = t(`registry.caption.${state.tab}`);
  $('registry-body').replaceChildren(...state.rows.map((row) => h('tr', {'data-id': row.id},
    h('th', {scope: 'row', class: 'name'}, cellValue(row, first)),
    h('td', null, h('div', {class: 'row-actions'},
      h('button', {type: 'button', class: 'secondary', 'data-action': 'edit', 'data-id': row.id},
        t('registry.edit'), h('span', {class: 'visually-hidden'}, `${t('field.separator')}${row.name}`)),
      h('button', {type: 'button', class: 'danger', 'data-action': 'delete', 'data-id': row.id},
        t('registry.delete'), h('span', {class: 'visually-hidden'}, `${t('field.separator')}${row.name}`)))),
    rest.map((col) => h('td', null, cellValue(row, col))))));
  $('registry-more').hidden = !state.next;
}

async function loadList(append = false) {
  const generation = append ? state.listGeneration : ++state.listGeneration;
  const tab = state.tab;
  say('registry-error', null);
  say('registry-list-status', () => t('registry.loading'));
  const params = new URLSearchParams({region: state.me.region, limit: String(PAGE)});
  if (state.q)
    params.set('q', state.q);
  if (append && state.next)
    params.set('after', String(state.next));
  try {
    const data = await api('GET', `/api/v1/${tab}?${params}`);
    if (generation !== state.listGeneration || tab !== state.tab)
      return;
    const page = (data && data.items) || [];
    /* a record saved here was put on top already: it is not listed twice */
    state.rows = append ? state.rows.concat(page.filter((r) => !state.rows.some((x) => x.id === r.id))) : page;
    state.next = data && data.next ? data.next : null;
    await learnNames(state.rows.map((r) => r.region));
    if (generation !== state.listGeneration || tab !== state.tab)
      return;
    renderTable();
    const q = state.q;
    say('registry-list-status', state.rows.length ? null : () => (q ? t('registry.none_found', {q}) : t('registry.empty')));
  } catch (err) {
    if (sessionLost(err))
      return;
    say('registry-list-status', null);
    say('registry-error', () => capitalize(errorText(err)));
  }
}

/* ---- the form --------------------------------------------------------------------------- */

function fieldLabel(e, f, forId) {
  const text = h('span', {'data-field-label': true, 'data-i18n': fieldKey(e, f.name)}, t(fieldKey(e, f.name)));
  const required = f.required
    ? h('span', {class: 'required', 'data-i18n': 'registry.required'}, t('registry.required'))
    : null;
  return forId ? h('label', {for: forId}, text, required) : h('legend', null, text, required);
}

function hintAndError(f, id) {
  return [
    f.hint ? h('p', {class: 'hint', id: `${id}-hint`, 'data-i18n': f.hint}, t(f.hint)) : null,
    h('p', {class: 'field-error', id: `${id}-error`})
  ];
}

function controlFor(e, f, id) {
  const described = f.hint ? `${id}-hint` : null;
  switch (f.type) {
  case 'textarea':
    return h('textarea', {id, name: f.name, maxlength: f.max, rows: 4, 'aria-describedby': described});
  case 'choice':
    return h('select', {id, name: f.name, required: f.required, 'aria-describedby': described},
      h('option', {value: '', 'data-i18n': f.required ? 'registry.choose' : 'registry.none'},
        t(f.required ? 'registry.choose' : 'registry.none')),
      f.choices.map((c) => h('option', {value: c, 'data-i18n': `${f.labels}.${c}`}, label(f.labels, c))));
  case 'ref':
    return h('select', {id, name: f.name, 'aria-describedby': described});
  default: {
    const type = f.type === 'tel' ? 'tel' : 'text';
    const inputmode = f.type === 'number' ? 'decimal' : f.type === 'int' ? 'numeric' : null;
    return h('input', {id, name: f.name, type, inputmode, maxlength: f.max && f.type !== 'number' && f.type !== 'int' ? f.max : null,
      required: f.required, autocomplete: 'off', 'aria-describedby': described});
  }
  }
}

function fieldBox(e, f) {
  const id = inputId(f.name);
  const cls = ['field', f.wide ? 'wide' : null, f.type === 'bool' ? 'check' : null].filter(Boolean).join(' ');
  if (f.type === 'region') {
    const levels = h('div', {class: 'region-levels', id: `${id}-levels`});
    return h('fieldset', {class: cls, 'data-field': f.name}, fieldLabel(e, f, null),
      h('p', {class: 'hint', 'data-i18n': 'registry.hint.region'}, t('registry.hint.region')),
      h('p', {class: 'region-root', id: `${id}-root`}),
      levels, h('p', {class: 'field-error', id: `${id}-error`}));
  }
  if (f.type === 'multi') {
    return h('fieldset', {class: cls, 'data-field': f.name}, fieldLabel(e, f, null),
      ...hintAndError(f, id).slice(0, 1),
      h('div', {class: 'checks', id: `${id}-checks`}),
      hintAndError(f, id)[1]);
  }
  if (f.type === 'bool') {
    return h('div', {class: cls, 'data-field': f.name},
      h('input', {id, name: f.name, type: 'checkbox'}), fieldLabel(e, f, id), hintAndError(f, id)[1]);
  }
  return h('div', {class: cls, 'data-field': f.name}, fieldLabel(e, f, id), controlFor(e, f, id), ...hintAndError(f, id));
}

/* Offers the records of the admin's region in the form's choices, keeping what was chosen. */
function fillChoices() {
  const e = entity();
  const editing = state.editing ? state.editing.id : null;
  for (const f of e.fields) {
    if (f.type === 'ref') {
      const select = $(inputId(f.name));
      const keep = select.value;
      const items = (state.refs[f.ref] || []).filter((r) => !f.filter || f.filter(r, editing));
      select.replaceChildren(h('option', {value: '', 'data-i18n': 'registry.none'}, t('registry.none')),
        ...items.map((r) => h('option', {value: String(r.id)}, r.name)));
      select.value = items.some((r) => String(r.id) === keep) ? keep : '';
    } else if (f.type === 'multi') {
      const box = $(`${inputId(f.name)}-checks`);
      const kept = new Set([...box.querySelectorAll('input:checked')].map((c) => c.value));
      const items = state.refs[f.ref] || [];
      box.replaceChildren(...items.map((r) => h('label', {'data-region': r.region},
        h('input', {type: 'checkbox', name: f.name, value: String(r.id), checked: kept.has(String(r.id))}),
        h('span', null, r.name))));
      if (!items.length)
        box.append(h('p', {class: 'muted', 'data-i18n': 'registry.stations.empty'}, t('registry.stations.empty')));
      filterStations();
    }
  }
}

/* A deputy's stations must lie inside the deputy's area: the others are not offered. */
function filterStations() {
  const box = $(`${inputId('stations')}-checks`);
  if (!box || !state.cascade)
    return;
  const region = state.cascade.value();
  for (const option of box.querySelectorAll('label[data-region]')) {
    const inside = within(region, option.dataset.region);
    option.hidden = !inside;
    if (!inside)
      option.querySelector('input').checked = false;
  }
}

function renderFormHeading() {
  const heading = $('registry-form-heading');
  if (!heading)
    return;
  heading.textContent = state.editing
    ? t('registry.editing', {name: state.editing.name})
    : t(`registry.create.${state.tab}`);
  const submit = $('registry-submit');
  const key = state.editing ? 'registry.submit.update' : 'registry.submit.create';
  submit.dataset.i18n = key;
  submit.textContent = t(key);
  $('registry-cancel').hidden = !state.editing;
}

function buildPanel() {
  const e = entity();
  const form = h('form', {id: 'registry-form', class: 'reg-form', 'aria-labelledby': 'registry-form-heading', novalidate: true},
    e.fields.map((f) => fieldBox(e, f)),
    h('p', {id: 'registry-form-error', class: 'form-error', role: 'alert'}),
    h('p', {id: 'registry-form-status', class: 'form-status wide', role: 'status'}),
    h('div', {class: 'form-actions'},
      h('button', {id: 'registry-submit', type: 'submit', class: 'primary'}),
      h('button', {id: 'registry-cancel', type: 'button', class: 'secondary', 'data-i18n': 'registry.cancel', hidden: true},
        t('registry.cancel'))));
  const search = h('form', {id: 'registry-search', role: 'search', class: 'registry-search', novalidate: true},
    h('label', {for: 'registry-q', 'data-i18n': `registry.search.${state.tab}`}, t(`registry.search.${state.tab}`)),
    h('div', {class: 'search-row'},
      h('input', {id: 'registry-q', name: 'q', type: 'search', maxlength: 50, autocomplete: 'off', value: state.q}),
      h('button', {type: 'submit', class: 'secondary', 'data-i18n': 'registry.search.submit'}, t('registry.search.submit'))));
  $('registry-panel').replaceChildren(
    search,
    h('div', {class: 'table-scroll', role: 'region', tabindex: '0', 'aria-label': t('registry.scroll'),
      'data-i18n-aria-label': 'registry.scroll'},
    h('table', {id: 'registry-table'},
      h('caption', {id: 'registry-caption'}),
      h('thead', {id: 'registry-head'}),
      h('tbody', {id: 'registry-body'}))),
    h('button', {id: 'registry-more', type: 'button', class: 'secondary', 'data-i18n': 'registry.more', hidden: true},
      t('registry.more')),
    h('p', {id: 'registry-list-status', class: 'muted', role: 'status'}),
    h('p', {id: 'registry-notice', class: 'form-status', role: 'status'}),
    h('p', {id: 'registry-error', class: 'form-error', role: 'alert'}),
    h('h3', {id: 'registry-form-heading', tabindex: '-1'}),
    form,
    sheet.section({
      plural: state.tab,
      fields: entity().fields,
      onImported: async () => {
        await loadList();
        await loadRefs().then(fillChoices).catch(() => null);
      },
      onSessionLost: sessionLost
    }));
  form.addEventListener('submit', onSubmit);
  search.addEventListener('submit', onSearch);
  $('registry-q').addEventListener('search', () => {
    if (!$('registry-q').value && state.q)
      onSearch();
  });
  $('registry-cancel').addEventListener('click', onCancel);
  $('registry-more').addEventListener('click', () => loadList(true));
  $('registry-body').addEventListener('click', onRowAction);

  const id = inputId('region');
  state.cascade = new RegionCascade({
    container: $(`${id}-levels`),
    idPrefix: `${id}-level`,
    root: state.root,
    blank: (parentName) => t('region.self', {name: parentName || ''}),
    onChange: () => filterStations()
  });
  state.rows = [];
  state.next = null;
  renderTable();
  renderFormHeading();
}

/* Back to an empty form for a new record. */
async function resetForm() {
  const form = $('registry-form');
  state.editing = null;
  form.reset();
  clearFormError(form, 'registry-form-error');
  renderFormHeading();
  fillChoices();
  try {
    await state.cascade.setValue(state.root.code);
  } catch {
    /* the region levels could not be fetched: the admin's own region still applies */
  }
  regionSettled();
}

/* After the region levels are in place: a deputy's stations follow the area, and an admin of a
 * village (no level under it) sees the one region that applies. */
function regionSettled() {
  filterStations();
  const root = $(`${inputId('region')}-root`);
  if (root)
    root.textContent = state.cascade.levels.length ? '' : state.root.name;
}

/* The body of a create (all that is filled in) or an update (every field, empties clearing). */
function formBody(form, update) {
  const body = {};
  for (const f of entity().fields) {
    const el = form.elements.namedItem(f.name);
    switch (f.type) {
    case 'region':
      body.region = state.cascade.value();
      break;
    case 'bool':
      body[f.name] = el.checked;
      break;
    case 'multi':
      body[f.name] = [...form.querySelectorAll(`input[name="${f.name}"]:checked`)].map((c) => Number(c.value));
      break;
    case 'ref': {
      const v = el.value;
      if (v || update)
        body[f.name] = v ? Number(v) : null;
      break;
    }
    default: {
      const v = el.value.trim();
      if (f.writeOnly && !v)
        break; /* an empty phone keeps the stored one */
      if (v || update)
        body[f.name] = v;
    }
    }
  }
  return body;
}

function fillForm(record) {
  const form = $('registry-form');
  for (const f of entity().fields) {
    const el = form.elements.namedItem(f.name);
    const v = record[f.name];
    switch (f.type) {
    case 'region':
      break; /* set by the caller: it has to fetch the levels */
    case 'bool':
      el.checked = Boolean(v);
      break;
    case 'multi': {
      const ids = new Set((v || []).map((s) => String(s.id)));
      for (const box of form.querySelectorAll(`input[name="${f.name}"]`))
        box.checked = ids.has(box.value);
      break;
    }
    case 'number':
      el.value = Number.isFinite(v) ? degrees(v) : '';
      break;
    default:
      el.value = f.writeOnly || v === null || v === undefined ? '' : String(v);
    }
  }
}

function onSubmit(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const e = entity();
  const reason = reasonFor(e);
  once(form, async () => {
    clearFormError(form, 'registry-form-error');
    say('registry-form-status', null);
    say('registry-notice', null);
    const missing = missingField(form);
    if (missing) {
      showFormError(form, 'registry-form-error', missing, reason).focus();
      return;
    }
    const editing = state.editing;
    const tab = state.tab;
    const body = formBody(form, Boolean(editing));
    try {
      const saved = editing
        ? await api('PATCH', `/api/v1/${tab}/${editing.id}`, body)
        : await api('POST', `/api/v1/${tab}`, body);
      if (tab !== state.tab || !form.isConnected)
        return; /* another tab was opened meanwhile: its list and form are not this one's */
      const name = (saved && saved.name) || body.name;
      if (saved)
        await place(saved);
      await loadRefs().catch(() => null);
      await resetForm();
      say('registry-form-status', () => t(editing ? 'registry.updated' : 'registry.created', {name}));
    } catch (err) {
      if (sessionLost(err))
        return;
      const field = showFormError(form, 'registry-form-error', err, reason);
      if (field)
        field.focus();
    }
  });
}

/* Shows a record just saved: in its row if listed, else on top of the list, so the admin sees
 * it without paging to the end. */
async function place(record) {
  await learnNames([record.region]);
  const at = state.rows.findIndex((r) => r.id === record.id);
  if (at >= 0)
    state.rows[at] = record;
  else
    state.rows.unshift(record);
  renderTable();
  say('registry-list-status', null);
}

function onSearch(event) {
  if (event)
    event.preventDefault();
  state.q = $('registry-q').value.trim().slice(0, 50);
  loadList();
}

async function onCancel() {
  const id = state.editing && state.editing.id;
  await resetForm();
  const button = id && $('registry-body').querySelector(`button[data-action="edit"][data-id="${id}"]`);
  (button || $('registry-form-heading')).focus();
}

async function startEdit(id) {
  say('registry-notice', null);
  say('registry-form-status', null);
  say('registry-error', null);
  let record;
  try {
    record = await api('GET', `/api/v1/${state.tab}/${id}`);
  } catch (err) {
    if (!sessionLost(err))
      say('registry-error', () => capitalize(errorText(err)));
    return;
  }
  const form = $('registry-form');
  form.reset();
  clearFormError(form, 'registry-form-error');
  state.editing = record;
  renderFormHeading();
  fillChoices();
  try {
    await state.cascade.setValue(record.region || state.root.code);
  } catch {
    await state.cascade.setValue(state.root.code).catch(() => null);
  }
  regionSettled();
  fillForm(record);
  $('registry-form-heading').scrollIntoView({block: 'start'});
  const first = form.querySelector('input, select, textarea');
  if (first)
    first.focus();
}

async function remove(id) {
  const row = state.rows.find((r) => r.id === id);
  const name = row ? row.name : `#${id}`;
  if (!window.confirm(t('registry.confirm_delete', {name})))
    return;
  say('registry-notice', null);
  say('registry-error', null);
  try {
    await api('DELETE', `/api/v1/${state.tab}/${id}`);
  } catch (err) {
    if (!sessionLost(err))
      say('registry-error', () => capitalize(errorText(err)));
    return;
  }
  state.rows = state.rows.filter((r) => r.id !== id);
  renderTable();
  if (state.editing && state.editing.id === id)
    await resetForm();
  await loadRefs().then(fillChoices).catch(() => null);
  say('registry-notice', () => t('registry.deleted', {name}));
  $('registry-heading').focus();
}

function onRowAction(event) {
  const button = event.target.closest('button[data-action]');
  if (!button)
    return;
  const id = Number(button.dataset.id);
  if (button.dataset.action === 'edit')
    startEdit(id);
  else
    remove(id);
}

/* ---- tabs --------------------------------------------------------------------------------- */

function tabButtons() {
  return [...document.querySelectorAll('#registry-tabs [role="tab"]')];
}

async function selectTab(tab, focus = false) {
  state.tab = tab;
  state.editing = null;
  state.q = '';
  for (const button of tabButtons()) {
    const on = button.dataset.entity === tab;
    button.setAttribute('aria-selected', String(on));
    button.tabIndex = on ? 0 : -1;
    if (on) {
      $('registry-panel').setAttribute('aria-labelledby', button.id);
      if (focus)
        button.focus();
    }
  }
  buildPanel();
  loadList();
  try {
    await loadRefs();
  } catch (err) {
    if (sessionLost(err))
      return;
  }
  if (state.tab !== tab)
    return;
  renderTable();
  await resetForm();
}

function onTabKey(event) {
  const buttons = tabButtons();
  const at = buttons.indexOf(event.target);
  if (at < 0)
    return;
  let to = null;
  if (event.key === 'ArrowRight' || event.key === 'ArrowDown')
    to = (at + 1) % buttons.length;
  else if (event.key === 'ArrowLeft' || event.key === 'ArrowUp')
    to = (at - 1 + buttons.length) % buttons.length;
  else if (event.key === 'Home')
    to = 0;
  else if (event.key === 'End')
    to = buttons.length - 1;
  if (to === null)
    return;
  event.preventDefault();
  selectTab(buttons[to].dataset.entity, true);
}

/* ---- entry points (staff.js) ------------------------------------------------------------- */

/* Shows the registry to an admin. options.onSessionLost runs when a request answers 401. */
export async function show(me, options = {}) {
  state.me = me;
  state.onSessionLost = options.onSessionLost || (() => {});
  if (!state.wired) {
    state.wired = true;
    for (const button of tabButtons())
      button.addEventListener('click', () => selectTab(button.dataset.entity));
    $('registry-tabs').addEventListener('keydown', onTabKey);
  }
  $('registry-view').hidden = false;
  state.root = {code: me.region, name: me.region};
  try {
    const info = await regionInfo(me.region);
    state.root = {code: info.code, name: info.name};
  } catch {
    /* the name is missing; the code stands in for it */
  }
  if (state.me !== me)
    return;
  await selectTab(TABS.includes(state.tab) ? state.tab : TABS[0]);
}

export function hide() {
  state.me = null;
  state.editing = null;
  state.rows = [];
  state.refs = {};
  const view = $('registry-view');
  if (view) {
    view.hidden = true;
    $('registry-panel').replaceChildren();
  }
}

/* Re-renders what was built with words of the current language (the rest follows data-i18n). */
export function render() {
  if (!state.me || !$('registry-form'))
    return;
  renderTable();
  renderFormHeading();
  if (state.cascade)
    state.cascade.render();
  const scroll = $('registry-panel').querySelector('.table-scroll');
  if (scroll)
    scroll.setAttribute('aria-label', t('registry.scroll'));
  sheet.render();
}
