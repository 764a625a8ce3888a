/* inbox_intake: 登记来访/来电/来信 - staff and admins register an opinion brought in person, on a
 * home visit, by phone or by letter: POST /api/v1/opinions with its channel, for a station of
 * the account (user.stations; an admin without any picks one of the region's), the
 * constituent's name and phone as given, the content, category and place.
 *
 * Each filling of the form carries one idempotency key, so a second tap or a retry after a lost
 * answer registers one opinion, not two. The tracking code (and the token, when no phone was
 * given) is shown for the clerk to pass on. */

import {t} from './i18n.js';
import {api} from './api.js';
import {$, h} from './dom.js';
import {RegionCascade} from './regions.js';
import {say, clearFormError, showFormError, missingField, once} from './forms.js';
import {INTAKE_CHANNELS, word, loadCategories, categoryLabel, recordName, loadAll, reason, field, textOf,
  idempotencyKey} from './inbox_common.js';

const P = 'intake';

const state = {
  me: null,
  root: null,
  onSessionLost: () => false,
  onRegistered: () => {},
  cascade: null,
  key: null,              /* the idempotency key of this filling of the form */
  stations: [],           /* [{id, name}] offered */
  categories: []
};

function toggle(open) {
  const form = $('intake-form');
  form.hidden = !open;
  $('intake-toggle').setAttribute('aria-expanded', String(open));
  if (open)
    form.querySelector('select').focus();
}

function fillChoices() {
  const station = $(`${P}-station_id`);
  const category = $(`${P}-category`);
  if (!station)
    return;
  const keep = [station.value, category.value];
  station.replaceChildren(...state.stations.map((s) => h('option', {value: String(s.id)}, s.name)));
  if (state.stations.length !== 1)
    station.prepend(h('option', {value: '', 'data-i18n': 'inbox.choose'}, t('inbox.choose')));
  category.replaceChildren(h('option', {value: '', 'data-i18n': 'inbox.choose'}, t('inbox.choose')),
    ...state.categories.map((c) => h('option', {value: c.code}, categoryLabel(c))));
  station.value = keep[0] || (state.stations.length === 1 ? String(state.stations[0].id) : '');
  category.value = keep[1];
}

function build() {
  const form = h('form', {id: 'intake-form', class: 'intake-form', novalidate: true, 'aria-labelledby': 'intake-heading',
    hidden: true},
  field(P, 'channel', 'intake.field.channel', {type: 'select', required: true,
    options: INTAKE_CHANNELS.map((c) => [c, word('channel', c), `inbox.channel.${c}`])}),
  field(P, 'station_id', 'intake.field.station', {type: 'select', required: true}),
  field(P, 'name', 'intake.field.name', {type: 'text', max: 50}),
  field(P, 'phone', 'intake.field.phone', {type: 'tel', max: 20, hintKey: 'intake.hint.phone'}),
  field(P, 'address', 'intake.field.address', {type: 'text', max: 200}),
  field(P, 'category', 'inbox.field.category', {type: 'select', required: true}),
  h('fieldset', {class: 'field wide', 'data-field': 'region'},
    h('legend', null, h('span', {'data-field-label': true, 'data-i18n': 'intake.field.region'}, t('intake.field.region')),
      h('span', {class: 'required', 'data-i18n': 'inbox.required'}, t('inbox.required'))),
    h('p', {class: 'region-root', id: `${P}-region-root`}),
    h('div', {class: 'region-levels', id: `${P}-region-levels`}),
    h('p', {class: 'field-error', id: `${P}-region-error`})),
  field(P, 'location', 'intake.field.location', {type: 'text', max: 200, hintKey: 'intake.hint.location'}),
  field(P, 'content', 'intake.field.content', {required: true, max: 5000}),
  h('div', {class: 'field check'},
    h('input', {id: `${P}-consent`, name: 'consent_publish', type: 'checkbox'}),
    h('label', {for: `${P}-consent`, 'data-i18n': 'intake.field.consent'}, t('intake.field.consent'))),
  h('p', {id: `${P}-error`, class: 'form-error', role: 'alert'}),
  h('div', {class: 'form-actions'},
    h('button', {type: 'submit', class: 'primary', 'data-i18n': 'intake.submit'}, t('intake.submit')),
    h('button', {type: 'button', class: 'secondary', id: `${P}-close`, 'data-i18n': 'inbox.cancel'}, t('inbox.cancel'))));
  form.addEventListener('submit', onSubmit);
  $('intake-root').replaceChildren(
    h('button', {type: 'button', id: 'intake-toggle', class: 'secondary', 'aria-expanded': 'false', 'aria-controls': 'intake-form',
      'data-i18n': 'intake.open'}, t('intake.open')),
    h('p', {id: 'intake-done', class: 'notice', role: 'status', tabindex: '-1'}),
    form);
  $('intake-toggle').addEventListener('click', () => toggle(form.hidden));
  $(`${P}-close`).addEventListener('click', () => {
    toggle(false);
    $('intake-toggle').focus();
  });
  state.cascade = new RegionCascade({
    container: $(`${P}-region-levels`),
    idPrefix: `${P}-region`,
    root: state.root,
    blank: (parentName) => t('region.self', {name: parentName || ''})
  });
}

async function resetForm() {
  const form = $('intake-form');
  form.reset();
  clearFormError(form, `${P}-error`);
  state.key = idempotencyKey();
  fillChoices();
  try {
    await state.cascade.setValue(state.root.code);
  } catch {
    /* the levels could not be fetched: the account's own region still applies */
  }
  $(`${P}-region-root`).textContent = state.cascade.levels.length ? '' : state.root.name;
}

function onSubmit(event) {
  event.preventDefault();
  const form = event.currentTarget;
  once(form, async () => {
    clearFormError(form, `${P}-error`);
    const missing = missingField(form);
    if (missing) {
      showFormError(form, `${P}-error`, missing, reason).focus();
      return;
    }
    const body = Object.fromEntries(Object.entries({
      channel: textOf(form, 'channel'),
      station_id: Number(textOf(form, 'station_id')),
      name: textOf(form, 'name'),
      phone: textOf(form, 'phone'),
      address: textOf(form, 'address'),
      category: textOf(form, 'category'),
      region: state.cascade.value(),
      location: textOf(form, 'location'),
      content: textOf(form, 'content'),
      consent_publish: form.elements.namedItem('consent_publish').checked,
      idempotency_key: state.key
    }).filter(([, v]) => v !== undefined));
    try {
      const made = await api('POST', '/api/v1/opinions', body);
      const {tracking_code: code, token} = made;
      say('intake-done', () => (token ? t('intake.done.token', {code, token}) : t('intake.done', {code})));
      await resetForm();
      $('intake-done').focus();
      state.onRegistered();
    } catch (err) {
      if (state.onSessionLost(err))
        return;
      const el = showFormError(form, `${P}-error`, err, reason);
      if (el)
        el.focus();
    }
  });
}

async function loadStations() {
  const own = state.me.stations || [];
  if (own.length)
    return Promise.all(own.map(async (id) => ({id, name: await recordName('stations', id)})));
  return (await loadAll('stations', {region: state.me.region})).map((s) => ({id: s.id, name: s.name}));
}

/* ---- entry points (inbox.js) -------------------------------------------------------------- */

/* options: {root: {code, name} of the account's region, onSessionLost(err) -> bool, onRegistered()}. */
export async function show(me, options) {
  state.me = me;
  state.root = options.root;
  state.onSessionLost = options.onSessionLost;
  state.onRegistered = options.onRegistered;
  $('intake-view').hidden = false;
  build();
  try {
    [state.stations, state.categories] = await Promise.all([loadStations(), loadCategories()]);
  } catch (err) {
    if (!state.onSessionLost(err))
      say(`${P}-error`, () => t('intake.unavailable'));
  }
  if (state.me === me && $('intake-form'))
    await resetForm();
}

export function hide() {
  state.me = null;
  const view = $('intake-view');
  if (view) {
    view.hidden = true;
    $('intake-root').replaceChildren();
  }
}

export function render() {
  if (!state.me || !$('intake-form'))
    return;
  fillChoices();
  state.cascade.render();
}
