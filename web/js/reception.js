/* reception: 接待与活动 in the staff workspace, for staff and admins - a station's activities of a
 * week (GET /api/v1/activities?station&from&to), creating one with the deputies taking part,
 * the reception-day rules with their duty roster (which make the 接待日 of the coming weeks),
 * the record filed after an activity (visitors, summary, deputies present, a photo), and the
 * check-in desk, sized for a tablet: the activity's bookings with big 签到 / 未到 buttons, a code
 * box, walk-ins, and the reception records (visits) with a button to register what a visitor
 * raised as an opinion linked to the visit, so that it lands in the inbox.
 *
 * The one idea: every change is answered by the server with the record as it now is, and the
 * view is drawn again from what the server says, never patched by guess. */

import './strings/reception.js';
import {shrinkPhoto} from './photo.js';
import {t, has} from './i18n.js';
import {api, upload} from './api.js';
import {$, h} from './dom.js';
import {say, capitalize, errorText, clearFormError, showFormError, missingField, once} from './forms.js';
import {loadAll, recordName, loadCategories, categoryLabel, idempotencyKey} from './inbox_common.js';
import {KINDS, beijingDay, addDays, weekdayOf, dayName, weekdayName, timeRange, when, titleOf, kindName,
  stateName, onDuty} from './activities.js';

const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];
const FREQUENCIES = ['weekly', '1', '2', '3', '4', 'last'];
const RULE = /^(weekly|monthly) (?:([1-4]|last) )?(MON|TUE|WED|THU|FRI|SAT|SUN) ([0-9]{2}:[0-9]{2})-([0-9]{2}:[0-9]{2})$/;
const PHOTO_MAX = 1024 * 1024; /* the server's limit; a larger photo is made smaller first */
const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
const LIST_LIMIT = 100;

const state = {
  me: null,
  onSessionLost: () => {},
  stations: [],         /* [{id, name}] the account may manage */
  station: null,        /* the id chosen */
  deputies: [],         /* the station's deputies [{id, name}] */
  week: null,           /* its Monday, 'YYYY-MM-DD' in Beijing */
  items: null,          /* the week's activities, null while loading */
  rules: [],
  editing: null,        /* the rule being edited, or null for a new one */
  detail: null,         /* {kind: 'desk' | 'record', activity} shown in place of the list */
  bookings: [],
  visits: [],
  raising: null,        /* the visit whose opinion form is open */
  opKey: null,          /* that form's idempotency key */
  categories: []
};

function lost(err) {
  if (err && err.status === 401) {
    state.onSessionLost();
    return true;
  }
  return false;
}

/* The words for a refusal: this feature's first, then what forms.js knows. */
function reason(err) {
  if (err.key)
    return t(err.key);
  if (err.code === 'duty_clash')
    return t('reception.err.duty_clash');
  if (err.code === 'not_found')
    return t('reception.err.not_found');
  if (err.status === 409 && err.code === 'closed')
    return t('reception.err.closed');
  if (err.status === 422 && err.field && has(`reception.err.${err.field}`))
    return t(`reception.err.${err.field}`);
  return null;
}

function problem(err) {
  return capitalize(errorText(err, reason));
}

/* ---- small form pieces -------------------------------------------------------------------- */

/* A labelled control in a box marked data-field=name (forms.js puts the server's word about the
 * field under it). tag: input (attrs.type), select (options [[value, key]]) or textarea. */
function control(prefix, name, labelKey, {tag = 'input', required = false, hintKey = null, options = [], attrs = {}} = {}) {
  const id = `${prefix}-${name}`;
  const hint = hintKey ? `${id}-hint` : null;
  const described = [hint, `${id}-error`].filter(Boolean).join(' ');
  const el = tag === 'select'
    ? h('select', {id, name, required, 'aria-describedby': described},
      options.map(([value, key]) => h('option', {value, 'data-i18n': key}, t(key))))
    : h(tag, {id, name, required, 'aria-describedby': described, ...(tag === 'input' ? {type: 'text'} : {rows: 4}),
      ...attrs});
  return h('div', {class: 'field', 'data-field': name},
    h('label', {for: id},
      h('span', {'data-field-label': true, 'data-i18n': labelKey}, t(labelKey)),
      required ? h('span', {class: 'req', 'data-i18n': 'reception.required'}, t('reception.required')) : null),
    hint ? h('p', {class: 'hint', id: hint, 'data-i18n': hintKey}, t(hintKey)) : null,
    el,
    h('p', {class: 'field-error', id: `${id}-error`}));
}

/* The deputies as checkboxes (name 'deputies' or 'attended'), those in checked ticked. */
function deputyChecks(prefix, name, legendKey, deputies, checked) {
  const id = `${prefix}-${name}`;
  return h('fieldset', {class: 'field', 'data-field': name},
    h('legend', null, h('span', {'data-field-label': true, 'data-i18n': legendKey}, t(legendKey))),
    deputies.length
      ? h('div', {class: 'checks', id}, deputies.map((d) => h('label', null,
        h('input', {type: 'checkbox', name, value: String(d.id), checked: checked.has(d.id),
          'aria-describedby': `${id}-error`}), d.name)))
      : h('p', {class: 'muted', 'data-i18n': 'reception.f.deputies.none'}, t('reception.f.deputies.none')),
    h('p', {class: 'field-error', id: `${id}-error`}));
}

function checkedIds(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((el) => Number(el.value));
}

function text(form, name) {
  const el = form.elements.namedItem(name);
  return el ? String(el.value).trim() : '';
}

/* A whole number from lo to hi typed in the field called name, or null. */
function whole(form, name, lo, hi) {
  const raw = text(form, name);
  const n = /^[0-9]{1,6}$/.test(raw) ? Number(raw) : NaN;
  return n >= lo && n <= hi ? n : null;
}

/* Runs a form's request once at a time, showing a refusal on the field it names. */
function submitter(form, errorId, fn) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    once(form, async () => {
      clearFormError(form, errorId);
      const missing = missingField(form);
      if (missing) {
        showFormError(form, errorId, missing, reason).focus();
        return;
      }
      try {
        await fn(form);
      } catch (err) {
        if (lost(err))
          return;
        const el = showFormError(form, errorId, err, reason);
        (el || form.querySelector('input, select, textarea')).focus();
      }
    });
  });
  return form;
}

/* ---- the week ------------------------------------------------------------------------------ */

function mondayOf(day) {
  return addDays(day, 1 - weekdayOf(day));
}

async function loadWeek() {
  state.items = null;
  renderWeek();
  const q = new URLSearchParams({station: state.station, from: state.week, to: addDays(state.week, 6),
    limit: String(LIST_LIMIT)});
  say('rc-error', null);
  try {
    const data = await api('GET', `/api/v1/activities?${q}`);
    state.items = (data && data.items) || [];
  } catch (err) {
    if (lost(err))
      return;
    state.items = [];
    say('rc-error', () => problem(err));
  }
  renderWeek();
}

function activityRow(a) {
  const seats = a.capacity ? t('reception.booked', {booked: a.booked, capacity: a.capacity}) : t('reception.no_booking');
  const open = a.state === 'announced';
  return h('li', {class: 'staff-activity', 'data-activity': String(a.id)},
    h('p', null, h('strong', null, timeRange(a)), ' ', h('strong', null, titleOf(a)), ' ',
      h('span', {class: 'badge state'}, stateName(a.state))),
    h('p', {class: 'item-meta'}, [a.place, `${t('activity.duty')}${t('field.separator')}${onDuty(a)}`, seats]
      .filter(Boolean).join(' · ')),
    a.record ? h('p', {class: 'item-meta'}, t('reception.record.filed', {n: a.record.visitors})) : null,
    h('div', {class: 'step-buttons'},
      a.state !== 'cancelled' ? h('button', {type: 'button', class: 'primary small', 'data-desk': String(a.id)},
        t('reception.desk')) : null,
      /* the record is filed once the activity has begun */
      a.state !== 'cancelled' && a.starts_at <= Date.now() / 1000 ? h('button', {type: 'button', class: 'secondary small',
        'data-record': String(a.id)},
        t('reception.record')) : null,
      open ? h('button', {type: 'button', class: 'danger small', 'data-cancel': String(a.id)}, t('reception.cancel')) : null));
}

function renderWeek() {
  const box = $('rc-week');
  if (!box)
    return;
  const range = t('reception.week', {from: dayName(state.week), to: dayName(addDays(state.week, 6))});
  if (!state.items) {
    say('rc-week-label', () => `${range} · ${t('reception.loading')}`);
    return;
  }
  const n = state.items.length;
  say('rc-week-label', () => `${range} · ${n ? t('reception.count', {n}) : t('reception.empty')}`);
  const days = new Map();
  for (const a of state.items) {
    const day = beijingDay(a.starts_at);
    days.set(day, [...(days.get(day) || []), a]);
  }
  box.replaceChildren(...[...days].map(([day, list]) => h('section', {'aria-label': `${dayName(day)} ${weekdayName(day)}`},
    h('h3', {class: 'week-day'}, `${dayName(day)} ${weekdayName(day)}`),
    h('ul', {class: 'rule-list'}, list.map(activityRow)))));
}

function onWeekClick(event) {
  const button = event.target.closest('button');
  if (!button)
    return;
  const find = (id) => state.items.find((a) => String(a.id) === id);
  if (button.dataset.desk)
    openDetail('desk', find(button.dataset.desk));
  else if (button.dataset.record)
    openDetail('record', find(button.dataset.record));
  else if (button.dataset.cancel)
    cancelActivity(find(button.dataset.cancel));
}

async function cancelActivity(a) {
  if (!a || !window.confirm(t('reception.cancel.confirm', {title: titleOf(a)})))
    return;
  try {
    await api('POST', `/api/v1/activities/${a.id}/cancel`, {});
    say('rc-notice', () => t('reception.cancelled'));
  } catch (err) {
    if (lost(err))
      return;
    say('rc-error', () => problem(err));
  }
  await loadWeek();
}

/* ---- creating an activity ---------------------------------------------------------------- */

function createForm() {
  const tomorrow = addDays(beijingDay(), 1);
  const form = h('form', {id: 'rc-create', novalidate: true, 'aria-labelledby': 'rc-create-heading'},
    h('h3', {id: 'rc-create-heading', tabindex: '-1', 'data-i18n': 'reception.new'}, t('reception.new')),
    control('rc-c', 'kind', 'reception.f.kind', {tag: 'select', required: true,
      options: KINDS.map((k) => [k, `activity.kind.${k}`])}),
    control('rc-c', 'title', 'reception.f.title', {required: true, attrs: {maxlength: 100}}),
    control('rc-c', 'place', 'reception.f.place', {attrs: {maxlength: 200}}),
    h('div', {class: 'row-fields'},
      control('rc-c', 'starts_at', 'reception.f.starts_at', {required: true,
        attrs: {type: 'datetime-local', value: `${tomorrow}T09:00`}}),
      control('rc-c', 'ends_at', 'reception.f.ends_at', {required: true,
        attrs: {type: 'datetime-local', value: `${tomorrow}T11:30`}})),
    control('rc-c', 'capacity', 'reception.f.capacity', {required: true, hintKey: 'reception.f.capacity.hint',
      attrs: {type: 'number', min: 0, max: 10000, step: 1, inputmode: 'numeric', value: '20'}}),
    control('rc-c', 'description', 'reception.f.description', {tag: 'textarea', attrs: {maxlength: 2000}}),
    deputyChecks('rc-c', 'deputies', 'reception.f.deputies', state.deputies, new Set()),
    h('p', {id: 'rc-create-error', class: 'form-error', role: 'alert'}),
    h('div', {class: 'form-actions'},
      h('button', {type: 'submit', class: 'primary', 'data-i18n': 'reception.f.submit'}, t('reception.f.submit')),
      h('button', {type: 'button', class: 'secondary', 'data-i18n': 'reception.close', onclick: () => togglePanel(null)},
        t('reception.close'))));
  /* the kind's name is the title until one is typed */
  form.elements.namedItem('kind').addEventListener('change', () => {
    const title = form.elements.namedItem('title');
    if (!title.value.trim() || KINDS.some((k) => kindName(k) === title.value.trim()))
      title.value = kindName(form.elements.namedItem('kind').value);
  });
  form.elements.namedItem('title').value = kindName('reception');
  return submitter(form, 'rc-create-error', async () => {
    const capacity = whole(form, 'capacity', 0, 10000);
    if (capacity === null)
      throw {status: 422, code: 'invalid', field: 'capacity'};
    if (text(form, 'ends_at') <= text(form, 'starts_at'))
      throw {status: 422, code: 'invalid', field: 'ends_at'};
    const body = {station_id: Number(state.station), kind: text(form, 'kind'), title: text(form, 'title'),
      starts_at: text(form, 'starts_at'), ends_at: text(form, 'ends_at'), capacity,
      deputies: checkedIds(form, 'deputies')};
    for (const name of ['place', 'description'])
      if (text(form, name))
        body[name] = text(form, name);
    const made = await api('POST', '/api/v1/activities', body);
    togglePanel(null);
    state.week = mondayOf(beijingDay(made.starts_at));
    say('rc-notice', () => t('reception.created', {title: made.title}));
    await loadWeek();
    $('rc-notice').focus();
  });
}

/* ---- reception rules and the duty roster -------------------------------------------------- */

/* A rule's text in words ('每周星期一 09:00–11:30'); an unknown form is shown as it is. */
function ruleWords(rule) {
  const m = RULE.exec(rule);
  if (!m)
    return rule;
  const [, kind, nth, day, start, end] = m;
  const weekday = t(`activity.weekday.${WEEKDAYS.indexOf(day) + 1}`);
  if (kind === 'weekly')
    return t('reception.rule.weekly', {weekday, start, end});
  return nth === 'last' ? t('reception.rule.last', {weekday, start, end})
    : t('reception.rule.monthly', {nth, weekday, start, end});
}

function ruleForm(rule) {
  const m = rule ? RULE.exec(rule.rule) : null;
  const form = h('form', {id: 'rc-rule-form', novalidate: true, 'aria-labelledby': 'rc-rule-heading'},
    h('h4', {id: 'rc-rule-heading', tabindex: '-1'}, t(rule ? 'reception.f.rule.edit' : 'reception.rules.add')),
    h('div', {class: 'row-fields'},
      control('rc-r', 'rule', 'reception.f.frequency', {tag: 'select', required: true,
        options: FREQUENCIES.map((f) => [f, `reception.freq.${f}`])}),
      control('rc-r', 'weekday', 'reception.f.weekday', {tag: 'select', required: true,
        options: WEEKDAYS.map((d, i) => [d, `activity.weekday.${i + 1}`])}),
      control('rc-r', 'start', 'reception.f.start', {required: true, attrs: {type: 'time', value: m ? m[4] : '09:00'}}),
      control('rc-r', 'end', 'reception.f.end', {required: true, attrs: {type: 'time', value: m ? m[5] : '11:30'}})),
    control('rc-r', 'place', 'reception.f.place', {attrs: {maxlength: 200, value: rule ? rule.place || '' : ''}}),
    control('rc-r', 'capacity', 'reception.f.capacity', {required: true,
      attrs: {type: 'number', min: 1, max: 10000, step: 1, inputmode: 'numeric', value: rule ? String(rule.capacity) : '10'}}),
    deputyChecks('rc-r', 'deputies', 'reception.f.deputies', state.deputies,
      new Set(rule ? (rule.deputies || []).map((d) => d.id) : [])),
    h('p', {id: 'rc-rule-error', class: 'form-error', role: 'alert'}),
    h('div', {class: 'form-actions'},
      h('button', {type: 'submit', class: 'primary', 'data-i18n': 'reception.f.rule.submit'}, t('reception.f.rule.submit')),
      rule ? h('button', {type: 'button', class: 'secondary', 'data-i18n': 'reception.close', onclick: () => editRule(null)},
        t('reception.close')) : null));
  if (m) {
    form.elements.namedItem('rule').value = m[1] === 'weekly' ? 'weekly' : m[2];
    form.elements.namedItem('weekday').value = m[3];
  }
  return submitter(form, 'rc-rule-error', async () => {
    const capacity = whole(form, 'capacity', 1, 10000);
    if (capacity === null)
      throw {status: 422, code: 'invalid', field: 'capacity', key: 'reception.err.rule_capacity'};
    const freq = text(form, 'rule');
    const times = `${text(form, 'weekday')} ${text(form, 'start')}-${text(form, 'end')}`;
    const body = {rule: freq === 'weekly' ? `weekly ${times}` : `monthly ${freq} ${times}`, place: text(form, 'place'),
      capacity, deputies: checkedIds(form, 'deputies')};
    if (state.editing)
      await api('PATCH', `/api/v1/rules/${state.editing.id}`, body);
    else
      await api('POST', `/api/v1/stations/${state.station}/rules`, body);
    state.editing = null;
    await loadRules();
    say('rc-rules-notice', () => t('reception.rules.saved'));
    $('rc-rules-notice').focus();
    loadWeek();
  });
}

function renderRules() {
  const box = $('rc-rules-list');
  if (!box)
    return;
  box.replaceChildren(...(state.rules.length ? [h('ul', {class: 'rule-list'}, state.rules.map((r) => h('li', null,
    h('p', null, h('strong', null, ruleWords(r.rule))),
    h('p', {class: 'item-meta'}, [r.place, t('reception.rule.capacity', {n: r.capacity}),
      `${t('activity.duty')}${t('field.separator')}${onDuty(r)}`].filter(Boolean).join(' · ')),
    h('div', {class: 'step-buttons'},
      h('button', {type: 'button', class: 'secondary small', onclick: () => editRule(r)}, t('reception.rules.edit')),
      h('button', {type: 'button', class: 'danger small', onclick: () => deleteRule(r)}, t('reception.rules.delete'))))))]
    : [h('p', {class: 'muted'}, t('reception.rules.empty'))]));
}

async function loadRules() {
  const data = await api('GET', `/api/v1/stations/${state.station}/rules`);
  state.rules = (data && data.items) || [];
  renderRules();
  editRule(state.editing, false);
}

function editRule(rule, focus = true) {
  state.editing = rule;
  const box = $('rc-rule-box');
  if (!box)
    return;
  box.replaceChildren(ruleForm(rule));
  if (focus)
    $('rc-rule-heading').focus();
}

async function deleteRule(r) {
  if (!window.confirm(t('reception.rules.delete.confirm')))
    return;
  try {
    await api('DELETE', `/api/v1/rules/${r.id}`);
    state.editing = null;
    await loadRules();
    say('rc-rules-notice', () => t('reception.rules.deleted'));
    loadWeek();
  } catch (err) {
    if (!lost(err))
      say('rc-rules-notice', () => problem(err));
  }
}

function rulesPanel() {
  return h('section', {id: 'rc-rules', class: 'reception-panel', 'aria-labelledby': 'rc-rules-heading'},
    h('h3', {id: 'rc-rules-heading', tabindex: '-1', 'data-i18n': 'reception.rules'}, t('reception.rules')),
    h('p', {class: 'muted', 'data-i18n': 'reception.rules.intro'}, t('reception.rules.intro')),
    h('p', {id: 'rc-rules-notice', class: 'notice', role: 'status', tabindex: '-1'}),
    h('div', {id: 'rc-rules-list'}),
    h('div', {id: 'rc-rule-box'}),
    h('button', {type: 'button', class: 'secondary', 'data-i18n': 'reception.close', onclick: () => togglePanel(null)},
      t('reception.close')));
}

/* Opens the create form or the rules (or closes both), one at a time. */
async function togglePanel(which) {
  const box = $('rc-forms');
  for (const [id, name] of [['rc-new', 'create'], ['rc-rules-toggle', 'rules']])
    $(id).setAttribute('aria-expanded', String(which === name));
  if (!which) {
    box.replaceChildren();
    return;
  }
  if (which === 'create') {
    box.replaceChildren(createForm());
    $('rc-create-heading').focus();
    return;
  }
  box.replaceChildren(rulesPanel());
  state.editing = null;
  try {
    await loadRules();
  } catch (err) {
    if (!lost(err))
      say('rc-rules-notice', () => problem(err));
  }
  $('rc-rules-heading').focus();
}

/* ---- one activity: the desk or the record ------------------------------------------------- */

function openDetail(kind, activity) {
  if (!activity)
    return;
  state.detail = {kind, activity};
  state.raising = null;
  $('rc-browse').hidden = true;
  $('rc-detail').hidden = false;
  renderDetail();
  $('rc-d-heading').focus();
  if (kind === 'desk')
    loadDesk();
}

async function closeDetail() {
  const id = state.detail && state.detail.activity.id;
  state.detail = null;
  $('rc-detail').hidden = true;
  $('rc-detail').replaceChildren();
  $('rc-browse').hidden = false;
  await loadWeek();
  const row = $('rc-week').querySelector(`[data-activity="${id}"] button`);
  (row || $('reception-heading')).focus();
}

function renderDetail() {
  const d = state.detail;
  if (!d)
    return;
  const a = d.activity;
  const heading = d.kind === 'desk' ? t('desk.heading', {title: titleOf(a)}) : t('reception.rec.heading', {title: titleOf(a)});
  $('rc-detail').replaceChildren(
    h('p', null, h('button', {type: 'button', class: 'secondary', onclick: closeDetail}, t('reception.back'))),
    h('h3', {id: 'rc-d-heading', tabindex: '-1'}, heading),
    h('p', {class: 'item-meta'}, [when(a), a.place, `${t('activity.duty')}${t('field.separator')}${onDuty(a)}`]
      .filter(Boolean).join(' · ')),
    h('p', {id: 'rc-d-notice', class: 'notice', role: 'status', tabindex: '-1'}),
    h('p', {id: 'rc-d-error', class: 'form-error', role: 'alert'}),
    d.kind === 'desk' ? desk() : recordForm(a));
}

/* ---- the record ---------------------------------------------------------------------------- */

function recordForm(a) {
  const present = new Set((a.deputies || []).filter((x) => x.attended !== false).map((x) => x.id));
  const form = h('form', {id: 'rc-record', class: 'reception-panel', novalidate: true, 'aria-labelledby': 'rc-d-heading'},
    control('rc-rec', 'visitors', 'reception.rec.visitors', {required: true,
      attrs: {type: 'number', min: 0, step: 1, inputmode: 'numeric', value: a.record ? String(a.record.visitors) : ''}}),
    control('rc-rec', 'summary', 'reception.rec.summary', {tag: 'textarea', required: true, attrs: {maxlength: 5000}}),
    deputyChecks('rc-rec', 'attended', 'reception.rec.attended', a.deputies || [], present),
    control('rc-rec', 'photo', 'reception.rec.photo', {hintKey: 'reception.rec.photo.hint',
      attrs: {type: 'file', accept: PHOTO_TYPES.join(',')}}),
    h('p', {id: 'rc-record-error', class: 'form-error', role: 'alert'}),
    h('div', {class: 'form-actions'},
      h('button', {type: 'submit', class: 'primary', 'data-i18n': 'reception.rec.submit'}, t('reception.rec.submit'))),
    photos(a));
  if (a.record && a.record.summary)
    form.elements.namedItem('summary').value = a.record.summary;
  return submitter(form, 'rc-record-error', async () => {
    const visitors = whole(form, 'visitors', 0, 999999);
    if (visitors === null)
      throw {status: 422, code: 'invalid', field: 'visitors'};
    const chosen = form.elements.namedItem('photo').files[0] || null;
    if (chosen && !PHOTO_TYPES.includes(chosen.type))
      throw {status: 415, code: 'unsupported_type', field: 'photo', message: t('reception.rec.photo.big')};
    const file = chosen && await shrinkPhoto(chosen, PHOTO_MAX);
    if (chosen && !file)
      throw {status: 413, code: 'too_big', field: 'photo', message: t('reception.rec.photo.big')};
    let activity = await api('POST', `/api/v1/activities/${a.id}/record`,
      {visitors, summary: text(form, 'summary'), attended: checkedIds(form, 'attended')});
    if (file) {
      await upload('POST', `/api/v1/activities/${a.id}/photos`, file, file.type || 'image/jpeg');
      activity = await api('GET', `/api/v1/activities/${a.id}`);
    }
    state.detail.activity = activity;
    renderDetail();
    say('rc-d-notice', () => t(file ? 'reception.rec.photo.saved' : 'reception.rec.saved'));
    $('rc-d-notice').focus();
  });
}

function photos(a) {
  const ids = a.photos || [];
  return ids.length ? h('div', null,
    h('h4', null, t('reception.rec.photos')),
    h('ul', {class: 'photo-list'}, ids.map((id, i) => h('li', null,
      h('img', {src: `/api/v1/activities/${a.id}/photos/${id}`, alt: t('reception.rec.photo.alt', {n: i + 1}),
        loading: 'lazy'}))))) : null;
}

/* ---- the check-in desk ---------------------------------------------------------------------- */

function desk() {
  const codeForm = h('form', {id: 'desk-code-form', class: 'desk-code', novalidate: true, 'aria-labelledby': 'desk-code-label'},
    h('div', {class: 'field', 'data-field': 'code'},
      h('label', {for: 'desk-code', id: 'desk-code-label'}, h('span', {'data-field-label': true}, t('desk.code'))),
      h('input', {id: 'desk-code', name: 'code', type: 'text', class: 'code-input', maxlength: 20, autocomplete: 'off',
        autocapitalize: 'characters', spellcheck: 'false', required: true, 'aria-describedby': 'desk-code-error'}),
      h('p', {class: 'field-error', id: 'desk-code-error'})),
    h('button', {type: 'submit', class: 'primary'}, t('desk.code.submit')),
    h('p', {id: 'desk-code-form-error', class: 'form-error', role: 'alert'}));
  submitter(codeForm, 'desk-code-form-error', async () => {
    const code = text(codeForm, 'code').replace(/[\s-]+/g, '').toUpperCase();
    if (!/^[ACDEFGHJKMNPQRTWXY34679]{8}$/.test(code))
      throw {status: 422, code: 'invalid', field: 'code'};
    await checkIn(code);
    codeForm.reset();
  });

  const walkIn = h('form', {id: 'desk-walkin', class: 'reception-panel', novalidate: true, 'aria-labelledby': 'desk-walkin-heading'},
    h('h4', {id: 'desk-walkin-heading'}, t('desk.walk_in')),
    control('desk-w', 'topic', 'desk.walk_in.topic', {required: true, attrs: {maxlength: 200}}),
    h('div', {class: 'row-fields'},
      control('desk-w', 'name', 'desk.walk_in.name', {attrs: {maxlength: 50, autocomplete: 'off'}}),
      control('desk-w', 'phone', 'desk.walk_in.phone', {attrs: {type: 'tel', maxlength: 20, autocomplete: 'off'}})),
    h('p', {id: 'desk-walkin-error', class: 'form-error', role: 'alert'}),
    h('button', {type: 'submit', class: 'primary desk-big'}, t('desk.walk_in.submit')));
  submitter(walkIn, 'desk-walkin-error', async () => {
    const body = {topic: text(walkIn, 'topic')};
    if (text(walkIn, 'name'))
      body.name = text(walkIn, 'name');
    if (text(walkIn, 'phone'))
      body.phone = text(walkIn, 'phone').replace(/\s+/g, ''); /* 138 1234 5678 as people write it */
    await api('POST', `/api/v1/activities/${state.detail.activity.id}/visits`, body);
    walkIn.reset();
    say('rc-d-notice', () => t('desk.walk_in.done'));
    await loadDesk();
    $('rc-d-notice').focus();
  });

  const list = h('ul', {id: 'desk-bookings', class: 'desk-list'});
  list.addEventListener('click', onDeskClick);
  const visits = h('ul', {id: 'desk-visits', class: 'visit-list'});
  visits.addEventListener('click', onDeskClick);
  return h('div', {class: 'desk'},
    codeForm,
    h('h4', null, t('desk.bookings')),
    h('p', {id: 'desk-count', class: 'inbox-count', role: 'status'}),
    list,
    h('h4', null, t('desk.visits')),
    visits,
    walkIn);
}

async function loadDesk() {
  const a = state.detail.activity;
  /* a visit is dated when it is made (at the desk), which may be before or after the day */
  const [from, to] = [beijingDay(a.starts_at), beijingDay()].sort();
  const station = a.station ? a.station.id : state.station;
  try {
    const [bookings, visits] = await Promise.all([
      api('GET', `/api/v1/activities/${a.id}/bookings`),
      api('GET', `/api/v1/visits?${new URLSearchParams({station: String(station), from, to, limit: String(LIST_LIMIT)})}`)
    ]);
    if (!state.detail || state.detail.activity.id !== a.id)
      return;
    state.bookings = (bookings && bookings.items) || [];
    state.visits = ((visits && visits.items) || []).filter((v) => v.activity_id === a.id);
  } catch (err) {
    if (!lost(err))
      say('rc-d-error', () => problem(err));
    return;
  }
  renderDesk();
}

function who(x) {
  return [x.name_masked || t('desk.anonymous'), x.phone4 ? t('desk.phone4', {phone4: x.phone4}) : null]
    .filter(Boolean).join(' · ');
}

function bookingRow(b) {
  return h('li', {class: 'desk-row', 'data-code': b.code},
    h('div', {class: 'desk-who'},
      h('p', null, h('span', {class: 'desk-code-text'}, b.code), ' ', h('span', {class: 'badge state'}, t(`desk.state.${b.state}`))),
      h('p', null, who(b)),
      h('p', {class: 'item-meta'}, b.topic)),
    h('div', {class: 'desk-actions'},
      b.state === 'confirmed' ? [
        h('button', {type: 'button', class: 'primary', 'data-check-in': b.code, 'aria-label': t('desk.check_in.label', {code: b.code})},
          t('desk.check_in')),
        h('button', {type: 'button', class: 'secondary', 'data-no-show': b.code, 'aria-label': t('desk.no_show.label', {code: b.code})},
          t('desk.no_show'))] : null,
      b.visit_id ? h('button', {type: 'button', class: 'secondary', 'data-raise': String(b.visit_id),
        'aria-label': t('desk.raise.label', {who: b.code})}, t('desk.raise')) : null));
}

function visitRow(v) {
  const raised = (v.opinions || []).map((o) => o.tracking_code).join(t('activity.list.separator'));
  return h('li', {'data-visit': String(v.id)},
    h('p', null, h('strong', null, v.topic)),
    h('p', {class: 'item-meta'}, who(v)),
    raised ? h('p', {class: 'item-meta'}, t('desk.visit.opinions', {codes: raised})) : null,
    h('button', {type: 'button', class: 'secondary', 'data-raise': String(v.id),
      'aria-label': t('desk.raise.label', {who: v.name_masked || v.topic})}, t('desk.raise')),
    state.raising === v.id ? opinionForm(v) : null);
}

function renderDesk() {
  if (!state.detail || state.detail.kind !== 'desk' || !$('desk-bookings'))
    return;
  const live = state.bookings.filter((b) => b.state !== 'cancelled');
  const inside = live.filter((b) => b.state === 'checked_in').length;
  say('desk-count', () => (live.length ? t('desk.bookings.count', {n: live.length, in: inside}) : t('desk.bookings.empty')));
  $('desk-bookings').replaceChildren(...state.bookings.map(bookingRow));
  $('desk-visits').replaceChildren(...(state.visits.length ? state.visits.map(visitRow)
    : [h('li', {class: 'muted'}, t('desk.visits.empty'))]));
}

async function checkIn(code) {
  const done = await api('POST', `/api/v1/bookings/${encodeURIComponent(code)}/check-in`, {});
  await loadDesk(); /* announced once the list shows it */
  say('rc-d-notice', () => t('desk.checked_in', {code}));
  $('rc-d-notice').focus();
  return done;
}

function onDeskClick(event) {
  const button = event.target.closest('button');
  if (!button || !state.detail)
    return;
  const {checkIn: code, noShow, raise} = button.dataset;
  if (raise) {
    state.raising = Number(raise);
    state.opKey = idempotencyKey();
    renderDesk();
    $('desk-op-category').focus();
    return;
  }
  if (!code && !noShow)
    return;
  say('rc-d-error', null);
  once(button, async () => {
    try {
      if (code) {
        await checkIn(code);
      } else {
        await api('POST', `/api/v1/bookings/${encodeURIComponent(noShow)}/no-show`, {});
        say('rc-d-notice', () => t('desk.marked_no_show', {code: noShow}));
        await loadDesk();
        $('rc-d-notice').focus();
      }
    } catch (err) {
      if (lost(err))
        return;
      say('rc-d-error', () => (err.status === 409 ? t('reception.err.booking_state') : problem(err)));
      await loadDesk();
    }
  });
}

/* What a visitor raised, registered as an opinion linked to the visit (POST /api/v1/opinions
 * with visit_id): the station, place, name and phone come from the visit. */
function opinionForm(v) {
  const form = h('form', {id: 'desk-op', class: 'action-form', novalidate: true, 'aria-labelledby': 'desk-op-heading'},
    h('h4', {id: 'desk-op-heading'}, t('desk.op.heading')),
    control('desk-op', 'category', 'desk.op.category', {tag: 'select', required: true, options: []}),
    control('desk-op', 'content', 'desk.op.content', {tag: 'textarea', required: true, attrs: {maxlength: 5000}}),
    h('p', {id: 'desk-op-error', class: 'form-error', role: 'alert'}),
    h('div', {class: 'form-actions'},
      h('button', {type: 'submit', class: 'primary'}, t('desk.op.submit')),
      h('button', {type: 'button', class: 'secondary', onclick: () => {
        state.raising = null;
        renderDesk();
      }}, t('reception.close'))));
  form.elements.namedItem('category').replaceChildren(h('option', {value: ''}, t('inbox.choose')),
    ...state.categories.map((c) => h('option', {value: c.code}, categoryLabel(c))));
  if (!form.elements.namedItem('content').value)
    form.elements.namedItem('content').value = v.topic || '';
  return submitter(form, 'desk-op-error', async () => {
    const made = await api('POST', '/api/v1/opinions', {visit_id: v.id, category: text(form, 'category'),
      content: text(form, 'content'), idempotency_key: state.opKey});
    state.raising = null;
    say('rc-d-notice', () => t('desk.op.done', {code: made.tracking_code}));
    await loadDesk();
    $('rc-d-notice').focus();
  });
}

/* ---- the section ------------------------------------------------------------------------------ */

async function chooseStation(id) {
  state.station = id;
  state.deputies = [];
  togglePanel(null);
  loadWeek();
  try {
    state.deputies = (await loadAll('deputies', {station: id})).map((d) => ({id: d.id, name: d.name}));
  } catch (err) {
    lost(err);
  }
}

function build() {
  const select = h('select', {id: 'rc-station', name: 'station'},
    state.stations.map((s) => h('option', {value: String(s.id)}, s.name)));
  select.addEventListener('change', () => chooseStation(select.value));
  const week = (n) => () => {
    state.week = n === 0 ? mondayOf(beijingDay()) : addDays(state.week, 7 * n);
    loadWeek();
  };
  const list = h('div', {id: 'rc-week'});
  list.addEventListener('click', onWeekClick);
  $('reception-root').replaceChildren(
    h('div', {id: 'rc-browse'},
      h('div', {class: 'reception-bar'},
        h('div', {class: 'field'}, h('label', {for: 'rc-station', 'data-i18n': 'reception.station'}, t('reception.station')), select),
        h('button', {type: 'button', class: 'secondary', 'data-i18n': 'reception.prev', onclick: week(-1)}, t('reception.prev')),
        h('button', {type: 'button', class: 'secondary', 'data-i18n': 'reception.this', onclick: week(0)}, t('reception.this')),
        h('button', {type: 'button', class: 'secondary', 'data-i18n': 'reception.next', onclick: week(1)}, t('reception.next'))),
      h('p', {id: 'rc-week-label', class: 'inbox-count', role: 'status'}),
      h('p', {id: 'rc-notice', class: 'notice', role: 'status', tabindex: '-1'}),
      h('p', {id: 'rc-error', class: 'form-error', role: 'alert'}),
      list,
      h('div', {class: 'form-actions'},
        h('button', {type: 'button', id: 'rc-new', class: 'primary', 'aria-expanded': 'false', 'aria-controls': 'rc-forms',
          'data-i18n': 'reception.new', onclick: () => togglePanel($('rc-new').getAttribute('aria-expanded') === 'true' ? null : 'create')},
        t('reception.new')),
        h('button', {type: 'button', id: 'rc-rules-toggle', class: 'secondary', 'aria-expanded': 'false', 'aria-controls': 'rc-forms',
          'data-i18n': 'reception.rules',
          onclick: () => togglePanel($('rc-rules-toggle').getAttribute('aria-expanded') === 'true' ? null : 'rules')},
        t('reception.rules'))),
      h('div', {id: 'rc-forms', class: 'reception-forms'})),
    h('div', {id: 'rc-detail', hidden: true}));
}

async function loadStations(me) {
  if (me.role === 'admin' && !(me.stations || []).length)
    return (await loadAll('stations', {region: me.region})).map((s) => ({id: s.id, name: s.name}));
  return Promise.all((me.stations || []).map(async (id) => ({id, name: await recordName('stations', id)})));
}

/* Shows the section to staff and admins; options.onSessionLost runs on a 401. */
export async function show(me, options = {}) {
  state.me = me;
  state.onSessionLost = options.onSessionLost || (() => {});
  state.detail = null;
  state.week = mondayOf(beijingDay());
  $('reception-view').hidden = false;
  try {
    state.stations = await loadStations(me);
  } catch (err) {
    if (lost(err))
      return;
    state.stations = [];
  }
  if (state.me !== me)
    return;
  if (!state.stations.length) {
    $('reception-root').replaceChildren(h('p', {class: 'muted'}, t('reception.none')));
    return;
  }
  build();
  loadCategories().then((list) => { state.categories = list; }).catch((err) => lost(err));
  await chooseStation(String(state.stations[0].id));
}

export function hide() {
  state.me = null;
  state.detail = null;
  const view = $('reception-view');
  if (view) {
    view.hidden = true;
    $('reception-root').replaceChildren();
  }
}

/* Re-renders what was built with words of the current language (the rest follows data-i18n). */
export function render() {
  if (!state.me || !$('rc-week'))
    return;
  renderWeek();
  renderRules();
  if (state.detail) {
    renderDetail();
    if (state.detail.kind === 'desk')
      renderDesk();
  }
}
