/* booking: a constituent books a seat at a station's reception day or activity on a phone
 * (booking.html?station=N, &activity=M to start from that time) in three steps - pick a time,
 * give the topic and a phone number (a name if they like), get the booking code to show at the
 * desk - and, under "我的预约", looks a booking up by its code and the phone's last four digits
 * and cancels it.
 *
 * The one idea: the server decides whether a seat is still there. A time that filled up or
 * closed while the form was open (409 full / closed) sends the visitor back to step 1 with the
 * times read again and the reason said; nothing typed is lost. */

import './strings/booking.js';
import {initI18n, t} from './i18n.js';
import {api} from './api.js';
import {$, h, idParam} from './dom.js';
import {once, say, rerenderMessages} from './forms.js';
import {ErrorSummary, spaced, spelled, normalizeCode, timeEl, requestProblem} from './opinion-public.js';
import {beijingDay, whenEl, titleOf, onDuty, seatsWords} from './activities.js';

const TOPIC_MAX = 200;
const NAME_MAX = 50;
const MOBILE = /^1[3-9][0-9]{9}$/;
const LANDLINE = /^0[0-9]{2,3}-?[0-9]{7,8}$/; /* area code and number, as the server takes them */
const CODE = /^[ACDEFGHJKMNPQRTWXY34679]{8}$/; /* the code's alphabet: no 0/O, 1/I... */
const SLOTS_LIMIT = 50;

const stationId = idParam('station');
const wanted = idParam('activity');

const pickForm = $('pick-form');
const detailsForm = $('details-form');
const mineForm = $('mine-form');
const pickErrors = new ErrorSummary(pickForm, $('pick-errors'));
const detailsErrors = new ErrorSummary(detailsForm, $('details-errors'));
const mineErrors = new ErrorSummary(mineForm, $('mine-errors'));

const state = {
  station: null,      /* {id, name} */
  slots: [],          /* the bookable activities */
  chosen: null,       /* the activity picked in step 1 */
  step: 0,            /* 1..3, 0 before the station is read */
  booked: null,       /* the server's answer in step 3 */
  mine: null,         /* {code, phone4, view} of "my booking" */
  confirming: false,  /* the cancel button asked "are you sure?" */
  status: () => t('booking.loading')
};

function chars(text) {
  return [...text].length; /* characters as the server counts them, not UTF-16 units */
}

/* ---- step 1: a time ------------------------------------------------------------------------ */

async function loadSlots() {
  const q = new URLSearchParams({station: stationId, from: beijingDay(), limit: String(SLOTS_LIMIT)});
  const data = await api('GET', `/api/v1/activities?${q}`);
  state.slots = ((data && data.items) || []).filter((a) => a.bookable);
  if (state.chosen)
    state.chosen = state.slots.find((a) => a.id === state.chosen.id) || null;
}

function facts(a) {
  return h('span', {class: 'slot-facts'},
    h('span', {class: 'slot-when'}, whenEl(a)),
    h('span', {class: 'slot-title'}, titleOf(a)),
    a.place ? h('span', null, `${t('activity.place')}${t('field.separator')}${a.place}`) : null,
    h('span', null, `${t('activity.duty')}${t('field.separator')}${onDuty(a)}`),
    h('span', {class: 'seats-open'}, seatsWords(a)));
}

function renderSlots() {
  const chosen = state.chosen ? state.chosen.id : null;
  $('pick-slots').replaceChildren(...state.slots.map((a) => h('label', {class: 'slot', for: `slot-${a.id}`},
    h('input', {type: 'radio', name: 'activity', id: `slot-${a.id}`, value: String(a.id), checked: a.id === chosen,
      'aria-describedby': 'pick-activity-error'}),
    facts(a))));
  const none = state.slots.length === 0;
  $('pick-empty').hidden = !none;
  $('pick-next').hidden = none;
  pickForm.querySelector('fieldset').hidden = none;
  if (none) {
    $('pick-empty').replaceChildren(t('booking.slots.empty'), ' ',
      h('a', {href: `/schedule.html?station=${stationId}`}, t('calendar.schedule')));
  }
}

function showStep(n, focus = true) {
  state.step = n;
  $('pick').hidden = n !== 1;
  $('details').hidden = n !== 2;
  $('done').hidden = n !== 3;
  const id = ['pick-step', 'details-step', 'done-step'][n - 1];
  say(id, () => t('booking.step', {n, name: t(`booking.step.${n}`)}));
  if (n === 2)
    $('details-chosen').replaceChildren(facts(state.chosen));
  if (focus)
    $(n === 3 ? 'done-heading' : id).focus();
}

function onPick() {
  pickErrors.clear();
  const checked = pickForm.querySelector('input[name="activity"]:checked');
  const slot = checked ? state.slots.find((a) => String(a.id) === checked.value) : null;
  if (!slot) {
    pickErrors.show([{field: 'activity', text: () => t('booking.error.activity')}]);
    return;
  }
  state.chosen = slot;
  detailsErrors.clear();
  showStep(2);
}

/* Back to step 1 with the times read again, saying why (a time that filled up or closed). */
async function backToPick(why) {
  state.chosen = null;
  try {
    await loadSlots();
  } catch {
    /* the list shown stays */
  }
  renderSlots();
  showStep(1, !why);
  if (why)
    pickErrors.show([{field: null, text: why}]);
}

/* ---- step 2: the topic and the phone -------------------------------------------------------- */

function values() {
  const text = (name) => String(detailsForm.elements.namedItem(name).value);
  return {
    topic: text('topic').trim(),
    phone: text('phone').replace(/\s+/g, ''), /* 138 1234 5678 as people write it */
    name: text('name').trim()
  };
}

function problems(v) {
  const out = [];
  if (!v.topic)
    out.push({field: 'topic', text: () => t('booking.error.topic')});
  else if (chars(v.topic) > TOPIC_MAX)
    out.push({field: 'topic', text: () => t('booking.error.topic.long', {n: chars(v.topic) - TOPIC_MAX})});
  if (!v.phone)
    out.push({field: 'phone', text: () => t('booking.error.phone.empty')});
  else if (!MOBILE.test(v.phone) && !LANDLINE.test(v.phone))
    out.push({field: 'phone', text: () => t('booking.error.phone')});
  if (chars(v.name) > NAME_MAX)
    out.push({field: 'name', text: () => t('booking.error.name')});
  return out;
}

const FIELDS = new Set(['topic', 'phone', 'name']);

async function book() {
  detailsErrors.clear();
  const v = values();
  const found = problems(v);
  if (found.length) {
    detailsErrors.show(found);
    return;
  }
  const body = {topic: v.topic, phone: v.phone};
  if (v.name)
    body.name = v.name;
  say('details-sending', () => t('booking.sending'));
  let made;
  try {
    made = await api('POST', `/api/v1/activities/${state.chosen.id}/bookings`, body);
  } catch (err) {
    say('details-sending', null);
    if (err.code === 'full' || err.code === 'closed' || err.status === 404)
      await backToPick(() => t(err.code === 'full' ? 'booking.error.full' : 'booking.error.closed'));
    else if (err.code === 'already_booked')
      detailsErrors.show([{field: 'phone', text: () => t('booking.error.already_booked')}]);
    else if (err.status === 422 && FIELDS.has(err.field))
      detailsErrors.show([{field: err.field, text: () => t(`booking.error.${err.field}`)}]);
    else
      detailsErrors.show([{field: null, text: requestProblem(err, 'booking.error.too_many')}]);
    return;
  }
  say('details-sending', null);
  state.booked = {...made, activity: made.activity || state.chosen, phone4: v.phone.slice(-4)};
  renderDone();
  showStep(3);
}

/* ---- step 3: the code ------------------------------------------------------------------------ */

function renderDone() {
  const b = state.booked;
  if (!b)
    return;
  $('done-code').textContent = spaced(b.code);
  $('done-code-spoken').textContent = spelled(b.code);
  $('done-activity').replaceChildren(activityFacts(b.activity));
}

async function copyCode() {
  try {
    await navigator.clipboard.writeText(state.booked.code);
    say('done-copied', () => t('booking.copied'));
  } catch {
    /* no clipboard (an insecure origin, or refused): the code is selected to copy by hand */
    const range = document.createRange();
    range.selectNodeContents($('done-code'));
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
    say('done-copied', () => t('booking.copy.failed'));
  }
}

function openMine() {
  mineForm.elements.namedItem('code').value = spaced(state.booked.code);
  mineForm.elements.namedItem('phone4').value = state.booked.phone4;
  mineForm.elements.namedItem('phone4').focus();
}

async function bookAgain() {
  detailsForm.reset();
  detailsErrors.clear();
  pickErrors.clear();
  say('done-copied', null);
  state.booked = null;
  await backToPick(null);
}

/* ---- my booking ------------------------------------------------------------------------------- */

function row(key, value) {
  return value === null || value === undefined || value === '' ? null
    : h('div', null, h('dt', null, t(key)), h('dd', null, value));
}

function activityFacts(a) {
  return h('dl', {class: 'details'},
    row('mine.activity', whenEl(a)),
    row('schedule.col.activity', titleOf(a)),
    row('mine.station', a.station ? a.station.name : (state.station && state.station.name)),
    row('activity.place', a.place),
    row('activity.duty', onDuty(a)));
}

function renderMine() {
  const m = state.mine;
  $('mine-result').hidden = !m;
  if (!m)
    return;
  const v = m.view;
  $('mine-body').replaceChildren(
    h('dl', {class: 'details'},
      row('mine.code', h('span', null, h('span', {class: 'code-text', 'aria-hidden': 'true'}, spaced(v.code)),
        h('span', {class: 'visually-hidden'}, spelled(v.code)))),
      row('mine.state', h('strong', {class: `booking-state ${v.state}`}, t(`mine.state.${v.state}`))),
      row('mine.topic', v.topic),
      row('mine.booked_at', v.created_at ? timeEl(v.created_at) : null)),
    v.activity ? activityFacts(v.activity) : null);
  const actions = [];
  const open = v.state === 'confirmed' && (!v.activity || v.activity.starts_at > Date.now() / 1000);
  if (open && !state.confirming) {
    actions.push(h('button', {type: 'button', class: 'danger', id: 'mine-cancel', onclick: askCancel}, t('mine.cancel')));
  } else if (open) {
    actions.push(h('p', {class: 'confirm-question', id: 'mine-confirm'}, t('mine.cancel.confirm')),
      h('button', {type: 'button', class: 'danger', id: 'mine-cancel-yes', onclick: () => once(mineForm, cancel)},
        t('mine.cancel.yes')),
      h('button', {type: 'button', class: 'secondary', id: 'mine-cancel-no', onclick: keep}, t('mine.cancel.no')));
  } else if (v.state === 'cancelled' && stationId) {
    actions.push(h('a', {class: 'button secondary', href: `/booking.html?station=${stationId}`}, t('mine.book_again')));
  }
  $('mine-actions').replaceChildren(...actions);
}

function askCancel() {
  state.confirming = true;
  renderMine();
  $('mine-cancel-no').focus();
}

function keep() {
  state.confirming = false;
  renderMine();
  $('mine-cancel').focus();
}

function bookingPath(code) {
  return `/api/v1/bookings/${encodeURIComponent(code)}`;
}

async function lookUp() {
  mineErrors.clear();
  const code = normalizeCode(mineForm.elements.namedItem('code').value);
  const phone4 = String(mineForm.elements.namedItem('phone4').value).trim();
  const found = [];
  if (!code)
    found.push({field: 'code', text: () => t('mine.error.code.empty')});
  else if (!CODE.test(code))
    found.push({field: 'code', text: () => t('mine.error.code')});
  if (!/^[0-9]{4}$/.test(phone4))
    found.push({field: 'phone4', text: () => t('mine.error.phone4')});
  if (found.length) {
    mineErrors.show(found);
    return;
  }
  say('mine-busy', () => t('mine.busy'));
  let view;
  try {
    view = await api('GET', `${bookingPath(code)}?${new URLSearchParams({phone4})}`);
  } catch (err) {
    say('mine-busy', null);
    state.mine = null;
    renderMine();
    mineErrors.show([{field: null, text: err.status === 404 ? () => t('mine.error.not_found')
      : requestProblem(err, 'booking.error.too_many')}]);
    return;
  }
  say('mine-busy', null);
  say('mine-notice', null);
  state.mine = {code, phone4, view};
  state.confirming = false;
  renderMine();
  $('mine-result-heading').focus();
}

async function cancel() {
  mineErrors.clear();
  const m = state.mine;
  let view;
  try {
    view = await api('POST', `${bookingPath(m.code)}/cancel`, {phone4: m.phone4});
  } catch (err) {
    state.confirming = false;
    renderMine();
    mineErrors.show([{field: null, text: err.status === 409 ? () => t('mine.error.cancel')
      : err.status === 404 ? () => t('mine.error.not_found') : requestProblem(err, 'booking.error.too_many')}]);
    return;
  }
  state.mine = {...m, view: {...m.view, ...view}};
  state.confirming = false;
  renderMine();
  say('mine-notice', () => t('mine.cancelled'));
  $('mine-result-heading').focus();
  if (stationId && state.step === 1) {
    /* the seat is free again: the list of times shows it */
    loadSlots().then(renderSlots).catch(() => null);
  }
}

/* ---- start ---------------------------------------------------------------------------------- */

function render() {
  if (state.station)
    say('booking-at', () => t('booking.at', {name: state.station.name}));
  if (state.step === 1)
    renderSlots();
  if (state.step === 2)
    $('details-chosen').replaceChildren(facts(state.chosen));
  renderDone();
  renderMine();
  pickErrors.render();
  detailsErrors.render();
  mineErrors.render();
}

function fail(status) {
  state.status = status;
  say('status', status);
}

async function start() {
  initI18n();
  document.addEventListener('langchange', () => {
    rerenderMessages();
    render();
  });
  pickForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    onPick();
  });
  detailsForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    once(detailsForm, book);
  });
  mineForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    once(mineForm, lookUp);
  });
  $('details-change').addEventListener('click', () => backToPick(null));
  $('done-copy').addEventListener('click', copyCode);
  $('done-mine').addEventListener('click', openMine);
  $('done-again').addEventListener('click', bookAgain);
  const code = new URLSearchParams(window.location.search).get('code');
  if (code)
    mineForm.elements.namedItem('code').value = spaced(normalizeCode(code).slice(0, 8));

  if (!stationId) {
    fail(() => t('booking.no_station'));
    return;
  }
  $('back-link').href = `/station.html?id=${stationId}`;
  $('back-link').dataset.i18n = 'booking.back';
  $('back-link').textContent = t('booking.back');
  try {
    const station = await api('GET', `/api/v1/stations/${stationId}`);
    state.station = {id: station.id, name: station.name};
    await loadSlots();
  } catch (err) {
    fail(err.status === 404 ? () => t('booking.not_found')
      : err.code === 'network' ? () => t('error.network') : () => t('error.unknown', {status: err.status}));
    return;
  }
  say('status', null);
  $('status').hidden = true;
  $('booking-at').hidden = false;
  say('booking-at', () => t('booking.at', {name: state.station.name}));
  renderSlots();
  /* a time chosen on the station's page: straight to step 2 when it can still be booked */
  state.chosen = wanted ? state.slots.find((a) => String(a.id) === wanted) || null : null;
  if (state.chosen)
    showStep(2, false);
  else
    showStep(1, false);
  if (window.location.hash === '#mine')
    $('mine').scrollIntoView();
}

start();
